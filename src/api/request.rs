//! How a call to the API is written down: its method, URL and body. Pure, so the
//! exact requests the contract fixes are tested natively.

/// GET reads, POST changes state (and must never be retried blindly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    /// Only for the gateway's `/push/subscriptions`.
    Delete,
}

/// A request ready for the transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRequest {
    pub method: Method,
    pub url: String,
    /// `url` without its query, and the query's arguments: what the
    /// transport is given, so that the browser writes the query itself and
    /// the URL is exactly `url` (gloo-net adds a stray `&` to a URL that
    /// already has a query).
    pub address: String,
    pub query: Vec<(String, String)>,
    /// `application/x-www-form-urlencoded` body, for POST.
    pub body: Option<String>,
    /// The body is JSON instead (the gateway's own `/push/` paths).
    pub json: bool,
}

impl ApiRequest {
    /// A GET of `{api_base}{path}` with the arguments in the query string.
    pub fn get(api_base: &str, path: &str, args: &[(&str, &str)]) -> ApiRequest {
        let address = format!("{api_base}{path}");
        let mut url = address.clone();
        if !args.is_empty() {
            url.push('?');
            url.push_str(&form_encode(args));
        }
        ApiRequest {
            method: Method::Get,
            url,
            address,
            query: args
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: None,
            json: false,
        }
    }

    /// A POST of `{api_base}{path}` with the arguments form-encoded in the body.
    pub fn post(api_base: &str, path: &str, args: &[(&str, &str)]) -> ApiRequest {
        let url = format!("{api_base}{path}");
        ApiRequest {
            method: Method::Post,
            address: url.clone(),
            url,
            query: Vec::new(),
            body: Some(form_encode(args)),
            json: false,
        }
    }

    /// A `method` of `{api_base}{path}` with a JSON body: the gateway's
    /// `/push/subscriptions`, which is not a USOS method.
    pub fn json(method: Method, api_base: &str, path: &str, body: String) -> ApiRequest {
        let url = format!("{api_base}{path}");
        ApiRequest {
            method,
            address: url.clone(),
            url,
            query: Vec::new(),
            body: Some(body),
            json: true,
        }
    }
}

/// The sign-in address for a student on `page_url`: `login_url` with the page
/// as `return`, so that the gateway sends the student back where they were.
pub fn sign_in_url(login_url: &str, page_url: Option<&str>) -> String {
    match page_url {
        Some(page) => {
            let separator = if login_url.contains('?') { '&' } else { '?' };
            format!("{login_url}{separator}{}", form_encode(&[("return", page)]))
        }
        None => login_url.to_owned(),
    }
}

pub use mcard_common::fields::form_encode;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_puts_arguments_in_the_query() {
        let r = ApiRequest::get("/", "services/cards/mcard", &[("fields", "a|b")]);
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.url, "/services/cards/mcard?fields=a%7Cb");
        assert_eq!(r.address, "/services/cards/mcard");
        assert_eq!(r.query, vec![("fields".to_owned(), "a|b".to_owned())]);
        assert_eq!(r.body, None);
    }

    #[test]
    fn post_puts_arguments_in_the_body() {
        let r = ApiRequest::post(
            "https://usos.example/proxy/",
            "services/cards/revoke_mcard",
            &[("order_id", "42")],
        );
        assert_eq!(
            r.url,
            "https://usos.example/proxy/services/cards/revoke_mcard"
        );
        assert_eq!(r.body.as_deref(), Some("order_id=42"));
        let none = ApiRequest::post("/", "services/cards/make_mcard_order", &[]);
        assert_eq!(none.body.as_deref(), Some(""));
    }

    #[test]
    fn the_sign_in_address_carries_the_page() {
        assert_eq!(
            sign_in_url("/auth/login", Some("https://gw.example/pomoc?x=1")),
            "/auth/login?return=https%3A%2F%2Fgw.example%2Fpomoc%3Fx%3D1"
        );
        assert_eq!(
            sign_in_url("https://gw.example/auth/login?lang=pl", Some("/")),
            "https://gw.example/auth/login?lang=pl&return=%2F"
        );
        assert_eq!(sign_in_url("/auth/login", None), "/auth/login");
    }
}
