//! Web Push end to end over loopback: the gateway with push on, in front of
//! usos-sim in OAuth mode, which also plays the browser's push service (its
//! own RFC 8291 and RFC 8292 code, not the gateway's crate).

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// A subscription made by usos-sim's push service, as a browser gives it.
async fn sim_subscription(sim: SocketAddr) -> Value {
    let answer = reqwest::Client::new()
        .post(format!("http://{sim}/_sim/push/subscriptions"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201);
    serde_json::from_str(&answer.text().await.unwrap()).unwrap()
}

/// `POST /push/subscriptions` from the gateway's own page.
async fn subscribe(
    browser: &mut Browser,
    gateway: SocketAddr,
    subscription: &Value,
    lang: &str,
) -> Answer {
    let body = json!({
        "subscription": subscription,
        "lang": lang,
        "open_url": format!("http://{gateway}/"),
    });
    let request = reqwest::Client::new()
        .post(format!("http://{gateway}/push/subscriptions"))
        .header("content-type", "application/json")
        .header("origin", format!("http://{gateway}"))
        .body(body.to_string());
    browser.send(request).await
}

async fn messages(sim: SocketAddr) -> Vec<Value> {
    sim_json(sim, "push/messages").await["messages"]
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until usos-sim has received `n` pushes (or `limit` passed).
async fn wait_for_pushes(sim: SocketAddr, n: usize, limit: Duration) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let got = messages(sim).await;
        if got.len() >= n || start.elapsed() > limit {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn post_sim(sim: SocketAddr, path: &str, body: Value) -> Value {
    let answer = reqwest::Client::new()
        .post(format!("http://{sim}/_sim/{path}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    serde_json::from_str(&answer.text().await.unwrap()).unwrap()
}

/// A signed-in student with an order on its way.
async fn student_with_order(gateway: SocketAddr) -> Browser {
    let mut browser = Browser::new();
    browser
        .sign_in(gateway, &format!("http://{gateway}/"))
        .await;
    assert_eq!(browser.order(gateway).await.status, 200);
    browser
}

/// Every secret usos-sim handed out, and the student's number.
async fn secrets(sim: SocketAddr) -> Vec<String> {
    let mut all: Vec<String> = sim_json(sim, "issued").await["issued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap().to_owned())
        .collect();
    all.push("123456".to_owned());
    all
}

/// How long the watcher takes at most to see a change (its first read is
/// 10 s after subscribing, ±10 %), plus time to send.
const FIRST_CHECK: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_ready_order_is_pushed_once_in_the_students_language() {
    let sim = start_sim().await;
    let files = PushFiles::new("ready");
    let gateway = start_push_gateway(sim, &files, 0).await;
    let gw = gateway.addr;
    let mut browser = student_with_order(gw).await;
    let key = browser.get(&format!("http://{gw}/push/key")).await.json()["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let subscription = sim_subscription(sim).await;
    let answer = subscribe(&mut browser, gw, &subscription, "en").await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(answer.json()["watching"], true);
    assert!(answer.json()["until"].as_str().unwrap().ends_with('Z'));
    // Sending it again renews the one watch rather than adding another.
    assert_eq!(
        subscribe(&mut browser, gw, &subscription, "en")
            .await
            .status,
        201
    );

    // While the watch is open: the database's files (.db, -wal, -shm)
    // hold neither the access token nor its secret in clear.
    let open = files.database_bytes();
    let issued = sim_json(sim, "issued").await;
    let mut searched = 0;
    for secret in issued["issued"].as_array().unwrap() {
        let value = secret["value"].as_str().unwrap();
        searched += 1;
        assert!(
            !open.windows(value.len()).any(|w| w == value.as_bytes()),
            "an open watch's database holds a {}",
            secret["kind"]
        );
    }
    assert!(searched >= 2, "the access token and its secret were issued");
    let ready = post_sim(sim, "ministry-answers", json!({})).await;
    let order_id = ready["order_id"].as_str().unwrap().to_owned();
    let got = wait_for_pushes(sim, 1, FIRST_CHECK).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let push = &got[0];
    assert_eq!(push["answered"], 201, "{push}");
    assert_eq!(push["aud"], format!("http://{sim}"), "aud carries the port");
    assert_eq!(
        push["vapid_key"],
        key.as_str(),
        "signed with /push/key's key"
    );
    assert_eq!(push["sub"], "mailto:it@example.edu");
    assert_eq!(push["urgency"], "high");
    assert_eq!(push["topic"], format!("mlg-{order_id}"));
    let ttl = push["ttl"].as_u64().unwrap();
    assert!(
        ttl > 23 * 3600 && ttl <= 24 * 3600,
        "TTL {ttl}: the watch's time left"
    );
    let payload = &push["payload"];
    assert_eq!(payload["title"], "Ready to collect — mLegitymacja");
    assert_eq!(
        payload["body"],
        "Add the mLegitymacja to the mObywatel app."
    );
    assert_eq!(payload["url"], format!("http://{gw}/"));
    assert_eq!(payload["tag"], format!("mlegitymacja-{order_id}"));
    let text = push.to_string();
    for secret in secrets(sim).await {
        assert!(!text.contains(&secret), "the push carries a secret");
    }
    // The database holds no token, sealed or not, in plain text.
    let on_disk = files.database_bytes();
    assert!(!on_disk.is_empty());
    for secret in secrets(sim).await {
        assert!(
            !on_disk
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "the database holds a secret in plain text"
        );
    }
    // Exactly one: nothing more comes.
    tokio::time::sleep(Duration::from_secs(12)).await;
    assert_eq!(messages(sim).await.len(), 1);
    let metrics = browser.get(&format!("http://{gw}/metrics")).await.text;
    assert!(
        metrics
            .contains("usos_gateway_pushes_total{outcome=\"accepted\",installation=\"default\"} 1"),
        "{metrics}"
    );
    gateway.stop().await;
}

/// usos-sim, a gateway with push in front of it, a signed-in student with
/// an order on its way, and a subscription on usos-sim's push service, not
/// yet sent to the gateway.
struct Scene {
    sim: SocketAddr,
    files: PushFiles,
    gateway: Running,
    browser: Browser,
    subscription: Value,
}

impl Scene {
    async fn new(name: &str) -> Scene {
        let sim = start_sim().await;
        let files = PushFiles::new(name);
        let gateway = start_push_gateway(sim, &files, 0).await;
        let browser = student_with_order(gateway.addr).await;
        let subscription = sim_subscription(sim).await;
        Scene {
            sim,
            files,
            gateway,
            browser,
            subscription,
        }
    }

    /// Sends the subscription to the gateway, in `lang`: the status.
    async fn subscribe(&mut self, lang: &str) -> u16 {
        let gw = self.gateway.addr;
        subscribe(&mut self.browser, gw, &self.subscription, lang)
            .await
            .status
    }

    /// Tells usos-sim's push service how to answer this subscription.
    async fn push_service_answers(&self, answer: Value) {
        let id = self.subscription["endpoint"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        post_sim(self.sim, &format!("push/answer/{id}"), answer).await;
    }

    async fn ministry_answers(&self, answer: Value) {
        post_sim(self.sim, "ministry-answers", answer).await;
    }
}

#[tokio::test]
async fn after_sign_out_nothing_is_pushed() {
    let mut scene = Scene::new("signout").await;
    assert_eq!(scene.subscribe("pl").await, 201);
    let gw = scene.gateway.addr;
    let out = scene
        .browser
        .post(
            &format!("http://{gw}/auth/logout"),
            "",
            Some(&format!("http://{gw}")),
        )
        .await;
    assert_eq!(out.status, 200);
    scene.ministry_answers(json!({})).await;
    tokio::time::sleep(FIRST_CHECK).await;
    assert!(messages(scene.sim).await.is_empty());
    scene.gateway.stop().await;
}

#[tokio::test]
async fn while_the_ministry_is_far_behind_new_watches_read_once_a_minute() {
    use usos_gateway::push::schedule::PATIENT_BACKLOG;
    // Orders that stay on their way for the whole test.
    let hour = usos_sim::sim::Delays {
        pending_ms: 3_600_000,
        processing_ms: 3_600_000,
    };
    let sim = start_many_students_sim(hour).await;
    let files = PushFiles::new("far-behind");
    // The ministry's pace before the gateway starts: 10 orders ended over
    // the last 9 minutes, as the gateway records them.
    let database = format!("sqlite://{}", files.database().display());
    let store = usos_gateway::store::Store::connect(&database, 1)
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for i in 0..10 {
        store
            .record_outcome("default", now - 540 + i * 60, "ready", 1_800)
            .await
            .unwrap();
    }
    store.close().await;
    let gateway = start_push_gateway(sim, &files, 0).await;
    let gw = gateway.addr;
    // 30 students turn push on: at 10 outcomes in 9 minutes, their orders
    // would take the ministry 27 minutes.
    const STUDENTS: i64 = 30;
    for _ in 0..STUDENTS {
        let mut browser = student_with_order(gw).await;
        let subscription = sim_subscription(sim).await;
        assert_eq!(
            subscribe(&mut browser, gw, &subscription, "pl")
                .await
                .status,
            201
        );
    }
    let installation = gateway.state.installations().single().unwrap().clone();
    let start = Instant::now();
    while installation
        .ministry_backlog()
        .is_none_or(|backlog| backlog <= PATIENT_BACKLOG)
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the backlog was measured: {:?}",
            installation.ministry_backlog()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Each watch, read once more, is next read in a minute, not in 10 s.
    let watches = sqlx::SqlitePool::connect(&database).await.unwrap();
    let start = Instant::now();
    loop {
        let intervals: Vec<i64> = sqlx::query_scalar("SELECT check_interval_ms FROM watches")
            .fetch_all(&watches)
            .await
            .unwrap();
        assert_eq!(intervals.len() as i64, STUDENTS, "no watch ended");
        if intervals.iter().all(|&ms| ms == 60_000) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "every watch reads once a minute: {intervals:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(messages(sim).await.is_empty(), "nothing was ready");
    watches.close().await;
    gateway.stop().await;
}

#[tokio::test]
async fn a_gone_subscription_is_not_tried_again() {
    let mut scene = Scene::new("gone").await;
    scene.push_service_answers(json!({"status": 410})).await;
    assert_eq!(scene.subscribe("pl").await, 201);
    scene.ministry_answers(json!({"outcome": "error"})).await;
    let got = wait_for_pushes(scene.sim, 1, FIRST_CHECK).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["answered"], 410);
    assert_eq!(got[0]["payload"]["title"], "Błąd — mLegitymacja");
    tokio::time::sleep(Duration::from_secs(15)).await;
    assert_eq!(
        messages(scene.sim).await.len(),
        1,
        "no second try after 410"
    );
    scene.gateway.stop().await;
}

#[tokio::test]
async fn a_busy_push_service_is_tried_again_when_it_says() {
    let mut scene = Scene::new("busy").await;
    scene
        .push_service_answers(json!({"status": 429, "retry_after": 2, "delay_ms": 700}))
        .await;
    assert_eq!(scene.subscribe("uk").await, 201);
    scene.ministry_answers(json!({})).await;
    let first = wait_for_pushes(scene.sim, 1, FIRST_CHECK).await;
    assert_eq!(first[0]["answered"], 429);
    scene.push_service_answers(json!({"status": 201})).await;
    let got = wait_for_pushes(scene.sim, 2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1]["answered"], 201);
    assert_eq!(
        got[1]["payload"]["title"],
        "Готова до отримання — mLegitymacja"
    );
    // `Retry-After` counts from the answer, which the busy service was slow
    // to give.
    let gap =
        got[1]["received_at_ms"].as_u64().unwrap() - got[0]["answered_at_ms"].as_u64().unwrap();
    assert!(gap >= 2_000, "Retry-After honoured ({gap} ms)");
    scene.gateway.stop().await;
}

#[tokio::test]
async fn a_restarted_gateway_still_pushes() {
    let mut scene = Scene::new("restart").await;
    assert_eq!(scene.subscribe("pl").await, 201);
    let port = scene.gateway.addr.port();
    scene.gateway.stop().await;
    let again = start_push_gateway(scene.sim, &scene.files, port).await;
    post_sim(scene.sim, "ministry-answers", json!({})).await;
    let got = wait_for_pushes(scene.sim, 1, FIRST_CHECK).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["payload"]["title"], "Do odbioru — mLegitymacja");
    again.stop().await;
}

#[tokio::test]
async fn a_revoked_token_ends_the_watch_quietly() {
    let mut scene = Scene::new("revoked").await;
    assert_eq!(scene.subscribe("pl").await, 201);
    post_sim(scene.sim, "oauth/revoke-all", json!({})).await;
    scene.ministry_answers(json!({})).await;
    tokio::time::sleep(FIRST_CHECK).await;
    assert!(messages(scene.sim).await.is_empty());
    let gw = scene.gateway.addr;
    let metrics = scene
        .browser
        .get(&format!("http://{gw}/metrics"))
        .await
        .text;
    assert!(
        metrics.contains(
            "usos_gateway_watcher_usos_calls_total{outcome=\"unauthorized\",installation=\"default\"} 1"
        ),
        "{metrics}"
    );
    scene.gateway.stop().await;
}

#[tokio::test]
async fn refusals_come_in_usos_shape_and_contact_nobody() {
    let sim = start_sim().await;
    let files = PushFiles::new("refusals");
    let gateway = start_push_gateway(sim, &files, 0).await;
    let gw = gateway.addr;
    let subscription = sim_subscription(sim).await;

    // No session: 401.
    let mut stranger = Browser::new();
    let answer = subscribe(&mut stranger, gw, &subscription, "pl").await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["error"], "unauthorized");

    // Signed in, nothing on its way: 409.
    let mut browser = Browser::new();
    browser.sign_in(gw, &format!("http://{gw}/")).await;
    let answer = subscribe(&mut browser, gw, &subscription, "pl").await;
    assert_eq!(answer.status, 409, "{}", answer.text);
    assert_eq!(answer.json()["error"], "nothing_to_watch");
    assert_eq!(browser.order(gw).await.status, 200);

    // A page on another origin: 403.
    let request = reqwest::Client::new()
        .post(format!("http://{gw}/push/subscriptions"))
        .header("origin", "https://evil.example")
        .body(json!({"subscription": subscription, "lang": "pl", "open_url": "/"}).to_string());
    assert_eq!(browser.send(request).await.status, 403);

    // An endpoint elsewhere, and http:// to a host not given: 400, never contacted.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere = listener.local_addr().unwrap();
    let contacted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = contacted.clone();
    tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    for endpoint in [
        format!("http://{elsewhere}/push/x"),
        "https://evil.example/push/x".to_owned(),
        "https://10.0.0.5/push/x".to_owned(),
    ] {
        let mut bad = subscription.clone();
        bad["endpoint"] = json!(endpoint);
        let answer = subscribe(&mut browser, gw, &bad, "pl").await;
        assert_eq!(answer.status, 400, "{endpoint}: {}", answer.text);
        assert_eq!(answer.json()["param_name"], "subscription.endpoint");
        assert!(
            !answer.text.contains("/push/x"),
            "the message never quotes the endpoint"
        );
    }
    // Keys that are not a P-256 point and 16 bytes of auth.
    let mut bad = subscription.clone();
    bad["keys"]["p256dh"] = json!("AAAA");
    assert_eq!(
        subscribe(&mut browser, gw, &bad, "pl").await.json()["param_name"],
        "subscription.keys.p256dh"
    );
    let mut bad = subscription.clone();
    bad["keys"]["auth"] = json!("AAAA");
    assert_eq!(
        subscribe(&mut browser, gw, &bad, "pl").await.json()["param_name"],
        "subscription.keys.auth"
    );
    assert_eq!(
        subscribe(&mut browser, gw, &subscription, "xx")
            .await
            .json()["param_name"],
        "lang"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(contacted.load(std::sync::atomic::Ordering::SeqCst), 0);

    // Turning it off: 204, also when there is nothing to turn off.
    assert_eq!(
        subscribe(&mut browser, gw, &subscription, "pl")
            .await
            .status,
        201
    );
    for _ in 0..2 {
        let request = reqwest::Client::new()
            .delete(format!("http://{gw}/push/subscriptions"))
            .header("origin", format!("http://{gw}"))
            .body(json!({"endpoint": subscription["endpoint"]}).to_string());
        assert_eq!(browser.send(request).await.status, 204);
    }
    post_sim(sim, "ministry-answers", json!({})).await;
    tokio::time::sleep(FIRST_CHECK).await;
    assert!(messages(sim).await.is_empty(), "turned off: no push");
    gateway.stop().await;
}

#[tokio::test]
async fn without_a_vapid_key_push_is_not_offered() {
    let sim = start_sim().await;
    let gw = start_gateway(sim, &[]).await;
    let mut browser = Browser::new();
    let answer = browser.get(&format!("http://{gw}/push/key")).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.json()["error"], "method_not_found");
}
