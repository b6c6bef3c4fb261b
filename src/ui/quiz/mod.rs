//! The quick test: intro with past attempts, one question at a time with
//! progress and back/forward, a warning before submitting with unanswered
//! questions, and a result page with every answer explained.

mod question;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::markdown::{self, RenderOptions};
use crate::core::progress::QuizAttempt;
use crate::core::quiz::{self, Kind, Question, Quiz, Response, PASS_PERCENT};
use crate::ui::markdown::{render_doc, MdHooks};
use crate::ui::state::{app_state, course};
use crate::ui::util;

pub use question::{QuestionInput, ResponseView};

/// Which screen of the test is shown.
#[derive(Clone, Debug, PartialEq)]
enum Screen {
    Intro,
    Taking,
    /// The result of an attempt, by id.
    Result(String),
}

#[component]
pub fn QuizPage() -> impl IntoView {
    let quiz = match course().as_ref().map_err(|_| ()).and_then(|c| c.quiz().map_err(|_| ())) {
        Ok(q) => q,
        Err(()) => return view! { <p>"The quick test could not be loaded."</p> }.into_any(),
    };
    let state = app_state();
    let initial =
        if state.progress.with_untracked(|p| p.quiz_draft.is_some()) { Screen::Taking } else { Screen::Intro };
    let screen = RwSignal::new(initial);
    let quiz = StoredValue::new(quiz);

    let body = move || match screen.get() {
        Screen::Intro => view! { <Intro quiz=quiz screen=screen /> }.into_any(),
        Screen::Taking => view! { <Taking quiz=quiz screen=screen /> }.into_any(),
        Screen::Result(id) => view! { <ResultView quiz=quiz screen=screen attempt_id=id /> }.into_any(),
    };
    view! {
        <Title text="Quick test · Rollback Lab" />
        <article class="page quiz-page">
            <p class="eyebrow">"Tools"</p>
            <h1>"Quick test"</h1>
            {body}
        </article>
    }
    .into_any()
}

fn new_seed() -> u64 {
    // The browser clock and Math.random only choose the seed; the shuffle
    // itself is the seeded, deterministic one from core.
    (util::now_ms() as u64) ^ (((js_sys::Math::random() * 4_294_967_296.0) as u64) << 20)
}

#[component]
fn Intro(quiz: StoredValue<Quiz>, screen: RwSignal<Screen>) -> impl IntoView {
    let state = app_state();
    let total = quiz.with_value(|q| q.questions.len());
    let start = move |_| {
        state.update(|p| p.start_quiz(new_seed(), util::now_ms()));
        screen.set(Screen::Taking);
        focus_main_heading();
    };
    let attempts = move || {
        let mut list = state.progress.with(|p| p.quiz_attempts.clone());
        list.reverse();
        list
    };
    let best = move || state.progress.with(|p| p.best_attempt().map(|a| a.score.clone()));
    view! {
        <p class="summary">
            {format!("{total} questions on the whole course. You pass with {PASS_PERCENT} % or more: {} right answers.", (total as u32 * PASS_PERCENT).div_ceil(100))}
        </p>
        <ul class="quiz-rules">
            <li>"One point for each fully right answer. Where several answers are right, choose exactly those."</li>
            <li>"Move back and forth freely; your answers are kept if you leave or reload."</li>
            <li>"After you submit, every question is explained, with a link to the section to reread."</li>
        </ul>
        {move || best().map(|s| view! {
            <p class="best-score">
                "Your best score: " <strong>{format!("{} / {} ({} %)", s.correct, s.total, s.percent)}</strong> " "
                <PassBadge passed=s.passed />
            </p>
        })}
        <p>
            <button type="button" class="button primary" on:click=start>
                {move || if state.progress.with(|p| p.quiz_attempts.is_empty()) { "Start the test" } else { "Take the test again" }}
            </button>
        </p>
        <Show when=move || !attempts().is_empty()>
            <h2>"Your attempts"</h2>
            <table class="attempts">
                <thead>
                    <tr>
                        <th scope="col">"Finished"</th>
                        <th scope="col">"Score"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Review"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <For each=attempts key=|a| a.id.clone() let:a>
                        {
                            let id = a.id.clone();
                            view! {
                                <tr>
                                    <td>{util::format_time(a.finished_at)}</td>
                                    <td>{format!("{} / {} ({} %)", a.score.correct, a.score.total, a.score.percent)}</td>
                                    <td><PassBadge passed=a.score.passed /></td>
                                    <td>
                                        <button type="button" class="button" on:click=move |_| screen.set(Screen::Result(id.clone()))>
                                            "Review"
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </Show>
    }
}

/// "Passed" or "Not passed", with text, not only colour.
#[component]
pub fn PassBadge(
    passed: bool,
    /// Name the course's pass mark (where another mark may be shown beside it).
    #[prop(optional)]
    with_mark: bool,
) -> impl IntoView {
    let mark = if with_mark { format!(" the course's {PASS_PERCENT} % mark") } else { String::new() };
    if passed {
        view! { <span class="badge pass">{format!("✓ Passed{mark}")}</span> }
    } else {
        view! { <span class="badge fail">{format!("✗ Not passed{}", if with_mark { format!(": below{mark}") } else { String::new() })}</span> }
    }
}

fn focus_main_heading() {
    // The screen's own heading (the question, the result) first; the page
    // title only when there is none.
    util::focus_after_render(&["main h2", "main h1"]);
}

#[component]
fn Taking(quiz: StoredValue<Quiz>, screen: RwSignal<Screen>) -> impl IntoView {
    let state = app_state();
    let total = quiz.with_value(|q| q.questions.len());
    let draft = move || state.progress.with(|p| p.quiz_draft.clone());
    let current = move || draft().map(|d| d.current.min(total.saturating_sub(1))).unwrap_or(0);
    let seed = move || draft().map(|d| d.seed).unwrap_or(0);
    let answered_ids = move || {
        draft()
            .map(|d| d.answers.iter().filter(|(_, r)| quiz::is_answered(r)).map(|(k, _)| k.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let confirming = RwSignal::new(false);

    // If this test is submitted in another tab, show its result here too.
    let my_seed = seed();
    let submitted_here = StoredValue::new(false);
    Effect::new(move |_| {
        let gone = state.progress.with(|p| p.quiz_draft.is_none());
        if gone && !submitted_here.get_value() {
            let submitted = state
                .progress
                .with_untracked(|p| p.quiz_attempts.iter().rev().find(|a| a.seed == my_seed).map(|a| a.id.clone()));
            match submitted {
                Some(id) => {
                    util::announce("This test was submitted in another tab.");
                    screen.set(Screen::Result(id));
                }
                None => screen.set(Screen::Intro),
            }
        }
    });

    let go = move |i: usize| {
        confirming.set(false);
        state.update(|p| p.go_to_question(i, util::now_ms()));
        focus_main_heading();
    };
    let unanswered = move || {
        let ids = answered_ids();
        quiz.with_value(|q| {
            q.questions
                .iter()
                .enumerate()
                .filter(|(_, qq)| !ids.contains(&qq.id))
                .map(|(i, _)| i + 1)
                .collect::<Vec<_>>()
        })
    };
    let submit = move || {
        submitted_here.set_value(true);
        let now = util::now_ms();
        let mut attempt: Option<QuizAttempt> = None;
        quiz.with_value(|q| state.update(|p| attempt = p.submit_quiz(q, now)));
        if let Some(a) = attempt {
            util::announce(&format!(
                "Submitted: {} of {} right, {} %. {}",
                a.score.correct,
                a.score.total,
                a.score.percent,
                if a.score.passed { "Passed." } else { "Not passed." }
            ));
            screen.set(Screen::Result(a.id));
            focus_main_heading();
        }
    };
    let on_submit = move |_| {
        if unanswered().is_empty() {
            submit();
        } else {
            confirming.set(true);
        }
    };

    let question_view = move || {
        let i = current();
        let q = quiz.with_value(|q| q.questions[i].clone());
        let options = q.options(seed());
        let qid = q.id.clone();
        let response = Signal::derive(move || {
            state.progress.with(|p| p.quiz_draft.as_ref().and_then(|d| d.answers.get(&qid).cloned()))
        });
        let qid2 = q.id.clone();
        let on_change = Callback::new(move |r: Option<Response>| {
            state.update(|p| p.answer(&qid2, r, util::now_ms()));
        });
        view! {
            <section class="question" aria-labelledby="question-heading">
                <h2 id="question-heading">{format!("Question {} of {total}", i + 1)}</h2>
                <QuestionInput question=q options=options response=response on_change=on_change />
            </section>
        }
    };

    let dots = move || {
        let ids = answered_ids();
        let cur = current();
        quiz.with_value(|q| {
            q.questions
                .iter()
                .enumerate()
                .map(|(i, qq)| {
                    let answered = ids.contains(&qq.id);
                    let label = format!("Question {}{}", i + 1, if answered { ", answered" } else { ", not answered" });
                    view! {
                        <li>
                            <button
                                type="button"
                                class="dot"
                                class:answered=answered
                                aria-current=(i == cur).then_some("step")
                                aria-label=label
                                on:click=move |_| go(i)
                            >
                                {(i + 1).to_string()}
                            </button>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="quiz-progress">
            <p id="quiz-progress-label">
                {move || format!("Question {} of {total} · {} answered", current() + 1, answered_ids().len())}
            </p>
            <progress
                max=total.to_string()
                value=move || answered_ids().len().to_string()
                aria-labelledby="quiz-progress-label"
            ></progress>
            <nav aria-label="Questions">
                <ol class="dots">{dots}</ol>
            </nav>
        </div>
        {question_view}
        <div class="quiz-nav">
            <button type="button" class="button" disabled=move || current() == 0 on:click=move |_| go(current().saturating_sub(1))>
                "← Previous"
            </button>
            <Show
                when=move || current() + 1 < total
                fallback=move || view! {
                    <button type="button" class="button primary" on:click=on_submit>"Submit answers"</button>
                }
            >
                <button type="button" class="button primary" on:click=move |_| go(current() + 1)>
                    "Next →"
                </button>
            </Show>
        </div>
        <Show when=move || current() + 1 < total>
            <p class="submit-early">
                <button type="button" class="button secondary" on:click=on_submit>"Submit now"</button>
            </p>
        </Show>
        <Show when=move || confirming.get()>
            <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                <h2 id="confirm-title">"Submit with unanswered questions?"</h2>
                <p id="confirm-text">
                    {move || {
                        let u = unanswered();
                        format!(
                            "{} {} not answered (question {}). Unanswered questions count as wrong.",
                            u.len(),
                            if u.len() == 1 { "question is" } else { "questions are" },
                            u.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
                        )
                    }}
                </p>
                <div class="confirm-actions">
                    <button type="button" class="button" on:click=move |_| {
                        let first = unanswered().first().copied().unwrap_or(1);
                        go(first - 1);
                    }>"Go to the first unanswered"</button>
                    <button type="button" class="button danger" on:click=move |_| submit()>"Submit anyway"</button>
                </div>
            </div>
        </Show>
    }
}

/// The heading text a `/learn/slug#anchor` link points to, for "Reread".
fn section_title(href: &str) -> String {
    let Ok(course) = course() else { return href.to_string() };
    let (path, _, fragment) = crate::core::routes::split_href(href);
    let slug = path.trim_start_matches(crate::core::routes::PAGE_PREFIX);
    let Some(page) = course.page(slug) else { return href.to_string() };
    let heading = fragment.and_then(|f| {
        markdown::parse(&page.body, RenderOptions { directives: true })
            .headings
            .into_iter()
            .find(|h| h.id == f)
            .map(|h| h.text)
    });
    match heading {
        Some(h) => format!("{} — {}", page.front.title, h),
        None => page.front.title.clone(),
    }
}

#[component]
fn ResultView(quiz: StoredValue<Quiz>, screen: RwSignal<Screen>, attempt_id: String) -> impl IntoView {
    let state = app_state();
    let Some(attempt) = state.progress.with_untracked(|p| p.quiz_attempts.iter().find(|a| a.id == attempt_id).cloned())
    else {
        return view! { <p>"That attempt is not in your progress."</p> }.into_any();
    };
    let s = attempt.score.clone();
    let items = quiz.with_value(|q| {
        q.questions.iter().enumerate().map(|(i, question)| review_item(i, question, &attempt)).collect::<Vec<_>>()
    });
    // Assignments in this browser that set their own pass mark for the test.
    let assignment_marks = state.progress.with_untracked(|p| {
        let mut marks: Vec<(String, u32)> = p
            .assignments
            .values()
            .filter_map(|a| a.assignment.quiz_pass_percent().map(|m| (a.assignment.title.clone(), m)))
            .filter(|(_, m)| *m != PASS_PERCENT)
            .collect();
        marks.sort();
        marks.dedup();
        marks
            .into_iter()
            .map(|(title, mark)| {
                let met = s.percent >= mark;
                view! {
                    <p class="assignment-mark">
                        {format!(
                            "Your assignment “{title}” sets its own pass mark, {mark} %: with {} %, this attempt {}.",
                            s.percent,
                            if met { "meets it too" } else { "does not meet it yet" }
                        )}
                    </p>
                }
            })
            .collect::<Vec<_>>()
    });
    // One chip per question: right or wrong at a glance, each a link to its review.
    let chips = quiz.with_value(|q| {
        q.questions
            .iter()
            .enumerate()
            .map(|(i, question)| {
                let response = attempt.answers.get(&question.id);
                let ok = question.is_correct(response);
                let what = if ok {
                    "right"
                } else if response.is_none() {
                    "not answered"
                } else {
                    "wrong"
                };
                let href = util::resolve_href(&format!("#review-{}", i + 1));
                view! {
                    <li>
                        <a class="chip" class:ok=ok class:bad=!ok href=href aria-label=format!("Question {}: {what}", i + 1)>
                            {format!("{} {}", i + 1, if ok { "✓" } else { "✗" })}
                        </a>
                    </li>
                }
            })
            .collect::<Vec<_>>()
    });
    let retake = move |_| {
        state.update(|p| p.start_quiz(new_seed(), util::now_ms()));
        screen.set(Screen::Taking);
        focus_main_heading();
    };
    view! {
        <section class="result" aria-labelledby="result-heading">
            <h2 id="result-heading">"Your result"</h2>
            <p class="score-line">
                <span class="score">{format!("{} / {}", s.correct, s.total)}</span>
                <span class="percent">{format!("{} %", s.percent)}</span>
                <PassBadge passed=s.passed with_mark=true />
            </p>
            <p class="muted">
                {format!("Pass mark: {PASS_PERCENT} %. Finished {}.", util::format_time(attempt.finished_at))}
            </p>
            {assignment_marks}
            <ol class="result-chips" aria-label="Questions at a glance">{chips}</ol>
            <p class="result-actions">
                <button type="button" class="button primary" on:click=retake>"Retake the test"</button>
                <button type="button" class="button" on:click=move |_| screen.set(Screen::Intro)>"All attempts"</button>
            </p>
            <ol class="review">{items}</ol>
        </section>
    }
    .into_any()
}

fn review_item(i: usize, q: &Question, attempt: &QuizAttempt) -> impl IntoView {
    let response = attempt.answers.get(&q.id).cloned();
    let correct = q.is_correct(response.as_ref());
    let prompt = render_doc(&markdown::parse(&q.prompt.prompt, RenderOptions::default()), &MdHooks::default());
    let context = render_doc(&markdown::parse(&q.context, RenderOptions::default()), &MdHooks::default());
    let right = match q.kind {
        Kind::Ordering => Response::Order(q.correct()),
        Kind::ShortAnswer => Response::Text(q.correct().join(" ")),
        Kind::MultipleChoice => Response::Choice(q.correct()),
    };
    let reread = util::resolve_href(&q.lesson);
    let reread_title = section_title(&q.lesson);
    view! {
        <li class="review-item" id=format!("review-{}", i + 1) data-question=q.id.clone() class:correct=correct class:wrong=!correct>
            <h3>
                {format!("Question {} — ", i + 1)}
                {if correct { "✓ right" } else if response.is_none() { "✗ not answered" } else { "✗ wrong" }}
            </h3>
            <div class="prompt">{prompt}</div>
            <div class="answers">
                <div>
                    <p class="answer-label">"Your answer"</p>
                    {match response {
                        Some(r) => view! { <ResponseView response=r /> }.into_any(),
                        None => view! { <p class="muted">"No answer."</p> }.into_any(),
                    }}
                </div>
                {(!correct).then(|| view! {
                    <div>
                        <p class="answer-label">"Right answer"</p>
                        <ResponseView response=right />
                    </div>
                })}
            </div>
            <div class="explanation">{context}</div>
            <p class="reread">"Reread: " <a href=reread>{reread_title}</a></p>
        </li>
    }
}
