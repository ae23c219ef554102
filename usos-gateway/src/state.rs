//! What every handler shares: the settings, the installations, the cookie
//! keys, the limits, the metrics and push. Handlers import it; the router
//! imports the handlers; nothing imports the router.

use std::sync::{Arc, RwLock, Weak};

use axum::extract::FromRef;
use axum::http::{header, HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Key, PrivateCookieJar};
use secrecy::ExposeSecret;

use crate::config::{Config, PushConfig};
use crate::error::GatewayError;
use crate::installation::{Defaults, Installation, Installations, Place};
use crate::installations_file::InstallationSettings;
use crate::journey::{self, Journeys};
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::push::send::Sender;
use crate::push::Push;
use crate::session::{CookiePolicy, Session};
use crate::store::Store;
use crate::vault::Vault;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    pub config: Config,
    /// Swapped whole when the installations file is read again.
    installations: RwLock<Arc<Installations>>,
    pub key: Key,
    /// The key before the last rotation: its cookies still open.
    pub previous_key: Option<Key>,
    pub metrics: Metrics,
    /// Each student's rate.
    pub limits: Limits,
    /// The Content-Security-Policy of pages on the shared address.
    pub shared_csp: HeaderValue,
    /// Web Push and its watches, when offered (`--vapid-key-file`).
    pub push: Option<Push>,
    /// The orders' journeys: status changes, and the wait now.
    pub journeys: Journeys,
    /// What answers showed of orders, in the order they came, to one task
    /// that notes them (see [`AppState::note_answer`]).
    sightings: tokio::sync::mpsc::Sender<(&'static str, journey::Sighting)>,
}

/// How many sightings may wait to be noted; beyond, new ones are dropped
/// (a rush the database cannot follow loses a few changes, not memory).
const SIGHTINGS_WAITING: usize = 10_000;

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.key.clone()
    }
}

/// A signed-in student and the installation their session belongs to.
pub struct Student {
    pub installation: Arc<Installation>,
    pub session: Session,
}

impl AppState {
    /// The state for `config`, with push when it is configured: its
    /// database opened (created, migrated) first.
    pub async fn start(mut config: Config) -> Result<AppState, String> {
        let Some(push_config) = config.push.take() else {
            return AppState::new(config, None);
        };
        let store = Store::connect(&push_config.database_url, push_config.max_connections).await?;
        AppState::new(config, Some((push_config, store)))
    }

    /// The state for `config`: the installations, and the cookie key (the
    /// configured one, else a random one for this process).
    fn new(mut config: Config, push: Option<PushParts>) -> Result<AppState, String> {
        let settings = std::mem::take(&mut config.installations);
        let installations = build_installations(&config, settings)?;
        let shared_csp = HeaderValue::from_str(&widget_hosting::policy_framed_by(
            &config.allowed_origins[1..],
        ))
        .map_err(|_| "--allowed-origin: not usable in a header".to_owned())?;
        let key = match &config.session_key {
            Some(bytes) => Key::from(bytes.expose_secret()),
            None => Key::generate(),
        };
        let previous_key = config
            .previous_session_key
            .as_ref()
            .map(|bytes| Key::from(bytes.expose_secret()));
        let journeys = Journeys::new(
            push.as_ref().map(|(_, store)| store.clone()),
            derive_key(key.master(), b"order keys v1"),
        );
        let push = match push {
            None => None,
            Some((push_config, store)) => Some(Push {
                store,
                vault: Vault::new(key.master(), previous_key.as_ref().map(|k| k.master())),
                sender: Sender::new(push_config.vapid, push_config.subject)?,
                services: push_config.services,
                watch_lifetime: push_config.watch_lifetime,
                holder: crate::push::holder_name(),
                lease: push_config.lease,
            }),
        };
        let metrics = Metrics::default();
        for installation in installations.all() {
            metrics.initialize(installation.label);
        }
        let (sightings, waiting) = tokio::sync::mpsc::channel(SIGHTINGS_WAITING);
        let shared = Arc::new(Shared {
            sightings,
            push,
            limits: Limits::default(),
            metrics,
            installations: RwLock::new(Arc::new(installations)),
            shared_csp,
            journeys,
            previous_key,
            config,
            key,
        });
        tokio::spawn(note_sightings(Arc::downgrade(&shared), waiting));
        Ok(AppState(shared))
    }

    /// The installations served now.
    pub fn installations(&self) -> Arc<Installations> {
        self.installations
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reads the installations file again (SIGHUP): the new list serves the
    /// next requests; requests under way finish with the one they began
    /// with. A file with a mistake changes nothing.
    pub fn reload_installations(&self) -> Result<usize, String> {
        let Some(path) = &self.config.installations_file else {
            return Err("no --installations file to read again".to_owned());
        };
        let settings = crate::installations_file::read(path)?;
        let installations = build_installations(&self.config, settings)?;
        for installation in installations.all() {
            self.metrics.initialize(installation.label);
        }
        let count = installations.all().len();
        *self
            .installations
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Arc::new(installations);
        Ok(count)
    }

    /// Where a request stands, by its `Host`.
    pub fn place(&self, headers: &HeaderMap) -> Place {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        self.installations().place(host)
    }

    /// The cookies' names and attributes at `place`: `Secure` (and the
    /// `__Host-` prefix) wherever its address is https.
    pub fn cookies(&self, place: &Place) -> CookiePolicy {
        CookiePolicy {
            secure: place.public_url(&self.installations()).scheme() == "https",
        }
    }

    /// The origins whose pages may call at `place`, its own first.
    pub fn allowed_origins(&self, place: &Place) -> Vec<String> {
        match place {
            Place::Own(installation) => installation.allowed_origins.clone(),
            Place::Shared => self.config.allowed_origins.clone(),
        }
    }

    /// The student's session from the cookie sealed with the current key,
    /// else with the previous one (during a key rotation).
    pub fn open_session(
        &self,
        jar: &PrivateCookieJar,
        headers: &HeaderMap,
        place: &Place,
    ) -> Option<Session> {
        let cookies = self.cookies(place);
        cookies.session(jar).or_else(|| {
            let previous = PrivateCookieJar::from_headers(headers, self.previous_key.clone()?);
            cookies.session(&previous)
        })
    }

    /// The signed-in student at `place`, with their installation: 401
    /// without a session, with a session of an installation that is not
    /// served, or of another installation than the host's.
    pub fn student(
        &self,
        jar: &PrivateCookieJar,
        headers: &HeaderMap,
        place: &Place,
    ) -> Result<Student, GatewayError> {
        let session = self
            .open_session(jar, headers, place)
            .ok_or(GatewayError::Unauthorized)?;
        let installations = self.installations();
        let installation = match session.installation.as_deref() {
            Some(id) => installations.by_id(id),
            // Sealed before the gateway served many installations.
            None => installations.single(),
        }
        .ok_or(GatewayError::Unauthorized)?;
        if let Place::Own(here) = place {
            if here.id != installation.id {
                return Err(GatewayError::Unauthorized);
            }
        }
        Ok(Student {
            installation: installation.clone(),
            session,
        })
    }

    /// Every minute, forgets quiet sessions' rate counters; every
    /// `--installation-check-seconds` (and at once), asks each installation
    /// whether it issues mLegitymacja, all at once, none waiting on another.
    pub fn start_housekeeping(&self) {
        let state = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                state.limits.forget_quiet_sessions();
            }
        });
        let state = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(state.config.installation_check);
            loop {
                every.tick().await;
                state.check_installations().await;
            }
        });
    }

    /// Notes what an answer of `installation`'s USOS to `method` shows of
    /// the newest order: its status change (counted once across copies),
    /// and, reaching "Do odbioru" or "Błąd", how long it took. The answer
    /// is read here; the rest is done by one task, in the order the answers
    /// came, after the student has theirs — so that two answers about one
    /// order are never noted the wrong way round.
    pub fn note_answer(&self, installation: &Installation, method: &str, body: &[u8]) {
        if let Some(sighting) = journey::newest_order(method, body, &installation.status_codes) {
            let _ = self.sightings.try_send((installation.label, sighting));
        }
    }

    /// Asks each installation now; one that does not answer stops none of the others.
    pub async fn check_installations(&self) {
        let installations = self.installations();
        let mut asking = tokio::task::JoinSet::new();
        for installation in installations.all().iter().cloned() {
            asking.spawn(async move {
                let support = installation.check_support().await;
                (installation, support)
            });
        }
        while let Some(Ok((installation, support))) = asking.join_next().await {
            self.metrics
                .installation_checked(installation.label, support);
        }
    }
}

/// 32 bytes for `purpose`, derived from the session key.
fn derive_key(master: &[u8], purpose: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    // 32 bytes: always within HKDF-SHA256's limit.
    let _ =
        hkdf::Hkdf::<sha2::Sha256>::new(Some(b"usos-gateway"), master).expand(purpose, &mut key);
    key
}

/// Push's settings with its opened database.
type PushParts = (PushConfig, Store);

fn build_installations(
    config: &Config,
    settings: Vec<InstallationSettings>,
) -> Result<Installations, String> {
    let defaults = Defaults {
        shared_origins: config.allowed_origins.clone(),
        max_upstream_concurrency: config.max_upstream_concurrency,
        installation_cache: config.installation_cache,
        upstream_timeout: config.upstream_timeout,
    };
    let all = settings
        .into_iter()
        .map(|s| Installation::new(s, &defaults))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Installations::new(all, config.public_url.clone()))
}

/// A request that names an installation (an `installation` argument) other
/// than the one it is for: refused like a foreign session.
pub fn names_another(args: &[(String, String)], installation: &Installation) -> bool {
    args.iter()
        .any(|(name, value)| name == "installation" && value != &installation.id)
}

/// Notes each sighting in turn, until the state is gone.
async fn note_sightings(
    state: Weak<Shared>,
    mut waiting: tokio::sync::mpsc::Receiver<(&'static str, journey::Sighting)>,
) {
    while let Some((installation, sighting)) = waiting.recv().await {
        let Some(state) = state.upgrade() else {
            return;
        };
        let now = crate::session::now_s() as i64;
        if let Some(change) = state.journeys.saw(installation, &sighting, now).await {
            state.metrics.journey(installation, &change);
        }
    }
}
