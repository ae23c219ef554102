//! Fuzz-style properties of what an attacker controls: the session cookie
//! and the `return` argument.

use axum::http::{header, HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Key, PrivateCookieJar};
use proptest::prelude::*;
use url::Url;
use usos_gateway::return_to::safe_return;
use usos_gateway::session::{now_s, CookiePolicy, Session};

fn jar_with(key: &Key, cookie_value: &str) -> Option<PrivateCookieJar> {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&format!("mlg_session={cookie_value}")).ok()?;
    headers.insert(header::COOKIE, value);
    Some(PrivateCookieJar::from_headers(&headers, key.clone()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    /// Random bytes (as a browser could send them, base64 or not) never
    /// open as a session.
    #[test]
    fn random_cookies_never_open(bytes in proptest::collection::vec(any::<u8>(), 0..200), as_text in any::<bool>()) {
        let key = Key::from(&[7u8; 64]);
        let value = if as_text {
            String::from_utf8_lossy(&bytes).chars().filter(|c| c.is_ascii_graphic() && *c != ';').collect()
        } else {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        };
        let policy = CookiePolicy { secure: false };
        if let Some(jar) = jar_with(&key, &value) {
            prop_assert!(policy.session(&jar).is_none());
        }
    }

    /// A real cookie with any one byte changed never opens.
    #[test]
    fn a_changed_cookie_never_opens(position in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let key = Key::from(&[7u8; 64]);
        let policy = CookiePolicy { secure: false };
        let sealed = PrivateCookieJar::new(key.clone()).add(policy.session_cookie(&Session {
            installation: Some("uw".into()),
            token: "t".into(),
            secret: "s".into(),
            issued: now_s(),
        }));
        // The sealed value, as the browser receives it.
        let response = axum::response::IntoResponse::into_response(sealed);
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        let value = set_cookie.split(';').next().unwrap().trim_start_matches("mlg_session=").to_owned();
        prop_assert!(policy.session(&jar_with(&key, &value).unwrap()).is_some());
        let value_text = value.clone();
        let mut bytes = value.into_bytes();
        let i = position.index(bytes.len());
        bytes[i] ^= flip;
        let changed = String::from_utf8_lossy(&bytes).into_owned();
        // `%2F` and `%2f` are the same byte: not a change of the cookie.
        let decoded = |v: &str| url::form_urlencoded::parse(format!("v={v}").as_bytes()).next().map(|(_, v)| v.into_owned());
        prop_assume!(decoded(&changed) != decoded(&value_text));
        if let Some(jar) = jar_with(&key, &changed) {
            prop_assert!(policy.session(&jar).is_none());
        }
    }

    /// Whatever `return` says, the student is sent only to the public
    /// URL's origin or an allowed one.
    #[test]
    fn return_never_leads_off_site(requested in "\\PC{0,60}", prefix in prop::sample::select(vec![
        "", "/", "//", "/\\", "\\", "https://", "http://", "https://evil.example", "https://usosweb.uczelnia.pl",
        "https://mlegitymacja.uczelnia.pl", "javascript:", " ", "%2F%2F", "https:/", "/%5C",
    ])) {
        let public = Url::parse("https://mlegitymacja.uczelnia.pl/").unwrap();
        let allowed = vec![
            "https://mlegitymacja.uczelnia.pl".to_owned(),
            "https://usosweb.uczelnia.pl".to_owned(),
        ];
        let to = safe_return(Some(&format!("{prefix}{requested}")), &public, &allowed);
        let parsed = Url::parse(&to).expect("always an absolute URL");
        prop_assert!(allowed.contains(&parsed.origin().ascii_serialization()), "{to}");
        // And what the browser will read from it is the same.
        prop_assert_eq!(parsed.as_str(), to.as_str());
    }
}
