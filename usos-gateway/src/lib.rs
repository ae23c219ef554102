//! usos-gateway: the thin server a university runs next to the widget. It
//! signs the student in through USOS (OAuth 1.0a), keeps the tokens sealed in
//! a cookie, and forwards the contract's five methods, signed with the
//! consumer secret that never reaches a browser. Sessions need no state;
//! the watches of students who asked for a push when their card is ready
//! live in a database (`store`), worked through by the watcher (`push`).

pub mod api;
pub mod auth;
pub mod cache;
pub mod config;
pub mod error;
pub mod forward;
pub mod limits;
pub mod log;
pub mod metrics;
pub mod origin;
pub mod push;
pub mod return_to;
pub mod routes;
pub mod session;
pub mod signing;
pub mod store;
pub mod upstream;
pub mod vault;
