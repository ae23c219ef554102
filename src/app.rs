//! The widget's root: settings, shared state, and the page.

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::api::ApiClient;
use crate::components::help_dialog::{HelpButton, HelpDialog};
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
    provide_context(config);
    store.start();
    // Whether the help panel was opened by the button (then "close" goes
    // back in history) or by its address (then it goes to the panel).
    let help_opened_here = StoredValue::new(false);

    view! {
        <Router>
            <div class="mlg" lang=move || lang.get().tag()>
                <header class="mlg-header">
                    <span class="mlg-header__title">"mLegitymacja"</span>
                    <div class="mlg-header__tools">
                        <HelpButton opened_here=help_opened_here/>
                        <LanguageSwitch/>
                    </div>
                </header>
                <OrderPanel/>
                <HelpDialog opened_here=help_opened_here/>
            </div>
        </Router>
    }
}
