//! What the student is told when their order reaches an outcome they did not
//! bring about themselves: the card is ready, the ministry failed, or the
//! university revoked it. The widget says it in a notification from an open
//! page; the gateway says it in a Web Push message when the page is closed.
//! One text for both, in each of the widget's languages.

use crate::status::Status;

/// An outcome worth a call-back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// "Do odbioru": the QR code and the activation code wait in the widget.
    Ready,
    /// "Błąd": the ministry's (MC) processing failed.
    Error,
    /// "Unieważnione przez uczelnię".
    Revoked,
}

impl Outcome {
    /// The outcome a status reaches, if it is one the student is called
    /// back for. Cancelled and received are the student's own doing.
    pub fn of(status: Status) -> Option<Outcome> {
        match status {
            Status::Ready => Some(Outcome::Ready),
            Status::Error => Some(Outcome::Error),
            Status::Revoked => Some(Outcome::Revoked),
            _ => None,
        }
    }

    /// This project's name for the outcome's status (`ready`, …).
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ready => Status::Ready.name(),
            Outcome::Error => Status::Error.name(),
            Outcome::Revoked => Status::Revoked.name(),
        }
    }
}

/// A notification's title and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    pub title: &'static str,
    pub body: &'static str,
}

/// The call-back for `outcome` in the language tagged `lang` (`pl`, `en`,
/// `uk`); Polish for any other tag. Never carries anything of the student's.
pub fn message(outcome: Outcome, lang: &str) -> Message {
    let (title, body) = match (lang, outcome) {
        ("en", Outcome::Ready) => (
            "Ready to collect — mLegitymacja",
            "Add the mLegitymacja to the mObywatel app.",
        ),
        ("en", Outcome::Error) => (
            "Error — mLegitymacja",
            "The MC system failed to process the order. Open the page to see what to do next.",
        ),
        ("en", Outcome::Revoked) => (
            "Revoked by the university — mLegitymacja",
            "The university revoked the order. Open the page to see why.",
        ),
        ("uk", Outcome::Ready) => (
            "Готова до отримання — mLegitymacja",
            "Додайте mLegitymacja до застосунку mObywatel.",
        ),
        ("uk", Outcome::Error) => (
            "Помилка — mLegitymacja",
            "Системі MC не вдалося обробити замовлення. Відкрийте сторінку, щоб дізнатися, що робити далі.",
        ),
        ("uk", Outcome::Revoked) => (
            "Анульовано університетом — mLegitymacja",
            "Університет анулював замовлення. Відкрийте сторінку, щоб дізнатися чому.",
        ),
        (_, Outcome::Ready) => (
            "Do odbioru — mLegitymacja",
            "Dodaj mLegitymację do aplikacji mObywatel.",
        ),
        (_, Outcome::Error) => (
            "Błąd — mLegitymacja",
            "Przetwarzanie zamówienia przez system MC zakończyło się błędem. Otwórz stronę, aby zobaczyć, co dalej.",
        ),
        (_, Outcome::Revoked) => (
            "Unieważnione przez uczelnię — mLegitymacja",
            "Uczelnia unieważniła zamówienie. Otwórz stronę, aby zobaczyć dlaczego.",
        ),
    };
    Message { title, body }
}

/// The notification's tag for an order: a second notification for the same
/// order replaces the first instead of standing beside it.
pub fn tag(order_id: &str) -> String {
    format!("mlegitymacja-{order_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_student_did_not_do_calls_back() {
        assert_eq!(Outcome::of(Status::Ready), Some(Outcome::Ready));
        assert_eq!(Outcome::of(Status::Error), Some(Outcome::Error));
        assert_eq!(Outcome::of(Status::Revoked), Some(Outcome::Revoked));
        for quiet in [
            Status::Pending,
            Status::InProgress,
            Status::Received,
            Status::Cancelled,
        ] {
            assert_eq!(Outcome::of(quiet), None);
        }
    }

    #[test]
    fn every_language_has_every_message() {
        for lang in ["pl", "en", "uk"] {
            for outcome in [Outcome::Ready, Outcome::Error, Outcome::Revoked] {
                let m = message(outcome, lang);
                assert!(m.title.ends_with("— mLegitymacja"));
                assert!(m.body.ends_with('.'));
            }
        }
        assert_eq!(message(Outcome::Ready, "de"), message(Outcome::Ready, "pl"));
        assert_ne!(message(Outcome::Ready, "en"), message(Outcome::Ready, "pl"));
        assert_eq!(tag("4211"), "mlegitymacja-4211");
    }
}
