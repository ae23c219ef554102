//! Fault injection: what a real USOS, its proxies and the network do on a bad
//! day, on demand, per method or for all of them.
//!
//! A fault is written `METHOD:KIND[=ARG][/N]`, the same on the command line
//! (`--fault`) and in `POST /_sim/faults`:
//! - METHOD: `all`, or a method such as `cards/mcard`, `cards/make_mcard_order`;
//! - KIND: `latency=MS`, `status=CODE` (500, 502, 401, 403, …),
//!   `maintenance` (503 with an HTML page), `busy=SECONDS` (429 with
//!   `Retry-After`), `hang` (never answers), `drop` (connection dropped before
//!   the method runs), `lose-response` (the method runs, then the connection
//!   drops), `not-json`, `truncated`, `wrong-types`, `missing-fields`,
//!   `extra-fields`, `unknown-status`;
//! - `/N`: only every N-th matching request (default: every one).

use std::fmt;

use serde_json::{json, Value};

/// What goes wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    Latency(u64),
    Status(u16),
    Maintenance,
    Busy(u32),
    Hang,
    Drop,
    LoseResponse,
    NotJson,
    Truncated,
    WrongTypes,
    MissingFields,
    ExtraFields,
    UnknownStatus,
}

/// One rule: a fault for some requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `None`: every method.
    pub method: Option<String>,
    pub kind: FaultKind,
    /// Applies to every `every`-th matching request.
    pub every: u32,
    seen: u32,
}

impl Fault {
    /// Reads `METHOD:KIND[=ARG][/N]`.
    pub fn parse(spec: &str) -> Result<Fault, String> {
        let bad = |why: &str| format!("fault {spec:?}: {why}");
        let (method, rest) = spec
            .split_once(':')
            .ok_or_else(|| bad("expected METHOD:KIND"))?;
        let (kind, every) = match rest.rsplit_once('/') {
            Some((kind, n)) => (
                kind,
                n.parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| bad("/N needs a whole number above 0"))?,
            ),
            None => (rest, 1),
        };
        let (name, arg) = match kind.split_once('=') {
            Some((name, arg)) => (name, Some(arg)),
            None => (kind, None),
        };
        let number = |what: &str| -> Result<u64, String> {
            arg.and_then(|a| a.parse().ok())
                .ok_or_else(|| bad(&format!("{name} needs {what}")))
        };
        let kind = match name {
            "latency" => FaultKind::Latency(number("milliseconds")?),
            "status" => {
                let code = number("an HTTP status")?;
                if !(400..=599).contains(&code) {
                    return Err(bad("status must be 400–599"));
                }
                FaultKind::Status(code as u16)
            }
            "busy" => FaultKind::Busy(number("seconds for Retry-After")? as u32),
            "maintenance" => FaultKind::Maintenance,
            "hang" => FaultKind::Hang,
            "drop" => FaultKind::Drop,
            "lose-response" => FaultKind::LoseResponse,
            "not-json" => FaultKind::NotJson,
            "truncated" => FaultKind::Truncated,
            "wrong-types" => FaultKind::WrongTypes,
            "missing-fields" => FaultKind::MissingFields,
            "extra-fields" => FaultKind::ExtraFields,
            "unknown-status" => FaultKind::UnknownStatus,
            _ => return Err(bad("unknown kind")),
        };
        Ok(Fault {
            method: (method != "all").then(|| method.to_owned()),
            kind,
            every,
            seen: 0,
        })
    }

    /// Counts a request to `method`; whether this fault applies to it.
    fn strikes(&mut self, method: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        self.seen += 1;
        self.seen.is_multiple_of(self.every)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            FaultKind::Latency(ms) => format!("latency={ms}"),
            FaultKind::Status(code) => format!("status={code}"),
            FaultKind::Busy(s) => format!("busy={s}"),
            FaultKind::Maintenance => "maintenance".into(),
            FaultKind::Hang => "hang".into(),
            FaultKind::Drop => "drop".into(),
            FaultKind::LoseResponse => "lose-response".into(),
            FaultKind::NotJson => "not-json".into(),
            FaultKind::Truncated => "truncated".into(),
            FaultKind::WrongTypes => "wrong-types".into(),
            FaultKind::MissingFields => "missing-fields".into(),
            FaultKind::ExtraFields => "extra-fields".into(),
            FaultKind::UnknownStatus => "unknown-status".into(),
        };
        let method = self.method.as_deref().unwrap_or("all");
        let every = if self.every > 1 {
            format!("/{}", self.every)
        } else {
            String::new()
        };
        write!(f, "{method}:{kind}{every}")
    }
}

/// What to do with one request, decided before the method runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Wait this long first.
    pub latency_ms: u64,
    /// The one fault (other than latency) that applies, if any.
    pub fault: Option<FaultKind>,
}

/// Decides, for a request to `method`, the added latency and the first other
/// fault that strikes.
pub fn plan(faults: &mut [Fault], method: &str) -> Plan {
    let mut plan = Plan::default();
    for fault in faults.iter_mut() {
        if !fault.strikes(method) {
            continue;
        }
        match &fault.kind {
            FaultKind::Latency(ms) => plan.latency_ms += ms,
            other if plan.fault.is_none() => plan.fault = Some(other.clone()),
            _ => {}
        }
    }
    plan
}

/// A body fault applied to a successful answer; `None` if `kind` is not one.
pub fn corrupt(kind: &FaultKind, body: &Value) -> Option<String> {
    Some(match kind {
        FaultKind::NotJson => {
            "<!DOCTYPE html><html><head><title>Logowanie - USOSweb</title></head>\
             <body><form action=\"/login\"><input name=\"login\"></form></body></html>"
                .to_owned()
        }
        FaultKind::Truncated => {
            let text = body.to_string();
            text[..text.len() / 2].to_owned()
        }
        FaultKind::WrongTypes => map_top(body, |v| match v {
            Value::String(_) => json!(42),
            Value::Array(_) => json!("not a list"),
            Value::Null => json!([1, 2]),
            Value::Bool(_) => json!("yes"),
            _ => json!(null),
        })
        .to_string(),
        FaultKind::MissingFields => {
            let mut body = body.clone();
            if let Some(object) = body.as_object_mut() {
                if let Some(first) = object.keys().next().cloned() {
                    object.remove(&first);
                }
            }
            body.to_string()
        }
        FaultKind::ExtraFields => {
            let mut body = body.clone();
            add_extra(&mut body);
            body.to_string()
        }
        FaultKind::UnknownStatus => {
            let mut body = body.clone();
            replace_status(&mut body);
            body.to_string()
        }
        _ => return None,
    })
}

fn map_top(body: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match body {
        Value::Object(object) => {
            Value::Object(object.iter().map(|(k, v)| (k.clone(), f(v))).collect())
        }
        other => f(other),
    }
}

fn add_extra(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for v in object.values_mut() {
                add_extra(v);
            }
            object.insert(
                "unexpected_field".into(),
                json!({"pl": "nowe pole", "list": [1, 2, 3]}),
            );
        }
        Value::Array(items) => items.iter_mut().for_each(add_extra),
        _ => {}
    }
}

fn replace_status(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (k, v) in object.iter_mut() {
                if k == "status" && v.is_string() {
                    *v = json!("suspended_by_mc");
                } else {
                    replace_status(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(replace_status),
        _ => {}
    }
}

/// The HTML page a load balancer shows while USOS is down.
pub const MAINTENANCE_PAGE: &str = "<!DOCTYPE html><html lang=\"pl\"><head><title>Przerwa techniczna</title></head>\
    <body><h1>Przerwa techniczna</h1><p>USOS jest chwilowo niedostępny. Zapraszamy wkrótce.</p></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_kind() {
        for spec in [
            "all:latency=500",
            "cards/mcard:status=503",
            "all:status=503/5",
            "all:busy=2",
            "all:maintenance",
            "cards/mcard:hang",
            "all:drop",
            "cards/make_mcard_order:lose-response",
            "all:not-json",
            "all:truncated",
            "all:wrong-types",
            "all:missing-fields",
            "all:extra-fields",
            "all:unknown-status",
        ] {
            assert_eq!(Fault::parse(spec).unwrap().to_string(), spec);
        }
        for bad in [
            "",
            "503",
            "all:",
            "all:status",
            "all:status=200",
            "all:nope",
            "all:hang/0",
            "all:latency=x",
        ] {
            assert!(Fault::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plans_latency_and_the_first_fault_per_method() {
        let mut faults = vec![
            Fault::parse("all:latency=100").unwrap(),
            Fault::parse("cards/mcard:latency=50").unwrap(),
            Fault::parse("cards/mcard:status=500").unwrap(),
            Fault::parse("all:hang").unwrap(),
        ];
        let p = plan(&mut faults, "cards/mcard");
        assert_eq!(
            p,
            Plan {
                latency_ms: 150,
                fault: Some(FaultKind::Status(500))
            }
        );
        let p = plan(&mut faults, "apisrv/installation");
        assert_eq!(
            p,
            Plan {
                latency_ms: 100,
                fault: Some(FaultKind::Hang)
            }
        );
    }

    #[test]
    fn every_nth_request() {
        let mut faults = vec![Fault::parse("all:status=503/5").unwrap()];
        let struck: Vec<bool> = (0..10)
            .map(|_| plan(&mut faults, "cards/mcard").fault.is_some())
            .collect();
        assert_eq!(
            struck,
            [false, false, false, false, true, false, false, false, false, true]
        );
    }

    #[test]
    fn corrupts_bodies_as_proxies_do() {
        let body = json!({"why_cannot_order": null, "orders": [{"id": "1", "status": "ready"}]});
        assert!(corrupt(&FaultKind::NotJson, &body)
            .unwrap()
            .starts_with("<!DOCTYPE html>"));
        assert!(
            serde_json::from_str::<Value>(&corrupt(&FaultKind::Truncated, &body).unwrap()).is_err()
        );
        let wrong: Value =
            serde_json::from_str(&corrupt(&FaultKind::WrongTypes, &body).unwrap()).unwrap();
        assert_eq!(
            wrong,
            json!({"why_cannot_order": [1, 2], "orders": "not a list"})
        );
        let missing: Value =
            serde_json::from_str(&corrupt(&FaultKind::MissingFields, &body).unwrap()).unwrap();
        assert_eq!(missing.as_object().unwrap().len(), 1);
        let extra: Value =
            serde_json::from_str(&corrupt(&FaultKind::ExtraFields, &body).unwrap()).unwrap();
        assert!(
            extra["unexpected_field"].is_object()
                && extra["orders"][0]["unexpected_field"].is_object()
        );
        let unknown: Value =
            serde_json::from_str(&corrupt(&FaultKind::UnknownStatus, &body).unwrap()).unwrap();
        assert_eq!(unknown["orders"][0]["status"], "suspended_by_mc");
        assert_eq!(corrupt(&FaultKind::Hang, &body), None);
    }
}
