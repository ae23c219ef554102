//! The `usos-gateway` binary itself: its options, its one-line refusals, and
//! a log that never holds a secret.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const BINARY: &str = env!("CARGO_BIN_EXE_usos-gateway");

#[test]
fn a_missing_or_wrong_option_stops_the_start_with_one_line_naming_it() {
    let run = |args: &[&str]| {
        let output = Command::new(BINARY)
            .args(args)
            .env_clear()
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--usos-api is required"), "{stderr}");
    let (code, stderr) = run(&["--usos-api", "https://usos.example.edu/", "--bogus"]);
    assert_eq!(code, Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--bogus"), "{stderr}");
    let (code, stderr) = run(&[
        "--usos-api",
        "https://usos.example.edu/",
        "--consumer-key",
        "k",
        "--consumer-secret-file",
        "/nonexistent/secret",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("usos-gateway: --consumer-secret-file: cannot read"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_holds_one_line_per_request_and_no_secret() {
    let sim = start_sim().await;
    // Orders become ready at once, so the QR token and code pass through.
    reqwest::Client::new()
        .post(format!("http://{sim}/_sim/reset"))
        .body(r#"{"pending_ms": 0, "processing_ms": 0}"#)
        .send()
        .await
        .unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let gw: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let dir = std::env::temp_dir().join(format!("gateway-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("secret"), CONSUMER_SECRET).unwrap();
    std::fs::write(dir.join("key"), [42u8; 64]).unwrap();
    let log = std::fs::File::create(dir.join("log")).unwrap();
    // Options from the command line and from the environment alike.
    let mut child = Command::new(BINARY)
        .args([
            "--listen",
            &gw.to_string(),
            "--usos-api",
            &format!("http://{sim}/"),
        ])
        .env("USOS_GATEWAY_CONSUMER_KEY", CONSUMER_KEY)
        .env("USOS_GATEWAY_CONSUMER_SECRET_FILE", dir.join("secret"))
        .env("USOS_GATEWAY_PUBLIC_URL", format!("http://{gw}/"))
        .env("USOS_GATEWAY_SESSION_KEY_FILE", dir.join("key"))
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if reqwest::get(format!("http://{gw}/healthz")).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the gateway did not start");

    let mut browser = Browser::new();
    assert_eq!(browser.sign_in(gw, "/").await, format!("http://{gw}/"));
    let origin = format!("http://{gw}");
    assert_eq!(browser.order(gw).await.status, 200);
    let state = sim_json(sim, "state").await;
    let order = &state["orders"][0];
    let id = order["id"].as_str().unwrap();
    let details = browser
        .get(&format!(
            "http://{gw}/services/cards/mcard_order?order_id={id}&fields=token|distribution_pass|student_number"
        ))
        .await
        .json();
    let qr_token = details["token"].as_str().unwrap().to_owned();
    let code = details["distribution_pass"].as_str().unwrap().to_owned();
    let student_number = details["student_number"].as_str().unwrap().to_owned();
    assert_eq!(qr_token, order["token"].as_str().unwrap());
    let session = browser.cookies["mlg_session"].clone();

    // SIGTERM while a cancellation is under way (USOS slow to answer): the
    // gateway stops taking connections but finishes it; nothing is lost.
    set_faults(sim, &["cards/revoke_mcard:latency=800"]).await;
    let revoke_url = format!("http://{gw}/services/cards/revoke_mcard");
    let form = format!("order_id={id}");
    let in_flight =
        tokio::spawn(async move { browser.post(&revoke_url, &form, Some(&origin)).await.status });
    tokio::time::sleep(Duration::from_millis(200)).await;
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(
        in_flight.await.unwrap(),
        200,
        "the request under way finished"
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        sim_json(sim, "state").await["orders"][0]["status"],
        "cancelled"
    );

    let log = std::fs::read_to_string(dir.join("log")).unwrap();
    // Every token, token secret and verifier the stand-in handed out, the
    // QR token and the activation code, besides what the browser holds.
    let issued = sim_json(sim, "issued").await;
    let mut secrets: Vec<String> = issued["issued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap().to_owned())
        .collect();
    assert!(secrets.len() >= 7, "{issued}");
    secrets.extend([
        CONSUMER_SECRET.to_owned(),
        qr_token,
        code,
        student_number,
        session,
    ]);
    for secret in secrets {
        assert!(
            !log.contains(&secret),
            "the log holds a secret: {secret}\n{log}"
        );
    }
    let requests: Vec<&str> = log.lines().filter(|l| l.contains(" request ")).collect();
    assert!(requests.len() >= 6, "{log}");
    for line in &requests {
        assert!(
            line.contains("method=") && line.contains("path=/") && line.contains("status="),
            "{line}"
        );
        assert!(!line.contains('?'), "a query in the log: {line}");
    }
    assert!(
        log.contains("path=/services/cards/make_mcard_order status=200"),
        "{log}"
    );
    assert!(log.contains("upstream_status=200"), "{log}");
}
