//! The widget's state: what the API last told us, and what went wrong since.
//! A failed request never clears what the student already sees.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::types::Mcard;
use crate::api::{ApiClient, ApiError};

/// Whether this university issues mLegitymacja through USOS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Not asked yet, or the answer did not come.
    Unknown,
    Offered,
    NotOffered,
}

/// Signals shared by the widget's components.
#[derive(Clone, Copy)]
pub struct Store {
    pub client: StoredValue<ApiClient>,
    pub support: RwSignal<Support>,
    /// The last `mcard` answer that decoded; kept through failures.
    pub mcard: RwSignal<Option<Mcard>>,
    /// The last failure, cleared by the next success.
    pub problem: RwSignal<Option<ApiError>>,
    /// A read is under way.
    pub loading: RwSignal<bool>,
}

impl Store {
    pub fn new(client: ApiClient) -> Store {
        Store {
            client: StoredValue::new(client),
            support: RwSignal::new(Support::Unknown),
            mcard: RwSignal::new(None),
            problem: RwSignal::new(None),
            loading: RwSignal::new(false),
        }
    }

    /// Asks whether mLegitymacja is offered (once), then reads `mcard`.
    pub fn refresh(self) {
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        spawn_local(async move {
            let result = self.read().await;
            self.loading.set(false);
            match result {
                Ok(()) => self.problem.set(None),
                Err(error) => {
                    leptos::logging::warn!("mLegitymacja: {error}");
                    self.problem.set(Some(error));
                }
            }
        });
    }

    async fn read(self) -> Result<(), ApiError> {
        let client = self.client.get_value();
        if self.support.get_untracked() == Support::Unknown {
            let installation = client.installation().await?;
            if !installation.mcards_support {
                self.support.set(Support::NotOffered);
                return Ok(());
            }
            self.support.set(Support::Offered);
        }
        if self.support.get_untracked() == Support::Offered {
            let mcard = client.mcard().await?;
            self.mcard.set(Some(mcard));
        }
        Ok(())
    }
}
