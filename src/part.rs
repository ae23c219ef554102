//! What a part of the widget is (`crate::parts` loads them): a view's
//! constructor or a task, and the one error when it cannot be fetched. Its
//! own module, below both what loads the parts and what they hold, so that
//! neither imports the other for it.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

/// A part of the widget could not be fetched (offline, or the server failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartMissing;

impl From<SplitLoaderError> for PartMissing {
    fn from(_: SplitLoaderError) -> Self {
        PartMissing
    }
}

/// A view's constructor, as a part hands it back: the view is built where
/// it is shown, inside its owner (its context, e.g. the language).
pub type View = fn() -> AnyView;

/// Work done in a part: the future is built, and so compiled, inside it.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;
