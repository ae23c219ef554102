//! Entry point of the WebAssembly build.

use mlegitymacja::app::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
