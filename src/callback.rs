//! Calls the student back when the order becomes ready while they are in
//! another tab: the tab's title says so until they look, and, if they opted
//! in, a system notification does too. Nothing repeats for the same order.

use leptos::prelude::*;
use mcard_common::call_back::{self, Outcome};

use crate::api::types::Mcard;
use crate::browser::{self, NotificationPermission};
use crate::domain::callback::{attention_title, just_became_ready};
use crate::i18n::Lang;

/// The call-back's state, shared with the opt-in button.
#[derive(Clone, Copy)]
pub struct CallBack {
    /// What the browser allows; `Granted` alone does not opt the student in.
    pub permission: RwSignal<NotificationPermission>,
    /// The student pressed "Powiadom mnie…" and the browser allows it.
    pub opted_in: RwSignal<bool>,
    /// The page's own title while the call-back's title is shown.
    saved_title: StoredValue<Option<String>>,
    /// The order the student was last called back for.
    called_for: StoredValue<Option<String>>,
}

impl CallBack {
    /// Watches `mcard` for the moment the newest order becomes ready. Never
    /// asks for anything on its own: the permission prompt comes only from
    /// [`CallBack::opt_in`].
    pub fn start(mcard: RwSignal<Option<Mcard>>, lang: RwSignal<Lang>) -> CallBack {
        let call_back = CallBack {
            permission: RwSignal::new(browser::notification_permission()),
            opted_in: RwSignal::new(false),
            saved_title: StoredValue::new(None),
            called_for: StoredValue::new(None),
        };
        browser::listen("visibilitychange", true, move || {
            if browser::page_visible() {
                call_back.seen();
            }
        });
        Effect::new(move |before: Option<Option<Mcard>>| {
            let after = mcard.get();
            if let Some(after) = &after {
                if let Some(order) = just_became_ready(before.flatten().as_ref(), after) {
                    call_back.call(&order.id, lang.get_untracked());
                }
            }
            after
        });
        call_back
    }

    /// "Powiadom mnie, gdy mLegitymacja będzie do odbioru": asks the browser
    /// once, and opts in if it allows.
    pub fn opt_in(self) {
        leptos::task::spawn_local(async move {
            let permission = browser::ask_notification_permission().await;
            self.permission.set(permission);
            self.opted_in
                .set(permission == NotificationPermission::Granted);
        });
    }

    fn call(self, order_id: &str, lang: Lang) {
        let already = self
            .called_for
            .with_value(|called| called.as_deref() == Some(order_id));
        if already || browser::page_visible() {
            return;
        }
        self.called_for.set_value(Some(order_id.to_owned()));
        let ready = lang.texts().statuses.ready.0;
        if let Some(title) = browser::title() {
            browser::set_title(&attention_title(ready, &title));
            self.saved_title.set_value(Some(title));
        }
        if self.opted_in.get_untracked() {
            let message = call_back::message(Outcome::Ready, lang.tag());
            browser::notify(
                message.title,
                message.body,
                &call_back::tag(order_id),
                lang.tag(),
            );
        }
    }

    /// The student looked: the page's own title comes back.
    fn seen(self) {
        if let Some(title) = self.saved_title.try_update_value(Option::take).flatten() {
            browser::set_title(&title);
        }
    }
}
