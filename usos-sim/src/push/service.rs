//! The push service's state: the subscriptions it made, what it was told
//! to answer for each, and every message that arrived.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use aes_gcm::aead::OsRng;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde::Serialize;
use serde_json::Value;

/// A subscription as a browser would hold it: the private half stays here.
pub struct Subscription {
    pub secret: p256::SecretKey,
    pub auth: [u8; 16],
    /// How to answer its pushes.
    pub reply: Reply,
}

/// How a subscription's pushes are answered: by default 201 at once.
#[derive(Clone, Copy, Debug)]
pub struct Reply {
    /// 201, or e.g. 410 or 429.
    pub status: u16,
    /// The `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
    /// How long the service takes to answer: a busy one is slow.
    pub delay_ms: u64,
}

impl Default for Reply {
    fn default() -> Reply {
        Reply {
            status: 201,
            retry_after: None,
            delay_ms: 0,
        }
    }
}

/// One push that arrived, accepted or not.
#[derive(Clone, Debug, Serialize)]
pub struct Received {
    pub subscription: String,
    /// Milliseconds since the Unix epoch.
    pub received_at_ms: u64,
    /// When the answer went back (a `Retry-After` counts from it).
    pub answered_at_ms: u64,
    /// The status the service answered.
    pub answered: u16,
    /// Why it was refused, if it was.
    pub problem: Option<String>,
    pub ttl: Option<u64>,
    pub urgency: Option<String>,
    pub topic: Option<String>,
    /// The VAPID claims and key, when they verified.
    pub aud: Option<String>,
    pub sub: Option<String>,
    pub exp: Option<u64>,
    pub vapid_key: Option<String>,
    /// The decrypted message, as JSON when it is JSON.
    pub payload: Option<Value>,
}

/// Shared by the handlers.
#[derive(Clone, Default)]
pub struct PushService(Arc<Mutex<State>>);

#[derive(Default)]
pub struct State {
    pub subscriptions: HashMap<String, Subscription>,
    pub received: Vec<Received>,
}

impl std::fmt::Debug for PushService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PushService")
    }
}

impl PushService {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new subscription at `origin` (`http://127.0.0.1:8079`), as
    /// `PushSubscription.toJSON()` gives it.
    pub fn subscribe(&self, origin: &str) -> Value {
        let secret = p256::SecretKey::random(&mut OsRng);
        let auth: [u8; 16] = rand::random();
        let id = format!("{:032x}", rand::random::<u128>());
        let public = secret.public_key().to_encoded_point(false);
        let json = serde_json::json!({
            "endpoint": format!("{origin}/push/{id}"),
            "expirationTime": null,
            "keys": {
                "p256dh": URL_SAFE_NO_PAD.encode(public.as_bytes()),
                "auth": URL_SAFE_NO_PAD.encode(auth),
            }
        });
        self.lock().subscriptions.insert(
            id,
            Subscription {
                secret,
                auth,
                reply: Reply::default(),
            },
        );
        json
    }
}
