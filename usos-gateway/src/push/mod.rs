//! Web Push when the card is ready: the student's browser subscribes, the
//! gateway keeps watch over the order with the student's token, and tells
//! the browser's push service when the order reaches an outcome.

pub mod endpoint;
pub mod handlers;
pub mod mcard;
pub mod schedule;
pub mod send;
pub mod subscription;
pub mod vapid;
pub mod watcher;

use std::time::Duration;

use crate::push::endpoint::PushServices;
use crate::push::send::Sender;
use crate::store::Store;
use crate::vault::Vault;

/// Everything push needs, present only when the gateway offers it.
pub struct Push {
    pub store: Store,
    pub sender: Sender,
    pub vault: Vault,
    pub services: PushServices,
    /// How long a watch may last.
    pub watch_lifetime: Duration,
    /// This copy's name in the lease columns: unique per process.
    pub holder: String,
    /// How long a taken watch stays with this copy unless renewed.
    pub lease: Duration,
}

/// A name no other copy has: the host's, the process's, and a random part.
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "gateway".to_owned());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}
