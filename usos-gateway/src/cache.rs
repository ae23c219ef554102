//! `services/apisrv/installation` from the gateway's own memory: what a USOS
//! installation offers changes perhaps once a year, and asking it on every
//! page load costs every student a round trip before the first badge. Only
//! successful answers are kept, for a configured time; a failure never is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// Answers by their query (`fields=mcards_support`).
pub struct InstallationCache {
    keep_for: Duration,
    answers: Mutex<HashMap<String, (Instant, Bytes)>>,
}

/// How many different queries are kept at most (a client could ask with
/// arbitrary arguments; the widget asks one).
const MAX_ENTRIES: usize = 16;

impl InstallationCache {
    /// `keep_for` zero: nothing is kept.
    pub fn new(keep_for: Duration) -> InstallationCache {
        InstallationCache {
            keep_for,
            answers: Mutex::new(HashMap::new()),
        }
    }

    /// The kept answer for `query`, if fresh.
    pub fn get(&self, query: &str) -> Option<Bytes> {
        let answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        let (at, body) = answers.get(query)?;
        (at.elapsed() < self.keep_for).then(|| body.clone())
    }

    /// Keeps a successful answer.
    pub fn put(&self, query: &str, body: Bytes) {
        if self.keep_for.is_zero() {
            return;
        }
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        if answers.len() >= MAX_ENTRIES && !answers.contains_key(query) {
            answers.retain(|_, (at, _)| at.elapsed() < self.keep_for);
            if answers.len() >= MAX_ENTRIES {
                return;
            }
        }
        answers.insert(query.to_owned(), (Instant::now(), body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_for_the_time_given() {
        let cache = InstallationCache::new(Duration::from_millis(50));
        assert_eq!(cache.get("fields=mcards_support"), None);
        cache.put("fields=mcards_support", Bytes::from_static(b"{}"));
        assert_eq!(
            cache.get("fields=mcards_support").as_deref(),
            Some(&b"{}"[..])
        );
        assert_eq!(cache.get("fields=other"), None);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("fields=mcards_support"), None);
        let off = InstallationCache::new(Duration::ZERO);
        off.put("q", Bytes::from_static(b"{}"));
        assert_eq!(off.get("q"), None);
    }
}
