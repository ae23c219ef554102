use leptos::prelude::*;

use crate::api::types::Mcard;
use crate::components::use_lang;

/// Whether the student may order now: the server's reason if not, the planned
/// expiry date if yes.
#[component]
pub fn Eligibility(#[prop(into)] mcard: Signal<Mcard>) -> impl IntoView {
    let lang = use_lang();
    move || {
        let lang = lang.get();
        let t = lang.texts();
        let mcard = mcard.get();
        match mcard.why_cannot_order {
            Some(reason) => view! {
                <p class="mlg-eligibility mlg-eligibility--no" data-test="cannot-order">
                    {t.cannot_order_lead} " " <strong>{reason.get(lang).to_owned()}</strong> "."
                </p>
            }
            .into_any(),
            None => view! {
                <p class="mlg-eligibility mlg-eligibility--yes" data-test="can-order">
                    {t.can_order}
                    {mcard.planned_expiration_date.map(|date| {
                        view! {
                            " " {t.planned_expiry} " "
                            <strong data-test="planned-expiry">{date.format(lang)}</strong> "."
                        }
                    })}
                </p>
            }
            .into_any(),
        }
    }
}
