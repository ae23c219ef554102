//! The few browser facts and capabilities the widget needs, each a thin
//! function over `web_sys`, so the rest of the code stays plain Rust.

use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::domain::dates::{format_clock, DateTime};

/// Seconds since 1970-01-01 UTC now, by the browser's clock.
pub fn unix_now() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// The wall-clock time in Poland now, whatever the browser's time zone:
/// USOS's dates are in Polish time.
pub fn poland_now() -> Option<DateTime> {
    Some(DateTime::in_poland(unix_now()))
}

/// Polish time of day now, "HH:MM:SS", for "last checked": the same clock as
/// every date USOS shows.
pub fn poland_clock() -> Option<String> {
    poland_now().map(|t| format_clock(t.hour.into(), t.minute.into(), t.second.into()))
}

/// A number in [0, 1000), for jitter.
pub fn random_permille() -> u32 {
    (js_sys::Math::random() * 1000.0) as u32 % 1000
}

/// Marks a moment of the widget's start in the page's Performance
/// timeline (`mlegitymacja:…`), which `scripts/bench` reads to tell where
/// the time before the first status goes.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(&format!("mlegitymacja:{name}"));
    }
}

/// What this device keeps under `key` in the page's `localStorage` (never
/// a secret: an order's number, a university's id).
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Keeps `value` under `key` on this device, or forgets it (`None`).
pub fn store(key: &str, value: Option<&str>) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let _ = match value {
        Some(value) => storage.set_item(key, value),
        None => storage.remove_item(key),
    };
}

/// Adds `css` to the stylesheets of the shadow root `element` is in (once:
/// a stylesheet already there is not added again).
pub fn adopt_stylesheet(element: &web_sys::Element, css: &'static str) {
    let Ok(root) = element.get_root_node().dyn_into::<web_sys::ShadowRoot>() else {
        return;
    };
    let sheets = root.adopted_style_sheets();
    let marker = JsValue::from_str(css);
    let already = sheets
        .iter()
        .any(|sheet| Reflect::get(&sheet, &"mlegitymacjaSource".into()).is_ok_and(|s| s == marker));
    if already {
        return;
    }
    let Ok(sheet) = web_sys::CssStyleSheet::new() else {
        return;
    };
    if sheet.replace_sync(css).is_ok() {
        let _ = Reflect::set(&sheet, &"mlegitymacjaSource".into(), &marker);
        sheets.push(&sheet);
        root.set_adopted_style_sheets(&sheets);
    }
}

/// The tab is visible.
pub fn page_visible() -> bool {
    document().is_none_or(|d| !d.hidden())
}

/// The browser believes it is online.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The address's path, e.g. `/mlegitymacja/pomoc`.
pub fn page_url() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

/// The page's path, e.g. `/pomoc`.
pub fn path() -> Option<String> {
    web_sys::window()?.location().pathname().ok()
}

fn history() -> Option<web_sys::History> {
    web_sys::window()?.history().ok()
}

/// Adds a history entry for `path` on this origin; `true` when it was added.
pub fn push_path(path: &str) -> bool {
    history().is_some_and(|h| {
        h.push_state_with_url(&JsValue::NULL, "", Some(path))
            .is_ok()
    })
}

/// Replaces the current history entry's address with `path`.
pub fn replace_path(path: &str) {
    if let Some(history) = history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
    }
}

/// The browser's "back".
pub fn go_back() {
    if let Some(history) = history() {
        let _ = history.back();
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Sets `<html lang>`: for a page the widget owns.
pub fn set_page_lang(tag: &str) {
    if let Some(html) = document().and_then(|d| d.document_element()) {
        let _ = html.set_attribute("lang", tag);
    }
}

/// The page's title (the tab's name).
pub fn title() -> Option<String> {
    Some(document()?.title())
}

pub fn set_title(title: &str) {
    if let Some(document) = document() {
        document.set_title(title);
    }
}

/// What the browser lets the page do with system notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationPermission {
    /// This browser has no Notification API (e.g. Safari on an iPhone
    /// outside a home-screen app).
    Unsupported,
    /// Not asked yet.
    Ask,
    Granted,
    Denied,
}

pub fn notification_permission() -> NotificationPermission {
    let supported = web_sys::window()
        .is_some_and(|w| Reflect::has(&w, &"Notification".into()).unwrap_or(false));
    if !supported {
        return NotificationPermission::Unsupported;
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => NotificationPermission::Granted,
        web_sys::NotificationPermission::Denied => NotificationPermission::Denied,
        _ => NotificationPermission::Ask,
    }
}

/// Asks the student (the browser's own prompt) and returns the answer.
pub async fn ask_notification_permission() -> NotificationPermission {
    if notification_permission() != NotificationPermission::Ask {
        return notification_permission();
    }
    if let Ok(promise) = web_sys::Notification::request_permission() {
        let _ = JsFuture::from(promise).await;
    }
    notification_permission()
}

/// Shows a system notification; clicking it brings the student to this tab.
/// `tag` makes a second notification for the same thing replace the first.
pub fn notify(title: &str, body: &str, tag: &str, lang: &str) {
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    options.set_lang(lang);
    let Ok(notification) = web_sys::Notification::new_with_options(title, &options) else {
        return;
    };
    let shown = notification.clone();
    let on_click = Closure::<dyn FnMut()>::new(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
        }
        shown.close();
    });
    notification.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    // Lives as long as the notification, which the browser may keep.
    on_click.forget();
}

/// Calls `handler` on every `event` of the document (`document` true) or the
/// window, for the life of the page.
pub fn listen(event: &str, on_document: bool, handler: impl FnMut() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let target: web_sys::EventTarget = if on_document {
        match window.document() {
            Some(document) => document.into(),
            None => return,
        }
    } else {
        window.into()
    };
    let closure = Closure::<dyn FnMut()>::new(handler);
    if target
        .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
        .is_ok()
    {
        // The widget lives as long as the page: the listener does too.
        closure.forget();
    }
}

/// Puts `text` on the clipboard: the async Clipboard API where there is one,
/// else a hidden text area beside `button` and `execCommand("copy")`, after
/// which focus returns to `button`. `true` on success.
pub async fn copy_text(text: &str, button: &web_sys::HtmlElement) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = Reflect::get(&window.navigator(), &"clipboard".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null());
    if let Some(clipboard) = clipboard {
        let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
        if JsFuture::from(clipboard.write_text(text)).await.is_ok() {
            return true;
        }
    }
    let copied = copy_with_text_area(&window, text, button).unwrap_or(false);
    let _ = button.focus();
    copied
}

fn copy_with_text_area(
    window: &web_sys::Window,
    text: &str,
    button: &web_sys::HtmlElement,
) -> Result<bool, JsValue> {
    let document = window.document().ok_or(JsValue::NULL)?;
    let area: web_sys::HtmlTextAreaElement = document.create_element("textarea")?.unchecked_into();
    area.set_value(text);
    area.set_attribute("readonly", "")?;
    area.set_attribute("aria-hidden", "true")?;
    // Styled through the CSSOM, which a strict CSP allows, unlike a style attribute.
    let style = area.style();
    for (property, value) in [("position", "fixed"), ("top", "-1000px"), ("opacity", "0")] {
        style.set_property(property, value)?;
    }
    // Beside the button, inside the widget's shadow root, not in the host page.
    button.after_with_node_1(&area)?;
    area.select();
    let html: web_sys::HtmlDocument = document.unchecked_into();
    let copied = html.exec_command("copy").unwrap_or(false);
    area.remove();
    Ok(copied)
}

/// Runs `f` once the next frame has been painted: after whatever the page
/// shows now is on screen.
pub fn after_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO);
    });
}
