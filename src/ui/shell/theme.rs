//! Light and dark themes: the system preference by default, or the learner's
//! choice, remembered in the progress document.

use leptos::prelude::*;

use crate::ui::state::{app_state, AppState};
use crate::ui::util;

/// The theme in effect: the stored choice, else the system preference.
fn effective(choice: Option<String>) -> &'static str {
    match choice.as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => {
            let dark = window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches());
            if dark {
                "dark"
            } else {
                "light"
            }
        }
    }
}

/// Keep `<html data-theme>` in step with the stored choice.
pub fn apply_theme(state: AppState) {
    Effect::new(move |_| {
        let choice = state.progress.with(|p| p.theme.as_ref().map(|t| t.value.clone()));
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", effective(choice));
        }
    });
}

/// A switch between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let state = app_state();
    let is_dark = move || effective(state.progress.with(|p| p.theme.as_ref().map(|t| t.value.clone()))) == "dark";
    let toggle = move |_| {
        let next = if is_dark() { "light" } else { "dark" };
        state.update(|p| p.set_theme(next, util::now_ms()));
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            role="switch"
            aria-checked=move || is_dark().to_string()
            aria-label="Dark theme"
            title="Dark theme"
            on:click=toggle
        >
            <span class="glyph" aria-hidden="true">"☾"</span>
            <span class="label-long" aria-hidden="true">" Dark theme"</span>
            <span class="label-short" aria-hidden="true">" Dark"</span>
            <span class="switch-state" aria-hidden="true">{move || if is_dark() { "on" } else { "off" }}</span>
        </button>
    }
}
