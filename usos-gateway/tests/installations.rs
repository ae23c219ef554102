//! One gateway for several universities, against three independent OAuth
//! 1.0a providers (usos-sim playing three installations, each with its own
//! consumer key, students and controls), over loopback: each university on
//! its own host name (`uw.localhost`, `ul.localhost`, as browsers send
//! `*.localhost` to 127.0.0.1), the shared host where a student picks; a
//! session is its installation's alone; one slow university fills only its
//! own places.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use serde_json::Value;
use usos_gateway::config::{Config, Options};
use usos_gateway::routes::routes;
use usos_gateway::state::AppState;

/// The three providers' consumer, as `--oauth KEY:SECRET` derives theirs:
/// `KEY-ID:SECRET-ID`.
const KEY: &str = "multi";
const SECRET: &str = "multi-secret";

/// usos-sim playing uw, ul and pg (the last without mLegitymacja), each
/// under its own base path.
async fn start_three() -> SocketAddr {
    let oauth = usos_sim::oauth::Consumer::parse(&format!("{KEY}:{SECRET}")).unwrap();
    let installations = usos_sim::installations::generated(3, Some(&oauth)).unwrap();
    let delays = usos_sim::sim::Delays {
        pending_ms: 60_000,
        processing_ms: 60_000,
    };
    let worlds = installations
        .into_iter()
        .map(|installation| {
            let world = usos_sim::world::SharedWorld::new(
                usos_sim::profiles::Profile::Eligible,
                delays,
                installation.mcards_support,
                Vec::new(),
            );
            world.lock().many_students = true;
            (installation, world)
        })
        .collect();
    serve(usos_sim::server::multi_router(
        worlds,
        &usos_sim::server::ServerOptions {
            dist: PathBuf::from("/nonexistent"),
            control: true,
            csp: true,
            oauth: None,
        },
    ))
    .await
}

/// The gateway's installations file for the three, in `dir`: uw and ul
/// with host names of their own on `port`, pg on the shared host only.
fn installations_file(dir: &Path, sim: SocketAddr, port: u16, places: usize) -> PathBuf {
    let mut text = String::new();
    for (id, pl, en, own_host) in [
        ("uw", "Uniwersytet Warszawski", "University of Warsaw", true),
        ("ul", "Uniwersytet Łódzki", "University of Lodz", true),
        (
            "pg",
            "Politechnika Gdańska",
            "Gdańsk University of Technology",
            false,
        ),
    ] {
        std::fs::write(dir.join(format!("{id}.secret")), format!("{SECRET}-{id}")).unwrap();
        text.push_str(&format!(
            "[[installation]]\nid = \"{id}\"\nusos_api = \"http://{sim}/{id}/\"\n\
             consumer_key = \"{KEY}-{id}\"\nconsumer_secret_file = \"{id}.secret\"\n\
             name = {{ pl = \"{pl}\", en = \"{en}\" }}\nacronyms = [\"{}\"]\n\
             max_upstream_concurrency = {places}\n",
            id.to_uppercase()
        ));
        if own_host {
            text.push_str(&format!(
                "public_url = \"http://{id}.localhost:{port}/\"\n\
                 help = {{ name_pl = \"Biurem IT {}\", name_en = \"the {} IT Office\", email = \"it@{id}.example\" }}\n",
                id.to_uppercase(),
                id.to_uppercase()
            ));
        }
    }
    let path = dir.join("installations.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The gateway serving the three, on a port of its own, with the
/// installations asked about mLegitymacja before it answers.
async fn start_for_three(sim: SocketAddr, places: usize) -> (u16, PathBuf) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("gw-three-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = installations_file(&dir, sim, port, places);
    std::fs::write(dir.join("session-key"), [9u8; 64]).unwrap();
    let options = <Options as clap::Parser>::try_parse_from([
        "usos-gateway",
        "--installations",
        file.to_str().unwrap(),
        "--public-url",
        &format!("http://localhost:{port}/"),
        "--session-key-file",
        dir.join("session-key").to_str().unwrap(),
    ])
    .unwrap();
    let mut config = Config::from_options(options).unwrap();
    config.upstream_timeout = Duration::from_secs(2);
    let state = AppState::start(config).await.unwrap();
    state.check_installations().await;
    let app = routes(state);
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (port, dir)
}

/// A student's browser on `host` (`uw.localhost`, or `localhost` for the
/// shared one) of the gateway on `port`.
fn browser_on(host: &str, port: u16) -> Browser {
    Browser::resolving(&[host], format!("127.0.0.1:{port}").parse().unwrap())
}

async fn sim_get(sim: SocketAddr, path: &str) -> Value {
    get_json(&format!("http://{sim}/{path}")).await
}

/// Every provider's refused calls: a token or signature of one university
/// shown to another's USOS would be one.
async fn refused_everywhere(sim: SocketAddr) -> u64 {
    let mut refused = 0;
    for id in ["uw", "ul", "pg"] {
        refused += sim_get(sim, &format!("{id}/_sim/oauth")).await["refused_calls"]
            .as_u64()
            .unwrap();
    }
    refused
}

async fn calls_at(sim: SocketAddr, id: &str, method: &str) -> u64 {
    sim_get(sim, &format!("{id}/_sim/state")).await["calls"][method]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn each_university_on_its_own_host_and_no_token_reaches_another() {
    let sim = start_three().await;
    let (port, _dir) = start_for_three(sim, 16).await;
    let uw = format!("http://uw.localhost:{port}/");
    let ul = format!("http://ul.localhost:{port}/");
    let mut student_uw = browser_on("uw.localhost", port);
    let mut student_ul = browser_on("ul.localhost", port);

    // Each host name serves its own university, without a picker.
    let listed = student_uw.get(&format!("{uw}installations")).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.headers["cache-control"], "public, max-age=300");
    let ids: Vec<String> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["uw"]);
    assert_eq!(
        student_uw.get(&format!("{uw}{MCARD}")).await.json()["choose_installation"],
        Value::Null
    );

    // Sign-in goes to each university's own USOS, back to its own host.
    let back = student_uw.sign_in_at(&uw, "return=%2F").await;
    assert_eq!(back, uw);
    let back = student_ul.sign_in_at(&ul, "return=%2F").await;
    assert_eq!(back, ul);
    assert_eq!(student_uw.order_at(&uw).await.status, 200);
    assert_eq!(student_ul.order_at(&ul).await.status, 200);
    for (student, base) in [(&mut student_uw, &uw), (&mut student_ul, &ul)] {
        let mcard = student.get(&format!("{base}{MCARD}")).await;
        assert_eq!(mcard.status, 200, "{}", mcard.text);
        assert_eq!(mcard.json()["orders"][0]["status"], "pending");
    }
    // Each order went to its own university.
    assert_eq!(
        sim_get(sim, "uw/_sim/state").await["calls"]["cards/make_mcard_order"],
        1
    );
    assert_eq!(
        sim_get(sim, "ul/_sim/state").await["calls"]["cards/make_mcard_order"],
        1
    );
    assert_eq!(
        sim_get(sim, "pg/_sim/state").await["calls"]["cards/make_mcard_order"],
        Value::Null
    );

    // The help contact and name of each, for the widget.
    let current = student_ul.get(&format!("{ul}installation")).await.json();
    assert_eq!(current["id"], "ul");
    assert_eq!(current["name"]["pl"], "Uniwersytet Łódzki");
    assert_eq!(current["help"]["email"], "it@ul.example");
    assert_eq!(current["choosable"], false);

    // A session of uw, replayed on ul's host name: refused, and ul's USOS
    // never sees it.
    let ul_mcards = calls_at(sim, "ul", "cards/mcard").await;
    let mut replay = browser_on("ul.localhost", port);
    replay.cookies = student_uw.cookies.clone();
    let refused = replay.get(&format!("{ul}{MCARD}")).await;
    assert_eq!(refused.status, 401);
    assert_eq!(replay.order_at(&ul).await.status, 401);
    assert_eq!(calls_at(sim, "ul", "cards/mcard").await, ul_mcards);
    // ...nor with ul's id anywhere in the request, on uw's own host.
    let named = student_uw
        .get(&format!("{uw}{MCARD}&installation=ul"))
        .await;
    assert_eq!(named.status, 401);
    let posted = student_uw
        .post(
            &format!("{uw}services/cards/revoke_mcard"),
            "order_id=1&installation=ul",
            Some(uw.trim_end_matches('/')),
        )
        .await;
    assert_eq!(posted.status, 401);
    // Signing in on uw's host for ul is refused before any USOS is asked.
    let other = student_uw
        .get(&format!("{uw}auth/login?installation=ul"))
        .await;
    assert_eq!(other.status, 400);
    // A page of ul may not post to uw's host.
    let foreign = student_uw
        .post(
            &format!("{uw}services/cards/make_mcard_order"),
            "",
            Some(ul.trim_end_matches('/')),
        )
        .await;
    assert_eq!(foreign.status, 403);

    assert_eq!(
        refused_everywhere(sim).await,
        0,
        "a provider saw a foreign token or signature"
    );
    // The metrics carry the installation.
    let metrics = student_uw.get(&format!("{uw}metrics")).await.text;
    assert!(
        metrics.contains("usos_gateway_orders_placed_total{installation=\"uw\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("usos_gateway_orders_placed_total{installation=\"ul\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn on_the_shared_host_the_student_picks_and_signs_in_there() {
    let sim = start_three().await;
    let (port, _dir) = start_for_three(sim, 16).await;
    let shared = format!("http://localhost:{port}/");
    let mut student = browser_on("localhost", port);

    // Before sign-in, the widget's reads say: pick first.
    let first = student.get(&format!("{shared}{MCARD}")).await;
    assert_eq!(first.status, 401);
    assert_eq!(first.json()["choose_installation"], true);
    let installation = student
        .get(&format!(
            "{shared}services/apisrv/installation?fields=mcards_support"
        ))
        .await;
    assert_eq!(installation.json()["choose_installation"], true);
    assert_eq!(
        student.get(&format!("{shared}installation")).await.status,
        401
    );

    // The list: all three, the one without mLegitymacja not available.
    let list = student.get(&format!("{shared}installations")).await.json();
    let available: Vec<(String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_owned(),
                i["available"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        available,
        [
            ("uw".into(), true),
            ("ul".into(), true),
            ("pg".into(), false)
        ]
    );
    assert_eq!(list[1]["name"]["pl"], "Uniwersytet Łódzki");
    assert_eq!(list[1]["acronyms"][0], "UL");
    assert!(list[1]["domains"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "ul.localhost"));

    // Without a choice, an unknown one, or one without mLegitymacja: a
    // clear page, and no USOS asked.
    let none = student.get(&format!("{shared}auth/login?return=%2F")).await;
    assert_eq!(none.status, 400);
    assert!(
        none.text.contains("Najpierw wybierz swoją uczelnię"),
        "{}",
        none.text
    );
    let unknown = student
        .get(&format!("{shared}auth/login?installation=xyz"))
        .await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.text.contains("Nie znamy takiej uczelni"));
    let pg = student
        .get(&format!("{shared}auth/login?installation=pg"))
        .await;
    assert_eq!(pg.status, 404);
    assert!(pg.text.contains("nie jest jeszcze dostępna"));
    assert_eq!(calls_at(sim, "pg", "oauth/request_token").await, 0);

    // Picked: signed in through ul, back on the shared host.
    let back = student
        .sign_in_at(&shared, "installation=ul&return=%2F")
        .await;
    assert_eq!(back, shared);
    assert_eq!(student.order_at(&shared).await.status, 200);
    let mcard = student.get(&format!("{shared}{MCARD}")).await;
    assert_eq!(mcard.status, 200);
    assert_eq!(
        sim_get(sim, "ul/_sim/state").await["calls"]["cards/make_mcard_order"],
        1
    );
    let current = student.get(&format!("{shared}installation")).await.json();
    assert_eq!(
        (current["id"].as_str(), current["choosable"].as_bool()),
        (Some("ul"), Some(true))
    );
    // Naming another university on the shared host is refused.
    assert_eq!(
        student
            .get(&format!("{shared}{MCARD}&installation=uw"))
            .await
            .status,
        401
    );
    // The ul session is worth nothing on uw's own host.
    let mut on_uw = browser_on("uw.localhost", port);
    on_uw.cookies = student.cookies.clone();
    assert_eq!(
        on_uw
            .get(&format!("http://uw.localhost:{port}/{MCARD}"))
            .await
            .status,
        401
    );
    assert_eq!(refused_everywhere(sim).await, 0);
}

#[tokio::test]
async fn a_slow_university_fills_only_its_own_places() {
    let sim = start_three().await;
    // Four places each: uw's fill up while it answers in 8 s (past the
    // gateway's time limit, so its students get the usual 504).
    let (port, _dir) = start_for_three(sim, 4).await;
    let uw = format!("http://uw.localhost:{port}/");
    let ul = format!("http://ul.localhost:{port}/");
    let mut student_uw = browser_on("uw.localhost", port);
    let mut student_ul = browser_on("ul.localhost", port);
    student_uw.sign_in_at(&uw, "return=%2F").await;
    student_ul.sign_in_at(&ul, "return=%2F").await;
    let slow = reqwest::Client::new()
        .post(format!("http://{sim}/uw/_sim/faults"))
        .body(r#"{"faults": ["cards/mcard:latency=8000"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(slow.status(), 200);
    // Many of uw's students at once: its four places fill.
    let mut waiting = Vec::new();
    for _ in 0..8 {
        let mut student = browser_on("uw.localhost", port);
        student.cookies = student_uw.cookies.clone();
        let url = format!("{uw}{MCARD}");
        waiting.push(tokio::spawn(async move { student.get(&url).await.status }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Meanwhile ul's students are served as ever.
    for _ in 0..10 {
        let answer = student_ul.get(&format!("{ul}{MCARD}")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let ready = student_ul.get(&format!("{ul}readyz")).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["installations"]["uw"]["calls_under_way"], 4);
    assert_eq!(ready.json()["installations"]["ul"]["calls_under_way"], 0);
    let mut statuses: Vec<u16> = Vec::new();
    for handle in waiting {
        statuses.push(handle.await.unwrap());
    }
    statuses.sort();
    // Four waited and ran out of time; the others were told at once that
    // uw is busy, in USOS's shape.
    assert_eq!(statuses, [429, 429, 429, 429, 504, 504, 504, 504]);
}

#[tokio::test]
async fn an_installations_file_from_usos_own_list() {
    let sim = start_three().await;
    let dir = std::env::temp_dir().join(format!("gw-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("installations.toml");
    // Not std's Command: the stand-in answers on this test's own runtime.
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_usos-gateway"))
        .args([
            "installations",
            "import",
            "--from",
            &format!("http://{sim}/uw/"),
        ])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("wrote 3 installations"));
    let text = std::fs::read_to_string(&out).unwrap();
    let read = usos_gateway::installations_file::parse(&text, &dir).unwrap();
    let ids: Vec<&str> = read.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["uw", "ul", "pg"]);
    assert_eq!(read[1].usos_api.as_str(), format!("http://{sim}/ul/"));
    assert_eq!(read[1].name.pl, "Uniwersytet Łódzki");
    assert!(read.iter().all(|i| i.consumer.is_none()));
}

#[cfg(unix)]
#[tokio::test]
async fn sighup_reads_the_file_again_and_a_bad_one_changes_nothing() {
    let sim = start_three().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("gw-sighup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = installations_file(&dir, sim, port, 8);
    let full = std::fs::read_to_string(&file).unwrap();
    // First only uw.
    let first = full.split("[[installation]]").nth(1).unwrap();
    std::fs::write(&file, format!("[[installation]]{first}")).unwrap();
    let log = std::fs::File::create(dir.join("gateway.log")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_usos-gateway"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--installations", file.to_str().unwrap()])
        .args(["--public-url", &format!("http://localhost:{port}/")])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    wait_until_up(addr).await;
    let mut shared = browser_on("localhost", port);
    let listed = |text: String| -> Vec<String> {
        serde_json::from_str::<Value>(&text)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let url = format!("http://localhost:{port}/installations");
    assert_eq!(listed(shared.get(&url).await.text), ["uw"]);
    std::fs::write(&file, &full).unwrap();
    let hup = |pid: u32| {
        std::process::Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .unwrap()
    };
    hup(child.id());
    let mut now = Vec::new();
    for _ in 0..50 {
        now = listed(shared.get(&url).await.text);
        if now.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(now, ["uw", "ul", "pg"]);
    // A file with a mistake: the running list stays, and the log says why
    // without quoting the file.
    std::fs::write(&file, "[[installation]]\nid = \"NOT VALID\"\n").unwrap();
    hup(child.id());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(listed(shared.get(&url).await.text), ["uw", "ul", "pg"]);
    child.kill().unwrap();
    child.wait().unwrap();
    let log = std::fs::read_to_string(dir.join("gateway.log")).unwrap();
    assert!(log.contains("installations file not taken"), "{log}");
    assert!(log.contains("installations.toml: line"), "{log}");
    assert!(!log.contains(SECRET), "{log}");
}
