//! `services/…`: the contract's five methods, forwarded to USOS signed;
//! anything else answered here and never sent on.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::PrivateCookieJar;

use crate::error::GatewayError;
use crate::forward::forwarded;
use crate::installation::Place;
use crate::limits::Refused;
use crate::log::{ServedFor, UpstreamStatus};
use crate::state::{names_another, AppState};
use crate::upstream::answer_kind;

/// Forwards one call, or refuses it in USOS's error shape.
pub async fn forward(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    // A body over the limit is refused in USOS's shape, like every refusal;
    // one that could not be read at all gets axum's own answer.
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return GatewayError::TooLarge.into_response();
        }
        Err(rejection) => return rejection.into_response(),
    };
    let Some(target) = forwarded(uri.path()) else {
        return GatewayError::MethodNotFound.into_response();
    };
    let args = match arguments(&method, &uri, &headers, &body) {
        Ok(args) => args,
        Err(refused) => return refused.into_response(),
    };
    // Whose USOS: the student's session's installation (checked against
    // the host's); for `installation`, which needs no student, the host's,
    // else the session's.
    let place = state.place(&headers);
    let student = state.student(&jar, &headers, &place);
    let (installation, session) = match (target.needs_student, student, &place) {
        (_, Ok(student), _) => (student.installation, Some(student.session)),
        (false, Err(_), Place::Own(installation)) => (installation.clone(), None),
        (_, Err(_), Place::Shared) => return GatewayError::ChooseInstallation.into_response(),
        (true, Err(refused), Place::Own(_)) => return refused.into_response(),
    };
    let session = session.filter(|_| target.needs_student);
    let served = ServedFor(installation.label);
    if names_another(&args, &installation) {
        return served.mark(GatewayError::Unauthorized.into_response());
    }
    if let Some(session) = &session {
        if let Err(Refused::Session { retry_after }) =
            state.limits.check_session(session_key(&session.token))
        {
            state.metrics.rate_limited("session", installation.label);
            return served.mark(
                GatewayError::TooManyRequests(retry_after.as_secs_f64().ceil() as u64)
                    .into_response(),
            );
        }
    }
    // What needs no student (the installation) is the same for everyone.
    let cache_key = (!target.needs_student).then(|| uri.query().unwrap_or_default().to_owned());
    if let Some(body) = cache_key.as_deref().and_then(|q| installation.cache.get(q)) {
        state.metrics.installation_cache_hit(installation.label);
        return served.mark(json_answer(StatusCode::OK, body, None));
    }
    let Some(usos) = &installation.usos else {
        // No key for it yet: nothing can be asked of its USOS, and the
        // widget says it does not issue mLegitymacja here.
        return served.mark(json_answer(
            StatusCode::OK,
            Bytes::from_static(b"{\"mcards_support\":false}"),
            None,
        ));
    };
    let Ok(_permit) = installation.upstream.permit() else {
        state.metrics.rate_limited("upstream", installation.label);
        return served.mark(GatewayError::TooManyRequests(1).into_response());
    };
    let started = Instant::now();
    let answer = usos
        .call(&method, target.path, &args, session.as_ref())
        .await;
    state
        .metrics
        .upstream_took(target.path, installation.label, started.elapsed());
    state
        .metrics
        .usos_answered(installation.label, target.path, answer_kind(&answer));
    // Near the university's limit, the widget is asked to check its
    // order's status less often (it honours `Retry-After` on any answer).
    let patience = (method == Method::GET && installation.upstream.nearly_full())
        .then(|| HeaderValue::from_static(PATIENCE_SECONDS));
    if let Ok(answer) = &answer {
        if answer.status.is_success() {
            if target.path == "services/cards/make_mcard_order" {
                state.metrics.order_placed(installation.label);
            }
            if let Some(query) = &cache_key {
                installation.cache.put(query, answer.body.clone());
            }
            if target.needs_student && method == Method::GET {
                state.note_answer(&installation, target.path, &answer.body);
            }
        }
    }
    let response = match answer {
        Ok(answer) if answer.status == StatusCode::UNAUTHORIZED => {
            // USOS no longer accepts the token (revoked, expired): forget it.
            let cookies = state.cookies(&place);
            let jar = jar.add(cookies.removal(cookies.session_name(), "/"));
            let mut response = (jar, GatewayError::Unauthorized).into_response();
            response.extensions_mut().insert(UpstreamStatus(401));
            response
        }
        Ok(answer) => {
            let status = answer.status;
            let retry_after = answer.retry_after.or(patience);
            let mut response = json_answer(status, answer.body, retry_after);
            response
                .extensions_mut()
                .insert(UpstreamStatus(status.as_u16()));
            response
        }
        Err(error) => error.into_response(),
    };
    served.mark(response)
}

/// How long a widget is asked to wait before checking again, in seconds,
/// when its university's places for calls are nearly all taken.
const PATIENCE_SECONDS: &str = "30";

/// USOS's JSON answer as the browser gets it.
fn json_answer(status: StatusCode, body: Bytes, retry_after: Option<HeaderValue>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(retry_after) = retry_after {
        headers.insert(header::RETRY_AFTER, retry_after);
    }
    response
}

/// The rate limiter's key for a session: a hash of its token, so the token
/// itself is not kept in the limiter's memory.
fn session_key(token: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static SEED: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    let mut hasher = SEED.get_or_init(Default::default).build_hasher();
    hasher.write(token.as_bytes());
    hasher.finish()
}

/// The call's arguments: the query's, and for POST the form body's too.
fn arguments(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, GatewayError> {
    if method != Method::GET && method != Method::POST {
        return Err(GatewayError::WrongHttpMethod);
    }
    let mut args = pairs(uri.query().unwrap_or_default().as_bytes());
    if method == Method::POST {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if is_form {
            args.extend(pairs(body));
        } else if !body.is_empty() {
            return Err(GatewayError::NotAForm);
        }
    }
    Ok(args)
}

fn pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes)
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}
