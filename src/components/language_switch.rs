use leptos::prelude::*;

use crate::components::{texts, use_lang};
use crate::i18n::Lang;

/// PL | EN | УКР: one button per language, the current one pressed.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="mlg-lang" role="group" aria-label=move || texts(lang).language_switch>
            {Lang::ALL
                .into_iter()
                .map(|option| {
                    view! {
                        <button
                            type="button"
                            class="mlg-lang__option"
                            lang=option.tag()
                            aria-pressed=move || (lang.get() == option).to_string()
                            title=option.texts().language_name
                            on:click=move |_| lang.set(option)
                        >
                            {option.texts().switch_label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
