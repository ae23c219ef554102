//! What the rush's model (`rush-model`) and its real run (`rush-load`)
//! share: how the widget words a wait, for the reports.

use mlegitymacja::api::types::WaitNow;
use mlegitymacja::domain::wait::{message, WaitMessage};

/// What the widget shows about the wait for `wait` (the gateway's last
/// hour), in short, for a table: its Polish words, or what it warns of.
pub fn wait_said(wait: &WaitNow) -> String {
    match message(Some(wait)) {
        WaitMessage::Generic => "kilka minut".to_owned(),
        WaitMessage::About { minutes } => format!("około {minutes} min"),
        WaitMessage::MinistryProblems => "the ministry has problems".to_owned(),
    }
}
