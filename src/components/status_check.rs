use leptos::prelude::*;

use crate::api::types::OrderSummary;
use crate::browser;
use crate::components::{text, texts, use_lang, use_store};
use crate::domain::dates::format_waiting;
use crate::domain::status::OrderStatus;
use crate::domain::wait::{message, WaitMessage};
use crate::university::Wait;

/// While an order is on its way: that the status updates itself, when it was
/// last checked, how long the student has waited, and a manual check.
#[component]
pub fn StatusCheck(#[prop(into)] order: Signal<OrderSummary>) -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let working = Memo::new(move |_| {
        matches!(
            order.get().status,
            OrderStatus::Pending | OrderStatus::InProgress
        )
    });
    // Polish wall-clock time, ticking once a second for "Czekasz od".
    let now = RwSignal::new(browser::poland_now());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(browser::poland_now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let waited = move || {
        let since = order.get().order_date.wall_clock_seconds();
        now.get()
            .map(|now| format_waiting(now.wall_clock_seconds() - since, lang.get()))
    };
    // The wait measured at this university now, when the gateway has it.
    let wait = use_context::<Wait>();
    let usual = move || {
        let t = texts(lang);
        match message(wait.and_then(|w| w.now.get()).as_ref()) {
            WaitMessage::Generic => t.usually_minutes.to_owned(),
            WaitMessage::About { minutes } => {
                format!("{} {minutes}\u{a0}{}", t.usually_now.0, t.usually_now.1)
            }
            WaitMessage::MinistryProblems => t.ministry_problems.to_owned(),
        }
    };
    view! {
        <div class="mlg-check" data-test="status-check">
            <p class="mlg-hint">{text(lang, |t| t.auto_updates)}</p>
            <Show when=move || working.get()>
                // Two lines: the ministry's problems take a few lines on a
                // phone, and the student's own wait must not trail them.
                <div data-test="waiting">
                    <p class="mlg-hint" data-test="usual-wait">{usual}</p>
                    <p class="mlg-hint">
                        {move || waited().map(|w| format!("{} {w}", texts(lang).waiting_for))}
                    </p>
                </div>
            </Show>
            <div class="mlg-check__row">
                <button
                    type="button"
                    class="mlg-button mlg-button--secondary"
                    data-test="check-status"
                    aria-busy=move || store.loading.get().to_string()
                    on:click=move |_| store.check(true)
                >
                    {move || if store.loading.get() { texts(lang).checking } else { texts(lang).check_status }}
                </button>
                <span class="mlg-hint" data-test="last-checked">
                    {move || store.checked_at.get().map(|at| format!("{} {at}", texts(lang).last_checked))}
                </span>
            </div>
        </div>
    }
}
