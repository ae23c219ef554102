//! Entry point of the WebAssembly build: mounts the widget wherever the page
//! asks for it.

fn main() {
    mlegitymacja::browser::mark("start");
    // A panic is logged with its message, then every widget shows a readable
    // notice with a reload button instead of going blank.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        mlegitymacja::mount::show_crash_notice();
    }));
    mlegitymacja::mount::mount_all();
}
