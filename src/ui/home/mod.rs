//! The course map: what the course is, where the learner stands, and every
//! part with its pages and the tools.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::progress::NextStep;
use crate::core::routes::{self, Route};
use crate::ui::quiz::PassBadge;
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
                    let rel = crate::ui::edition::rel_for(&Route::Page(p.front.slug.clone()));
                    let slug = p.front.slug.clone();
                    let done = Memo::new(move |_| state.progress.with(|pr| pr.is_done(&slug)));
                    view! {
                        <li class="card" class:done=done>
                            <a href=href rel=rel>
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
                    <a href=util::app_href(r.path) rel=crate::ui::edition::rel_for(&r.route)>
                        <span class="card-title">{r.title}</span>
                        <span class="card-summary">{r.summary}</span>
                    </a>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let slugs: Vec<String> = course.pages.iter().map(|p| p.front.slug.clone()).collect();
    let total_pages = slugs.len();
    let title_of = move |slug: &str| course.page(slug).map(|p| p.front.title.clone()).unwrap_or_default();
    let page_href = |slug: &str| util::app_href(&routes::href(&Route::Page(slug.to_string())));
    let dashboard = move || {
        let refs: Vec<&str> = slugs.iter().map(String::as_str).collect();
        state.progress.with(|p| {
            let pct = p.completion(&refs);
            let done = refs.iter().filter(|s| p.is_done(s)).count();
            let best = p.best_attempt().map(|a| a.score.clone());
            let (label, href) = match p.next_step(&refs) {
                NextStep::Start(s) => (format!("Start the course: {}", title_of(&s)), page_href(&s)),
                NextStep::Continue(s) => (format!("Continue where you left off: {}", title_of(&s)), page_href(&s)),
                NextStep::Next(s) => (format!("Next: {}", title_of(&s)), page_href(&s)),
                NextStep::TakeQuiz => ("Take the quick test".to_string(), util::app_href("/quiz")),
                NextStep::Finished => ("Review the quick test".to_string(), util::app_href("/quiz")),
            };
            let fresh = p.lessons.is_empty() && p.quiz_attempts.is_empty() && p.steps.is_empty();
            view! {
                <section class="dashboard" aria-labelledby="dashboard-title">
                    <h2 id="dashboard-title" class:visually-hidden=fresh>"Your progress"</h2>
                    {(!fresh).then(|| view! {
                        <div class="dash-grid">
                            <div class="dash-item">
                                <p class="dash-label" id="completion-label">"Course completion"</p>
                                <p class="dash-value">{format!("{pct} %")}</p>
                                <p class="dash-note muted">{format!("Counts {} pages and the quick test", total_pages)}</p>
                                <progress max="100" value=pct.to_string() aria-labelledby="completion-label"></progress>
                            </div>
                            <div class="dash-item">
                                <p class="dash-label">"Pages done"</p>
                                <p class="dash-value">{format!("{done} of {total_pages}")}</p>
                            </div>
                            <div class="dash-item">
                                <p class="dash-label">"Quick test"</p>
                                {match best {
                                    Some(b) => view! {
                                        <p class="dash-value">{format!("Best {} %", b.percent)}</p>
                                        <p>{format!("{} / {}", b.correct, b.total)} " " <PassBadge passed=b.passed /></p>
                                    }.into_any(),
                                    None => view! { <p class="dash-value">"Not taken yet"</p> }.into_any(),
                                }}
                            </div>
                        </div>
                    })}
                    <p><a class="button primary" href=href.clone() rel=crate::ui::edition::rel_for_href(&crate::ui::util::strip_base(&href)) data-testid="next-step">{label} " →"</a></p>
                </section>
            }
        })
    };
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
            </header>
            {dashboard}
            {parts}
            <section class="map-part" aria-label="Tools">
                <h2>"Tools"</h2>
                <ul class="cards">{tools}</ul>
            </section>
        </article>
    }
    .into_any()
}
