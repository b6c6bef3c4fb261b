//! The canary simulator page: pick a scenario, change its parameters (each
//! change re-simulates at once), run it minute by minute or to the end, act
//! like the on-call engineer, and read the charts, gates, event log and
//! summary. The run (scenario + seed + actions) travels in a share link.

mod params;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::core::canary::plan::scenario_from_plan;
use crate::core::canary::{
    Action, EventKind, GateState, GateStatus, Metric, Outcome, RecordedAction, RolloutStatus, Scenario, Sim,
};
use crate::core::runbook::{CanaryPlan, PLAN_KIND, PLAN_VERSION};
use crate::core::share;
use crate::ui::chart::{ChartData, LineChart, Marker, Series, YFormat};
use crate::ui::session;
use crate::ui::state::course;
use crate::ui::util;

/// The key of the run kept across reloads (`ui::session`).
const SESSION: &str = "canary";

/// Share-link kind and version of a canary run.
const RUN_KIND: &str = "canary-run";
const RUN_VERSION: u32 = 1;

/// What a share link carries.
#[derive(serde::Serialize, serde::Deserialize)]
struct RunLink {
    scenario: Scenario,
    actions: Vec<RecordedAction>,
    minute: u32,
    slug: String,
}

/// The shipped scenarios, by slug, in a teaching order.
pub fn shipped() -> Vec<(String, Scenario)> {
    const ORDER: &[&str] = &[
        "worked-example-1",
        "worked-example-3",
        "worked-example-3-hotfix",
        "error-spike-at-1-percent",
        "kpi-only-regression",
        "no-gates",
        "kill-switch-save",
        "exercise-1",
        "flapping-errors",
        "saturation-leak",
        "kayenta-judge",
        "low-traffic-inconclusive",
    ];
    let Ok(c) = course() else { return Vec::new() };
    let mut list: Vec<(String, Scenario)> = c
        .data
        .iter()
        .filter_map(|(path, data)| {
            let slug = path.strip_prefix("scenarios/canary/")?.strip_suffix(".toml")?;
            let crate::core::content::Data::Json(json) = data;
            Scenario::from_json(json).ok().map(|s| (slug.to_string(), s))
        })
        .collect();
    list.sort_by_key(|(slug, _)| ORDER.iter().position(|o| o == slug).unwrap_or(usize::MAX));
    list
}

/// Run a scenario with the learner's actions up to `minute` (or to the end).
fn simulate(scenario: &Scenario, actions: &[RecordedAction], minute: Option<u32>) -> Sim {
    match minute {
        Some(m) => Sim::replay_until(scenario.clone(), actions, m),
        None => Sim::replay(scenario.clone(), actions),
    }
}

fn pct(v: f64) -> String {
    let p = v * 100.0;
    if p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

fn thousands(v: u64) -> String {
    crate::core::num::thousands(v.min(i64::MAX as u64) as i64)
}

fn ms(v: f64) -> String {
    format!("{v:.0} ms")
}

#[component]
pub fn CanaryPage() -> impl IntoView {
    let list = StoredValue::new(shipped());
    let first = list.with_value(|l| l.first().cloned()).unwrap_or_else(|| ("custom".into(), Scenario::default()));
    let slug = RwSignal::new(first.0.clone());
    let scenario = RwSignal::new(first.1.clone());
    let sim = RwSignal::new(Sim::new(first.1));
    let running = RwSignal::new(false);
    let speed = RwSignal::new(5u32);
    let link_problem = RwSignal::new(None::<String>);
    // Said when the run was brought back from before a reload.
    let restored = RwSignal::new(None::<u32>);
    let share_text = RwSignal::new(None::<String>);
    let timer: StoredValue<Option<IntervalHandle>, LocalStorage> = StoredValue::new_local(None);

    let stop = move || {
        if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
        running.set(false);
    };
    let load = move |s: String, sc: Scenario, actions: Vec<RecordedAction>, minute: Option<u32>| {
        stop();
        slug.set(s);
        scenario.set(sc.clone());
        sim.set(simulate(&sc, &actions, minute));
        share_text.set(None);
        restored.set(None);
    };

    // The address decides what to load: ?run= (a shared run), ?plan= (a
    // runbook's plan), ?scenario= (a shipped scenario).
    let query = use_query_map();
    Effect::new(move |_| {
        let q = query.get();
        link_problem.set(None);
        if let Some(run) = q.get("run") {
            match share::unpack::<RunLink>(&run, RUN_KIND, RUN_VERSION) {
                Ok((r, _)) => match r.scenario.validate() {
                    Ok(()) => load(r.slug, r.scenario, r.actions, Some(r.minute)),
                    Err(e) => link_problem.set(Some(format!(
                        "This share link holds a scenario that is not valid ({}); showing the default scenario instead.",
                        e.first().map(|f| f.to_string()).unwrap_or_default()
                    ))),
                },
                Err(e) => link_problem.set(Some(format!("This share link can't be opened: {e}. Showing the default scenario instead."))),
            }
        } else if let Some(plan) = q.get("plan") {
            match share::unpack::<CanaryPlan>(&plan, PLAN_KIND, PLAN_VERSION) {
                Ok((p, _)) => {
                    let base = list
                        .with_value(|l| l.iter().find(|(s, _)| s == "exercise-1").map(|(_, s)| s.clone()))
                        .unwrap_or_default();
                    let sc = scenario_from_plan(&p, &base);
                    match sc.validate() {
                        Ok(()) => load("custom".into(), sc, Vec::new(), Some(0)),
                        Err(e) => link_problem.set(Some(format!(
                            "The runbook's plan can't run as it is: {}. Fix it in the runbook builder.",
                            e.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("; ")
                        ))),
                    }
                }
                Err(e) => link_problem.set(Some(format!("This plan link can't be opened: {e}."))),
            }
        } else if let Some(s) = q.get("scenario") {
            match list.with_value(|l| l.iter().find(|(slug, _)| *slug == s).cloned()) {
                Some((slug, sc)) => load(slug, sc, Vec::new(), Some(0)),
                None => link_problem.set(Some(format!("There is no scenario called \"{s}\"; showing the first one."))),
            }
        } else if let Some(kept) = session::kept(SESSION) {
            // No address to follow: bring back the run as it was left.
            match share::unpack::<RunLink>(&kept, RUN_KIND, RUN_VERSION) {
                Ok((r, _)) if r.scenario.validate().is_ok() => {
                    let minute = r.minute;
                    load(r.slug, r.scenario, r.actions, Some(minute));
                    restored.set(Some(minute));
                }
                _ => {
                    session::forget(SESSION);
                    link_problem.set(Some(
                        "Your last run could not be brought back (what was kept of it is damaged); showing the first scenario."
                            .into(),
                    ));
                }
            }
        }
    });
    let pack_run = move || {
        let link = RunLink {
            scenario: scenario.get(),
            actions: sim.with(|s| s.actions().to_vec()),
            minute: sim.with(Sim::minute),
            slug: slug.get(),
        };
        share::pack(RUN_KIND, RUN_VERSION, &link)
    };
    session::keep_while_open(SESSION, move || running.get(), pack_run);
    on_cleanup(move || {
        if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
    });

    let start = move || {
        if sim.with_untracked(Sim::is_finished) {
            return;
        }
        stop();
        running.set(true);
        let every = std::time::Duration::from_millis(1000 / u64::from(speed.get_untracked().max(1)));
        let handle = set_interval_with_handle(
            move || {
                let mut done = false;
                sim.update(|s| {
                    s.step();
                    done = s.is_finished();
                });
                if done {
                    if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
                        h.clear();
                    }
                    running.set(false);
                }
            },
            every,
        )
        .ok();
        timer.set_value(handle);
    };
    let toggle_run = move |_| if running.get_untracked() { stop() } else { start() };
    let step_once = move |_| {
        stop();
        sim.update(|s| {
            s.step();
        });
    };
    let to_end = move |_| {
        stop();
        sim.update(Sim::run_to_end);
        // The button disables itself: take the focus to the outcome (on a
        // phone, to the rollout's state in the playback bar, so the page
        // does not jump away from the charts).
        if util::narrow_screen() {
            util::focus_after_render(&[".sim-controls .sim-status"]);
        } else {
            util::focus_after_render(&["#summary-title"]);
        }
    };
    let restart = move |_| {
        stop();
        let sc = scenario.get_untracked();
        sim.set(Sim::new(sc));
        restored.set(None);
        util::announce("The run starts again from minute 0, without your actions.");
    };
    let act = move |a: Action| {
        let was_running = running.get_untracked();
        sim.update(|s| {
            s.act(a);
            if !was_running && !s.is_finished() {
                // Show the effect at once: actions land in the next minute.
                s.step();
            }
        });
    };
    let choose = move |ev: leptos::ev::Event| {
        let s = event_target_value(&ev);
        if let Some((slug, sc)) = list.with_value(|l| l.iter().find(|(x, _)| *x == s).cloned()) {
            load(slug, sc, Vec::new(), Some(0));
        }
    };
    // A parameter change: re-simulate at once, keeping the learner's actions
    // and the minute reached.
    let on_change = Callback::new(move |sc: Scenario| {
        let actions = sim.with_untracked(|s| s.actions().to_vec());
        let minute = sim.with_untracked(|s| if s.is_finished() { None } else { Some(s.minute()) });
        let mut sc = sc;
        if slug.get_untracked() != "custom" {
            // The description was the shipped scenario's; say what it is now.
            let from =
                list.with_value(|l| l.iter().find(|(s, _)| *s == slug.get_untracked()).map(|(_, x)| x.title.clone()));
            if let Some(from) = from {
                sc.description = format!("Custom: {from}, with your changes below.");
            }
            slug.set("custom".into());
        }
        scenario.set(sc.clone());
        let was_running = running.get_untracked();
        stop();
        sim.set(simulate(&sc, &actions, minute));
        if was_running {
            start();
        }
    });
    let make_share = move |_| {
        let packed = untrack(pack_run);
        let loc = window().location();
        let url =
            format!("{}{}?run={}", loc.origin().unwrap_or_default(), util::app_href("/simulators/canary"), packed);
        share_text.set(Some(url.clone()));
        util::copy_to_clipboard(&url, |ok| {
            util::announce(if ok { "Share link copied." } else { "Share link shown below." })
        });
    };

    let finished = move || sim.with(Sim::is_finished);
    let status = move || sim.with(Sim::status);
    let options = list.with_value(|l| {
        l.iter()
            .map(|(s, sc)| {
                let s2 = s.clone();
                view! { <option value=s.clone() prop:selected=move || slug.get() == s2>{sc.title.clone()}</option> }
            })
            .collect::<Vec<_>>()
    });

    view! {
        <Title text="Canary simulator · Rollback Lab" />
        <article class="page wide sim-page canary-sim">
            <p class="eyebrow">"Tools"</p>
            <h1>"Canary simulator"</h1>
            {move || link_problem.get().map(|m| view! { <p class="field-error banner-inline" role="alert">{m}</p> })}
            {move || restored.get().map(|m| view! {
                <p class="banner-inline restored-note" role="status">
                    {format!("Your run is back where you left it, at minute {m}. Choose a scenario or press Restart to begin again.")}
                </p>
            })}
            <div class="sim-top">
                <div class="field">
                    <label for="canary-scenario">"Scenario"</label>
                    <select id="canary-scenario" on:change=choose>
                        {options}
                        <option value="custom" disabled=true prop:selected=move || slug.get() == "custom">"Custom (your changes)"</option>
                    </select>
                </div>
                // Open where there is room; on a phone it folds, so the charts
                // come first (style/sim.css).
                <details class="scenario-about" prop:open=!util::narrow_screen()>
                    <summary>"About this scenario"</summary>
                    <p class="scenario-description">{move || scenario.with(|s| s.description.clone())}</p>
                </details>
            </div>

            <section class="sim-controls" aria-label="Run controls">
                <div class="button-row">
                    <button type="button" class="button primary" on:click=toggle_run disabled=finished>
                        {move || if running.get() { "Pause the clock" } else { "▶ Run the clock" }}
                    </button>
                    <button type="button" class="button" on:click=step_once disabled=finished>"Step 1 minute"</button>
                    <button type="button" class="button" on:click=to_end disabled=finished>"Run to the end"</button>
                    <button type="button" class="button secondary" on:click=restart>"Restart"</button>
                    <div class="field inline-field">
                        <label for="canary-speed">"Speed"</label>
                        <select id="canary-speed" on:change=move |ev| {
                            speed.set(event_target_value(&ev).parse().unwrap_or(5));
                            if running.get_untracked() { start(); }
                        }>
                            <option value="1">"1 min/s"</option>
                            <option value="5" selected=true>"5 min/s"</option>
                            <option value="20">"20 min/s"</option>
                        </select>
                    </div>
                    <span class="sim-clock" aria-live="off">
                        {move || sim.with(|s| format!("minute {} of {}", s.minute(), s.horizon()))}
                    </span>
                </div>
                <StatusLine sim=sim />
            </section>
            <section class="sim-actions" aria-label="Your actions">
                <div class="button-row" role="group" aria-label="Your actions as the on-call engineer">
                    <button type="button" class="button" disabled=move || finished() || status() != RolloutStatus::Progressing && status() != RolloutStatus::Paused on:click=move |_| act(Action::Promote)>"Promote to 100 %"</button>
                    <button type="button" class="button" disabled=move || finished() || status() != RolloutStatus::Progressing on:click=move |_| act(Action::Pause)>"Pause the rollout"</button>
                    <button type="button" class="button" disabled=move || finished() || !matches!(status(), RolloutStatus::Paused | RolloutStatus::Halted) on:click=move |_| act(Action::Resume)>"Resume"</button>
                    <button type="button" class="button danger" disabled=move || finished() || status() == RolloutStatus::RolledBack on:click=move |_| act(Action::Rollback)>"Roll back"</button>
                    <button type="button" class="button" disabled=finished aria-pressed=move || sim.with(Sim::kill_switch).to_string()
                        on:click=move |_| act(if sim.with_untracked(Sim::kill_switch) { Action::KillSwitchOff } else { Action::KillSwitchOn })>
                        {move || if sim.with(Sim::kill_switch) { "Kill switch: ON (new path off)" } else { "Kill switch: off" }}
                    </button>
                    <button type="button" class="button" disabled=finished on:click=move |_| act(Action::Hotfix)>"Ship a hotfix"</button>
                    <div class="field checkbox-field">
                        <input type="checkbox" id="canary-automation" prop:checked=move || sim.with(Sim::automation)
                            disabled=finished
                            on:change=move |ev| act(if event_target_checked(&ev) { Action::AutomationOn } else { Action::AutomationOff }) />
                        <label for="canary-automation">"Gates act automatically"</label>
                    </div>
                </div>
            </section>

            <div class="sim-grid">
                <div class="sim-charts">
                    <MetricChart sim=sim metric=Metric::ErrorRate title="Error rate (5xx)" />
                    <MetricChart sim=sim metric=Metric::LatencyP99 title="p99 latency" />
                    <MetricChart sim=sim metric=Metric::Kpi title="Business KPI (checkout success)" />
                    <MetricChart sim=sim metric=Metric::Cpu title="CPU saturation" />
                    <WeightChart sim=sim />
                </div>
                <div class="sim-side">
                    <SummaryCard sim=sim />
                    <GatesPanel sim=sim />
                    <EventLog sim=sim />
                </div>
            </div>

            <params::Params scenario=scenario on_change=on_change />

            <section class="share" aria-labelledby="canary-share-title">
                <h2 id="canary-share-title">"Share this run"</h2>
                <p>"The link holds the scenario, the seed and your actions: opening it replays the same run."</p>
                <button type="button" class="button" on:click=make_share>"Copy share link"</button>
                {move || share_text.get().map(|l| view! {
                    <div class="field">
                        <label for="canary-share-link">"Share link"</label>
                        <input type="text" id="canary-share-link" readonly prop:value=l />
                    </div>
                })}
            </section>
        </article>
    }
}

#[component]
fn StatusLine(sim: RwSignal<Sim>) -> impl IntoView {
    let text = move || {
        sim.with(|s| {
            if s.ticks().is_empty() {
                return "Not started: the canary has no traffic yet (weight 0 %).".to_string();
            }
            let st = match s.status() {
                RolloutStatus::Progressing => "progressing",
                RolloutStatus::Paused => "paused",
                RolloutStatus::Halted => "halted, waiting for a human",
                RolloutStatus::Promoted => "promoted",
                RolloutStatus::RolledBack => "rolled back",
            };
            let release = s.ticks().last().map(|t| t.release).unwrap_or(2);
            format!(
                "Canary {st} · weight {} % · {}{}",
                s.weight(),
                if release > 2 { format!("hotfix #{} · ", release - 2) } else { String::new() },
                if s.kill_switch() { "new code path off (kill switch)" } else { "new code path on" }
            )
        })
    };
    view! {
        <p class="sim-status" data-status=move || format!("{:?}", sim.with(Sim::status)).to_lowercase()>{text}</p>
    }
}

#[component]
pub fn MetricChart(sim: RwSignal<Sim>, metric: Metric, title: &'static str) -> impl IntoView {
    let fmt: fn(f64) -> String = match metric {
        Metric::LatencyP95 | Metric::LatencyP99 => ms,
        _ => pct,
    };
    let y_fmt = match metric {
        Metric::LatencyP95 | Metric::LatencyP99 => YFormat::Ms,
        _ => YFormat::Fraction,
    };
    let data = Memo::new(move |_| {
        sim.with(|s| {
            let ticks = s.ticks();
            let stable: Vec<(f64, Option<f64>)> =
                ticks.iter().map(|t| (f64::from(t.minute), t.stable.get(metric))).collect();
            let canary: Vec<(f64, Option<f64>)> = ticks
                .iter()
                .map(|t| (f64::from(t.minute), if t.weight > 0.0 { t.canary.get(metric) } else { None }))
                .collect();
            let mut series = vec![
                Series { label: "stable".into(), class: "stable", points: stable, dashed: false },
                Series { label: "canary".into(), class: "canary", points: canary, dashed: false },
            ];
            if let Some(gi) = ticks.last().and_then(|t| t.gates.iter().position(|g| g.metric == metric)) {
                let points = ticks
                    .iter()
                    .map(|t| {
                        (
                            f64::from(t.minute),
                            t.gates.get(gi).and_then(|g| if g.status == GateStatus::Idle { None } else { g.threshold }),
                        )
                    })
                    .collect();
                series.push(Series { label: "gate threshold".into(), class: "threshold", points, dashed: true });
            }
            ChartData { series, markers: markers(s), x_max: f64::from(s.horizon()), y_min: 0.0, y_fmt, x_unit: "min" }
        })
    });
    let summary = Signal::derive(move || {
        sim.with(|s| match s.ticks().last() {
            None => format!("{title}: no data yet."),
            Some(t) => {
                let v = |x: Option<f64>| x.map(fmt).unwrap_or_else(|| "no traffic".into());
                let gate = t
                    .gates
                    .iter()
                    .find(|g| g.metric == metric)
                    .and_then(|g| g.threshold)
                    .map(|th| format!(", gate threshold {}", fmt(th)))
                    .unwrap_or_default();
                format!(
                    "Minute {}: stable {}, canary {}{gate}.",
                    t.minute,
                    v(t.stable.get(metric)),
                    v(t.canary.get(metric))
                )
            }
        })
    });
    view! { <LineChart id=format!("chart-{}", metric.as_str()) title=title summary=summary data=data /> }
}

fn markers(s: &Sim) -> Vec<Marker> {
    s.events()
        .into_iter()
        .filter_map(|e| {
            let class = match e.kind {
                EventKind::Step => "step",
                EventKind::RolledBack => "rollback",
                EventKind::KillSwitchOn | EventKind::KillSwitchOff => "kill",
                EventKind::Hotfix => "hotfix",
                EventKind::Promoted => "promoted",
                _ => return None,
            };
            Some(Marker { x: f64::from(e.minute), label: format!("minute {}: {}", e.minute, e.message), class })
        })
        .collect()
}

#[component]
pub fn WeightChart(sim: RwSignal<Sim>) -> impl IntoView {
    let data = Memo::new(move |_| {
        sim.with(|s| {
            let pts = s.ticks().iter().map(|t| (f64::from(t.minute), Some(t.weight))).collect();
            ChartData {
                series: vec![Series {
                    label: "canary traffic weight".into(),
                    class: "weight",
                    points: pts,
                    dashed: false,
                }],
                markers: markers(s),
                x_max: f64::from(s.horizon()),
                y_min: 0.0,
                y_fmt: YFormat::Percent,
                x_unit: "min",
            }
        })
    });
    let summary = Signal::derive(move || {
        sim.with(|s| format!("Minute {}: {} % of traffic on the canary.", s.minute(), s.weight()))
    });
    view! { <LineChart id="chart-weight" title="Traffic to the canary" summary=summary data=data /> }
}

#[component]
fn GatesPanel(sim: RwSignal<Sim>) -> impl IntoView {
    let rows = move || {
        sim.with(|s| {
            let labels = s.gate_labels().to_vec();
            let last = s.ticks().last().cloned();
            labels
                .into_iter()
                .enumerate()
                .map(|(i, label)| {
                    let g = last.as_ref().and_then(|t| t.gates.get(i).copied());
                    // A gate that acted stays "fired" after the rollback
                    // sent the canary's traffic away (the engine then
                    // reports it idle: nothing left to check).
                    let fired =
                        s.ticks().iter().rev().find_map(|t| {
                            t.gates.get(i).filter(|g| g.status == GateStatus::Fired).map(|g| (t.minute, *g))
                        });
                    let fmt_for = |g: &GateState| -> fn(f64) -> String {
                        match g.metric {
                            Metric::LatencyP95 | Metric::LatencyP99 => ms,
                            _ => pct,
                        }
                    };
                    let (status, detail) = match (g, fired) {
                        (None, _) => ("idle".to_string(), String::new()),
                        (Some(g), Some((m, f))) if g.status == GateStatus::Idle => {
                            let fmt = fmt_for(&f);
                            let detail = match (f.value, f.threshold) {
                                (Some(v), Some(th)) => {
                                    format!("at m{m}: canary {} vs threshold {}", fmt(v), fmt(th))
                                }
                                _ => format!("at m{m}"),
                            };
                            ("fired".to_string(), detail)
                        }
                        (Some(g), _) => {
                            let fmt = fmt_for(&g);
                            let st = format!("{:?}", g.status).to_lowercase();
                            let detail = match (g.value, g.threshold) {
                                (Some(v), Some(th)) => format!("canary {} vs threshold {}", fmt(v), fmt(th)),
                                _ => String::new(),
                            };
                            (st, detail)
                        }
                    };
                    view! {
                        <li class="gate-row" data-status=status.clone()>
                            <span class="gate-label">{label}</span>
                            <span class="gate-status">{status.replace("warmingup", "warming up")}</span>
                            <span class="muted">{detail}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" aria-labelledby="gates-title">
            <h2 id="gates-title">"Gates"</h2>
            <Show when=move || sim.with(|s| !s.gate_labels().is_empty()) fallback=|| view! {
                <p class="warn-text">"No gates: nothing will stop this canary but you."</p>
            }>
                <ul class="gate-list">{rows}</ul>
            </Show>
        </section>
    }
}

#[component]
fn EventLog(sim: RwSignal<Sim>) -> impl IntoView {
    let items = move || {
        sim.with(|s| {
            s.events()
                .into_iter()
                .rev()
                .map(|e| {
                    let kind = format!("{:?}", e.kind).to_lowercase();
                    view! {
                        <li class=format!("event {kind}")>
                            <span class="event-minute">{format!("m{}", e.minute)}</span>
                            " "
                            {e.message}
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" aria-labelledby="events-title">
            <h2 id="events-title">"Event log"</h2>
            <div class="event-log" role="log" aria-labelledby="events-title" tabindex="0">
                <ol>{items}</ol>
            </div>
        </section>
    }
}

#[component]
fn SummaryCard(sim: RwSignal<Sim>) -> impl IntoView {
    let body = move || {
        sim.with(|s| {
            let sum = s.summary();
            let started = !s.ticks().is_empty();
            let outcome = match sum.outcome {
                _ if !started => "Not started",
                Outcome::Promoted => "Promoted",
                Outcome::RolledBack => "Rolled back",
                Outcome::Halted => "Halted",
                Outcome::Running => "Running",
            };
            let min = |m: Option<u32>| m.map(|m| format!("{m} min")).unwrap_or_else(|| "—".into());
            let routing = match sum.routing {
                crate::core::canary::Routing::PerRequest => "per-request routing",
                crate::core::canary::Routing::Sticky => "sticky routing",
            };
            let users = if sum.users_total > 0 {
                format!(
                    "{} of {} ({})",
                    thousands(sum.users_affected),
                    thousands(sum.users_total),
                    pct(sum.users_affected as f64 / sum.users_total as f64)
                )
            } else {
                "—".to_string()
            };
            let spared = sum.spared_share.map(|v| format!("{:.1} %", v * 100.0)).unwrap_or_else(|| "—".into());
            let verdict = if !started {
                "Press Run the clock, or Step 1 minute at a time.".to_string()
            } else if !s.is_finished() && matches!(sum.outcome, Outcome::Running) {
                // The run is under way: no verdict on how it "ended" yet.
                format!("Under way: minute {} of {}.", s.minute(), s.horizon())
            } else {
                sum.verdict
            };
            view! {
                <p class="outcome" data-outcome=outcome.to_lowercase().replace(' ', "-")>{outcome}</p>
                <dl class="facts">
                    <dt>"Rolled back"</dt><dd>{sum.rollback_minute.map(|m| format!("at the end of minute {m}")).unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Failed requests (new release)"</dt><dd>{format!("{} ({} beyond its usual error rate)", thousands(sum.failed_requests), thousands(sum.excess_failed_requests))}</dd>
                    <dt>{format!("Users affected (whole run, {})", routing)}</dt><dd>{users}</dd>
                    <dt>"Users spared while it was live"</dt><dd title="Share of the users active while the regression was live who never met it">{spared}</dd>
                    <dt>"Error budget used"</dt><dd>{format!("{:.2} %", sum.budget_consumed * 100.0)}</dd>
                    <dt>"Time to detect"</dt><dd>{min(sum.time_to_detect)}</dd>
                    <dt>"Time to mitigate"</dt><dd>{min(sum.time_to_mitigate)}</dd>
                </dl>
                <p class="muted facts-note">
                    "Failed requests are the 5xx the new release served, its everyday errors included; only those beyond its usual \
                     rate cost error budget (shown as a share of the 30-day budget). Users affected counts the users who met the regression: \
                     with per-request routing a user's requests are split independently, so more users meet a canary than its weight."
                </p>
                <p class="verdict">{verdict}</p>
            }
        })
    };
    view! {
        <section class="panel summary-card" aria-labelledby="summary-title">
            <h2 id="summary-title">"Summary"</h2>
            {body}
        </section>
    }
}
