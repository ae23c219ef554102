//! The USOS API as the widget uses it: requests, response types, decoding, and
//! the one error type every call can end in.

pub mod client;
pub mod decode;
pub mod early;
pub mod error;
pub mod fields;
pub mod request;
pub mod types;

pub use client::ApiClient;
pub use error::ApiError;
