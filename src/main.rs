//! Entry point of the WebAssembly build: mounts the widget wherever the page
//! asks for it.

fn main() {
    console_error_panic_hook::set_once();
    mlegitymacja::mount::mount_all();
}
