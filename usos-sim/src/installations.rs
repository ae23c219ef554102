//! Several USOS installations in one stand-in (`--installations N|FILE`),
//! as a deployment that serves many universities sees them: each under its
//! own base path (`/uw/`), with its own consumer key, students, status
//! codes, faults and controls (`/uw/_sim/`), and USOS's list of them at
//! `/services/apisrv/installations`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use crate::oauth::Consumer;

/// One installation the stand-in plays.
#[derive(Clone, Debug)]
pub struct SimInstallation {
    /// Its base path's name (`uw` → `/uw/`).
    pub id: String,
    pub name: Names,
    pub mcards_support: bool,
    /// With `--oauth`: the application's key there.
    pub consumer: Option<Consumer>,
    /// Its own status codes, as JSON (`{"ready": "do_odbioru"}`).
    pub status_codes: Option<String>,
    /// Faults in force from the start (`all:latency=8000`).
    pub faults: Vec<String>,
}

/// An institution's name, as USOS writes it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub pl: String,
    pub en: String,
}

/// The universities `--installations N` plays, in this order: real names
/// (with Polish letters, which the widget's search must see through).
const KNOWN: [(&str, &str, &str); 8] = [
    ("uw", "Uniwersytet Warszawski", "University of Warsaw"),
    ("ul", "Uniwersytet Łódzki", "University of Lodz"),
    (
        "pg",
        "Politechnika Gdańska",
        "Gdańsk University of Technology",
    ),
    ("uj", "Uniwersytet Jagielloński", "Jagiellonian University"),
    (
        "pwr",
        "Politechnika Wrocławska",
        "Wrocław University of Science and Technology",
    ),
    (
        "umk",
        "Uniwersytet Mikołaja Kopernika w Toruniu",
        "Nicolaus Copernicus University in Toruń",
    ),
    (
        "uam",
        "Uniwersytet im. Adama Mickiewicza w Poznaniu",
        "Adam Mickiewicz University, Poznań",
    ),
    (
        "us",
        "Uniwersytet Śląski w Katowicach",
        "University of Silesia in Katowice",
    ),
];

/// `--installations N`: the first `n` of the known universities; the third
/// (Politechnika Gdańska) answers `mcards_support: false`. With `--oauth
/// KEY:SECRET`, each has its own consumer, `KEY-ID:SECRET-ID`.
pub fn generated(n: usize, oauth: Option<&Consumer>) -> Result<Vec<SimInstallation>, String> {
    if !(1..=KNOWN.len()).contains(&n) {
        return Err(format!(
            "--installations: between 1 and {} (or a file)",
            KNOWN.len()
        ));
    }
    Ok(KNOWN[..n]
        .iter()
        .enumerate()
        .map(|(i, (id, pl, en))| SimInstallation {
            id: (*id).to_owned(),
            name: Names {
                pl: (*pl).to_owned(),
                en: (*en).to_owned(),
            },
            mcards_support: i != 2,
            consumer: oauth.map(|c| consumer_for(c, id)),
            status_codes: None,
            faults: Vec::new(),
        })
        .collect())
}

/// The consumer of installation `id` derived from `--oauth KEY:SECRET`.
pub fn consumer_for(oauth: &Consumer, id: &str) -> Consumer {
    Consumer {
        key: format!("{}-{id}", oauth.key),
        secret: format!("{}-{id}", oauth.secret),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    installation: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    name: Names,
    #[serde(default = "yes")]
    mcards_support: bool,
    /// `KEY:SECRET`; else derived from `--oauth`.
    consumer: Option<String>,
    status_codes: Option<BTreeMap<String, String>>,
    #[serde(default)]
    faults: Vec<String>,
}

fn yes() -> bool {
    true
}

/// `--installations FILE`: TOML, one `[[installation]]` each with `id`,
/// `name = { pl, en }`, and optionally `mcards_support`, `consumer`,
/// `status_codes` and `faults`.
pub fn from_file(text: &str, oauth: Option<&Consumer>) -> Result<Vec<SimInstallation>, String> {
    let file: File =
        toml::from_str(text).map_err(|e| format!("--installations: {}", e.message()))?;
    let mut all: Vec<SimInstallation> = Vec::new();
    for entry in file.installation {
        let valid = !entry.id.is_empty()
            && entry.id.len() <= 32
            && entry
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid || ["services", "_sim", "push", "demo"].contains(&entry.id.as_str()) {
            return Err(format!(
                "--installations: id \"{}\" cannot be a base path",
                entry.id
            ));
        }
        if all.iter().any(|i| i.id == entry.id) {
            return Err(format!("--installations: id \"{}\" twice", entry.id));
        }
        let consumer = match &entry.consumer {
            Some(spec) => Some(Consumer::parse(spec)?),
            None => oauth.map(|c| consumer_for(c, &entry.id)),
        };
        all.push(SimInstallation {
            consumer,
            status_codes: entry
                .status_codes
                .map(|codes| serde_json::to_string(&codes).unwrap_or_default()),
            id: entry.id,
            name: entry.name,
            mcards_support: entry.mcards_support,
            faults: entry.faults,
        });
    }
    if all.is_empty() {
        return Err("--installations: no [[installation]] in the file".to_owned());
    }
    Ok(all)
}

/// `services/apisrv/installations`, in USOS's shape, for a stand-in reached
/// at `origin` (`http://127.0.0.1:8094`).
pub fn listing(installations: &[(String, Names)], origin: &str) -> serde_json::Value {
    json!(installations
        .iter()
        .map(|(id, name)| json!({
            "base_url": format!("{origin}/{id}/"),
            "version": "7.2.0",
            "institution_name": {"pl": name.pl, "en": name.en},
            "contact_emails": [format!("usos@{id}.example")],
        }))
        .collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_gives_real_names_one_without_mlegitymacja_and_a_consumer_each() {
        let oauth = Consumer::parse("demo:s3cret").unwrap();
        let three = generated(3, Some(&oauth)).unwrap();
        let ids: Vec<&str> = three.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["uw", "ul", "pg"]);
        assert_eq!(three[1].name.pl, "Uniwersytet Łódzki");
        assert_eq!(
            three.iter().map(|i| i.mcards_support).collect::<Vec<_>>(),
            [true, true, false]
        );
        let uw = three[0].consumer.as_ref().unwrap();
        assert_eq!(
            (uw.key.as_str(), uw.secret.as_str()),
            ("demo-uw", "s3cret-uw")
        );
        assert!(generated(0, None).is_err() && generated(9, None).is_err());
        assert!(generated(2, None).unwrap()[0].consumer.is_none());
    }

    #[test]
    fn a_file_says_it_all() {
        let text = r#"
[[installation]]
id = "uw"
name = { pl = "Uniwersytet Warszawski", en = "University of Warsaw" }
consumer = "uw-key:uw-secret"
status_codes = { ready = "do_odbioru" }
faults = ["all:latency=100"]

[[installation]]
id = "pg"
name = { pl = "Politechnika Gdańska", en = "Gdańsk Tech" }
mcards_support = false
"#;
        let oauth = Consumer::parse("k:s").unwrap();
        let all = from_file(text, Some(&oauth)).unwrap();
        assert_eq!(all[0].consumer.as_ref().unwrap().key, "uw-key");
        assert_eq!(
            all[0].status_codes.as_deref(),
            Some("{\"ready\":\"do_odbioru\"}")
        );
        assert_eq!(all[0].faults, ["all:latency=100"]);
        assert!(!all[1].mcards_support);
        assert_eq!(all[1].consumer.as_ref().unwrap().key, "k-pg");
        assert!(from_file(
            "[[installation]]\nid = \"_sim\"\nname = { pl = \"x\", en = \"x\" }",
            None
        )
        .is_err());
        assert!(from_file("nonsense", None).is_err());
    }

    #[test]
    fn lists_in_usos_shape() {
        let list = listing(
            &[(
                "uw".into(),
                Names {
                    pl: "UW".into(),
                    en: "UW en".into(),
                },
            )],
            "http://127.0.0.1:8094",
        );
        assert_eq!(list[0]["base_url"], "http://127.0.0.1:8094/uw/");
        assert_eq!(list[0]["institution_name"]["en"], "UW en");
        assert_eq!(list[0]["contact_emails"][0], "usos@uw.example");
    }
}
