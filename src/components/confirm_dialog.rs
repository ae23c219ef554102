use leptos::html::Dialog;
use leptos::prelude::*;

use crate::components::{keep_focus_inside, sync_modal, text, texts, use_lang};
use crate::i18n::ConfirmTexts;

/// Asks before something that cannot be undone, in a modal `<dialog>`: focus
/// stays inside while it is open, Esc or "Nie, wróć" closes it, and the
/// browser returns focus to the button that opened it.
#[component]
pub fn ConfirmDialog(
    /// Unique in the page: names the dialog's heading.
    id: &'static str,
    open: RwSignal<bool>,
    which: fn(&'static crate::i18n::Texts) -> &'static ConfirmTexts,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let dialog = NodeRef::<Dialog>::new();
    sync_modal(dialog, move || open.get());
    let heading = format!("{id}-title");
    let body = format!("{id}-body");
    let (labelled_by, described_by) = (heading.clone(), body.clone());
    view! {
        <dialog
            node_ref=dialog
            on:keydown=move |event| keep_focus_inside(&event, dialog)
            class="mlg-dialog mlg-dialog--confirm"
            data-test=id
            aria-labelledby=labelled_by
            aria-describedby=described_by
            on:close=move |_| open.set(false)
        >
            <h2 class="mlg-dialog__title" id=heading>{move || which(texts(lang)).title}</h2>
            <p id=body>{move || which(texts(lang)).body}</p>
            <div class="mlg-dialog__actions">
                <button
                    type="button"
                    class="mlg-button mlg-button--secondary"
                    autofocus
                    on:click=move |_| open.set(false)
                >
                    {text(lang, |t| t.confirm_no)}
                </button>
                <button
                    type="button"
                    class="mlg-button mlg-button--danger"
                    data-test="confirm-yes"
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    {move || which(texts(lang)).yes}
                </button>
            </div>
        </dialog>
    }
}
