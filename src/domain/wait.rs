//! What the widget says about the wait while an order is on its way: the
//! generic "Zazwyczaj trwa to kilka minut", or, when the gateway measured
//! enough orders at this university in the last hour, how long they take
//! now, or that the ministry's service has problems now.

use crate::api::types::WaitNow;

/// Below this many orders in the hour, a measured wait says too little.
pub const ENOUGH_ORDERS: u32 = 10;
/// Over this share of the hour's orders ending in "Błąd", the ministry's
/// service has problems now.
pub const FAILING_SHARE: f64 = 0.2;

/// What to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitMessage {
    /// "Zazwyczaj trwa to kilka minut."
    Generic,
    /// "Teraz zwykle trwa to około N min."
    About { minutes: u32 },
    /// The ministry's service fails many orders now, and what to do.
    MinistryProblems,
}

/// What to say for the gateway's answer (none yet: the generic words).
pub fn message(wait: Option<&WaitNow>) -> WaitMessage {
    let Some(wait) = wait else {
        return WaitMessage::Generic;
    };
    let ended = wait.orders + wait.errors;
    if ended >= ENOUGH_ORDERS && f64::from(wait.errors) > FAILING_SHARE * f64::from(ended) {
        return WaitMessage::MinistryProblems;
    }
    match wait.median_s {
        Some(median) if wait.orders >= ENOUGH_ORDERS => WaitMessage::About {
            // To the nearest minute ("about"), and never "0 min".
            minutes: ((median + 30) / 60).max(1),
        },
        _ => WaitMessage::Generic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(orders: u32, median_s: u32, errors: u32) -> WaitNow {
        WaitNow {
            orders,
            median_s: Some(median_s),
            p90_s: Some(median_s * 2),
            errors,
        }
    }

    #[test]
    fn measured_only_with_enough_orders() {
        assert_eq!(message(None), WaitMessage::Generic);
        assert_eq!(message(Some(&wait(9, 2_520, 0))), WaitMessage::Generic);
        assert_eq!(
            message(Some(&wait(10, 2_520, 0))),
            WaitMessage::About { minutes: 42 }
        );
        assert_eq!(
            message(Some(&wait(10, 2_521, 0))),
            WaitMessage::About { minutes: 42 }
        );
        assert_eq!(
            message(Some(&wait(50, 61, 0))),
            WaitMessage::About { minutes: 1 }
        );
        assert_eq!(
            message(Some(&wait(50, 90, 0))),
            WaitMessage::About { minutes: 2 }
        );
        assert_eq!(
            message(Some(&wait(50, 5, 0))),
            WaitMessage::About { minutes: 1 }
        );
        let no_median = WaitNow {
            median_s: None,
            ..wait(12, 0, 0)
        };
        assert_eq!(message(Some(&no_median)), WaitMessage::Generic);
    }

    #[test]
    fn more_than_a_fifth_in_error_is_a_ministry_problem() {
        // 3 of 15 is exactly a fifth: not yet.
        assert_eq!(
            message(Some(&wait(12, 600, 3))),
            WaitMessage::About { minutes: 10 }
        );
        assert_eq!(
            message(Some(&wait(12, 600, 4))),
            WaitMessage::MinistryProblems
        );
        // Even when few reached "Do odbioru".
        assert_eq!(
            message(Some(&wait(2, 600, 9))),
            WaitMessage::MinistryProblems
        );
        // Too few orders at all to say.
        assert_eq!(message(Some(&wait(1, 600, 3))), WaitMessage::Generic);
    }
}
