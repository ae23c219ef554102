use leptos::prelude::*;

use crate::api::types::OrderSummary;
use crate::components::status_badge::StatusBadge;
use crate::components::{text, use_lang};

/// Earlier orders, newest first: date and status.
#[component]
pub fn History(#[prop(into)] orders: Signal<Vec<OrderSummary>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show when=move || orders.with(|o| !o.is_empty())>
            <section class="mlg-history" data-test="history" aria-labelledby="mlg-history-title">
                <h3 class="mlg-history__title" id="mlg-history-title">{text(lang, |t| t.history_heading)}</h3>
                <ul class="mlg-history__list">
                    <For
                        each=move || orders.get()
                        key=|order| (order.id.clone(), order.status.clone())
                        let(order)
                    >
                        <li class="mlg-history__item">
                            <span class="mlg-history__date">{move || order.order_date.format(lang.get())}</span>
                            <StatusBadge status=Signal::stored(order.status.clone()) lang/>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}
