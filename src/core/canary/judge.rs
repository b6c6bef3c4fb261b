//! The Kayenta-style judge (Netflix ACA judge).
//!
//! For each metric, the canary's per-minute values over the interval are
//! compared with stable's by a Mann-Whitney U test: the confidence interval
//! (98 %) of the shift canary − stable is set against a tolerance of
//! 0.25 × |Hodges-Lehmann estimate|. Interval entirely above `+tolerance`:
//! **High**; entirely below `-tolerance`: **Low**; otherwise **Pass**. Only
//! the harmful direction counts (higher error rate, latency, CPU; lower
//! KPI): a canary that is better is a Pass. Score = Pass / (metrics with
//! data) × 100; a critical metric that is not Pass makes it 0. Score ≥ pass
//! threshold (90): pass; ≥ marginal (75): marginal, which Argo reports as
//! inconclusive and so pauses for a human; below: fail.
//!
//! Two choices of this engine: a metric needs at least 3 minutes of data on
//! each side (otherwise NoData, left out of the score), and a judgement
//! whose critical metric has no data is inconclusive rather than a failure.

use super::scenario::{JudgeConfig, Metric};
use super::stats::{compare_samples, norm_ppf, p_value_if_straddling_zero, ShiftEstimate};
use serde::{Deserialize, Serialize};

/// A metric's classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricClass {
    /// No harmful shift beyond the tolerance.
    Pass,
    /// The canary is higher than stable beyond the tolerance.
    High,
    /// The canary is lower than stable beyond the tolerance.
    Low,
    /// Too few data points to judge.
    NoData,
}

/// A judgement's classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgeClass {
    /// Score at or above the pass threshold.
    Pass,
    /// Between the marginal and pass thresholds: inconclusive.
    Marginal,
    /// Below the marginal threshold.
    Fail,
    /// Nothing (or a critical metric) had data: inconclusive.
    NoData,
}

/// One metric's verdict with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricJudgement {
    /// The metric.
    pub metric: Metric,
    /// Pass, High, Low or NoData.
    pub class: MetricClass,
    /// Whether it is critical (its failure makes the score 0).
    pub critical: bool,
    /// Canary minutes compared.
    pub canary_points: usize,
    /// Stable minutes compared.
    pub stable_points: usize,
    /// Hodges-Lehmann estimate of canary − stable, metric units.
    pub estimate: Option<f64>,
    /// Lower end of the confidence interval of the shift.
    pub ci_low: Option<f64>,
    /// Upper end of the confidence interval of the shift.
    pub ci_high: Option<f64>,
    /// Two-sided Mann-Whitney p-value.
    pub p_value: Option<f64>,
    /// The canary's per-minute values that were compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canary_values: Vec<f64>,
    /// Stable's per-minute values that were compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stable_values: Vec<f64>,
}

impl MetricJudgement {
    /// The Hodges-Lehmann estimate and its interval at `confidence`,
    /// computed from the compared values (the judge leaves
    /// `estimate`/`ci_low`/`ci_high` empty when the test is clearly not
    /// significant, which is enough to classify a Pass).
    pub fn shift(&self, confidence: f64) -> Option<ShiftEstimate> {
        super::stats::shift_interval(&self.canary_values, &self.stable_values, confidence)
    }
}

/// One judgement over an interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// Minute the judgement was made (the interval's last minute).
    pub minute: u32,
    /// First minute of the interval.
    pub from_minute: u32,
    /// Score 0–100.
    pub score: f64,
    /// Pass, marginal, fail or no data.
    pub class: JudgeClass,
    /// Per-metric verdicts.
    pub metrics: Vec<MetricJudgement>,
    /// The plan step it belongs to, for an analysis step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis_step: Option<usize>,
}

/// Classifies one metric: `canary` and `stable` are per-minute values.
pub fn classify_metric(
    metric: Metric,
    canary: &[f64],
    stable: &[f64],
    confidence: f64,
    tolerance: f64,
    critical: bool,
) -> MetricJudgement {
    let confidence = if confidence.is_finite() { confidence.clamp(0.5, 0.999_999) } else { 0.98 };
    let zc = norm_ppf(1.0 - (1.0 - confidence) / 2.0);
    classify_with_z(metric, canary.to_vec(), stable.to_vec(), zc, tolerance, critical)
}

fn classify_with_z(
    metric: Metric,
    canary_values: Vec<f64>,
    stable_values: Vec<f64>,
    zc: f64,
    tolerance: f64,
    critical: bool,
) -> MetricJudgement {
    let mut out = MetricJudgement {
        metric,
        class: MetricClass::NoData,
        critical,
        canary_points: canary_values.len(),
        stable_points: stable_values.len(),
        estimate: None,
        ci_low: None,
        ci_high: None,
        p_value: None,
        canary_values,
        stable_values,
    };
    let (canary, stable) = (&out.canary_values, &out.stable_values);
    if canary.len() < 3 || stable.len() < 3 {
        return out;
    }
    if canary == stable {
        out.class = MetricClass::Pass;
        return out;
    }
    // Most comparisons are clearly not significant: the interval straddles
    // 0, so neither High nor Low is possible, and the m·n differences need
    // not be ordered. The result is the same as the full computation.
    if let Some(p) = p_value_if_straddling_zero(canary, stable, zc) {
        out.p_value = Some(p);
        out.class = MetricClass::Pass;
        return out;
    }
    let Some((shift, test)) = compare_samples(canary, stable, zc) else {
        return out;
    };
    out.estimate = Some(shift.estimate);
    out.ci_low = Some(shift.low);
    out.ci_high = Some(shift.high);
    out.p_value = Some(test.p_value);
    let allowed = tolerance * shift.estimate.abs();
    let high = shift.low > allowed;
    let low = shift.high < -allowed;
    out.class = if metric.higher_is_worse() && high {
        MetricClass::High
    } else if !metric.higher_is_worse() && low {
        MetricClass::Low
    } else {
        MetricClass::Pass
    };
    out
}

/// Scores a set of metric verdicts and classifies the score.
pub fn score(config: &JudgeConfig, metrics: &[MetricJudgement]) -> (f64, JudgeClass) {
    let judged: Vec<&MetricJudgement> = metrics.iter().filter(|m| m.class != MetricClass::NoData).collect();
    if judged.is_empty() || metrics.iter().any(|m| m.critical && m.class == MetricClass::NoData) {
        return (0.0, JudgeClass::NoData);
    }
    let pass = judged.iter().filter(|m| m.class == MetricClass::Pass).count();
    let critical_failed = judged.iter().any(|m| m.critical && m.class != MetricClass::Pass);
    let score = if critical_failed { 0.0 } else { pass as f64 / judged.len() as f64 * 100.0 };
    let class = if score >= config.pass_score {
        JudgeClass::Pass
    } else if score >= config.marginal_score {
        JudgeClass::Marginal
    } else {
        JudgeClass::Fail
    };
    (score, class)
}

/// Judges the configured metrics; `series(metric)` gives the canary's and
/// stable's per-minute values for the interval.
pub fn judge(
    config: &JudgeConfig,
    mut series: impl FnMut(Metric) -> (Vec<f64>, Vec<f64>),
) -> (f64, JudgeClass, Vec<MetricJudgement>) {
    let confidence = if config.confidence.is_finite() { config.confidence.clamp(0.5, 0.999_999) } else { 0.98 };
    let zc = norm_ppf(1.0 - (1.0 - confidence) / 2.0);
    let metrics: Vec<MetricJudgement> = config
        .metrics
        .iter()
        .map(|&m| {
            let (c, s) = series(m);
            classify_with_z(m, c, s, zc, config.tolerance, config.critical.contains(&m))
        })
        .collect();
    let (score, class) = score(config, &metrics);
    (score, class, metrics)
}
