//! One log line per request: method, path without its query, status,
//! duration, the installation it was for and USOS's status. Nothing else from the request is logged, so
//! no token, verifier, code or student number can reach the log.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// The status USOS answered a forwarded call with, for the log line.
#[derive(Clone, Copy, Debug)]
pub struct UpstreamStatus(pub u16);

/// The installation a request was for (its id), for the log line and the
/// metrics; a handler that knows it puts it on its response.
#[derive(Clone, Copy, Debug)]
pub struct ServedFor(pub &'static str);

impl ServedFor {
    /// `response`, marked as served for this installation.
    pub fn mark(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

/// Middleware that writes the line and counts the request.
pub async fn log_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(120).collect();
    let response = next.run(request).await;
    let upstream = response.extensions().get::<UpstreamStatus>().map(|u| u.0);
    let installation = response.extensions().get::<ServedFor>().map_or("", |s| s.0);
    state
        .metrics
        .count_request(&path, response.status().as_u16(), installation);
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        installation = (!installation.is_empty()).then_some(installation),
        upstream_status = upstream,
        "request"
    );
    response
}
