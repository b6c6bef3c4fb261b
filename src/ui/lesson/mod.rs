//! A content page: lesson, worked example, playbook or exercise prompt,
//! rendered from its markdown, with checkable steps, directives, a "done"
//! toggle and previous/next links.

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

    let mut doc = markdown::parse(&page.body, RenderOptions { directives: true });
    crate::ui::glossary::glossary().link_first_uses(&mut doc.blocks, &[]);
    let task_slug = slug.clone();
    let hooks = MdHooks {
        directive: Some(Arc::new(move |name: &str, args: &[String]| (config.directive)(name, args))),
        task: Some(Arc::new(move |index: usize, _default: bool, label_id: String| {
            let key = format!("{task_slug}/{index}");
            let key2 = key.clone();
            let checked = move || state.progress.with(|p| p.step(&key));
            view! {
                <input
                    type="checkbox"
                    class="step-check"
                    aria-labelledby=label_id
                    prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        state.update(|p| p.set_step(&key2, on, util::now_ms()));
                    }
                />
            }
            .into_any()
        })),
        id_prefix: format!("{slug}-"),
        heading_links: true,
        ..Default::default()
    };
    let body = render_doc(&doc, &hooks);
    let steps_total = doc.tasks;
    let steps_slug = slug.clone();
    let steps_done =
        move || state.progress.with(|p| (0..steps_total).filter(|i| p.step(&format!("{steps_slug}/{i}"))).count());

    let prev = index.checked_sub(1).and_then(|i| course.pages.get(i));
    let next = course.pages.get(index + 1);
    let link = |p: &crate::core::content::Page| util::app_href(&routes::href(&Route::Page(p.front.slug.clone())));
    let prev_view = prev.map(|p| {
        view! {
            <a class="pager-prev" href=link(p) rel="prev">
                <span class="pager-label">"← Previous"</span>
                <span class="pager-title">{p.front.title.clone()}</span>
            </a>
        }
    });
    let next_view = next.map(|p| {
        view! {
            <a class="pager-next" href=link(p) rel="next">
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
            <h1>{page.front.title.clone()}</h1>
            <p class="summary">{page.front.summary.clone()}</p>
            {(steps_total > 0).then(|| view! {
                <p class="steps-progress" aria-live="polite">
                    {move || format!("{} of {} steps checked", steps_done(), steps_total)}
                </p>
            })}
            <div class="prose">{body}</div>
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
