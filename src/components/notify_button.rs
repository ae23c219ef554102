use leptos::prelude::*;

use crate::browser::NotificationPermission;
use crate::callback::CallBack;
use crate::components::{text, use_lang};

/// "Powiadom mnie, gdy mLegitymacja będzie do odbioru": the student's opt-in
/// to a system notification. The browser's prompt comes only from this button.
#[component]
pub fn NotifyButton() -> impl IntoView {
    let lang = use_lang();
    let call_back = expect_context::<CallBack>();
    move || {
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
                    on:click=move |_| call_back.opt_in()
                >
                    {text(lang, |t| t.notify_button)}
                </button>
            }
            .into_any(),
        }
    }
}
