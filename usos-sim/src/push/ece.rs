//! RFC 8291 (Message Encryption for Web Push) on the receiving side: the
//! `aes128gcm` content coding of RFC 8188 with keys from the user agent's
//! P-256 key and authentication secret. Written from the RFCs.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use sha2::Sha256;

/// Why a message did not decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecryptError {
    /// Shorter than the header, or the key id is not a P-256 point.
    Header,
    /// More than one record, which a Web Push message never needs.
    Records,
    /// The authentication tag did not match: other keys, or changed bytes.
    Tag,
    /// No padding delimiter (2) at the end of the last record.
    Padding,
}

/// Decrypts an `aes128gcm` body sent to the user agent whose private key
/// is `ua_secret` and whose authentication secret is `auth`.
pub fn decrypt(
    body: &[u8],
    ua_secret: &p256::SecretKey,
    auth: &[u8; 16],
) -> Result<Vec<u8>, DecryptError> {
    // RFC 8188 §2.1: salt (16) ‖ rs (4) ‖ idlen (1) ‖ keyid (idlen).
    if body.len() < 21 {
        return Err(DecryptError::Header);
    }
    let salt = &body[..16];
    let rs = u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize;
    let idlen = body[20] as usize;
    if body.len() < 21 + idlen || rs < 18 {
        return Err(DecryptError::Header);
    }
    let as_public = p256::PublicKey::from_sec1_bytes(&body[21..21 + idlen])
        .map_err(|_| DecryptError::Header)?;
    let ciphertext = &body[21 + idlen..];
    if ciphertext.len() > rs {
        return Err(DecryptError::Records);
    }
    // RFC 8291 §3.3–3.4: the input keying material from ECDH and auth.
    let shared = p256::ecdh::diffie_hellman(ua_secret.to_nonzero_scalar(), as_public.as_affine());
    let ua_public = ua_secret.public_key().to_encoded_point(false);
    let as_public = as_public.to_encoded_point(false);
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public.as_bytes());
    key_info.extend_from_slice(as_public.as_bytes());
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .map_err(|_| DecryptError::Header)?;
    // RFC 8188 §2.2–2.3: the content encryption key and the nonce.
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| DecryptError::Header)?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| DecryptError::Header)?;
    // One record: sequence number 0, so the nonce is used as derived.
    let plain = Aes128Gcm::new(&cek.into())
        .decrypt(Nonce::from_slice(&nonce), ciphertext)
        .map_err(|_| DecryptError::Tag)?;
    // The last record's padding: zeros after a 2.
    let end = plain
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(DecryptError::Padding)?;
    if plain[end] != 2 {
        return Err(DecryptError::Padding);
    }
    Ok(plain[..end].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn b64(text: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(text).unwrap()
    }

    /// RFC 8291, Appendix A: the worked example.
    #[test]
    fn decrypts_rfc_8291_appendix_a() {
        let ua_private = b64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94");
        let ua_secret = p256::SecretKey::from_slice(&ua_private).unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.encode(ua_secret.public_key().to_encoded_point(false).as_bytes()),
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
        );
        let auth: [u8; 16] = b64("BTBZMqHH6r4Tts7J_aSIgg").try_into().unwrap();
        let body = b64(concat!(
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
            "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
            "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        ));
        assert_eq!(
            decrypt(&body, &ua_secret, &auth).unwrap(),
            b"When I grow up, I want to be a watermelon"
        );
        // Another authentication secret, or one changed byte: refused.
        let mut other = auth;
        other[0] ^= 1;
        assert_eq!(decrypt(&body, &ua_secret, &other), Err(DecryptError::Tag));
        let mut changed = body.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert_eq!(decrypt(&changed, &ua_secret, &auth), Err(DecryptError::Tag));
        assert_eq!(
            decrypt(&body[..20], &ua_secret, &auth),
            Err(DecryptError::Header)
        );
    }
}
