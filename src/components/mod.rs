//! The widget's visible pieces, one per file. They show signals and send
//! events; every decision is made in `domain`, `api` or the store.
//!
//! The pieces cut out into parts (`help_sections`, `activation_steps`,
//! `picker`) import nothing that loads parts; the pieces that show a part
//! (`help_dialog`, `order_card`, `sign_in`) import `crate::parts`, which sits
//! between the two.

pub mod activation_steps;
pub mod confirm_dialog;
pub mod contact;
pub mod copy_button;
pub mod eligibility;
pub mod help_dialog;
pub mod help_sections;
pub mod history;
pub mod language_switch;
pub mod later;
pub mod notify_button;
pub mod order_button;
pub mod order_card;
pub mod order_panel;
pub mod outcome;
pub mod picker;
pub mod problem_notice;
pub mod qr_code;
pub mod sign_in;
pub mod status_announcer;
pub mod status_badge;
pub mod status_check;
pub mod university;

use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{Lang, Texts};
use crate::store::Store;

/// The language the student chose, provided by the app.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// The texts of the chosen language, read reactively.
pub fn texts(lang: RwSignal<Lang>) -> &'static Texts {
    lang.get().texts()
}

/// One text of the chosen language, following the language switch. Every
/// text in the widget goes through this one closure type, so the view code
/// for a changing text is compiled once rather than once per text.
pub fn text(
    lang: RwSignal<Lang>,
    pick: fn(&'static Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || pick(lang.get().texts())
}

/// The widget's shared state.
pub fn use_store() -> Store {
    expect_context::<Store>()
}

/// A value that follows `source` and keeps its last value while `source` has
/// none, e.g. while the part of the page showing it is being taken down.
pub fn keep_last<T>(initial: T, source: impl Fn() -> Option<T> + Send + Sync + 'static) -> Memo<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |previous: Option<&T>| {
        source().unwrap_or_else(|| previous.cloned().unwrap_or_else(|| initial.clone()))
    })
}

/// Tab and Shift+Tab go round a modal dialog's own controls. Without this,
/// Tab from its last control leaves for the browser's toolbar, and a
/// keyboard user is lost outside the dialog.
pub fn keep_focus_inside(event: &leptos::ev::KeyboardEvent, dialog: NodeRef<Dialog>) {
    if event.key() != "Tab" {
        return;
    }
    let Some(dialog) = dialog.get_untracked() else {
        return;
    };
    let Ok(found) = dialog
        .query_selector_all("button:not([disabled]), a[href], summary, input, select, textarea")
    else {
        return;
    };
    let controls: Vec<web_sys::HtmlElement> = (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|node| node.dyn_into().ok())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = dialog
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|root| root.active_element());
    let (edge, other_end) = if event.shift_key() {
        (first, last)
    } else {
        (last, first)
    };
    let at_edge = active
        .is_none_or(|active| &active == edge.as_ref() || !dialog.contains(Some(active.as_ref())));
    if at_edge {
        event.prevent_default();
        let _ = other_end.focus();
    }
}

/// Keeps a modal `<dialog>` open exactly while `open` says so.
pub fn sync_modal(dialog: NodeRef<Dialog>, open: impl Fn() -> bool + 'static) {
    Effect::new(move |_| {
        let want_open = open();
        if let Some(dialog) = dialog.get() {
            if want_open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !want_open && dialog.open() {
                dialog.close();
            }
        }
    });
}
