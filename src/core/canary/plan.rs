//! A runbook's plan (stages and abort thresholds, from the runbook builder)
//! turned into a canary scenario, so a team can watch its own plan run.

use super::scenario::{Compare, Gate, GateAction, Metric, Scenario, Step};
use crate::core::runbook::CanaryPlan;

/// The scenario for a plan, on top of `base` (its traffic, versions and
/// faults). Percent-valued thresholds of the runbook (error rate, CPU, KPI
/// as "1" meaning 1 %) become fractions; latencies stay in ms. Stages become
/// `set_weight` steps with their hold as a pause. Invalid rows are skipped
/// (the builder shows them beside their fields).
pub fn scenario_from_plan(plan: &CanaryPlan, base: &Scenario) -> Scenario {
    let mut sc = base.clone();
    sc.title = if plan.name.trim().is_empty() {
        "Your runbook's plan".to_string()
    } else {
        format!("Your plan: {}", plan.name.trim())
    };
    sc.description =
        "The stages and abort thresholds from your runbook, on healthy traffic. Add a fault to see which threshold catches it."
            .to_string();
    sc.expect = None;
    let mut steps = Vec::new();
    let mut total_hold = 0u32;
    let n = plan.stages.len();
    for (i, (percent, hold)) in plan.stages.iter().enumerate() {
        if !(percent.is_finite() && *percent > 0.0 && *percent <= 100.0) {
            continue;
        }
        steps.push(Step::weight(*percent));
        if i + 1 < n {
            let minutes =
                hold.filter(|h| h.is_finite() && *h >= 1.0).map(|h| h.round().min(1440.0) as u32).unwrap_or(0);
            if minutes > 0 {
                total_hold += minutes;
                steps.push(Step::pause(minutes));
            }
        }
    }
    if !steps.is_empty() {
        sc.steps = steps;
    }
    let gates: Vec<Gate> = plan
        .thresholds
        .iter()
        .filter_map(|t| {
            let metric = match t.metric.as_str() {
                "error_rate" => Metric::ErrorRate,
                "latency_p95" => Metric::LatencyP95,
                "latency_p99" => Metric::LatencyP99,
                "cpu" => Metric::Cpu,
                "kpi" => Metric::Kpi,
                _ => return None,
            };
            let compare = match t.compare.as_str() {
                "ratio" => Compare::Ratio,
                "difference" => Compare::Difference,
                _ => Compare::Absolute,
            };
            let percent_metric = matches!(metric, Metric::ErrorRate | Metric::Cpu | Metric::Kpi);
            let value = if percent_metric && compare != Compare::Ratio { t.value / 100.0 } else { t.value };
            if !value.is_finite() || !t.window_minutes.is_finite() || t.window_minutes < 1.0 {
                return None;
            }
            let (above, below) = if t.direction == "below" { (None, Some(value)) } else { (Some(value), None) };
            Some(Gate {
                name: String::new(),
                metric,
                compare,
                above,
                below,
                for_minutes: t.window_minutes.round().min(1440.0) as u32,
                action: match t.action.as_str() {
                    "halt" => GateAction::Halt,
                    "alert" => GateAction::Alert,
                    _ => GateAction::Rollback,
                },
                failure_limit: 0,
                min_requests: 50,
            })
        })
        .collect();
    sc.gates = gates;
    sc.minutes = (total_hold + 30).clamp(30, 1440);
    sc
}
