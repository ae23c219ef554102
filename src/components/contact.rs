use leptos::prelude::*;

use crate::components::{text, use_lang};
use crate::config::Config;
use crate::university::University;

/// "W razie problemów kontaktuj się z Działem IT UIK na adres: …"
/// The page's own contact (`data-help-*`) goes first; else the one the
/// gateway names for this university; else the built-in default.
#[component]
pub fn Contact() -> impl IntoView {
    let lang = use_lang();
    let config = expect_context::<Config>();
    let university = use_context::<University>();
    let contact = Memo::new(move |_| {
        university
            .filter(|_| !config.contact_from_page)
            .and_then(University::help)
            .unwrap_or_else(|| config.contact.clone())
    });
    view! {
        <p class="mlg-contact" data-test="contact">
            {text(lang, |t| t.contact_before)} " "
            {move || contact.with(|c| c.name(lang.get()).to_owned())} " "
            {text(lang, |t| t.contact_between)} " "
            <a href=move || contact.with(|c| format!("mailto:{}", c.email))>
                {move || contact.with(|c| c.email.clone())}
            </a>
        </p>
    }
}
