//! The stand-in's HTTP server: the USOS API, the controls, and the built app,
//! all on one origin as they will be behind USOSweb.

use std::path::PathBuf;

use axum::middleware;
use axum::routing::{any, get, post};
use axum::Router;

use crate::installations::{Names, SimInstallation};
use crate::oauth::routes::SharedProvider;
use crate::oauth::{Consumer, Provider};
use crate::push::service::PushService;
use crate::world::SharedWorld;

/// What every handler can reach: one installation's world.
#[derive(Clone, Debug)]
pub struct AppState {
    pub world: SharedWorld,
    /// Where its API is under the host: `""`, or `/uw` when the stand-in
    /// plays several installations.
    pub base_path: String,
    /// Its name (on the sign-in page).
    pub institution: Names,
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
        base_path: String::new(),
        institution: Names {
            pl: "Uniwersytet (stand-in)".to_owned(),
            en: "University (stand-in)".to_owned(),
        },
        oauth: options
            .oauth
            .clone()
            .map(|consumer| SharedProvider::new(Provider::new(consumer))),
        push: PushService::default(),
    };
    let listed = std::sync::Arc::new(vec![(String::new(), state.institution.clone())]);
    let app = installation_routes(options.control)
        .route("/push/{id}", post(crate::push::routes::receive))
        .route("/demo/usosweb.html", get(crate::demo::page))
        .route("/demo/usosweb.css", get(crate::demo::stylesheet))
        .route("/demo/floor.html", get(crate::demo::floor_page))
        .route("/demo/floor.js", get(crate::demo::floor_script))
        .with_state(state)
        .merge(root_routes(listed));
    finish(widget_hosting::with_dist(app, &options.dist), options)
}

/// The stand-in playing several installations: each under `/{id}/` with
/// its own world, consumer and controls; at the root, USOS's list of them,
/// the browsers' push service (one, shared), and the built widget.
pub fn multi_router(
    installations: Vec<(SimInstallation, SharedWorld)>,
    options: &ServerOptions,
) -> Router {
    let push = PushService::default();
    let listed: Vec<(String, Names)> = installations
        .iter()
        .map(|(i, _)| (i.id.clone(), i.name.clone()))
        .collect();
    let listed = std::sync::Arc::new(listed);
    let mut app = root_routes(listed.clone());
    let mut root_state = None;
    for (installation, world) in installations {
        let state = AppState {
            world,
            base_path: format!("/{}", installation.id),
            institution: installation.name.clone(),
            oauth: installation
                .consumer
                .map(|consumer| SharedProvider::new(Provider::new(consumer))),
            push: push.clone(),
        };
        root_state.get_or_insert_with(|| state.clone());
        // Each installation answers USOS's list too, as real ones do.
        app = app.nest(
            &format!("/{}", installation.id),
            installation_routes(options.control)
                .route("/services/apisrv/installations", list_route(listed.clone()))
                .with_state(state),
        );
    }
    if let Some(state) = root_state {
        // The push service is one for every installation: its routes
        // reach only the shared `push` of whichever state serves them.
        let push_routes = Router::new()
            .route("/push/{id}", post(crate::push::routes::receive))
            .route(
                "/_sim/push/subscriptions",
                post(crate::push::routes::subscribe),
            )
            .route(
                "/_sim/push/answer/{id}",
                post(crate::push::routes::set_answer),
            )
            .route("/_sim/push/messages", get(crate::push::routes::messages))
            .with_state(state);
        app = app.merge(push_routes);
    }
    finish(widget_hosting::with_dist(app, &options.dist), options)
}

/// One installation's routes: its API, its direct-mode sign-in, its controls.
fn installation_routes(control: bool) -> Router<AppState> {
    let app = Router::new()
        .route("/services/{*method}", any(crate::api::handle))
        .route("/auth/login", get(crate::api::sign_in))
        .route("/auth/logout", post(crate::api::sign_out));
    if control {
        app.nest("/_sim", crate::control::routes())
    } else {
        app.route("/_sim/{*rest}", any(crate::control::disabled))
    }
}

/// What the root serves in either mode: USOS's list of installations and
/// the sign-in page's stylesheet.
fn root_routes(listed: std::sync::Arc<Vec<(String, Names)>>) -> Router {
    Router::new()
        .route("/services/apisrv/installations", list_route(listed))
        .route("/demo/usos-login.css", get(crate::demo::login_stylesheet))
}

/// `services/apisrv/installations`, for any router.
fn list_route<S: Clone + Send + Sync + 'static>(
    listed: std::sync::Arc<Vec<(String, Names)>>,
) -> axum::routing::MethodRouter<S> {
    get(move |headers: axum::http::HeaderMap| {
        let listed = listed.clone();
        async move { list_installations(&listed, &headers) }
    })
}

/// `services/apisrv/installations`: a public call, as USOS has it.
fn list_installations(
    listed: &[(String, Names)],
    headers: &axum::http::HeaderMap,
) -> axum::response::Response {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let origin = format!("http://{host}");
    let body = if listed.len() == 1 && listed[0].0.is_empty() {
        // One installation, at the root.
        let mut list = crate::installations::listing(listed, &origin);
        list[0]["base_url"] = serde_json::json!(format!("{origin}/"));
        list
    } else {
        crate::installations::listing(listed, &origin)
    };
    crate::usos::json_response(axum::http::StatusCode::OK, &body)
}

/// The headers of every answer.
fn finish(app: Router, options: &ServerOptions) -> Router {
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
