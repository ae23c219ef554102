use leptos::prelude::*;

use crate::api::types::OrderSummary;
use crate::components::status_badge::StatusBadge;
use crate::components::use_lang;

/// "Dane zamówienia": status, order date and expiry of one order.
#[component]
pub fn OrderSummaryView(#[prop(into)] order: Signal<OrderSummary>) -> impl IntoView {
    let lang = use_lang();
    let status = Signal::derive(move || order.get().status);
    view! {
        <section class="mlg-order" data-test="order">
            <h3 class="mlg-order__heading">{move || lang.get().texts().order_data}</h3>
            <dl class="mlg-facts">
                <dt>{move || lang.get().texts().status}</dt>
                <dd data-test="status"><StatusBadge status lang/></dd>
                <dt>{move || lang.get().texts().order_date}</dt>
                <dd data-test="order-date">{move || order.get().order_date.format(lang.get())}</dd>
                <dt>
                    {move || {
                        let t = lang.get().texts();
                        if order.get().status.card_was_issued() { t.expiry } else { t.planned_expiry }
                    }}
                </dt>
                <dd data-test="expiry">{move || order.get().expiration_date.format(lang.get())}</dd>
            </dl>
        </section>
    }
}
