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
//! This module loads the parts and sits above what they hold: it imports
//! the components and the work cut out into them, and nothing it imports
//! imports it back (their types, `crate::part`, are below both).

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::api::ApiClient;
use crate::components::activation_steps::ActivationSteps;
use crate::components::help_sections::HelpSections;
use crate::components::later::Later;
use crate::components::picker::Picker;
use crate::components::university::UniversityLine;
use crate::i18n::{en, uk, Lang, Texts};
use crate::part::{PartMissing, Task, View};
use crate::push_offer::PushWork;
use crate::university::{University, Wait};

/// The parts of the widget fetched on first use that show views, shared
/// by whoever shows or prefetches them.
#[derive(Clone, Copy)]
pub struct LaterParts {
    pub help: Later,
    pub activation: Later,
    pub picker: Later,
}

impl Default for LaterParts {
    fn default() -> LaterParts {
        LaterParts {
            help: Later::new(|| Box::pin(help())),
            activation: Later::new(|| Box::pin(activation())),
            picker: Later::new(|| Box::pin(picker())),
        }
    }
}

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

/// "Wybierz swoją uczelnię": the list of universities and its search, on
/// the shared address of a deployment that serves many.
#[wasm_split(picker, fallible, wasm_split_path = ::leptos::wasm_split, preload(preload_picker))]
pub fn picker() -> Result<View, PartMissing> {
    Ok(|| view! { <Picker/> }.into_any())
}

/// Behind a gateway, once the first status is on screen: which university
/// this page talks to (its help contact; on a shared address, its name and
/// "Zmień uczelnię").
#[wasm_split(university, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn ask_university(university: University, client: ApiClient) -> Result<Task, PartMissing> {
    Ok(Box::pin(async move {
        if university.ask(client).await {
            university
                .line
                .set(Some(|| view! { <UniversityLine/> }.into_any()));
        }
    }))
}

/// Behind a gateway, while an order is on its way: how long orders take
/// at this university now (the university's part too).
#[wasm_split(university, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn ask_wait(wait: Wait, client: ApiClient) -> Result<Task, PartMissing> {
    Ok(Box::pin(wait.ask(client)))
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

/// Makes `lang`'s texts at hand, fetching its part if need be.
pub async fn fetch_lang(lang: Lang) -> Result<(), PartMissing> {
    let texts = match lang {
        Lang::Pl => return Ok(()),
        Lang::En => english().await?,
        Lang::Uk => ukrainian().await?,
    };
    lang.keep(texts);
    Ok(())
}

/// Push with the page closed: asking the gateway and the browser, once an
/// order is under way.
#[wasm_split(push, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn prepare_push(work: PushWork, order_id: String) -> Result<Task, PartMissing> {
    Ok(Box::pin(work.prepare(order_id)))
}

/// Push with the page closed: turning it on after the student's press.
#[wasm_split(push, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn turn_push_on(work: PushWork) -> Result<Task, PartMissing> {
    Ok(Box::pin(work.turn_on()))
}

/// Push with the page closed: "Wyłącz".
#[wasm_split(push, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn turn_push_off(work: PushWork) -> Result<Task, PartMissing> {
    Ok(Box::pin(work.turn_off()))
}
