//! The watches' database on a real SQLite file: leases keep concurrent
//! workers off each other's rows; and the push client follows no redirect.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use usos_gateway::push::schedule::Delivery;
use usos_gateway::push::send::{Message, Payload, Sender};
use usos_gateway::push::vapid::VapidKey;
use usos_gateway::store::{now_ms, NewWatch, Store};

async fn store(name: &str) -> Store {
    let files = common::PushFiles::new(name);
    Store::connect(&format!("sqlite://{}", files.database().display()), 8)
        .await
        .unwrap()
}

async fn add_due(store: &Store, n: usize) {
    add_due_of(store, n, "uw").await
}

async fn add_due_of(store: &Store, n: usize, installation: &str) {
    let now = now_ms();
    for i in 0..n {
        let id = format!("{installation}-w{i}");
        store
            .upsert_watch(&NewWatch {
                id: &id,
                installation,
                owner: &format!("{installation}-owner{i}"),
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
}

/// Each installation's rows are taken only while it has room: the rows of
/// an installation not asked for stay in the table, untouched.
#[tokio::test]
async fn only_the_installations_asked_for_are_taken() {
    let store = store("installations").await;
    add_due_of(&store, 5, "uw").await;
    add_due_of(&store, 5, "slow").await;
    let now = now_ms();
    let taken = store
        .take_due_watches("a", now, now + 30_000, 100, &["uw"])
        .await
        .unwrap();
    assert_eq!(taken.len(), 5);
    assert!(taken.iter().all(|w| w.installation == "uw"));
    assert!(store
        .take_due_watches("a", now, now + 30_000, 100, &[])
        .await
        .unwrap()
        .is_empty());
    let slow = store
        .take_due_watches("b", now, now + 30_000, 2, &["uw", "slow"])
        .await
        .unwrap();
    assert_eq!(slow.len(), 2);
    assert!(slow.iter().all(|w| w.installation == "slow"));
    // A row handed back as it was is taken again.
    assert!(store.release_watch(&slow[0].id, "b").await.unwrap());
    assert!(!store.release_watch(&slow[0].id, "b").await.unwrap());
    let again = store
        .take_due_watches("c", now, now + 30_000, 10, &["slow"])
        .await
        .unwrap();
    assert_eq!(again.len(), 4);
    let counts: HashMap<String, i64> = store
        .count_watches_by_installation()
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        counts,
        HashMap::from([("uw".into(), 5), ("slow".into(), 5)])
    );
}

#[tokio::test]
async fn concurrent_workers_never_hold_one_row_at_once() {
    let store = store("lease").await;
    add_due(&store, 300).await;
    let taken: Arc<std::sync::Mutex<HashMap<String, String>>> = Default::default();
    let mut workers = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        let taken = taken.clone();
        workers.push(tokio::spawn(async move {
            let holder = format!("worker-{w}");
            loop {
                let now = now_ms();
                let rows = store
                    .take_due_watches(&holder, now, now + 60_000, 7, &["uw"])
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
                tokio::task::yield_now().await;
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let taken = taken.lock().unwrap();
    assert_eq!(taken.len(), 300, "every row taken once");
    assert!(
        taken
            .values()
            .collect::<std::collections::HashSet<_>>()
            .len()
            > 1
    );
}

#[tokio::test]
async fn a_row_is_changed_only_by_its_holder_and_retaken_when_the_lease_ends() {
    let store = store("holder").await;
    add_due(&store, 1).await;
    let now = now_ms();
    let rows = store
        .take_due_watches("a", now, now + 30_000, 10, &["uw"])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // Another worker takes nothing while a's lease runs, and cannot change it.
    assert!(store
        .take_due_watches("b", now, now + 30_000, 10, &["uw"])
        .await
        .unwrap()
        .is_empty());
    assert!(!store.end_watch("uw-w0", "b").await.unwrap());
    assert!(!store
        .reschedule("uw-w0", "b", now, 10_000, "pending", 0)
        .await
        .unwrap());
    // After the lease: b may take it, and then a may no longer change it.
    let later = now + 31_000;
    let rows = store
        .take_due_watches("b", later, later + 30_000, 10, &["uw"])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!store.end_watch("uw-w0", "a").await.unwrap());
    // Renewing keeps it; handing back makes it due for anyone at once.
    assert_eq!(store.renew_leases("b", later + 60_000).await.unwrap(), 1);
    assert!(store
        .take_due_watches("c", later + 31_000, later + 60_000, 10, &["uw"])
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.release_leases("b").await.unwrap(), 1);
    assert_eq!(
        store
            .take_due_watches("c", later, later + 30_000, 10, &["uw"])
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store.end_watch("uw-w0", "c").await.unwrap());
    assert_eq!(store.count_watches().await.unwrap(), 0);
}

#[tokio::test]
async fn the_push_client_follows_no_redirect() {
    let target_hits = Arc::new(AtomicUsize::new(0));
    let hits = target_hits.clone();
    let target = common::serve(axum::Router::new().fallback(move || {
        hits.fetch_add(1, Ordering::SeqCst);
        async { axum::http::StatusCode::CREATED }
    }))
    .await;
    let redirecting = common::serve(axum::Router::new().fallback(move || async move {
        axum::response::Redirect::permanent(&format!("http://{target}/elsewhere"))
    }))
    .await;
    let files = common::PushFiles::new("redirect");
    let vapid =
        VapidKey::from_pem(&std::fs::read_to_string(files.dir.join("vapid.pem")).unwrap()).unwrap();
    let sender = Sender::new(vapid, "mailto:it@example.edu".into()).unwrap();
    let endpoint = url::Url::parse(&format!("http://{redirecting}/push/x")).unwrap();
    let payload = Payload {
        title: "t",
        body: "b",
        url: "/",
        tag: "mlegitymacja-1",
        lang: "pl",
    };
    let delivery = sender
        .send(&Message {
            endpoint: &endpoint,
            p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            auth: "BTBZMqHH6r4Tts7J_aSIgg",
            payload: &payload,
            ttl: std::time::Duration::from_secs(60),
            topic: "mlg-1",
        })
        .await
        .unwrap();
    assert_eq!(delivery, Delivery::Refused { status: 308 });
    assert_eq!(target_hits.load(Ordering::SeqCst), 0);
}
