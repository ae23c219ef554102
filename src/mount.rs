//! Puts a widget into every `<div data-mlegitymacja …>` of the page, each in
//! its own Shadow DOM with its own stylesheet: the host page's CSS cannot reach
//! in, and the widget's CSS cannot reach out.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::app::{App, SettingsProblem};
use crate::config::{choose_lang, Config, PageFacts};
use crate::i18n::Lang;

/// The widget's stylesheet, built into the bundle so nothing else is fetched
/// and it applies inside the shadow root under a strict CSP.
const STYLESHEET: &str = include_str!("../style/widget.css");

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

    match config {
        Ok(config) => leptos::mount::mount_to(container, move || view! { <App config/> }).forget(),
        Err(errors) => {
            for error in &errors {
                leptos::logging::error!("mLegitymacja: setting {error}");
            }
            let lang = choose_lang(
                host.get_attribute("data-lang")
                    .as_deref()
                    .and_then(Lang::from_tag),
                &page,
            );
            leptos::mount::mount_to(container, move || view! { <SettingsProblem errors lang/> })
                .forget()
        }
    }
    Ok(())
}
