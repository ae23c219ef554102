//! The stand-in's HTTP server: the USOS API, the controls, and the built app,
//! all on one origin as they will be behind USOSweb.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::{any, get};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::oauth::routes::SharedProvider;
use crate::oauth::{Consumer, Provider};
use crate::world::SharedWorld;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub world: SharedWorld,
    /// Set in OAuth mode: every `services/cards/*` call must be signed.
    pub oauth: Option<SharedProvider>,
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

/// The strict policy a university may put in front of the widget; the
/// stand-in sends it by default, so every test runs under it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/// The whole application: API, controls (when on), static files.
pub fn router(world: SharedWorld, options: &ServerOptions) -> Router {
    let state = AppState {
        world,
        oauth: options
            .oauth
            .clone()
            .map(|consumer| SharedProvider::new(Provider::new(consumer))),
    };
    let mut app = Router::new()
        .route("/services/{*method}", any(crate::api::handle))
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
    let index = options.dist.join("index.html");
    let app = if index.is_file() {
        // Any other path is the single-page app's (e.g. /pomoc): answer with index.html.
        app.fallback_service(ServeDir::new(&options.dist).fallback(ServeFile::new(index)))
    } else {
        let page = not_built_page(&options.dist);
        app.fallback(move || async move { Html(page) })
    };
    let csp = options.csp;
    app.layer(middleware::from_fn(move |request, next| {
        headers(request, next, csp)
    }))
}

/// Caching as the README advises a university to serve the files, and the CSP.
async fn headers(request: Request, next: Next, csp: bool) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if csp {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    let cache = if path.starts_with("/services/") || path.starts_with("/_sim/") {
        "no-store"
    } else if is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        // index.html, widget.js, the demo page: always revalidated, so a new
        // release reaches students at once.
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Trunk's output names carry a content hash of up to 16 hex digits (leading
/// zeros dropped): `name-0123…cdef.ext`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_hashed_assets() {
        assert!(is_hashed_asset("/mlegitymacja-fc3087ac9bcc402a_bg.wasm"));
        assert!(is_hashed_asset("/mlegitymacja-fc3087ac9bcc402a.js"));
        assert!(is_hashed_asset("/page-9c8058f82021fafa.css"));
        assert!(is_hashed_asset("/mlegitymacja-a672c3dc1dc83a_bg.wasm"));
        assert!(!is_hashed_asset("/widget.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/pomoc"));
    }
}
