//! `--installations FILE`: the USOS installations one deployment serves,
//! in TOML, one `[[installation]]` table each. Read once at start (and on
//! SIGHUP), checked whole: a mistake is refused with its line and the
//! reason, and the file itself is never printed (it names where the
//! consumer secrets are).
//!
//! ```toml
//! [[installation]]
//! id = "uw"
//! usos_api = "https://usosapps.uw.edu.pl/"
//! consumer_key = "…"
//! consumer_secret_file = "/etc/usos-gateway/uw.secret"
//! public_url = "https://mlegitymacja.uw.edu.pl/"    # optional
//! allowed_origins = ["https://usosweb.uw.edu.pl"]   # optional
//! acronyms = ["UW"]                                 # optional
//! other_names = ["Warsaw"]                          # optional, for search
//! name = { pl = "Uniwersytet Warszawski", en = "University of Warsaw" }
//! help = { name_pl = "Biurem IT UW", name_en = "the UW IT Office", email = "it@uw.edu.pl" }
//! status_codes = { ready = "do_odbioru" }           # optional
//! max_upstream_concurrency = 32                     # optional
//! ```

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use mcard_common::status::StatusCodes;
use secrecy::SecretString;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::address;

/// One installation as the file (or the single-installation options)
/// describes it, checked.
#[derive(Debug)]
pub struct InstallationSettings {
    /// Short, stable, URL-safe: `uw`. A metrics label and the session's mark.
    pub id: String,
    pub name: Names,
    pub acronyms: Vec<String>,
    pub other_names: Vec<String>,
    /// Ends with `/`.
    pub usos_api: Url,
    /// `None`: no key yet; the installation is listed, without sign-in.
    pub consumer: Option<Consumer>,
    /// The university's own address for the widget, if it has one.
    pub public_url: Option<Url>,
    /// Origins that embed the widget (as `Origin` sends them).
    pub allowed_origins: Vec<String>,
    pub status_codes: StatusCodes,
    /// Who helps its students; `None`: the widget's own setting or default.
    pub help: Option<HelpContact>,
    /// Calls to its USOS under way at once, at most (else the option's).
    pub max_upstream_concurrency: Option<usize>,
}

/// The installation's name in the widget's languages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Names {
    pub pl: String,
    pub en: String,
    /// Where missing, English is shown to a Ukrainian reader.
    pub uk: String,
}

/// Who helps students with mLegitymacja, as the widget's `data-help-*`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HelpContact {
    /// Written to follow "kontaktuj się z" (instrumental case).
    pub name_pl: String,
    pub name_en: String,
    /// Where missing, the English name.
    pub name_uk: String,
    pub email: String,
}

/// The application's key at an installation, and its secret.
pub struct Consumer {
    pub key: String,
    pub secret: SecretString,
}

impl std::fmt::Debug for Consumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("key", &self.key)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    installation: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: Spanned<String>,
    usos_api: Spanned<String>,
    consumer_key: Option<Spanned<String>>,
    consumer_secret_file: Option<Spanned<PathBuf>>,
    public_url: Option<Spanned<String>>,
    #[serde(default)]
    allowed_origins: Vec<Spanned<String>>,
    #[serde(default)]
    acronyms: Vec<String>,
    #[serde(default)]
    other_names: Vec<String>,
    name: Spanned<NameEntry>,
    help: Option<Spanned<HelpEntry>>,
    status_codes: Option<Spanned<BTreeMap<String, String>>>,
    max_upstream_concurrency: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameEntry {
    pl: String,
    en: String,
    uk: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HelpEntry {
    name_pl: String,
    name_en: String,
    name_uk: Option<String>,
    email: String,
}

/// Reads and checks `path`. The error is one line: the file, the line and
/// the reason.
pub fn read(path: &Path) -> Result<Vec<InstallationSettings>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--installations: cannot read {}: {e}", path.display()))?;
    parse(&text, path.parent().unwrap_or(Path::new(".")))
        .map_err(|e| format!("--installations: {}: {e}", path.display()))
}

/// Checks the file's `text`; relative secret files are read from `dir`.
pub fn parse(text: &str, dir: &Path) -> Result<Vec<InstallationSettings>, String> {
    let line = |span: Range<usize>| text[..span.start.min(text.len())].matches('\n').count() + 1;
    let file: File = toml::from_str(text).map_err(|e| match e.span() {
        // toml's own message quotes the line; only its reason is kept.
        Some(span) => format!("line {}: {}", line(span), e.message().trim()),
        None => e.message().trim().to_owned(),
    })?;
    if file.installation.is_empty() {
        return Err("no [[installation]] in it".to_owned());
    }
    let mut seen_ids = HashSet::new();
    let mut seen_apis = HashSet::new();
    let mut seen_hosts = HashSet::new();
    let mut all = Vec::new();
    for entry in file.installation {
        let at = |span: Range<usize>| format!("line {}", line(span));
        let id = entry.id.get_ref().trim().to_owned();
        if !valid_id(&id) {
            return Err(format!(
                "{}: id \"{id}\" must be 1–32 lower-case letters, digits or -, starting with a letter or digit, e.g. uw",
                at(entry.id.span())
            ));
        }
        if !seen_ids.insert(id.clone()) {
            return Err(format!(
                "{}: id \"{id}\" is listed twice",
                at(entry.id.span())
            ));
        }
        let usos_api = address::base_url(
            &format!("{}: usos_api", at(entry.usos_api.span())),
            entry.usos_api.get_ref(),
        )?;
        if usos_api.scheme() == "http" && !address::is_loopback(&usos_api) {
            return Err(format!(
                "{}: usos_api must be https:// (http:// only on this machine)",
                at(entry.usos_api.span())
            ));
        }
        if !seen_apis.insert(usos_api.to_string()) {
            return Err(format!(
                "{}: usos_api {usos_api} is listed twice",
                at(entry.usos_api.span())
            ));
        }
        let consumer = match (entry.consumer_key, entry.consumer_secret_file) {
            (None, None) => None,
            (Some(key), Some(file)) => {
                let key_text = key.get_ref().trim().to_owned();
                if key_text.is_empty() {
                    return Err(format!("{}: consumer_key is empty", at(key.span())));
                }
                let path = dir.join(file.get_ref());
                let secret = std::fs::read_to_string(&path)
                    .map_err(|e| {
                        format!(
                            "{}: consumer_secret_file: cannot read {}: {e}",
                            at(file.span()),
                            path.display()
                        )
                    })?
                    .trim()
                    .to_owned();
                if secret.is_empty() {
                    return Err(format!(
                        "{}: consumer_secret_file: {} is empty",
                        at(file.span()),
                        path.display()
                    ));
                }
                Some(Consumer {
                    key: key_text,
                    secret: SecretString::from(secret),
                })
            }
            (Some(key), None) => {
                return Err(format!(
                    "{}: consumer_key needs consumer_secret_file",
                    at(key.span())
                ))
            }
            (None, Some(file)) => {
                return Err(format!(
                    "{}: consumer_secret_file needs consumer_key",
                    at(file.span())
                ))
            }
        };
        let public_url = match &entry.public_url {
            None => None,
            Some(url) => {
                let parsed =
                    address::public_url(&format!("{}: public_url", at(url.span())), url.get_ref())?;
                let host = format!(
                    "{}:{}",
                    parsed.host_str().unwrap_or_default(),
                    parsed.port_or_known_default().unwrap_or_default()
                );
                if !seen_hosts.insert(host) {
                    return Err(format!(
                        "{}: public_url {parsed} is another installation's too",
                        at(url.span())
                    ));
                }
                Some(parsed)
            }
        };
        let mut allowed_origins = Vec::new();
        for origin in &entry.allowed_origins {
            let serialized = address::origin(
                &format!("{}: allowed_origins", at(origin.span())),
                origin.get_ref(),
            )?;
            if !allowed_origins.contains(&serialized) {
                allowed_origins.push(serialized);
            }
        }
        let name = entry.name.get_ref();
        if name.pl.trim().is_empty() || name.en.trim().is_empty() {
            return Err(format!("{}: name needs pl and en", at(entry.name.span())));
        }
        let name = Names {
            pl: name.pl.trim().to_owned(),
            en: name.en.trim().to_owned(),
            uk: name
                .uk
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(name.en.trim())
                .to_owned(),
        };
        let help = match &entry.help {
            None => None,
            Some(help) => {
                let h = help.get_ref();
                if h.name_pl.trim().is_empty() || h.name_en.trim().is_empty() {
                    return Err(format!(
                        "{}: help needs name_pl and name_en",
                        at(help.span())
                    ));
                }
                let email = h.email.trim();
                if !email.contains('@') || email.contains(char::is_whitespace) {
                    return Err(format!(
                        "{}: help.email \"{email}\" is not an e-mail address",
                        at(help.span())
                    ));
                }
                Some(HelpContact {
                    name_pl: h.name_pl.trim().to_owned(),
                    name_en: h.name_en.trim().to_owned(),
                    name_uk: h
                        .name_uk
                        .as_deref()
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .unwrap_or(h.name_en.trim())
                        .to_owned(),
                    email: email.to_owned(),
                })
            }
        };
        let status_codes = match &entry.status_codes {
            None => StatusCodes::default(),
            Some(codes) => {
                let json = serde_json::to_string(codes.get_ref()).unwrap_or_default();
                StatusCodes::parse(&json)
                    .map_err(|problem| format!("{}: status_codes: {problem}", at(codes.span())))?
            }
        };
        let max_upstream_concurrency = match &entry.max_upstream_concurrency {
            None => None,
            Some(n) if (1..=10_000).contains(n.get_ref()) => Some(*n.get_ref() as usize),
            Some(n) => {
                return Err(format!(
                    "{}: max_upstream_concurrency must be between 1 and 10000",
                    at(n.span())
                ))
            }
        };
        all.push(InstallationSettings {
            id,
            name,
            acronyms: clean(entry.acronyms),
            other_names: clean(entry.other_names),
            usos_api,
            consumer,
            public_url,
            allowed_origins,
            status_codes,
            help,
            max_upstream_concurrency,
        });
    }
    Ok(all)
}

/// Short, stable and safe in a URL, a cookie and a metrics label.
pub fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

fn clean(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of the test's own (tests run at once).
    fn dir(test: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gw-installations-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("uw.secret"), "uw-secret\n").unwrap();
        std::fs::write(dir.join("empty.secret"), "\n").unwrap();
        dir
    }

    const GOOD: &str = r#"
# Two universities.
[[installation]]
id = "uw"
usos_api = "https://usosapps.uw.edu.pl/"
consumer_key = "uw-key"
consumer_secret_file = "uw.secret"
public_url = "https://mlegitymacja.uw.edu.pl/"
allowed_origins = ["https://usosweb.uw.edu.pl", "https://USOSWEB.uw.edu.pl/"]
acronyms = ["UW"]
other_names = ["Warsaw", " "]
name = { pl = "Uniwersytet Warszawski", en = "University of Warsaw" }
help = { name_pl = "Biurem IT UW", name_en = "the UW IT Office", email = "it@uw.edu.pl" }
status_codes = { ready = "do_odbioru" }

[[installation]]
id = "ul"
usos_api = "https://usosapps.uni.lodz.pl/"
name = { pl = "Uniwersytet Łódzki", en = "University of Lodz", uk = "Лодзький університет" }
max_upstream_concurrency = 8
"#;

    #[test]
    fn reads_every_field_and_fills_what_may_be_left_out() {
        let all = parse(GOOD, &dir("good")).unwrap();
        assert_eq!(all.len(), 2);
        let uw = &all[0];
        assert_eq!(uw.id, "uw");
        assert_eq!(uw.usos_api.as_str(), "https://usosapps.uw.edu.pl/");
        let consumer = uw.consumer.as_ref().unwrap();
        assert_eq!(consumer.key, "uw-key");
        assert_eq!(
            secrecy::ExposeSecret::expose_secret(&consumer.secret),
            "uw-secret"
        );
        assert!(!format!("{uw:?}").contains("uw-secret"));
        assert_eq!(
            uw.public_url.as_ref().map(Url::as_str),
            Some("https://mlegitymacja.uw.edu.pl/")
        );
        assert_eq!(uw.allowed_origins, vec!["https://usosweb.uw.edu.pl"]);
        assert_eq!(uw.other_names, vec!["Warsaw"]);
        assert_eq!(uw.name.uk, "University of Warsaw");
        let help = uw.help.as_ref().unwrap();
        assert_eq!(help.name_uk, "the UW IT Office");
        assert_eq!(
            uw.status_codes.code(mcard_common::status::Status::Ready),
            "do_odbioru"
        );
        let ul = &all[1];
        assert!(ul.consumer.is_none() && ul.public_url.is_none() && ul.help.is_none());
        assert_eq!(ul.name.uk, "Лодзький університет");
        assert_eq!(ul.max_upstream_concurrency, Some(8));
    }

    /// Each mistake is refused with its line, and no secret is quoted.
    #[test]
    fn a_mistake_is_named_with_its_line() {
        let dir = dir("mistakes");
        let refused = |text: &str| parse(text, &dir).unwrap_err();
        let entry = |extra: &str| {
            format!(
                "[[installation]]\nid = \"uw\"\nusos_api = \"https://usosapps.uw.edu.pl/\"\nname = {{ pl = \"U\", en = \"U\" }}\n{extra}\n"
            )
        };
        assert_eq!(refused(""), "no [[installation]] in it");
        assert!(refused("[[installation]]\nid = \n").starts_with("line 2:"));
        assert!(refused(&entry("colour = \"blue\"")).starts_with("line 5: unknown field `colour`"));
        let bad_id = entry("").replace("\"uw\"", "\"UW W\"");
        assert!(refused(&bad_id).starts_with("line 2: id \"UW W\" must be"));
        let twice = format!("{}{}", entry(""), entry("").replace("usosapps.uw", "other"));
        assert_eq!(refused(&twice), "line 7: id \"uw\" is listed twice");
        let same_api = format!("{}{}", entry(""), entry("").replace("\"uw\"", "\"uw2\""));
        assert!(refused(&same_api).starts_with("line 8: usos_api"));
        let http = entry("").replace("https://usosapps", "http://usosapps");
        assert!(refused(&http).starts_with("line 3: usos_api must be https://"));
        assert!(refused(&entry("consumer_key = \"k\""))
            .starts_with("line 5: consumer_key needs consumer_secret_file"));
        assert!(refused(&entry("consumer_secret_file = \"uw.secret\""))
            .starts_with("line 5: consumer_secret_file needs consumer_key"));
        let empty = refused(&entry(
            "consumer_key = \"k\"\nconsumer_secret_file = \"empty.secret\"",
        ));
        assert!(
            empty.starts_with("line 6: consumer_secret_file:") && empty.ends_with("is empty"),
            "{empty}"
        );
        let missing = refused(&entry(
            "consumer_key = \"k\"\nconsumer_secret_file = \"nope.secret\"",
        ));
        assert!(
            missing.starts_with("line 6: consumer_secret_file: cannot read"),
            "{missing}"
        );
        assert!(
            refused(&entry("public_url = \"http://mlegitymacja.uw.edu.pl/\""))
                .starts_with("line 5: public_url: must be https://")
        );
        assert!(refused(&entry(
            "allowed_origins = [\"https://usosweb.uw.edu.pl/page\"]"
        ))
        .starts_with("line 5: allowed_origins:"));
        assert!(refused(&entry(
            "help = { name_pl = \"IT\", name_en = \"IT\", email = \"nobody\" }"
        ))
        .starts_with("line 5: help.email"));
        assert!(
            refused(&entry("status_codes = { redy = \"x\" }")).starts_with("line 5: status_codes:")
        );
        assert!(refused(&entry("max_upstream_concurrency = 0"))
            .starts_with("line 5: max_upstream_concurrency"));
        let no_en = entry("").replace("en = \"U\"", "en = \" \"");
        assert!(refused(&no_en).starts_with("line 4: name needs pl and en"));
        let same_host = format!(
            "{}{}",
            entry("public_url = \"https://m.uw.edu.pl/\""),
            entry("public_url = \"https://M.uw.edu.pl:443/\"")
                .replace("\"uw\"", "\"uw2\"")
                .replace("usosapps.uw", "other")
        );
        assert!(refused(&same_host).starts_with("line 10: public_url"));
        // The secret file's content is never in an error.
        let bad_second = GOOD.replace("id = \"ul\"", "id = \"UL\"");
        assert!(!refused(&bad_second).contains("uw-secret"));
    }

    #[test]
    fn ids_are_short_and_url_safe() {
        for good in ["uw", "uj", "p-wr", "a1", "0"] {
            assert!(valid_id(good), "{good}");
        }
        for bad in ["", "UW", "u w", "-uw", "uw/x", "ł", &"x".repeat(33)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
