//! The status of an mLegitymacja order and what a student may do in each.
//!
//! The status codes are this project's assumption about the USOS API (they are
//! not public): [`STATUS_CODES`] is the one place that names them, and an
//! installation whose codes differ names its own in `data-status-codes`
//! ([`StatusTable::parse`]), without a rebuild.

use std::cell::Cell;

use mcard_common::status::{Status, StatusCodes};
use serde::{Deserialize, Deserializer};

use crate::i18n::{Lang, StatusTexts};

/// An order's status, as `services/cards` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Ordered; the university has not yet passed it to the ministry (MC).
    Pending,
    /// Passed to MC and being processed.
    InProgress,
    /// The QR code and the activation code are waiting to be used in mObywatel.
    Ready,
    /// Added to mObywatel.
    Received,
    /// MC's processing failed.
    Error,
    /// The student cancelled the order or the mLegitymacja.
    Cancelled,
    /// The university revoked it because the student lost the right to it.
    Revoked,
    /// A code this client does not know, kept exactly as it came.
    Unknown(String),
}

/// Every known status under this project's name for it, which is also its
/// wire code unless the installation's differ (`data-status-codes`). The
/// names come from `mcard_common`, which the gateway reads statuses with too.
pub const STATUS_CODES: [(&str, OrderStatus); 7] = [
    (Status::Pending.name(), OrderStatus::Pending),
    (Status::InProgress.name(), OrderStatus::InProgress),
    (Status::Ready.name(), OrderStatus::Ready),
    (Status::Received.name(), OrderStatus::Received),
    (Status::Error.name(), OrderStatus::Error),
    (Status::Cancelled.name(), OrderStatus::Cancelled),
    (Status::Revoked.name(), OrderStatus::Revoked),
];

/// How a status badge looks: the tone gives the colour, the icon the shape, so
/// that no status is told apart by colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Waiting for someone else (pending, in progress).
    Waiting,
    /// The student has something to do (ready).
    Action,
    /// Done and good (received).
    Success,
    /// Failed (error, revoked).
    Failure,
    /// Ended by the student, or unknown.
    Neutral,
}

/// The installation's wire code for each status: [`STATUS_CODES`], with the
/// codes an installation names differently replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusTable(&'static [(&'static str, OrderStatus)]);

impl Default for StatusTable {
    fn default() -> StatusTable {
        StatusTable(&STATUS_CODES)
    }
}

impl StatusTable {
    /// Reads `data-status-codes`: a JSON object from our status names to the
    /// installation's codes, e.g. `{"ready": "do_odbioru"}`; names left out
    /// keep their codes. An unknown name, an empty code, two statuses with
    /// one code, or JSON that is not such an object is an error that says so.
    pub fn parse(json: &str) -> Result<StatusTable, String> {
        let codes = StatusCodes::parse(json)?;
        let table: Vec<(&'static str, OrderStatus)> = STATUS_CODES
            .iter()
            .zip(Status::ALL)
            .map(|((name, status), known)| {
                let code = codes.code(known);
                let code: &'static str = if code == *name {
                    name
                } else {
                    // Leaked once per page, when the widget starts: the
                    // table lives as long as the page.
                    Box::leak(code.to_owned().into_boxed_str())
                };
                (code, status.clone())
            })
            .collect();
        Ok(StatusTable(Box::leak(table.into_boxed_slice())))
    }

    /// The status for a wire code; an unknown code is kept as [`OrderStatus::Unknown`].
    pub fn status(&self, code: &str) -> OrderStatus {
        self.0
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(_, status)| status.clone())
            .unwrap_or_else(|| OrderStatus::Unknown(code.to_owned()))
    }

    /// The wire code of a known status.
    pub fn code(&self, status: &OrderStatus) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(_, known)| known == status)
            .map(|(code, _)| *code)
    }

    /// Makes this the table every status is read with, on this page.
    pub fn install(&self) {
        TABLE.with(|table| table.set(self.0));
    }
}

thread_local! {
    /// The table in force: one per page, since every widget on a page talks
    /// to the same installation.
    static TABLE: Cell<&'static [(&'static str, OrderStatus)]> = const { Cell::new(&STATUS_CODES) };
}

fn table() -> StatusTable {
    StatusTable(TABLE.with(Cell::get))
}

impl OrderStatus {
    /// Maps a wire code to a status with the table in force; an unknown code
    /// is kept as [`OrderStatus::Unknown`].
    pub fn from_code(code: &str) -> OrderStatus {
        table().status(code)
    }

    /// The wire code, as the installation sends it.
    pub fn code(&self) -> &str {
        match self {
            OrderStatus::Unknown(code) => code,
            known => table().code(known).unwrap_or_default(),
        }
    }

    /// This project's name for the status (`ready`, …), the same whatever
    /// the installation's codes; an unknown code is its own name.
    pub fn name(&self) -> &str {
        match self {
            OrderStatus::Unknown(code) => code,
            known => STATUS_CODES
                .iter()
                .find(|(_, status)| status == known)
                .map(|(name, _)| *name)
                .unwrap_or_default(),
        }
    }

    /// The badge's text: the instruction's name of the status, or the code itself.
    pub fn label(&self, lang: Lang) -> &str {
        self.texts(lang).map_or(self.code(), |(label, _)| label)
    }

    /// One sentence that says what the status means; `None` for an unknown code.
    pub fn meaning(&self, lang: Lang) -> Option<&'static str> {
        self.texts(lang).map(|(_, meaning)| meaning)
    }

    /// [`Self::meaning`] as a sentence of its own, starting with a capital.
    pub fn explanation(&self, lang: Lang) -> Option<String> {
        let meaning = self.meaning(lang)?;
        let mut chars = meaning.chars();
        let first = chars.next()?;
        Some(first.to_uppercase().chain(chars).collect())
    }

    fn texts(&self, lang: Lang) -> Option<(&'static str, &'static str)> {
        let StatusTexts {
            pending,
            in_progress,
            ready,
            received,
            error,
            cancelled,
            revoked,
        } = &lang.texts().statuses;
        let pair = match self {
            OrderStatus::Pending => pending,
            OrderStatus::InProgress => in_progress,
            OrderStatus::Ready => ready,
            OrderStatus::Received => received,
            OrderStatus::Error => error,
            OrderStatus::Cancelled => cancelled,
            OrderStatus::Revoked => revoked,
            OrderStatus::Unknown(_) => return None,
        };
        Some(*pair)
    }

    /// Colour and shape family of the badge.
    pub fn tone(&self) -> Tone {
        match self {
            OrderStatus::Pending | OrderStatus::InProgress => Tone::Waiting,
            OrderStatus::Ready => Tone::Action,
            OrderStatus::Received => Tone::Success,
            OrderStatus::Error | OrderStatus::Revoked => Tone::Failure,
            OrderStatus::Cancelled | OrderStatus::Unknown(_) => Tone::Neutral,
        }
    }

    /// A one-character icon that tells the status apart without colour.
    pub fn icon(&self) -> &'static str {
        match self {
            OrderStatus::Pending => "◷",
            OrderStatus::InProgress => "↻",
            OrderStatus::Ready => "▣",
            OrderStatus::Received => "✓",
            OrderStatus::Error => "!",
            OrderStatus::Cancelled => "⊘",
            OrderStatus::Revoked => "✕",
            OrderStatus::Unknown(_) => "?",
        }
    }

    /// The ministry is still working on it, or the student has yet to collect it:
    /// the status is expected to change without the student doing anything here.
    pub fn is_awaiting(&self) -> bool {
        matches!(
            self,
            OrderStatus::Pending | OrderStatus::InProgress | OrderStatus::Ready
        )
    }

    /// "Anuluj zamówienie" applies: an order not yet collected.
    pub fn may_cancel_order(&self) -> bool {
        self.is_awaiting()
    }

    /// "Anuluj mLegitymację" applies: the card is in mObywatel.
    pub fn may_cancel_card(&self) -> bool {
        *self == OrderStatus::Received
    }

    /// The QR code and the activation code can be fetched and shown.
    pub fn may_add_to_mobywatel(&self) -> bool {
        *self == OrderStatus::Ready
    }

    /// The card reached mObywatel at some point, so its expiry date is real
    /// rather than planned.
    pub fn card_was_issued(&self) -> bool {
        matches!(self, OrderStatus::Received | OrderStatus::Revoked)
    }

    /// Nothing more will happen to this order.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            OrderStatus::Error | OrderStatus::Cancelled | OrderStatus::Revoked
        )
    }
}

impl<'de> Deserialize<'de> for OrderStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(OrderStatus::from_code(&code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for (code, status) in STATUS_CODES {
            assert_eq!(OrderStatus::from_code(code), status);
            assert_eq!(status.code(), code);
        }
    }

    #[test]
    fn labels_are_the_instructions_names() {
        let pl: Vec<&str> = STATUS_CODES
            .iter()
            .map(|(_, s)| s.label(Lang::Pl))
            .collect();
        assert_eq!(
            pl,
            [
                "Oczekuje",
                "W trakcie",
                "Do odbioru",
                "Odebrana",
                "Błąd",
                "Anulowane przez użytkownika",
                "Unieważnione przez uczelnię"
            ]
        );
        assert_eq!(OrderStatus::Ready.label(Lang::En), "Ready to collect");
        assert_eq!(OrderStatus::Cancelled.label(Lang::En), "Cancelled by you");
    }

    #[test]
    fn explanations_are_sentences() {
        assert_eq!(
            OrderStatus::Pending.explanation(Lang::Pl).unwrap(),
            "Użytkownik złożył zamówienie, uczelnia nie przekazała go jeszcze do systemu MC."
        );
        assert_eq!(OrderStatus::Unknown("x".into()).explanation(Lang::Pl), None);
    }

    #[test]
    fn unknown_code_is_kept_not_mapped() {
        let s = OrderStatus::from_code("suspended_by_mc");
        assert_eq!(s, OrderStatus::Unknown("suspended_by_mc".into()));
        assert_eq!(s.code(), "suspended_by_mc");
        assert_eq!(s.label(Lang::Pl), "suspended_by_mc");
        assert_eq!(s.meaning(Lang::Pl), None);
        assert_eq!(s.tone(), Tone::Neutral);
        assert!(!s.is_awaiting() && !s.is_final() && !s.may_cancel_order());
        // Codes are case-sensitive: "READY" is not "ready".
        assert_eq!(
            OrderStatus::from_code("READY"),
            OrderStatus::Unknown("READY".into())
        );
    }

    #[test]
    fn what_a_student_may_do() {
        use OrderStatus::*;
        for s in [Pending, InProgress, Ready] {
            assert!(s.may_cancel_order() && s.is_awaiting() && !s.may_cancel_card());
        }
        assert!(Ready.may_add_to_mobywatel());
        assert!(!Pending.may_add_to_mobywatel() && !Received.may_add_to_mobywatel());
        assert!(Received.may_cancel_card() && !Received.may_cancel_order());
        for s in [Error, Cancelled, Revoked] {
            assert!(s.is_final() && !s.may_cancel_order() && !s.may_cancel_card());
        }
        assert!(!Received.is_final());
    }

    #[test]
    fn icons_tell_every_status_apart() {
        let mut icons: Vec<&str> = STATUS_CODES.iter().map(|(_, s)| s.icon()).collect();
        icons.push(OrderStatus::Unknown(String::new()).icon());
        let count = icons.len();
        icons.sort();
        icons.dedup();
        assert_eq!(icons.len(), count);
    }

    #[test]
    fn an_installation_may_name_its_own_codes() {
        let table =
            StatusTable::parse(r#"{"ready": "do_odbioru", "in_progress": "w_trakcie"}"#).unwrap();
        assert_eq!(table.status("do_odbioru"), OrderStatus::Ready);
        assert_eq!(table.status("w_trakcie"), OrderStatus::InProgress);
        assert_eq!(table.status("pending"), OrderStatus::Pending);
        assert_eq!(table.status("ready"), OrderStatus::Unknown("ready".into()));
        assert_eq!(table.code(&OrderStatus::Ready), Some("do_odbioru"));
        // Installed, it decides how every status is read, and names stay ours.
        table.install();
        assert_eq!(OrderStatus::from_code("do_odbioru"), OrderStatus::Ready);
        assert_eq!(OrderStatus::Ready.code(), "do_odbioru");
        assert_eq!(OrderStatus::Ready.name(), "ready");
        assert_eq!(OrderStatus::Ready.label(Lang::Pl), "Do odbioru");
        StatusTable::default().install();
        assert_eq!(OrderStatus::from_code("ready"), OrderStatus::Ready);
    }

    #[test]
    fn a_wrong_table_says_what_is_wrong() {
        let error = |json: &str| StatusTable::parse(json).unwrap_err();
        assert!(error("{\"redy\": \"x\"}").contains("\"redy\" is not a status name"));
        assert!(error("{\"ready\": \"pending\"}").contains("would both be \"pending\""));
        assert!(error("{\"ready\": \"x\", \"error\": \"x\"}").contains("would both be \"x\""));
        assert!(error("{\"ready\": \" \"}").contains("empty"));
        assert!(error("[1, 2]").contains("not a JSON object"));
        assert!(error("{\"ready\": 5}").contains("not a JSON object"));
        assert!(error("{ready: x}").contains("not a JSON object"));
        assert_eq!(StatusTable::parse("{}").unwrap(), StatusTable::default());
    }
}
