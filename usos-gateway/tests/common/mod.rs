//! The gateway and usos-sim `--oauth`, each on its own loopback port, and a
//! small browser that keeps cookies and follows nothing by itself.

#![allow(dead_code)]

pub mod postgres;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use usos_gateway::config::{Config, Options};
use usos_gateway::routes::routes;
use usos_gateway::state::AppState;

pub const CONSUMER_KEY: &str = "gateway-test-key";
pub const CONSUMER_SECRET: &str = "gateway-test-consumer-secret-xyz";

/// Serves `app` on a free loopback port.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    addr
}

/// usos-sim in OAuth mode, with its controls, where each access token is a
/// student of their own whose orders take `delays`.
pub async fn start_many_students_sim(delays: usos_sim::sim::Delays) -> SocketAddr {
    start_oauth_sim(delays, true).await
}

/// usos-sim in OAuth mode, with its controls.
pub async fn start_sim() -> SocketAddr {
    let minute = usos_sim::sim::Delays {
        pending_ms: 60_000,
        processing_ms: 60_000,
    };
    start_oauth_sim(minute, false).await
}

async fn start_oauth_sim(delays: usos_sim::sim::Delays, many_students: bool) -> SocketAddr {
    let world = usos_sim::world::SharedWorld::new(
        usos_sim::profiles::Profile::Eligible,
        delays,
        true,
        Vec::new(),
    );
    world.lock().many_students = many_students;
    let app = usos_sim::server::router(
        world,
        &usos_sim::server::ServerOptions {
            dist: PathBuf::from("/nonexistent"),
            control: true,
            csp: true,
            oauth: Some(
                usos_sim::oauth::Consumer::parse(&format!("{CONSUMER_KEY}:{CONSUMER_SECRET}"))
                    .unwrap(),
            ),
        },
    );
    serve(app).await
}

/// The gateway in front of `usos`, with a 1 s upstream time limit.
pub async fn start_gateway(usos: SocketAddr, extra: &[&str]) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let secret = std::env::temp_dir().join(format!(
        "gateway-test-secret-{}-{}",
        std::process::id(),
        addr.port()
    ));
    std::fs::write(&secret, CONSUMER_SECRET).unwrap();
    let mut args = vec![
        "usos-gateway".to_owned(),
        "--usos-api".to_owned(),
        format!("http://{usos}/"),
        "--consumer-key".to_owned(),
        CONSUMER_KEY.to_owned(),
        "--consumer-secret-file".to_owned(),
        secret.display().to_string(),
        "--public-url".to_owned(),
        format!("http://{addr}/"),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let options = <Options as clap::Parser>::try_parse_from(args).unwrap();
    let mut config = Config::from_options(options).unwrap();
    config.upstream_timeout = Duration::from_secs(1);
    let app = routes(AppState::start(config).await.unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    addr
}

/// A gateway with push on, its watcher running, until [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: tokio::sync::watch::Sender<bool>,
    watcher: Option<tokio::task::JoinHandle<()>>,
    server: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops as SIGTERM does: no new connections, the watcher hands back
    /// its leases.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(watcher) = self.watcher.take() {
            watcher.await.unwrap();
        }
        self.server.abort();
        let _ = self.server.await;
    }
}

/// The files a push gateway keeps between starts: its database, session
/// key and VAPID key, in a folder of the test's own.
pub struct PushFiles {
    pub dir: PathBuf,
}

impl PushFiles {
    pub fn new(name: &str) -> PushFiles {
        let dir = std::env::temp_dir().join(format!("gateway-push-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("session-key"), [42u8; 64]).unwrap();
        let key = p256::SecretKey::random(&mut rand::rngs::OsRng);
        let pem = key.to_sec1_pem(Default::default()).unwrap();
        std::fs::write(dir.join("vapid.pem"), pem.as_bytes()).unwrap();
        PushFiles { dir }
    }

    pub fn database(&self) -> PathBuf {
        self.dir.join("watches.db")
    }

    /// Every byte the database left on disk (the file and its journals).
    pub fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(&self.dir).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("watches.db"))
            {
                bytes.extend(std::fs::read(path).unwrap_or_default());
            }
        }
        bytes
    }
}

/// A gateway with push in front of `usos`, whose push service (usos-sim's)
/// is allowed; on `port` when given (a restart keeps its address).
pub async fn start_push_gateway(usos: SocketAddr, files: &PushFiles, port: u16) -> Running {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let secret = files.dir.join("consumer-secret");
    std::fs::write(&secret, CONSUMER_SECRET).unwrap();
    let database = format!("sqlite://{}", files.database().display());
    let args = vec![
        "usos-gateway".to_owned(),
        "--usos-api".to_owned(),
        format!("http://{usos}/"),
        "--consumer-key".to_owned(),
        CONSUMER_KEY.to_owned(),
        "--consumer-secret-file".to_owned(),
        secret.display().to_string(),
        "--public-url".to_owned(),
        format!("http://{addr}/"),
        "--session-key-file".to_owned(),
        files.dir.join("session-key").display().to_string(),
        "--vapid-key-file".to_owned(),
        files.dir.join("vapid.pem").display().to_string(),
        "--vapid-subject".to_owned(),
        "mailto:it@example.edu".to_owned(),
        "--database-url".to_owned(),
        database,
        "--push-service".to_owned(),
        usos.to_string(),
    ];
    let options = <Options as clap::Parser>::try_parse_from(args).unwrap();
    let config = Config::from_options(options).unwrap();
    let state = AppState::start(config).await.unwrap();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let watcher = usos_gateway::push::watcher::start(state.clone(), stopping);
    let app = routes(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Running {
        addr,
        state,
        stop,
        watcher,
        server,
    }
}

/// A browser: keeps cookies per name, follows no redirect by itself.
pub struct Browser {
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    /// Every `Set-Cookie` line seen, for checking attributes.
    pub set_cookie_lines: Vec<String>,
}

/// What came back.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

impl Browser {
    pub fn new() -> Browser {
        Browser::resolving(&[], "127.0.0.1:1".parse().unwrap())
    }

    /// A browser that finds each of `names` (`uw.localhost`) at `addr`, as
    /// a browser does with `*.localhost` names by itself. Its cookies are
    /// one site's: a student on another host name is another `Browser`.
    pub fn resolving(names: &[&str], addr: SocketAddr) -> Browser {
        let mut client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        for name in names {
            client = client.resolve(name, addr);
        }
        Browser {
            client: client.build().unwrap(),
            cookies: BTreeMap::new(),
            set_cookie_lines: Vec::new(),
        }
    }

    pub async fn get(&mut self, url: &str) -> Answer {
        let request = self.client.get(url);
        self.send(request).await
    }

    /// A form POST from a page on `origin`.
    pub async fn post(&mut self, url: &str, form: &str, origin: Option<&str>) -> Answer {
        let mut request = self
            .client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        self.send(request).await
    }

    pub async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Answer {
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            request = request.header("cookie", header.join("; "));
        }
        let response = request.send().await.unwrap();
        for line in response.headers().get_all("set-cookie") {
            let line = line.to_str().unwrap().to_owned();
            let (pair, _) = line.split_once(';').unwrap_or((&line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if line.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
            self.set_cookie_lines.push(line);
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Answer {
            status,
            location,
            headers,
            text,
        }
    }

    /// "Zamów mLegitymację" from the page of the gateway's address `base`
    /// (`http://uw.localhost:PORT/`).
    pub async fn order_at(&mut self, base: &str) -> Answer {
        self.post(
            &format!("{base}services/cards/make_mcard_order"),
            "",
            Some(base.trim_end_matches('/')),
        )
        .await
    }

    /// "Zamów mLegitymację" from the gateway's own page.
    pub async fn order(&mut self, gateway: SocketAddr) -> Answer {
        self.post(
            &format!("http://{gateway}/services/cards/make_mcard_order"),
            "",
            Some(&format!("http://{gateway}")),
        )
        .await
    }

    /// The whole sign-in: gateway → USOS's page → approve → callback.
    /// Returns where the gateway sent the student in the end.
    pub async fn sign_in(&mut self, gateway: SocketAddr, return_to: &str) -> String {
        self.sign_in_at(
            &format!("http://{gateway}/"),
            &format!("return={}", urlencode(return_to)),
        )
        .await
    }

    /// [`Browser::sign_in`] at the gateway's address `base`
    /// (`http://uw.localhost:PORT/`), with `query` for `/auth/login`.
    pub async fn sign_in_at(&mut self, base: &str, query: &str) -> String {
        let login = self.get(&format!("{base}auth/login?{query}")).await;
        assert_eq!(login.status, 303, "{}", login.text);
        let authorize = login.location.unwrap();
        let page = self.get(&authorize).await;
        assert_eq!(page.status, 200);
        assert!(
            page.text.contains("Zaloguj się jako student"),
            "{}",
            page.text
        );
        let token = authorize.split("oauth_token=").nth(1).unwrap().to_owned();
        let sim = authorize.split("/services/").next().unwrap().to_owned();
        let approved = self
            .post(
                &format!("{sim}/services/oauth/authorize"),
                &format!("oauth_token={token}"),
                None,
            )
            .await;
        assert_eq!(approved.status, 303);
        let callback = approved.location.unwrap();
        assert!(
            callback.starts_with(&format!("{base}auth/callback?")),
            "{callback}"
        );
        let back = self.get(&callback).await;
        assert_eq!(back.status, 303, "{}", back.text);
        back.location.unwrap()
    }
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// usos-sim's `/_sim/state` and `/_sim/oauth`.
pub async fn sim_json(sim: SocketAddr, path: &str) -> Value {
    get_json(&format!("http://{sim}/_sim/{path}")).await
}

/// The JSON a GET of `url` answers.
pub async fn get_json(url: &str) -> Value {
    let text = reqwest::get(url).await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

pub async fn set_faults(sim: SocketAddr, faults: &[&str]) {
    let response = reqwest::Client::new()
        .post(format!("http://{sim}/_sim/faults"))
        .body(serde_json::json!({ "faults": faults }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

pub const MCARD: &str =
    "services/cards/mcard?fields=why_cannot_order|planned_expiration_date|why_cannot_revoke|orders";

/// A gateway copy as its own process (the real binary), with push on the
/// database at `database_url`, sharing `files`' keys with other copies;
/// its log goes to `files.dir/{name}.log`.
pub fn spawn_push_gateway(
    usos: SocketAddr,
    files: &PushFiles,
    database_url: &str,
    name: &str,
    extra: &[&str],
) -> (std::process::Child, SocketAddr) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    spawn_push_gateway_at(usos, files, database_url, name, addr, extra)
}

/// [`spawn_push_gateway`] on a given address (a restart keeps it).
pub fn spawn_push_gateway_at(
    usos: SocketAddr,
    files: &PushFiles,
    database_url: &str,
    name: &str,
    addr: SocketAddr,
    extra: &[&str],
) -> (std::process::Child, SocketAddr) {
    let secret = files.dir.join("consumer-secret");
    std::fs::write(&secret, CONSUMER_SECRET).unwrap();
    let one = [
        "--usos-api".to_owned(),
        format!("http://{usos}/"),
        "--consumer-key".to_owned(),
        CONSUMER_KEY.to_owned(),
        "--consumer-secret-file".to_owned(),
        secret.display().to_string(),
    ];
    let mut args: Vec<&str> = one.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    spawn_gateway_with(usos, files, database_url, name, addr, &args)
}

/// A gateway copy as its own process with push on `database_url`, the
/// installations given by `args` (the single-installation options, or
/// `--installations FILE`), the push service of the usos-sim at `sim`.
pub fn spawn_gateway_with(
    sim: SocketAddr,
    files: &PushFiles,
    database_url: &str,
    name: &str,
    addr: SocketAddr,
    args: &[&str],
) -> (std::process::Child, SocketAddr) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(files.dir.join(format!("{name}.log")))
        .unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_usos-gateway"))
        .args(["--listen", &addr.to_string()])
        .args(["--public-url", &format!("http://{addr}/")])
        .args([
            "--session-key-file",
            files.dir.join("session-key").to_str().unwrap(),
        ])
        .args([
            "--vapid-key-file",
            files.dir.join("vapid.pem").to_str().unwrap(),
        ])
        .args(["--vapid-subject", "mailto:it@example.edu"])
        .args(["--database-url", database_url])
        .args(["--push-service", &sim.to_string()])
        .args(args)
        .env("USOS_GATEWAY_LOG", "info,usos_gateway=debug")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    (child, addr)
}

/// Waits until `addr` answers `/healthz`.
pub async fn wait_until_up(addr: SocketAddr) {
    for _ in 0..200 {
        if let Ok(answer) = reqwest::get(format!("http://{addr}/healthz")).await {
            if answer.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the gateway at {addr} did not come up");
}

/// From a copy's log (`USOS_GATEWAY_LOG=…usos_gateway=debug`): for each
/// watch, the spans (start, end; RFC 3339 times) this copy worked on it.
pub fn work_spans(log: &str) -> std::collections::HashMap<String, Vec<(String, String)>> {
    let mut open: std::collections::HashMap<String, String> = Default::default();
    let mut spans: std::collections::HashMap<String, Vec<(String, String)>> = Default::default();
    for line in log.lines() {
        let Some(time) = line.split_whitespace().next() else {
            continue;
        };
        let Some(id) = line
            .split("watch=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
        else {
            continue;
        };
        if line.contains("watch taken") {
            open.insert(id.to_owned(), time.to_owned());
        } else if line.contains("watch let go") {
            if let Some(start) = open.remove(id) {
                spans
                    .entry(id.to_owned())
                    .or_default()
                    .push((start, time.to_owned()));
            }
        }
    }
    // Still open at the end of the log (a killed copy): open until "now".
    for (id, start) in open {
        spans
            .entry(id)
            .or_default()
            .push((start, "9999".to_owned()));
    }
    spans
}

/// Whether two copies' logs show one watch worked on by both at once.
pub fn overlapping_work(a: &str, b: &str) -> Vec<String> {
    let (a, b) = (work_spans(a), work_spans(b));
    let mut overlaps = Vec::new();
    for (id, spans_a) in &a {
        for span_b in b.get(id).into_iter().flatten() {
            for span_a in spans_a {
                // RFC 3339 UTC times of one format compare as text.
                if span_a.0 < span_b.1 && span_b.0 < span_a.1 {
                    overlaps.push(format!("{id}: {span_a:?} and {span_b:?}"));
                }
            }
        }
    }
    overlaps
}
