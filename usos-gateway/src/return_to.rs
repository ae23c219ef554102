//! Where the student goes back after signing in: only to a path on the
//! gateway's public URL or to a page on an allowed origin, never anywhere
//! else (no open redirect).

use url::Url;

/// The address to send the student to for `requested` (the `return`
/// argument), or the public URL when it is missing or not allowed.
///
/// A path is taken only when it is plainly one: it starts with a single `/`
/// (not `//` or `/\`, which browsers read as another host) and has no
/// backslash or control character anywhere. The answer is always an absolute
/// URL this function built, so what the browser follows is what was checked.
pub fn safe_return(
    requested: Option<&str>,
    public_url: &Url,
    allowed_origins: &[String],
) -> String {
    requested
        .and_then(|r| resolve(r, public_url, allowed_origins))
        .unwrap_or_else(|| public_url.to_string())
}

fn resolve(requested: &str, public_url: &Url, allowed_origins: &[String]) -> Option<String> {
    if requested.is_empty()
        || requested.len() > 2048
        || requested
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    {
        return None;
    }
    let url = if requested.starts_with('/') {
        if requested.starts_with("//") {
            return None;
        }
        public_url.join(requested).ok()?
    } else {
        Url::parse(requested).ok()?
    };
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    let origin = url.origin().ascii_serialization();
    allowed_origins.contains(&origin).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(requested: &str) -> String {
        let public = Url::parse("https://mlegitymacja.uczelnia.pl/").unwrap();
        let allowed = vec![
            "https://mlegitymacja.uczelnia.pl".to_owned(),
            "https://usosweb.uczelnia.pl".to_owned(),
        ];
        safe_return(Some(requested), &public, &allowed)
    }

    const HOME: &str = "https://mlegitymacja.uczelnia.pl/";

    #[test]
    fn follows_paths_and_allowed_origins() {
        assert_eq!(check("/pomoc"), "https://mlegitymacja.uczelnia.pl/pomoc");
        assert_eq!(
            check("https://usosweb.uczelnia.pl/kontroler.php?_action=dla_stud/mlegitymacja"),
            "https://usosweb.uczelnia.pl/kontroler.php?_action=dla_stud/mlegitymacja"
        );
        assert_eq!(
            check("https://mlegitymacja.uczelnia.pl/?lang=en"),
            "https://mlegitymacja.uczelnia.pl/?lang=en"
        );
    }

    #[test]
    fn never_leads_off_site() {
        for attack in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https:evil.example",
            "http://usosweb.uczelnia.pl/",
            "https://usosweb.uczelnia.pl.evil.example/",
            "https://evil.example@usosweb.uczelnia.pl/",
            "https://usosweb.uczelnia.pl@evil.example/",
            "javascript:alert(1)",
            "data:text/html,x",
            "/\t/evil.example",
            " //evil.example",
            "https://usosweb.uczelnia.pl:444/",
            "",
        ] {
            assert_eq!(check(attack), HOME, "{attack:?}");
        }
        let public = Url::parse("https://mlegitymacja.uczelnia.pl/").unwrap();
        assert_eq!(safe_return(None, &public, &[]), HOME);
    }
}
