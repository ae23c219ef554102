//! What the order panel shows, decided from one `mcard` answer.

use crate::api::types::{Mcard, OrderSummary};
use crate::domain::status::OrderStatus;

/// The panel's content, derived from `mcard`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// The newest order: the one the student acts on.
    pub current: Option<OrderSummary>,
    /// The orders before it, newest first.
    pub earlier: Vec<OrderSummary>,
    /// The server allows a new order now.
    pub may_order: bool,
    /// A new order is allowed while the student still holds a collected card
    /// (under a month of validity left): "zamówić kolejną nie anulując posiadanej".
    pub may_order_next_card: bool,
    /// The server allows cancelling (`why_cannot_revoke` is null).
    pub may_cancel: bool,
}

impl Overview {
    pub fn of(mcard: &Mcard) -> Overview {
        let may_order = mcard.why_cannot_order.is_none();
        let current = mcard.orders.first().cloned();
        let holds_card = current
            .as_ref()
            .is_some_and(|o| o.status == OrderStatus::Received);
        Overview {
            current,
            earlier: mcard.orders.iter().skip(1).cloned().collect(),
            may_order,
            may_order_next_card: may_order && holds_card,
            may_cancel: mcard.why_cannot_revoke.is_none(),
        }
    }

    /// Whether to say if the student may order. Not while an order is on its
    /// way, nor beside a held card when the only reason is that card: the
    /// order itself says all there is.
    pub fn shows_eligibility(&self) -> bool {
        match &self.current {
            None => true,
            Some(order) if order.status.is_awaiting() => false,
            Some(order) if order.status == OrderStatus::Received => self.may_order,
            Some(_) => true,
        }
    }

    /// The order button is offered: the server allows an order and the newest
    /// order is not still on its way.
    pub fn offers_order_button(&self) -> bool {
        self.may_order
            && !self
                .current
                .as_ref()
                .is_some_and(|o| o.status.is_awaiting())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::LangDict;
    use crate::domain::dates::{Date, DateTime};

    fn order(id: &str, status: OrderStatus) -> OrderSummary {
        OrderSummary {
            id: id.into(),
            order_date: DateTime::parse("2025-09-29 16:02:00").unwrap(),
            status,
            expiration_date: Date::parse("2025-10-31").unwrap(),
        }
    }

    fn mcard(may_order: bool, orders: Vec<OrderSummary>) -> Mcard {
        Mcard {
            why_cannot_order: (!may_order).then(|| LangDict {
                pl: "powód".into(),
                en: "reason".into(),
            }),
            planned_expiration_date: may_order.then(|| Date::parse("2026-03-31").unwrap()),
            why_cannot_revoke: None,
            orders,
        }
    }

    #[test]
    fn a_held_card_with_a_new_order_allowed_offers_the_next_one() {
        let o = Overview::of(&mcard(true, vec![order("2", OrderStatus::Received)]));
        assert!(o.may_order_next_card && o.offers_order_button());
        let o = Overview::of(&mcard(false, vec![order("2", OrderStatus::Received)]));
        assert!(!o.may_order_next_card && !o.offers_order_button());
    }

    #[test]
    fn the_newest_order_is_current_and_the_rest_history() {
        let o = Overview::of(&mcard(
            false,
            vec![
                order("3", OrderStatus::Pending),
                order("2", OrderStatus::Received),
                order("1", OrderStatus::Cancelled),
            ],
        ));
        assert_eq!(o.current.unwrap().id, "3");
        let ids: Vec<_> = o.earlier.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["2", "1"]);
    }

    #[test]
    fn eligibility_is_said_only_where_it_adds_something() {
        let with = |may, status| Overview::of(&mcard(may, vec![order("1", status)]));
        assert!(Overview::of(&mcard(false, vec![])).shows_eligibility());
        assert!(!with(false, OrderStatus::Pending).shows_eligibility());
        assert!(!with(false, OrderStatus::Received).shows_eligibility());
        assert!(with(true, OrderStatus::Received).shows_eligibility());
        assert!(with(false, OrderStatus::Revoked).shows_eligibility());
        assert!(with(true, OrderStatus::Error).shows_eligibility());
    }

    #[test]
    fn no_order_button_while_an_order_is_on_its_way_even_if_the_server_errs() {
        let o = Overview::of(&mcard(true, vec![order("3", OrderStatus::Ready)]));
        assert!(!o.offers_order_button());
        let o = Overview::of(&mcard(true, vec![order("3", OrderStatus::Error)]));
        assert!(o.offers_order_button());
        let o = Overview::of(&mcard(true, vec![]));
        assert!(o.offers_order_button() && !o.may_order_next_card);
    }
}
