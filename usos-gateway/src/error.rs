//! Every answer the gateway gives on its own, in USOS's error shape
//! (`{"message", "error"}`), so the widget reads it like any USOS error.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What the gateway itself refuses or reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayError {
    /// No session, an expired or tampered one, one USOS no longer accepts,
    /// or one of another installation than the request's.
    Unauthorized,
    /// On the shared address of many installations, no session yet: the
    /// student picks their university first (`choose_installation` in the
    /// body tells the widget to offer the list).
    ChooseInstallation,
    /// An installation id the gateway does not serve.
    UnknownInstallation,
    /// An installation served without sign-in: no key for it yet, or it
    /// does not issue mLegitymacja.
    InstallationUnavailable,
    /// A path that is not one of the forwarded methods.
    MethodNotFound,
    /// A state-changing request from a page that may not make it.
    ForeignOrigin,
    /// Neither GET nor POST.
    WrongHttpMethod,
    /// A POST whose body is not `application/x-www-form-urlencoded`.
    NotAForm,
    /// USOS did not answer in time.
    UpstreamTimeout,
    /// USOS could not be reached or the connection broke.
    UpstreamUnreachable,
    /// USOS answered with something that is not JSON (a maintenance page).
    UpstreamNotJson,
    /// A token answer that was not what OAuth promises.
    UpstreamBadTokens,
    /// Beyond the gateway's own limits; try again after this many seconds.
    TooManyRequests(u64),
    /// A request body beyond the gateway's limit.
    TooLarge,
    /// `/push/*` on a gateway started without `--vapid-key-file`.
    PushNotOffered,
    /// The watches' database does not answer.
    DatabaseUnavailable,
    /// A request body that broke off before its end.
    UnreadableBody,
}

impl GatewayError {
    pub fn status(&self) -> StatusCode {
        match self {
            GatewayError::Unauthorized | GatewayError::ChooseInstallation => {
                StatusCode::UNAUTHORIZED
            }
            GatewayError::UnknownInstallation | GatewayError::InstallationUnavailable => {
                StatusCode::NOT_FOUND
            }
            GatewayError::MethodNotFound => StatusCode::NOT_FOUND,
            GatewayError::ForeignOrigin => StatusCode::FORBIDDEN,
            GatewayError::WrongHttpMethod => StatusCode::METHOD_NOT_ALLOWED,
            GatewayError::NotAForm => StatusCode::BAD_REQUEST,
            GatewayError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            GatewayError::UpstreamUnreachable
            | GatewayError::UpstreamNotJson
            | GatewayError::UpstreamBadTokens => StatusCode::BAD_GATEWAY,
            GatewayError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            GatewayError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            GatewayError::PushNotOffered => StatusCode::NOT_FOUND,
            GatewayError::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            GatewayError::UnreadableBody => StatusCode::BAD_REQUEST,
        }
    }

    /// USOS's error code.
    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::Unauthorized | GatewayError::ChooseInstallation => "unauthorized",
            GatewayError::UnknownInstallation => "object_not_found",
            GatewayError::InstallationUnavailable => "installation_unavailable",
            GatewayError::MethodNotFound => "method_not_found",
            GatewayError::ForeignOrigin => "method_forbidden",
            GatewayError::WrongHttpMethod => "method_not_allowed",
            GatewayError::NotAForm => "param_invalid",
            GatewayError::UpstreamTimeout => "upstream_timeout",
            GatewayError::UpstreamUnreachable
            | GatewayError::UpstreamNotJson
            | GatewayError::UpstreamBadTokens => "upstream_error",
            GatewayError::TooManyRequests(_) => "too_many_requests",
            GatewayError::TooLarge => "request_too_large",
            GatewayError::PushNotOffered => "method_not_found",
            GatewayError::DatabaseUnavailable => "database_unavailable",
            GatewayError::UnreadableBody => "param_invalid",
        }
    }

    /// An English message, as USOS's are; never carries a token or an argument.
    pub fn message(&self) -> &'static str {
        match self {
            GatewayError::Unauthorized => "No valid session: sign in through USOS again.",
            GatewayError::ChooseInstallation => {
                "Choose your university, then sign in through its USOS."
            }
            GatewayError::UnknownInstallation => "No university with this id is served here.",
            GatewayError::InstallationUnavailable => {
                "mLegitymacja is not available through this service at this university yet."
            }
            GatewayError::MethodNotFound => "This gateway forwards only the mLegitymacja methods.",
            GatewayError::ForeignOrigin => "This page may not change anything here.",
            GatewayError::WrongHttpMethod => "Call USOS API methods with GET or POST.",
            GatewayError::NotAForm => "Send arguments as application/x-www-form-urlencoded.",
            GatewayError::UpstreamTimeout => "USOS API did not answer in time.",
            GatewayError::UpstreamUnreachable => "USOS API could not be reached.",
            GatewayError::UpstreamNotJson => "USOS API answered with something that is not JSON.",
            GatewayError::UpstreamBadTokens => "USOS API's OAuth answer could not be read.",
            GatewayError::TooManyRequests(_) => "Too many requests; try again in a moment.",
            GatewayError::TooLarge => "The request is larger than any mLegitymacja call needs.",
            GatewayError::PushNotOffered => "This gateway does not offer push notifications.",
            GatewayError::DatabaseUnavailable => {
                "Push notifications are unavailable for a moment; try again later."
            }
            GatewayError::UnreadableBody => "The request body could not be read.",
        }
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        let mut body = json!({"message": self.message(), "error": self.code()});
        if self == GatewayError::ChooseInstallation {
            body["choose_installation"] = json!(true);
        }
        let mut response = usos_json(self.status(), body.to_string());
        if self == GatewayError::DatabaseUnavailable {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(30));
        }
        if let GatewayError::TooManyRequests(seconds) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}

/// A JSON body with the content type USOS sends.
pub fn usos_json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}
