//! The watcher under load (`scripts/bench-push`): N open watches on one
//! database (an SQLite file, or PostgreSQL with `--database-url`) watched
//! by one or more gateway copies (`--copies`), against usos-sim in OAuth
//! mode with a student of its own per watch, each order ready at a random
//! moment within the window; usos-sim also plays the push service. Appends
//! one Markdown table row: the pushes, the time from each order becoming
//! ready to its push accepted (p50, p95), the watchers' USOS requests, the
//! lease query's time, each copy's CPU and the largest memory, PostgreSQL's
//! CPU (`--postgres-data`, its data folder) and the database's size.
//!
//! The watches are written into the database directly (sealed as the
//! gateway seals them), as if every student had just subscribed: what is
//! measured is the watcher, not 10 000 sign-ins.
//!
//!   watch_load --watches N --ready-within-s S [--copies N]
//!              [--database-url URL --postgres-data DIR]
//!              [--max-upstream-concurrency N] --bin DIR --out FILE

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

/// The processes of the PostgreSQL cluster in `data` (its postmaster and
/// backends), found by their command lines and parents.
fn postgres_pids(data: &str) -> Vec<u32> {
    let mut all: Vec<(u32, u32, String)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        all.push((pid, parent, cmdline));
    }
    let Some(postmaster) = all
        .iter()
        .find(|(_, _, cmd)| cmd.contains("postgres") && cmd.contains(data))
        .map(|(pid, _, _)| *pid)
    else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = all
        .iter()
        .filter(|(_, parent, _)| *parent == postmaster)
        .map(|(pid, _, _)| *pid)
        .collect();
    pids.push(postmaster);
    pids
}

/// Adds a Prometheus histogram's cumulative buckets (`le`, count) from
/// `text` into `into`.
fn merge_buckets(into: &mut Vec<(f64, f64)>, text: &str, name: &str) {
    for line in text.lines().filter(|l| l.starts_with(name)) {
        let le = line
            .split("le=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(|v| {
                if v == "+Inf" {
                    f64::INFINITY
                } else {
                    v.parse().unwrap_or(f64::NAN)
                }
            });
        let count = line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok());
        if let (Some(le), Some(count)) = (le, count) {
            match into.iter_mut().find(|(l, _)| *l == le) {
                Some(bucket) => bucket.1 += count,
                None => into.push((le, count)),
            }
        }
    }
    into.sort_by(|a, b| a.0.total_cmp(&b.0));
}

/// The bucket bound (in ms) below which a share `p` of the observations lie.
fn bucket_percentile(buckets: &[(f64, f64)], p: f64) -> f64 {
    let total = buckets.last().map(|b| b.1).unwrap_or(0.0);
    buckets
        .iter()
        .find(|(_, count)| *count >= total * p)
        .map(|(le, _)| le * 1000.0)
        .unwrap_or(f64::NAN)
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
    let copies: usize = arg("--copies", "1").parse().unwrap();
    let concurrency = arg("--max-upstream-concurrency", "64");
    let postgres_data = arg("--postgres-data", "");
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
    let sqlite = format!("sqlite://{}", dir.join("watches.db").display());
    let database = arg("--database-url", &sqlite);
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
            installation: None,
            token: student["token"].as_str().unwrap().to_owned(),
            secret: student["secret"].as_str().unwrap().to_owned(),
            issued: 0,
        };
        let now = now_ms();
        store
            .upsert_watch(&NewWatch {
                id: &format!("bench-{i}"),
                installation: "",
                owner: &vault.owner(&session),
                endpoint,
                p256dh: subscription["keys"]["p256dh"].as_str().unwrap(),
                auth: subscription["keys"]["auth"].as_str().unwrap(),
                lang: "pl",
                open_url: "http://127.0.0.1/",
                order_id: student["order_id"].as_str().unwrap(),
                last_status: "pending",
                sealed_tokens: &vault.seal(&session, ""),
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
    eprintln!(
        "watch_load: set-up took {:.0} s (not counted)",
        (now_ms() - started_ms) as f64 / 1000.0
    );

    let path = |name: &str| dir.join(name).display().to_string();
    let mut gateways = Vec::new();
    for _ in 0..copies {
        let gateway_addr = format!("127.0.0.1:{}", free_port());
        let child = Command::new(format!("{bin}/usos-gateway"))
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
            .args(["--max-upstream-concurrency", &concurrency])
            .env("USOS_GATEWAY_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("usos-gateway (build it with --profile server)");
        gateways.push((Killed(child), gateway_addr));
    }
    let pids: Vec<u32> = gateways.iter().map(|(g, _)| g.0.id()).collect();
    let postgres_cpu = || -> f64 {
        if postgres_data.is_empty() {
            return 0.0;
        }
        postgres_pids(&postgres_data)
            .into_iter()
            .map(|pid| usage(pid).0)
            .sum()
    };
    let postgres_cpu_at_start = postgres_cpu();
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
        let (cpu, rss) = pids
            .iter()
            .map(|p| usage(*p))
            .fold((0.0, 0.0f64), |a, b| (a.0 + b.0, a.1.max(b.1)));
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
    let per_copy: Vec<(f64, f64)> = pids.iter().map(|p| usage(*p)).collect();
    let cpu: f64 = per_copy.iter().map(|u| u.0).sum();
    let rss = per_copy.iter().map(|u| u.1).fold(0.0, f64::max);
    let postgres_cpu_s = postgres_cpu() - postgres_cpu_at_start;
    let mut lease_buckets: Vec<(f64, f64)> = Vec::new();
    for (_, addr) in &gateways {
        let text = client
            .get(format!("http://{addr}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        merge_buckets(
            &mut lease_buckets,
            &text,
            "usos_gateway_lease_query_seconds_bucket",
        );
    }
    let store = Store::connect(&database, 1).await.unwrap();
    let db_mb = store.size_bytes().await.unwrap_or(0) as f64 / 1e6;
    store.close().await;
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
    let backend = if database.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let cpu_cells: Vec<String> = per_copy
        .iter()
        .map(|(c, _)| format!("{:.0} %", c / elapsed * 100.0))
        .collect();
    let report = format!(
        "| {backend} | {copies} ({concurrency}) | {watches} | {delivered} ({twice} twice) | {:.1} s / {:.1} s | {:.0}/s ({busiest:.0}/s at most) | {:.1} ({:.1}) | {:.1} / {:.1} ms | {} | {:.0} MB | {} | {db_mb:.1} MB |\n",
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        usos_calls as f64 / elapsed,
        usos_calls as f64 / watches as f64,
        page_reads / watches as f64,
        bucket_percentile(&lease_buckets, 0.5),
        bucket_percentile(&lease_buckets, 0.95),
        cpu_cells.join(" + "),
        rss,
        if postgres_data.is_empty() {
            "—".to_owned()
        } else {
            format!("{:.0} %", postgres_cpu_s / elapsed * 100.0)
        },
    );
    let _ = cpu;
    println!("{report}");
    if let Some(parent) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&out)
        .unwrap();
    std::io::Write::write_all(&mut file, report.as_bytes()).unwrap();
    drop(gateways);
    let _ = std::fs::remove_dir_all(&dir);
}
