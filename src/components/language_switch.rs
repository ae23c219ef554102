use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::later::PartProblem;
use crate::components::{texts, use_lang};
use crate::i18n::Lang;

/// A change of language. A language not yet at hand is fetched first; the
/// widget keeps showing the current one meanwhile, so a switch never leaves
/// it blank.
#[derive(Clone, Copy)]
pub struct LanguageChoice {
    lang: RwSignal<Lang>,
    /// The language that could not be fetched, for "Spróbuj ponownie".
    missing: RwSignal<Option<Lang>>,
}

impl LanguageChoice {
    pub fn new(lang: RwSignal<Lang>) -> LanguageChoice {
        LanguageChoice {
            lang,
            missing: RwSignal::new(None),
        }
    }

    pub fn choose(self, option: Lang) {
        self.missing.set(None);
        if option.is_at_hand() {
            self.lang.set(option);
            return;
        }
        spawn_local(async move {
            match crate::parts::fetch_lang(option).await {
                Ok(()) => self.lang.set(option),
                Err(_) => self.missing.set(Some(option)),
            }
        });
    }
}

/// PL | EN | УКР: one button per language, the current one pressed.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let choice = expect_context::<LanguageChoice>();
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
                            title=option.name()
                            on:click=move |_| choice.choose(option)
                        >
                            {option.switch_label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Below the header: a language that could not be fetched, and "Spróbuj
/// ponownie".
#[component]
pub fn LanguageProblem() -> impl IntoView {
    let choice = expect_context::<LanguageChoice>();
    move || {
        choice.missing.get().map(|option| {
            view! { <PartProblem retry=Callback::new(move |()| choice.choose(option))/> }
        })
    }
}
