//! The simulation: one tick per simulated minute.
//!
//! Within tick `t`, in this order:
//! 1. actions at minute `t` apply (the learner's, then the scenario's);
//! 2. the plan advances (set weight, pauses, analysis, promotion);
//! 3. traffic splits by the weight (`Binomial(rpm, weight)` canary requests)
//!    and each slice's metrics are drawn ([`super::model`]);
//! 4. SLO burn rates and alerts update;
//! 5. gates check the last `for_minutes` minutes and may act;
//! 6. the judge runs when an interval or analysis step ends, and may act.
//!
//! What gates and the judge do in tick `t` takes effect in tick `t + 1`;
//! what a human does between ticks takes effect in the next tick. So a kill
//! switch or rollback is visible in the very next tick, without a redeploy.

use super::flags::enabled_share;
use super::histogram::{BucketProbs, Layout};
use super::judge::{judge, JudgeClass, Judgement};
use super::model::{apply_faults, draw, Behaviour, Component, Draw, Gauss};
use super::scenario::{Action, Compare, FaultKind, GateAction, Metric, Outcome, Routing, Scenario, Step};
use super::slo::{budget_requests, burn_rate, FAST_BURN, FAST_WINDOWS, SLOW_BURN, SLOW_WINDOWS};
use super::stats::LogNormal;
use super::users::{share_active, share_hit};
use crate::core::rng::Rng;
use serde::{Deserialize, Serialize};

/// Where the rollout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RolloutStatus {
    /// Following the plan.
    Progressing,
    /// Stopped on purpose: a human paused, or a `pause_until_promote` step.
    Paused,
    /// Stopped by a gate (halt), an inconclusive check or judgement: waits
    /// for a human to resume, promote or roll back.
    Halted,
    /// The canary took all traffic and the plan finished.
    Promoted,
    /// All traffic went back to stable.
    RolledBack,
}

impl RolloutStatus {
    fn live(self) -> bool {
        matches!(self, RolloutStatus::Progressing | RolloutStatus::Paused | RolloutStatus::Halted)
    }
}

/// One slice's metrics for one minute. Values are `None` when the slice
/// served no request.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SliceMetrics {
    /// Requests served.
    pub requests: u64,
    /// Requests that failed.
    pub errors: u64,
    /// Requests that converted (KPI numerator).
    pub conversions: u64,
    /// `errors / requests`.
    #[serde(serialize_with = "ser::opt_sig6")]
    pub error_rate: Option<f64>,
    /// p95 latency, ms.
    #[serde(serialize_with = "ser::opt_tenth")]
    pub latency_p95: Option<f64>,
    /// p99 latency, ms.
    #[serde(serialize_with = "ser::opt_tenth")]
    pub latency_p99: Option<f64>,
    /// CPU utilisation, 0–1.
    #[serde(serialize_with = "ser::opt_sig6")]
    pub cpu: Option<f64>,
    /// `conversions / requests`.
    #[serde(serialize_with = "ser::opt_sig6")]
    pub kpi: Option<f64>,
}

impl SliceMetrics {
    fn from_draw(d: &Draw) -> SliceMetrics {
        if d.requests == 0 {
            return SliceMetrics::default();
        }
        let n = d.requests as f64;
        SliceMetrics {
            requests: d.requests,
            errors: d.errors,
            conversions: d.conversions,
            error_rate: Some(d.errors as f64 / n),
            latency_p95: Some(d.p95),
            latency_p99: Some(d.p99),
            cpu: Some(d.cpu),
            kpi: Some(d.conversions as f64 / n),
        }
    }

    /// The value of one metric.
    pub fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::ErrorRate => self.error_rate,
            Metric::LatencyP95 => self.latency_p95,
            Metric::LatencyP99 => self.latency_p99,
            Metric::Cpu => self.cpu,
            Metric::Kpi => self.kpi,
        }
    }
}

/// A gate's state at one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateStatus {
    /// Not checking: the canary takes no traffic, or the rollout is over.
    Idle,
    /// The canary has not yet been live for a whole window.
    WarmingUp,
    /// Too few canary requests in the window to judge.
    Inconclusive,
    /// Checked and within the threshold.
    Ok,
    /// Checked and beyond the threshold (a failed check).
    Breached,
    /// Failed checks exceeded the failure limit: the gate acted (or, with
    /// automation off, asked a human to).
    Fired,
}

/// What one gate saw at one tick.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GateState {
    /// Index in `scenario.gates`.
    pub gate: usize,
    /// The metric watched.
    pub metric: Metric,
    /// Idle, warming up, inconclusive, ok, breached or fired.
    pub status: GateStatus,
    /// The canary's value over the window (metric units).
    #[serde(serialize_with = "ser::opt_sig6")]
    pub value: Option<f64>,
    /// Stable's value over the same window (metric units).
    #[serde(serialize_with = "ser::opt_sig6")]
    pub baseline: Option<f64>,
    /// The effective threshold at this tick, in metric units (for the
    /// chart's threshold line).
    #[serde(serialize_with = "ser::opt_sig6")]
    pub threshold: Option<f64>,
    /// Consecutive failed checks up to this tick (minutes breached).
    pub breached_for: u32,
    /// Failed checks since the canary (re)started.
    pub failed_checks: u32,
}

/// The feature flag at one tick.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FlagState {
    /// Kill switch on: the new code path is off for everyone.
    pub kill_switch: bool,
    /// Share of users (0–1) who get the new code path.
    #[serde(serialize_with = "ser::sig6")]
    pub new_path_share: f64,
}

/// SLO numbers at one tick (whole service: stable + canary).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SloState {
    /// Burn rate over the last 5 minutes.
    #[serde(serialize_with = "ser::sig6")]
    pub burn_5m: f64,
    /// Burn rate over the last 30 minutes.
    #[serde(serialize_with = "ser::sig6")]
    pub burn_30m: f64,
    /// Burn rate over the last hour.
    #[serde(serialize_with = "ser::sig6")]
    pub burn_1h: f64,
    /// Burn rate over the last 6 hours.
    #[serde(serialize_with = "ser::sig6")]
    pub burn_6h: f64,
    /// Fast page firing (14.4× over 1 h and 5 min).
    pub fast_page: bool,
    /// Slow page firing (6× over 6 h and 30 min).
    pub slow_page: bool,
    /// Share of the SLO window's error budget the release has consumed so
    /// far (its failures beyond the baseline's rate).
    #[serde(serialize_with = "ser::sig6")]
    pub budget_consumed: f64,
}

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The plan reached a step.
    Step,
    /// The rollout paused.
    Paused,
    /// The rollout resumed.
    Resumed,
    /// The canary took all traffic.
    Promoted,
    /// All traffic went back to stable.
    RolledBack,
    /// Promotion stopped, waiting for a human.
    Halted,
    /// A check or judgement could not decide.
    Inconclusive,
    /// A gate's check failed (first failure of a streak).
    GateBreached,
    /// A gate acted (or alerted).
    GateFired,
    /// The judge scored an interval.
    Judge,
    /// An SLO burn-rate page fired.
    BurnRateAlert,
    /// Kill switch on.
    KillSwitchOn,
    /// Kill switch off.
    KillSwitchOff,
    /// A hotfix rolled forward.
    Hotfix,
    /// Automation was switched on or off.
    Automation,
    /// A fault began (ground truth, for the lesson).
    Fault,
    /// An action that did nothing in the current state.
    Ignored,
}

/// One entry of the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Minute it happened.
    pub minute: u32,
    /// What kind.
    pub kind: EventKind,
    /// A sentence for the log.
    pub message: String,
    /// The gate concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<usize>,
}

/// One simulated minute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    /// The minute (0-based).
    pub minute: u32,
    /// Canary weight in percent (stable gets `100 - weight`).
    pub weight: f64,
    /// Stable's metrics.
    pub stable: SliceMetrics,
    /// The canary's metrics.
    pub canary: SliceMetrics,
    /// Each gate's state.
    pub gates: Vec<GateState>,
    /// Events of this minute.
    pub events: Vec<Event>,
    /// Rollout status at the end of this minute (after gates and the judge
    /// acted; `weight` is what the minute ran with).
    pub status: RolloutStatus,
    /// Index of the plan step in effect (None once promoted or rolled back).
    pub step: Option<usize>,
    /// Release number of the canary (2 = the release, 3+ = hotfixes).
    pub release: u32,
    /// Feature flag state.
    pub flag: FlagState,
    /// SLO state.
    pub slo: SloState,
    /// Whether automation was on.
    pub automation: bool,
}

/// An action the learner took, with the minute it applied at; a scenario
/// plus its recorded actions reproduce a run exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAction {
    /// The minute (the tick it first affected).
    pub minute: u32,
    /// The action.
    #[serde(rename = "do")]
    pub action: Action,
}

/// How the run ended and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// promoted, rolled_back, halted or running.
    pub outcome: Outcome,
    /// First minute with all traffic back on stable after a rollback.
    pub rollback_minute: Option<u32>,
    /// What rolled it back (a gate's label, "judge", or "manual").
    pub rolled_back_by: Option<String>,
    /// Minute of promotion to 100 %.
    pub promoted_minute: Option<u32>,
    /// Failed requests served by the new release(s).
    pub failed_requests: u64,
    /// Of those, how many beyond the baseline's error rate (the release's
    /// cost).
    pub excess_failed_requests: u64,
    /// Requests the new release(s) served.
    pub canary_requests: u64,
    /// All requests in the run.
    pub total_requests: u64,
    /// Requests that met a fault (a regressed version, flag on).
    pub degraded_requests: u64,
    /// The routing mode the user counts assume (the scenario's `routing`).
    pub routing: Routing,
    /// Users who met the regression, under `routing` ([`super::users`]):
    /// per request, a user with `k` requests in a minute at degraded share
    /// `d` escapes with probability `(1 − d)^k`; sticky, only the users in
    /// the degraded share can meet it.
    pub users_affected: u64,
    /// All users in the run: requests / requests per user.
    pub users_total: u64,
    /// Share of the users active from the first degraded minute to the last
    /// (the incident) who never met the regression, 0–1, under `routing`:
    /// the blast radius the canary and its gates spared ("90 % of users
    /// never saw it"). None when nothing was degraded.
    #[serde(serialize_with = "ser::opt_sig6")]
    pub spared_share: Option<f64>,
    /// Share of the SLO window's error budget the release consumed.
    #[serde(serialize_with = "ser::sig6")]
    pub budget_consumed: f64,
    /// Share of the budget all failures of the run consumed.
    #[serde(serialize_with = "ser::sig6")]
    pub budget_consumed_total: f64,
    /// Minutes from the first degraded request to the first alarm (a gate
    /// firing, a failed judgement or a burn-rate page).
    pub time_to_detect: Option<u32>,
    /// What detected it.
    pub detected_by: Option<String>,
    /// Minutes from the first degraded request until no user met the
    /// regression any more.
    pub time_to_mitigate: Option<u32>,
    /// Hotfixes rolled out.
    pub hotfixes: u32,
    /// Canary weight at the end.
    pub final_weight: f64,
    /// Minutes simulated.
    pub minutes: u32,
    /// One sentence naming the idea the run shows.
    pub verdict: String,
}

/// Pause/halt reasons (for messages and for what `resume` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hold {
    None,
    Manual,
    PlanStep,
    Gate,
    Inconclusive,
    AnalysisInconclusive,
    Judge,
}

#[derive(Debug, Clone, PartialEq)]
struct Release {
    id: u32,
    /// The healthy behaviour, computed once.
    healthy: Component,
    /// Whether the scenario's faults belong to this release.
    faulty: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct GateRuntime {
    breached_for: u32,
    failed_checks: u32,
    fired: bool,
    inconclusive_reported: bool,
}

/// Prefix sums of per-minute quantities (index `t + 1` holds minutes
/// `0..=t`), latency histograms included: row `t + 1` of `hist` holds each
/// bucket's count over minutes `0..=t`, so a window's histogram is the
/// difference of two rows and a check costs O(buckets), whatever the window.
/// Bucket counts are kept as wrapping `u32` (a window's difference is exact
/// while the window holds fewer than 2³² requests); a run that could pass
/// that keeps counts divided by `2^shift`, which leaves quantiles unchanged
/// to a few parts per million.
#[derive(Debug, Clone, PartialEq)]
struct Prefix {
    req: Vec<f64>,
    err: Vec<f64>,
    conv: Vec<f64>,
    cpu: Vec<f64>,
    layout: Layout,
    shift: u32,
    hist: Vec<u32>,
}

impl Prefix {
    fn new(cap: usize, layout: Layout, shift: u32) -> Prefix {
        let mk = || {
            let mut v = Vec::with_capacity(cap + 1);
            v.push(0.0);
            v
        };
        let slots = layout.slots();
        let mut hist = Vec::with_capacity((cap + 1) * slots);
        hist.resize(slots, 0);
        Prefix { req: mk(), err: mk(), conv: mk(), cpu: mk(), layout, shift, hist }
    }

    fn push(&mut self, d: &Draw, counts: &[u64]) {
        let n = d.requests as f64;
        let last = |v: &Vec<f64>| *v.last().unwrap_or(&0.0);
        self.req.push(last(&self.req) + n);
        self.err.push(last(&self.err) + d.errors as f64);
        self.conv.push(last(&self.conv) + d.conversions as f64);
        self.cpu.push(last(&self.cpu) + d.cpu * n);
        let slots = self.layout.slots();
        let start = self.hist.len() - slots;
        let (shift, half) = (self.shift, (1u64 << self.shift) >> 1);
        self.hist.extend_from_within(start..);
        let row = &mut self.hist[start + slots..];
        for (v, &c) in row.iter_mut().zip(counts) {
            // Wrapping: a window's difference stays exact (see the type).
            let c = if shift == 0 { c as u32 } else { ((c + half) >> shift) as u32 };
            *v = v.wrapping_add(c);
        }
    }

    /// Bucket `k`'s count over the minutes between prefix rows `a` and `b`.
    fn bucket(&self, a: usize, b: usize, k: usize) -> u64 {
        let slots = self.layout.slots();
        u64::from(self.hist[b * slots + k].wrapping_sub(self.hist[a * slots + k]))
    }

    /// Pooled value of a metric over minutes `from..=to`, and its requests.
    /// Latency: the quantile of the window's summed bucket counts
    /// ([`Layout::quantile`], Prometheus' `histogram_quantile` over
    /// `sum by (le)`), i.e. of every request in the window.
    fn window(&self, metric: Metric, from: u32, to: u32) -> (Option<f64>, f64) {
        let (a, b) = (from as usize, to as usize + 1);
        if b >= self.req.len() || a >= b {
            return (None, 0.0);
        }
        let sum = |v: &Vec<f64>| v[b] - v[a];
        let n = sum(&self.req);
        if n < 0.5 {
            return (None, 0.0);
        }
        let slots = self.layout.slots();
        let (row_a, row_b) = (&self.hist[a * slots..(a + 1) * slots], &self.hist[b * slots..(b + 1) * slots]);
        let bucket = |k: usize| u64::from(row_b[k].wrapping_sub(row_a[k]));
        let quantile = |q: f64| {
            if self.shift == 0 {
                self.layout.quantile_total(bucket, n as u64, q)
            } else {
                self.layout.quantile_by(bucket, q)
            }
        };
        let v = match metric {
            Metric::ErrorRate => Some(sum(&self.err) / n),
            Metric::Kpi => Some(sum(&self.conv) / n),
            Metric::Cpu => Some(sum(&self.cpu) / n),
            Metric::LatencyP95 => quantile(0.95),
            Metric::LatencyP99 => quantile(0.99),
        };
        (v, n)
    }
}

/// Bucket probabilities of the latest latency distribution a slice drew
/// from, recomputed only when the distribution changes.
#[derive(Debug, Clone, PartialEq)]
struct CdfCache {
    key: Option<[u64; 5]>,
    probs: BucketProbs,
}

impl CdfCache {
    fn get(&mut self, layout: &Layout, b: &Behaviour) -> &BucketProbs {
        let key = b.latency_key();
        if self.key != Some(key) {
            let (parts, n) = b.latency_parts();
            self.probs.set(layout, &parts[..n]);
            self.key = Some(key);
        }
        &self.probs
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Detection {
    minute: u32,
    by: String,
    weight: f64,
    metric: Option<Metric>,
}

/// An incremental canary simulation. Build it with [`Sim::new`], then
/// [`Sim::step`] tick by tick (or [`Sim::run_to_end`]) and [`Sim::act`]
/// between ticks; every learner action is recorded so [`Sim::replay`]
/// reproduces the run.
#[derive(Debug, Clone)]
pub struct Sim {
    original: Scenario,
    sc: Scenario,
    rng: Rng,
    minute: u32,
    ticks: Vec<Tick>,
    pending: Vec<Event>,
    actions: Vec<RecordedAction>,
    judgements: Vec<Judgement>,
    automation: bool,
    status: RolloutStatus,
    hold: Hold,
    weight: f64,
    step_idx: usize,
    step_elapsed: u32,
    step_announced: bool,
    analysis_done: bool,
    stable_rel: Release,
    canary_rel: Release,
    next_release: u32,
    kill_switch: bool,
    flag_share: f64,
    baseline_component: Component,
    gates: Vec<GateRuntime>,
    gate_labels: Vec<String>,
    judge_minutes: u32,
    live_since: Option<u32>,
    canary_hist: Prefix,
    stable_hist: Prefix,
    total_err: Vec<f64>,
    fast_page: bool,
    slow_page: bool,
    first_rollback: Option<(u32, String)>,
    promoted_minute: Option<u32>,
    first_exposed: Option<u32>,
    last_exposed: Option<u32>,
    exposed_now: bool,
    degraded_requests: f64,
    /// Each minute's degraded share of all requests (for users affected).
    degraded_share: Vec<f64>,
    detection: Option<Detection>,
    new_failed: u64,
    excess_failed: f64,
    new_requests: u64,
    total_requests: u64,
    total_failed: u64,
    hotfixes: u32,
    rolled_forward_after_rollback: bool,
    /// This minute's slices, visible to the judge before the tick is stored.
    current: (SliceMetrics, SliceMetrics),
    /// Bucket probabilities for stable's and the canary's latency.
    cdf_cache: [CdfCache; 2],
    /// This minute's latency histograms (stable, canary).
    counts: [Vec<u64>; 2],
}

/// The latency buckets a run keeps: from a floor at the fastest version's
/// median (after any speed-up fault; everything below shares the first
/// bucket, and a p95 of 20 requests falls there about once in 50,000) to a
/// ceiling 5.5 standard deviations above the slowest version's median
/// (after every slow-down fault and the worst queueing a CPU leak causes).
/// Window quantiles at p95 and p99 land far inside; a latency outside falls
/// in the first bucket or the `+Inf` bucket, as in Prometheus.
fn latency_layout(sc: &Scenario) -> Layout {
    let specs = [sc.baseline, sc.canary_spec(), sc.hotfix_spec()];
    let mut down = 1.0f64;
    let mut up = 1.0f64;
    let mut leak = false;
    for f in &sc.faults {
        if !f.factor.is_finite() {
            continue;
        }
        match f.kind {
            FaultKind::Latency => {
                let x = f.factor.max(1e-6);
                down *= x.min(1.0);
                up *= x.max(1.0);
            }
            FaultKind::SaturationLeak => leak = true,
            _ => {}
        }
    }
    let mut lo = f64::INFINITY;
    let mut hi = 0.0f64;
    for spec in &specs {
        let c = Component::from_spec(spec);
        lo = lo.min(c.mu.exp() * down);
        // Queueing stretches latency by up to (1 - u0) / (1 - 0.99).
        let queue = if leak { ((1.0 - c.cpu) / 0.01).max(1.0) } else { 1.0 };
        hi = hi.max((c.mu + 5.5 * c.sigma).exp() * up * queue);
    }
    Layout::covering(lo, hi)
}

impl Sim {
    /// A simulation at minute 0. An invalid scenario is clamped into range
    /// (see [`Scenario::sanitized`]); the engine never panics.
    pub fn new(scenario: Scenario) -> Sim {
        let sc = scenario.sanitized();
        let horizon = sc.minutes as usize;
        let flag_share = enabled_share(&sc.flag.name, sc.flag.rollout_percent);
        let gate_labels = sc.gates.iter().map(|g| g.label()).collect();
        let layout = latency_layout(&sc);
        let most = sc.requests_per_minute.saturating_mul(u64::from(sc.minutes));
        let shift = (64 - most.leading_zeros()).saturating_sub(32);
        let cache = CdfCache { key: None, probs: BucketProbs::default() };
        Sim {
            rng: Rng::new(sc.seed),
            minute: 0,
            ticks: Vec::with_capacity(horizon),
            pending: Vec::new(),
            actions: Vec::new(),
            judgements: Vec::new(),
            automation: sc.automation,
            status: RolloutStatus::Progressing,
            hold: Hold::None,
            weight: 0.0,
            step_idx: 0,
            step_elapsed: 0,
            step_announced: false,
            analysis_done: false,
            stable_rel: Release { id: 1, healthy: Component::from_spec(&sc.baseline), faulty: false },
            canary_rel: Release { id: 2, healthy: Component::from_spec(&sc.canary_spec()), faulty: true },
            next_release: 3,
            kill_switch: sc.flag.kill_switch,
            flag_share,
            baseline_component: Component::from_spec(&sc.baseline),
            gates: vec![GateRuntime::default(); sc.gates.len()],
            gate_labels,
            judge_minutes: 0,
            live_since: None,
            canary_hist: Prefix::new(horizon, layout, shift),
            stable_hist: Prefix::new(horizon, layout, shift),
            total_err: {
                let mut v = Vec::with_capacity(horizon + 1);
                v.push(0.0);
                v
            },
            fast_page: false,
            slow_page: false,
            first_rollback: None,
            promoted_minute: None,
            first_exposed: None,
            last_exposed: None,
            exposed_now: false,
            degraded_requests: 0.0,
            degraded_share: Vec::with_capacity(horizon),
            detection: None,
            new_failed: 0,
            excess_failed: 0.0,
            new_requests: 0,
            total_requests: 0,
            total_failed: 0,
            hotfixes: 0,
            rolled_forward_after_rollback: false,
            current: (SliceMetrics::default(), SliceMetrics::default()),
            cdf_cache: [cache.clone(), cache],
            counts: [vec![0; layout.slots()], vec![0; layout.slots()]],
            original: scenario,
            sc,
        }
    }

    /// Runs `scenario` to the end, applying each recorded action before the
    /// tick of its minute, exactly as it was applied live.
    pub fn replay(scenario: Scenario, actions: &[RecordedAction]) -> Sim {
        let mut sim = Sim::replay_until(scenario, actions, u32::MAX);
        sim.run_to_end();
        sim
    }

    /// Replays `actions` and stops before the tick of `minute` (a shared run
    /// that was paused there), with the actions of that minute already
    /// applied, exactly as they were when it was shared. Continuing with
    /// [`Sim::run_to_end`] gives the same run as [`Sim::replay`].
    pub fn replay_until(scenario: Scenario, actions: &[RecordedAction], minute: u32) -> Sim {
        let mut sim = Sim::new(scenario);
        let mut sorted: Vec<RecordedAction> = actions.to_vec();
        sorted.sort_by_key(|a| a.minute); // stable: same-minute order kept
        let mut next = 0;
        loop {
            while next < sorted.len() && sorted[next].minute <= sim.minute {
                sim.act(sorted[next].action);
                next += 1;
            }
            if sim.is_finished() || sim.minute >= minute {
                break;
            }
            sim.step();
        }
        sim
    }

    /// The scenario as given (for share links).
    pub fn scenario(&self) -> &Scenario {
        &self.original
    }

    /// The scenario the engine runs (clamped into range).
    pub fn effective_scenario(&self) -> &Scenario {
        &self.sc
    }

    /// The minute the next tick will simulate (= ticks done so far).
    pub fn minute(&self) -> u32 {
        self.minute
    }

    /// Number of minutes in the run.
    pub fn horizon(&self) -> u32 {
        self.sc.minutes
    }

    /// Whether every minute has been simulated.
    pub fn is_finished(&self) -> bool {
        self.minute >= self.sc.minutes
    }

    /// The ticks so far.
    pub fn ticks(&self) -> &[Tick] {
        &self.ticks
    }

    /// The whole event log so far (including events of actions taken since
    /// the last tick).
    pub fn events(&self) -> Vec<Event> {
        self.ticks.iter().flat_map(|t| t.events.iter()).chain(self.pending.iter()).cloned().collect()
    }

    /// The judge's judgements so far.
    pub fn judgements(&self) -> &[Judgement] {
        &self.judgements
    }

    /// The learner's actions so far, for [`Sim::replay`].
    pub fn actions(&self) -> &[RecordedAction] {
        &self.actions
    }

    /// Current rollout status.
    pub fn status(&self) -> RolloutStatus {
        self.status
    }

    /// Current canary weight, percent.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// Whether gates and the judge act automatically.
    pub fn automation(&self) -> bool {
        self.automation
    }

    /// Whether the kill switch is on.
    pub fn kill_switch(&self) -> bool {
        self.kill_switch
    }

    /// The latency buckets this run keeps ([`Layout`]).
    pub fn latency_layout(&self) -> Layout {
        self.stable_hist.layout
    }

    /// The latency histogram of minutes `from..=to` (already simulated) of
    /// the canary (`canary = true`) or stable: one count per slot of
    /// [`Sim::latency_layout`], the sum of the minutes' own histograms, as
    /// a gate pools its window. (Counts are divided by 2^k, rounded, in a
    /// run whose requests could pass 2³²: 10,000,000 a minute for 430
    /// minutes.) Empty when the range is not simulated yet.
    pub fn latency_histogram(&self, canary: bool, from: u32, to: u32) -> Vec<u64> {
        let p = if canary { &self.canary_hist } else { &self.stable_hist };
        let slots = p.layout.slots();
        let (a, b) = (from as usize, to as usize + 1);
        if a >= b || (b + 1) * slots > p.hist.len() {
            return Vec::new();
        }
        (0..slots).map(|k| p.bucket(a, b, k)).collect()
    }

    /// Each gate's label, in scenario order.
    pub fn gate_labels(&self) -> &[String] {
        &self.gate_labels
    }

    /// Switches automation on or off (recorded like any action).
    pub fn set_automation(&mut self, on: bool) {
        self.act(if on { Action::AutomationOn } else { Action::AutomationOff });
    }

    /// Applies an action now; it shows in the next tick. Returns `false`
    /// (and records nothing) once the run is finished.
    pub fn act(&mut self, action: Action) -> bool {
        if self.is_finished() {
            return false;
        }
        self.actions.push(RecordedAction { minute: self.minute, action });
        self.apply(action, "learner");
        true
    }

    /// Simulates every remaining minute.
    pub fn run_to_end(&mut self) {
        while self.step().is_some() {}
    }

    /// Simulates up to (not including) `minute`.
    pub fn run_until(&mut self, minute: u32) {
        while self.minute < minute && self.step().is_some() {}
    }

    fn event(&mut self, kind: EventKind, message: String, gate: Option<usize>) {
        self.pending.push(Event { minute: self.minute, kind, message, gate });
    }

    fn apply(&mut self, action: Action, who: &str) {
        let live = self.status.live();
        match action {
            Action::Promote => {
                if live {
                    self.promote(&format!("promoted to 100 % by {who}"));
                } else {
                    self.ignored(action, "nothing to promote");
                }
            }
            Action::Pause => {
                if self.status == RolloutStatus::Progressing {
                    self.status = RolloutStatus::Paused;
                    self.hold = Hold::Manual;
                    self.event(EventKind::Paused, format!("paused by {who} at {} %", fmt_pct(self.weight)), None);
                } else {
                    self.ignored(action, "the rollout is not progressing");
                }
            }
            Action::Resume => {
                if matches!(self.status, RolloutStatus::Paused | RolloutStatus::Halted) {
                    if matches!(self.hold, Hold::PlanStep | Hold::AnalysisInconclusive) {
                        self.next_step();
                    }
                    self.status = RolloutStatus::Progressing;
                    self.hold = Hold::None;
                    self.reset_gates();
                    self.event(EventKind::Resumed, format!("resumed by {who}"), None);
                } else {
                    self.ignored(action, "the rollout is not paused or halted");
                }
            }
            Action::Rollback => {
                if live || self.status == RolloutStatus::Promoted {
                    self.rollback(if who == "learner" { "manual" } else { who }.to_string());
                } else {
                    self.ignored(action, "already rolled back");
                }
            }
            Action::KillSwitchOn => {
                if self.kill_switch {
                    self.ignored(action, "the kill switch is already on");
                } else {
                    self.kill_switch = true;
                    self.event(
                        EventKind::KillSwitchOn,
                        format!(
                            "kill switch on ({who}): flag {} off, the new code path is off from the next minute, no redeploy",
                            self.sc.flag.name
                        ),
                        None,
                    );
                }
            }
            Action::KillSwitchOff => {
                if self.kill_switch {
                    self.kill_switch = false;
                    self.event(
                        EventKind::KillSwitchOff,
                        format!("kill switch off ({who}): flag {} on again", self.sc.flag.name),
                        None,
                    );
                } else {
                    self.ignored(action, "the kill switch is already off");
                }
            }
            Action::Hotfix => self.hotfix(who),
            Action::AutomationOn | Action::AutomationOff => {
                let on = action == Action::AutomationOn;
                if on == self.automation {
                    self.ignored(action, "no change");
                } else {
                    self.automation = on;
                    self.event(
                        EventKind::Automation,
                        format!(
                            "automation {} by {who}: gates {}",
                            if on { "on" } else { "off" },
                            if on { "act on their own" } else { "only raise events; a human must act" }
                        ),
                        None,
                    );
                }
            }
        }
    }

    fn ignored(&mut self, action: Action, why: &str) {
        self.event(EventKind::Ignored, format!("{} ignored: {why}", action.as_str()), None);
    }

    fn promote(&mut self, message: &str) {
        self.weight = 100.0;
        self.status = RolloutStatus::Promoted;
        self.hold = Hold::None;
        self.promoted_minute = Some(self.minute);
        let msg = format!("release {} {message}", self.canary_rel.id);
        self.event(EventKind::Promoted, msg, None);
    }

    fn rollback(&mut self, by: String) {
        let from = self.weight;
        self.weight = 0.0;
        self.status = RolloutStatus::RolledBack;
        self.hold = Hold::None;
        if self.first_rollback.is_none() {
            self.first_rollback = Some((self.minute, by.clone()));
        }
        let msg = if by == "manual" {
            format!("rolled back by hand from {} %: all traffic to stable", fmt_pct(from))
        } else {
            format!("auto-rollback by {by} from {} %: all traffic to stable", fmt_pct(from))
        };
        self.event(EventKind::RolledBack, msg, None);
    }

    fn hotfix(&mut self, who: &str) {
        if self.status == RolloutStatus::Promoted {
            // The promoted release is now what production runs.
            self.stable_rel = self.canary_rel.clone();
        }
        if self.status == RolloutStatus::RolledBack {
            self.rolled_forward_after_rollback = true;
        }
        let id = self.next_release;
        self.next_release = self.next_release.saturating_add(1);
        self.canary_rel = Release { id, healthy: Component::from_spec(&self.sc.hotfix_spec()), faulty: false };
        self.hotfixes = self.hotfixes.saturating_add(1);
        self.status = RolloutStatus::Progressing;
        self.hold = Hold::None;
        self.weight = 0.0;
        self.step_idx = 0;
        self.step_elapsed = 0;
        self.step_announced = false;
        self.analysis_done = false;
        self.live_since = None;
        self.judge_minutes = 0;
        self.reset_gates();
        self.event(
            EventKind::Hotfix,
            format!("hotfix ({who}): release {id} rolls forward and restarts the plan at its first step"),
            None,
        );
    }

    fn reset_gates(&mut self) {
        for g in &mut self.gates {
            *g = GateRuntime::default();
        }
    }

    fn next_step(&mut self) {
        self.step_idx += 1;
        self.step_elapsed = 0;
        self.step_announced = false;
        self.analysis_done = false;
    }

    /// Moves through the plan at the start of a tick.
    fn advance_plan(&mut self) {
        if self.status != RolloutStatus::Progressing {
            return;
        }
        for _ in 0..=self.sc.steps.len() {
            let Some(step) = self.sc.steps.get(self.step_idx).copied() else {
                let w = self.weight;
                self.promote(&if w >= 100.0 {
                    "promoted: the plan is complete".to_string()
                } else {
                    format!("promoted from {} %: the plan is complete", fmt_pct(w))
                });
                return;
            };
            let i = self.step_idx;
            match step_kind(&step) {
                StepKind::Weight(w) => {
                    let old = self.weight;
                    self.weight = w;
                    self.event(
                        EventKind::Step,
                        format!("step {i}: canary weight {} % → {} %", fmt_pct(old), fmt_pct(w)),
                        None,
                    );
                    self.next_step();
                }
                StepKind::Pause(n) => {
                    if !self.step_announced {
                        self.step_announced = true;
                        self.event(
                            EventKind::Step,
                            format!("step {i}: pause {n} min at {} %", fmt_pct(self.weight)),
                            None,
                        );
                    }
                    if self.step_elapsed >= n {
                        self.next_step();
                    } else {
                        return;
                    }
                }
                StepKind::UntilPromote => {
                    self.status = RolloutStatus::Paused;
                    self.hold = Hold::PlanStep;
                    self.event(
                        EventKind::Paused,
                        format!("step {i}: paused at {} % until a human resumes or promotes", fmt_pct(self.weight)),
                        None,
                    );
                    return;
                }
                StepKind::Analysis(n) => {
                    if !self.step_announced {
                        self.step_announced = true;
                        self.event(
                            EventKind::Step,
                            format!("step {i}: analysis over {n} min at {} %", fmt_pct(self.weight)),
                            None,
                        );
                    }
                    if self.analysis_done {
                        self.next_step();
                    } else {
                        return;
                    }
                }
            }
        }
    }

    /// How a release behaves this minute, and the share of its requests
    /// that meet a fault.
    fn behaviour(&self, rel: &Release, minute: u32) -> Behaviour {
        if rel.id == 1 {
            return Behaviour::single(self.baseline_component, false);
        }
        let faults = &self.sc.faults;
        let empty: &[super::scenario::Fault] = &[];
        let fs = if rel.faulty { faults.as_slice() } else { empty };
        let share = if self.kill_switch { 0.0 } else { self.flag_share };
        let (new_c, new_d) = apply_faults(rel.healthy, fs.iter(), minute);
        if share >= 1.0 {
            return Behaviour::single(new_c, new_d);
        }
        // The old code path: the baseline, plus faults outside the flag.
        let (old_c, old_d) = apply_faults(self.baseline_component, fs.iter().filter(|f| !f.behind_flag), minute);
        if share <= 0.0 {
            return Behaviour::single(old_c, old_d);
        }
        Behaviour {
            main: new_c,
            other: Some((old_c, 1.0 - share)),
            degraded_share: share * f64::from(u8::from(new_d)) + (1.0 - share) * f64::from(u8::from(old_d)),
        }
    }

    /// Simulates one minute and returns its tick (`None` once finished).
    pub fn step(&mut self) -> Option<&Tick> {
        if self.is_finished() {
            return None;
        }
        let t = self.minute;
        // 1. Scheduled actions.
        let scheduled: Vec<Action> = self.sc.actions.iter().filter(|a| a.at_minute == t).map(|a| a.action).collect();
        for a in scheduled {
            self.apply(a, "scenario");
        }
        for i in 0..self.sc.faults.len() {
            let f = self.sc.faults[i];
            if f.at_minute == t && (self.canary_rel.id == 2 || self.stable_rel.id == 2) {
                self.event(EventKind::Fault, describe_fault(&f), None);
            }
        }
        // 2. Plan.
        self.advance_plan();

        // 3. Traffic and metrics.
        let rpm = self.sc.requests_per_minute;
        let weight = self.weight.clamp(0.0, 100.0);
        let mut r = self.rng.fork(u64::from(t));
        let n_canary = Gauss.binomial(&mut r, rpm, weight / 100.0);
        let n_stable = rpm - n_canary;
        let b_stable = self.behaviour(&self.stable_rel, t);
        let b_canary = self.behaviour(&self.canary_rel, t);
        let layout = self.stable_hist.layout;
        let [cs, cc] = &mut self.cdf_cache;
        let [hs, hc] = &mut self.counts;
        let d_stable = draw(&b_stable, n_stable, &mut r.fork(1), &layout, cs.get(&layout, &b_stable), hs);
        let d_canary = draw(&b_canary, n_canary, &mut r.fork(2), &layout, cc.get(&layout, &b_canary), hc);
        self.stable_hist.push(&d_stable, hs);
        self.canary_hist.push(&d_canary, hc);
        self.current = (SliceMetrics::from_draw(&d_stable), SliceMetrics::from_draw(&d_canary));
        if n_canary > 0 && self.status.live() && self.live_since.is_none() {
            self.live_since = Some(t);
        }

        // Accounting: requests, failures, exposure.
        let base_e = self.baseline_component.error_rate;
        self.total_requests += rpm;
        self.total_failed += d_stable.errors + d_canary.errors;
        for (rel_id, d) in [(self.stable_rel.id, &d_stable), (self.canary_rel.id, &d_canary)] {
            if rel_id != 1 {
                self.new_failed += d.errors;
                self.new_requests += d.requests;
                self.excess_failed += d.errors as f64 - d.requests as f64 * base_e;
            }
        }
        let degraded = b_stable.degraded_share * n_stable as f64 + b_canary.degraded_share * n_canary as f64;
        self.degraded_requests += degraded;
        self.degraded_share.push(degraded / rpm.max(1) as f64);
        self.exposed_now = degraded > 0.0;
        if self.exposed_now {
            self.first_exposed.get_or_insert(t);
            self.last_exposed = Some(t);
        }

        // 4. SLO.
        let last_total = *self.total_err.last().unwrap_or(&0.0);
        self.total_err.push(last_total + (d_stable.errors + d_canary.errors) as f64);
        let slo = self.slo_state(t);

        // 5. Gates.
        let gate_states = self.check_gates(t);

        // 6. Judge.
        self.run_judge(t);

        if self.status == RolloutStatus::Progressing {
            if let Some(step) = self.sc.steps.get(self.step_idx).copied() {
                match step_kind(&step) {
                    StepKind::Pause(_) => self.step_elapsed += 1,
                    StepKind::Analysis(n) => {
                        self.step_elapsed += 1;
                        if self.step_elapsed >= n && !self.analysis_done {
                            self.analysis(t, n);
                        }
                    }
                    _ => {}
                }
            }
        }

        let events = std::mem::take(&mut self.pending);
        let live_or_done = self.status.live();
        let tick = Tick {
            minute: t,
            weight,
            stable: self.current.0,
            canary: self.current.1,
            gates: gate_states,
            events,
            status: self.status,
            step: if live_or_done { Some(self.step_idx) } else { None },
            release: self.canary_rel.id,
            flag: FlagState {
                kill_switch: self.kill_switch,
                new_path_share: if self.kill_switch { 0.0 } else { self.flag_share },
            },
            slo,
            automation: self.automation,
        };
        self.ticks.push(tick);
        self.minute += 1;
        self.ticks.last()
    }

    fn slo_state(&mut self, t: u32) -> SloState {
        let rpm = self.sc.requests_per_minute as f64;
        let target = self.sc.slo.target;
        let base_e = self.baseline_component.error_rate;
        let burn = |w: u32, total_err: &Vec<f64>| -> f64 {
            let have = (t + 1).min(w);
            let b = t as usize + 1;
            let a = b - have as usize;
            let errors = total_err[b] - total_err[a] + f64::from(w - have) * rpm * base_e;
            burn_rate(errors / (f64::from(w) * rpm), target)
        };
        let b5 = burn(FAST_WINDOWS.1, &self.total_err);
        let b60 = burn(FAST_WINDOWS.0, &self.total_err);
        let b30 = burn(SLOW_WINDOWS.1, &self.total_err);
        let b360 = burn(SLOW_WINDOWS.0, &self.total_err);
        let fast = b60 >= FAST_BURN && b5 >= FAST_BURN;
        let slow = b360 >= SLOW_BURN && b30 >= SLOW_BURN;
        if fast && !self.fast_page {
            self.event(
                EventKind::BurnRateAlert,
                format!(
                    "page: error budget burning {b60:.1}× over 1 h and {b5:.1}× over 5 min (threshold {FAST_BURN}×: 2 % of the month's budget in an hour)"
                ),
                None,
            );
            self.detect(t, "the 14.4× burn-rate page".to_string(), None);
        }
        if slow && !self.slow_page {
            self.event(
                EventKind::BurnRateAlert,
                format!(
                    "page: error budget burning {b360:.1}× over 6 h and {b30:.1}× over 30 min (threshold {SLOW_BURN}×: 5 % of the month's budget in 6 hours)"
                ),
                None,
            );
            self.detect(t, "the 6× burn-rate page".to_string(), None);
        }
        self.fast_page = fast;
        self.slow_page = slow;
        SloState {
            burn_5m: b5,
            burn_30m: b30,
            burn_1h: b60,
            burn_6h: b360,
            fast_page: fast,
            slow_page: slow,
            budget_consumed: self.release_budget(),
        }
    }

    fn budget(&self) -> f64 {
        budget_requests(self.sc.slo.target, self.sc.requests_per_minute as f64, self.sc.slo.window_days)
    }

    fn release_budget(&self) -> f64 {
        let b = self.budget();
        if b > 0.0 {
            self.excess_failed.max(0.0) / b
        } else {
            0.0
        }
    }

    fn detect(&mut self, t: u32, by: String, metric: Option<Metric>) {
        if self.detection.is_none() && self.first_exposed.is_some() {
            self.detection = Some(Detection { minute: t, by, weight: self.weight, metric });
        }
    }

    /// The stable model's noise-free value, for ratio gates when stable
    /// served nothing in the window.
    fn stable_nominal(&self, metric: Metric) -> f64 {
        let c = &self.baseline_component;
        let ln = LogNormal { mu: c.mu, sigma: c.sigma };
        match metric {
            Metric::ErrorRate => c.error_rate,
            Metric::LatencyP95 => ln.quantile(0.95),
            Metric::LatencyP99 => ln.quantile(0.99),
            Metric::Cpu => c.cpu,
            Metric::Kpi => c.kpi,
        }
    }

    fn check_gates(&mut self, t: u32) -> Vec<GateState> {
        let mut out = Vec::with_capacity(self.sc.gates.len());
        let live = self.status.live() && self.weight > 0.0;
        for i in 0..self.sc.gates.len() {
            let g = &self.sc.gates[i];
            let (metric, compare, action) = (g.metric, g.compare, g.action);
            let (failure_limit, min_requests) = (g.failure_limit, g.min_requests);
            let (g_above, g_below) = (g.above, g.below);
            let w = g.for_minutes.max(1);
            let from = t.saturating_add(1).saturating_sub(w);
            let (c_val, c_n) = self.canary_hist.window(metric, from, t);
            let (s_val, s_n) = self.stable_hist.window(metric, from, t);
            let baseline = if s_n >= 1.0 { s_val } else { Some(self.stable_nominal(metric)) };
            let (bound, above) = match (g_above, g_below) {
                (Some(v), _) => (v, true),
                (None, Some(v)) => (v, false),
                (None, None) => (f64::NAN, true),
            };
            let threshold = match compare {
                Compare::Absolute => Some(bound),
                Compare::Ratio => baseline.map(|b| b * bound),
                Compare::Difference => baseline.map(|b| b + bound),
            }
            .filter(|v| v.is_finite());
            let rt = self.gates[i].clone();
            let mut state = GateState {
                gate: i,
                metric,
                status: GateStatus::Idle,
                value: c_val,
                baseline,
                threshold,
                breached_for: rt.breached_for,
                failed_checks: rt.failed_checks,
            };
            let warm = self.live_since.is_some_and(|s| t + 1 >= s.saturating_add(w));
            if !live {
                state.status = GateStatus::Idle;
                state.value = None;
            } else if !warm {
                state.status = GateStatus::WarmingUp;
            } else if (c_n as u64) < min_requests || c_val.is_none() || threshold.is_none() {
                state.status = GateStatus::Inconclusive;
                if !rt.inconclusive_reported {
                    self.gates[i].inconclusive_reported = true;
                    let label = self.gate_labels[i].clone();
                    let msg = format!(
                        "gate \"{label}\" inconclusive: {} canary requests in the last {w} min, it needs {}",
                        c_n as u64, min_requests
                    );
                    if self.automation && self.status != RolloutStatus::Halted {
                        self.status = RolloutStatus::Halted;
                        self.hold = Hold::Inconclusive;
                        self.event(EventKind::Inconclusive, format!("{msg}: paused for a human"), Some(i));
                    } else {
                        self.event(EventKind::Inconclusive, msg, Some(i));
                    }
                }
            } else {
                let v = c_val.unwrap_or(f64::NAN);
                let th = threshold.unwrap_or(f64::NAN);
                let breached = if above { v > th } else { v < th };
                let rt = &mut self.gates[i];
                if breached {
                    rt.breached_for += 1;
                    rt.failed_checks += 1;
                    state.status = GateStatus::Breached;
                } else {
                    rt.breached_for = 0;
                    state.status = GateStatus::Ok;
                    if action == GateAction::Alert {
                        rt.fired = false;
                    }
                }
                state.breached_for = rt.breached_for;
                state.failed_checks = rt.failed_checks;
                let first_breach = breached && rt.breached_for == 1;
                let fire = breached && rt.failed_checks > failure_limit && !rt.fired;
                if fire {
                    rt.fired = true;
                }
                if first_breach && !fire {
                    let label = &self.gate_labels[i];
                    let message = format!(
                        "gate \"{label}\" breached: canary {} vs threshold {} (failed check {} of {} tolerated)",
                        fmt_metric(metric, v),
                        fmt_metric(metric, th),
                        self.gates[i].failed_checks,
                        failure_limit
                    );
                    self.event(EventKind::GateBreached, message, Some(i));
                }
                if fire {
                    state.status = GateStatus::Fired;
                    let label = self.gate_labels[i].clone();
                    self.fire_gate(t, i, action, metric, &label, v, th);
                }
            }
            out.push(state);
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn fire_gate(&mut self, t: u32, i: usize, action: GateAction, metric: Metric, label: &str, v: f64, th: f64) {
        let what = format!(
            "gate \"{label}\" failed: canary {} vs threshold {}",
            fmt_metric(metric, v),
            fmt_metric(metric, th)
        );
        self.detect(t, format!("gate \"{label}\""), Some(metric));
        if action == GateAction::Alert {
            self.event(EventKind::GateFired, format!("{what}: alert sent to on-call"), Some(i));
            return;
        }
        if !self.automation {
            let would = if action == GateAction::Rollback { "roll back" } else { "halt" };
            self.event(
                EventKind::GateFired,
                format!("{what}: automation off, a human must act (it would {would})"),
                Some(i),
            );
            return;
        }
        match action {
            GateAction::Rollback => {
                self.event(EventKind::GateFired, format!("{what}: rolling back"), Some(i));
                self.rollback(format!("gate \"{label}\""));
            }
            GateAction::Halt => {
                self.event(EventKind::GateFired, format!("{what}: promotion halted"), Some(i));
                if self.status != RolloutStatus::Halted {
                    self.status = RolloutStatus::Halted;
                    self.hold = Hold::Gate;
                    let w = fmt_pct(self.weight);
                    self.event(
                        EventKind::Halted,
                        format!("halted at {w} % by gate \"{label}\": waiting for a human"),
                        Some(i),
                    );
                }
            }
            GateAction::Alert => {}
        }
    }

    /// Per-minute values of a metric for the canary and stable over
    /// `from..=to` (`to` = this minute, not stored yet), leaving out minutes
    /// with too few canary requests.
    fn series(&self, metric: Metric, from: u32, to: u32) -> (Vec<f64>, Vec<f64>) {
        let min = self.sc.judge.min_requests.max(1);
        let mut c = Vec::with_capacity((to + 1 - from.min(to)) as usize);
        let mut s = Vec::with_capacity(c.capacity());
        let stored = self.ticks.iter().skip(from as usize).take_while(|tk| tk.minute < to);
        let current = [(&self.current.0, &self.current.1)];
        let all = stored.map(|tk| (&tk.stable, &tk.canary)).chain(current.iter().copied());
        for (st, ca) in all {
            if ca.requests >= min {
                if let Some(v) = ca.get(metric) {
                    c.push(v);
                }
            }
            if let Some(v) = st.get(metric) {
                s.push(v);
            }
        }
        (c, s)
    }

    /// Background judgement every interval while the canary is live.
    fn run_judge(&mut self, t: u32) {
        if !self.sc.judge.enabled || !self.status.live() || self.weight <= 0.0 {
            return;
        }
        self.judge_minutes += 1;
        let n = self.sc.judge.interval_minutes.max(3);
        if !self.judge_minutes.is_multiple_of(n) {
            return;
        }
        let j = self.judgement(t, n, None);
        self.act_on_judgement(t, &j, false);
        self.judgements.push(j);
    }

    /// The analysis step's judgement over its `n` minutes.
    fn analysis(&mut self, t: u32, n: u32) {
        let j = self.judgement(t, n, Some(self.step_idx));
        self.analysis_done = true;
        self.act_on_judgement(t, &j, true);
        self.judgements.push(j);
    }

    fn judgement(&mut self, t: u32, n: u32, analysis_step: Option<usize>) -> Judgement {
        let from = t.saturating_add(1).saturating_sub(n);
        let cfg = self.sc.judge.clone();
        let (score, class, metrics) = judge(&cfg, |m| self.series(m, from, t));
        Judgement { minute: t, from_minute: from, score, class, metrics, analysis_step }
    }

    fn act_on_judgement(&mut self, t: u32, j: &Judgement, analysis: bool) {
        let what = if analysis { "analysis" } else { "judge" };
        let failed: Vec<&str> = j
            .metrics
            .iter()
            .filter(|m| matches!(m.class, super::judge::MetricClass::High | super::judge::MetricClass::Low))
            .map(|m| m.metric.as_str())
            .collect();
        let detail = if failed.is_empty() { String::new() } else { format!(" ({} failed)", failed.join(", ")) };
        let class = match j.class {
            JudgeClass::Pass => "pass",
            JudgeClass::Marginal => "marginal",
            JudgeClass::Fail => "fail",
            JudgeClass::NoData => "no data",
        };
        // A background judgement that passes is not news: it stays in
        // `judgements()`; the log gets analysis steps and anything else.
        if analysis || j.class != JudgeClass::Pass {
            self.event(
                EventKind::Judge,
                format!("{what}: minutes {}–{} score {:.0} ({class}){detail}", j.from_minute, j.minute, j.score),
                None,
            );
        }
        match j.class {
            JudgeClass::Pass => {}
            JudgeClass::Fail => {
                self.detect(t, "the judge".to_string(), None);
                let action = self.sc.judge.action;
                if action == GateAction::Alert {
                    self.event(EventKind::GateFired, format!("{what} failed: alert sent to on-call"), None);
                } else if !self.automation {
                    self.event(EventKind::GateFired, format!("{what} failed: automation off, a human must act"), None);
                } else if action == GateAction::Rollback {
                    self.rollback("the judge".to_string());
                } else if self.status != RolloutStatus::Halted {
                    self.status = RolloutStatus::Halted;
                    self.hold = if analysis { Hold::AnalysisInconclusive } else { Hold::Judge };
                    self.event(
                        EventKind::Halted,
                        format!("halted at {} % by the judge: waiting for a human", fmt_pct(self.weight)),
                        None,
                    );
                }
            }
            JudgeClass::Marginal | JudgeClass::NoData => {
                if self.automation && self.status != RolloutStatus::Halted {
                    self.status = RolloutStatus::Halted;
                    self.hold = if analysis { Hold::AnalysisInconclusive } else { Hold::Judge };
                    self.event(
                        EventKind::Inconclusive,
                        format!("{what} inconclusive (score {:.0}): paused for a human", j.score),
                        None,
                    );
                } else {
                    self.event(EventKind::Inconclusive, format!("{what} inconclusive (score {:.0})", j.score), None);
                }
            }
        }
        if analysis && j.class == JudgeClass::Fail && self.status == RolloutStatus::Progressing {
            // Automation off or alert-only: the plan goes on.
            self.analysis_done = true;
        }
    }

    /// The summary so far (final once [`Sim::is_finished`]).
    pub fn summary(&self) -> Summary {
        let outcome = match self.status {
            RolloutStatus::Promoted => Outcome::Promoted,
            RolloutStatus::RolledBack => Outcome::RolledBack,
            RolloutStatus::Halted => Outcome::Halted,
            RolloutStatus::Progressing | RolloutStatus::Paused => Outcome::Running,
        };
        let rpu = self.sc.requests_per_user.max(1e-9);
        let users_total = (self.total_requests as f64 / rpu).round() as u64;
        let routing = self.sc.routing;
        let hit = share_hit(routing, &self.degraded_share, rpu);
        let users_affected = (users_total as f64 * hit).round() as u64;
        let budget = self.budget();
        let time_to_detect = match (self.first_exposed, &self.detection) {
            (Some(e), Some(d)) => Some(d.minute.saturating_sub(e)),
            _ => None,
        };
        let time_to_mitigate = match (self.first_exposed, self.last_exposed) {
            (Some(e), Some(l)) if !self.exposed_now => Some(l + 1 - e),
            _ => None,
        };
        let mut s = Summary {
            outcome,
            rollback_minute: self.first_rollback.as_ref().map(|r| r.0),
            rolled_back_by: self.first_rollback.as_ref().map(|r| r.1.clone()),
            promoted_minute: self.promoted_minute,
            failed_requests: self.new_failed,
            excess_failed_requests: self.excess_failed.max(0.0).round() as u64,
            canary_requests: self.new_requests,
            total_requests: self.total_requests,
            degraded_requests: self.degraded_requests.round() as u64,
            routing,
            users_affected,
            users_total,
            spared_share: match (self.first_exposed, self.last_exposed) {
                (Some(a), Some(b)) => {
                    let active = share_active(b + 1 - a, self.minute, rpu);
                    Some(if active > 0.0 { (1.0 - hit / active).clamp(0.0, 1.0) } else { 1.0 })
                }
                _ => None,
            },
            budget_consumed: self.release_budget(),
            budget_consumed_total: if budget > 0.0 { self.total_failed as f64 / budget } else { 0.0 },
            time_to_detect,
            detected_by: self.detection.as_ref().map(|d| d.by.clone()),
            time_to_mitigate,
            hotfixes: self.hotfixes,
            final_weight: self.weight,
            minutes: self.minute,
            verdict: String::new(),
        };
        s.verdict = self.verdict(&s);
        s
    }

    fn verdict(&self, s: &Summary) -> String {
        let never_saw = 100.0 * s.spared_share.unwrap_or(1.0);
        // Who "never saw it" depends on how the weight split traffic.
        let routing = match s.routing {
            Routing::PerRequest => "per-request routing",
            Routing::Sticky => "sticky routing",
        };
        let never = format!("{} % of users ({routing})", fmt_share(never_saw));
        let plan: Vec<String> = self.sc.steps.iter().filter_map(|st| st.set_weight).map(fmt_pct).collect();
        let plan = plan.join(" → ");
        if self.first_exposed.is_none() {
            return match s.outcome {
                Outcome::Promoted => format!(
                    "Healthy release: every gate stayed green and the plan promoted it step by step ({plan} %) — gates let good changes through, too."
                ),
                Outcome::RolledBack => match s.rolled_back_by.as_deref() {
                    Some("manual") => "Rolled back by hand although nothing was wrong: a rollback is cheap and safe, but this one cost a release for nothing — trust the numbers you wrote down.".to_string(),
                    Some(by) => format!(
                        "False alarm: {by} rolled back a healthy canary — a small slice is noisy, and a tight threshold or a short window will sometimes trip on noise alone."
                    ),
                    None => "Rolled back.".to_string(),
                },
                Outcome::Halted => format!(
                    "Halted at {} %: promotion waits for a human — an inconclusive check is a pause, not a verdict on the release.",
                    fmt_pct(self.weight)
                ),
                Outcome::Running => format!(
                    "Still rolling out at {} % when the run ended: a canary takes time, and that time is what buys safety.",
                    fmt_pct(self.weight)
                ),
            };
        }
        let kpi_fault = self.sc.faults.iter().all(|f| f.kind == FaultKind::Kpi);
        let det = self.detection.as_ref();
        let det_weight = det.map(|d| fmt_pct(d.weight)).unwrap_or_default();
        if self.kill_switch_mitigated_now() {
            return format!(
                "Kill switch: turning the flag off removed the new code path in one minute, with no redeploy — {never} never saw the regression."
            );
        }
        if self.hotfixes > 0 && s.outcome == Outcome::Promoted {
            return if self.rolled_forward_after_rollback {
                format!(
                    "Rollback, then rollforward: {} rolled the release back at {} %, and the hotfix entered at the first small step and was promoted through the same gates.",
                    s.rolled_back_by.as_deref().unwrap_or("a rollback"),
                    det_weight
                )
            } else {
                "Rollforward: the hotfix replaced the faulty canary at the first small step and was promoted through the same gates — fixing forward is safe when the fix goes through the canary too.".to_string()
            };
        }
        match s.outcome {
            Outcome::RolledBack => match (s.rolled_back_by.as_deref(), det) {
                (Some("manual"), _) => format!(
                    "Rolled back by hand at minute {}: {never} never saw the regression — a gate with a written threshold would not have had to wait for a human.",
                    s.rollback_minute.unwrap_or(0)
                ),
                (Some(by), Some(d)) if kpi_fault && d.metric == Some(Metric::Kpi) => format!(
                    "Only the business KPI showed it: error rate and latency stayed green while {by} caught the drop at {} % — watch what users do, not only what servers do.",
                    fmt_pct(d.weight)
                ),
                (Some("the judge"), Some(d)) => format!(
                    "The judge caught what fixed thresholds missed: comparing the canary's minutes with stable's (Mann-Whitney, 98 %), it found a consistent shift at {} % and rolled back — {never} never saw it.",
                    fmt_pct(d.weight)
                ),
                (Some(by), _) => format!(
                    "{} caught it at {det_weight} %: {never} never saw the regression — a small canary with a gate limits the blast radius.",
                    capitalise(by)
                ),
                (None, _) => "Rolled back.".to_string(),
            },
            Outcome::Promoted => {
                let users = fmt_thousands(s.users_affected);
                let watched = !self.sc.gates.is_empty() || self.sc.judge.enabled;
                match det {
                    Some(d) if !watched => format!(
                        "No gate stopped it: the regression reached 100 % of traffic and about {users} users; only {} noticed, long after — a canary without gates is just a slow full deploy.",
                        d.by
                    ),
                    Some(d) => format!(
                        "{} raised the alarm but nothing stopped the rollout: the regression reached 100 % of traffic and about {users} users — an alert without an action is not a gate.",
                        capitalise(&d.by)
                    ),
                    None if watched => format!(
                        "The regression stayed under every gate's threshold, so nothing stopped it: it reached 100 % of traffic and about {users} users — a gate only catches what crosses its line, so put thresholds below the regressions you must catch."
                    ),
                    None => format!(
                        "No gate stopped it: the regression reached 100 % of traffic and about {users} users — a canary without gates is just a slow full deploy."
                    ),
                }
            }
            Outcome::Halted => format!(
                "Halted at {} %: promotion stopped, but the canary's users still meet the regression until a human rolls back.",
                fmt_pct(self.weight)
            ),
            Outcome::Running => format!(
                "Still running with the regression at {} %: nothing has stopped it yet.",
                fmt_pct(self.weight)
            ),
        }
    }

    fn kill_switch_mitigated_now(&self) -> bool {
        self.kill_switch && !self.exposed_now && self.first_rollback.is_none() && self.hotfixes == 0
    }
}

enum StepKind {
    Weight(f64),
    Pause(u32),
    UntilPromote,
    Analysis(u32),
}

fn step_kind(s: &Step) -> StepKind {
    if let Some(w) = s.set_weight {
        StepKind::Weight(if w.is_finite() { w.clamp(0.0, 100.0) } else { 0.0 })
    } else if let Some(m) = s.pause_minutes {
        StepKind::Pause(m)
    } else if s.pause_until_promote {
        StepKind::UntilPromote
    } else if let Some(m) = s.analysis_minutes {
        StepKind::Analysis(m.max(1))
    } else {
        StepKind::Pause(0)
    }
}

fn describe_fault(f: &super::scenario::Fault) -> String {
    let what = match f.kind {
        FaultKind::Error => format!("error rate ×{}", fmt_num(f.factor)),
        FaultKind::Latency => format!("latency ×{}", fmt_num(f.factor)),
        FaultKind::SaturationLeak => format!("CPU ×{} per minute (leak)", fmt_num(f.factor)),
        FaultKind::Kpi => format!("KPI ×{} (technical metrics healthy)", fmt_num(f.factor)),
        FaultKind::Flapping => format!("error rate ×{} on and off every {} min", fmt_num(f.factor), f.period_minutes),
    };
    let until = f.until_minute.map(|u| format!(" until minute {u}")).unwrap_or_default();
    let flag = if f.behind_flag { "" } else { " (outside the feature flag)" };
    format!("fault in the release: {what}{until}{flag}")
}

fn round_to(v: f64, step: f64) -> f64 {
    super::model::round_to(v, step)
}

/// Rounding applied when ticks and summaries are written as JSON (the
/// runner's output and any export): the simulation itself keeps full
/// precision, and rounding costs nothing until something is serialised.
mod ser {
    use serde::Serializer;

    /// Rounds to 6 significant digits.
    pub fn round_sig(v: f64) -> f64 {
        if !v.is_finite() || v == 0.0 {
            return v;
        }
        let mag = v.abs().log10().floor() as i32;
        if mag > 5 {
            return v.round();
        }
        let scale = 10f64.powi(5 - mag);
        let r = (v * scale).round() / scale;
        if r.is_finite() {
            r
        } else {
            v
        }
    }

    pub fn sig6<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(round_sig(*v))
    }

    pub fn opt_sig6<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(x) => s.serialize_some(&round_sig(*x)),
            None => s.serialize_none(),
        }
    }

    pub fn opt_tenth<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(x) => s.serialize_some(&super::round_to(*x, 0.1)),
            None => s.serialize_none(),
        }
    }
}

fn fmt_num(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A weight like "5" or "2.5".
pub(crate) fn fmt_pct(v: f64) -> String {
    fmt_num(v)
}

fn fmt_share(v: f64) -> String {
    if (99.95..100.0).contains(&v) {
        "99.9".to_string()
    } else {
        format!("{v:.1}").trim_end_matches(".0").to_string()
    }
}

fn fmt_metric(m: Metric, v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    match m {
        Metric::ErrorRate => format!("{:.2} %", v * 100.0),
        Metric::LatencyP95 | Metric::LatencyP99 => format!("{v:.0} ms"),
        Metric::Cpu => format!("{:.0} %", v * 100.0),
        Metric::Kpi => format!("{:.1} %", v * 100.0),
    }
}

fn fmt_thousands(v: u64) -> String {
    crate::core::num::thousands(v.min(i64::MAX as u64) as i64)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
