//! The students the stand-in can pretend to be.

use serde::Serialize;

/// A LangDict as USOS sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LangDict {
    pub pl: String,
    pub en: String,
}

impl LangDict {
    pub fn new(pl: &str, en: &str) -> LangDict {
        LangDict {
            pl: pl.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// Who the signed-in student is, as far as mLegitymacja is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// May order; the ministry processes the order successfully.
    Eligible,
    NoPhoto,
    NoPesel,
    NotActive,
    NoAlbumNumber,
    /// A first-year student before 1 October and the oath.
    BeforeOath,
    /// May order, but the ministry's processing ends in `error`.
    McError,
    /// Held an mLegitymacja that the university has since revoked.
    Revoked,
    /// Holds an mLegitymacja with under a month left: may order the next one.
    Expiring,
}

impl Profile {
    pub const ALL: [Profile; 9] = [
        Profile::Eligible,
        Profile::NoPhoto,
        Profile::NoPesel,
        Profile::NotActive,
        Profile::NoAlbumNumber,
        Profile::BeforeOath,
        Profile::McError,
        Profile::Revoked,
        Profile::Expiring,
    ];

    /// The name used on the command line and by the control endpoints.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Eligible => "eligible",
            Profile::NoPhoto => "no-photo",
            Profile::NoPesel => "no-pesel",
            Profile::NotActive => "not-active",
            Profile::NoAlbumNumber => "no-album-number",
            Profile::BeforeOath => "before-oath",
            Profile::McError => "mc-error",
            Profile::Revoked => "revoked",
            Profile::Expiring => "expiring",
        }
    }

    /// What a newcomer sees in `--help` and in `/_sim/state`.
    pub fn description(self) -> &'static str {
        match self {
            Profile::Eligible => "may order; the ministry issues the card",
            Profile::NoPhoto => "cannot order: no photo in USOS",
            Profile::NoPesel => "cannot order: no PESEL number",
            Profile::NotActive => "cannot order: not an active student",
            Profile::NoAlbumNumber => "cannot order: no album number",
            Profile::BeforeOath => {
                "cannot order yet: first-year student before 1 October and the oath"
            }
            Profile::McError => "may order; the ministry's processing ends in an error",
            Profile::Revoked => "held a card that the university has revoked",
            Profile::Expiring => "holds a card with under a month left; may order the next one",
        }
    }

    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The student's own reason not to be allowed to order, whatever their orders.
    pub fn reason_cannot_order(self) -> Option<LangDict> {
        let (pl, en) = match self {
            Profile::NoPhoto => ("brak zdjęcia", "no photo"),
            Profile::NoPesel => ("brak numeru PESEL", "no PESEL number"),
            Profile::NotActive | Profile::Revoked => {
                ("brak aktywnego statusu studenta", "no active student status")
            }
            Profile::NoAlbumNumber => ("brak numeru albumu", "no album number"),
            Profile::BeforeOath => (
                "brak zatwierdzonego ślubowania — studenci rozpoczynający studia mogą zamówić mLegitymację od 1 października",
                "oath not yet confirmed — first-year students may order from 1 October",
            ),
            Profile::Eligible | Profile::McError | Profile::Expiring => return None,
        };
        Some(LangDict::new(pl, en))
    }

    /// Whether the ministry fails every order of this student.
    pub fn processing_fails(self) -> bool {
        self == Profile::McError
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Profile::ALL {
            assert_eq!(Profile::from_name(p.name()), Some(p));
        }
        assert_eq!(Profile::from_name("nobody"), None);
    }
}
