//! The course map: what the course is, where the learner stands, and every
//! part with its pages and the tools.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::routes::{self, Route};
use crate::ui::state::{app_state, course};
use crate::ui::util;

#[component]
pub fn HomePage() -> impl IntoView {
    let state = app_state();
    let Ok(course) = course() else {
        return view! { <p>"The course content could not be loaded."</p> }.into_any();
    };
    let parts = course
        .parts()
        .into_iter()
        .map(|(part, pages)| {
            let cards = pages
                .into_iter()
                .map(|p| {
                    let href = util::app_href(&routes::href(&Route::Page(p.front.slug.clone())));
                    let slug = p.front.slug.clone();
                    let done = Memo::new(move |_| state.progress.with(|pr| pr.is_done(&slug)));
                    view! {
                        <li class="card" class:done=done>
                            <a href=href>
                                <span class="card-title">{p.front.title.clone()}</span>
                                <span class="card-summary">{p.front.summary.clone()}</span>
                                <span class="card-status">{move || if done.get() { "✓ Done" } else { "" }}</span>
                            </a>
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <section class="map-part" aria-label=part>
                    <h2>{part}</h2>
                    <ul class="cards">{cards}</ul>
                </section>
            }
        })
        .collect::<Vec<_>>();
    let tools = routes::app_routes()
        .into_iter()
        .filter(|r| r.route != Route::Search && r.route != Route::Review)
        .map(|r| {
            view! {
                <li class="card tool">
                    <a href=util::app_href(r.path)>
                        <span class="card-title">{r.title}</span>
                        <span class="card-summary">{r.summary}</span>
                    </a>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let first = course.pages.first().map(|p| util::app_href(&routes::href(&Route::Page(p.front.slug.clone()))));
    view! {
        <Title text="Rollback Lab · ship risky changes safely, and undo them" />
        <article class="page home">
            <header class="hero">
                <h1>"Rollback Lab"</h1>
                <p class="lead">
                    "A hands-on course for API engineers: canary releases, kill switches, compatible APIs, \
                     expand-and-contract migrations, metric gates, and the playbooks to roll back or roll forward \
                     when a change goes wrong."
                </p>
                {first.map(|href| view! { <p><a class="button primary" href=href>"Start the course →"</a></p> })}
            </header>
            {parts}
            <section class="map-part" aria-label="Tools">
                <h2>"Tools"</h2>
                <ul class="cards">{tools}</ul>
            </section>
        </article>
    }
    .into_any()
}
