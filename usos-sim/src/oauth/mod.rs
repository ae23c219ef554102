//! OAuth 1.0a as a USOS API installation speaks it (`--oauth KEY:SECRET`):
//! the signature check, the provider's tokens, and its HTTP methods
//! (`services/oauth/*` and the student's approval page).

pub mod provider;
pub mod routes;
pub mod signature;

pub use provider::{Consumer, Expect, Provider, Refusal};
