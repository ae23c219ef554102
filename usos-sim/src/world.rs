//! The stand-in's whole mutable state, behind one lock, and the clock.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::Utc;
use chrono_tz::Europe::Warsaw;

use crate::faults::Fault;
use crate::profiles::Profile;
use crate::shape::Shape;
use crate::sim::{Delays, Now, Student};

/// What the installation offers and who is signed in.
#[derive(Debug)]
pub struct World {
    pub mcards_support: bool,
    pub student: Student,
    /// Without `--oauth`: whether the student's portal session is on (the
    /// stand-in's `/auth/login` and `/auth/logout`, as the gateway has them).
    pub signed_in: bool,
    /// What goes wrong on purpose (see `faults`).
    pub faults: Vec<Fault>,
    /// How this installation differs from the contract (see `shape`).
    pub shape: Shape,
    /// The shape given at start, which `/_sim/reset` goes back to.
    pub start_shape: Shape,
    /// QR tokens and activation codes of students a reset replaced, so that
    /// `/_sim/issued` can list every one handed out since the start.
    pub retired_codes: Vec<(&'static str, String)>,
}

/// Shared by every handler.
#[derive(Clone, Debug)]
pub struct SharedWorld(Arc<Mutex<World>>);

impl SharedWorld {
    pub fn new(
        profile: Profile,
        delays: Delays,
        mcards_support: bool,
        faults: Vec<Fault>,
    ) -> SharedWorld {
        SharedWorld(Arc::new(Mutex::new(World {
            mcards_support,
            signed_in: true,
            student: Student::new(profile, delays, now()),
            faults,
            shape: Shape::default(),
            start_shape: Shape::default(),
            retired_codes: Vec::new(),
        })))
    }

    /// Makes `shape` the installation's, now and after every reset.
    pub fn set_start_shape(&self, shape: Shape) {
        let mut world = self.lock();
        world.shape = shape.clone();
        world.start_shape = shape;
    }

    /// The world, with every order moved along its timeline to this moment.
    pub fn lock(&self) -> MutexGuard<'_, World> {
        let mut world = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        world.student.advance(Instant::now());
        world
    }
}

/// This moment, with Poland's wall-clock time for the dates USOS shows.
pub fn now() -> Now {
    Now {
        instant: Instant::now(),
        local: Utc::now().with_timezone(&Warsaw).naive_local(),
    }
}
