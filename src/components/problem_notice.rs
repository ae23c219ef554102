use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{texts, use_lang, use_store};

/// What went wrong and what the student can do, shown above whatever is
/// still known; "Spróbuj ponownie" checks again at once.
#[component]
pub fn ProblemNotice(#[prop(into)] problem: Signal<ApiError>) -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let message = move || problem.get().problem(lang.get());
    view! {
        <div class="mlg-problem" role="alert" data-test="problem">
            <p class="mlg-problem__what">{move || message().0}</p>
            <p class="mlg-problem__todo">{move || message().1}</p>
            <button
                type="button"
                class="mlg-button mlg-button--secondary"
                on:click=move |_| store.check(true)
            >
                {move || texts(lang).retry}
            </button>
        </div>
    }
}
