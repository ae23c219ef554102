//! Which fields the widget asks USOS for, and its first two reads.
//!
//! The widget asks for them; the build (`widget-build`) writes the same two
//! first reads into the loader and the standalone page, which start them
//! while the WebAssembly downloads. One definition, so that the early
//! request and the widget's own are the same request, and the browser (or
//! the loader) can hand the one's answer to the other.

/// The fields of one method. Some are needed: without them the widget
/// cannot say anything true. Others it would like: USOS may not know them
/// (public documentation does not confirm them), and asking for a field a
/// method does not have is an error, so the widget asks once more without
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSet {
    /// Needed: an answer without one of them is an error.
    pub required: &'static [&'static str],
    /// Wanted when the installation has them.
    pub optional: &'static [&'static str],
}

impl FieldSet {
    /// The `fields` argument: the required fields, and the optional ones
    /// unless the installation refused them.
    pub fn ask(&self, with_optional: bool) -> String {
        let optional: &[&str] = if with_optional { self.optional } else { &[] };
        self.required
            .iter()
            .chain(optional)
            .copied()
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// `services/apisrv/installation`: does this university issue mLegitymacja?
pub const INSTALLATION: FieldSet = FieldSet {
    required: &["mcards_support"],
    optional: &[],
};

/// `services/cards/mcard`: eligibility and the orders.
pub const MCARD: FieldSet = FieldSet {
    required: &["why_cannot_order", "orders"],
    optional: &["planned_expiration_date", "why_cannot_revoke"],
};

/// `services/cards/mcard_order`: one order, with its codes while it is ready.
pub const MCARD_ORDER: FieldSet = FieldSet {
    required: &[
        "id",
        "order_date",
        "status",
        "expiration_date",
        "token",
        "distribution_pass",
    ],
    optional: &[],
};

/// How long one read may take before the widget gives up on it; the
/// loader gives its early reads the same limit.
pub const TIME_LIMIT_MS: u32 = 10_000;

/// The installation method's path under the API base.
pub const INSTALLATION_PATH: &str = "services/apisrv/installation";
/// The mcard method's path under the API base.
pub const MCARD_PATH: &str = "services/cards/mcard";

/// The widget's first two reads, as paths with their queries under the API
/// base, in the order it uses them: `installation`, then `mcard` with every
/// field it would like. USOS allows asking for `mcard` before
/// `installation` has answered; where `mcards_support` is false, that one
/// answer is dropped.
pub fn first_reads() -> [String; 2] {
    [
        format!(
            "{INSTALLATION_PATH}?{}",
            form_encode(&[("fields", &INSTALLATION.ask(true))])
        ),
        format!(
            "{MCARD_PATH}?{}",
            form_encode(&[("fields", &MCARD.ask(true))])
        ),
    ]
}

/// `application/x-www-form-urlencoded`, as browsers write it (and as
/// `URLSearchParams` writes a query).
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_for_the_wanted_fields_until_refused() {
        assert_eq!(
            MCARD.ask(true),
            "why_cannot_order|orders|planned_expiration_date|why_cannot_revoke"
        );
        assert_eq!(MCARD.ask(false), "why_cannot_order|orders");
        assert_eq!(
            MCARD_ORDER.ask(false),
            "id|order_date|status|expiration_date|token|distribution_pass"
        );
    }

    #[test]
    fn the_first_reads_are_installation_then_mcard_with_every_field() {
        assert_eq!(
            first_reads(),
            [
                "services/apisrv/installation?fields=mcards_support".to_owned(),
                "services/cards/mcard?fields=why_cannot_order%7Corders%7Cplanned_expiration_date%7Cwhy_cannot_revoke".to_owned(),
            ]
        );
    }

    #[test]
    fn encodes_like_a_browser_form() {
        assert_eq!(
            form_encode(&[("a b", "z8e+6Ys$/=#ż")]),
            "a+b=z8e%2B6Ys%24%2F%3D%23%C5%BC"
        );
        assert_eq!(form_encode(&[("x", "1"), ("y", "")]), "x=1&y=");
    }
}
