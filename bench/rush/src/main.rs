//! The October rush, as a model in virtual time: 5,000 students order within
//! 10 minutes of the oath; the ministry issues 50 codes a minute, one order
//! after another (as usos-sim's `--ministry-per-minute` queue), 2 % of them
//! ending in "Błąd"; the university passes each order on after 5–60 s.
//! Half the students keep the page open; the other half turn on push and
//! close it at once, and the gateway's watcher reads their orders.
//!
//! Every decision is the product's own code: the widget's schedule
//! (`domain::polling::next_poll_ms`, from the order's age), the watcher's
//! (`push::schedule`, with the ministry's backlog as the watcher measures
//! it), the gateway's wait (`journey::wait_of`) and what the
//! widget says about it (`domain::wait::message`). The model counts the
//! requests each makes to USOS, second by second, beside today's fixed 5 s
//! schedule on the same orders, and when each student is told. It does not
//! run the servers: CPU, memory and exactly-once delivery are measured by
//! `scripts/bench-push` and `scripts/bench-load`, which do. Prints Markdown;
//! `scripts/bench-rush` puts it into BENCHMARKS.md.
//!
//!   cargo run -p october-rush --bin rush-model [-- STUDENTS]

use std::time::Duration;

use mlegitymacja::api::types::WaitNow;
use mlegitymacja::domain::polling::{next_poll_ms, PollInput};
use mlegitymacja::domain::status::OrderStatus;
use october_rush::wait_said;
use usos_gateway::journey::{wait_of, Outcome};
use usos_gateway::push::schedule::{
    backlog, far_behind, next_interval, with_jitter, EAGER_INTERVAL, PACE_WINDOW, PATIENT_BACKLOG,
};

#[path = "../../../examples/support/lcg.rs"]
mod lcg;
use lcg::Lcg;

/// The rush's shape.
const ORDERING_WITHIN_S: f64 = 600.0;
const MINISTRY_PER_MINUTE: f64 = 50.0;
const ERROR_SHARE: f64 = 0.02;
/// A student with push on is watched from this long after ordering.
const WATCH_STARTS_AFTER_S: f64 = 10.0;

/// One order, in seconds from the first order of the rush.
struct Order {
    placed: f64,
    passed_on: f64,
    ended: f64,
    failed: bool,
}

impl Order {
    fn status(&self, t: f64) -> OrderStatus {
        if t < self.passed_on {
            OrderStatus::Pending
        } else if t < self.ended {
            OrderStatus::InProgress
        } else if self.failed {
            OrderStatus::Error
        } else {
            OrderStatus::Ready
        }
    }
}

/// The orders: placed uniformly over the first 10 minutes, answered by the
/// ministry in turn.
fn rush(students: usize, rng: &mut Lcg) -> Vec<Order> {
    let mut orders: Vec<Order> = (0..students)
        .map(|_| {
            let placed = rng.uniform(0.0, ORDERING_WITHIN_S);
            Order {
                placed,
                passed_on: placed + rng.uniform(5.0, 60.0),
                ended: 0.0,
                failed: rng.next_unit() < ERROR_SHARE,
            }
        })
        .collect();
    orders.sort_by(|a, b| a.passed_on.total_cmp(&b.passed_on));
    let each = 60.0 / MINISTRY_PER_MINUTE;
    let mut free_at = 0.0_f64;
    for order in &mut orders {
        order.ended = free_at.max(order.passed_on) + each;
        free_at = order.ended;
    }
    orders
}

/// The ministry's backlog as the gateway's watcher measures it, every 10 s:
/// the orders it watches at that moment, over the pace of the outcomes it saw
/// in the window before (`push::schedule::backlog`). Outcomes are taken at
/// the moment the open pages saw them, and the watched orders' at their end.
struct Pace {
    watch_starts: Vec<f64>,
    watch_ends: Vec<f64>,
    outcomes: Vec<f64>,
}

impl Pace {
    fn new(watches: &[(f64, f64)], mut outcomes: Vec<f64>) -> Pace {
        let sorted = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v
        };
        let watches: Vec<&(f64, f64)> = watches.iter().filter(|(start, end)| end > start).collect();
        outcomes.sort_by(f64::total_cmp);
        Pace {
            watch_starts: sorted(watches.iter().map(|(start, _)| *start).collect()),
            watch_ends: sorted(watches.iter().map(|(_, end)| *end).collect()),
            outcomes,
        }
    }

    fn backlog_at(&self, t: f64) -> Option<Duration> {
        let t = (t / 10.0).floor() * 10.0;
        let up_to = |v: &[f64], x: f64| v.partition_point(|&y| y <= x);
        let watched = up_to(&self.watch_starts, t) - up_to(&self.watch_ends, t);
        let from = up_to(&self.outcomes, t - PACE_WINDOW.as_secs_f64());
        let ended = up_to(&self.outcomes, t) - from;
        let span = if ended > 0 {
            t - self.outcomes[from]
        } else {
            0.0
        };
        backlog(watched as u64, ended, Duration::from_secs_f64(span))
    }
}

/// When a client checks next, given what it saw and when.
type Schedule<'a> = &'a mut dyn FnMut(&Order, &OrderStatus, f64) -> f64;

/// Follows one order from `start` until the client sees it ended: the
/// times of its requests, and when it saw the end.
fn follow(order: &Order, start: f64, schedule: Schedule, requests: &mut Vec<f64>) -> f64 {
    let mut t = start;
    loop {
        requests.push(t);
        let seen = order.status(t);
        if t >= order.ended {
            return t;
        }
        t += schedule(order, &seen, t);
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Requests per second, second by second.
fn per_second(times: &[f64], seconds: usize) -> Vec<u32> {
    let mut counts = vec![0; seconds];
    for &t in times {
        counts[(t as usize).min(seconds - 1)] += 1;
    }
    counts
}

/// The peak of one-minute averages of `counts`.
fn peak_minute(counts: &[u32]) -> f64 {
    counts
        .chunks(60)
        .map(|minute| f64::from(minute.iter().sum::<u32>()) / 60.0)
        .fold(0.0, f64::max)
}

fn main() {
    let students: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let mut rng = Lcg::new(20261001);
    let orders = rush(students, &mut rng);
    let open: Vec<&Order> = orders.iter().step_by(2).collect();
    let pushed: Vec<&Order> = orders.iter().skip(1).step_by(2).collect();

    // The open pages: the widget's schedule, and today's fixed 5 s.
    let mut widget_requests = Vec::new();
    let mut fixed_requests = Vec::new();
    let mut told_badge = Vec::new();
    let mut seen_by_gateway: Vec<(f64, &Order)> = Vec::new();
    for order in &open {
        let jitter = (rng.next_unit() * 1000.0) as u32;
        let mut widget = |order: &Order, seen: &OrderStatus, t: f64| {
            let mut input = PollInput::watching(Some(seen.clone()));
            input.order_age_s = Some((t - order.placed) as u64);
            input.jitter_permille = jitter;
            f64::from(next_poll_ms(&input).unwrap_or(60_000)) / 1000.0
        };
        let seen = follow(order, order.placed, &mut widget, &mut widget_requests);
        told_badge.push(seen - order.ended);
        seen_by_gateway.push((seen, order));
        let mut fixed = |_: &Order, _: &OrderStatus, _: f64| 5.0;
        follow(order, order.placed, &mut fixed, &mut fixed_requests);
    }

    // The watched orders: the watcher's schedule now (10 s for 10 minutes,
    // then doubling up to a minute; once a minute while the ministry is far
    // behind), and before this issue (10 s for 10 minutes, then doubling up
    // to two minutes).
    let pace = Pace::new(
        &pushed
            .iter()
            .map(|o| (o.placed + WATCH_STARTS_AFTER_S, o.ended))
            .collect::<Vec<_>>(),
        seen_by_gateway
            .iter()
            .map(|(seen, _)| *seen)
            .chain(pushed.iter().map(|o| o.ended))
            .collect(),
    );
    let mut watcher_requests = Vec::new();
    let mut watcher_before_requests = Vec::new();
    let mut told_push = Vec::new();
    let pace_now = &pace;
    for order in &pushed {
        let start = order.placed + WATCH_STARTS_AFTER_S;
        // `None`: today's schedule; else the one before, as (eager phase,
        // longest interval).
        let mut watcher = |before: Option<(Duration, Duration)>| {
            let mut last = EAGER_INTERVAL;
            let jitter = (rng.next_unit() * 1000.0) as u32;
            move |_: &Order, _: &OrderStatus, t: f64| {
                let age = Duration::from_secs_f64(t - start);
                last = match before {
                    None => next_interval(age, last, pace_now.backlog_at(t)),
                    Some((eager_phase, _)) if age < eager_phase => EAGER_INTERVAL,
                    Some((_, longest)) => (last.max(EAGER_INTERVAL) * 2).min(longest),
                };
                with_jitter(last, jitter).as_secs_f64()
            }
        };
        let seen = follow(order, start, &mut watcher(None), &mut watcher_requests);
        told_push.push(seen - order.ended);
        seen_by_gateway.push((seen, order));
        follow(
            order,
            start,
            &mut watcher(Some((Duration::from_secs(600), Duration::from_secs(120)))),
            &mut watcher_before_requests,
        );
    }

    let last = orders.iter().map(|o| o.ended).fold(0.0, f64::max) + 300.0;
    let seconds = last as usize + 1;
    let widget = per_second(&widget_requests, seconds);
    let fixed = per_second(&fixed_requests, seconds);
    let watcher = per_second(&watcher_requests, seconds);
    let watcher_before = per_second(&watcher_before_requests, seconds);
    let now: Vec<u32> = widget.iter().zip(&watcher).map(|(a, b)| a + b).collect();
    let before: Vec<u32> = fixed
        .iter()
        .zip(&watcher_before)
        .map(|(a, b)| a + b)
        .collect();
    let total = |c: &[u32]| c.iter().map(|&n| u64::from(n)).sum::<u64>();
    let busy_s = orders.iter().map(|o| o.ended).fold(0.0, f64::max);

    println!(
        "{students} students ordering within {} minutes; the ministry answers {MINISTRY_PER_MINUTE} a minute ({}% Błąd): the last order ends after {:.0} minutes. Half keep the page open, half close it with push on.",
        ORDERING_WITHIN_S / 60.0,
        ERROR_SHARE * 100.0,
        busy_s / 60.0
    );
    println!();
    println!(
        "| requests to USOS | total | average per s (rush) | peak per s (1-min avg) | peak per s |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, counts) in [
        ("open pages, widget schedule", &widget),
        ("open pages, fixed 5 s (before)", &fixed),
        (
            "watcher, 10 s for 10 min unless the ministry is far behind, up to 1 min",
            &watcher,
        ),
        (
            "watcher, 10 s for 10 min, up to 2 min (before)",
            &watcher_before,
        ),
        ("**all now**", &now),
        ("**all before**", &before),
    ] {
        println!(
            "| {name} | {} | {:.1} | {:.1} | {} |",
            total(counts),
            total(counts) as f64 / busy_s,
            peak_minute(counts),
            counts.iter().max().copied().unwrap_or(0)
        );
    }
    println!();
    println!(
        "Requests now over before: {:.2} (open pages alone: {:.2}).",
        total(&now) as f64 / total(&before) as f64,
        total(&widget) as f64 / total(&fixed) as f64
    );

    let behind: Vec<usize> = (0..seconds / 10)
        .filter(|&step| far_behind(pace.backlog_at(step as f64 * 10.0)))
        .collect();
    if let (Some(first), Some(last)) = (behind.first(), behind.last()) {
        println!();
        println!(
            "The watcher measured the ministry more than {} minutes behind from minute {:.1} to minute {:.1}: its watches read USOS once a minute then.",
            PATIENT_BACKLOG.as_secs() / 60,
            *first as f64 / 6.0,
            *last as f64 / 6.0
        );
    }
    println!();
    println!("| told after the end (s) | p50 | p95 | max |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, told) in [
        ("open page (badge)", &mut told_badge),
        ("push", &mut told_push),
    ] {
        told.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} |",
            percentile(told, 0.5),
            percentile(told, 0.95),
            told.last().copied().unwrap_or(0.0)
        );
    }

    // What the widget says about the wait at each moment (the gateway's
    // last hour, as it saw the orders end), against the real waits of the
    // orders still on their way then.
    println!();
    println!("| minute | the widget says | orders on their way | their real wait, median (min) | orders ended in the hour |");
    println!("| ---: | --- | ---: | ---: | ---: |");
    for minute in [5, 10, 20, 40, 60, 80, 100] {
        let t = f64::from(minute) * 60.0;
        let outcomes: Vec<Outcome> = seen_by_gateway
            .iter()
            .filter(|(seen, _)| *seen <= t && *seen > t - 3_600.0)
            .map(|(seen, order)| Outcome {
                ended_at: *seen as i64,
                outcome: if order.failed { "error" } else { "ready" },
                wait_s: (seen - order.placed) as i64,
            })
            .collect();
        let wait = wait_of(&outcomes);
        let said = wait_said(&WaitNow {
            orders: wait.orders as u32,
            median_s: wait.median_s.map(|s| s as u32),
            p90_s: wait.p90_s.map(|s| s as u32),
            errors: wait.errors as u32,
        });
        let mut waiting: Vec<f64> = orders
            .iter()
            .filter(|o| o.placed <= t && o.ended > t)
            .map(|o| (o.ended - o.placed) / 60.0)
            .collect();
        waiting.sort_by(f64::total_cmp);
        let real = if waiting.is_empty() {
            "—".to_owned()
        } else {
            format!("{:.0}", percentile(&waiting, 0.5))
        };
        println!(
            "| {minute} | {said} | {} | {real} | {} |",
            waiting.len(),
            outcomes.len()
        );
    }
}
