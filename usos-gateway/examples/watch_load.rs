//! The watcher under load (`scripts/bench-push`): N open watches on one
//! SQLite file, against usos-sim in OAuth mode with a student of its own per
//! watch, each order ready at a random moment within 10 minutes; usos-sim
//! also plays the push service. Reports the watcher's USOS requests per
//! second, the gateway's CPU and memory, and the time from each order
//! becoming ready to its push accepted (p50, p95), as Markdown.
//!
//! The watches are written into the database directly (sealed as the
//! gateway seals them), as if every student had just subscribed: what is
//! measured is the watcher, not 10 000 sign-ins.
//!
//!   watch_load --watches N --ready-within-s S --bin DIR --out FILE

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use usos_gateway::session::Session;
use usos_gateway::store::{now_ms, NewWatch, Store};
use usos_gateway::vault::Vault;

const KEY: &str = "bench-consumer";
const SECRET: &str = "bench-consumer-secret";

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process, killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// CPU seconds (user + system) and resident memory (MB) of a process.
fn usage(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss_kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    (cpu, rss_kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    let text = client.get(url).send().await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

async fn post_json(client: &reqwest::Client, url: String, body: Value) -> Value {
    let text = client
        .post(url)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::main]
async fn main() {
    let watches: usize = arg("--watches", "10000").parse().unwrap();
    let bin = arg("--bin", "target/server");
    let out = arg("--out", "target/bench/push.md");
    let within_ms: u64 = arg("--ready-within-s", "600").parse::<u64>().unwrap() * 1000;
    let dir = std::env::temp_dir().join(format!("watch-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sim = format!("127.0.0.1:{}", free_port());
    let client = reqwest::Client::new();

    let _sim = Killed(
        Command::new(format!("{bin}/usos-sim"))
            .args(["--addr", &sim, "--control"])
            .args(["--oauth", &format!("{KEY}:{SECRET}")])
            .args(["--dist", dir.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .expect("usos-sim (build it with --profile server)"),
    );
    for _ in 0..100 {
        if client
            .get(format!("http://{sim}/_sim/state"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "watch_load: {watches} students, each with an order ready within {} s",
        within_ms / 1000
    );
    let made = post_json(
        &client,
        format!("http://{sim}/_sim/students"),
        json!({"count": watches, "ready_within_ms": within_ms}),
    )
    .await;
    let students = made["students"].as_array().unwrap().clone();

    // The gateway's keys, and the watches as its handler writes them.
    std::fs::write(dir.join("consumer-secret"), SECRET).unwrap();
    let session_key = [7u8; 64];
    std::fs::write(dir.join("session-key"), session_key).unwrap();
    let vapid = p256::SecretKey::random(&mut rand::rngs::OsRng);
    std::fs::write(
        dir.join("vapid.pem"),
        vapid.to_sec1_pem(Default::default()).unwrap().as_bytes(),
    )
    .unwrap();
    let database = format!("sqlite://{}", dir.join("watches.db").display());
    let store = Store::connect(&database, 4).await.unwrap();
    let vault = Vault::new(&session_key, None);
    let mut ready_at: HashMap<String, u64> = HashMap::new();
    let started_ms = now_ms();
    eprintln!("watch_load: subscribing and writing {watches} watches");
    for (i, student) in students.iter().enumerate() {
        let subscription = post_json(
            &client,
            format!("http://{sim}/_sim/push/subscriptions"),
            json!({}),
        )
        .await;
        let endpoint = subscription["endpoint"].as_str().unwrap();
        let id = endpoint.rsplit('/').next().unwrap().to_owned();
        ready_at.insert(id, student["ready_at_ms"].as_u64().unwrap());
        let session = Session {
            token: student["token"].as_str().unwrap().to_owned(),
            secret: student["secret"].as_str().unwrap().to_owned(),
            issued: 0,
        };
        let now = now_ms();
        store
            .upsert_watch(&NewWatch {
                id: &format!("bench-{i}"),
                owner: &vault.owner(&session),
                endpoint,
                p256dh: subscription["keys"]["p256dh"].as_str().unwrap(),
                auth: subscription["keys"]["auth"].as_str().unwrap(),
                lang: "pl",
                open_url: "http://127.0.0.1/",
                order_id: student["order_id"].as_str().unwrap(),
                last_status: "pending",
                sealed_tokens: &vault.seal(&session),
                now_ms: now,
                ends_at: now + 24 * 3_600_000,
                // Subscribed over the first 10 s, as students who just ordered.
                next_check_at: now + (i as i64 * 10_000 / watches as i64),
                check_interval_ms: 10_000,
            })
            .await
            .unwrap();
    }
    store.close().await;
    let setup_s = (now_ms() - started_ms) as f64 / 1000.0;

    let gateway_addr = format!("127.0.0.1:{}", free_port());
    let path = |name: &str| dir.join(name).display().to_string();
    let gateway = Killed(
        Command::new(format!("{bin}/usos-gateway"))
            .args(["--listen", &gateway_addr])
            .args(["--usos-api", &format!("http://{sim}/")])
            .args(["--consumer-key", KEY])
            .args(["--consumer-secret-file", &path("consumer-secret")])
            .args(["--public-url", &format!("http://{gateway_addr}/")])
            .args(["--session-key-file", &path("session-key")])
            .args(["--vapid-key-file", &path("vapid.pem")])
            .args(["--vapid-subject", "mailto:bench@example.edu"])
            .args(["--database-url", &database])
            .args(["--push-service", &sim])
            .env("USOS_GATEWAY_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("usos-gateway (build it with --profile server)"),
    );
    let pid = gateway.0.id();
    let start = Instant::now();
    let calls = |v: &Value| v["verified_calls"].as_u64().unwrap_or(0);
    let calls_at_start = calls(&get_json(&client, format!("http://{sim}/_sim/oauth")).await);
    let mut peak_rss: f64 = 0.0;
    let mut busiest = 0.0f64;
    let mut last = (calls_at_start, Instant::now());
    let mut delivered = 0;
    let limit = Duration::from_millis(within_ms) + Duration::from_secs(120);
    eprintln!(
        "watch_load: the gateway watches (up to {} s)",
        limit.as_secs()
    );
    while start.elapsed() < limit {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let (cpu, rss) = usage(pid);
        peak_rss = peak_rss.max(rss);
        let now_calls = calls(&get_json(&client, format!("http://{sim}/_sim/oauth")).await);
        busiest = busiest.max((now_calls - last.0) as f64 / last.1.elapsed().as_secs_f64());
        last = (now_calls, Instant::now());
        let messages = get_json(&client, format!("http://{sim}/_sim/push/messages")).await;
        delivered = messages["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["answered"] == 201)
            .count();
        eprintln!(
            "  {:>4} s: {delivered}/{watches} pushed, cpu {cpu:.1} s, rss {rss:.1} MB",
            start.elapsed().as_secs()
        );
        if delivered >= watches {
            break;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let (cpu, rss) = usage(pid);
    let usos_calls =
        calls(&get_json(&client, format!("http://{sim}/_sim/oauth")).await) - calls_at_start;
    let messages = get_json(&client, format!("http://{sim}/_sim/push/messages")).await;
    let mut delays: Vec<f64> = Vec::new();
    let mut per_subscription: HashMap<String, usize> = HashMap::new();
    for m in messages["messages"].as_array().unwrap() {
        if m["answered"] != 201 {
            continue;
        }
        let id = m["subscription"].as_str().unwrap().to_owned();
        *per_subscription.entry(id.clone()).or_default() += 1;
        if let Some(ready) = ready_at.get(&id) {
            delays.push((m["received_at_ms"].as_u64().unwrap() as f64 - *ready as f64) / 1000.0);
        }
    }
    delays.sort_by(|a, b| a.total_cmp(b));
    let twice = per_subscription.values().filter(|n| **n > 1).count();
    // What the open pages would have asked instead: one read every 5 s
    // from the order until it is ready.
    let page_reads: f64 = ready_at
        .values()
        .map(|ready| ((*ready as f64 - started_ms as f64) / 5000.0).max(1.0))
        .sum();
    let db_mb = std::fs::metadata(dir.join("watches.db"))
        .map(|m| m.len())
        .unwrap_or(0) as f64
        / 1e6;
    let report = format!(
        "## Push with the page closed: {watches} open watches on one SQLite file\n\n\
         `scripts/bench-push` (`usos-gateway/examples/watch_load.rs`): {watches} students in usos-sim \
         (OAuth mode, a student of its own per access token), each with an order that becomes ready at a \
         random moment within {} s; {watches} watches written into the gateway's SQLite file as its \
         handler writes them (tokens sealed), due over the first 10 s; then the gateway (server profile, \
         one copy, default options) watches, and usos-sim's push service counts what arrives. Set-up took \
         {setup_s:.0} s and is not counted. Machine: this project's 2-core VM, both servers and the \
         benchmark on it.\n\n\
         | measure | value |\n| --- | --- |\n\
         | pushes accepted | {delivered} of {watches} ({twice} subscriptions got more than one) |\n\
         | time from the order becoming ready to its push accepted | p50 {:.1} s, p95 {:.1} s, max {:.1} s |\n\
         | the watcher's USOS requests | {usos_calls} in {elapsed:.0} s: {:.0}/s on average, {busiest:.0}/s in the busiest 5 s |\n\
         | USOS requests per watch | {:.1} (the open page's own polling, every 5 s until ready, would have been {:.1}) |\n\
         | gateway CPU | {cpu:.0} s over {elapsed:.0} s: {:.0} % of one core on average |\n\
         | gateway memory (RSS) | {rss:.1} MB at the end, {peak_rss:.1} MB at most |\n\
         | database file | {db_mb:.1} MB |\n",
        within_ms / 1000,
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        delays.last().copied().unwrap_or(f64::NAN),
        usos_calls as f64 / elapsed,
        usos_calls as f64 / watches as f64,
        page_reads / watches as f64,
        cpu / elapsed * 100.0,
    );
    println!("{report}");
    if let Some(parent) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&out, report).unwrap();
    drop(gateway);
    let _ = std::fs::remove_dir_all(&dir);
}
