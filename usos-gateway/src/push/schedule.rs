//! What the watcher does next, decided by plain functions: when to read
//! USOS again, what a status means for the watch, and what a push service's
//! answer means for the message. No clock, database or network here.

use std::time::Duration;

use mcard_common::call_back::Outcome;
use mcard_common::status::Status;

/// How often a watch reads USOS in its first [`EAGER_PHASE`]: the ministry
/// usually takes "kilka minut". The open page polls every 5 s; a watch asks
/// half as often.
pub const EAGER_INTERVAL: Duration = Duration::from_secs(10);
/// How long a watch reads at [`EAGER_INTERVAL`].
pub const EAGER_PHASE: Duration = Duration::from_secs(10 * 60);
/// After that the interval doubles up to this: a student with the page
/// closed learns the card is ready within about a minute however long the
/// ministry took (as the open page, which checks an old order once a
/// minute). Two minutes before the October rush made the 95th percentile
/// of that delay about 2 minutes (`scripts/bench-rush`).
pub const LONGEST_INTERVAL: Duration = Duration::from_secs(60);
/// A ministry this far behind makes every watch of the installation read
/// once a minute from its start ([`LONGEST_INTERVAL`]): reading every 10 s
/// for ten minutes is for orders that may well be ready within them. Twice
/// the eager phase, so that a burst the ministry clears within the eager
/// phase (10 000 orders ready within 10 minutes, `scripts/bench-push`) is
/// still read every 10 s.
pub const PATIENT_BACKLOG: Duration = Duration::from_secs(20 * 60);
/// The ministry's pace is measured over the outcomes of this long.
pub const PACE_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Fewer outcomes than this in [`PACE_WINDOW`] say nothing of the pace
/// (as `GET /wait` says nothing with fewer than 10 orders).
pub const PACE_MIN_OUTCOMES: usize = 10;

/// How long the ministry would take, at its recent pace, to end the orders
/// watched now: `watched` orders, against the `ended` outcomes (Do odbioru
/// or Błąd, from any student's checks or the watcher's reads) seen over
/// `span`, from the window's first outcome until now (at least 10 s).
/// `None` while fewer than [`PACE_MIN_OUTCOMES`] ended: nothing is known.
///
/// This counts only the orders the gateway watches, so it understates the
/// ministry's queue; it is enough to tell "a few minutes" from "an hour".
pub fn backlog(watched: u64, ended: usize, span: Duration) -> Option<Duration> {
    if ended < PACE_MIN_OUTCOMES {
        return None;
    }
    let span = span.max(Duration::from_secs(10));
    Some(span.mul_f64(watched as f64 / ended as f64))
}

/// Whether a measured backlog is over [`PATIENT_BACKLOG`].
pub fn far_behind(backlog: Option<Duration>) -> bool {
    backlog.is_some_and(|backlog| backlog > PATIENT_BACKLOG)
}

/// How long to wait after a failure that came with no `Retry-After`: this,
/// doubled with each failure in a row, up to [`LONGEST_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(10);
pub const LONGEST_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// The interval before the next read of USOS, without jitter: 10 s for the
/// first ten minutes of a watch, then double the last one, up to 1 min;
/// 1 min at once while the ministry's [`backlog`] is over
/// [`PATIENT_BACKLOG`].
pub fn next_interval(watch_age: Duration, last: Duration, backlog: Option<Duration>) -> Duration {
    if far_behind(backlog) {
        return LONGEST_INTERVAL;
    }
    if watch_age < EAGER_PHASE {
        EAGER_INTERVAL
    } else {
        (last.max(EAGER_INTERVAL) * 2).min(LONGEST_INTERVAL)
    }
}

/// `interval` spread by ±10 % with `permille` in [0, 1000), so that watches
/// started together do not read USOS together for ever.
pub fn with_jitter(interval: Duration, permille: u32) -> Duration {
    let factor = 900 + u64::from(permille.min(999)) / 5;
    Duration::from_millis(interval.as_millis() as u64 * factor / 1000)
}

/// How long to wait after `failures` failures in a row (1 for the first),
/// or what the other side asked for.
pub fn backoff(failures: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(asked) = retry_after {
        return asked.clamp(Duration::from_secs(1), LONGEST_BACKOFF);
    }
    let doublings = failures.saturating_sub(1).min(10);
    (FIRST_BACKOFF * 2u32.pow(doublings)).min(LONGEST_BACKOFF)
}

/// What a status read from USOS means for the watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Still on its way: read again later.
    UnderWay,
    /// Tell the student.
    Tell(Outcome),
    /// The student did it themselves (collected, cancelled), or the order
    /// is gone or unknown: end quietly.
    End,
}

/// [`Seen`] for the watched order's status (`None`: not in `mcard`, or a
/// code the status table does not know).
pub fn seen(status: Option<Status>) -> Seen {
    match status {
        Some(status) if status.is_under_way() => Seen::UnderWay,
        Some(status) => Outcome::of(status).map_or(Seen::End, Seen::Tell),
        None => Seen::End,
    }
}

/// How a push service answered one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// 201 (or another 2xx): the service took it.
    Accepted,
    /// 404 or 410: the subscription is gone.
    Gone,
    /// 429 or 5xx: the service asks to try later.
    Busy { retry_after: Option<Duration> },
    /// Any other answer (a 3xx is never followed): probably our mistake,
    /// e.g. a VAPID key the service does not accept.
    Refused { status: u16 },
    /// No answer: the connection failed or timed out.
    Unreachable,
}

impl Delivery {
    /// The answer with `status` and its `Retry-After` header (seconds).
    pub fn of(status: u16, retry_after: Option<&str>) -> Delivery {
        match status {
            200..=299 => Delivery::Accepted,
            404 | 410 => Delivery::Gone,
            429 | 500..=599 => Delivery::Busy {
                retry_after: retry_after
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs),
            },
            other => Delivery::Refused { status: other },
        }
    }

    /// The metric's label.
    pub fn label(self) -> &'static str {
        match self {
            Delivery::Accepted => "accepted",
            Delivery::Gone => "gone",
            Delivery::Busy { .. } => "busy",
            Delivery::Refused { .. } => "refused",
            Delivery::Unreachable => "unreachable",
        }
    }
}

/// What becomes of a watch after a push attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterPush {
    /// Delivered, or nobody is there to deliver to: the watch ends.
    End,
    /// Try the same message again after this long (the watch still ends at
    /// its time).
    RetryIn(Duration),
}

/// The step after `delivery`, the `failures`-th failed attempt in a row if
/// it failed.
pub fn after_push(delivery: Delivery, failures: u32) -> AfterPush {
    match delivery {
        Delivery::Accepted | Delivery::Gone => AfterPush::End,
        Delivery::Busy { retry_after } => AfterPush::RetryIn(backoff(failures, retry_after)),
        Delivery::Refused { .. } | Delivery::Unreachable => {
            AfterPush::RetryIn(backoff(failures, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn ten_seconds_for_ten_minutes_then_doubling_to_a_minute() {
        let known = Some(S(5 * 60));
        for backlog in [None, known, Some(PATIENT_BACKLOG)] {
            assert_eq!(next_interval(S(0), S(0), backlog), S(10));
            assert_eq!(next_interval(S(599), S(10), backlog), S(10));
            assert_eq!(next_interval(S(600), S(10), backlog), S(20));
            assert_eq!(next_interval(S(620), S(20), backlog), S(40));
            assert_eq!(next_interval(S(660), S(40), backlog), S(60));
            assert_eq!(next_interval(S(720), S(60), backlog), S(60));
            assert_eq!(next_interval(S(3600), S(60), backlog), S(60));
            // A watch renewed late starts from the eager interval.
            assert_eq!(next_interval(S(3600), S(0), backlog), S(20));
        }
    }

    #[test]
    fn once_a_minute_from_the_start_while_the_ministry_is_far_behind() {
        let behind = Some(PATIENT_BACKLOG + S(1));
        assert_eq!(next_interval(S(0), S(0), behind), S(60));
        assert_eq!(next_interval(S(30), S(10), behind), S(60));
        assert_eq!(next_interval(S(3600), S(60), behind), S(60));
        // Caught up: a young watch is eager again, an old one stays patient.
        assert_eq!(next_interval(S(120), S(60), Some(S(60))), S(10));
        assert_eq!(next_interval(S(900), S(60), Some(S(60))), S(60));
    }

    #[test]
    fn the_backlog_is_the_watched_orders_at_the_recent_pace() {
        // Nothing is known before ten outcomes.
        assert_eq!(backlog(2_000, 0, S(0)), None);
        assert_eq!(backlog(2_000, 9, S(600)), None);
        // The October rush: 50 outcomes a minute, 2 500 watched: 50 min.
        assert_eq!(backlog(2_500, 500, S(600)), Some(S(3_000)));
        // Its first minutes: 1 000 watched, 150 outcomes in 3 minutes.
        assert_eq!(backlog(1_000, 150, S(180)), Some(S(1_200)));
        // A burst cleared fast: 9 500 watched, 500 ready in the first 30 s.
        assert!(backlog(9_500, 500, S(30)).unwrap() < PATIENT_BACKLOG);
        // A normal day: a few watched, many outcomes.
        assert_eq!(backlog(3, 40, S(600)), Some(S(45)));
        // Ten outcomes at once are not taken for an endless pace.
        assert_eq!(backlog(100, 10, S(0)), Some(S(100)));
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        assert_eq!(with_jitter(S(10), 0), Duration::from_millis(9_000));
        assert_eq!(with_jitter(S(10), 500), Duration::from_millis(10_000));
        assert_eq!(with_jitter(S(10), 999), Duration::from_millis(10_990));
        assert_eq!(with_jitter(S(10), 5_000), Duration::from_millis(10_990));
    }

    #[test]
    fn backoff_doubles_and_honours_retry_after() {
        assert_eq!(backoff(1, None), S(10));
        assert_eq!(backoff(2, None), S(20));
        assert_eq!(backoff(6, None), S(300));
        assert_eq!(backoff(60, None), S(300));
        assert_eq!(backoff(1, Some(S(42))), S(42));
        assert_eq!(backoff(1, Some(S(0))), S(1));
        assert_eq!(backoff(1, Some(S(86_400))), S(300));
    }

    #[test]
    fn each_status_leads_to_its_step() {
        assert_eq!(seen(Some(Status::Pending)), Seen::UnderWay);
        assert_eq!(seen(Some(Status::InProgress)), Seen::UnderWay);
        assert_eq!(seen(Some(Status::Ready)), Seen::Tell(Outcome::Ready));
        assert_eq!(seen(Some(Status::Error)), Seen::Tell(Outcome::Error));
        assert_eq!(seen(Some(Status::Revoked)), Seen::Tell(Outcome::Revoked));
        assert_eq!(seen(Some(Status::Received)), Seen::End);
        assert_eq!(seen(Some(Status::Cancelled)), Seen::End);
        assert_eq!(seen(None), Seen::End);
    }

    #[test]
    fn every_answer_of_the_push_service_leads_to_its_step() {
        assert_eq!(Delivery::of(201, None), Delivery::Accepted);
        assert_eq!(after_push(Delivery::of(201, None), 0), AfterPush::End);
        assert_eq!(after_push(Delivery::of(404, None), 0), AfterPush::End);
        assert_eq!(after_push(Delivery::of(410, None), 0), AfterPush::End);
        assert_eq!(
            after_push(Delivery::of(429, Some("30")), 1),
            AfterPush::RetryIn(S(30))
        );
        assert_eq!(
            after_push(Delivery::of(503, None), 2),
            AfterPush::RetryIn(S(20))
        );
        assert_eq!(
            Delivery::of(502, Some("soon")),
            Delivery::Busy { retry_after: None }
        );
        for other in [301, 302, 400, 401, 403, 413] {
            assert_eq!(
                Delivery::of(other, None),
                Delivery::Refused { status: other }
            );
            assert_eq!(
                after_push(Delivery::of(other, None), 3),
                AfterPush::RetryIn(S(40))
            );
        }
        assert_eq!(
            after_push(Delivery::Unreachable, 1),
            AfterPush::RetryIn(S(10))
        );
    }
}
