use leptos::prelude::*;

use crate::api::types::OrderSummary;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::later::LaterView;
use crate::components::notify_button::NotifyButton;
use crate::components::outcome::{ErrorOutcome, RevokedOutcome};
use crate::components::status_badge::StatusBadge;
use crate::components::status_check::StatusCheck;
use crate::components::{text, texts, use_lang, use_store};
use crate::domain::status::OrderStatus;
use crate::parts::LaterParts;
use crate::store::CancelKind;

/// The newest order: its data, what its status means, and what the student
/// can do now.
#[component]
pub fn OrderCard(
    #[prop(into)] order: Signal<OrderSummary>,
    #[prop(into)] may_cancel: Signal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    // Only a change of status rebuilds the part below the data, so an open
    // dialog or the shown instructions survive every poll.
    let status = Memo::new(move |_| order.get().status);
    let heading = move || {
        let t = texts(lang);
        if status.get() == OrderStatus::Received {
            t.card_data
        } else {
            t.order_data
        }
    };
    let expiry_label = move || {
        let t = texts(lang);
        if status.get().card_was_issued() {
            t.expiry
        } else {
            t.planned_expiry
        }
    };
    view! {
        <section class="mlg-order" data-test="order" aria-labelledby="mlg-order-title">
            <h3 class="mlg-order__heading" id="mlg-order-title">{heading}</h3>
            <dl class="mlg-facts">
                <dt>{text(lang, |t| t.status)}</dt>
                <dd data-test="status"><StatusBadge status lang/></dd>
                <dt>{text(lang, |t| t.order_date)}</dt>
                <dd data-test="order-date">{move || order.get().order_date.format(lang.get())}</dd>
                <dt>{expiry_label}</dt>
                <dd data-test="expiry">{move || order.get().expiration_date.format(lang.get())}</dd>
            </dl>
            <p class="mlg-status-meaning" data-test="status-meaning">
                {move || status.get().explanation(lang.get())}
            </p>
            {move || match status.get() {
                OrderStatus::Pending | OrderStatus::InProgress => view! {
                    <CancelOrder order may_cancel/>
                    <StatusCheck order/>
                    <NotifyButton/>
                }
                .into_any(),
                OrderStatus::Ready => view! { <ReadyToCollect order may_cancel/> }.into_any(),
                OrderStatus::Received => view! { <CancelCard order may_cancel/> }.into_any(),
                OrderStatus::Error => view! { <ErrorOutcome/> }.into_any(),
                OrderStatus::Revoked => view! { <RevokedOutcome/> }.into_any(),
                OrderStatus::Cancelled | OrderStatus::Unknown(_) => ().into_any(),
            }}
        </section>
    }
}

/// "Anuluj zamówienie", asking first.
#[component]
fn CancelOrder(order: Signal<OrderSummary>, may_cancel: Signal<bool>) -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let asking = RwSignal::new(false);
    let confirm =
        Callback::new(move |()| store.cancel(order.get_untracked().id, CancelKind::Order));
    view! {
        <Show when=move || may_cancel.get()>
            <button
                type="button"
                class="mlg-button mlg-button--secondary"
                data-test="cancel-order"
                aria-busy=move || store.cancelling.get().to_string()
                on:click=move |_| asking.set(true)
            >
                {move || if store.cancelling.get() { texts(lang).cancelling } else { texts(lang).cancel_order }}
            </button>
            <ConfirmDialog id="mlg-confirm-cancel-order" open=asking which=|t| &t.confirm_cancel_order on_confirm=confirm/>
        </Show>
    }
}

/// "Do odbioru": cancel, or show how to add it to mObywatel.
#[component]
fn ReadyToCollect(order: Signal<OrderSummary>, may_cancel: Signal<bool>) -> impl IntoView {
    let lang = use_lang();
    let parts = expect_context::<LaterParts>();
    let showing = RwSignal::new(false);
    view! {
        <p>{text(lang, |t| t.ready_lead)}</p>
        <div class="mlg-actions">
            <CancelOrder order may_cancel/>
            <button
                type="button"
                class="mlg-button"
                data-test="add-to-mobywatel"
                aria-expanded=move || showing.get().to_string()
                aria-controls="mlg-activation"
                on:click=move |_| showing.update(|s| *s = !*s)
            >
                {text(lang, |t| t.add_to_mobywatel)}
            </button>
        </div>
        <div id="mlg-activation">
            <Show when=move || showing.get()>
                <LaterView part=parts.activation/>
            </Show>
        </div>
        <StatusCheck order/>
    }
}

/// "Anulowanie mLegitymacji": when and how to cancel a collected card.
#[component]
fn CancelCard(order: Signal<OrderSummary>, may_cancel: Signal<bool>) -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let asking = RwSignal::new(false);
    let confirm = Callback::new(move |()| store.cancel(order.get_untracked().id, CancelKind::Card));
    view! {
        <Show when=move || may_cancel.get()>
            <details class="mlg-details" data-test="cancel-card-section">
                <summary>{text(lang, |t| t.cancel_card_heading)}</summary>
                <p>{text(lang, |t| t.cancel_card_why)}</p>
                <button
                    type="button"
                    class="mlg-button mlg-button--danger"
                    data-test="cancel-card"
                    aria-busy=move || store.cancelling.get().to_string()
                    on:click=move |_| asking.set(true)
                >
                    {move || if store.cancelling.get() { texts(lang).cancelling } else { texts(lang).cancel_card }}
                </button>
            </details>
            <ConfirmDialog id="mlg-confirm-cancel-card" open=asking which=|t| &t.confirm_cancel_card on_confirm=confirm/>
        </Show>
    }
}
