//! Sending one message to a push service: RFC 8030, the payload encrypted
//! by RFC 8291 (`aes128gcm`, done by `web-push-native`), VAPID by RFC 8292.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use url::Url;
use web_push_native::Auth;

use crate::push::schedule::Delivery;
use crate::push::vapid::VapidKey;

/// What the service worker shows: nothing of the student's beyond the
/// outcome, in their language; under 1 KB.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// The page a click opens.
    pub url: &'a str,
    /// One per order: a second message replaces the first.
    pub tag: &'a str,
    pub lang: &'a str,
}

/// One message for one subscription.
pub struct Message<'a> {
    pub endpoint: &'a Url,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub payload: &'a Payload<'a>,
    /// How long the push service should keep it for an offline device.
    pub ttl: Duration,
    /// Replaces a message with the same topic still waiting at the service.
    pub topic: &'a str,
}

/// The push services' client and the gateway's VAPID identity.
pub struct Sender {
    client: reqwest::Client,
    vapid: VapidKey,
    subject: String,
}

/// Why a message could not be made (not sent): a key the subscription
/// should not have passed with, or VAPID signing. Counted, never retried.
#[derive(Debug)]
pub struct Unsendable(pub &'static str);

impl Sender {
    pub fn new(vapid: VapidKey, subject: String) -> Result<Sender, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            // A push service never redirects; following one would let it
            // send the gateway anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("usos-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the push client: {e}"))?;
        Ok(Sender {
            client,
            vapid,
            subject,
        })
    }

    pub fn vapid(&self) -> &VapidKey {
        &self.vapid
    }

    /// Encrypts and sends `message`; how the service answered.
    pub async fn send(&self, message: &Message<'_>) -> Result<Delivery, Unsendable> {
        let body = encrypt(message)?;
        let authorization = self
            .vapid
            .authorization(message.endpoint, &self.subject)
            .map_err(|_| Unsendable("vapid"))?;
        let sent = self
            .client
            .post(message.endpoint.clone())
            .header("ttl", message.ttl.as_secs().max(1).to_string())
            .header("urgency", "high")
            .header("topic", message.topic)
            .header("content-encoding", "aes128gcm")
            .header("content-type", "application/octet-stream")
            .header("authorization", authorization)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => {
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                Ok(Delivery::of(
                    response.status().as_u16(),
                    retry_after.as_deref(),
                ))
            }
            Err(_) => Ok(Delivery::Unreachable),
        }
    }
}

/// The payload encrypted for the subscription's keys (RFC 8291).
fn encrypt(message: &Message<'_>) -> Result<Vec<u8>, Unsendable> {
    let public = URL_SAFE_NO_PAD
        .decode(message.p256dh)
        .ok()
        .and_then(|bytes| web_push_native::p256::PublicKey::from_sec1_bytes(&bytes).ok())
        .ok_or(Unsendable("p256dh"))?;
    let auth = URL_SAFE_NO_PAD
        .decode(message.auth)
        .ok()
        .filter(|bytes| bytes.len() == 16)
        .ok_or(Unsendable("auth"))?;
    let payload = serde_json::to_vec(message.payload).map_err(|_| Unsendable("payload"))?;
    web_push_native::encrypt(payload, &public, &Auth::clone_from_slice(&auth))
        .map_err(|_| Unsendable("encryption"))
}

/// A `Topic` for an order: at most 32 characters of base64url's alphabet
/// (RFC 8030), the same for every message about the order.
pub fn topic(order_id: &str) -> String {
    let safe: String = order_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(26)
        .collect();
    format!("mlg-{safe}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_fits_rfc_8030() {
        assert_eq!(topic("4211"), "mlg-4211");
        let long = topic(&"x|y".repeat(40));
        assert!(long.len() <= 32);
        assert!(long
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn the_payload_is_small_and_encrypted() {
        let endpoint = Url::parse("https://fcm.googleapis.com/fcm/send/x").unwrap();
        let message =
            mcard_common::call_back::message(mcard_common::call_back::Outcome::Error, "uk");
        let payload = Payload {
            title: message.title,
            body: message.body,
            url: &format!("https://mlegitymacja.example.edu/{}", "x".repeat(200)),
            tag: "mlegitymacja-4211",
            lang: "uk",
        };
        let plain = serde_json::to_vec(&payload).unwrap();
        assert!(plain.len() < 1024, "{} bytes", plain.len());
        let body = encrypt(&Message {
            endpoint: &endpoint,
            p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            auth: "BTBZMqHH6r4Tts7J_aSIgg",
            payload: &payload,
            ttl: Duration::from_secs(60),
            topic: "mlg-4211",
        })
        .unwrap();
        // The header (86 bytes with the 65-byte key), the text, its padding
        // delimiter and the 16-byte tag.
        assert_eq!(body.len(), 86 + plain.len() + 1 + 16);
        assert!(!body.windows(5).any(|w| w == b"title"));
    }
}
