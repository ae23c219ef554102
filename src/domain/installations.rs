//! Finding one's university in the list a gateway serves: the search that
//! "Wybierz swoją uczelnię" runs as the student types. Case and Polish (or
//! any Latin) diacritics do not matter — `lodz` finds "Uniwersytet Łódzki" —
//! and the names in the student's language, the other names, the acronyms
//! and the domains are all searched.

use crate::api::types::InstallationListing;
use crate::i18n::Lang;

/// Where this device keeps the last university picked (its id, nothing
/// secret), so that it is offered first next time.
pub const REMEMBERED_KEY: &str = "mlegitymacja-installation";

/// `text` as the search compares it: lower case, without diacritics, with
/// runs of anything but letters and digits as one space.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'ą' | 'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ă' => 'a',
            'ć' | 'č' | 'ç' => 'c',
            'ď' | 'đ' => 'd',
            'ę' | 'è' | 'é' | 'ê' | 'ë' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ł' | 'ľ' | 'ĺ' => 'l',
            'ń' | 'ň' | 'ñ' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ő' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ť' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        };
        if base.is_alphanumeric() {
            if gap && !folded.is_empty() {
                folded.push(' ');
            }
            gap = false;
            folded.push(base);
        } else {
            gap = true;
        }
    }
    folded
}

/// The name of `installation` in `lang`.
pub fn name_in(installation: &InstallationListing, lang: Lang) -> &str {
    let name = &installation.name;
    match lang {
        Lang::Pl => &name.pl,
        Lang::En => &name.en,
        Lang::Uk => name.uk.as_deref().unwrap_or(&name.en),
    }
}

/// The initials of a folded name's words of three letters or more:
/// "uniwersytet lodzki" → "ul", "uniwersytet mikolaja kopernika w toruniu"
/// → "umkt". Students know their university by them, where the list
/// gives no acronym.
fn initials(folded: &str) -> String {
    folded
        .split(' ')
        .filter(|word| word.chars().count() >= 3)
        .filter_map(|word| word.chars().next())
        .collect()
}

/// Whether `installation` answers `query` (already folded): every word of
/// the query begins a word of one of its names, acronyms or domains, or
/// the initials of a name, or is found inside its acronyms and domains.
pub fn matches(installation: &InstallationListing, query: &str, lang: Lang) -> bool {
    let words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return true;
    }
    let names = std::iter::once(name_in(installation, lang))
        .chain([installation.name.pl.as_str(), installation.name.en.as_str()])
        .chain(installation.other_names.iter().map(String::as_str));
    let short = installation
        .acronyms
        .iter()
        .chain(installation.domains.iter())
        .map(|s| fold(s))
        .collect::<Vec<_>>();
    let folded: Vec<String> = names.map(fold).collect();
    let name_initials: Vec<String> = folded.iter().map(|n| initials(n)).collect();
    let haystacks: Vec<&String> = folded.iter().chain(short.iter()).collect();
    words.iter().all(|word| {
        haystacks
            .iter()
            .any(|h| h.split(' ').any(|part| part.starts_with(word)))
            || short.iter().any(|s| s.replace(' ', "").contains(word))
            || name_initials.iter().any(|i| i.starts_with(word))
    })
}

/// The installations to show for `query`, in order: the one remembered on
/// this device first, then those a student can sign in to, then the rest,
/// each group by name in `lang` (alphabetically, after folding).
pub fn shown<'a>(
    all: &'a [InstallationListing],
    query: &str,
    lang: Lang,
    remembered: Option<&str>,
) -> Vec<&'a InstallationListing> {
    let query = fold(query);
    let mut found: Vec<&InstallationListing> =
        all.iter().filter(|i| matches(i, &query, lang)).collect();
    found.sort_by_key(|i| {
        (
            Some(i.id.as_str()) != remembered,
            !i.available,
            fold(name_in(i, lang)),
        )
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::InstallationNames;

    fn listing(
        id: &str,
        pl: &str,
        en: &str,
        acronyms: &[&str],
        domain: &str,
    ) -> InstallationListing {
        InstallationListing {
            id: id.to_owned(),
            name: InstallationNames {
                pl: pl.to_owned(),
                en: en.to_owned(),
                uk: None,
            },
            acronyms: acronyms.iter().map(|a| (*a).to_owned()).collect(),
            other_names: Vec::new(),
            domains: vec![domain.to_owned()],
            available: true,
        }
    }

    fn all() -> Vec<InstallationListing> {
        vec![
            listing(
                "uw",
                "Uniwersytet Warszawski",
                "University of Warsaw",
                &["UW"],
                "usosapps.uw.edu.pl",
            ),
            listing(
                "ul",
                "Uniwersytet Łódzki",
                "University of Lodz",
                &["UŁ"],
                "usosapps.uni.lodz.pl",
            ),
            listing(
                "pg",
                "Politechnika Gdańska",
                "Gdańsk University of Technology",
                &["PG"],
                "usosapps.pg.edu.pl",
            ),
        ]
    }

    fn ids(found: Vec<&InstallationListing>) -> Vec<&str> {
        found.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Uniwersytet Łódzki"), "uniwersytet lodzki");
        assert_eq!(fold("  GDAŃSK--Tech. "), "gdansk tech");
        assert_eq!(fold("ŻÓŁW ąćęłńóśźż"), "zolw acelnoszz");
    }

    #[test]
    fn finds_by_name_without_diacritics_acronym_or_domain() {
        let all = all();
        let find = |q: &str| ids(shown(&all, q, Lang::Pl, None));
        assert_eq!(find("lodz"), ["ul"]);
        assert_eq!(find("ŁÓDŹ"), ["ul"]);
        assert_eq!(find("uni lodz"), ["ul"]);
        assert_eq!(find("ul"), ["ul"]);
        assert_eq!(find("pg"), ["pg"]);
        assert_eq!(find("gdansk"), ["pg"]);
        assert_eq!(find("uw.edu"), ["uw"]);
        assert_eq!(find("uniwersytet"), ["ul", "uw"]);
        assert_eq!(find("warsaw"), ["uw"]);
        assert_eq!(find("krakow"), Vec::<&str>::new());
        assert_eq!(find(""), ["pg", "ul", "uw"]);
        // Those a student cannot sign in to come last.
        let mut without = all.clone();
        without[2].available = false;
        assert_eq!(ids(shown(&without, "", Lang::Pl, None)), ["ul", "uw", "pg"]);
    }

    #[test]
    fn finds_by_initials_where_the_list_gives_no_acronym() {
        let bare: Vec<InstallationListing> = all()
            .into_iter()
            .map(|mut i| {
                i.acronyms.clear();
                i.domains.clear();
                i
            })
            .collect();
        let find = |q: &str| ids(shown(&bare, q, Lang::Pl, None));
        assert_eq!(find("PG"), ["pg"]);
        assert_eq!(find("UŁ"), ["ul"]);
        assert_eq!(find("uw"), ["uw"]);
        let torun = listing(
            "umk",
            "Uniwersytet Mikołaja Kopernika w Toruniu",
            "Nicolaus Copernicus University",
            &[],
            "x",
        );
        assert!(matches(&torun, "umk", Lang::Pl));
        assert!(!matches(&torun, "umw", Lang::Pl));
    }

    #[test]
    fn the_remembered_one_comes_first() {
        let all = all();
        assert_eq!(
            ids(shown(&all, "", Lang::Pl, Some("uw"))),
            ["uw", "pg", "ul"]
        );
        assert_eq!(ids(shown(&all, "uniw", Lang::Pl, Some("uw"))), ["uw", "ul"]);
    }

    #[test]
    fn names_in_the_students_language() {
        let all = all();
        assert_eq!(name_in(&all[1], Lang::En), "University of Lodz");
        // Ukrainian falls back to English where the file gives none.
        assert_eq!(name_in(&all[1], Lang::Uk), "University of Lodz");
        assert_eq!(
            ids(shown(&all, "university", Lang::En, None)),
            ["pg", "ul", "uw"]
        );
    }
}
