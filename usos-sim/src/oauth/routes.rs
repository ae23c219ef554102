//! `services/oauth/{request_token, authorize, access_token, revoke_token}`,
//! and the check in front of every `services/cards/*` method.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::provider::{Approval, Expect, Provider, Refusal, SignedRequest, Verified};
use crate::html::escape;
use crate::usos::{Args, UsosError};

/// The provider, shared by every handler.
#[derive(Clone)]
pub struct SharedProvider(Arc<Mutex<Provider>>);

impl std::fmt::Debug for SharedProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedProvider([redacted])")
    }
}

impl SharedProvider {
    pub fn new(provider: Provider) -> SharedProvider {
        SharedProvider(Arc::new(Mutex::new(provider)))
    }

    pub fn lock(&self) -> MutexGuard<'_, Provider> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One incoming request, as much of it as a signature covers.
pub struct Incoming<'a> {
    /// Where the installation's API is under the host: `""`, or `/uw`
    /// when the stand-in plays several (the signature covers the full path).
    pub base_path: &'a str,
    pub method: &'a Method,
    /// `cards/mcard`, `oauth/request_token`, … (below `services/`).
    pub method_path: &'a str,
    pub headers: &'a HeaderMap,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
}

impl Incoming<'_> {
    fn signed(&self) -> SignedRequest<'_> {
        let host = self
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let is_form = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        SignedRequest {
            method: self.method.as_str(),
            base_uri: format!(
                "http://{}{}/services/{}",
                host.to_ascii_lowercase(),
                self.base_path,
                self.method_path
            ),
            query: self.query,
            form_body: is_form.then_some(self.body),
            authorization: self
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|h| h.to_str().ok()),
        }
    }

    /// Verifies the request against `provider`, as USOS would.
    pub fn verify(&self, provider: &SharedProvider, expect: Expect) -> Result<Verified, UsosError> {
        provider
            .lock()
            .verify(&self.signed(), expect, unix_now())
            .map_err(unauthorized)
    }
}

/// A refused signature: 401 in USOS's shape.
pub fn unauthorized(refusal: Refusal) -> UsosError {
    UsosError::new(StatusCode::UNAUTHORIZED, "unauthorized", refusal.message())
}

/// `services/oauth/…`.
pub fn handle(
    provider: &SharedProvider,
    incoming: &Incoming<'_>,
    student_number: &str,
    institution: &str,
) -> Response {
    let outcome = match incoming.method_path {
        "oauth/request_token" => request_token(provider, incoming),
        "oauth/authorize" => return authorize(provider, incoming, student_number, institution),
        "oauth/access_token" => access_token(provider, incoming),
        "oauth/revoke_token" => revoke_token(provider, incoming),
        other => Err(UsosError::new(
            StatusCode::NOT_FOUND,
            "method_not_found",
            format!("Method services/{other} does not exist."),
        )),
    };
    match outcome {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn request_token(
    provider: &SharedProvider,
    incoming: &Incoming<'_>,
) -> Result<Response, UsosError> {
    let verified = incoming.verify(provider, Expect::ConsumerOnly)?;
    let callback = verified
        .callback
        .filter(|c| c == "oob" || c.starts_with("http://") || c.starts_with("https://"))
        .ok_or_else(|| UsosError::param_missing("oauth_callback"))?;
    let args = Args::parse(incoming.query, incoming.body);
    let scopes = args.optional("scopes").unwrap_or_default();
    if let Some(unknown) = scopes
        .split('|')
        .find(|s| !s.is_empty() && !KNOWN_SCOPES.contains(s))
    {
        return Err(UsosError::param_invalid(
            "scopes",
            format!("Unknown scope '{unknown}'."),
        ));
    }
    let (token, secret) = provider.lock().issue_request_token(callback);
    Ok(token_answer(&[
        ("oauth_token", &token),
        ("oauth_token_secret", &secret),
        ("oauth_callback_confirmed", "true"),
    ]))
}

/// Scopes the stand-in knows (a subset of USOS's).
const KNOWN_SCOPES: [&str; 4] = ["cards", "studies", "email", "offline_access"];

/// GET: the page where the student signs in and approves; POST (its
/// button): back to the application's callback with the verifier.
fn authorize(
    provider: &SharedProvider,
    incoming: &Incoming<'_>,
    student_number: &str,
    institution: &str,
) -> Response {
    let args = Args::parse(incoming.query, incoming.body);
    let token = args.optional("oauth_token").unwrap_or_default().to_owned();
    if !provider.lock().is_pending(&token) {
        return (
            StatusCode::BAD_REQUEST,
            Html(page(
                "<h1>Nieprawidłowe żądanie</h1><p>Ten odnośnik logowania wygasł lub jest nieprawidłowy. \
                 Wróć do aplikacji i spróbuj ponownie.</p>\
                 <p class=\"en\">This sign-in link has expired or is invalid. Go back to the application and try again.</p>",
            )),
        )
            .into_response();
    }
    if incoming.method != Method::POST {
        return Html(page(&format!(
            "<p class=\"institution\" data-test=\"institution\">{}</p>\
             <h1>Zaloguj się jako student {student_number}</h1>\
             <p>Aplikacja <strong>mLegitymacja</strong> prosi o dostęp do Twoich danych mLegitymacji \
             (zakres <code>cards</code>).</p>\
             <p class=\"en\">Sign in as student {student_number}: the mLegitymacja application asks \
             for access to your mLegitymacja data.</p>\
             <form method=\"post\" action=\"authorize\">\
             <input type=\"hidden\" name=\"oauth_token\" value=\"{}\">\
             <button type=\"submit\" data-test=\"approve\">Zaloguj się i zezwól / Sign in and allow</button>\
             </form>",
            escape(institution),
            escape(&token)
        )))
        .into_response();
    }
    match provider.lock().approve(&token) {
        Some(Approval::Redirect(to)) => Redirect::to(&to).into_response(),
        Some(Approval::OutOfBand(pin)) => Html(page(&format!(
            "<h1>Kod PIN / PIN</h1><p><code>{pin}</code></p>"
        )))
        .into_response(),
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

fn access_token(provider: &SharedProvider, incoming: &Incoming<'_>) -> Result<Response, UsosError> {
    let verified = incoming.verify(provider, Expect::RequestToken)?;
    let request_token = verified.token.unwrap_or_default();
    let (token, secret) = provider
        .lock()
        .issue_access_token(&request_token, verified.verifier.as_deref())
        .map_err(unauthorized)?;
    Ok(token_answer(&[
        ("oauth_token", &token),
        ("oauth_token_secret", &secret),
    ]))
}

fn revoke_token(provider: &SharedProvider, incoming: &Incoming<'_>) -> Result<Response, UsosError> {
    let verified = incoming.verify(provider, Expect::AccessToken)?;
    provider.lock().revoke(&verified.token.unwrap_or_default());
    Ok(crate::usos::json_response(
        StatusCode::OK,
        &serde_json::json!({"success": true}),
    ))
}

/// Token answers are form-encoded, as USOS sends them.
fn token_answer(pairs: &[(&str, &str)]) -> Response {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    (
        [(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

fn page(content: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"pl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>USOS — logowanie</title><link rel=\"stylesheet\" href=\"/demo/usos-login.css\"></head>\
         <body><div class=\"top\">USOS · Centralny System Uwierzytelniania (stand-in)</div>\
         <main>{content}</main></body></html>"
    )
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
