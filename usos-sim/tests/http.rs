//! The stand-in over HTTP, as the widget and the end-to-end tests meet it.

use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use usos_sim::profiles::Profile;
use usos_sim::server::{router, ServerOptions};
use usos_sim::sim::Delays;
use usos_sim::world::SharedWorld;

fn app_with(profile: Profile, delays: Delays, control: bool) -> Router {
    let world = SharedWorld::new(profile, delays, true, Vec::new());
    router(
        world,
        &ServerOptions {
            dist: PathBuf::from("/nonexistent"),
            control,
            csp: true,
            oauth: None,
        },
    )
}

fn app(profile: Profile) -> Router {
    app_with(
        profile,
        Delays {
            pending_ms: 60_000,
            processing_ms: 60_000,
        },
        true,
    )
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body, content_type)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, body, content_type) =
        send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(content_type, "application/json; charset=utf-8", "{uri}");
    (status, body)
}

async fn post_form(app: &Router, uri: &str, form: &str) -> (StatusCode, Value) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    let (status, body, _) = send(app, request).await;
    (status, body)
}

async fn post_json(app: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, body, _) = send(app, request).await;
    (status, body)
}

const MCARD_ALL: &str =
    "/services/cards/mcard?fields=why_cannot_order|planned_expiration_date|why_cannot_revoke|orders";
const ORDER_FIELDS: &str =
    "id|order_date|status|expiration_date|student_number|token|distribution_pass";

#[tokio::test]
async fn installation_reports_mcards_support() {
    let app = app(Profile::Eligible);
    let (status, body) = get(&app, "/services/apisrv/installation?fields=mcards_support").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"mcards_support": true}));
    post_json(&app, "/_sim/reset", json!({"mcards_support": false})).await;
    let (_, body) = get(&app, "/services/apisrv/installation?fields=mcards_support").await;
    assert_eq!(body, json!({"mcards_support": false}));
}

#[tokio::test]
async fn mcard_of_an_eligible_student() {
    let app = app(Profile::Eligible);
    let (status, body) = get(&app, MCARD_ALL).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["why_cannot_order"], Value::Null);
    assert!(body["planned_expiration_date"]
        .as_str()
        .unwrap()
        .ends_with("-31"));
    assert_eq!(
        body["why_cannot_revoke"]["en"],
        "you have no order or mLegitymacja that can be cancelled"
    );
    assert_eq!(body["orders"], json!([]));
}

#[tokio::test]
async fn fields_selects_exactly_what_is_asked() {
    let app = app(Profile::NoPhoto);
    let (_, body) = get(&app, "/services/cards/mcard?fields=why_cannot_order").await;
    assert_eq!(
        body,
        json!({"why_cannot_order": {"pl": "brak zdjęcia", "en": "no photo"}})
    );
    let (status, body) = get(
        &app,
        "/services/cards/mcard?fields=why_cannot_order%7Cnonsense",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "param_invalid");
    assert_eq!(body["param_name"], "fields");
    assert!(body["message"].as_str().unwrap().contains("nonsense"));
    let (status, body) = get(&app, "/services/cards/mcard").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "param_missing");
    assert_eq!(body["param_name"], "fields");
}

#[tokio::test]
async fn every_profile_that_cannot_order_says_why_and_is_refused() {
    for profile in Profile::ALL {
        let app = app(profile);
        let (_, body) = get(&app, MCARD_ALL).await;
        match profile.reason_cannot_order() {
            Some(reason) => {
                assert_eq!(body["why_cannot_order"]["pl"], reason.pl, "{profile:?}");
                assert_eq!(body["planned_expiration_date"], Value::Null);
                let (status, body) = post_form(&app, "/services/cards/make_mcard_order", "").await;
                assert_eq!(status, StatusCode::BAD_REQUEST);
                assert_eq!(body["error"], "cannot_order");
            }
            None => assert_eq!(body["why_cannot_order"], Value::Null, "{profile:?}"),
        }
    }
}

#[tokio::test]
async fn an_order_is_placed_listed_and_counted() {
    let app = app(Profile::Eligible);
    let (status, body) = post_form(&app, "/services/cards/make_mcard_order", "").await;
    assert_eq!((status, body), (StatusCode::OK, json!({"success": true})));
    let (_, body) = get(&app, MCARD_ALL).await;
    let order = &body["orders"][0];
    assert_eq!(order["status"], "pending");
    assert_eq!(
        order.as_object().unwrap().len(),
        4,
        "id, order_date, status, expiration_date"
    );
    assert!(order["order_date"].as_str().unwrap().len() == 19);
    assert_eq!(
        body["why_cannot_order"]["en"],
        "you already have an order in progress"
    );
    assert_eq!(body["why_cannot_revoke"], Value::Null);
    // A second order is refused while the first is open.
    let (status, _) = post_form(&app, "/services/cards/make_mcard_order", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, state) = get(&app, "/_sim/state").await;
    assert_eq!(state["orders_placed"], 1);
}

#[tokio::test]
async fn state_changing_methods_need_post() {
    let app = app(Profile::Eligible);
    let (status, body) = get(&app, "/services/cards/make_mcard_order").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"], "method_not_allowed");
    let (_, state) = get(&app, "/_sim/state").await;
    assert_eq!(state["orders_placed"], 0);
    let (status, body) = get(&app, "/services/cards/nope?fields=x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "method_not_found");
}

#[tokio::test]
async fn the_ministry_processes_an_order_and_mobywatel_activates_it() {
    let app = app_with(
        Profile::Eligible,
        Delays {
            pending_ms: 150,
            processing_ms: 150,
        },
        true,
    );
    post_form(&app, "/services/cards/make_mcard_order", "").await;
    let (_, body) = get(&app, MCARD_ALL).await;
    let id = body["orders"][0]["id"].as_str().unwrap().to_owned();
    let order_uri = format!("/services/cards/mcard_order?order_id={id}&fields={ORDER_FIELDS}");

    let (_, order) = get(&app, &order_uri).await;
    assert_eq!(order["status"], "pending");
    assert_eq!(order["token"], Value::Null);
    assert_eq!(order["distribution_pass"], Value::Null);
    assert_eq!(order["student_number"], "123456");

    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, order) = get(&app, &order_uri).await;
    assert_eq!(order["status"], "in_progress");

    tokio::time::sleep(Duration::from_millis(150)).await;
    let (_, order) = get(&app, &order_uri).await;
    assert_eq!(order["status"], "ready");
    let token = order["token"].as_str().unwrap().to_owned();
    let pass = order["distribution_pass"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 32);
    assert_eq!(pass.chars().count(), 8);

    let (status, body) = post_json(
        &app,
        "/_sim/activate",
        json!({"token": token, "distribution_pass": "zzzzzzzz"}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("wrong_code"))
    );
    let (status, body) = post_json(
        &app,
        "/_sim/activate",
        json!({"token": "0".repeat(32), "distribution_pass": pass}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unknown_token"))
    );
    let (status, _) = post_json(
        &app,
        "/_sim/activate",
        json!({"token": token, "distribution_pass": pass}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, order) = get(&app, &order_uri).await;
    assert_eq!(order["status"], "received");
    assert_eq!(
        order["token"],
        Value::Null,
        "the codes are shown only while ready"
    );
}

#[tokio::test]
async fn mcard_order_errors() {
    let app = app(Profile::Eligible);
    let (status, body) = get(
        &app,
        &format!("/services/cards/mcard_order?order_id=999&fields={ORDER_FIELDS}"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("object_not_found"))
    );
    let (status, body) = get(&app, "/services/cards/mcard_order?fields=id").await;
    assert_eq!(
        (status, body["param_name"].as_str()),
        (StatusCode::BAD_REQUEST, Some("order_id"))
    );
}

#[tokio::test]
async fn revoke_cancels_open_orders_once() {
    let app = app(Profile::Eligible);
    post_form(&app, "/services/cards/make_mcard_order", "").await;
    let (_, body) = get(&app, MCARD_ALL).await;
    let id = body["orders"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = post_form(
        &app,
        "/services/cards/revoke_mcard",
        &format!("order_id={id}"),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"success": true})));
    let (_, body) = get(&app, MCARD_ALL).await;
    assert_eq!(body["orders"][0]["status"], "cancelled");
    assert_eq!(body["why_cannot_order"], Value::Null, "may order again");
    let (status, body) = post_form(
        &app,
        "/services/cards/revoke_mcard",
        &format!("order_id={id}"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("param_invalid"))
    );
    let (status, body) = post_form(&app, "/services/cards/revoke_mcard", "order_id=31337").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("object_not_found"))
    );
    let (status, body) = post_form(&app, "/services/cards/revoke_mcard", "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("param_missing"))
    );
}

#[tokio::test]
async fn expiring_card_allows_the_next_order_and_the_university_can_revoke() {
    let app = app(Profile::Expiring);
    let (_, body) = get(&app, MCARD_ALL).await;
    assert_eq!(body["orders"][0]["status"], "received");
    assert_eq!(body["why_cannot_order"], Value::Null);
    assert!(body["planned_expiration_date"].is_string());
    let (status, _) = post_json(&app, "/_sim/university-revoke", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = get(&app, MCARD_ALL).await;
    assert_eq!(body["orders"][0]["status"], "revoked");
}

#[tokio::test]
async fn reset_switches_the_student_and_rejects_unknown_profiles() {
    let app = app(Profile::Eligible);
    let (status, body) = post_json(&app, "/_sim/reset", json!({"profile": "revoked"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["profile"], "revoked");
    let (_, body) = get(&app, MCARD_ALL).await;
    assert_eq!(body["orders"][0]["status"], "revoked");
    assert_eq!(
        body["why_cannot_order"]["pl"],
        "brak aktywnego statusu studenta"
    );
    let (status, body) = post_json(&app, "/_sim/reset", json!({"profile": "nobody"})).await;
    assert_eq!(
        (status, body["param_name"].as_str()),
        (StatusCode::BAD_REQUEST, Some("profile"))
    );
    let (status, _) = post_json(&app, "/_sim/reset", json!({"bogus": 1})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, list) = get(&app, "/_sim/profiles").await;
    assert_eq!(list.as_array().unwrap().len(), Profile::ALL.len());
}

#[tokio::test]
async fn controls_are_off_unless_asked_for() {
    let app = app_with(Profile::Eligible, Delays::default(), false);
    let (status, body) = get(&app, "/_sim/state").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("control_disabled"))
    );
    let (status, _) = post_json(
        &app,
        "/_sim/activate",
        json!({"token": "x", "distribution_pass": "y"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_answer_carries_the_strict_csp_and_api_answers_are_not_cached() {
    let app = app(Profile::Eligible);
    let response = app
        .clone()
        .oneshot(
            Request::get("/services/apisrv/installation?fields=mcards_support")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(csp.contains("style-src 'self';"));
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn the_demo_host_page_embeds_the_widget() {
    let app = app(Profile::Eligible);
    let response = app
        .clone()
        .oneshot(
            Request::get("/demo/usosweb.html?lang=en")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8(body.to_vec()).unwrap();
    assert!(page.contains(r#"data-mlegitymacja data-api-base="/" data-lang="en""#));
    assert!(page.contains("/demo/usosweb.css"));
    let css = app
        .clone()
        .oneshot(
            Request::get("/demo/usosweb.css")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        css.headers()[header::CONTENT_TYPE],
        "text/css; charset=utf-8"
    );
}

async fn raw(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Result<String, String>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
        .map_err(|e| e.to_string());
    (parts.status, parts.headers, body)
}

#[tokio::test]
async fn faults_answer_instead_of_the_method() {
    let app = app(Profile::Eligible);
    let (status, body) = post_json(
        &app,
        "/_sim/faults",
        json!({"faults": ["cards/mcard:status=401", "all:busy=7"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["faults"],
        json!(["cards/mcard:status=401", "all:busy=7"])
    );
    let (status, body) = get(&app, MCARD_ALL).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (status, headers, _) = raw(
        &app,
        Request::get("/services/apisrv/installation?fields=mcards_support")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers[header::RETRY_AFTER], "7");
    post_json(&app, "/_sim/faults", json!({"faults": ["all:maintenance"]})).await;
    let (status, headers, body) =
        raw(&app, Request::get(MCARD_ALL).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(body.unwrap().contains("Przerwa techniczna"));
    // Controls are never faulty; clearing restores the API.
    post_json(&app, "/_sim/faults", json!({"faults": []})).await;
    let (status, _) = get(&app, MCARD_ALL).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = post_json(&app, "/_sim/faults", json!({"faults": ["all:explode"]})).await;
    assert_eq!(
        (status, body["param_name"].as_str()),
        (StatusCode::BAD_REQUEST, Some("faults"))
    );
}

#[tokio::test]
async fn a_lost_response_still_places_the_order_and_a_drop_does_not() {
    let app = app(Profile::Eligible);
    post_json(
        &app,
        "/_sim/faults",
        json!({"faults": ["cards/make_mcard_order:drop"]}),
    )
    .await;
    let order = || {
        Request::post("/services/cards/make_mcard_order")
            .body(Body::empty())
            .unwrap()
    };
    let (_, _, body) = raw(&app, order()).await;
    assert!(body.is_err(), "the connection breaks");
    let (_, state) = get(&app, "/_sim/state").await;
    assert_eq!(state["orders_placed"], 0);
    post_json(
        &app,
        "/_sim/faults",
        json!({"faults": ["cards/make_mcard_order:lose-response"]}),
    )
    .await;
    let (_, _, body) = raw(&app, order()).await;
    assert!(body.is_err(), "the answer is lost");
    let (_, state) = get(&app, "/_sim/state").await;
    assert_eq!(state["orders_placed"], 1);
}

#[tokio::test]
async fn bodies_are_corrupted_on_request() {
    let app = app(Profile::NoPhoto);
    post_json(
        &app,
        "/_sim/faults",
        json!({"faults": ["cards/mcard:not-json"]}),
    )
    .await;
    let (status, headers, body) =
        raw(&app, Request::get(MCARD_ALL).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(body.unwrap().contains("<form"));
    post_json(
        &app,
        "/_sim/faults",
        json!({"faults": ["cards/mcard:missing-fields/2"]}),
    )
    .await;
    let (_, first) = get(&app, MCARD_ALL).await;
    let (_, second) = get(&app, MCARD_ALL).await;
    assert_eq!(first.as_object().unwrap().len(), 4);
    assert_eq!(
        second.as_object().unwrap().len(),
        3,
        "every second request misses a field"
    );
}

#[tokio::test]
async fn reset_clears_faults_and_can_set_a_hostile_reason() {
    let app = app(Profile::Eligible);
    post_json(&app, "/_sim/faults", json!({"faults": ["all:status=500"]})).await;
    let hostile = "<img src=x onerror=alert(1)>";
    let (status, state) = post_json(
        &app,
        "/_sim/reset",
        json!({"why_cannot_order": {"pl": hostile, "en": hostile}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state["faults"], json!([]));
    let (_, body) = get(&app, MCARD_ALL).await;
    assert_eq!(body["why_cannot_order"]["pl"], hostile);
}

#[tokio::test]
async fn every_code_handed_out_is_listed_even_after_a_reset() {
    let app = app(Profile::Eligible);
    post_form(&app, "/services/cards/make_mcard_order", "").await;
    let (_, state) = get(&app, "/_sim/state").await;
    let token = state["orders"][0]["token"].as_str().unwrap().to_owned();
    let code = state["orders"][0]["distribution_pass"]
        .as_str()
        .unwrap()
        .to_owned();
    post_json(&app, "/_sim/reset", json!({"profile": "eligible"})).await;
    post_form(&app, "/services/cards/make_mcard_order", "").await;
    let (status, body) = get(&app, "/_sim/issued").await;
    assert_eq!(status, StatusCode::OK);
    let issued = body["issued"].as_array().unwrap();
    assert_eq!(issued.len(), 4, "two orders, a token and a code each");
    for value in [token, code] {
        assert!(issued.iter().any(|i| i["value"] == value.as_str()));
    }
    assert!(issued.iter().any(|i| i["kind"] == "activation code"));
}

/// The stand-in in OAuth mode with its controls, every token a student of
/// its own.
fn many_students_app() -> Router {
    let world = SharedWorld::new(
        Profile::Eligible,
        Delays {
            pending_ms: 60_000,
            processing_ms: 60_000,
        },
        true,
        Vec::new(),
    );
    router(
        world,
        &ServerOptions {
            dist: PathBuf::from("/nonexistent"),
            control: true,
            csp: true,
            oauth: Some(usos_sim::oauth::Consumer::parse("key:secret").unwrap()),
        },
    )
}

#[tokio::test]
async fn many_students_each_have_their_own_order() {
    let app = many_students_app();
    let (status, made) = post_json(
        &app,
        "/_sim/students",
        json!({"count": 2, "ready_within_ms": 3_600_000}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let students = made["students"].as_array().unwrap();
    assert_eq!(students.len(), 2);
    let (a, b) = (&students[0], &students[1]);
    assert_ne!(a["token"], b["token"]);
    // The ministry answers one student's order; the other's stays on its way.
    let (status, answered) = post_json(
        &app,
        "/_sim/ministry-answers",
        json!({"student": a["token"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answered["order_id"], a["order_id"]);
    let (status, _) = post_json(
        &app,
        "/_sim/ministry-answers",
        json!({"student": a["token"]}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "nothing left under way for a"
    );
    let (status, answered) = post_json(
        &app,
        "/_sim/ministry-answers",
        json!({"student": b["token"], "outcome": "error"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answered["order_id"], b["order_id"]);
    // The one student of the single-student world ordered nothing.
    let (status, _) = post_json(&app, "/_sim/ministry-answers", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, issued) = get(&app, "/_sim/issued").await;
    let tokens = issued["issued"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "access token")
        .count();
    assert_eq!(tokens, 2);
}

#[tokio::test]
async fn students_who_have_not_ordered_yet_and_the_orders_timeline() {
    let app = many_students_app();
    let (status, made) = post_json(
        &app,
        "/_sim/students",
        json!({"count": 3, "ordered": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let students = made["students"].as_array().unwrap();
    assert_eq!(students.len(), 3);
    assert!(students
        .iter()
        .all(|s| s["token"].is_string() && s["order_id"].is_null()));
    let (status, listed) = get(&app, "/_sim/orders").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["orders"], json!([]), "nobody has ordered yet");

    // Students who did order: each order's moments, in order, and its outcome.
    let (_, made) = post_json(
        &app,
        "/_sim/students",
        json!({"count": 2, "ready_within_ms": 600_000, "errors_percent": 100}),
    )
    .await;
    let (_, listed) = get(&app, "/_sim/orders").await;
    let orders = listed["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    for student in made["students"].as_array().unwrap() {
        let order = orders
            .iter()
            .find(|o| o["order_id"] == student["order_id"])
            .expect("every order listed");
        let at = |name: &str| order[name].as_u64().unwrap();
        assert!(at("placed_at_ms") <= at("passed_on_at_ms"));
        assert!(at("passed_on_at_ms") <= at("answered_at_ms"));
        let ready_at = student["ready_at_ms"].as_u64().unwrap();
        assert!(
            at("answered_at_ms").abs_diff(ready_at) <= 50,
            "{order} against {ready_at}"
        );
        assert_eq!(order["outcome"], "error");
    }
}
