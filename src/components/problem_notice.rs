use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::use_lang;

/// What went wrong and what the student can do, beside whatever is still shown.
#[component]
pub fn ProblemNotice(
    #[prop(into)] problem: Signal<ApiError>,
    on_retry: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let texts = move || problem.get().problem(lang.get());
    view! {
        <div class="mlg-problem" role="alert" data-test="problem">
            <p class="mlg-problem__what">{move || texts().0}</p>
            <p class="mlg-problem__todo">{move || texts().1}</p>
            <button type="button" class="mlg-button mlg-button--secondary" on:click=move |_| on_retry.run(())>
                {move || lang.get().texts().retry}
            </button>
        </div>
    }
}
