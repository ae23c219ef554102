//! The gateway's router, built in one place.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use axum_extra::extract::cookie::PrivateCookieJar;
use serde_json::json;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::error::{usos_json, GatewayError};
use crate::installation::{Installation, Place};
use crate::log::ServedFor;
use crate::origin::may_change_state;
use crate::state::AppState;

/// The largest request body taken: the contract's arguments are a few
/// dozen bytes.
const BODY_LIMIT: usize = 16 * 1024;

/// Every route: sign-in, the forwarded API, the installations, health, and
/// the widget's files.
pub fn routes(state: AppState) -> Router {
    let state_changing = Router::new()
        .route("/services/{*method}", any(crate::api::forward))
        .route("/auth/logout", post(crate::auth::logout))
        .route(
            "/push/subscriptions",
            post(crate::push::handlers::subscribe).delete(crate::push::handlers::unsubscribe),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_foreign_posts,
        ));
    let app = Router::new()
        .route("/auth/login", get(crate::auth::login))
        .route("/auth/callback", get(crate::auth::callback))
        .route("/auth/page.css", get(crate::auth::page_stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/installations", get(installations))
        .route("/installation", get(installation))
        .route("/wait", get(wait))
        .route("/push/key", get(crate::push::handlers::key))
        .merge(state_changing)
        .with_state(state.clone());
    let app = match &state.config.dist {
        Some(dist) => widget_hosting::with_dist(app, dist),
        None => app.fallback(|| async { GatewayError::MethodNotFound }),
    };
    // CORS on everything: the API for the widget's calls, and the files,
    // because a page on an allowed origin loads widget.js and the wasm from
    // here as modules, which browsers fetch in CORS mode.
    app.layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(cors(state.clone()))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), framed_by))
        .layer(middleware::from_fn(|request, next| {
            widget_hosting::add_headers(
                request,
                next,
                None,
                &[
                    "/services/",
                    "/auth/",
                    "/push/",
                    "/healthz",
                    "/readyz",
                    "/metrics",
                ],
            )
        }))
        .layer(middleware::from_fn_with_state(
            state,
            crate::log::log_request,
        ))
}

/// 200 while this copy can serve: an installation whose USOS is away must
/// not take every copy out of the balancer. Beside it, each installation's
/// state (what it last answered, its calls under way) and the watches'
/// database; a copy whose database is away still forwards, signs in and
/// serves the files, and only `/push/*` answers 503 until it is back.
async fn readyz(State(state): State<AppState>) -> Response {
    let database = match &state.push {
        Some(push) => serde_json::Value::Bool(push.store.is_ready() && push.store.ping().await),
        None => serde_json::Value::Null,
    };
    let installations: serde_json::Map<String, serde_json::Value> = state
        .installations()
        .all()
        .iter()
        .map(|i| (i.id.clone(), i.readiness()))
        .collect();
    usos_json(
        StatusCode::OK,
        json!({"ready": true, "installations": installations, "database": database}).to_string(),
    )
}

/// `GET /installations`: the universities a student may pick here, public
/// and cacheable for five minutes. On an installation's own address, that
/// one alone.
async fn installations(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let list: Vec<serde_json::Value> = match state.place(&headers) {
        Place::Own(installation) => vec![installation.listing()],
        Place::Shared => state
            .installations()
            .all()
            .iter()
            .map(|i| i.listing())
            .collect(),
    };
    let mut response = usos_json(StatusCode::OK, serde_json::Value::from(list).to_string());
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// `GET /installation`: the one this page talks to — the host's, or on the
/// shared address the signed-in student's — with its help contact, and
/// whether the student could pick another here. 401 with
/// `choose_installation` on the shared address before sign-in.
async fn installation(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    headers: HeaderMap,
) -> Response {
    let place = state.place(&headers);
    let Some(installation) = page_installation(&state, &jar, &headers, &place) else {
        return GatewayError::ChooseInstallation.into_response();
    };
    let mut body = installation.listing();
    body["help"] = json!(installation.help);
    body["choosable"] = json!(matches!(place, Place::Shared));
    let mut response =
        ServedFor(installation.label).mark(usos_json(StatusCode::OK, body.to_string()));
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("cookie"));
    response
}

/// The installation a page's request is about: its own address's, or on
/// the shared address the signed-in student's (`None` before sign-in).
fn page_installation(
    state: &AppState,
    jar: &PrivateCookieJar,
    headers: &HeaderMap,
    place: &Place,
) -> Option<Arc<Installation>> {
    match place {
        Place::Own(installation) => Some(installation.clone()),
        Place::Shared => state
            .student(jar, headers, place)
            .ok()
            .map(|student| student.installation),
    }
}

/// `GET /wait`: how long orders took at the page's university over the last
/// hour, from being placed to "Do odbioru" (median, 90th percentile, how
/// many), and how many ended in "Błąd" — for the widget's "Teraz zwykle
/// trwa to około N min". Nothing in it is of any one student; cacheable for
/// a minute (privately on the shared address, where it follows the session).
async fn wait(
    State(state): State<AppState>,
    jar: PrivateCookieJar,
    headers: HeaderMap,
) -> Response {
    let place = state.place(&headers);
    let Some(installation) = page_installation(&state, &jar, &headers, &place) else {
        return GatewayError::ChooseInstallation.into_response();
    };
    let now = crate::session::now_s() as i64;
    let wait = state.journeys.wait_now(installation.label, now).await;
    let mut body = json!(wait);
    body["installation"] = json!(installation.id);
    let mut response =
        ServedFor(installation.label).mark(usos_json(StatusCode::OK, body.to_string()));
    let cache = match place {
        Place::Own(_) => "public, max-age=60",
        Place::Shared => "private, max-age=60",
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Prometheus's text format. For the monitoring system: a proxy in front
/// should not pass `/metrics` to the internet (it holds no secret, but it is
/// nobody else's business).
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// A POST (order, cancel, sign out) only from the place's own pages or an
/// origin allowed there: 403 before anything reaches USOS.
async fn refuse_foreign_posts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let place = state.place(request.headers());
    if may_change_state(
        request.method(),
        request.headers(),
        &state.allowed_origins(&place),
    ) {
        next.run(request).await
    } else {
        GatewayError::ForeignOrigin.into_response()
    }
}

/// Pages on the origins allowed at the request's place may call with the
/// student's cookies: a university's USOSweb calls its own installation's
/// address, not another's.
fn cors(state: AppState) -> CorsLayer {
    // A predicate rather than `AllowOrigin::list`: the origins depend on
    // the request's host, and a list would be copied for every request.
    let state = Arc::new(state);
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, request| {
            let place = state.place(&request.headers);
            origin
                .to_str()
                .is_ok_and(|origin| state.allowed_origins(&place).iter().any(|o| o == origin))
        }))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}

/// The Content-Security-Policy of the request's place: which pages may
/// frame the widget's (each installation's own embedders).
async fn framed_by(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let csp = match state.place(request.headers()) {
        Place::Own(installation) => installation.csp.clone(),
        Place::Shared => state.shared_csp.clone(),
    };
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, csp);
    response
}

/// Headers every answer carries.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The callback's address carries OAuth values: never pass it on.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}
