//! The widget's state and everything that changes it: reading USOS, ordering,
//! cancelling, and polling by itself while an order is on its way.
//!
//! A failed request never clears what the student already sees, and an order
//! is never sent twice: the button stays busy until the order has been read
//! back from USOS.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::fields::refuses_a_field;
use crate::api::types::{Mcard, OrderDetails, Success};
use crate::api::{ApiClient, ApiError};
use crate::browser;
use crate::domain::polling::{next_poll_ms, PollInput};
use crate::domain::status::OrderStatus;

/// Whether this university issues mLegitymacja through USOS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Not asked yet, or the answer did not come.
    Unknown,
    Offered,
    NotOffered,
}

/// A one-line confirmation of what just happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Ordered,
    StatusUpdated,
    OrderCancelled,
    CardCancelled,
    SignedOut,
}

/// What is being cancelled, which decides the words used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelKind {
    Order,
    Card,
}

/// Signals shared by the widget's components, and the actions on them.
#[derive(Clone, Copy)]
pub struct Store {
    client: StoredValue<ApiClient>,
    pub support: RwSignal<Support>,
    /// The last `mcard` answer that decoded; kept through failures.
    pub mcard: RwSignal<Option<Mcard>>,
    /// The ready order's QR token and activation code; only in memory.
    pub details: RwSignal<Option<OrderDetails>>,
    /// The last failure, cleared by the next success; a refusal stays
    /// longer (`refusal_shown`).
    pub problem: RwSignal<Option<ApiError>>,
    pub notice: RwSignal<Option<Notice>>,
    /// Polish time of the last successful check.
    pub checked_at: RwSignal<Option<String>>,
    /// A read of `mcard` is under way.
    pub loading: RwSignal<bool>,
    /// An order is being placed and read back: the order button is busy.
    pub ordering: RwSignal<bool>,
    /// A cancellation is under way.
    pub cancelling: RwSignal<bool>,
    /// Signing out is under way.
    pub signing_out: RwSignal<bool>,
    /// An order was sent but its answer was lost and USOS could not be read
    /// since: the order button waits until we know whether it arrived.
    pub order_unconfirmed: RwSignal<bool>,
    /// USOS refused a field the widget would like: ask only for the needed
    /// ones for the rest of the page's life.
    without_optional_fields: StoredValue<bool>,
    failures: StoredValue<u32>,
    /// `problem` is USOS's definite "no" to the student's order or
    /// cancellation (with the state read after it): their words stay on
    /// screen, through checks in the background, until the student acts
    /// again or the order moves on. Nothing is retried: USOS works.
    refusal_shown: StoredValue<bool>,
    retry_after_s: StoredValue<Option<u32>>,
    timer: StoredValue<Option<TimeoutHandle>>,
    /// Check by itself while an order is on its way (a setting).
    polling: bool,
    /// A fixed interval instead of the schedule's (a setting, for benchmarks).
    poll_interval_ms: Option<u32>,
    /// The gateway watches the order for a push with the page closed.
    push_on: StoredValue<bool>,
}

impl Store {
    pub fn new(client: ApiClient, polling: bool, poll_interval_ms: Option<u32>) -> Store {
        Store {
            client: StoredValue::new(client),
            support: RwSignal::new(Support::Unknown),
            mcard: RwSignal::new(None),
            details: RwSignal::new(None),
            problem: RwSignal::new(None),
            notice: RwSignal::new(None),
            checked_at: RwSignal::new(None),
            loading: RwSignal::new(false),
            ordering: RwSignal::new(false),
            cancelling: RwSignal::new(false),
            signing_out: RwSignal::new(false),
            order_unconfirmed: RwSignal::new(false),
            without_optional_fields: StoredValue::new(false),
            failures: StoredValue::new(0),
            refusal_shown: StoredValue::new(false),
            retry_after_s: StoredValue::new(None),
            timer: StoredValue::new(None),
            polling,
            poll_interval_ms,
            push_on: StoredValue::new(false),
        }
    }

    /// Push with the page closed is on (or off) for the order: a hidden
    /// tab then need not check (the schedule's `push_on`).
    pub fn set_push_on(self, on: bool) {
        if self.push_on.get_value() != on {
            self.push_on.set_value(on);
            self.schedule_next();
        }
    }

    /// Starts the widget: the first read, and checks whenever the tab becomes
    /// visible or the browser comes back online.
    pub fn start(self) {
        browser::listen("visibilitychange", true, move || {
            if browser::page_visible() {
                self.check(false);
            } else {
                // The schedule for a hidden tab: seldom, or not at all.
                self.schedule_next();
            }
        });
        browser::listen("online", false, move || self.check(false));
        browser::listen("offline", false, move || {
            self.stop_timer();
            self.problem
                .set(Some(ApiError::Network("the browser is offline".into())));
        });
        self.check(false);
    }

    /// Reads the state from USOS now; `manual` when the student asked for it.
    pub fn check(self, manual: bool) {
        if self.loading.get_untracked() || self.ordering.get_untracked() {
            return;
        }
        self.stop_timer();
        self.loading.set(true);
        if manual {
            self.refusal_shown.set_value(false);
        }
        spawn_local(async move {
            let result = self.read().await;
            self.loading.set(false);
            if result.is_ok() && manual {
                self.notice.set(Some(Notice::StatusUpdated));
            }
            self.settle(result);
        });
    }

    /// "Zamów mLegitymację": sends exactly one order, then reads it back.
    pub fn place_order(self) {
        if self.order_unconfirmed.get_untracked() {
            return;
        }
        let previous = self.newest_order_id();
        self.change(
            self.ordering,
            Notice::Ordered,
            true,
            move |after| {
                after
                    .latest_order()
                    .is_some_and(|o| Some(&o.id) != previous.as_ref())
            },
            |client| async move { client.make_mcard_order().await },
        );
    }

    /// "Anuluj zamówienie" / "Anuluj mLegitymację", once the student confirmed.
    pub fn cancel(self, order_id: String, kind: CancelKind) {
        let notice = match kind {
            CancelKind::Order => Notice::OrderCancelled,
            CancelKind::Card => Notice::CardCancelled,
        };
        let id = order_id.clone();
        self.change(
            self.cancelling,
            notice,
            false,
            move |after| {
                after
                    .orders
                    .iter()
                    .any(|o| o.id == id && o.status == OrderStatus::Cancelled)
            },
            |client| async move { client.revoke_mcard(&order_id).await },
        );
    }

    /// "Wyloguj": the gateway revokes the token and clears its cookie; then
    /// nothing of the student's stays in memory, and the widget offers to
    /// sign in again. A failure keeps everything as it was and says so.
    pub fn sign_out(self, logout_url: String) {
        if self.signing_out.get_untracked() {
            return;
        }
        self.signing_out.set(true);
        self.stop_timer();
        spawn_local(async move {
            let result = self.client.get_value().sign_out(&logout_url).await;
            self.signing_out.set(false);
            match result {
                Ok(_) => {
                    self.mcard.set(None);
                    self.details.set(None);
                    self.checked_at.set(None);
                    self.notice.set(Some(Notice::SignedOut));
                    self.refusal_shown.set_value(false);
                    self.problem.set(Some(ApiError::Http {
                        status: 401,
                        usos: None,
                        retry_after: None,
                    }));
                }
                Err(error) => self.settle(Err(error)),
            }
        });
    }

    fn newest_order_id(self) -> Option<String> {
        self.mcard.with_untracked(|m| {
            m.as_ref()
                .and_then(|m| m.latest_order())
                .map(|o| o.id.clone())
        })
    }

    /// Sends one request that changes state (a POST, never retried), then
    /// reads USOS again whatever came back: USOS is the truth. `busy` stays
    /// set until it has been read, and when the answer was lost,
    /// `took_effect` tells from the new state whether the change happened.
    /// With `guard_repeat`, a change whose fate stays unknown blocks the
    /// button until USOS can be read (a second order would be a second card).
    fn change<F, Fut>(
        self,
        busy: RwSignal<bool>,
        done: Notice,
        guard_repeat: bool,
        took_effect: impl Fn(&Mcard) -> bool + 'static,
        request: F,
    ) where
        F: FnOnce(ApiClient) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<Success, ApiError>> + 'static,
    {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        self.stop_timer();
        self.notice.set(None);
        self.refusal_shown.set_value(false);
        spawn_local(async move {
            let changed = request(self.client.get_value()).await;
            let read = self.read().await;
            let happened = read.is_ok()
                && self
                    .mcard
                    .with_untracked(|m| m.as_ref().is_some_and(&took_effect));
            let outcome = match changed {
                Ok(_) => Ok(()),
                Err(error) if error.outcome_unknown() && happened => Ok(()),
                Err(error) => {
                    if guard_repeat && error.outcome_unknown() && read.is_err() {
                        self.order_unconfirmed.set(true);
                    }
                    Err(error)
                }
            };
            if outcome.is_ok() {
                self.notice.set(Some(done));
            }
            busy.set(false);
            match (outcome, read) {
                (Err(error), Ok(())) if error.is_refusal() => self.settle_refusal(error),
                (outcome, read) => self.settle(outcome.and(read)),
            }
        });
    }

    /// Records how a round of requests ended and plans the next check.
    fn settle(self, result: Result<(), ApiError>) {
        match result {
            Ok(()) => {
                self.failures.set_value(0);
                // The gateway may ask for patience on a good answer too.
                self.retry_after_s
                    .set_value(self.client.with_value(ApiClient::last_retry_after));
                if !self.refusal_shown.get_value() {
                    self.problem.set(None);
                }
                self.checked_at.set(browser::poland_clock());
            }
            Err(error) => {
                leptos::logging::warn!("mLegitymacja: {error}");
                self.refusal_shown.set_value(false);
                self.failures.update_value(|n| *n += 1);
                if let ApiError::Http { retry_after, .. } = &error {
                    self.retry_after_s.set_value(*retry_after);
                }
                self.problem.set(Some(error));
            }
        }
        self.schedule_next();
    }

    /// USOS refused the student's order or cancellation and was read
    /// after it: a good round, whose refusal is shown until the student
    /// acts again or the order moves on.
    fn settle_refusal(self, refusal: ApiError) {
        leptos::logging::warn!("mLegitymacja: {refusal}");
        self.refusal_shown.set_value(true);
        self.problem.set(Some(refusal));
        self.settle(Ok(()));
    }

    /// Reads `installation` (until answered), `mcard`, and the ready order's codes.
    async fn read(self) -> Result<(), ApiError> {
        let client = self.client.get_value();
        let with_optional = self.wants_optional_fields();
        let first = if self.support.get_untracked() == Support::Unknown {
            // Both at once (USOS allows it), or taken from the loader, which
            // started both before the wasm arrived: one round trip, not
            // two. Where `mcards_support` is false, the `mcard` answer is
            // dropped and nothing else is called.
            let (installation, mcard) =
                futures::join!(client.installation(), client.mcard(with_optional));
            browser::mark("first-answers");
            self.support.set(if installation?.mcards_support {
                Support::Offered
            } else {
                Support::NotOffered
            });
            Some(mcard)
        } else {
            None
        };
        if self.support.get_untracked() != Support::Offered {
            return Ok(());
        }
        let mcard = match first {
            Some(answer) => answer,
            None => client.mcard(with_optional).await,
        };
        let mcard = match mcard {
            Err(error) if with_optional && refuses_a_field(&error) => {
                self.drop_optional_fields(&error);
                client.mcard(false).await
            }
            other => other,
        }?;
        // USOS answered: whatever happened to a lost order is now on screen.
        self.order_unconfirmed.set(false);
        // A confirmation of an earlier moment ("została zamówiona") gives
        // way to the instruction's own words once the status moves on.
        let moved_on = self.mcard.with_untracked(|before| {
            let now = |m: &Mcard| m.latest_order().map(|o| (o.id.clone(), o.status.clone()));
            before.as_ref().is_some_and(|b| now(b) != now(&mcard))
        });
        if moved_on && self.notice.get_untracked().is_some() {
            self.notice.set(Some(Notice::StatusUpdated));
        }
        if moved_on {
            self.refusal_shown.set_value(false);
        }
        let ready = mcard
            .latest_order()
            .filter(|o| o.status.may_add_to_mobywatel())
            .map(|o| o.id.clone());
        self.mcard.set(Some(mcard));
        match ready {
            Some(id) => {
                let known = self
                    .details
                    .with_untracked(|d| d.as_ref().is_some_and(|d| d.id == id));
                if !known {
                    let with_optional = self.wants_optional_fields();
                    let details = match client.mcard_order(&id, with_optional).await {
                        Err(error) if with_optional && refuses_a_field(&error) => {
                            self.drop_optional_fields(&error);
                            client.mcard_order(&id, false).await
                        }
                        other => other,
                    }?;
                    self.details.set(Some(details));
                }
            }
            None => self.details.set(None),
        }
        Ok(())
    }

    fn wants_optional_fields(self) -> bool {
        !self.without_optional_fields.get_value()
    }

    fn drop_optional_fields(self, error: &ApiError) {
        leptos::logging::warn!("mLegitymacja: USOS refused a field ({error}); asking without the optional fields from now on");
        self.without_optional_fields.set_value(true);
    }

    fn schedule_next(self) {
        self.stop_timer();
        if !self.polling || self.support.get_untracked() == Support::NotOffered {
            return;
        }
        let newest = self.mcard.with_untracked(|m| {
            m.as_ref()
                .and_then(|m| m.latest_order())
                .map(|o| (o.status.clone(), o.order_date.poland_to_unix_seconds()))
        });
        let input = PollInput {
            status: newest.as_ref().map(|(status, _)| status.clone()),
            order_age_s: newest.map(|(_, ordered)| (browser::unix_now() - ordered).max(0) as u64),
            push_on: self.push_on.get_value(),
            failures: self.failures.get_value(),
            retry_after_s: self.retry_after_s.get_value(),
            visible: browser::page_visible(),
            online: browser::online(),
            jitter_permille: browser::random_permille(),
            interval_override_ms: self.poll_interval_ms,
        };
        if let Some(millis) = next_poll_ms(&input) {
            let handle = set_timeout_with_handle(
                move || self.check(false),
                Duration::from_millis(u64::from(millis)),
            );
            self.timer.set_value(handle.ok());
        }
    }

    fn stop_timer(self) {
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        self.timer.set_value(None);
    }
}
