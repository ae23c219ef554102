use leptos::prelude::*;

use crate::domain::status::{OrderStatus, Tone};
use crate::i18n::Lang;

/// A status as a badge: icon and text, coloured by tone, its meaning at hand
/// as a tooltip and for screen readers.
#[component]
pub fn StatusBadge(
    #[prop(into)] status: Signal<OrderStatus>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let tone = move || match status.get().tone() {
        Tone::Waiting => "mlg-badge mlg-badge--waiting",
        Tone::Action => "mlg-badge mlg-badge--action",
        Tone::Success => "mlg-badge mlg-badge--success",
        Tone::Failure => "mlg-badge mlg-badge--failure",
        Tone::Neutral => "mlg-badge mlg-badge--neutral",
    };
    let meaning = move || status.get().meaning(lang.get()).unwrap_or_default();
    view! {
        <span class=tone data-status=move || status.get().code().to_owned() title=meaning>
            <span class="mlg-badge__icon" aria-hidden="true">{move || status.get().icon()}</span>
            <span class="mlg-badge__label">{move || status.get().label(lang.get()).to_owned()}</span>
        </span>
    }
}
