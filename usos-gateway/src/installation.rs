//! A USOS installation the gateway serves, with everything that is its own:
//! its API and the application's key there, its status codes, its help
//! contact, its limits (a bulkhead: one slow university fills only its own
//! places), its `installation` cache, what it answered about mLegitymacja,
//! and its metrics label. Handlers and the watcher get one from the
//! request's host name or the student's session, at the edge, and pass it
//! on; nothing looks one up by id deeper in.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::http::{HeaderValue, Method};
use mcard_common::status::StatusCodes;
use serde_json::json;
use tokio::sync::Semaphore;
use url::Url;

use crate::address;
use crate::cache::InstallationCache;
use crate::installations_file::{HelpContact, InstallationSettings, Names};
use crate::limits::Bulkhead;
use crate::upstream::Usos;

/// What an installation last said about mLegitymacja.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Not asked yet.
    Unknown = 0,
    /// `mcards_support: true`.
    Offered = 1,
    /// `mcards_support: false`: listed, without sign-in.
    NotOffered = 2,
    /// It did not answer when last asked (its students may still try).
    Unreachable = 3,
}

/// One installation, ready to serve.
pub struct Installation {
    pub id: String,
    /// `id`, kept for the life of the process: metrics labels are
    /// `&'static str`, so counting allocates nothing.
    pub label: &'static str,
    pub name: Names,
    pub acronyms: Vec<String>,
    pub other_names: Vec<String>,
    /// Its USOS API, signed with the application's key there; `None`
    /// while the file has no key for it.
    pub usos: Option<Usos>,
    pub usos_api: Url,
    /// Its own address for the widget, if it has one.
    pub public_url: Option<Url>,
    /// The origins whose pages may call it: its pages' own (first), and
    /// those that embed it.
    pub allowed_origins: Vec<String>,
    pub status_codes: StatusCodes,
    pub help: Option<HelpContact>,
    /// Calls to its USOS under way at once: forwarded calls take a place
    /// or get 429; the watcher waits for one.
    pub upstream: Bulkhead,
    /// The watcher's reads under way at once, at most half the places, so
    /// that students' own calls always have the other half.
    pub watcher_slots: Arc<Semaphore>,
    pub cache: InstallationCache,
    /// The Content-Security-Policy of pages served for it (who may frame them).
    pub csp: HeaderValue,
    support: AtomicU8,
    /// How far behind the ministry is, in seconds, as the watcher last
    /// measured it (`push::schedule::backlog`); `u64::MAX`: not known.
    ministry_backlog_s: AtomicU64,
}

impl std::fmt::Debug for Installation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Installation")
            .field("id", &self.id)
            .finish()
    }
}

/// The shared settings an installation's limits start from.
pub struct Defaults {
    /// The shared address's origin, then the origins allowed there
    /// (`--allowed-origin`): an installation without an address of its own
    /// is served there.
    pub shared_origins: Vec<String>,
    pub max_upstream_concurrency: usize,
    pub installation_cache: Duration,
    pub upstream_timeout: Duration,
}

impl Installation {
    pub fn new(
        settings: InstallationSettings,
        defaults: &Defaults,
    ) -> Result<Installation, String> {
        let usos = match &settings.consumer {
            Some(consumer) => Some(Usos::new(
                &settings.usos_api,
                &consumer.key,
                secrecy::ExposeSecret::expose_secret(&consumer.secret),
                defaults.upstream_timeout,
            )?),
            None => None,
        };
        // Its pages' origin first: its own address's, or the shared one's
        // (with the origins allowed there) where it has none.
        let mut allowed_origins = match &settings.public_url {
            Some(url) => vec![url.origin().ascii_serialization()],
            None => defaults.shared_origins.clone(),
        };
        for origin in settings.allowed_origins {
            if !allowed_origins.contains(&origin) {
                allowed_origins.push(origin);
            }
        }
        let csp =
            HeaderValue::from_str(&widget_hosting::policy_framed_by(&allowed_origins[1..]))
                .map_err(|_| format!("{}: allowed_origins not usable in a header", settings.id))?;
        let places = settings
            .max_upstream_concurrency
            .unwrap_or(defaults.max_upstream_concurrency);
        Ok(Installation {
            label: label(&settings.id),
            id: settings.id,
            name: settings.name,
            acronyms: settings.acronyms,
            other_names: settings.other_names,
            usos,
            usos_api: settings.usos_api,
            public_url: settings.public_url,
            allowed_origins,
            status_codes: settings.status_codes,
            help: settings.help,
            upstream: Bulkhead::new(places),
            watcher_slots: Arc::new(Semaphore::new((places / 2).max(1))),
            cache: InstallationCache::new(defaults.installation_cache),
            csp,
            support: AtomicU8::new(Support::Unknown as u8),
            ministry_backlog_s: AtomicU64::new(u64::MAX),
        })
    }

    /// What it last said about mLegitymacja.
    pub fn support(&self) -> Support {
        match self.support.load(Ordering::Relaxed) {
            1 => Support::Offered,
            2 => Support::NotOffered,
            3 => Support::Unreachable,
            _ => Support::Unknown,
        }
    }

    pub fn set_support(&self, support: Support) {
        self.support.store(support as u8, Ordering::Relaxed);
    }

    /// How far behind the ministry is for this installation's orders, as
    /// last measured; `None`: not known.
    pub fn ministry_backlog(&self) -> Option<Duration> {
        match self.ministry_backlog_s.load(Ordering::Relaxed) {
            u64::MAX => None,
            seconds => Some(Duration::from_secs(seconds)),
        }
    }

    pub fn set_ministry_backlog(&self, backlog: Option<Duration>) {
        let seconds = backlog.map_or(u64::MAX, |b| b.as_secs().min(u64::MAX - 1));
        self.ministry_backlog_s.store(seconds, Ordering::Relaxed);
    }

    /// Whether its students may sign in here: it has a key, and it has not
    /// said that it does not issue mLegitymacja.
    pub fn available(&self) -> bool {
        self.usos.is_some() && self.support() != Support::NotOffered
    }

    /// The host names its students find it under, for the picker's search.
    pub fn domains(&self) -> Vec<String> {
        let mut domains: Vec<String> = [Some(&self.usos_api), self.public_url.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|u| u.host_str().map(str::to_owned))
            .collect();
        domains.dedup();
        domains
    }

    /// Asks its USOS whether it issues mLegitymacja (a public call), and
    /// keeps the answer; an installation without a key is not asked.
    pub async fn check_support(&self) -> Support {
        let Some(usos) = &self.usos else {
            return self.support();
        };
        let args = [("fields".to_owned(), "mcards_support".to_owned())];
        let support = match usos
            .call(&Method::GET, "services/apisrv/installation", &args, None)
            .await
        {
            Ok(answer) if answer.status.is_success() => {
                match serde_json::from_slice::<serde_json::Value>(&answer.body)
                    .ok()
                    .and_then(|v| v.get("mcards_support").and_then(|s| s.as_bool()))
                {
                    Some(true) => Support::Offered,
                    Some(false) => Support::NotOffered,
                    None => Support::Unreachable,
                }
            }
            _ => Support::Unreachable,
        };
        self.set_support(support);
        support
    }

    /// The entry of `GET /installations`: what a student may see of it.
    pub fn listing(&self) -> serde_json::Value {
        json!({
            "id": self.id,
            "name": self.name,
            "acronyms": self.acronyms,
            "other_names": self.other_names,
            "domains": self.domains(),
            "available": self.available(),
        })
    }

    /// What `/readyz` says of it.
    pub fn readiness(&self) -> serde_json::Value {
        json!({
            "configured": self.usos.is_some(),
            "usos": match self.support() {
                Support::Unknown => "unknown",
                Support::Unreachable => "unreachable",
                Support::Offered | Support::NotOffered => "answering",
            },
            "mcards_support": match self.support() {
                Support::Offered => json!(true),
                Support::NotOffered => json!(false),
                _ => json!(null),
            },
            "calls_under_way": self.upstream.in_use(),
        })
    }
}

/// A label that lives as long as the process. Installation ids are
/// bounded by the file, and each is kept once, however often the file is
/// read again.
fn label(id: &str) -> &'static str {
    static LABELS: OnceLock<Mutex<Vec<&'static str>>> = OnceLock::new();
    let mut labels = LABELS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(known) = labels.iter().find(|l| **l == id) {
        return known;
    }
    let leaked: &'static str = Box::leak(id.to_owned().into_boxed_str());
    labels.push(leaked);
    leaked
}

/// Where a request stands, by its host name.
#[derive(Clone, Debug)]
pub enum Place {
    /// An installation's own host (or the only installation's, on the
    /// shared host of a deployment with one).
    Own(Arc<Installation>),
    /// The shared host: the student picks their university.
    Shared,
}

/// Every installation the deployment serves, and the shared address.
pub struct Installations {
    all: Vec<Arc<Installation>>,
    /// The shared address (`--public-url`).
    pub shared_url: Url,
}

impl Installations {
    pub fn new(all: Vec<Installation>, shared_url: Url) -> Installations {
        Installations {
            all: all.into_iter().map(Arc::new).collect(),
            shared_url,
        }
    }

    pub fn all(&self) -> &[Arc<Installation>] {
        &self.all
    }

    pub fn by_id(&self, id: &str) -> Option<&Arc<Installation>> {
        self.all.iter().find(|i| i.id == id)
    }

    /// The one installation of a deployment that has one.
    pub fn single(&self) -> Option<&Arc<Installation>> {
        match self.all.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// Where a request to `host` (its `Host` header) stands: an
    /// installation whose own address has that host, else the shared host,
    /// where a deployment of one installation still means that one.
    pub fn place(&self, host: Option<&str>) -> Place {
        let own = host.and_then(|host| {
            self.all.iter().find(|i| {
                i.public_url
                    .as_ref()
                    .is_some_and(|url| address::host_matches(host, url))
            })
        });
        match own.or_else(|| self.single()) {
            Some(installation) => Place::Own(installation.clone()),
            None => Place::Shared,
        }
    }
}

impl Place {
    /// The address students use here: the installation's own, else the shared one.
    pub fn public_url<'a>(&'a self, installations: &'a Installations) -> &'a Url {
        match self {
            Place::Own(installation) => installation
                .public_url
                .as_ref()
                .unwrap_or(&installations.shared_url),
            Place::Shared => &installations.shared_url,
        }
    }

    pub fn installation(&self) -> Option<&Arc<Installation>> {
        match self {
            Place::Own(installation) => Some(installation),
            Place::Shared => None,
        }
    }
}
