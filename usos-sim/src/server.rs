//! The stand-in's HTTP server: the USOS API, the controls, and the built app,
//! all on one origin as they will be behind USOSweb.

use std::path::PathBuf;

use axum::middleware;
use axum::routing::{any, get};
use axum::Router;

use crate::oauth::routes::SharedProvider;
use crate::oauth::{Consumer, Provider};
use crate::push::service::PushService;
use crate::world::SharedWorld;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub world: SharedWorld,
    /// Set in OAuth mode: every `services/cards/*` call must be signed.
    pub oauth: Option<SharedProvider>,
    /// The stand-in as a browser's push service.
    pub push: PushService,
}

/// How the server is put together.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// The built app (`trunk build` output) to serve at `/`.
    pub dist: PathBuf,
    /// Serve `/_sim/…`.
    pub control: bool,
    /// Send [`CONTENT_SECURITY_POLICY`] with every answer.
    pub csp: bool,
    /// OAuth mode: the one consumer allowed to call.
    pub oauth: Option<Consumer>,
}

pub use widget_hosting::CONTENT_SECURITY_POLICY;

/// The whole application: API, controls (when on), static files.
pub fn router(world: SharedWorld, options: &ServerOptions) -> Router {
    let state = AppState {
        world,
        oauth: options
            .oauth
            .clone()
            .map(|consumer| SharedProvider::new(Provider::new(consumer))),
        push: PushService::default(),
    };
    let mut app = Router::new()
        .route("/services/{*method}", any(crate::api::handle))
        .route("/auth/login", get(crate::api::sign_in))
        .route("/auth/logout", axum::routing::post(crate::api::sign_out))
        .route(
            "/push/{id}",
            axum::routing::post(crate::push::routes::receive),
        )
        .route("/demo/usosweb.html", get(crate::demo::page))
        .route("/demo/usosweb.css", get(crate::demo::stylesheet))
        .route("/demo/usos-login.css", get(crate::demo::login_stylesheet))
        .route("/demo/floor.html", get(crate::demo::floor_page))
        .route("/demo/floor.js", get(crate::demo::floor_script));
    app = if options.control {
        app.nest("/_sim", crate::control::routes())
    } else {
        app.route("/_sim/{*rest}", any(crate::control::disabled))
    };
    let app = app.with_state(state);
    let app = widget_hosting::with_dist(app, &options.dist);
    let csp = options
        .csp
        .then(|| axum::http::HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    app.layer(middleware::from_fn(move |request, next| {
        widget_hosting::add_headers(
            request,
            next,
            csp.clone(),
            &["/services/", "/_sim/", "/push/"],
        )
    }))
}
