//! Prometheus metrics at `/metrics`: requests by route and outcome, USOS's
//! latency, orders placed, sign-ins, rate-limited requests, cache hits;
//! the watches for push, the pushes and how long they took; what each
//! installation last said about mLegitymacja. Each carries an
//! `installation` label (its id from the file: a bounded set; `""` for what
//! belongs to none, such as the widget's files). Labels never carry a
//! token, an argument, an order or a student's number.

use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::installation::Support;

/// Labels are `&'static str`: counting a request allocates nothing.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The USOS method (`cards/mcard`), `auth/login`, …, `services/other`
    /// or `static`.
    pub route: &'static str,
    /// The HTTP status class: `2xx`, `4xx`, `5xx`; with the exact code for
    /// the statuses that mean something here (401, 403, 404, 413, 429, 502, 504).
    pub outcome: &'static str,
    pub installation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    /// `cards/mcard`, …: one of the forwarded methods.
    pub method: &'static str,
    pub installation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabels {
    /// `session` (one student's rate) or `upstream` (calls to USOS at once).
    pub limit: &'static str,
    pub installation: &'static str,
}

/// A label from a fixed set of words, per installation.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
    pub installation: &'static str,
}

/// A USOS answer, as the IT team reads it.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AnswerLabels {
    pub installation: &'static str,
    /// `cards/mcard`, `apisrv/installation`, …
    pub method: &'static str,
    /// `success`, `usos_error` (an error in USOS's shape, not 429/5xx),
    /// `busy` (429 or 5xx), `timeout`, `unreachable`.
    pub answer: &'static str,
}

/// An order's status change, over the contract's statuses (and `other`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChangeLabels {
    pub installation: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

/// The buckets of an order's journey, in seconds: from a minute to six
/// hours, finest around the half hour where the ministry-slow alert looks.
const JOURNEY_BUCKETS: [f64; 13] = [
    60.0, 120.0, 300.0, 600.0, 900.0, 1_200.0, 1_800.0, 2_700.0, 3_600.0, 5_400.0, 7_200.0,
    10_800.0, 21_600.0,
];

/// Just the installation.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct InstallationLabels {
    pub installation: &'static str,
}

/// Every metric the gateway keeps.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub upstream_seconds: Family<MethodLabels, Histogram>,
    pub orders_placed: Family<InstallationLabels, Counter>,
    pub sign_ins: Family<InstallationLabels, Counter>,
    pub rate_limited: Family<LimitLabels, Counter>,
    pub installation_cache_hits: Family<InstallationLabels, Counter>,
    /// Watches open in the database (all copies'), as last counted.
    pub watches_active: Family<InstallationLabels, Gauge>,
    /// Push attempts by how the push service answered.
    pub pushes: Family<OutcomeLabels, Counter>,
    /// From the watcher seeing the outcome to the push service accepting it.
    pub push_delay_seconds: Family<InstallationLabels, Histogram>,
    /// The watcher's reads of `mcard`, by outcome.
    pub watcher_usos_calls: Family<OutcomeLabels, Counter>,
    /// How long taking due watches (the lease query) took.
    pub lease_query_seconds: Histogram,
    /// 1 when the installation answered the last check, else 0.
    pub installation_up: Family<InstallationLabels, Gauge>,
    /// What it answered: 1 `mcards_support: true`, 0 false, -1 not known.
    pub installation_mcards_support: Family<InstallationLabels, Gauge>,
    /// Every answer (or none) from an installation's USOS, by method.
    pub usos_answers: Family<AnswerLabels, Counter>,
    /// Orders' status changes seen, each counted once across copies.
    pub order_status_changes: Family<ChangeLabels, Counter>,
    /// From `order_date` to "Do odbioru", for orders seen becoming ready.
    pub order_ready_seconds: Family<InstallationLabels, Histogram>,
    /// From `order_date` to "Błąd", for orders seen failing.
    pub order_error_seconds: Family<InstallationLabels, Histogram>,
    /// 1 while the watches' database answers, else 0 (absent without push).
    pub database_up: Gauge,
    /// Watches due more than a minute ago and not taken: the watcher lags.
    pub watches_overdue: Family<InstallationLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("usos_gateway");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by route, outcome and installation",
            requests.clone(),
        );
        let upstream_seconds = Family::<MethodLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 8.0])
        });
        registry.register(
            "upstream_seconds",
            "Time USOS took to answer a forwarded call",
            upstream_seconds.clone(),
        );
        let orders_placed = Family::<InstallationLabels, Counter>::default();
        registry.register(
            "orders_placed",
            "make_mcard_order calls USOS accepted",
            orders_placed.clone(),
        );
        let sign_ins = Family::<InstallationLabels, Counter>::default();
        registry.register("sign_ins", "Sign-ins completed", sign_ins.clone());
        let rate_limited = Family::<LimitLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused with 429 by the gateway's own limits",
            rate_limited.clone(),
        );
        let installation_cache_hits = Family::<InstallationLabels, Counter>::default();
        registry.register(
            "installation_cache_hits",
            "installation answered from the gateway's cache",
            installation_cache_hits.clone(),
        );
        let watches_active = Family::<InstallationLabels, Gauge>::default();
        registry.register(
            "watches_active",
            "Watches open for a push when the card is ready",
            watches_active.clone(),
        );
        let pushes = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "pushes",
            "Push messages sent, by the push service's answer (accepted, gone, busy, refused, unreachable)",
            pushes.clone(),
        );
        let push_delay_seconds =
            Family::<InstallationLabels, Histogram>::new_with_constructor(|| {
                Histogram::new([0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0])
            });
        registry.register(
            "push_delay_seconds",
            "Time from a status change seen by the watcher to its push accepted",
            push_delay_seconds.clone(),
        );
        let watcher_usos_calls = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "watcher_usos_calls",
            "The watcher's reads of services/cards/mcard, by outcome",
            watcher_usos_calls.clone(),
        );
        let lease_query_seconds = Histogram::new([
            0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0,
        ]);
        registry.register(
            "lease_query_seconds",
            "Time the watcher's query that takes due watches with a lease took",
            lease_query_seconds.clone(),
        );
        let installation_up = Family::<InstallationLabels, Gauge>::default();
        registry.register(
            "installation_up",
            "1 when the installation's USOS answered the gateway's last check of services/apisrv/installation, else 0",
            installation_up.clone(),
        );
        let installation_mcards_support = Family::<InstallationLabels, Gauge>::default();
        registry.register(
            "installation_mcards_support",
            "What the installation last answered as mcards_support: 1 true, 0 false, -1 not known",
            installation_mcards_support.clone(),
        );
        let usos_answers = Family::<AnswerLabels, Counter>::default();
        registry.register(
            "usos_answers",
            "Answers from an installation's USOS to the gateway's calls (forwarded, the watcher's, the checks), by method and kind: success, usos_error, busy (429 or 5xx), timeout, unreachable",
            usos_answers.clone(),
        );
        let order_status_changes = Family::<ChangeLabels, Counter>::default();
        registry.register(
            "order_status_changes",
            "Status changes of mLegitymacja orders seen in USOS's answers, each counted once",
            order_status_changes.clone(),
        );
        let order_ready_seconds =
            Family::<InstallationLabels, Histogram>::new_with_constructor(|| {
                Histogram::new(JOURNEY_BUCKETS)
            });
        registry.register(
            "order_ready_seconds",
            "Time from an order's order_date to its status Do odbioru (ready), for orders seen becoming ready",
            order_ready_seconds.clone(),
        );
        let order_error_seconds =
            Family::<InstallationLabels, Histogram>::new_with_constructor(|| {
                Histogram::new(JOURNEY_BUCKETS)
            });
        registry.register(
            "order_error_seconds",
            "Time from an order's order_date to its status Błąd (error), for orders seen failing",
            order_error_seconds.clone(),
        );
        let database_up = Gauge::default();
        registry.register(
            "database_up",
            "1 while the watches' database answers, else 0",
            database_up.clone(),
        );
        let watches_overdue = Family::<InstallationLabels, Gauge>::default();
        registry.register(
            "watches_overdue",
            "Watches due for a read more than a minute ago and not yet taken",
            watches_overdue.clone(),
        );
        Metrics {
            usos_answers,
            order_status_changes,
            order_ready_seconds,
            order_error_seconds,
            database_up,
            watches_overdue,
            lease_query_seconds,
            watches_active,
            pushes,
            push_delay_seconds,
            watcher_usos_calls,
            registry,
            requests,
            upstream_seconds,
            orders_placed,
            sign_ins,
            rate_limited,
            installation_cache_hits,
            installation_up,
            installation_mcards_support,
        }
    }
}

impl Metrics {
    /// Prometheus's classic text format (`text/plain; version=0.0.4`).
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        classic(&text)
    }

    pub fn count_request(&self, path: &str, status: u16, installation: &'static str) {
        let outcome = match status {
            401 => "401",
            403 => "403",
            404 => "404",
            413 => "413",
            429 => "429",
            502 => "502",
            504 => "504",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.requests
            .get_or_create(&RequestLabels {
                route: route_of(path),
                outcome,
                installation,
            })
            .inc();
    }

    pub fn upstream_took(&self, path: &str, installation: &'static str, took: Duration) {
        self.upstream_seconds
            .get_or_create(&MethodLabels {
                method: method_of(path),
                installation,
            })
            .observe(took.as_secs_f64());
    }

    /// One of the watcher's events, counted under `outcome`.
    pub fn count(
        family: &Family<OutcomeLabels, Counter>,
        outcome: &'static str,
        installation: &'static str,
    ) {
        family
            .get_or_create(&OutcomeLabels {
                outcome,
                installation,
            })
            .inc();
    }

    pub fn rate_limited(&self, limit: &'static str, installation: &'static str) {
        self.rate_limited
            .get_or_create(&LimitLabels {
                limit,
                installation,
            })
            .inc();
    }

    pub fn installation_cache_hit(&self, installation: &'static str) {
        self.installation_cache_hits
            .get_or_create(&InstallationLabels { installation })
            .inc();
    }

    pub fn order_placed(&self, installation: &'static str) {
        self.orders_placed
            .get_or_create(&InstallationLabels { installation })
            .inc();
    }

    pub fn signed_in(&self, installation: &'static str) {
        self.sign_ins
            .get_or_create(&InstallationLabels { installation })
            .inc();
    }

    pub fn push_delay(&self, installation: &'static str, took: Duration) {
        self.push_delay_seconds
            .get_or_create(&InstallationLabels { installation })
            .observe(took.as_secs_f64());
    }

    /// Makes `installation`'s series exist, at zero, before anything
    /// happens there: a counter that first appears after a scrape with
    /// its first events already in it would hide them from `rate()` and
    /// `increase()`, and a panel or an alert would see nothing.
    pub fn initialize(&self, installation: &'static str) {
        let labels = InstallationLabels { installation };
        for family in [
            &self.orders_placed,
            &self.sign_ins,
            &self.installation_cache_hits,
        ] {
            let _ = family.get_or_create(&labels);
        }
        for histogram in [
            &self.order_ready_seconds,
            &self.order_error_seconds,
            &self.push_delay_seconds,
        ] {
            let _ = histogram.get_or_create(&labels);
        }
        let _ = self.watches_active.get_or_create(&labels);
        let _ = self.watches_overdue.get_or_create(&labels);
        for outcome in ["accepted", "gone", "busy", "refused", "unreachable"] {
            Metrics::count_zero(&self.pushes, outcome, installation);
        }
        for outcome in ["ok", "failed", "unauthorized", "refused"] {
            Metrics::count_zero(&self.watcher_usos_calls, outcome, installation);
        }
        for limit in ["session", "upstream"] {
            let _ = self.rate_limited.get_or_create(&LimitLabels {
                limit,
                installation,
            });
        }
        for path in [
            "services/apisrv/installation",
            "services/cards/mcard",
            "services/cards/mcard_order",
            "services/cards/make_mcard_order",
            "services/cards/revoke_mcard",
        ] {
            for answer in ["success", "usos_error", "busy", "timeout", "unreachable"] {
                let _ = self.usos_answers.get_or_create(&AnswerLabels {
                    installation,
                    method: method_of(path),
                    answer,
                });
            }
        }
        for (from, to) in [
            ("pending", "in_progress"),
            ("in_progress", "ready"),
            ("in_progress", "error"),
            ("ready", "received"),
        ] {
            let _ = self.order_status_changes.get_or_create(&ChangeLabels {
                installation,
                from,
                to,
            });
        }
    }

    fn count_zero(
        family: &Family<OutcomeLabels, Counter>,
        outcome: &'static str,
        installation: &'static str,
    ) {
        let _ = family.get_or_create(&OutcomeLabels {
            outcome,
            installation,
        });
    }

    /// One answer (or none) from an installation's USOS.
    pub fn usos_answered(&self, installation: &'static str, path: &str, answer: &'static str) {
        self.usos_answers
            .get_or_create(&AnswerLabels {
                installation,
                method: method_of(path),
                answer,
            })
            .inc();
    }

    /// One order's status change, seen once.
    /// An order's status change this copy counted, and how long it took
    /// when it reached "Do odbioru" or "Błąd".
    pub fn journey(&self, installation: &'static str, change: &crate::journey::Change) {
        self.status_changed(installation, change.from, change.to);
        if let Some(after) = change.outcome_after_s {
            let histogram = if change.to == "ready" {
                &self.order_ready_seconds
            } else {
                &self.order_error_seconds
            };
            histogram
                .get_or_create(&InstallationLabels { installation })
                .observe(after as f64);
        }
    }

    fn status_changed(&self, installation: &'static str, from: &'static str, to: &'static str) {
        self.order_status_changes
            .get_or_create(&ChangeLabels {
                installation,
                from,
                to,
            })
            .inc();
    }

    /// What an installation answered to the gateway's check.
    pub fn installation_checked(&self, installation: &'static str, support: Support) {
        let labels = InstallationLabels { installation };
        self.installation_up
            .get_or_create(&labels)
            .set(i64::from(matches!(
                support,
                Support::Offered | Support::NotOffered
            )));
        self.installation_mcards_support
            .get_or_create(&labels)
            .set(match support {
                Support::Offered => 1,
                Support::NotOffered => 0,
                Support::Unknown | Support::Unreachable => -1,
            });
    }
}

/// OpenMetrics text, as prometheus-client writes it, in the classic text
/// format, which Prometheus scrapes as well and `promtool check metrics`
/// and most other tools read: a counter's family is named with its
/// `_total` in `# HELP` and `# TYPE`, and there is no `# EOF`. (The crate
/// writes only OpenMetrics; for the three kinds used here, counters,
/// gauges and histograms, these are the only differences.)
pub fn classic(openmetrics: &str) -> String {
    let counters: Vec<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut text = String::with_capacity(openmetrics.len() + counters.len() * 12);
    for line in openmetrics.lines() {
        if line == "# EOF" {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, after) = rest.split_once(' ')?;
            counters
                .contains(&name)
                .then(|| format!("{prefix}{name}_total {after}"))
        });
        text.push_str(renamed.as_deref().unwrap_or(line));
        text.push('\n');
    }
    text
}

/// A bounded set of route names, so that a scanner cannot grow the label set.
fn route_of(path: &str) -> &'static str {
    match path {
        "/services/apisrv/installation" => "apisrv/installation",
        "/services/cards/mcard" => "cards/mcard",
        "/services/cards/mcard_order" => "cards/mcard_order",
        "/services/cards/make_mcard_order" => "cards/make_mcard_order",
        "/services/cards/revoke_mcard" => "cards/revoke_mcard",
        "/auth/login" => "auth/login",
        "/auth/callback" => "auth/callback",
        "/auth/logout" => "auth/logout",
        "/healthz" => "healthz",
        "/readyz" => "readyz",
        "/metrics" => "metrics",
        "/installations" => "installations",
        "/installation" => "installation",
        "/wait" => "wait",
        "/push/key" => "push/key",
        "/push/subscriptions" => "push/subscriptions",
        other if other.starts_with("/services/") => "services/other",
        _ => "static",
    }
}

/// A forwarded method's name without `services/` (`cards/mcard`).
fn method_of(path: &str) -> &'static str {
    route_of(&format!("/{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded_and_carry_the_installation() {
        let metrics = Metrics::default();
        metrics.count_request("/services/cards/mcard", 200, "uw");
        metrics.count_request("/services/cards/mcard?x=secret", 200, "uw");
        metrics.count_request("/../../etc/passwd", 404, "");
        metrics.upstream_took("services/cards/mcard", "ul", Duration::from_millis(20));
        metrics.installation_checked("pg", Support::NotOffered);
        let text = metrics.render();
        assert!(text.contains(
            "usos_gateway_requests_total{route=\"cards/mcard\",outcome=\"2xx\",installation=\"uw\"} 1"
        ));
        assert!(text.contains("route=\"services/other\",outcome=\"2xx\",installation=\"uw\"} 1"));
        assert!(text.contains("route=\"static\",outcome=\"404\",installation=\"\"} 1"));
        assert!(text.contains(
            "usos_gateway_upstream_seconds_count{method=\"cards/mcard\",installation=\"ul\"} 1"
        ));
        assert!(text.contains("usos_gateway_installation_up{installation=\"pg\"} 1"));
        assert!(text.contains("usos_gateway_installation_mcards_support{installation=\"pg\"} 0"));
        assert!(!text.contains("secret") && !text.contains("passwd"));
        // The classic format: a counter's family is named with `_total`.
        assert!(text.contains("# TYPE usos_gateway_requests_total counter"));
        assert!(text.contains("# TYPE usos_gateway_upstream_seconds histogram"));
        assert!(!text.contains("# EOF"));
    }
}
