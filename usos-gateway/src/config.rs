//! The gateway's settings: read once at start from the command line or the
//! environment (`USOS_GATEWAY_` + the option's name), checked before the
//! socket opens. A missing or wrong one stops the start with one line that
//! names it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use mcard_common::status::StatusCodes;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use url::Url;

use crate::push::endpoint::PushServices;
use crate::push::vapid::VapidKey;

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
    /// The VAPID private key (P-256, PEM: SEC1 as `openssl ecparam` writes
    /// it, or PKCS#8). Push is offered only with it.
    #[arg(long, env = "USOS_GATEWAY_VAPID_KEY_FILE", value_name = "PATH")]
    pub vapid_key_file: Option<PathBuf>,
    /// The push services' contact for this gateway: `mailto:` or `https:`.
    #[arg(long, env = "USOS_GATEWAY_VAPID_SUBJECT", value_name = "URI")]
    pub vapid_subject: Option<String>,
    /// Where watches are kept: `sqlite://FILE` (created when missing) or `postgres://…`.
    #[arg(
        long,
        env = "USOS_GATEWAY_DATABASE_URL",
        default_value = "sqlite://usos-gateway.db",
        value_name = "URL"
    )]
    pub database_url: String,
    /// A push service subscriptions may point at, besides the known ones (repeatable).
    #[arg(
        long,
        env = "USOS_GATEWAY_PUSH_SERVICE",
        value_name = "HOST[:PORT]",
        value_delimiter = ','
    )]
    pub push_service: Vec<String>,
    /// A file holding the database's password (PostgreSQL), instead of one in the URL.
    #[arg(long, env = "USOS_GATEWAY_DATABASE_PASSWORD_FILE", value_name = "PATH")]
    pub database_password_file: Option<PathBuf>,
    /// How long a copy holds a watch it took before another copy may take it.
    #[arg(
        long,
        env = "USOS_GATEWAY_LEASE_SECONDS",
        default_value = "30",
        value_name = "N"
    )]
    pub lease_seconds: u64,
    /// Connections to the database at most.
    #[arg(
        long,
        env = "USOS_GATEWAY_DATABASE_MAX_CONNECTIONS",
        default_value = "8",
        value_name = "N"
    )]
    pub database_max_connections: u32,
    /// How long a watch may last, in hours.
    #[arg(
        long,
        env = "USOS_GATEWAY_PUSH_WATCH_HOURS",
        default_value = "24",
        value_name = "N"
    )]
    pub push_watch_hours: u64,
    /// The installation's own status codes where they differ, as the widget's `data-status-codes`.
    #[arg(long, env = "USOS_GATEWAY_STATUS_CODES", value_name = "JSON")]
    pub status_codes: Option<String>,
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
    /// Web Push, when the VAPID key is given.
    pub push: Option<PushConfig>,
    /// How the installation names the statuses.
    pub status_codes: StatusCodes,
}

/// The settings of Web Push and the watches behind it.
pub struct PushConfig {
    pub vapid: VapidKey,
    /// `mailto:` or `https:`.
    pub subject: String,
    pub database_url: String,
    /// Where subscriptions may point.
    pub services: PushServices,
    /// How long a watch may last.
    pub watch_lifetime: Duration,
    /// The database pool's size.
    pub max_connections: u32,
    /// How long a taken watch stays with its copy unless renewed.
    pub lease: Duration,
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
        let push = push_config(&options)?;
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
            push,
            status_codes: match &options.status_codes {
                None => StatusCodes::default(),
                Some(json) => StatusCodes::parse(json)
                    .map_err(|problem| format!("--status-codes: {problem}"))?,
            },
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

/// Push's options, checked together: none of them matters without the key.
fn push_config(options: &Options) -> Result<Option<PushConfig>, String> {
    let Options {
        vapid_key_file: key_file,
        vapid_subject: subject,
        database_url,
        push_service: services,
        push_watch_hours: watch_hours,
        database_max_connections: max_connections,
        database_password_file: password_file,
        lease_seconds,
        ..
    } = options;
    let (key_file, subject, watch_hours, max_connections, lease_seconds) = (
        key_file.as_deref(),
        subject.clone(),
        *watch_hours,
        *max_connections,
        *lease_seconds,
    );
    let Some(key_file) = key_file else {
        if subject.is_some() {
            return Err("--vapid-subject: needs --vapid-key-file".to_owned());
        }
        return Ok(None);
    };
    let pem = std::fs::read_to_string(key_file)
        .map_err(|e| format!("--vapid-key-file: cannot read {}: {e}", key_file.display()))?;
    let vapid = VapidKey::from_pem(&pem)
        .map_err(|problem| format!("--vapid-key-file: {} {problem}", key_file.display()))?;
    let subject = subject
        .map(|s| s.trim().to_owned())
        .ok_or_else(|| required("--vapid-subject"))?;
    let contact = subject
        .strip_prefix("mailto:")
        .or_else(|| subject.strip_prefix("https://"));
    if contact.is_none_or(|rest| rest.len() < 3 || rest.contains(char::is_whitespace)) {
        return Err(format!(
            "--vapid-subject: \"{subject}\" is not a mailto: or https: URI, e.g. mailto:it@uczelnia.pl"
        ));
    }
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://"))
    {
        return Err(
            "--database-url: must be sqlite://FILE or postgres://USER@HOST:PORT/DB".to_owned(),
        );
    }
    let database_url = with_password(database_url.clone(), password_file.as_deref())?;
    if !(5..=600).contains(&lease_seconds) {
        return Err("--lease-seconds: between 5 and 600".to_owned());
    }
    let services = PushServices::with_known(services)
        .map_err(|problem| format!("--push-service: {problem}"))?;
    if watch_hours == 0 || watch_hours > 24 * 7 {
        return Err("--push-watch-hours: between 1 and 168".to_owned());
    }
    Ok(Some(PushConfig {
        vapid,
        subject,
        database_url,
        services,
        watch_lifetime: Duration::from_secs(watch_hours * 60 * 60),
        max_connections: max_connections.max(1),
        lease: Duration::from_secs(lease_seconds),
    }))
}

/// A PostgreSQL URL with the password from `--database-password-file`.
fn with_password(url: String, password_file: Option<&std::path::Path>) -> Result<String, String> {
    let Some(path) = password_file else {
        return Ok(url);
    };
    if url.starts_with("sqlite:") {
        return Err("--database-password-file: only for a postgres:// database".to_owned());
    }
    let password = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "--database-password-file: cannot read {}: {e}",
            path.display()
        )
    })?;
    let mut parsed = Url::parse(&url)
        .map_err(|_| "--database-url: not a postgres://USER@HOST:PORT/DB URL".to_owned())?;
    parsed
        .set_password(Some(password.trim()))
        .map_err(|_| "--database-url: cannot carry a password".to_owned())?;
    Ok(parsed.into())
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

pub(crate) fn is_loopback(url: &Url) -> bool {
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

    #[test]
    fn push_options_are_checked_together() {
        let secret = secret_file();
        let secret = secret.to_str().unwrap();
        let dir = std::env::temp_dir().join(format!("gw-push-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("vapid.pem");
        std::fs::write(&key, crate::push::vapid::tests::SEC1).unwrap();
        let password = dir.join("password");
        std::fs::write(&password, "pa ss\n").unwrap();
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
        let key = key.to_str().unwrap();
        let password = password.to_str().unwrap();
        assert!(with(&[]).unwrap().push.is_none());
        let error = |extra: &[&str]| with(extra).err().unwrap();
        assert!(error(&["--vapid-subject", "mailto:a@b.pl"]).starts_with("--vapid-subject:"));
        assert!(error(&["--vapid-key-file", key]).starts_with("--vapid-subject is required"));
        let push = [
            "--vapid-key-file",
            key,
            "--vapid-subject",
            "mailto:it@example.edu",
        ];
        let config = with(&push).unwrap();
        let pushed = config.push.unwrap();
        assert_eq!(pushed.database_url, "sqlite://usos-gateway.db");
        assert_eq!(pushed.lease, Duration::from_secs(30));
        let mut postgres = push.to_vec();
        postgres.extend([
            "--database-url",
            "postgres://gw@db.example.edu:5432/gw",
            "--database-password-file",
            password,
            "--lease-seconds",
            "45",
        ]);
        let pushed = with(&postgres).unwrap().push.unwrap();
        assert_eq!(
            pushed.database_url,
            "postgres://gw:pa%20ss@db.example.edu:5432/gw"
        );
        assert_eq!(pushed.lease, Duration::from_secs(45));
        let mut bad = push.to_vec();
        bad.extend(["--lease-seconds", "1"]);
        assert!(error(&bad).starts_with("--lease-seconds:"));
        let mut bad = push.to_vec();
        bad.extend(["--database-password-file", password]);
        assert!(error(&bad).starts_with("--database-password-file:"));
        let mut bad = push.to_vec();
        bad.extend(["--database-url", "mysql://x"]);
        assert!(error(&bad).starts_with("--database-url:"));
        let mut bad = push.to_vec();
        bad.extend(["--vapid-subject", "it@example.edu"]);
        assert!(error(&bad).starts_with("--vapid-subject:"));
        let mut bad = push.to_vec();
        bad.extend(["--push-service", "https://x/"]);
        assert!(error(&bad).starts_with("--push-service:"));
        let mut bad = push.to_vec();
        bad.extend(["--status-codes", "{\"gotowe\": \"x\"}"]);
        assert!(error(&bad).starts_with("--status-codes:"));
    }
}
