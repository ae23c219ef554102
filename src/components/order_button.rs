use leptos::prelude::*;

use crate::components::{texts, use_lang, use_store};

/// "Zamów mLegitymację": one press, one order. Busy until USOS has been read
/// back, so a double click or an impatient second press sends nothing more.
#[component]
pub fn OrderButton() -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let busy = Signal::derive(move || store.ordering.get() || store.order_unconfirmed.get());
    view! {
        <button
            type="button"
            class="mlg-button"
            data-test="order-button"
            aria-busy=move || busy.get().to_string()
            aria-disabled=move || busy.get().to_string()
            on:click=move |_| store.place_order()
        >
            {move || {
                let t = texts(lang);
                if store.order_unconfirmed.get() {
                    t.order_unconfirmed
                } else if store.ordering.get() {
                    t.ordering
                } else {
                    t.order_button
                }
            }}
        </button>
    }
}
