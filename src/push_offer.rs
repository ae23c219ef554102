//! Push with the page closed, on this page: what is offered, and the work
//! of turning it on and off. The work runs in the push part
//! (`crate::parts::prepare_push` and the two after it), so it is here, below
//! what loads the part, and the call-back (above) only starts it.

use leptos::prelude::*;

use crate::api::ApiClient;
use crate::browser::{self, NotificationPermission};
use crate::domain::push::{availability, base64url_decode, Unavailable};
use crate::i18n::Lang;
use crate::push;

/// Push with the page closed, as far as this page knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushOffer {
    /// Not offered (the setting, or a gateway without push): the button is
    /// the in-page call-back alone, as before.
    NotOffered,
    /// Offered: the button's press covers the page closed too.
    Offered,
    /// Turning it on or off.
    Working,
    /// The gateway keeps watch for this device.
    On,
    /// The student turned it off.
    Off,
    /// Not possible here, and why.
    Unavailable(Unavailable),
}

/// Push's state on this page, and its work; shares its signals with the
/// call-back and the opt-in button.
#[derive(Clone, Copy)]
pub struct PushWork {
    pub permission: RwSignal<NotificationPermission>,
    pub opted_in: RwSignal<bool>,
    pub push: RwSignal<PushOffer>,
    /// The order whose watch was asked for on this page.
    pub watched: StoredValue<Option<String>>,
    key: StoredValue<Option<Vec<u8>>>,
    client: StoredValue<ApiClient>,
    lang: RwSignal<Lang>,
}

impl PushWork {
    pub fn new(client: ApiClient, lang: RwSignal<Lang>) -> PushWork {
        PushWork {
            permission: RwSignal::new(browser::notification_permission()),
            opted_in: RwSignal::new(false),
            push: RwSignal::new(PushOffer::NotOffered),
            watched: StoredValue::new(None),
            key: StoredValue::new(None),
            client: StoredValue::new(client),
            lang,
        }
    }

    /// Once per order under way (the call-back's `watch_order`): does the
    /// gateway offer push, can this browser do it, and did the student
    /// already ask (then the subscription goes to the gateway again).
    pub async fn prepare(self, order_id: String) {
        let Ok(key) = self.client.get_value().push_key().await else {
            return;
        };
        let Some(key) = base64url_decode(&key.public_key).filter(|k| k.len() == 65) else {
            return;
        };
        self.key.set_value(Some(key));
        if let Err(reason) = availability(&push::facts()) {
            self.push.set(PushOffer::Unavailable(reason));
            return;
        }
        let wanted = push::wanted_order().as_deref() == Some(order_id.as_str());
        if wanted {
            if let Some((subscription, _)) = push::existing_subscription().await {
                if self.send(&subscription).await {
                    self.opted_in
                        .set(browser::notification_permission() == NotificationPermission::Granted);
                    self.push.set(PushOffer::On);
                    return;
                }
            }
        }
        self.push.set(PushOffer::Offered);
    }

    /// The student's press, once the browser allows notifications.
    pub async fn turn_on(self) {
        let next = self.subscribe().await;
        self.push.set(next);
    }

    /// "Wyłącz": the gateway stops watching for this device.
    pub async fn turn_off(self) {
        if let Some(endpoint) = push::unsubscribe().await {
            if let Err(error) = self.client.get_value().push_unsubscribe(&endpoint).await {
                leptos::logging::warn!("mLegitymacja: turning push off: {error}");
            }
        }
        push::set_wanted_order(None);
        self.opted_in.set(false);
        self.push.set(PushOffer::Off);
    }

    /// Subscribes and hands the subscription to the gateway.
    async fn subscribe(self) -> PushOffer {
        let Some(key) = self.key.get_value() else {
            return PushOffer::Unavailable(Unavailable::Failed);
        };
        match push::subscribe(&key).await {
            Ok(subscription) if self.send(&subscription).await => {
                if let Some(id) = self.watched.get_value() {
                    push::set_wanted_order(Some(&id));
                }
                PushOffer::On
            }
            Ok(_) => PushOffer::Unavailable(Unavailable::Failed),
            Err(error) => {
                leptos::logging::warn!("mLegitymacja: subscribing to push: {error:?}");
                PushOffer::Unavailable(Unavailable::Failed)
            }
        }
    }

    /// `POST push/subscriptions`; `true` when the gateway watches.
    async fn send(self, subscription: &str) -> bool {
        let open_url = browser::page_url().unwrap_or_default();
        let body = format!(
            "{{\"subscription\":{subscription},\"lang\":\"{}\",\"open_url\":{}}}",
            self.lang.get_untracked().tag(),
            serde_json::to_string(&open_url).unwrap_or_else(|_| "\"\"".into())
        );
        match self.client.get_value().push_subscribe(body).await {
            Ok(watch) => watch.watching,
            Err(error) => {
                leptos::logging::warn!("mLegitymacja: the gateway's watch: {error}");
                false
            }
        }
    }
}
