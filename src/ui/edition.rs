//! The app is built three times from this crate (see ARCHITECTURE.md,
//! "Three builds"): the **home** build (the course map alone: what a first
//! visit loads, smallest), the **reader** (course map, lessons, glossary,
//! search) and the **tools** build (everything: quiz, simulators, practice,
//! game day). Each entry point hands the shell its own page and directive
//! renderers as plain function pointers, so a smaller build links none of
//! the code of a larger one.

use leptos::prelude::*;

use crate::core::content::ExerciseMeta;
use crate::core::routes::Route;
use crate::ui::state::course;
use crate::ui::util;

/// Which build is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    Home,
    Reader,
    Tools,
}

/// What the entry point gives the shell.
#[derive(Clone, Copy)]
pub struct Config {
    pub edition: Edition,
    /// Parses the embedded course (all of it, or only the outline).
    pub course: fn() -> Result<crate::core::content::Course, Vec<crate::core::content::ContentError>>,
    /// How the progress document is read and written.
    pub codec: crate::store::Codec,
    /// Renders the page of a route.
    pub page: fn(Route) -> AnyView,
    /// Renders a `{{#directive}}` in a lesson.
    pub directive: fn(&str, &[String]) -> AnyView,
    /// Renders the practice part of an exercise page.
    pub exercise: fn(String, ExerciseMeta) -> AnyView,
    /// A page's `##` sections (anchor, text) from its markdown, for the
    /// sidebar. The home build has no page text and links no markdown
    /// parser: it lists none.
    pub sections: fn(&str) -> Vec<(String, String)>,
}

static CONFIG: std::sync::OnceLock<Config> = std::sync::OnceLock::new();

/// Set the build's configuration and parse its course; the entry point
/// calls this once, before mounting. (A global rather than a context, so
/// that event handlers running outside any owner see it too.)
pub fn install(config: Config) {
    if CONFIG.set(config).is_ok() {
        crate::ui::state::load_course(config.course);
    }
}

/// The configuration of this build.
pub fn config() -> Config {
    *CONFIG.get().expect("ui::edition::install runs before mounting")
}

/// Whether a route must be opened in another build (a full page load).
pub fn is_elsewhere(route: &Route) -> bool {
    use crate::core::content::Build;
    let build = match CONFIG.get().map(|c| c.edition) {
        Some(Edition::Home) => Build::Home,
        Some(Edition::Reader) => Build::Reader,
        Some(Edition::Tools) | None => return false,
    };
    course().as_ref().map(|c| !c.serves(build, route)).unwrap_or(true)
}

/// `rel` for a link to `route`: `external` when the router must not handle
/// it (the page lives in another build), so the browser loads it.
pub fn rel_for(route: &Route) -> Option<&'static str> {
    is_elsewhere(route).then_some("external")
}

/// `rel` for an internal href ("/quiz", "/learn/x#y").
pub fn rel_for_href(href: &str) -> Option<&'static str> {
    crate::core::routes::href_route(href).and_then(|r| rel_for(&r))
}

/// Shown for a route that lives in another build: it loads the page (a full
/// navigation the static host answers with the right build).
#[component]
pub fn LoadTools(route: Route) -> impl IntoView {
    let href = util::app_href(&crate::core::routes::href(&route));
    let loc = window().location();
    let target = format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default());
    // A loop guard: if the host answered this address with the reader
    // again, say so instead of reloading for ever.
    let looped = loc.search().unwrap_or_default().contains("tools=1");
    if !looped {
        let sep = if target.contains('?') { '&' } else { '?' };
        let _ = loc.replace(&format!("{target}{sep}tools=1{}", loc.hash().unwrap_or_default()));
    }
    view! {
        <article class="page">
            <h1>{if looped { "This page could not be loaded" } else { "Loading…" }}</h1>
            {looped.then(|| view! {
                <p>"A new version of Rollback Lab is being published, and this page came from the version before. Reload in a moment; your progress is kept in this browser and is not affected."</p>
                <p><a class="button primary" href=href rel="external">"Reload the page"</a></p>
            })}
        </article>
    }
}
