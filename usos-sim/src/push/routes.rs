//! The push service's HTTP side: `POST /push/{id}` receives a message (what
//! a gateway calls), and `/_sim/push/…` makes subscriptions, sets answers
//! and lists what arrived (what tests call).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::push::ece::decrypt;
use crate::push::service::{Received, Reply};
use crate::push::vapid::verify;
use crate::server::AppState;
use crate::usos::json_response;
use crate::world::unix_ms;

/// The most a push service must take (RFC 8030 §7.2).
const MAX_BODY: usize = 4096;

/// The longest a test may make an answer wait.
const MAX_DELAY_MS: u64 = 60_000;

/// `POST /push/{id}`: one message for one subscription.
pub async fn receive(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let origin = format!("http://{}", header("host").unwrap_or_default());
    let now_ms = unix_ms();
    let mut received = Received {
        subscription: id.clone(),
        received_at_ms: now_ms,
        answered_at_ms: now_ms,
        answered: 201,
        problem: None,
        ttl: header("ttl").and_then(|t| t.trim().parse().ok()),
        urgency: header("urgency").map(str::to_owned),
        topic: header("topic").map(str::to_owned),
        aud: None,
        sub: None,
        exp: None,
        vapid_key: None,
        payload: None,
    };
    let reply = {
        let service = state.push.lock();
        match check(&mut received, &service, &id, &origin, header, &body, now_ms) {
            Err((status, problem)) => {
                received.problem = Some(problem);
                Reply {
                    status,
                    ..Reply::default()
                }
            }
            Ok(()) => service
                .subscriptions
                .get(&id)
                .map(|s| s.reply)
                .unwrap_or_default(),
        }
    };
    if reply.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(reply.delay_ms)).await;
    }
    received.answered = reply.status;
    received.answered_at_ms = unix_ms();
    state.push.lock().received.push(received);
    let mut response = StatusCode::from_u16(reply.status)
        .unwrap_or(StatusCode::CREATED)
        .into_response();
    if let Some(seconds) = reply.retry_after {
        response
            .headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from(seconds));
    }
    response
}

/// Everything RFC 8030, 8291 and 8292 ask of a push; fills in what it read.
fn check<'h>(
    received: &mut Received,
    service: &crate::push::service::State,
    id: &str,
    origin: &str,
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
    now_ms: u64,
) -> Result<(), (u16, String)> {
    let subscription = service
        .subscriptions
        .get(id)
        .ok_or((404, "no such subscription".to_owned()))?;
    let vapid = verify(
        header("authorization").unwrap_or_default(),
        origin,
        now_ms / 1000,
    )
    .map_err(|problem| (401, format!("VAPID: {problem}")))?;
    received.aud = Some(vapid.aud);
    received.sub = Some(vapid.sub);
    received.exp = Some(vapid.exp);
    received.vapid_key = Some(vapid.key);
    if received.ttl.is_none() {
        return Err((400, "TTL missing or not a number".to_owned()));
    }
    if header("content-encoding") != Some("aes128gcm") {
        return Err((415, "Content-Encoding is not aes128gcm".to_owned()));
    }
    if body.len() > MAX_BODY {
        return Err((413, format!("{} bytes, more than 4096", body.len())));
    }
    let plain = decrypt(body, &subscription.secret, &subscription.auth)
        .map_err(|e| (400, format!("does not decrypt: {e:?}")))?;
    received.payload = Some(
        serde_json::from_slice(&plain).unwrap_or_else(|_| json!(String::from_utf8_lossy(&plain))),
    );
    Ok(())
}

/// `POST /_sim/push/subscriptions`: a subscription on this push service.
pub async fn subscribe(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    json_response(
        StatusCode::CREATED,
        &state.push.subscribe(&format!("http://{host}")),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The status to answer pushes with; 201 (or null) for the normal one.
    status: Option<u16>,
    retry_after: Option<u64>,
    /// How long to take to answer.
    delay_ms: Option<u64>,
}

/// `POST /_sim/push/answer/{id}` with `{"status": 410}`: how this
/// subscription's pushes are answered from now on.
pub async fn set_answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(answer) = serde_json::from_slice::<Answer>(&body) else {
        return crate::usos::UsosError::new(
            StatusCode::BAD_REQUEST,
            "param_invalid",
            "Send {\"status\": 410} (and optionally \"retry_after\": seconds, \"delay_ms\": milliseconds).",
        )
        .into_response();
    };
    let mut service = state.push.lock();
    let Some(subscription) = service.subscriptions.get_mut(&id) else {
        return crate::usos::UsosError::new(
            StatusCode::NOT_FOUND,
            "object_not_found",
            "No such subscription.",
        )
        .into_response();
    };
    subscription.reply = Reply {
        status: answer.status.unwrap_or(201),
        retry_after: answer.retry_after,
        delay_ms: answer.delay_ms.unwrap_or(0).min(MAX_DELAY_MS),
    };
    json_response(StatusCode::OK, &json!({"success": true}))
}

/// `GET /_sim/push/messages`: every push that arrived, oldest first.
pub async fn messages(State(state): State<AppState>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "messages": state.push.lock().received }),
    )
}
