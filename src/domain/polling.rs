//! When to ask USOS again: the polling schedule, as a pure function of what the
//! widget knows, so that its cost and promptness are tested and measured.

use crate::domain::status::OrderStatus;

/// Everything the schedule depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollInput {
    /// The newest order's status, if the student has any order and we know it.
    pub status: Option<OrderStatus>,
    /// Requests that failed in a row since the last success.
    pub failures: u32,
    /// What the server asked for in `Retry-After`, in seconds.
    pub retry_after_s: Option<u32>,
    /// The tab is visible. A hidden tab checks only seldom, and only while
    /// the order is on its way, to call the student back when it is ready.
    pub visible: bool,
    /// The browser believes it is online.
    pub online: bool,
    /// A number in [0, 1000) from the caller's random source, to spread
    /// retries of many students apart.
    pub jitter_permille: u32,
    /// A fixed interval instead of the schedule's, for benchmarks
    /// (`data-poll-interval-ms`).
    pub interval_override_ms: Option<u32>,
}

impl PollInput {
    /// A visible, online tab watching an order in `status`, with no failures.
    pub fn watching(status: Option<OrderStatus>) -> PollInput {
        PollInput {
            status,
            failures: 0,
            retry_after_s: None,
            visible: true,
            online: true,
            jitter_permille: 500,
            interval_override_ms: None,
        }
    }
}

/// How often an order is checked while the university or ministry works on it.
pub const WORKING_INTERVAL_MS: u32 = 5_000;
/// How often a ready order is checked while the student adds it in mObywatel.
pub const READY_INTERVAL_MS: u32 = 5_000;
/// How often a hidden tab checks an order that is on its way, so that the
/// student can be called back (title, notification) when it is ready.
pub const HIDDEN_INTERVAL_MS: u32 = 30_000;
/// The first retry after a failure.
pub const FIRST_RETRY_MS: u32 = 2_000;
/// Retries never wait longer than this.
pub const MAX_RETRY_MS: u32 = 60_000;

/// Milliseconds until the next automatic check, or `None` for no automatic
/// check (the browser is offline, nothing is expected to change, or the tab
/// is hidden and nothing it could call the student back for is expected).
/// Coming back online or visible triggers a check by itself.
pub fn next_poll_ms(input: &PollInput) -> Option<u32> {
    if !input.online {
        return None;
    }
    if !input.visible {
        // Failures wait for the student to come back: a hidden tab never
        // retries against a struggling USOS.
        return match input.status {
            Some(OrderStatus::Pending | OrderStatus::InProgress) if input.failures == 0 => {
                Some(HIDDEN_INTERVAL_MS)
            }
            _ => None,
        };
    }
    if input.failures > 0 {
        let exponent = (input.failures - 1).min(16);
        let backoff = FIRST_RETRY_MS
            .saturating_mul(1 << exponent)
            .min(MAX_RETRY_MS);
        // Full jitter in the upper half: between half and all of the backoff.
        let jittered = backoff / 2 + backoff / 2 * input.jitter_permille.min(999) / 1000;
        let asked = input.retry_after_s.map_or(0, |s| s.saturating_mul(1000));
        return Some(jittered.max(asked).max(FIRST_RETRY_MS / 2));
    }
    let interval = match input.status.as_ref()? {
        OrderStatus::Pending | OrderStatus::InProgress => WORKING_INTERVAL_MS,
        OrderStatus::Ready => READY_INTERVAL_MS,
        _ => return None,
    };
    Some(input.interval_override_ms.unwrap_or(interval))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(status: Option<OrderStatus>) -> PollInput {
        PollInput::watching(status)
    }

    #[test]
    fn polls_while_the_order_is_on_its_way() {
        for s in [
            OrderStatus::Pending,
            OrderStatus::InProgress,
            OrderStatus::Ready,
        ] {
            assert!(next_poll_ms(&input(Some(s))).is_some());
        }
    }

    #[test]
    fn stops_in_final_and_stable_states() {
        for s in [
            OrderStatus::Received,
            OrderStatus::Error,
            OrderStatus::Cancelled,
            OrderStatus::Revoked,
            OrderStatus::Unknown("x".into()),
        ] {
            assert_eq!(next_poll_ms(&input(Some(s.clone()))), None, "{s:?}");
        }
        assert_eq!(
            next_poll_ms(&input(None)),
            None,
            "no order, nothing to watch"
        );
    }

    #[test]
    fn a_hidden_tab_checks_seldom_and_only_for_an_order_on_its_way() {
        let mut i = input(Some(OrderStatus::Pending));
        i.visible = false;
        assert_eq!(next_poll_ms(&i), Some(HIDDEN_INTERVAL_MS));
        i.status = Some(OrderStatus::InProgress);
        assert_eq!(next_poll_ms(&i), Some(HIDDEN_INTERVAL_MS));
        i.interval_override_ms = Some(20);
        assert_eq!(next_poll_ms(&i), Some(HIDDEN_INTERVAL_MS));
        for s in [
            OrderStatus::Ready,
            OrderStatus::Received,
            OrderStatus::Cancelled,
        ] {
            i.status = Some(s);
            assert_eq!(next_poll_ms(&i), None);
        }
        i.status = Some(OrderStatus::Pending);
        i.failures = 2;
        assert_eq!(next_poll_ms(&i), None, "no retries while nobody looks");
    }

    #[test]
    fn pauses_while_offline() {
        let mut i = input(Some(OrderStatus::Pending));
        i.online = false;
        i.failures = 3;
        assert_eq!(next_poll_ms(&i), None);
    }

    #[test]
    fn backs_off_exponentially_with_jitter_and_a_cap() {
        let mut i = input(None);
        let mut previous = 0;
        for failures in 1..=6 {
            i.failures = failures;
            i.jitter_permille = 999;
            let high = next_poll_ms(&i).unwrap();
            i.jitter_permille = 0;
            let low = next_poll_ms(&i).unwrap();
            assert!(low <= high && high >= previous, "{failures}: {low}..{high}");
            assert!(high <= MAX_RETRY_MS);
            previous = high;
        }
        i.failures = 40;
        i.jitter_permille = 999;
        assert!(next_poll_ms(&i).unwrap() <= MAX_RETRY_MS);
        i.jitter_permille = 0;
        assert!(next_poll_ms(&i).unwrap() >= MAX_RETRY_MS / 2);
    }

    #[test]
    fn retries_even_without_an_order_after_a_failure() {
        let mut i = input(None);
        i.failures = 1;
        assert!(next_poll_ms(&i).is_some(), "the page recovers by itself");
    }

    #[test]
    fn a_benchmark_may_fix_the_interval_but_not_poll_final_states() {
        let mut i = input(Some(OrderStatus::Pending));
        i.interval_override_ms = Some(20);
        assert_eq!(next_poll_ms(&i), Some(20));
        i.status = Some(OrderStatus::Cancelled);
        assert_eq!(next_poll_ms(&i), None);
    }

    #[test]
    fn honours_retry_after() {
        let mut i = input(Some(OrderStatus::Pending));
        i.failures = 1;
        i.retry_after_s = Some(30);
        assert_eq!(next_poll_ms(&i), Some(30_000));
    }
}
