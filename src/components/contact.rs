use leptos::prelude::*;

use crate::components::{text, use_lang};
use crate::config::Config;

/// "W razie problemów kontaktuj się z Działem IT UIK na adres: …"
#[component]
pub fn Contact() -> impl IntoView {
    let lang = use_lang();
    let contact = expect_context::<Config>().contact;
    let email = contact.email.clone();
    view! {
        <p class="mlg-contact" data-test="contact">
            {text(lang, |t| t.contact_before)} " "
            {move || contact.name(lang.get()).to_owned()} " "
            {text(lang, |t| t.contact_between)} " "
            <a href=format!("mailto:{email}")>{email.clone()}</a>
        </p>
    }
}
