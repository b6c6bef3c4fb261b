//! The runbook builder: several runbooks kept in the store; a form for one
//! change with the problem beside each field; a Markdown preview to copy or
//! download; and "try this plan in the canary simulator".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use std::collections::BTreeSet;

use crate::core::runbook::{
    ContactRow, DbPhaseRow, FlagRow, Runbook, StageRow, ThresholdRow, ACTIONS, COMPARES, METRICS, PLAN_KIND,
    PLAN_VERSION, SHARE_KIND, SHARE_VERSION,
};
use crate::core::share;
use crate::ui::form::{Field, SectionError, Select};
use crate::ui::markdown::Markdown;
use crate::ui::state::app_state;
use crate::ui::util;

const DIRECTIONS: &[(&str, &str)] = &[("above", "above"), ("below", "below")];

/// Today as YYYY-MM-DD (the browser's clock).
pub fn today() -> String {
    String::from(js_sys::Date::new_0().to_iso_string()).chars().take(10).collect()
}

#[component]
pub fn RunbooksPage() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| query.with(|q| (q.get("id"), q.get("shared"))));
    view! {
        <Title text="Runbook builder · Rollback Lab" />
        {move || match selected.get() {
            (Some(id), _) => view! { <Editor id=id /> }.into_any(),
            (None, Some(link)) => view! { <SharedRunbook link=link /> }.into_any(),
            (None, None) => view! { <RunbookList /> }.into_any(),
        }}
    }
}

#[component]
fn RunbookList() -> impl IntoView {
    let state = app_state();
    let navigate = use_navigate();
    let confirm_delete = RwSignal::new(None::<String>);
    let create = move |from_exercise: bool| {
        let now = util::now_ms();
        let id = format!("rb-{}", now as u64);
        let rb = if from_exercise { Runbook::exercise_1(&id, now) } else { Runbook::new(&id, now) };
        state.update(|p| {
            p.runbooks.insert(id.clone(), rb);
        });
        navigate(&format!("/runbooks?id={id}"), Default::default());
    };
    let create2 = create.clone();
    let list = move || {
        let mut list: Vec<Runbook> = state
            .progress
            .with(|p| p.runbooks.values().filter(|r| r.deleted_at.is_none() && !r.is_untouched()).cloned().collect());
        list.sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
        list
    };
    let delete = move |id: String| {
        let now = util::now_ms();
        state.update(|p| {
            if let Some(r) = p.runbooks.get_mut(&id) {
                r.deleted_at = Some(now);
                r.updated_at = now;
            }
        });
        confirm_delete.set(None);
        util::announce("Runbook deleted.");
    };
    view! {
        <article class="page">
            <p class="eyebrow">"Tools"</p>
            <h1>"Runbook builder"</h1>
            <p class="summary">
                "Write the runbook for one change: flags and their safe defaults, rollout stages, abort thresholds, \
                 database phases with the last safe rollback point, rollback and rollforward steps, and who to tell. \
                 Copy the Markdown into your pull request."
            </p>
            <p class="button-row">
                <button type="button" class="button primary" on:click=move |_| create(false)>"New runbook"</button>
                <button type="button" class="button" on:click=move |_| create2(true)>"New from exercise 1 (customerType)"</button>
            </p>
            <Show
                when=move || !list().is_empty()
                fallback=|| view! { <p class="muted">"No runbooks yet in this browser."</p> }
            >
                <h2>"Your runbooks"</h2>
                <ul class="item-list">
                    <For each=list key=|r| (r.id.clone(), r.updated_at.to_bits()) let:r>
                        {
                            let issues = r.issues().len();
                            let id = r.id.clone();
                            let id2 = r.id.clone();
                            let id3 = r.id.clone();
                            let name = if r.name.trim().is_empty() { "Untitled change".to_string() } else { r.name.clone() };
                            view! {
                                <li class="item-row">
                                    <a href=util::app_href(&format!("/runbooks?id={id}"))>{name.clone()}</a>
                                    <span class="muted">{format!("updated {}", util::format_time(r.updated_at))}</span>
                                    <span class=if issues == 0 { "tag ok" } else { "tag warn" }>
                                        {if issues == 0 { "complete".to_string() } else { format!("{issues} to fix") }}
                                    </span>
                                    <Show
                                        when=move || confirm_delete.get().as_deref() == Some(id2.as_str())
                                        fallback=move || {
                                            let id = id3.clone();
                                            view! {
                                                <button type="button" class="button danger" aria-label=format!("Delete {name}")
                                                    on:click=move |_| confirm_delete.set(Some(id.clone()))>"Delete"</button>
                                            }
                                        }
                                    >
                                        {
                                            let id = id.clone();
                                            view! {
                                                <span class="inline-confirm" role="group" aria-label="Confirm delete">
                                                    "Delete it? "
                                                    <button type="button" class="button danger" on:click=move |_| delete(id.clone())>"Yes, delete"</button>
                                                    <button type="button" class="button secondary" on:click=move |_| confirm_delete.set(None)>"Keep"</button>
                                                </span>
                                            }
                                        }
                                    </Show>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </article>
    }
}

/// A runbook opened from a share link: read it first, then import a copy.
#[component]
fn SharedRunbook(link: String) -> impl IntoView {
    let state = app_state();
    let navigate = use_navigate();
    let parsed = share::unpack::<Runbook>(&link, SHARE_KIND, SHARE_VERSION)
        .map_err(|e| e.to_string())
        .and_then(|(r, _)| r.check_imported().map(|_| r).map_err(|e| format!("the runbook is not usable: {e}")));
    match parsed {
        Err(message) => view! {
            <article class="page">
                <h1>"A shared runbook"</h1>
                <p class="field-error" role="alert">{format!("This share link can't be opened: {message}. Nothing was imported.")}</p>
                <p>"Ask for the link again, or start a runbook of your own."</p>
                <p><a class="button" href=util::app_href("/runbooks")>"Go to your runbooks"</a></p>
            </article>
        }
        .into_any(),
        Ok(incoming) => {
            let name = if incoming.name.trim().is_empty() { "Untitled change".to_string() } else { incoming.name.clone() };
            let md = incoming.to_markdown(&today());
            let incoming = StoredValue::new(incoming);
            let import = move |_| {
                let now = util::now_ms();
                let id = format!("rb-{}", now as u64);
                let mut copy = incoming.get_value();
                let taken = state.progress.with_untracked(|p| {
                    p.runbooks.values().any(|r| r.name == copy.name && r.deleted_at.is_none())
                });
                if taken {
                    copy.name = format!("{} (copy)", copy.name);
                }
                copy.id = id.clone();
                copy.created_at = now;
                copy.updated_at = now;
                copy.deleted_at = None;
                state.update(|p| {
                    p.runbooks.insert(id.clone(), copy);
                });
                util::announce("Runbook imported as a copy.");
                navigate(&format!("/runbooks?id={id}"), Default::default());
            };
            view! {
                <article class="page">
                    <p class="eyebrow"><a href=util::app_href("/runbooks")>"← All runbooks"</a></p>
                    <h1>"A shared runbook"</h1>
                    <p>
                        "This link holds the runbook " <strong>{name}</strong>
                        ". Read it below; importing adds a copy to your runbooks, and nothing you have is changed."
                    </p>
                    <p class="button-row">
                        <button type="button" class="button primary" on:click=import>"Import a copy"</button>
                        <a class="button" href=util::app_href("/runbooks")>"Close without importing"</a>
                    </p>
                    <section class="prose preview-box shared-preview" aria-label="The shared runbook">
                        <Markdown source=Signal::derive(move || md.clone()) id_prefix="shared-" />
                    </section>
                </article>
            }
            .into_any()
        }
    }
}

/// One runbook being edited.
#[component]
fn Editor(id: String) -> impl IntoView {
    let state = app_state();
    let Some(initial) =
        state.progress.with_untracked(|p| p.runbooks.get(&id).filter(|r| r.deleted_at.is_none()).cloned())
    else {
        return view! {
            <article class="page">
                <h1>"Runbook not found"</h1>
                <p>"There is no runbook " <code>{id}</code> " in this browser. Runbooks live in the browser that made them."</p>
                <p><a href=util::app_href("/runbooks")>"← All runbooks"</a></p>
            </article>
        }
        .into_any();
    };
    let rb = RwSignal::new(initial);
    // Save shortly after each change (and at once when leaving).
    let pending: StoredValue<Option<TimeoutHandle>, LocalStorage> = StoredValue::new_local(None);
    let save = move || {
        if let Some(h) = pending.try_update_value(|h| h.take()).flatten() {
            h.clear();
        }
        let r = rb.get_untracked();
        state.update(|p| {
            p.runbooks.insert(r.id.clone(), r);
        });
    };
    let edit = move |f: &dyn Fn(&mut Runbook)| {
        rb.update(|r| {
            f(r);
            r.updated_at = util::now_ms();
        });
        if let Some(h) = pending.try_update_value(|h| h.take()).flatten() {
            h.clear();
        }
        pending.set_value(set_timeout_with_handle(save, std::time::Duration::from_millis(400)).ok());
    };
    // Closing, reloading or leaving the tab saves at once (the debounce
    // would otherwise drop the last 400 ms of typing).
    let flush = window_event_listener(leptos::ev::pagehide, move |_| {
        if pending.try_with_value(Option::is_some).unwrap_or(false) {
            save();
        }
    });
    on_cleanup(move || {
        if pending.try_with_value(Option::is_some).unwrap_or(false) {
            save();
        }
        flush.remove();
    });

    // A problem shows once its field has been left, or everywhere once the
    // runbook is exported (or was worked on before): a new runbook does not
    // open as a wall of errors.
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let show_all = RwSignal::new(!rb.with_untracked(Runbook::is_untouched));
    let err = move |field: String, id: String| {
        Signal::derive(move || {
            (show_all.get() || touched.with(|t| t.contains(&id))).then(|| rb.with(|r| r.issue(&field))).flatten()
        })
    };
    let section_err = move |field: &'static str, prefix: &'static str| {
        Signal::derive(move || {
            (show_all.get() || touched.with(|t| t.iter().any(|id| id.starts_with(prefix))))
                .then(|| rb.with(|r| r.issue(field)))
                .flatten()
        })
    };
    let left_field = move |ev: leptos::ev::FocusEvent| {
        if let Some(id) =
            ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()).map(|e| e.id())
        {
            if !id.is_empty() && !touched.with_untracked(|t| t.contains(&id)) {
                touched.update(|t| {
                    t.insert(id);
                });
            }
        }
    };
    let issues = Memo::new(move |_| rb.with(|r| r.issues().len()));
    let markdown = Memo::new(move |_| rb.with(|r| r.to_markdown(&today())));
    let copy = move |_| {
        show_all.set(true);
        util::copy_to_clipboard(&markdown.get_untracked(), |ok| {
            util::announce(if ok { "Runbook Markdown copied." } else { "Could not copy: use Download instead." })
        });
    };
    let download = move |_| {
        show_all.set(true);
        let name = rb.with_untracked(|r| slug_name(&r.name));
        match util::download(&format!("runbook-{name}.md"), "text/markdown", &markdown.get_untracked()) {
            Ok(()) => util::announce("Runbook downloaded."),
            Err(e) => util::announce(&format!("Could not download: {e}")),
        }
    };
    let navigate = use_navigate();
    let shown_link = RwSignal::new(None::<String>);
    let share = move |_| {
        show_all.set(true);
        let packed = rb.with_untracked(|r| share::pack(SHARE_KIND, SHARE_VERSION, r));
        let loc = window().location();
        let link = format!("{}{}?shared={}", loc.origin().unwrap_or_default(), util::app_href("/runbooks"), packed);
        shown_link.set(Some(link.clone()));
        util::copy_to_clipboard(&link, |ok| {
            util::announce(if ok { "Share link copied." } else { "Share link shown below: copy it by hand." })
        });
    };
    let try_in_sim = move |_| {
        save();
        let plan = rb.with_untracked(|r| r.canary_plan());
        let link = format!("/simulators/canary?plan={}", share::pack(PLAN_KIND, PLAN_VERSION, &plan));
        navigate(&link, Default::default());
    };

    // Text field bound to a getter and setter of the runbook.
    macro_rules! field {
        ($label:expr, $id:expr, $key:expr, $get:expr, $set:expr $(, $extra:ident = $val:expr)*) => {{
            let value = Signal::derive(move || rb.with($get));
            let on_set = Callback::new(move |v: String| edit(&|r: &mut Runbook| $set(r, v.clone())));
            let id: String = $id.into();
            view! { <Field label=$label id=id.clone() value=value on_set=on_set error=err($key, id) $($extra=$val)* /> }
        }};
    }

    let flags = move || 0..rb.with(|r| r.flags.len());
    let stages = move || 0..rb.with(|r| r.stages.len());
    let thresholds = move || 0..rb.with(|r| r.thresholds.len());
    let phases = move || 0..rb.with(|r| r.db_phases.len());
    let contacts = move || 0..rb.with(|r| r.communication.len());

    view! {
        <Title text=move || format!("{} · Runbook · Rollback Lab", rb.with(|r| if r.name.is_empty() { "Untitled".to_string() } else { r.name.clone() }))
        />
        <article class="page wide runbook-editor">
            <p class="eyebrow"><a href=util::app_href("/runbooks")>"← All runbooks"</a></p>
            <h1>{move || rb.with(|r| if r.name.trim().is_empty() { "Untitled change".to_string() } else { r.name.clone() })}</h1>
            <p class="muted" role="status">
                {move || match issues.get() {
                    _ if rb.with(Runbook::is_untouched) => "A new runbook: fill in the parts below. What is still missing is marked beside a field once you leave it, and everywhere when you export.".to_string(),
                    0 => "Complete: every required part is filled in.".to_string(),
                    1 if !show_all.get() => "1 thing still to fill in: it is marked beside its field once you leave it, and when you export.".to_string(),
                    n if !show_all.get() => format!("{n} things still to fill in: each is marked beside its field once you leave it, and when you export."),
                    1 => "1 thing to fix, marked beside its field.".to_string(),
                    n => format!("{n} things to fix, marked beside their fields."),
                }}
            </p>
            <div class="builder-grid">
                <form class="builder-form" on:submit=|ev| ev.prevent_default() on:focusout=left_field>
                    <fieldset>
                        <legend>"The change"</legend>
                        {field!("Change name", "rb-name", "name".to_string(), |r: &Runbook| r.name.clone(), |r: &mut Runbook, v: String| r.name = v)}
                        {field!("Owner (decides during the rollout)", "rb-owner", "owner".to_string(), |r: &Runbook| r.owner.clone(), |r: &mut Runbook, v: String| r.owner = v)}
                        {field!("What changes (Markdown)", "rb-summary", "summary".to_string(), |r: &Runbook| r.summary.clone(), |r: &mut Runbook, v: String| r.summary = v, multiline = true)}
                    </fieldset>

                    <fieldset>
                        <legend>"Feature flags"</legend>
                        <SectionError error=section_err("flags", "rb-flag-") id="flags-error" />
                        <For each=flags key=|i| *i let:i>
                            <div class="row-group">
                                {field!(format!("Flag {} name", i + 1), format!("rb-flag-{i}-name"), format!("flags[{i}].name"),
                                    move |r: &Runbook| r.flags.get(i).map(|f| f.name.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(f) = r.flags.get_mut(i) { f.name = v })}
                                {field!(format!("Flag {} safe default", i + 1), format!("rb-flag-{i}-default"), format!("flags[{i}].safe_default"),
                                    move |r: &Runbook| r.flags.get(i).map(|f| f.safe_default.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(f) = r.flags.get_mut(i) { f.safe_default = v })}
                                <div class="field checkbox-field">
                                    <input type="checkbox" id=format!("rb-flag-{i}-kill")
                                        prop:checked=move || rb.with(|r| r.flags.get(i).is_some_and(|f| f.kill_switch))
                                        on:change=move |ev| { let on = event_target_checked(&ev); edit(&|r: &mut Runbook| if let Some(f) = r.flags.get_mut(i) { f.kill_switch = on }) } />
                                    <label for=format!("rb-flag-{i}-kill")>"Kill switch"</label>
                                </div>
                                <RemoveButton label=format!("Remove flag {}", i + 1) on_click=Callback::new(move |_| edit(&|r: &mut Runbook| { if i < r.flags.len() { r.flags.remove(i); } })) />
                            </div>
                        </For>
                        <button type="button" class="button" on:click=move |_| edit(&|r: &mut Runbook| r.flags.push(FlagRow { safe_default: "off".into(), kill_switch: true, ..Default::default() }))>"Add a flag"</button>
                    </fieldset>

                    <fieldset>
                        <legend>"Rollout stages"</legend>
                        <p class="field-hint">"Percent of traffic on the new version, strictly increasing, ending at 100 %; hold minutes before the next stage."</p>
                        <SectionError error=section_err("stages", "rb-stage-") id="stages-error" />
                        <For each=stages key=|i| *i let:i>
                            <div class="row-group">
                                {field!(format!("Stage {} traffic (%)", i + 1), format!("rb-stage-{i}-percent"), format!("stages[{i}].percent"),
                                    move |r: &Runbook| r.stages.get(i).map(|s| s.percent.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(s) = r.stages.get_mut(i) { s.percent = v }, input_type = "text")}
                                {field!(format!("Stage {} hold (minutes)", i + 1), format!("rb-stage-{i}-hold"), format!("stages[{i}].hold_minutes"),
                                    move |r: &Runbook| r.stages.get(i).map(|s| s.hold_minutes.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(s) = r.stages.get_mut(i) { s.hold_minutes = v })}
                                <RemoveButton label=format!("Remove stage {}", i + 1) on_click=Callback::new(move |_| edit(&|r: &mut Runbook| { if i < r.stages.len() { r.stages.remove(i); } })) />
                            </div>
                        </For>
                        <button type="button" class="button" on:click=move |_| edit(&|r: &mut Runbook| r.stages.push(StageRow::default()))>"Add a stage"</button>
                    </fieldset>

                    <fieldset>
                        <legend>"Abort thresholds"</legend>
                        <p class="field-hint">"Numbers and a window: a threshold without a window fires on noise or never."</p>
                        <SectionError error=section_err("thresholds", "rb-th-") id="thresholds-error" />
                        <For each=thresholds key=|i| *i let:i>
                            <div class="row-group threshold-row">
                                <Select label=format!("Threshold {} metric", i + 1) id=format!("rb-th-{i}-metric") options=METRICS
                                    value=Signal::derive(move || rb.with(|r| r.thresholds.get(i).map(|t| t.metric.clone()).unwrap_or_default()))
                                    on_set=Callback::new(move |v: String| edit(&|r: &mut Runbook| if let Some(t) = r.thresholds.get_mut(i) { t.metric = v.clone() }))
                                    error=err(format!("thresholds[{i}].metric"), format!("rb-th-{i}-metric")) />
                                <Select label="Direction" id=format!("rb-th-{i}-dir") options=DIRECTIONS
                                    value=Signal::derive(move || rb.with(|r| r.thresholds.get(i).map(|t| t.direction.clone()).unwrap_or_default()))
                                    on_set=Callback::new(move |v: String| edit(&|r: &mut Runbook| if let Some(t) = r.thresholds.get_mut(i) { t.direction = v.clone() })) />
                                {field!("Value", format!("rb-th-{i}-value"), format!("thresholds[{i}].value"),
                                    move |r: &Runbook| r.thresholds.get(i).map(|t| t.value.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(t) = r.thresholds.get_mut(i) { t.value = v })}
                                <Select label="Compared as" id=format!("rb-th-{i}-compare") options=COMPARES
                                    value=Signal::derive(move || rb.with(|r| r.thresholds.get(i).map(|t| t.compare.clone()).unwrap_or_default()))
                                    on_set=Callback::new(move |v: String| edit(&|r: &mut Runbook| if let Some(t) = r.thresholds.get_mut(i) { t.compare = v.clone() })) />
                                {field!("Window (minutes)", format!("rb-th-{i}-window"), format!("thresholds[{i}].window_minutes"),
                                    move |r: &Runbook| r.thresholds.get(i).map(|t| t.window_minutes.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(t) = r.thresholds.get_mut(i) { t.window_minutes = v })}
                                <Select label="Action" id=format!("rb-th-{i}-action") options=ACTIONS
                                    value=Signal::derive(move || rb.with(|r| r.thresholds.get(i).map(|t| t.action.clone()).unwrap_or_default()))
                                    on_set=Callback::new(move |v: String| edit(&|r: &mut Runbook| if let Some(t) = r.thresholds.get_mut(i) { t.action = v.clone() })) />
                                <p class="threshold-words muted">{move || rb.with(|r| r.thresholds.get(i).map(Runbook::threshold_text).unwrap_or_default())}</p>
                                <RemoveButton label=format!("Remove threshold {}", i + 1) on_click=Callback::new(move |_| edit(&|r: &mut Runbook| { if i < r.thresholds.len() { r.thresholds.remove(i); } })) />
                            </div>
                        </For>
                        <button type="button" class="button" on:click=move |_| edit(&|r: &mut Runbook| r.thresholds.push(ThresholdRow::default()))>"Add a threshold"</button>
                    </fieldset>

                    <fieldset>
                        <legend>"Database phases"</legend>
                        <For each=phases key=|i| *i let:i>
                            <div class="row-group">
                                {field!(format!("Phase {}", i + 1), format!("rb-db-{i}-phase"), format!("db_phases[{i}].phase"),
                                    move |r: &Runbook| r.db_phases.get(i).map(|p| p.phase.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(p) = r.db_phases.get_mut(i) { p.phase = v })}
                                {field!("What runs", format!("rb-db-{i}-notes"), format!("db_phases[{i}].notes"),
                                    move |r: &Runbook| r.db_phases.get(i).map(|p| p.notes.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(p) = r.db_phases.get_mut(i) { p.notes = v })}
                                {field!("How to roll back", format!("rb-db-{i}-rollback"), format!("db_phases[{i}].rollback"),
                                    move |r: &Runbook| r.db_phases.get(i).map(|p| p.rollback.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(p) = r.db_phases.get_mut(i) { p.rollback = v })}
                                <RemoveButton label=format!("Remove phase {}", i + 1) on_click=Callback::new(move |_| edit(&|r: &mut Runbook| { if i < r.db_phases.len() { r.db_phases.remove(i); } })) />
                            </div>
                        </For>
                        <button type="button" class="button" on:click=move |_| edit(&|r: &mut Runbook| r.db_phases.push(DbPhaseRow::default()))>"Add a phase"</button>
                        {field!("Last safe rollback point", "rb-last-safe", "last_safe_rollback".to_string(), |r: &Runbook| r.last_safe_rollback.clone(), |r: &mut Runbook, v: String| r.last_safe_rollback = v,
                            hint = "The last step after which rolling back still loses nothing.".to_string())}
                    </fieldset>

                    <StepList title="Rollback steps" prefix="rb-back" rb=rb error=section_err("rollback_steps", "rb-back-") edit_steps=Callback::new(move |f: StepEdit| edit(&|r: &mut Runbook| f.apply(&mut r.rollback_steps))) get=|r: &Runbook| r.rollback_steps.clone() />
                    <StepList title="Rollforward steps" prefix="rb-fwd" rb=rb error=section_err("rollforward_steps", "rb-fwd-") edit_steps=Callback::new(move |f: StepEdit| edit(&|r: &mut Runbook| f.apply(&mut r.rollforward_steps))) get=|r: &Runbook| r.rollforward_steps.clone() />

                    <fieldset>
                        <legend>"Communication"</legend>
                        <For each=contacts key=|i| *i let:i>
                            <div class="row-group">
                                {field!("Who to notify", format!("rb-com-{i}-who"), format!("communication[{i}].who"),
                                    move |r: &Runbook| r.communication.get(i).map(|c| c.who.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(c) = r.communication.get_mut(i) { c.who = v })}
                                {field!("Where", format!("rb-com-{i}-where"), format!("communication[{i}].channel"),
                                    move |r: &Runbook| r.communication.get(i).map(|c| c.channel.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(c) = r.communication.get_mut(i) { c.channel = v })}
                                {field!("When", format!("rb-com-{i}-when"), format!("communication[{i}].when"),
                                    move |r: &Runbook| r.communication.get(i).map(|c| c.when.clone()).unwrap_or_default(),
                                    move |r: &mut Runbook, v: String| if let Some(c) = r.communication.get_mut(i) { c.when = v })}
                                <RemoveButton label=format!("Remove contact {}", i + 1) on_click=Callback::new(move |_| edit(&|r: &mut Runbook| { if i < r.communication.len() { r.communication.remove(i); } })) />
                            </div>
                        </For>
                        <button type="button" class="button" on:click=move |_| edit(&|r: &mut Runbook| r.communication.push(ContactRow::default()))>"Add a contact"</button>
                    </fieldset>
                </form>
                <aside class="builder-output" aria-labelledby="rb-output-title">
                    <h2 id="rb-output-title">"Markdown runbook"</h2>
                    <p class="button-row">
                        <button type="button" class="button" on:click=copy>"Copy Markdown"</button>
                        <button type="button" class="button" on:click=download>"Download .md"</button>
                        <button type="button" class="button" on:click=share>"Copy share link"</button>
                        <button type="button" class="button primary" on:click=try_in_sim>"Try this plan in the canary simulator"</button>
                    </p>
                    {move || shown_link.get().map(|l| view! {
                        <div class="field">
                            <label for="rb-share-link">"Share link (opening it shows the runbook, and offers to import a copy)"</label>
                            <input type="text" id="rb-share-link" readonly prop:value=l />
                        </div>
                    })}
                    <div class="prose preview-box" role="region" aria-label="Runbook preview" tabindex="0">
                        <Markdown source=Signal::derive(move || markdown.get()) id_prefix="rbp-" />
                    </div>
                </aside>
            </div>
        </article>
    }
    .into_any()
}

/// A change to a list of steps.
#[derive(Clone)]
pub enum StepEdit {
    Set(usize, String),
    Add,
    Remove(usize),
    MoveUp(usize),
    MoveDown(usize),
}

impl StepEdit {
    fn apply(&self, steps: &mut Vec<String>) {
        match self {
            StepEdit::Set(i, v) => {
                if let Some(s) = steps.get_mut(*i) {
                    *s = v.clone();
                }
            }
            StepEdit::Add => steps.push(String::new()),
            StepEdit::Remove(i) => {
                if *i < steps.len() {
                    steps.remove(*i);
                }
            }
            StepEdit::MoveUp(i) => {
                if *i > 0 && *i < steps.len() {
                    steps.swap(*i, *i - 1);
                }
            }
            StepEdit::MoveDown(i) => {
                if *i + 1 < steps.len() {
                    steps.swap(*i, *i + 1);
                }
            }
        }
    }
}

#[component]
fn StepList(
    title: &'static str,
    prefix: &'static str,
    rb: RwSignal<Runbook>,
    /// The list's problem, when it is to be shown.
    error: Signal<Option<String>>,
    edit_steps: Callback<StepEdit>,
    get: fn(&Runbook) -> Vec<String>,
) -> impl IntoView {
    let count = move || 0..rb.with(|r| get(r).len());
    let len = move || rb.with(|r| get(r).len());
    view! {
        <fieldset>
            <legend>{title}</legend>
            <SectionError error=error id=format!("{prefix}-error") />
            <ol class="step-list">
                <For each=count key=|i| *i let:i>
                    <li class="row-group">
                        <span class="step-number" aria-hidden="true">{format!("{}.", i + 1)}</span>
                        <Field
                            label=format!("{title}: step {}", i + 1)
                            id=format!("{prefix}-{i}")
                            value=Signal::derive(move || rb.with(|r| get(r).get(i).cloned().unwrap_or_default()))
                            on_set=Callback::new(move |v: String| edit_steps.run(StepEdit::Set(i, v)))
                            visually_hidden_label=true
                            multiline=true
                            rows=2
                            class="grow"
                        />
                        <button type="button" class="button" id=format!("{prefix}-{i}-up") aria-label=format!("Move step {} up", i + 1) disabled=i == 0
                            on:click=move |_| {
                                edit_steps.run(StepEdit::MoveUp(i));
                                // Focus follows the moved step, so Enter again moves it again.
                                let to = i.saturating_sub(1);
                                util::focus_enabled_after_render(vec![format!("#{prefix}-{to}-up"), format!("#{prefix}-{to}-down")]);
                            }>"↑"</button>
                        <button type="button" class="button" id=format!("{prefix}-{i}-down") aria-label=format!("Move step {} down", i + 1) disabled={move || len() <= i + 1}
                            on:click=move |_| {
                                edit_steps.run(StepEdit::MoveDown(i));
                                let to = (i + 1).min(len().saturating_sub(1));
                                util::focus_enabled_after_render(vec![format!("#{prefix}-{to}-down"), format!("#{prefix}-{to}-up")]);
                            }>"↓"</button>
                        <RemoveButton label=format!("Remove step {}", i + 1) on_click=Callback::new(move |_| edit_steps.run(StepEdit::Remove(i))) />
                    </li>
                </For>
            </ol>
            <button type="button" class="button" on:click=move |_| edit_steps.run(StepEdit::Add)>"Add a step"</button>
        </fieldset>
    }
}

#[component]
fn RemoveButton(#[prop(into)] label: String, on_click: Callback<()>) -> impl IntoView {
    view! {
        <button type="button" class="button remove" aria-label=label.clone() title=label on:click=move |_| on_click.run(())>
            "✕"
        </button>
    }
}

fn slug_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() {
        "untitled".into()
    } else {
        s.chars().take(60).collect()
    }
}
