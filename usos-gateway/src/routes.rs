//! The gateway's router, built in one place, and the state its handlers share.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use axum_extra::extract::cookie::Key;
use secrecy::ExposeSecret;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::config::Config;
use crate::error::GatewayError;
use crate::origin::may_change_state;
use crate::session::CookiePolicy;
use crate::upstream::Usos;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    pub config: Config,
    pub usos: Usos,
    pub key: Key,
    pub cookies: CookiePolicy,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.key.clone()
    }
}

impl AppState {
    /// The state for `config`: the upstream client, and the cookie key (the
    /// configured one, else a random one for this process).
    pub fn new(config: Config) -> Result<AppState, String> {
        let usos = Usos::new(&config)?;
        let key = match &config.session_key {
            Some(bytes) => Key::from(bytes.expose_secret()),
            None => Key::generate(),
        };
        let cookies = CookiePolicy {
            secure: config.secure_cookies(),
        };
        Ok(AppState(Arc::new(Shared {
            config,
            usos,
            key,
            cookies,
        })))
    }
}

/// The largest request body taken: the contract's arguments are a few
/// dozen bytes.
const BODY_LIMIT: usize = 16 * 1024;

/// Every route: sign-in, the forwarded API, health, and the widget's files.
pub fn routes(state: AppState) -> Router {
    let cross_origin = Router::new()
        .route("/services/{*method}", any(crate::api::forward))
        .route("/auth/logout", post(crate::auth::logout))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_foreign_posts,
        ))
        .layer(cors(&state.config.allowed_origins));
    let app = Router::new()
        .route("/auth/login", get(crate::auth::login))
        .route("/auth/callback", get(crate::auth::callback))
        .route("/healthz", get(|| async { "ok" }))
        .merge(cross_origin)
        .with_state(state.clone());
    let app = match &state.config.dist {
        Some(dist) => widget_hosting::with_dist(app, dist),
        None => app.fallback(|| async { GatewayError::MethodNotFound }),
    };
    app.layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(|request, next| {
            widget_hosting::add_headers(request, next, true, &["/services/", "/auth/"])
        }))
        .layer(middleware::from_fn(crate::log::log_request))
}

/// A POST (order, cancel, sign out) only from the gateway's own pages or an
/// allowed origin: 403 before anything reaches USOS.
async fn refuse_foreign_posts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if may_change_state(
        request.method(),
        request.headers(),
        &state.config.allowed_origins,
    ) {
        next.run(request).await
    } else {
        GatewayError::ForeignOrigin.into_response()
    }
}

/// Pages on the allowed origins may call with the student's cookies.
fn cors(allowed_origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
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
