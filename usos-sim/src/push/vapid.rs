//! RFC 8292 (VAPID) on the receiving side: `Authorization: vapid t=JWT,
//! k=KEY`, where the JWT is ES256-signed by KEY, names this push service's
//! origin (with its port) in `aud`, expires within 24 hours, and names the
//! sender's contact in `sub`. Written from the RFCs (7515, 7519, 8292).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde::Deserialize;

/// What a valid VAPID header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vapid {
    /// The sender's public key, base64url, as sent in `k`.
    pub key: String,
    pub aud: String,
    pub sub: String,
    pub exp: u64,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

#[derive(Deserialize)]
struct Claims {
    aud: Option<String>,
    exp: Option<u64>,
    sub: Option<String>,
}

/// Checks `authorization` for a push to `origin` (`http://127.0.0.1:8079`)
/// at `now_s`; the reason in a few words when it fails.
pub fn verify(authorization: &str, origin: &str, now_s: u64) -> Result<Vapid, String> {
    let rest = authorization
        .strip_prefix("vapid ")
        .ok_or("not a vapid authorization")?;
    let mut token = None;
    let mut key = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(t) = part.strip_prefix("t=") {
            token = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k);
        }
    }
    let (token, key) = token.zip(key).ok_or("t= or k= missing")?;
    let key_bytes = URL_SAFE_NO_PAD
        .decode(key.trim_end_matches('='))
        .map_err(|_| "k is not base64url")?;
    let verifying =
        VerifyingKey::from_sec1_bytes(&key_bytes).map_err(|_| "k is not a P-256 key")?;
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the JWT is not three parts".into());
    };
    let header: Header = decode_json(header).ok_or("the JWT header is not JSON")?;
    if header.alg != "ES256" {
        return Err(format!("alg is {}, not ES256", header.alg));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|s| Signature::from_slice(&s).ok())
        .ok_or("the signature is not 64 bytes of r and s")?;
    let signed = &token[..token.len() - token.rsplit('.').next().unwrap_or("").len() - 1];
    verifying
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| "the signature does not verify with k")?;
    let claims: Claims = decode_json(claims).ok_or("the JWT claims are not JSON")?;
    let aud = claims.aud.ok_or("aud missing")?;
    if aud != origin {
        return Err(format!(
            "aud is {aud}, not this push service's origin {origin}"
        ));
    }
    let exp = claims.exp.ok_or("exp missing")?;
    if exp <= now_s {
        return Err("exp has passed".into());
    }
    if exp > now_s + 24 * 60 * 60 + 60 {
        return Err("exp is more than 24 hours ahead".into());
    }
    let sub = claims.sub.ok_or("sub missing")?;
    if !(sub.starts_with("mailto:") || sub.starts_with("https://")) {
        return Err("sub is neither mailto: nor https:".into());
    }
    Ok(Vapid {
        key: key.trim_end_matches('=').to_owned(),
        aud,
        sub,
        exp,
    })
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Option<T> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::SigningKey;

    fn header(claims: &serde_json::Value, signer: &SigningKey, alg: &str) -> String {
        let head = URL_SAFE_NO_PAD.encode(format!("{{\"typ\":\"JWT\",\"alg\":\"{alg}\"}}"));
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{head}.{body}");
        let signature: Signature = signer.sign(signed.as_bytes());
        let key = URL_SAFE_NO_PAD.encode(signer.verifying_key().to_encoded_point(false).as_bytes());
        format!(
            "vapid t={signed}.{}, k={key}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }

    #[test]
    fn a_good_jwt_verifies_and_each_fault_is_named() {
        let signer = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let origin = "http://127.0.0.1:8079";
        let now = 1_800_000_000;
        let claims = |aud: &str, exp: u64, sub: &str| serde_json::json!({"aud": aud, "exp": exp, "sub": sub});
        let good = header(
            &claims(origin, now + 3600, "mailto:it@example.edu"),
            &signer,
            "ES256",
        );
        let vapid = verify(&good, origin, now).unwrap();
        assert_eq!(vapid.sub, "mailto:it@example.edu");
        let fault = |h: &str| verify(h, origin, now).unwrap_err();
        // The port left out of aud, as a client that drops it would send.
        assert!(fault(&header(
            &claims("http://127.0.0.1", now + 3600, "mailto:a@b"),
            &signer,
            "ES256"
        ))
        .contains("aud"));
        assert!(fault(&header(
            &claims(origin, now - 1, "mailto:a@b"),
            &signer,
            "ES256"
        ))
        .contains("passed"));
        assert!(fault(&header(
            &claims(origin, now + 25 * 3600, "mailto:a@b"),
            &signer,
            "ES256"
        ))
        .contains("24 hours"));
        assert!(fault(&header(&claims(origin, now + 60, "a@b"), &signer, "ES256")).contains("sub"));
        assert!(fault(&header(
            &claims(origin, now + 60, "mailto:a@b"),
            &signer,
            "HS256"
        ))
        .contains("ES256"));
        // Signed by another key than k names.
        let other = SigningKey::from_slice(&[8u8; 32]).unwrap();
        let forged = header(&claims(origin, now + 60, "mailto:a@b"), &other, "ES256");
        let k = good.split("k=").nth(1).unwrap();
        let forged = format!("{}k={k}", forged.split("k=").next().unwrap());
        assert!(fault(&forged).contains("does not verify"));
        assert!(fault("Bearer x").contains("vapid"));
    }
}
