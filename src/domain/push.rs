//! Whether this browser, on this page, can be told with the page closed,
//! and if not, why: decided from plain facts the shell gathers, so every
//! case is tested natively.

/// Why a push with the page closed is not possible here. The in-page
/// call-back still works; the widget says this in one sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// No service worker or no Push API in this browser.
    NoPushApi,
    /// The student blocked notifications for this site.
    Denied,
    /// The page is on another origin than the widget's files (embedded in
    /// USOSweb from the gateway's host): its service worker cannot serve it.
    OtherOrigin,
    /// Safari on an iPhone or iPad outside a Home Screen app.
    IosHomeScreen,
    /// Turning it on failed (the gateway or the push service refused).
    Failed,
}

/// What the shell reads from the browser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BrowserFacts {
    pub service_worker: bool,
    pub push_manager: bool,
    pub notifications_denied: bool,
    pub page_origin: String,
    /// The origin of the widget's service worker file, if the build has one.
    pub worker_origin: Option<String>,
    /// `navigator.userAgent`, `navigator.maxTouchPoints`.
    pub user_agent: String,
    pub touch_points: u32,
    /// Opened from the Home Screen (`display-mode: standalone`).
    pub standalone: bool,
}

/// `Ok` when the page can subscribe, else why not.
pub fn availability(facts: &BrowserFacts) -> Result<(), Unavailable> {
    if is_ios(&facts.user_agent, facts.touch_points) && !facts.standalone {
        return Err(Unavailable::IosHomeScreen);
    }
    if !facts.service_worker || !facts.push_manager {
        return Err(Unavailable::NoPushApi);
    }
    match &facts.worker_origin {
        None => return Err(Unavailable::NoPushApi),
        Some(origin) if *origin != facts.page_origin => return Err(Unavailable::OtherOrigin),
        Some(_) => {}
    }
    if facts.notifications_denied {
        return Err(Unavailable::Denied);
    }
    Ok(())
}

/// An iPhone, iPod or iPad (which calls itself a Mac with a touch screen).
pub fn is_ios(user_agent: &str, touch_points: u32) -> bool {
    ["iPhone", "iPad", "iPod"]
        .iter()
        .any(|device| user_agent.contains(device))
        || (user_agent.contains("Macintosh") && touch_points > 1)
}

/// base64url (with or without padding) to bytes: the VAPID key as
/// `applicationServerKey` takes it. Written here because it is a dozen
/// lines, against a crate in the wasm for one call.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome() -> BrowserFacts {
        BrowserFacts {
            service_worker: true,
            push_manager: true,
            notifications_denied: false,
            page_origin: "https://mlegitymacja.uczelnia.pl".into(),
            worker_origin: Some("https://mlegitymacja.uczelnia.pl".into()),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0".into(),
            touch_points: 0,
            standalone: false,
        }
    }

    #[test]
    fn each_reason_is_told_apart() {
        assert_eq!(availability(&chrome()), Ok(()));
        let with = |change: fn(&mut BrowserFacts)| {
            let mut facts = chrome();
            change(&mut facts);
            availability(&facts)
        };
        assert_eq!(
            with(|f| f.push_manager = false),
            Err(Unavailable::NoPushApi)
        );
        assert_eq!(
            with(|f| f.service_worker = false),
            Err(Unavailable::NoPushApi)
        );
        assert_eq!(
            with(|f| f.worker_origin = None),
            Err(Unavailable::NoPushApi)
        );
        assert_eq!(
            with(|f| f.page_origin = "https://usosweb.uczelnia.pl".into()),
            Err(Unavailable::OtherOrigin)
        );
        assert_eq!(
            with(|f| f.notifications_denied = true),
            Err(Unavailable::Denied)
        );
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1";
        assert_eq!(
            with(|f| {
                f.user_agent =
                    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1".into();
                f.push_manager = false;
            }),
            Err(Unavailable::IosHomeScreen)
        );
        assert!(is_ios(iphone, 5));
        assert!(is_ios(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15) Safari",
            5
        ));
        assert!(!is_ios(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15) Safari",
            0
        ));
        // From the Home Screen, an iPhone can.
        assert_eq!(
            with(|f| {
                f.user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)".into();
                f.standalone = true;
            }),
            Ok(())
        );
    }

    #[test]
    fn decodes_base64url() {
        assert_eq!(base64url_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64url_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64url_decode("_-8").unwrap(), [0xff, 0xef]);
        assert_eq!(base64url_decode("a+b"), None);
        let key = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
        let bytes = base64url_decode(key).unwrap();
        assert_eq!(bytes.len(), 65);
        assert_eq!(bytes[0], 4);
    }
}
