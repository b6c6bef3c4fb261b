//! Scenarios as data: what an instructor writes in
//! `content/scenarios/canary/*.toml`, what a share link carries as JSON, and
//! what the page edits. Every type here round-trips through TOML and JSON;
//! optional keys have defaults; unknown keys are refused so a typo in an
//! instructor's file is reported instead of silently ignored.
//!
//! [`Scenario::validate`] names every bad key (`canary.error_rate`,
//! `steps[2].set_weight`, `gates[0].for_minutes`) with the reason and the
//! allowed range. The engine never panics on an unvalidated scenario either:
//! it clamps through [`Scenario::sanitized`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest run: 24 hours of one-minute ticks.
pub const MAX_MINUTES: u32 = 1440;
/// Highest traffic accepted, in requests per minute.
pub const MAX_REQUESTS_PER_MINUTE: u64 = 10_000_000;
/// Most steps in a plan.
pub const MAX_STEPS: usize = 100;
/// Most gates, faults or scheduled actions in one scenario.
pub const MAX_ITEMS: usize = 50;
/// Longest judge interval or analysis step, in minutes (the judge compares
/// every canary minute with every stable minute of the window).
pub const MAX_JUDGE_MINUTES: u32 = 240;

/// One simulated release: the stable version, a canary with a rollout plan,
/// faults that hit the canary, gates that watch it, and the learner's or
/// instructor's scheduled actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short title shown in the scenario picker.
    pub title: String,
    /// One or two sentences for learners: what to watch for.
    pub description: String,
    /// Seed of every random draw: same seed and actions, same run.
    pub seed: u64,
    /// Length of the run in simulated minutes (one tick each), 1–1440.
    pub minutes: u32,
    /// Traffic in requests per minute, split between stable and canary.
    pub requests_per_minute: u64,
    /// Average requests one user sends during the run; turns requests into
    /// users for "users affected".
    pub requests_per_user: f64,
    /// How the weight splits traffic, which decides how many users meet a
    /// regression: `per_request` (default; Argo `setWeight` through a
    /// traffic router, Flagger) or `sticky` (a flag keyed on user id,
    /// header or cookie routing).
    #[serde(skip_serializing_if = "Routing::is_default")]
    pub routing: Routing,
    /// Whether gate and judge actions happen automatically (`false`: they
    /// only raise events and a human must act).
    pub automation: bool,
    /// The version in production (stable).
    pub baseline: VersionSpec,
    /// The new version's behaviour before any fault; same as `baseline`
    /// when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary: Option<VersionSpec>,
    /// The fixed version a `hotfix` action rolls forward to; same as
    /// `baseline` when omitted (the fix removes the regression).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotfix: Option<VersionSpec>,
    /// Faults that change the canary from a minute on.
    pub faults: Vec<Fault>,
    /// The rollout plan; when omitted, the topic page's 5 → 25 → 100 %.
    pub steps: Vec<Step>,
    /// Gates that watch the canary and act when a threshold is crossed.
    pub gates: Vec<Gate>,
    /// Actions scheduled at given minutes (as if a human clicked).
    pub actions: Vec<ScheduledAction>,
    /// The Kayenta-style statistical judge.
    pub judge: JudgeConfig,
    /// The availability SLO and its error budget.
    pub slo: SloConfig,
    /// The feature flag around the canary's new code path (kill switch).
    pub flag: FlagConfig,
    /// What the scenario is meant to show; tests assert it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
}

/// How the canary's weight splits traffic (see [`super::users`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// Each request goes to the canary with probability `w` on its own, as
    /// Argo Rollouts `setWeight` through a traffic router (Istio, NGINX,
    /// SMI, ALB) and Flagger's weighted routing do: a user with `k` requests
    /// meets the canary with probability `1 − (1 − w)^k`.
    #[default]
    PerRequest,
    /// A user's requests all go the same way: a share `w` of users (a flag
    /// keyed on user id, header or cookie routing).
    Sticky,
}

impl Routing {
    /// The key as written in TOML and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Routing::PerRequest => "per_request",
            Routing::Sticky => "sticky",
        }
    }

    fn is_default(&self) -> bool {
        *self == Routing::PerRequest
    }
}

/// How one version behaves at full health.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VersionSpec {
    /// Fraction of requests that fail (5xx), 0–1.
    pub error_rate: f64,
    /// Median latency in milliseconds.
    pub latency_p50_ms: f64,
    /// 99th percentile latency in milliseconds (above the median); with the
    /// median it fixes the log-normal latency distribution.
    pub latency_p99_ms: f64,
    /// CPU utilisation (0–1) of the version's fleet; each fleet is sized for
    /// its share of traffic, so this does not change with the weight.
    pub cpu: f64,
    /// Business KPI: the fraction of requests that convert (e.g. checkout
    /// success), 0–1.
    pub kpi: f64,
}

impl Default for VersionSpec {
    fn default() -> Self {
        VersionSpec { error_rate: 0.0005, latency_p50_ms: 80.0, latency_p99_ms: 300.0, cpu: 0.45, kpi: 0.62 }
    }
}

/// What a fault does to the canary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Error rate times `factor`.
    Error,
    /// Every latency (so p50, p95 and p99) times `factor`.
    Latency,
    /// CPU times `factor` every minute (compounding, capped at 100 %); as CPU
    /// nears saturation, queueing stretches latency by `(1-u₀)/(1-u)`.
    SaturationLeak,
    /// KPI times `factor`; technical metrics stay healthy.
    Kpi,
    /// Error rate times `factor` for `period_minutes`, normal for
    /// `period_minutes`, and so on: errors near a threshold, on and off.
    Flapping,
}

impl FaultKind {
    /// The key as written in TOML.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Error => "error",
            FaultKind::Latency => "latency",
            FaultKind::SaturationLeak => "saturation_leak",
            FaultKind::Kpi => "kpi",
            FaultKind::Flapping => "flapping",
        }
    }
}

/// A change to the canary from `at_minute` on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// First minute the fault is active.
    pub at_minute: u32,
    /// What it does.
    pub kind: FaultKind,
    /// How much (see [`FaultKind`]).
    pub factor: f64,
    /// First minute it is no longer active; active to the end when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_minute: Option<u32>,
    /// For `flapping`: minutes on, then minutes off (default 2).
    #[serde(default = "default_period")]
    pub period_minutes: u32,
    /// Whether the faulty code sits behind the feature flag, so the kill
    /// switch removes it (default true).
    #[serde(default = "default_true")]
    pub behind_flag: bool,
}

fn default_period() -> u32 {
    2
}
fn default_true() -> bool {
    true
}
fn is_false(b: &bool) -> bool {
    !*b
}

/// One step of the rollout plan; exactly one key is set.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Step {
    /// Send this percentage (0–100) of traffic to the canary now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_weight: Option<f64>,
    /// Wait this many minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause_minutes: Option<u32>,
    /// Wait until a human acts: `resume` continues the plan, `promote` goes
    /// to 100 % at once.
    #[serde(skip_serializing_if = "is_false")]
    pub pause_until_promote: bool,
    /// Wait this many minutes, then let the judge compare canary and stable
    /// over them: pass continues, fail acts, marginal pauses for a human.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis_minutes: Option<u32>,
}

impl Step {
    /// `set_weight = percent`.
    pub fn weight(percent: f64) -> Step {
        Step { set_weight: Some(percent), ..Step::default() }
    }
    /// `pause_minutes = minutes`.
    pub fn pause(minutes: u32) -> Step {
        Step { pause_minutes: Some(minutes), ..Step::default() }
    }
    /// `pause_until_promote = true`.
    pub fn pause_until_promote() -> Step {
        Step { pause_until_promote: true, ..Step::default() }
    }
    /// `analysis_minutes = minutes`.
    pub fn analysis(minutes: u32) -> Step {
        Step { analysis_minutes: Some(minutes), ..Step::default() }
    }
}

/// The topic page's plan: 5 % for 10 minutes, 25 % for 10 minutes, 100 %.
pub fn default_steps() -> Vec<Step> {
    vec![Step::weight(5.0), Step::pause(10), Step::weight(25.0), Step::pause(10), Step::weight(100.0)]
}

/// A metric every tick reports for stable and canary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Failed requests / requests.
    ErrorRate,
    /// 95th percentile latency, ms.
    LatencyP95,
    /// 99th percentile latency, ms.
    LatencyP99,
    /// CPU utilisation, 0–1.
    Cpu,
    /// Business KPI (conversion), 0–1.
    Kpi,
}

impl Metric {
    /// All five, in display order.
    pub const ALL: [Metric; 5] = [Metric::ErrorRate, Metric::LatencyP95, Metric::LatencyP99, Metric::Cpu, Metric::Kpi];

    /// The key as written in TOML and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::ErrorRate => "error_rate",
            Metric::LatencyP95 => "latency_p95",
            Metric::LatencyP99 => "latency_p99",
            Metric::Cpu => "cpu",
            Metric::Kpi => "kpi",
        }
    }

    /// The metric's short name for people: `5xx rate`, `p99`.
    pub fn short_name(self) -> &'static str {
        match self {
            Metric::ErrorRate => "5xx rate",
            Metric::LatencyP95 => "p95",
            Metric::LatencyP99 => "p99",
            Metric::Cpu => "CPU",
            Metric::Kpi => "KPI",
        }
    }

    /// A value in the metric's units for people: `1 %`, `420 ms`.
    pub fn format(self, v: f64) -> String {
        match self {
            Metric::ErrorRate | Metric::Cpu | Metric::Kpi => format!("{} %", trim_num(v * 100.0)),
            Metric::LatencyP95 | Metric::LatencyP99 => format!("{} ms", trim_num(v)),
        }
    }

    /// Whether a higher value is worse (all but the KPI).
    pub fn higher_is_worse(self) -> bool {
        !matches!(self, Metric::Kpi)
    }
}

/// How a gate's threshold is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    /// Threshold = stable's value × the number (e.g. 1.4 for "1.4× baseline").
    Ratio,
    /// Threshold = stable's value + the number, in metric units.
    Difference,
    /// Threshold = the number, in metric units.
    Absolute,
}

/// What a gate (or the judge) does when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateAction {
    /// Abort: all traffic back to stable (Argo's abort, Flagger's rollback).
    #[default]
    Rollback,
    /// Stop the plan where it is, keeping the canary's weight, until a human acts.
    Halt,
    /// Only raise an alert event.
    Alert,
}

/// A gate: a metric of the canary compared with a threshold, checked every
/// minute over the last `for_minutes` minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// Label in the event log; generated from the other keys when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The metric watched.
    pub metric: Metric,
    /// How the threshold is built from `above`/`below`.
    pub compare: Compare,
    /// Fail when the canary is above the threshold (set this or `below`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// Fail when the canary is below the threshold (set this or `above`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// The window: each check pools the last N minutes of canary (and
    /// stable) data, so one noisy minute cannot trip it (default 1).
    #[serde(default = "default_one")]
    pub for_minutes: u32,
    /// What to do when the gate fails (default rollback).
    #[serde(default)]
    pub action: GateAction,
    /// Failed checks tolerated: the gate acts when failed checks exceed this
    /// (Argo's `failureLimit`, default 0 = act on the first failed check).
    #[serde(default)]
    pub failure_limit: u32,
    /// Fewest canary requests in the window for a check to count; with fewer
    /// the check is inconclusive and the rollout pauses for a human
    /// (default 50).
    #[serde(default = "default_min_requests")]
    pub min_requests: u64,
}

fn default_one() -> u32 {
    1
}
fn default_min_requests() -> u64 {
    50
}

impl Gate {
    /// The gate's label: `name`, or one built from its keys, such as
    /// `p99 > 1.4× baseline for 10 min`, the style of the topic page.
    pub fn label(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.clone();
        }
        let (op, value) = match (self.above, self.below) {
            (Some(v), _) => (">", v),
            (None, Some(v)) => ("<", v),
            (None, None) => ("?", f64::NAN),
        };
        let rhs = match self.compare {
            Compare::Ratio => format!("{}× baseline", trim_num(value)),
            Compare::Difference => format!("baseline + {}", self.metric.format(value)),
            Compare::Absolute => self.metric.format(value),
        };
        format!("{} {} {} for {} min", self.metric.short_name(), op, rhs, self.for_minutes)
    }
}

fn trim_num(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Something a human (or the scenario) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Send 100 % to the canary now and finish the rollout.
    Promote,
    /// Stop the plan where it is (gates keep watching).
    Pause,
    /// Continue the plan after a pause, a halt or an inconclusive check.
    Resume,
    /// Abort: all traffic back to stable.
    Rollback,
    /// Turn the new code path off (flag off): the canary behaves like stable
    /// from the next tick, without a redeploy.
    KillSwitchOn,
    /// Turn the new code path back on.
    KillSwitchOff,
    /// Roll forward: a fixed version replaces the canary and enters at the
    /// first step of the plan.
    Hotfix,
    /// Let gates and the judge act automatically.
    AutomationOn,
    /// Gates and the judge only raise events; humans act.
    AutomationOff,
}

impl Action {
    /// The key as written in TOML (`do = "kill_switch_on"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Promote => "promote",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Rollback => "rollback",
            Action::KillSwitchOn => "kill_switch_on",
            Action::KillSwitchOff => "kill_switch_off",
            Action::Hotfix => "hotfix",
            Action::AutomationOn => "automation_on",
            Action::AutomationOff => "automation_off",
        }
    }
}

/// An action at a given minute (applied before that minute's traffic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledAction {
    /// The minute it happens.
    pub at_minute: u32,
    /// What happens.
    #[serde(rename = "do")]
    pub action: Action,
}

/// The Kayenta-style judge: per metric, a Mann-Whitney U test of the
/// canary's per-minute values against stable's over an interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JudgeConfig {
    /// Judge every `interval_minutes` while the canary takes traffic
    /// (background analysis). Analysis steps use the judge either way.
    pub enabled: bool,
    /// Minutes per judgement (3–240).
    pub interval_minutes: u32,
    /// Metrics judged.
    pub metrics: Vec<Metric>,
    /// Metrics whose failure forces the score to 0.
    pub critical: Vec<Metric>,
    /// Score (0–100) at or above which a judgement passes.
    pub pass_score: f64,
    /// Score at or above which a judgement is marginal (inconclusive: pause
    /// for a human); below it fails.
    pub marginal_score: f64,
    /// Confidence of the Mann-Whitney interval (Kayenta: 0.98).
    pub confidence: f64,
    /// Fraction of |Hodges-Lehmann estimate| tolerated (Kayenta: 0.25).
    pub tolerance: f64,
    /// What a failed judgement does.
    pub action: GateAction,
    /// Minutes with fewer canary requests are left out of the comparison.
    pub min_requests: u64,
}

impl Default for JudgeConfig {
    fn default() -> Self {
        JudgeConfig {
            enabled: false,
            interval_minutes: 10,
            metrics: Metric::ALL.to_vec(),
            critical: vec![Metric::ErrorRate],
            pass_score: 90.0,
            marginal_score: 75.0,
            confidence: 0.98,
            tolerance: 0.25,
            action: GateAction::Rollback,
            min_requests: 50,
        }
    }
}

/// The availability SLO.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SloConfig {
    /// Target fraction of successful requests (e.g. 0.999).
    pub target: f64,
    /// SLO window in days (the error budget's period).
    pub window_days: f64,
}

impl Default for SloConfig {
    fn default() -> Self {
        SloConfig { target: 0.999, window_days: 30.0 }
    }
}

/// The feature flag that wraps the canary's new code path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlagConfig {
    /// Flag name (part of the hash that buckets users).
    pub name: String,
    /// Whether the kill switch is on at the start (new code path off).
    pub kill_switch: bool,
    /// Percentage of users (by stable hash) who get the new code path when
    /// the flag is on.
    pub rollout_percent: f64,
}

impl Default for FlagConfig {
    fn default() -> Self {
        FlagConfig { name: "new-code-path".to_string(), kill_switch: false, rollout_percent: 100.0 }
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The canary reached 100 % and the plan finished.
    Promoted,
    /// Traffic went back to stable (by a gate, the judge or a human).
    RolledBack,
    /// Promotion stopped, waiting for a human (halt gate, inconclusive check
    /// or judgement).
    Halted,
    /// The plan is still under way (or paused on purpose) at the end.
    Running,
}

impl Outcome {
    /// The key as written in TOML and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Promoted => "promoted",
            Outcome::RolledBack => "rolled_back",
            Outcome::Halted => "halted",
            Outcome::Running => "running",
        }
    }
}

/// What a shipped scenario is meant to show; the tests assert it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Intended outcome with the scenario's seed.
    pub outcome: Outcome,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            title: String::new(),
            description: String::new(),
            seed: 1,
            minutes: 60,
            requests_per_minute: 10_000,
            requests_per_user: 10.0,
            routing: Routing::PerRequest,
            automation: true,
            baseline: VersionSpec::default(),
            canary: None,
            hotfix: None,
            faults: Vec::new(),
            steps: default_steps(),
            gates: Vec::new(),
            actions: Vec::new(),
            judge: JudgeConfig::default(),
            slo: SloConfig::default(),
            flag: FlagConfig::default(),
            expect: None,
        }
    }
}

/// One problem with a scenario: the key (`canary.error_rate`,
/// `steps[2].set_weight`) and the reason, with the allowed range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Dotted path of the key, arrays indexed from 0.
    pub key: String,
    /// Why it is refused, with the allowed range.
    pub reason: String,
    /// 1-based line in the TOML text, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl FieldError {
    /// A problem with no line number.
    pub fn new(key: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError { key: key.into(), reason: reason.into(), line: None }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}: {} (line {line})", self.key, self.reason),
            None => write!(f, "{}: {}", self.key, self.reason),
        }
    }
}

/// Why a scenario text was refused: one or more [`FieldError`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The problems, in file order where known.
    pub errors: Vec<FieldError>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Collects validation problems.
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn push(&mut self, key: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(FieldError::new(key, reason));
    }

    /// A finite number in `[lo, hi]`.
    fn range(&mut self, key: &str, v: f64, lo: f64, hi: f64) {
        if !v.is_finite() {
            self.push(key, format!("must be a number between {} and {} (got {v})", num(lo), num(hi)));
        } else if v < lo || v > hi {
            self.push(key, format!("must be between {} and {} (got {})", num(lo), num(hi), num(v)));
        }
    }

    /// An integer in `[lo, hi]`.
    fn int(&mut self, key: &str, v: u64, lo: u64, hi: u64) {
        if v < lo || v > hi {
            self.push(key, format!("must be between {lo} and {hi} (got {v})"));
        }
    }
}

fn num(v: f64) -> String {
    if v.is_finite() && v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn check_version(c: &mut Check, prefix: &str, v: &VersionSpec) {
    c.range(&format!("{prefix}.error_rate"), v.error_rate, 0.0, 1.0);
    c.range(&format!("{prefix}.latency_p50_ms"), v.latency_p50_ms, 0.1, 600_000.0);
    c.range(&format!("{prefix}.latency_p99_ms"), v.latency_p99_ms, 0.1, 600_000.0);
    if v.latency_p50_ms.is_finite() && v.latency_p99_ms.is_finite() && v.latency_p99_ms <= v.latency_p50_ms {
        c.push(
            format!("{prefix}.latency_p99_ms"),
            format!("must be above latency_p50_ms ({} ms) (got {} ms)", num(v.latency_p50_ms), num(v.latency_p99_ms)),
        );
    }
    c.range(&format!("{prefix}.cpu"), v.cpu, 0.0, 1.0);
    c.range(&format!("{prefix}.kpi"), v.kpi, 0.0, 1.0);
}

/// Allowed `factor` range per fault kind.
pub fn fault_factor_range(kind: FaultKind) -> (f64, f64) {
    match kind {
        FaultKind::Error | FaultKind::Flapping => (0.0, 1000.0),
        FaultKind::Latency => (0.01, 100.0),
        FaultKind::SaturationLeak => (1.0, 2.0),
        FaultKind::Kpi => (0.0, 10.0),
    }
}

/// Allowed `above`/`below` range per comparison.
pub fn threshold_range(compare: Compare) -> (f64, f64) {
    match compare {
        Compare::Ratio => (0.0, 1000.0),
        Compare::Difference => (-1_000_000.0, 1_000_000.0),
        Compare::Absolute => (0.0, 1_000_000.0),
    }
}

impl Scenario {
    /// Every out-of-range, missing or contradictory value, each named by its
    /// key with the reason and the allowed range. `Ok` means the engine will
    /// run exactly what is written.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Check { errors: Vec::new() };
        if self.title.chars().count() > 200 {
            c.push("title", "must be at most 200 characters");
        }
        if self.description.chars().count() > 2000 {
            c.push("description", "must be at most 2000 characters");
        }
        c.int("minutes", u64::from(self.minutes), 1, u64::from(MAX_MINUTES));
        c.int("requests_per_minute", self.requests_per_minute, 1, MAX_REQUESTS_PER_MINUTE);
        c.range("requests_per_user", self.requests_per_user, 1.0, 1_000_000.0);
        check_version(&mut c, "baseline", &self.baseline);
        if let Some(v) = &self.canary {
            check_version(&mut c, "canary", v);
        }
        if let Some(v) = &self.hotfix {
            check_version(&mut c, "hotfix", v);
        }

        if self.faults.len() > MAX_ITEMS {
            c.push("faults", format!("at most {MAX_ITEMS} faults (got {})", self.faults.len()));
        }
        for (i, f) in self.faults.iter().enumerate() {
            let k = format!("faults[{i}]");
            c.int(&format!("{k}.at_minute"), u64::from(f.at_minute), 0, u64::from(MAX_MINUTES));
            let (lo, hi) = fault_factor_range(f.kind);
            c.range(&format!("{k}.factor"), f.factor, lo, hi);
            if let Some(u) = f.until_minute {
                if u <= f.at_minute {
                    c.push(format!("{k}.until_minute"), format!("must be after at_minute ({}) (got {u})", f.at_minute));
                }
            }
            c.int(&format!("{k}.period_minutes"), u64::from(f.period_minutes), 1, 240);
        }

        if self.steps.is_empty() {
            c.push("steps", "the plan is empty: add at least one step with set_weight");
        } else if self.steps.len() > MAX_STEPS {
            c.push("steps", format!("at most {MAX_STEPS} steps (got {})", self.steps.len()));
        } else if !self.steps.iter().any(|s| s.set_weight.is_some()) {
            c.push("steps", "the plan never sets a weight: add a step with set_weight");
        }
        for (i, s) in self.steps.iter().enumerate() {
            let k = format!("steps[{i}]");
            let count = usize::from(s.set_weight.is_some())
                + usize::from(s.pause_minutes.is_some())
                + usize::from(s.pause_until_promote)
                + usize::from(s.analysis_minutes.is_some());
            if count != 1 {
                c.push(
                    k.clone(),
                    format!(
                        "needs exactly one of set_weight, pause_minutes, pause_until_promote, analysis_minutes (got {count})"
                    ),
                );
            }
            if let Some(w) = s.set_weight {
                c.range(&format!("{k}.set_weight"), w, 0.0, 100.0);
            }
            if let Some(m) = s.pause_minutes {
                c.int(&format!("{k}.pause_minutes"), u64::from(m), 1, u64::from(MAX_MINUTES));
            }
            if let Some(m) = s.analysis_minutes {
                c.int(&format!("{k}.analysis_minutes"), u64::from(m), 3, u64::from(MAX_JUDGE_MINUTES));
            }
        }

        if self.gates.len() > MAX_ITEMS {
            c.push("gates", format!("at most {MAX_ITEMS} gates (got {})", self.gates.len()));
        }
        for (i, g) in self.gates.iter().enumerate() {
            let k = format!("gates[{i}]");
            if g.name.chars().count() > 120 {
                c.push(format!("{k}.name"), "must be at most 120 characters");
            }
            let (lo, hi) = threshold_range(g.compare);
            match (g.above, g.below) {
                (Some(_), Some(_)) => c.push(k.clone(), "set either above or below, not both"),
                (None, None) => c.push(k.clone(), "needs a threshold: set above or below"),
                (Some(v), None) => c.range(&format!("{k}.above"), v, lo, hi),
                (None, Some(v)) => c.range(&format!("{k}.below"), v, lo, hi),
            }
            c.int(&format!("{k}.for_minutes"), u64::from(g.for_minutes), 1, u64::from(MAX_MINUTES));
            c.int(&format!("{k}.failure_limit"), u64::from(g.failure_limit), 0, u64::from(MAX_MINUTES));
            c.int(&format!("{k}.min_requests"), g.min_requests, 0, 1_000_000_000);
        }

        if self.actions.len() > MAX_ITEMS {
            c.push("actions", format!("at most {MAX_ITEMS} actions (got {})", self.actions.len()));
        }
        for (i, a) in self.actions.iter().enumerate() {
            if a.at_minute >= self.minutes.max(1) {
                c.push(
                    format!("actions[{i}].at_minute"),
                    format!("must be between 0 and {} (minutes - 1) (got {})", self.minutes.max(1) - 1, a.at_minute),
                );
            }
        }

        let j = &self.judge;
        c.int("judge.interval_minutes", u64::from(j.interval_minutes), 3, u64::from(MAX_JUDGE_MINUTES));
        if j.metrics.is_empty() {
            c.push("judge.metrics", "must name at least one metric");
        }
        for (i, m) in j.metrics.iter().enumerate() {
            if j.metrics[..i].contains(m) {
                c.push(format!("judge.metrics[{i}]"), format!("{} is listed twice", m.as_str()));
            }
        }
        for (i, m) in j.critical.iter().enumerate() {
            if !j.metrics.contains(m) {
                c.push(format!("judge.critical[{i}]"), format!("{} must also be in judge.metrics", m.as_str()));
            }
        }
        c.range("judge.pass_score", j.pass_score, 0.0, 100.0);
        c.range("judge.marginal_score", j.marginal_score, 0.0, 100.0);
        if j.marginal_score.is_finite() && j.pass_score.is_finite() && j.marginal_score > j.pass_score {
            c.push(
                "judge.marginal_score",
                format!("must be at most pass_score ({}) (got {})", num(j.pass_score), num(j.marginal_score)),
            );
        }
        c.range("judge.confidence", j.confidence, 0.5, 0.9999);
        c.range("judge.tolerance", j.tolerance, 0.0, 10.0);
        c.int("judge.min_requests", j.min_requests, 0, 1_000_000_000);

        c.range("slo.target", self.slo.target, 0.5, 0.99999);
        c.range("slo.window_days", self.slo.window_days, 1.0, 365.0);

        let name = self.flag.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            c.push("flag.name", "must be 1 to 100 characters");
        }
        c.range("flag.rollout_percent", self.flag.rollout_percent, 0.0, 100.0);

        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(c.errors)
        }
    }

    /// A copy with every value forced into its allowed range (NaN and
    /// missing values replaced by defaults, an empty plan by the default
    /// plan), so the engine can run anything without panicking. A scenario
    /// that passes [`Scenario::validate`] comes back unchanged.
    pub fn sanitized(&self) -> Scenario {
        let mut s = self.clone();
        s.minutes = s.minutes.clamp(1, MAX_MINUTES);
        s.requests_per_minute = s.requests_per_minute.clamp(1, MAX_REQUESTS_PER_MINUTE);
        s.requests_per_user = clamp_or(s.requests_per_user, 1.0, 1_000_000.0, 10.0);
        s.baseline = sanitize_version(&s.baseline, &VersionSpec::default());
        let base = s.baseline;
        s.canary = s.canary.map(|v| sanitize_version(&v, &base));
        s.hotfix = s.hotfix.map(|v| sanitize_version(&v, &base));
        s.faults.truncate(MAX_ITEMS);
        for f in &mut s.faults {
            f.at_minute = f.at_minute.min(MAX_MINUTES);
            let (lo, hi) = fault_factor_range(f.kind);
            let neutral = match f.kind {
                FaultKind::Error | FaultKind::Flapping | FaultKind::Latency | FaultKind::Kpi => 1.0,
                FaultKind::SaturationLeak => 1.0,
            };
            f.factor = clamp_or(f.factor, lo, hi, neutral);
            if let Some(u) = f.until_minute {
                if u <= f.at_minute {
                    f.until_minute = Some(f.at_minute + 1);
                }
            }
            f.period_minutes = f.period_minutes.clamp(1, 240);
        }
        s.steps.truncate(MAX_STEPS);
        s.steps = s
            .steps
            .iter()
            .filter_map(|st| {
                // Keep the first key set; drop steps with none.
                if let Some(w) = st.set_weight {
                    Some(Step::weight(clamp_or(w, 0.0, 100.0, 0.0)))
                } else if let Some(m) = st.pause_minutes {
                    Some(Step::pause(m.clamp(1, MAX_MINUTES)))
                } else if st.pause_until_promote {
                    Some(Step::pause_until_promote())
                } else {
                    st.analysis_minutes.map(|m| Step::analysis(m.clamp(3, MAX_JUDGE_MINUTES)))
                }
            })
            .collect();
        if !s.steps.iter().any(|st| st.set_weight.is_some()) {
            s.steps = default_steps();
        }
        s.gates.truncate(MAX_ITEMS);
        for g in &mut s.gates {
            let (lo, hi) = threshold_range(g.compare);
            match (g.above, g.below) {
                (Some(v), _) => {
                    g.above = Some(clamp_or(v, lo, hi, hi));
                    g.below = None;
                }
                (None, Some(v)) => g.below = Some(clamp_or(v, lo, hi, lo)),
                (None, None) => {}
            }
            g.for_minutes = g.for_minutes.clamp(1, MAX_MINUTES);
            g.failure_limit = g.failure_limit.min(MAX_MINUTES);
            g.min_requests = g.min_requests.min(1_000_000_000);
        }
        s.actions.truncate(MAX_ITEMS);
        let j = &mut s.judge;
        j.interval_minutes = j.interval_minutes.clamp(3, MAX_JUDGE_MINUTES);
        let mut metrics = Vec::new();
        for m in &j.metrics {
            if !metrics.contains(m) {
                metrics.push(*m);
            }
        }
        if metrics.is_empty() {
            metrics = Metric::ALL.to_vec();
        }
        j.metrics = metrics;
        let metrics = j.metrics.clone();
        j.critical.retain(|m| metrics.contains(m));
        j.pass_score = clamp_or(j.pass_score, 0.0, 100.0, 90.0);
        j.marginal_score = clamp_or(j.marginal_score, 0.0, 100.0, 75.0).min(j.pass_score);
        j.confidence = clamp_or(j.confidence, 0.5, 0.9999, 0.98);
        j.tolerance = clamp_or(j.tolerance, 0.0, 10.0, 0.25);
        s.slo.target = clamp_or(s.slo.target, 0.5, 0.99999, 0.999);
        s.slo.window_days = clamp_or(s.slo.window_days, 1.0, 365.0, 30.0);
        s.flag.rollout_percent = clamp_or(s.flag.rollout_percent, 0.0, 100.0, 100.0);
        s
    }

    /// The scenario as JSON (what share links and the built app carry).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a scenario from JSON and validates it.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let key = backticked(&msg).unwrap_or_default();
            ScenarioError { errors: vec![FieldError { key, reason: strip_position(&msg), line: Some(e.line()) }] }
        })?;
        scenario.validate().map_err(|errors| ScenarioError { errors })?;
        Ok(scenario)
    }

    /// The canary's spec (the baseline's when the scenario has none).
    pub fn canary_spec(&self) -> VersionSpec {
        self.canary.unwrap_or(self.baseline)
    }

    /// The hotfix's spec (the baseline's when the scenario has none).
    pub fn hotfix_spec(&self) -> VersionSpec {
        self.hotfix.unwrap_or(self.baseline)
    }
}

fn clamp_or(v: f64, lo: f64, hi: f64, fallback: f64) -> f64 {
    if v.is_finite() {
        v.clamp(lo, hi)
    } else {
        fallback
    }
}

fn sanitize_version(v: &VersionSpec, fallback: &VersionSpec) -> VersionSpec {
    let p50 = clamp_or(v.latency_p50_ms, 0.1, 600_000.0, fallback.latency_p50_ms.max(0.1));
    let mut p99 = clamp_or(v.latency_p99_ms, 0.1, 600_000.0, fallback.latency_p99_ms);
    if p99 <= p50 {
        p99 = p50 * 1.01;
    }
    VersionSpec {
        error_rate: clamp_or(v.error_rate, 0.0, 1.0, fallback.error_rate),
        latency_p50_ms: p50,
        latency_p99_ms: p99,
        cpu: clamp_or(v.cpu, 0.0, 1.0, fallback.cpu),
        kpi: clamp_or(v.kpi, 0.0, 1.0, fallback.kpi),
    }
}

/// The first `…`-quoted word of an error message (serde names fields so).
fn backticked(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(msg[start..start + len].to_string())
}

/// serde_json appends " at line L column C"; the line is reported apart.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Parses an instructor's TOML scenario and validates it. Errors name the
/// key (`gates[0].for_minutes`), the reason and, when it can be found, the
/// line. Native only: the app converts TOML to JSON at build time.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_toml(text: &str) -> Result<Scenario, ScenarioError> {
    let scenario: Scenario = toml::from_str(text).map_err(|e| {
        let reason = e.message().trim().to_string();
        let (key, line) = match e.span() {
            Some(span) => {
                let (path, line) = key_path_at(text, span.start);
                (refine_key(path, &reason), Some(line))
            }
            None => (backticked(&reason).unwrap_or_default(), None),
        };
        ScenarioError { errors: vec![FieldError { key, reason, line }] }
    })?;
    scenario.validate().map_err(|errors| ScenarioError {
        errors: errors
            .into_iter()
            .map(|mut e| {
                e.line = line_of_key(text, &e.key);
                e
            })
            .collect(),
    })?;
    Ok(scenario)
}

/// Appends the field a serde message names (`missing field `metric``,
/// `unknown field `errr_rate``) when the path does not end with it yet.
#[cfg(not(target_arch = "wasm32"))]
fn refine_key(path: String, reason: &str) -> String {
    let field = if reason.starts_with("missing field") || reason.starts_with("unknown field") {
        backticked(reason)
    } else {
        None
    };
    match field {
        Some(f) if !path.ends_with(&f) => {
            if path.is_empty() {
                f
            } else {
                format!("{path}.{f}")
            }
        }
        _ => path,
    }
}

/// One parsed table header: `[canary]` → ("canary", false),
/// `[[steps]]` → ("steps", true).
fn header(line: &str) -> Option<(String, bool)> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix("[[") {
        let end = rest.find("]]")?;
        return Some((rest[..end].trim().to_string(), true));
    }
    if let Some(rest) = t.strip_prefix('[') {
        let end = rest.find(']')?;
        return Some((rest[..end].trim().to_string(), false));
    }
    None
}

/// The key path (`steps[2].set_weight`) and 1-based line at a byte offset
/// of the TOML text, found by replaying the table headers above it.
#[cfg(not(target_arch = "wasm32"))]
fn key_path_at(text: &str, offset: usize) -> (String, usize) {
    let mut table = String::new();
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut pos = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let end = pos + line.len();
        let here = offset < end || end == text.len();
        if let Some((name, is_array)) = header(line) {
            table = if is_array {
                let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                    Some(entry) => {
                        entry.1 += 1;
                        entry.1 - 1
                    }
                    None => {
                        counts.push((name.clone(), 1));
                        0
                    }
                };
                format!("{name}[{n}]")
            } else {
                name
            };
            if here {
                return (table, i + 1);
            }
        } else if here {
            let key = line
                .split('=')
                .next()
                .filter(|_| line.contains('='))
                .map(|k| k.trim().trim_matches('"').to_string())
                .unwrap_or_default();
            let path = match (table.is_empty(), key.is_empty()) {
                (_, true) => table,
                (true, false) => key,
                (false, false) => format!("{table}.{key}"),
            };
            return (path, i + 1);
        }
        pos = end;
    }
    (table, text.lines().count().max(1))
}

/// The 1-based line where a key path (`steps[2].set_weight`,
/// `canary.error_rate`, `minutes`) is written, when it is.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    // Split "gates[0].above" into table "gates", index 0, field "above".
    let (table, index, field) = split_key(key);
    let mut current = String::new();
    let mut current_index: Option<usize> = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut table_line = None;
    for (i, line) in text.lines().enumerate() {
        if let Some((name, is_array)) = header(line) {
            current_index = if is_array {
                let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                    Some(entry) => {
                        entry.1 += 1;
                        entry.1 - 1
                    }
                    None => {
                        counts.push((name.clone(), 1));
                        0
                    }
                };
                Some(n)
            } else {
                None
            };
            current = name;
            if current == table && current_index == index {
                table_line = Some(i + 1);
            }
            continue;
        }
        if current == table && current_index == index {
            if let Some(f) = &field {
                let k = line.split('=').next().unwrap_or("").trim();
                if line.contains('=') && k == f {
                    return Some(i + 1);
                }
            }
        }
    }
    table_line
}

fn split_key(key: &str) -> (String, Option<usize>, Option<String>) {
    let (head, field) = match key.find('.') {
        Some(i) => (&key[..i], Some(key[i + 1..].to_string())),
        None => (key, None),
    };
    if let Some(b) = head.find('[') {
        let name = head[..b].to_string();
        let idx = head[b + 1..].trim_end_matches(']').parse().ok();
        return (name, idx, field);
    }
    // A top-level key ("minutes") lives in the root table.
    match field {
        Some(f) => (head.to_string(), None, Some(f)),
        None => (String::new(), None, Some(head.to_string())),
    }
}
