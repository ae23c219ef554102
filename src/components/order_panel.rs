use leptos::prelude::*;

use crate::components::eligibility::Eligibility;
use crate::components::order_summary::OrderSummaryView;
use crate::components::problem_notice::ProblemNotice;
use crate::components::use_lang;
use crate::store::{Store, Support};

/// "Zamówienie mLegitymacji": eligibility and the newest order.
#[component]
pub fn OrderPanel() -> impl IntoView {
    let lang = use_lang();
    let store = expect_context::<Store>();
    let retry = Callback::new(move |()| store.refresh());
    view! {
        <section class="mlg-panel" aria-busy=move || store.loading.get().to_string()>
            <h2 class="mlg-panel__heading">{move || lang.get().texts().heading}</h2>
            {move || store.problem.get().map(|problem| view! { <ProblemNotice problem on_retry=retry/> })}
            {move || match (store.support.get(), store.mcard.get()) {
                (Support::NotOffered, _) => view! {
                    <p class="mlg-notice" data-test="unsupported">{move || lang.get().texts().unsupported}</p>
                }
                .into_any(),
                (_, Some(mcard)) => {
                    let latest = mcard.latest_order().cloned();
                    view! {
                        <Eligibility mcard/>
                        {latest.map(|order| view! { <OrderSummaryView order/> })}
                    }
                    .into_any()
                }
                (_, None) if store.problem.get().is_none() => view! {
                    <p class="mlg-loading" data-test="loading">{move || lang.get().texts().loading}</p>
                }
                .into_any(),
                (_, None) => ().into_any(),
            }}
        </section>
    }
}
