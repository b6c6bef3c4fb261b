//! Instructor assignments: a builder that makes a link; a learner's view of
//! an opened link with the state of each item and "Prepare submission"; and
//! the review page where an instructor opens a submission file.

mod review;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::core::assignment::{
    Assignment, AssignmentItem, ExerciseInfo, Submission, DEFAULT_PASS_PERCENT, SHARE_KIND, SHARE_VERSION,
};
use crate::core::markdown::{self, RenderOptions};
use crate::core::progress::SavedAssignment;
use crate::core::routes::{self, Route};
use crate::core::share;
use crate::ui::exercise::rubric_items;
use crate::ui::form::Field;
use crate::ui::markdown::{render_doc, MdHooks};
use crate::ui::session;
use crate::ui::state::{app_state, course};
use crate::ui::util;

pub use review::ReviewPage;

/// The exercises of the course: (slug, title).
pub fn exercises() -> Vec<(String, String)> {
    course()
        .as_ref()
        .map(|c| {
            c.pages
                .iter()
                .filter(|p| p.front.exercise.is_some())
                .map(|p| (p.front.slug.clone(), p.front.title.clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[component]
pub fn AssignmentsPage() -> impl IntoView {
    let query = use_query_map();
    let link = Memo::new(move |_| query.with(|q| q.get("a")));
    view! {
        <Title text="Assignments · Rollback Lab" />
        {move || match link.get() {
            Some(l) => view! { <LearnerView link=l /> }.into_any(),
            None => view! { <Builder /> }.into_any(),
        }}
    }
}

/// The builder's form as typed, kept across reloads (`ui::session`).
#[derive(serde::Serialize, serde::Deserialize)]
struct BuilderForm {
    title: String,
    instructions: String,
    due: String,
    chosen: Vec<String>,
    with_quiz: bool,
    pass: String,
}

const SESSION: &str = "assignment-builder";
const FORM_KIND: &str = "assignment-form";
const FORM_VERSION: u32 = 1;

#[component]
fn Builder() -> impl IntoView {
    let state = app_state();
    let kept = session::kept(SESSION).map(|k| share::unpack::<BuilderForm>(&k, FORM_KIND, FORM_VERSION));
    let kept_problem = matches!(kept, Some(Err(_)));
    if kept_problem {
        session::forget(SESSION);
    }
    let form = kept.and_then(Result::ok).map(|(f, _)| f).unwrap_or_else(|| BuilderForm {
        title: String::new(),
        instructions: String::new(),
        due: String::new(),
        chosen: Vec::new(),
        with_quiz: true,
        pass: DEFAULT_PASS_PERCENT.to_string(),
    });
    let title = RwSignal::new(form.title);
    let instructions = RwSignal::new(form.instructions);
    let due = RwSignal::new(form.due);
    let chosen = RwSignal::new(form.chosen);
    let with_quiz = RwSignal::new(form.with_quiz);
    let pass = RwSignal::new(form.pass);
    session::keep_while_open(
        SESSION,
        || false,
        move || {
            let f = BuilderForm {
                title: title.get(),
                instructions: instructions.get(),
                due: due.get(),
                chosen: chosen.get(),
                with_quiz: with_quiz.get(),
                pass: pass.get(),
            };
            share::pack(FORM_KIND, FORM_VERSION, &f)
        },
    );
    let problems = RwSignal::new(Vec::<String>::new());
    let made = RwSignal::new(None::<String>);

    let build = move || -> Result<Assignment, Vec<String>> {
        let mut items: Vec<AssignmentItem> =
            chosen.get_untracked().into_iter().map(|slug| AssignmentItem::Exercise { slug }).collect();
        let mut extra = Vec::new();
        if with_quiz.get_untracked() {
            match pass.get_untracked().trim().parse::<u32>() {
                Ok(p) => items.push(AssignmentItem::Quiz { pass_percent: p }),
                Err(_) => extra.push("The pass mark must be a whole number from 1 to 100.".to_string()),
            }
        }
        let d = due.get_untracked();
        let a = Assignment {
            title: title.get_untracked().trim().to_string(),
            instructions: instructions.get_untracked(),
            items,
            due: (!d.trim().is_empty()).then(|| d.trim().to_string()),
        };
        let slugs = exercises();
        let refs: Vec<&str> = slugs.iter().map(|(s, _)| s.as_str()).collect();
        extra.extend(a.problems(&refs));
        if extra.is_empty() {
            Ok(a)
        } else {
            Err(extra)
        }
    };
    let make_link = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match build() {
            Ok(a) => {
                problems.set(Vec::new());
                let packed = share::pack(SHARE_KIND, SHARE_VERSION, &a);
                let loc = window().location();
                let link =
                    format!("{}{}?a={}", loc.origin().unwrap_or_default(), util::app_href("/assignments"), packed);
                // Keep it in this browser's list, so the link is not lost on reload.
                let saved = SavedAssignment { assignment: a.clone(), link: packed.clone(), opened_at: util::now_ms() };
                state.update(|p| {
                    p.assignments.insert(packed.clone(), saved);
                });
                made.set(Some(link.clone()));
                util::copy_to_clipboard(&link, |ok| {
                    util::announce(if ok {
                        "Assignment link created and copied."
                    } else {
                        "Assignment link created below."
                    })
                });
            }
            Err(p) => {
                made.set(None);
                problems.set(p);
            }
        }
    };
    let ex_boxes = exercises()
        .into_iter()
        .map(|(slug, t)| {
            let id = format!("as-ex-{slug}");
            let s1 = slug.clone();
            let s2 = slug.clone();
            view! {
                <li>
                    <input type="checkbox" id=id.clone()
                        prop:checked=move || chosen.with(|c| c.contains(&s1))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| { c.retain(|x| x != &s2); if on { c.push(s2.clone()); } });
                        } />
                    <label for=id>{t}</label>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let opened = move || {
        let mut v: Vec<SavedAssignment> = state.progress.with(|p| p.assignments.values().cloned().collect());
        v.sort_by(|a, b| b.opened_at.total_cmp(&a.opened_at));
        v
    };
    view! {
        <article class="page">
            <p class="eyebrow">"Tools"</p>
            <h1>"Assignments"</h1>
            <p class="summary">
                "For instructors: choose what learners should do, and send them the link. Learners see the assignment \
                 and the state of each item, then prepare one submission file for you to open on the review page."
            </p>
            <Show when=move || !opened().is_empty()>
                <section aria-labelledby="opened-title">
                    <h2 id="opened-title">"Assignments in this browser"</h2>
                    <p class="muted">"The ones you made here and the ones you opened from a link."</p>
                    <ul class="item-list">
                        <For each=opened key=|a| a.link.clone() let:a>
                            {
                                let full = format!(
                                    "{}{}?a={}",
                                    window().location().origin().unwrap_or_default(),
                                    util::app_href("/assignments"),
                                    a.link
                                );
                                let title = a.assignment.title.clone();
                                view! {
                                    <li class="item-row">
                                        <a href=util::app_href(&format!("/assignments?a={}", a.link))>{a.assignment.title.clone()}</a>
                                        {a.assignment.due.clone().map(|d| view! { <span class="muted">{format!("due {d}")}</span> })}
                                        <button type="button" class="button" aria-label=format!("Copy the link to {title}")
                                            on:click=move |_| util::copy_to_clipboard(&full, |ok| util::announce(if ok { "Assignment link copied." } else { "Could not copy the link." }))>
                                            "Copy link"
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </section>
            </Show>
            <section aria-labelledby="builder-title">
                <h2 id="builder-title">"Build an assignment"</h2>
                {kept_problem.then(|| view! {
                    <p class="field-error" role="alert">"The form you were filling in could not be brought back (what was kept of it is damaged); it starts empty."</p>
                })}
                <form class="assignment-form" on:submit=make_link novalidate=true>
                    <Field label="Title" id="as-title" value=Signal::derive(move || title.get())
                        on_set=Callback::new(move |v: String| title.set(v)) placeholder="e.g. Week 2: migrations" />
                    <Field label="Instructions (Markdown)" id="as-instructions" multiline=true rows=4
                        value=Signal::derive(move || instructions.get())
                        on_set=Callback::new(move |v: String| instructions.set(v)) />
                    <fieldset>
                        <legend>"Items"</legend>
                        <ul class="plain-list">{ex_boxes}</ul>
                        <div class="row-group">
                            <div class="field checkbox-field">
                                <input type="checkbox" id="as-quiz" prop:checked=move || with_quiz.get()
                                    on:change=move |ev| with_quiz.set(event_target_checked(&ev)) />
                                <label for="as-quiz">"The quick test, with a pass mark of"</label>
                            </div>
                            <Field label="Pass mark (%)" id="as-pass" input_type="number" visually_hidden_label=true
                                value=Signal::derive(move || pass.get()) on_set=Callback::new(move |v: String| pass.set(v)) />
                        </div>
                    </fieldset>
                    <Field label="Due date (optional)" id="as-due" input_type="date"
                        value=Signal::derive(move || due.get()) on_set=Callback::new(move |v: String| due.set(v))
                        error=Signal::derive(move || {
                            let a = Assignment { due: Some(due.get()), title: String::new(), instructions: String::new(), items: Vec::new() };
                            a.due_in_the_past(&crate::ui::runbook::today()).then(|| {
                                "This date is in the past: learners will see the assignment as overdue. Allowed, if that is what you mean.".to_string()
                            })
                        }) />
                    {move || {
                        let p = problems.get();
                        (!p.is_empty()).then(|| view! {
                            <div class="field-error" role="alert">
                                <ul>{p.into_iter().map(|m| view! { <li>{m}</li> }).collect::<Vec<_>>()}</ul>
                            </div>
                        })
                    }}
                    <button type="submit" class="button primary">"Create the assignment link"</button>
                </form>
                {move || made.get().map(|link| view! {
                    <div class="made-link">
                        <div class="field">
                            <label for="as-link">"Assignment link: send this to learners"</label>
                            <input type="text" id="as-link" readonly prop:value=link.clone() />
                        </div>
                        <p><a href=link>"Open it as a learner would"</a></p>
                    </div>
                })}
            </section>
            <p>
                "Received a submission? " <a href=util::app_href("/review")>"Open it on the review page →"</a>
            </p>
        </article>
    }
}

#[component]
fn LearnerView(link: String) -> impl IntoView {
    let state = app_state();
    let assignment = match share::unpack::<Assignment>(&link, SHARE_KIND, SHARE_VERSION) {
        Ok((a, _)) => {
            let slugs = exercises();
            let refs: Vec<&str> = slugs.iter().map(|(s, _)| s.as_str()).collect();
            let p = a.problems(&refs);
            if p.is_empty() {
                Ok(a)
            } else {
                Err(format!("the assignment in it is not valid ({})", p.join(" ")))
            }
        }
        Err(e) => Err(e.to_string()),
    };
    let a = match assignment {
        Ok(a) => a,
        Err(message) => {
            return view! {
                <article class="page">
                    <h1>"Assignment"</h1>
                    <p class="field-error" role="alert">{format!("This assignment link can't be opened: {message}.")}</p>
                    <p>"Ask your instructor to send the link again."</p>
                    <p><a class="button" href=util::app_href("/assignments")>"Go to assignments"</a></p>
                </article>
            }
            .into_any();
        }
    };
    // Remember it, so the learner can find it again.
    {
        let saved = SavedAssignment { assignment: a.clone(), link: link.clone(), opened_at: util::now_ms() };
        let known = state.progress.with_untracked(|p| p.assignments.contains_key(&link));
        if !known {
            state.update(|p| {
                p.assignments.insert(link.clone(), saved);
            });
        }
    }
    let learner = RwSignal::new(String::new());
    let a_s = StoredValue::new(a.clone());
    let items = a
        .items
        .iter()
        .map(|item| match item {
            AssignmentItem::Exercise { slug } => {
                let slug = slug.clone();
                let title = exercises().into_iter().find(|(s, _)| *s == slug).map(|(_, t)| t).unwrap_or_default();
                let meta = course().as_ref().ok().and_then(|c| c.page(&slug)).and_then(|p| p.front.exercise.clone());
                let ids: Vec<String> =
                    meta.as_ref().map(|m| rubric_items(m).into_iter().map(|(id, _)| id).collect()).unwrap_or_default();
                let total = ids.len();
                let s2 = slug.clone();
                let status = move || {
                    state.progress.with(|p| match p.drafts.get(&s2) {
                        None => "Not started".to_string(),
                        Some(d) => {
                            let words = markdown::word_count(&d.text);
                            let marked = ids.iter().filter(|id| d.rubric.contains_key(*id)).count();
                            format!("Draft: {words} words · rubric {marked} of {total} marked")
                        }
                    })
                };
                let href = util::app_href(&format!("{}?assignment={link}", routes::href(&Route::Page(slug.clone()))));
                view! {
                    <li class="item-row">
                        <a href=href>{title}</a>
                        <span class="muted">{status}</span>
                    </li>
                }
                .into_any()
            }
            AssignmentItem::Quiz { pass_percent } => {
                let pass = *pass_percent;
                let status = move || {
                    state.progress.with(|p| match p.quiz_attempts.iter().map(|a| a.score.percent).max() {
                        None => "Not taken yet".to_string(),
                        Some(best) if best >= pass => format!("Best {best} %: meets the {pass} % pass mark ✓"),
                        Some(best) => format!("Best {best} %: below the {pass} % pass mark"),
                    })
                };
                view! {
                    <li class="item-row">
                        <a href=util::app_href("/quiz")>{format!("Quick test (pass mark {pass} %)")}</a>
                        <span class="muted">{status}</span>
                    </li>
                }
                .into_any()
            }
        })
        .collect::<Vec<_>>();
    let name_error = RwSignal::new(None::<String>);
    // What looks unfinished, said before the file is made ("Prepare anyway").
    let unfinished = RwSignal::new(Vec::<String>::new());
    let prepare = move |confirmed: bool| {
        if learner.with_untracked(|l| l.trim().is_empty()) {
            name_error.set(Some("Write your name first: your instructor needs to know whose file it is.".into()));
            util::focus_after_render(&["#as-learner"]);
            return;
        }
        let a = a_s.get_value();
        let infos_owned = exercise_infos();
        let infos: Vec<ExerciseInfo<'_>> =
            infos_owned.iter().map(|(s, t, r)| ExerciseInfo { slug: s, title: t, rubric: r.clone() }).collect();
        let sub = state.progress.with_untracked(|p| {
            Submission::build(
                &a,
                &learner.get_untracked(),
                &util::format_time(util::now_ms()),
                &infos,
                &p.drafts,
                &p.quiz_attempts,
                &util::format_time,
            )
        });
        let mut gaps: Vec<String> = sub.exercises.iter().filter_map(|e| e.unfinished()).collect();
        if sub.quiz.as_ref().is_some_and(|q| q.attempts.is_empty()) {
            gaps.push("Quick test: not taken".into());
        }
        if !confirmed && !gaps.is_empty() {
            unfinished.set(gaps);
            util::focus_after_render(&["#as-unfinished-title"]);
            return;
        }
        unfinished.set(Vec::new());
        let json = serde_json::to_string_pretty(&sub).unwrap_or_default();
        let who: String =
            learner.get_untracked().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        let name = if who.is_empty() {
            "rollback-lab-submission.json".to_string()
        } else {
            format!("rollback-lab-submission-{who}.json")
        };
        match util::download(&name, "application/json", &json) {
            Ok(()) => util::announce("Your submission file was downloaded: send it to your instructor."),
            Err(e) => util::announce(&format!("Could not download: {e}")),
        }
    };
    let instructions = markdown::parse(&a.instructions, RenderOptions::default());
    view! {
        <article class="page">
            <p class="eyebrow">"Assignment"</p>
            <h1>{a.title.clone()}</h1>
            {a.due.clone().map(|d| view! { <p class="summary">{format!("Due {d}")}</p> })}
            <div class="prose">{render_doc(&instructions, &MdHooks { id_prefix: "as-".into(), ..Default::default() })}</div>
            <h2>"What to do"</h2>
            <ul class="item-list">{items}</ul>
            <h2>"Hand in"</h2>
            <p>"When you are ready, prepare one file with your drafts, rubric marks and quiz attempts, and send it to your instructor."</p>
            <Field label="Your name (shown to your instructor)" id="as-learner"
                value=Signal::derive(move || learner.get())
                on_set=Callback::new(move |v: String| {
                    learner.set(v);
                    name_error.set(None);
                })
                error=Signal::derive(move || name_error.get()) />
            <p><button type="button" class="button primary" on:click=move |_| prepare(false)>"Prepare submission"</button></p>
            {move || {
                let gaps = unfinished.get();
                (!gaps.is_empty()).then(|| view! {
                    <section class="confirm unfinished" aria-labelledby="as-unfinished-title">
                        <h3 id="as-unfinished-title" tabindex="-1">"Some of it looks unfinished"</h3>
                        <ul>{gaps.into_iter().map(|g| view! { <li>{g}</li> }).collect::<Vec<_>>()}</ul>
                        <p class="button-row">
                            <button type="button" class="button" on:click=move |_| prepare(true)>"Prepare it anyway"</button>
                            <button type="button" class="button secondary" on:click=move |_| unfinished.set(Vec::new())>"Not yet"</button>
                        </p>
                    </section>
                })
            }}
        </article>
    }
    .into_any()
}

/// (slug, title, rubric items as (id, text)) of an exercise.
pub(crate) type ExerciseRow = (String, String, Vec<(String, String)>);

/// Every exercise, for building submissions.
pub(crate) fn exercise_infos() -> Vec<ExerciseRow> {
    let Ok(c) = course() else { return Vec::new() };
    c.pages
        .iter()
        .filter_map(|p| {
            p.front.exercise.as_ref().map(|m| (p.front.slug.clone(), p.front.title.clone(), rubric_items(m)))
        })
        .collect()
}
