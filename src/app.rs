//! The widget's root: settings, shared state, and the page.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::ApiClient;
use crate::browser;
use crate::callback::{CallBack, PushOffer};
use crate::components::help_dialog::{address_help_nav, local_help_nav, HelpButton, HelpDialog};
use crate::components::language_switch::{LanguageChoice, LanguageProblem, LanguageSwitch};
use crate::components::order_panel::OrderPanel;
use crate::components::sign_in::SignOutButton;
use crate::config::{Config, Routing, SettingError};
use crate::domain::status::OrderStatus;
use crate::i18n::Lang;
use crate::parts::LaterParts;
use crate::store::Store;
use crate::university::{University, Wait};

/// The whole widget, configured.
#[component]
pub fn App(config: Config) -> impl IntoView {
    let lang = RwSignal::new(config.lang);
    provide_context(lang);
    provide_context(LanguageChoice::new(lang));
    let store = Store::new(
        ApiClient::from_config(&config),
        config.polling,
        config.poll_interval_ms,
    );
    provide_context(store);
    provide_context(CallBack::start(
        store.mcard,
        lang,
        ApiClient::from_config(&config),
        config.push,
    ));
    // Only a widget that owns the page may change its address, and the
    // language the page declares.
    if config.routing == Routing::Path {
        Effect::new(move |_| browser::set_page_lang(lang.get().tag()));
    }
    // Behind a gateway (it signs students in), which university this page
    // talks to: its help contact, and on a shared address "Zmień uczelnię".
    let config_has_gateway = config.login_url.is_some();
    let client_for_university = ApiClient::from_config(&config);
    provide_context(match config.routing {
        Routing::Path => address_help_nav(),
        Routing::None => local_help_nav(),
    });
    provide_context(config);
    let parts = LaterParts::default();
    provide_context(parts);
    prefetch_parts(store, parts);
    let university = University::default();
    provide_context(university);
    let wait = Wait::default();
    provide_context(wait);
    if config_has_gateway {
        ask_university(store, university, client_for_university.clone());
        ask_wait(store, university, wait, client_for_university);
    }
    // With push on for the order, a hidden tab need not check.
    let call_back = expect_context::<CallBack>();
    Effect::new(move |_| store.set_push_on(call_back.push.get() == PushOffer::On));
    store.start();

    view! {
        <div class="mlg" lang=move || lang.get().tag()>
            <Widget/>
        </div>
    }
}

/// Once the first status is on screen, fetches what a press is likely to
/// need next, so that the press does not wait: the activation steps (with
/// the QR code) whenever an order is on its way or ready, and, a moment
/// after the first status, the help panel and the other languages.
fn prefetch_parts(store: Store, parts: LaterParts) {
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(activation_soon) = store.mcard.with(|m| {
            m.as_ref().map(|m| {
                m.latest_order().is_some_and(|o| {
                    matches!(
                        o.status,
                        OrderStatus::Pending | OrderStatus::InProgress | OrderStatus::Ready
                    )
                })
            })
        }) else {
            return;
        };
        let first = !started.get_value();
        started.set_value(true);
        browser::after_paint(move || {
            if activation_soon {
                parts.activation.prefetch();
            }
            if !first {
                return;
            }
            set_timeout(
                move || {
                    parts.help.prefetch();
                    for lang in Lang::ALL {
                        leptos::task::spawn_local(async move {
                            let _ = crate::parts::fetch_lang(lang).await;
                        });
                    }
                },
                IDLE_DELAY,
            );
        });
    });
}

/// Once a student's status is on screen (they are signed in), asks the
/// gateway which university this is, after the frame that shows it, in the
/// university's part.
fn ask_university(store: Store, university: University, client: ApiClient) {
    Effect::new(move |_| {
        if store.mcard.with(Option::is_some) && university.take_turn() {
            let client = client.clone();
            browser::after_paint(move || {
                leptos::task::spawn_local(async move {
                    match crate::parts::ask_university(university, client).await {
                        Ok(ask) => ask.await,
                        Err(_) => university.forget(),
                    }
                });
            });
        }
    });
}

/// While an order is on its way, how long orders take at this university
/// now: asked after the frame that shows the status (it is not needed for
/// the first badge), and again every few minutes, in the university's part
/// — once the gateway has said which university this is (a page whose API
/// is not the gateway's asks nothing).
fn ask_wait(store: Store, university: University, wait: Wait, client: ApiClient) {
    Effect::new(move |_| {
        let under_way = store.mcard.with(|m| {
            m.as_ref()
                .and_then(|m| m.latest_order())
                .is_some_and(|o| matches!(o.status, OrderStatus::Pending | OrderStatus::InProgress))
        });
        let gateway_answered = university.current.with(Option::is_some);
        if under_way && gateway_answered && wait.take_turn(js_sys::Date::now()) {
            let client = client.clone();
            browser::after_paint(move || {
                leptos::task::spawn_local(async move {
                    if let Ok(ask) = crate::parts::ask_wait(wait, client).await {
                        ask.await;
                    }
                });
            });
        }
    });
}

/// How long after the first status the rest is fetched: the page is idle
/// by then.
const IDLE_DELAY: Duration = Duration::from_millis(500);

/// Header, order panel and help panel.
#[component]
fn Widget() -> impl IntoView {
    let university = expect_context::<University>();
    view! {
        <header class="mlg-header">
            <span class="mlg-header__title">"mLegitymacja"</span>
            <div class="mlg-header__tools">
                <HelpButton/>
                <LanguageSwitch/>
                <SignOutButton/>
            </div>
        </header>
        <LanguageProblem/>
        {move || university.line.get().map(|line| line())}
        <OrderPanel/>
        <HelpDialog/>
    }
}

/// Shown instead of the widget when the page's settings cannot be used.
#[component]
pub fn SettingsProblem(errors: Vec<SettingError>, lang: Lang) -> impl IntoView {
    let t = lang.texts();
    view! {
        <div class="mlg" lang=lang.tag()>
            <div class="mlg-problem" role="alert" data-test="settings-problem">
                <p class="mlg-problem__what">{t.settings_problem}</p>
                <p class="mlg-problem__todo">{t.settings_problem_todo}</p>
                <ul class="mlg-problem__list">
                    {errors.into_iter().map(|e| view! { <li><code>{e.to_string()}</code></li> }).collect_view()}
                </ul>
            </div>
        </div>
    }
}
