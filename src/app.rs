//! The widget's root: settings, shared state, and the page.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::api::ApiClient;
use crate::components::language_switch::LanguageSwitch;
use crate::components::order_panel::OrderPanel;
use crate::config::Config;
use crate::store::Store;

/// The whole widget.
#[component]
pub fn App() -> impl IntoView {
    let config = Config::from_page();
    let lang = RwSignal::new(config.lang);
    provide_context(lang);
    let store = Store::new(ApiClient::new(&config.api_base));
    provide_context(store);
    store.refresh();

    view! {
        <Router>
            <div class="mlg" lang=move || lang.get().tag()>
                <header class="mlg-header">
                    <span class="mlg-header__title">"mLegitymacja"</span>
                    <LanguageSwitch/>
                </header>
                <Routes fallback=OrderPanel>
                    <Route path=path!("/") view=OrderPanel/>
                </Routes>
            </div>
        </Router>
    }
}
