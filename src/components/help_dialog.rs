use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::components::{sync_modal, texts, use_lang};
use crate::domain::status::STATUS_CODES;

/// The help panel's own address in a page the widget owns, so it can be
/// linked and "back" closes it.
pub const HELP_PATH: &str = "/pomoc";

/// Whether an address is the help panel's.
pub fn is_help_path(path: &str) -> bool {
    path.trim_end_matches('/').ends_with(HELP_PATH)
}

/// Opens and closes the help panel, by address or in memory.
#[derive(Clone, Copy)]
pub struct HelpNav {
    pub open: Signal<bool>,
    pub show: Callback<()>,
    pub close: Callback<()>,
}

/// Embedded in a host page: the help panel never touches the URL.
pub fn local_help_nav() -> HelpNav {
    let open = RwSignal::new(false);
    HelpNav {
        open: open.into(),
        show: Callback::new(move |()| open.set(true)),
        close: Callback::new(move |()| open.set(false)),
    }
}

/// Standalone: the help panel is open exactly while the address is `/pomoc`.
/// Must be called inside the router.
pub fn routed_help_nav() -> HelpNav {
    let location = use_location();
    let navigate = use_navigate();
    let open = Memo::new(move |_| is_help_path(&location.pathname.get()));
    // Opened by the button: closing goes back in history. Opened by its
    // address: closing goes to the panel.
    let opened_here = StoredValue::new(false);
    let go = navigate.clone();
    HelpNav {
        open: open.into(),
        show: Callback::new(move |()| {
            opened_here.set_value(true);
            let target = location
                .pathname
                .get_untracked()
                .trim_end_matches('/')
                .to_owned()
                + HELP_PATH;
            go(&target, NavigateOptions::default());
        }),
        close: Callback::new(move |()| {
            if !open.get_untracked() {
                return;
            }
            if opened_here.get_value() {
                opened_here.set_value(false);
                if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                    if history.back().is_ok() {
                        return;
                    }
                }
            }
            let path = location.pathname.get_untracked();
            let target = path
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
        }),
    }
}

/// "Pomoc": opens the help panel.
#[component]
pub fn HelpButton() -> impl IntoView {
    let lang = use_lang();
    let nav = expect_context::<HelpNav>();
    view! {
        <button
            type="button"
            class="mlg-button mlg-button--secondary mlg-button--small"
            data-test="help-button"
            aria-haspopup="dialog"
            on:click=move |_| nav.show.run(())
        >
            <span aria-hidden="true">"? "</span>
            {move || texts(lang).help_button}
        </button>
    }
}

/// The help panel: the instruction's sections in a modal `<dialog>`; ✕ and
/// Esc close it, and the browser returns focus to the "Pomoc" button.
#[component]
pub fn HelpDialog() -> impl IntoView {
    let lang = use_lang();
    let nav = expect_context::<HelpNav>();
    let dialog = NodeRef::<Dialog>::new();
    sync_modal(dialog, move || nav.open.get());
    let t = move || &texts(lang).help;
    view! {
        <dialog
            node_ref=dialog
            class="mlg-dialog mlg-dialog--help"
            data-test="help"
            aria-labelledby="mlg-help-title"
            on:cancel=move |event: leptos::ev::Event| {
                event.prevent_default();
                nav.close.run(());
            }
            on:close=move |_| nav.close.run(())
        >
            <div class="mlg-dialog__header">
                <h2 class="mlg-dialog__title" id="mlg-help-title">{move || t().title}</h2>
                <button
                    type="button"
                    class="mlg-icon-button"
                    data-test="help-close"
                    aria-label=move || texts(lang).close
                    on:click=move |_| nav.close.run(())
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
