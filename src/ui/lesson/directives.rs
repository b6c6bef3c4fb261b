//! Components that `{{#directive}}` lines in lessons render.

use leptos::prelude::*;

use crate::ui::state::{app_state, course};
use crate::ui::util;

/// Directives in the reader build: everything but the live simulations
/// (pages with those are served by the tools build).
pub fn reader(name: &str, args: &[String]) -> AnyView {
    common(name, args).unwrap_or_else(|| {
        view! { <p class="directive-missing">{format!("({name}: open this page in the full app)")}</p> }.into_any()
    })
}

/// Directives in the tools build: all of them.
pub fn tools(name: &str, args: &[String]) -> AnyView {
    match (name, args) {
        ("canary", [slug]) => view! { <crate::ui::live::InlineCanary slug=slug.clone() /> }.into_any(),
        ("migration", [slug]) => view! { <crate::ui::live::InlineMigration slug=slug.clone() /> }.into_any(),
        ("threshold", []) => view! { <crate::ui::live::ThresholdExplorer /> }.into_any(),
        _ => reader(name, args),
    }
}

fn common(name: &str, args: &[String]) -> Option<AnyView> {
    Some(match (name, args) {
        ("checklist", [id]) => view! { <LessonChecklist id=id.clone() /> }.into_any(),
        ("run", [engine, slug]) => view! { <RunCard engine=engine.clone() slug=slug.clone() /> }.into_any(),
        ("diagram", args) => crate::ui::diagram::render(args),
        ("quiz", [id]) => view! { <crate::ui::live::QuizCheck id=id.clone() /> }.into_any(),
        _ => return None,
    })
}

/// A checklist from `content/checklist/<id>.toml`, checkable in the lesson.
#[component]
fn LessonChecklist(id: String) -> impl IntoView {
    let state = app_state();
    let Some(def) = course().as_ref().ok().and_then(|c| c.checklists.get(&id)).cloned() else {
        return view! { <p>"This checklist is missing."</p> }.into_any();
    };
    let total = def.items.len();
    let prefix = format!("checklist:{id}/");
    let prefix2 = prefix.clone();
    let done =
        move || state.progress.with(|p| def.items.iter().filter(|i| p.step(&format!("{prefix2}{}", i.id))).count());
    let def2 = course().as_ref().ok().and_then(|c| c.checklists.get(&id)).cloned().unwrap_or_else(|| unreachable!());
    let items = def2
        .items
        .iter()
        .map(|item| {
            let key = format!("{prefix}{}", item.id);
            let key2 = key.clone();
            let input_id = format!("lc-{id}-{}", item.id);
            let checked = move || state.progress.with(|p| p.step(&key));
            view! {
                <li class="task">
                    <input
                        type="checkbox"
                        id=input_id.clone()
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            state.update(|p| p.set_step(&key2, on, util::now_ms()));
                        }
                    />
                    <div class="task-body">
                        <label for=input_id>{item.text.clone()}</label>
                        {(!item.why.is_empty()).then(|| view! { <p class="muted">{item.why.clone()}</p> })}
                        {(!item.evidence.is_empty()).then(|| view! { <p class="muted">"Evidence: " {item.evidence.clone()}</p> })}
                    </div>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="lesson-checklist" aria-labelledby=format!("lc-{id}-title")>
            <h2 id=format!("lc-{id}-title") class="checklist-title">{def2.title.clone()}</h2>
            <p class="steps-progress">{move || format!("{} of {total} answered yes", done())}</p>
            <ul class="task-list">{items}</ul>
            <p>
                <a href=util::app_href("/checklists")>"Use this checklist for a real change →"</a>
            </p>
        </section>
    }
    .into_any()
}

/// "Run this in the simulator": a card with the scenario's title and story.
#[component]
fn RunCard(engine: String, slug: String) -> impl IntoView {
    // Only the title and description are read: the reader build does not
    // link the scenario types.
    let (title, description) = course()
        .as_ref()
        .ok()
        .and_then(|c| c.data.get(&format!("scenarios/{engine}/{slug}.toml")))
        .and_then(|d| {
            let crate::core::content::Data::Json(json) = d;
            serde_json::from_str::<serde_json::Value>(json).ok()
        })
        .map(|v| {
            let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            (field("title"), field("description"))
        })
        .unwrap_or_else(|| (slug.clone(), String::new()));
    let path = format!("/simulators/{engine}?scenario={slug}");
    let rel = crate::ui::edition::rel_for_href(&path);
    let href = util::app_href(&path);
    let tool = if engine == "canary" { "canary simulator" } else { "migration simulator" };
    let label = format!("Run in the {tool}: {title}");
    view! {
        <aside class="run-card" aria-label=label>
            <p class="run-card-title">{title}</p>
            {(!description.is_empty()).then(|| view! { <p class="muted">{description}</p> })}
            <a class="button primary" href=href rel=rel>{format!("▶ Run this in the {tool}")}</a>
        </aside>
    }
}
