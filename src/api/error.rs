//! Everything a request can end in other than the data asked for, and what the
//! student is told about each.

use std::fmt;

use super::types::UsosError;
use crate::i18n::{Lang, Problem};

/// How a request to the USOS API failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The request did not reach the server or its answer did not come back
    /// (offline, DNS, connection dropped, blocked by the browser).
    Network(String),
    /// No answer within the client's time limit; the request was aborted.
    Timeout,
    /// A non-2xx answer; `usos` is its body when it is a USOS error object.
    Http {
        status: u16,
        /// Boxed: most errors have none, and the enum stays small.
        usos: Option<Box<UsosError>>,
        /// Seconds from a `Retry-After` header, if any.
        retry_after: Option<u32>,
    },
    /// A 2xx answer whose body is not JSON: a login page, a maintenance page,
    /// an empty body from a proxy.
    NotJson { status: u16 },
    /// JSON that does not have the contract's shape.
    Decode(String),
}

impl ApiError {
    /// The USOS error code, when the server sent one.
    pub fn usos_code(&self) -> Option<&str> {
        match self {
            ApiError::Http {
                usos: Some(usos), ..
            } => Some(&usos.error),
            _ => None,
        }
    }

    /// What USOS itself says to the student (`user_messages`), in `lang`,
    /// falling back to USOS's other language.
    pub fn usos_message(&self, lang: Lang) -> Option<String> {
        let ApiError::Http {
            usos: Some(usos), ..
        } = self
        else {
            return None;
        };
        let text = usos
            .user_messages
            .as_ref()?
            .generic_message
            .as_ref()?
            .get(lang)
            .trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// The server says the student is not signed in.
    pub fn is_session_expired(&self) -> bool {
        matches!(self, ApiError::Http { status: 401, .. })
            || self.usos_code() == Some("unauthorized")
    }

    /// The gateway asks the student to pick their university first (on
    /// the shared address of many, before sign-in).
    pub fn asks_to_choose_installation(&self) -> bool {
        matches!(self, ApiError::Http { usos: Some(usos), .. } if usos.choose_installation)
    }

    /// Whether the server may or may not have acted on the request: for a POST
    /// this means the state must be read again before anything is retried.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Network(_) | ApiError::Timeout | ApiError::NotJson { .. } => true,
            ApiError::Http { status, .. } => *status >= 500,
            ApiError::Decode(_) => true,
        }
    }

    /// USOS answered a change with a definite "no" (the order or the
    /// cancellation surely did not happen), not a fault to retry or a
    /// session to renew.
    pub fn is_refusal(&self) -> bool {
        !self.outcome_unknown() && !self.is_session_expired()
    }

    /// What the student reads: what happened, and what they can do.
    pub fn problem(&self, lang: Lang) -> Problem {
        let p = &lang.texts().problems;
        if self.is_session_expired() {
            return p.session_expired;
        }
        match self {
            ApiError::Network(_) => p.offline,
            ApiError::Timeout => p.timeout,
            ApiError::Http { status: 403, .. } => p.forbidden,
            ApiError::Http { status: 404, .. } => p.not_found,
            ApiError::Http { status: 429, .. } => p.busy,
            ApiError::Http { status, .. } if *status >= 500 => p.server,
            ApiError::Http { .. } => p.rejected,
            ApiError::NotJson { .. } => p.not_json,
            ApiError::Decode(_) => p.unexpected,
        }
    }
}

impl fmt::Display for ApiError {
    /// A technical description for the console, never shown as the message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(detail) => write!(f, "network failure: {detail}"),
            ApiError::Timeout => write!(f, "request timed out"),
            ApiError::Http {
                status,
                usos: Some(usos),
                ..
            } => {
                write!(f, "HTTP {status}: {} ({})", usos.error, usos.message)?;
                if let Some(param) = &usos.param_name {
                    write!(f, " param_name={param}")?;
                }
                if let Some(reason) = &usos.reason {
                    write!(f, " reason={reason}")?;
                }
                Ok(())
            }
            ApiError::Http { status, .. } => write!(f, "HTTP {status}"),
            ApiError::NotJson { status } => write!(f, "HTTP {status} with a body that is not JSON"),
            ApiError::Decode(detail) => write!(f, "unexpected JSON: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, code: Option<&str>) -> ApiError {
        ApiError::Http {
            status,
            usos: code.map(|c| {
                Box::new(UsosError {
                    error: c.into(),
                    ..Default::default()
                })
            }),
            retry_after: None,
        }
    }

    #[test]
    fn each_failure_has_its_own_message() {
        let pl = &Lang::Pl.texts().problems;
        assert_eq!(ApiError::Network("x".into()).problem(Lang::Pl), pl.offline);
        assert_eq!(ApiError::Timeout.problem(Lang::Pl), pl.timeout);
        assert_eq!(http(401, None).problem(Lang::Pl), pl.session_expired);
        assert_eq!(
            http(400, Some("unauthorized")).problem(Lang::Pl),
            pl.session_expired
        );
        assert_eq!(
            http(403, Some("method_forbidden")).problem(Lang::Pl),
            pl.forbidden
        );
        assert_eq!(
            http(404, Some("object_not_found")).problem(Lang::Pl),
            pl.not_found
        );
        assert_eq!(http(429, None).problem(Lang::Pl), pl.busy);
        assert_eq!(http(503, None).problem(Lang::Pl), pl.server);
        assert_eq!(
            http(400, Some("cannot_order")).problem(Lang::Pl),
            pl.rejected
        );
        assert_eq!(
            ApiError::NotJson { status: 200 }.problem(Lang::Pl),
            pl.not_json
        );
        assert_eq!(
            ApiError::Decode("x".into()).problem(Lang::Pl),
            pl.unexpected
        );
        assert_eq!(
            http(401, None).problem(Lang::En).0,
            "Your session has expired — please log in again."
        );
    }

    #[test]
    fn knows_when_a_post_may_have_happened() {
        assert!(ApiError::Timeout.outcome_unknown());
        assert!(ApiError::Network(String::new()).outcome_unknown());
        assert!(http(502, None).outcome_unknown());
        assert!(!http(400, Some("cannot_order")).outcome_unknown());
        assert!(!http(401, None).outcome_unknown());
    }

    #[test]
    fn a_definite_no_is_a_refusal_and_a_fault_or_a_lost_session_is_not() {
        assert!(http(400, Some("cannot_order")).is_refusal());
        assert!(http(403, Some("method_forbidden")).is_refusal());
        assert!(http(429, None).is_refusal());
        assert!(!http(401, None).is_refusal());
        assert!(!http(400, Some("unauthorized")).is_refusal());
        assert!(!http(503, None).is_refusal());
        assert!(!ApiError::Timeout.is_refusal());
        assert!(!ApiError::Network(String::new()).is_refusal());
    }
}
