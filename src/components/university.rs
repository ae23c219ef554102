use leptos::prelude::*;

use crate::browser;
use crate::components::{text, use_lang, use_store};
use crate::config::Config;
use crate::domain::installations::REMEMBERED_KEY;
use crate::i18n::Lang;
use crate::university::University;

/// On the shared address of a gateway that serves many universities, once
/// signed in: "Uczelnia: Uniwersytet Łódzki" and "Zmień uczelnię", which
/// signs the student out and offers the list again.
#[component]
pub fn UniversityLine() -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let university = expect_context::<University>();
    let logout_url = expect_context::<Config>().logout_url;
    move || {
        let current = university.current.get().filter(|c| c.choosable)?;
        let logout_url = logout_url.clone()?;
        let signed_in = store.mcard.with(Option::is_some);
        signed_in.then(|| {
            let name = move || {
                let at = match lang.get() {
                    Lang::Pl => 0,
                    Lang::En => 1,
                    Lang::Uk => 2,
                };
                current.names[at].clone()
            };
            view! {
                <p class="mlg-university" data-test="university-line">
                    {text(lang, |t| t.university)} ": "
                    <strong data-test="university-name">{name}</strong>
                    " "
                    <button
                        type="button"
                        class="mlg-button mlg-button--secondary mlg-button--small"
                        data-test="change-university"
                        on:click=move |_| {
                            // Another university: the list, not the last one.
                            browser::store(REMEMBERED_KEY, None);
                            university.forget();
                            store.sign_out(logout_url.clone());
                        }
                    >
                        {text(lang, |t| t.change_university)}
                    </button>
                </p>
            }
        })
    }
}
