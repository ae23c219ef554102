//! The student's USOS token at rest, in a watch's row: sealed with
//! AES-256-GCM under a key derived from the session key, like the cookies.
//! A copy of the database without that key opens nobody's USOS account.
//!
//! Also the watch's owner: a keyed hash of the access token, so that
//! sign-out can end the student's watches without the token being stored
//! where it could be matched.

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::session::Session;
use crate::upstream::Tokens;

/// The sealing keys, derived from the session key (and the one before it,
/// during a rotation).
pub struct Vault {
    current: Keys,
    previous: Option<Keys>,
}

struct Keys {
    cipher: Aes256Gcm,
    owner: [u8; 32],
}

impl Keys {
    fn derive(session_key: &[u8]) -> Keys {
        let hkdf = Hkdf::<Sha256>::new(Some(b"usos-gateway watches"), session_key);
        let mut cipher = [0u8; 32];
        let mut owner = [0u8; 32];
        // 32 bytes each: always within HKDF-SHA256's limit.
        let _ = hkdf.expand(b"token seal v1", &mut cipher);
        let _ = hkdf.expand(b"owner v1", &mut owner);
        Keys {
            cipher: Aes256Gcm::new(&cipher.into()),
            owner,
        }
    }
}

impl Vault {
    pub fn new(session_key: &[u8], previous: Option<&[u8]>) -> Vault {
        Vault {
            current: Keys::derive(session_key),
            previous: previous.map(Keys::derive),
        }
    }

    /// The token and its secret, sealed: base64url of nonce ‖ ciphertext.
    /// The installation is bound in (authenticated, not encrypted): a row
    /// moved to another installation's id does not open, so its tokens can
    /// never be sent to that installation's USOS.
    pub fn seal(&self, session: &Session, installation: &str) -> String {
        let plain = format!("{}\n{}", session.token, session.secret);
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // Encrypting a short text in memory does not fail.
        let sealed = self
            .current
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.as_bytes(),
                    aad: installation.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The tokens, if `sealed` was sealed for `installation` by this
    /// vault's key (or the one before it) and not changed since.
    pub fn open(&self, sealed: &str, installation: &str) -> Option<Tokens> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(12);
        let nonce = Nonce::from_slice(nonce);
        let plain = std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .find_map(|keys| {
                keys.cipher
                    .decrypt(
                        nonce,
                        Payload {
                            msg: sealed,
                            aad: installation.as_bytes(),
                        },
                    )
                    .ok()
            })?;
        let plain = String::from_utf8(plain).ok()?;
        let (token, secret) = plain.split_once('\n')?;
        Some(Tokens {
            token: token.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// Who owns a watch: the same for every request of one session, and
    /// useless without the key.
    pub fn owner(&self, session: &Session) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.current.owner)
            .expect("HMAC takes a key of any length");
        mac.update(session.token.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            installation: Some("uw".into()),
            token: "access-token-abc".into(),
            secret: "token-secret-xyz".into(),
            issued: 0,
        }
    }

    #[test]
    fn sealed_tokens_open_only_with_the_key() {
        let vault = Vault::new(&[7u8; 64], None);
        let sealed = vault.seal(&session(), "uw");
        assert!(!sealed.contains("access-token"));
        assert_ne!(
            sealed,
            vault.seal(&session(), "uw"),
            "a fresh nonce each time"
        );
        let opened = vault.open(&sealed, "uw").unwrap();
        assert_eq!(opened.token, "access-token-abc");
        assert_eq!(opened.secret, "token-secret-xyz");
        assert!(Vault::new(&[8u8; 64], None).open(&sealed, "uw").is_none());
        // Sealed for one installation, it opens for no other.
        assert!(vault.open(&sealed, "ul").is_none());
        assert!(vault.open(&sealed, "").is_none());
        let mut changed = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        changed[20] ^= 1;
        assert!(vault.open(&URL_SAFE_NO_PAD.encode(changed), "uw").is_none());
        assert!(vault.open("", "uw").is_none());
        assert_eq!(format!("{opened:?}"), "Tokens([redacted])");
    }

    #[test]
    fn a_rotated_key_still_opens_what_the_old_one_sealed() {
        let old = Vault::new(&[1u8; 64], None);
        let sealed = old.seal(&session(), "uw");
        let rotated = Vault::new(&[2u8; 64], Some(&[1u8; 64]));
        assert!(rotated.open(&sealed, "uw").is_some());
    }

    #[test]
    fn the_owner_is_a_keyed_hash() {
        let vault = Vault::new(&[7u8; 64], None);
        let owner = vault.owner(&session());
        assert_eq!(owner, vault.owner(&session()));
        assert!(!owner.contains("access"));
        assert_ne!(owner, Vault::new(&[8u8; 64], None).owner(&session()));
    }
}
