//! An order's journey, as the gateway sees it pass: from the answers to
//! `mcard` and `mcard_order` it forwards (the widget's own checks) and the
//! watcher's reads, only each newest order's number, status and
//! `order_date` — nothing of the student. Each status change is counted
//! once (`usos_gateway_order_status_changes_total`), and the time from
//! `order_date` to "Do odbioru" or "Błąd" is measured; the last hour's
//! outcomes give `GET /wait`.
//!
//! An order's last status is kept only to see a change: in the gateway's
//! database when it has one (with push: copies behind a balancer share it,
//! so a change seen by two copies is counted by the one whose write wins),
//! else in memory, bounded. The order's number is kept as a keyed hash.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use mcard_common::poland_time;
use mcard_common::status::{Status, StatusCodes};
use serde::Deserialize;
use sha2::Sha256;

use crate::store::Store;

/// One order as an answer shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sighting {
    pub order_id: String,
    /// The contract's name of its status, or `other`.
    pub status: &'static str,
    /// When it was placed (Unix seconds), from `order_date` in Polish time.
    pub ordered_at: Option<i64>,
}

#[derive(Deserialize)]
struct Order {
    id: serde_json::Value,
    status: String,
    #[serde(default)]
    order_date: Option<String>,
}

#[derive(Deserialize)]
struct McardAnswer {
    #[serde(default)]
    orders: Vec<Order>,
}

/// The status's label: the contract's name, or `other` for a code the
/// installation's table does not know (a bounded set either way).
pub fn label(code: &str, codes: &StatusCodes) -> &'static str {
    codes.status(code).map_or("other", Status::name)
}

fn sighting(order: Order, codes: &StatusCodes) -> Option<Sighting> {
    let order_id = match order.id {
        serde_json::Value::String(id) => id,
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(Sighting {
        order_id,
        status: label(&order.status, codes),
        ordered_at: order
            .order_date
            .as_deref()
            .and_then(poland_time::parse_wall)
            .map(poland_time::unix_from_wall),
    })
}

/// The newest order in an answer of `services/cards/{method}` (`mcard`:
/// the first of `orders`; `mcard_order`: the order itself); `None` for
/// anything else or an answer without one.
pub fn newest_order(method: &str, body: &[u8], codes: &StatusCodes) -> Option<Sighting> {
    match method {
        "services/cards/mcard" => {
            let answer: McardAnswer = serde_json::from_slice(body).ok()?;
            sighting(answer.orders.into_iter().next()?, codes)
        }
        "services/cards/mcard_order" => sighting(serde_json::from_slice(body).ok()?, codes),
        _ => None,
    }
}

/// What a change means for the measures: reaching "Do odbioru" or "Błąd"
/// from a status on the way.
pub fn outcome_of(from: &'static str, to: &'static str) -> Option<&'static str> {
    let under_way = matches!(from, "pending" | "in_progress");
    match to {
        "ready" | "error" if under_way => Some(to),
        _ => None,
    }
}

/// How many orders' last status the memory keeps, at most.
const REMEMBERED: usize = 200_000;

/// Where the last statuses are kept.
enum Keeping {
    Database(Store),
    Memory(Mutex<Bounded>),
}

/// A map with a bound: the oldest entries go first.
#[derive(Default)]
struct Bounded {
    statuses: HashMap<(&'static str, String), &'static str>,
    order: VecDeque<(&'static str, String)>,
}

impl Bounded {
    /// The status noted for `key`, if any.
    fn get(&self, key: &(&'static str, String)) -> Option<&'static str> {
        self.statuses.get(key).copied()
    }

    /// Notes `status` for `key`, unless the one noted is as far along (an
    /// older answer never moves an order back); the status before, when
    /// this changed it (`None` for the first sight, too).
    fn advance(
        &mut self,
        key: (&'static str, String),
        status: &'static str,
    ) -> Option<&'static str> {
        if let Some(noted) = self.statuses.get_mut(&key) {
            if !moves_on(noted, status) {
                return None;
            }
            return Some(std::mem::replace(noted, status));
        }
        self.statuses.insert(key.clone(), status);
        self.order.push_back(key);
        while self.order.len() > REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.statuses.remove(&old);
            }
        }
        None
    }
}

/// How far along its journey an order in `status` is: placed, passed to
/// the ministry, answered (ready, error, cancelled, or a code the table
/// does not know), then collected or revoked.
fn stage(status: &str) -> u8 {
    match status {
        "pending" => 0,
        "in_progress" => 1,
        "received" | "revoked" => 3,
        _ => 2,
    }
}

/// Whether an order noted in `noted` is now in `status`: a different
/// status, not behind it. Answers can arrive late (a slow read, another
/// copy's): a late "pending" after "ready" is not a change.
pub fn moves_on(noted: &str, status: &str) -> bool {
    noted != status && stage(status) >= stage(noted)
}

/// An outcome of the last hour: when, which, after how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub ended_at: i64,
    pub outcome: &'static str,
    pub wait_s: i64,
}

/// The orders' journeys: last statuses, and the last hour's outcomes.
pub struct Journeys {
    keeping: Keeping,
    /// `GET /wait`'s answer per installation, kept for a minute.
    waits: Mutex<HashMap<&'static str, (i64, WaitNow)>>,
    /// With the database: this copy's own view of each order's last status,
    /// so that an answer that changes nothing (most of them) costs no
    /// database write.
    seen: Mutex<Bounded>,
    /// In memory: the outcomes of the last hour, by installation.
    outcomes: Mutex<HashMap<&'static str, VecDeque<Outcome>>>,
    key: [u8; 32],
}

/// A change this copy counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub from: &'static str,
    pub to: &'static str,
    /// Seconds since the order was placed, when reaching an outcome.
    pub outcome_after_s: Option<i64>,
}

impl Journeys {
    /// In `store` when there is one, else in memory; order numbers hashed
    /// under `key` (derived from the session key).
    pub fn new(store: Option<Store>, key: [u8; 32]) -> Journeys {
        Journeys {
            keeping: match store {
                Some(store) => Keeping::Database(store),
                None => Keeping::Memory(Mutex::new(Bounded::default())),
            },
            seen: Mutex::new(Bounded::default()),
            outcomes: Mutex::new(HashMap::new()),
            waits: Mutex::new(HashMap::new()),
            key,
        }
    }

    /// The wait at `installation` over the hour before `now`, computed at
    /// most once a minute, or again when this copy saw an order end.
    pub async fn wait_now(&self, installation: &'static str, now: i64) -> WaitNow {
        if let Some((at, wait)) = self
            .waits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(installation)
        {
            if now - at < 60 {
                return wait.clone();
            }
        }
        let wait = wait_of(&self.outcomes_since(installation, now - 3_600).await);
        self.waits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(installation, (now, wait.clone()));
        wait
    }

    /// Forgets what is no longer needed: orders unchanged for three days,
    /// outcomes older than two hours.
    pub async fn forget_old(&self, now: i64) {
        if let Keeping::Database(store) = &self.keeping {
            if let Err(error) = store
                .forget_old_journeys(now - 3 * 86_400, now - 2 * 3_600)
                .await
            {
                store.note_failure(&error);
            }
        }
    }

    /// Whether the last statuses are in the database (shared by copies).
    pub fn shared(&self) -> bool {
        matches!(self.keeping, Keeping::Database(_))
    }

    fn order_key(&self, installation: &str, order_id: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        mac.update(installation.as_bytes());
        mac.update(b"\n");
        mac.update(order_id.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Notes that `installation`'s order is seen in `sighting` at `now`
    /// (Unix seconds); the change, if this copy is the one to count it.
    pub async fn saw(
        &self,
        installation: &'static str,
        sighting: &Sighting,
        now: i64,
    ) -> Option<Change> {
        let key = self.order_key(installation, &sighting.order_id);
        let from = match &self.keeping {
            Keeping::Memory(memory) => {
                let mut memory = memory.lock().unwrap_or_else(|p| p.into_inner());
                memory.advance((installation, key), sighting.status)?
            }
            Keeping::Database(store) => {
                // This copy's own view first: most answers change nothing,
                // and then cost no database write.
                {
                    let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
                    let key = (installation, key.clone());
                    if seen
                        .get(&key)
                        .is_some_and(|noted| !moves_on(noted, sighting.status))
                    {
                        return None;
                    }
                    seen.advance(key, sighting.status);
                }
                let ordered_at = sighting.ordered_at.unwrap_or(now);
                let previous = store
                    .record_status(installation, &key, sighting.status, ordered_at, now)
                    .await;
                match previous {
                    Ok(previous) => static_label(&previous?)?,
                    Err(error) => {
                        store.note_failure(&error);
                        return None;
                    }
                }
            }
        };
        if from == sighting.status {
            return None;
        }
        let outcome_after_s = outcome_of(from, sighting.status)
            .and(sighting.ordered_at)
            .map(|at| (now - at).max(0));
        if let (Some(outcome), Some(wait_s)) = (outcome_of(from, sighting.status), outcome_after_s)
        {
            self.remember_outcome(
                installation,
                Outcome {
                    ended_at: now,
                    outcome,
                    wait_s,
                },
            )
            .await;
        }
        Some(Change {
            from,
            to: sighting.status,
            outcome_after_s,
        })
    }

    async fn remember_outcome(&self, installation: &'static str, outcome: Outcome) {
        match &self.keeping {
            Keeping::Database(store) => {
                if let Err(error) = store
                    .record_outcome(
                        installation,
                        outcome.ended_at,
                        outcome.outcome,
                        outcome.wait_s,
                    )
                    .await
                {
                    store.note_failure(&error);
                }
            }
            Keeping::Memory(_) => {
                let mut outcomes = self.outcomes.lock().unwrap_or_else(|p| p.into_inner());
                let list = outcomes.entry(installation).or_default();
                list.push_back(outcome);
                while list
                    .front()
                    .is_some_and(|o| o.ended_at < outcome.ended_at - 3_600)
                {
                    list.pop_front();
                }
            }
        }
        // This copy's own outcome makes its kept answer old at once (other
        // copies' outcomes show within the minute).
        self.waits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(installation);
    }

    /// The outcomes of `installation` since `since` (Unix seconds).
    pub async fn outcomes_since(&self, installation: &'static str, since: i64) -> Vec<Outcome> {
        match &self.keeping {
            Keeping::Database(store) => match store.outcomes_since(installation, since).await {
                Ok(rows) => rows
                    .into_iter()
                    .filter_map(|(ended_at, outcome, wait_s)| {
                        Some(Outcome {
                            ended_at,
                            outcome: static_label(&outcome)?,
                            wait_s,
                        })
                    })
                    .collect(),
                Err(error) => {
                    store.note_failure(&error);
                    Vec::new()
                }
            },
            Keeping::Memory(_) => self
                .outcomes
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(installation)
                .map(|list| {
                    list.iter()
                        .copied()
                        .filter(|o| o.ended_at >= since)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// A stored label as the bounded `&'static str` it was written from.
fn static_label(text: &str) -> Option<&'static str> {
    Status::ALL
        .iter()
        .map(|s| s.name())
        .chain(["other"])
        .find(|name| *name == text)
}

/// The wait at an installation over the last hour, for `GET /wait`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WaitNow {
    /// Orders that reached "Do odbioru".
    pub orders: usize,
    pub median_s: Option<i64>,
    pub p90_s: Option<i64>,
    /// Orders that ended in "Błąd".
    pub errors: usize,
    /// `errors` over all ended orders (0 when none ended).
    pub error_share: f64,
}

/// The wait over `outcomes`.
pub fn wait_of(outcomes: &[Outcome]) -> WaitNow {
    let mut ready: Vec<i64> = outcomes
        .iter()
        .filter(|o| o.outcome == "ready")
        .map(|o| o.wait_s)
        .collect();
    ready.sort_unstable();
    let errors = outcomes.iter().filter(|o| o.outcome == "error").count();
    let quantile = |p: f64| -> Option<i64> {
        let last = ready.len().checked_sub(1)?;
        Some(ready[((last as f64) * p).round() as usize])
    };
    let ended = ready.len() + errors;
    WaitNow {
        orders: ready.len(),
        median_s: quantile(0.5),
        p90_s: quantile(0.9),
        errors,
        error_share: if ended == 0 {
            0.0
        } else {
            errors as f64 / ended as f64
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_order_of_either_answer() {
        let codes = StatusCodes::default();
        let mcard = br#"{"why_cannot_order": null, "orders": [
            {"id": "42", "order_date": "2026-01-15 10:00:00", "status": "in_progress", "expiration_date": "2026-10-31"},
            {"id": "41", "order_date": "2025-01-15 10:00:00", "status": "received", "expiration_date": "2025-10-31"}]}"#;
        let seen = newest_order("services/cards/mcard", mcard, &codes).unwrap();
        assert_eq!(seen.order_id, "42");
        assert_eq!(seen.status, "in_progress");
        // 10:00 in Warsaw in winter is 09:00 UTC.
        assert_eq!(seen.ordered_at, Some(1_768_467_600));
        let order = br#"{"id": 7, "order_date": "2026-07-01 12:00:00", "status": "do_odbioru", "token": "x"}"#;
        let own = StatusCodes::parse(r#"{"ready": "do_odbioru"}"#).unwrap();
        let seen = newest_order("services/cards/mcard_order", order, &own).unwrap();
        assert_eq!((seen.order_id.as_str(), seen.status), ("7", "ready"));
        assert_eq!(
            newest_order("services/cards/mcard_order", order, &codes)
                .unwrap()
                .status,
            "other"
        );
        assert_eq!(
            newest_order("services/cards/mcard", br#"{"orders": []}"#, &codes),
            None
        );
        assert_eq!(
            newest_order("services/cards/mcard", b"<html>", &codes),
            None
        );
        assert_eq!(
            newest_order("services/apisrv/installation", mcard, &codes),
            None
        );
    }

    #[test]
    fn only_the_end_of_a_journey_is_an_outcome() {
        assert_eq!(outcome_of("in_progress", "ready"), Some("ready"));
        assert_eq!(outcome_of("pending", "error"), Some("error"));
        assert_eq!(outcome_of("ready", "received"), None);
        assert_eq!(outcome_of("received", "error"), None);
        assert_eq!(outcome_of("other", "ready"), None);
    }

    #[tokio::test]
    async fn in_memory_a_change_is_counted_once_and_measured() {
        let journeys = Journeys::new(None, [1; 32]);
        let seen = |status, ordered_at| Sighting {
            order_id: "42".into(),
            status,
            ordered_at: Some(ordered_at),
        };
        assert_eq!(
            journeys.saw("uw", &seen("pending", 1_000), 1_000).await,
            None
        );
        assert_eq!(
            journeys.saw("uw", &seen("pending", 1_000), 1_005).await,
            None
        );
        let change = journeys
            .saw("uw", &seen("in_progress", 1_000), 1_100)
            .await
            .unwrap();
        assert_eq!(
            (change.from, change.to, change.outcome_after_s),
            ("pending", "in_progress", None)
        );
        let ready = journeys
            .saw("uw", &seen("ready", 1_000), 3_400)
            .await
            .unwrap();
        assert_eq!(ready.outcome_after_s, Some(2_400));
        assert_eq!(journeys.saw("uw", &seen("ready", 1_000), 3_405).await, None);
        // A late answer from before (a slow read, another copy's) moves
        // nothing back, and "ready" after it is not counted again.
        assert_eq!(
            journeys.saw("uw", &seen("in_progress", 1_000), 3_406).await,
            None
        );
        assert_eq!(journeys.saw("uw", &seen("ready", 1_000), 3_407).await, None);
        let collected = journeys
            .saw("uw", &seen("received", 1_000), 3_500)
            .await
            .unwrap();
        assert_eq!((collected.from, collected.outcome_after_s), ("ready", None));
        // The same order number at another university is another order.
        assert_eq!(journeys.saw("ul", &seen("ready", 1_000), 3_405).await, None);
        let outcomes = journeys.outcomes_since("uw", 0).await;
        assert_eq!(
            outcomes,
            [Outcome {
                ended_at: 3_400,
                outcome: "ready",
                wait_s: 2_400
            }]
        );
        assert!(journeys.outcomes_since("ul", 0).await.is_empty());
    }

    #[test]
    fn the_wait_is_the_median_and_the_ninetieth_percentile_of_the_hour() {
        let o = |outcome, wait_s| Outcome {
            ended_at: 0,
            outcome,
            wait_s,
        };
        let mut outcomes: Vec<Outcome> = (1..=10).map(|m| o("ready", m * 60)).collect();
        outcomes.push(o("error", 100));
        let wait = wait_of(&outcomes);
        assert_eq!((wait.orders, wait.errors), (10, 1));
        assert_eq!(wait.median_s, Some(360));
        assert_eq!(wait.p90_s, Some(540));
        assert!((wait.error_share - 1.0 / 11.0).abs() < 1e-9);
        let none = wait_of(&[]);
        assert_eq!(
            (none.orders, none.median_s, none.error_share),
            (0, None, 0.0)
        );
    }
}
