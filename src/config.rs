//! The widget's settings, read from the page it runs in.

use crate::i18n::Lang;

/// Who helps students with mLegitymacja at this university.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpContact {
    /// Written to follow "kontaktuj się z" (instrumental case), e.g. "Działem IT UIK".
    pub name_pl: String,
    /// Written to follow "contact", e.g. "the UIK IT Department".
    pub name_en: String,
    pub email: String,
}

impl HelpContact {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Pl => &self.name_pl,
            Lang::En => &self.name_en,
        }
    }
}

impl Default for HelpContact {
    /// The contact from the university's instruction.
    fn default() -> HelpContact {
        HelpContact {
            name_pl: "Działem IT UIK".to_owned(),
            name_en: "the UIK IT Department".to_owned(),
            email: "pomoc.it@ignatianum.edu.pl".to_owned(),
        }
    }
}

/// Settings that differ between universities and pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Where the USOS API is, ending with `/`. Default `/`: the page's origin.
    pub api_base: String,
    /// The language the widget starts in.
    pub lang: Lang,
    /// Shown where a student may need a person's help.
    pub contact: HelpContact,
}

/// The language to start in: the page's `<html lang>`, else the first of the
/// browser's languages we speak, else Polish.
pub fn choose_lang(page_lang: Option<&str>, browser_langs: &[String]) -> Lang {
    page_lang
        .and_then(Lang::from_tag)
        .or_else(|| browser_langs.iter().find_map(|tag| Lang::from_tag(tag)))
        .unwrap_or(Lang::Pl)
}

impl Config {
    /// Reads the settings from the current document and browser.
    pub fn from_page() -> Config {
        let window = web_sys::window();
        let page_lang = window
            .as_ref()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"));
        let browser_langs: Vec<String> = window
            .map(|w| {
                w.navigator()
                    .languages()
                    .iter()
                    .filter_map(|v| v.as_string())
                    .collect()
            })
            .unwrap_or_default();
        Config {
            api_base: "/".to_owned(),
            lang: choose_lang(page_lang.as_deref(), &browser_langs),
            contact: HelpContact::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_language_wins_then_browser_then_polish() {
        let browser = vec!["de-DE".to_owned(), "en-US".to_owned()];
        assert_eq!(choose_lang(Some("pl"), &browser), Lang::Pl);
        assert_eq!(choose_lang(Some("fr"), &browser), Lang::En);
        assert_eq!(choose_lang(None, &browser), Lang::En);
        assert_eq!(choose_lang(None, &[]), Lang::Pl);
    }
}
