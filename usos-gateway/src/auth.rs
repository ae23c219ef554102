//! Signing in through USOS (OAuth 1.0a's three legs) and out again.
//!
//! `GET /auth/login?return=URL` → USOS's sign-in page → `GET /auth/callback`
//! → back to `return`. `POST /auth/logout` revokes the token and forgets it.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::PrivateCookieJar;
use serde_json::json;

use crate::error::{usos_json, GatewayError};
use crate::return_to::safe_return;
use crate::routes::AppState;
use crate::session::{now_s, Session, SignIn};
use crate::upstream::Tokens;

/// Asks USOS for a request token and sends the student to sign in there.
pub async fn login(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    RawQuery(query): RawQuery,
) -> Response {
    let config = &state.config;
    let requested = argument(query.as_deref(), "return");
    let return_to = safe_return(
        requested.as_deref(),
        &config.public_url,
        &config.allowed_origins,
    );
    match state
        .usos
        .request_token(&config.callback_url(), &config.scopes)
        .await
    {
        Ok(tokens) => {
            let sign_in = SignIn {
                token: tokens.token,
                secret: tokens.secret,
                return_to,
                issued: now_s(),
            };
            let to = state.usos.authorize_url(&sign_in.token);
            let jar = jar.add(state.cookies.sign_in_cookie(&sign_in));
            (jar, Redirect::to(&to)).into_response()
        }
        Err(error) => problem_page(&state, error.status(), Problem::UsosUnavailable, &return_to),
    }
}

/// USOS sends the student back here with the request token and the verifier.
pub async fn callback(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    RawQuery(query): RawQuery,
) -> Response {
    let home = state.config.public_url.to_string();
    let Some(sign_in) = state.cookies.sign_in(&jar) else {
        return problem_page(&state, StatusCode::BAD_REQUEST, Problem::Mismatch, &home);
    };
    let token = argument(query.as_deref(), "oauth_token");
    let verifier = argument(query.as_deref(), "oauth_verifier");
    let (Some(token), Some(verifier)) = (token, verifier) else {
        return problem_page(
            &state,
            StatusCode::BAD_REQUEST,
            Problem::Mismatch,
            &sign_in.return_to,
        );
    };
    if token != sign_in.token {
        return problem_page(
            &state,
            StatusCode::BAD_REQUEST,
            Problem::Mismatch,
            &sign_in.return_to,
        );
    }
    let request = Tokens {
        token: sign_in.token.clone(),
        secret: sign_in.secret.clone(),
    };
    let jar = jar.add(
        state
            .cookies
            .removal(state.cookies.sign_in_name(), "/auth/"),
    );
    match state.usos.access_token(&request, &verifier).await {
        Ok(access) => {
            let session = Session {
                token: access.token,
                secret: access.secret,
                issued: now_s(),
            };
            let jar = jar.add(state.cookies.session_cookie(&session));
            // Checked again: the cookie was sealed by us, but a key shared
            // with an older release might have sealed another rule.
            let to = safe_return(
                Some(&sign_in.return_to),
                &state.config.public_url,
                &state.config.allowed_origins,
            );
            state.metrics.sign_ins.inc();
            tracing::info!("sign-in completed");
            (jar, Redirect::to(&to)).into_response()
        }
        Err(GatewayError::Unauthorized) => (
            jar,
            problem_page(
                &state,
                StatusCode::BAD_REQUEST,
                Problem::Mismatch,
                &sign_in.return_to,
            ),
        )
            .into_response(),
        Err(error) => (
            jar,
            problem_page(
                &state,
                error.status(),
                Problem::UsosUnavailable,
                &sign_in.return_to,
            ),
        )
            .into_response(),
    }
}

/// Revokes the token at USOS (a failure there does not keep the student
/// signed in) and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(session) = state.open_session(&jar, &headers) {
        if let Some(push) = &state.push {
            // Signed out: nothing more is sent to this student's devices.
            if let Err(error) = push
                .store
                .delete_watches_of(&push.vault.owner(&session))
                .await
            {
                // The token is revoked below: the watcher ends them on 401.
                push.store.note_failure(&error);
            }
        }
        if let Err(error) = state.usos.revoke_token(&session).await {
            tracing::warn!(
                reason = error.code(),
                "revoke_token failed; the cookie is cleared anyway"
            );
        }
    }
    let jar = jar.add(state.cookies.removal(state.cookies.session_name(), "/"));
    (
        jar,
        usos_json(StatusCode::OK, json!({"success": true}).to_string()),
    )
        .into_response()
}

/// Why sign-in stopped.
#[derive(Clone, Copy)]
enum Problem {
    /// The callback does not belong to this browser's sign-in (stale, reused,
    /// or forged), or USOS refused the verifier.
    Mismatch,
    UsosUnavailable,
}

/// A page in Polish and English with a link to try again.
fn problem_page(
    state: &AppState,
    status: StatusCode,
    problem: Problem,
    return_to: &str,
) -> Response {
    let retry = format!(
        "{}auth/login?{}",
        state.config.public_url,
        form_urlencoded::Serializer::new(String::new())
            .append_pair("return", return_to)
            .finish()
    );
    let (pl, en) = match problem {
        Problem::Mismatch => (
            "Logowanie nie powiodło się: odpowiedź USOS nie pasuje do logowania rozpoczętego w tej przeglądarce (mogło wygasnąć po 10 minutach lub zostać otwarte w innej karcie).",
            "Signing in failed: USOS's answer does not match the sign-in started in this browser (it may have expired after 10 minutes or been opened in another tab).",
        ),
        Problem::UsosUnavailable => (
            "Logowanie nie powiodło się: USOS nie odpowiada. Spróbuj ponownie za chwilę.",
            "Signing in failed: USOS is not answering. Please try again in a moment.",
        ),
    };
    let page = format!(
        "<!DOCTYPE html><html lang=\"pl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>mLegitymacja — logowanie</title>\
         <link rel=\"stylesheet\" href=\"{public}auth/page.css\"></head><body><main>\
         <section><h1>mLegitymacja — logowanie przez USOS</h1>\
         <p class=\"problem\" data-test=\"sign-in-problem\">{pl}</p>\
         <p><a class=\"button\" href=\"{retry}\" data-test=\"try-again\">Spróbuj ponownie</a></p></section>\
         <section lang=\"en\"><h1>mLegitymacja — signing in through USOS</h1><p>{en}</p>\
         <p><a class=\"button\" href=\"{retry}\">Try again</a></p></section></main></body></html>",
        public = state.config.public_url,
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
