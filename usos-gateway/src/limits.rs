//! Protecting USOS from us: a rate per student's session, and a ceiling on
//! calls to each installation's USOS under way at once (a bulkhead: one
//! slow university fills only its own places). Beyond either, 429 with
//! `Retry-After`, which the widget honours.
//!
//! `governor` directly rather than `tower-governor`: the key is the student's
//! session (known only once its cookie is opened), not the client's address
//! — a university's students often share one NAT address.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A student's sustained rate: 2 requests a second. The widget itself makes
/// at most one every 5 s while polling, and 3–4 when the page opens or an
/// order is placed; a student pressing "Sprawdź status" repeatedly stays
/// well under it.
pub const SESSION_PER_SECOND: u32 = 2;
/// The burst a student may send at once before the rate applies.
pub const SESSION_BURST: u32 = 20;

/// Each student's rate, whatever their university (sessions are keyed by
/// a hash of their token, unique to one installation).
pub struct Limits {
    sessions: DefaultKeyedRateLimiter<u64>,
}

/// The calls to one installation's USOS under way at once.
pub struct Bulkhead {
    places: Arc<Semaphore>,
    size: usize,
}

/// Why a request was refused, and when to try again.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Session { retry_after: Duration },
    Upstream,
}

impl Default for Limits {
    fn default() -> Limits {
        let quota =
            Quota::per_second(NonZeroU32::new(SESSION_PER_SECOND).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(SESSION_BURST).unwrap_or(NonZeroU32::MIN));
        Limits {
            sessions: RateLimiter::keyed(quota),
        }
    }
}

impl Limits {
    /// One request of the session keyed `session` (a hash of its token).
    pub fn check_session(&self, session: u64) -> Result<(), Refused> {
        self.sessions
            .check_key(&session)
            .map_err(|not_until| Refused::Session {
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            })
    }

    /// Forgets sessions that have been quiet long enough to be back at a
    /// full burst; keeps memory bounded however many students come by.
    pub fn forget_quiet_sessions(&self) {
        self.sessions.retain_recent();
        self.sessions.shrink_to_fit();
    }
}

impl Bulkhead {
    pub fn new(size: usize) -> Bulkhead {
        Bulkhead {
            places: Arc::new(Semaphore::new(size.max(1))),
            size: size.max(1),
        }
    }

    /// A place among the calls under way, held until the answer is in.
    pub fn permit(&self) -> Result<OwnedSemaphorePermit, Refused> {
        self.places
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refused::Upstream)
    }

    /// A place, waited for: the watcher's reads queue here instead of
    /// being refused.
    pub async fn permit_waiting(&self) -> Option<OwnedSemaphorePermit> {
        self.places.clone().acquire_owned().await.ok()
    }

    /// How many places are taken now.
    pub fn in_use(&self) -> usize {
        self.size - self.places.available_permits()
    }

    /// Whether fewer than a fifth of the places are free: near the limit,
    /// when the widget's own checks are asked to come back later.
    pub fn nearly_full(&self) -> bool {
        self.places.available_permits() * 5 < self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_gets_its_burst_then_waits() {
        let limits = Limits::default();
        for _ in 0..SESSION_BURST {
            assert_eq!(limits.check_session(1), Ok(()));
        }
        let Err(Refused::Session { retry_after }) = limits.check_session(1) else {
            panic!("the burst should be used up");
        };
        assert!(retry_after <= Duration::from_secs(1));
        // Another student is not affected.
        assert_eq!(limits.check_session(2), Ok(()));
    }

    #[test]
    fn only_so_many_calls_to_usos_at_once() {
        let bulkhead = Bulkhead::new(2);
        let a = bulkhead.permit().unwrap();
        assert!(!bulkhead.nearly_full());
        let _b = bulkhead.permit().unwrap();
        assert_eq!(bulkhead.in_use(), 2);
        assert!(bulkhead.nearly_full());
        assert_eq!(bulkhead.permit().unwrap_err(), Refused::Upstream);
        drop(a);
        assert!(bulkhead.permit().is_ok());
        // Another installation's bulkhead is not touched.
        let other = Bulkhead::new(2);
        assert!(other.permit().is_ok());
    }
}
