//! The watcher: a background task that takes due watches with a lease,
//! reads each student's order from USOS with their sealed token, and sends
//! the push when the order reaches an outcome. Many copies of the gateway
//! may run it against one database: the lease keeps them off each other's
//! rows.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use mcard_common::call_back::{self, Outcome};
use tokio::sync::watch;
use tokio::task::JoinSet;
use url::Url;

use crate::installation::Installation;
use crate::metrics::{InstallationLabels, Metrics};
use crate::push::endpoint::host_of;
use crate::push::mcard::status_of;
use crate::push::schedule::{
    after_push, backlog, backoff, far_behind, next_interval, seen, with_jitter, AfterPush,
    Delivery, Seen, PACE_WINDOW,
};
use crate::push::send::{topic, Message, Payload};
use crate::session::Session;
use crate::state::AppState;
use crate::store::{now_ms, plain, Watch};

/// How often the watcher looks for due rows when none was due.
const IDLE_TICK: Duration = Duration::from_millis(500);
/// How long a stopping copy waits for the rows it is working on.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Starts the watcher if push is on. It stops taking rows when `stop`
/// turns true, finishes those it holds (for up to 10 s) and hands back any
/// left; the returned handle ends then.
pub fn start(state: AppState, stop: watch::Receiver<bool>) -> Option<tokio::task::JoinHandle<()>> {
    state.push.as_ref()?;
    Some(tokio::spawn(run(state, stop)))
}

async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let Some(push) = state.push.as_ref() else {
        return;
    };
    let holder = push.holder.clone();
    let renewer = tokio::spawn(renew_leases(state.clone()));
    let counter = tokio::spawn(count_watches(state.clone()));
    let mut working = JoinSet::new();
    loop {
        if *stop.borrow() {
            break;
        }
        while working.try_join_next().is_some() {}
        if !push.store.is_ready() {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        // Each installation's own places for reads (a bulkhead): only the
        // installations with room are asked for due rows, as many as they
        // have room for, so that one slow university's rows wait in the
        // table while the others' are read.
        let installations = state.installations();
        let room: Vec<(&str, usize)> = installations
            .all()
            .iter()
            .map(|i| (i.id.as_str(), i.watcher_slots.available_permits()))
            .chain(
                installations
                    .single()
                    .map(|i| (LEGACY, i.watcher_slots.available_permits())),
            )
            .filter(|(_, free)| *free > 0)
            .collect();
        let free: usize = room.iter().map(|(_, free)| free).sum();
        if free == 0 {
            tokio::select! {
                _ = working.join_next(), if !working.is_empty() => {}
                () = tokio::time::sleep(IDLE_TICK) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        let ids: Vec<&str> = room.iter().map(|(id, _)| *id).collect();
        let now = now_ms();
        let asked = std::time::Instant::now();
        let taken = push
            .store
            .take_due_watches(
                &holder,
                now,
                now + push.lease.as_millis() as i64,
                free as i64,
                &ids,
            )
            .await;
        state
            .metrics
            .lease_query_seconds
            .observe(asked.elapsed().as_secs_f64());
        let watches = match taken {
            Ok(watches) => watches,
            Err(error) => {
                push.store.note_failure(&error);
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
        };
        if watches.is_empty() {
            tokio::select! {
                () = tokio::time::sleep(IDLE_TICK) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        for watch in watches {
            let state = state.clone();
            let installation = match watch.installation.as_str() {
                LEGACY => installations.single(),
                id => installations.by_id(id),
            }
            .cloned();
            let Some(installation) = installation else {
                // Its installation left the file: nobody can read it now.
                working.spawn(async move { end(&state, &watch, "installation gone").await });
                continue;
            };
            let Ok(slot) = installation.watcher_slots.clone().try_acquire_owned() else {
                // More of its rows came than it had room for: back they go.
                if let Err(error) = push.store.release_watch(&watch.id, &holder).await {
                    push.store.note_failure(&error);
                }
                continue;
            };
            working.spawn(async move {
                // Which copy works on which watch, when: the tests check
                // from two copies' logs that no watch is worked on by both
                // at once. (The watch's id is a random number of ours.)
                let id = watch.id.clone();
                tracing::debug!(watch = %id, installation = installation.label, "watch taken");
                work(&state, &installation, watch).await;
                tracing::debug!(watch = %id, "watch let go");
                drop(slot);
            });
        }
    }
    // Stopping: finish what is under way, then hand back what is left.
    let _ = tokio::time::timeout(STOP_GRACE, async {
        while working.join_next().await.is_some() {}
    })
    .await;
    working.abort_all();
    renewer.abort();
    counter.abort();
    match push.store.release_leases(&holder).await {
        Ok(n) => tracing::info!(released = n, "watcher stopped; leases handed back"),
        Err(error) => tracing::warn!(
            problem = plain(&error),
            "watcher stopped; leases not handed back, they expire by themselves"
        ),
    }
}

/// The installation of rows made when the gateway served one (`""`).
const LEGACY: &str = "";

/// One due watch: its time is up, its push is still to go, or its
/// installation's USOS is read.
async fn work(state: &AppState, installation: &Installation, watch: Watch) {
    let Some(push) = state.push.as_ref() else {
        return;
    };
    let now = now_ms();
    let outcome = watch.outcome.as_deref().and_then(outcome_named);
    if now >= watch.ends_at {
        end(state, &watch, "expired").await;
        return;
    }
    let label = installation.label;
    if let Some(outcome) = outcome {
        let seen_at = watch.outcome_seen_at.unwrap_or(now);
        send(state, label, &watch, outcome, seen_at).await;
        return;
    }
    // Opened only for the installation it was sealed for.
    let Some(tokens) = push.vault.open(&watch.sealed_tokens, &watch.installation) else {
        // Sealed under a key this gateway no longer has.
        end(state, &watch, "unopenable").await;
        return;
    };
    let Some(usos) = &installation.usos else {
        // Its key left the file: the watch cannot be read.
        end(state, &watch, "installation without a key").await;
        return;
    };
    let session = Session {
        installation: Some(installation.id.clone()),
        token: tokens.token,
        secret: tokens.secret,
        issued: 0,
    };
    let answer = {
        let _permit = installation.upstream.permit_waiting().await;
        usos.call(
            &Method::GET,
            "services/cards/mcard",
            &[("fields".to_owned(), "orders".to_owned())],
            Some(&session),
        )
        .await
    };
    state.metrics.usos_answered(
        label,
        "services/cards/mcard",
        crate::upstream::answer_kind(&answer),
    );
    let failures = watch.failures as u32 + 1;
    let answer = match answer {
        Ok(answer) => answer,
        Err(_) => {
            Metrics::count(&state.metrics.watcher_usos_calls, "failed", label);
            let next = Next::after(&watch, backoff(failures, None));
            reschedule(state, &watch, next, &watch.last_status, failures).await;
            return;
        }
    };
    if answer.status == StatusCode::UNAUTHORIZED {
        // The student revoked the token or signed out elsewhere.
        Metrics::count(&state.metrics.watcher_usos_calls, "unauthorized", label);
        end(state, &watch, "token revoked").await;
        return;
    }
    if !answer.status.is_success() {
        Metrics::count(&state.metrics.watcher_usos_calls, "refused", label);
        let retry_after = answer
            .retry_after
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let next = Next::after(&watch, backoff(failures, retry_after));
        reschedule(state, &watch, next, &watch.last_status, failures).await;
        return;
    }
    Metrics::count(&state.metrics.watcher_usos_calls, "ok", label);
    state.note_answer(installation, "services/cards/mcard", &answer.body);
    let status = status_of(&answer.body, &watch.order_id, &installation.status_codes);
    match seen(status) {
        Seen::UnderWay => {
            let age = Duration::from_millis((now - watch.created_at).max(0) as u64);
            let last = Duration::from_millis(watch.check_interval_ms.max(0) as u64);
            let interval = next_interval(age, last, installation.ministry_backlog());
            let name = status.map_or("pending", |s| s.name());
            let wait = with_jitter(interval, rand::random::<u32>() % 1000);
            let next = Next {
                at: now + wait.as_millis() as i64,
                interval_ms: interval.as_millis() as i64,
            };
            reschedule(state, &watch, next, name, 0).await;
        }
        Seen::End => end(state, &watch, "ended by the student").await,
        Seen::Tell(outcome) => send(state, label, &watch, outcome, now).await,
    }
}

/// Sends the push for `outcome`, then ends the watch or keeps the outcome
/// to try again.
async fn send(
    state: &AppState,
    label: &'static str,
    watch: &Watch,
    outcome: Outcome,
    seen_at: i64,
) {
    let Some(push) = state.push.as_ref() else {
        return;
    };
    let Ok(endpoint) = Url::parse(&watch.endpoint) else {
        end(state, watch, "bad endpoint").await;
        return;
    };
    let now = now_ms();
    let text = call_back::message(outcome, &watch.lang);
    let tag = call_back::tag(&watch.order_id);
    let payload = Payload {
        title: text.title,
        body: text.body,
        url: &watch.open_url,
        tag: &tag,
        lang: &watch.lang,
    };
    let topic = topic(&watch.order_id);
    let message = Message {
        endpoint: &endpoint,
        p256dh: &watch.p256dh,
        auth: &watch.auth,
        payload: &payload,
        ttl: Duration::from_millis((watch.ends_at - now).max(60_000) as u64),
        topic: &topic,
    };
    let delivery = match push.sender.send(&message).await {
        Ok(delivery) => delivery,
        Err(unsendable) => {
            tracing::warn!(
                push_service = host_of(&endpoint),
                part = unsendable.0,
                "cannot make a push message; the watch ends"
            );
            Metrics::count(&state.metrics.pushes, "unsendable", label);
            end(state, watch, "unsendable").await;
            return;
        }
    };
    Metrics::count(&state.metrics.pushes, delivery.label(), label);
    match delivery {
        Delivery::Accepted => {
            state.metrics.push_delay(
                label,
                Duration::from_millis((now_ms() - seen_at).max(0) as u64),
            );
            tracing::info!(
                installation = label,
                push_service = host_of(&endpoint),
                outcome = outcome.name(),
                "push accepted"
            );
        }
        Delivery::Refused { status } => tracing::warn!(
            push_service = host_of(&endpoint),
            status,
            "the push service refused a message (a VAPID key or subject it does not accept?)"
        ),
        _ => {}
    }
    let failures = watch.failures as u32 + 1;
    match after_push(delivery, failures) {
        AfterPush::End => {
            if let Err(error) = push.store.end_watch(&watch.id, &push.holder).await {
                push.store.note_failure(&error);
            }
        }
        AfterPush::RetryIn(wait) => {
            // `Retry-After` counts from the answer (RFC 9110, 10.2.3), not
            // from when the message left: making and sending it takes time.
            let answered_at = now_ms();
            if let Err(error) = push
                .store
                .keep_outcome(
                    &watch.id,
                    &push.holder,
                    outcome.name(),
                    seen_at,
                    answered_at + wait.as_millis() as i64,
                    failures as i64,
                )
                .await
            {
                push.store.note_failure(&error);
            }
        }
    }
}

/// A watch's next read: when (Unix ms), and the interval it is at.
struct Next {
    at: i64,
    interval_ms: i64,
}

impl Next {
    /// `wait` from now, at the watch's interval as it was: after a failure,
    /// counted from its answer, as a `Retry-After` is (the read may have
    /// waited for a permit).
    fn after(watch: &Watch, wait: Duration) -> Next {
        Next {
            at: now_ms() + wait.as_millis() as i64,
            interval_ms: watch.check_interval_ms,
        }
    }
}

async fn reschedule(state: &AppState, watch: &Watch, next: Next, status: &str, failures: u32) {
    let Some(push) = state.push.as_ref() else {
        return;
    };
    if let Err(error) = push
        .store
        .reschedule(
            &watch.id,
            &push.holder,
            next.at,
            next.interval_ms,
            status,
            failures as i64,
        )
        .await
    {
        push.store.note_failure(&error);
    }
}

/// Ends a watch quietly (no push).
async fn end(state: &AppState, watch: &Watch, why: &'static str) {
    let Some(push) = state.push.as_ref() else {
        return;
    };
    match push.store.end_watch(&watch.id, &push.holder).await {
        Ok(_) => tracing::debug!(why, "watch ended"),
        Err(error) => push.store.note_failure(&error),
    }
}

fn outcome_named(name: &str) -> Option<Outcome> {
    [Outcome::Ready, Outcome::Error, Outcome::Revoked]
        .into_iter()
        .find(|o| o.name() == name)
}

/// Keeps this copy's leases while it works on them (until aborted).
async fn renew_leases(state: AppState) {
    let Some(push) = state.push.as_ref() else {
        return;
    };
    loop {
        tokio::time::sleep(push.lease / 3).await;
        let until = now_ms() + push.lease.as_millis() as i64;
        let _ = push.store.renew_leases(&push.holder, until).await;
    }
}

/// Measures how far behind the ministry is for `installation`, whose
/// watches number `watched`: its outcomes of the last [`PACE_WINDOW`] give
/// the pace. Says so in the log when the watches turn patient, or eager
/// again.
async fn note_ministry_backlog(state: &AppState, installation: &Installation, watched: i64) {
    let now = now_ms() / 1000;
    let since = now - PACE_WINDOW.as_secs() as i64;
    let outcomes = state
        .journeys
        .outcomes_since(installation.label, since)
        .await;
    let first = outcomes.iter().map(|o| o.ended_at).min().unwrap_or(now);
    let span = Duration::from_secs((now - first).max(0) as u64);
    let measured = backlog(watched.max(0) as u64, outcomes.len(), span);
    let was = installation.ministry_backlog();
    installation.set_ministry_backlog(measured);
    if far_behind(measured) != far_behind(was) {
        let minutes = measured.map_or(0, |b| b.as_secs() / 60);
        if far_behind(measured) {
            tracing::info!(
                installation = installation.label,
                backlog_min = minutes,
                "the ministry is far behind: its watches read USOS once a minute"
            );
        } else {
            tracing::info!(
                installation = installation.label,
                backlog_min = minutes,
                "the ministry has caught up: new watches read USOS every 10 s again"
            );
        }
    }
}

/// Counts the open watches of each installation for the metric, and
/// measures how far behind the ministry is for each, every 10 s (until
/// aborted).
async fn count_watches(state: AppState) {
    let Some(push) = state.push.as_ref() else {
        return;
    };
    loop {
        let up = push.store.is_ready() && push.store.ping().await;
        state.metrics.database_up.set(i64::from(up));
        let overdue = push
            .store
            .count_overdue_by_installation(now_ms() - 60_000)
            .await
            .unwrap_or_default();
        if let Ok(counts) = push.store.count_watches_by_installation().await {
            let installations = state.installations();
            for installation in installations.all() {
                let mine = |id: &str| {
                    id == installation.id || (id == LEGACY && installations.single().is_some())
                };
                let n: i64 = counts
                    .iter()
                    .filter(|(id, _)| mine(id))
                    .map(|(_, n)| n)
                    .sum();
                let labels = InstallationLabels {
                    installation: installation.label,
                };
                state.metrics.watches_active.get_or_create(&labels).set(n);
                note_ministry_backlog(&state, installation, n).await;
                let late: i64 = overdue
                    .iter()
                    .filter(|(id, _)| mine(id))
                    .map(|(_, n)| n)
                    .sum();
                state
                    .metrics
                    .watches_overdue
                    .get_or_create(&labels)
                    .set(late);
            }
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}
