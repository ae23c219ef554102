//! The USOS API as the widget uses it: requests, response types, decoding, and
//! the one error type every call can end in.

#[cfg(feature = "ui")]
pub mod client;
pub mod decode;
#[cfg(feature = "ui")]
pub mod early;
pub mod error;
pub mod fields;
pub mod request;
pub mod types;

#[cfg(feature = "ui")]
pub use client::ApiClient;
pub use error::ApiError;
