//! The stand-in's whole mutable state, behind one lock, and the clock.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, NaiveDateTime, Utc};
use mcard_common::poland_time;

use crate::faults::Fault;
use crate::profiles::Profile;
use crate::shape::Shape;
use crate::sim::{Delays, Ministry, Now, Student};

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
    /// `--many-students`: each access token is a student of its own, with
    /// their own orders (made at the token's first call).
    pub many_students: bool,
    /// Those students, by access token.
    pub students: HashMap<String, Student>,
    /// How many `services/…` requests reached the stand-in since the start
    /// or the last reset, by method (`cards/mcard`), whatever their answer:
    /// tests count what a page load costs USOS.
    pub calls: BTreeMap<String, u64>,
    /// The ministry as a queue, when set (`--ministry-per-minute`); else
    /// each order takes the student's delays.
    pub ministry: Option<Ministry>,
}

impl World {
    /// The student a call is made for: the one of `token` when each token
    /// is a student of its own (made now, if this is the token's first
    /// call), else the one student; moved along the timeline to now.
    pub fn student_for(&mut self, token: Option<&str>) -> &mut Student {
        pick(
            &mut self.student,
            &mut self.students,
            self.many_students,
            token,
        )
    }

    /// Places an order for the student of `token` now; with the ministry as
    /// a queue, the order joins its line.
    pub fn place_order(
        &mut self,
        token: Option<&str>,
        now: Now,
    ) -> Result<String, crate::sim::Refusal> {
        let mut ministry = self.ministry;
        let student = self.student_for(token);
        student.order(now)?;
        let order = &mut student.orders[0];
        if let Some(ministry) = ministry.as_mut() {
            ministry.queue(order);
        }
        let id = order.id.clone();
        self.ministry = ministry;
        Ok(id)
    }

    /// [`World::student_for`] and the installation's shape, borrowed together.
    pub fn student_and_shape(&mut self, token: Option<&str>) -> (&mut Student, &Shape) {
        let student = pick(
            &mut self.student,
            &mut self.students,
            self.many_students,
            token,
        );
        (student, &self.shape)
    }
}

fn pick<'a>(
    one: &'a mut Student,
    students: &'a mut HashMap<String, Student>,
    many: bool,
    token: Option<&str>,
) -> &'a mut Student {
    let now = now();
    let student = match token {
        Some(token) if many || students.contains_key(token) => {
            let (profile, delays) = (one.profile, one.delays);
            students
                .entry(token.to_owned())
                .or_insert_with(|| Student::new(profile, delays, now))
        }
        _ => one,
    };
    student.advance(now.instant);
    student
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
            many_students: false,
            students: HashMap::new(),
            calls: BTreeMap::new(),
            ministry: None,
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

/// Milliseconds since the Unix epoch: when things happened, for tests and
/// benchmarks to compare.
pub fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// This moment, with Poland's wall-clock time for the dates USOS shows.
pub fn now() -> Now {
    Now {
        instant: Instant::now(),
        local: poland_now(),
    }
}

/// Poland's wall clock now, by the rule the widget and the gateway use.
fn poland_now() -> NaiveDateTime {
    let utc = Utc::now();
    let wall = poland_time::wall_from_unix(utc.timestamp());
    DateTime::from_timestamp(wall, utc.timestamp_subsec_nanos())
        .map_or(utc.naive_utc(), |wall| wall.naive_utc())
}
