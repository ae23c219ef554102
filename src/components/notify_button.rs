use leptos::prelude::*;

use crate::browser::NotificationPermission;
use crate::callback::{CallBack, PushOffer};
use crate::components::{text, use_lang};
use crate::domain::push::Unavailable;
use crate::i18n::Texts;

/// "Powiadom mnie, gdy mLegitymacja będzie do odbioru": the student's opt-in
/// to a system notification. The browser's prompt comes only from this
/// button. Where the gateway offers push, the same press also covers the
/// page being closed; then "Wyłącz" turns it off.
#[component]
pub fn NotifyButton() -> impl IntoView {
    let lang = use_lang();
    let call_back = expect_context::<CallBack>();
    let in_page = move || {
        if call_back.opted_in.get() {
            return view! {
                <p class="mlg-hint" data-test="notify-on">{text(lang, |t| t.notify_on)}</p>
            }
            .into_any();
        }
        match call_back.permission.get() {
            NotificationPermission::Unsupported => ().into_any(),
            NotificationPermission::Denied => view! {
                <p class="mlg-hint" data-test="notify-blocked">{text(lang, |t| t.notify_blocked)}</p>
            }
            .into_any(),
            NotificationPermission::Ask | NotificationPermission::Granted => view! {
                <button
                    type="button"
                    class="mlg-button mlg-button--secondary"
                    data-test="notify"
                    disabled=move || call_back.push.get() == PushOffer::Working
                    on:click=move |_| call_back.opt_in()
                >
                    {text(lang, |t| t.notify_button)}
                </button>
            }
            .into_any(),
        }
    };
    move || match call_back.push.get() {
        PushOffer::On => view! {
            <div class="mlg-push" data-test="push-on">
                <p class="mlg-hint">{text(lang, |t| t.push_on)}</p>
                <button
                    type="button"
                    class="mlg-button mlg-button--secondary"
                    data-test="push-off"
                    on:click=move |_| call_back.turn_off()
                >
                    {text(lang, |t| t.push_off_button)}
                </button>
            </div>
        }
        .into_any(),
        PushOffer::Off => view! {
            <p class="mlg-hint" data-test="push-off-done">{text(lang, |t| t.push_off_done)}</p>
            {in_page}
        }
        .into_any(),
        // Blocked notifications: the in-page hint already says so.
        PushOffer::Unavailable(Unavailable::Denied) => in_page.into_any(),
        PushOffer::Unavailable(reason) => view! {
            {in_page}
            <p class="mlg-hint" data-test="push-unavailable" data-reason=reason_name(reason)>
                {move || reason_text(lang.get().texts(), reason)}
            </p>
        }
        .into_any(),
        PushOffer::NotOffered | PushOffer::Offered | PushOffer::Working => in_page.into_any(),
    }
}

fn reason_text(t: &Texts, reason: Unavailable) -> &'static str {
    match reason {
        Unavailable::NoPushApi => t.push_no_api,
        Unavailable::OtherOrigin => t.push_other_origin,
        Unavailable::IosHomeScreen => t.push_ios,
        Unavailable::Failed | Unavailable::Denied => t.push_failed,
    }
}

fn reason_name(reason: Unavailable) -> &'static str {
    match reason {
        Unavailable::NoPushApi => "no-push-api",
        Unavailable::OtherOrigin => "other-origin",
        Unavailable::IosHomeScreen => "ios-home-screen",
        Unavailable::Failed => "failed",
        Unavailable::Denied => "denied",
    }
}
