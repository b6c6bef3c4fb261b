//! The Leptos view layer (browser only). One folder per feature; views call
//! core methods through signals and never compute themselves.

pub mod assignment;
pub mod canary;
pub mod chart;
pub mod checklist;
pub mod diagram;
pub mod edition;
pub mod exercise;
pub mod form;
pub mod gameday;
pub mod glossary;
pub mod home;
pub mod lesson;
pub mod live;
pub mod markdown;
pub mod migration;
pub mod pages;
pub mod progress;
pub mod quiz;
pub mod runbook;
pub mod search;
pub mod shell;
pub mod state;
pub mod util;

pub use shell::{App, HomeApp};

/// Mount the home build (the course map alone, without a router).
pub fn mount_home() {
    mount(pages::home_config(), HomeApp);
}

/// Mount the reader build (course map, lessons, glossary, search).
pub fn mount_reader() {
    mount(pages::reader_config(), App);
}

/// Mount the tools build (every page).
pub fn mount_tools() {
    mount(pages::tools_config(), App);
}

/// Start in two steps. First what touches neither the page nor its layout:
/// the course (`edition::install`) and local storage, whose first read in
/// a tab loads it (a few ms). Then, once the boot script says the page's
/// first contentful paint is on screen (`window.__rollbackLabPainted`, a
/// promise), the render. The boot script instantiates the .wasm as soon as
/// the first frame is out, so the first step runs while the browser is
/// still presenting that frame (ARCHITECTURE.md, "First load"). Without
/// the promise (`trunk serve`, the browser tests) the render follows at once.
fn mount<V: leptos::prelude::IntoView + 'static>(config: edition::Config, root: fn() -> V) {
    util::mark("app-loaded");
    edition::install(config);
    let _ = crate::store::web::is_persistent();
    match painted() {
        Some(painted) => wasm_bindgen_futures::spawn_local(async move {
            // It only ever resolves (after a second at most).
            let _ = wasm_bindgen_futures::JsFuture::from(painted).await;
            leptos::mount::mount_to_body(root);
        }),
        None => leptos::mount::mount_to_body(root),
    }
}

/// The boot script's "first contentful paint is on screen" promise.
fn painted() -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;
    let value = js_sys::Reflect::get(&leptos::prelude::window(), &"__rollbackLabPainted".into()).ok()?;
    value.dyn_into::<js_sys::Promise>().ok()
}
