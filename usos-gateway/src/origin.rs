//! Cross-site request forgery: a request that changes state (a POST) is
//! taken only from the gateway's own pages or an allowed origin.

use axum::http::{HeaderMap, Method};

/// Whether a request may go on. Safe methods always may. A POST may when
/// its `Origin` is allowed; without `Origin`, when `Sec-Fetch-Site` (sent by
/// every current browser) says it is not cross-site; with neither (no
/// browser: curl, a monitoring probe), it may, since such a client cannot
/// carry a student's cookie by accident.
pub fn may_change_state(method: &Method, headers: &HeaderMap, allowed_origins: &[String]) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match (header("origin"), header("sec-fetch-site")) {
        (Some(origin), _) => allowed_origins.iter().any(|allowed| allowed == origin),
        (None, Some(site)) => matches!(site, "same-origin" | "none"),
        (None, None) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn posts_only_from_allowed_origins() {
        let allowed = vec![
            "https://gw.example".to_owned(),
            "https://usosweb.example".to_owned(),
        ];
        let post = Method::POST;
        assert!(may_change_state(
            &post,
            &headers(&[("origin", "https://gw.example")]),
            &allowed
        ));
        assert!(may_change_state(
            &post,
            &headers(&[("origin", "https://usosweb.example")]),
            &allowed
        ));
        assert!(!may_change_state(
            &post,
            &headers(&[("origin", "https://evil.example")]),
            &allowed
        ));
        assert!(!may_change_state(
            &post,
            &headers(&[("origin", "null")]),
            &allowed
        ));
        assert!(!may_change_state(
            &post,
            &headers(&[("origin", "https://gw.example.evil.example")]),
            &allowed
        ));
        assert!(!may_change_state(
            &post,
            &headers(&[("sec-fetch-site", "cross-site")]),
            &allowed
        ));
        assert!(!may_change_state(
            &post,
            &headers(&[("sec-fetch-site", "same-site")]),
            &allowed
        ));
        assert!(may_change_state(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")]),
            &allowed
        ));
        assert!(may_change_state(&post, &headers(&[]), &allowed));
        assert!(may_change_state(
            &Method::GET,
            &headers(&[("origin", "https://evil.example")]),
            &allowed
        ));
    }
}
