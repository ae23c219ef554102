//! The first reads that the loader (`widget.js`) started before the
//! WebAssembly arrived, one pair for each widget on the page: the widget
//! takes such an answer, once, instead of asking again, so that its first
//! status waits for the slower of the download and USOS, not for both one
//! after the other.
//!
//! The loader keeps each answer with the exact request it made (the URL,
//! `credentials` and the CSRF header): an answer is handed over only for
//! the same request, so a widget whose settings the loader read otherwise
//! just asks again.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::decode::RawResponse;
use crate::config::{Credentials, CsrfHeader};

/// The loader's hand-off (see `widget-build/src/seal.rs`).
const TAKE: &str = "mlegitymacjaTakeFirstRead";

/// The answer to an early request identical to a GET of `url` (as the
/// widget writes it, relative to the page or absolute), if the loader
/// started one that nobody took yet: a promise of `{status, retryAfter,
/// body}`, the body already read, or of the `fetch`'s error.
pub fn take(url: &str, credentials: Credentials, csrf: Option<&CsrfHeader>) -> Option<Promise> {
    let take: Function = Reflect::get(&js_sys::global(), &TAKE.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let credentials = match credentials {
        Credentials::SameOrigin => "same-origin",
        Credentials::Include => "include",
        Credentials::Omit => "omit",
    };
    let args = Array::of4(
        &url.into(),
        &credentials.into(),
        &csrf.map_or(JsValue::NULL, |c| c.name.as_str().into()),
        &csrf.map_or(JsValue::NULL, |c| c.value.as_str().into()),
    );
    take.apply(&JsValue::NULL, &args).ok()?.dyn_into().ok()
}

/// The status, `Retry-After` and body of a loader's answer.
pub fn raw_response(answer: &JsValue) -> Option<RawResponse> {
    let field = |name: &str| Reflect::get(answer, &name.into()).ok();
    Some(RawResponse {
        status: u16::try_from(field("status")?.as_f64()? as u32).ok()?,
        retry_after: field("retryAfter")?.as_string(),
        body: field("body")?.as_string()?,
    })
}

/// Whether a rejected early `fetch` ran out of time (the loader gives it
/// the widget's own time limit) rather than failing on the network.
pub fn timed_out(error: &JsValue) -> bool {
    Reflect::get(error, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .is_some_and(|name| name == "TimeoutError")
}
