//! The expand-and-contract migration simulator page: a timeline of the five
//! phases with the last safe rollback point, the actions (each showing its
//! PostgreSQL, contract and rollback confirmed with their cost), backfill
//! progress, charts of backfill rate and replica lag, sample rows,
//! validation queries, fault injection, the event log and the summary.

mod faults;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::core::migration::{
    Action, ActionKind, JobStatus, Phase, PhaseStatus, QueryResult, RowState, Scenario, Share, Sim, TimedAction,
};
use crate::core::share;
use crate::ui::chart::{ChartData, LineChart, Marker, Series, YFormat};
use crate::ui::form::Field;
use crate::ui::session;
use crate::ui::state::course;
use crate::ui::util;

const RUN_KIND: &str = "migration-run";
const RUN_VERSION: u32 = 1;

/// The shipped scenarios, by slug, in a teaching order.
/// The key of the run kept across reloads (`ui::session`).
const SESSION: &str = "migration";

pub fn shipped() -> Vec<(String, Scenario)> {
    const ORDER: &[&str] = &[
        "rename-status",
        "healthy-rename",
        "rollback-before-contract",
        "rollback-after-contract",
        "buggy-dual-write",
        "contract-too-early",
        "required-field",
        "required-field-too-early",
        "required-field-validate-fails",
        "enum-queued",
        "long-lock",
        "long-lock-no-timeout",
        "table-rewrite",
        "backfill-stops",
        "lag-throttle",
    ];
    let Ok(c) = course() else { return Vec::new() };
    let mut list: Vec<(String, Scenario)> = c
        .data
        .iter()
        .filter_map(|(path, data)| {
            let slug = path.strip_prefix("scenarios/migration/")?.strip_suffix(".toml")?;
            let crate::core::content::Data::Json(json) = data;
            Scenario::from_json(json).ok().map(|s| (slug.to_string(), s))
        })
        .collect();
    list.sort_by_key(|(slug, _)| ORDER.iter().position(|o| o == slug).unwrap_or(usize::MAX));
    list
}

/// Human names of the phases and actions.
pub fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::NotStarted => "not started",
        Phase::Expand => "Expand",
        Phase::DualWrite => "Dual write",
        Phase::Backfill => "Backfill",
        Phase::SwitchReads => "Switch reads",
        Phase::Contract => "Contract",
        Phase::RolledBack => "rolled back",
    }
}

fn action_label(a: ActionKind) -> &'static str {
    match a {
        ActionKind::Expand => "Expand",
        ActionKind::DualWrite => "Dual write",
        ActionKind::Backfill => "Backfill",
        ActionKind::SwitchReads => "Switch reads",
        ActionKind::DeployNewOnly => "Deploy new-only build",
        ActionKind::Contract => "Contract",
        ActionKind::Rollback => "Roll back",
        ActionKind::Rollforward => "Roll forward",
        ActionKind::Validate => "Run validation",
        ActionKind::Backup => "Take a backup",
        ActionKind::DryRun => "Dry run",
        ActionKind::Repair => "Repair drift",
    }
}

/// Seconds as "2 h 05 min", "12 min 30 s", "45 s".
pub fn duration(s: f64) -> String {
    crate::core::num::duration(s)
}

/// A count with thousands separators.
pub fn count(n: u64) -> String {
    crate::core::num::thousands(n.min(i64::MAX as u64) as i64)
}

/// The scenario as the page runs it: with or without its scripted plan.
fn effective(sc: &Scenario, scripted: bool) -> Scenario {
    let mut s = sc.clone();
    if !scripted {
        s.actions.clear();
    }
    s
}

#[component]
pub fn MigrationPage() -> impl IntoView {
    let list = StoredValue::new(shipped());
    let first = list.with_value(|l| l.first().cloned()).unwrap_or_else(|| ("custom".into(), Scenario::default()));
    let slug = RwSignal::new(first.0.clone());
    let scenario = RwSignal::new(first.1.clone());
    let scripted = RwSignal::new(false);
    let sim = RwSignal::new(
        Sim::new(effective(&first.1, false)).unwrap_or_else(|_| Sim::new(Scenario::default()).expect("default")),
    );
    let running = RwSignal::new(false);
    let speed = RwSignal::new(600.0f64);
    let problem = RwSignal::new(None::<String>);
    let run_hint = RwSignal::new(false);
    // The simulated time (µs) of a run brought back from before a reload.
    let restored = RwSignal::new(None::<u64>);
    let confirm = RwSignal::new(None::<ActionKind>);
    let share_text = RwSignal::new(None::<String>);
    let timer: StoredValue<Option<IntervalHandle>, LocalStorage> = StoredValue::new_local(None);

    let stop = move || {
        if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
        running.set(false);
    };
    // (Re)build the run: the scenario, the learner's actions, up to a time.
    let rebuild = move |sc: &Scenario, actions: &[TimedAction], at_us: Option<u64>| -> Result<Sim, String> {
        let mut s = Sim::replay(effective(sc, scripted.get_untracked()), actions).map_err(|e| e.to_string())?;
        if let Some(t) = at_us {
            s.advance_to(t);
        }
        Ok(s)
    };
    let load = move |s: String, sc: Scenario, actions: Vec<TimedAction>, at_us: u64, with_plan: bool| {
        stop();
        scripted.set(with_plan);
        match rebuild(&sc, &actions, Some(at_us)) {
            Ok(new_sim) => {
                slug.set(s);
                scenario.set(sc);
                sim.set(new_sim);
                confirm.set(None);
                share_text.set(None);
                restored.set(None);
            }
            Err(e) => problem.set(Some(format!("This run can't be reproduced: {e}. Showing the default scenario."))),
        }
    };

    // A packed run (a share link, or the run kept across a reload): the
    // scenario, the learner's actions and the time reached.
    let open_run = move |run: &str| -> Result<(), String> {
        let (v, _) = share::unpack::<serde_json::Value>(run, RUN_KIND, RUN_VERSION).map_err(|e| e.to_string())?;
        let slug_v = v.get("slug").and_then(|s| s.as_str()).unwrap_or("custom").to_string();
        let with_plan = v.get("scripted").and_then(|s| s.as_bool()).unwrap_or(false);
        match v.get("share").map(|s| s.to_string()).map(|j| Share::from_json(&j)) {
            Some(Ok(sh)) => {
                load(slug_v, sh.scenario, sh.actions, sh.at_us, with_plan);
                Ok(())
            }
            Some(Err(e)) => Err(e.to_string()),
            None => Err("it holds no run".into()),
        }
    };
    let query = use_query_map();
    Effect::new(move |_| {
        let q = query.get();
        problem.set(None);
        if let Some(run) = q.get("run") {
            if let Err(e) = open_run(&run) {
                problem.set(Some(format!("This share link can't be opened: {e}. Showing the default scenario.")));
            }
        } else if let Some(s) = q.get("scenario") {
            match list.with_value(|l| l.iter().find(|(x, _)| *x == s).cloned()) {
                Some((slug, sc)) => load(slug, sc, Vec::new(), 0, false),
                None => problem.set(Some(format!("There is no scenario called \"{s}\"; showing the first one."))),
            }
        } else if let Some(kept) = session::kept(SESSION) {
            // No address to follow: bring back the run as it was left.
            match open_run(&kept) {
                Ok(()) => restored.set(Some(sim.with_untracked(Sim::now_us))),
                Err(_) => {
                    session::forget(SESSION);
                    problem.set(Some(
                        "Your last run could not be brought back (what was kept of it is damaged); showing the first scenario."
                            .into(),
                    ));
                }
            }
        }
    });
    let pack_run = move || {
        let sh = sim.with(|s| s.share());
        let payload = serde_json::json!({
            "slug": slug.get(),
            "scripted": scripted.get(),
            "share": serde_json::from_str::<serde_json::Value>(&sh.to_json()).unwrap_or_default(),
        });
        share::pack(RUN_KIND, RUN_VERSION, &payload)
    };
    session::keep_while_open(SESSION, move || running.get(), pack_run);
    on_cleanup(move || {
        if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
    });

    let start = move || {
        stop();
        // Before any step the clock only moves time on: say where to begin.
        let idle = sim.with_untracked(|s| s.actions_taken().is_empty() && s.state().phase == Phase::NotStarted);
        run_hint.set(idle && !scripted.get_untracked());
        running.set(true);
        let handle = set_interval_with_handle(
            move || {
                let dt = speed.get_untracked() * 0.1;
                let mut done = false;
                sim.update(|s| {
                    done = s.advance_toward_end(dt);
                });
                if done {
                    if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
                        h.clear();
                    }
                    running.set(false);
                }
            },
            std::time::Duration::from_millis(100),
        )
        .ok();
        timer.set_value(handle);
    };
    let do_action = move |k: ActionKind| {
        confirm.set(None);
        let mut msg = String::new();
        sim.update(|s| {
            let out = s.act(Action::from(k));
            msg = out.message;
        });
        util::announce(&msg);
    };
    let on_action = move |k: ActionKind| {
        if matches!(k, ActionKind::Contract | ActionKind::Rollback) {
            confirm.set(Some(k));
            // The question takes the focus, on its safe choice.
            util::focus_after_render(&[".confirm button.secondary"]);
        } else {
            do_action(k);
        }
    };
    let until_idle = move |_| {
        stop();
        sim.update(|s| {
            s.run_until_idle();
        });
    };
    let to_end = move |_| {
        stop();
        sim.update(|s| {
            s.run_to_end();
        });
    };
    let restart = move |_| {
        stop();
        let sc = scenario.get_untracked();
        if let Ok(s) = Sim::new(effective(&sc, scripted.get_untracked())) {
            sim.set(s);
        }
        confirm.set(None);
        restored.set(None);
    };
    let choose = move |ev: leptos::ev::Event| {
        let s = event_target_value(&ev);
        if let Some((slug, sc)) = list.with_value(|l| l.iter().find(|(x, _)| *x == s).cloned()) {
            load(slug, sc, Vec::new(), 0, scripted.get_untracked());
        }
    };
    let toggle_plan = move |ev: leptos::ev::Event| {
        scripted.set(event_target_checked(&ev));
        let sc = scenario.get_untracked();
        stop();
        if let Ok(s) = Sim::new(effective(&sc, scripted.get_untracked())) {
            sim.set(s);
        }
    };
    let make_share = move |_| {
        let packed = untrack(pack_run);
        let loc = window().location();
        let url =
            format!("{}{}?run={}", loc.origin().unwrap_or_default(), util::app_href("/simulators/migration"), packed);
        share_text.set(Some(url.clone()));
        util::copy_to_clipboard(&url, |ok| {
            util::announce(if ok { "Share link copied." } else { "Share link shown below." })
        });
    };
    let on_params = Callback::new(move |sc: Scenario| {
        let actions = sim.with_untracked(|s| s.actions_taken().to_vec());
        let at = sim.with_untracked(Sim::now_us);
        match rebuild(&sc, &actions, Some(at)) {
            Ok(s) => {
                scenario.set(sc);
                slug.set("custom".into());
                sim.set(s);
            }
            Err(e) => problem.set(Some(format!("Those settings can't replay your actions: {e}"))),
        }
    });

    let state = Memo::new(move |_| sim.with(Sim::state));
    let options = list.with_value(|l| {
        l.iter()
            .map(|(s, sc)| {
                let s2 = s.clone();
                view! { <option value=s.clone() prop:selected=move || slug.get() == s2>{sc.title.clone()}</option> }
            })
            .collect::<Vec<_>>()
    });
    let hints = Memo::new(move |_| sim.with(Sim::action_hints));
    let buttons = move || {
        hints
            .get()
            .into_iter()
            .map(|h| {
                let k = h.action;
                let reason = h.reason.clone().unwrap_or_default();
                let warn = h.enabled && !h.warnings.is_empty();
                let danger = matches!(k, ActionKind::Contract | ActionKind::Rollback);
                view! {
                    <button
                        type="button"
                        class="button"
                        class:danger=danger
                        class:warn=warn
                        disabled=!h.enabled
                        title=if reason.is_empty() { h.warnings.join(" ") } else { reason.clone() }
                        data-action=k.as_str()
                        on:click=move |_| on_action(k)
                    >
                        {action_label(k)}
                        {warn.then(|| view! { <span class="visually-hidden">" (has warnings)"</span> })}
                    </button>
                }
            })
            .collect::<Vec<_>>()
    };
    // Why the greyed-out actions are off, in words (a disabled button's
    // title is neither visible nor reachable by keyboard).
    let reasons = move || {
        hints
            .get()
            .into_iter()
            .filter(|h| !h.enabled)
            .filter_map(|h| h.reason.map(|r| (action_label(h.action), r)))
            .map(|(label, r)| view! { <li><strong>{label}</strong>": "{r}</li> })
            .collect::<Vec<_>>()
    };

    view! {
        <Title text="Migration simulator · Rollback Lab" />
        <article class="page wide sim-page migration-sim">
            <p class="eyebrow">"Tools"</p>
            <h1>"Migration simulator"</h1>
            {move || problem.get().map(|m| view! { <p class="field-error banner-inline" role="alert">{m}</p> })}
            {move || restored.get().map(|t| view! {
                <p class="banner-inline restored-note" role="status">
                    {format!(
                        "Your run is back where you left it, at t = {}. Choose a scenario or press Restart to begin again.",
                        duration(t as f64 / 1e6)
                    )}
                </p>
            })}
            <div class="sim-top">
                <div class="field">
                    <label for="migration-scenario">"Scenario"</label>
                    <select id="migration-scenario" on:change=choose>
                        {options}
                        <option value="custom" disabled=true prop:selected=move || slug.get() == "custom">"Custom (your settings)"</option>
                    </select>
                </div>
                // Open where there is room; folded on a phone (style/sim.css).
                <details class="scenario-about" prop:open=!util::narrow_screen()>
                    <summary>"About this scenario"</summary>
                    <p class="scenario-description">{move || scenario.with(|s| s.description.clone())}</p>
                </details>
            </div>
            <section class="sim-controls" aria-label="Run controls">
                {move || (run_hint.get() && sim.with(|s| s.actions_taken().is_empty())).then(|| view! {
                    <p class="run-hint" role="status">
                        "The clock runs, but nothing changes until you act: start with Expand below, or tick “Play the scenario's own plan”."
                    </p>
                })}
                <div class="button-row sim-playback">
                    <button type="button" class="button primary" on:click=move |_| if running.get_untracked() { stop() } else { start() }>
                        {move || if running.get() { "Pause the clock" } else { "▶ Run the clock" }}
                    </button>
                    <button type="button" class="button" on:click=until_idle>"Skip until idle"</button>
                    <button type="button" class="button" on:click=to_end>"Run to the end"</button>
                    <button type="button" class="button secondary" on:click=restart>"Restart"</button>
                    <div class="field inline-field">
                        <label for="migration-speed">"Speed"</label>
                        <select id="migration-speed" on:change=move |ev| {
                            speed.set(event_target_value(&ev).parse().unwrap_or(600.0));
                            if running.get_untracked() { start(); }
                        }>
                            <option value="60">"1 min/s"</option>
                            <option value="600" selected=true>"10 min/s"</option>
                            <option value="3600">"1 h/s"</option>
                        </select>
                    </div>
                    <div class="field checkbox-field">
                        <input type="checkbox" id="migration-scripted" prop:checked=move || scripted.get() on:change=toggle_plan />
                        <label for="migration-scripted">"Play the scenario's own plan"</label>
                    </div>
                    <span class="sim-clock">{move || format!("t = {}", duration(state.with(|s| s.second)))}</span>
                </div>
                <div class="button-row" role="group" aria-label="Migration actions">{buttons}</div>
                <details class="action-reasons">
                    <summary>"Why are some actions greyed out?"</summary>
                    <ul>{reasons}</ul>
                </details>
                <Show when=move || confirm.get().is_some()>
                    <ConfirmAction sim=sim confirm=confirm on_yes=Callback::new(do_action) />
                </Show>
            </section>

            <Timeline state=state />

            <div class="sim-grid">
                <div>
                    <BackfillProgress state=state />
                    <div class="sim-charts">
                        <RateChart sim=sim />
                        <LagChart sim=sim />
                    </div>
                    <SampleRows state=state />
                    <Validation sim=sim />
                </div>
                <div class="sim-side">
                    <MigrationSummary state=state />
                    <faults::FaultForm sim=sim />
                    <EventLog sim=sim />
                </div>
            </div>

            <Params scenario=scenario on_change=on_params />

            <section class="share" aria-labelledby="migration-share-title">
                <h2 id="migration-share-title">"Share this run"</h2>
                <p>"The link holds the scenario, your actions and their times: opening it replays the same run."</p>
                <button type="button" class="button" on:click=make_share>"Copy share link"</button>
                {move || share_text.get().map(|l| view! {
                    <div class="field">
                        <label for="migration-share-link">"Share link"</label>
                        <input type="text" id="migration-share-link" readonly prop:value=l />
                    </div>
                })}
            </section>
        </article>
    }
}

fn lost_class(rows: u64) -> &'static str {
    if rows > 0 {
        "rows-lost danger-text"
    } else {
        "rows-lost ok-text"
    }
}

fn danger_if(on: bool) -> &'static str {
    if on {
        "danger-text"
    } else {
        ""
    }
}

/// Contract and rollback are confirmed with what they will cost.
#[component]
fn ConfirmAction(
    sim: RwSignal<Sim>,
    confirm: RwSignal<Option<ActionKind>>,
    on_yes: Callback<ActionKind>,
) -> impl IntoView {
    // Cancel or Escape closes the question and gives the focus back to the
    // action's button.
    let close = move |k: ActionKind| {
        confirm.set(None);
        util::focus_enabled_after_render(vec![format!("button[data-action={}]", k.as_str())]);
    };
    let body = move || {
        let k = confirm.get()?;
        // A rollback's cost is the preview below; its warnings would repeat it.
        let warnings = if k == ActionKind::Rollback { Vec::new() } else { sim.with(|s| s.warnings_for(k)) };
        let preview = (k == ActionKind::Rollback).then(|| sim.with(Sim::rollback_preview));
        let last_safe = sim.with(Sim::last_safe_rollback_phase);
        let title = match k {
            ActionKind::Rollback => "Roll back now?".to_string(),
            _ => "Contract now?".to_string(),
        };
        let lost = preview.as_ref().map(|p| p.rows_lost).unwrap_or(0);
        Some(view! {
            <div class="confirm" role="alertdialog" aria-labelledby="mig-confirm-title" aria-describedby="mig-confirm-text"
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close(k) }>
                <h2 id="mig-confirm-title">{title}</h2>
                <div id="mig-confirm-text">
                    {preview.map(|p| view! {
                        <p class=lost_class(p.rows_lost) data-rows-lost=p.rows_lost.to_string()>
                            {if p.rows_lost > 0 {
                                format!("This rollback loses {} rows: every row inserted or changed since the backup.", count(p.rows_lost))
                            } else {
                                "This rollback loses no rows.".to_string()
                            }}
                        </p>
                        <p>{p.explanation.clone()}</p>
                        {(p.downtime_seconds > 0.0).then(|| view! { <p>{format!("Downtime while restoring: about {}.", duration(p.downtime_seconds))}</p> })}
                        {p.alternative.clone().map(|a| view! { <p class="muted alternative">{format!("The other way: {a}")}</p> })}
                        <pre tabindex="0" aria-label="SQL of the rollback"><code class="language-sql">{p.sql.clone()}</code></pre>
                    })}
                    <p class="last-safe-note">{format!("Last safe rollback point: {}.", phase_name(last_safe))}</p>
                    {(!warnings.is_empty()).then(|| view! {
                        <ul class="warnings">{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect::<Vec<_>>()}</ul>
                    })}
                </div>
                <div class="confirm-actions">
                    <button type="button" class="button danger" on:click=move |_| on_yes.run(k)>
                        {if lost > 0 { format!("Roll back and lose {} rows", count(lost)) } else if k == ActionKind::Rollback { "Roll back".to_string() } else { "Contract".to_string() }}
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| close(k)>"Cancel"</button>
                </div>
            </div>
        })
    };
    view! { {body} }
}

#[component]
fn Timeline(state: Memo<crate::core::migration::State>) -> impl IntoView {
    let items = move || {
        state.with(|s| {
            let last_safe = s.last_safe_rollback_phase;
            s.timeline
                .iter()
                .map(|p| {
                    let st = match p.status {
                        PhaseStatus::Pending => "pending",
                        PhaseStatus::Running => "running",
                        PhaseStatus::Done => "done",
                        PhaseStatus::Failed => "failed",
                        PhaseStatus::RolledBack => "rolled back",
                    };
                    let is_last_safe = p.phase == last_safe;
                    let when = match (p.started_second, p.completed_second) {
                        (Some(a), Some(b)) => format!("{} → {}", duration(a), duration(b)),
                        (Some(a), None) => format!("since {}", duration(a)),
                        _ => String::new(),
                    };
                    view! {
                        <li class="phase" data-status=st class:last-safe=is_last_safe class:unsafe=!p.safe_to_roll_back>
                            <span class="phase-name">{phase_name(p.phase)}</span>
                            <span class="phase-status">{st}</span>
                            <span class="phase-when muted">{when}</span>
                            {is_last_safe.then(|| view! { <span class="last-safe-flag">"⚑ last safe rollback point"</span> })}
                            <details>
                                <summary>"SQL"</summary>
                                <pre tabindex="0"><code class="language-sql">{p.sql.clone()}</code></pre>
                            </details>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="timeline-section" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Phases"</h2>
            <p class="muted">
                {move || state.with(|s| format!(
                    "Now: {} · reads {} · writes {}",
                    phase_name(s.phase),
                    match s.read.path {
                        crate::core::migration::ReadPath::Old => "the old column",
                        crate::core::migration::ReadPath::New => "the new column",
                        _ if !s.old_column_exists => "the new column",
                        _ => "the new column (falling back to the old)",
                    },
                    match s.write.path { crate::core::migration::WritePath::Old => "the old column", crate::core::migration::WritePath::Both => "both columns", _ => "the new column" },
                ))}
            </p>
            <ol class="timeline">{items}</ol>
        </section>
    }
}

#[component]
fn BackfillProgress(state: Memo<crate::core::migration::State>) -> impl IntoView {
    view! {
        <section class="panel backfill" aria-labelledby="backfill-title">
            <h2 id="backfill-title">"Backfill"</h2>
            {move || state.with(|s| match &s.backfill {
                // After a rollback the backfill's figures describe work that
                // was undone ("100 % · 0 rows copied" said two things at once).
                _ if s.phase == Phase::RolledBack => view! { <p class="muted">{format!("Rolled back: {} is gone again, and with it what the backfill had copied.", s.new_column)}</p> }.into_any(),
                None if !s.new_column_exists => view! { <p class="muted">{format!("Not started. {} does not exist yet: Expand adds it, then all {} rows need a value.", s.new_column, count(s.total_rows))}</p> }.into_any(),
                None => view! { <p class="muted">{format!("Not started. {} rows need the new column.", count(s.rows_needing_backfill))}</p> }.into_any(),
                Some(b) => {
                    let status = format!("{:?}", b.status).to_lowercase();
                    view! {
                        <p id="backfill-label">
                            {format!("{:.1} % · {} rows copied, {} pending · batch {}", b.percent, count(b.rows_backfilled), count(b.rows_pending), count(b.batch_size))}
                        </p>
                        <progress max="100" value=b.percent.to_string() aria-labelledby="backfill-label"></progress>
                        <p class="backfill-facts" data-status=status.clone()>
                            {format!("Status: {status} · {} rows/s · ETA {} · {} batches, {} failed{}",
                                count(b.rows_per_second.max(0.0).round() as u64),
                                b.eta_seconds.map(duration).unwrap_or_else(|| "—".into()),
                                count(b.batches), b.batch_failures,
                                if b.status == JobStatus::Throttled { " · throttled: replica lag too high" } else { "" })}
                        </p>
                        <p class="muted"><code>{b.next_batch_sql.clone()}</code></p>
                    }.into_any()
                }
            })}
        </section>
    }
}

fn history_markers(sim: &Sim) -> Vec<Marker> {
    sim.events()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                crate::core::migration::EventKind::PhaseStarted | crate::core::migration::EventKind::Rollback
            )
        })
        .map(|e| Marker { x: e.second / 60.0, label: e.message.clone(), class: "step" })
        .collect()
}

#[component]
fn RateChart(sim: RwSignal<Sim>) -> impl IntoView {
    let data = Memo::new(move |_| {
        sim.with(|s| {
            let h = s.history();
            let x_max = (s.now_seconds() / 60.0).max(1.0);
            ChartData {
                series: vec![Series {
                    label: "rows/s".into(),
                    class: "rate",
                    points: h.iter().map(|p| (p.second / 60.0, Some(p.backfill_rows_per_second))).collect(),
                    dashed: false,
                }],
                markers: history_markers(s),
                x_max,
                y_min: 0.0,
                y_fmt: YFormat::Count,
                x_unit: "min",
            }
        })
    });
    let summary = Signal::derive(move || {
        sim.with(|s| {
            s.history()
                .last()
                .map(|p| format!("Backfill rate now {:.0} rows per second.", p.backfill_rows_per_second))
                .unwrap_or_else(|| "No backfill yet.".into())
        })
    });
    view! { <LineChart id="chart-backfill-rate" title="Backfill rate" summary=summary data=data /> }
}

#[component]
fn LagChart(sim: RwSignal<Sim>) -> impl IntoView {
    let data = Memo::new(move |_| {
        sim.with(|s| {
            let h = s.history();
            let limit = s.scenario().max_lag_ms as f64;
            let x_max = (s.now_seconds() / 60.0).max(1.0);
            ChartData {
                series: vec![
                    Series {
                        label: "replica lag".into(),
                        class: "lag",
                        points: h.iter().map(|p| (p.second / 60.0, Some(p.replica_lag_ms))).collect(),
                        dashed: false,
                    },
                    Series {
                        label: "throttle limit".into(),
                        class: "limit",
                        points: vec![(0.0, Some(limit)), (x_max, Some(limit))],
                        dashed: true,
                    },
                ],
                markers: history_markers(s),
                x_max,
                y_min: 0.0,
                y_fmt: YFormat::Ms,
                x_unit: "min",
            }
        })
    });
    let summary = Signal::derive(move || {
        sim.with(|s| {
            format!(
                "Replica lag now {:.0} ms; the backfill throttles above {} ms.",
                s.state().replica_lag_ms,
                s.scenario().max_lag_ms
            )
        })
    });
    view! { <LineChart id="chart-replica-lag" title="Replica lag" summary=summary data=data /> }
}

#[component]
fn SampleRows(state: Memo<crate::core::migration::State>) -> impl IntoView {
    let rows = move || {
        state.with(|s| {
            s.sample
                .iter()
                .map(|r| {
                    let st = match r.state {
                        RowState::OldOnly => "old only",
                        RowState::Null => "new is NULL",
                        RowState::Equal => "equal",
                        RowState::NewStale => "drift: new is stale",
                        RowState::OldStale => "drift: old is stale",
                        RowState::NewOnly => "new only",
                    };
                    let bad = matches!(r.state, RowState::NewStale | RowState::OldStale);
                    view! {
                        <tr class:drift=bad>
                            <td>{r.id.to_string()}</td>
                            <td>{r.old.clone().unwrap_or_else(|| "NULL".into())}</td>
                            <td>{r.new.clone().unwrap_or_else(|| "NULL".into())}</td>
                            <td>{st}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" aria-labelledby="sample-title">
            <h2 id="sample-title">"Sample rows"</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Sample rows table">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"id"</th>
                            <th scope="col">{move || state.with(|s| if s.old_column.is_empty() { "(no old column)".to_string() } else { s.old_column.clone() })}</th>
                            <th scope="col">{move || state.with(|s| s.new_column.clone())}</th>
                            <th scope="col">"state"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Validation(sim: RwSignal<Sim>) -> impl IntoView {
    let results = Memo::new(move |_| sim.with(Sim::validate_now));
    let items = move || {
        results
            .get()
            .into_iter()
            .map(|r| {
                let result = match &r.result {
                    QueryResult::Count { value } => count(*value),
                    QueryResult::Share { value } => format!("{:.2} %", value * 100.0),
                    QueryResult::Table { columns, rows } => {
                        let head = columns.join(" | ");
                        let body = rows.iter().map(|row| row.join(" | ")).collect::<Vec<_>>().join("; ");
                        format!("{head}: {body}")
                    }
                    QueryResult::Error { message } => message.clone(),
                    QueryResult::NotApplicable { reason } => format!("n/a: {reason}"),
                };
                view! {
                    <li class="validation" class:ok=r.ok class:bad=!r.ok data-name=r.name.clone()>
                        <p class="validation-title">{if r.ok { "✓ " } else { "✗ " }}{r.title.clone()}</p>
                        <pre tabindex="0"><code class="language-sql">{r.sql.clone()}</code></pre>
                        <p class="validation-result">{result}</p>
                        {(!r.note.is_empty()).then(|| view! { <p class="muted">{r.note.clone()}</p> })}
                    </li>
                }
            })
            .collect::<Vec<_>>()
    };
    let run = move |_| {
        let mut msg = String::new();
        sim.update(|s| msg = s.act(Action::Validate).message);
        util::announce(&msg);
    };
    view! {
        <section class="panel" aria-labelledby="validation-title">
            <h2 id="validation-title">"Validation queries"</h2>
            <p class="muted">"Computed on the simulated table right now. Run them before every risky step."</p>
            <p><button type="button" class="button" on:click=run>"Run validation (and log it)"</button></p>
            <ul class="validations">{items}</ul>
        </section>
    }
}

#[component]
fn MigrationSummary(state: Memo<crate::core::migration::State>) -> impl IntoView {
    view! {
        <section class="panel summary-card" aria-labelledby="mig-summary-title">
            <h2 id="mig-summary-title">"Where things stand"</h2>
            {move || state.with(|s| view! {
                <dl class="facts">
                    <dt>"Phase"</dt><dd data-phase=s.phase.as_str()>{phase_name(s.phase)}</dd>
                    <dt>"Last safe rollback point"</dt><dd class="last-safe-value">{phase_name(s.last_safe_rollback_phase)}</dd>
                    <dt>"Rows"</dt><dd>{count(s.total_rows)}</dd>
                    <dt>"Pending backfill"</dt><dd>{if s.new_column_exists { count(s.rows_pending) } else { format!("— (no {} column)", s.new_column) }}</dd>
                    <dt>"Mismatches (drift)"</dt><dd>{count(s.mismatches)}</dd>
                    <dt>"Replica lag"</dt><dd>{format!("{:.0} ms", s.replica_lag_ms)}</dd>
                    <dt>"Written since last backup"</dt><dd>{count(s.rows_written_since_backup)}</dd>
                    <dt>"Rows lost"</dt><dd class=danger_if(s.rows_lost > 0)>{count(s.rows_lost)}</dd>
                    <dt>"Failed reads"</dt><dd>{count(s.failed_reads)}</dd>
                    <dt>"Writes rejected"</dt><dd>{count(s.writes_rejected)}</dd>
                    <dt>"Writes blocked by locks"</dt><dd>{count(s.writes_blocked)}</dd>
                </dl>
                {(!s.active_faults.is_empty()).then(|| view! { <p class="warn-text">{format!("Active faults: {}", s.active_faults.join(", "))}</p> })}
                {failures_by_sqlstate(&s.failures)}
            })}
        </section>
    }
}

/// Failed statements by SQLSTATE, as PostgreSQL reports them to the app
/// (`42703 undefined_column: 1,810,000 reads, 362,000 inserts`).
fn failures_by_sqlstate(f: &crate::core::migration::StatementFailures) -> Option<impl IntoView> {
    use crate::core::migration::{SqlState, Statement};
    let rows: Vec<String> = [SqlState::UndefinedColumn, SqlState::CheckViolation]
        .into_iter()
        .filter_map(|state| {
            let parts: Vec<String> =
                [(Statement::Select, "reads"), (Statement::Insert, "inserts"), (Statement::Update, "updates")]
                    .into_iter()
                    .filter_map(|(st, name)| {
                        let n = f.get(st, state);
                        (n > 0).then(|| format!("{} {name}", count(n)))
                    })
                    .collect();
            (!parts.is_empty()).then(|| format!("{} {}: {}", state.code(), state.condition(), parts.join(", ")))
        })
        .collect();
    (!rows.is_empty()).then(|| {
        view! {
            <div class="sqlstate-failures">
                <p class="dash-label">"Failed statements, by SQLSTATE"</p>
                <ul>{rows.into_iter().map(|r| view! { <li><code>{r}</code></li> }).collect::<Vec<_>>()}</ul>
            </div>
        }
    })
}

#[component]
fn EventLog(sim: RwSignal<Sim>) -> impl IntoView {
    let items = move || {
        sim.with(|s| {
            s.events()
                .iter()
                .rev()
                .take(300)
                .map(|e| {
                    let kind = format!("{:?}", e.kind).to_lowercase();
                    view! {
                        <li class=format!("event {kind}")>
                            <span class="event-minute">{duration(e.second)}</span>
                            " "
                            {e.message.clone()}
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" aria-labelledby="mig-events-title">
            <h2 id="mig-events-title">"Event log"</h2>
            <div class="event-log" role="log" aria-labelledby="mig-events-title" tabindex="0">
                <ol>{items}</ol>
            </div>
        </section>
    }
}

/// Table size, traffic and batch settings; a change replays the run.
#[component]
fn Params(scenario: RwSignal<Scenario>, on_change: Callback<Scenario>) -> impl IntoView {
    #[derive(Clone, Default, PartialEq)]
    struct Draft {
        rows: String,
        writes: String,
        batch: String,
        pause: String,
        max_lag: String,
        lock_timeout: String,
        seed: String,
    }
    let from = |s: &Scenario| Draft {
        rows: s.rows.to_string(),
        writes: s.writes_per_second.to_string(),
        batch: s.batch_size.to_string(),
        pause: s.batch_pause_ms.to_string(),
        max_lag: s.max_lag_ms.to_string(),
        lock_timeout: s.lock_timeout_ms.to_string(),
        seed: s.seed.to_string(),
    };
    let draft = RwSignal::new(from(&scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let emitted = StoredValue::new(scenario.get_untracked());
    Effect::new(move |_| {
        let sc = scenario.get();
        if emitted.with_value(|e| *e != sc) {
            emitted.set_value(sc.clone());
            draft.set(from(&sc));
            errors.set(Vec::new());
        }
    });
    let apply = move |f: &dyn Fn(&mut Draft)| {
        draft.update(f);
        let d = draft.get_untracked();
        let mut sc = emitted.get_value();
        let mut errs = Vec::new();
        let mut int = |id: &str, text: &str, what: &str| -> Option<i64> {
            match text.trim().replace(['_', ','], "").parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errs.push((id.to_string(), format!("{what}: a whole number.")));
                    None
                }
            }
        };
        if let Some(v) = int("ms-rows", &d.rows, "Rows") {
            sc.rows = v;
        }
        if let Some(v) = int("ms-writes", &d.writes, "Writes per second") {
            sc.writes_per_second = v as f64;
        }
        if let Some(v) = int("ms-batch", &d.batch, "Batch size") {
            sc.batch_size = v;
        }
        if let Some(v) = int("ms-pause", &d.pause, "Pause") {
            sc.batch_pause_ms = v;
        }
        if let Some(v) = int("ms-lag", &d.max_lag, "Lag limit") {
            sc.max_lag_ms = v;
        }
        if let Some(v) = int("ms-lock", &d.lock_timeout, "Lock timeout") {
            sc.lock_timeout_ms = v;
        }
        match d.seed.trim().parse::<u64>() {
            Ok(v) => sc.seed = v,
            Err(_) => errs.push(("ms-seed".to_string(), "Seed: a whole number from 0.".to_string())),
        }
        if errs.is_empty() {
            if let Err(e) = sc.validate() {
                for fe in e {
                    // The field's own words, not the scenario file's key.
                    let (id, what) = match fe.key.as_str() {
                        "rows" => ("ms-rows", "Rows"),
                        "writes_per_second" => ("ms-writes", "Writes per second"),
                        "batch_size" => ("ms-batch", "Batch size"),
                        "batch_pause_ms" => ("ms-pause", "The pause between batches"),
                        "max_lag_ms" => ("ms-lag", "The lag limit"),
                        "lock_timeout_ms" => ("ms-lock", "The lock timeout"),
                        "seed" => ("ms-seed", "Seed"),
                        _ => ("ms-other", "A setting"),
                    };
                    errs.push((id.to_string(), format!("{what} {}.", fe.reason)));
                }
            }
        }
        if errs.is_empty() {
            errors.set(Vec::new());
            emitted.set_value(sc.clone());
            on_change.run(sc);
        } else {
            errors.set(errs);
        }
    };
    let err = move |id: &'static str| {
        Signal::derive(move || errors.with(|e| e.iter().find(|(k, _)| k == id).map(|(_, m)| m.clone())))
    };
    macro_rules! text {
        ($label:expr, $id:expr, $field:ident) => {
            view! {
                <Field label=$label id=$id value=Signal::derive(move || draft.with(|d| d.$field.clone()))
                    on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| d.$field = v.clone()))
                    error=err($id) />
            }
        };
    }
    view! {
        <section class="params" aria-labelledby="ms-params-title">
            <h2 id="ms-params-title">"Change the table and the job"</h2>
            <p class="muted">"A change replays your actions at their times on the new settings."</p>
            {move || errors.with(|e| e.iter().find(|(k, _)| k == "ms-other").map(|(_, m)| view! { <p class="field-error" role="alert">{m.clone()}</p> }))}
            <div class="params-grid">
                <fieldset>
                    <legend>"Table and traffic"</legend>
                    {text!("Rows (10 to 1,000,000,000)", "ms-rows", rows)}
                    {text!("Writes per second", "ms-writes", writes)}
                    {text!("Seed", "ms-seed", seed)}
                </fieldset>
                <fieldset>
                    <legend>"Backfill job"</legend>
                    {text!("Batch size (100 to 100,000)", "ms-batch", batch)}
                    {text!("Pause between batches (ms)", "ms-pause", pause)}
                    {text!("Throttle above replica lag (ms)", "ms-lag", max_lag)}
                    {text!("Lock timeout (ms, 0 = none)", "ms-lock", lock_timeout)}
                </fieldset>
            </div>
        </section>
    }
}
