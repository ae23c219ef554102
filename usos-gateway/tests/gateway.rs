//! The gateway against usos-sim `--oauth`, over real HTTP on loopback: the
//! stand-in checks every signature by RFC 5849, independently of the library
//! the gateway signs with.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn setup() -> (SocketAddr, SocketAddr) {
    let sim = start_sim().await;
    let gateway = start_gateway(sim, &[]).await;
    (sim, gateway)
}

#[tokio::test]
async fn a_student_signs_in_orders_follows_cancels_and_signs_out() {
    let (sim, gw) = setup().await;
    let origin = format!("http://{gw}");
    let mut browser = Browser::new();

    // Installation facts need no student.
    let installation = browser
        .get(&format!(
            "http://{gw}/services/apisrv/installation?fields=mcards_support"
        ))
        .await;
    assert_eq!(installation.status, 200);
    assert_eq!(installation.json()["mcards_support"], true);
    // Signed out: 401 in USOS's shape.
    let signed_out = browser.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(signed_out.status, 401);
    assert_eq!(signed_out.json()["error"], "unauthorized");

    let back = browser.sign_in(gw, "/pomoc").await;
    assert_eq!(back, format!("http://{gw}/pomoc"));
    let session_line = browser
        .set_cookie_lines
        .iter()
        .find(|l| l.starts_with("mlg_session="))
        .unwrap()
        .clone();
    assert!(session_line.contains("HttpOnly"), "{session_line}");
    assert!(session_line.contains("SameSite=Lax"), "{session_line}");
    assert!(session_line.contains("Path=/"), "{session_line}");
    assert!(
        !browser.cookies.contains_key("mlg_signin"),
        "the sign-in cookie is cleared"
    );

    // Each method, signed and answered: GET with a query...
    let mcard = browser.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(mcard.status, 200, "{}", mcard.text);
    assert_eq!(mcard.json()["why_cannot_order"], serde_json::Value::Null);
    // ...POST with nothing...
    let ordered = browser
        .post(
            &format!("http://{gw}/services/cards/make_mcard_order"),
            "",
            Some(&origin),
        )
        .await;
    assert_eq!(ordered.status, 200, "{}", ordered.text);
    assert_eq!(ordered.json()["success"], true);
    let state = sim_json(sim, "state").await;
    assert_eq!(state["orders_placed"], 1);
    let order_id = state["orders"][0]["id"].as_str().unwrap().to_owned();
    // ...GET with two arguments, one of them needing encoding...
    let order = browser
        .get(&format!(
            "http://{gw}/services/cards/mcard_order?order_id={order_id}&fields=id%7Cstatus%7Ctoken"
        ))
        .await;
    assert_eq!(order.status, 200, "{}", order.text);
    assert_eq!(order.json()["status"], "pending");
    // ...and POST with a form body and a query argument together.
    let cancelled = browser
        .post(
            &format!("http://{gw}/services/cards/revoke_mcard?lang=pl"),
            &format!("order_id={order_id}"),
            Some(&origin),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let state = sim_json(sim, "state").await;
    assert_eq!(state["orders"][0]["status"], "cancelled");
    // USOS's own refusals pass through with their status and body.
    let unknown = browser
        .get(&format!(
            "http://{gw}/services/cards/mcard_order?order_id=nope&fields=id"
        ))
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"], "object_not_found");

    let oauth = sim_json(sim, "oauth").await;
    assert_eq!(
        oauth["refused_calls"], 0,
        "every signature verified: {oauth}"
    );
    assert!(oauth["verified_calls"].as_u64().unwrap() >= 8, "{oauth}");
    assert_eq!(oauth["live_sessions"], 1);

    // Sign out: the token is revoked at USOS and the cookie cleared.
    let logout = browser
        .post(&format!("http://{gw}/auth/logout"), "", Some(&origin))
        .await;
    assert_eq!(logout.status, 200);
    assert!(!browser.cookies.contains_key("mlg_session"));
    assert_eq!(sim_json(sim, "oauth").await["live_sessions"], 0);
    let after = browser.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(after.status, 401);
}

#[tokio::test]
async fn a_session_cookie_replayed_after_logout_or_tampered_gets_401() {
    let (sim, gw) = setup().await;
    let mut browser = Browser::new();
    browser.sign_in(gw, "/").await;
    let sealed = browser.cookies["mlg_session"].clone();

    // Tampered: one character changed.
    let mut tampered = sealed.clone().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    browser
        .cookies
        .insert("mlg_session".into(), String::from_utf8(tampered).unwrap());
    let answer = browser.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["error"], "unauthorized");
    // Random bytes.
    browser.cookies.insert(
        "mlg_session".into(),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
    );
    assert_eq!(
        browser.get(&format!("http://{gw}/{MCARD}")).await.status,
        401
    );

    // The real cookie, kept by an attacker, after the student signed out:
    // USOS no longer accepts the revoked token.
    browser.cookies.insert("mlg_session".into(), sealed.clone());
    assert_eq!(
        browser.get(&format!("http://{gw}/{MCARD}")).await.status,
        200
    );
    browser
        .post(
            &format!("http://{gw}/auth/logout"),
            "",
            Some(&format!("http://{gw}")),
        )
        .await;
    browser.cookies.insert("mlg_session".into(), sealed);
    let replayed = browser.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(replayed.status, 401);
    assert_eq!(replayed.json()["error"], "unauthorized");
    let _ = sim;
}

#[tokio::test]
async fn a_post_from_a_foreign_origin_is_refused_before_usos() {
    let sim = start_sim().await;
    let gw = start_gateway(sim, &["--allowed-origin", "https://usosweb.example.edu"]).await;
    let mut browser = Browser::new();
    browser.sign_in(gw, "/").await;
    for origin in ["https://evil.example", "null", "http://127.0.0.1:1"] {
        let answer = browser
            .post(
                &format!("http://{gw}/services/cards/make_mcard_order"),
                "",
                Some(origin),
            )
            .await;
        assert_eq!(answer.status, 403, "{origin}");
        assert_eq!(answer.json()["error"], "method_forbidden");
    }
    // A cross-site fetch without Origin, as some old browsers send it.
    let request = reqwest::Client::new()
        .post(format!("http://{gw}/services/cards/make_mcard_order"))
        .header("sec-fetch-site", "cross-site");
    assert_eq!(browser.send(request).await.status, 403);
    assert_eq!(sim_json(sim, "state").await["orders_placed"], 0);
    // A foreign page cannot sign the student out either.
    let logout = browser
        .post(
            &format!("http://{gw}/auth/logout"),
            "",
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(logout.status, 403);
    assert!(browser.cookies.contains_key("mlg_session"));
    // The allowed origin may.
    let allowed = browser
        .post(
            &format!("http://{gw}/services/cards/make_mcard_order"),
            "",
            Some("https://usosweb.example.edu"),
        )
        .await;
    assert_eq!(allowed.status, 200);
    assert_eq!(sim_json(sim, "state").await["orders_placed"], 1);
}

#[tokio::test]
async fn cors_answers_only_allowed_origins() {
    let sim = start_sim().await;
    let gw = start_gateway(sim, &["--allowed-origin", "https://usosweb.example.edu"]).await;
    let mut browser = Browser::new();
    let preflight = |origin: &'static str| {
        reqwest::Client::new()
            .request(
                reqwest::Method::OPTIONS,
                format!("http://{gw}/services/cards/make_mcard_order"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-csrf-token",
            )
    };
    let allowed = browser.send(preflight("https://usosweb.example.edu")).await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://usosweb.example.edu"
    );
    assert_eq!(allowed.headers["access-control-allow-credentials"], "true");
    let foreign = browser.send(preflight("https://evil.example")).await;
    assert!(foreign.headers.get("access-control-allow-origin").is_none());
}

/// An upstream that counts every request it gets and answers 200 `{}`.
async fn counting_upstream() -> (SocketAddr, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let app = axum::Router::new().fallback(move || {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            "{}"
        }
    });
    (serve(app).await, count)
}

#[tokio::test]
async fn other_paths_never_reach_usos() {
    let (upstream, count) = counting_upstream().await;
    let gw = start_gateway(upstream, &[]).await;
    let mut browser = Browser::new();
    for path in [
        "services/users/user",
        "services/cards/user",
        "services/oauth/access_token",
        "services/cards/mcard/",
        "services/cards/%2e%2e/users/user",
    ] {
        let answer = browser.get(&format!("http://{gw}/{path}")).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.json()["error"], "method_not_found", "{path}");
    }
    // Sent byte for byte: an HTTP client would have removed the `..`.
    let mut stream = tokio::net::TcpStream::connect(gw).await.unwrap();
    stream
        .write_all(
            format!(
                "GET /services/cards/../users/user?fields=id HTTP/1.1\r\nHost: {gw}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    assert!(raw.starts_with("HTTP/1.1 404"), "{raw}");
    assert!(raw.contains("method_not_found"));
    // The installation is forwarded, to show the counter counts.
    assert_eq!(count.load(Ordering::SeqCst), 0);
    let installation = browser
        .get(&format!(
            "http://{gw}/services/apisrv/installation?fields=mcards_support"
        ))
        .await;
    assert_eq!(installation.status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn sign_in_never_returns_off_site() {
    let (_sim, gw) = setup().await;
    for attack in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example@127.0.0.1/",
    ] {
        let mut browser = Browser::new();
        let back = browser.sign_in(gw, attack).await;
        assert_eq!(back, format!("http://{gw}/"), "{attack}");
    }
}

#[tokio::test]
async fn a_callback_that_does_not_match_the_sign_in_shows_a_page_to_try_again() {
    let (_sim, gw) = setup().await;
    let mut browser = Browser::new();
    // No sign-in under way in this browser.
    let answer = browser
        .get(&format!(
            "http://{gw}/auth/callback?oauth_token=abc&oauth_verifier=123"
        ))
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.text.contains("Logowanie nie powiodło się"));
    assert!(answer.text.contains("Signing in failed"));
    assert!(answer.text.contains("/auth/login?return="));
    // Styled like the widget, by a stylesheet of its own (no inline style under the CSP).
    assert!(answer.text.contains("auth/page.css"));
    let css = browser.get(&format!("http://{gw}/auth/page.css")).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    // A sign-in under way, and someone else's token in the callback.
    let login = browser
        .get(&format!("http://{gw}/auth/login?return=/"))
        .await;
    assert_eq!(login.status, 303);
    let answer = browser
        .get(&format!(
            "http://{gw}/auth/callback?oauth_token=other&oauth_verifier=123"
        ))
        .await;
    assert_eq!(answer.status, 400);
    assert!(!browser.cookies.contains_key("mlg_session"));
}

#[tokio::test]
async fn a_hanging_usos_gives_504_and_html_gives_502() {
    let (sim, gw) = setup().await;
    let mut browser = Browser::new();
    browser.sign_in(gw, "/").await;
    set_faults(sim, &["cards/mcard:hang"]).await;
    let answer = browser.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(answer.status, 504);
    assert_eq!(answer.json()["error"], "upstream_timeout");
    for fault in ["cards/mcard:not-json", "cards/mcard:maintenance"] {
        set_faults(sim, &[fault]).await;
        let answer = browser.get(&format!("http://{gw}/{MCARD}")).await;
        assert_eq!(answer.status, 502, "{fault}");
        assert_eq!(answer.json()["error"], "upstream_error", "{fault}");
    }
    // USOS's own 503 in its shape, and 429 with Retry-After, pass through.
    set_faults(sim, &["cards/mcard:busy=7"]).await;
    let answer = browser.get(&format!("http://{gw}/{MCARD}")).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.headers["retry-after"], "7");
    set_faults(sim, &["cards/mcard:status=503"]).await;
    assert_eq!(
        browser.get(&format!("http://{gw}/{MCARD}")).await.status,
        503
    );
}

#[tokio::test]
async fn an_order_is_never_sent_twice_when_the_connection_drops() {
    let (sim, gw) = setup().await;
    let mut browser = Browser::new();
    browser.sign_in(gw, "/").await;
    set_faults(sim, &["cards/make_mcard_order:lose-response"]).await;
    let answer = browser.order(gw).await;
    assert_eq!(answer.status, 502);
    assert_eq!(sim_json(sim, "state").await["orders_placed"], 1);
    // Dropped before the method ran: nothing placed, nothing retried.
    set_faults(sim, &["cards/make_mcard_order:drop"]).await;
    let answer = browser.order(gw).await;
    assert_eq!(answer.status, 502);
    assert_eq!(sim_json(sim, "state").await["orders_placed"], 1);
}
