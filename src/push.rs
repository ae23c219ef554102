//! The browser's side of a push with the page closed: the facts that decide
//! whether it is possible, and the calls that register the widget's service
//! worker and subscribe through the Push API. Thin wrappers over JavaScript
//! objects (`Reflect`), so the widget carries no bindings it does not use.

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::browser;
use crate::domain::push::BrowserFacts;

/// Where `widget.js` says the build's service worker is (absent in a
/// development build, which has none).
fn worker_url() -> Option<String> {
    Reflect::get(&js_sys::global(), &"mlegitymacjaPushWorker".into())
        .ok()?
        .as_string()
}

/// What decides whether push is possible on this page.
pub fn facts() -> BrowserFacts {
    let Some(window) = web_sys::window() else {
        return BrowserFacts::default();
    };
    let navigator = window.navigator();
    let has = |target: &JsValue, name: &str| Reflect::has(target, &name.into()).unwrap_or(false);
    let worker_origin = worker_url()
        .and_then(|url| web_sys::Url::new(&url).ok())
        .map(|url| url.origin());
    let standalone = window
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
        || Reflect::get(&navigator, &"standalone".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
    BrowserFacts {
        service_worker: has(&navigator, "serviceWorker"),
        push_manager: has(&window, "PushManager"),
        notifications_denied: crate::browser::notification_permission()
            == crate::browser::NotificationPermission::Denied,
        page_origin: window.location().origin().unwrap_or_default(),
        worker_origin,
        user_agent: navigator.user_agent().unwrap_or_default(),
        touch_points: navigator.max_touch_points().max(0) as u32,
        standalone,
    }
}

/// `object.name(...args)`, awaited when it returns a promise.
async fn call(object: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &name.into())?.dyn_into()?;
    let array = js_sys::Array::new();
    for arg in args {
        array.push(arg);
    }
    let result = function.apply(object, &array)?;
    match result.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

fn service_workers() -> Result<JsValue, JsValue> {
    let navigator = web_sys::window().ok_or(JsValue::NULL)?.navigator();
    Reflect::get(&navigator, &"serviceWorker".into())
}

/// The widget's registration's push manager, registering the service
/// worker first when `register` (else only an existing registration).
async fn push_manager(register: bool) -> Result<Option<JsValue>, JsValue> {
    let url = worker_url().ok_or(JsValue::NULL)?;
    let workers = service_workers()?;
    let registration = if register {
        let registration = call(&workers, "register", &[url.into()]).await?;
        // Subscribing needs an active worker. Not `serviceWorker.ready`:
        // that waits for a worker whose scope holds this page, and an
        // embedding page (USOSweb's) may lie outside the widget's folder.
        for _ in 0..100 {
            let active = Reflect::get(&registration, &"active".into())?;
            if !active.is_null() && !active.is_undefined() {
                break;
            }
            sleep_ms(100).await;
        }
        registration
    } else {
        let scope = web_sys::Url::new_with_base("./", &url)?.href();
        let found = call(&workers, "getRegistration", &[scope.into()]).await?;
        if found.is_undefined() || found.is_null() {
            return Ok(None);
        }
        found
    };
    Ok(Some(Reflect::get(&registration, &"pushManager".into())?))
}

/// Waits `ms` milliseconds.
async fn sleep_ms(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The subscription as JSON (`PushSubscription.toJSON()`) and its endpoint.
fn described(subscription: &JsValue) -> Result<(String, String), JsValue> {
    let json = call_sync(subscription, "toJSON")?;
    let text = js_sys::JSON::stringify(&json)?
        .as_string()
        .ok_or(JsValue::NULL)?;
    let endpoint = Reflect::get(subscription, &"endpoint".into())?
        .as_string()
        .ok_or(JsValue::NULL)?;
    Ok((text, endpoint))
}

fn call_sync(object: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &name.into())?.dyn_into()?;
    function.call0(object)
}

/// Registers the service worker and subscribes with the gateway's key
/// (`application_server_key`, the raw P-256 point): the subscription's JSON.
pub async fn subscribe(application_server_key: &[u8]) -> Result<String, JsValue> {
    let manager = push_manager(true).await?.ok_or(JsValue::NULL)?;
    let options = Object::new();
    Reflect::set(&options, &"userVisibleOnly".into(), &true.into())?;
    Reflect::set(
        &options,
        &"applicationServerKey".into(),
        &Uint8Array::from(application_server_key).into(),
    )?;
    let subscription = call(&manager, "subscribe", &[options.into()]).await?;
    Ok(described(&subscription)?.0)
}

/// This browser's subscription, if it has one: its JSON and endpoint.
pub async fn existing_subscription() -> Option<(String, String)> {
    let manager = push_manager(false).await.ok()??;
    let subscription = call(&manager, "getSubscription", &[]).await.ok()?;
    if subscription.is_null() || subscription.is_undefined() {
        return None;
    }
    described(&subscription).ok()
}

/// Ends this browser's subscription; its endpoint, to tell the gateway.
pub async fn unsubscribe() -> Option<String> {
    let manager = push_manager(false).await.ok()??;
    let subscription = call(&manager, "getSubscription", &[]).await.ok()?;
    if subscription.is_null() || subscription.is_undefined() {
        return None;
    }
    let (_, endpoint) = described(&subscription).ok()?;
    let _ = call(&subscription, "unsubscribe", &[]).await;
    Some(endpoint)
}

/// The order the student asked to be told about, kept across page loads
/// (an order number, nothing secret), so that the widget renews the watch
/// each time the page opens.
const WANTED_KEY: &str = "mlegitymacja-push-order";

pub fn wanted_order() -> Option<String> {
    browser::stored(WANTED_KEY)
}

pub fn set_wanted_order(order_id: Option<&str>) {
    browser::store(WANTED_KEY, order_id);
}
