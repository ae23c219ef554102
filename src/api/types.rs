//! The responses of `services/cards` and `services/apisrv/installation`, as
//! fixed by the project's API contract. Every required field asked for must
//! be present: a nullable field must still be sent (as `null`), so that a
//! response missing `why_cannot_order` is an error rather than a silent "you
//! may order". Optional fields ([`FieldSet::optional`]) may be missing.

use serde::Deserialize;

use super::fields::FieldSet;

use crate::domain::dates::{Date, DateTime};
use crate::domain::status::OrderStatus;
use crate::i18n::{Lang, UsosLang};

/// A text in both of USOS's languages. Either may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct LangDict {
    #[serde(default)]
    pub pl: String,
    #[serde(default)]
    pub en: String,
}

impl LangDict {
    /// The text in `lang`, falling back to the other language when it is
    /// empty. Languages USOS does not speak read the English text.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang.texts().usos_lang {
            UsosLang::Pl => (&self.pl, &self.en),
            UsosLang::En => (&self.en, &self.pl),
        };
        if first.trim().is_empty() {
            second
        } else {
            first
        }
    }
}

/// `services/apisrv/installation?fields=mcards_support`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Installation {
    pub mcards_support: bool,
}

impl Installation {
    pub const FIELDS: FieldSet = mcard_common::fields::INSTALLATION;
}

/// `services/cards/mcard`: the student's overall mLegitymacja state.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Mcard {
    /// `None`: the student may order now.
    #[serde(deserialize_with = "Option::deserialize")]
    pub why_cannot_order: Option<LangDict>,
    /// The expiry an order placed now would get (optional: not every
    /// installation has it).
    #[serde(default)]
    pub planned_expiration_date: Option<Date>,
    /// `None`: the student may cancel their orders or mLegitymacja (or the
    /// installation does not say; then USOS decides when asked).
    #[serde(default)]
    pub why_cannot_revoke: Option<LangDict>,
    /// Newest first.
    pub orders: Vec<OrderSummary>,
}

impl Mcard {
    pub const FIELDS: FieldSet = mcard_common::fields::MCARD;

    /// The newest order, the one the widget is about.
    pub fn latest_order(&self) -> Option<&OrderSummary> {
        self.orders.first()
    }
}

/// One order as listed by `mcard`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OrderSummary {
    pub id: String,
    pub order_date: DateTime,
    pub status: OrderStatus,
    pub expiration_date: Date,
}

/// `services/cards/mcard_order`: one order with what is needed to collect it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OrderDetails {
    pub id: String,
    pub order_date: DateTime,
    pub status: OrderStatus,
    pub expiration_date: Date,
    /// The QR code's content; only while the order is ready.
    #[serde(deserialize_with = "Option::deserialize")]
    pub token: Option<String>,
    /// The activation code; only while the order is ready.
    #[serde(deserialize_with = "Option::deserialize")]
    pub distribution_pass: Option<String>,
}

impl OrderDetails {
    pub const FIELDS: FieldSet = mcard_common::fields::MCARD_ORDER;
}

/// The answer of the methods that change state.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Success {
    pub success: bool,
}

/// The body of a USOS error response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct UsosError {
    pub error: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub param_name: Option<String>,
    /// Why, for developers (the console only).
    #[serde(default)]
    pub reason: Option<String>,
    /// Text meant for the student, when USOS has some.
    #[serde(default)]
    pub user_messages: Option<UserMessages>,
    /// The gateway's own: on the shared address of many universities, the
    /// student is to pick theirs before signing in.
    #[serde(default)]
    pub choose_installation: bool,
}

/// `user_messages` of a USOS error: what the student should read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct UserMessages {
    #[serde(default)]
    pub generic_message: Option<LangDict>,
}

/// The gateway's `push/key`: its VAPID public key (base64url).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PushKey {
    pub public_key: String,
}

/// The gateway's answer to a subscription: watching until when (ISO 8601).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PushWatch {
    pub watching: bool,
    pub until: String,
}

/// A university's name, as the gateway lists it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct InstallationNames {
    pub pl: String,
    pub en: String,
    #[serde(default)]
    pub uk: Option<String>,
}

/// One university of the gateway's `installations`: what the picker shows
/// and searches.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct InstallationListing {
    pub id: String,
    pub name: InstallationNames,
    #[serde(default)]
    pub acronyms: Vec<String>,
    #[serde(default)]
    pub other_names: Vec<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    /// Students may sign in: it has mLegitymacja and the gateway a key.
    pub available: bool,
}

/// Who helps a university's students, as the gateway has it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct HelpContactAnswer {
    pub name_pl: String,
    pub name_en: String,
    pub name_uk: String,
    pub email: String,
}

/// The gateway's `installation`: the university this page talks to.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CurrentInstallation {
    pub id: String,
    pub name: InstallationNames,
    #[serde(default)]
    pub help: Option<HelpContactAnswer>,
    /// On the shared address of many universities: the student may pick another.
    #[serde(default)]
    pub choosable: bool,
}

/// The gateway's `wait`: how long orders at this university took, over
/// the last hour, from being placed to "Do odbioru", and how many ended in
/// "Błąd". Nothing in it is of any one student.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct WaitNow {
    /// Orders that reached "Do odbioru" in the last hour.
    pub orders: u32,
    #[serde(default)]
    pub median_s: Option<u32>,
    #[serde(default)]
    pub p90_s: Option<u32>,
    /// Orders that ended in "Błąd" in the last hour.
    #[serde(default)]
    pub errors: u32,
}
