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
    // `None` until USOS has been read; then the newest order's status.
    let newest = Memo::new(move |_| {
        store.mcard.with(|m| {
            m.as_ref()
                .map(|m| m.latest_order().map(|o| o.status.clone()))
        })
    });
    let announced = RwSignal::new(None::<OrderStatus>);
    Effect::new(move |before: Option<Option<Option<OrderStatus>>>| {
        let now = newest.get();
        if let (Some(Some(before)), Some(now)) = (&before, &now) {
            if before != now {
                announced.set(now.clone());
            }
        }
        now
    });
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
