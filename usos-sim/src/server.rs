//! The stand-in's HTTP server: the USOS API, the controls, and the built app,
//! all on one origin as they will be behind USOSweb.

use std::path::{Path, PathBuf};

use axum::response::Html;
use axum::routing::any;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::world::SharedWorld;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub world: SharedWorld,
}

/// How the server is put together.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// The built app (`trunk build` output) to serve at `/`.
    pub dist: PathBuf,
    /// Serve `/_sim/…`.
    pub control: bool,
}

/// The whole application: API, controls (when on), static files.
pub fn router(world: SharedWorld, options: &ServerOptions) -> Router {
    let state = AppState { world };
    let mut app = Router::new().route("/services/{*method}", any(crate::api::handle));
    app = if options.control {
        app.nest("/_sim", crate::control::routes())
    } else {
        app.route("/_sim/{*rest}", any(crate::control::disabled))
    };
    let app = app.with_state(state);
    let index = options.dist.join("index.html");
    if index.is_file() {
        // Any other path is the single-page app's (e.g. /pomoc): answer with index.html.
        app.fallback_service(ServeDir::new(&options.dist).fallback(ServeFile::new(index)))
    } else {
        let page = not_built_page(&options.dist);
        app.fallback(move || async move { Html(page) })
    }
}

fn not_built_page(dist: &Path) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>usos-sim</title>\
         <body><h1>The widget is not built</h1><p>No <code>index.html</code> in <code>{}</code>. \
         Run <code>scripts/run</code>, which builds it and starts this server. The API under \
         <code>/services/</code> works meanwhile.</p></body></html>",
        dist.display()
    )
}
