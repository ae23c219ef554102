//! What the widget knows about mLegitymacja, free of any browser API, so that
//! every rule is tested natively.

pub mod callback;
pub mod dates;
pub mod installations;
pub mod overview;
pub mod polling;
pub mod push;
pub mod status;
pub mod wait;
