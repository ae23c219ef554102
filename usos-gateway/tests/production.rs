//! The gateway as a university's IT team runs it: the installation cache,
//! limits, health and metrics, key rotation, headers, sizes, compressed files.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;

/// An upstream that counts requests and answers 200 `{"mcards_support": true}`,
/// or 503 while `failing` is set.
async fn counting_upstream() -> (SocketAddr, Arc<AtomicUsize>, Arc<AtomicBool>) {
    let count = Arc::new(AtomicUsize::new(0));
    let failing = Arc::new(AtomicBool::new(false));
    let (seen, fail) = (count.clone(), failing.clone());
    let app = axum::Router::new().fallback(move || {
        let (seen, fail) = (seen.clone(), fail.clone());
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            if fail.load(Ordering::SeqCst) {
                (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"message": "down", "error": "internal_error"}"#,
                )
            } else {
                (axum::http::StatusCode::OK, r#"{"mcards_support": true}"#)
            }
        }
    });
    (serve(app).await, count, failing)
}

const INSTALLATION: &str = "services/apisrv/installation?fields=mcards_support";

#[tokio::test]
async fn installation_comes_from_the_cache_after_the_first_success() {
    let (upstream, count, failing) = counting_upstream().await;
    let gw = start_gateway(upstream, &[]).await;
    let mut browser = Browser::new();
    // A failure is never kept.
    failing.store(true, Ordering::SeqCst);
    assert_eq!(
        browser
            .get(&format!("http://{gw}/{INSTALLATION}"))
            .await
            .status,
        503
    );
    failing.store(false, Ordering::SeqCst);
    for _ in 0..3 {
        let answer = browser.get(&format!("http://{gw}/{INSTALLATION}")).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.json()["mcards_support"], true);
    }
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "one failure, then one success kept"
    );
    let metrics = browser.get(&format!("http://{gw}/metrics")).await.text;
    assert!(
        metrics.contains("usos_gateway_installation_cache_hits_total{installation=\"default\"} 2"),
        "{metrics}"
    );
    // Switched off, every call goes to USOS.
    let uncached = start_gateway(upstream, &["--installation-cache-seconds", "0"]).await;
    for _ in 0..2 {
        browser
            .get(&format!("http://{uncached}/{INSTALLATION}"))
            .await;
    }
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let sim = start_sim().await;
    let gw = start_gateway(sim, &[]).await;
    let mut browser = Browser::new();
    assert_eq!(
        browser.get(&format!("http://{gw}/healthz")).await.text,
        "ok"
    );
    let ready = browser.get(&format!("http://{gw}/readyz")).await;
    assert_eq!(ready.status, 200);
    browser.sign_in(gw, "/").await;
    let order = browser.order(gw).await;
    assert_eq!(order.status, 200);
    browser
        .get(&format!("http://{gw}/services/users/user"))
        .await;
    let metrics = browser.get(&format!("http://{gw}/metrics")).await;
    assert_eq!(metrics.status, 200);
    let text = metrics.text;
    for line in [
        "usos_gateway_sign_ins_total{installation=\"default\"} 1",
        "usos_gateway_orders_placed_total{installation=\"default\"} 1",
        "usos_gateway_requests_total{route=\"cards/make_mcard_order\",outcome=\"2xx\",installation=\"default\"} 1",
        "usos_gateway_requests_total{route=\"services/other\",outcome=\"404\",installation=\"\"} 1",
        "usos_gateway_upstream_seconds_count{method=\"cards/make_mcard_order\",installation=\"default\"} 1",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    // USOS gone: the copy still serves (students need their pages and a
    // clear message), so it stays ready; the installation's state says why.
    let nowhere = start_gateway("127.0.0.1:9".parse().unwrap(), &[]).await;
    let ready = browser.get(&format!("http://{nowhere}/readyz")).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["ready"], true);
    assert_eq!(ready.json()["installations"]["default"]["configured"], true);
}

#[tokio::test]
async fn a_student_beyond_the_rate_gets_429_with_retry_after() {
    let sim = start_sim().await;
    let gw = start_gateway(sim, &[]).await;
    let mut browser = Browser::new();
    browser.sign_in(gw, "/").await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..30 {
        let answer = browser.get(&format!("http://{gw}/{MCARD}")).await;
        if answer.status == 429 {
            retry_after = answer.headers.get("retry-after").cloned();
        }
        statuses.push(answer.status);
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert!((20..30).contains(&ok), "{statuses:?}");
    assert!(statuses.contains(&429));
    assert!(retry_after.is_some());
    // Another student is not held back.
    let mut other = Browser::new();
    other.sign_in(gw, "/").await;
    assert_eq!(other.get(&format!("http://{gw}/{MCARD}")).await.status, 200);
    let metrics = browser.get(&format!("http://{gw}/metrics")).await.text;
    assert!(metrics
        .contains("usos_gateway_rate_limited_total{limit=\"session\",installation=\"default\"}"));
}

#[tokio::test]
async fn beyond_the_calls_usos_may_have_at_once_429() {
    let sim = start_sim().await;
    let gw = start_gateway(sim, &["--max-upstream-concurrency", "1"]).await;
    let mut first = Browser::new();
    first.sign_in(gw, "/").await;
    let mut second = Browser::new();
    second.sign_in(gw, "/").await;
    set_faults(sim, &["cards/mcard:latency=600"]).await;
    let slow = tokio::spawn(async move { first.get(&format!("http://{gw}/{MCARD}")).await.status });
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let refused = second.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.headers["retry-after"], "1");
    assert_eq!(slow.await.unwrap(), 200);
}

#[tokio::test]
async fn a_rotated_key_still_opens_yesterdays_sessions() {
    let sim = start_sim().await;
    let dir = std::env::temp_dir().join(format!("gw-rotation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old, new) = (dir.join("old"), dir.join("new"));
    std::fs::write(&old, [1u8; 64]).unwrap();
    std::fs::write(&new, [2u8; 64]).unwrap();
    let before = start_gateway(sim, &["--session-key-file", old.to_str().unwrap()]).await;
    let mut browser = Browser::new();
    browser.sign_in(before, "/").await;
    let cookie = browser.cookies["mlg_session"].clone();
    let after = start_gateway(
        sim,
        &[
            "--session-key-file",
            new.to_str().unwrap(),
            "--previous-session-key-file",
            old.to_str().unwrap(),
        ],
    )
    .await;
    let mut same = Browser::new();
    same.cookies.insert("mlg_session".into(), cookie.clone());
    assert_eq!(
        same.get(&format!("http://{after}/{MCARD}")).await.status,
        200
    );
    // Once the old key is dropped, its cookies are no session.
    let later = start_gateway(sim, &["--session-key-file", new.to_str().unwrap()]).await;
    assert_eq!(
        same.get(&format!("http://{later}/{MCARD}")).await.status,
        401
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_sizes_are_limited() {
    let sim = start_sim().await;
    let dist = std::env::temp_dir().join(format!("gw-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    let page = "<!DOCTYPE html><title>mLegitymacja</title><p>widget</p>".repeat(20);
    std::fs::write(dist.join("index.html"), &page).unwrap();
    // What scripts/precompress writes beside it (here a stand-in body, to
    // see which file was sent).
    std::fs::write(dist.join("index.html.br"), b"brotli-body").unwrap();
    std::fs::write(dist.join("index.html.gz"), b"gzip-body").unwrap();
    let gw = start_gateway(
        sim,
        &[
            "--dist",
            dist.to_str().unwrap(),
            "--allowed-origin",
            "https://usosweb.example.edu",
        ],
    )
    .await;
    let mut browser = Browser::new();
    for path in ["", "pomoc", "services/users/user", "healthz", MCARD] {
        let answer = browser.get(&format!("http://{gw}/{path}")).await;
        let csp = answer.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'self' https://usosweb.example.edu"),
            "{path}: {csp}"
        );
        assert_eq!(
            answer.headers["x-content-type-options"], "nosniff",
            "{path}"
        );
        assert_eq!(answer.headers["referrer-policy"], "no-referrer", "{path}");
    }
    // A page on an allowed origin may load the widget's files (as modules,
    // in CORS mode); another may not.
    let from = |origin: &'static str| {
        reqwest::Client::new()
            .get(format!("http://{gw}/"))
            .header("origin", origin)
    };
    let allowed = browser.send(from("https://usosweb.example.edu")).await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://usosweb.example.edu"
    );
    let foreign = browser.send(from("https://evil.example")).await;
    assert!(foreign.headers.get("access-control-allow-origin").is_none());
    // The browser that accepts brotli gets the brotli file; one that does
    // not, the plain one.
    let client = reqwest::Client::new();
    let br = client
        .get(format!("http://{gw}/"))
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert!(br
        .headers()
        .get_all("vary")
        .iter()
        .any(|v| v == "accept-encoding"));
    assert_eq!(br.text().await.unwrap(), "brotli-body");
    let gz = client
        .get(format!("http://{gw}/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let plain = client.get(format!("http://{gw}/")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), page);
    // A body far beyond any argument: refused, and the gateway goes on.
    browser.sign_in(gw, "/").await;
    let huge = "order_id=".to_owned() + &"9".repeat(64 * 1024);
    let answer = browser
        .post(
            &format!("http://{gw}/services/cards/revoke_mcard"),
            &huge,
            Some(&format!("http://{gw}")),
        )
        .await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"], "request_too_large");
    assert_eq!(
        browser.get(&format!("http://{gw}/healthz")).await.status,
        200
    );
}
