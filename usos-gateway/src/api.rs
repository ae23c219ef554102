//! `services/…`: the contract's five methods, forwarded to USOS signed;
//! anything else answered here and never sent on.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::PrivateCookieJar;

use crate::error::GatewayError;
use crate::forward::forwarded;
use crate::log::UpstreamStatus;
use crate::routes::AppState;

/// Forwards one call, or refuses it in USOS's error shape.
pub async fn forward(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(target) = forwarded(uri.path()) else {
        return GatewayError::MethodNotFound.into_response();
    };
    if method != Method::GET && method != Method::POST {
        return GatewayError::WrongHttpMethod.into_response();
    }
    let mut args: Vec<(String, String)> = pairs(uri.query().unwrap_or_default().as_bytes());
    if method == Method::POST {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if is_form {
            args.extend(pairs(&body));
        } else if !body.is_empty() {
            return GatewayError::NotAForm.into_response();
        }
    }
    let session = if target.needs_student {
        match state.cookies.session(&jar) {
            Some(session) => Some(session),
            None => return GatewayError::Unauthorized.into_response(),
        }
    } else {
        None
    };
    let answer = state
        .usos
        .call(&method, target.path, &args, session.as_ref())
        .await;
    match answer {
        Ok(answer) if answer.status == StatusCode::UNAUTHORIZED => {
            // USOS no longer accepts the token (revoked, expired): forget it.
            let jar = jar.add(state.cookies.removal(state.cookies.session_name(), "/"));
            let mut response = (jar, GatewayError::Unauthorized).into_response();
            response.extensions_mut().insert(UpstreamStatus(401));
            response
        }
        Ok(answer) => {
            let status = answer.status;
            let mut response = (status, answer.body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            if let Some(retry_after) = answer.retry_after {
                headers.insert(header::RETRY_AFTER, retry_after);
            }
            response
                .extensions_mut()
                .insert(UpstreamStatus(status.as_u16()));
            response
        }
        Err(error) => error.into_response(),
    }
}

fn pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes)
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}
