//! The stand-in's OAuth 1.0a provider: the consumer it knows, the tokens it
//! issued, the nonces it has seen, and the check every signed request passes.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;

use super::signature::{authorization_params, base_string, hmac_sha1_matches};

/// How far a request's `oauth_timestamp` may be from the provider's clock.
pub const CLOCK_SKEW_S: u64 = 300;

/// The one application allowed to call, given as `--oauth KEY:SECRET`.
#[derive(Clone)]
pub struct Consumer {
    pub key: String,
    pub secret: String,
}

impl Consumer {
    /// Reads `KEY:SECRET`.
    pub fn parse(spec: &str) -> Result<Consumer, String> {
        match spec.split_once(':') {
            Some((key, secret)) if !key.is_empty() && !secret.is_empty() => Ok(Consumer {
                key: key.to_owned(),
                secret: secret.to_owned(),
            }),
            _ => Err("--oauth needs KEY:SECRET, both non-empty".to_owned()),
        }
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Consumer({}, [redacted])", self.key)
    }
}

/// A request as the provider checks it.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// `http://host[:port]/path`, as the client must have signed it.
    pub base_uri: String,
    pub query: Option<&'a str>,
    /// The body, when it is `application/x-www-form-urlencoded`.
    pub form_body: Option<&'a [u8]>,
    pub authorization: Option<&'a str>,
}

/// Which token a request must be signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `request_token`: the consumer alone.
    ConsumerOnly,
    /// `access_token`: a request token the student approved.
    RequestToken,
    /// Everything else: an access token still valid.
    AccessToken,
}

/// Why a request was refused; each is a 401 in USOS's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotSigned,
    UnknownConsumer,
    UnsupportedMethod,
    StaleTimestamp,
    ReusedNonce,
    BadSignature,
    UnknownToken,
    RevokedToken,
    NotApproved,
    BadVerifier,
}

impl Refusal {
    /// The English message USOS-style answers carry.
    pub fn message(&self) -> &'static str {
        match self {
            Refusal::NotSigned => "This method requires an OAuth 1.0a signed request.",
            Refusal::UnknownConsumer => "Unknown consumer key.",
            Refusal::UnsupportedMethod => "Only the HMAC-SHA1 signature method is supported.",
            Refusal::StaleTimestamp => "The timestamp is too far from the server's clock.",
            Refusal::ReusedNonce => "This nonce was already used.",
            Refusal::BadSignature => "Invalid signature.",
            Refusal::UnknownToken => "Unknown token.",
            Refusal::RevokedToken => "This token has been revoked.",
            Refusal::NotApproved => "The user has not authorized this request token.",
            Refusal::BadVerifier => "Invalid oauth_verifier.",
        }
    }
}

/// What a request that passed carries besides its signature.
#[derive(Debug, Default)]
pub struct Verified {
    pub token: Option<String>,
    pub callback: Option<String>,
    pub verifier: Option<String>,
}

struct RequestToken {
    secret: String,
    callback: String,
    /// Set when the student approved: the verifier the callback received.
    verifier: Option<String>,
}

struct AccessToken {
    secret: String,
    revoked: bool,
}

/// Every token issued and nonce seen since the stand-in started. (No
/// `Debug`: it holds secrets.)
pub struct Provider {
    consumer: Consumer,
    request_tokens: HashMap<String, RequestToken>,
    access_tokens: HashMap<String, AccessToken>,
    /// `(timestamp, nonce)` seen within the last two clock-skew windows,
    /// and the same in the order they arrived (with when), to forget the
    /// oldest cheaply: a replay older than that fails on its timestamp.
    nonces: HashSet<(u64, String)>,
    nonces_by_arrival: VecDeque<(u64, (u64, String))>,
    /// Requests that were signed and passed: for tests and the demo.
    pub verified_calls: u64,
    /// Requests that were refused.
    pub refused_calls: u64,
    /// Every token, token secret and verifier handed out, kind first: for
    /// tests that check none of them leaks (`/_sim/issued`).
    pub issued: Vec<(&'static str, String)>,
}

impl Provider {
    pub fn new(consumer: Consumer) -> Provider {
        Provider {
            consumer,
            request_tokens: HashMap::new(),
            access_tokens: HashMap::new(),
            nonces: HashSet::new(),
            nonces_by_arrival: VecDeque::new(),
            verified_calls: 0,
            refused_calls: 0,
            issued: Vec::new(),
        }
    }

    /// Checks a request's signature, timestamp, nonce and token, and counts it.
    pub fn verify(
        &mut self,
        request: &SignedRequest<'_>,
        expect: Expect,
        now_s: u64,
    ) -> Result<Verified, Refusal> {
        let outcome = self.check(request, expect, now_s);
        match outcome {
            Ok(_) => self.verified_calls += 1,
            Err(_) => self.refused_calls += 1,
        }
        outcome
    }

    fn check(
        &mut self,
        request: &SignedRequest<'_>,
        expect: Expect,
        now_s: u64,
    ) -> Result<Verified, Refusal> {
        // Section 3.4.1.3.1: the parameters come from the header, the query
        // and a form body alike.
        let mut params: Vec<(String, String)> = Vec::new();
        if let Some(header) = request.authorization {
            if let Some(from_header) = authorization_params(header) {
                params.extend(from_header.into_iter().filter(|(n, _)| n != "realm"));
            }
        }
        let decode = |bytes: &[u8]| {
            form_urlencoded::parse(bytes)
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect::<Vec<_>>()
        };
        params.extend(decode(request.query.unwrap_or_default().as_bytes()));
        params.extend(decode(request.form_body.unwrap_or_default()));
        let oauth = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let (Some(consumer_key), Some(signature)) =
            (oauth("oauth_consumer_key"), oauth("oauth_signature"))
        else {
            return Err(Refusal::NotSigned);
        };
        if consumer_key != self.consumer.key {
            return Err(Refusal::UnknownConsumer);
        }
        if oauth("oauth_signature_method").as_deref() != Some("HMAC-SHA1") {
            return Err(Refusal::UnsupportedMethod);
        }
        let timestamp: u64 = oauth("oauth_timestamp")
            .and_then(|t| t.parse().ok())
            .ok_or(Refusal::StaleTimestamp)?;
        if timestamp.abs_diff(now_s) > CLOCK_SKEW_S {
            return Err(Refusal::StaleTimestamp);
        }
        let nonce = oauth("oauth_nonce").ok_or(Refusal::NotSigned)?;
        let token = oauth("oauth_token");
        let token_secret = match (expect, token.as_deref()) {
            (Expect::ConsumerOnly, _) => String::new(),
            (_, None) => return Err(Refusal::NotSigned),
            (Expect::RequestToken, Some(token)) => self
                .request_tokens
                .get(token)
                .map(|t| t.secret.clone())
                .ok_or(Refusal::UnknownToken)?,
            (Expect::AccessToken, Some(token)) => match self.access_tokens.get(token) {
                None => return Err(Refusal::UnknownToken),
                Some(t) if t.revoked => return Err(Refusal::RevokedToken),
                Some(t) => t.secret.clone(),
            },
        };
        let base = base_string(request.method, &request.base_uri, &params);
        if !hmac_sha1_matches(&base, &self.consumer.secret, &token_secret, &signature) {
            return Err(Refusal::BadSignature);
        }
        // A nonce counts once it came with a valid signature, so nobody can
        // burn a client's nonces by sending garbage.
        while let Some((arrived, _)) = self.nonces_by_arrival.front() {
            if now_s.saturating_sub(*arrived) <= 2 * CLOCK_SKEW_S {
                break;
            }
            if let Some((_, seen)) = self.nonces_by_arrival.pop_front() {
                self.nonces.remove(&seen);
            }
        }
        let seen = (timestamp, nonce);
        if !self.nonces.insert(seen.clone()) {
            return Err(Refusal::ReusedNonce);
        }
        self.nonces_by_arrival.push_back((now_s, seen));
        Ok(Verified {
            token: if expect == Expect::ConsumerOnly {
                None
            } else {
                token
            },
            callback: oauth("oauth_callback"),
            verifier: oauth("oauth_verifier"),
        })
    }

    /// `request_token`: a new unapproved token for this callback.
    pub fn issue_request_token(&mut self, callback: String) -> (String, String) {
        let (token, secret) = new_pair();
        self.issued.push(("request token", token.clone()));
        self.issued.push(("request token secret", secret.clone()));
        self.request_tokens.insert(
            token.clone(),
            RequestToken {
                secret: secret.clone(),
                callback,
                verifier: None,
            },
        );
        (token, secret)
    }

    /// Whether the token exists and waits for the student.
    pub fn is_pending(&self, request_token: &str) -> bool {
        self.request_tokens
            .get(request_token)
            .is_some_and(|t| t.verifier.is_none())
    }

    /// The student approved: the callback address with `oauth_token` and
    /// `oauth_verifier` (or the verifier alone for `oob`).
    pub fn approve(&mut self, request_token: &str) -> Option<Approval> {
        let entry = self.request_tokens.get_mut(request_token)?;
        let verifier = format!("{:08}", rand::rng().random_range(0..100_000_000u32));
        entry.verifier = Some(verifier.clone());
        self.issued.push(("verifier", verifier.clone()));
        if entry.callback == "oob" {
            return Some(Approval::OutOfBand(verifier));
        }
        let separator = if entry.callback.contains('?') {
            '&'
        } else {
            '?'
        };
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("oauth_token", request_token)
            .append_pair("oauth_verifier", &verifier)
            .finish();
        Some(Approval::Redirect(format!(
            "{}{separator}{query}",
            entry.callback
        )))
    }

    /// `access_token`: trades an approved request token and its verifier for
    /// an access token; the request token is used up either way.
    pub fn issue_access_token(
        &mut self,
        request_token: &str,
        verifier: Option<&str>,
    ) -> Result<(String, String), Refusal> {
        let entry = self
            .request_tokens
            .remove(request_token)
            .ok_or(Refusal::UnknownToken)?;
        match (entry.verifier.as_deref(), verifier) {
            (None, _) => return Err(Refusal::NotApproved),
            (Some(expected), Some(given)) if expected == given => {}
            _ => return Err(Refusal::BadVerifier),
        }
        Ok(self.mint_access_token())
    }

    /// A new access token, listed as issued. `/_sim/students` makes them
    /// directly, without the sign-in round trip, for benchmarks and tests
    /// that need many signed-in students at once.
    pub fn mint_access_token(&mut self) -> (String, String) {
        let (token, secret) = new_pair();
        self.issued.push(("access token", token.clone()));
        self.issued.push(("access token secret", secret.clone()));
        self.access_tokens.insert(
            token.clone(),
            AccessToken {
                secret: secret.clone(),
                revoked: false,
            },
        );
        (token, secret)
    }

    /// `revoke_token`: the access token stops working.
    pub fn revoke(&mut self, access_token: &str) {
        if let Some(entry) = self.access_tokens.get_mut(access_token) {
            entry.revoked = true;
        }
    }

    /// Access tokens issued and not revoked.
    /// Every access token stops working, as when the student withdraws
    /// the application's access in USOS; how many were live.
    pub fn revoke_all(&mut self) -> usize {
        let live = self.live_sessions();
        for entry in self.access_tokens.values_mut() {
            entry.revoked = true;
        }
        live
    }

    pub fn live_sessions(&self) -> usize {
        self.access_tokens.values().filter(|t| !t.revoked).count()
    }
}

/// Where the student goes after approving.
#[derive(Debug, PartialEq, Eq)]
pub enum Approval {
    Redirect(String),
    OutOfBand(String),
}

fn new_pair() -> (String, String) {
    let mut rng = rand::rng();
    (
        Alphanumeric.sample_string(&mut rng, 20),
        Alphanumeric.sample_string(&mut rng, 40),
    )
}

#[cfg(test)]
mod tests {
    use super::super::signature::{base_string, encode, hmac_sha1};
    use super::*;

    const NOW: u64 = 1_764_240_000;

    fn provider() -> Provider {
        Provider::new(Consumer::parse("ck:cs").unwrap())
    }

    /// Signs like a client would, by the RFC, and returns the header.
    fn header(
        uri: &str,
        query: &str,
        token: Option<(&str, &str)>,
        timestamp: u64,
        nonce: &str,
        secret: &str,
    ) -> String {
        let mut oauth: Vec<(String, String)> = vec![
            ("oauth_consumer_key".into(), "ck".into()),
            ("oauth_signature_method".into(), "HMAC-SHA1".into()),
            ("oauth_timestamp".into(), timestamp.to_string()),
            ("oauth_nonce".into(), nonce.into()),
            ("oauth_version".into(), "1.0".into()),
        ];
        if let Some((t, _)) = token {
            oauth.push(("oauth_token".into(), t.into()));
        }
        let mut all = oauth.clone();
        all.extend(
            form_urlencoded::parse(query.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())),
        );
        let base = base_string("GET", uri, &all);
        let signature = hmac_sha1(&base, secret, token.map(|t| t.1).unwrap_or(""));
        oauth.push(("oauth_signature".into(), signature));
        let parts: Vec<String> = oauth
            .iter()
            .map(|(n, v)| format!("{}=\"{}\"", encode(n), encode(v)))
            .collect();
        format!("OAuth {}", parts.join(", "))
    }

    fn request<'a>(query: &'a str, authorization: &'a str) -> SignedRequest<'a> {
        SignedRequest {
            method: "GET",
            base_uri: "http://127.0.0.1:1/services/cards/mcard".into(),
            query: Some(query),
            form_body: None,
            authorization: Some(authorization),
        }
    }

    /// The whole three-legged dance, then a signed call, then revocation.
    fn signed_in(p: &mut Provider) -> (String, String) {
        let (rt, rs) = p.issue_request_token("http://gw/auth/callback".into());
        let Some(Approval::Redirect(to)) = p.approve(&rt) else {
            panic!("no redirect")
        };
        let verifier = to.rsplit_once("oauth_verifier=").unwrap().1.to_owned();
        let _ = rs;
        p.issue_access_token(&rt, Some(&verifier)).unwrap()
    }

    #[test]
    fn accepts_a_correct_signature_once() {
        let mut p = provider();
        let (at, ats) = signed_in(&mut p);
        let uri = "http://127.0.0.1:1/services/cards/mcard";
        let h = header(uri, "fields=orders", Some((&at, &ats)), NOW, "n1", "cs");
        let verified = p
            .verify(&request("fields=orders", &h), Expect::AccessToken, NOW)
            .unwrap();
        assert_eq!(verified.token.as_deref(), Some(at.as_str()));
        // The same nonce again.
        assert_eq!(
            p.verify(&request("fields=orders", &h), Expect::AccessToken, NOW)
                .unwrap_err(),
            Refusal::ReusedNonce
        );
    }

    #[test]
    fn refuses_what_the_rfc_refuses() {
        let mut p = provider();
        let (at, ats) = signed_in(&mut p);
        let uri = "http://127.0.0.1:1/services/cards/mcard";
        let sign = |q: &str, ts: u64, nonce: &str, secret: &str, token: (&str, &str)| {
            header(uri, q, Some(token), ts, nonce, secret)
        };
        // The query changed after signing.
        let h = sign("fields=orders", NOW, "a", "cs", (&at, &ats));
        assert_eq!(
            p.verify(&request("fields=id", &h), Expect::AccessToken, NOW)
                .unwrap_err(),
            Refusal::BadSignature
        );
        // Wrong consumer secret.
        let h = sign("fields=orders", NOW, "b", "other", (&at, &ats));
        assert_eq!(
            p.verify(&request("fields=orders", &h), Expect::AccessToken, NOW)
                .unwrap_err(),
            Refusal::BadSignature
        );
        // Six minutes off, either way.
        for ts in [NOW - 360, NOW + 360] {
            let h = sign("fields=orders", ts, "c", "cs", (&at, &ats));
            assert_eq!(
                p.verify(&request("fields=orders", &h), Expect::AccessToken, NOW)
                    .unwrap_err(),
                Refusal::StaleTimestamp
            );
        }
        // Four minutes off is fine.
        let h = sign("fields=orders", NOW - 240, "d", "cs", (&at, &ats));
        assert!(p
            .verify(&request("fields=orders", &h), Expect::AccessToken, NOW)
            .is_ok());
        // A token never issued.
        let h = sign("fields=orders", NOW, "e", "cs", ("nope", "nope"));
        assert_eq!(
            p.verify(&request("fields=orders", &h), Expect::AccessToken, NOW)
                .unwrap_err(),
            Refusal::UnknownToken
        );
        // Unsigned.
        assert_eq!(
            p.verify(
                &request("fields=orders", "Basic x"),
                Expect::AccessToken,
                NOW
            )
            .unwrap_err(),
            Refusal::NotSigned
        );
        // Revoked.
        p.revoke(&at);
        let h = sign("fields=orders", NOW, "f", "cs", (&at, &ats));
        assert_eq!(
            p.verify(&request("fields=orders", &h), Expect::AccessToken, NOW)
                .unwrap_err(),
            Refusal::RevokedToken
        );
    }

    #[test]
    fn an_access_token_needs_approval_and_the_right_verifier() {
        let mut p = provider();
        let (rt, _) = p.issue_request_token("oob".into());
        assert_eq!(
            p.issue_access_token(&rt, Some("00000000")).unwrap_err(),
            Refusal::NotApproved
        );
        let (rt, _) = p.issue_request_token("http://gw/cb?x=1".into());
        let Some(Approval::Redirect(to)) = p.approve(&rt) else {
            panic!()
        };
        assert!(to.starts_with(&format!(
            "http://gw/cb?x=1&oauth_token={rt}&oauth_verifier="
        )));
        assert_eq!(
            p.issue_access_token(&rt, Some("wrong")).unwrap_err(),
            Refusal::BadVerifier
        );
        // Used up by the failed attempt.
        assert_eq!(
            p.issue_access_token(&rt, Some("wrong")).unwrap_err(),
            Refusal::UnknownToken
        );
    }
}
