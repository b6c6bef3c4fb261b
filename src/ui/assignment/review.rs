//! The instructor's review page: open a submission file, see each answer
//! beside the model answer and the rubric, write feedback (kept in the
//! store), and export it as Markdown. Nothing in the file is executed: it is
//! parsed into typed data and shown as text or through the escaping renderer.

use leptos::prelude::*;
use leptos_meta::Title;
use wasm_bindgen::JsCast;

use crate::core::assignment::{Assignment, AssignmentItem, ExerciseInfo, Review, Submission, MAX_SUBMISSION_BYTES};
use crate::core::draft::Draft;
use crate::core::markdown::{self, RenderOptions};
use crate::core::progress::Mark;
use crate::ui::form::Field;
use crate::ui::markdown::{render_doc, Markdown, MdHooks};
use crate::ui::state::{app_state, course};
use crate::ui::util;

/// The opened submission is kept across reloads (`ui::session`), as the
/// text of its file.
const SESSION: &str = "review";

#[component]
pub fn ReviewPage() -> impl IntoView {
    // The file opened before a reload comes back (it was checked then; it is
    // parsed again, and a damaged copy is said and forgotten).
    let kept = crate::ui::session::kept(SESSION).map(|t| Submission::parse(&t));
    let kept_problem = matches!(kept, Some(Err(_)));
    if kept_problem {
        crate::ui::session::forget(SESSION);
    }
    let submission = RwSignal::new(kept.and_then(Result::ok));
    let error = RwSignal::new(
        kept_problem.then(|| "The submission you had open could not be brought back; open its file again.".to_string()),
    );
    let keep = move |text: &str| crate::ui::session::keep(SESSION, text);
    let on_file = move |ev: leptos::ev::Event| {
        error.set(None);
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        if file.size() > MAX_SUBMISSION_BYTES as f64 {
            error.set(Some(format!(
                "This file is {:.0} KB; a submission is far smaller. Nothing was opened.",
                file.size() / 1024.0
            )));
            input.set_value("");
            return;
        }
        let promise = file.text();
        input.set_value("");
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_string()) {
                Some(text) => match Submission::parse(&text) {
                    Ok(s) => {
                        keep(&text);
                        submission.set(Some(s));
                        util::announce("Submission opened.");
                    }
                    Err(e) => error.set(Some(e)),
                },
                None => error.set(Some("The file could not be read as text.".into())),
            }
        });
    };
    let open_example = move |_| {
        error.set(None);
        let example = example_submission();
        keep(&serde_json::to_string(&example).unwrap_or_default());
        submission.set(Some(example));
        util::announce("The example submission is open.");
    };
    view! {
        <Title text="Review a submission · Rollback Lab" />
        <article class="page wide">
            <p class="eyebrow">"Tools"</p>
            <h1>"Review a submission"</h1>
            <p class="summary">
                "Open the file a learner sent you. Their answers appear beside the model answers and the rubric, with room for your feedback."
            </p>
            <div class="field">
                <label for="review-file" class="file-label">"Submission file (.json)"</label>
                <input type="file" id="review-file" accept=".json,application/json" on:change=on_file aria-describedby="review-status" />
            </div>
            <p class="muted">
                "No file yet? "
                <button type="button" class="button link-button" on:click=open_example>"Open an example submission"</button>
                " to see how a review works: a learner's draft of exercise 2 with gaps to comment on."
            </p>
            <div id="review-status">
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            </div>
            {move || submission.get().map(|s| view! { <SubmissionView submission=s /> })}
        </article>
    }
}

#[component]
fn SubmissionView(submission: Submission) -> impl IntoView {
    let state = app_state();
    let key = Review::key(&submission);
    let key_s = StoredValue::new(key.clone());
    let sub_s = StoredValue::new(submission.clone());
    let review = Memo::new(move |_| {
        state.progress.with(|p| key_s.with_value(|k| p.reviews.get(k).cloned().unwrap_or_default()))
    });
    let edit = move |f: &dyn Fn(&mut Review)| {
        let now = util::now_ms();
        state.update(|p| {
            let r = key_s.with_value(|k| p.reviews.entry(k.clone()).or_default());
            f(r);
            r.updated_at = now;
        });
    };
    let export = move |_| {
        let md = sub_s.with_value(|s| review.with_untracked(|r| r.to_markdown(s)));
        let who: String = sub_s
            .with_value(|s| s.learner.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase());
        let name = if who.is_empty() { "feedback.md".to_string() } else { format!("feedback-{who}.md") };
        match util::download(&name, "text/markdown", &md) {
            Ok(()) => util::announce("Feedback downloaded."),
            Err(e) => util::announce(&format!("Could not download: {e}")),
        }
    };
    let who = if submission.learner.is_empty() { "(no name given)".to_string() } else { submission.learner.clone() };
    let exercises = submission
        .exercises
        .iter()
        .map(|e| {
            let model = course().as_ref().ok().and_then(|c| c.answers.get(&e.slug).cloned()).unwrap_or_else(|| "_No model answer for this item._".into());
            let model_doc = markdown::parse(&model, RenderOptions::default());
            let answer = e.answer.clone();
            let slug = e.slug.clone();
            let slug2 = e.slug.clone();
            let rubric = e
                .rubric
                .iter()
                .map(|r| {
                    let mark = match r.mark {
                        Some(true) => "✓ does this",
                        Some(false) => "✗ not yet",
                        None => "– not marked",
                    };
                    view! { <li><span class="rubric-mark">{mark}</span> " " {r.text.clone()}</li> }
                })
                .collect::<Vec<_>>();
            view! {
                <section class="review-exercise" aria-labelledby=format!("rv-{}", e.slug)>
                    <h2 id=format!("rv-{}", e.slug)>{e.title.clone()}</h2>
                    {e.model_answer_note().map(|n| view! { <p class="muted model-answer-note">{n}</p> })}
                    <div class="compare-grid">
                        <div class="compare-col">
                            <h3>"Learner's answer"</h3>
                            <div class="prose">
                                {if answer.trim().is_empty() {
                                    view! { <p class="muted">"No answer written."</p> }.into_any()
                                } else {
                                    view! { <Markdown source=Signal::derive(move || answer.clone()) id_prefix=format!("rv-{slug}-") /> }.into_any()
                                }}
                            </div>
                        </div>
                        <div class="compare-col model-answer">
                            <h3>"Model answer"</h3>
                            <div class="prose">{render_doc(&model_doc, &MdHooks { id_prefix: format!("rvm-{}-", e.slug), ..Default::default() })}</div>
                        </div>
                    </div>
                    <h3>"Rubric, as the learner marked it"</h3>
                    <ul class="plain-list">{rubric}</ul>
                    <Field label=format!("Feedback on {}", e.title) id=format!("rv-fb-{}", e.slug) multiline=true rows=4
                        value=Signal::derive(move || review.with(|r| r.feedback.get(&slug2).cloned().unwrap_or_default()))
                        on_set=Callback::new({
                            let slug = e.slug.clone();
                            move |v: String| edit(&|r: &mut Review| { r.feedback.insert(slug.clone(), v.clone()); })
                        }) />
                </section>
            }
        })
        .collect::<Vec<_>>();
    let quiz = submission.quiz.clone().map(|q| {
        let rows = q
            .attempts
            .iter()
            .map(|a| view! { <li>{format!("{}: {} / {} ({} %)", a.finished_at, a.correct, a.total, a.percent)}</li> })
            .collect::<Vec<_>>();
        view! {
            <section class="review-quiz" aria-labelledby="rv-quiz">
                <h2 id="rv-quiz">{format!("Quick test (pass mark {} %)", q.pass_percent)}</h2>
                {if q.attempts.is_empty() {
                    view! { <p class="muted">"Not taken."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">{rows}</ul>
                        <p>{format!("Best: {} % — {}", q.best_percent.unwrap_or(0), if q.met_pass_mark { "meets the pass mark" } else { "below the pass mark" })}</p>
                    }.into_any()
                }}
                <Field label="Feedback on the quick test" id="rv-fb-quiz" multiline=true rows=3
                    value=Signal::derive(move || review.with(|r| r.feedback.get("quiz").cloned().unwrap_or_default()))
                    on_set=Callback::new(move |v: String| edit(&|r: &mut Review| { r.feedback.insert("quiz".into(), v.clone()); })) />
            </section>
        }
    });
    view! {
        <section class="submission" aria-labelledby="sub-title">
            <h2 id="sub-title">{format!("{} — {}", submission.assignment.title, who)}</h2>
            <p class="muted">
                {format!("Prepared {}", submission.created)}
                {submission.assignment.due.clone().map(|d| format!(" · due {d}"))}
            </p>
            {exercises}
            {quiz}
            <section aria-labelledby="rv-overall-title">
                <h2 id="rv-overall-title">"Overall feedback"</h2>
                <Field label="Overall feedback" id="rv-overall" multiline=true rows=4 visually_hidden_label=true
                    value=Signal::derive(move || review.with(|r| r.overall.clone()))
                    on_set=Callback::new(move |v: String| edit(&|r: &mut Review| r.overall = v.clone())) />
                <p class="muted">"Your feedback is kept in this browser while you write."</p>
                <p><button type="button" class="button primary" on:click=export>"Download feedback (Markdown)"</button></p>
            </section>
        </section>
    }
}

/// A made-up learner's submission of exercise 2, good in parts and with the
/// gaps reviewers meet most (no validation query, no last safe rollback
/// point), so an instructor can try the review page before a real file.
fn example_submission() -> Submission {
    let assignment = Assignment {
        title: "Week 2: migrations (example)".into(),
        instructions: "Plan the zero-downtime rename of `status` to `order_status`.".into(),
        items: vec![AssignmentItem::Exercise { slug: "exercise-2".into() }],
        due: None,
    };
    let text = "## Plan\n\n\
1. **Expand**: `ALTER TABLE orders ADD COLUMN order_status text;` (nullable, no default, so no rewrite).\n\
2. **Dual write**: release 1.50 writes both columns behind `orders.dual_write`, default off.\n\
3. **Backfill**: batches of 1,000 ids, `UPDATE orders SET order_status = status WHERE id BETWEEN $1 AND $2 AND order_status IS NULL;`, paused when replica lag passes 1.5 s.\n\
4. **Switch reads** behind `orders.read_order_status`, 5 % → 25 % → 100 %.\n\
5. **Contract**: drop `status` a release later.\n\n\
Rollback: turn the read flag off.\n";
    let infos_owned = super::exercise_infos();
    let infos: Vec<ExerciseInfo<'_>> =
        infos_owned.iter().map(|(s, t, r)| ExerciseInfo { slug: s, title: t, rubric: r.clone() }).collect();
    let rubric = infos
        .iter()
        .find(|i| i.slug == "exercise-2")
        .map(|i| {
            i.rubric.iter().enumerate().map(|(n, (id, _))| (id.clone(), Mark { on: n % 3 != 1, at: 0.0 })).collect()
        })
        .unwrap_or_default();
    let mut drafts = std::collections::BTreeMap::new();
    drafts.insert("exercise-2".to_string(), Draft { text: text.to_string(), rubric, ..Default::default() });
    Submission::build(&assignment, "Example learner", "an example", &infos, &drafts, &[], &|_| "an example".to_string())
}
