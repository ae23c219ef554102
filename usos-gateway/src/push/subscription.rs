//! `POST /push/subscriptions`' body, read and checked: what the browser's
//! `PushSubscription.toJSON()` gave the widget, the student's language, and
//! the page a click on the notification opens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use url::Url;

use crate::push::endpoint::PushServices;

/// A subscription the gateway may send to.
#[derive(Clone)]
pub struct Subscription {
    pub endpoint: Url,
    /// The browser's P-256 public key, base64url (65 bytes, uncompressed).
    pub p256dh: String,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: String,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // An endpoint with its keys lets anyone send to the student.
        write!(
            f,
            "Subscription({})",
            crate::push::endpoint::host_of(&self.endpoint)
        )
    }
}

/// The whole request.
#[derive(Debug)]
pub struct SubscribeRequest {
    pub subscription: Subscription,
    pub lang: &'static str,
    /// As the student asked; checked against the allowed origins by the handler.
    pub open_url: String,
}

/// A body as sent; every part optional, so that what is missing is named.
#[derive(Deserialize)]
struct Body {
    subscription: Option<Sent>,
    lang: Option<String>,
    open_url: Option<String>,
}

#[derive(Deserialize)]
struct Sent {
    endpoint: Option<String>,
    keys: Option<Keys>,
}

#[derive(Deserialize)]
struct Keys {
    p256dh: Option<String>,
    auth: Option<String>,
}

/// A field that is missing or wrong, and why: the 400's `param_name` and
/// message. Never quotes the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadField {
    pub field: &'static str,
    pub message: &'static str,
}

fn bad(field: &'static str, message: &'static str) -> BadField {
    BadField { field, message }
}

/// `DELETE /push/subscriptions`' body.
#[derive(Deserialize)]
struct Unsubscribe {
    endpoint: Option<String>,
}

/// Reads `{"endpoint": "…"}`.
pub fn parse_unsubscribe(body: &[u8]) -> Result<String, BadField> {
    let body: Unsubscribe = serde_json::from_slice(body)
        .map_err(|_| bad("endpoint", "Send a JSON object with the endpoint."))?;
    body.endpoint
        .filter(|e| !e.is_empty())
        .ok_or_else(|| bad("endpoint", "endpoint is missing."))
}

/// Reads and checks a subscribe request.
pub fn parse_subscribe(body: &[u8], services: &PushServices) -> Result<SubscribeRequest, BadField> {
    let body: Body = serde_json::from_slice(body).map_err(|_| {
        bad(
            "subscription",
            "Send a JSON object with subscription, lang and open_url.",
        )
    })?;
    let sent = body
        .subscription
        .ok_or_else(|| bad("subscription", "subscription is missing."))?;
    let endpoint = sent
        .endpoint
        .ok_or_else(|| bad("subscription.endpoint", "subscription.endpoint is missing."))?;
    let endpoint = services
        .check(&endpoint)
        .map_err(|refusal| bad("subscription.endpoint", refusal.message()))?;
    let keys = sent
        .keys
        .ok_or_else(|| bad("subscription.keys", "subscription.keys is missing."))?;
    let p256dh = keys.p256dh.unwrap_or_default();
    let point = URL_SAFE_NO_PAD
        .decode(p256dh.trim_end_matches('='))
        .ok()
        .filter(|bytes| bytes.len() == 65)
        .and_then(|bytes| p256::PublicKey::from_sec1_bytes(&bytes).ok());
    if point.is_none() {
        return Err(bad(
            "subscription.keys.p256dh",
            "subscription.keys.p256dh is not a P-256 public key (65 bytes, base64url).",
        ));
    }
    let auth = keys.auth.unwrap_or_default();
    let auth_ok = URL_SAFE_NO_PAD
        .decode(auth.trim_end_matches('='))
        .is_ok_and(|bytes| bytes.len() == 16);
    if !auth_ok {
        return Err(bad(
            "subscription.keys.auth",
            "subscription.keys.auth is not 16 bytes of base64url.",
        ));
    }
    let lang = match body.lang.as_deref() {
        Some("pl") => "pl",
        Some("en") => "en",
        Some("uk") => "uk",
        _ => return Err(bad("lang", "lang must be pl, en or uk.")),
    };
    let open_url = body
        .open_url
        .filter(|u| !u.is_empty() && u.len() <= 2048)
        .ok_or_else(|| bad("open_url", "open_url is missing."))?;
    Ok(SubscribeRequest {
        subscription: Subscription {
            endpoint,
            p256dh: p256dh.trim_end_matches('=').to_owned(),
            auth: auth.trim_end_matches('=').to_owned(),
        },
        lang,
        open_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 8291's example keys (section 5 / appendix A).
    pub const P256DH: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    pub const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn body(endpoint: &str, p256dh: &str, auth: &str, lang: &str) -> Vec<u8> {
        json!({
            "subscription": {"endpoint": endpoint, "expirationTime": null,
                             "keys": {"p256dh": p256dh, "auth": auth}},
            "lang": lang,
            "open_url": "http://127.0.0.1:8080/"
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_good_subscription_is_read() {
        let services = PushServices::with_known(&[]).unwrap();
        let request = parse_subscribe(
            &body("https://fcm.googleapis.com/fcm/send/x", P256DH, AUTH, "uk"),
            &services,
        )
        .unwrap();
        assert_eq!(request.lang, "uk");
        assert_eq!(request.subscription.auth, AUTH);
        assert_eq!(
            format!("{:?}", request.subscription),
            "Subscription(fcm.googleapis.com)"
        );
    }

    #[test]
    fn each_wrong_part_is_named() {
        let services = PushServices::with_known(&[]).unwrap();
        let field = |b: Vec<u8>| parse_subscribe(&b, &services).unwrap_err().field;
        let fcm = "https://fcm.googleapis.com/fcm/send/x";
        assert_eq!(field(b"not json".to_vec()), "subscription");
        assert_eq!(field(b"{}".to_vec()), "subscription");
        assert_eq!(
            field(body("https://evil.example/x", P256DH, AUTH, "pl")),
            "subscription.endpoint"
        );
        assert_eq!(
            field(body(fcm, &P256DH[..40], AUTH, "pl")),
            "subscription.keys.p256dh"
        );
        // 65 bytes, but not a point on the curve.
        let off_curve = URL_SAFE_NO_PAD.encode([4u8; 65]);
        assert_eq!(
            field(body(fcm, &off_curve, AUTH, "pl")),
            "subscription.keys.p256dh"
        );
        assert_eq!(
            field(body(fcm, P256DH, "c2hvcnQ", "pl")),
            "subscription.keys.auth"
        );
        assert_eq!(field(body(fcm, P256DH, AUTH, "de")), "lang");
        assert_eq!(parse_unsubscribe(b"{\"endpoint\": \"x\"}").unwrap(), "x");
        assert_eq!(parse_unsubscribe(b"{}").unwrap_err().field, "endpoint");
    }
}
