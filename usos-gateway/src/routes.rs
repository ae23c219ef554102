//! The gateway's router, built in one place, and the state its handlers share.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use axum_extra::extract::cookie::{Key, PrivateCookieJar};
use secrecy::ExposeSecret;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::cache::InstallationCache;
use crate::config::{Config, PushConfig};
use crate::error::GatewayError;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::origin::may_change_state;
use crate::push::send::Sender;
use crate::push::Push;
use crate::session::{CookiePolicy, Session};
use crate::store::Store;
use crate::upstream::Usos;
use crate::vault::Vault;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    pub config: Config,
    pub usos: Usos,
    pub key: Key,
    /// The key before the last rotation: its cookies still open.
    pub previous_key: Option<Key>,
    pub cookies: CookiePolicy,
    pub metrics: Metrics,
    pub limits: Limits,
    pub installation_cache: InstallationCache,
    /// The Content-Security-Policy of every answer.
    pub csp: HeaderValue,
    /// Web Push and its watches, when offered (`--vapid-key-file`).
    pub push: Option<Push>,
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
    /// The state for `config`, with push when it is configured: its
    /// database opened (created, migrated) first.
    pub async fn start(mut config: Config) -> Result<AppState, String> {
        let Some(push_config) = config.push.take() else {
            return AppState::new(config, None);
        };
        let store = Store::connect(&push_config.database_url, push_config.max_connections).await?;
        AppState::new(config, Some((push_config, store)))
    }

    /// The state for `config`: the upstream client, and the cookie key (the
    /// configured one, else a random one for this process).
    fn new(config: Config, push: Option<PushParts>) -> Result<AppState, String> {
        let usos = Usos::new(&config)?;
        let key = match &config.session_key {
            Some(bytes) => Key::from(bytes.expose_secret()),
            None => Key::generate(),
        };
        let previous_key = config
            .previous_session_key
            .as_ref()
            .map(|bytes| Key::from(bytes.expose_secret()));
        let cookies = CookiePolicy {
            secure: config.secure_cookies(),
        };
        let csp = HeaderValue::from_str(&widget_hosting::policy_framed_by(
            &config.allowed_origins[1..],
        ))
        .map_err(|_| "--allowed-origin: not usable in a header".to_owned())?;
        let push = match push {
            None => None,
            Some((push_config, store)) => Some(Push {
                store,
                vault: Vault::new(key.master(), previous_key.as_ref().map(|k| k.master())),
                sender: Sender::new(push_config.vapid, push_config.subject)?,
                services: push_config.services,
                watch_lifetime: push_config.watch_lifetime,
                holder: crate::push::holder_name(),
                lease: push_config.lease,
            }),
        };
        Ok(AppState(Arc::new(Shared {
            push,
            limits: Limits::new(config.max_upstream_concurrency),
            installation_cache: InstallationCache::new(config.installation_cache),
            metrics: Metrics::default(),
            previous_key,
            csp,
            config,
            usos,
            key,
            cookies,
        })))
    }

    /// The student's session from the cookie sealed with the current key,
    /// else with the previous one (during a key rotation).
    pub fn open_session(&self, jar: &PrivateCookieJar, headers: &HeaderMap) -> Option<Session> {
        self.cookies.session(jar).or_else(|| {
            let previous = PrivateCookieJar::from_headers(headers, self.previous_key.clone()?);
            self.cookies.session(&previous)
        })
    }

    /// Every minute, forgets quiet sessions' rate counters.
    pub fn start_housekeeping(&self) {
        let state = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                state.limits.forget_quiet_sessions();
            }
        });
    }
}

/// Push's settings with its opened database.
type PushParts = (PushConfig, Store);

/// The largest request body taken: the contract's arguments are a few
/// dozen bytes.
const BODY_LIMIT: usize = 16 * 1024;

/// Every route: sign-in, the forwarded API, health, and the widget's files.
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
        .route("/push/key", get(crate::push::handlers::key))
        .merge(state_changing)
        .with_state(state.clone());
    let app = match &state.config.dist {
        Some(dist) => widget_hosting::with_dist(app, dist),
        None => app.fallback(|| async { GatewayError::MethodNotFound }),
    };
    let csp = state.csp.clone();
    // CORS on everything: the API for the widget's calls, and the files,
    // because a page on an allowed origin loads widget.js and the wasm from
    // here as modules, which browsers fetch in CORS mode.
    app.layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(cors(&state.config.allowed_origins))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(move |request, next| {
            widget_hosting::add_headers(
                request,
                next,
                Some(csp.clone()),
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

/// Ready when USOS answers `installation` (asked each time, not from the
/// cache: a load balancer asks to know about USOS now). The watches'
/// database is reported beside it but does not decide: a copy whose
/// database is away still forwards, signs in and serves the files, which
/// is what students need most, so it stays in the balancer; only `/push/*`
/// answers 503 until the database is back.
async fn readyz(State(state): State<AppState>) -> Response {
    let args = [("fields".to_owned(), "mcards_support".to_owned())];
    let usos = matches!(
        state
            .usos
            .call(&Method::GET, "services/apisrv/installation", &args, None)
            .await,
        Ok(answer) if answer.status.is_success()
    );
    let database = match &state.push {
        Some(push) => serde_json::Value::Bool(push.store.is_ready() && push.store.ping().await),
        None => serde_json::Value::Null,
    };
    let body = serde_json::json!({"ready": usos, "usos": usos, "database": database});
    if usos {
        crate::error::usos_json(StatusCode::OK, body.to_string())
    } else {
        let mut response = GatewayError::NotReady.into_response();
        *response.body_mut() = axum::body::Body::from(
            serde_json::json!({
                "message": GatewayError::NotReady.message(),
                "error": GatewayError::NotReady.code(),
                "ready": false,
                "usos": false,
                "database": database,
            })
            .to_string(),
        );
        response
    }
}

/// Prometheus's text format. For the monitoring system: a proxy in front
/// should not pass `/metrics` to the internet (it holds no secret, but it is
/// nobody else's business).
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
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
    // A predicate over a shared list rather than `AllowOrigin::list`: the
    // layer is cloned for every request, and a list would be copied each time.
    let origins: Arc<Vec<HeaderValue>> = Arc::new(
        allowed_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect(),
    );
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origins.contains(origin)
        }))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
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
