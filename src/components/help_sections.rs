use leptos::prelude::*;

use crate::components::use_lang;
use crate::domain::status::STATUS_CODES;

/// The instruction's sections, with the statuses: the help part
/// (`crate::parts::help`), fetched when the panel first opens or when the
/// widget is idle.
#[component]
pub fn HelpSections() -> impl IntoView {
    let lang = use_lang();
    let help = move || lang.get().help();
    view! {
        <h3>{move || help().what_heading}</h3>
        <p>{move || help().what_body}</p>
        <h3>{move || help().who_heading}</h3>
        <p>{move || help().who_lead}</p>
        <ul>{move || help().who_items.iter().map(|item| view! { <li>{*item}</li> }).collect_view()}</ul>
        <h3>{move || help().how_heading}</h3>
        <p>{move || help().how_body}</p>
        <h3>{move || help().wait_heading}</h3>
        <p>{move || help().wait_body}</p>
        <h3>{move || help().statuses_heading}</h3>
        <ul class="mlg-help-statuses">
            {move || {
                let lang = lang.get();
                STATUS_CODES
                    .iter()
                    .map(|(_, status)| {
                        view! {
                            <li>
                                <strong>{status.label(lang).to_owned()}</strong>
                                " – "
                                {status.meaning(lang)}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
