//! The monitoring as a university's IT runs it: a real Prometheus (Debian's,
//! on a free loopback port) scrapes a gateway every second with the rules
//! of `deploy/prometheus/usos-gateway-rules.yml`, while usos-sim's ministry
//! is slow, then failing. Only the ministry's alerts may go off; every
//! recording rule, alert and dashboard query is evaluated by Prometheus.
//! Also: `/metrics` passes `promtool check metrics`, and two copies on one
//! database count each order's change once.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum_extra::extract::cookie::{Key, PrivateCookieJar};
use common::{start_many_students_sim, start_push_gateway, PushFiles, MCARD};
use serde_json::{json, Value};
use usos_gateway::session::{CookiePolicy, Session};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The session cookie of a student usos-sim made (its access token),
/// sealed with the test gateways' key (`PushFiles`' session key).
fn cookie_of(student: &Value) -> String {
    let session = Session {
        installation: None,
        token: student["token"].as_str().unwrap().to_owned(),
        secret: student["secret"].as_str().unwrap().to_owned(),
        issued: usos_gateway::session::now_s(),
    };
    let jar = PrivateCookieJar::new(Key::from(&[42u8; 64]))
        .add(CookiePolicy { secure: false }.session_cookie(&session));
    let response = axum::response::IntoResponse::into_response(jar);
    let line = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    line.split(';').next().unwrap().to_owned()
}

/// `count` students whose orders were placed `minutes_ago` and end within
/// four seconds, `errors_percent` of them in "Błąd".
async fn students(
    sim: SocketAddr,
    count: usize,
    minutes_ago: u64,
    errors_percent: u32,
) -> Vec<Value> {
    let answer = reqwest::Client::new()
        .post(format!("http://{sim}/_sim/students"))
        .body(
            json!({
                "count": count,
                "ready_within_ms": 4_000,
                "ordered_minutes_ago": minutes_ago,
                "errors_percent": errors_percent,
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let answer: Value = serde_json::from_str(&answer).unwrap();
    answer["students"].as_array().unwrap().clone()
}

/// The widget's own check of each student's order, through `gateways` in
/// turn (a balancer), until every order has ended; returns the statuses,
/// and how many orders were first seen on their way (an order already
/// ended when first seen has no change to count).
async fn check_until_ended(gateways: &[SocketAddr], students: &[Value]) -> (Vec<String>, usize) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen_on_their_way = None;
    for round in 0.. {
        let mut statuses = Vec::new();
        for (i, student) in students.iter().enumerate() {
            // Each student to the next copy each round.
            let gateway = gateways[(i + round) % gateways.len()];
            let answer = client
                .get(format!("http://{gateway}/{MCARD}"))
                .header("cookie", cookie_of(student))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 200);
            let mcard: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
            statuses.push(mcard["orders"][0]["status"].as_str().unwrap().to_owned());
        }
        let ended = |s: &String| s == "ready" || s == "error";
        let on_their_way =
            *seen_on_their_way.get_or_insert(statuses.iter().filter(|s| !ended(s)).count());
        if statuses.iter().all(ended) {
            return (statuses, on_their_way);
        }
        assert!(
            Instant::now() < deadline,
            "orders still on their way: {statuses:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    unreachable!("the rounds never end")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Prometheus, stopped when dropped.
struct Prometheus {
    child: Child,
    addr: SocketAddr,
    _dir: PathBuf,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    /// Scrapes `gateway` every second as job `usos-gateway`, evaluating the
    /// rules file every second.
    async fn start(gateway: SocketAddr) -> Prometheus {
        let dir = std::env::temp_dir().join(format!("gateway-prometheus-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let rules = repository().join("deploy/prometheus/usos-gateway-rules.yml");
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files: [\"{}\"]\n\
             scrape_configs:\n  - job_name: usos-gateway\n    static_configs:\n      - targets: [\"{gateway}\"]\n",
            rules.canonicalize().unwrap().display()
        );
        std::fs::write(dir.join("prometheus.yml"), config).unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("prometheus.log")).unwrap())
            .spawn()
            .expect("prometheus (Debian's package; scripts/setup installs it)");
        let prometheus = Prometheus {
            child,
            addr,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(answer) = reqwest::get(format!("http://{addr}/-/ready")).await {
                if answer.status() == 200 {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "Prometheus did not start");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        prometheus
    }

    async fn api(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let answer = reqwest::Client::new()
            .get(format!("http://{}/api/v1/{path}", self.addr))
            .query(query)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let answer: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(answer["status"], "success", "{path} {query:?}: {answer}");
        answer["data"].clone()
    }

    /// The instant vector `expr` evaluates to now.
    async fn query(&self, expr: &str) -> Vec<Value> {
        let data = self.api("query", &[("query", expr)]).await;
        data["result"].as_array().unwrap().clone()
    }

    /// Alerts pending or firing: (name, installation, state).
    async fn alerts(&self) -> Vec<(String, String, String)> {
        let data = self.api("alerts", &[]).await;
        let mut alerts: Vec<(String, String, String)> = data["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                (
                    text(&a["labels"]["alertname"]),
                    text(&a["labels"]["installation"]),
                    text(&a["state"]),
                )
            })
            .collect();
        alerts.sort();
        alerts
    }

    /// Waits (up to 30 s) until the gateway has been scraped `n` times.
    async fn wait_for_scrapes(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let scrapes = self
                .query("count_over_time(up{job=\"usos-gateway\"}[5m])")
                .await
                .first()
                .and_then(|s| s["value"][1].as_str()?.parse::<usize>().ok())
                .unwrap_or(0);
            if scrapes >= n {
                return;
            }
            assert!(Instant::now() < deadline, "scraped {scrapes} times");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits (up to 30 s) until `alert` is pending or firing; every alert
    /// seen meanwhile must be one of `allowed`.
    async fn wait_for_alert(&self, alert: &str, allowed: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let alerts = self.alerts().await;
            for (name, _, _) in &alerts {
                assert!(
                    allowed.contains(&name.as_str()),
                    "unexpected alert: {alerts:?}"
                );
            }
            if alerts
                .iter()
                .any(|(name, installation, _)| name == alert && installation == "default")
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{alert} never went off: {alerts:?}"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// The rules file's expressions: (name, expr) of each recording rule and
/// alert (a small reader of its fixed layout: `- record:`/`- alert:`
/// followed by `expr:` on one line).
fn rule_expressions() -> Vec<(String, String, bool)> {
    let text =
        std::fs::read_to_string(repository().join("deploy/prometheus/usos-gateway-rules.yml"))
            .unwrap();
    let mut rules = Vec::new();
    let mut name: Option<(String, bool)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(record) = line.strip_prefix("- record: ") {
            name = Some((record.to_owned(), true));
        } else if let Some(alert) = line.strip_prefix("- alert: ") {
            name = Some((alert.to_owned(), false));
        } else if let Some(expr) = line.strip_prefix("expr: ") {
            let (name, recording) = name.take().expect("expr without a rule");
            rules.push((name, expr.to_owned(), recording));
        }
    }
    rules
}

/// Every query of the Grafana dashboard, with its variables as Grafana
/// would fill them (all installations, a one-minute rate window).
fn dashboard_queries() -> Vec<(String, String)> {
    let text =
        std::fs::read_to_string(repository().join("deploy/grafana/usos-gateway.json")).unwrap();
    let dashboard: Value = serde_json::from_str(&text).unwrap();
    let mut queries = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"]
                .as_str()
                .unwrap()
                .replace("$installation", ".+")
                .replace("$__rate_interval", "1m");
            queries.push((panel["title"].as_str().unwrap().to_owned(), expr));
        }
    }
    queries
}

/// usos-sim with a student per access token (their orders' timing is set
/// by [`students`]), and a gateway's files of the test's own.
async fn sim_and_files(name: &str) -> (SocketAddr, PushFiles) {
    let sim = start_many_students_sim(usos_sim::sim::Delays {
        pending_ms: 1_000,
        processing_ms: 1_000,
    })
    .await;
    (sim, PushFiles::new(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_sees_a_slow_then_a_failing_ministry_and_nothing_else() {
    let (sim, files) = sim_and_files("monitoring").await;
    let gateway = start_push_gateway(sim, &files, 0).await;
    // The check the gateway makes at start and every hour.
    gateway.state.check_installations().await;

    // What the gateway exports is valid as Prometheus reads it.
    let metrics = reqwest::get(format!("http://{}/metrics", gateway.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian's prometheus package)");
    std::io::Write::write_all(&mut promtool.stdin.take().unwrap(), metrics.as_bytes()).unwrap();
    let checked = promtool.wait_with_output().unwrap();
    assert!(
        checked.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );

    let prometheus = Prometheus::start(gateway.addr).await;
    // A few scrapes of a healthy gateway, its counters at zero: no alert
    // at all. (Prometheus starts scraping a few seconds after it is ready;
    // a counter first scraped with orders already in it would hide them
    // from increase().)
    prometheus.wait_for_scrapes(3).await;
    assert_eq!(prometheus.alerts().await, vec![]);

    // A slow ministry: 14 orders placed 40 minutes ago become ready now.
    let slow = students(sim, 14, 40, 0).await;
    let (statuses, slow_seen) = check_until_ended(&[gateway.addr], &slow).await;
    assert!(statuses.iter().all(|s| s == "ready"), "{statuses:?}");
    assert!(slow_seen >= 10, "only {slow_seen} orders seen on their way");
    prometheus
        .wait_for_alert("MinistrySlow", &["MinistrySlow"])
        .await;
    let p90 = prometheus
        .query("installation:usos_gateway_order_ready_seconds:p90_1h")
        .await;
    let p90: f64 = p90[0]["value"][1].as_str().unwrap().parse().unwrap();
    assert!((1_800.0..=3_600.0).contains(&p90), "p90 {p90}");

    // Then failing: 15 quick orders, every one ending in "Błąd" — with the
    // ready ones, about half (over a fifth).
    let failing = students(sim, 15, 3, 100).await;
    let (statuses, failing_seen) = check_until_ended(&[gateway.addr], &failing).await;
    assert!(statuses.iter().all(|s| s == "error"), "{statuses:?}");
    prometheus
        .wait_for_alert("MinistryFailing", &["MinistrySlow", "MinistryFailing"])
        .await;

    // The widget is told the same.
    let wait = reqwest::get(format!("http://{}/wait", gateway.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let wait: Value = serde_json::from_str(&wait).unwrap();
    assert_eq!(wait["orders"], slow_seen);
    assert_eq!(wait["errors"], failing_seen);

    // Every rule and dashboard query evaluates; those over series this run
    // made return data. Without pushes, the push share has nothing to
    // divide; the alerts that are not going off return nothing by design.
    let going_off = ["MinistrySlow", "MinistryFailing"];
    let no_pushes = ["installation:usos_gateway_pushes_failing:ratio_15m"];
    for (name, expr, recording) in rule_expressions() {
        let result = prometheus.query(&expr).await;
        if recording && !no_pushes.contains(&name.as_str()) {
            assert!(
                !result.is_empty(),
                "recording rule {name} ({expr}) has no data"
            );
            assert!(
                !prometheus.query(&name).await.is_empty(),
                "{name} is not recorded"
            );
        }
        if !recording {
            assert_eq!(
                result.is_empty(),
                !going_off.contains(&name.as_str()),
                "alert {name}: {result:?}"
            );
        }
    }
    let no_data_here = [
        // Nothing was pushed, refused or delayed in this run.
        "From the change seen to the push accepted (p95)",
    ];
    for (title, expr) in dashboard_queries() {
        let result = prometheus.query(&expr).await;
        if !no_data_here.contains(&title.as_str()) {
            assert!(
                !result.is_empty(),
                "dashboard panel {title:?} ({expr}) has no data"
            );
        }
    }
    drop(prometheus);
    gateway.stop().await;
}

/// Over `copies`: changes to ready counted, ready orders measured, and
/// every change counted (for the failure's message).
async fn counted_changes(copies: &[SocketAddr]) -> (f64, f64, Vec<String>) {
    let mut ready = 0.0;
    let mut ready_measured = 0.0;
    let mut changes = Vec::new();
    for copy in copies {
        let metrics = reqwest::get(format!("http://{copy}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for line in metrics.lines() {
            let value = || line.rsplit(' ').next().unwrap().parse::<f64>().unwrap();
            if line.starts_with("usos_gateway_order_status_changes_total{") {
                changes.push(format!("{copy}: {line}"));
                if line.contains("to=\"ready\"") {
                    ready += value();
                }
            }
            if line.starts_with("usos_gateway_order_ready_seconds_count{") {
                ready_measured += value();
            }
        }
    }
    (ready, ready_measured, changes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_copies_on_one_database_count_each_change_once() {
    let (sim, files) = sim_and_files("journeys-two-copies").await;
    let a = start_push_gateway(sim, &files, 0).await;
    let b = start_push_gateway(sim, &files, 0).await;
    let orders = students(sim, 8, 0, 0).await;
    // Each student's checks alternate between the copies, as behind a
    // balancer: each copy sees most changes, only one counts each.
    let (_, seen) = check_until_ended(&[a.addr, b.addr], &orders).await;
    // Both copies also see the ended orders again.
    check_until_ended(&[b.addr, a.addr], &orders).await;
    // The copies note what they saw a moment after answering.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (ready, ready_measured, changes) = loop {
        let counted = counted_changes(&[a.addr, b.addr]).await;
        if counted.0 >= seen as f64 || Instant::now() > deadline {
            // A moment more, to catch a count of one change twice.
            tokio::time::sleep(Duration::from_millis(500)).await;
            break counted_changes(&[a.addr, b.addr]).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // An order already ready when first seen has no change to count.
    assert!(seen >= 4, "only {seen} orders seen on their way");
    assert_eq!(
        ready, seen as f64,
        "each order's change to ready counted once: {changes:#?}"
    );
    assert_eq!(
        ready_measured, seen as f64,
        "each order's wait measured once"
    );
    a.stop().await;
    b.stop().await;
}
