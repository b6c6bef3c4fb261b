//! The browser entry point: a panic hook and the mount, nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(rollback_lab::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Rollback Lab runs in the browser: `scripts/serve.sh` builds and serves it.");
    eprintln!("Native tools: `cargo run --release --bin scenario -- canary FILE`.");
    std::process::exit(2);
}
