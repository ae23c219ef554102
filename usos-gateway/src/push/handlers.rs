//! `/push/key` and `/push/subscriptions`: what the widget calls to offer
//! push and to turn it on or off.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::PrivateCookieJar;
use mcard_common::status::Status;
use serde_json::json;

use crate::error::{usos_json, GatewayError};
use crate::installation::Place;
use crate::log::ServedFor;
use crate::push::mcard::newest_of;
use crate::push::schedule::EAGER_INTERVAL;
use crate::push::subscription::{parse_subscribe, parse_unsubscribe, BadField};
use crate::push::Push;
use crate::return_to::safe_return;
use crate::state::{AppState, Student};
use crate::store::{now_ms, NewWatch};

/// `GET /push/key`: the VAPID public key, or 404 when push is not offered.
pub async fn key(State(state): State<AppState>) -> Response {
    match &state.push {
        Some(push) => usos_json(
            StatusCode::OK,
            json!({"public_key": push.sender.vapid().public_key()}).to_string(),
        ),
        None => GatewayError::PushNotOffered.into_response(),
    }
}

/// `POST /push/subscriptions`: starts (or renews) a watch over the
/// student's newest order, if it is on its way.
pub async fn subscribe(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (push, student, place, body) = match prepare(&state, &jar, &headers, body) {
        Ok(ready) => ready,
        Err(refused) => return refused.into_response(),
    };
    let served = ServedFor(student.installation.label);
    let request = match parse_subscribe(&body, &push.services) {
        Ok(request) => request,
        Err(bad) => return served.mark(bad_field(&bad)),
    };
    let open_url = safe_return(
        Some(&request.open_url),
        place.public_url(&state.installations()),
        &state.allowed_origins(&place),
    );
    let order = match newest_order(&state, &student).await {
        Ok(order) => order,
        Err(response) => return served.mark(response),
    };
    let (installation, session) = (&student.installation, &student.session);
    let Some((order_id, status)) = order.filter(|(_, status)| status.is_under_way()) else {
        return served.mark(usos_json(
            StatusCode::CONFLICT,
            json!({
                "error": "nothing_to_watch",
                "message": "No order is on its way: there is nothing to watch."
            })
            .to_string(),
        ));
    };
    let now = now_ms();
    let ends_at = now + push.watch_lifetime.as_millis() as i64;
    let id = format!("{:032x}", rand::random::<u128>());
    let owner = push.vault.owner(session);
    let sealed = push.vault.seal(session, &installation.id);
    let watch = NewWatch {
        id: &id,
        installation: &installation.id,
        owner: &owner,
        endpoint: request.subscription.endpoint.as_str(),
        p256dh: &request.subscription.p256dh,
        auth: &request.subscription.auth,
        lang: request.lang,
        open_url: &open_url,
        order_id: &order_id,
        last_status: status.name(),
        sealed_tokens: &sealed,
        now_ms: now,
        ends_at,
        next_check_at: now + EAGER_INTERVAL.as_millis() as i64,
        check_interval_ms: EAGER_INTERVAL.as_millis() as i64,
    };
    if let Err(error) = push.store.upsert_watch(&watch).await {
        push.store.note_failure(&error);
        return served.mark(GatewayError::DatabaseUnavailable.into_response());
    }
    tracing::info!(
        installation = installation.label,
        push_service = crate::push::endpoint::host_of(&request.subscription.endpoint),
        "watch started"
    );
    served.mark(usos_json(
        StatusCode::CREATED,
        json!({"watching": true, "until": iso_8601(ends_at)}).to_string(),
    ))
}

/// `DELETE /push/subscriptions`: the student's watch for this endpoint ends
/// (204 also when there was none).
pub async fn unsubscribe(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (push, student, _, body) = match prepare(&state, &jar, &headers, body) {
        Ok(ready) => ready,
        Err(refused) => return refused.into_response(),
    };
    let endpoint = match parse_unsubscribe(&body) {
        Ok(endpoint) => endpoint,
        Err(bad) => return bad_field(&bad),
    };
    let owner = push.vault.owner(&student.session);
    // The endpoint as stored: the parsed URL's form.
    let endpoint = url::Url::parse(&endpoint).map_or(endpoint, String::from);
    match push.store.delete_watch(&owner, &endpoint).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => {
            tracing::warn!(problem = crate::store::plain(&error), "cannot end a watch");
            GatewayError::DatabaseUnavailable.into_response()
        }
    }
}

/// What both handlers need first: push offered, a student signed in at
/// this place, a body in size.
fn prepare<'a>(
    state: &'a AppState,
    jar: &PrivateCookieJar,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(&'a Push, Student, Place, Bytes), GatewayError> {
    let push = state.push.as_ref().ok_or(GatewayError::PushNotOffered)?;
    if !push.store.is_ready() {
        return Err(GatewayError::DatabaseUnavailable);
    }
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            GatewayError::TooLarge
        } else {
            GatewayError::UnreadableBody
        }
    })?;
    let place = state.place(headers);
    let student = state.student(jar, headers, &place)?;
    Ok((push, student, place, body))
}

/// 400 in USOS's shape, naming the field.
fn bad_field(bad: &BadField) -> Response {
    usos_json(
        StatusCode::BAD_REQUEST,
        json!({"error": "param_invalid", "param_name": bad.field, "message": bad.message})
            .to_string(),
    )
}

/// The student's newest order and its status, read from their USOS now.
async fn newest_order(
    state: &AppState,
    student: &Student,
) -> Result<Option<(String, Status)>, Response> {
    let installation = &student.installation;
    let Some(usos) = &installation.usos else {
        return Err(GatewayError::InstallationUnavailable.into_response());
    };
    let Ok(_permit) = installation.upstream.permit() else {
        state.metrics.rate_limited("upstream", installation.label);
        return Err(GatewayError::TooManyRequests(1).into_response());
    };
    let answer = usos
        .call(
            &Method::GET,
            "services/cards/mcard",
            &[("fields".to_owned(), "orders".to_owned())],
            Some(&student.session),
        )
        .await
        .map_err(IntoResponse::into_response)?;
    if answer.status == StatusCode::UNAUTHORIZED {
        return Err(GatewayError::Unauthorized.into_response());
    }
    if !answer.status.is_success() {
        let mut response = usos_json(
            answer.status,
            String::from_utf8_lossy(&answer.body).into_owned(),
        );
        if let Some(retry_after) = answer.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after);
        }
        return Err(response);
    }
    Ok(newest_of(&answer.body, &installation.status_codes))
}

/// `2026-11-30T12:00:00Z` for Unix milliseconds.
fn iso_8601(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_iso_8601() {
        assert_eq!(iso_8601(0), "1970-01-01T00:00:00Z");
    }
}
