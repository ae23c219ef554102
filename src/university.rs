//! The university this page talks to, as the gateway says (`GET
//! installation`): its name, who helps its students, and whether the
//! student could pick another here (a shared address). Asked once the first
//! status is on screen, only behind a gateway (`data-login-url`), in a part
//! of its own (`crate::parts::ask_university`): nothing of it is needed for
//! the first badge, and the first download does not carry its decoding.

use leptos::prelude::*;

use crate::api::types::{CurrentInstallation, WaitNow};
use crate::api::ApiClient;
use crate::config::HelpContact;
use crate::part::View;

/// What the widget keeps of the gateway's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniversityFacts {
    /// Its name in Polish, English and Ukrainian (English where the file
    /// gives none), in that order.
    pub names: [String; 3],
    pub help: Option<HelpContact>,
    /// On a shared address: the student may pick another university.
    pub choosable: bool,
}

/// Shared by the university line and the help contact.
#[derive(Clone, Copy)]
pub struct University {
    pub current: RwSignal<Option<UniversityFacts>>,
    /// The line "Uczelnia: … Zmień uczelnię", once the part that draws it
    /// has come.
    pub line: RwSignal<Option<View>>,
    asked: StoredValue<bool>,
}

impl Default for University {
    fn default() -> University {
        University {
            current: RwSignal::new(None),
            line: RwSignal::new(None),
            asked: StoredValue::new(false),
        }
    }
}

impl University {
    /// Whether it is to be asked now (once, until forgotten).
    pub fn take_turn(self) -> bool {
        let first = !self.asked.get_value();
        self.asked.set_value(true);
        first
    }

    /// The gateway's answer (in the university part); a failure leaves the
    /// page as it was (the contact from the page's settings, no line).
    /// `true` when it came.
    pub async fn ask(self, client: ApiClient) -> bool {
        match client.current_installation().await {
            Ok(current) => {
                self.current.set(Some(facts_of(current)));
                true
            }
            Err(error) => {
                self.asked.set_value(false);
                leptos::logging::warn!("mLegitymacja: the gateway's installation: {error}");
                false
            }
        }
    }

    /// Its help contact, when the gateway names one.
    pub fn help(self) -> Option<HelpContact> {
        self.current.with(|current| current.as_ref()?.help.clone())
    }

    /// Forgets it (signed out: on a shared address the next student may
    /// be of another university).
    pub fn forget(self) {
        self.current.set(None);
        self.asked.set_value(false);
    }
}

/// How long orders take at this university now (`GET wait`), refreshed
/// while an order is on its way; shared by the status's hint.
#[derive(Clone, Copy)]
pub struct Wait {
    pub now: RwSignal<Option<WaitNow>>,
    /// When it was last asked (ms since the epoch), to ask at most every
    /// few minutes.
    asked_at: StoredValue<f64>,
}

/// How often the wait is asked again while an order is on its way.
pub const WAIT_REFRESH_MS: f64 = 5.0 * 60.0 * 1000.0;

impl Default for Wait {
    fn default() -> Wait {
        Wait {
            now: RwSignal::new(None),
            asked_at: StoredValue::new(f64::NEG_INFINITY),
        }
    }
}

impl Wait {
    /// Whether it is time to ask again at `now_ms`; if so, it is marked asked.
    pub fn take_turn(self, now_ms: f64) -> bool {
        let due = now_ms - self.asked_at.get_value() >= WAIT_REFRESH_MS;
        if due {
            self.asked_at.set_value(now_ms);
        }
        due
    }

    /// The gateway's answer (in the university part); a failure keeps what
    /// was said before.
    pub async fn ask(self, client: ApiClient) {
        match client.wait().await {
            Ok(wait) => self.now.set(Some(wait)),
            Err(error) => leptos::logging::warn!("mLegitymacja: the gateway's wait: {error}"),
        }
    }
}

fn facts_of(current: CurrentInstallation) -> UniversityFacts {
    let en = current.name.en.trim().to_owned();
    let uk = current
        .name
        .uk
        .map(|uk| uk.trim().to_owned())
        .filter(|uk| !uk.is_empty())
        .unwrap_or_else(|| en.clone());
    UniversityFacts {
        names: [current.name.pl.trim().to_owned(), en, uk],
        help: current.help.map(|help| HelpContact {
            name_pl: help.name_pl,
            name_en: help.name_en,
            name_uk: help.name_uk,
            email: help.email,
        }),
        choosable: current.choosable,
    }
}
