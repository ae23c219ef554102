//! Property tests: whatever bytes USOS (or a proxy, or the network) sends, and
//! whatever state the widget is in, nothing panics and the result is typed.
//!
//! Each property runs `PROPTEST_CASES` cases (default below; at least 100 000
//! in all). For a longer run: `PROPTEST_CASES=2000000 cargo test --test robustness`.

use mlegitymacja::api::decode::{decode, RawResponse};
use mlegitymacja::api::types::{Installation, Mcard, OrderDetails, Success};
use mlegitymacja::api::ApiError;
use mlegitymacja::domain::dates::{Date, DateTime};
use mlegitymacja::domain::overview::Overview;
use mlegitymacja::domain::polling::{
    next_poll_ms, PollInput, HIDDEN_INTERVAL_MS, MAX_RETRY_MS, PATIENT_INTERVAL_MS,
    WORKING_INTERVAL_MS,
};
use mlegitymacja::domain::status::{OrderStatus, STATUS_CODES};
use mlegitymacja::i18n::Lang;
use proptest::prelude::*;

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(cases)
}

const VALID_MCARD: &str = r#"{"why_cannot_order": null, "planned_expiration_date": "2025-10-31",
 "why_cannot_revoke": null, "orders": [{"id": "4211", "order_date": "2025-09-03 22:18:00",
 "status": "pending", "expiration_date": "2025-10-31"}]}"#;

const VALID_ORDER: &str = r#"{"id": "7", "order_date": "2025-09-15 14:51:06", "status": "ready",
 "expiration_date": "2025-10-31", "student_number": "123456",
 "token": "a9b3cf041004428da07000dee3bf506c", "distribution_pass": "z8e+6Ys$"}"#;

/// A valid answer with a few bytes changed, dropped or cut: the nastier and
/// likelier cousin of random bytes.
fn mutated(valid: &'static str) -> impl Strategy<Value = String> {
    (
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(move |(edits, cut, truncate)| {
            let mut bytes = valid.as_bytes().to_vec();
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
}

fn check_all_decoders(status: u16, body: String) {
    let response = RawResponse {
        status,
        retry_after: None,
        body,
    };
    let ok = (200..300).contains(&status);
    for result in [
        decode::<Mcard>(&response).map(|_| ()),
        decode::<OrderDetails>(&response).map(|_| ()),
        decode::<Installation>(&response).map(|_| ()),
        decode::<Success>(&response).map(|_| ()),
    ] {
        match result {
            Ok(()) => assert!(ok, "data from a {status}"),
            Err(ApiError::Http { status: s, .. }) => assert!(!ok && s == status),
            Err(ApiError::NotJson { .. } | ApiError::Decode(_)) => assert!(ok),
            Err(other) => panic!("decode cannot produce {other:?}"),
        }
    }
}

proptest! {
    #![proptest_config(cases(30_000))]

    #[test]
    fn any_bytes_decode_to_a_typed_result(status in 100u16..600, body in any::<Vec<u8>>()) {
        check_all_decoders(status, String::from_utf8_lossy(&body).into_owned());
    }

    #[test]
    fn any_mangled_mcard_decodes_to_a_typed_result(status in prop::sample::select(vec![200u16, 400, 503]), body in mutated(VALID_MCARD)) {
        check_all_decoders(status, body);
    }

    #[test]
    fn any_mangled_order_decodes_to_a_typed_result(body in mutated(VALID_ORDER)) {
        check_all_decoders(200, body.clone());
        // A decoded order is rendered: that must not panic either.
        if let Ok(order) = decode::<OrderDetails>(&RawResponse { status: 200, retry_after: None, body }) {
            for lang in Lang::ALL {
                let _ = (order.status.label(lang), order.order_date.format(lang), order.expiration_date.format(lang));
            }
        }
    }

    #[test]
    fn polling_never_runs_away(
        status in prop::option::of(prop_oneof![
            prop::sample::select(STATUS_CODES.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>()),
            ".{0,12}".prop_map(|code| OrderStatus::from_code(&code)),
        ]),
        failures in any::<u32>(),
        retry_after_s in prop::option::of(0u32..100_000),
        visible in any::<bool>(),
        online in any::<bool>(),
        jitter_permille in any::<u32>(),
        order_age_s in prop::option::of(any::<u64>()),
        push_on in any::<bool>(),
    ) {
        let input = PollInput { status: status.clone(), failures, retry_after_s, visible, online, jitter_permille, interval_override_ms: None, order_age_s, push_on };
        let next = next_poll_ms(&input);
        let asked = retry_after_s.map_or(0, |s| s.saturating_mul(1000));
        if !online {
            prop_assert_eq!(next, None);
        } else if !visible {
            let on_its_way = matches!(status, Some(OrderStatus::Pending | OrderStatus::InProgress));
            prop_assert_eq!(next.is_some(), on_its_way && failures == 0 && !push_on);
            if let Some(ms) = next {
                prop_assert!(ms >= HIDDEN_INTERVAL_MS && ms <= PATIENT_INTERVAL_MS.max(asked));
            }
        } else if failures > 0 {
            let ms = next.unwrap();
            prop_assert!(ms >= 1_000 && ms <= MAX_RETRY_MS.max(asked));
        } else {
            prop_assert_eq!(next.is_some(), status.is_some_and(|s| s.is_awaiting()));
            if let Some(ms) = next {
                // Never more often than every 5 s, never rarer than a minute
                // unless the server asked.
                prop_assert!(ms >= WORKING_INTERVAL_MS && ms <= PATIENT_INTERVAL_MS.max(asked));
            }
        }
    }

    #[test]
    fn status_codes_round_trip_and_dates_never_panic(code in ".{0,20}", text in ".{0,25}") {
        let status = OrderStatus::from_code(&code);
        prop_assert_eq!(status.code(), code.as_str());
        for lang in Lang::ALL {
            prop_assert!(!status.label(lang).is_empty() || code.is_empty());
        }
        let _ = (Date::parse(&text), DateTime::parse(&text));
    }
}

#[test]
fn an_overview_of_any_decoded_mcard_is_consistent() {
    let mcard: Mcard = decode(&RawResponse {
        status: 200,
        retry_after: None,
        body: VALID_MCARD.into(),
    })
    .unwrap();
    let overview = Overview::of(&mcard);
    assert!(
        !overview.offers_order_button(),
        "a pending order hides the button"
    );
}
