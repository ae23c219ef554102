//! The seven statuses of an order and their wire codes.
//!
//! The codes are this project's assumption about the USOS API (they are not
//! public). An installation whose codes differ names its own as JSON, e.g.
//! `{"ready": "do_odbioru"}` — in the widget's `data-status-codes` and the
//! gateway's `--status-codes` alike — and [`StatusCodes::parse`] reads both.

use std::collections::BTreeMap;

/// A known status, under this project's name for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Pending,
    InProgress,
    Ready,
    Received,
    Error,
    Cancelled,
    Revoked,
}

impl Status {
    /// Every status, in the contract's order.
    pub const ALL: [Status; 7] = [
        Status::Pending,
        Status::InProgress,
        Status::Ready,
        Status::Received,
        Status::Error,
        Status::Cancelled,
        Status::Revoked,
    ];

    /// This project's name, which is also the contract's wire code.
    pub const fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::InProgress => "in_progress",
            Status::Ready => "ready",
            Status::Received => "received",
            Status::Error => "error",
            Status::Cancelled => "cancelled",
            Status::Revoked => "revoked",
        }
    }

    /// The status named `name` (our name, not an installation's code).
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Still on its way to the student: someone else acts next.
    pub fn is_under_way(self) -> bool {
        matches!(self, Status::Pending | Status::InProgress)
    }
}

/// An installation's wire code for each status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusCodes {
    /// In the order of [`Status::ALL`].
    codes: Vec<String>,
}

impl Default for StatusCodes {
    /// The contract's codes.
    fn default() -> StatusCodes {
        StatusCodes {
            codes: Status::ALL.iter().map(|s| s.name().to_owned()).collect(),
        }
    }
}

impl StatusCodes {
    /// Reads a JSON object from status names to the installation's codes,
    /// e.g. `{"ready": "do_odbioru"}`; names left out keep their codes. An
    /// unknown name, an empty code, two statuses with one code, or JSON that
    /// is not such an object is an error that says so in one line (and never
    /// quotes more than the names and codes it was given).
    pub fn parse(json: &str) -> Result<StatusCodes, String> {
        let renamed: BTreeMap<String, String> = serde_json::from_str(json).map_err(|_| {
            "is not a JSON object of status names to codes, e.g. {\"ready\": \"do_odbioru\"}"
                .to_owned()
        })?;
        if let Some(unknown) = renamed.keys().find(|n| Status::from_name(n).is_none()) {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
            return Err(format!(
                "\"{unknown}\" is not a status name; the names are {}",
                names.join(", ")
            ));
        }
        if let Some((name, _)) = renamed.iter().find(|(_, code)| code.trim().is_empty()) {
            return Err(format!("the code of \"{name}\" is empty"));
        }
        let codes: Vec<String> = Status::ALL
            .iter()
            .map(|s| match renamed.get(s.name()) {
                Some(code) => code.trim().to_owned(),
                None => s.name().to_owned(),
            })
            .collect();
        for (i, code) in codes.iter().enumerate() {
            if let Some(j) = codes[i + 1..].iter().position(|c| c == code) {
                return Err(format!(
                    "\"{}\" and \"{}\" would both be \"{code}\"",
                    Status::ALL[i].name(),
                    Status::ALL[i + 1 + j].name()
                ));
            }
        }
        Ok(StatusCodes { codes })
    }

    /// The status a wire code stands for; `None` for a code not in the table.
    pub fn status(&self, code: &str) -> Option<Status> {
        self.codes
            .iter()
            .position(|c| c == code)
            .map(|i| Status::ALL[i])
    }

    /// The installation's wire code for `status`.
    pub fn code(&self, status: Status) -> &str {
        let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
        &self.codes[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contracts_codes_by_default() {
        let codes = StatusCodes::default();
        for status in Status::ALL {
            assert_eq!(codes.status(status.name()), Some(status));
            assert_eq!(codes.code(status), status.name());
        }
        assert_eq!(codes.status("do_odbioru"), None);
    }

    #[test]
    fn an_installation_names_its_own() {
        let codes = StatusCodes::parse(r#"{"ready": " do_odbioru ", "pending": "P"}"#).unwrap();
        assert_eq!(codes.status("do_odbioru"), Some(Status::Ready));
        assert_eq!(codes.status("ready"), None);
        assert_eq!(codes.status("P"), Some(Status::Pending));
        assert_eq!(codes.code(Status::InProgress), "in_progress");
    }

    #[test]
    fn a_wrong_table_says_what_is_wrong() {
        let error = |json: &str| StatusCodes::parse(json).unwrap_err();
        assert!(error("[1]").starts_with("is not a JSON object"));
        assert!(error(r#"{"gotowe": "x"}"#).contains("\"gotowe\" is not a status name"));
        assert!(error(r#"{"ready": " "}"#).contains("the code of \"ready\" is empty"));
        assert_eq!(
            error(r#"{"ready": "pending"}"#),
            "\"pending\" and \"ready\" would both be \"pending\""
        );
    }
}
