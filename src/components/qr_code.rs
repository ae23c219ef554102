use leptos::prelude::*;

use crate::components::{text, use_lang};
use crate::qr::qr_picture;

/// The QR code as SVG: black modules on white with a quiet zone, sharp at any
/// size, big enough to scan from a laptop screen.
#[component]
pub fn QrCode(#[prop(into)] token: Signal<String>) -> impl IntoView {
    let lang = use_lang();
    let picture = Memo::new(move |_| qr_picture(&token.get()));
    move || {
        picture.get().map(|picture| {
            let view_box = format!("0 0 {0} {0}", picture.size);
            view! {
                <svg
                    class="mlg-qr"
                    data-test="qr"
                    viewBox=view_box
                    role="img"
                    aria-label=text(lang, |t| t.qr_alt)
                    shape-rendering="crispEdges"
                >
                    <rect width=picture.size height=picture.size fill="#ffffff"></rect>
                    <path d=picture.path fill="#000000"></path>
                </svg>
            }
        })
    }
}
