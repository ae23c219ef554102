use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::qr_code::QrCode;
use crate::components::{text, use_lang, use_store};

/// Where the student can open mObywatel's page from a phone.
const MOBYWATEL_URL: &str = "https://www.gov.pl/web/mobywatel";

/// "Instrukcja dodania mLegitymacji do mObywatela": the three steps, with the
/// QR code, its text and the activation code, each with a copy button.
#[component]
pub fn ActivationSteps() -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let token = Signal::derive(move || {
        store
            .details
            .with(|d| d.as_ref().and_then(|d| d.token.clone()))
            .unwrap_or_default()
    });
    let pass = Signal::derive(move || {
        store
            .details
            .with(|d| d.as_ref().and_then(|d| d.distribution_pass.clone()))
            .unwrap_or_default()
    });
    let has_codes = Memo::new(move |_| !token.get().is_empty() && !pass.get().is_empty());
    view! {
        <section class="mlg-steps" data-test="activation-steps" aria-labelledby="mlg-steps-title">
            <h3 class="mlg-steps__title" id="mlg-steps-title">{text(lang, |t| t.steps_heading)}</h3>
            <Show
                when=move || has_codes.get()
                fallback=move || view! { <p class="mlg-loading">{text(lang, |t| t.loading_codes)}</p> }
            >
                <ol class="mlg-steps__list">
                    <li>
                        <p>{text(lang, |t| t.step_open)}</p>
                        <a class="mlg-mobile-only mlg-link-button" href=MOBYWATEL_URL target="_blank" rel="noopener noreferrer">
                            {text(lang, |t| t.open_mobywatel)}
                        </a>
                    </li>
                    <li>
                        <p>{text(lang, |t| t.step_qr)}</p>
                        <QrCode token/>
                        <p class="mlg-code-line">
                            <span>{text(lang, |t| t.qr_label)}</span> " "
                            <code class="mlg-code" data-test="token">{move || token.get()}</code>
                        </p>
                        <CopyButton text=token test_id="copy-token"/>
                    </li>
                    <li>
                        <p>{text(lang, |t| t.step_code)}</p>
                        <p class="mlg-code-line">
                            <span>{text(lang, |t| t.activation_code)}</span> " "
                            <code class="mlg-code mlg-code--pass" data-test="activation-code">{move || pass.get()}</code>
                        </p>
                        <CopyButton text=pass test_id="copy-activation-code"/>
                    </li>
                </ol>
            </Show>
        </section>
    }
}
