//! The watches on a real PostgreSQL (started by the test, see
//! `common/postgres.rs`): leases between copies, a database that is away,
//! two gateway copies on one database, a copy killed, the database
//! restarted, a rolling restart.

mod common;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::*;
use serde_json::{json, Value};
use usos_gateway::store::{now_ms, NewWatch, Store};
use usos_sim::sim::Delays;

async fn messages(sim: SocketAddr) -> Vec<Value> {
    sim_json(sim, "push/messages").await["messages"]
        .as_array()
        .unwrap()
        .clone()
}

/// The pushes usos-sim's push service accepted, by subscription.
async fn accepted(sim: SocketAddr) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for m in messages(sim).await {
        if m["answered"] == 201 {
            *counts
                .entry(m["subscription"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    counts
}

/// A student signed in through `sign_in_at`, who orders and subscribes
/// through `act_at` (another copy: the balancer's choice); the
/// subscription's id at the push service.
async fn student(sim: SocketAddr, sign_in_at: SocketAddr, act_at: SocketAddr) -> (Browser, String) {
    let mut browser = Browser::new();
    browser
        .sign_in(sign_in_at, &format!("http://{sign_in_at}/"))
        .await;
    let order = browser
        .post(
            &format!("http://{act_at}/services/cards/make_mcard_order"),
            "",
            Some(&format!("http://{act_at}")),
        )
        .await;
    assert_eq!(order.status, 200, "{}", order.text);
    let subscription: Value = serde_json::from_str(
        &reqwest::Client::new()
            .post(format!("http://{sim}/_sim/push/subscriptions"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let body = json!({"subscription": subscription, "lang": "pl", "open_url": "/"});
    let request = reqwest::Client::new()
        .post(format!("http://{act_at}/push/subscriptions"))
        .header("origin", format!("http://{act_at}"))
        .body(body.to_string());
    let answer = browser.send(request).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let id = subscription["endpoint"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    (browser, id)
}

async fn wait_for_accepted(sim: SocketAddr, n: usize, limit: Duration) -> HashMap<String, usize> {
    let start = Instant::now();
    loop {
        let got = accepted(sim).await;
        if got.len() >= n || start.elapsed() > limit {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Rows held now, by holder.
async fn holders(database: &str) -> HashMap<String, i64> {
    let store = Store::connect(database, 1).await.unwrap();
    let held = store.lease_holders().await.unwrap();
    store.close().await;
    held.into_iter().collect()
}

#[tokio::test]
async fn leases_on_postgresql_never_overlap() {
    let pg = Postgres::start("lease");
    let stores: Vec<Store> = futures_join(4, &pg.url()).await;
    let now = now_ms();
    for i in 0..300 {
        let id = format!("w{i}");
        stores[0]
            .upsert_watch(&NewWatch {
                id: &id,
                // Two universities' watches in one table, taken together.
                installation: if i % 2 == 0 { "uw" } else { "ul" },
                owner: &format!("owner{i}"),
                endpoint: "https://fcm.googleapis.com/fcm/send/x",
                p256dh: "k",
                auth: "a",
                lang: "pl",
                open_url: "/",
                order_id: "1",
                last_status: "pending",
                sealed_tokens: "s",
                now_ms: now,
                ends_at: now + 3_600_000,
                next_check_at: now - 1,
                check_interval_ms: 10_000,
            })
            .await
            .unwrap();
    }
    let taken: Arc<std::sync::Mutex<HashMap<String, String>>> = Default::default();
    let mut workers = Vec::new();
    for w in 0..8 {
        let store = stores[w % 4].clone();
        let taken = taken.clone();
        workers.push(tokio::spawn(async move {
            let holder = format!("copy-{}-task-{w}", w % 4);
            loop {
                let now = now_ms();
                let rows = store
                    .take_due_watches(&holder, now, now + 60_000, 7, &["uw", "ul"])
                    .await
                    .unwrap();
                if rows.is_empty() {
                    break;
                }
                for row in rows {
                    let before = taken.lock().unwrap().insert(row.id.clone(), holder.clone());
                    assert!(
                        before.is_none(),
                        "{} taken by {before:?} and {holder}",
                        row.id
                    );
                }
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    assert_eq!(taken.lock().unwrap().len(), 300, "every row taken once");
    let held = holders(&pg.url()).await;
    assert_eq!(held.values().sum::<i64>(), 300);
    assert!(held.len() > 1, "the copies shared the work: {held:?}");
}

/// `n` stores (pools, as `n` gateway copies have) on one database.
async fn futures_join(n: usize, url: &str) -> Vec<Store> {
    let mut stores = Vec::new();
    for _ in 0..n {
        stores.push(Store::connect(url, 4).await.unwrap());
    }
    stores
}

#[tokio::test]
async fn without_the_database_forwarding_goes_on_and_push_waits_for_it() {
    let pg = Postgres::start("away");
    pg.stop();
    let sim = start_many_students_sim(Delays {
        pending_ms: 600_000,
        processing_ms: 600_000,
    })
    .await;
    let files = PushFiles::new("pg-away");
    let (child, gw) = spawn_push_gateway(sim, &files, &pg.url(), "away", &[]);
    let _child = Killed(child);
    wait_until_up(gw).await;
    // Signing in, ordering and reading go on without the database.
    let mut browser = Browser::new();
    browser.sign_in(gw, &format!("http://{gw}/")).await;
    assert_eq!(browser.order(gw).await.status, 200);
    assert_eq!(
        browser.get(&format!("http://{gw}/{MCARD}")).await.status,
        200
    );
    let ready = browser.get(&format!("http://{gw}/readyz")).await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    assert_eq!(ready.json()["database"], false);
    // Push says it is away, in USOS's shape.
    let subscription: Value = serde_json::from_str(
        &reqwest::Client::new()
            .post(format!("http://{sim}/_sim/push/subscriptions"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let subscribe = || {
        reqwest::Client::new()
            .post(format!("http://{gw}/push/subscriptions"))
            .header("origin", format!("http://{gw}"))
            .body(json!({"subscription": subscription, "lang": "pl", "open_url": "/"}).to_string())
    };
    let refused = browser.send(subscribe()).await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.json()["error"], "database_unavailable");
    // The database comes: the migrations apply, push is on.
    pg.start_again();
    let start = Instant::now();
    loop {
        let answer = browser.send(subscribe()).await;
        if answer.status == 201 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "push did not come back"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let ready = browser.get(&format!("http://{gw}/readyz")).await;
    assert_eq!(ready.json()["database"], true);
    // One warning line for the time away, not one per request.
    let log = std::fs::read_to_string(files.dir.join("away.log")).unwrap();
    assert!(log.matches("does not answer").count() <= 3, "{log}");
}

/// A child process killed with SIGKILL when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signal(child: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn two_copies_push_each_ready_order_exactly_once() {
    let pg = Postgres::start("two");
    let sim = start_many_students_sim(Delays {
        pending_ms: 10_000,
        processing_ms: 10_000,
    })
    .await;
    let files = PushFiles::new("pg-two");
    let (a, gw_a) = spawn_push_gateway(sim, &files, &pg.url(), "a", &[]);
    let (b, gw_b) = spawn_push_gateway(sim, &files, &pg.url(), "b", &[]);
    let (a, b) = (Killed(a), Killed(b));
    wait_until_up(gw_a).await;
    wait_until_up(gw_b).await;
    let mut subscriptions = HashSet::new();
    for i in 0..200 {
        // Signed in at one copy, served by the other: one session key.
        let (sign_in, act) = if i % 2 == 0 {
            (gw_a, gw_b)
        } else {
            (gw_b, gw_a)
        };
        let (_, id) = student(sim, sign_in, act).await;
        subscriptions.insert(id);
    }
    let got = wait_for_accepted(sim, 200, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(12)).await;
    let got_later = accepted(sim).await;
    assert_eq!(got.len(), 200, "every ready order pushed");
    assert_eq!(got_later, got, "nothing more after");
    for id in &subscriptions {
        assert_eq!(got_later.get(id), Some(&1), "{id} pushed exactly once");
    }
    // Both copies did the work, and never on one watch at once (their logs
    // say when each worked on which watch).
    let log = |name: &str| std::fs::read_to_string(files.dir.join(format!("{name}.log"))).unwrap();
    for name in ["a", "b"] {
        assert!(
            log(name).contains("push accepted"),
            "copy {name} pushed nothing"
        );
    }
    let worked_on: usize = work_spans(&log("a")).len() + work_spans(&log("b")).len();
    assert!(worked_on >= 200, "the logs show the work ({worked_on})");
    assert_eq!(overlapping_work(&log("a"), &log("b")), Vec::<String>::new());
    drop((a, b));
}

/// One deployment for two universities on PostgreSQL: two copies, 100
/// students of each signed in at one copy (on the shared address, by their
/// university's id) and served by the other; each order pushed exactly
/// once, each read from its own university's USOS.
#[tokio::test]
async fn two_copies_for_two_universities_push_each_once_from_its_own_usos() {
    let pg = Postgres::start("many");
    let oauth = usos_sim::oauth::Consumer::parse("many:many-secret").unwrap();
    let worlds = usos_sim::installations::generated(2, Some(&oauth))
        .unwrap()
        .into_iter()
        .map(|installation| {
            let world = usos_sim::world::SharedWorld::new(
                usos_sim::profiles::Profile::Eligible,
                Delays {
                    pending_ms: 10_000,
                    processing_ms: 10_000,
                },
                true,
                Vec::new(),
            );
            world.lock().many_students = true;
            (installation, world)
        })
        .collect();
    let sim = serve(usos_sim::server::multi_router(
        worlds,
        &usos_sim::server::ServerOptions {
            dist: std::path::PathBuf::from("/nonexistent"),
            control: true,
            csp: true,
            oauth: None,
        },
    ))
    .await;
    let files = PushFiles::new("pg-many");
    let mut text = String::new();
    for id in ["uw", "ul"] {
        std::fs::write(
            files.dir.join(format!("{id}.secret")),
            format!("many-secret-{id}"),
        )
        .unwrap();
        text.push_str(&format!(
            "[[installation]]\nid = \"{id}\"\nusos_api = \"http://{sim}/{id}/\"\n\
             consumer_key = \"many-{id}\"\nconsumer_secret_file = \"{id}.secret\"\n\
             name = {{ pl = \"{id}\", en = \"{id}\" }}\n"
        ));
    }
    let file = files.dir.join("installations.toml");
    std::fs::write(&file, text).unwrap();
    let copy = |name: &str| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        spawn_gateway_with(
            sim,
            &files,
            &pg.url(),
            name,
            addr,
            &["--installations", file.to_str().unwrap()],
        )
    };
    let (a, gw_a) = copy("a");
    let (b, gw_b) = copy("b");
    let (a, b) = (Killed(a), Killed(b));
    wait_until_up(gw_a).await;
    wait_until_up(gw_b).await;
    let mut subscriptions = HashSet::new();
    for i in 0..200 {
        let id = if i % 2 == 0 { "uw" } else { "ul" };
        let (sign_in, act) = if i % 4 < 2 {
            (gw_a, gw_b)
        } else {
            (gw_b, gw_a)
        };
        let mut browser = Browser::new();
        browser
            .sign_in_at(
                &format!("http://{sign_in}/"),
                &format!("installation={id}&return=%2F"),
            )
            .await;
        let order = browser
            .post(
                &format!("http://{act}/services/cards/make_mcard_order"),
                "",
                Some(&format!("http://{act}")),
            )
            .await;
        assert_eq!(order.status, 200, "{}", order.text);
        let subscription: Value = serde_json::from_str(
            &reqwest::Client::new()
                .post(format!("http://{sim}/_sim/push/subscriptions"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        )
        .unwrap();
        let body = json!({"subscription": subscription, "lang": "pl", "open_url": "/"});
        let answer = browser
            .send(
                reqwest::Client::new()
                    .post(format!("http://{act}/push/subscriptions"))
                    .header("origin", format!("http://{act}"))
                    .body(body.to_string()),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        subscriptions.insert(
            subscription["endpoint"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned(),
        );
    }
    let got = wait_for_accepted(sim, 200, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(12)).await;
    let got_later = accepted(sim).await;
    assert_eq!(got.len(), 200, "every ready order pushed");
    assert_eq!(got_later, got, "nothing more after");
    for id in &subscriptions {
        assert_eq!(got_later.get(id), Some(&1), "{id} pushed exactly once");
    }
    // Each university's USOS saw only its own students' tokens, signed
    // with its own key: neither refused a call.
    for id in ["uw", "ul"] {
        let text = reqwest::get(format!("http://{sim}/{id}/_sim/oauth"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let oauth: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(oauth["refused_calls"], 0, "{id}");
        assert!(oauth["verified_calls"].as_u64().unwrap() > 100, "{id}");
    }
    let log = |name: &str| std::fs::read_to_string(files.dir.join(format!("{name}.log"))).unwrap();
    assert_eq!(overlapping_work(&log("a"), &log("b")), Vec::<String>::new());
    // The watches were counted per university.
    let metrics = reqwest::get(format!("http://{gw_a}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("usos_gateway_pushes_total{outcome=\"accepted\",installation=\"uw\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("usos_gateway_watches_active{installation=\"ul\"}"),
        "{metrics}"
    );
    drop((a, b));
}

#[tokio::test]
async fn a_killed_copys_watches_are_pushed_by_the_other() {
    let pg = Postgres::start("killed");
    let sim = start_many_students_sim(Delays {
        pending_ms: 15_000,
        processing_ms: 15_000,
    })
    .await;
    let files = PushFiles::new("pg-killed");
    let (a, gw_a) = spawn_push_gateway(sim, &files, &pg.url(), "a", &[]);
    let (b, gw_b) = spawn_push_gateway(sim, &files, &pg.url(), "b", &[]);
    let (mut a, b) = (Some(Killed(a)), Killed(b));
    wait_until_up(gw_a).await;
    wait_until_up(gw_b).await;
    for i in 0..20 {
        let at = if i % 2 == 0 { gw_a } else { gw_b };
        student(sim, at, at).await;
    }
    // No table holds a student's token or its secret in plain text.
    let dump = pg.dump();
    assert!(
        dump.contains("COPY public.watches"),
        "the dump holds the watches"
    );
    let issued = sim_json(sim, "issued").await;
    for secret in issued["issued"].as_array().unwrap() {
        let value = secret["value"].as_str().unwrap();
        assert!(
            !dump.contains(value),
            "the database holds a {}",
            secret["kind"]
        );
    }
    // USOS slows down: each read holds its lease for seconds.
    set_faults(sim, &["cards/mcard:latency=4000"]).await;
    let pid_a = a.as_ref().unwrap().0.id();
    let start = Instant::now();
    let held_by_a = loop {
        let held = holders(&pg.url()).await;
        let by_a: i64 = held
            .iter()
            .filter(|(holder, _)| holder.contains(&format!("-{pid_a}-")))
            .map(|(_, n)| n)
            .sum();
        if by_a > 0 {
            break by_a;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "copy a never held a watch"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    signal(&a.as_ref().unwrap().0, "KILL");
    let killed_at = Instant::now();
    drop(a.take());
    set_faults(sim, &[]).await;
    let got = wait_for_accepted(sim, 20, Duration::from_secs(90)).await;
    assert_eq!(
        got.len(),
        20,
        "every watch pushed after copy a was killed holding {held_by_a}"
    );
    assert!(got.values().all(|n| *n == 1));
    // The orders were ready about 30 s after ordering, after the kill; the
    // lease (30 s) and one polling interval (10 s) bound the wait.
    assert!(
        killed_at.elapsed() <= Duration::from_secs(45),
        "took {:?}",
        killed_at.elapsed()
    );
    drop(b);
}

/// Reads `mcard` through `at` every 200 ms until told to stop; every
/// answer that was not 200.
fn keep_reading(
    browser: Browser,
    at: Vec<SocketAddr>,
) -> (
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<Vec<String>>,
) {
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let reader = tokio::spawn(async move {
        let mut browser = browser;
        let mut failures = Vec::new();
        let mut i = 0;
        while !*stopped.borrow() {
            let gw = at[i % at.len()];
            i += 1;
            let answer = browser.get(&format!("http://{gw}/{MCARD}")).await;
            if answer.status != 200 {
                failures.push(format!("{gw}: {} {}", answer.status, answer.text));
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(200)) => {}
                _ = stopped.changed() => {}
            }
        }
        failures
    });
    (stop, reader)
}

#[tokio::test]
async fn a_restarted_database_loses_no_watch_and_forwarding_never_fails() {
    let pg = Postgres::start("restart");
    let sim = start_many_students_sim(Delays {
        pending_ms: 10_000,
        processing_ms: 10_000,
    })
    .await;
    let files = PushFiles::new("pg-restart");
    let (a, gw_a) = spawn_push_gateway(sim, &files, &pg.url(), "a", &[]);
    let (b, gw_b) = spawn_push_gateway(sim, &files, &pg.url(), "b", &[]);
    let (a, b) = (Killed(a), Killed(b));
    wait_until_up(gw_a).await;
    wait_until_up(gw_b).await;
    let mut reader_browser = None;
    for i in 0..20 {
        let at = if i % 2 == 0 { gw_a } else { gw_b };
        let (browser, _) = student(sim, at, at).await;
        reader_browser.get_or_insert(browser);
    }
    let (stop, reader) = keep_reading(reader_browser.unwrap(), vec![gw_a, gw_b]);
    // The database goes away for 20 s while the orders become ready.
    pg.stop();
    tokio::time::sleep(Duration::from_secs(20)).await;
    pg.start_again();
    let got = wait_for_accepted(sim, 20, Duration::from_secs(60)).await;
    let _ = stop.send(true);
    let failures = reader.await.unwrap();
    assert_eq!(
        failures,
        Vec::<String>::new(),
        "forwarding failed while the database was away"
    );
    assert_eq!(got.len(), 20, "every watch ended in its push");
    assert!(got.values().all(|n| *n == 1));
    for name in ["a", "b"] {
        let log = std::fs::read_to_string(files.dir.join(format!("{name}.log"))).unwrap();
        assert!(
            log.matches("does not answer").count() <= 2,
            "copy {name} logged the outage more than once a minute"
        );
    }
    drop((a, b));
}

#[tokio::test]
async fn a_rolling_restart_loses_no_watch_and_no_request() {
    let pg = Postgres::start("rolling");
    let sim = start_many_students_sim(Delays {
        pending_ms: 15_000,
        processing_ms: 15_000,
    })
    .await;
    let files = PushFiles::new("pg-rolling");
    let (a, gw_a) = spawn_push_gateway(sim, &files, &pg.url(), "a", &[]);
    let (b, gw_b) = spawn_push_gateway(sim, &files, &pg.url(), "b", &[]);
    let mut copies = vec![(Killed(a), gw_a, "a"), (Killed(b), gw_b, "b")];
    wait_until_up(gw_a).await;
    wait_until_up(gw_b).await;
    let mut browsers = Vec::new();
    for i in 0..20 {
        let at = if i % 2 == 0 { gw_a } else { gw_b };
        browsers.push(student(sim, at, at).await.0);
    }
    // USOS answers slowly, so that a request is under way at each SIGTERM.
    set_faults(sim, &["cards/mcard:latency=1500"]).await;
    for (copy, addr, name) in copies.iter_mut() {
        let mut browser = browsers.pop().unwrap();
        let url = format!("http://{addr}/{MCARD}");
        let in_flight = tokio::spawn(async move { browser.get(&url).await.status });
        tokio::time::sleep(Duration::from_millis(300)).await;
        signal(&copy.0, "TERM");
        assert_eq!(
            in_flight.await.unwrap(),
            200,
            "a request under way at SIGTERM"
        );
        let status = copy.0.wait().unwrap();
        assert!(status.success(), "copy {name} stopped with {status}");
        let log = std::fs::read_to_string(files.dir.join(format!("{name}.log"))).unwrap();
        assert!(log.contains("leases handed back"), "{log}");
        let (again, _) = spawn_push_gateway_at(sim, &files, &pg.url(), name, *addr, &[]);
        *copy = Killed(again);
        wait_until_up(*addr).await;
    }
    set_faults(sim, &[]).await;
    let got = wait_for_accepted(sim, 20, Duration::from_secs(60)).await;
    assert_eq!(got.len(), 20, "no watch lost in the rolling restart");
    assert!(got.values().all(|n| *n == 1));
    drop(copies);
}
