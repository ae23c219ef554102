use leptos::prelude::*;

use crate::api::request::sign_in_url;
use crate::api::ApiError;
use crate::browser;
use crate::components::{text, texts, use_lang, use_store};
use crate::config::Config;

/// What went wrong and what the student can do, shown above whatever is
/// still known; "Spróbuj ponownie" checks again at once.
#[component]
pub fn ProblemNotice(#[prop(into)] problem: Signal<ApiError>) -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let message = move || problem.get().problem(lang.get());
    let login_url = expect_context::<Config>().login_url;
    let login = move || {
        let url = login_url.clone()?;
        problem.get().is_session_expired().then(|| {
            let href = sign_in_url(&url, browser::page_url().as_deref());
            view! { <a class="mlg-button mlg-button--secondary" data-test="log-in" href=href>{texts(lang).log_in}</a> }
        })
    };
    view! {
        <div class="mlg-problem" role="alert" data-test="problem">
            // USOS's own words for the student come first, as text.
            {move || {
                problem.get().usos_message(lang.get()).map(|said| {
                    view! { <p class="mlg-problem__usos" data-test="usos-message">{said}</p> }
                })
            }}
            <p class="mlg-problem__what">{move || message().0}</p>
            <p class="mlg-problem__todo">{move || message().1}</p>
            <p class="mlg-problem__when" data-test="last-update">
                {move || store.checked_at.get().map(|at| format!("{} {at}", texts(lang).last_update))}
            </p>
            {login}
            <button
                type="button"
                class="mlg-button mlg-button--secondary"
                on:click=move |_| store.check(true)
            >
                {text(lang, |t| t.retry)}
            </button>
        </div>
    }
}
