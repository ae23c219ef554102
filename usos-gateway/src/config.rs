//! The gateway's settings: read once at start from the command line or the
//! environment (`USOS_GATEWAY_` + the option's name), checked before the
//! socket opens. A missing or wrong one stops the start with one line that
//! names it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use mcard_common::status::StatusCodes;
use secrecy::{SecretSlice, SecretString};
use url::Url;

use crate::address;
use crate::installations_file::{self, Consumer, HelpContact, InstallationSettings, Names};
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
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The USOS installations served, one `[[installation]]` each (TOML;
    /// docs/running-at-a-university.md). Instead of --usos-api,
    /// --consumer-key, --consumer-secret-file, --status-codes and --help-*,
    /// which describe one.
    #[arg(
        long,
        env = "USOS_GATEWAY_INSTALLATIONS",
        value_name = "FILE",
        conflicts_with_all = ["usos_api", "consumer_key", "consumer_secret_file", "status_codes", "help_name_pl", "help_name_en", "help_name_uk", "help_email"]
    )]
    pub installations: Option<PathBuf>,
    /// How often each installation is asked whether it issues mLegitymacja.
    #[arg(
        long,
        env = "USOS_GATEWAY_INSTALLATION_CHECK_SECONDS",
        default_value = "3600",
        value_name = "N"
    )]
    pub installation_check_seconds: u64,
    /// With one installation: who helps its students, as the widget's
    /// data-help-name-pl (after "kontaktuj się z", e.g. "Działem IT").
    #[arg(long, env = "USOS_GATEWAY_HELP_NAME_PL", value_name = "TEXT")]
    pub help_name_pl: Option<String>,
    /// With one installation: the help contact's name in English.
    #[arg(long, env = "USOS_GATEWAY_HELP_NAME_EN", value_name = "TEXT")]
    pub help_name_en: Option<String>,
    /// With one installation: the help contact's name in Ukrainian (else the English one).
    #[arg(long, env = "USOS_GATEWAY_HELP_NAME_UK", value_name = "TEXT")]
    pub help_name_uk: Option<String>,
    /// With one installation: the help contact's e-mail.
    #[arg(long, env = "USOS_GATEWAY_HELP_EMAIL", value_name = "ADDRESS")]
    pub help_email: Option<String>,
    /// How the log is written: `text`, one readable line per event, or
    /// `json`, one JSON object per line (the same fields) for a log system.
    #[arg(
        long,
        env = "USOS_GATEWAY_LOG_FORMAT",
        default_value = "text",
        value_parser = ["text", "json"],
        value_name = "FORMAT"
    )]
    pub log_format: String,
    /// Where to listen.
    #[arg(long, env = "USOS_GATEWAY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// One USOS API installation's base, ending with `/` (or --installations).
    #[arg(long, env = "USOS_GATEWAY_USOS_API", value_name = "URL")]
    pub usos_api: Option<String>,
    /// The application's consumer key.
    #[arg(long, env = "USOS_GATEWAY_CONSUMER_KEY", value_name = "KEY")]
    pub consumer_key: Option<String>,
    /// A file holding the consumer secret.
    #[arg(long, env = "USOS_GATEWAY_CONSUMER_SECRET_FILE", value_name = "PATH")]
    pub consumer_secret_file: Option<PathBuf>,
    /// Where students reach the gateway, ending with `/`; with many
    /// installations, the shared address where a student picks theirs.
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
    /// How long a successful `installation` answer is kept, per installation (0: not at all).
    #[arg(
        long,
        env = "USOS_GATEWAY_INSTALLATION_CACHE_SECONDS",
        default_value = "3600",
        value_name = "N"
    )]
    pub installation_cache_seconds: u64,
    /// Calls to one installation's USOS under way at once, at most; beyond:
    /// 429 (an installation's own max_upstream_concurrency goes first).
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
    /// With one installation: its own status codes where they differ, as the widget's `data-status-codes`.
    #[arg(long, env = "USOS_GATEWAY_STATUS_CODES", value_name = "JSON")]
    pub status_codes: Option<String>,
}

/// What `usos-gateway` may be asked to do besides serving.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The installations file.
    Installations {
        #[command(subcommand)]
        command: InstallationsCommand,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum InstallationsCommand {
    /// Writes a starting installations file from USOS's own list
    /// (`services/apisrv/installations`, a public call), the keys left for
    /// the operator to fill in.
    Import {
        /// A USOS API base whose list to read, e.g. https://usosapps.uw.edu.pl/
        #[arg(long, value_name = "URL")]
        from: String,
        /// Where to write it (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
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
    /// The shared address, ending with `/`: where a student of a deployment
    /// with many installations picks theirs, and every installation without
    /// an address of its own is served.
    pub public_url: Url,
    pub dist: Option<PathBuf>,
    /// `None`: a random key for this process (sessions end at restart).
    pub session_key: Option<SecretSlice<u8>>,
    /// Serialized origins (`https://usosweb.uczelnia.pl`) allowed on the
    /// shared address, the public URL's first.
    pub allowed_origins: Vec<String>,
    pub scopes: String,
    pub upstream_timeout: Duration,
    /// The key before the last rotation, still accepted for opening cookies.
    pub previous_session_key: Option<SecretSlice<u8>>,
    pub installation_cache: Duration,
    pub max_upstream_concurrency: usize,
    /// Web Push, when the VAPID key is given.
    pub push: Option<PushConfig>,
    /// The installations served: the file's, or the one the options describe.
    pub installations: Vec<InstallationSettings>,
    /// The file they came from, read again on SIGHUP.
    pub installations_file: Option<PathBuf>,
    /// How often each installation is asked about mLegitymacja.
    pub installation_check: Duration,
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
            .field("public_url", &self.public_url.as_str())
            .field("dist", &self.dist)
            .field(
                "session_key",
                &self.session_key.as_ref().map(|_| "[redacted]"),
            )
            .field("allowed_origins", &self.allowed_origins)
            .field("scopes", &self.scopes)
            .field("installations", &self.installations)
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
        let installations = match &options.installations {
            Some(path) => installations_file::read(path)?,
            None => vec![single_installation(&options)?],
        };
        let public_url = address::public_url(
            "--public-url",
            options
                .public_url
                .as_deref()
                .ok_or_else(|| required("--public-url"))?,
        )?;
        if let Some(clash) = installations.iter().find(|i| {
            i.public_url.as_ref().is_some_and(|own| {
                own.host_str() == public_url.host_str()
                    && own.port_or_known_default() == public_url.port_or_known_default()
            })
        }) {
            return Err(format!(
                "--public-url: {public_url} is also installation {}'s public_url; the shared address must be its own",
                clash.id
            ));
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
        if options.installation_check_seconds < 10 {
            return Err("--installation-check-seconds: at least 10".to_owned());
        }
        let mut allowed_origins = vec![public_url.origin().ascii_serialization()];
        for origin in &options.allowed_origin {
            let serialized = address::origin("--allowed-origin", origin)?;
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
            installations,
            installations_file: options.installations,
            installation_check: Duration::from_secs(options.installation_check_seconds),
        })
    }
}

/// The one installation `--usos-api`, `--consumer-key`,
/// `--consumer-secret-file`, `--status-codes` and `--help-*` describe, as
/// an installations file with one entry would.
fn single_installation(options: &Options) -> Result<InstallationSettings, String> {
    let usos_api = address::base_url(
        "--usos-api",
        options
            .usos_api
            .as_deref()
            .ok_or_else(|| required("--usos-api"))?,
    )?;
    let consumer_key = options
        .consumer_key
        .clone()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| required("--consumer-key"))?;
    let secret_path = options
        .consumer_secret_file
        .as_ref()
        .ok_or_else(|| required("--consumer-secret-file"))?;
    let consumer_secret = std::fs::read_to_string(secret_path)
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
    let help = match (
        &options.help_name_pl,
        &options.help_name_en,
        &options.help_name_uk,
        &options.help_email,
    ) {
        (None, None, None, None) => None,
        (Some(pl), Some(en), uk, Some(email)) => {
            if !email.contains('@') || email.trim().contains(char::is_whitespace) {
                return Err(format!("--help-email: \"{email}\" is not an e-mail address"));
            }
            Some(HelpContact {
                name_pl: pl.trim().to_owned(),
                name_en: en.trim().to_owned(),
                name_uk: uk.as_deref().unwrap_or(en).trim().to_owned(),
                email: email.trim().to_owned(),
            })
        }
        _ => {
            return Err(
                "--help-name-pl, --help-name-en and --help-email go together (--help-name-uk is optional)"
                    .to_owned(),
            )
        }
    };
    let host = usos_api.host_str().unwrap_or("USOS").to_owned();
    Ok(InstallationSettings {
        id: SINGLE_ID.to_owned(),
        name: Names {
            pl: host.clone(),
            en: host.clone(),
            uk: host,
        },
        acronyms: Vec::new(),
        other_names: Vec::new(),
        usos_api,
        consumer: Some(Consumer {
            key: consumer_key.trim().to_owned(),
            secret: SecretString::from(consumer_secret),
        }),
        public_url: None,
        allowed_origins: Vec::new(),
        status_codes: match &options.status_codes {
            None => StatusCodes::default(),
            Some(json) => {
                StatusCodes::parse(json).map_err(|problem| format!("--status-codes: {problem}"))?
            }
        },
        help,
        max_upstream_concurrency: None,
    })
}

/// The id of the installation the single-installation options describe
/// (its metrics label, and the mark in its students' sessions).
pub const SINGLE_ID: &str = "default";

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
        // One installation, as a file with one entry would describe it.
        let [only] = config.installations.as_slice() else {
            panic!("one installation expected");
        };
        assert_eq!(only.id, SINGLE_ID);
        assert_eq!(only.usos_api.as_str(), "https://usos.example.edu/");
        let consumer = only.consumer.as_ref().unwrap();
        assert_eq!(consumer.key, "ck");
        assert_eq!(
            secrecy::ExposeSecret::expose_secret(&consumer.secret),
            "s3cret"
        );
        assert!(only.public_url.is_none() && only.help.is_none());
        assert_eq!(
            config.allowed_origins,
            vec!["https://mlegitymacja.example.edu"]
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
        assert_eq!(config.public_url.scheme(), "http");
        assert_eq!(
            config.allowed_origins,
            vec!["http://127.0.0.1:8080", "https://usosweb.example.edu"]
        );
    }

    #[test]
    fn one_installation_may_name_its_help_contact() {
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
        let config = with(&[
            "--help-name-pl",
            "Biurem IT",
            "--help-name-en",
            "the IT Office",
            "--help-email",
            "it@example.edu",
        ])
        .unwrap();
        let help = config.installations[0].help.as_ref().unwrap();
        assert_eq!(help.name_uk, "the IT Office");
        assert_eq!(help.email, "it@example.edu");
        assert!(with(&["--help-name-pl", "Biurem IT"])
            .err()
            .unwrap()
            .starts_with("--help-name-pl, --help-name-en and --help-email go together"));
        assert!(with(&[
            "--help-name-pl",
            "IT",
            "--help-name-en",
            "IT",
            "--help-email",
            "nobody"
        ])
        .err()
        .unwrap()
        .starts_with("--help-email:"));
    }

    #[test]
    fn many_installations_come_from_a_file_and_not_beside_the_single_options() {
        let dir = std::env::temp_dir().join(format!("gw-config-many-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("uw.secret"), "uw-s3cret").unwrap();
        let file = dir.join("installations.toml");
        std::fs::write(
            &file,
            "[[installation]]\nid = \"uw\"\nusos_api = \"https://usosapps.uw.edu.pl/\"\n\
             consumer_key = \"k\"\nconsumer_secret_file = \"uw.secret\"\n\
             public_url = \"https://m.uw.edu.pl/\"\nname = { pl = \"UW\", en = \"UW\" }\n\
             [[installation]]\nid = \"ul\"\nusos_api = \"https://usosapps.uni.lodz.pl/\"\n\
             name = { pl = \"UŁ\", en = \"UL\" }\n",
        )
        .unwrap();
        let file = file.to_str().unwrap();
        let config = Config::from_options(options(&[
            "--installations",
            file,
            "--public-url",
            "https://mlegitymacja.usos.example/",
        ]))
        .unwrap();
        assert_eq!(config.installations.len(), 2);
        assert_eq!(
            config.installations_file.as_deref(),
            Some(std::path::Path::new(file))
        );
        assert!(!format!("{config:?}").contains("uw-s3cret"));
        // The shared address cannot also be an installation's own.
        let clash = Config::from_options(options(&[
            "--installations",
            file,
            "--public-url",
            "https://m.uw.edu.pl/",
        ]))
        .err()
        .unwrap();
        assert!(
            clash.starts_with("--public-url:") && clash.contains("uw"),
            "{clash}"
        );
        // Either the file or the single-installation options.
        let both = Options::try_parse_from([
            "usos-gateway",
            "--installations",
            file,
            "--usos-api",
            "https://x.example/",
        ]);
        assert!(both.is_err());
        // A mistake in the file names the file and its line.
        std::fs::write(dir.join("bad.toml"), "[[installation]]\nid = \"UW\"\n").unwrap();
        let bad = Config::from_options(options(&[
            "--installations",
            dir.join("bad.toml").to_str().unwrap(),
            "--public-url",
            "https://mlegitymacja.usos.example/",
        ]))
        .err()
        .unwrap();
        assert!(
            bad.starts_with("--installations:") && bad.contains("bad.toml: line"),
            "{bad}"
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
