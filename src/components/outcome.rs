use leptos::prelude::*;

use crate::components::contact::Contact;
use crate::components::{text, texts, use_lang};

/// After "Błąd": what happened and what to do.
#[component]
pub fn ErrorOutcome() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="mlg-outcome" data-test="error-outcome">
            <p>{text(lang, |t| t.error_outcome)}</p>
            <Contact/>
        </div>
    }
}

/// After "Unieważnione przez uczelnię": why, and the university's rules.
#[component]
pub fn RevokedOutcome() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="mlg-outcome" data-test="revoked-outcome">
            <p>{text(lang, |t| t.revoked_outcome)}</p>
            <details class="mlg-details">
                <summary>{text(lang, |t| t.revocation_heading)}</summary>
                <p>{text(lang, |t| t.revocation_validity)}</p>
                <p>{text(lang, |t| t.revocation_lead)}</p>
                <ol>
                    {move || {
                        texts(lang).revocation_cases.iter().map(|c| view! { <li>{*c}</li> }).collect_view()
                    }}
                </ol>
            </details>
            <Contact/>
        </div>
    }
}
