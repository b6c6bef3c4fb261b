//! The browser entry point of the home build (the course map alone, the
//! smallest first load): a panic hook and the mount, nothing else. The
//! reader's entry point is `src/main.rs`, the tools' `src/tools.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    rollback_lab::ui::mount_home();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The home build runs in the browser: `scripts/serve.sh` builds and serves it.");
    std::process::exit(2);
}
