//! The browser entry point of the tools build (every page: quiz,
//! simulators, practice, game day, and the reader's pages too): a panic hook
//! and the mount, nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    rollback_lab::ui::mount_tools();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The tools build runs in the browser: `scripts/serve.sh` builds and serves it.");
    std::process::exit(2);
}
