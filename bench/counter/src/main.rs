//! The smallest useful Leptos 0.8 app, built with the widget's release profile
//! so that `scripts/bench` can say what the widget costs beyond Leptos itself.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        let count = RwSignal::new(0);
        view! {
            <button on:click=move |_| count.update(|n| *n += 1)>{move || count.get()}</button>
        }
    });
}
