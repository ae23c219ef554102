use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::components::{sync_modal, texts, use_lang};
use crate::domain::status::STATUS_CODES;

/// The help panel's own address, so it can be linked and "back" closes it.
pub const HELP_PATH: &str = "/pomoc";

/// Whether the current address is the help panel's.
pub fn is_help_path(path: &str) -> bool {
    path.trim_end_matches('/').ends_with(HELP_PATH)
}

/// "Pomoc": opens the help panel by going to its address.
#[component]
pub fn HelpButton(opened_here: StoredValue<bool>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    view! {
        <button
            type="button"
            class="mlg-button mlg-button--secondary mlg-button--small"
            data-test="help-button"
            aria-haspopup="dialog"
            on:click=move |_| {
                opened_here.set_value(true);
                navigate(HELP_PATH, NavigateOptions::default());
            }
        >
            <span aria-hidden="true">"? "</span>
            {move || texts(lang).help_button}
        </button>
    }
}

/// The help panel: the instruction's sections, in a modal `<dialog>` that is
/// open exactly while the address is `/pomoc`. ✕ and Esc close it.
#[component]
pub fn HelpDialog(opened_here: StoredValue<bool>) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let navigate = use_navigate();
    let open = Memo::new(move |_| is_help_path(&location.pathname.get()));
    let dialog = NodeRef::<Dialog>::new();
    sync_modal(dialog, move || open.get());
    // Leave /pomoc: back where the student came from within the widget,
    // otherwise (a link opened straight at /pomoc) to the panel.
    let close = move || {
        if !open.get_untracked() {
            return;
        }
        if opened_here.get_value() {
            opened_here.set_value(false);
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.back();
                return;
            }
        }
        let base = location.pathname.get_untracked();
        let target = base
            .trim_end_matches('/')
            .trim_end_matches(HELP_PATH)
            .to_owned()
            + "/";
        navigate(
            &target,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    let close_on_cancel = close.clone();
    let close_on_button = close.clone();
    let t = move || &texts(lang).help;
    view! {
        <dialog
            node_ref=dialog
            class="mlg-dialog mlg-dialog--help"
            data-test="help"
            aria-labelledby="mlg-help-title"
            on:cancel=move |event: leptos::ev::Event| {
                event.prevent_default();
                close_on_cancel();
            }
            on:close=move |_| close()
        >
            <div class="mlg-dialog__header">
                <h2 class="mlg-dialog__title" id="mlg-help-title">{move || t().title}</h2>
                <button
                    type="button"
                    class="mlg-icon-button"
                    data-test="help-close"
                    aria-label=move || texts(lang).close
                    on:click=move |_| close_on_button()
                >
                    "✕"
                </button>
            </div>
            <h3>{move || t().what_heading}</h3>
            <p>{move || t().what_body}</p>
            <h3>{move || t().who_heading}</h3>
            <p>{move || t().who_lead}</p>
            <ul>{move || t().who_items.iter().map(|item| view! { <li>{*item}</li> }).collect_view()}</ul>
            <h3>{move || t().how_heading}</h3>
            <p>{move || t().how_body}</p>
            <h3>{move || t().wait_heading}</h3>
            <p>{move || t().wait_body}</p>
            <h3>{move || t().statuses_heading}</h3>
            <ul class="mlg-help-statuses">
                {move || {
                    let lang = lang.get();
                    STATUS_CODES
                        .iter()
                        .map(|(_, status)| {
                            view! {
                                <li>
                                    <strong>{status.label(lang).to_owned()}</strong>
                                    " – "
                                    {status.meaning(lang)}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </dialog>
    }
}
