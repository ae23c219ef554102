//! The gateway's settings: read once at start from the command line or the
//! environment (`USOS_GATEWAY_` + the option's name), checked before the
//! socket opens. A missing or wrong one stops the start with one line that
//! names it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use url::Url;

/// The command line, as clap reads it.
#[derive(Debug, Parser)]
#[command(
    name = "usos-gateway",
    args_override_self = true,
    about = "Signs students in through USOS (OAuth 1.0a) and forwards the mLegitymacja widget's calls, signed."
)]
pub struct Options {
    /// Where to listen.
    #[arg(long, env = "USOS_GATEWAY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The USOS API installation's base, ending with `/`.
    #[arg(long, env = "USOS_GATEWAY_USOS_API", value_name = "URL")]
    pub usos_api: Option<String>,
    /// The application's consumer key.
    #[arg(long, env = "USOS_GATEWAY_CONSUMER_KEY", value_name = "KEY")]
    pub consumer_key: Option<String>,
    /// A file holding the consumer secret.
    #[arg(long, env = "USOS_GATEWAY_CONSUMER_SECRET_FILE", value_name = "PATH")]
    pub consumer_secret_file: Option<PathBuf>,
    /// Where students reach the gateway, ending with `/`.
    #[arg(long, env = "USOS_GATEWAY_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// The built widget to serve at `/`.
    #[arg(long, env = "USOS_GATEWAY_DIST", value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// A file with at least 64 bytes of secret that seals the cookies.
    #[arg(long, env = "USOS_GATEWAY_SESSION_KEY_FILE", value_name = "PATH")]
    pub session_key_file: Option<PathBuf>,
    /// A page origin that may call the API and receive the student back (repeatable).
    #[arg(
        long,
        env = "USOS_GATEWAY_ALLOWED_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub allowed_origin: Vec<String>,
    /// The OAuth scopes to ask for, pipe-separated.
    #[arg(
        long,
        env = "USOS_GATEWAY_SCOPES",
        default_value = "cards",
        value_name = "LIST"
    )]
    pub scopes: String,
    /// The session key before the last rotation: cookies it sealed still open.
    #[arg(
        long,
        env = "USOS_GATEWAY_PREVIOUS_SESSION_KEY_FILE",
        value_name = "PATH"
    )]
    pub previous_session_key_file: Option<PathBuf>,
    /// How long a successful `installation` answer is kept (0: not at all).
    #[arg(
        long,
        env = "USOS_GATEWAY_INSTALLATION_CACHE_SECONDS",
        default_value = "3600",
        value_name = "N"
    )]
    pub installation_cache_seconds: u64,
    /// Calls to USOS under way at once, at most; beyond: 429.
    #[arg(
        long,
        env = "USOS_GATEWAY_MAX_UPSTREAM_CONCURRENCY",
        default_value = "64",
        value_name = "N"
    )]
    pub max_upstream_concurrency: usize,
}

/// How long a signed-in student stays signed in (the cookie's `Max-Age`,
/// also checked inside the sealed cookie): a working day.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);

/// How long the round trip through USOS's sign-in page may take.
pub const SIGN_IN_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// How long USOS may take to answer one call: less than the widget's own
/// 10 s limit, so the student reads the gateway's 504, not a bare timeout.
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(8);

/// The settings, checked.
pub struct Config {
    pub listen: SocketAddr,
    /// Ends with `/`.
    pub usos_api: Url,
    pub consumer_key: String,
    pub consumer_secret: SecretString,
    /// Ends with `/`.
    pub public_url: Url,
    pub dist: Option<PathBuf>,
    /// `None`: a random key for this process (sessions end at restart).
    pub session_key: Option<SecretSlice<u8>>,
    /// Serialized origins (`https://usosweb.uczelnia.pl`), the public URL's first.
    pub allowed_origins: Vec<String>,
    pub scopes: String,
    pub upstream_timeout: Duration,
    /// The key before the last rotation, still accepted for opening cookies.
    pub previous_session_key: Option<SecretSlice<u8>>,
    pub installation_cache: Duration,
    pub max_upstream_concurrency: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("usos_api", &self.usos_api.as_str())
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"[redacted]")
            .field("public_url", &self.public_url.as_str())
            .field("dist", &self.dist)
            .field(
                "session_key",
                &self.session_key.as_ref().map(|_| "[redacted]"),
            )
            .field("allowed_origins", &self.allowed_origins)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl Config {
    /// Checks every option; the error is one line naming the option.
    pub fn from_options(options: Options) -> Result<Config, String> {
        let listen = options
            .listen
            .parse()
            .map_err(|_| format!("--listen: \"{}\" is not HOST:PORT", options.listen))?;
        let usos_api = base_url("--usos-api", options.usos_api.as_deref())?;
        let consumer_key = options
            .consumer_key
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| required("--consumer-key"))?;
        let secret_path = options
            .consumer_secret_file
            .ok_or_else(|| required("--consumer-secret-file"))?;
        let consumer_secret = std::fs::read_to_string(&secret_path)
            .map_err(|e| {
                format!(
                    "--consumer-secret-file: cannot read {}: {e}",
                    secret_path.display()
                )
            })?
            .trim()
            .to_owned();
        if consumer_secret.is_empty() {
            return Err(format!(
                "--consumer-secret-file: {} is empty",
                secret_path.display()
            ));
        }
        let public_url = base_url("--public-url", options.public_url.as_deref())?;
        if public_url.scheme() == "http" && !is_loopback(&public_url) {
            return Err(
                "--public-url: must be https:// (http:// only for 127.0.0.1 or localhost, for trying it out)"
                    .to_owned(),
            );
        }
        if let Some(dist) = &options.dist {
            if !dist.join("index.html").is_file() {
                return Err(format!(
                    "--dist: no index.html in {} (build the widget with trunk build --release)",
                    dist.display()
                ));
            }
        }
        let session_key = key_file("--session-key-file", options.session_key_file.as_deref())?;
        let previous_session_key = key_file(
            "--previous-session-key-file",
            options.previous_session_key_file.as_deref(),
        )?;
        if previous_session_key.is_some() && session_key.is_none() {
            return Err(
                "--previous-session-key-file: needs --session-key-file (the key that replaced it)"
                    .to_owned(),
            );
        }
        if options.max_upstream_concurrency == 0 {
            return Err("--max-upstream-concurrency: must be at least 1".to_owned());
        }
        let mut allowed_origins = vec![public_url.origin().ascii_serialization()];
        for origin in &options.allowed_origin {
            let url = Url::parse(origin)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .filter(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
                .ok_or_else(|| {
                    format!("--allowed-origin: \"{origin}\" is not an origin like https://usosweb.uczelnia.pl")
                })?;
            let serialized = url.origin().ascii_serialization();
            if !allowed_origins.contains(&serialized) {
                allowed_origins.push(serialized);
            }
        }
        let scopes = options.scopes.trim().to_owned();
        if scopes.is_empty()
            || !scopes
                .split('|')
                .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            return Err(format!(
                "--scopes: \"{scopes}\" is not a pipe-separated list of scope names, e.g. cards"
            ));
        }
        Ok(Config {
            listen,
            usos_api,
            consumer_key,
            consumer_secret: SecretString::from(consumer_secret),
            public_url,
            dist: options.dist,
            session_key,
            allowed_origins,
            scopes,
            upstream_timeout: UPSTREAM_TIMEOUT,
            previous_session_key,
            installation_cache: Duration::from_secs(options.installation_cache_seconds),
            max_upstream_concurrency: options.max_upstream_concurrency,
        })
    }

    /// Cookies need `Secure` except on a loopback address tried over http.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// Where USOS sends the student back: `{public-url}auth/callback`.
    pub fn callback_url(&self) -> String {
        format!("{}auth/callback", self.public_url)
    }

    /// The consumer secret, for signing only.
    pub fn consumer_secret(&self) -> &str {
        self.consumer_secret.expose_secret()
    }
}

/// A key file: at least 64 bytes.
fn key_file(
    option: &str,
    path: Option<&std::path::Path>,
) -> Result<Option<SecretSlice<u8>>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{option}: cannot read {}: {e}", path.display()))?;
    if bytes.len() < 64 {
        return Err(format!(
            "{option}: {} holds {} bytes; at least 64 are needed (e.g. head -c 64 /dev/urandom > FILE)",
            path.display(),
            bytes.len()
        ));
    }
    Ok(Some(SecretSlice::from(bytes)))
}

fn required(option: &str) -> String {
    let env = format!(
        "USOS_GATEWAY_{}",
        option
            .trim_start_matches("--")
            .replace('-', "_")
            .to_uppercase()
    );
    format!("{option} is required (or set {env})")
}

fn base_url(option: &str, value: Option<&str>) -> Result<Url, String> {
    let value = value.ok_or_else(|| required(option))?;
    let url = Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| format!("{option}: \"{value}\" is not an http(s) URL"))?;
    if !url.path().ends_with('/') || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "{option}: \"{value}\" must end with / and have no query, e.g. https://usosapps.uczelnia.pl/"
        ));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(args: &[&str]) -> Options {
        let mut argv = vec!["usos-gateway"];
        argv.extend_from_slice(args);
        Options::try_parse_from(argv).unwrap()
    }

    fn secret_file() -> PathBuf {
        let path = std::env::temp_dir().join(format!("gw-config-test-{}", std::process::id()));
        std::fs::write(&path, "s3cret\n").unwrap();
        path
    }

    #[test]
    fn each_missing_option_is_named() {
        let secret = secret_file();
        let secret = secret.to_str().unwrap();
        let full = [
            "--usos-api",
            "https://usos.example.edu/",
            "--consumer-key",
            "ck",
            "--consumer-secret-file",
            secret,
            "--public-url",
            "https://mlegitymacja.example.edu/",
        ];
        let config = Config::from_options(options(&full)).unwrap();
        assert_eq!(config.consumer_secret(), "s3cret");
        assert_eq!(
            config.allowed_origins,
            vec!["https://mlegitymacja.example.edu"]
        );
        assert!(config.secure_cookies());
        assert_eq!(
            config.callback_url(),
            "https://mlegitymacja.example.edu/auth/callback"
        );
        assert!(!format!("{config:?}").contains("s3cret"));
        for (i, name) in [
            "--usos-api",
            "--consumer-key",
            "--consumer-secret-file",
            "--public-url",
        ]
        .iter()
        .enumerate()
        {
            let mut args = full.to_vec();
            args.drain(2 * i..2 * i + 2);
            let Err(error) = Config::from_options(options(&args)) else {
                panic!("{name} was not required")
            };
            assert!(error.starts_with(&format!("{name} is required")), "{error}");
            assert!(!error.contains('\n'));
        }
    }

    #[test]
    fn wrong_values_are_named() {
        let secret = secret_file();
        let secret = secret.to_str().unwrap();
        let with = |extra: &[&str]| {
            let mut args = vec![
                "--usos-api",
                "https://usos.example.edu/",
                "--consumer-key",
                "ck",
                "--consumer-secret-file",
                secret,
                "--public-url",
                "https://gw.example.edu/",
            ];
            args.extend_from_slice(extra);
            Config::from_options(options(&args))
        };
        let error = |extra: &[&str]| with(extra).err().unwrap();
        assert!(error(&["--usos-api", "https://usos.example.edu/api"]).starts_with("--usos-api:"));
        assert!(error(&["--public-url", "http://gw.example.edu/"]).starts_with("--public-url:"));
        assert!(error(&["--listen", "nowhere"]).starts_with("--listen:"));
        assert!(
            error(&["--allowed-origin", "https://a.example/path"]).starts_with("--allowed-origin:")
        );
        assert!(error(&["--scopes", "cards|"]).starts_with("--scopes:"));
        assert!(error(&["--dist", "/nonexistent"]).starts_with("--dist:"));
        let short_key = std::env::temp_dir().join(format!("gw-key-{}", std::process::id()));
        std::fs::write(&short_key, [7u8; 63]).unwrap();
        assert!(error(&["--session-key-file", short_key.to_str().unwrap()])
            .starts_with("--session-key-file:"));
        let config = with(&[
            "--public-url",
            "http://127.0.0.1:8080/",
            "--allowed-origin",
            "https://usosweb.example.edu",
            "--allowed-origin",
            "https://usosweb.example.edu/",
        ])
        .unwrap();
        assert!(!config.secure_cookies());
        assert_eq!(
            config.allowed_origins,
            vec!["http://127.0.0.1:8080", "https://usosweb.example.edu"]
        );
    }
}
