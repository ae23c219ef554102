//! The October rush, run for real (`scripts/bench-rush`): usos-sim in OAuth
//! mode with the ministry as a queue (`--ministry-per-minute`,
//! `--ministry-errors`), the gateway in front of it (one copy, an SQLite
//! file, usos-sim also the push service), and STUDENTS signed-in students
//! who order through the gateway at uniform moments within WITHIN seconds.
//!
//! Half keep the page open and check their order as the widget does: on
//! the widget's own schedule (`domain::polling::next_poll_ms`, from the
//! order's age, honouring `Retry-After`), with the widget's own requests
//! (`api::request`), `mcard` and, once the order is ready, `mcard_order`.
//! The other half read once, turn push on through the gateway 10 s after
//! ordering and close the page: the gateway's watcher reads their orders,
//! and usos-sim receives the pushes.
//!
//! Reported, as Markdown on standard output: the requests that reached
//! USOS per second (average, busiest minute, busiest 5 s), beside what
//! today's fixed 5 s checks would have asked for the same open pages (their
//! reads computed from each order's real timeline; every other request, the
//! watcher's included, counted the same on both sides); the gateway's CPU
//! and largest memory; how long after the order ended (usos-sim's own
//! timeline, `/_sim/orders`) each student was told, by the badge or by the
//! push; how many pushes each watched student got; what the widget said
//! about the wait (`GET /wait` each minute, worded by the widget's
//! `message`) against the real waits of the orders then on their way.
//! Only 127.0.0.1 is contacted.
//!
//!   rush-load [--students 5000] [--within-s 600] [--per-minute 50]
//!             [--errors-percent 2] [--bin target/server]

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum_extra::extract::cookie::Key;
use mcard_common::fields::MCARD_PATH;
use mlegitymacja::api::request::ApiRequest;
use mlegitymacja::api::types::{Mcard, OrderDetails, WaitNow};
use mlegitymacja::domain::polling::{next_poll_ms, PollInput};
use mlegitymacja::domain::status::OrderStatus;
use october_rush::wait_said;
use serde_json::json;

#[path = "../../../../usos-gateway/examples/support/bench.rs"]
mod bench;
use bench::{
    arg, free_port, get_json, percentile, post_json, session_cookie, usage, write_gateway_keys,
    Killed,
};
#[path = "../../../../examples/support/lcg.rs"]
mod lcg;
use lcg::Lcg;

const KEY: &str = "rush-consumer";
const SECRET: &str = "rush-consumer-secret";
/// A student with push on subscribes this long after ordering.
const SUBSCRIBES_AFTER: Duration = Duration::from_secs(10);
/// Today's fixed schedule, the comparison.
const FIXED_S: f64 = 5.0;

fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// What the students' tasks share: where to send, and what they counted.
struct Rush {
    client: reqwest::Client,
    gateway: String,
    started: Instant,
    /// The open pages' checks that reached USOS, by second of the run.
    page_reads: Vec<AtomicU64>,
    /// Every other request of the students' that reached USOS: the
    /// orders, the push students' one read, the subscriptions' reads.
    other_calls: AtomicU64,
    /// Answers the gateway gave itself (429, with `Retry-After`).
    refused: AtomicU64,
    /// Requests that failed otherwise (an error answer, no answer).
    failed: AtomicU64,
    /// (order, Unix ms) when an open page showed the order ended.
    told_by_badge: Mutex<Vec<(String, u64)>>,
    /// Push subscription → order.
    watched: Mutex<HashMap<String, String>>,
}

/// One request's outcome, as the page sees it.
enum Answer {
    Ok(String),
    /// Refused by the gateway before USOS: wait this many seconds.
    Refused(Option<u32>),
    Failed,
}

impl Rush {
    fn second(&self) -> usize {
        (self.started.elapsed().as_secs() as usize).min(self.page_reads.len() - 1)
    }

    async fn send(&self, request: ApiRequest, cookie: &str) -> Answer {
        let url = format!("{}{}", self.gateway, request.url);
        let builder = match request.body {
            None => self.client.get(url),
            Some(body) => self
                .client
                .post(url)
                .header("origin", self.gateway.trim_end_matches('/'))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        };
        let Ok(answer) = builder.header("cookie", cookie).send().await else {
            self.failed.fetch_add(1, Ordering::Relaxed);
            return Answer::Failed;
        };
        let status = answer.status();
        let retry_after = answer
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let body = answer.text().await.unwrap_or_default();
        if status == 429 {
            self.refused.fetch_add(1, Ordering::Relaxed);
            Answer::Refused(retry_after)
        } else if status.is_success() {
            Answer::Ok(body)
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed);
            Answer::Failed
        }
    }
}

fn read_mcard() -> ApiRequest {
    ApiRequest::get("", MCARD_PATH, &[("fields", &Mcard::FIELDS.ask(true))])
}

/// The newest order's number and status in an `mcard` answer.
fn newest(body: &str) -> Option<(String, OrderStatus)> {
    let mcard: Mcard = serde_json::from_str(body).ok()?;
    mcard
        .latest_order()
        .map(|o| (o.id.clone(), o.status.clone()))
}

/// A student who keeps the page open: checks on the widget's schedule
/// until the badge shows the order ended, then reads its codes once.
async fn open_page(rush: Arc<Rush>, cookie: String, placed: Instant, jitter: u32) {
    let mut input = PollInput::watching(None);
    input.jitter_permille = jitter;
    loop {
        let answer = rush.send(read_mcard(), &cookie).await;
        match answer {
            Answer::Ok(body) => {
                rush.page_reads[rush.second()].fetch_add(1, Ordering::Relaxed);
                input.failures = 0;
                input.retry_after_s = None;
                if let Some((id, status)) = newest(&body) {
                    if matches!(status, OrderStatus::Ready | OrderStatus::Error) {
                        rush.told_by_badge
                            .lock()
                            .unwrap()
                            .push((id.clone(), wall_ms()));
                        if status == OrderStatus::Ready {
                            let codes = ApiRequest::get(
                                "",
                                "services/cards/mcard_order",
                                &[
                                    ("order_id", &id),
                                    ("fields", &OrderDetails::FIELDS.ask(true)),
                                ],
                            );
                            if let Answer::Ok(_) = rush.send(codes, &cookie).await {
                                rush.page_reads[rush.second()].fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        return;
                    }
                    input.status = Some(status);
                }
            }
            Answer::Refused(retry_after) => {
                input.failures += 1;
                input.retry_after_s = retry_after;
            }
            Answer::Failed => input.failures += 1,
        }
        input.order_age_s = Some(placed.elapsed().as_secs());
        let wait_ms = next_poll_ms(&input).unwrap_or(60_000);
        tokio::time::sleep(Duration::from_millis(u64::from(wait_ms))).await;
    }
}

/// A student who turns push on and closes the page: one read (the badge
/// after ordering), then the subscription through the gateway.
async fn push_student(rush: Arc<Rush>, cookie: String, sim: String, placed: Instant) {
    let mut order = None;
    for _ in 0..5 {
        if let Answer::Ok(body) = rush.send(read_mcard(), &cookie).await {
            rush.other_calls.fetch_add(1, Ordering::Relaxed);
            order = newest(&body).map(|(id, _)| id);
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let Some(order) = order else {
        return;
    };
    tokio::time::sleep_until((placed + SUBSCRIBES_AFTER).into()).await;
    let subscription = post_json(
        &rush.client,
        format!("http://{sim}/_sim/push/subscriptions"),
        json!({}),
    )
    .await;
    let Some(endpoint) = subscription["endpoint"].as_str() else {
        rush.failed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let id = endpoint.rsplit('/').next().unwrap_or_default().to_owned();
    let body = json!({
        "subscription": subscription,
        "lang": "pl",
        "open_url": rush.gateway,
    });
    for _ in 0..5 {
        let answer = rush
            .client
            .post(format!("{}push/subscriptions", rush.gateway))
            .header("origin", rush.gateway.trim_end_matches('/'))
            .header("content-type", "application/json")
            .header("cookie", &cookie)
            .body(body.to_string())
            .send()
            .await;
        match answer.map(|a| a.status().as_u16()) {
            Ok(201) => {
                rush.other_calls.fetch_add(1, Ordering::Relaxed);
                rush.watched.lock().unwrap().insert(id, order);
                return;
            }
            Ok(429) => rush.refused.fetch_add(1, Ordering::Relaxed),
            _ => rush.failed.fetch_add(1, Ordering::Relaxed),
        };
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// One sample of the run, every 5 s.
struct Sample {
    at_s: f64,
    usos_calls: u64,
    gateway_cpu_s: f64,
}

#[tokio::main]
async fn main() {
    let students: usize = arg("--students", "5000").parse().unwrap();
    let within_s: f64 = arg("--within-s", "600").parse().unwrap();
    let per_minute: f64 = arg("--per-minute", "50").parse().unwrap();
    let errors_percent = arg("--errors-percent", "2");
    let bin = arg("--bin", "target/server");
    let dir = std::env::temp_dir().join(format!("rush-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let client = reqwest::Client::new();

    let sim = format!("127.0.0.1:{}", free_port());
    let _sim = Killed(
        Command::new(format!("{bin}/usos-sim"))
            .args(["--addr", &sim, "--control"])
            .args(["--oauth", &format!("{KEY}:{SECRET}")])
            .args(["--dist", dir.to_str().unwrap()])
            .args(["--ministry-per-minute", &per_minute.to_string()])
            .args(["--ministry-errors", &errors_percent])
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
    let made = post_json(
        &client,
        format!("http://{sim}/_sim/students"),
        json!({"count": students, "ordered": false}),
    )
    .await;
    let made = made["students"].as_array().unwrap().clone();

    std::fs::write(dir.join("consumer-secret"), SECRET).unwrap();
    let session_key = write_gateway_keys(&dir);
    let cookie_key = Key::from(&session_key);
    let path = |name: &str| dir.join(name).display().to_string();
    let gateway_addr = format!("127.0.0.1:{}", free_port());
    let gateway = Killed(
        Command::new(format!("{bin}/usos-gateway"))
            .args(["--usos-api", &format!("http://{sim}/")])
            .args(["--consumer-key", KEY])
            .args(["--consumer-secret-file", &path("consumer-secret")])
            .args(["--listen", &gateway_addr])
            .args(["--public-url", &format!("http://{gateway_addr}/")])
            .args(["--session-key-file", &path("session-key")])
            .args(["--vapid-key-file", &path("vapid.pem")])
            .args(["--vapid-subject", "mailto:bench@example.edu"])
            .args([
                "--database-url",
                &format!("sqlite://{}", path("watches.db")),
            ])
            .args(["--push-service", &sim])
            .env("USOS_GATEWAY_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("usos-gateway (build it with --profile server)"),
    );
    let gateway_pid = gateway.0.id();
    for _ in 0..100 {
        if client
            .get(format!("http://{gateway_addr}/healthz"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The whole rush's length: the ordering, the ministry's queue, and time
    // for the last news to arrive.
    let limit = Duration::from_secs_f64(within_s + students as f64 * 60.0 / per_minute + 600.0);
    let rush = Arc::new(Rush {
        client: client.clone(),
        gateway: format!("http://{gateway_addr}/"),
        started: Instant::now(),
        page_reads: (0..=limit.as_secs()).map(|_| AtomicU64::new(0)).collect(),
        other_calls: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        told_by_badge: Mutex::new(Vec::new()),
        watched: Mutex::new(HashMap::new()),
    });
    let started_wall_ms = wall_ms();
    let calls_now = || {
        let client = client.clone();
        let url = format!("http://{sim}/_sim/oauth");
        async move {
            get_json(&client, url).await["verified_calls"]
                .as_u64()
                .unwrap_or(0)
        }
    };
    let calls_at_start = calls_now().await;
    let cpu_at_start = usage(gateway_pid).0;
    eprintln!(
        "rush-load: {students} students order within {within_s} s; the ministry answers {per_minute} a minute ({errors_percent} % Błąd); at most {} s",
        limit.as_secs()
    );

    let mut rng = Lcg::new(20261001);
    let mut open_pages = Vec::new();
    let mut watched_students = 0;
    for (i, student) in made.iter().enumerate() {
        let cookie = session_cookie(
            &cookie_key,
            None,
            student["token"].as_str().unwrap(),
            student["secret"].as_str().unwrap(),
        );
        let at = rush.started + Duration::from_secs_f64(rng.uniform(0.0, within_s));
        let jitter = (rng.next_unit() * 1000.0) as u32;
        let keeps_page_open = i % 2 == 0;
        watched_students += usize::from(!keeps_page_open);
        let rush = rush.clone();
        let sim = sim.clone();
        let task = tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let placed = Instant::now();
            let order = ApiRequest::post("", "services/cards/make_mcard_order", &[]);
            match rush.send(order, &cookie).await {
                Answer::Ok(_) => rush.other_calls.fetch_add(1, Ordering::Relaxed),
                _ => 0,
            };
            if keeps_page_open {
                open_page(rush, cookie, placed, jitter).await;
            } else {
                push_student(rush, cookie, sim, placed).await;
            }
        });
        if keeps_page_open {
            open_pages.push(task);
        }
    }

    // Every 5 s: USOS's count of signed calls and the gateway's CPU and
    // memory; every minute, what the widget would say about the wait.
    let mut samples: Vec<Sample> = Vec::new();
    let mut peak_rss: f64 = 0.0;
    let mut waits: Vec<(f64, WaitNow)> = Vec::new();
    let mut pushed = 0;
    while rush.started.elapsed() < limit {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let (cpu, rss) = usage(gateway_pid);
        peak_rss = peak_rss.max(rss);
        let at_s = rush.started.elapsed().as_secs_f64();
        samples.push(Sample {
            at_s,
            usos_calls: calls_now().await - calls_at_start,
            gateway_cpu_s: cpu - cpu_at_start,
        });
        if waits.last().is_none_or(|(t, _)| at_s - t >= 60.0) {
            let wait = client
                .get(format!("http://{gateway_addr}/wait"))
                .send()
                .await;
            if let Ok(wait) = wait {
                if let Ok(wait) = serde_json::from_str(&wait.text().await.unwrap_or_default()) {
                    waits.push((at_s, wait));
                }
            }
        }
        let messages = get_json(&client, format!("http://{sim}/_sim/push/messages")).await;
        pushed = messages["messages"]
            .as_array()
            .map_or(0, |m| m.iter().filter(|m| m["answered"] == 201).count());
        let told = rush.told_by_badge.lock().unwrap().len();
        eprintln!(
            "  {:>5.0} s: told {told} by the badge, {pushed} by push; USOS calls {}; gateway cpu {:.1} s, rss {rss:.0} MB",
            at_s,
            samples.last().map_or(0, |s| s.usos_calls),
            cpu - cpu_at_start
        );
        if told >= open_pages.len() && pushed >= watched_students {
            break;
        }
    }
    let elapsed = rush.started.elapsed().as_secs_f64();
    let (cpu_end, _) = usage(gateway_pid);
    for task in &open_pages {
        task.abort();
    }

    // What really happened to each order, by usos-sim's own timeline.
    let truth: HashMap<String, (u64, u64, bool)> =
        get_json(&client, format!("http://{sim}/_sim/orders")).await["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["order_id"].as_str().unwrap().to_owned(),
                    (
                        o["placed_at_ms"].as_u64().unwrap(),
                        o["answered_at_ms"].as_u64().unwrap(),
                        o["outcome"] == "error",
                    ),
                )
            })
            .collect();
    let delay_s = |order: &str, told_ms: u64| {
        truth
            .get(order)
            .map(|(_, answered, _)| (told_ms as f64 - *answered as f64) / 1000.0)
    };
    let mut badge: Vec<f64> = rush
        .told_by_badge
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(order, at)| delay_s(order, *at))
        .collect();
    badge.sort_by(f64::total_cmp);
    let watched = rush.watched.lock().unwrap().clone();
    let messages = get_json(&client, format!("http://{sim}/_sim/push/messages")).await;
    let mut per_subscription: HashMap<String, usize> = HashMap::new();
    let mut by_push: Vec<f64> = Vec::new();
    for m in messages["messages"].as_array().unwrap() {
        if m["answered"] != 201 {
            continue;
        }
        let id = m["subscription"].as_str().unwrap_or_default().to_owned();
        let count = per_subscription.entry(id.clone()).or_default();
        *count += 1;
        if *count == 1 {
            if let Some(order) = watched.get(&id) {
                by_push.extend(delay_s(order, m["received_at_ms"].as_u64().unwrap_or(0)));
            }
        }
    }
    by_push.sort_by(f64::total_cmp);
    let once = watched
        .keys()
        .filter(|id| per_subscription.get(*id) == Some(&1))
        .count();
    let twice = per_subscription.values().filter(|n| **n > 1).count();
    let never = watched
        .keys()
        .filter(|id| !per_subscription.contains_key(*id))
        .count();

    // The same open pages on today's fixed 5 s: a read at the order and
    // every 5 s until one sees it ended, then the codes' read when ready.
    let seconds = rush.page_reads.len();
    let mut fixed = vec![0u64; seconds];
    for (order, _) in rush.told_by_badge.lock().unwrap().iter() {
        let Some((placed, answered, failed)) = truth.get(order) else {
            continue;
        };
        let from_start = |ms: u64| (ms.saturating_sub(started_wall_ms)) as f64 / 1000.0;
        let (placed, answered) = (from_start(*placed), from_start(*answered));
        let mut t = placed;
        loop {
            fixed[(t as usize).min(seconds - 1)] += 1;
            if t >= answered {
                break;
            }
            t += FIXED_S;
        }
        if !failed {
            fixed[(t as usize).min(seconds - 1)] += 1;
        }
    }
    let page_reads: Vec<u64> = rush
        .page_reads
        .iter()
        .map(|n| n.load(Ordering::Relaxed))
        .collect();
    // Per sample interval: USOS's calls now, and with the fixed pages instead.
    let upto =
        |counts: &[u64], s: f64| counts[..(s as usize).min(counts.len())].iter().sum::<u64>();
    let mut now_rates = Vec::new();
    let mut before_rates = Vec::new();
    let mut previous = (0.0, 0u64);
    for sample in &samples {
        let span = sample.at_s - previous.0;
        let calls = sample.usos_calls - previous.1;
        let pages_now = upto(&page_reads, sample.at_s) - upto(&page_reads, previous.0);
        let pages_fixed = upto(&fixed, sample.at_s) - upto(&fixed, previous.0);
        now_rates.push((span, calls as f64));
        before_rates.push((span, (calls + pages_fixed).saturating_sub(pages_now) as f64));
        previous = (sample.at_s, sample.usos_calls);
    }
    let total = |rates: &[(f64, f64)]| rates.iter().map(|r| r.1).sum::<f64>();
    let busiest = |rates: &[(f64, f64)], window: usize| {
        rates
            .windows(window.min(rates.len()).max(1))
            .map(|w| w.iter().map(|r| r.1).sum::<f64>() / w.iter().map(|r| r.0).sum::<f64>())
            .fold(0.0, f64::max)
    };
    let busy_s = truth.values().map(|t| t.1).max().unwrap_or(started_wall_ms);
    let busy_s = (busy_s.saturating_sub(started_wall_ms)) as f64 / 1000.0;

    println!(
        "{students} students ordering within {within_s:.0} s; the ministry answers {per_minute} a minute ({errors_percent} % Błąd): the last order ended after {:.0} minutes. Half keep the page open ({} told), half close it with push on ({} watched). The run took {:.0} minutes.",
        busy_s / 60.0,
        badge.len(),
        watched.len(),
        elapsed / 60.0
    );
    println!();
    println!("| requests to USOS | total | average per s (until the last order ended) | busiest minute, per s | busiest 5 s, per s |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, rates) in [
        ("**now**: the widget's schedule, the watcher", &now_rates),
        (
            "**before**: the open pages every 5 s, the same watcher",
            &before_rates,
        ),
    ] {
        println!(
            "| {name} | {:.0} | {:.1} | {:.1} | {:.1} |",
            total(rates),
            total(rates) / busy_s.max(1.0),
            busiest(rates, 12),
            busiest(rates, 1)
        );
    }
    let (pages_now, pages_fixed) = (page_reads.iter().sum::<u64>(), fixed.iter().sum::<u64>());
    println!();
    println!(
        "Now over before: {:.2} (the open pages' checks alone: {pages_now} against {pages_fixed}, {:.2}). Refused by the gateway (429): {}; failed: {}.",
        total(&now_rates) / total(&before_rates).max(1.0),
        pages_now as f64 / pages_fixed.max(1) as f64,
        rush.refused.load(Ordering::Relaxed),
        rush.failed.load(Ordering::Relaxed)
    );
    println!();
    println!(
        "The gateway: {:.1} % of a core on average ({:.0} CPU s over {:.0} s), busiest 5 s {:.0} %; {:.0} MB at most.",
        (cpu_end - cpu_at_start) / elapsed * 100.0,
        cpu_end - cpu_at_start,
        elapsed,
        samples
            .windows(2)
            .map(|w| (w[1].gateway_cpu_s - w[0].gateway_cpu_s) / (w[1].at_s - w[0].at_s) * 100.0)
            .fold(0.0, f64::max),
        peak_rss
    );
    println!();
    println!("| told after the order ended (s) | students | p50 | p95 | max |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, told) in [("open page (the badge)", &badge), ("push", &by_push)] {
        println!(
            "| {name} | {} | {:.0} | {:.0} | {:.0} |",
            told.len(),
            percentile(told, 0.5),
            percentile(told, 0.95),
            told.last().copied().unwrap_or(f64::NAN)
        );
    }
    println!();
    println!(
        "Pushes: of {} watched students, {once} were told exactly once, {twice} more than once, {never} never ({pushed} pushes accepted).",
        watched.len()
    );
    println!();
    println!("| minute | the widget says | orders on their way | their real wait, median (min) | orders ended in the last hour (Do odbioru + Błąd) |");
    println!("| ---: | --- | ---: | ---: | ---: |");
    let step = (waits.len() / 10).max(1);
    for (at_s, wait) in waits.iter().step_by(step) {
        let at_ms = started_wall_ms + (*at_s * 1000.0) as u64;
        let mut waiting: Vec<f64> = truth
            .values()
            .filter(|(placed, answered, _)| *placed <= at_ms && *answered > at_ms)
            .map(|(placed, answered, _)| (answered - placed) as f64 / 60_000.0)
            .collect();
        waiting.sort_by(f64::total_cmp);
        println!(
            "| {:.0} | {} | {} | {} | {} |",
            at_s / 60.0,
            wait_said(wait),
            waiting.len(),
            if waiting.is_empty() {
                "—".to_owned()
            } else {
                format!("{:.0}", percentile(&waiting, 0.5))
            },
            wait.orders + wait.errors
        );
    }
    drop(gateway);
    let _ = std::fs::remove_dir_all(&dir);
}
