//! How the built widget (`trunk build --release` → `dist/`) is served, the
//! same by the stand-in and by the gateway: the cache headers docs/embedding.md
//! prescribes, the strict Content-Security-Policy, and `index.html` for any
//! other path so the app's own routes (`/pomoc`) work.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{Html, Response};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// The strict policy a university may put in front of the widget; both
/// servers send it by default, so every test runs under it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/// `router` with `dist/` as its fallback: files, else `index.html`; when
/// nothing is built, a page that says how to build it.
///
/// Files are sent precompressed when the browser accepts it: `name.br`
/// (brotli) or `name.gz` (gzip) beside each file, which the build writes
/// (`scripts/precompress`), so no answer is compressed per request.
pub fn with_dist<S: Clone + Send + Sync + 'static>(router: Router<S>, dist: &Path) -> Router<S> {
    let index = dist.join("index.html");
    if index.is_file() {
        let index = ServeFile::new(index)
            .precompressed_br()
            .precompressed_gzip();
        router.fallback_service(
            ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(index),
        )
    } else {
        let page = not_built_page(dist);
        router.fallback(move || async move { Html(page) })
    }
}

/// `Cache-Control` for a path: API answers never stored, hashed files kept
/// for a year, everything else (index.html, widget.js) always revalidated so
/// a new release reaches students at once.
pub fn cache_control(path: &str, api_prefixes: &[&str]) -> &'static str {
    if api_prefixes.iter().any(|p| path.starts_with(p)) {
        "no-store"
    } else if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// [`CONTENT_SECURITY_POLICY`] with pages on `origins` also allowed to frame
/// the widget's pages.
pub fn policy_framed_by(origins: &[String]) -> String {
    let mut policy = CONTENT_SECURITY_POLICY.replace(" frame-ancestors 'self'", "");
    policy.push_str(" frame-ancestors 'self'");
    for origin in origins {
        policy.push(' ');
        policy.push_str(origin);
    }
    policy
}

/// Middleware body: the CSP (when given and the answer has none of its
/// own), [`cache_control`] (unless the handler chose its own
/// `Cache-Control`), and `Vary: Accept-Encoding` on files (one URL, a
/// brotli or a gzip body).
pub async fn add_headers(
    request: Request,
    next: Next,
    csp: Option<HeaderValue>,
    api_prefixes: &'static [&'static str],
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(csp) = csp {
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    let cache = match headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
    {
        Some(own) if own.contains("no-store") => "no-store",
        Some(_) => "",
        None => {
            let cache = cache_control(&path, api_prefixes);
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            cache
        }
    };
    let varies_by_encoding = headers.get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    });
    if cache != "no-store" && !varies_by_encoding {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// The build's output names carry a content hash of up to 16 hex digits
/// (Trunk drops leading zeros): `name-0123…cdef.ext`.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn not_built_page(dist: &Path) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>mLegitymacja</title>\
         <body><h1>The widget is not built</h1><p>No <code>index.html</code> in <code>{}</code>. \
         Run <code>scripts/run</code>, which builds it and starts the servers. The API under \
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
        // The widget's parts and the loader of the parts (widget-build seal).
        assert!(is_hashed_asset("/split_help-dadcbb7698890bba.wasm"));
        assert!(is_hashed_asset("/parts-39a9542be4d4f593.js"));
        assert!(!is_hashed_asset("/widget.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/pomoc"));
    }

    #[test]
    fn frame_ancestors_name_the_allowed_origins() {
        let policy = policy_framed_by(&["https://usosweb.example.edu".to_owned()]);
        assert!(policy.ends_with("frame-ancestors 'self' https://usosweb.example.edu"));
        assert!(policy.starts_with("default-src 'self';"));
        assert_eq!(policy.matches("frame-ancestors").count(), 1);
    }

    #[test]
    fn caches_by_kind() {
        let api = ["/services/"];
        assert_eq!(cache_control("/services/cards/mcard", &api), "no-store");
        assert_eq!(
            cache_control("/mlegitymacja-fc3087ac9bcc402a_bg.wasm", &api),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("/widget.js", &api), "no-cache");
    }
}
