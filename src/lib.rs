//! mLegitymacja: the widget through which a student orders their mobile student
//! ID from USOS and adds it to mObywatel.
//!
//! `domain`, `i18n` and the pure parts of `api` decide; `components` show.

pub mod api;
pub mod app;
pub mod browser;
pub mod callback;
pub mod components;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod mount;
pub mod part;
pub mod parts;
pub mod push;
pub mod push_offer;
pub mod qr;
pub mod store;
pub mod university;
