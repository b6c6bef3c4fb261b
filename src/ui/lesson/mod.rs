//! A content page: lesson, worked example, playbook or exercise prompt,
//! with checkable steps, directives, a "done" toggle and previous/next
//! links. Its prose is adopted from the page the build wrote on a first
//! load, and rendered from its markdown after an in-app navigation
//! (ARCHITECTURE.md, "Written prose").

pub mod directives;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::markdown::{self, RenderOptions};
use crate::core::routes::{self, Route};
use crate::ui::markdown::{render_doc, MdHooks};
use crate::ui::state::{app_state, course};
use crate::ui::util;

#[component]
pub fn ContentPage(slug: String) -> impl IntoView {
    let Ok(course) = course() else {
        return view! { <p>"The course content could not be loaded."</p> }.into_any();
    };
    let Some(index) = course.position(&slug) else {
        return view! {
            <Title text="Page not found · Rollback Lab" />
            <article class="page">
                <h1>"Page not found"</h1>
                <p>"There is no lesson called " <code>{slug}</code> "."</p>
                <p><a href=util::app_href("/")>"Go to the course map"</a></p>
            </article>
        }
        .into_any();
    };
    let page = &course.pages[index];
    let state = app_state();
    let config = crate::ui::edition::config();
    {
        let slug = slug.clone();
        state.update(|p| p.open_page(&slug, util::now_ms()));
    }

    // The prose: adopted from the page the build step wrote (first load of
    // this address), or rendered here. Both have the same elements; the
    // effect below wires the step boxes and fills directive slots alike.
    let written = written_prose(&slug);
    let (body, steps_total) = match &written {
        Some(el) => (().into_any(), written_steps(el)),
        None => {
            let mut doc = markdown::parse(&page.body, RenderOptions { directives: true });
            crate::ui::glossary::glossary().link_first_uses(&mut doc.blocks, &[]);
            let hooks = MdHooks {
                directive: Some(Arc::new(move |name: &str, args: &[String]| (config.directive)(name, args))),
                task: Some(Arc::new(move |index: usize, _default: bool, label_id: String| {
                    view! { <input type="checkbox" class="step-check" data-step=index.to_string() aria-labelledby=label_id /> }
                        .into_any()
                })),
                id_prefix: format!("{slug}-"),
                heading_links: true,
                ..Default::default()
            };
            (render_doc(&doc, &hooks), doc.tasks)
        }
    };
    let prose_ref = NodeRef::<leptos::html::Div>::new();
    let owner = Owner::current();
    let written = StoredValue::new_local(written);
    let mounted = StoredValue::new_local(Vec::new());
    let adopted = StoredValue::new_local(Vec::<web_sys::Node>::new());
    on_cleanup(move || {
        adopted.try_with_value(|nodes| {
            for node in nodes {
                if let Some(parent) = node.parent_node() {
                    parent.remove_child(node).ok();
                }
            }
        });
    });
    let steps_key = slug.clone();
    Effect::new(move |_| {
        let Some(prose) = prose_ref.get() else {
            return;
        };
        if let Some(source) = written.try_update_value(|w| w.take()).flatten() {
            // The opening paragraphs (the part the first paint showed) are
            // adopted now, with their directives; the rest of the page, out
            // of view below them, once the page has been painted (all of it
            // now when the address points into the page). The first frame
            // then lays out and paints about a screen, not the whole lesson.
            let jump = window().location().hash().is_ok_and(|h| h.len() > 1);
            let (lead, mut rest) = adopt(&prose, &source);
            // For the tests: this page's prose was adopted, not rendered.
            util::mark("prose-adopted");
            adopted.set_value(lead);
            let fill_rest = move |prose: &web_sys::HtmlDivElement, rest: Option<web_sys::DocumentFragment>| {
                if let Some(rest) = rest {
                    adopted.update_value(|nodes| nodes.extend(append_fragment(prose, &rest)));
                }
            };
            let all_now = jump || rest.is_none();
            if all_now {
                fill_rest(&prose, rest.take());
            }
            let handles = fill_directive_slots(
                empty_directive_slots(prose.query_selector_all(".directive-slot")),
                config.directive,
                owner.clone(),
            );
            if !all_now {
                // What follows the prose (the exercise, "Mark this page as
                // done", the pager) waits for the rest too (style/lesson.css),
                // or it would be pushed down the screen when the rest comes.
                prose.set_attribute("data-rest", "pending").ok();
                let owner = owner.clone();
                let prose = prose.clone();
                let rest_key = steps_key.clone();
                util::after_next_frame(move || {
                    // The page may have gone in the meantime.
                    if mounted.is_disposed() {
                        return;
                    }
                    let slots = rest.as_ref().map(|r| empty_directive_slots(r.query_selector_all(".directive-slot")));
                    fill_rest(&prose, rest);
                    prose.remove_attribute("data-rest").ok();
                    let handles = fill_directive_slots(slots.unwrap_or_default(), config.directive, owner);
                    mounted.update_value(|m| m.extend(handles));
                    state.progress.with_untracked(|p| show_steps(&prose, p, &rest_key));
                    util::mark("prose-filled");
                    request_animation_frame(util::sync_scroll_stops);
                });
            }
            mounted.update_value(|m| m.extend(handles));
            if all_now {
                util::mark("prose-filled");
            }
        }
        // Each step box shows the stored progress (and follows it).
        state.progress.with(|p| show_steps(&prose, p, &steps_key));
    });
    let change_slug = slug.clone();
    let on_step_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        if let Some(index) = step_index(&input) {
            let key = format!("{change_slug}/{index}");
            state.update(|p| p.set_step(&key, input.checked(), util::now_ms()));
        }
    };
    let steps_slug = slug.clone();
    let steps_done =
        move || state.progress.with(|p| (0..steps_total).filter(|i| p.step(&format!("{steps_slug}/{i}"))).count());

    let prev = index.checked_sub(1).and_then(|i| course.pages.get(i));
    let next = course.pages.get(index + 1);
    let link = |p: &crate::core::content::Page| util::app_href(&routes::href(&Route::Page(p.front.slug.clone())));
    // "prev"/"next", plus "external" when another build serves the page
    // (the router would otherwise take the click and load it in-app).
    let pager_rel = |kind: &'static str, p: &crate::core::content::Page| match crate::ui::edition::rel_for(
        &Route::Page(p.front.slug.clone()),
    ) {
        Some(extra) => format!("{kind} {extra}"),
        None => kind.to_string(),
    };
    let prev_view = prev.map(|p| {
        view! {
            <a class="pager-prev" href=link(p) rel=pager_rel("prev", p)>
                <span class="pager-label">"← Previous"</span>
                <span class="pager-title">{p.front.title.clone()}</span>
            </a>
        }
    });
    let next_view = next.map(|p| {
        view! {
            <a class="pager-next" href=link(p) rel=pager_rel("next", p)>
                <span class="pager-label">"Next →"</span>
                <span class="pager-title">{p.front.title.clone()}</span>
            </a>
        }
    });

    let done_slug = slug.clone();
    let is_done = Memo::new(move |_| state.progress.with(|p| p.is_done(&done_slug)));
    let toggle_slug = slug.clone();
    let toggle_done = move |_| {
        let on = !state.progress.with_untracked(|p| p.is_done(&toggle_slug));
        state.update(|p| p.set_done(&toggle_slug, on, util::now_ms()));
        util::announce(if on { "Marked as done." } else { "Marked as not done." });
    };

    let exercise = page.front.exercise.clone().map(|ex| (config.exercise)(slug.clone(), ex));
    // Opened from an assignment (`?assignment=<its link>`): say so, with the
    // way back to it.
    // (Read reactively: after an in-app navigation the page is made before
    // the router's query has moved on to the new address.)
    let query = leptos_router::hooks::use_query_map();
    let from_assignment = move || {
        query
            .with(|q| q.get("assignment"))
            .and_then(|link| {
                state.progress.with_untracked(|p| {
                    p.assignments.get(&link).map(|a| (a.assignment.title.clone(), a.assignment.due.clone(), link.clone()))
                })
            })
            .map(|(title, due, link)| {
            let due = due.map(|d| format!(" (due {d})")).unwrap_or_default();
            view! {
                <p class="assignment-banner" role="note">
                    {format!("Part of your assignment “{title}”{due}. ")}
                    <a href=util::app_href(&format!("/assignments?a={link}")) rel="external">"← Back to the assignment"</a>
                </p>
            }
        })
    };

    // After the page is in the DOM, honour a #fragment in the address.
    request_animation_frame(move || {
        if let Ok(hash) = window().location().hash() {
            if let Some(id) = hash.strip_prefix('#') {
                if let Some(el) = document().get_element_by_id(id) {
                    el.scroll_into_view();
                }
            }
        }
    });

    let title = format!("{} · Rollback Lab", page.front.title);
    view! {
        <Title text=title />
        <article class="page" class:wide=page.front.exercise.is_some() data-slug=slug.clone()>
            <p class="eyebrow">{page.front.part.clone()}</p>
            {from_assignment}
            // `elementtiming` (not in the view macro's list of attributes):
            // scripts/perf reads when the title is painted.
            {leptos::html::h1()
                .attr("elementtiming", "page-title")
                .child(page.front.title.clone())}
            <p class="summary">{page.front.summary.clone()}</p>
            {(steps_total > 0).then(|| view! {
                <p class="steps-progress" aria-live="polite">
                    {move || format!("{} of {} steps checked", steps_done(), steps_total)}
                </p>
            })}
            <div class="prose" node_ref=prose_ref on:change=on_step_change>{body}</div>
            {exercise}
            <div class="page-done">
                <button type="button" class="button" class:secondary=is_done aria-pressed=move || is_done.get().to_string() on:click=toggle_done>
                    {move || if is_done.get() { "✓ Done — mark as not done" } else { "Mark this page as done" }}
                </button>
            </div>
            <nav class="pager" aria-label="Previous and next page">
                {prev_view}
                {next_view}
            </nav>
        </article>
    }
    .into_any()
}

/// The prose the build step wrote into this page's first paint for `slug`
/// (`data-prose` in the static `.boot`), if it is still there: only the
/// first page of a visit has it.
fn written_prose(slug: &str) -> Option<web_sys::Element> {
    let found = document().query_selector("body > .boot [data-prose]").ok().flatten()?;
    (found.get_attribute("data-prose").as_deref() == Some(slug)).then_some(found)
}

/// Move the written prose's shown opening paragraphs into the app's prose
/// element. Returns the nodes moved, for the page to take away again (the
/// renderer does not know them, and it reuses this element for the next
/// page), and what waited in the `<template>`, for `append_fragment`.
fn adopt(
    prose: &web_sys::HtmlDivElement,
    source: &web_sys::Element,
) -> (Vec<web_sys::Node>, Option<web_sys::DocumentFragment>) {
    use wasm_bindgen::JsCast;
    source.remove_attribute("data-prose").ok();
    let mut moved = Vec::new();
    let mut rest = None;
    while let Some(child) = source.first_child() {
        source.remove_child(&child).ok();
        match child.dyn_ref::<web_sys::HtmlTemplateElement>() {
            Some(template) => rest = Some(template.content()),
            None => {
                if prose.append_child(&child).is_ok() {
                    moved.push(child);
                }
            }
        }
    }
    (moved, rest)
}

/// Move a fragment's nodes to the end of `prose` (one insertion), and
/// return them.
fn append_fragment(prose: &web_sys::HtmlDivElement, fragment: &web_sys::DocumentFragment) -> Vec<web_sys::Node> {
    let children = fragment.child_nodes();
    let nodes: Vec<web_sys::Node> = (0..children.length()).filter_map(|i| children.item(i)).collect();
    if prose.append_child(fragment).is_err() {
        return Vec::new();
    }
    nodes
}

/// Of the `directive-slot`s found in adopted prose, those still empty (the
/// renderer fills them itself).
fn empty_directive_slots(found: Result<web_sys::NodeList, wasm_bindgen::JsValue>) -> Vec<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let Ok(slots) = found else {
        return Vec::new();
    };
    (0..slots.length())
        .filter_map(|i| slots.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()))
        .filter(|slot| !slot.has_child_nodes())
        .collect()
}

/// Render each slot's directive under the page's owner, so it lives and
/// goes with the page.
fn fill_directive_slots(
    slots: Vec<web_sys::HtmlElement>,
    directive: fn(&str, &[String]) -> AnyView,
    owner: Option<Owner>,
) -> Vec<leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>> {
    let mut out = Vec::new();
    for slot in slots {
        let name = slot.get_attribute("data-directive").unwrap_or_default();
        let args: Vec<String> =
            slot.get_attribute("data-args").and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default();
        // Untracked: a directive reading a signal must not make the page's
        // effect run again.
        let mount = move || untrack(|| leptos::mount::mount_to(slot, move || directive(&name, &args)));
        out.push(match &owner {
            Some(owner) => owner.with(mount),
            None => mount(),
        });
    }
    out
}

/// Tick each step box in `prose` as the progress has it (`slug/index`).
fn show_steps(prose: &web_sys::HtmlDivElement, progress: &crate::core::progress::Progress, slug: &str) {
    for_each_step(prose, |input, index| input.set_checked(progress.step(&format!("{slug}/{index}"))));
}

/// Call `f` with each step box in `prose` and its index.
fn for_each_step(prose: &web_sys::HtmlDivElement, mut f: impl FnMut(&web_sys::HtmlInputElement, usize)) {
    use wasm_bindgen::JsCast;
    let Ok(inputs) = prose.query_selector_all("input.step-check") else {
        return;
    };
    for i in 0..inputs.length() {
        if let Some(input) = inputs.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            if let Some(index) = step_index(&input) {
                f(&input, index);
            }
        }
    }
}

fn step_index(input: &web_sys::HtmlInputElement) -> Option<usize> {
    if !input.class_list().contains("step-check") {
        return None;
    }
    input.get_attribute("data-step")?.parse().ok()
}

/// How many step boxes the written prose has (shown or in its template).
fn written_steps(source: &web_sys::Element) -> usize {
    use wasm_bindgen::JsCast;
    let count =
        |found: Result<web_sys::NodeList, wasm_bindgen::JsValue>| found.map(|l| l.length() as usize).unwrap_or(0);
    let in_template = source
        .query_selector("template")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTemplateElement>().ok())
        .map(|t| count(t.content().query_selector_all(".step-check")))
        .unwrap_or(0);
    count(source.query_selector_all(".step-check")) + in_template
}
