//! Signing in through USOS (OAuth 1.0a's three legs) and out again.
//!
//! `GET /auth/login?return=URL` (on the shared address of many
//! installations: `?installation=ID&return=URL`) → the installation's USOS
//! sign-in page → `GET /auth/callback` → back to `return`. `POST
//! /auth/logout` revokes the token and forgets it.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::PrivateCookieJar;
use serde_json::json;

use url::Url;

use crate::error::{usos_json, GatewayError};
use crate::installation::Place;
use crate::log::ServedFor;
use crate::return_to::safe_return;
use crate::session::{now_s, Session, SignIn};
use crate::state::AppState;
use crate::upstream::Tokens;

/// Asks the installation's USOS for a request token and sends the student
/// to sign in there. The installation is the host's, or, on the shared
/// address, the one the student picked (`installation=ID`).
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: PrivateCookieJar,
    RawQuery(query): RawQuery,
) -> Response {
    let place = state.place(&headers);
    let installations = state.installations();
    let public_url = place.public_url(&installations).clone();
    let requested = argument(query.as_deref(), "return");
    let return_to = safe_return(
        requested.as_deref(),
        &public_url,
        &state.allowed_origins(&place),
    );
    let page = |status, problem| problem_page(&public_url, status, problem, &return_to, None);
    let asked = argument(query.as_deref(), "installation");
    let installation = match (&place, asked) {
        (Place::Own(here), None) => here.clone(),
        (Place::Own(here), Some(id)) if id == here.id => here.clone(),
        (Place::Own(_), Some(_)) => {
            return page(StatusCode::BAD_REQUEST, Problem::OtherInstallation)
        }
        (Place::Shared, Some(id)) => match installations.by_id(&id) {
            Some(installation) => installation.clone(),
            None => return page(StatusCode::NOT_FOUND, Problem::UnknownInstallation),
        },
        (Place::Shared, None) => return page(StatusCode::BAD_REQUEST, Problem::ChooseFirst),
    };
    let served = ServedFor(installation.label);
    let usos = match &installation.usos {
        Some(usos) if installation.available() => usos,
        _ => return served.mark(page(StatusCode::NOT_FOUND, Problem::Unavailable)),
    };
    let callback = format!("{public_url}auth/callback");
    let response = match usos.request_token(&callback, &state.config.scopes).await {
        Ok(tokens) => {
            let sign_in = SignIn {
                installation: Some(installation.id.clone()),
                token: tokens.token,
                secret: tokens.secret,
                return_to,
                issued: now_s(),
            };
            let to = usos.authorize_url(&sign_in.token);
            let jar = jar.add(state.cookies(&place).sign_in_cookie(&sign_in));
            (jar, Redirect::to(&to)).into_response()
        }
        Err(error) => problem_page(
            &public_url,
            error.status(),
            Problem::UsosUnavailable,
            &return_to,
            Some(&installation.id),
        ),
    };
    served.mark(response)
}

/// USOS sends the student back here with the request token and the verifier.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: PrivateCookieJar,
    RawQuery(query): RawQuery,
) -> Response {
    let place = state.place(&headers);
    let installations = state.installations();
    let public_url = place.public_url(&installations).clone();
    let home = public_url.to_string();
    let cookies = state.cookies(&place);
    let Some(sign_in) = cookies.sign_in(&jar) else {
        return problem_page(
            &public_url,
            StatusCode::BAD_REQUEST,
            Problem::Mismatch,
            &home,
            None,
        );
    };
    let mismatch = |installation: Option<&str>| {
        problem_page(
            &public_url,
            StatusCode::BAD_REQUEST,
            Problem::Mismatch,
            &sign_in.return_to,
            installation,
        )
    };
    // The sign-in's installation, which must be the host's where the host
    // is an installation's.
    let installation = match sign_in.installation.as_deref() {
        Some(id) => installations.by_id(id),
        None => installations.single(),
    };
    let Some(installation) = installation
        .filter(|i| place.installation().is_none_or(|here| here.id == i.id))
        .cloned()
    else {
        return mismatch(None);
    };
    let served = ServedFor(installation.label);
    let Some(usos) = &installation.usos else {
        return served.mark(mismatch(None));
    };
    let token = argument(query.as_deref(), "oauth_token");
    let verifier = argument(query.as_deref(), "oauth_verifier");
    let (Some(token), Some(verifier)) = (token, verifier) else {
        return served.mark(mismatch(Some(&installation.id)));
    };
    if token != sign_in.token {
        return served.mark(mismatch(Some(&installation.id)));
    }
    let request = Tokens {
        token: sign_in.token.clone(),
        secret: sign_in.secret.clone(),
    };
    let jar = jar.add(cookies.removal(cookies.sign_in_name(), "/auth/"));
    let response = match usos.access_token(&request, &verifier).await {
        Ok(access) => {
            let session = Session {
                installation: Some(installation.id.clone()),
                token: access.token,
                secret: access.secret,
                issued: now_s(),
            };
            let jar = jar.add(cookies.session_cookie(&session));
            // Checked again: the cookie was sealed by us, but a key shared
            // with an older release might have sealed another rule.
            let to = safe_return(
                Some(&sign_in.return_to),
                &public_url,
                &state.allowed_origins(&place),
            );
            state.metrics.signed_in(installation.label);
            tracing::info!(installation = installation.label, "sign-in completed");
            (jar, Redirect::to(&to)).into_response()
        }
        Err(GatewayError::Unauthorized) => (jar, mismatch(Some(&installation.id))).into_response(),
        Err(error) => (
            jar,
            problem_page(
                &public_url,
                error.status(),
                Problem::UsosUnavailable,
                &sign_in.return_to,
                Some(&installation.id),
            ),
        )
            .into_response(),
    };
    served.mark(response)
}

/// Revokes the token at USOS (a failure there does not keep the student
/// signed in) and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    headers: HeaderMap,
) -> Response {
    let place = state.place(&headers);
    let mut served = None;
    if let Ok(student) = state.student(&jar, &headers, &place) {
        served = Some(ServedFor(student.installation.label));
        if let Some(push) = &state.push {
            // Signed out: nothing more is sent to this student's devices.
            if let Err(error) = push
                .store
                .delete_watches_of(&push.vault.owner(&student.session))
                .await
            {
                // The token is revoked below: the watcher ends them on 401.
                push.store.note_failure(&error);
            }
        }
        if let Some(usos) = &student.installation.usos {
            if let Err(error) = usos.revoke_token(&student.session).await {
                tracing::warn!(
                    reason = error.code(),
                    "revoke_token failed; the cookie is cleared anyway"
                );
            }
        }
    }
    let cookies = state.cookies(&place);
    let jar = jar.add(cookies.removal(cookies.session_name(), "/"));
    let mut response = (
        jar,
        usos_json(StatusCode::OK, json!({"success": true}).to_string()),
    )
        .into_response();
    if let Some(served) = served {
        response.extensions_mut().insert(served);
    }
    response
}

/// Why sign-in stopped.
#[derive(Clone, Copy)]
enum Problem {
    /// The callback does not belong to this browser's sign-in (stale, reused,
    /// or forged), or USOS refused the verifier.
    Mismatch,
    UsosUnavailable,
    /// On the shared address, without a university chosen.
    ChooseFirst,
    /// An `installation` this gateway does not serve.
    UnknownInstallation,
    /// An installation listed without sign-in (no key yet, or no mLegitymacja).
    Unavailable,
    /// Another installation's id on this installation's own address.
    OtherInstallation,
}

/// A page in Polish and English with a link to try again (or to choose a
/// university, where that is what is missing).
fn problem_page(
    public_url: &Url,
    status: StatusCode,
    problem: Problem,
    return_to: &str,
    installation: Option<&str>,
) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(id) = installation {
        query.append_pair("installation", id);
    }
    query.append_pair("return", return_to);
    let retry = match problem {
        // Back to the page, where the student picks a university.
        Problem::ChooseFirst
        | Problem::UnknownInstallation
        | Problem::Unavailable
        | Problem::OtherInstallation => public_url.to_string(),
        Problem::Mismatch | Problem::UsosUnavailable => {
            format!("{public_url}auth/login?{}", query.finish())
        }
    };
    let (pl, en, again_pl, again_en) = match problem {
        Problem::Mismatch => (
            "Logowanie nie powiodło się: odpowiedź USOS nie pasuje do logowania rozpoczętego w tej przeglądarce (mogło wygasnąć po 10 minutach lub zostać otwarte w innej karcie).",
            "Signing in failed: USOS's answer does not match the sign-in started in this browser (it may have expired after 10 minutes or been opened in another tab).",
            "Spróbuj ponownie",
            "Try again",
        ),
        Problem::UsosUnavailable => (
            "Logowanie nie powiodło się: USOS nie odpowiada. Spróbuj ponownie za chwilę.",
            "Signing in failed: USOS is not answering. Please try again in a moment.",
            "Spróbuj ponownie",
            "Try again",
        ),
        Problem::ChooseFirst => (
            "Najpierw wybierz swoją uczelnię: logujesz się przez jej USOS.",
            "Choose your university first: you sign in through its USOS.",
            "Wybierz swoją uczelnię",
            "Choose your university",
        ),
        Problem::UnknownInstallation => (
            "Nie znamy takiej uczelni. Wybierz swoją uczelnię z listy.",
            "This university is not known here. Choose yours from the list.",
            "Wybierz swoją uczelnię",
            "Choose your university",
        ),
        Problem::Unavailable => (
            "mLegitymacja nie jest jeszcze dostępna w tym serwisie dla tej uczelni.",
            "mLegitymacja is not available through this service at this university yet.",
            "Wróć",
            "Go back",
        ),
        Problem::OtherInstallation => (
            "Ta strona należy do innej uczelni. Zaloguj się na stronie swojej uczelni.",
            "This page belongs to another university. Sign in on your university's page.",
            "Wróć",
            "Go back",
        ),
    };
    let page = format!(
        "<!DOCTYPE html><html lang=\"pl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>mLegitymacja — logowanie</title>\
         <link rel=\"stylesheet\" href=\"{public}auth/page.css\"></head><body><main>\
         <section><h1>mLegitymacja — logowanie przez USOS</h1>\
         <p class=\"problem\" data-test=\"sign-in-problem\">{pl}</p>\
         <p><a class=\"button\" href=\"{retry}\" data-test=\"try-again\">{again_pl}</a></p></section>\
         <section lang=\"en\"><h1>mLegitymacja — signing in through USOS</h1><p>{en}</p>\
         <p><a class=\"button\" href=\"{retry}\">{again_en}</a></p></section></main></body></html>",
        public = public_url,
        retry = escape(&retry)
    );
    (status, Html(page)).into_response()
}

/// The look of [`problem_page`], served at `/auth/page.css` (the strict CSP
/// allows no inline style).
pub async fn page_stylesheet() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/sign-in.css"),
    )
        .into_response()
}

fn argument(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
