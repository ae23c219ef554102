//! Puts a widget into every `<div data-mlegitymacja …>` of the page, each in
//! its own Shadow DOM with its own stylesheet: the host page's CSS cannot reach
//! in, and the widget's CSS cannot reach out.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::app::{App, SettingsProblem};
use crate::browser;
use crate::config::{choose_lang, Config, PageFacts, SettingError};
use crate::i18n::Lang;

/// The widget's stylesheet, built into the bundle so nothing else is fetched
/// and it applies inside the shadow root under a strict CSP.
const STYLESHEET: &str = include_str!("../style/widget.css");

thread_local! {
    /// Every widget's container, for the crash notice.
    static CONTAINERS: std::cell::RefCell<Vec<HtmlElement>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The attribute that marks where a widget goes.
const MARKER: &str = "data-mlegitymacja";

/// Mounts a widget into every marked element not yet mounted.
pub fn mount_all() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(hosts) = document.query_selector_all(&format!("[{MARKER}]")) else {
        return;
    };
    if hosts.length() == 0 {
        leptos::logging::warn!("mLegitymacja: no element with {MARKER} in the page");
    }
    for index in 0..hosts.length() {
        if let Some(host) = hosts
            .item(index)
            .and_then(|n| n.dyn_into::<HtmlElement>().ok())
        {
            if let Err(error) = mount_into(&document, &host) {
                leptos::logging::error!("mLegitymacja: cannot mount: {error:?}");
            }
        }
    }
}

fn page_facts(document: &Document) -> PageFacts {
    PageFacts {
        page_lang: document
            .document_element()
            .and_then(|html| html.get_attribute("lang")),
        browser_langs: web_sys::window()
            .map(|w| {
                w.navigator()
                    .languages()
                    .iter()
                    .filter_map(|v| v.as_string())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn mount_into(document: &Document, host: &HtmlElement) -> Result<(), wasm_bindgen::JsValue> {
    if host.shadow_root().is_some() {
        return Ok(());
    }
    let page = page_facts(document);
    let config = Config::from_settings(
        |name| host.get_attribute(name),
        |name| {
            document
                .query_selector(&format!("meta[name=\"{}\"]", name.replace('"', "")))
                .ok()
                .flatten()
                .and_then(|meta| meta.get_attribute("content"))
        },
        &page,
    );

    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(STYLESHEET)?;
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    shadow.append_child(&container)?;
    CONTAINERS.with(|all| all.borrow_mut().push(container.clone()));

    let lang = match &config {
        Ok(config) => config.lang,
        Err(_) => choose_lang(
            host.get_attribute("data-lang")
                .as_deref()
                .and_then(Lang::from_tag),
            &page,
        ),
    };
    // The student's language is known before the first render. Polish is
    // in the first download; another language is fetched first, and if it
    // cannot be, the widget starts in Polish and its switch offers it again.
    if lang.is_at_hand() {
        start(container, config, lang);
    } else {
        // Leptos's own executor starts with the first mount.
        wasm_bindgen_futures::spawn_local(async move {
            let lang = if crate::parts::fetch_lang(lang).await.is_ok() {
                lang
            } else {
                Lang::Pl
            };
            start(container, config, lang);
        });
    }
    Ok(())
}

/// Mounts the widget, or the notice on its settings, in `lang`.
fn start(container: HtmlElement, config: Result<Config, Vec<SettingError>>, lang: Lang) {
    match config {
        Ok(mut config) => {
            config.lang = lang;
            config.status_codes.install();
            leptos::mount::mount_to(container, move || view! { <App config/> }).forget();
            browser::mark("mounted");
        }
        Err(errors) => {
            for error in &errors {
                leptos::logging::error!("mLegitymacja: setting {error}");
            }
            leptos::mount::mount_to(container, move || view! { <SettingsProblem errors lang/> })
                .forget()
        }
    }
}

/// After a panic nothing reactive can be trusted: replace every widget with a
/// plain notice and a reload button, built with bare DOM calls, so the
/// student never faces a blank box. The order itself is safe in USOS.
pub fn show_crash_notice() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let containers = CONTAINERS.with(|all| all.borrow().clone());
    for container in containers {
        let _ = crash_notice(&document, &container);
    }
}

fn crash_notice(document: &Document, container: &HtmlElement) -> Result<(), wasm_bindgen::JsValue> {
    let element =
        |tag: &str, class: &str, text: &str| -> Result<web_sys::Element, wasm_bindgen::JsValue> {
            let e = document.create_element(tag)?;
            e.set_class_name(class);
            e.set_text_content(Some(text));
            Ok(e)
        };
    let root = element("div", "mlg", "")?;
    let notice = element("div", "mlg-problem", "")?;
    notice.set_attribute("role", "alert")?;
    notice.set_attribute("data-test", "crash")?;
    for (lang, what, todo) in Lang::ALL
        .iter()
        .map(|l| (l.tag(), l.crash().what, l.crash().todo))
    {
        let what = element("p", "mlg-problem__what", what)?;
        what.set_attribute("lang", lang)?;
        let todo = element("p", "mlg-problem__todo", todo)?;
        todo.set_attribute("lang", lang)?;
        notice.append_with_node_2(&what, &todo)?;
    }
    // A plain link to this very page: it reloads without running any of the
    // program that just failed.
    let reload = element(
        "a",
        "mlg-button",
        &Lang::ALL.map(|l| l.crash().reload).join(" / "),
    )?;
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    reload.set_attribute("href", &here)?;
    reload.set_attribute("data-test", "reload")?;
    notice.append_child(&reload)?;
    root.append_child(&notice)?;
    container.replace_children_with_node_1(&root);
    Ok(())
}
