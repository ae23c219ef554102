//! `usos-gateway installations import --from URL`: a starting installations
//! file from USOS's own list of installations
//! (`services/apisrv/installations`, a public call any installation
//! answers). The operator then fills in each consumer key and secret file.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::address;
use crate::installations_file::valid_id;

/// One entry of `services/apisrv/installations`; what else it carries is
/// ignored.
#[derive(Deserialize)]
struct Listed {
    base_url: String,
    #[serde(default)]
    institution_name: Option<Names>,
    #[serde(default)]
    contact_emails: Vec<String>,
}

#[derive(Deserialize)]
struct Names {
    #[serde(default)]
    pl: Option<String>,
    #[serde(default)]
    en: Option<String>,
}

/// Reads the list from `from` (a USOS API base) and writes the file to
/// `out`, or to standard output; says what it wrote.
pub async fn run(from: &str, out: Option<&Path>) -> Result<String, String> {
    let base = address::base_url("--from", from)?;
    let url = base
        .join("services/apisrv/installations")
        .map_err(|e| format!("--from: {e}"))?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("usos-gateway/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let response = client
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("{base} did not answer: {}", e.without_url()))?;
    if !response.status().is_success() {
        return Err(format!(
            "{base} answered services/apisrv/installations with {}",
            response.status()
        ));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{base}: {}", e.without_url()))?;
    let (file, count) = starting_file(&body, &base)?;
    match out {
        Some(path) => {
            std::fs::write(path, file)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(format!(
                "wrote {count} installations to {}; fill in each consumer_key and consumer_secret_file",
                path.display()
            ))
        }
        None => {
            print!("{file}");
            Ok(format!(
                "wrote {count} installations; fill in each consumer_key and consumer_secret_file"
            ))
        }
    }
}

/// The installations file for the list in `body`, and how many entries it
/// has: `http://` made `https://` (kept only on this machine), each base
/// ending with `/`, repeats dropped, ids from the host names.
pub fn starting_file(body: &[u8], from: &Url) -> Result<(String, usize), String> {
    let listed: Vec<Listed> = serde_json::from_slice(body).map_err(|e| {
        format!("{from}: services/apisrv/installations is not a list of installations: {e}")
    })?;
    let mut seen = HashSet::new();
    let mut ids = HashSet::new();
    let mut file = format!(
        "# The USOS installations this gateway serves, from {from}services/apisrv/installations.\n\
         # Fill in each consumer_key and consumer_secret_file (the application's key at that\n\
         # installation, from its developers' page, with the `cards` scope); an installation\n\
         # without them is listed to students as not available yet.\n"
    );
    let mut count = 0;
    for entry in listed {
        let Some(usos_api) = normalise(&entry.base_url) else {
            continue;
        };
        if !seen.insert(usos_api.to_string()) {
            continue;
        }
        let id = unique(id_for(&usos_api), &mut ids);
        let names = entry
            .institution_name
            .unwrap_or(Names { pl: None, en: None });
        let host = usos_api.host_str().unwrap_or_default().to_owned();
        let pick = |a: Option<String>, b: Option<String>| {
            a.filter(|n| !n.trim().is_empty())
                .or(b.filter(|n| !n.trim().is_empty()))
                .unwrap_or_else(|| host.clone())
        };
        let pl = pick(names.pl.clone(), names.en.clone());
        let en = pick(names.en, names.pl);
        file.push_str(&format!(
            "\n[[installation]]\nid = {}\nusos_api = {}\nname = {{ pl = {}, en = {} }}\n",
            quote(&id),
            quote(usos_api.as_str()),
            quote(pl.trim()),
            quote(en.trim())
        ));
        if let Some(contact) = entry.contact_emails.first() {
            file.push_str(&format!(
                "# USOS API's contact there: {}\n",
                contact.replace('\n', " ")
            ));
        }
        file.push_str(&format!(
            "# consumer_key = \"\"\n# consumer_secret_file = \"/etc/usos-gateway/{id}.secret\"\n"
        ));
        count += 1;
    }
    if count == 0 {
        return Err(format!("{from} listed no installation"));
    }
    Ok((file, count))
}

/// A base URL as the file wants it, or `None` for one that is not a URL.
fn normalise(base: &str) -> Option<Url> {
    let mut url = Url::parse(base.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    if url.scheme() == "http" && !address::is_loopback(&url) {
        url.set_scheme("https").ok()?;
        if url.port() == Some(80) {
            url.set_port(None).ok()?;
        }
    }
    url.set_query(None);
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Some(url)
}

/// `uw` for `usosapps.uw.edu.pl`, `uni-lodz` for `usosapps.uni.lodz.pl`;
/// on this machine, the first folder of the path (`/uw/`).
fn id_for(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let from_path = || {
        url.path_segments()
            .and_then(|mut s| s.next())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let raw = if address::is_loopback(url) {
        from_path()
    } else {
        let mut name = host.as_str();
        for prefix in [
            "usosapps.",
            "apps.usos.",
            "usosweb.",
            "usos.",
            "apps.",
            "www.",
        ] {
            name = name.strip_prefix(prefix).unwrap_or(name);
        }
        for suffix in [".edu.pl", ".com.pl", ".org.pl", ".pl", ".eu", ".com"] {
            name = name.strip_suffix(suffix).unwrap_or(name);
        }
        name.to_owned()
    };
    let mut id: String = raw
        .chars()
        .map(|c| if c == '.' || c == '_' { '-' } else { c })
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    id = id.trim_matches('-').chars().take(28).collect();
    if id.is_empty() {
        "usos".to_owned()
    } else {
        id
    }
}

/// `id`, or `id-2`, `id-3`… where it is taken.
fn unique(id: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while !valid_id(&candidate) || !taken.insert(candidate.clone()) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    candidate
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"[
      {"base_url": "http://usosapps.uw.edu.pl/", "version": "7.1", "institution_name": {"pl": "Uniwersytet Warszawski", "en": "University of Warsaw"}, "contact_emails": ["usos@uw.edu.pl"]},
      {"base_url": "https://usosapps.uni.lodz.pl", "institution_name": {"pl": "Uniwersytet Łódzki", "en": ""}, "contact_emails": []},
      {"base_url": "https://usosapps.uw.edu.pl/", "institution_name": {"pl": "UW again", "en": "UW again"}},
      {"base_url": "https://apps.usos.pw.edu.pl/", "institution_name": {"pl": "Politechnika \"Warszawska\"", "en": "Warsaw University of Technology"}, "unknown_key": 1},
      {"base_url": "not a url"},
      {"base_url": "http://127.0.0.1:8094/ul/", "institution_name": {"pl": "Stand-in", "en": "Stand-in"}}
    ]"#;

    #[test]
    fn a_starting_file_from_usos_own_list() {
        let from = Url::parse("https://usosapps.uw.edu.pl/").unwrap();
        let (file, count) = starting_file(LIST.as_bytes(), &from).unwrap();
        assert_eq!(count, 4, "{file}");
        assert!(file.contains("id = \"uw\"\nusos_api = \"https://usosapps.uw.edu.pl/\""));
        assert!(file.contains("id = \"uni-lodz\"\nusos_api = \"https://usosapps.uni.lodz.pl/\""));
        assert!(
            file.contains("name = { pl = \"Uniwersytet Łódzki\", en = \"Uniwersytet Łódzki\" }")
        );
        assert!(file.contains("id = \"pw\""));

        // Loopback keeps http://, and its id comes from the path.
        assert!(file.contains("id = \"ul\"\nusos_api = \"http://127.0.0.1:8094/ul/\""));
        assert!(!file.contains("UW again"));
        assert!(file.contains("# USOS API's contact there: usos@uw.edu.pl"));
        assert_eq!(file.matches("# consumer_key = \"\"").count(), 4);
        // What it writes, the gateway reads: every entry listed, none with a key.
        let parsed = crate::installations_file::parse(&file, Path::new(".")).unwrap();
        assert_eq!(parsed.len(), 4);
        // A name with quotes survives the round trip.
        assert_eq!(parsed[2].name.pl, "Politechnika \"Warszawska\"");
        assert!(parsed.iter().all(|i| i.consumer.is_none()));
    }

    #[test]
    fn ids_come_from_host_names_and_stay_unique() {
        let id = |u: &str| id_for(&Url::parse(u).unwrap());
        assert_eq!(id("https://usosapps.uw.edu.pl/"), "uw");
        assert_eq!(id("https://usosapps.umk.pl/"), "umk");
        assert_eq!(id("https://usosapps.uni.wroc.pl/"), "uni-wroc");
        assert_eq!(id("http://localhost:8094/"), "usos");
        let mut taken = HashSet::new();
        assert_eq!(unique("uw".into(), &mut taken), "uw");
        assert_eq!(unique("uw".into(), &mut taken), "uw-2");
        assert_eq!(unique("uw".into(), &mut taken), "uw-3");
    }

    #[test]
    fn what_is_not_a_list_is_refused() {
        let from = Url::parse("https://usosapps.uw.edu.pl/").unwrap();
        assert!(starting_file(b"<html>", &from).is_err());
        assert!(starting_file(b"[]", &from)
            .unwrap_err()
            .contains("listed no installation"));
    }
}
