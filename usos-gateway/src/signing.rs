//! OAuth 1.0a signatures (RFC 5849, HMAC-SHA1), by the `oauth1-request`
//! crate: the `Authorization` header for one request.

use oauth1_request as oauth;

/// A consumer's or a token's pair of credentials, borrowed for one request.
pub struct Pair<'a> {
    pub key: &'a str,
    pub secret: &'a str,
}

/// What goes into one signature besides the request's own arguments.
#[derive(Default)]
pub struct Extras<'a> {
    pub callback: Option<&'a str>,
    pub verifier: Option<&'a str>,
    /// Fixed nonce and timestamp, for reproducing a known signature in tests;
    /// `None` picks fresh ones, as every real request must.
    pub fixed: Option<(&'a str, u64)>,
}

/// The `Authorization` header for `method url` with `args` (the query's or
/// the form body's pairs): `url` without its query, as the RFC's base string
/// wants it.
pub fn authorization(
    method: &str,
    url: &str,
    args: &[(String, String)],
    consumer: Pair<'_>,
    token: Option<Pair<'_>>,
    extras: Extras<'_>,
) -> String {
    let mut builder = oauth::Builder::<_, &str, &str>::new(
        oauth::Credentials::new(consumer.key, consumer.secret),
        oauth::HmacSha1::new(),
    );
    builder.token(token.map(|t| oauth::Credentials::new(t.key, t.secret)));
    builder.callback(extras.callback);
    builder.verifier(extras.verifier);
    if let Some((nonce, timestamp)) = extras.fixed {
        builder.nonce(nonce);
        builder.timestamp(std::num::NonZeroU64::new(timestamp));
    }
    builder.authorize(method, url, &parameters(args))
}

/// `args` as a form body or query string, encoded exactly as they were signed.
pub fn encode(args: &[(String, String)]) -> String {
    oauth::to_form(&parameters(args))
}

fn parameters(args: &[(String, String)]) -> oauth::ParameterList<&str, &str, Vec<(&str, &str)>> {
    oauth::ParameterList::new(
        args.iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_params(header: &str) -> Vec<(String, String)> {
        header
            .strip_prefix("OAuth ")
            .unwrap()
            .split(',')
            .map(|part| {
                let (name, value) = part.split_once('=').unwrap();
                (name.to_owned(), value.trim_matches('"').to_owned())
            })
            .collect()
    }

    fn signature(header: &str) -> String {
        let encoded = header_params(header)
            .into_iter()
            .find(|(n, _)| n == "oauth_signature")
            .unwrap()
            .1;
        url::form_urlencoded::parse(format!("s={encoded}").as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned()
    }

    /// RFC 5849 section 1.2, with its nonce, timestamp and `oauth_version`:
    /// the library's signature must be the RFC's.
    #[test]
    fn rfc_5849_section_1_2() {
        let args = vec![
            ("file".to_owned(), "vacation.jpg".to_owned()),
            ("size".to_owned(), "original".to_owned()),
        ];
        let header = {
            let mut builder = oauth::Builder::<_, &str, &str>::new(
                oauth::Credentials::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44"),
                oauth::HmacSha1::new(),
            );
            builder.token(oauth::Credentials::new(
                "nnch734d00sl2jdk",
                "pfkkdhi9sl3r4s00",
            ));
            builder.nonce("kllo9940pd9333jh");
            builder.timestamp(std::num::NonZeroU64::new(1191242096));
            builder.version(true);
            builder.authorize(
                "GET",
                "http://photos.example.net/photos",
                &parameters(&args),
            )
        };
        assert_eq!(signature(&header), "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    }

    /// A second example, computed independently with Python's standard
    /// library (`hmac`, `hashlib.sha1`, `urllib.parse.quote(safe="~")`):
    /// a POST with characters that need encoding (`|`, `+`, space, `ą`), a
    /// consumer secret with `&` in it, and no `oauth_version` (the library
    /// leaves it out, which the RFC allows).
    #[test]
    fn independent_example() {
        let args = vec![
            ("fields".to_owned(), "id|status".to_owned()),
            ("order_id".to_owned(), "42".to_owned()),
            ("note".to_owned(), "zażółć + gęślą".to_owned()),
        ];
        let header = authorization(
            "POST",
            "http://127.0.0.1:8092/services/cards/mcard_order",
            &args,
            Pair {
                key: "ck-test",
                secret: "cs&secret",
            },
            Some(Pair {
                key: "tok123",
                secret: "ts-secret",
            }),
            Extras {
                fixed: Some(("abc123", 1764240000)),
                ..Extras::default()
            },
        );
        assert_eq!(signature(&header), "yU3mfFMgU9GJa02v6kcNYCfoHfs=");
        assert!(!header.contains("ts-secret") && !header.contains("cs&secret"));
    }

    #[test]
    fn encodes_as_it_signs() {
        let args = vec![
            ("fields".to_owned(), "id|status".to_owned()),
            ("q".to_owned(), "a b+c".to_owned()),
        ];
        assert_eq!(encode(&args), "fields=id%7Cstatus&q=a%20b%2Bc");
    }
}
