//! The parts of the widget that are not on its first screen. Each function
//! marked `#[wasm_split(part)]` is cut out of the main WebAssembly module by
//! the build (scripts/build-wasm), with the code and data only it uses, into
//! a file fetched the first time it is called. The first status then needs
//! only the main module.
//!
//! A part that cannot be fetched is an `Err(PartMissing)` (the `fallible`
//! option; without it the load would panic and end every widget on the page),
//! and the next call fetches it again. Natively (the tests) the functions are
//! called directly.
//!
//! A part hands back a view's constructor rather than a view, so that the
//! view is built where it is shown, inside its owner (its context, e.g. the
//! language).

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use crate::callback::CallBack;
use crate::components::activation_steps::ActivationSteps;
use crate::components::help_dialog::HelpSections;
use crate::i18n::{en, uk, Texts};

/// A part of the widget could not be fetched (offline, or the server failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartMissing;

impl From<SplitLoaderError> for PartMissing {
    fn from(_: SplitLoaderError) -> Self {
        PartMissing
    }
}

/// A view's constructor, as a part hands it back.
pub type View = fn() -> AnyView;

/// Work done in a part: the future is built, and so compiled, inside it.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The help panel's sections, and their texts in every language.
#[wasm_split(help, fallible, wasm_split_path = ::leptos::wasm_split, preload(preload_help))]
pub fn help() -> Result<View, PartMissing> {
    Ok(|| view! { <HelpSections/> }.into_any())
}

/// "Instrukcja dodania mLegitymacji do mObywatela": the steps, the QR code
/// (and its encoder), its text and the activation code.
#[wasm_split(activation, fallible, wasm_split_path = ::leptos::wasm_split, preload(preload_activation))]
pub fn activation() -> Result<View, PartMissing> {
    Ok(|| view! { <ActivationSteps/> }.into_any())
}

/// The English texts.
#[wasm_split(lang_en, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn english() -> Result<&'static Texts, PartMissing> {
    Ok(&en::TEXTS)
}

/// The Ukrainian texts.
#[wasm_split(lang_uk, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn ukrainian() -> Result<&'static Texts, PartMissing> {
    Ok(&uk::TEXTS)
}

/// Push with the page closed: asking the gateway and the browser, once an
/// order is under way.
#[wasm_split(push, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn prepare_push(call_back: CallBack, order_id: String) -> Result<Task, PartMissing> {
    Ok(Box::pin(call_back.prepare_push(order_id)))
}

/// Push with the page closed: turning it on after the student's press.
#[wasm_split(push, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn turn_push_on(call_back: CallBack) -> Result<Task, PartMissing> {
    Ok(Box::pin(call_back.turn_push_on()))
}

/// Push with the page closed: "Wyłącz".
#[wasm_split(push, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn turn_push_off(call_back: CallBack) -> Result<Task, PartMissing> {
    Ok(Box::pin(call_back.turn_push_off()))
}
