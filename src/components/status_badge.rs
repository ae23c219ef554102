use leptos::prelude::*;

use crate::domain::status::{OrderStatus, Tone};
use crate::i18n::Lang;

/// A status as a badge: an icon and the instruction's name, coloured by tone,
/// its meaning at hand as a tooltip.
#[component]
pub fn StatusBadge(
    #[prop(into)] status: Signal<OrderStatus>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let class = move || {
        let tone = match status.get().tone() {
            Tone::Waiting => "waiting",
            Tone::Action => "action",
            Tone::Success => "success",
            Tone::Failure => "failure",
            Tone::Neutral => "neutral",
        };
        format!("mlg-badge mlg-badge--{tone}")
    };
    let meaning = move || status.get().explanation(lang.get()).unwrap_or_default();
    view! {
        <span class=class data-status=move || status.get().name().to_owned() title=meaning>
            <span class="mlg-badge__icon" aria-hidden="true">{move || status.get().icon()}</span>
            <span class="mlg-badge__label">{move || status.get().label(lang.get()).to_owned()}</span>
        </span>
    }
}
