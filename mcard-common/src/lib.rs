//! What the widget (in the browser) and the gateway (on the server) must
//! read and say alike, kept in one place so that they cannot drift apart:
//! the status codes of an mLegitymacja order, with an installation's own
//! codes where they differ, and the words of the call-back when a card is
//! ready (the widget's in-page notification and the gateway's Web Push), and
//! the fields the widget asks for, which its build also writes into the
//! loader's first reads, and Polish time (USOS writes its date-times in it,
//! without an offset).
//!
//! No dependency on the browser or on a server: both build it.

pub mod call_back;
pub mod fields;
pub mod poland_time;
pub mod status;
