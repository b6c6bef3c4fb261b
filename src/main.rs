//! The browser entry point of the reader build (course map, lessons,
//! glossary, search): a panic hook and the mount, nothing else. The tools
//! build's entry point is `src/tools.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    rollback_lab::ui::mount_reader();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Rollback Lab runs in the browser: `scripts/serve.sh` builds and serves it.");
    eprintln!("Native tools: `cargo run --release --bin scenario -- canary FILE`.");
    std::process::exit(2);
}
