//! The widget's settings. A university sets them on the element the widget
//! lives in (`data-api-base`, `data-lang`, …); the standalone page does the
//! same with its defaults. Parsing is pure: every setting and every mistake
//! is tested natively.

use std::fmt;

use crate::domain::status::StatusTable;
use crate::i18n::Lang;

/// Who helps students with mLegitymacja at this university.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpContact {
    /// Written to follow "kontaktuj się z" (instrumental case), e.g. "Działem IT UIK".
    pub name_pl: String,
    /// Written to follow "contact", e.g. "the UIK IT Department".
    pub name_en: String,
    /// Written to follow "зверніться до" (genitive), e.g. "ІТ-відділу UIK".
    pub name_uk: String,
    pub email: String,
}

impl HelpContact {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Pl => &self.name_pl,
            Lang::En => &self.name_en,
            Lang::Uk => &self.name_uk,
        }
    }
}

impl Default for HelpContact {
    /// The contact from the university's instruction.
    fn default() -> HelpContact {
        HelpContact {
            name_pl: "Działem IT UIK".to_owned(),
            name_en: "the UIK IT Department".to_owned(),
            name_uk: "ІТ-відділу UIK".to_owned(),
            email: "pomoc.it@ignatianum.edu.pl".to_owned(),
        }
    }
}

/// Whether the browser sends cookies with API requests (`fetch`'s `credentials`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    SameOrigin,
    Include,
    Omit,
}

/// A header that carries the host page's CSRF token on every API request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrfHeader {
    pub name: String,
    pub value: String,
}

/// Where the help panel lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// The widget owns the page: the help panel has its own address (`/pomoc`).
    Path,
    /// Embedded in someone else's page: the widget never touches the URL.
    None,
}

/// Settings that differ between universities and pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Where the USOS API is, ending with `/`, e.g. `/` or `/usosapi-proxy/`.
    pub api_base: String,
    /// The language the widget starts in.
    pub lang: Lang,
    pub credentials: Credentials,
    pub csrf: Option<CsrfHeader>,
    /// Shown where a student may need a person's help.
    pub contact: HelpContact,
    /// The page named the contact (`data-help-*`); otherwise the gateway's,
    /// once known, goes before the built-in default.
    pub contact_from_page: bool,
    /// Where a student signs in (the gateway's `/auth/login`, or the
    /// university's login page); the page's address is added as `return`.
    pub login_url: Option<String>,
    /// Where a signed-in student signs out (the gateway's `/auth/logout`, a POST).
    pub logout_url: Option<String>,
    /// The installation's status codes (`data-status-codes`).
    pub status_codes: StatusTable,
    /// Check the status automatically while an order is on its way.
    pub polling: bool,
    /// A fixed polling interval instead of the schedule's (for benchmarks).
    pub poll_interval_ms: Option<u32>,
    pub routing: Routing,
    /// Offer a push with the page closed when the gateway offers it
    /// (`data-push`, on unless `off`).
    pub push: bool,
}

/// What the page around the widget tells, besides the widget's own settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// `<html lang>`.
    pub page_lang: Option<String>,
    /// `navigator.languages`.
    pub browser_langs: Vec<String>,
}

/// A setting that is missing or cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingError {
    /// The attribute, e.g. `data-api-base`.
    pub attribute: &'static str,
    /// What is wrong, in English (for the console and the table in docs/embedding.md).
    pub problem: String,
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.attribute, self.problem)
    }
}

/// Every setting the widget reads, for documentation and for the demo page.
pub const ATTRIBUTES: [&str; 18] = [
    "data-api-base",
    "data-lang",
    "data-credentials",
    "data-csrf-header",
    "data-csrf-value",
    "data-csrf-meta",
    "data-help-name-pl",
    "data-help-name-en",
    "data-help-name-uk",
    "data-help-email",
    "data-login-url",
    "data-logout-url",
    "data-status-codes",
    "data-polling",
    "data-poll-interval-ms",
    "data-routing",
    "data-theme",
    "data-push",
];

/// A URL the widget may call or link to: an absolute path or http(s).
fn is_url(text: &str) -> bool {
    (text.starts_with('/') && !text.starts_with("//"))
        || text.starts_with("https://")
        || text.starts_with("http://")
}

/// The language to start in: the setting, else the page's `<html lang>`, else
/// the first of the browser's languages we speak, else Polish.
pub fn choose_lang(setting: Option<Lang>, page: &PageFacts) -> Lang {
    setting
        .or_else(|| page.page_lang.as_deref().and_then(Lang::from_tag))
        .or_else(|| page.browser_langs.iter().find_map(|t| Lang::from_tag(t)))
        .unwrap_or(Lang::Pl)
}

impl Config {
    /// Reads the settings: `setting(name)` gives an attribute's value, and
    /// `meta(name)` the content of `<meta name=…>` in the page. Returns every
    /// mistake at once, so a university fixes them in one go.
    pub fn from_settings(
        setting: impl Fn(&str) -> Option<String>,
        meta: impl Fn(&str) -> Option<String>,
        page: &PageFacts,
    ) -> Result<Config, Vec<SettingError>> {
        let mut errors = Vec::new();
        let mut fail = |attribute: &'static str, problem: String| {
            errors.push(SettingError { attribute, problem })
        };
        let get = |name: &str| setting(name).map(|v| v.trim().to_owned());

        let api_base = match get("data-api-base") {
            None => {
                fail(
                    "data-api-base",
                    "missing: where the USOS API is, e.g. \"/\"".into(),
                );
                String::new()
            }
            Some(base) if !is_url(&base) => {
                fail(
                    "data-api-base",
                    format!("\"{base}\" is not a path starting with / or an http(s) URL"),
                );
                String::new()
            }
            Some(mut base) => {
                if !base.ends_with('/') {
                    base.push('/');
                }
                base
            }
        };

        let lang_setting = match get("data-lang") {
            None => None,
            Some(tag) => match Lang::from_tag(&tag) {
                Some(lang) => Some(lang),
                None => {
                    let known: Vec<&str> = Lang::ALL.iter().map(|l| l.tag()).collect();
                    fail(
                        "data-lang",
                        format!("\"{tag}\" is not one of {}", known.join(", ")),
                    );
                    None
                }
            },
        };

        let credentials = match get("data-credentials").as_deref() {
            None | Some("same-origin") => Credentials::SameOrigin,
            Some("include") => Credentials::Include,
            Some("omit") => Credentials::Omit,
            Some(other) => {
                fail(
                    "data-credentials",
                    format!("\"{other}\" is not same-origin, include or omit"),
                );
                Credentials::SameOrigin
            }
        };

        let csrf = match (
            get("data-csrf-header"),
            get("data-csrf-value"),
            get("data-csrf-meta"),
        ) {
            (None, None, None) => None,
            (Some(name), value, meta_name) => {
                let valid_name = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !valid_name {
                    fail(
                        "data-csrf-header",
                        format!("\"{name}\" is not a header name"),
                    );
                }
                let value = match (value, meta_name) {
                    (Some(value), None) => Some(value),
                    (None, Some(meta_name)) => {
                        let found = meta(&meta_name);
                        if found.is_none() {
                            fail(
                                "data-csrf-meta",
                                format!("the page has no <meta name=\"{meta_name}\">"),
                            );
                        }
                        found
                    }
                    (Some(_), Some(_)) => {
                        fail(
                            "data-csrf-value",
                            "give data-csrf-value or data-csrf-meta, not both".into(),
                        );
                        None
                    }
                    (None, None) => {
                        fail(
                            "data-csrf-header",
                            "needs data-csrf-value or data-csrf-meta".into(),
                        );
                        None
                    }
                };
                value
                    .filter(|_| valid_name)
                    .map(|value| CsrfHeader { name, value })
            }
            (None, _, _) => {
                fail(
                    "data-csrf-header",
                    "missing: the CSRF token needs a header name".into(),
                );
                None
            }
        };

        let defaults = HelpContact::default();
        let contact_from_page = [
            "data-help-name-pl",
            "data-help-name-en",
            "data-help-name-uk",
            "data-help-email",
        ]
        .iter()
        .any(|name| get(name).is_some());
        let email = get("data-help-email").unwrap_or(defaults.email);
        if !email.contains('@') || email.contains(char::is_whitespace) {
            fail(
                "data-help-email",
                format!("\"{email}\" is not an e-mail address"),
            );
        }
        let name_en = get("data-help-name-en");
        // A university that named its help desk in English but not in
        // Ukrainian is better named in English than as the default's.
        let name_uk = get("data-help-name-uk").or_else(|| name_en.clone());
        let contact = HelpContact {
            name_pl: get("data-help-name-pl").unwrap_or(defaults.name_pl),
            name_en: name_en.unwrap_or(defaults.name_en),
            name_uk: name_uk.unwrap_or(defaults.name_uk),
            email,
        };

        let login_url = get("data-login-url");
        if let Some(url) = login_url.as_deref().filter(|u| !is_url(u)) {
            fail(
                "data-login-url",
                format!("\"{url}\" is not a path starting with / or an http(s) URL"),
            );
        }

        let logout_url = get("data-logout-url");
        if let Some(url) = logout_url.as_deref().filter(|u| !is_url(u)) {
            fail(
                "data-logout-url",
                format!("\"{url}\" is not a path starting with / or an http(s) URL"),
            );
        }

        let status_codes = match get("data-status-codes") {
            None => StatusTable::default(),
            Some(json) => StatusTable::parse(&json).unwrap_or_else(|problem| {
                fail("data-status-codes", problem);
                StatusTable::default()
            }),
        };

        let polling = match get("data-polling").as_deref() {
            None | Some("on") | Some("true") => true,
            Some("off") | Some("false") => false,
            Some(other) => {
                fail("data-polling", format!("\"{other}\" is not on or off"));
                true
            }
        };

        let push = match get("data-push").as_deref() {
            None | Some("on") | Some("true") => true,
            Some("off") | Some("false") => false,
            Some(other) => {
                fail("data-push", format!("\"{other}\" is not on or off"));
                true
            }
        };

        let poll_interval_ms = match get("data-poll-interval-ms") {
            None => None,
            Some(text) => match text.parse::<u32>() {
                Ok(ms) if ms >= 10 => Some(ms),
                _ => {
                    fail(
                        "data-poll-interval-ms",
                        format!("\"{text}\" is not a number of milliseconds, 10 or more"),
                    );
                    None
                }
            },
        };

        let routing = match get("data-routing").as_deref() {
            None | Some("none") => Routing::None,
            Some("path") => Routing::Path,
            Some(other) => {
                fail("data-routing", format!("\"{other}\" is not none or path"));
                Routing::None
            }
        };

        // Read by the stylesheet itself (`:host([data-theme="light"])`);
        // checked here so that a typo is reported like any other.
        match get("data-theme").as_deref() {
            None | Some("auto") | Some("light") => {}
            Some(other) => fail("data-theme", format!("\"{other}\" is not auto or light")),
        }

        let lang = choose_lang(lang_setting, page);
        if errors.is_empty() {
            Ok(Config {
                api_base,
                lang,
                credentials,
                csrf,
                contact,
                contact_from_page,
                login_url,
                logout_url,
                status_codes,
                polling,
                push,
                poll_interval_ms,
                routing,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, Vec<SettingError>> {
        parse_with_meta(pairs, &[])
    }

    fn parse_with_meta(
        pairs: &[(&str, &str)],
        metas: &[(&str, &str)],
    ) -> Result<Config, Vec<SettingError>> {
        let find = |list: &[(&str, &str)], name: &str| {
            list.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        Config::from_settings(
            |n| find(pairs, n),
            |n| find(metas, n),
            &PageFacts::default(),
        )
    }

    fn attributes(result: Result<Config, Vec<SettingError>>) -> Vec<&'static str> {
        result.unwrap_err().iter().map(|e| e.attribute).collect()
    }

    #[test]
    fn defaults_need_only_the_api_base() {
        let config = parse(&[("data-api-base", "/usosapi-proxy")]).unwrap();
        assert_eq!(config.api_base, "/usosapi-proxy/");
        assert_eq!(config.lang, Lang::Pl);
        assert_eq!(config.credentials, Credentials::SameOrigin);
        assert_eq!(config.csrf, None);
        assert_eq!(config.contact, HelpContact::default());
        assert_eq!(config.login_url, None);
        assert!(config.polling);
        assert_eq!(config.poll_interval_ms, None);
        assert_eq!(config.routing, Routing::None);
    }

    #[test]
    fn every_setting_is_read() {
        let config = parse(&[
            ("data-api-base", "https://usos.example.edu.pl/proxy/"),
            ("data-lang", "en"),
            ("data-credentials", "include"),
            ("data-csrf-header", "X-CSRF-Token"),
            ("data-csrf-value", "abc123"),
            ("data-help-name-pl", "Biurem Obsługi Studenta"),
            ("data-help-name-en", "the Student Office"),
            ("data-help-email", "bos@example.edu.pl"),
            (
                "data-login-url",
                "/kontroler.php?_action=logowaniecas/index",
            ),
            ("data-polling", "off"),
            ("data-push", "off"),
            ("data-routing", "path"),
        ])
        .unwrap();
        assert_eq!(config.lang, Lang::En);
        assert_eq!(config.credentials, Credentials::Include);
        assert_eq!(
            config.csrf,
            Some(CsrfHeader {
                name: "X-CSRF-Token".into(),
                value: "abc123".into()
            })
        );
        assert_eq!(config.contact.name(Lang::Pl), "Biurem Obsługi Studenta");
        assert_eq!(config.contact.email, "bos@example.edu.pl");
        assert_eq!(
            config.login_url.as_deref(),
            Some("/kontroler.php?_action=logowaniecas/index")
        );
        assert!(!config.polling);
        assert!(!config.push);
        assert_eq!(config.routing, Routing::Path);
    }

    #[test]
    fn the_csrf_token_can_come_from_a_meta_tag() {
        let config = parse_with_meta(
            &[
                ("data-api-base", "/"),
                ("data-csrf-header", "X-CSRFToken"),
                ("data-csrf-meta", "csrf-token"),
            ],
            &[("csrf-token", "t0k3n")],
        )
        .unwrap();
        assert_eq!(config.csrf.unwrap().value, "t0k3n");
        let missing = parse(&[
            ("data-api-base", "/"),
            ("data-csrf-header", "X"),
            ("data-csrf-meta", "csrf-token"),
        ]);
        assert_eq!(attributes(missing), ["data-csrf-meta"]);
    }

    #[test]
    fn a_missing_api_base_is_an_error() {
        assert_eq!(attributes(parse(&[])), ["data-api-base"]);
        assert_eq!(
            attributes(parse(&[("data-api-base", "javascript:alert(1)")])),
            ["data-api-base"]
        );
        assert_eq!(
            attributes(parse(&[("data-api-base", "//evil.example/")])),
            ["data-api-base"]
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let errors = attributes(parse(&[
            ("data-lang", "de"),
            ("data-credentials", "always"),
            ("data-csrf-value", "x"),
            ("data-help-email", "nobody"),
            ("data-login-url", "javascript:void(0)"),
            ("data-polling", "sometimes"),
            ("data-poll-interval-ms", "5"),
            ("data-routing", "hash"),
            ("data-theme", "blue"),
        ]));
        assert_eq!(
            errors,
            [
                "data-api-base",
                "data-lang",
                "data-credentials",
                "data-csrf-header",
                "data-help-email",
                "data-login-url",
                "data-polling",
                "data-poll-interval-ms",
                "data-routing",
                "data-theme"
            ]
        );
    }

    #[test]
    fn language_comes_from_the_setting_then_the_page_then_the_browser() {
        let page = PageFacts {
            page_lang: Some("fr".into()),
            browser_langs: vec!["de-DE".into(), "en-US".into()],
        };
        assert_eq!(choose_lang(Some(Lang::Pl), &page), Lang::Pl);
        assert_eq!(choose_lang(None, &page), Lang::En);
        let polish_page = PageFacts {
            page_lang: Some("pl".into()),
            ..page
        };
        assert_eq!(choose_lang(None, &polish_page), Lang::Pl);
        assert_eq!(choose_lang(None, &PageFacts::default()), Lang::Pl);
        let ukrainian_page = PageFacts {
            page_lang: Some("uk-UA".into()),
            browser_langs: vec![],
        };
        assert_eq!(choose_lang(None, &ukrainian_page), Lang::Uk);
        let ukrainian_browser = PageFacts {
            page_lang: None,
            browser_langs: vec!["ru".into(), "uk".into(), "pl".into()],
        };
        assert_eq!(choose_lang(None, &ukrainian_browser), Lang::Uk);
    }

    #[test]
    fn the_help_desk_is_named_in_ukrainian_or_else_in_english() {
        let named = |pairs: &'static [(&'static str, &'static str)]| {
            Config::from_settings(
                |name| {
                    pairs
                        .iter()
                        .chain(&[("data-api-base", "/")])
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| (*v).to_owned())
                },
                |_| None,
                &PageFacts::default(),
            )
            .unwrap()
            .contact
        };
        assert_eq!(named(&[]).name(Lang::Uk), "ІТ-відділу UIK");
        let english = named(&[("data-help-name-en", "the Student Office")]);
        assert_eq!(english.name(Lang::Uk), "the Student Office");
        let both = named(&[
            ("data-help-name-en", "the Student Office"),
            ("data-help-name-uk", "Студентського офісу"),
        ]);
        assert_eq!(both.name(Lang::Uk), "Студентського офісу");
    }
}
