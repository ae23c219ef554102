//! A place in the widget for a part fetched on first use (`crate::parts`):
//! "Ładowanie…" while it comes, the problem notice with "Spróbuj ponownie"
//! if it cannot be fetched, then the part itself.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{text, use_lang};
use crate::part::{PartMissing, View};

/// The state of one part's view, shared by whoever shows or prefetches it.
#[derive(Clone, Copy)]
pub struct Later {
    view: RwSignal<Option<View>>,
    failed: RwSignal<bool>,
    fetching: StoredValue<bool>,
    fetch: fn() -> Fetch,
}

/// A part's fetch, as `crate::parts` declares it.
pub type Fetch = std::pin::Pin<Box<dyn Future<Output = Result<View, PartMissing>>>>;

impl Later {
    pub fn new(fetch: fn() -> Fetch) -> Later {
        Later {
            view: RwSignal::new(None),
            failed: RwSignal::new(false),
            fetching: StoredValue::new(false),
            fetch,
        }
    }

    /// Fetches the part ahead of its use, unless it is here, on its way, or
    /// failed before (then where it is shown tries again, with the notice).
    pub fn prefetch(self) {
        if !self.failed.get_untracked() {
            self.fetch();
        }
    }

    /// Fetches the part unless it is here or on its way. A failure shows
    /// where the part is shown.
    pub fn fetch(self) {
        if self.view.get_untracked().is_some() || self.fetching.get_value() {
            return;
        }
        self.fetching.set_value(true);
        self.failed.set(false);
        spawn_local(async move {
            match (self.fetch)().await {
                Ok(view) => self.view.set(Some(view)),
                Err(PartMissing) => self.failed.set(true),
            }
            self.fetching.set_value(false);
        });
    }
}

/// Shows `part`, fetching it first if need be.
#[component]
pub fn LaterView(part: Later) -> impl IntoView {
    let lang = use_lang();
    part.fetch();
    move || {
        if let Some(view) = part.view.get() {
            view()
        } else if part.failed.get() {
            view! { <PartProblem retry=Callback::new(move |()| part.fetch())/> }.into_any()
        } else {
            view! { <p class="mlg-loading" data-test="part-loading">{text(lang, |t| t.loading)}</p> }
                .into_any()
        }
    }
}

/// A part of the widget could not be fetched: what and what to do, and
/// "Spróbuj ponownie".
#[component]
pub fn PartProblem(retry: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="mlg-problem" role="alert" data-test="part-problem">
            <p class="mlg-problem__what">{text(lang, |t| t.part_missing.0)}</p>
            <p class="mlg-problem__todo">{text(lang, |t| t.part_missing.1)}</p>
            <button
                type="button"
                class="mlg-button mlg-button--secondary"
                data-test="part-retry"
                on:click=move |_| retry.run(())
            >
                {text(lang, |t| t.retry)}
            </button>
        </div>
    }
}
