//! Your progress: a summary, export as JSON, import (validated, confirmed,
//! never silently overwriting), reset with confirmation, and the backups of
//! anything that could not be read.

use leptos::prelude::*;
use leptos_meta::Title;
use wasm_bindgen::JsCast;

use crate::core::progress::{merge, Progress};
use crate::store::{self, ImportCheck};
use crate::ui::state::{app_state, course};
use crate::ui::util;

/// The largest file the import accepts.
const MAX_IMPORT_BYTES: f64 = 5_000_000.0;

/// One thing the learner made, as the progress page lists it.
struct Made {
    at: f64,
    /// Where it is (none for a quiz attempt: the quiz page lists them all).
    href: Option<String>,
    name: String,
    state: String,
    when: String,
}

/// A list of [`Made`], newest first, or `empty` when there is none.
fn made_list(mut rows: Vec<Made>, empty: &'static str) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    rows.sort_by(|a, b| b.at.total_cmp(&a.at));
    let items = rows
        .into_iter()
        .map(|m| {
            let name = match m.href {
                Some(href) => view! { <a href=href>{m.name}</a> }.into_any(),
                None => view! { <span>{m.name}</span> }.into_any(),
            };
            view! {
                <li class="item-row">
                    {name}
                    <span class="muted">{m.state}</span>
                    <span class="muted">{m.when}</span>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! { <ul class="item-list">{items}</ul> }.into_any()
}

/// Everything the learner made, each with its state and a link back to it:
/// drafts with their rubric, quiz attempts, runbooks, checklists, game days.
#[component]
fn WorkDone() -> impl IntoView {
    let state = app_state();
    let drafts = move || {
        state.progress.with(|p| {
            p.drafts
                .iter()
                .filter(|(_, d)| !d.text.trim().is_empty() || !d.rubric.is_empty())
                .map(|(slug, d)| {
                    let page = course().as_ref().ok().and_then(|c| c.page(slug));
                    let title = page.map(|p| p.front.title.clone()).unwrap_or_else(|| slug.clone());
                    let ids: Vec<String> = page
                        .and_then(|p| p.front.exercise.as_ref())
                        .map(|m| crate::ui::exercise::rubric_items(m).into_iter().map(|(id, _)| id).collect())
                        .unwrap_or_default();
                    let marked = ids.iter().filter(|id| d.rubric.contains_key(*id)).count();
                    let words = crate::core::markdown::word_count(&d.text);
                    let mut state = format!(
                        "{words} {} · rubric {marked} of {} marked",
                        if words == 1 { "word" } else { "words" },
                        ids.len()
                    );
                    if d.revealed_at.is_some() {
                        state.push_str(if d.gave_up { " · model answer seen early" } else { " · model answer seen" });
                    }
                    if !d.others.is_empty() {
                        state.push_str(" · another tab's text waits for you");
                    }
                    Made {
                        at: d.at,
                        href: Some(util::app_href(&format!("/learn/{slug}"))),
                        name: title,
                        state,
                        when: format!("saved {}", util::format_time(d.at)),
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let attempts = move || {
        state.progress.with(|p| {
            p.quiz_attempts
                .iter()
                .map(|a| Made {
                    at: a.finished_at,
                    href: None,
                    name: format!("{} / {} ({} %)", a.score.correct, a.score.total, a.score.percent),
                    state: if a.score.passed { "passed" } else { "not passed" }.to_string(),
                    when: util::format_time(a.finished_at),
                })
                .collect::<Vec<_>>()
        })
    };
    let runbooks = move || {
        state.progress.with(|p| {
            p.runbooks
                .values()
                .filter(|r| r.deleted_at.is_none() && !r.is_untouched())
                .map(|r| {
                    let n = r.issues().len();
                    Made {
                        at: r.updated_at,
                        href: Some(util::app_href(&format!("/runbooks?id={}", r.id))),
                        name: if r.name.trim().is_empty() { "Untitled change".to_string() } else { r.name.clone() },
                        state: if n == 0 { "complete".to_string() } else { format!("{n} to fix") },
                        when: format!("updated {}", util::format_time(r.updated_at)),
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let checklists = move || {
        state.progress.with(|p| {
            p.checklists
                .values()
                .filter(|c| c.deleted_at.is_none())
                .map(|c| Made {
                    at: c.updated_at,
                    href: Some(util::app_href(&format!("/checklists?id={}", c.id))),
                    name: c.name.clone(),
                    state: c.readiness().to_string(),
                    when: format!("updated {}", util::format_time(c.updated_at)),
                })
                .collect::<Vec<_>>()
        })
    };
    let gamedays = move || {
        state.progress.with(|p| {
            p.gamedays
                .iter()
                .map(|g| Made {
                    at: g.finished_at,
                    href: Some(util::app_href(&format!("/game-day?seed={}", g.seed))),
                    name: format!("Incident #{}", g.seed),
                    state: format!("{} points (best possible {})", g.score.points, g.best_points),
                    when: util::format_time(g.finished_at),
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section aria-labelledby="work-title" class="work-done">
            <h2 id="work-title">"What you have done"</h2>
            <h3>"Exercise drafts"</h3>
            {move || made_list(drafts(), "No drafts yet.")}
            <h3>"Quick test"</h3>
            {move || made_list(attempts(), "Not taken yet.")}
            <p><a href=util::app_href("/quiz")>"The quick test, with every attempt and its review →"</a></p>
            <h3>"Runbooks"</h3>
            {move || made_list(runbooks(), "No runbooks yet.")}
            <h3>"Pre-deploy checklists"</h3>
            {move || made_list(checklists(), "No checklists yet.")}
            <h3>"Game days"</h3>
            {move || made_list(gamedays(), "No game days yet.")}
        </section>
    }
}

/// Pages done and attempts, for the confirmations.
fn describe(p: &Progress) -> String {
    p.describe()
}

#[component]
pub fn ProgressPage() -> impl IntoView {
    let state = app_state();
    let pending = RwSignal::new(None::<Progress>);
    let import_error = RwSignal::new(None::<String>);
    let confirm_reset = RwSignal::new(false);
    let backups = RwSignal::new(store::backups(store::web::backend().as_ref()));

    let export = move |_| {
        let json = state.progress.with_untracked(|p| p.to_json_pretty());
        let date = String::from(js_sys::Date::new_0().to_iso_string()).chars().take(10).collect::<String>();
        match util::download(&format!("rollback-lab-progress-{date}.json"), "application/json", &json) {
            Ok(()) => util::announce("Your progress was downloaded."),
            Err(e) => util::announce(&format!("Could not download: {e}")),
        }
    };

    let on_file = move |ev: leptos::ev::Event| {
        import_error.set(None);
        pending.set(None);
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        if file.size() > MAX_IMPORT_BYTES {
            import_error.set(Some(format!(
                "This file is {:.1} MB; a progress file is a few kilobytes. Nothing was changed.",
                file.size() / 1_000_000.0
            )));
            input.set_value("");
            return;
        }
        let promise = file.text();
        input.set_value("");
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_string()) {
                Some(text) => match store::check_import(&text) {
                    ImportCheck::Valid { progress, .. } => pending.set(Some(*progress)),
                    ImportCheck::Invalid(msg) => import_error.set(Some(msg)),
                },
                None => import_error.set(Some("The file could not be read as text. Nothing was changed.".into())),
            }
        });
    };

    let replace = move |_| {
        if let Some(p) = pending.get_untracked() {
            state.update(|cur| *cur = p);
            pending.set(None);
            util::announce("Your progress was replaced by the imported file.");
        }
    };
    let merge_in = move |_| {
        if let Some(p) = pending.get_untracked() {
            state.update(|cur| *cur = merge(cur, &p));
            pending.set(None);
            util::announce("The imported progress was merged into yours.");
        }
    };
    let reset = move |_| {
        state.update(|p| {
            let theme = p.theme.clone();
            *p = Progress::default();
            p.theme = theme;
        });
        confirm_reset.set(false);
        util::focus_after_render(&["#reset-open"]);
        util::announce("Your progress was reset.");
    };

    let slugs: Vec<String> =
        course().as_ref().map(|c| c.pages.iter().map(|p| p.front.slug.clone()).collect()).unwrap_or_default();
    let total_pages = slugs.len();
    let summary = move || {
        state.progress.with(|p| {
            let refs: Vec<&str> = slugs.iter().map(String::as_str).collect();
            let done = refs.iter().filter(|s| p.is_done(s)).count();
            (p.completion(&refs), done, p.quiz_attempts.len(), p.best_attempt().map(|a| a.score.percent))
        })
    };

    let backup_rows = move || {
        backups
            .get()
            .into_iter()
            .map(|key| {
                let k1 = key.clone();
                let k2 = key.clone();
                let download = move |_| {
                    let raw = store::web::backend().get(&k1).ok().flatten().unwrap_or_default();
                    let name = format!("{}.txt", k1.replace(':', "-"));
                    let _ = util::download(&name, "text/plain", &raw);
                };
                let delete = move |_| {
                    let _ = store::web::backend().remove(&k2);
                    backups.set(store::backups(store::web::backend().as_ref()));
                };
                view! {
                    <li>
                        <code>{key}</code>
                        " "
                        <button type="button" class="button" on:click=download>"Download"</button>
                        " "
                        <button type="button" class="button danger" on:click=delete>"Delete"</button>
                    </li>
                }
            })
            .collect::<Vec<_>>()
    };

    view! {
        <Title text="Your progress · Rollback Lab" />
        <article class="page progress-page">
            <p class="eyebrow">"Tools"</p>
            <h1>"Your progress"</h1>
            <p class="summary">
                "Everything is kept in this browser's local storage, nowhere else. Export it to move to another browser or to keep a copy."
            </p>
            <section aria-labelledby="progress-summary">
                <h2 id="progress-summary">"Summary"</h2>
                {move || {
                    let (pct, done, attempts, best) = summary();
                    view! {
                        <ul class="summary-list">
                            <li>{format!("Course completion: {pct} %")}</li>
                            <li>{format!("Pages done: {done} of {total_pages}")}</li>
                            <li>{format!("Quiz attempts: {attempts}")}</li>
                            <li>{match best { Some(b) => format!("Best quiz score: {b} %"), None => "Best quiz score: not taken yet".into() }}</li>
                        </ul>
                    }
                }}
            </section>
            <WorkDone />
            <section aria-labelledby="export-title">
                <h2 id="export-title">"Export"</h2>
                <p>"A JSON file with everything: pages, steps, quiz attempts, drafts."</p>
                <button type="button" class="button primary" on:click=export>"Download progress (JSON)"</button>
            </section>
            <section aria-labelledby="import-title">
                <h2 id="import-title">"Import"</h2>
                <p>"Load a file exported from Rollback Lab. You will see what it contains before anything changes."</p>
                <label for="import-file" class="file-label">"Choose a progress file"</label>
                <input type="file" id="import-file" accept=".json,application/json" on:change=on_file aria-describedby="import-status" />
                <div id="import-status">
                    {move || import_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                </div>
                {move || pending.get().map(|p| {
                    let theirs = describe(&p);
                    let ours = state.progress.with(describe);
                    view! {
                        <div class="confirm" role="alertdialog" aria-labelledby="import-confirm-title" aria-describedby="import-confirm-text">
                            <h3 id="import-confirm-title">"Replace your progress?"</h3>
                            <p id="import-confirm-text">
                                {format!("This browser has {ours}. The file has {theirs}. Replacing discards what this browser has. Merging keeps everything from both; where both changed the same thing (a draft, a runbook), the newer one is used, and a draft written in both is kept twice for you to choose.")}
                            </p>
                            <div class="confirm-actions">
                                <button type="button" class="button danger" on:click=replace>"Replace with the file"</button>
                                <button type="button" class="button" on:click=merge_in>"Merge both"</button>
                                <button type="button" class="button secondary" on:click=move |_| pending.set(None)>"Cancel"</button>
                            </div>
                        </div>
                    }
                })}
            </section>
            <section aria-labelledby="reset-title">
                <h2 id="reset-title">"Reset"</h2>
                <p>"Forget every page, step, attempt and draft in this browser. Download a copy first if you may want it back."</p>
                <Show
                    when=move || confirm_reset.get()
                    fallback=move || view! {
                        <button type="button" class="button danger" id="reset-open" on:click=move |_| {
                            confirm_reset.set(true);
                            util::focus_after_render(&["#reset-cancel"]);
                        }>"Reset progress…"</button>
                    }
                >
                    <div class="confirm" role="alertdialog" aria-labelledby="reset-confirm-title">
                        <h3 id="reset-confirm-title">"Reset all progress in this browser?"</h3>
                        <div class="confirm-actions">
                            <button type="button" class="button danger" on:click=reset>"Yes, reset everything"</button>
                            <button type="button" class="button secondary" id="reset-cancel" on:click=move |_| {
                                confirm_reset.set(false);
                                util::focus_after_render(&["#reset-open"]);
                            }>"Cancel"</button>
                        </div>
                    </div>
                </Show>
            </section>
            <Show when=move || !backups.get().is_empty()>
                <section aria-labelledby="backups-title">
                    <h2 id="backups-title">"Backups"</h2>
                    <p>"Copies of saved data this version could not read, or kept before an upgrade."</p>
                    <ul class="backups">{backup_rows}</ul>
                </section>
            </Show>
        </article>
    }
}
