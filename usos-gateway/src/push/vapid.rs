//! VAPID (RFC 8292): how the gateway tells push services who sends. An
//! ES256 JWT signed with the gateway's P-256 key, whose `aud` is the push
//! service's origin, sent with the public key in `Authorization: vapid`.
//!
//! The JWT is made here with `web-push-native`'s own primitives (its
//! `jwt_simple`) rather than its `with_vapid`: that one writes `aud` as
//! scheme and host alone, dropping a non-default port, and a push service
//! on one checks `aud` against its own origin and refuses.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::DecodePrivateKey;
use url::Url;
use web_push_native::jwt_simple::algorithms::{ECDSAP256KeyPairLike, ES256KeyPair};
use web_push_native::jwt_simple::claims::Claims;

/// How long a VAPID JWT is valid: RFC 8292 allows at most 24 hours.
pub const JWT_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// The gateway's VAPID key pair.
pub struct VapidKey {
    key_pair: ES256KeyPair,
    /// The public key as browsers take it: base64url of the uncompressed point.
    public_key: String,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VapidKey(public {})", self.public_key)
    }
}

impl VapidKey {
    /// Reads a PEM file: SEC1 (`BEGIN EC PRIVATE KEY`, what `openssl ecparam
    /// -name prime256v1 -genkey -noout` writes; an `EC PARAMETERS` block
    /// before it is skipped) or PKCS#8 (`BEGIN PRIVATE KEY`). The error says
    /// what was wrong, never the key.
    pub fn from_pem(pem: &str) -> Result<VapidKey, String> {
        let secret = if let Some(block) = pem_block(pem, "EC PRIVATE KEY") {
            p256::SecretKey::from_sec1_pem(&block)
                .map_err(|_| "holds an EC PRIVATE KEY that is not a P-256 key".to_owned())?
        } else if let Some(block) = pem_block(pem, "PRIVATE KEY") {
            p256::SecretKey::from_pkcs8_pem(&block).map_err(|_| {
                "holds a PRIVATE KEY that is not a P-256 (prime256v1) key".to_owned()
            })?
        } else {
            return Err(
                "is not a PEM private key (make one with: openssl ecparam -name prime256v1 -genkey -noout -out FILE)"
                    .to_owned(),
            );
        };
        let key_pair = ES256KeyPair::from_bytes(&secret.to_bytes())
            .map_err(|_| "holds a key that cannot sign".to_owned())?;
        let point = secret.public_key().to_encoded_point(false);
        Ok(VapidKey {
            key_pair,
            public_key: URL_SAFE_NO_PAD.encode(point.as_bytes()),
        })
    }

    /// base64url of the uncompressed public point: `/push/key`'s answer and
    /// the browser's `applicationServerKey`.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The `Authorization` header for a push to `endpoint`.
    pub fn authorization(&self, endpoint: &Url, subject: &str) -> Result<String, String> {
        let claims = Claims::create(JWT_LIFETIME.into())
            .with_audience(audience(endpoint))
            .with_subject(subject);
        let token = self
            .key_pair
            .sign(claims)
            .map_err(|_| "cannot sign the VAPID token".to_owned())?;
        Ok(format!("vapid t={token}, k={}", self.public_key))
    }
}

/// The push service's origin, with its port when it is not the default:
/// `https://fcm.googleapis.com`, `http://127.0.0.1:8079`.
pub fn audience(endpoint: &Url) -> String {
    endpoint.origin().ascii_serialization()
}

/// The PEM block labelled `label`, whole, if the text has one.
fn pem_block(pem: &str, label: &str) -> Option<String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)?;
    let stop = pem[start..].find(&end)? + start + end.len();
    Some(pem[start..stop].to_owned())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Written by `openssl ecparam -name prime256v1 -genkey -noout` (a test key).
    pub const SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIJuHUmkLOiWip6BSTG1IfZdymT9E/La3IhZGuGcotgHLoAoGCCqGSM49
AwEHoUQDQgAEVl6AQz3VERBBcwc7EDQicvs1FsWQPWj42IS2JLnKlb8TTTMUAFLM
B4nWobac9KFzd/IJqX/1portbISuGcC3xA==
-----END EC PRIVATE KEY-----
";

    #[test]
    fn reads_sec1_and_pkcs8_and_says_what_is_wrong() {
        let sec1 = VapidKey::from_pem(SEC1).unwrap();
        assert_eq!(sec1.public_key().len(), 87);
        let with_params = format!(
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{SEC1}"
        );
        assert_eq!(
            VapidKey::from_pem(&with_params).unwrap().public_key(),
            sec1.public_key()
        );
        let secret = p256::SecretKey::from_sec1_pem(SEC1).unwrap();
        let pkcs8 =
            p256::pkcs8::EncodePrivateKey::to_pkcs8_pem(&secret, Default::default()).unwrap();
        assert_eq!(
            VapidKey::from_pem(&pkcs8).unwrap().public_key(),
            sec1.public_key()
        );
        assert!(VapidKey::from_pem("hello")
            .unwrap_err()
            .contains("openssl ecparam"));
        let broken = SEC1.replace("B4nWobac", "");
        assert!(VapidKey::from_pem(&broken).is_err());
        assert!(!format!("{sec1:?}").contains("MHcC"));
    }

    #[test]
    fn the_audience_keeps_a_port_that_is_not_the_default() {
        let at = |u: &str| audience(&Url::parse(u).unwrap());
        assert_eq!(
            at("http://127.0.0.1:8079/push/abc"),
            "http://127.0.0.1:8079"
        );
        assert_eq!(
            at("https://fcm.googleapis.com/fcm/send/x"),
            "https://fcm.googleapis.com"
        );
        assert_eq!(
            at("https://push.example:8443/x"),
            "https://push.example:8443"
        );
    }

    #[test]
    fn the_header_carries_the_token_and_the_public_key() {
        let key = VapidKey::from_pem(SEC1).unwrap();
        let endpoint = Url::parse("http://127.0.0.1:8079/push/abc").unwrap();
        let header = key
            .authorization(&endpoint, "mailto:it@example.edu")
            .unwrap();
        let (token, k) = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(k, key.public_key());
        let claims = token.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["aud"], "http://127.0.0.1:8079");
        assert_eq!(claims["sub"], "mailto:it@example.edu");
        let exp = claims["exp"].as_u64().unwrap();
        let now = crate::session::now_s();
        assert!(exp > now && exp <= now + 24 * 60 * 60);
    }
}
