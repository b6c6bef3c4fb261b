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
pub mod print;
pub mod progress;
pub mod quiz;
pub mod runbook;
pub mod search;
pub mod session;
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

fn mount<V: leptos::prelude::IntoView + 'static>(config: edition::Config, root: fn() -> V) {
    edition::install(config);
    leptos::mount::mount_to_body(root);
}
