//! The page renderers of the three builds (see `ui::edition`).

use leptos::prelude::*;

use crate::core::content::{Course, ExerciseMeta};
use crate::core::routes::Route;
use crate::ui::edition::{Config, Edition, LoadTools};
use crate::ui::shell::NotFound;
use crate::ui::{glossary, home, lesson, search};

/// The home build: the course map alone (every other page is a link to
/// another build), with the course's outline and none of its text.
pub fn home_config() -> Config {
    Config {
        edition: Edition::Home,
        course: Course::embedded_outline,
        codec: crate::store::OUTLINE,
        page: home_page,
        directive: |_, _| ().into_any(),
        exercise: no_exercise,
        sections: |_| Vec::new(),
    }
}

fn home_page(route: Route) -> AnyView {
    match route {
        Route::Home => view! { <home::HomePage /> }.into_any(),
        Route::NotFound(path) => view! { <NotFound path=path /> }.into_any(),
        other => view! { <LoadTools route=other /> }.into_any(),
    }
}

/// The reader build: course map, plain lessons, glossary, search.
pub fn reader_config() -> Config {
    Config {
        edition: Edition::Reader,
        course: Course::embedded,
        codec: crate::store::FULL,
        page: reader_page,
        directive: lesson::directives::reader,
        exercise: no_exercise,
        sections: crate::ui::shell::nav::page_sections,
    }
}

fn reader_page(route: Route) -> AnyView {
    if crate::ui::edition::is_elsewhere(&route) {
        return view! { <LoadTools route=route /> }.into_any();
    }
    match route {
        Route::Home => view! { <home::HomePage /> }.into_any(),
        Route::Page(slug) => view! { <lesson::ContentPage slug=slug /> }.into_any(),
        Route::Glossary => view! { <glossary::GlossaryPage /> }.into_any(),
        Route::Search => view! { <search::SearchPage /> }.into_any(),
        Route::Print => view! { <crate::ui::print::PrintPage /> }.into_any(),
        Route::NotFound(path) => view! { <NotFound path=path /> }.into_any(),
        other => view! { <LoadTools route=other /> }.into_any(),
    }
}

fn no_exercise(_slug: String, _meta: ExerciseMeta) -> AnyView {
    ().into_any()
}

/// The tools build: every page.
pub fn tools_config() -> Config {
    Config {
        edition: Edition::Tools,
        course: Course::embedded,
        codec: crate::store::FULL,
        page: tools_page,
        directive: lesson::directives::tools,
        exercise: |slug, meta| view! { <crate::ui::exercise::ExercisePractice slug=slug meta=meta /> }.into_any(),
        sections: crate::ui::shell::nav::page_sections,
    }
}

fn tools_page(route: Route) -> AnyView {
    forget_loop_guard();
    use crate::ui::{assignment, canary, checklist, gameday, migration, progress, quiz, runbook};
    match route {
        Route::Quiz => view! { <quiz::QuizPage /> }.into_any(),
        Route::Progress => view! { <progress::ProgressPage /> }.into_any(),
        Route::Runbooks => view! { <runbook::RunbooksPage /> }.into_any(),
        Route::CanarySim => view! { <canary::CanaryPage /> }.into_any(),
        Route::MigrationSim => view! { <migration::MigrationPage /> }.into_any(),
        Route::GameDay => view! { <gameday::GameDayPage /> }.into_any(),
        Route::Checklists => view! { <checklist::ChecklistsPage /> }.into_any(),
        Route::Assignments => view! { <assignment::AssignmentsPage /> }.into_any(),
        Route::Review => view! { <assignment::ReviewPage /> }.into_any(),
        Route::Home => view! { <home::HomePage /> }.into_any(),
        Route::Page(slug) => view! { <lesson::ContentPage slug=slug /> }.into_any(),
        Route::Glossary => view! { <glossary::GlossaryPage /> }.into_any(),
        Route::Search => view! { <search::SearchPage /> }.into_any(),
        Route::Print => view! { <crate::ui::print::PrintPage /> }.into_any(),
        Route::NotFound(path) => view! { <NotFound path=path /> }.into_any(),
    }
}

/// The reader adds `tools=1` when it hands a page over; take it out of the
/// address so links and reloads stay clean.
fn forget_loop_guard() {
    let loc = window().location();
    let search = loc.search().unwrap_or_default();
    if !search.contains("tools=1") {
        return;
    }
    let kept: Vec<&str> =
        search.trim_start_matches('?').split('&').filter(|p| *p != "tools=1" && !p.is_empty()).collect();
    let url = format!(
        "{}{}{}",
        loc.pathname().unwrap_or_default(),
        if kept.is_empty() { String::new() } else { format!("?{}", kept.join("&")) },
        loc.hash().unwrap_or_default()
    );
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
