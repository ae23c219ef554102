//! Polling cost of the widget's schedule, evaluated as the pure function it
//! is: for simulated ministry processing times, how many requests an order
//! costs and how late the badge changes after the status does. Prints a
//! Markdown table; `scripts/bench` puts it into BENCHMARKS.md.
//!
//! Processing times: 85 % uniform in 1–5 minutes, 15 % uniform in 5–30
//! minutes (a tail); the university passes the order on (pending → in
//! progress) after a uniform 5–60 s. 10 000 orders, fixed seed.

use mlegitymacja::domain::polling::{next_poll_ms, PollInput};
use mlegitymacja::domain::status::OrderStatus;

/// A small deterministic generator (64-bit LCG), so every run prints the same.
struct Lcg(u64);

impl Lcg {
    fn next_unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next_unit()
    }
}

/// One order's timeline, in seconds after it was placed.
struct Timeline {
    in_progress_at: f64,
    ready_at: f64,
}

impl Timeline {
    fn status(&self, t: f64) -> OrderStatus {
        if t < self.in_progress_at {
            OrderStatus::Pending
        } else if t < self.ready_at {
            OrderStatus::InProgress
        } else {
            OrderStatus::Ready
        }
    }
}

/// How a client decides when to ask next, given the status it last saw.
type Schedule = dyn Fn(&OrderStatus) -> f64;

/// Follows one order from placing (read back at t = 0) until the client sees
/// `ready`; returns the requests made and the delays of both status changes.
fn follow(timeline: &Timeline, schedule: &Schedule) -> (u32, [f64; 2]) {
    let mut t = 0.0;
    let mut requests = 1;
    let mut seen = timeline.status(0.0);
    let mut delays = [0.0, 0.0];
    while seen != OrderStatus::Ready {
        t += schedule(&seen);
        requests += 1;
        let now = timeline.status(t);
        if now != seen {
            if seen == OrderStatus::Pending {
                delays[0] = t - timeline.in_progress_at;
                if now == OrderStatus::Ready {
                    delays[1] = t - timeline.ready_at;
                }
            } else {
                delays[1] = t - timeline.ready_at;
            }
            seen = now;
        }
    }
    (requests, delays)
}

fn widget_schedule(status: &OrderStatus) -> f64 {
    let input = PollInput::watching(Some(status.clone()));
    f64::from(next_poll_ms(&input).unwrap_or(0)) / 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn main() {
    let mut rng = Lcg(20251024);
    let orders: Vec<Timeline> = (0..10_000)
        .map(|_| {
            let in_progress_at = rng.uniform(5.0, 60.0);
            let processing = if rng.next_unit() < 0.85 {
                rng.uniform(60.0, 300.0)
            } else {
                rng.uniform(300.0, 1800.0)
            };
            Timeline {
                in_progress_at,
                ready_at: in_progress_at + processing,
            }
        })
        .collect();
    let five_minutes = Timeline {
        in_progress_at: 30.0,
        ready_at: 300.0,
    };
    let fixed_1s = |_: &OrderStatus| 1.0;
    let fixed_30s = |_: &OrderStatus| 30.0;
    let schedules: [(&str, &Schedule); 3] = [
        ("widget schedule", &widget_schedule),
        ("fixed 1 s", &fixed_1s),
        ("fixed 30 s", &fixed_30s),
    ];
    println!("| schedule | requests per order (mean) | requests, 5-min processing | delay p50 (s) | delay p95 (s) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, schedule) in schedules {
        let mut requests = 0u64;
        let mut delays = Vec::with_capacity(orders.len() * 2);
        for order in &orders {
            let (n, d) = follow(order, schedule);
            requests += u64::from(n);
            delays.extend(d);
        }
        delays.sort_by(f64::total_cmp);
        let (five_min_requests, _) = follow(&five_minutes, schedule);
        println!(
            "| {name} | {:.1} | {five_min_requests} | {:.1} | {:.1} |",
            requests as f64 / orders.len() as f64,
            percentile(&delays, 0.5),
            percentile(&delays, 0.95),
        );
    }
}
