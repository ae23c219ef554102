//! The simulated student and the ministry's processing of their orders.
//!
//! Time is passed in, never read here, so the timeline is tested exactly.

use std::time::{Duration, Instant};

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use rand::Rng;
use serde::Serialize;

use crate::profiles::{LangDict, Profile};

/// An order's status code, as the API sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    InProgress,
    Ready,
    Received,
    Error,
    Cancelled,
    Revoked,
}

impl Status {
    /// Not yet collected: the student may cancel it and may not order another.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Pending | Status::InProgress | Status::Ready)
    }
}

/// How long the simulated university and ministry take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Delays {
    /// From ordering until the university passes the order to the ministry.
    pub pending_ms: u64,
    /// From then until the ministry's answer (ready or error).
    pub processing_ms: u64,
}

impl Default for Delays {
    fn default() -> Delays {
        Delays {
            pending_ms: 4_000,
            processing_ms: 8_000,
        }
    }
}

/// The moment a request is handled: for the timeline and for the dates shown.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pub instant: Instant,
    /// Wall-clock time in Poland.
    pub local: NaiveDateTime,
}

/// One mLegitymacja order.
#[derive(Clone, Debug)]
pub struct Order {
    pub id: String,
    pub placed_at: Instant,
    pub order_date: NaiveDateTime,
    pub status: Status,
    pub expiration_date: NaiveDate,
    pub token: String,
    pub distribution_pass: String,
    /// After placing: when the university passes it on, and when the
    /// ministry answers.
    pub in_progress_after: Duration,
    pub answered_after: Duration,
    /// The ministry's answer will be "Błąd".
    pub fails: bool,
}

/// The ministry as a queue (`--ministry-per-minute`): it answers one order
/// after another, so many orders at once wait in line, as after the oath
/// on 1 October; and a share of its answers are "Błąd".
#[derive(Clone, Copy, Debug)]
pub struct Ministry {
    /// Answers a minute.
    pub per_minute: f64,
    /// Percent of answers that are "Błąd".
    pub error_percent: u32,
    /// When it is free to take the next order.
    pub free_at: Option<Instant>,
}

impl Ministry {
    /// Puts `order` in line: its answer comes once the ministry has
    /// answered every order before it, one every `60 / per_minute` s.
    pub fn queue(&mut self, order: &mut Order) {
        let interval = Duration::from_secs_f64(60.0 / self.per_minute.max(0.001));
        let passed_on = order.placed_at + order.in_progress_after;
        let start = self.free_at.map_or(passed_on, |free| free.max(passed_on));
        let answered = start + interval;
        self.free_at = Some(answered);
        order.answered_after = answered.saturating_duration_since(order.placed_at);
        order.fails = rand::random_range(0..100) < self.error_percent;
    }
}

/// The characters an activation code is made of, like the instruction's `z8e+6Ys$`.
const PASS_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+$/=#";

/// Why an action of the student's was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    CannotOrder(LangDict),
    NoSuchOrder,
    AlreadyFinal,
}

/// Why a simulated activation in mObywatel failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivationError {
    UnknownToken,
    WrongCode,
    NotReady,
}

/// The signed-in student, their orders and the ministry's clock.
#[derive(Clone, Debug)]
pub struct Student {
    pub profile: Profile,
    pub student_number: String,
    pub delays: Delays,
    /// Newest first, as `mcard` lists them.
    pub orders: Vec<Order>,
    /// Every order ever accepted by `make_mcard_order`: what tests count.
    pub orders_placed: u32,
    /// Said instead of the profile's own reason not to order, when set.
    pub reason_override: Option<LangDict>,
    /// How long ago (in Polish wall time) the next order is dated: a
    /// student who ordered a while before the page was opened.
    pub backdate: Duration,
}

/// The next order's number: one sequence for the whole stand-in, as a
/// real USOS numbers its orders, so that no two students' orders share a
/// number (the gateway tells orders apart by it).
static NEXT_ORDER_ID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(4211);

impl Student {
    /// A student of `profile`, with the history the profile implies.
    pub fn new(profile: Profile, delays: Delays, now: Now) -> Student {
        let mut student = Student {
            profile,
            student_number: "123456".to_owned(),
            delays,
            orders: Vec::new(),
            orders_placed: 0,
            reason_override: None,
            backdate: Duration::ZERO,
        };
        let today = now.local.date();
        let held = |days_left: u64, status: Status, student: &mut Student| {
            let expiration_date = today + chrono::Days::new(days_left);
            let order_date = now.local - chrono::Duration::days(180);
            let order = student.new_order(now.instant, order_date, expiration_date, status);
            student.orders.push(order);
        };
        match profile {
            Profile::Revoked => held(120, Status::Revoked, &mut student),
            Profile::Expiring => held(20, Status::Received, &mut student),
            _ => {}
        }
        student
    }

    fn new_order(
        &mut self,
        placed_at: Instant,
        order_date: NaiveDateTime,
        expiration_date: NaiveDate,
        status: Status,
    ) -> Order {
        let id = NEXT_ORDER_ID
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string();
        let mut rng = rand::rng();
        let token = (0..32)
            .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
            .collect();
        let distribution_pass = (0..8)
            .map(|_| char::from(PASS_ALPHABET[rng.random_range(0..PASS_ALPHABET.len())]))
            .collect();
        let pending = Duration::from_millis(self.delays.pending_ms);
        Order {
            id,
            placed_at,
            order_date,
            status,
            expiration_date,
            token,
            distribution_pass,
            in_progress_after: pending,
            answered_after: pending + Duration::from_millis(self.delays.processing_ms),
            fails: self.profile.processing_fails(),
        }
    }

    /// Moves orders along the ministry's timeline up to `now`.
    pub fn advance(&mut self, now: Instant) {
        for order in &mut self.orders {
            let elapsed = now.saturating_duration_since(order.placed_at);
            if order.status == Status::Pending && elapsed >= order.in_progress_after {
                order.status = Status::InProgress;
            }
            if order.status == Status::InProgress && elapsed >= order.answered_after {
                order.status = if order.fails {
                    Status::Error
                } else {
                    Status::Ready
                };
            }
        }
    }

    /// `why_cannot_order`: the profile's reason, an open order, or a held card
    /// with a month or more left; `None` when the student may order.
    pub fn why_cannot_order(&self, today: NaiveDate) -> Option<LangDict> {
        if let Some(reason) = self.reason_override.clone() {
            return Some(reason);
        }
        if let Some(reason) = self.profile.reason_cannot_order() {
            return Some(reason);
        }
        if self.orders.iter().any(|o| o.status.is_open()) {
            return Some(LangDict::new(
                "masz już zamówienie w realizacji",
                "you already have an order in progress",
            ));
        }
        let month_ahead = today.checked_add_months(Months::new(1)).unwrap_or(today);
        if self
            .orders
            .iter()
            .any(|o| o.status == Status::Received && o.expiration_date >= month_ahead)
        {
            return Some(LangDict::new(
                "posiadasz ważną mLegitymację",
                "you already hold a valid mLegitymacja",
            ));
        }
        None
    }

    /// `why_cannot_revoke`: `None` while something can be cancelled.
    pub fn why_cannot_revoke(&self) -> Option<LangDict> {
        if self
            .orders
            .iter()
            .any(|o| o.status.is_open() || o.status == Status::Received)
        {
            None
        } else {
            Some(LangDict::new(
                "nie masz zamówienia ani mLegitymacji, które można anulować",
                "you have no order or mLegitymacja that can be cancelled",
            ))
        }
    }

    /// `make_mcard_order`.
    pub fn order(&mut self, now: Now) -> Result<&Order, Refusal> {
        if let Some(reason) = self.why_cannot_order(now.local.date()) {
            return Err(Refusal::CannotOrder(reason));
        }
        let expiration_date = planned_expiration_date(now.local.date());
        let dated = now.local - chrono::Duration::from_std(self.backdate).unwrap_or_default();
        let order = self.new_order(now.instant, dated, expiration_date, Status::Pending);
        self.orders.insert(0, order);
        self.orders_placed += 1;
        Ok(&self.orders[0])
    }

    /// `revoke_mcard`: the student cancels an open order or a collected card.
    pub fn cancel(&mut self, order_id: &str) -> Result<(), Refusal> {
        let order = self.find_mut(order_id).ok_or(Refusal::NoSuchOrder)?;
        if order.status.is_open() || order.status == Status::Received {
            order.status = Status::Cancelled;
            Ok(())
        } else {
            Err(Refusal::AlreadyFinal)
        }
    }

    /// The ministry answers now instead of when its time comes: the newest
    /// order under way becomes `outcome` (ready or error).
    pub fn ministry_answers(&mut self, outcome: Status) -> Result<&Order, Refusal> {
        let order = self
            .orders
            .iter_mut()
            .find(|o| matches!(o.status, Status::Pending | Status::InProgress))
            .ok_or(Refusal::NoSuchOrder)?;
        order.status = outcome;
        Ok(order)
    }

    /// The university revokes the student's held card or open order.
    pub fn university_revokes(&mut self) -> Result<&Order, Refusal> {
        let order = self
            .orders
            .iter_mut()
            .find(|o| o.status.is_open() || o.status == Status::Received)
            .ok_or(Refusal::NoSuchOrder)?;
        order.status = Status::Revoked;
        Ok(order)
    }

    /// The student scans the QR code in mObywatel and confirms it with the code.
    pub fn activate(&mut self, token: &str, code: &str) -> Result<&Order, ActivationError> {
        let order = self
            .orders
            .iter_mut()
            .find(|o| o.token.eq_ignore_ascii_case(token.trim()))
            .ok_or(ActivationError::UnknownToken)?;
        if order.status != Status::Ready {
            return Err(ActivationError::NotReady);
        }
        if order.distribution_pass != code {
            return Err(ActivationError::WrongCode);
        }
        order.status = Status::Received;
        Ok(order)
    }

    pub fn find(&self, order_id: &str) -> Option<&Order> {
        self.orders.iter().find(|o| o.id == order_id)
    }

    fn find_mut(&mut self, order_id: &str) -> Option<&mut Order> {
        self.orders.iter_mut().find(|o| o.id == order_id)
    }

    /// `planned_expiration_date`: set only while the student may order.
    pub fn planned_expiration_date(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.why_cannot_order(today)
            .is_none()
            .then(|| planned_expiration_date(today))
    }
}

/// The expiry a card ordered `today` gets: the end of the semester (31 March or
/// 31 October) that is at least a month away, like the instruction's examples.
pub fn planned_expiration_date(today: NaiveDate) -> NaiveDate {
    let month_ahead = today.checked_add_months(Months::new(1)).unwrap_or(today);
    let year = month_ahead.year();
    [(year, 3), (year, 10), (year + 1, 3)]
        .into_iter()
        .filter_map(|(y, m)| NaiveDate::from_ymd_opt(y, m, 31))
        .find(|end| *end >= month_ahead)
        .unwrap_or(month_ahead)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ministry_answers_one_order_after_another() {
        let start = Now {
            instant: Instant::now(),
            local: NaiveDate::from_ymd_opt(2026, 10, 1)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
        };
        let mut ministry = Ministry {
            per_minute: 60.0,
            error_percent: 0,
            free_at: None,
        };
        let mut answered = Vec::new();
        for _ in 0..3 {
            let mut student = Student::new(
                Profile::Eligible,
                Delays {
                    pending_ms: 0,
                    processing_ms: 0,
                },
                start,
            );
            student.order(start).unwrap();
            ministry.queue(&mut student.orders[0]);
            answered.push(student.orders[0].answered_after);
            assert!(!student.orders[0].fails);
            student.advance(start.instant + Duration::from_millis(500));
            assert_eq!(student.orders[0].status, Status::InProgress);
        }
        assert_eq!(
            answered,
            [1, 2, 3].map(Duration::from_secs),
            "in line, one a second"
        );
        let mut failing = Ministry {
            error_percent: 100,
            ..ministry
        };
        let mut student = Student::new(Profile::Eligible, Delays::default(), start);
        student.backdate = Duration::from_secs(40 * 60);
        student.order(start).unwrap();
        failing.queue(&mut student.orders[0]);
        assert!(student.orders[0].fails);
        // Dated 40 minutes before it was placed.
        assert_eq!(
            student.orders[0].order_date,
            start.local - chrono::Duration::minutes(40)
        );
    }

    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn at(start: Instant, millis: u64, local: &str) -> Now {
        Now {
            instant: start + Duration::from_millis(millis),
            local: NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M:%S").unwrap(),
        }
    }

    const DELAYS: Delays = Delays {
        pending_ms: 100,
        processing_ms: 200,
    };

    #[test]
    fn planned_expiry_matches_the_instructions_examples() {
        assert_eq!(
            planned_expiration_date(date("2025-09-03")),
            date("2025-10-31")
        );
        assert_eq!(
            planned_expiration_date(date("2025-10-10")),
            date("2026-03-31")
        );
        assert_eq!(
            planned_expiration_date(date("2026-02-15")),
            date("2026-03-31")
        );
        assert_eq!(
            planned_expiration_date(date("2026-03-15")),
            date("2026-10-31")
        );
    }

    #[test]
    fn an_order_goes_pending_in_progress_ready() {
        let start = Instant::now();
        let now = at(start, 0, "2025-09-03 22:18:00");
        let mut s = Student::new(Profile::Eligible, DELAYS, now);
        assert!(s.why_cannot_order(now.local.date()).is_none());
        let id = s.order(now).unwrap().id.clone();
        assert_eq!(s.orders_placed, 1);
        for (millis, expected) in [
            (99, Status::Pending),
            (100, Status::InProgress),
            (299, Status::InProgress),
            (300, Status::Ready),
            (10_000, Status::Ready),
        ] {
            s.advance(start + Duration::from_millis(millis));
            assert_eq!(s.find(&id).unwrap().status, expected, "at {millis} ms");
        }
        assert!(s.why_cannot_order(now.local.date()).is_some());
        assert!(matches!(s.order(now), Err(Refusal::CannotOrder(_))));
        assert_eq!(s.orders_placed, 1);
    }

    #[test]
    fn the_ministry_fails_for_mc_error() {
        let start = Instant::now();
        let now = at(start, 0, "2025-09-03 22:18:00");
        let mut s = Student::new(Profile::McError, DELAYS, now);
        s.order(now).unwrap();
        s.advance(start + Duration::from_millis(300));
        assert_eq!(s.orders[0].status, Status::Error);
        assert!(
            s.why_cannot_order(now.local.date()).is_none(),
            "may order again after an error"
        );
    }

    #[test]
    fn activation_needs_both_the_token_and_the_code() {
        let start = Instant::now();
        let now = at(start, 0, "2025-09-03 22:18:00");
        let mut s = Student::new(Profile::Eligible, DELAYS, now);
        s.order(now).unwrap();
        let (token, pass) = (
            s.orders[0].token.clone(),
            s.orders[0].distribution_pass.clone(),
        );
        assert_eq!(token.len(), 32);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(pass.chars().count(), 8);
        assert!(pass.bytes().all(|b| PASS_ALPHABET.contains(&b)));
        assert_eq!(
            s.activate(&token, &pass).unwrap_err(),
            ActivationError::NotReady
        );
        s.advance(start + Duration::from_millis(300));
        assert_eq!(
            s.activate("0".repeat(32).as_str(), &pass).unwrap_err(),
            ActivationError::UnknownToken
        );
        assert_eq!(
            s.activate(&token, "wrong").unwrap_err(),
            ActivationError::WrongCode
        );
        assert_eq!(s.orders[0].status, Status::Ready);
        assert_eq!(s.activate(&token, &pass).unwrap().status, Status::Received);
        // A card valid for months: no new order, but it may be cancelled.
        assert!(s.why_cannot_order(now.local.date()).is_some());
        assert!(s.why_cannot_revoke().is_none());
    }

    #[test]
    fn cancelling_is_for_open_orders_and_held_cards_only() {
        let start = Instant::now();
        let now = at(start, 0, "2025-09-03 22:18:00");
        let mut s = Student::new(Profile::Eligible, DELAYS, now);
        assert!(s.why_cannot_revoke().is_some());
        let id = s.order(now).unwrap().id.clone();
        assert_eq!(s.cancel(&id), Ok(()));
        assert_eq!(s.orders[0].status, Status::Cancelled);
        assert_eq!(s.cancel(&id), Err(Refusal::AlreadyFinal));
        assert_eq!(s.cancel("nope"), Err(Refusal::NoSuchOrder));
        s.advance(start + Duration::from_secs(60));
        assert_eq!(
            s.orders[0].status,
            Status::Cancelled,
            "a cancelled order stays cancelled"
        );
        assert!(s.why_cannot_order(now.local.date()).is_none());
    }

    #[test]
    fn under_a_month_left_allows_the_next_order() {
        let start = Instant::now();
        let now = at(start, 0, "2025-10-10 09:00:00");
        let mut s = Student::new(Profile::Expiring, DELAYS, now);
        assert_eq!(s.orders[0].status, Status::Received);
        assert_eq!(s.orders[0].expiration_date, date("2025-10-30"));
        assert!(s.why_cannot_order(now.local.date()).is_none());
        assert_eq!(
            s.planned_expiration_date(now.local.date()),
            Some(date("2026-03-31"))
        );
        s.order(now).unwrap();
        assert_eq!(s.orders.len(), 2);
        assert_eq!(
            s.orders[1].status,
            Status::Received,
            "the held card is kept"
        );
    }

    #[test]
    fn profiles_that_cannot_order_say_why() {
        let now = at(Instant::now(), 0, "2025-09-03 22:18:00");
        for profile in Profile::ALL {
            let s = Student::new(profile, DELAYS, now);
            let reason = s.why_cannot_order(now.local.date());
            assert_eq!(
                reason.is_some(),
                profile.reason_cannot_order().is_some(),
                "{profile:?}"
            );
            assert_eq!(
                s.planned_expiration_date(now.local.date()).is_some(),
                reason.is_none()
            );
        }
        let revoked = Student::new(Profile::Revoked, DELAYS, now);
        assert_eq!(revoked.orders[0].status, Status::Revoked);
    }

    #[test]
    fn the_university_can_revoke_a_held_card() {
        let start = Instant::now();
        let now = at(start, 0, "2025-10-10 09:00:00");
        let mut s = Student::new(Profile::Expiring, DELAYS, now);
        assert_eq!(s.university_revokes().unwrap().status, Status::Revoked);
        assert!(s.university_revokes().is_err());
    }
}
