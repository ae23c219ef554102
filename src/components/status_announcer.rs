use leptos::prelude::*;

use crate::components::{texts, use_lang, use_store};
use crate::domain::status::OrderStatus;

/// Tells screen readers when the newest order's status changes — once per
/// change, never on a poll that brings nothing new, and not for the status
/// the page opened with (it is read with the page).
#[component]
pub fn StatusAnnouncer() -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let status = Memo::new(move |_| {
        store.mcard.with(|m| {
            m.as_ref()
                .and_then(|m| m.latest_order())
                .map(|o| (o.id.clone(), o.status.clone()))
        })
    });
    let known = Memo::new(move |_| store.mcard.with(Option::is_some));
    let announced = RwSignal::new(None::<OrderStatus>);
    Effect::new(
        move |before: Option<(bool, Option<(String, OrderStatus)>)>| {
            let now = status.get();
            if let Some((true, previous)) = &before {
                if *previous != now {
                    announced.set(now.as_ref().map(|(_, status)| status.clone()));
                }
            }
            (known.get(), now)
        },
    );
    view! {
        <p class="mlg-visually-hidden" role="status" data-test="status-announcement">
            {move || {
                announced
                    .get()
                    .map(|status| format!("{} {}", texts(lang).status, status.label(lang.get())))
            }}
        </p>
    }
}
