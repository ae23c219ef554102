//! How this installation differs from what the widget assumes, to try the
//! widget against a stricter or different real USOS: fields it does not have
//! (`--no-field`), errors that carry `user_messages` (`--user-messages`), and
//! status codes of its own (`--status-codes`).

use std::collections::BTreeMap;

use crate::sim::Status;

/// The installation's differences; the default is the contract exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Fields this installation does not have: asking for one is `field_not_found`.
    pub missing_fields: Vec<String>,
    /// Error answers carry `user_messages` (pl and en) for the student.
    pub user_messages: bool,
    /// The installation's own code for a status, by the contract's code.
    pub status_codes: BTreeMap<String, String>,
}

/// The contract's code of each status.
const NAMES: [(&str, Status); 7] = [
    ("pending", Status::Pending),
    ("in_progress", Status::InProgress),
    ("ready", Status::Ready),
    ("received", Status::Received),
    ("error", Status::Error),
    ("cancelled", Status::Cancelled),
    ("revoked", Status::Revoked),
];

impl Shape {
    /// Reads `--status-codes` (the widget's `data-status-codes` takes the
    /// same JSON): `{"ready": "do_odbioru", …}`.
    pub fn parse_status_codes(json: &str) -> Result<BTreeMap<String, String>, String> {
        let codes: BTreeMap<String, String> = serde_json::from_str(json)
            .map_err(|_| format!("--status-codes: not a JSON object of names to codes: {json}"))?;
        if let Some(unknown) = codes.keys().find(|n| !NAMES.iter().any(|(k, _)| k == n)) {
            return Err(format!("--status-codes: unknown status name {unknown:?}"));
        }
        let shape = Shape {
            status_codes: codes.clone(),
            ..Shape::default()
        };
        let all: Vec<String> = NAMES.iter().map(|(_, s)| shape.code(*s)).collect();
        for (i, code) in all.iter().enumerate() {
            if code.is_empty() || all[i + 1..].contains(code) {
                return Err(format!(
                    "--status-codes: code {code:?} is empty or used twice"
                ));
            }
        }
        Ok(codes)
    }

    /// The code this installation sends for `status`.
    pub fn code(&self, status: Status) -> String {
        let name = NAMES
            .iter()
            .find(|(_, s)| *s == status)
            .map(|(n, _)| *n)
            .unwrap_or_default();
        self.status_codes
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_of_its_own() {
        let codes = Shape::parse_status_codes(r#"{"ready": "do_odbioru"}"#).unwrap();
        let shape = Shape {
            status_codes: codes,
            ..Shape::default()
        };
        assert_eq!(shape.code(Status::Ready), "do_odbioru");
        assert_eq!(shape.code(Status::Pending), "pending");
        assert!(Shape::parse_status_codes(r#"{"ready": "pending"}"#).is_err());
        assert!(Shape::parse_status_codes(r#"{"redy": "x"}"#).is_err());
        assert!(Shape::parse_status_codes("nope").is_err());
    }
}
