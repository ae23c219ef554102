//! The browser side of the API: sends an [`ApiRequest`] with `fetch`, aborts it
//! after a time limit, and decodes the answer.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use mcard_common::fields::{INSTALLATION_PATH, MCARD_PATH};

use super::decode::{decode, RawResponse};
use super::early;
use super::error::ApiError;
use super::request::{ApiRequest, Method};
use super::types::{
    CurrentInstallation, Installation, InstallationListing, Mcard, OrderDetails, PushKey,
    PushWatch, Success, WaitNow,
};
use crate::config::{Config, Credentials, CsrfHeader};

/// How long one request may take before it is aborted.
pub const DEFAULT_TIMEOUT_MS: i32 = mcard_common::fields::TIME_LIMIT_MS as i32;

/// Talks to one USOS API installation.
#[derive(Clone, Debug)]
pub struct ApiClient {
    /// Ends with `/`; `/` means the page's own origin.
    api_base: String,
    timeout_ms: i32,
    credentials: Credentials,
    csrf: Option<CsrfHeader>,
    /// The `Retry-After` of the last answer, in seconds, whatever its
    /// status: the gateway asks for patience on a successful answer too
    /// when the university's USOS is near its limit.
    /// (`u32::MAX`: none.)
    retry_after: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl ApiClient {
    /// A client for the API at `api_base` (a `/` is appended when missing).
    pub fn new(api_base: &str) -> ApiClient {
        let mut api_base = api_base.trim().to_owned();
        if !api_base.ends_with('/') {
            api_base.push('/');
        }
        ApiClient {
            api_base,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            credentials: Credentials::SameOrigin,
            csrf: None,
            retry_after: std::sync::Arc::new(std::sync::atomic::AtomicU32::new(u32::MAX)),
        }
    }

    /// The `Retry-After` (seconds) of the last answer this client had.
    pub fn last_retry_after(&self) -> Option<u32> {
        let seconds = self.retry_after.load(std::sync::atomic::Ordering::Relaxed);
        (seconds != u32::MAX).then_some(seconds)
    }

    /// A client as the widget's settings describe it: API base, cookies,
    /// CSRF header.
    pub fn from_config(config: &Config) -> ApiClient {
        ApiClient {
            credentials: config.credentials,
            csrf: config.csrf.clone(),
            ..ApiClient::new(&config.api_base)
        }
    }

    /// `services/apisrv/installation`: does this university issue mLegitymacja?
    pub async fn installation(&self) -> Result<Installation, ApiError> {
        self.call(ApiRequest::get(
            &self.api_base,
            INSTALLATION_PATH,
            &[("fields", &Installation::FIELDS.ask(true))],
        ))
        .await
    }

    /// `services/cards/mcard`: eligibility and the list of orders; the
    /// optional fields too unless `with_optional` is false.
    pub async fn mcard(&self, with_optional: bool) -> Result<Mcard, ApiError> {
        self.call(ApiRequest::get(
            &self.api_base,
            MCARD_PATH,
            &[("fields", &Mcard::FIELDS.ask(with_optional))],
        ))
        .await
    }

    /// `services/cards/mcard_order`: one order, with its QR token and
    /// activation code while it is ready.
    pub async fn mcard_order(
        &self,
        order_id: &str,
        with_optional: bool,
    ) -> Result<OrderDetails, ApiError> {
        self.call(ApiRequest::get(
            &self.api_base,
            "services/cards/mcard_order",
            &[
                ("order_id", order_id),
                ("fields", &OrderDetails::FIELDS.ask(with_optional)),
            ],
        ))
        .await
    }

    /// `services/cards/make_mcard_order`. Not idempotent: never retried here.
    pub async fn make_mcard_order(&self) -> Result<Success, ApiError> {
        self.call(ApiRequest::post(
            &self.api_base,
            "services/cards/make_mcard_order",
            &[],
        ))
        .await
    }

    /// `services/cards/revoke_mcard`: cancels an order or a collected card.
    pub async fn revoke_mcard(&self, order_id: &str) -> Result<Success, ApiError> {
        self.call(ApiRequest::post(
            &self.api_base,
            "services/cards/revoke_mcard",
            &[("order_id", order_id)],
        ))
        .await
    }

    /// Signs the student out at the gateway (`logout_url`, a POST); the
    /// gateway revokes the token at USOS and clears its cookie.
    pub async fn sign_out(&self, logout_url: &str) -> Result<Success, ApiError> {
        self.call(ApiRequest::post(logout_url, "", &[])).await
    }

    /// `installations` on the gateway: the universities a student may pick.
    pub async fn installations(&self) -> Result<Vec<InstallationListing>, ApiError> {
        self.call(ApiRequest::get(&self.api_base, "installations", &[]))
            .await
    }

    /// `installation` on the gateway: the university this page talks to.
    pub async fn current_installation(&self) -> Result<CurrentInstallation, ApiError> {
        self.call(ApiRequest::get(&self.api_base, "installation", &[]))
            .await
    }

    /// `wait` on the gateway: how long orders take at this university now.
    pub async fn wait(&self) -> Result<WaitNow, ApiError> {
        self.call(ApiRequest::get(&self.api_base, "wait", &[]))
            .await
    }

    /// `push/key` on the gateway: its VAPID public key, when it offers push.
    pub async fn push_key(&self) -> Result<PushKey, ApiError> {
        self.call(ApiRequest::get(&self.api_base, "push/key", &[]))
            .await
    }

    /// `push/subscriptions` on the gateway: starts (or renews) its watch
    /// over the order for this browser's subscription (`body` is JSON).
    pub async fn push_subscribe(&self, body: String) -> Result<PushWatch, ApiError> {
        self.call(ApiRequest::json(
            Method::Post,
            &self.api_base,
            "push/subscriptions",
            body,
        ))
        .await
    }

    /// Ends the gateway's watch for this browser's `endpoint`.
    pub async fn push_unsubscribe(&self, endpoint: &str) -> Result<(), ApiError> {
        let body = serde_json::json!({ "endpoint": endpoint }).to_string();
        let response = self
            .send(ApiRequest::json(
                Method::Delete,
                &self.api_base,
                "push/subscriptions",
                body,
            ))
            .await?;
        if response.status == 204 {
            return Ok(());
        }
        decode::<Success>(&response).map(|_| ())
    }

    async fn call<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T, ApiError> {
        let answer = self.send(request).await?;
        let asked = answer
            .retry_after
            .as_deref()
            .and_then(super::decode::parse_retry_after);
        self.retry_after.store(
            asked.map_or(u32::MAX, |seconds| seconds.min(u32::MAX - 1)),
            std::sync::atomic::Ordering::Relaxed,
        );
        decode(&answer)
    }

    async fn send(&self, request: ApiRequest) -> Result<RawResponse, ApiError> {
        if request.method == Method::Get {
            if let Some(answer) = early::take(&request.url, self.credentials, self.csrf.as_ref()) {
                return read_early(answer).await;
            }
        }
        let controller =
            AbortController::new().map_err(|_| ApiError::Network("no AbortController".into()))?;
        let timeout = Timeout::start(&controller, self.timeout_ms);
        let builder = match request.method {
            Method::Get => Request::get(&request.address).query(
                request
                    .query
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str())),
            ),
            Method::Post => Request::post(&request.address),
            Method::Delete => Request::delete(&request.address),
        };
        let mut builder: RequestBuilder = builder
            .abort_signal(Some(&controller.signal()))
            .credentials(match self.credentials {
                Credentials::SameOrigin => web_sys::RequestCredentials::SameOrigin,
                Credentials::Include => web_sys::RequestCredentials::Include,
                Credentials::Omit => web_sys::RequestCredentials::Omit,
            })
            .header("Accept", "application/json");
        if let Some(csrf) = &self.csrf {
            builder = builder.header(&csrf.name, &csrf.value);
        }
        let content_type = if request.json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let built = match request.body {
            Some(body) => builder.header("Content-Type", content_type).body(body),
            None => builder.build(),
        };
        let outcome = async { read(built?.send().await?).await }.await;
        let timed_out = timeout.fired();
        drop(timeout);
        outcome.map_err(|error| {
            if timed_out {
                ApiError::Timeout
            } else {
                ApiError::Network(error.to_string())
            }
        })
    }
}

/// The status, `Retry-After` and body of an answer.
async fn read(response: Response) -> Result<RawResponse, gloo_net::Error> {
    let status = response.status();
    let retry_after = response.headers().get("retry-after");
    let body = response.text().await?;
    Ok(RawResponse {
        status,
        retry_after,
        body,
    })
}

/// An answer the loader asked for before the widget started (see
/// [`early`]); its time limit is the loader's, the same as the widget's.
async fn read_early(answer: js_sys::Promise) -> Result<RawResponse, ApiError> {
    let answer = JsFuture::from(answer).await.map_err(|error| {
        if early::timed_out(&error) {
            ApiError::Timeout
        } else {
            ApiError::Network(format!("{error:?}"))
        }
    })?;
    early::raw_response(&answer)
        .ok_or_else(|| ApiError::Network("the loader's answer has no status or body".into()))
}

/// Aborts a request when its time is up; cancelled when dropped.
struct Timeout {
    handle: Option<i32>,
    fired: std::rc::Rc<std::cell::Cell<bool>>,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    fn start(controller: &AbortController, millis: i32) -> Timeout {
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
        let callback = {
            let controller = controller.clone();
            let fired = fired.clone();
            Closure::<dyn FnMut()>::new(move || {
                fired.set(true);
                controller.abort();
            })
        };
        let handle = web_sys::window().and_then(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    callback.as_ref().unchecked_ref(),
                    millis,
                )
                .ok()
        });
        Timeout {
            handle,
            fired,
            _callback: callback,
        }
    }

    fn fired(&self) -> bool {
        self.fired.get()
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(handle), Some(window)) = (self.handle, web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }
}
