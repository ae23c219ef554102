//! One log line per request: method, path without its query, status,
//! duration and USOS's status. Nothing else from the request is logged, so
//! no token, verifier, code or student number can reach the log.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::routes::AppState;

/// The status USOS answered a forwarded call with, for the log line.
#[derive(Clone, Copy, Debug)]
pub struct UpstreamStatus(pub u16);

/// Middleware that writes the line and counts the request.
pub async fn log_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(120).collect();
    let response = next.run(request).await;
    let upstream = response.extensions().get::<UpstreamStatus>().map(|u| u.0);
    state
        .metrics
        .count_request(&path, response.status().as_u16());
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        upstream_status = upstream,
        "request"
    );
    response
}
