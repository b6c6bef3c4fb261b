//! Practice on an exercise page: a markdown draft editor with live preview
//! (autosaved, word count, download), the rubric self-check, and the model
//! answer shown beside the draft once the rubric is marked or the learner
//! gives up.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::core::content::ExerciseMeta;
use crate::core::draft::Draft;
use crate::core::markdown::{self, RenderOptions};
use crate::core::progress::Mark;
use crate::core::runbook::Runbook;
use crate::store::Problem;
use crate::ui::markdown::{render_doc, Markdown, MdHooks};
use crate::ui::state::{app_state, course};
use crate::ui::util;

/// Rubric items of an exercise: the four common self-check items, then its own.
pub fn rubric_items(meta: &ExerciseMeta) -> Vec<(String, String)> {
    let common = course()
        .as_ref()
        .ok()
        .and_then(|c| c.checklists.get("self-check"))
        .map(|c| c.items.iter().map(|i| (i.id.clone(), i.text.clone())).collect::<Vec<_>>())
        .unwrap_or_default();
    common.into_iter().chain(meta.rubric.iter().enumerate().map(|(i, t)| (format!("own-{i}"), t.clone()))).collect()
}

/// Where each exercise can be tried in a simulator.
fn scenario_link(slug: &str) -> Option<(&'static str, &'static str)> {
    match slug {
        "exercise-1" => {
            Some(("/simulators/migration?scenario=required-field", "Try the required field in the migration simulator"))
        }
        "exercise-2" => {
            Some(("/simulators/migration?scenario=rename-status", "Run the 200M-row rename in the migration simulator"))
        }
        "mini-challenge" => {
            Some(("/simulators/migration?scenario=enum-queued", "Try PENDING → QUEUED in the migration simulator"))
        }
        _ => None,
    }
}

/// How long typing must pause before the draft is saved.
const SAVE_DELAY_MS: u64 = 600;

#[derive(Clone, Copy, PartialEq, Eq)]
enum SaveState {
    Saved,
    Pending,
    Failed,
}

/// What the learner chose for a text kept from another tab (by its `at`).
#[derive(Clone, Copy)]
enum Resolve {
    Take(f64),
    AddBelow(f64),
    SetAside(f64),
}

#[component]
pub fn ExercisePractice(slug: String, meta: ExerciseMeta) -> impl IntoView {
    let state = app_state();
    let items = rubric_items(&meta);
    let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
    let (initial, initial_at) =
        state.progress.with_untracked(|p| p.drafts.get(&slug).map(|d| (d.text.clone(), d.at)).unwrap_or_default());
    let text = RwSignal::new(initial);
    // The `at` of the stored text the editor holds: an edit made from it
    // after another tab saved keeps that tab's text (`Draft::edit`).
    let base = StoredValue::new(initial_at);
    let save_state = RwSignal::new(SaveState::Saved);
    let pending: StoredValue<Option<TimeoutHandle>, LocalStorage> = StoredValue::new_local(None);

    let slug_s = StoredValue::new(slug.clone());
    let save_now = move || {
        if let Some(h) = pending.try_update_value(|h| h.take()).flatten() {
            h.clear();
        }
        // Also called from DOM events that can arrive after the page is
        // gone (a focused textarea removed from the DOM fires blur): every
        // read is a try_, so a disposed signal means "nothing to do", never
        // a panic.
        let (Some(value), Some(slug)) = (text.try_get_untracked(), slug_s.try_with_value(|s| s.clone())) else {
            return;
        };
        let now = util::now_ms();
        let Some(from) = base.try_get_value() else { return };
        let mut saved_at = from;
        state.update(|p| {
            let d = p.drafts.entry(slug).or_default();
            d.edit(value, from, now);
            saved_at = d.at;
        });
        base.set_value(saved_at);
        let failed = matches!(state.problem.try_get_untracked().flatten(), Some(Problem::SaveFailed { .. }))
            || state.writable.try_get_untracked() == Some(false);
        save_state.try_set(if failed { SaveState::Failed } else { SaveState::Saved });
    };
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        save_state.set(SaveState::Pending);
        if let Some(h) = pending.try_update_value(|h| h.take()).flatten() {
            h.clear();
        }
        let handle = set_timeout_with_handle(save_now, std::time::Duration::from_millis(SAVE_DELAY_MS)).ok();
        pending.set_value(handle);
    };
    // Closing or hiding the tab saves at once.
    let flush = window_event_listener(leptos::ev::pagehide, move |_| {
        if save_state.try_get_untracked() == Some(SaveState::Pending) {
            save_now();
        }
    });
    let flush2 = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if save_state.try_get_untracked() == Some(SaveState::Pending) {
            save_now();
        }
    });
    on_cleanup(move || {
        if save_state.get_untracked() == SaveState::Pending {
            save_now();
        }
        flush.remove();
        flush2.remove();
    });

    let words = move || {
        let n = markdown::word_count(&text.get());
        format!("{n} {}", if n == 1 { "word" } else { "words" })
    };
    let download = move |_| {
        let name = slug_s.with_value(|s| format!("rollback-lab-{s}.md"));
        match util::download(&name, "text/markdown", &text.get_untracked()) {
            Ok(()) => util::announce("Your draft was downloaded."),
            Err(e) => util::announce(&format!("Could not download: {e}")),
        }
    };

    // Rubric.
    let draft = Memo::new(move |_| {
        state.progress.with(|p| slug_s.with_value(|s| p.drafts.get(s).cloned().unwrap_or_default()))
    });
    // Another tab saved this draft: show its text in the editor, unless this
    // tab has typing not saved yet (then the save keeps both).
    Effect::new(move |_| {
        let (at, stored) = draft.with(|d| (d.at, d.text.clone()));
        if save_state.get_untracked() == SaveState::Pending || base.try_get_value() == Some(at) {
            return;
        }
        if text.get_untracked() != stored {
            text.set(stored);
        }
        base.set_value(at);
    });
    let others = Memo::new(move |_| draft.with(|d| d.others.clone()));
    let resolve = move |choice: Resolve| {
        save_now();
        let now = util::now_ms();
        let mut new_text = None;
        slug_s.with_value(|slug| {
            state.update(|p| {
                let Some(d) = p.drafts.get_mut(slug) else { return };
                let merged = match &choice {
                    Resolve::Take(at) => d.others.iter().find(|o| o.at == *at).map(|o| o.text.clone()),
                    Resolve::AddBelow(at) => d
                        .others
                        .iter()
                        .find(|o| o.at == *at)
                        .map(|o| format!("{}\n\n{}", d.text.trim_end(), o.text.trim_start())),
                    Resolve::SetAside(_) => None,
                };
                let at = match choice {
                    Resolve::Take(at) | Resolve::AddBelow(at) | Resolve::SetAside(at) => at,
                };
                if let Some(t) = merged {
                    let from = d.at;
                    d.edit(t.clone(), from, now);
                    new_text = Some((t, d.at));
                }
                d.settle(at);
            })
        });
        if let Some((t, at)) = new_text {
            text.set(t);
            base.set_value(at);
        }
        util::announce(match choice {
            Resolve::Take(_) => "The other tab's text is now your draft.",
            Resolve::AddBelow(_) => "The other tab's text was added below your draft.",
            Resolve::SetAside(_) => "The other tab's text was set aside.",
        });
        util::focus_after_render(&["#draft-text"]);
    };
    let others_view = move || {
        let list = others.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|o| {
                    let at = o.at;
                    let when = util::format_time(at);
                    view! {
                        <li class="other-text">
                            <p class="muted">{format!("Saved in another tab at {when}:")}</p>
                            <pre class="other-text-body">{o.text}</pre>
                            <p class="other-text-actions">
                                <button type="button" class="button" on:click=move |_| resolve(Resolve::AddBelow(at))>
                                    "Add it below my text"
                                </button>
                                <button type="button" class="button secondary" on:click=move |_| resolve(Resolve::Take(at))>
                                    "Use it instead of my text"
                                </button>
                                <button type="button" class="button secondary" on:click=move |_| resolve(Resolve::SetAside(at))>
                                    "Set it aside"
                                </button>
                            </p>
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <section class="draft-conflict" role="alert" aria-labelledby="conflict-title">
                    <h3 id="conflict-title">"This draft was also changed in another tab"</h3>
                    <p>
                        "Both texts are kept. The editor holds the one saved last; the other is below. \
                         Choose what to do with it: nothing is lost until you do."
                    </p>
                    <ul class="other-texts">{items}</ul>
                </section>
            }
        })
    };
    let ids_s = StoredValue::new(ids.clone());
    let marked =
        move || ids_s.with_value(|ids| draft.with(|d| ids.iter().filter(|id| d.rubric.contains_key(*id)).count()));
    let total = ids.len();
    let may_reveal = move || ids_s.with_value(|ids| draft.with(|d| d.may_reveal(ids)));
    let set_mark = move |id: String, on: bool| {
        save_now();
        let now = util::now_ms();
        slug_s.with_value(|slug| {
            state.update(|p| {
                let d: &mut Draft = p.drafts.entry(slug.clone()).or_default();
                d.rubric.insert(id.clone(), Mark { on, at: now });
                if d.rubric_complete(&ids_s.get_value()) && d.revealed_at.is_none() {
                    d.revealed_at = Some(now);
                }
            })
        });
    };
    let give_up = move |_| {
        save_now();
        let now = util::now_ms();
        slug_s.with_value(|slug| {
            state.update(|p| {
                let d = p.drafts.entry(slug.clone()).or_default();
                d.gave_up = true;
                d.revealed_at.get_or_insert(now);
            })
        });
        util::announce("The model answer is shown below, beside your draft.");
    };
    let rubric_rows = items
        .iter()
        .enumerate()
        .map(|(n, (id, label))| {
            let name = format!("rubric-{n}");
            let yes_id = format!("rubric-{n}-yes");
            let no_id = format!("rubric-{n}-no");
            let legend_id = format!("rubric-{n}-text");
            let labelled_by = legend_id.clone();
            let id1 = id.clone();
            let id2 = id.clone();
            let id3 = id.clone();
            let id4 = id.clone();
            view! {
                <li>
                    <fieldset class="rubric-item" aria-labelledby=labelled_by>
                        <p id=legend_id class="rubric-text">{label.clone()}</p>
                        <span class="rubric-choices">
                            <input type="radio" id=yes_id.clone() name=name.clone()
                                prop:checked=move || draft.with(|d| d.mark(&id1) == Some(true))
                                on:change=move |_| set_mark(id2.clone(), true) />
                            <label for=yes_id>"My answer does this"</label>
                            <input type="radio" id=no_id.clone() name=name
                                prop:checked=move || draft.with(|d| d.mark(&id3) == Some(false))
                                on:change=move |_| set_mark(id4.clone(), false) />
                            <label for=no_id>"Not yet"</label>
                        </span>
                    </fieldset>
                </li>
            }
        })
        .collect::<Vec<_>>();

    let model = course().as_ref().ok().and_then(|c| c.answers.get(&slug).cloned()).unwrap_or_default();
    let model_view = move || {
        may_reveal().then(|| {
            let doc = markdown::parse(&model, RenderOptions::default());
            view! {
                <section class="compare" aria-labelledby="compare-title">
                    <h2 id="compare-title">"Your draft beside the model answer"</h2>
                    <div class="compare-grid">
                        <div class="compare-col">
                            <h3>"Your draft"</h3>
                            <div class="prose draft-preview">
                                {move || if text.with(|t| t.trim().is_empty()) {
                                    view! { <p class="muted">"You have not written anything yet."</p> }.into_any()
                                } else {
                                    view! { <Markdown source=Signal::derive(move || text.get()) id_prefix="cmp-" /> }.into_any()
                                }}
                            </div>
                        </div>
                        <div class="compare-col model-answer">
                            <h3>"Model answer"</h3>
                            <div class="prose">{render_doc(&doc, &MdHooks { id_prefix: "model-".into(), ..Default::default() })}</div>
                        </div>
                    </div>
                </section>
            }
        })
    };

    let navigate = use_navigate();
    let runbook_button = (slug == "exercise-1").then(|| {
        let open_runbook = move |_| {
            // Reopen the runbook this button made before (same change name),
            // rather than a new copy on every click.
            let template_name = Runbook::exercise_1("", 0.0).name;
            let existing = state.progress.with_untracked(|p| {
                p.runbooks
                    .values()
                    .filter(|r| r.deleted_at.is_none() && r.name == template_name)
                    .max_by(|a, b| a.updated_at.total_cmp(&b.updated_at))
                    .map(|r| r.id.clone())
            });
            let id = existing.unwrap_or_else(|| {
                let now = util::now_ms();
                let id = format!("rb-{}", now as u64);
                let rb = Runbook::exercise_1(&id, now);
                state.update(|p| {
                    p.runbooks.insert(id.clone(), rb);
                });
                id
            });
            navigate(&format!("/runbooks?id={id}"), Default::default());
        };
        view! {
            <p class="exercise-tools">
                <button type="button" class="button" on:click=open_runbook>
                    "Open this change's runbook (pre-filled)"
                </button>
            </p>
        }
    });
    let scenario = scenario_link(&slug).map(|(href, label)| {
        view! {
            <p class="exercise-tools">
                <a href=util::app_href(href)>{label} " →"</a>
            </p>
        }
    });
    let hint = meta.hint.clone().map(|h| {
        let doc = markdown::parse(&h, RenderOptions::default());
        view! {
            <details class="hint">
                <summary>"Show a hint"</summary>
                <div class="prose">{render_doc(&doc, &MdHooks::default())}</div>
            </details>
        }
    });
    let expected = markdown::parse(&meta.expected_output, RenderOptions::default());

    view! {
        <section class="exercise-box" aria-labelledby="expected-title">
            <h2 id="expected-title">"What a complete answer contains"</h2>
            <div class="prose">{render_doc(&expected, &MdHooks::default())}</div>
            {hint}
            {scenario}
            {runbook_button}
        </section>
        <section class="draft-editor" aria-labelledby="draft-title">
            <h2 id="draft-title">"Your answer"</h2>
            <p class="muted" id="draft-help">
                "Write in Markdown. Your draft is saved in this browser as you type."
            </p>
            {others_view}
            <div class="editor-grid">
                <div class="editor-col">
                    <label for="draft-text" class="visually-hidden">"Your answer (Markdown)"</label>
                    <textarea
                        id="draft-text"
                        rows="18"
                        spellcheck="true"
                        aria-describedby="draft-help draft-status"
                        prop:value=move || text.get()
                        on:input=on_input
                        on:blur=move |_| if save_state.try_get_untracked() == Some(SaveState::Pending) { save_now() }
                    ></textarea>
                    <p class="draft-status" id="draft-status" aria-live="polite">
                        <span class="save-state" data-state=move || match save_state.get() {
                            SaveState::Saved => "saved",
                            SaveState::Pending => "pending",
                            SaveState::Failed => "failed",
                        }>
                            {move || match save_state.get() {
                                SaveState::Saved if text.with(|t| t.trim().is_empty()) => "Nothing written yet: drafts save as you type",
                                SaveState::Saved if others.with(|o| !o.is_empty()) => "✓ Saved, with another tab's text kept below",
                                SaveState::Saved => "✓ Saved",
                                SaveState::Pending => "Saving…",
                                SaveState::Failed => "Not saved: download your draft to keep it",
                            }}
                        </span>
                        " · "
                        <span class="word-count">{words}</span>
                    </p>
                    <p>
                        <button type="button" class="button" on:click=download>"Download as Markdown"</button>
                    </p>
                </div>
                <div class="editor-col">
                    <p class="preview-label" id="preview-label">"Preview"</p>
                    <div class="prose draft-preview" role="region" aria-labelledby="preview-label" tabindex="0">
                        <Markdown source=Signal::derive(move || text.get()) id_prefix="draft-" />
                    </div>
                </div>
            </div>
        </section>
        <section class="rubric" aria-labelledby="rubric-title">
            <h2 id="rubric-title">"Check your answer"</h2>
            <p>
                "Mark each item honestly. When every item is marked, the model answer appears beside your draft."
            </p>
            <p class="steps-progress">{move || format!("{} of {total} marked", marked())}</p>
            <ol class="rubric-list">{rubric_rows}</ol>
            <Show when=move || !may_reveal()>
                <p>
                    <button type="button" class="button secondary" on:click=give_up>
                        "Give up and show the model answer"
                    </button>
                </p>
            </Show>
        </section>
        {model_view}
    }
}
