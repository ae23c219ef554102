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
//! With `--installations N` (2 or 3), one gateway for that many
//! universities: usos-sim plays them (each its own consumer), the watches
//! are spread over them, `--slow-ms MS` makes the last one's `mcard` reads
//! take that long, and `--forward-rps R` sends R forwarded `mcard` calls a
//! second, through the gateway, as signed-in students of the others. The
//! row then says, besides, each university's push delays and the forwarded
//! calls' latency (p50, p99), for `scripts/bench-installations`.
//!
//!   watch_load --watches N --ready-within-s S [--copies N]
//!              [--database-url URL --postgres-data DIR]
//!              [--max-upstream-concurrency N] --bin DIR --out FILE
//!              [--installations N [--slow-ms MS]] [--forward-rps R]

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum_extra::extract::cookie::Key;
use serde_json::{json, Value};
use usos_gateway::session::Session;
use usos_gateway::store::{now_ms, NewWatch, Store};
use usos_gateway::vault::Vault;

#[path = "support/bench.rs"]
mod bench;
use bench::{
    arg, free_port, get_json, percentile, post_json, session_cookie, usage, write_gateway_keys,
    Killed,
};

const KEY: &str = "bench-consumer";
const SECRET: &str = "bench-consumer-secret";

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

/// The universities `--installations N` plays, as usos-sim's file names
/// them; the last is slowed with `--slow-ms`.
const UNIVERSITIES: [&str; 3] = ["uw", "ul", "pg"];

#[tokio::main]
async fn main() {
    let watches: usize = arg("--watches", "10000").parse().unwrap();
    let bin = arg("--bin", "target/server");
    let out = arg("--out", "target/bench/push.md");
    let copies: usize = arg("--copies", "1").parse().unwrap();
    let concurrency = arg("--max-upstream-concurrency", "64");
    let postgres_data = arg("--postgres-data", "");
    let within_ms: u64 = arg("--ready-within-s", "600").parse::<u64>().unwrap() * 1000;
    let universities: usize = arg("--installations", "1").parse().unwrap();
    assert!((1..=UNIVERSITIES.len()).contains(&universities));
    let slow_ms: u64 = arg("--slow-ms", "0").parse().unwrap();
    let forward_rps: f64 = arg("--forward-rps", "0").parse().unwrap();
    let ids: Vec<&str> = if universities == 1 {
        vec![""]
    } else {
        UNIVERSITIES[..universities].to_vec()
    };
    let slow_id = (universities > 1 && slow_ms > 0).then(|| ids[universities - 1]);
    let dir = std::env::temp_dir().join(format!("watch-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sim = format!("127.0.0.1:{}", free_port());
    let client = reqwest::Client::new();

    let mut sim_command = Command::new(format!("{bin}/usos-sim"));
    sim_command
        .args(["--addr", &sim, "--control"])
        .args(["--oauth", &format!("{KEY}:{SECRET}")])
        .args(["--dist", dir.to_str().unwrap()]);
    if universities > 1 {
        // Every one issues mLegitymacja here; the last answers slowly.
        let mut file = String::new();
        for id in &ids {
            file.push_str(&format!(
                "[[installation]]\nid = \"{id}\"\nname = {{ pl = \"{id}\", en = \"{id}\" }}\n"
            ));
            if Some(*id) == slow_id {
                file.push_str(&format!("faults = [\"cards/mcard:latency={slow_ms}\"]\n"));
            }
        }
        std::fs::write(dir.join("sim-installations.toml"), file).unwrap();
        sim_command
            .args([
                "--installations",
                dir.join("sim-installations.toml").to_str().unwrap(),
            ])
            .arg("--many-students");
    }
    let _sim = Killed(
        sim_command
            .stdout(Stdio::null())
            .spawn()
            .expect("usos-sim (build it with --profile server)"),
    );
    // Where each university's controls are: the root, or /ID/.
    let base = |id: &str| {
        if id.is_empty() {
            format!("http://{sim}")
        } else {
            format!("http://{sim}/{id}")
        }
    };
    for _ in 0..100 {
        if client
            .get(format!("{}/_sim/state", base(ids[0])))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "watch_load: {watches} students of {universities} universities, each with an order ready within {} s",
        within_ms / 1000
    );
    // (installation, student): the watches spread over the universities.
    let mut students: Vec<(&str, Value)> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let count = watches / universities + usize::from(i < watches % universities);
        let made = post_json(
            &client,
            format!("{}/_sim/students", base(id)),
            json!({"count": count, "ready_within_ms": within_ms}),
        )
        .await;
        for student in made["students"].as_array().unwrap() {
            students.push((id, student.clone()));
        }
    }

    // The gateway's keys, and the watches as its handler writes them.
    std::fs::write(dir.join("consumer-secret"), SECRET).unwrap();
    let mut gateway_installations = String::new();
    for id in ids.iter().filter(|id| !id.is_empty()) {
        std::fs::write(dir.join(format!("{id}.secret")), format!("{SECRET}-{id}")).unwrap();
        gateway_installations.push_str(&format!(
            "[[installation]]\nid = \"{id}\"\nusos_api = \"http://{sim}/{id}/\"\n\
             consumer_key = \"{KEY}-{id}\"\nconsumer_secret_file = \"{id}.secret\"\n\
             name = {{ pl = \"{id}\", en = \"{id}\" }}\n"
        ));
    }
    std::fs::write(dir.join("installations.toml"), gateway_installations).unwrap();
    let session_key = write_gateway_keys(&dir);
    let sqlite = format!("sqlite://{}", dir.join("watches.db").display());
    let database = arg("--database-url", &sqlite);
    let store = Store::connect(&database, 4).await.unwrap();
    let vault = Vault::new(&session_key, None);
    let mut ready_at: HashMap<String, u64> = HashMap::new();
    let mut university_of: HashMap<String, &str> = HashMap::new();
    let mut forwarding_cookies: Vec<String> = Vec::new();
    let cookie_key = Key::from(&session_key);
    let started_ms = now_ms();
    eprintln!("watch_load: subscribing and writing {watches} watches");
    for (i, (installation, student)) in students.iter().enumerate() {
        let subscription = post_json(
            &client,
            format!("http://{sim}/_sim/push/subscriptions"),
            json!({}),
        )
        .await;
        let endpoint = subscription["endpoint"].as_str().unwrap();
        let id = endpoint.rsplit('/').next().unwrap().to_owned();
        ready_at.insert(id.clone(), student["ready_at_ms"].as_u64().unwrap());
        university_of.insert(id, installation);
        let (token, secret) = (
            student["token"].as_str().unwrap(),
            student["secret"].as_str().unwrap(),
        );
        if Some(*installation) != slow_id && forwarding_cookies.len() < 60 {
            forwarding_cookies.push(session_cookie(
                &cookie_key,
                (!installation.is_empty()).then_some(installation),
                token,
                secret,
            ));
        }
        let session = Session {
            installation: None,
            token: token.to_owned(),
            secret: secret.to_owned(),
            issued: 0,
        };
        let now = now_ms();
        store
            .upsert_watch(&NewWatch {
                id: &format!("bench-{i}"),
                installation,
                owner: &vault.owner(&session),
                endpoint,
                p256dh: subscription["keys"]["p256dh"].as_str().unwrap(),
                auth: subscription["keys"]["auth"].as_str().unwrap(),
                lang: "pl",
                open_url: "http://127.0.0.1/",
                order_id: student["order_id"].as_str().unwrap(),
                last_status: "pending",
                sealed_tokens: &vault.seal(&session, installation),
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
        let mut command = Command::new(format!("{bin}/usos-gateway"));
        if universities == 1 {
            command
                .args(["--usos-api", &format!("http://{sim}/")])
                .args(["--consumer-key", KEY])
                .args(["--consumer-secret-file", &path("consumer-secret")]);
        } else {
            command.args(["--installations", &path("installations.toml")]);
        }
        let child = command
            .args(["--listen", &gateway_addr])
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
    let all_calls = |client: reqwest::Client, ids: Vec<String>| async move {
        let mut n = 0;
        for oauth in ids {
            n += calls(&get_json(&client, oauth).await);
        }
        n
    };
    let oauth_urls: Vec<String> = ids
        .iter()
        .map(|id| format!("{}/_sim/oauth", base(id)))
        .collect();
    let calls_at_start = all_calls(client.clone(), oauth_urls.clone()).await;
    // Forwarded calls as signed-in students of the universities that are
    // not slowed, at a steady rate, each call's time kept.
    let forwarded: std::sync::Arc<std::sync::Mutex<Vec<f64>>> = Default::default();
    let forwarding = (forward_rps > 0.0).then(|| {
        let gateway = gateways[0].1.clone();
        let cookies = forwarding_cookies.clone();
        let forwarded = forwarded.clone();
        let client = client.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / forward_rps));
            for i in 0.. {
                tick.tick().await;
                let cookie = cookies[i % cookies.len()].clone();
                let (client, gateway, forwarded) =
                    (client.clone(), gateway.clone(), forwarded.clone());
                tokio::spawn(async move {
                    let asked = Instant::now();
                    let answer = client
                        .get(format!(
                            "http://{gateway}/services/cards/mcard?fields=orders"
                        ))
                        .header("cookie", cookie)
                        .send()
                        .await;
                    if let Ok(answer) = answer {
                        if answer.status().is_success() && answer.bytes().await.is_ok() {
                            forwarded
                                .lock()
                                .unwrap()
                                .push(asked.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                });
            }
        })
    });
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
        let now_calls = all_calls(client.clone(), oauth_urls.clone()).await;
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
    if let Some(forwarding) = forwarding {
        forwarding.abort();
    }
    let usos_calls = all_calls(client.clone(), oauth_urls.clone()).await - calls_at_start;
    let messages = get_json(&client, format!("http://{sim}/_sim/push/messages")).await;
    let mut delays: Vec<f64> = Vec::new();
    let mut delays_by_university: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut per_subscription: HashMap<String, usize> = HashMap::new();
    for m in messages["messages"].as_array().unwrap() {
        if m["answered"] != 201 {
            continue;
        }
        let id = m["subscription"].as_str().unwrap().to_owned();
        *per_subscription.entry(id.clone()).or_default() += 1;
        if let Some(ready) = ready_at.get(&id) {
            let delay = (m["received_at_ms"].as_u64().unwrap() as f64 - *ready as f64) / 1000.0;
            delays.push(delay);
            if let Some(university) = university_of.get(&id) {
                delays_by_university
                    .entry(university)
                    .or_default()
                    .push(delay);
            }
        }
    }
    delays.sort_by(|a, b| a.total_cmp(b));
    for list in delays_by_university.values_mut() {
        list.sort_by(|a, b| a.total_cmp(b));
    }
    let mut forwarded = forwarded.lock().unwrap().clone();
    forwarded.sort_by(|a, b| a.total_cmp(b));
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
    // The other table: each university's pushes and the forwarded calls.
    let report = if universities > 1 || forward_rps > 0.0 {
        let others: Vec<f64> = {
            let mut all: Vec<f64> = delays_by_university
                .iter()
                .filter(|(id, _)| Some(**id) != slow_id)
                .flat_map(|(_, d)| d.iter().copied())
                .collect();
            all.sort_by(|a, b| a.total_cmp(b));
            all
        };
        let slowed = slow_id
            .and_then(|id| delays_by_university.get(id))
            .map_or("—".to_owned(), |d| {
                format!("{:.1} s / {:.1} s", percentile(d, 0.5), percentile(d, 0.95))
            });
        format!(
            "| {universities} | {} | {watches} | {delivered} ({twice} twice) | {:.1} s / {:.1} s / {:.1} s | {slowed} | {} calls: {:.0} / {:.0} ms | {:.0}/s | {} | {:.0} MB |\n",
            slow_id.map_or("none".to_owned(), |id| format!("{id}: {slow_ms} ms")),
            percentile(&others, 0.5),
            percentile(&others, 0.95),
            others.last().copied().unwrap_or(f64::NAN),
            forwarded.len(),
            percentile(&forwarded, 0.5),
            percentile(&forwarded, 0.99),
            usos_calls as f64 / elapsed,
            cpu_cells.join(" + "),
            rss,
        )
    } else {
        report
    };
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
