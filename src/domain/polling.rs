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
    /// How long ago the newest order was placed (from its `order_date`,
    /// USOS's Polish time): a page opened on an old order knows it.
    pub order_age_s: Option<u64>,
    /// The gateway watches this order for a push with the page closed: a
    /// hidden tab need not check, the push will call the student back.
    pub push_on: bool,
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
            order_age_s: None,
            push_on: false,
        }
    }
}

/// How often an order is checked while the university or ministry works on
/// it, for its first [`EAGER_FOR_S`]: most orders are ready within minutes.
pub const WORKING_INTERVAL_MS: u32 = 5_000;
/// How long an order is checked every [`WORKING_INTERVAL_MS`].
pub const EAGER_FOR_S: u64 = 5 * 60;
/// From this age on, an order still on its way is checked once a minute: the
/// ministry is slow (its queue after 1 October), and every open page asking
/// every 5 s would cost the university's USOS thousands of requests a
/// second for nothing.
pub const PATIENT_FROM_S: u64 = 30 * 60;
/// How often an old order is checked.
pub const PATIENT_INTERVAL_MS: u32 = 60_000;
/// How often a ready order is checked while the student adds it in mObywatel.
pub const READY_INTERVAL_MS: u32 = 5_000;
/// How often a hidden tab checks an order that is on its way, so that the
/// student can be called back (title, notification) when it is ready.
pub const HIDDEN_INTERVAL_MS: u32 = 30_000;
/// The first retry after a failure.
pub const FIRST_RETRY_MS: u32 = 2_000;
/// Retries never wait longer than this.
pub const MAX_RETRY_MS: u32 = 60_000;

/// How often an order on its way is checked at `age_s` (unknown: as a new
/// one): every 5 s for its first 5 minutes, then less and less often,
/// linearly up to once a minute at 30 minutes, and once a minute after.
/// A 5-minute order costs 60 requests; an hour's, about 160; three hours',
/// about 280.
pub fn working_interval_ms(age_s: Option<u64>) -> u32 {
    let age = age_s.unwrap_or(0);
    if age <= EAGER_FOR_S {
        return WORKING_INTERVAL_MS;
    }
    if age >= PATIENT_FROM_S {
        return PATIENT_INTERVAL_MS;
    }
    let along = (age - EAGER_FOR_S) as f64 / (PATIENT_FROM_S - EAGER_FOR_S) as f64;
    let span = f64::from(PATIENT_INTERVAL_MS - WORKING_INTERVAL_MS);
    WORKING_INTERVAL_MS + (span * along).round() as u32
}

/// Milliseconds until the next automatic check, or `None` for no automatic
/// check (the browser is offline, nothing is expected to change, or the tab
/// is hidden and nothing it could call the student back for is expected).
/// Coming back online or visible triggers a check by itself.
pub fn next_poll_ms(input: &PollInput) -> Option<u32> {
    if !input.online {
        return None;
    }
    let asked = input.retry_after_s.map_or(0, |s| s.saturating_mul(1000));
    if !input.visible {
        // Failures wait for the student to come back: a hidden tab never
        // retries against a struggling USOS. With push on, the push calls
        // the student back: a hidden tab asks nothing.
        return match input.status {
            Some(OrderStatus::Pending | OrderStatus::InProgress)
                if input.failures == 0 && !input.push_on =>
            {
                Some(
                    HIDDEN_INTERVAL_MS
                        .max(working_interval_ms(input.order_age_s))
                        .max(asked),
                )
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
        return Some(jittered.max(asked).max(FIRST_RETRY_MS / 2));
    }
    let interval = match input.status.as_ref()? {
        OrderStatus::Pending | OrderStatus::InProgress => working_interval_ms(input.order_age_s),
        OrderStatus::Ready => READY_INTERVAL_MS,
        _ => return None,
    };
    // The gateway may ask for patience (`Retry-After` on an answer) when
    // the university's USOS is near its limit.
    Some(input.interval_override_ms.unwrap_or(interval).max(asked))
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
    fn an_older_order_is_checked_less_often_down_to_once_a_minute() {
        let at = |age: u64| {
            let mut i = input(Some(OrderStatus::InProgress));
            i.order_age_s = Some(age);
            next_poll_ms(&i).unwrap()
        };
        assert_eq!(at(0), 5_000);
        assert_eq!(at(300), 5_000);
        assert!(at(301) > 5_000);
        assert_eq!(at(1_050), 32_500);
        assert_eq!(at(1_800), 60_000);
        assert_eq!(at(3 * 3_600), 60_000);
        let mut previous = 0;
        for age in (0..4_000).step_by(17) {
            assert!(at(age) >= previous, "never more often as it ages");
            previous = at(age);
        }
        // A ready order is being collected: every 5 s, whatever its age.
        let mut ready = input(Some(OrderStatus::Ready));
        ready.order_age_s = Some(5 * 3_600);
        assert_eq!(next_poll_ms(&ready), Some(READY_INTERVAL_MS));
    }

    /// What an order costs in requests, checked from its placing until it
    /// is ready after `minutes`, with the tab visible throughout.
    fn requests_for(minutes: u64) -> u32 {
        let (mut t_ms, mut requests) = (0u64, 1u32);
        while t_ms < minutes * 60_000 {
            let mut i = input(Some(OrderStatus::InProgress));
            i.order_age_s = Some(t_ms / 1000);
            t_ms += u64::from(next_poll_ms(&i).unwrap());
            requests += 1;
        }
        requests
    }

    #[test]
    fn a_three_hour_order_costs_at_most_300_requests() {
        assert_eq!(requests_for(5), 61);
        assert!(
            (150..170).contains(&requests_for(60)),
            "{}",
            requests_for(60)
        );
        assert!(requests_for(180) <= 300, "{}", requests_for(180));
    }

    #[test]
    fn with_push_on_a_hidden_tab_asks_nothing() {
        let mut i = input(Some(OrderStatus::InProgress));
        i.visible = false;
        assert_eq!(next_poll_ms(&i), Some(HIDDEN_INTERVAL_MS));
        i.order_age_s = Some(3_600);
        assert_eq!(next_poll_ms(&i), Some(PATIENT_INTERVAL_MS));
        i.push_on = true;
        assert_eq!(next_poll_ms(&i), None);
        // Visible again: it checks as ever.
        i.visible = true;
        assert_eq!(next_poll_ms(&i), Some(PATIENT_INTERVAL_MS));
    }

    #[test]
    fn retry_after_on_an_answer_means_patience_too() {
        let mut i = input(Some(OrderStatus::Pending));
        i.retry_after_s = Some(30);
        assert_eq!(next_poll_ms(&i), Some(30_000));
        i.visible = false;
        assert_eq!(next_poll_ms(&i), Some(30_000));
    }

    #[test]
    fn honours_retry_after() {
        let mut i = input(Some(OrderStatus::Pending));
        i.failures = 1;
        i.retry_after_s = Some(30);
        assert_eq!(next_poll_ms(&i), Some(30_000));
    }
}
