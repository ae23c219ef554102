use leptos::prelude::*;

use crate::api::types::Mcard;
use crate::components::order_button::OrderButton;
use crate::components::{text, texts, use_lang};

/// Whether the student may order now: the server's reason and the conditions
/// if not, the planned expiry date and the order button if yes.
#[component]
pub fn Eligibility(#[prop(into)] mcard: Signal<Mcard>, next_card: bool) -> impl IntoView {
    let lang = use_lang();
    move || {
        let lang_now = lang.get();
        let t = lang_now.texts();
        let mcard = mcard.get();
        match mcard.why_cannot_order {
            Some(reason) => view! {
                <div class="mlg-eligibility mlg-eligibility--no">
                    <p data-test="cannot-order">
                        {t.cannot_order_lead} " " <strong>{reason.get(lang_now).to_owned()}</strong> "."
                    </p>
                    <Conditions/>
                </div>
            }
            .into_any(),
            None => view! {
                <div class="mlg-eligibility mlg-eligibility--yes">
                    {next_card.then(|| view! { <p data-test="next-card">{t.next_card_note}</p> })}
                    <p data-test="can-order">
                        {t.can_order}
                        {mcard.planned_expiration_date.map(|date| {
                            view! {
                                " " {t.planned_expiry} " "
                                <strong data-test="planned-expiry">{date.format(lang_now)}</strong> "."
                            }
                        })}
                    </p>
                    <OrderButton/>
                    <p class="mlg-hint">{t.after_order_hint}</p>
                </div>
            }
            .into_any(),
        }
    }
}

/// The conditions from the university's instruction, and the first-year note.
#[component]
fn Conditions() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="mlg-conditions" data-test="conditions">
            <p class="mlg-conditions__heading">{text(lang, |t| t.conditions_heading)}</p>
            <ul>
                {move || {
                    texts(lang).conditions.iter().map(|c| view! { <li>{*c}</li> }).collect_view()
                }}
            </ul>
            <p class="mlg-hint" data-test="first-year-note">{text(lang, |t| t.first_year_note)}</p>
        </div>
    }
}
