//! The widget's visible pieces, one per file. They show signals and send
//! events; every decision is made in `domain` or `api`.

pub mod eligibility;
pub mod language_switch;
pub mod order_panel;
pub mod order_summary;
pub mod problem_notice;
pub mod status_badge;

use leptos::prelude::*;

use crate::i18n::Lang;

/// The language the student chose, provided by the app.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}
