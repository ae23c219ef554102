//! Turns a raw HTTP answer into typed data or an [`ApiError`]. Pure, so every
//! odd answer a real deployment gives is tested natively.

use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::types::UsosError;

/// A response as the transport received it.
#[derive(Clone, Debug, Default)]
pub struct RawResponse {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

/// Decodes a response: 2xx JSON of the expected shape is data; anything else is
/// the matching error.
pub fn decode<T: DeserializeOwned>(response: &RawResponse) -> Result<T, ApiError> {
    if !(200..300).contains(&response.status) {
        return Err(ApiError::Http {
            status: response.status,
            usos: serde_json::from_str::<UsosError>(&response.body)
                .ok()
                .map(Box::new),
            retry_after: response.retry_after.as_deref().and_then(parse_retry_after),
        });
    }
    serde_json::from_str(&response.body).map_err(|error| {
        if error.is_data() {
            ApiError::Decode(describe(&error, &response.body))
        } else {
            ApiError::NotJson {
                status: response.status,
            }
        }
    })
}

/// Where the answer differs from the contract, without quoting any value
/// from it (it may hold an activation code, and this text goes to the console):
/// the field whose value did not fit, or the missing field's name.
fn describe(error: &serde_json::Error, body: &str) -> String {
    let message = error.to_string();
    if message.starts_with("missing field") {
        let what = message.split(" at line").next().unwrap_or(&message);
        return what.to_owned();
    }
    let line = body
        .lines()
        .nth(error.line().saturating_sub(1))
        .unwrap_or("");
    let before = line.get(..error.column().min(line.len())).unwrap_or(line);
    match field_named_last(before) {
        Some(field) => format!("a value of the wrong type or form in `{field}`"),
        None => format!(
            "a value of the wrong type or form at line {} column {}",
            error.line(),
            error.column()
        ),
    }
}

/// The last `"name":` in a piece of JSON text, that is, the field whose value
/// the text stops in.
fn field_named_last(text: &str) -> Option<&str> {
    let colon = text.rfind("\":")?;
    let name = &text[..colon];
    let open = name.rfind('"')?;
    Some(&name[open + 1..])
}

/// `Retry-After` in seconds. The HTTP-date form is not used by USOS proxies and
/// is ignored (the client's own backoff applies then).
pub fn parse_retry_after(value: &str) -> Option<u32> {
    value.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Installation, Mcard, OrderDetails, Success};
    use crate::domain::dates::{Date, DateTime};
    use crate::domain::status::OrderStatus;
    use crate::i18n::Lang;

    fn ok(body: &str) -> RawResponse {
        RawResponse {
            status: 200,
            body: body.into(),
            ..Default::default()
        }
    }

    const CONTRACT_MCARD: &str = r#"{
      "why_cannot_order": null,
      "planned_expiration_date": "2025-10-31",
      "why_cannot_revoke": null,
      "orders": [
        {"id": "4211", "order_date": "2025-09-03 22:18:00", "status": "pending", "expiration_date": "2025-10-31"}
      ]
    }"#;

    #[test]
    fn decodes_the_contracts_mcard_example() {
        let mcard: Mcard = decode(&ok(CONTRACT_MCARD)).unwrap();
        assert_eq!(mcard.why_cannot_order, None);
        assert_eq!(mcard.why_cannot_revoke, None);
        assert_eq!(
            mcard.planned_expiration_date,
            Some(Date::parse("2025-10-31").unwrap())
        );
        let order = mcard.latest_order().unwrap();
        assert_eq!(order.id, "4211");
        assert_eq!(
            order.order_date,
            DateTime::parse("2025-09-03 22:18:00").unwrap()
        );
        assert_eq!(order.status, OrderStatus::Pending);
        assert_eq!(order.expiration_date, Date::parse("2025-10-31").unwrap());
    }

    #[test]
    fn decodes_a_reason_not_to_order() {
        let mcard: Mcard = decode(&ok(r#"{"why_cannot_order": {"pl": "brak zdjęcia", "en": "no photo"},
            "planned_expiration_date": null, "why_cannot_revoke": {"pl": "", "en": "nothing to cancel"}, "orders": []}"#))
        .unwrap();
        let why = mcard.why_cannot_order.clone().unwrap();
        assert_eq!(why.get(Lang::Pl), "brak zdjęcia");
        assert_eq!(why.get(Lang::En), "no photo");
        assert_eq!(
            mcard.why_cannot_revoke.as_ref().unwrap().get(Lang::Pl),
            "nothing to cancel"
        );
        assert!(mcard.latest_order().is_none());
    }

    #[test]
    fn decodes_every_field_of_an_order() {
        let order: OrderDetails = decode(&ok(r#"{"id": "7", "order_date": "2025-09-15 14:51:06",
            "status": "ready", "expiration_date": "2025-10-31", "student_number": "123456",
            "token": "a9b3cf041004428da07000dee3bf506c", "distribution_pass": "z8e+6Ys$"}"#))
        .unwrap();
        assert_eq!(order.status, OrderStatus::Ready);
        assert_eq!(
            order.token.as_deref(),
            Some("a9b3cf041004428da07000dee3bf506c")
        );
        assert_eq!(order.distribution_pass.as_deref(), Some("z8e+6Ys$"));
        let installation: Installation = decode(&ok(r#"{"mcards_support": false}"#)).unwrap();
        assert!(!installation.mcards_support);
        let done: Success = decode(&ok(r#"{"success": true}"#)).unwrap();
        assert!(done.success);
    }

    #[test]
    fn optional_fields_may_be_missing() {
        let mcard: Mcard = decode(&ok(r#"{"why_cannot_order": null, "orders": []}"#)).unwrap();
        assert_eq!(mcard.planned_expiration_date, None);
        assert_eq!(mcard.why_cannot_revoke, None);
    }

    #[test]
    fn user_messages_are_read_and_kept_apart() {
        let error = decode::<Mcard>(&RawResponse {
            status: 400,
            retry_after: None,
            body: r#"{"message": "x", "error": "cannot_order", "reason": "no_photo",
                "user_messages": {"generic_message": {"pl": "Brak zdjęcia.", "en": ""}}}"#
                .into(),
        })
        .unwrap_err();
        assert_eq!(
            error.usos_message(Lang::Pl).as_deref(),
            Some("Brak zdjęcia.")
        );
        assert_eq!(
            error.usos_message(Lang::En).as_deref(),
            Some("Brak zdjęcia.")
        );
        assert!(error.to_string().contains("reason=no_photo"));
        let plain = decode::<Mcard>(&RawResponse {
            status: 503,
            retry_after: None,
            body: r#"{"message": "x", "error": "internal_error"}"#.into(),
        })
        .unwrap_err();
        assert_eq!(plain.usos_message(Lang::Pl), None);
    }

    #[test]
    fn a_missing_field_is_an_error_even_when_nullable() {
        for body in [
            r#"{"planned_expiration_date": null, "why_cannot_revoke": null, "orders": []}"#,
            r#"{"why_cannot_order": null, "planned_expiration_date": null, "why_cannot_revoke": null}"#,
            r#"{"why_cannot_order": null, "planned_expiration_date": null, "why_cannot_revoke": null,
                "orders": [{"id": "1", "order_date": "2025-09-03 22:18:00", "expiration_date": "2025-10-31"}]}"#,
        ] {
            assert!(
                matches!(decode::<Mcard>(&ok(body)), Err(ApiError::Decode(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn wrong_types_and_bad_dates_are_decode_errors() {
        for body in [
            r#"{"why_cannot_order": "no", "planned_expiration_date": null, "why_cannot_revoke": null, "orders": []}"#,
            r#"{"why_cannot_order": null, "planned_expiration_date": "31.10.2025", "why_cannot_revoke": null, "orders": []}"#,
            r#"{"why_cannot_order": null, "planned_expiration_date": null, "why_cannot_revoke": null, "orders": {}}"#,
            r#"[]"#,
            r#"null"#,
        ] {
            assert!(
                matches!(decode::<Mcard>(&ok(body)), Err(ApiError::Decode(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn decode_errors_say_where_but_never_quote_the_value() {
        let secret = "z8e+6Ys$";
        let body = format!(
            r#"{{"id": "7", "order_date": "2025-09-15 14:51:06", "status": "ready", "expiration_date": "2025-10-31",
            "token": 5, "distribution_pass": ["{secret}"]}}"#
        );
        let Err(ApiError::Decode(message)) = decode::<OrderDetails>(&ok(&body)) else {
            panic!("expected a decode error");
        };
        assert!(!message.contains(secret), "{message}");
        assert!(
            message.contains("token") || message.contains("distribution_pass"),
            "{message}"
        );
        let Err(ApiError::Decode(message)) = decode::<Mcard>(&ok(r#"{"why_cannot_order": null}"#))
        else {
            panic!("expected a decode error");
        };
        assert!(message.contains("missing field"), "{message}");
    }

    #[test]
    fn an_unknown_status_and_extra_fields_are_kept_calm() {
        let mcard: Mcard = decode(&ok(r#"{"why_cannot_order": null, "planned_expiration_date": "2026-03-31",
            "why_cannot_revoke": null, "extra": 1, "orders": [{"id": "1", "order_date": "2025-09-03 22:18:00",
            "status": "on_hold", "expiration_date": "2025-10-31", "note": "x"}]}"#))
        .unwrap();
        assert_eq!(
            mcard.orders[0].status,
            OrderStatus::Unknown("on_hold".into())
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_never_data() {
        for body in [
            "",
            "<!DOCTYPE html><html><body>Zaloguj się</body></html>",
            r#"{"why_cannot_order": null, "planned_exp"#,
        ] {
            assert_eq!(
                decode::<Mcard>(&ok(body)),
                Err(ApiError::NotJson { status: 200 }),
                "{body}"
            );
        }
    }

    #[test]
    fn an_html_503_is_an_http_error_without_a_usos_body() {
        let response = RawResponse {
            status: 503,
            retry_after: Some("120".into()),
            body: "<html><h1>Przerwa techniczna</h1></html>".into(),
        };
        assert_eq!(
            decode::<Mcard>(&response),
            Err(ApiError::Http {
                status: 503,
                usos: None,
                retry_after: Some(120)
            })
        );
    }

    #[test]
    fn a_usos_error_body_is_read() {
        let response = RawResponse {
            status: 400,
            retry_after: None,
            body: r#"{"message": "Unknown field: foo", "error": "param_invalid", "param_name": "fields"}"#.into(),
        };
        let Err(ApiError::Http {
            status,
            usos: Some(usos),
            ..
        }) = decode::<Mcard>(&response)
        else {
            panic!("expected a USOS error");
        };
        assert_eq!(status, 400);
        assert_eq!(usos.error, "param_invalid");
        assert_eq!(usos.param_name.as_deref(), Some("fields"));
        assert_eq!(usos.message, "Unknown field: foo");
    }

    #[test]
    fn lang_dict_falls_back_to_the_other_language() {
        let d: crate::api::types::LangDict =
            serde_json::from_str(r#"{"pl": "", "en": "no photo"}"#).unwrap();
        assert_eq!(d.get(Lang::Pl), "no photo");
        let d: crate::api::types::LangDict =
            serde_json::from_str(r#"{"pl": "brak zdjęcia"}"#).unwrap();
        assert_eq!(d.get(Lang::En), "brak zdjęcia");
        assert_eq!(d.get(Lang::Uk), "brak zdjęcia");
        let d: crate::api::types::LangDict =
            serde_json::from_str(r#"{"pl": "brak zdjęcia", "en": "no photo"}"#).unwrap();
        assert_eq!(d.get(Lang::Uk), "no photo");
    }
}
