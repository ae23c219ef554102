//! usos-sim as a browser's push service (RFC 8030), for tests: it makes
//! subscriptions the way a browser would (a P-256 key pair and an
//! authentication secret it keeps), receives what the gateway pushes to
//! them, checks the VAPID JWT (RFC 8292) and the headers, decrypts the
//! message (RFC 8291) and lists what arrived under `/_sim/push/`.

pub mod ece;
pub mod routes;
pub mod service;
pub mod vapid;
