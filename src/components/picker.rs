//! "Wybierz swoją uczelnię": on the shared address of a gateway that serves
//! many universities, the student finds theirs and signs in through its
//! USOS. A search box over the list (the WAI-ARIA combobox pattern with a
//! listbox: arrows move through the universities, Enter picks one, Escape
//! clears), the choice remembered on this device and offered first,
//! "Zmień uczelnię" to pick again. Universities where the student cannot
//! sign in here are listed greyed out, `aria-disabled`, with the reason.
//!
//! Cut out into the picker part (`crate::parts::picker`): a deployment of
//! one university never downloads it.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::request::{form_encode, sign_in_url};
use crate::api::types::InstallationListing;
use crate::api::ApiClient;
use crate::browser;
use crate::components::{text, use_lang};
use crate::config::Config;
use crate::domain::installations::{name_in, shown, REMEMBERED_KEY};

/// The list, as far as it came.
#[derive(Clone, Debug, PartialEq)]
enum List {
    Loading,
    Failed,
    Loaded(Vec<InstallationListing>),
}

/// The picker's own look, in its part (added to the widget's shadow root
/// when it first shows).
const STYLESHEET: &str = include_str!("../../style/picker.css");

#[component]
pub fn Picker() -> impl IntoView {
    let lang = use_lang();
    let config = expect_context::<Config>();
    let client = ApiClient::from_config(&config);
    let login_url = config.login_url.clone().unwrap_or_default();
    let list = RwSignal::new(List::Loading);
    let client = StoredValue::new(client);
    let load = move || {
        list.set(List::Loading);
        let client = client.get_value();
        spawn_local(async move {
            list.set(match client.installations().await {
                Ok(all) => List::Loaded(all),
                Err(error) => {
                    leptos::logging::warn!("mLegitymacja: the list of universities: {error}");
                    List::Failed
                }
            });
        });
    };
    load();
    // The university picked on this device before, offered first.
    let chosen = RwSignal::new(browser::stored(REMEMBERED_KEY));
    let chosen_listing = move || {
        let id = chosen.get()?;
        list.with(|l| match l {
            List::Loaded(all) => all.iter().find(|i| i.id == id && i.available).cloned(),
            _ => None,
        })
    };
    let p = move || lang.get().picker();
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(root) = root.get() {
            browser::adopt_stylesheet(&root, STYLESHEET);
        }
    });
    view! {
        <div class="mlg-picker" data-test="picker" node_ref=root>
            <h3 class="mlg-picker__heading">{move || p().heading}</h3>
            {move || match list.get() {
                List::Loading => view! {
                    <p class="mlg-loading" data-test="picker-loading">{text(lang, |t| t.loading)}</p>
                }
                .into_any(),
                List::Failed => view! {
                    <div class="mlg-problem" role="alert" data-test="picker-failed">
                        <p class="mlg-problem__what">{move || p().list_failed.0}</p>
                        <p class="mlg-problem__todo">{move || p().list_failed.1}</p>
                        <button type="button" class="mlg-button mlg-button--secondary" on:click=move |_| load()>
                            {text(lang, |t| t.retry)}
                        </button>
                    </div>
                }
                .into_any(),
                List::Loaded(all) => match chosen_listing() {
                    Some(university) => view! {
                        <Chosen university login_url=login_url.clone() chosen/>
                    }
                    .into_any(),
                    None => view! { <Search all chosen/> }.into_any(),
                },
            }}
        </div>
    }
}

/// The university picked: its name, "Zaloguj się przez USOS" to its USOS,
/// and "Zmień uczelnię".
#[component]
fn Chosen(
    university: InstallationListing,
    login_url: String,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let with_installation = format!(
        "{login_url}{}{}",
        if login_url.contains('?') { '&' } else { '?' },
        form_encode(&[("installation", &university.id)])
    );
    let href = sign_in_url(&with_installation, browser::page_url().as_deref());
    let name = university.clone();
    view! {
        <div class="mlg-picker__chosen" data-test="picker-chosen">
            <p>
                {move || lang.get().picker().chosen} ": "
                <strong data-test="picker-chosen-name">{move || name_in(&name, lang.get()).to_owned()}</strong>
            </p>
            <a class="mlg-button" data-test="log-in" href=href>{text(lang, |t| t.log_in)}</a>
            <button
                type="button"
                class="mlg-button mlg-button--secondary"
                data-test="change-university"
                on:click=move |_| chosen.set(None)
            >
                {text(lang, |t| t.change_university)}
            </button>
        </div>
    }
}

/// The search box and the list it filters (a combobox with a listbox).
#[component]
fn Search(all: Vec<InstallationListing>, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let lang = use_lang();
    let query = RwSignal::new(String::new());
    // The option the arrows are on, by its position in what is shown.
    let active = RwSignal::new(None::<usize>);
    let remembered = browser::stored(REMEMBERED_KEY);
    let all = StoredValue::new(all);
    let found = Memo::new(move |_| {
        all.with_value(|all| {
            shown(all, &query.get(), lang.get(), remembered.as_deref())
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let pick = move |university: &InstallationListing| {
        if !university.available {
            return;
        }
        browser::store(REMEMBERED_KEY, Some(&university.id));
        chosen.set(Some(university.id.clone()));
    };
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        let count = found.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                event.prevent_default();
                let target = active.get_untracked().or((count == 1).then_some(0));
                if let Some(university) = target.and_then(|i| found.with(|f| f.get(i).cloned())) {
                    pick(&university);
                }
            }
            "Escape" => {
                event.prevent_default();
                query.set(String::new());
                active.set(None);
            }
            _ => {}
        }
    };
    let option_id = |id: &str| format!("mlg-university-{id}");
    view! {
        <label class="mlg-picker__label" for="mlg-university-search">
            {move || lang.get().picker().search_label}
        </label>
        <input
            id="mlg-university-search"
            class="mlg-picker__search"
            data-test="university-search"
            type="text"
            role="combobox"
            autocomplete="off"
            spellcheck="false"
            aria-autocomplete="list"
            aria-controls="mlg-university-list"
            aria-describedby="mlg-university-hint"
            aria-expanded=move || (!found.with(Vec::is_empty)).to_string()
            aria-activedescendant=move || {
                active.get().and_then(|i| found.with(|f| f.get(i).map(|u| option_id(&u.id))))
            }
            prop:value=move || query.get()
            on:input=move |event| {
                query.set(event_target_value(&event));
                active.set(None);
            }
            on:keydown=on_key
        />
        <p id="mlg-university-hint" class="mlg-hint">{move || lang.get().picker().search_hint}</p>
        <p class="mlg-visually-hidden" role="status" data-test="university-count">
            {move || format!("{}: {}", lang.get().picker().found, found.with(Vec::len))}
        </p>
        <ul
            id="mlg-university-list"
            class="mlg-picker__list"
            role="listbox"
            data-test="university-list"
            aria-label=move || lang.get().picker().list_label
        >
            {move || {
                let lang_now = lang.get();
                found
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, university)| {
                        let id = option_id(&university.id);
                        let is_active = move || active.get() == Some(i);
                        let available = university.available;
                        let clicked = university.clone();
                        view! {
                            <li
                                id=id
                                role="option"
                                class="mlg-picker__option"
                                class:mlg-picker__option--active=is_active
                                class:mlg-picker__option--unavailable=!available
                                data-test="university"
                                data-id=university.id.clone()
                                aria-selected=move || is_active().to_string()
                                aria-disabled=(!available).then_some("true")
                                on:click=move |_| pick(&clicked)
                            >
                                <span class="mlg-picker__name">{name_in(&university, lang_now).to_owned()}</span>
                                {(!university.acronyms.is_empty()).then(|| view! {
                                    <span class="mlg-picker__acronym">{format!(" ({})", university.acronyms.join(", "))}</span>
                                })}
                                {(!available).then(|| view! {
                                    <span class="mlg-picker__reason" data-test="unavailable">
                                        {lang_now.picker().unavailable}
                                    </span>
                                })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        {move || found.with(Vec::is_empty).then(|| view! {
            <p class="mlg-picker__none" data-test="no-university">{lang.get().picker().no_match}</p>
        })}
    }
}
