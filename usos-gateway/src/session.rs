//! What the gateway keeps about a student, sealed (encrypted and
//! authenticated) in cookies, so that it needs no store of its own: the
//! access token after sign-in, and the request token during it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum_extra::extract::cookie::{Cookie, PrivateCookieJar, SameSite};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::config::{SESSION_LIFETIME, SIGN_IN_LIFETIME};

/// A signed-in student: their university (the installation's id) and
/// their USOS access token there. The installation is part of who they
/// are: sealed with the token, and checked on every request.
#[derive(Clone, Deserialize, Serialize)]
pub struct Session {
    /// `None` in a cookie sealed before the gateway served many
    /// installations: good only where it serves one.
    #[serde(default)]
    pub installation: Option<String>,
    pub token: String,
    pub secret: String,
    /// Seconds since the Unix epoch; the session ends [`SESSION_LIFETIME`] later.
    pub issued: u64,
}

/// A sign-in under way: the installation, the request token, and where
/// the student returns.
#[derive(Clone, Deserialize, Serialize)]
pub struct SignIn {
    #[serde(default)]
    pub installation: Option<String>,
    pub token: String,
    pub secret: String,
    pub return_to: String,
    pub issued: u64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session([redacted])")
    }
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignIn([redacted])")
    }
}

/// The cookies' names and attributes, fixed by the public URL.
#[derive(Clone, Copy, Debug)]
pub struct CookiePolicy {
    /// `Secure`, and the `__Host-` / `__Secure-` name prefixes that make the
    /// browser keep the cookie to this host alone.
    pub secure: bool,
}

impl CookiePolicy {
    pub fn session_name(self) -> &'static str {
        if self.secure {
            "__Host-mlg_session"
        } else {
            "mlg_session"
        }
    }

    pub fn sign_in_name(self) -> &'static str {
        if self.secure {
            "__Secure-mlg_signin"
        } else {
            "mlg_signin"
        }
    }

    /// The signed-in student's cookie: whole site, a working day.
    pub fn session_cookie(self, session: &Session) -> Cookie<'static> {
        self.cookie(self.session_name(), "/", seal(session), SESSION_LIFETIME)
    }

    /// The sign-in round trip's cookie: only `/auth/`, ten minutes.
    pub fn sign_in_cookie(self, sign_in: &SignIn) -> Cookie<'static> {
        self.cookie(
            self.sign_in_name(),
            "/auth/",
            seal(sign_in),
            SIGN_IN_LIFETIME,
        )
    }

    /// A cookie that makes the browser forget `name`.
    pub fn removal(self, name: &'static str, path: &'static str) -> Cookie<'static> {
        let mut cookie = self.cookie(name, path, String::new(), Duration::ZERO);
        cookie.make_removal();
        cookie
    }

    fn cookie(
        self,
        name: &'static str,
        path: &'static str,
        value: String,
        lifetime: Duration,
    ) -> Cookie<'static> {
        Cookie::build((name, value))
            .path(path)
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(time::Duration::seconds(lifetime.as_secs() as i64))
            .build()
    }

    /// The student's session, if the jar holds one that opens and has not
    /// outlived [`SESSION_LIFETIME`].
    pub fn session(self, jar: &PrivateCookieJar) -> Option<Session> {
        let session: Session = open(jar, self.session_name())?;
        fresh(session.issued, SESSION_LIFETIME).then_some(session)
    }

    /// The sign-in under way, if any and not stale.
    pub fn sign_in(self, jar: &PrivateCookieJar) -> Option<SignIn> {
        let sign_in: SignIn = open(jar, self.sign_in_name())?;
        fresh(sign_in.issued, SIGN_IN_LIFETIME).then_some(sign_in)
    }
}

/// Seconds since the Unix epoch.
pub fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn fresh(issued: u64, lifetime: Duration) -> bool {
    let now = now_s();
    issued <= now + 60 && now - issued.min(now) < lifetime.as_secs()
}

fn seal<T: Serialize>(value: &T) -> String {
    // Serializing these plain structs cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

fn open<T: DeserializeOwned>(jar: &PrivateCookieJar, name: &str) -> Option<T> {
    // `get` decrypts and authenticates; a cookie that fails is as if absent.
    serde_json::from_str(jar.get(name)?.value()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum_extra::extract::cookie::Key;

    #[test]
    fn a_session_survives_the_round_trip_and_nothing_else_opens() {
        let key = Key::generate();
        let policy = CookiePolicy { secure: true };
        let session = Session {
            installation: Some("uw".into()),
            token: "tok".into(),
            secret: "sec".into(),
            issued: now_s(),
        };
        let jar = PrivateCookieJar::new(key.clone()).add(policy.session_cookie(&session));
        let sealed = jar.iter().next().is_some();
        assert!(sealed);
        let cookie = policy.session_cookie(&session);
        assert_eq!(cookie.name(), "__Host-mlg_session");
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        assert_eq!(cookie.path(), Some("/"));
        let opened = policy.session(&jar).unwrap();
        assert_eq!(
            (opened.token.as_str(), opened.secret.as_str()),
            ("tok", "sec")
        );
        // Another key (another deployment) cannot open it.
        let other = PrivateCookieJar::new(Key::generate());
        assert!(policy.session(&other).is_none());
        assert_eq!(format!("{session:?}"), "Session([redacted])");
    }

    #[test]
    fn an_old_session_has_ended() {
        let key = Key::generate();
        let policy = CookiePolicy { secure: false };
        let old = Session {
            installation: None,
            token: "t".into(),
            secret: "s".into(),
            issued: now_s() - SESSION_LIFETIME.as_secs() - 1,
        };
        let jar = PrivateCookieJar::new(key).add(policy.session_cookie(&old));
        assert!(policy.session(&jar).is_none());
    }
}
