//! The canary scenario's parameters as a form. Values are kept as typed;
//! a value that is not a number or out of range is refused beside its field
//! with the allowed range, and the simulation keeps the last valid scenario.

use leptos::prelude::*;

use crate::core::canary::{Compare, Fault, FaultKind, Gate, GateAction, Metric, Scenario, Step};
use crate::ui::form::{Field, Select};

/// The form's text, as typed.
#[derive(Clone, Debug, PartialEq, Default)]
struct Draft {
    seed: String,
    minutes: String,
    rpm: String,
    error_rate: String,
    p50: String,
    p99: String,
    cpu: String,
    kpi: String,
    fault_kind: String,
    fault_at: String,
    fault_factor: String,
    stages: String,
    hold: String,
    gates: Vec<GateDraft>,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct GateDraft {
    metric: String,
    direction: String,
    compare: String,
    value: String,
    window: String,
    action: String,
}

/// Rates are edited in percent, latencies in ms.
fn is_percent(metric: &str) -> bool {
    matches!(metric, "error_rate" | "cpu" | "kpi")
}

fn fmt(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Parse a number within a range, or record why not (and return a
/// harmless value: the scenario is not used when there are errors).
fn num(errors: &mut Vec<(String, String)>, id: &str, text: &str, lo: f64, hi: f64, unit: &str) -> f64 {
    match text.trim().replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() && v >= lo && v <= hi => v,
        Ok(v) if v.is_finite() => {
            errors.push((id.into(), format!("Allowed: {} to {}{unit} (got {}).", fmt(lo), fmt(hi), fmt(v))));
            lo.max(0.0)
        }
        _ => {
            errors.push((id.into(), format!("Type a number from {} to {}{unit}.", fmt(lo), fmt(hi))));
            lo.max(0.0)
        }
    }
}

impl Draft {
    fn from(sc: &Scenario) -> Draft {
        let fault = sc.faults.first();
        let weights: Vec<String> = sc.steps.iter().filter_map(|s| s.set_weight).map(fmt).collect();
        let hold = sc.steps.iter().find_map(|s| s.pause_minutes).unwrap_or(0);
        Draft {
            seed: sc.seed.to_string(),
            minutes: sc.minutes.to_string(),
            rpm: sc.requests_per_minute.to_string(),
            error_rate: fmt(sc.baseline.error_rate * 100.0),
            p50: fmt(sc.baseline.latency_p50_ms),
            p99: fmt(sc.baseline.latency_p99_ms),
            cpu: fmt(sc.baseline.cpu * 100.0),
            kpi: fmt(sc.baseline.kpi * 100.0),
            fault_kind: fault.map(|f| f.kind.as_str().to_string()).unwrap_or_else(|| "none".into()),
            fault_at: fault.map(|f| f.at_minute.to_string()).unwrap_or_else(|| "10".into()),
            fault_factor: fault.map(|f| fmt(f.factor)).unwrap_or_else(|| "3".into()),
            stages: weights.join(", "),
            hold: hold.to_string(),
            gates: sc
                .gates
                .iter()
                .map(|g| {
                    let metric = g.metric.as_str().to_string();
                    let (direction, v) = match (g.above, g.below) {
                        (Some(v), _) => ("above", v),
                        (None, Some(v)) => ("below", v),
                        _ => ("above", 0.0),
                    };
                    let compare = match g.compare {
                        Compare::Ratio => "ratio",
                        Compare::Difference => "difference",
                        Compare::Absolute => "absolute",
                    };
                    let shown = if is_percent(&metric) && g.compare != Compare::Ratio { v * 100.0 } else { v };
                    GateDraft {
                        metric,
                        direction: direction.into(),
                        compare: compare.into(),
                        value: fmt(shown),
                        window: g.for_minutes.to_string(),
                        action: match g.action {
                            GateAction::Rollback => "rollback",
                            GateAction::Halt => "halt",
                            GateAction::Alert => "alert",
                        }
                        .into(),
                    }
                })
                .collect(),
        }
    }

    /// The scenario this draft describes, on top of `base`, or the problems
    /// by form field id.
    fn build(&self, base: &Scenario) -> Result<Scenario, Vec<(String, String)>> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut sc = base.clone();
        sc.seed = self.seed.trim().parse::<u64>().unwrap_or_else(|_| {
            errors.push(("cs-seed".into(), "A whole number from 0 to 18446744073709551615.".into()));
            base.seed
        });
        sc.minutes = num(&mut errors, "cs-minutes", &self.minutes, 1.0, 1440.0, " minutes").round() as u32;
        sc.requests_per_minute = num(&mut errors, "cs-rpm", &self.rpm, 1.0, 10_000_000.0, " requests").round() as u64;
        sc.baseline.error_rate = num(&mut errors, "cs-error-rate", &self.error_rate, 0.0, 100.0, " %") / 100.0;
        sc.baseline.latency_p50_ms = num(&mut errors, "cs-p50", &self.p50, 0.1, 600_000.0, " ms");
        sc.baseline.latency_p99_ms = num(&mut errors, "cs-p99", &self.p99, 0.1, 600_000.0, " ms");
        sc.baseline.cpu = num(&mut errors, "cs-cpu", &self.cpu, 0.0, 100.0, " %") / 100.0;
        sc.baseline.kpi = num(&mut errors, "cs-kpi", &self.kpi, 0.0, 100.0, " %") / 100.0;
        if sc.baseline.latency_p99_ms <= sc.baseline.latency_p50_ms {
            errors.push(("cs-p99".into(), "p99 must be larger than p50.".into()));
        }
        // The fault (the first one; the others are kept).
        let kind = match self.fault_kind.as_str() {
            "error" => Some(FaultKind::Error),
            "latency" => Some(FaultKind::Latency),
            "saturation_leak" => Some(FaultKind::SaturationLeak),
            "kpi" => Some(FaultKind::Kpi),
            "flapping" => Some(FaultKind::Flapping),
            _ => None,
        };
        match kind {
            None => {
                if !sc.faults.is_empty() {
                    sc.faults.remove(0);
                }
            }
            Some(k) => {
                let (lo, hi) = match k {
                    FaultKind::Error | FaultKind::Flapping => (0.0, 1000.0),
                    FaultKind::Latency => (0.01, 100.0),
                    FaultKind::SaturationLeak => (1.0, 2.0),
                    FaultKind::Kpi => (0.0, 10.0),
                };
                let at = num(&mut errors, "cs-fault-at", &self.fault_at, 0.0, 1440.0, " (minute)").round() as u32;
                let factor = num(&mut errors, "cs-fault-factor", &self.fault_factor, lo, hi, "×");
                let f =
                    Fault { at_minute: at, kind: k, factor, until_minute: None, period_minutes: 2, behind_flag: true };
                match sc.faults.first_mut() {
                    Some(first) => {
                        first.kind = k;
                        first.at_minute = at;
                        first.factor = factor;
                    }
                    None => sc.faults.push(f),
                }
            }
        }
        // The plan.
        let mut weights = Vec::new();
        for part in self.stages.split([',', ' ', ';']).filter(|p| !p.trim().is_empty()) {
            match part.trim().trim_end_matches('%').parse::<f64>() {
                Ok(w) if w > 0.0 && w <= 100.0 => weights.push(w),
                _ => {
                    errors.push(("cs-stages".into(), format!("\"{part}\" is not a percentage from 0.1 to 100.")));
                }
            }
        }
        if weights.is_empty() {
            errors.push(("cs-stages".into(), "Type the stages, e.g. 5, 25, 100.".into()));
        } else if weights.windows(2).any(|w| w[1] <= w[0]) {
            errors.push(("cs-stages".into(), "Each stage must be larger than the one before.".into()));
        }
        let hold = num(&mut errors, "cs-hold", &self.hold, 0.0, 1440.0, " minutes").round() as u32;
        if errors.iter().all(|(id, _)| id != "cs-stages") && !weights.is_empty() {
            let mut steps = Vec::new();
            for (i, w) in weights.iter().enumerate() {
                steps.push(Step::weight(*w));
                if i + 1 < weights.len() && hold > 0 {
                    steps.push(Step::pause(hold));
                }
            }
            sc.steps = steps;
        }
        // Gates.
        let mut gates = Vec::new();
        for (i, g) in self.gates.iter().enumerate() {
            let metric = match g.metric.as_str() {
                "error_rate" => Metric::ErrorRate,
                "latency_p95" => Metric::LatencyP95,
                "latency_p99" => Metric::LatencyP99,
                "cpu" => Metric::Cpu,
                _ => Metric::Kpi,
            };
            let compare = match g.compare.as_str() {
                "ratio" => Compare::Ratio,
                "difference" => Compare::Difference,
                _ => Compare::Absolute,
            };
            let (lo, hi) = match compare {
                Compare::Ratio => (0.0, 1000.0),
                Compare::Difference => (-1_000_000.0, 1_000_000.0),
                Compare::Absolute => (0.0, 1_000_000.0),
            };
            let mut v = num(&mut errors, &format!("cs-gate-{i}-value"), &g.value, lo, hi, "");
            if is_percent(&g.metric) && compare != Compare::Ratio {
                v /= 100.0;
            }
            let window =
                num(&mut errors, &format!("cs-gate-{i}-window"), &g.window, 1.0, 1440.0, " minutes").round() as u32;
            let (above, below) = if g.direction == "below" { (None, Some(v)) } else { (Some(v), None) };
            let old = base.gates.get(i);
            gates.push(Gate {
                name: String::new(),
                metric,
                compare,
                above,
                below,
                for_minutes: window,
                action: match g.action.as_str() {
                    "halt" => GateAction::Halt,
                    "alert" => GateAction::Alert,
                    _ => GateAction::Rollback,
                },
                failure_limit: old.map_or(0, |o| o.failure_limit),
                min_requests: old.map_or(50, |o| o.min_requests),
            });
        }
        sc.gates = gates;
        if !errors.is_empty() {
            return Err(errors);
        }
        // Anything the form cannot see (e.g. a fault after the horizon).
        sc.validate().map(|_| sc).map_err(|e| e.into_iter().map(|f| ("cs-other".to_string(), f.to_string())).collect())
    }
}

const METRICS: &[(&str, &str)] = &[
    ("error_rate", "error rate (%)"),
    ("latency_p95", "p95 latency (ms)"),
    ("latency_p99", "p99 latency (ms)"),
    ("cpu", "CPU (%)"),
    ("kpi", "KPI (%)"),
];
const DIRECTIONS: &[(&str, &str)] = &[("above", "above"), ("below", "below")];
const COMPARES: &[(&str, &str)] = &[("ratio", "× stable"), ("difference", "stable +"), ("absolute", "absolute")];
const ACTIONS: &[(&str, &str)] = &[("rollback", "roll back"), ("halt", "halt"), ("alert", "alert")];
const FAULTS: &[(&str, &str)] = &[
    ("none", "none"),
    ("error", "errors × factor"),
    ("latency", "latency × factor"),
    ("saturation_leak", "CPU leak (× factor per minute)"),
    ("kpi", "KPI × factor (technical metrics healthy)"),
    ("flapping", "flapping errors × factor"),
];

/// The factor slider's (min, max, step) for a fault kind: the range where
/// comparing runs teaches something, covering every shipped scenario (the
/// text field takes the full range).
fn slider_range(kind: &str) -> Option<(f64, f64, f64)> {
    match kind {
        "error" | "flapping" => Some((1.0, 100.0, 0.5)),
        "latency" => Some((1.0, 5.0, 0.05)),
        "saturation_leak" => Some((1.0, 1.2, 0.005)),
        "kpi" => Some((0.5, 1.0, 0.01)),
        _ => None,
    }
}

#[component]
pub fn Params(scenario: RwSignal<Scenario>, on_change: Callback<Scenario>) -> impl IntoView {
    let draft = RwSignal::new(Draft::from(&scenario.get_untracked()));
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let emitted = StoredValue::new(scenario.get_untracked());
    // A scenario loaded from elsewhere (picker, link) resets the form.
    Effect::new(move |_| {
        let sc = scenario.get();
        if emitted.with_value(|e| *e != sc) {
            emitted.set_value(sc.clone());
            draft.set(Draft::from(&sc));
            errors.set(Vec::new());
        }
    });
    let apply = move |f: &dyn Fn(&mut Draft)| {
        draft.update(f);
        let base = emitted.get_value();
        match draft.with_untracked(|d| d.build(&base)) {
            Ok(sc) => {
                errors.set(Vec::new());
                emitted.set_value(sc.clone());
                on_change.run(sc);
            }
            Err(e) => errors.set(e),
        }
    };
    let err = move |id: &'static str| {
        Signal::derive(move || errors.with(|e| e.iter().find(|(k, _)| k == id).map(|(_, m)| m.clone())))
    };
    let err_owned = move |id: String| {
        Signal::derive(move || errors.with(|e| e.iter().find(|(k, _)| *k == id).map(|(_, m)| m.clone())))
    };

    macro_rules! text {
        ($label:expr, $id:expr, $field:ident $(, $extra:ident = $val:expr)*) => {
            view! {
                <Field label=$label id=$id value=Signal::derive(move || draft.with(|d| d.$field.clone()))
                    on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| d.$field = v.clone()))
                    error=err($id) $($extra = $val)* />
            }
        };
    }

    let gate_rows = move || 0..draft.with(|d| d.gates.len());
    view! {
        <section class="params" aria-labelledby="params-title">
            <h2 id="params-title">"Change the scenario"</h2>
            <p class="muted">"Every change re-runs the simulation at once, with your actions kept."</p>
            {move || errors.with(|e| e.iter().find(|(k, _)| k == "cs-other").map(|(_, m)| view! { <p class="field-error" role="alert">{m.clone()}</p> }))}
            <div class="params-grid">
                <fieldset>
                    <legend>"Stable version"</legend>
                    {text!("Error rate (%)", "cs-error-rate", error_rate)}
                    {text!("p50 latency (ms)", "cs-p50", p50)}
                    {text!("p99 latency (ms)", "cs-p99", p99)}
                    {text!("CPU at full traffic (%)", "cs-cpu", cpu)}
                    {text!("KPI: checkout success (%)", "cs-kpi", kpi)}
                </fieldset>
                <fieldset>
                    <legend>"Fault in the canary"</legend>
                    <Select label="Fault" id="cs-fault-kind" options=FAULTS value=Signal::derive(move || draft.with(|d| d.fault_kind.clone()))
                        on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| d.fault_kind = v.clone())) />
                    {text!("From minute", "cs-fault-at", fault_at)}
                    {text!("Factor", "cs-fault-factor", fault_factor)}
                    {move || slider_range(&draft.with(|d| d.fault_kind.clone())).map(|(lo, hi, step)| {
                        let value = move || draft.with(|d| d.fault_factor.trim().parse::<f64>().unwrap_or(lo).clamp(lo, hi).to_string());
                        view! {
                            <div class="field">
                                <label for="cs-fault-slider">"Factor (drag to compare)"</label>
                                <input type="range" id="cs-fault-slider" min=lo.to_string() max=hi.to_string() step=step.to_string()
                                    prop:value=value
                                    on:input=move |ev| {
                                        crate::ui::util::mark("slider-input");
                                        let v = event_target_value(&ev);
                                        apply(&|d: &mut Draft| d.fault_factor = v.clone());
                                    } />
                            </div>
                        }
                    })}
                </fieldset>
                <fieldset>
                    <legend>"Plan"</legend>
                    {text!("Stages (% of traffic)", "cs-stages", stages, placeholder = "5, 25, 100".to_string())}
                    {text!("Hold at each stage (minutes)", "cs-hold", hold)}
                </fieldset>
                <fieldset>
                    <legend>"Run"</legend>
                    {text!("Seed", "cs-seed", seed)}
                    {text!("Length (minutes)", "cs-minutes", minutes)}
                    {text!("Requests per minute", "cs-rpm", rpm)}
                </fieldset>
            </div>
            <fieldset class="gates-fieldset">
                <legend>"Gates"</legend>
                <For each=gate_rows key=|i| *i let:i>
                    <div class="row-group threshold-row">
                        <Select label=format!("Gate {} metric", i + 1) id=format!("cs-gate-{i}-metric") options=METRICS
                            value=Signal::derive(move || draft.with(|d| d.gates.get(i).map(|g| g.metric.clone()).unwrap_or_default()))
                            on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| if let Some(g) = d.gates.get_mut(i) { g.metric = v.clone() })) />
                        <Select label="Direction" id=format!("cs-gate-{i}-direction") options=DIRECTIONS
                            value=Signal::derive(move || draft.with(|d| d.gates.get(i).map(|g| g.direction.clone()).unwrap_or_default()))
                            on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| if let Some(g) = d.gates.get_mut(i) { g.direction = v.clone() })) />
                        <Field label="Value" id=format!("cs-gate-{i}-value")
                            value=Signal::derive(move || draft.with(|d| d.gates.get(i).map(|g| g.value.clone()).unwrap_or_default()))
                            on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| if let Some(g) = d.gates.get_mut(i) { g.value = v.clone() }))
                            error=err_owned(format!("cs-gate-{i}-value")) />
                        <Select label="Compared as" id=format!("cs-gate-{i}-compare") options=COMPARES
                            value=Signal::derive(move || draft.with(|d| d.gates.get(i).map(|g| g.compare.clone()).unwrap_or_default()))
                            on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| if let Some(g) = d.gates.get_mut(i) { g.compare = v.clone() })) />
                        <Field label="For (minutes)" id=format!("cs-gate-{i}-window")
                            value=Signal::derive(move || draft.with(|d| d.gates.get(i).map(|g| g.window.clone()).unwrap_or_default()))
                            on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| if let Some(g) = d.gates.get_mut(i) { g.window = v.clone() }))
                            error=err_owned(format!("cs-gate-{i}-window")) />
                        <Select label="Action" id=format!("cs-gate-{i}-action") options=ACTIONS
                            value=Signal::derive(move || draft.with(|d| d.gates.get(i).map(|g| g.action.clone()).unwrap_or_default()))
                            on_set=Callback::new(move |v: String| apply(&|d: &mut Draft| if let Some(g) = d.gates.get_mut(i) { g.action = v.clone() })) />
                        <button type="button" class="button remove" aria-label=format!("Remove gate {}", i + 1)
                            on:click=move |_| apply(&|d: &mut Draft| { if i < d.gates.len() { d.gates.remove(i); } })>"✕"</button>
                    </div>
                </For>
                <button type="button" class="button" on:click=move |_| apply(&|d: &mut Draft| d.gates.push(GateDraft {
                    metric: "error_rate".into(), direction: "above".into(), compare: "absolute".into(),
                    value: "1".into(), window: "5".into(), action: "rollback".into(),
                }))>"Add a gate"</button>
            </fieldset>
        </section>
    }
}
