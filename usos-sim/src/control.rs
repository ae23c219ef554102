//! `/_sim/…`: what a test or a person demonstrating the widget uses to play the
//! rest of the world — choose the student, activate in mObywatel, revoke as the
//! university. Served only when the stand-in runs with `--control`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::describe;
use crate::faults::Fault;
use crate::profiles::Profile;
use crate::server::AppState;
use crate::shape::Shape;
use crate::sim::{ActivationError, Delays, Student};
use crate::usos::{dropped_connection, json_response, UsosError};
use crate::world::{now, World};

/// The control routes, to be nested under `/_sim`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/state", get(state))
        .route("/profiles", get(profiles))
        .route("/reset", post(reset))
        .route("/activate", post(activate))
        .route("/university-revoke", post(university_revoke))
        .route("/ministry-answers", post(ministry_answers))
        .route("/students", post(make_students))
        .route("/orders", get(orders))
        .route("/unreachable/{*rest}", any(unreachable))
        .route("/faults", post(set_faults))
        .route("/oauth", get(oauth_state))
        .route("/oauth/revoke-all", post(revoke_all_tokens))
        .route("/issued", get(issued))
        .route("/push/subscriptions", post(crate::push::routes::subscribe))
        .route("/push/answer/{id}", post(crate::push::routes::set_answer))
        .route("/push/messages", get(crate::push::routes::messages))
}

/// An API base under which every connection breaks before an answer arrives,
/// as when the network drops: `data-api-base="/_sim/unreachable/"`.
async fn unreachable() -> Response {
    dropped_connection()
}

/// OAuth mode's counts: signed requests that passed and that were refused,
/// and sessions (access tokens) still valid. 404 without `--oauth`.
async fn oauth_state(State(state): State<AppState>) -> Response {
    match &state.oauth {
        Some(provider) => {
            let provider = provider.lock();
            json_response(
                StatusCode::OK,
                &json!({
                    "verified_calls": provider.verified_calls,
                    "refused_calls": provider.refused_calls,
                    "live_sessions": provider.live_sessions(),
                }),
            )
        }
        None => oauth_disabled(),
    }
}

/// Every access token stops working (the student withdrew the
/// application's access in USOS). 404 without `--oauth`.
async fn revoke_all_tokens(State(state): State<AppState>) -> Response {
    match &state.oauth {
        Some(provider) => {
            let revoked = provider.lock().revoke_all();
            json_response(StatusCode::OK, &json!({ "revoked": revoked }))
        }
        None => oauth_disabled(),
    }
}

/// 404 for an OAuth control on a stand-in without `--oauth`.
fn oauth_disabled() -> Response {
    UsosError::new(
        StatusCode::NOT_FOUND,
        "oauth_disabled",
        "usos-sim runs without --oauth.",
    )
    .into_response()
}

/// Every secret handed out since the start, each with its kind: QR tokens
/// and activation codes (of this student and of those before a reset) and,
/// in OAuth mode, every token, token secret and verifier. Tests look for
/// them where they must never be (the gateway's log).
async fn issued(State(state): State<AppState>) -> Response {
    let mut all = {
        let world = state.world.lock();
        let mut all = world.retired_codes.clone();
        all.extend(codes_of(&world.student));
        for student in world.students.values() {
            all.extend(codes_of(student));
        }
        all
    };
    if let Some(provider) = &state.oauth {
        all.extend(provider.lock().issued.iter().cloned());
    }
    let list: Vec<Value> = all
        .into_iter()
        .map(|(kind, value)| json!({"kind": kind, "value": value}))
        .collect();
    json_response(StatusCode::OK, &json!({ "issued": list }))
}

fn codes_of(student: &Student) -> Vec<(&'static str, String)> {
    student
        .orders
        .iter()
        .flat_map(|o| {
            [
                ("QR token", o.token.clone()),
                ("activation code", o.distribution_pass.clone()),
            ]
        })
        .collect()
}

/// Body of `POST /_sim/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Faults {
    faults: Vec<String>,
}

/// Replaces the faults in force (`{"faults": []}` clears them).
async fn set_faults(State(state): State<AppState>, body: Bytes) -> Response {
    let request: Faults = match parse_json(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let faults = match parse_faults(&request.faults) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    state.world.lock().faults = faults;
    faults_response(&state)
}

fn parse_faults(specs: &[String]) -> Result<Vec<Fault>, UsosError> {
    specs
        .iter()
        .map(|s| Fault::parse(s).map_err(|e| UsosError::param_invalid("faults", e)))
        .collect()
}

fn faults_response(state: &AppState) -> Response {
    let list = fault_specs(&state.world.lock());
    json_response(StatusCode::OK, &json!({"faults": list}))
}

/// Answers every `/_sim/…` request when the controls are off.
pub async fn disabled() -> Response {
    UsosError::new(
        StatusCode::NOT_FOUND,
        "control_disabled",
        "Simulation controls are off; start usos-sim with --control to use /_sim/.",
    )
    .into_response()
}

async fn state(State(state): State<AppState>) -> Response {
    world_response(&state.world.lock())
}

/// The whole simulated world as JSON: the student, the installation, the faults.
fn world_response(world: &World) -> Response {
    let mut body = describe(&world.student);
    body["mcards_support"] = json!(world.mcards_support);
    body["faults"] = json!(fault_specs(world));
    body["calls"] = json!(world.calls);
    json_response(StatusCode::OK, &body)
}

fn fault_specs(world: &World) -> Vec<String> {
    world.faults.iter().map(|f| f.to_string()).collect()
}

async fn profiles() -> Response {
    let list: Vec<Value> = Profile::ALL
        .iter()
        .map(|p| json!({"name": p.name(), "description": p.description()}))
        .collect();
    json_response(StatusCode::OK, &json!(list))
}

/// Body of `POST /_sim/reset`; every field is optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reset {
    profile: Option<String>,
    /// The ministry as a queue: answers a minute (0: off, each order takes
    /// the delays); and the percent of its answers that are "Błąd".
    ministry_per_minute: Option<f64>,
    ministry_error_percent: Option<u32>,
    pending_ms: Option<u64>,
    processing_ms: Option<u64>,
    /// The student's orders are dated this many minutes before they are
    /// placed (their `order_date`): as if each had waited that long.
    ordered_minutes_ago: Option<u64>,
    mcards_support: Option<bool>,
    /// The faults in force after the reset; none when left out.
    #[serde(default)]
    faults: Vec<String>,
    /// Replaces the profile's own `why_cannot_order` (e.g. to try hostile text).
    why_cannot_order: Option<crate::profiles::LangDict>,
    /// The installation's shape until the next reset (each as its `--`
    /// option; left out: as at start).
    no_fields: Option<Vec<String>>,
    user_messages: Option<bool>,
    status_codes: Option<serde_json::Map<String, Value>>,
}

/// Starts over with a new student: the orders are gone.
async fn reset(State(state): State<AppState>, body: Bytes) -> Response {
    let request: Reset = match parse_json(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut world = state.world.lock();
    let profile = match request.profile.as_deref() {
        None => world.student.profile,
        Some(name) => match Profile::from_name(name) {
            Some(p) => p,
            None => {
                let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
                return UsosError::param_invalid(
                    "profile",
                    format!("Unknown profile '{name}'; known: {}.", names.join(", ")),
                )
                .into_response();
            }
        },
    };
    let faults = match parse_faults(&request.faults) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let defaults = world.student.delays;
    let delays = Delays {
        pending_ms: request.pending_ms.unwrap_or(defaults.pending_ms),
        processing_ms: request.processing_ms.unwrap_or(defaults.processing_ms),
    };
    let mut shape = world.start_shape.clone();
    if let Some(fields) = request.no_fields {
        shape.missing_fields = fields;
    }
    if let Some(on) = request.user_messages {
        shape.user_messages = on;
    }
    if let Some(codes) = request.status_codes {
        match Shape::parse_status_codes(&Value::Object(codes).to_string()) {
            Ok(codes) => shape.status_codes = codes,
            Err(e) => return UsosError::param_invalid("status_codes", e).into_response(),
        }
    }
    world.shape = shape;
    let mut retired = codes_of(&world.student);
    for student in std::mem::take(&mut world.students).values() {
        retired.extend(codes_of(student));
    }
    world.retired_codes.extend(retired);
    world.student = Student::new(profile, delays, now());
    world.signed_in = true;
    world.student.reason_override = request.why_cannot_order;
    world.student.backdate =
        std::time::Duration::from_secs(request.ordered_minutes_ago.unwrap_or(0) * 60);
    world.faults = faults;
    world.calls.clear();
    if let Some(per_minute) = request.ministry_per_minute {
        world.ministry = (per_minute > 0.0).then_some(crate::sim::Ministry {
            per_minute,
            error_percent: request.ministry_error_percent.unwrap_or(0),
            free_at: None,
        });
    }
    if let Some(support) = request.mcards_support {
        world.mcards_support = support;
    }
    world_response(&world)
}

/// Body of `POST /_sim/activate`: what the student types into mObywatel.
#[derive(Debug, Deserialize)]
struct Activation {
    token: String,
    distribution_pass: String,
}

/// mObywatel adds the card: succeeds only with the ready order's token and code.
async fn activate(State(state): State<AppState>, body: Bytes) -> Response {
    let request: Activation = match parse_json(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut world = state.world.lock();
    match world
        .student
        .activate(&request.token, &request.distribution_pass)
    {
        Ok(order) => json_response(
            StatusCode::OK,
            &json!({"success": true, "order_id": order.id}),
        ),
        Err(error) => {
            let (code, message) = match error {
                ActivationError::UnknownToken => ("unknown_token", "No order has this QR code."),
                ActivationError::WrongCode => ("wrong_code", "The activation code does not match."),
                ActivationError::NotReady => ("not_ready", "This order is not ready to collect."),
            };
            UsosError::new(StatusCode::BAD_REQUEST, code, message).into_response()
        }
    }
}

/// The university revokes the student's card (or open order).
/// Body of `POST /_sim/ministry-answers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MinistryAnswer {
    /// `ready` (the default) or `error`.
    #[serde(default)]
    outcome: Option<String>,
    /// Whose order: a student's access token (see `/_sim/students`);
    /// without it, the one student's.
    #[serde(default)]
    student: Option<String>,
}

/// The ministry answers the newest order under way now: it becomes ready
/// (or, with `{"outcome": "error"}`, fails), whatever the delays say.
async fn ministry_answers(State(state): State<AppState>, body: Bytes) -> Response {
    let request: MinistryAnswer = match parse_json(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let outcome = match request.outcome.as_deref() {
        None | Some("ready") => crate::sim::Status::Ready,
        Some("error") => crate::sim::Status::Error,
        Some(_) => {
            return UsosError::param_invalid("outcome", "outcome is ready or error".to_owned())
                .into_response()
        }
    };
    let mut world = state.world.lock();
    match world
        .student_for(request.student.as_deref())
        .ministry_answers(outcome)
    {
        Ok(order) => json_response(
            StatusCode::OK,
            &json!({"success": true, "order_id": order.id}),
        ),
        Err(_) => UsosError::new(
            StatusCode::NOT_FOUND,
            "object_not_found",
            "No order is on its way to the ministry.",
        )
        .into_response(),
    }
}

/// Body of `POST /_sim/students`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MakeStudents {
    count: usize,
    /// Each order becomes ready at a random moment within this many
    /// milliseconds (default: 10 minutes).
    #[serde(default)]
    ready_within_ms: Option<u64>,
    /// The orders were placed this many minutes before now (their
    /// `order_date`): students whose wait began before the page opened.
    #[serde(default)]
    ordered_minutes_ago: Option<u64>,
    /// This percent of the orders end in "Błąd" instead.
    #[serde(default)]
    errors_percent: Option<u32>,
    /// `false`: the students have not ordered yet (they will, through the
    /// API); the university passes each order on 5–60 s after it is placed.
    #[serde(default)]
    ordered: Option<bool>,
}

/// Many signed-in students at once, each with their own order on its way
/// (or, with `"ordered": false`, none yet), without the sign-in round trip
/// (OAuth mode): their access tokens, the order, and when it becomes ready
/// (Unix ms). For benchmarks and tests of many watches.
async fn make_students(State(state): State<AppState>, body: Bytes) -> Response {
    let request: MakeStudents = match parse_json(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let Some(provider) = &state.oauth else {
        return oauth_disabled();
    };
    if request.count > 100_000 {
        return UsosError::param_invalid("count", "At most 100000 students.").into_response();
    }
    let within = request.ready_within_ms.unwrap_or(600_000).max(2);
    let wall_ms = crate::world::unix_ms();
    let mut made = Vec::with_capacity(request.count);
    let mut provider = provider.lock();
    let mut world = state.world.lock();
    let profile = world.student.profile;
    for _ in 0..request.count {
        let (token, secret) = provider.mint_access_token();
        if request.ordered == Some(false) {
            let delays = Delays {
                pending_ms: rand::random_range(5_000..=60_000),
                processing_ms: rand::random_range(1..within),
            };
            world
                .students
                .insert(token.clone(), Student::new(profile, delays, now()));
            made.push(json!({"token": token, "secret": secret}));
            continue;
        }
        let ready_in = rand::random_range(1..within);
        let delays = Delays {
            pending_ms: ready_in / 2,
            processing_ms: ready_in - ready_in / 2,
        };
        let now = now();
        let mut student = Student::new(profile, delays, now);
        student.backdate =
            std::time::Duration::from_secs(request.ordered_minutes_ago.unwrap_or(0) * 60);
        world.students.insert(token.clone(), student);
        let order_id = world.place_order(Some(&token), now).unwrap_or_default();
        if let Some(percent) = request.errors_percent {
            if let Some(order) = world
                .students
                .get_mut(&token)
                .and_then(|s| s.orders.first_mut())
            {
                order.fails = rand::random_range(0..100) < percent;
            }
        }
        made.push(json!({
            "token": token,
            "secret": secret,
            "order_id": order_id,
            "ready_at_ms": wall_ms + ready_in,
        }));
    }
    json_response(StatusCode::OK, &json!({ "students": made }))
}

async fn university_revoke(State(state): State<AppState>) -> Response {
    let mut world = state.world.lock();
    match world.student.university_revokes() {
        Ok(order) => json_response(
            StatusCode::OK,
            &json!({"success": true, "order_id": order.id}),
        ),
        Err(_) => UsosError::new(
            StatusCode::NOT_FOUND,
            "object_not_found",
            "The student holds nothing the university could revoke.",
        )
        .into_response(),
    }
}

/// Reads a JSON body; an empty body counts as `{}`.
fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, UsosError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| UsosError::param_invalid("body", format!("Not the expected JSON: {e}")))
}

/// `GET /_sim/orders`: every order of the many students (`/_sim/students`,
/// `--many-students`), with the moments the simulation fixed for it when it
/// was placed (Unix ms): placed, passed on to the ministry, answered, and
/// how. What a benchmark measures the product's news against.
async fn orders(State(state): State<AppState>) -> Response {
    let wall_ms = crate::world::unix_ms();
    let now = now().instant;
    let world = state.world.lock();
    let at = |moment: std::time::Instant| {
        wall_ms.saturating_sub(now.saturating_duration_since(moment).as_millis() as u64)
            + moment.saturating_duration_since(now).as_millis() as u64
    };
    let orders: Vec<Value> = world
        .students
        .values()
        .flat_map(|student| &student.orders)
        .map(|order| {
            json!({
                "order_id": order.id,
                "placed_at_ms": at(order.placed_at),
                "passed_on_at_ms": at(order.placed_at + order.in_progress_after),
                "answered_at_ms": at(order.placed_at + order.answered_after),
                "outcome": if order.fails { "error" } else { "ready" },
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "orders": orders }))
}
