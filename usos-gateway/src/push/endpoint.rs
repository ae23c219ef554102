//! Where a subscription may send the gateway: only to a push service on a
//! list. A browser hands the page an endpoint URL, and the page hands it to
//! the gateway, so whoever calls `/push/subscriptions` chooses it; without
//! the list, the gateway could be made to send requests to any host,
//! including the university's own internal ones (server-side request
//! forgery).

use url::{Host, Url};

use crate::address::is_loopback;

/// The push services of the browsers students use, by host. A host ending
/// with one of [`KNOWN_SUFFIXES`] is one too.
pub const KNOWN_HOSTS: [&str; 4] = [
    // Chrome, Edge on Android, Opera, Samsung Internet: Firebase Cloud Messaging.
    "fcm.googleapis.com",
    // Firefox: Mozilla's autopush.
    "updates.push.services.mozilla.com",
    // Safari (macOS, and iOS/iPadOS Home Screen apps).
    "web.push.apple.com",
    // Older Chrome subscriptions still point here.
    "android.googleapis.com",
];

/// Edge on Windows: the Windows Push Notification Services, on many hosts
/// (`wns2-par02p.notify.windows.com`).
pub const KNOWN_SUFFIXES: [&str; 1] = [".notify.windows.com"];

/// The push services subscriptions may point at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushServices {
    /// Given with `--push-service`: a host, and the port if one was named.
    given: Vec<(String, Option<u16>)>,
}

/// Why an endpoint is refused. The message never quotes the endpoint: its
/// path is the capability to send to the student.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotAUrl,
    /// Not `https://` (or `http://` to a loopback service given by option).
    NotHttps,
    /// A user name, password or fragment in the URL.
    Unusual,
    /// Not one of the push services.
    NotAPushService,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotAUrl => "subscription.endpoint is not a URL.",
            Refusal::NotHttps => "subscription.endpoint must be https://.",
            Refusal::Unusual => "subscription.endpoint carries a user name, password or fragment.",
            Refusal::NotAPushService => {
                "subscription.endpoint is not on a push service this gateway sends to."
            }
        }
    }
}

impl PushServices {
    /// The known services and `given` (`HOST` or `HOST:PORT` each).
    pub fn with_known(given: &[String]) -> Result<PushServices, String> {
        let mut parsed = Vec::new();
        for entry in given {
            let entry = entry.trim();
            let url = Url::parse(&format!("http://{entry}/"))
                .ok()
                .filter(|u| u.path() == "/" && u.username().is_empty() && u.password().is_none())
                .filter(|_| !entry.contains(['/', '?', '#', '@']))
                .ok_or_else(|| format!("\"{entry}\" is not HOST or HOST:PORT"))?;
            let host = url
                .host_str()
                .ok_or_else(|| format!("\"{entry}\" is not HOST or HOST:PORT"))?;
            parsed.push((host.to_ascii_lowercase(), url.port()));
        }
        Ok(PushServices { given: parsed })
    }

    /// The endpoint, if the gateway may send to it.
    pub fn check(&self, endpoint: &str) -> Result<Url, Refusal> {
        let url = Url::parse(endpoint).map_err(|_| Refusal::NotAUrl)?;
        if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
            return Err(Refusal::Unusual);
        }
        let host = match url.host() {
            Some(Host::Domain(domain)) => domain.to_ascii_lowercase(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => format!("[{ip}]"),
            None => return Err(Refusal::NotAUrl),
        };
        let given = self
            .given
            .iter()
            .any(|(h, port)| *h == host && (port.is_none() || *port == url.port()));
        match url.scheme() {
            "https" => {}
            // Only for a service on this machine named by option: a test's.
            "http" if given && is_loopback(&url) => return Ok(url),
            _ => return Err(Refusal::NotHttps),
        }
        let known = url.port().is_none()
            && matches!(url.host(), Some(Host::Domain(_)))
            && (KNOWN_HOSTS.contains(&host.as_str())
                || KNOWN_SUFFIXES
                    .iter()
                    .any(|suffix| host.ends_with(suffix) && host.len() > suffix.len()));
        if known || given {
            Ok(url)
        } else {
            Err(Refusal::NotAPushService)
        }
    }
}

/// The host of a push service, the only part of an endpoint a log line may
/// carry.
pub fn host_of(endpoint: &Url) -> &str {
    endpoint.host_str().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services(given: &[&str]) -> PushServices {
        let given: Vec<String> = given.iter().map(|s| s.to_string()).collect();
        PushServices::with_known(&given).unwrap()
    }

    #[test]
    fn the_known_push_services_are_allowed() {
        let s = services(&[]);
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc:def",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
            "https://web.push.apple.com/QGuQyavXutnMdrFSxE",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
            "https://FCM.googleapis.com/fcm/send/x",
        ] {
            assert!(s.check(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let s = services(&["127.0.0.1:9999"]);
        let refused = |e: &str| s.check(e).unwrap_err();
        // Another host, or one dressed as a known one.
        assert_eq!(
            refused("https://evil.example/push"),
            Refusal::NotAPushService
        );
        assert_eq!(
            refused("https://fcm.googleapis.com.evil.example/x"),
            Refusal::NotAPushService
        );
        assert_eq!(
            refused("https://notify.windows.com/x"),
            Refusal::NotAPushService
        );
        assert_eq!(
            refused("https://fcm.googleapis.com:8443/x"),
            Refusal::NotAPushService
        );
        // An IP literal, on the internet or inside the university.
        assert_eq!(refused("https://10.0.0.5/push"), Refusal::NotAPushService);
        assert_eq!(refused("https://[::1]/push"), Refusal::NotAPushService);
        assert_eq!(
            refused("https://169.254.169.254/latest"),
            Refusal::NotAPushService
        );
        // http:// to a host not given, even a known one or loopback.
        assert_eq!(refused("http://fcm.googleapis.com/x"), Refusal::NotHttps);
        assert_eq!(refused("http://127.0.0.1:8080/x"), Refusal::NotHttps);
        assert_eq!(refused("http://localhost:9999/x"), Refusal::NotHttps);
        // Other schemes and shapes.
        assert_eq!(refused("ftp://fcm.googleapis.com/x"), Refusal::NotHttps);
        assert_eq!(refused("fcm.googleapis.com/x"), Refusal::NotAUrl);
        assert_eq!(
            refused("https://user:pw@fcm.googleapis.com/x"),
            Refusal::Unusual
        );
        assert_eq!(
            refused("https://fcm.googleapis.com/x#frag"),
            Refusal::Unusual
        );
        assert!(!Refusal::NotAPushService.message().contains("evil"));
    }

    #[test]
    fn a_service_given_by_option_is_allowed_with_its_port() {
        let s = services(&["127.0.0.1:9999", "push.example.edu"]);
        assert!(s.check("http://127.0.0.1:9999/push/abc").is_ok());
        assert_eq!(
            s.check("http://127.0.0.1:9998/push/abc").unwrap_err(),
            Refusal::NotHttps
        );
        assert!(s.check("https://push.example.edu/w/1").is_ok());
        // http:// only to loopback, even when the host is given.
        assert_eq!(
            s.check("http://push.example.edu/w/1").unwrap_err(),
            Refusal::NotHttps
        );
        assert!(PushServices::with_known(&["http://x/".into()]).is_err());
        assert!(PushServices::with_known(&["x/y".into()]).is_err());
        assert!(PushServices::with_known(&["a@b".into()]).is_err());
    }

    #[test]
    fn the_log_sees_the_host_only() {
        let url = Url::parse("https://fcm.googleapis.com/fcm/send/secret-part").unwrap();
        assert_eq!(host_of(&url), "fcm.googleapis.com");
    }
}
