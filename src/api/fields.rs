//! Which fields the widget asks for. Some are needed: without them the
//! widget cannot say anything true. Others it would like: USOS may not know
//! them (public documentation does not confirm them), and asking for a field
//! a method does not have is an error, so the widget asks once more without
//! them and shows what it can.

use super::error::ApiError;

pub use mcard_common::fields::FieldSet;

/// Whether USOS refused the request because of a field it does not know:
/// `field_not_found`, or `param_invalid`/`param_forbidden` naming `fields`,
/// whatever its message says about which field.
pub fn refuses_a_field(error: &ApiError) -> bool {
    let ApiError::Http {
        status,
        usos: Some(usos),
        ..
    } = error
    else {
        return false;
    };
    (400..500).contains(status)
        && (usos.error == "field_not_found"
            || (matches!(usos.error.as_str(), "param_invalid" | "param_forbidden")
                && usos.param_name.as_deref() == Some("fields")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::UsosError;

    fn refusal(status: u16, code: &str, param: Option<&str>) -> ApiError {
        ApiError::Http {
            status,
            usos: Some(Box::new(UsosError {
                error: code.into(),
                param_name: param.map(str::to_owned),
                ..Default::default()
            })),
            retry_after: None,
        }
    }

    #[test]
    fn knows_a_refused_field_from_other_errors() {
        assert!(refuses_a_field(&refusal(400, "field_not_found", None)));
        assert!(refuses_a_field(&refusal(
            400,
            "param_invalid",
            Some("fields")
        )));
        assert!(refuses_a_field(&refusal(
            400,
            "param_forbidden",
            Some("fields")
        )));
        assert!(!refuses_a_field(&refusal(
            400,
            "param_invalid",
            Some("order_id")
        )));
        assert!(!refuses_a_field(&refusal(400, "cannot_order", None)));
        assert!(!refuses_a_field(&refusal(500, "field_not_found", None)));
        assert!(!refuses_a_field(&ApiError::Timeout));
    }
}
