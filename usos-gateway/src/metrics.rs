//! Prometheus metrics at `/metrics`: requests by route and outcome, USOS's
//! latency, orders placed, sign-ins, rate-limited requests, cache hits;
//! the watches for push, the pushes and how long they took.
//! Labels never carry a token, an argument or a student's number.

use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Labels are `&'static str`: counting a request allocates nothing.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The USOS method (`cards/mcard`), `auth/login`, …, `services/other`
    /// or `static`.
    pub route: &'static str,
    /// The HTTP status class: `2xx`, `4xx`, `5xx`; with the exact code for
    /// the statuses that mean something here (401, 403, 404, 413, 429, 502, 504).
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    pub method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabels {
    /// `session` (one student's rate) or `upstream` (calls to USOS at once).
    pub limit: String,
}

/// A label from a fixed set of words.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

/// Every metric the gateway keeps.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub upstream_seconds: Family<MethodLabels, Histogram>,
    pub orders_placed: Counter,
    pub sign_ins: Counter,
    pub rate_limited: Family<LimitLabels, Counter>,
    pub installation_cache_hits: Counter,
    /// Watches open in the database (all copies'), as last counted.
    pub watches_active: Gauge,
    /// Push attempts by how the push service answered.
    pub pushes: Family<OutcomeLabels, Counter>,
    /// From the watcher seeing the outcome to the push service accepting it.
    pub push_delay_seconds: Histogram,
    /// The watcher's reads of `mcard`, by outcome.
    pub watcher_usos_calls: Family<OutcomeLabels, Counter>,
    /// How long taking due watches (the lease query) took.
    pub lease_query_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("usos_gateway");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by route and outcome",
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
        let orders_placed = Counter::default();
        registry.register(
            "orders_placed",
            "make_mcard_order calls USOS accepted",
            orders_placed.clone(),
        );
        let sign_ins = Counter::default();
        registry.register("sign_ins", "Sign-ins completed", sign_ins.clone());
        let rate_limited = Family::<LimitLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused with 429 by the gateway's own limits",
            rate_limited.clone(),
        );
        let installation_cache_hits = Counter::default();
        registry.register(
            "installation_cache_hits",
            "installation answered from the gateway's cache",
            installation_cache_hits.clone(),
        );
        let watches_active = Gauge::default();
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
            Histogram::new([0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0]);
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
        Metrics {
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
        }
    }
}

impl Metrics {
    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }

    pub fn count_request(&self, path: &str, status: u16) {
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
            })
            .inc();
    }

    pub fn upstream_took(&self, method: &str, took: Duration) {
        self.upstream_seconds
            .get_or_create(&MethodLabels {
                method: method.trim_start_matches("services/").to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// One of the watcher's events, counted under `outcome`.
    pub fn count(family: &Family<OutcomeLabels, Counter>, outcome: &'static str) {
        family.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    pub fn rate_limited(&self, limit: &str) {
        self.rate_limited
            .get_or_create(&LimitLabels {
                limit: limit.to_owned(),
            })
            .inc();
    }
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
        "/push/key" => "push/key",
        "/push/subscriptions" => "push/subscriptions",
        other if other.starts_with("/services/") => "services/other",
        _ => "static",
    }
}
