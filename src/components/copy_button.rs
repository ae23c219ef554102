use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser;
use crate::components::{texts, use_lang};

/// "Skopiuj do schowka" for one text; says "Skopiowano" for a moment after.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, test_id: &'static str) -> impl IntoView {
    let lang = use_lang();
    // None: not pressed yet; Some(ok): the outcome of the last press.
    let outcome = RwSignal::new(None::<bool>);
    let button = NodeRef::<leptos::html::Button>::new();
    let copy = move |_| {
        let value = text.get_untracked();
        let Some(element) = button.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let ok = browser::copy_text(&value, &element).await;
            outcome.set(Some(ok));
            set_timeout(move || outcome.set(None), Duration::from_millis(2_500));
        });
    };
    view! {
        <span class="mlg-copy">
            <button node_ref=button type="button" class="mlg-button mlg-button--secondary mlg-button--small" data-test=test_id on:click=copy>
                {move || match outcome.get() {
                    Some(true) => format!("✓ {}", texts(lang).copied),
                    _ => texts(lang).copy.to_owned(),
                }}
            </button>
            <span class="mlg-copy__status" role="status">
                {move || match outcome.get() {
                    Some(false) => texts(lang).copy_failed,
                    _ => "",
                }}
            </span>
        </span>
    }
}
