//! Calls the student back when the order becomes ready while they are in
//! another tab: the tab's title says so until they look, and, if they opted
//! in, a system notification does too. Nothing repeats for the same order.
//!
//! Where the gateway offers it and the browser can, the same opt-in also
//! covers the page being closed: the widget subscribes to a Web Push and
//! the gateway keeps watch over the order.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mcard_common::call_back::{self, Outcome};

use crate::api::types::Mcard;
use crate::api::ApiClient;
use crate::browser::{self, NotificationPermission};
use crate::domain::callback::{attention_title, just_became_ready};
use crate::domain::push::Unavailable;
use crate::domain::status::OrderStatus;
use crate::i18n::Lang;
use crate::part::PartMissing;
use crate::parts;
pub use crate::push_offer::PushOffer;
use crate::push_offer::PushWork;

/// The call-back's state, shared with the opt-in button.
#[derive(Clone, Copy)]
pub struct CallBack {
    /// What the browser allows; `Granted` alone does not opt the student in.
    pub permission: RwSignal<NotificationPermission>,
    /// The student pressed "Powiadom mnie…" and the browser allows it.
    pub opted_in: RwSignal<bool>,
    pub push: RwSignal<PushOffer>,
    /// The page's own title while the call-back's title is shown.
    saved_title: StoredValue<Option<String>>,
    /// The order the student was last called back for.
    called_for: StoredValue<Option<String>>,
    /// Push is being prepared (the part fetched, the gateway asked).
    preparing: StoredValue<bool>,
    /// The student pressed while push was being prepared: the press counts
    /// for push too, once the preparation and the browser have answered.
    pressed_early: StoredValue<bool>,
    /// Push's own state and work (the work in the push part).
    work: PushWork,
}

impl CallBack {
    /// Watches `mcard` for the moment the newest order becomes ready. Never
    /// asks for anything on its own: the permission prompt comes only from
    /// [`CallBack::opt_in`]. With `push_setting`, asks the gateway once
    /// whether it offers push when an order is under way.
    pub fn start(
        mcard: RwSignal<Option<Mcard>>,
        lang: RwSignal<Lang>,
        client: ApiClient,
        push_setting: bool,
    ) -> CallBack {
        let work = PushWork::new(client, lang);
        let call_back = CallBack {
            permission: work.permission,
            opted_in: work.opted_in,
            push: work.push,
            saved_title: StoredValue::new(None),
            called_for: StoredValue::new(None),
            preparing: StoredValue::new(false),
            pressed_early: StoredValue::new(false),
            work,
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
                let under_way = after
                    .latest_order()
                    .filter(|o| matches!(o.status, OrderStatus::Pending | OrderStatus::InProgress))
                    .map(|o| o.id.clone());
                if push_setting {
                    if let Some(id) = under_way {
                        call_back.watch_order(id);
                    }
                }
            }
            after
        });
        call_back
    }

    /// "Powiadom mnie, gdy mLegitymacja będzie do odbioru": asks the browser
    /// once, and opts in if it allows; where push is offered, also
    /// subscribes, so that the gateway tells the student with the page closed.
    pub fn opt_in(self) {
        if matches!(
            self.push.get_untracked(),
            PushOffer::Offered | PushOffer::Off
        ) {
            self.push.set(PushOffer::Working);
            spawn_local(async move {
                let permission = browser::ask_notification_permission().await;
                self.permission.set(permission);
                self.opted_in
                    .set(permission == NotificationPermission::Granted);
                match permission {
                    NotificationPermission::Granted => match parts::turn_push_on(self.work).await {
                        Ok(turn_on) => turn_on.await,
                        Err(PartMissing) => {
                            self.push.set(PushOffer::Unavailable(Unavailable::Failed))
                        }
                    },
                    NotificationPermission::Denied => {
                        self.push.set(PushOffer::Unavailable(Unavailable::Denied))
                    }
                    _ => self.push.set(PushOffer::Offered),
                }
            });
            return;
        }
        if self.preparing.get_value() {
            self.pressed_early.set_value(true);
        }
        spawn_local(async move {
            let permission = browser::ask_notification_permission().await;
            self.permission.set(permission);
            self.opted_in
                .set(permission == NotificationPermission::Granted);
            self.finish_early_press();
        });
    }

    /// A press made while push was being prepared turns push on once push
    /// is offered and the browser allows notifications.
    fn finish_early_press(self) {
        if !self.pressed_early.get_value() || self.preparing.get_value() {
            return;
        }
        let offered = self.push.get_untracked() == PushOffer::Offered;
        match self.permission.get_untracked() {
            NotificationPermission::Granted if offered => {}
            // The browser's answer is still to come.
            NotificationPermission::Ask if offered => return,
            _ => {
                self.pressed_early.set_value(false);
                return;
            }
        }
        self.pressed_early.set_value(false);
        self.push.set(PushOffer::Working);
        spawn_local(async move {
            match parts::turn_push_on(self.work).await {
                Ok(turn_on) => turn_on.await,
                Err(PartMissing) => self.push.set(PushOffer::Unavailable(Unavailable::Failed)),
            }
        });
    }

    /// "Wyłącz": the gateway stops watching for this device, and the page
    /// no longer notifies either.
    pub fn turn_off(self) {
        self.push.set(PushOffer::Working);
        spawn_local(async move {
            match parts::turn_push_off(self.work).await {
                Ok(turn_off) => turn_off.await,
                Err(PartMissing) => self.push.set(PushOffer::On),
            }
        });
    }

    /// Once per order under way: does the gateway offer push, can this
    /// browser do it, and did the student already ask (then the
    /// subscription goes to the gateway again: they can expire silently).
    /// The work is in the push part, fetched only then; if it cannot be
    /// fetched, the button stays the in-page call-back.
    fn watch_order(self, order_id: String) {
        let already = self
            .work
            .watched
            .with_value(|w| w.as_deref() == Some(order_id.as_str()));
        if already {
            return;
        }
        self.work.watched.set_value(Some(order_id.clone()));
        self.preparing.set_value(true);
        // Not before the status is on screen: the push part comes after it.
        browser::after_paint(move || {
            spawn_local(async move {
                match parts::prepare_push(self.work, order_id).await {
                    Ok(prepare) => prepare.await,
                    // Asked again for the next order, or on the next page open.
                    Err(PartMissing) => self.work.watched.set_value(None),
                }
                self.preparing.set_value(false);
                self.finish_early_press();
            });
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
