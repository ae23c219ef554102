//! Every text a student reads, per language. Each language is one file holding
//! one [`Texts`] value; the compiler makes sure no text is missing in any of them.

mod en;
mod pl;

/// A language the widget speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Pl,
    En,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Pl, Lang::En];

    /// All texts in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Pl => &pl::TEXTS,
            Lang::En => &en::TEXTS,
        }
    }

    /// The BCP 47 tag, for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }

    /// Reads a tag such as "pl", "en-GB" or "PL"; `None` for a language we lack.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.tag() == primary)
    }
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

/// All texts of one language.
pub struct Texts {
    /// The language's own name, on the switch.
    pub language_name: &'static str,
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
