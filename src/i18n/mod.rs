//! Every text a student reads, per language. Each language is one file holding
//! one [`Texts`] value; the compiler makes sure no text is missing in any of them.
//!
//! To add a language: copy `en.rs` to `<tag>.rs` and translate it, then add
//! the variant, its tag and its file to [`Lang`] below.

pub(crate) mod en;
mod pl;
pub(crate) mod uk;

use std::sync::OnceLock;

/// English and Ukrainian texts, once fetched.
static FETCHED_EN: OnceLock<&'static Texts> = OnceLock::new();
static FETCHED_UK: OnceLock<&'static Texts> = OnceLock::new();

/// A language the widget speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Pl,
    En,
    Uk,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 3] = [Lang::Pl, Lang::En, Lang::Uk];

    /// All texts in this language, once at hand (see [`Lang::fetch`]);
    /// until then, Polish.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Pl => &pl::TEXTS,
            other => other.fetched().unwrap_or(&pl::TEXTS),
        }
    }

    /// Whether this language's texts are at hand. Polish, the default, is
    /// always in the first download; English and Ukrainian are parts
    /// (`crate::parts::fetch_lang`) fetched when a student needs them.
    pub fn is_at_hand(self) -> bool {
        self == Lang::Pl || self.fetched().is_some()
    }

    /// Keeps this language's texts, fetched from its part, at hand.
    pub fn keep(self, texts: &'static Texts) {
        let slot = match self {
            Lang::Pl => return,
            Lang::En => &FETCHED_EN,
            Lang::Uk => &FETCHED_UK,
        };
        let _ = slot.set(texts);
    }

    #[cfg(target_family = "wasm")]
    fn fetched(self) -> Option<&'static Texts> {
        match self {
            Lang::Pl => None,
            Lang::En => FETCHED_EN.get().copied(),
            Lang::Uk => FETCHED_UK.get().copied(),
        }
    }

    /// Natively (the tests) there are no parts: every language is at hand.
    #[cfg(not(target_family = "wasm"))]
    fn fetched(self) -> Option<&'static Texts> {
        match self {
            Lang::Pl => None,
            Lang::En => Some(&en::TEXTS),
            Lang::Uk => Some(&uk::TEXTS),
        }
    }

    /// The language's own name, e.g. "Polski".
    pub fn name(self) -> &'static str {
        match self {
            Lang::Pl => "Polski",
            Lang::En => "English",
            Lang::Uk => "Українська",
        }
    }

    /// Its short name on the switch, e.g. "PL".
    pub fn switch_label(self) -> &'static str {
        match self {
            Lang::Pl => "PL",
            Lang::En => "EN",
            Lang::Uk => "УКР",
        }
    }

    /// The help panel's sections in this language.
    pub fn help(self) -> &'static HelpTexts {
        match self {
            Lang::Pl => &pl::HELP,
            Lang::En => &en::HELP,
            Lang::Uk => &uk::HELP,
        }
    }

    /// "Wybierz swoją uczelnię" in this language (in the picker's part).
    pub fn picker(self) -> &'static PickerTexts {
        match self {
            Lang::Pl => &pl::PICKER,
            Lang::En => &en::PICKER,
            Lang::Uk => &uk::PICKER,
        }
    }

    /// What the widget says when it fails itself.
    pub fn crash(self) -> &'static CrashTexts {
        match self {
            Lang::Pl => &pl::CRASH,
            Lang::En => &en::CRASH,
            Lang::Uk => &uk::CRASH,
        }
    }

    /// The BCP 47 tag, for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
            Lang::Uk => "uk",
        }
    }

    /// Reads a tag such as "pl", "en-GB" or "PL"; `None` for a language we lack.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.tag() == primary)
    }
}

/// Which of the two languages USOS speaks (its `LangDict`s) to show texts
/// from the API in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsosLang {
    Pl,
    En,
}

/// How dates and spans of time are written.
pub struct DateTexts {
    /// Short month names ("3 Sep 2025"), or `None` for "3.09.2025".
    pub months: Option<[&'static str; 12]>,
    /// Abbreviations in "1 h 5 min", "3 min 20 s".
    pub hours: &'static str,
    pub minutes: &'static str,
    pub seconds: &'static str,
}

/// A status's badge name and a sentence on what it means.
pub type StatusText = (&'static str, &'static str);

/// The seven statuses, named as in the university's instruction.
pub struct StatusTexts {
    pub pending: StatusText,
    pub in_progress: StatusText,
    pub ready: StatusText,
    pub received: StatusText,
    pub error: StatusText,
    pub cancelled: StatusText,
    pub revoked: StatusText,
}

/// What went wrong, and what the student can do about it.
pub type Problem = (&'static str, &'static str);

/// One message per kind of failed request.
pub struct ProblemTexts {
    pub offline: Problem,
    pub timeout: Problem,
    pub session_expired: Problem,
    pub forbidden: Problem,
    pub not_found: Problem,
    pub busy: Problem,
    pub server: Problem,
    pub not_json: Problem,
    pub unexpected: Problem,
    pub rejected: Problem,
}

/// "Wybierz swoją uczelnię": picking one's university on the shared
/// address of a gateway that serves many.
pub struct PickerTexts {
    pub heading: &'static str,
    pub search_label: &'static str,
    pub search_hint: &'static str,
    pub list_label: &'static str,
    /// Read out after each keystroke: how many are shown, e.g. "Znaleziono: 3".
    pub found: &'static str,
    pub no_match: &'static str,
    /// Beside a university whose students cannot sign in here.
    pub unavailable: &'static str,
    pub chosen: &'static str,
    pub list_failed: Problem,
}

/// The help panel: the instruction's sections.
pub struct HelpTexts {
    pub what_heading: &'static str,
    pub what_body: &'static str,
    pub who_heading: &'static str,
    pub who_lead: &'static str,
    pub who_items: &'static [&'static str],
    pub how_heading: &'static str,
    pub how_body: &'static str,
    pub wait_heading: &'static str,
    pub wait_body: &'static str,
    pub statuses_heading: &'static str,
}

/// The confirmation asked before something that cannot be undone.
pub struct ConfirmTexts {
    pub title: &'static str,
    pub body: &'static str,
    pub yes: &'static str,
}

/// The notice shown when the widget fails itself.
pub struct CrashTexts {
    pub what: &'static str,
    pub todo: &'static str,
    pub reload: &'static str,
}

/// All texts of one language.
pub struct Texts {
    pub usos_lang: UsosLang,
    pub dates: DateTexts,
    pub language_switch: &'static str,
    pub heading: &'static str,
    pub loading: &'static str,
    pub unsupported: &'static str,
    pub cannot_order_lead: &'static str,
    pub can_order: &'static str,
    pub planned_expiry: &'static str,
    pub order_data: &'static str,
    pub status: &'static str,
    pub order_date: &'static str,
    pub expiry: &'static str,
    pub order_button: &'static str,
    pub retry: &'static str,
    pub settings_problem: &'static str,
    pub settings_problem_todo: &'static str,
    /// The sign-in action, on the sign-in panel and beside "session expired".
    pub log_in: &'static str,
    /// What a signed-out student reads above it.
    pub sign_in_prompt: &'static str,
    pub sign_out: &'static str,
    /// Before the university's name, on a shared address.
    pub university: &'static str,
    pub change_university: &'static str,
    pub signing_out: &'static str,
    pub signed_out: &'static str,
    pub order_unconfirmed: &'static str,
    pub last_update: &'static str,
    /// A part of the widget could not be fetched.
    pub part_missing: Problem,
    pub help_title: &'static str,
    pub help_button: &'static str,
    pub close: &'static str,
    pub conditions_heading: &'static str,
    pub conditions: &'static [&'static str],
    pub first_year_note: &'static str,
    pub after_order_hint: &'static str,
    pub ordering: &'static str,
    pub ordered: &'static str,
    pub status_updated: &'static str,
    pub order_cancelled: &'static str,
    pub card_cancelled: &'static str,
    pub check_status: &'static str,
    pub checking: &'static str,
    pub last_checked: &'static str,
    pub auto_updates: &'static str,
    pub usually_minutes: &'static str,
    /// Around the measured minutes: "Teraz zwykle trwa to około" N "min.".
    pub usually_now: (&'static str, &'static str),
    pub ministry_problems: &'static str,
    pub waiting_for: &'static str,
    pub card_data: &'static str,
    pub cancel_order: &'static str,
    pub add_to_mobywatel: &'static str,
    pub ready_lead: &'static str,
    pub steps_heading: &'static str,
    pub step_open: &'static str,
    pub open_mobywatel: &'static str,
    pub step_qr: &'static str,
    pub qr_label: &'static str,
    pub qr_alt: &'static str,
    pub step_code: &'static str,
    pub activation_code: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub loading_codes: &'static str,
    pub cancel_card_heading: &'static str,
    pub cancel_card_why: &'static str,
    pub cancel_card: &'static str,
    pub next_card_note: &'static str,
    pub confirm_cancel_order: ConfirmTexts,
    pub confirm_cancel_card: ConfirmTexts,
    pub confirm_no: &'static str,
    pub cancelling: &'static str,
    pub error_outcome: &'static str,
    pub revoked_outcome: &'static str,
    pub revocation_heading: &'static str,
    pub revocation_validity: &'static str,
    pub revocation_lead: &'static str,
    pub revocation_cases: &'static [&'static str],
    pub contact_before: &'static str,
    pub contact_between: &'static str,
    pub history_heading: &'static str,
    /// The opt-in to a system notification when the card is ready.
    pub notify_button: &'static str,
    pub notify_on: &'static str,
    pub notify_blocked: &'static str,
    /// Push with the page closed: on, "Wyłącz", off.
    pub push_on: &'static str,
    pub push_off_button: &'static str,
    pub push_off_done: &'static str,
    /// Why push with the page closed is not possible here (one sentence each).
    pub push_no_api: &'static str,
    pub push_other_origin: &'static str,
    pub push_ios: &'static str,
    pub push_failed: &'static str,
    pub statuses: StatusTexts,
    pub problems: ProblemTexts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_language_tags() {
        assert_eq!(Lang::from_tag("pl"), Some(Lang::Pl));
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("PL_pl"), Some(Lang::Pl));
        assert_eq!(Lang::from_tag("uk-UA"), Some(Lang::Uk));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn every_language_has_every_text() {
        for lang in Lang::ALL {
            let t = lang.texts();
            let problems = &t.problems;
            for (what, todo) in [
                problems.offline,
                problems.timeout,
                problems.session_expired,
                problems.forbidden,
                problems.not_found,
                problems.busy,
                problems.server,
                problems.not_json,
                problems.unexpected,
                problems.rejected,
            ] {
                assert!(!what.is_empty() && !todo.is_empty(), "{lang:?}");
            }
            assert!(!t.heading.is_empty() && !t.order_button.is_empty());
        }
    }
}
