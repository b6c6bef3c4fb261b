//! The canary release simulator: a pure, deterministic engine that behaves
//! like Argo Rollouts, Flagger and Kayenta, so learners can watch a release
//! go 5 → 25 → 100 %, break, get caught by a gate, be killed by a flag, roll
//! back and roll forward.
//!
//! - [`scenario`]: the data an instructor writes (TOML) and a share link
//!   carries (JSON), with validation that names keys;
//! - [`engine`]: [`Sim`], one tick per simulated minute;
//! - [`judge`]: the Kayenta-style statistical judge;
//! - [`stats`]: normal distribution, log-normal, Mann-Whitney U,
//!   Hodges-Lehmann;
//! - [`users`]: users affected per routing mode (per request or sticky);
//! - [`slo`]: error budget and multiwindow burn-rate alerts;
//! - [`flags`]: Unleash-style percentage rollout by stable hash;
//! - [`histogram`]: log-spaced latency histograms, pooled by adding bucket
//!   counts, read as Prometheus' `histogram_quantile` reads them.
//!
//! ```
//! use rollback_lab::core::canary::{Scenario, Sim, Action};
//! let mut sim = Sim::new(Scenario::default());
//! sim.run_until(12);
//! sim.act(Action::KillSwitchOn);
//! sim.run_to_end();
//! assert!(sim.ticks()[12].flag.kill_switch);
//! println!("{}", sim.summary().verdict);
//! ```

pub mod engine;
pub mod flags;
pub mod histogram;
pub mod judge;
pub mod model;
pub mod plan;
pub mod scenario;
pub mod slo;
pub mod stats;
pub mod users;

pub use engine::{
    Event, EventKind, FlagState, GateState, GateStatus, RecordedAction, RolloutStatus, Sim, SliceMetrics, SloState,
    Summary, Tick,
};
pub use flags::{flag_bucket, is_enabled};
pub use judge::{JudgeClass, Judgement, MetricClass, MetricJudgement};
#[cfg(not(target_arch = "wasm32"))]
pub use scenario::parse_toml;
pub use scenario::{
    Action, Compare, Expect, Fault, FaultKind, FieldError, FlagConfig, Gate, GateAction, JudgeConfig, Metric, Outcome,
    Routing, Scenario, ScenarioError, ScheduledAction, SloConfig, Step, VersionSpec,
};

use serde::Serialize;

/// The last line of the runner's output: `{"summary": {...}}`.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryLine<'a> {
    /// The run's summary.
    pub summary: &'a Summary,
}

/// The JSON lines of a finished run: one per tick, then `{"summary":…}`.
pub fn sim_lines(sim: &Sim) -> Vec<String> {
    let mut lines: Vec<String> = sim.ticks().iter().map(|t| serde_json::to_string(t).unwrap_or_default()).collect();
    let summary = sim.summary();
    lines.push(serde_json::to_string(&SummaryLine { summary: &summary }).unwrap_or_default());
    lines
}

/// Runs a scenario to the end and returns its JSON lines (one object per
/// tick, then the summary). The scenario is not validated here; call
/// [`Scenario::validate`] first to refuse bad input.
pub fn run_lines(scenario: &Scenario) -> Vec<String> {
    let mut sim = Sim::new(scenario.clone());
    sim.run_to_end();
    sim_lines(&sim)
}

/// What the command-line runner does with a file's text: parse, validate,
/// override the seed if asked, run, and return the JSON lines — or the
/// errors naming keys and lines (the caller prefixes the file name and
/// exits with status 2).
///
/// ```no_run
/// // src/bin/scenario.rs, after reading FILE and --seed:
/// # let (text, seed, file) = (String::new(), None, "f.toml");
/// match rollback_lab::core::canary::cli_lines(&text, seed) {
///     Ok(lines) => lines.iter().for_each(|l| println!("{l}")),
///     Err(e) => { eprintln!("{file}: {e}"); std::process::exit(2) }
/// }
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn cli_lines(toml_text: &str, seed: Option<u64>) -> Result<Vec<String>, ScenarioError> {
    let mut scenario = parse_toml(toml_text)?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    Ok(run_lines(&scenario))
}
