//! When the widget calls the student back, and what it says: the moment that
//! matters, "Do odbioru", often comes while the student is in another tab.

use crate::api::types::{Mcard, OrderSummary};
use crate::domain::status::OrderStatus;

/// The newest order, if it has just become ready between two reads of USOS.
/// The first read (`before` is `None`) never calls back: the student is
/// looking at the page they just opened.
pub fn just_became_ready<'a>(before: Option<&Mcard>, after: &'a Mcard) -> Option<&'a OrderSummary> {
    let now = after
        .latest_order()
        .filter(|o| o.status == OrderStatus::Ready)?;
    let was_ready = before?
        .latest_order()
        .is_some_and(|o| o.id == now.id && o.status == OrderStatus::Ready);
    (!was_ready).then_some(now)
}

/// The tab's title while a call-back waits to be seen, e.g.
/// "(1) Do odbioru — mLegitymacja": one thing to look at, and what it is.
pub fn attention_title(ready_label: &str, page_title: &str) -> String {
    if page_title.trim().is_empty() {
        format!("(1) {ready_label} — mLegitymacja")
    } else {
        format!("(1) {ready_label} — {page_title}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::{Date, DateTime};

    fn mcard(orders: &[(&str, OrderStatus)]) -> Mcard {
        Mcard {
            why_cannot_order: None,
            planned_expiration_date: None,
            why_cannot_revoke: None,
            orders: orders
                .iter()
                .map(|(id, status)| OrderSummary {
                    id: (*id).to_owned(),
                    order_date: DateTime::parse("2026-11-24 10:00:00").unwrap(),
                    status: status.clone(),
                    expiration_date: Date::parse("2027-03-31").unwrap(),
                })
                .collect(),
        }
    }

    #[test]
    fn calls_back_when_the_newest_order_becomes_ready() {
        let pending = mcard(&[("7", OrderStatus::Pending)]);
        let working = mcard(&[("7", OrderStatus::InProgress)]);
        let ready = mcard(&[("7", OrderStatus::Ready)]);
        assert_eq!(
            just_became_ready(Some(&pending), &ready).map(|o| o.id.as_str()),
            Some("7")
        );
        assert!(just_became_ready(Some(&working), &ready).is_some());
        assert!(just_became_ready(Some(&pending), &working).is_none());
    }

    #[test]
    fn never_on_the_first_read_nor_twice_for_one_order() {
        let pending = mcard(&[("7", OrderStatus::Pending)]);
        let ready = mcard(&[("7", OrderStatus::Ready)]);
        assert!(just_became_ready(None, &ready).is_none());
        assert!(just_became_ready(Some(&ready), &ready).is_none());
        let received = mcard(&[("7", OrderStatus::Received)]);
        assert!(just_became_ready(Some(&ready), &received).is_none());
        assert!(just_became_ready(Some(&pending), &mcard(&[])).is_none());
    }

    #[test]
    fn a_new_order_that_is_ready_calls_back() {
        let held = mcard(&[("7", OrderStatus::Ready)]);
        let next = mcard(&[("8", OrderStatus::Ready), ("7", OrderStatus::Received)]);
        assert!(just_became_ready(Some(&held), &next).is_some());
    }

    #[test]
    fn the_title_says_what_is_waiting() {
        assert_eq!(
            attention_title("Do odbioru", "mLegitymacja"),
            "(1) Do odbioru — mLegitymacja"
        );
        assert_eq!(
            attention_title("Ready to collect", "USOSweb — Legitymacje"),
            "(1) Ready to collect — USOSweb — Legitymacje"
        );
        assert_eq!(
            attention_title("Do odbioru", " "),
            "(1) Do odbioru — mLegitymacja"
        );
    }
}
