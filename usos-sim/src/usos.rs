//! The USOS API conventions the stand-in follows: arguments from the query or a
//! form body, `fields` selection, JSON answers and errors in USOS's shape.

use std::collections::HashMap;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// A request's arguments: the query string, then the form body.
#[derive(Clone, Debug, Default)]
pub struct Args(HashMap<String, String>);

impl Args {
    /// Reads `name=value` pairs from the query and from a form-encoded body.
    pub fn parse(query: Option<&str>, form_body: &[u8]) -> Args {
        let mut args = HashMap::new();
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .chain(form_urlencoded::parse(form_body))
        {
            args.insert(name.into_owned(), value.into_owned());
        }
        Args(args)
    }

    /// An argument that may be left out.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A required argument; `param_missing` when absent or empty.
    pub fn required(&self, name: &str) -> Result<&str, UsosError> {
        match self.0.get(name).map(String::as_str) {
            Some(value) if !value.is_empty() => Ok(value),
            _ => Err(UsosError::param_missing(name)),
        }
    }
}

/// An error answer in USOS's shape: `{"message", "error", ...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct UsosError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub param_name: Option<String>,
    /// What the student should read, (pl, en): sent as `user_messages` by an
    /// installation started with `--user-messages`.
    pub user_message: Option<(String, String)>,
}

impl UsosError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> UsosError {
        UsosError {
            status,
            code,
            message: message.into(),
            param_name: None,
            user_message: None,
        }
    }

    pub fn param_missing(name: &str) -> UsosError {
        UsosError {
            param_name: Some(name.to_owned()),
            ..UsosError::new(
                StatusCode::BAD_REQUEST,
                "param_missing",
                format!("Required parameter {name} is missing."),
            )
        }
    }

    /// The same error with `user_messages` filled in: its own text, else a
    /// plain one for its kind.
    pub fn for_the_student(mut self) -> UsosError {
        if self.user_message.is_none() {
            let (pl, en) = match (self.code, self.status.as_u16()) {
                ("unauthorized", _) => (
                    "Twoja sesja w USOS wygasła. Zaloguj się ponownie.",
                    "Your USOS session has expired. Please sign in again.",
                ),
                ("object_not_found", _) => (
                    "Nie znaleziono tego zamówienia.",
                    "This order was not found.",
                ),
                ("too_many_requests", _) => (
                    "Zbyt wiele zapytań. Spróbuj ponownie za chwilę.",
                    "Too many requests. Please try again in a moment.",
                ),
                (_, 500..=599) => (
                    "USOS ma chwilowe problemy. Spróbuj ponownie za kilka minut.",
                    "USOS is having temporary problems. Please try again in a few minutes.",
                ),
                _ => (
                    "USOS nie może wykonać tego żądania.",
                    "USOS cannot carry out this request.",
                ),
            };
            self.user_message = Some((pl.to_owned(), en.to_owned()));
        }
        self
    }

    pub fn param_invalid(name: &str, message: impl Into<String>) -> UsosError {
        UsosError {
            param_name: Some(name.to_owned()),
            ..UsosError::new(StatusCode::BAD_REQUEST, "param_invalid", message)
        }
    }
}

impl IntoResponse for UsosError {
    fn into_response(self) -> Response {
        let mut body = json!({"message": self.message, "error": self.code});
        if let Some(name) = self.param_name {
            body["param_name"] = Value::String(name);
        }
        if let Some((pl, en)) = self.user_message {
            body["user_messages"] = json!({"generic_message": {"pl": pl, "en": en}});
        }
        json_response(self.status, &body)
    }
}

/// A JSON answer with the content type USOS sends.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// Keeps exactly the fields asked for in `fields` (pipe-separated), in the
/// order asked. An unknown or empty name is `param_invalid`; a name in
/// `missing` (fields this installation does not have) is `field_not_found`.
pub fn select_fields(all: Value, fields: &str, missing: &[String]) -> Result<Value, UsosError> {
    if let Some(name) = fields.split('|').find(|f| missing.iter().any(|m| m == f)) {
        return Err(UsosError::new(
            StatusCode::BAD_REQUEST,
            "field_not_found",
            format!("This method has no field named '{name}'."),
        ));
    }
    let Value::Object(mut all) = all else {
        return Err(UsosError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "not an object",
        ));
    };
    let mut selected = Map::new();
    for name in fields.split('|') {
        if selected.contains_key(name) {
            continue;
        }
        let value = all.remove(name).ok_or_else(|| {
            UsosError::param_invalid("fields", format!("Unknown field name: '{name}'."))
        })?;
        selected.insert(name.to_owned(), value);
    }
    Ok(Value::Object(selected))
}

/// An answer whose connection breaks after the headers, as when the network
/// drops: the client sees a network error, never a body.
pub fn dropped_connection() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other(
            "connection dropped by usos-sim",
        ))
    });
    Response::new(axum::body::Body::from_stream(broken))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_exactly_the_fields_asked_for() {
        let all = json!({"a": 1, "b": null, "c": [1]});
        assert_eq!(
            select_fields(all.clone(), "b|a", &[]).unwrap(),
            json!({"b": null, "a": 1})
        );
        assert_eq!(
            select_fields(all.clone(), "a|a", &[]).unwrap(),
            json!({"a": 1})
        );
        let error = select_fields(all.clone(), "a|zzz", &[]).unwrap_err();
        assert_eq!(error.code, "param_invalid");
        assert_eq!(error.param_name.as_deref(), Some("fields"));
        assert!(select_fields(all.clone(), "a||b", &[]).is_err());
        let missing = select_fields(all, "a|b", &["b".to_owned()]).unwrap_err();
        assert_eq!(missing.code, "field_not_found");
    }

    #[test]
    fn reads_arguments_from_query_and_body() {
        let args = Args::parse(Some("fields=a%7Cb&x=1"), b"order_id=42&code=z8e%2B6Ys%24");
        assert_eq!(args.required("fields").unwrap(), "a|b");
        assert_eq!(args.required("order_id").unwrap(), "42");
        assert_eq!(args.required("code").unwrap(), "z8e+6Ys$");
        assert_eq!(args.required("nope").unwrap_err().code, "param_missing");
    }
}
