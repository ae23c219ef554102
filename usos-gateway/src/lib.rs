//! usos-gateway: the thin server a university (or one deployment for many)
//! runs next to the widget. It signs the student in through their
//! university's USOS (OAuth 1.0a), keeps the tokens sealed in a cookie with
//! the installation's id, and forwards the contract's five methods, signed
//! with that installation's consumer secret, which never reaches a browser. Sessions need no state;
//! the watches of students who asked for a push when their card is ready
//! live in a database (`store`), worked through by the watcher (`push`).

pub mod address;
pub mod api;
pub mod auth;
pub mod cache;
pub mod config;
pub mod error;
pub mod forward;
pub mod import;
pub mod installation;
pub mod installations_file;
pub mod journey;
pub mod limits;
pub mod log;
pub mod metrics;
pub mod migrations;
pub mod origin;
pub mod push;
pub mod return_to;
pub mod routes;
pub mod session;
pub mod signing;
pub mod state;
pub mod store;
pub mod upstream;
pub mod vault;
