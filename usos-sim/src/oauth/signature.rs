//! RFC 5849's signature, computed from what arrived: the base string (section
//! 3.4.1) and HMAC-SHA1 (section 3.4.2).
//!
//! Written here by hand, not taken from an OAuth client library, on purpose:
//! the stand-in must check a client's signature independently of the library
//! the gateway signs with, or a shared mistake would pass unseen.

use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

/// Everything but RFC 3986's unreserved characters (section 3.6).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Section 3.6's percent-encoding.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, RESERVED).to_string()
}

/// The signature base string: method, base string URI and the normalized
/// parameters (every name and value encoded, sorted by name then value,
/// `oauth_signature` and `realm` left out).
pub fn base_string(method: &str, base_uri: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "oauth_signature" && name != "realm")
        .map(|(name, value)| (encode(name), encode(value)))
        .collect();
    encoded.sort();
    let normalized = encoded
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(base_uri),
        encode(&normalized)
    )
}

/// `HMAC-SHA1(consumer_secret&token_secret, base)`, base64-encoded.
pub fn hmac_sha1(base: &str, consumer_secret: &str, token_secret: &str) -> String {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(base.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `signature` (base64) is the HMAC-SHA1 of `base`, compared in
/// constant time.
pub fn hmac_sha1_matches(
    base: &str,
    consumer_secret: &str,
    token_secret: &str,
    signature: &str,
) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature) else {
        return false;
    };
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(base.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The parameters of an `Authorization: OAuth k="v", …` header (section
/// 3.5.1), decoded; `None` when it is not that scheme or is malformed.
pub fn authorization_params(header: &str) -> Option<Vec<(String, String)>> {
    let rest = header.trim_start();
    let (scheme, rest) = rest.split_at(rest.find(char::is_whitespace).unwrap_or(rest.len()));
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return None;
    }
    let mut params = Vec::new();
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, quoted) = part.split_once('=')?;
        let value = quoted.trim().strip_prefix('"')?.strip_suffix('"')?;
        params.push((decode(name.trim())?, decode(value)?));
    }
    Some(params)
}

fn decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// RFC 5849 section 1.2: the client asks for a protected resource with
    /// its consumer secret `kd94hf93k423kf44` and token secret `pfkkdhi9sl3r4s00`.
    #[test]
    fn rfc_5849_section_1_2() {
        let params = pairs(&[
            ("file", "vacation.jpg"),
            ("size", "original"),
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1191242096"),
            ("oauth_nonce", "kllo9940pd9333jh"),
            ("oauth_version", "1.0"),
        ]);
        let base = base_string("GET", "http://photos.example.net/photos", &params);
        assert_eq!(
            base,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
             oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26\
             oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26\
             oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
        );
        let signature = hmac_sha1(&base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        assert_eq!(signature, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
        assert!(hmac_sha1_matches(
            &base,
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
        ));
        assert!(!hmac_sha1_matches(
            &base,
            "kd94hf93k423kf44",
            "wrong",
            "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
        ));
    }

    /// A second example, computed independently with Python's standard
    /// library (`hmac`, `hashlib.sha1`, `urllib.parse.quote(safe="~")`,
    /// `base64`): a POST whose form body and query both carry arguments,
    /// with characters that need encoding (`|`, `+`, space, `ą`).
    #[test]
    fn independent_example_with_query_and_form() {
        let params = pairs(&[
            ("fields", "id|status"),
            ("order_id", "42"),
            ("note", "zażółć + gęślą"),
            ("oauth_consumer_key", "ck-test"),
            ("oauth_token", "tok123"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1764240000"),
            ("oauth_nonce", "abc123"),
            ("oauth_version", "1.0"),
        ]);
        let base = base_string(
            "post",
            "http://127.0.0.1:8092/services/cards/mcard_order",
            &params,
        );
        assert_eq!(
            base,
            "POST&http%3A%2F%2F127.0.0.1%3A8092%2Fservices%2Fcards%2Fmcard_order&\
             fields%3Did%257Cstatus%26note%3Dza%25C5%25BC%25C3%25B3%25C5%2582%25C4%2587%2520%252B%2520g%25C4%2599%25C5%259Bl%25C4%2585%26\
             oauth_consumer_key%3Dck-test%26oauth_nonce%3Dabc123%26oauth_signature_method%3DHMAC-SHA1%26\
             oauth_timestamp%3D1764240000%26oauth_token%3Dtok123%26oauth_version%3D1.0%26order_id%3D42"
        );
        assert_eq!(
            hmac_sha1(&base, "cs&secret", "ts-secret"),
            "1w22jR0BA7bU1VJwiinHX+fmbQc="
        );
    }

    #[test]
    fn reads_the_authorization_header() {
        let header = "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
                      oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\"";
        assert_eq!(
            authorization_params(header).unwrap(),
            pairs(&[
                ("realm", "Photos"),
                ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
                ("oauth_signature", "tR3+Ty81lMeYAr/Fid0kMTYa/WM="),
            ])
        );
        assert_eq!(authorization_params("Basic abc"), None);
        assert_eq!(authorization_params("OAuth oauth_token=unquoted"), None);
    }
}
