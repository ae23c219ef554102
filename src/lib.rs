//! mLegitymacja: the widget through which a student orders their mobile student
//! ID from USOS and adds it to mObywatel.
//!
//! `domain`, `i18n` and the pure parts of `api` decide; `components` show.

// Without the `ui` feature (Cargo.toml) only the pure modules are built.
pub mod api;
#[cfg(feature = "ui")]
pub mod app;
#[cfg(feature = "ui")]
pub mod browser;
#[cfg(feature = "ui")]
pub mod callback;
#[cfg(feature = "ui")]
pub mod components;
pub mod config;
pub mod domain;
pub mod i18n;
#[cfg(feature = "ui")]
pub mod mount;
#[cfg(feature = "ui")]
pub mod part;
#[cfg(feature = "ui")]
pub mod parts;
#[cfg(feature = "ui")]
pub mod push;
#[cfg(feature = "ui")]
pub mod push_offer;
pub mod qr;
#[cfg(feature = "ui")]
pub mod store;
#[cfg(feature = "ui")]
pub mod university;
