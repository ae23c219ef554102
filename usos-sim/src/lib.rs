//! usos-sim: a local stand-in for a USOS API installation's mLegitymacja
//! methods, which simulates the university and the ministry (MC) behind them.

pub mod api;
pub mod control;
pub mod demo;
pub mod faults;
pub mod html;
pub mod installations;
pub mod oauth;
pub mod profiles;
pub mod push;
pub mod server;
pub mod shape;
pub mod sim;
pub mod usos;
pub mod world;
