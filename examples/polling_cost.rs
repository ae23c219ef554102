//! Polling cost of the widget's schedule, evaluated as the pure function it
//! is: for simulated ministry processing times, how many requests an order
//! costs and how late the badge changes after the status does. Prints a
//! Markdown table; `scripts/bench` puts it into BENCHMARKS.md.
//!
//! Processing times: 85 % uniform in 1–5 minutes, 15 % uniform in 5–30
//! minutes (a tail); the university passes the order on (pending → in
//! progress) after a uniform 5–60 s. 10 000 orders, fixed seed. Then what
//! one order costs when the ministry takes 5 minutes, an hour and three
//! hours (its queue after 1 October), beside today's fixed 5 s schedule,
//! and the delay of orders ready within 5 minutes.

use mlegitymacja::domain::polling::{next_poll_ms, PollInput};
use mlegitymacja::domain::status::OrderStatus;

#[path = "support/lcg.rs"]
mod lcg;
use lcg::Lcg;

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

/// How a client decides when to ask next, given the status it last saw and
/// the order's age in seconds.
type Schedule = dyn Fn(&OrderStatus, f64) -> f64;

/// Follows one order from placing (read back at t = 0) until the client sees
/// `ready`; returns the requests made and the delays of both status changes.
fn follow(timeline: &Timeline, schedule: &Schedule) -> (u32, [f64; 2]) {
    let mut t = 0.0;
    let mut requests = 1;
    let mut seen = timeline.status(0.0);
    let mut delays = [0.0, 0.0];
    while seen != OrderStatus::Ready {
        t += schedule(&seen, t);
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

fn widget_schedule(status: &OrderStatus, age_s: f64) -> f64 {
    let mut input = PollInput::watching(Some(status.clone()));
    input.order_age_s = Some(age_s as u64);
    f64::from(next_poll_ms(&input).unwrap_or(0)) / 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn main() {
    let mut rng = Lcg::new(20251024);
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
    let fixed_1s = |_: &OrderStatus, _: f64| 1.0;
    let fixed_5s = |_: &OrderStatus, _: f64| 5.0;
    let fixed_30s = |_: &OrderStatus, _: f64| 30.0;
    let schedules: [(&str, &Schedule); 4] = [
        ("widget schedule", &widget_schedule),
        ("fixed 5 s (before 2026-12)", &fixed_5s),
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
    // A long wait: what one order costs, visible all along, when the
    // ministry takes 5 minutes, an hour, three hours.
    let ready_after = |minutes: f64| Timeline {
        in_progress_at: 30.0,
        ready_at: minutes * 60.0,
    };
    println!();
    println!("| schedule | requests, 5-minute order | requests, 1-hour order | requests, 3-hour order | delay p95 (s), orders ready within 5 min |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, schedule) in [
        ("widget schedule", &widget_schedule as &Schedule),
        ("fixed 5 s (before 2026-12)", &fixed_5s as &Schedule),
    ] {
        let costs: Vec<u32> = [5.0, 60.0, 180.0]
            .iter()
            .map(|m| follow(&ready_after(*m), schedule).0)
            .collect();
        let mut quick = Vec::new();
        for order in orders.iter().filter(|o| o.ready_at <= 300.0) {
            quick.extend(follow(order, schedule).1);
        }
        quick.sort_by(f64::total_cmp);
        println!(
            "| {name} | {} | {} | {} | {:.1} |",
            costs[0],
            costs[1],
            costs[2],
            percentile(&quick, 0.95)
        );
    }
}
