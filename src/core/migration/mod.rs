//! Expand-and-contract migration simulator (pure, deterministic from a seed).
//!
//! One engine runs three kinds of change ([`Kind`]): a column rename
//! (`status` → `order_status`), a new required field (`customerType`), and an
//! enum value change (`PENDING` → `QUEUED`). The learner (or a scenario) takes
//! [`Action`]s — expand, dual write, backfill, switch reads, contract, rollback,
//! rollforward, validate, backup, dry run — while the application keeps
//! writing and reading; [`Sim::state`] shows what every step did to the data.
//!
//! The application is a set of deployed builds whose statements are the ones
//! the page shows (`sql.rs`), rolled out over `deploy_seconds`. PostgreSQL
//! rules the engine keeps: a statement naming a dropped column fails with
//! SQLSTATE 42703, so a destructive contract is two moves (deploy the build that
//! no longer names the old column, then `DROP COLUMN`); a `CHECK … NOT VALID`
//! is enforced on every INSERT and UPDATE from the moment it is added (23514).
//! Failed statements are counted by statement and SQLSTATE
//! ([`StatementFailures`]) and logged as typed events ([`EventData`]).
//!
//! Faithful to the reference systems (see `shared/DESIGN.md`): pgroll's
//! expand/contract with rollback only before completion, backfill batches of
//! 1,000 rows by default, `lock_timeout` 500 ms on DDL; gh-ost's chunk size
//! range 100–100,000 and throttling above 1,500 ms of replica lag. (pgroll
//! itself renames through views, with no new column and no backfill; the
//! engine's rename is the worked example's new column, dual write and backfill.)
//!
//! Every step keeps the same lock, batch and deploy rules (see `engine.rs`):
//! each `ALTER TABLE`, forward or rollback, takes ACCESS EXCLUSIVE under
//! `lock_timeout`; a `backup` is a `pg_dump` holding ACCESS SHARE for rows /
//! `dump_rows_per_second` seconds, so DDL waits for it; a rollback turns the
//! flags off over `deploy_seconds` (like turning them on), copies back in
//! batches of `batch_size` like the backfill, then runs its DDL. A replica query
//! that blocks WAL replay is cancelled after `max_standby_streaming_delay_ms`.
//!
//! The engine never loops over rows: the table is a handful of id ranges with
//! per-state counts plus about twenty concrete sample rows (see `table.rs`).
//!
//! ```
//! use rollback_lab::core::migration::{Action, Scenario, Sim};
//! let sc = Scenario { rows: 100_000, ..Scenario::default() };
//! let mut sim = Sim::new(sc).unwrap();
//! sim.act(Action::Expand);
//! sim.act(Action::DualWrite);
//! sim.advance(60.0);
//! sim.act(Action::Backfill);
//! sim.run_until_idle();
//! assert_eq!(sim.state().rows_pending, 0);
//! assert_eq!(sim.rollback_preview().rows_lost, 0);
//! ```

#![warn(missing_docs)]

mod engine;
mod hints;
mod messages;
mod report;
mod scenario;
mod sql;
mod table;
mod validate;

pub use engine::Sim;
pub use report::*;
#[cfg(not(target_arch = "wasm32"))]
pub use scenario::parse_toml;
pub use scenario::{
    locate_key, validate_fault, ActionKind, BatchError, BuggyMode, Expect, Fault, FaultKind, FieldError, Kind,
    LockCause, Milestone, OnFail, Phase, Problem, Scenario, ScenarioError, ScheduledAction, MAX_ACTIONS, MAX_BATCH,
    MAX_FAULTS, MAX_ROWS, MAX_SCHEDULE_SECONDS, MIN_BATCH, MIN_ROWS,
};

use serde::{Deserialize, Serialize};

/// Format version of [`Share`].
pub const SHARE_VERSION: u32 = 1;

/// Everything a share link needs to reproduce a run: the scenario, the actions
/// taken with their times, and the moment shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// Format version ([`SHARE_VERSION`]).
    pub v: u32,
    /// The scenario (possibly edited by the learner).
    pub scenario: Scenario,
    /// Actions taken, in time order.
    pub actions: Vec<TimedAction>,
    /// Simulated time shown when the link was made (µs).
    pub at_us: u64,
}

impl Share {
    /// Serialise to JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parse a share link's JSON. Any tampering (bad JSON, unknown keys, invalid
    /// values, actions out of order) gives an error naming the key.
    pub fn from_json(text: &str) -> Result<Share, ScenarioError> {
        let share: Share = serde_json::from_str(text).map_err(|e| ScenarioError {
            problems: vec![Problem {
                key: None,
                line: None,
                reason: format!("this link is damaged or was edited: {e}"),
            }],
        })?;
        if share.v != SHARE_VERSION {
            return Err(ScenarioError {
                problems: vec![Problem {
                    key: Some("v".into()),
                    line: None,
                    reason: format!("unknown link format version {} (expected {SHARE_VERSION})", share.v),
                }],
            });
        }
        Ok(share)
    }

    /// Rebuild the simulation: validate, replay the actions, advance to `at_us`.
    pub fn restore(&self) -> Result<Sim, ScenarioError> {
        let mut sim = Sim::replay(self.scenario.clone(), &self.actions)?;
        let last = self.actions.last().map_or(0, |a| a.at_us);
        if self.at_us < last {
            return Err(ScenarioError {
                problems: vec![Problem {
                    key: Some("at_us".into()),
                    line: None,
                    reason: "is earlier than the last action".into(),
                }],
            });
        }
        sim.advance_to(self.at_us);
        Ok(sim)
    }
}

impl Sim {
    /// A share link's content for this run.
    pub fn share(&self) -> Share {
        Share {
            v: SHARE_VERSION,
            scenario: self.scenario().clone(),
            actions: self.actions_taken().to_vec(),
            at_us: self.now_us(),
        }
    }
}

/// One CLI step line.
#[derive(Debug, Clone, Serialize)]
struct StepLine<'a> {
    second: f64,
    phase: Phase,
    rows_backfilled: u64,
    rows_pending: u64,
    mismatches: u64,
    replica_lag_ms: f64,
    progress_pct: f64,
    throttled: bool,
    failed_reads: u64,
    writes_rejected: u64,
    rows_lost: u64,
    events: &'a [Event],
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    summary: &'a Summary,
}

/// Run a scenario to its end and return the CLI's JSON lines: one object per
/// `report_every_seconds` of simulated time (`second`, `phase`, `rows_backfilled`,
/// `rows_pending`, `mismatches`, `replica_lag_ms`, `progress_pct`, `throttled`,
/// `failed_reads`, `writes_rejected`, `rows_lost`, `events` logged in that step),
/// then `{"summary": {...}}`. An invalid scenario gives a single
/// `{"error": [...]}` line.
pub fn run_lines(scenario: &Scenario) -> Vec<String> {
    let mut sim = match Sim::new(scenario.clone()) {
        Ok(s) => s,
        Err(errs) => {
            let v = serde_json::json!({ "error": errs });
            return vec![v.to_string()];
        }
    };
    let step = scenario.report_every_seconds.clamp(1.0, 86_400.0);
    let mut lines = Vec::new();
    let mut seen = 0;
    loop {
        let done = sim.advance_toward_end(step);
        let st = sim.state();
        let events = sim.events_since(seen);
        let line = StepLine {
            second: st.second,
            phase: st.phase,
            rows_backfilled: st.rows_backfilled,
            rows_pending: st.rows_pending,
            mismatches: st.mismatches,
            replica_lag_ms: (st.replica_lag_ms * 10.0).round() / 10.0,
            progress_pct: st.backfill.as_ref().map_or(0.0, |b| (b.percent * 100.0).round() / 100.0),
            throttled: st.throttled,
            failed_reads: st.failed_reads,
            writes_rejected: st.writes_rejected,
            rows_lost: st.rows_lost,
            events,
        };
        lines.push(serde_json::to_string(&line).unwrap_or_default());
        seen = sim.events().len();
        if done {
            break;
        }
    }
    let summary = sim.summary();
    lines.push(serde_json::to_string(&SummaryLine { summary: &summary }).unwrap_or_default());
    lines
}

impl Expect {
    /// Compare a run's summary with the intended outcome; one message per miss
    /// (empty when everything matches).
    pub fn check(&self, s: &Summary) -> Vec<String> {
        let mut out = Vec::new();
        let mut eq = |name: &str, want: String, got: String| {
            if want != got {
                out.push(format!("{name}: expected {want}, got {got}"));
            }
        };
        if let Some(p) = self.final_phase {
            eq("final_phase", p.to_string(), s.final_phase.to_string());
        }
        if let Some(p) = self.last_safe_rollback_phase {
            eq("last_safe_rollback_phase", p.to_string(), s.last_safe_rollback_phase.to_string());
        }
        if let Some(n) = self.rows_lost {
            eq("rows_lost", n.to_string(), s.rows_lost.to_string());
        }
        if let Some(n) = self.mismatches {
            eq("mismatches", n.to_string(), s.mismatches.to_string());
        }
        if let Some(n) = self.rows_pending {
            eq("rows_pending", n.to_string(), s.rows_pending.to_string());
        }
        if let Some(b) = self.backfill_complete {
            eq("backfill_complete", b.to_string(), s.backfill_complete.to_string());
        }
        if let Some(b) = self.backfill_stopped {
            eq("backfill_stopped", b.to_string(), s.backfill_stopped.to_string());
        }
        if let Some(b) = self.validation_found_problem {
            eq("validation_found_problem", b.to_string(), s.validation_found_problem.to_string());
        }
        if let Some(b) = self.rolled_back {
            eq("rolled_back", b.to_string(), s.rolled_back.to_string());
        }
        if let Some(b) = self.contract_failed {
            eq("contract_failed", b.to_string(), s.contract_failed.to_string());
        }
        let mut min = |name: &str, want: Option<u64>, got: u64| {
            if let Some(w) = want {
                if got < w {
                    out.push(format!("{name}: expected at least {w}, got {got}"));
                }
            }
        };
        min("rows_lost", self.min_rows_lost, s.rows_lost);
        min("peak_mismatches", self.min_peak_mismatches, s.peak_mismatches);
        min("failed_reads", self.min_failed_reads, s.failed_reads);
        min("writes_rejected", self.min_writes_rejected, s.writes_rejected);
        min("writes_blocked", self.min_writes_blocked, s.writes_blocked);
        min("batch_failures", self.min_batch_failures, s.batch_failures);
        min("update_check_violations", self.min_update_check_violations, s.failures.update_check_violation);
        min("undefined_column_reads", self.min_undefined_column_reads, s.failures.select_undefined_column);
        min("undefined_column_writes", self.min_undefined_column_writes, s.failures.writes_undefined_column());
        let mut max = |name: &str, want: Option<u64>, got: u64| {
            if let Some(w) = want {
                if got > w {
                    out.push(format!("{name}: expected at most {w}, got {got}"));
                }
            }
        };
        max("rows_lost", self.max_rows_lost, s.rows_lost);
        max("failed_reads", self.max_failed_reads, s.failed_reads);
        max("writes_rejected", self.max_writes_rejected, s.writes_rejected);
        max("writes_blocked", self.max_writes_blocked, s.writes_blocked);
        max("update_check_violations", self.max_update_check_violations, s.failures.update_check_violation);
        max("undefined_column_reads", self.max_undefined_column_reads, s.failures.select_undefined_column);
        max("undefined_column_writes", self.max_undefined_column_writes, s.failures.writes_undefined_column());
        if let Some(t) = self.min_throttled_seconds {
            if s.throttled_seconds < t {
                out.push(format!("throttled_seconds: expected at least {t}, got {}", s.throttled_seconds));
            }
        }
        out
    }

    /// Is anything expected at all?
    pub fn is_empty(&self) -> bool {
        *self == Expect::default()
    }
}
