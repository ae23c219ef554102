//! `services/cards/*` and `services/apisrv/installation`, per the contract.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::faults::{self, FaultKind};
use crate::oauth::routes::Incoming;
use crate::oauth::Expect;
use crate::server::AppState;
use crate::sim::{Order, Refusal, Student};
use crate::usos::{dropped_connection, json_response, select_fields, Args, UsosError};
use crate::world::now;

/// Every `services/…` request: one place decides the method and its rules.
pub async fn handle(
    State(state): State<AppState>,
    Path(method_path): Path<String>,
    http_method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    *state
        .world
        .lock()
        .calls
        .entry(method_path.clone())
        .or_default() += 1;
    // The access token the call was signed with: whose student it is.
    let mut who: Option<String> = None;
    if let Some(provider) = &state.oauth {
        let incoming = Incoming {
            base_path: &state.base_path,
            method: &http_method,
            method_path: &method_path,
            headers: &headers,
            query: query.as_deref(),
            body: &body,
        };
        if method_path.starts_with("oauth/") {
            let student_number = state.world.lock().student.student_number.clone();
            return crate::oauth::routes::handle(
                provider,
                &incoming,
                &student_number,
                &state.institution.pl,
            );
        }
        // Installation facts need no student; a signed call is still checked.
        let expect = if method_path.starts_with("cards/") {
            Some(Expect::AccessToken)
        } else if headers.contains_key(header::AUTHORIZATION) {
            Some(Expect::ConsumerOnly)
        } else {
            None
        };
        if let Some(expect) = expect {
            match incoming.verify(provider, expect) {
                Ok(verified) => who = verified.token,
                Err(refused) => return shaped(&state, refused),
            }
        }
    }
    if state.oauth.is_none() && method_path.starts_with("cards/") && !state.world.lock().signed_in {
        return shaped(
            &state,
            UsosError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "No valid session: sign in again.",
            ),
        );
    }
    let plan = faults::plan(&mut state.world.lock().faults, &method_path);
    if plan.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(plan.latency_ms)).await;
    }
    if let Some(early) = plan
        .fault
        .as_ref()
        .and_then(|kind| answer_before_running(kind, &state))
    {
        return early.await;
    }
    let args = Args::parse(query.as_deref(), &body);
    let changes_state = matches!(
        method_path.as_str(),
        "cards/make_mcard_order" | "cards/revoke_mcard"
    );
    if changes_state && http_method != Method::POST {
        return shaped(
            &state,
            UsosError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This method changes state and must be called with POST.",
            ),
        );
    }
    let result = match method_path.as_str() {
        "apisrv/installation" => installation(&state, &args),
        "cards/mcard" => mcard(&state, &args, who.as_deref()),
        "cards/mcard_order" => mcard_order(&state, &args, who.as_deref()),
        "cards/make_mcard_order" => make_mcard_order(&state, who.as_deref()),
        "cards/revoke_mcard" => revoke_mcard(&state, &args, who.as_deref()),
        other => Err(UsosError::new(
            StatusCode::NOT_FOUND,
            "method_not_found",
            format!("Method services/{other} does not exist."),
        )),
    };
    match (result, plan.fault) {
        (_, Some(FaultKind::LoseResponse)) => dropped_connection(),
        (Ok(body), Some(kind)) => match faults::corrupt(&kind, &body) {
            Some(corrupted) => {
                let content_type = if kind == FaultKind::NotJson {
                    "text/html; charset=utf-8"
                } else {
                    "application/json; charset=utf-8"
                };
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, content_type)],
                    corrupted,
                )
                    .into_response()
            }
            None => json_response(StatusCode::OK, &body),
        },
        (Ok(body), None) => json_response(StatusCode::OK, &body),
        (Err(e), _) => shaped(&state, e),
    }
}

/// The faults that answer instead of the method, which then never runs.
fn answer_before_running(
    kind: &FaultKind,
    state: &AppState,
) -> Option<std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>> {
    let response = match kind {
        FaultKind::Hang => return Some(Box::pin(std::future::pending())),
        FaultKind::Drop => dropped_connection(),
        FaultKind::Maintenance => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            faults::MAINTENANCE_PAGE,
        )
            .into_response(),
        FaultKind::Busy(seconds) => {
            let mut response = shaped(
                state,
                UsosError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    "Too many requests; try again later.",
                ),
            );
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let (usos_code, message) = match code {
                401 => ("unauthorized", "No valid session: log in again."),
                403 => ("method_forbidden", "You may not call this method."),
                _ => ("internal_error", "The server failed to answer."),
            };
            shaped(state, UsosError::new(status, usos_code, message))
        }
        _ => return None,
    };
    Some(Box::pin(std::future::ready(response)))
}

/// An error as this installation sends it: with `user_messages` or without.
fn shaped(state: &AppState, e: UsosError) -> Response {
    if state.world.lock().shape.user_messages {
        e.for_the_student().into_response()
    } else {
        UsosError {
            user_message: None,
            ..e
        }
        .into_response()
    }
}

fn installation(state: &AppState, args: &Args) -> Result<Value, UsosError> {
    let support = state.world.lock().mcards_support;
    select_fields(
        json!({"mcards_support": support}),
        args.required("fields")?,
        &[],
    )
}

fn mcard(state: &AppState, args: &Args, who: Option<&str>) -> Result<Value, UsosError> {
    let fields = args.required("fields")?;
    let mut world = state.world.lock();
    let (student, shape) = world.student_and_shape(who);
    let today = now().local.date();
    let orders: Vec<Value> = student
        .orders
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "order_date": usos_date_time(o),
                "status": shape.code(o.status),
                "expiration_date": o.expiration_date.to_string(),
            })
        })
        .collect();
    let all = json!({
        "why_cannot_order": student.why_cannot_order(today),
        "planned_expiration_date": student.planned_expiration_date(today).map(|d| d.to_string()),
        "why_cannot_revoke": student.why_cannot_revoke(),
        "orders": orders,
    });
    select_fields(all, fields, &shape.missing_fields)
}

fn mcard_order(state: &AppState, args: &Args, who: Option<&str>) -> Result<Value, UsosError> {
    let order_id = args.required("order_id")?;
    let fields = args.required("fields")?;
    let mut world = state.world.lock();
    let (student, shape) = world.student_and_shape(who);
    let order = student.find(order_id).ok_or_else(not_found)?;
    let ready = order.status == crate::sim::Status::Ready;
    let all = json!({
        "id": order.id,
        "order_date": usos_date_time(order),
        "status": shape.code(order.status),
        "expiration_date": order.expiration_date.to_string(),
        "student_number": student.student_number,
        "token": ready.then_some(&order.token),
        "distribution_pass": ready.then_some(&order.distribution_pass),
    });
    select_fields(all, fields, &shape.missing_fields)
}

fn make_mcard_order(state: &AppState, who: Option<&str>) -> Result<Value, UsosError> {
    state
        .world
        .lock()
        .place_order(who, now())
        .map_err(refusal)?;
    Ok(json!({"success": true}))
}

fn revoke_mcard(state: &AppState, args: &Args, who: Option<&str>) -> Result<Value, UsosError> {
    let order_id = args.required("order_id")?;
    let mut world = state.world.lock();
    world.student_for(who).cancel(order_id).map_err(refusal)?;
    Ok(json!({"success": true}))
}

fn not_found() -> UsosError {
    UsosError::new(
        StatusCode::NOT_FOUND,
        "object_not_found",
        "This order does not exist or is not yours.",
    )
}

fn refusal(refusal: Refusal) -> UsosError {
    match refusal {
        Refusal::CannotOrder(reason) => UsosError {
            user_message: Some((
                format!("Nie możesz zamówić mLegitymacji: {}.", reason.pl),
                format!("You cannot order an mLegitymacja: {}.", reason.en),
            )),
            ..UsosError::new(
                StatusCode::BAD_REQUEST,
                "cannot_order",
                format!("You cannot order an mLegitymacja: {}.", reason.en),
            )
        },
        Refusal::NoSuchOrder => not_found(),
        Refusal::AlreadyFinal => UsosError::param_invalid(
            "order_id",
            "This order has already ended and cannot be cancelled.",
        ),
    }
}

fn usos_date_time(order: &Order) -> String {
    order.order_date.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Used by the control endpoints to describe the student.
pub fn describe(student: &Student) -> Value {
    json!({
        "profile": student.profile.name(),
        "orders_placed": student.orders_placed,
        "delays": student.delays,
        "orders": student.orders.iter().map(|o| json!({
            "id": o.id,
            "order_date": usos_date_time(o),
            "status": o.status,
            "expiration_date": o.expiration_date.to_string(),
            "token": o.token,
            "distribution_pass": o.distribution_pass,
        })).collect::<Vec<_>>(),
    })
}

/// Without `--oauth`, the student's portal session, as simple as it gets:
/// `GET /auth/login?return=/path` signs in and goes back to the path (only a
/// path on this origin), `POST /auth/logout` signs out. The gateway has the
/// same two addresses, so the standalone page works against either.
pub async fn sign_in(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    state.world.lock().signed_in = true;
    let requested = Args::parse(query.as_deref(), &[]);
    let to = requested
        .optional("return")
        .and_then(|r| {
            // An absolute URL is taken only when it points at this origin's
            // path; the stand-in has no list of allowed origins.
            let path = r.find("://").map_or(r, |i| {
                let after = &r[i + 3..];
                after.find('/').map_or("/", |slash| &after[slash..])
            });
            (path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
                .then(|| path.to_owned())
        })
        .unwrap_or_else(|| "/".to_owned());
    axum::response::Redirect::to(&to).into_response()
}

pub async fn sign_out(State(state): State<AppState>) -> Response {
    state.world.lock().signed_in = false;
    json_response(StatusCode::OK, &json!({"success": true}))
}
