//! Live examples inside lessons: a small canary run with its gate, a
//! migration where a rollback is tried before and after contract, a
//! threshold explorer (false alarms against missed regressions), and single
//! questions to check understanding.

use leptos::prelude::*;

use crate::core::canary::{Compare, FaultKind, Gate, GateAction, Metric, Outcome, Scenario, Sim, Step};
use crate::core::migration::{self, Action as MAction, Phase};
use crate::core::quiz::Response;
use crate::ui::chart::{ChartData, LineChart, Series, YFormat};
use crate::ui::markdown::{render_doc, MdHooks};
use crate::ui::quiz::QuestionInput;
use crate::ui::state::course;
use crate::ui::util;

/// A finished run (never equal to another, so a memo always updates).
struct Run(Sim);

impl PartialEq for Run {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl std::ops::Deref for Run {
    type Target = Sim;
    fn deref(&self) -> &Sim {
        &self.0
    }
}

/// `{{#canary slug}}`: the scenario with one control (the size of its
/// regression) and its chart and outcome.
#[component]
pub fn InlineCanary(slug: String) -> impl IntoView {
    let Some(base) = crate::ui::canary::shipped().into_iter().find(|(s, _)| *s == slug).map(|(_, sc)| sc) else {
        return view! { <p class="directive-missing">"(scenario missing)"</p> }.into_any();
    };
    let fault = base.faults.first().copied();
    let metric = match fault.map(|f| f.kind) {
        Some(FaultKind::Latency) => Metric::LatencyP99,
        Some(FaultKind::Kpi) => Metric::Kpi,
        Some(FaultKind::SaturationLeak) => Metric::Cpu,
        _ => Metric::ErrorRate,
    };
    let initial = fault.map(|f| f.factor).unwrap_or(1.0);
    let factor = RwSignal::new(initial);
    let base = StoredValue::new(base);
    let sim = Memo::new(move |_| {
        let mut sc = base.get_value();
        if let Some(f) = sc.faults.first_mut() {
            f.factor = factor.get();
        }
        let mut s = Sim::new(sc);
        s.run_to_end();
        Run(s)
    });
    let data = Signal::derive(move || {
        sim.with(|s| {
            let ticks = s.ticks();
            let mut series = vec![
                Series {
                    label: "stable".into(),
                    class: "stable",
                    points: ticks.iter().map(|t| (f64::from(t.minute), t.stable.get(metric))).collect(),
                    dashed: false,
                },
                Series {
                    label: "canary".into(),
                    class: "canary",
                    points: ticks
                        .iter()
                        .map(|t| (f64::from(t.minute), if t.weight > 0.0 { t.canary.get(metric) } else { None }))
                        .collect(),
                    dashed: false,
                },
            ];
            if let Some(gi) = ticks.last().and_then(|t| t.gates.iter().position(|g| g.metric == metric)) {
                series.push(Series {
                    label: "gate threshold".into(),
                    class: "threshold",
                    points: ticks
                        .iter()
                        .map(|t| (f64::from(t.minute), t.gates.get(gi).and_then(|g| g.threshold)))
                        .collect(),
                    dashed: true,
                });
            }
            let markers = s
                .events()
                .into_iter()
                .filter(|e| matches!(e.kind, crate::core::canary::EventKind::RolledBack))
                .map(|e| crate::ui::chart::Marker { x: f64::from(e.minute), label: e.message, class: "rollback" })
                .collect();
            ChartData {
                series,
                markers,
                x_max: f64::from(s.horizon()),
                y_min: 0.0,
                y_fmt: if matches!(metric, Metric::LatencyP99) { YFormat::Ms } else { YFormat::Fraction },
                x_unit: "min",
            }
        })
    });
    let outcome = move || {
        sim.with(|s| {
            let sum = s.summary();
            match sum.outcome {
                Outcome::RolledBack => {
                    format!("Rolled back at minute {}. {}", sum.rollback_minute.unwrap_or(0), sum.verdict)
                }
                _ => format!("{:?}. {}", sum.outcome, sum.verdict),
            }
        })
    };
    let summary = Signal::derive(outcome);
    let id = format!("live-{slug}");
    let slider_id = format!("{id}-factor");
    let max_factor = if initial > 3.0 { "40" } else { "3" };
    let output_for = slider_id.clone();
    let title = base.with_value(|b| b.title.clone());
    let href = util::app_href(&format!("/simulators/canary?scenario={slug}"));
    view! {
        <section class="live" aria-labelledby=format!("{id}-h")>
            <h3 class="live-title" id=format!("{id}-h")>{format!("Try it: {}, with a regression you can resize", title.split(':').next().unwrap_or(&title))}</h3>
            <div class="live-controls">
                <label for=slider_id.clone()>"Size of the regression (× normal)"</label>
                <input type="range" id=slider_id.clone() min="1" max=max_factor step="0.05"
                    prop:value=move || factor.get().to_string()
                    aria-valuetext=move || format!("{:.2} times normal", factor.get())
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            util::mark("slider-input");
                            factor.set(v);
                        }
                    } />
                <output for=output_for>{move || format!("{:.2}×", factor.get())}</output>
            </div>
            <LineChart id=format!("{id}-chart") title=format!("{} of stable and canary", metric_name(metric)) summary=summary data=data />
            <p class="live-outcome" role="status">{outcome}</p>
            <p><a href=href>"Open it in the canary simulator →"</a></p>
        </section>
    }
    .into_any()
}

fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::ErrorRate => "Error rate",
        Metric::LatencyP95 => "p95 latency",
        Metric::LatencyP99 => "p99 latency",
        Metric::Cpu => "CPU",
        Metric::Kpi => "KPI",
    }
}

/// `{{#migration slug}}`: step through the phases and try a rollback at
/// each one; before contract it loses nothing, after contract it does.
#[component]
pub fn InlineMigration(slug: String) -> impl IntoView {
    let Some(mut base) = crate::ui::migration::shipped().into_iter().find(|(s, _)| *s == slug).map(|(_, sc)| sc) else {
        return view! { <p class="directive-missing">"(scenario missing)"</p> }.into_any();
    };
    base.actions.clear();
    base.faults.clear();
    base.rows = base.rows.min(2_000_000);
    let base = StoredValue::new(base);
    let fresh = move || migration::Sim::new(base.get_value()).ok();
    let sim = RwSignal::new(fresh());
    let preview = RwSignal::new(None::<migration::RollbackConsequence>);
    let next = move |_| {
        preview.set(None);
        sim.update(|s| {
            let Some(s) = s else { return };
            let phase = s.state().phase;
            let action = match phase {
                Phase::NotStarted => Some(MAction::Expand),
                Phase::Expand => Some(MAction::DualWrite),
                Phase::DualWrite => Some(MAction::Backfill),
                Phase::Backfill => Some(MAction::SwitchReads),
                Phase::SwitchReads => {
                    // Contract is two moves: first the build that no longer
                    // names the old column reaches every instance, then the
                    // DROP (a running build that names it would fail, 42703).
                    s.act(MAction::DeployNewOnly);
                    s.run_until_idle();
                    Some(MAction::Contract)
                }
                _ => None,
            };
            if let Some(a) = action {
                s.act(a);
                s.run_until_idle();
                // Orders keep arriving between steps.
                s.advance(600.0);
            }
        });
        // At contract "Next phase" disables itself: the focus moves on to
        // the question the example asks.
        if matches!(
            sim.with_untracked(|s| s.as_ref().map(|s| s.state().phase)),
            Some(Phase::Contract | Phase::RolledBack)
        ) {
            util::focus_after_render(&["#live-rollback-cost"]);
        }
    };
    let try_rollback = move |_| preview.set(sim.with_untracked(|s| s.as_ref().map(|s| s.rollback_preview())));
    let reset = move |_| {
        preview.set(None);
        sim.set(fresh());
    };
    let phase = move || sim.with(|s| s.as_ref().map(|s| s.state().phase).unwrap_or(Phase::NotStarted));
    let steps = move || {
        let current = phase();
        Phase::STEPS
            .iter()
            .map(|p| {
                let done =
                    (*p as u8) <= (current as u8) && current != Phase::NotStarted && current != Phase::RolledBack;
                view! { <li class:done=done>{crate::ui::migration::phase_name(*p)}</li> }
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="live" aria-labelledby="live-migration-h">
            <h3 class="live-title" id="live-migration-h">"Try it: a rollback before and after contract"</h3>
            <p class="muted">
                {move || {
                    let (rows, old, new) = base.with_value(|b| {
                        (b.rows as u64, b.old_column_name().to_string(), b.new_column_name().to_string())
                    });
                    format!(
                        "Orders table, {} rows, orders arriving all the time; this run moves {old} to {new}, with the same steps as any expand and contract. Move phase by phase and try a rollback at each.",
                        crate::ui::migration::count(rows)
                    )
                }}
            </p>
            <ol class="live-phases">{steps}</ol>
            <p class="live-now" role="status">{move || format!("Now: {}", crate::ui::migration::phase_name(phase()))}</p>
            <div class="button-row">
                <button type="button" class="button primary" disabled=move || matches!(phase(), Phase::Contract | Phase::RolledBack) on:click=next>"Next phase"</button>
                <button type="button" class="button danger" id="live-rollback-cost" disabled=move || phase() == Phase::NotStarted on:click=try_rollback>"What would a rollback cost now?"</button>
                <button type="button" class="button secondary" on:click=reset>"Start again"</button>
            </div>
            {move || preview.get().map(|p| view! {
                <div class=preview_class(p.rows_lost) role="status">
                    <p class="live-lost">{if p.rows_lost > 0 {
                        format!(
                            "A rollback now loses {} rows: every row inserted or changed since the backup (the table has grown to {} rows since the start).",
                            crate::ui::migration::count(p.rows_lost),
                            crate::ui::migration::count(sim.with(|s| s.as_ref().map(|s| s.state().total_rows).unwrap_or(0)))
                        )
                    } else {
                        "A rollback now loses no rows.".to_string()
                    }}</p>
                    <p>{p.explanation}</p>
                </div>
            })}
        </section>
    }
    .into_any()
}

fn preview_class(lost: u64) -> &'static str {
    if lost > 0 {
        "live-preview bad"
    } else {
        "live-preview ok"
    }
}

/// The real regression of the threshold explorer: p99 × 1.3.
const REGRESSION: f64 = 1.3;

/// `{{#threshold}}`: move a p99 gate's threshold and window, and count, over
/// 20 healthy canaries and 20 canaries with a real +30 % regression, how
/// many healthy ones it rolls back and how many regressions it misses.
#[component]
pub fn ThresholdExplorer() -> impl IntoView {
    let threshold = RwSignal::new(1.4f64);
    let window = RwSignal::new(5u32);
    let result = Memo::new(move |_| {
        let t = threshold.get();
        let w = window.get();
        let run = |seed: u64, regressed: bool| -> bool {
            let mut sc = Scenario { seed, minutes: 30, ..Scenario::default() };
            sc.steps = vec![Step::weight(5.0), Step::pause(60)];
            sc.gates = vec![Gate {
                name: String::new(),
                metric: Metric::LatencyP99,
                compare: Compare::Ratio,
                above: Some(t),
                below: None,
                for_minutes: w,
                action: GateAction::Rollback,
                failure_limit: 0,
                min_requests: 50,
            }];
            sc.faults.clear();
            if regressed {
                sc.faults.push(crate::core::canary::Fault {
                    at_minute: 0,
                    kind: FaultKind::Latency,
                    factor: REGRESSION,
                    until_minute: None,
                    period_minutes: 2,
                    behind_flag: true,
                });
            }
            let mut s = Sim::new(sc);
            s.run_to_end();
            s.summary().outcome == Outcome::RolledBack
        };
        let false_alarms = (1..=20).filter(|seed| run(*seed, false)).count();
        let caught = (101..=120).filter(|seed| run(*seed, true)).count();
        (false_alarms, 20 - caught)
    });
    let verdict = move || {
        let (fa, missed) = result.get();
        // Advice that fits the result: above the regression itself, a longer
        // window only makes the pooled p99 settle further below the line.
        let above_regression = threshold.get() >= REGRESSION;
        match (fa, missed) {
            (0, 0) => "A good gate: no false alarm, every regression caught.".to_string(),
            (0, m) if above_regression => format!(
                "Quiet but blind: {m} real regressions out of 20 slip through. The threshold sits at or above the regression itself ({REGRESSION}×), so no window can catch it reliably: a longer one only averages the noise away. Put the threshold below {REGRESSION}×."
            ),
            (0, m) => format!("Quiet but blind: {m} real regressions out of 20 slip through. Lengthen the window (more requests, less noise) or lower the threshold."),
            (f, 0) => format!("Catches everything, but cries wolf: {f} healthy releases out of 20 rolled back. Raise the threshold or lengthen the window."),
            (f, m) => format!("The worst of both: {f} false alarms and {m} missed regressions. Lengthen the window first: it cuts both."),
        }
    };
    view! {
        <section class="live threshold" aria-labelledby="live-threshold-h">
            <h3 class="live-title" id="live-threshold-h">"Try it: where to put the threshold"</h3>
            <p class="muted">"A 5 % canary, a p99 gate, 30 minutes. 20 healthy releases and 20 releases that really are 30 % slower. It starts at the course's example gate, 1.4 × stable: see what that gate does to a regression smaller than its line, then move it."</p>
            <div class="live-controls">
                <label for="live-threshold">"Threshold (× stable p99)"</label>
                <input type="range" id="live-threshold" min="1.05" max="2" step="0.05"
                    prop:value=move || threshold.get().to_string()
                    aria-valuetext=move || format!("{:.2} times stable", threshold.get())
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            util::mark("slider-input");
                            threshold.set(v);
                        }
                    } />
                <output for="live-threshold">{move || format!("{:.2}×", threshold.get())}</output>
                <span class="control-pair">
                    <label for="live-window">"Window"</label>
                    <select id="live-window" on:change=move |ev| window.set(event_target_value(&ev).parse().unwrap_or(5))>
                        <option value="1">"1 minute"</option>
                        <option value="5" selected=true>"5 minutes"</option>
                        <option value="10">"10 minutes"</option>
                    </select>
                </span>
            </div>
            <div class="threshold-results" role="status">
                <p><span class="big">{move || result.get().0.to_string()}</span>" of 20 healthy releases rolled back (false alarms)"</p>
                <p><span class="big">{move || result.get().1.to_string()}</span>" of 20 real regressions missed"</p>
                <p class="verdict">{verdict}</p>
            </div>
        </section>
    }
}

/// The questions lessons embed, parsed once (a lesson used to decode the
/// whole file for each of its checks).
fn checks() -> &'static [crate::core::quiz::Question] {
    static C: std::sync::OnceLock<Vec<crate::core::quiz::Question>> = std::sync::OnceLock::new();
    C.get_or_init(|| course().as_ref().ok().and_then(|c| c.checks().ok()).map(|q| q.questions).unwrap_or_default())
}

/// `{{#quiz id}}`: one question with immediate feedback.
#[component]
pub fn QuizCheck(id: String) -> impl IntoView {
    let Some(q) = checks().iter().find(|x| x.id == id).cloned() else {
        return view! { <p class="directive-missing">"(question missing)"</p> }.into_any();
    };
    let response = RwSignal::new(None::<Response>);
    let checked = RwSignal::new(false);
    let q = StoredValue::new(q);
    let options = q.with_value(|q| q.options(7));
    let on_change = Callback::new(move |r: Option<Response>| {
        checked.set(false);
        response.set(r);
    });
    let feedback = move || {
        checked.get().then(|| {
            let right = q.with_value(|q| q.is_correct(response.get().as_ref()));
            let context = q.with_value(|q| crate::core::markdown::parse(&q.context, Default::default()));
            view! {
                <div class=if right { "check-feedback ok" } else { "check-feedback bad" } role="status">
                    <p class="check-verdict">{if right { "✓ Right." } else { "✗ Not quite." }}</p>
                    <div class="prose">{render_doc(&context, &MdHooks { id_prefix: format!("chk-{}-", q.with_value(|q| q.id.clone())), ..Default::default() })}</div>
                </div>
            }
        })
    };
    view! {
        <section class="live check" aria-label="Check your understanding">
            <h3 class="live-title">"Check your understanding"</h3>
            <QuestionInput question=q.get_value() options=options response=Signal::derive(move || response.get()) on_change=on_change />
            <p><button type="button" class="button" disabled=move || response.with(Option::is_none) on:click=move |_| checked.set(true)>"Check my answer"</button></p>
            {feedback}
        </section>
    }
    .into_any()
}
