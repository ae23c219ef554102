//! Which USOS API methods the gateway forwards: the contract's five, and
//! nothing else, so the consumer's scopes cannot be used for anything the
//! widget does not need.

/// A method the gateway forwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forwarded {
    /// `services/…`, as USOS names it.
    pub path: &'static str,
    /// Needs the student's token (every `cards` method); `installation` does not.
    pub needs_student: bool,
}

const METHODS: [Forwarded; 5] = [
    Forwarded {
        path: "services/apisrv/installation",
        needs_student: false,
    },
    Forwarded {
        path: "services/cards/mcard",
        needs_student: true,
    },
    Forwarded {
        path: "services/cards/mcard_order",
        needs_student: true,
    },
    Forwarded {
        path: "services/cards/make_mcard_order",
        needs_student: true,
    },
    Forwarded {
        path: "services/cards/revoke_mcard",
        needs_student: true,
    },
];

/// The method for a request path (`/services/cards/mcard`), compared
/// exactly: no normalisation, so `services/cards/../users/user` or
/// `services/cards/mcard/` is simply not one of them.
pub fn forwarded(request_path: &str) -> Option<Forwarded> {
    let path = request_path.strip_prefix('/')?;
    METHODS.iter().copied().find(|m| m.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_five_methods() {
        assert!(forwarded("/services/apisrv/installation").is_some_and(|m| !m.needs_student));
        assert!(forwarded("/services/cards/mcard").is_some_and(|m| m.needs_student));
        assert!(forwarded("/services/cards/make_mcard_order").is_some_and(|m| m.needs_student));
        for other in [
            "/services/users/user",
            "/services/cards/../users/user",
            "/services/cards/%2e%2e/users/user",
            "/services/cards/mcard/",
            "/services/cards/MCARD",
            "/services/cards/user",
            "/services/oauth/access_token",
            "services/cards/mcard",
            "//services/cards/mcard",
        ] {
            assert_eq!(forwarded(other), None, "{other}");
        }
    }
}
