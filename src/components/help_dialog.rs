use leptos::html::Dialog;
use leptos::prelude::*;

use crate::browser;
use crate::components::later::LaterView;
use crate::components::{keep_focus_inside, sync_modal, text, use_lang};
use crate::parts::LaterParts;

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

/// Standalone: the help panel is open exactly while the address is `/pomoc`,
/// so it can be linked and the browser's "back" closes it. Only the widget's
/// own history entries are touched; links on the page are left alone.
pub fn address_help_nav() -> HelpNav {
    let open = RwSignal::new(browser::path().is_some_and(|p| is_help_path(&p)));
    browser::listen("popstate", false, move || {
        open.set(browser::path().is_some_and(|p| is_help_path(&p)));
    });
    // Opened by the button: closing goes back in history. Opened by its
    // address: closing replaces it with the page without the panel.
    let opened_here = StoredValue::new(false);
    HelpNav {
        open: open.into(),
        show: Callback::new(move |()| {
            if open.get_untracked() {
                return;
            }
            let Some(path) = browser::path() else {
                return;
            };
            let target = path.trim_end_matches('/').to_owned() + HELP_PATH;
            opened_here.set_value(browser::push_path(&target));
            open.set(true);
        }),
        close: Callback::new(move |()| {
            if !open.get_untracked() {
                return;
            }
            open.set(false);
            if opened_here.get_value() {
                opened_here.set_value(false);
                browser::go_back();
            } else if let Some(path) = browser::path() {
                let target = path
                    .trim_end_matches('/')
                    .trim_end_matches(HELP_PATH)
                    .to_owned()
                    + "/";
                browser::replace_path(&target);
            }
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
            {text(lang, |t| t.help_button)}
        </button>
    }
}

/// The help panel: the instruction's sections in a modal `<dialog>`; ✕ and
/// Esc close it, and the browser returns focus to the "Pomoc" button.
#[component]
pub fn HelpDialog() -> impl IntoView {
    let lang = use_lang();
    let nav = expect_context::<HelpNav>();
    let parts = expect_context::<LaterParts>();
    let dialog = NodeRef::<Dialog>::new();
    sync_modal(dialog, move || nav.open.get());
    view! {
        <dialog
            node_ref=dialog
            on:keydown=move |event| keep_focus_inside(&event, dialog)
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
                <h2 class="mlg-dialog__title" id="mlg-help-title">{text(lang, |t| t.help_title)}</h2>
                <button
                    type="button"
                    class="mlg-icon-button"
                    data-test="help-close"
                    aria-label=text(lang, |t| t.close)
                    on:click=move |_| nav.close.run(())
                >
                    "✕"
                </button>
            </div>
            {move || nav.open.get().then(|| view! { <LaterView part=parts.help/> })}
        </dialog>
    }
}
