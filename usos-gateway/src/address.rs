//! The rules for the addresses the gateway is given: a base URL (of USOS,
//! of the gateway itself) ends with `/` and has no query; `http://` is for
//! trying it out on this machine only. One place, for the options, the
//! installations file and the push services' list alike.

use url::Url;

/// An `http(s)` URL ending with `/`, without query or fragment; `what`
/// names it in the error (an option, or a line of the installations file).
pub fn base_url(what: &str, value: &str) -> Result<Url, String> {
    let url = Url::parse(value.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| format!("{what}: \"{value}\" is not an http(s) URL"))?;
    if !url.path().ends_with('/') || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "{what}: \"{value}\" must end with / and have no query, e.g. https://usosapps.uczelnia.pl/"
        ));
    }
    Ok(url)
}

/// A URL students reach: `https://`, or `http://` only on this machine.
pub fn public_url(what: &str, value: &str) -> Result<Url, String> {
    let url = base_url(what, value)?;
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(format!(
            "{what}: must be https:// (http:// only for 127.0.0.1, localhost or a *.localhost name, for trying it out)"
        ));
    }
    Ok(url)
}

/// An origin a page is served from, e.g. `https://usosweb.uczelnia.pl`,
/// serialized as browsers send it in `Origin`.
pub fn origin(what: &str, value: &str) -> Result<String, String> {
    Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .filter(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
        .map(|u| u.origin().ascii_serialization())
        .ok_or_else(|| {
            format!("{what}: \"{value}\" is not an origin like https://usosweb.uczelnia.pl")
        })
}

/// This machine: a loopback address, `localhost`, or a name under
/// `.localhost`, which browsers send to 127.0.0.1 by themselves.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.');
            domain == "localhost" || domain.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether a request's `Host` (`uw.localhost:8093`, or `uw.edu.pl` as a
/// proxy may pass it, without the port) names `url`'s host: the names
/// alike (case aside), and the ports too where the request names one.
pub fn host_matches(request_host: &str, url: &Url) -> bool {
    let Some(name) = url.host_str() else {
        return false;
    };
    // An IPv6 address is written in brackets in the URL, not in the split.
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let (host, port) = split_host(request_host);
    host.eq_ignore_ascii_case(name)
        && port.is_none_or(|port| Some(port) == url.port_or_known_default())
}

/// `host[:port]` (an IPv6 address in brackets) split in two.
fn split_host(authority: &str) -> (&str, Option<u16>) {
    let authority = authority.trim();
    if let Some(rest) = authority.strip_prefix('[') {
        let Some((ip, after)) = rest.split_once(']') else {
            return (authority, None);
        };
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
        return (ip, port);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (host, port.parse().ok()),
        _ => (authority, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_is_loopback_and_localhost_names() {
        for local in [
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://uw.localhost:8093/",
            "http://[::1]:80/",
        ] {
            assert!(is_loopback(&Url::parse(local).unwrap()), "{local}");
        }
        for remote in [
            "http://uw.edu.pl/",
            "http://localhost.uw.edu.pl/",
            "http://10.0.0.1/",
            "http://notlocalhost/",
        ] {
            assert!(!is_loopback(&Url::parse(remote).unwrap()), "{remote}");
        }
    }

    #[test]
    fn public_urls_are_https_except_here() {
        assert!(public_url("x", "https://mlegitymacja.uw.edu.pl/").is_ok());
        assert!(public_url("x", "http://uw.localhost:8093/").is_ok());
        assert!(public_url("x", "http://mlegitymacja.uw.edu.pl/")
            .unwrap_err()
            .starts_with("x: must be https://"));
        assert!(base_url("x", "https://uw.edu.pl/api")
            .unwrap_err()
            .contains("must end with /"));
        assert!(base_url("x", "https://uw.edu.pl/?a=1").is_err());
        assert!(base_url("x", "ftp://uw.edu.pl/").is_err());
    }

    #[test]
    fn origins_are_serialized_as_browsers_send_them() {
        assert_eq!(
            origin("x", "https://USOSweb.uw.edu.pl").unwrap(),
            "https://usosweb.uw.edu.pl"
        );
        assert_eq!(
            origin("x", "https://usosweb.uw.edu.pl:443/").unwrap(),
            "https://usosweb.uw.edu.pl"
        );
        assert!(origin("x", "https://usosweb.uw.edu.pl/page").is_err());
    }

    #[test]
    fn a_request_host_names_a_url_by_name_and_port() {
        let url = Url::parse("http://uw.localhost:8093/").unwrap();
        assert!(host_matches("uw.localhost:8093", &url));
        assert!(host_matches("UW.localhost:8093", &url));
        // A proxy that passes the name alone.
        assert!(host_matches("uw.localhost", &url));
        assert!(!host_matches("uw.localhost:8094", &url));
        assert!(!host_matches("ul.localhost:8093", &url));
        let tls = Url::parse("https://mlegitymacja.uw.edu.pl/").unwrap();
        assert!(host_matches("mlegitymacja.uw.edu.pl:443", &tls));
        assert!(host_matches("mlegitymacja.uw.edu.pl", &tls));
        assert!(!host_matches("mlegitymacja.uw.edu.pl:8443", &tls));
        let ip = Url::parse("http://[::1]:8080/").unwrap();
        assert!(host_matches("[::1]:8080", &ip));
        assert!(!host_matches("[::1]:8081", &ip));
    }
}
