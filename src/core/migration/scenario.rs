//! Scenarios as data: the serde types behind `content/scenarios/migration/*.toml`,
//! their validation (every error names its key and the allowed range) and the
//! parsers (TOML natively, JSON everywhere).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Smallest table the engine accepts.
pub const MIN_ROWS: i64 = 10;
/// Largest table the engine accepts (10^9 rows).
pub const MAX_ROWS: i64 = 1_000_000_000;
/// Smallest backfill batch (gh-ost's `chunk-size` floor).
pub const MIN_BATCH: i64 = 100;
/// Largest backfill batch (gh-ost's `chunk-size` ceiling).
pub const MAX_BATCH: i64 = 100_000;
/// Latest second a fault or an action may be scheduled at (30 days).
pub const MAX_SCHEDULE_SECONDS: f64 = 2_592_000.0;
/// Most faults a scenario may list.
pub const MAX_FAULTS: usize = 50;
/// Most actions a scenario may list.
pub const MAX_ACTIONS: usize = 200;

/// Which change the migration makes. One engine runs all three; the kind picks
/// the columns, the values, the SQL and what `contract` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Rename a column (`status` → `order_status`): worked example 2, exercise 2.
    /// Contract drops the old column, so it is destructive.
    #[default]
    Rename,
    /// A new required request field (`customerType` on `POST /v1/orders`, exercise 1):
    /// a nullable column, an API default for clients that do not send it yet, a
    /// backfill, then `SET NOT NULL` and a required field. Contract is reversible.
    RequiredField,
    /// An enum value change (`PENDING` → `QUEUED`, the mini challenge), done the
    /// pgroll way: a new column written through an up mapping, both values accepted
    /// on write and mapped on read; contract drops the old column and stops
    /// accepting `PENDING`.
    EnumValue,
}

impl Kind {
    /// The snake_case name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rename => "rename",
            Kind::RequiredField => "required_field",
            Kind::EnumValue => "enum_value",
        }
    }
    /// Old column used when the scenario leaves `old_column` empty ("" for `required_field`).
    pub fn default_old_column(self) -> &'static str {
        match self {
            Kind::Rename | Kind::EnumValue => "status",
            Kind::RequiredField => "",
        }
    }
    /// New column used when the scenario leaves `new_column` empty.
    pub fn default_new_column(self) -> &'static str {
        match self {
            Kind::Rename => "order_status",
            Kind::RequiredField => "customer_type",
            Kind::EnumValue => "status_v2",
        }
    }
}

/// The phases of expand and contract, in order, plus the two ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing done yet: the app reads and writes the old shape.
    #[default]
    NotStarted,
    /// The new column exists (nullable, metadata-only `ALTER TABLE`).
    Expand,
    /// The app writes both columns (deploy behind a flag).
    DualWrite,
    /// Batched copy old → new.
    Backfill,
    /// The app reads the new column, falling back to the old one.
    SwitchReads,
    /// The old shape is removed (drop column / `SET NOT NULL`).
    Contract,
    /// A rollback finished: the app is back on the old shape.
    RolledBack,
}

impl Phase {
    /// The five migration phases in order.
    pub const STEPS: [Phase; 5] =
        [Phase::Expand, Phase::DualWrite, Phase::Backfill, Phase::SwitchReads, Phase::Contract];
    /// The snake_case name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::NotStarted => "not_started",
            Phase::Expand => "expand",
            Phase::DualWrite => "dual_write",
            Phase::Backfill => "backfill",
            Phase::SwitchReads => "switch_reads",
            Phase::Contract => "contract",
            Phase::RolledBack => "rolled_back",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that completes, which an action can wait for with `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// The expand DDL committed.
    Expand,
    /// The dual-write deploy reached every instance.
    DualWrite,
    /// The backfill job passed its last id.
    Backfill,
    /// The read-path deploy reached every instance.
    SwitchReads,
    /// The build that no longer names the old column reached every instance
    /// (the contract's first move).
    DeployNewOnly,
    /// A backup (`pg_dump`) finished and released its ACCESS SHARE lock.
    Backup,
    /// The contract step finished.
    Contract,
    /// A repair pass (started by `repair` or `rollforward`) finished.
    Repair,
    /// A rollback finished (a restore takes time).
    Rollback,
}

impl Milestone {
    /// The snake_case name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::Expand => "expand",
            Milestone::DualWrite => "dual_write",
            Milestone::Backfill => "backfill",
            Milestone::SwitchReads => "switch_reads",
            Milestone::DeployNewOnly => "deploy_new_only",
            Milestone::Backup => "backup",
            Milestone::Contract => "contract",
            Milestone::Repair => "repair",
            Milestone::Rollback => "rollback",
        }
    }
}

/// What an action does. Used in scenario files (`do = "backfill"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Add the new column.
    Expand,
    /// Deploy the dual-write build (or redeploy it to end a buggy dual write).
    DualWrite,
    /// Start (or resume) the batched backfill.
    Backfill,
    /// Deploy reads from the new column with fallback to the old one.
    SwitchReads,
    /// The contract's first move (rename, enum value): deploy the build that no
    /// longer names the old column — it reads and writes only the new one.
    DeployNewOnly,
    /// Remove the old shape (for rename and enum value: `DROP COLUMN` of the old
    /// column, the contract's second move).
    Contract,
    /// Roll back from wherever the migration is.
    Rollback,
    /// Fix forward: redeploy a fixed build, repair drift, resume a stopped backfill,
    /// or hot-fix reads that still use a dropped column.
    Rollforward,
    /// Run the validation queries (and record the result as an event).
    Validate,
    /// Take a backup now.
    Backup,
    /// Report what a backfill would do (batches, duration) without writing.
    DryRun,
    /// Start a repair pass that reconciles drifted and NULL rows.
    Repair,
}

impl ActionKind {
    /// The snake_case name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Expand => "expand",
            ActionKind::DualWrite => "dual_write",
            ActionKind::Backfill => "backfill",
            ActionKind::SwitchReads => "switch_reads",
            ActionKind::DeployNewOnly => "deploy_new_only",
            ActionKind::Contract => "contract",
            ActionKind::Rollback => "rollback",
            ActionKind::Rollforward => "rollforward",
            ActionKind::Validate => "validate",
            ActionKind::Backup => "backup",
            ActionKind::DryRun => "dry_run",
            ActionKind::Repair => "repair",
        }
    }
}

/// What a `validate` action does when a check fails (a validation gate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFail {
    /// Carry on with the plan (the failure is only recorded).
    Continue,
    /// Cancel every scheduled action that has not run yet.
    Stop,
    /// Roll back at once.
    Rollback,
    /// Fix forward at once.
    Rollforward,
}

/// Which fault is injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Backfill batches fail (lock timeout or deadlock) with probability `rate`.
    BatchFailures,
    /// The replica stops (or slows) applying WAL, so lag grows.
    LagSpike,
    /// A faulty deploy writes only one column for a `share` of the traffic.
    BuggyDualWrite,
    /// DDL meets a long lock: a blocking transaction, or a table rewrite.
    LongLock,
    /// Another service still reads the old column (a `share` of all reads).
    OldReaders,
}

impl FaultKind {
    /// The snake_case name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::BatchFailures => "batch_failures",
            FaultKind::LagSpike => "lag_spike",
            FaultKind::BuggyDualWrite => "buggy_dual_write",
            FaultKind::LongLock => "long_lock",
            FaultKind::OldReaders => "old_readers",
        }
    }
}

/// The error a failing batch gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchError {
    /// `canceling statement due to lock timeout` after `lock_timeout_ms`.
    #[default]
    LockTimeout,
    /// `deadlock detected` after PostgreSQL's `deadlock_timeout` (1 s).
    Deadlock,
}

/// Which column a buggy dual-write build forgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuggyMode {
    /// Writes only the old column: dual writing stopped (new column goes stale or NULL).
    #[default]
    OldOnly,
    /// Writes only the new column (old column goes stale: rollback needs a copy back).
    NewOnly,
}

/// What holds the long lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockCause {
    /// A long transaction holds a lock on the table for `duration_seconds`; DDL must
    /// wait for it (and, without `lock_timeout`, every query queues behind the DDL).
    #[default]
    Blocker,
    /// The next DDL is written in a table-rewriting form (type change, volatile
    /// default): it holds ACCESS EXCLUSIVE for the whole rewrite.
    Rewrite,
}

/// One injected fault (`[[faults]]`). Parameters not used by its kind are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Which fault.
    pub kind: FaultKind,
    /// When it starts (simulated seconds from the start; for a fault injected from
    /// the page: seconds from now).
    #[serde(default)]
    pub at_second: f64,
    /// How long it lasts. Defaults: batch_failures 60, lag_spike 60, long_lock 120;
    /// buggy_dual_write and old_readers last until fixed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<f64>,
    /// batch_failures: probability each batch attempt fails (0–1, default 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// batch_failures: `lock_timeout` (default) or `deadlock`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<BatchError>,
    /// lag_spike: how fast the replica still applies WAL, as a share of normal
    /// (0 = stalled, the default: a replica query blocks replay, and is cancelled
    /// after the scenario's `max_standby_streaming_delay_ms`; below 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_speed: Option<f64>,
    /// buggy_dual_write: `old_only` (default) or `new_only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<BuggyMode>,
    /// buggy_dual_write: share of writes served by the buggy build (default 1);
    /// old_readers: share of reads still using the old column (default 0.05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// long_lock: `blocker` (default) or `rewrite`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<LockCause>,
}

impl Fault {
    /// A fault of `kind` starting at `at_second` with every parameter at its default.
    pub fn new(kind: FaultKind, at_second: f64) -> Self {
        Fault {
            kind,
            at_second,
            duration_seconds: None,
            rate: None,
            error: None,
            replica_speed: None,
            mode: None,
            share: None,
            cause: None,
        }
    }
}

/// One scheduled action (`[[actions]]`): exactly one of `at_second` and `after`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledAction {
    /// What to do.
    #[serde(rename = "do")]
    pub action: ActionKind,
    /// Run at this simulated second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_second: Option<f64>,
    /// Run when this milestone first completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Milestone>,
    /// With `after`: wait this long after the milestone (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<f64>,
    /// With `do = "validate"`: what to do when a check fails (default `continue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_fail: Option<OnFail>,
}

impl ScheduledAction {
    /// `do` at `at_second`.
    pub fn at(action: ActionKind, at_second: f64) -> Self {
        ScheduledAction { action, at_second: Some(at_second), after: None, delay_seconds: None, on_fail: None }
    }
    /// `do` when `milestone` completes (plus `delay_seconds`).
    pub fn after(action: ActionKind, milestone: Milestone, delay_seconds: f64) -> Self {
        ScheduledAction {
            action,
            at_second: None,
            after: Some(milestone),
            delay_seconds: if delay_seconds > 0.0 { Some(delay_seconds) } else { None },
            on_fail: None,
        }
    }
}

/// The intended outcome of a shipped scenario, checked against the run's summary
/// by the tests. Every key is optional; `min_*`/`max_*` are inclusive bounds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Expect {
    /// `summary.final_phase` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_phase: Option<Phase>,
    /// `summary.last_safe_rollback_phase` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_safe_rollback_phase: Option<Phase>,
    /// `summary.rows_lost` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_lost: Option<u64>,
    /// `summary.rows_lost` ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_rows_lost: Option<u64>,
    /// `summary.rows_lost` ≤ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_rows_lost: Option<u64>,
    /// `summary.mismatches` (at the end) equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mismatches: Option<u64>,
    /// `summary.peak_mismatches` ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_peak_mismatches: Option<u64>,
    /// `summary.rows_pending` (at the end) equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_pending: Option<u64>,
    /// `summary.failed_reads` ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_failed_reads: Option<u64>,
    /// `summary.failed_reads` ≤ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_failed_reads: Option<u64>,
    /// `summary.writes_rejected` ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_writes_rejected: Option<u64>,
    /// `summary.writes_rejected` ≤ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_writes_rejected: Option<u64>,
    /// `summary.writes_blocked` ≤ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_writes_blocked: Option<u64>,
    /// `summary.writes_blocked` ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_writes_blocked: Option<u64>,
    /// `summary.backfill_complete` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backfill_complete: Option<bool>,
    /// `summary.backfill_stopped` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backfill_stopped: Option<bool>,
    /// `summary.validation_found_problem` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_found_problem: Option<bool>,
    /// `summary.rolled_back` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolled_back: Option<bool>,
    /// `summary.throttled_seconds` ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_throttled_seconds: Option<f64>,
    /// `summary.batch_failures` ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_batch_failures: Option<u64>,
    /// `summary.contract_failed` equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_failed: Option<bool>,
    /// `summary.failures.update_check_violation` (updates rejected with SQLSTATE
    /// 23514) ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_update_check_violations: Option<u64>,
    /// `summary.failures.update_check_violation` ≤ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_update_check_violations: Option<u64>,
    /// `summary.failures.select_undefined_column` (reads failed with SQLSTATE
    /// 42703: they name a dropped column) ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_undefined_column_reads: Option<u64>,
    /// `summary.failures.select_undefined_column` ≤ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_undefined_column_reads: Option<u64>,
    /// Inserts + updates failed with SQLSTATE 42703 ≥ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_undefined_column_writes: Option<u64>,
    /// Inserts + updates failed with SQLSTATE 42703 ≤ this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_undefined_column_writes: Option<u64>,
}

/// A scenario: the table, the traffic, the backfill settings, the faults and the
/// plan of actions. Every key but `title` has a default; see `REPORT.md`/README
/// for the table of keys, types, defaults and ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short title shown on the page.
    pub title: String,
    /// One or two sentences for learners.
    pub description: String,
    /// `rename` (default), `required_field` or `enum_value`.
    pub kind: Kind,
    /// Seed of every random draw (batch failures, sample rows, rounding).
    pub seed: u64,
    /// Table name (default `orders`).
    pub table: String,
    /// Rows in the table when the run starts (10 – 10^9, default 200,000,000).
    pub rows: i64,
    /// Application writes per second, inserts + updates (0 – 100,000, default 2,000).
    pub writes_per_second: f64,
    /// Share of writes that are inserts (0 – 1, default 0.3: an order is created
    /// once and changes status a few times).
    pub insert_share: f64,
    /// Application reads per second (0 – 1,000,000, default 10,000).
    pub reads_per_second: f64,
    /// Old column (default per kind: `status`; none for `required_field`).
    pub old_column: String,
    /// New column (default per kind: `order_status`, `customer_type`, `status_v2`).
    pub new_column: String,
    /// Rows per backfill batch (100 – 100,000, default 1,000).
    pub batch_size: i64,
    /// Pause between batches in ms (0 – 60,000, default 100).
    pub batch_pause_ms: i64,
    /// Throttle the backfill while replica lag exceeds this (100 – 60,000 ms, default 1,500).
    pub max_lag_ms: i64,
    /// Retries of a failing batch before the backfill stops (0 – 20, default 5).
    pub max_retries: i64,
    /// First retry delay in ms, doubled on each retry (10 – 60,000, default 500).
    pub retry_backoff_ms: i64,
    /// `lock_timeout` for DDL and batches in ms (0 = wait forever, up to 60,000; default 500).
    pub lock_timeout_ms: i64,
    /// Seconds until a flag change or deploy reaches every instance (0 – 3,600, default 10).
    /// While it rolls out, old instances still write only the old column.
    pub deploy_seconds: f64,
    /// Rows per second the replica can apply (1,000 – 10,000,000, default 60,000).
    pub replica_rows_per_second: f64,
    /// Rows per second a `backup` (`pg_dump` of the table) writes out (1,000 –
    /// 100,000,000, default 500,000): the dump holds ACCESS SHARE on the table for
    /// rows / this many seconds, and DDL waits for it.
    pub dump_rows_per_second: f64,
    /// The replica's `max_standby_streaming_delay` in ms (-1 = wait forever, up to
    /// 3,600,000; default 30,000): a replica query that blocks WAL replay (a
    /// `lag_spike` with `replica_speed` 0) is cancelled after this long.
    pub max_standby_streaming_delay_ms: i64,
    /// required_field / enum_value: share of requests from clients that do not send
    /// the field / still send the old value (0 – 1, default 0).
    pub legacy_client_share: f64,
    /// Second at which the last legacy client has upgraded (the share falls linearly
    /// to 0); 0 = never (default).
    pub legacy_clients_gone_at_second: f64,
    /// CLI: one JSON line per this many simulated seconds (1 – 86,400, default 60).
    pub report_every_seconds: f64,
    /// `run_to_end` keeps simulating this long after the last action (0 – 86,400, default 120).
    pub observe_seconds: f64,
    /// Injected faults.
    pub faults: Vec<Fault>,
    /// The plan.
    pub actions: Vec<ScheduledAction>,
    /// Intended outcome (checked by the tests).
    pub expect: Expect,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            title: String::new(),
            description: String::new(),
            kind: Kind::Rename,
            seed: 1,
            table: "orders".into(),
            rows: 200_000_000,
            writes_per_second: 2_000.0,
            insert_share: 0.3,
            reads_per_second: 10_000.0,
            old_column: String::new(),
            new_column: String::new(),
            batch_size: 1_000,
            batch_pause_ms: 100,
            max_lag_ms: 1_500,
            max_retries: 5,
            retry_backoff_ms: 500,
            lock_timeout_ms: 500,
            deploy_seconds: 10.0,
            replica_rows_per_second: 60_000.0,
            dump_rows_per_second: 500_000.0,
            max_standby_streaming_delay_ms: 30_000,
            legacy_client_share: 0.0,
            legacy_clients_gone_at_second: 0.0,
            report_every_seconds: 60.0,
            observe_seconds: 120.0,
            faults: Vec::new(),
            actions: Vec::new(),
            expect: Expect::default(),
        }
    }
}

/// One problem with a scenario: the key (`batch_size`, `faults[1].at_second`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The key path, as written in the file.
    pub key: String,
    /// What is wrong and what is allowed.
    pub reason: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

/// A problem found while reading a scenario file: key and line when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The key path when known.
    pub key: Option<String>,
    /// 1-based line in the file when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

/// Why a scenario could not be read: one or more problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    /// Every problem found (at least one).
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            if let Some(line) = p.line {
                write!(f, "line {line}: ")?;
            }
            if let Some(key) = &p.key {
                write!(f, "{key}: ")?;
            }
            f.write_str(&p.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

fn fmt_int(n: i64) -> String {
    crate::core::num::thousands(n)
}

struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn push(&mut self, key: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(FieldError { key: key.into(), reason: reason.into() });
    }
    fn int(&mut self, key: &str, v: i64, lo: i64, hi: i64, unit: &str) {
        if v < lo || v > hi {
            let what = if v <= 0 && lo > 0 { "must be positive and " } else { "" };
            self.push(
                key,
                format!("{what}must be between {} and {}{unit} (got {})", fmt_int(lo), fmt_int(hi), fmt_int(v)),
            );
        }
    }
    fn num(&mut self, key: &str, v: f64, lo: f64, hi: f64, lo_open: bool, unit: &str) {
        if !v.is_finite() {
            self.push(key, format!("must be a finite number between {lo} and {hi}{unit} (got {v})"));
        } else if v < lo || v > hi || (lo_open && v <= lo) {
            let range = if lo_open {
                format!("above {lo} and at most {hi}{unit}")
            } else {
                format!("between {lo} and {hi}{unit}")
            };
            self.push(key, format!("must be {range} (got {v})"));
        }
    }
    fn ident(&mut self, key: &str, v: &str) {
        let ok = !v.is_empty()
            && v.len() <= 63
            && v.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            self.push(
                key,
                format!("must be a lowercase SQL identifier (a–z, 0–9, _; at most 63 characters; got {v:?})"),
            );
        }
    }
}

impl Scenario {
    /// The old column after applying the kind's default.
    pub fn old_column_name(&self) -> &str {
        if self.old_column.is_empty() {
            self.kind.default_old_column()
        } else {
            &self.old_column
        }
    }

    /// The new column after applying the kind's default.
    pub fn new_column_name(&self) -> &str {
        if self.new_column.is_empty() {
            self.kind.default_new_column()
        } else {
            &self.new_column
        }
    }

    /// Check every value. Each error names the key and states the allowed range.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Checker { errors: Vec::new() };
        if self.title.chars().count() > 200 {
            c.push("title", "must be at most 200 characters");
        }
        if self.description.chars().count() > 2_000 {
            c.push("description", "must be at most 2,000 characters");
        }
        c.ident("table", &self.table);
        c.int("rows", self.rows, MIN_ROWS, MAX_ROWS, " rows");
        c.num("writes_per_second", self.writes_per_second, 0.0, 100_000.0, false, "");
        c.num("insert_share", self.insert_share, 0.0, 1.0, false, "");
        c.num("reads_per_second", self.reads_per_second, 0.0, 1_000_000.0, false, "");
        match self.kind {
            Kind::RequiredField => {
                if !self.old_column.is_empty() {
                    c.push("old_column", "must be empty for kind required_field (a new field has no old column)");
                }
            }
            _ => c.ident("old_column", self.old_column_name()),
        }
        c.ident("new_column", self.new_column_name());
        if self.old_column_name() == self.new_column_name() {
            c.push("new_column", "must differ from old_column");
        }
        c.int("batch_size", self.batch_size, MIN_BATCH, MAX_BATCH, " rows");
        c.int("batch_pause_ms", self.batch_pause_ms, 0, 60_000, " ms");
        c.int("max_lag_ms", self.max_lag_ms, 100, 60_000, " ms");
        c.int("max_retries", self.max_retries, 0, 20, "");
        c.int("retry_backoff_ms", self.retry_backoff_ms, 10, 60_000, " ms");
        c.int("lock_timeout_ms", self.lock_timeout_ms, 0, 60_000, " ms (0 = no timeout)");
        c.num("deploy_seconds", self.deploy_seconds, 0.0, 3_600.0, false, " s");
        c.num("replica_rows_per_second", self.replica_rows_per_second, 1_000.0, 10_000_000.0, false, "");
        c.num("dump_rows_per_second", self.dump_rows_per_second, 1_000.0, 100_000_000.0, false, "");
        c.int(
            "max_standby_streaming_delay_ms",
            self.max_standby_streaming_delay_ms,
            -1,
            3_600_000,
            " ms (-1 = wait forever)",
        );
        c.num("legacy_client_share", self.legacy_client_share, 0.0, 1.0, false, "");
        if self.kind == Kind::Rename && self.legacy_client_share > 0.0 {
            c.push(
                "legacy_client_share",
                "is only used by kinds required_field and enum_value (a rename is invisible to clients)",
            );
        }
        c.num(
            "legacy_clients_gone_at_second",
            self.legacy_clients_gone_at_second,
            0.0,
            MAX_SCHEDULE_SECONDS,
            false,
            " s",
        );
        c.num("report_every_seconds", self.report_every_seconds, 1.0, 86_400.0, false, " s");
        c.num("observe_seconds", self.observe_seconds, 0.0, 86_400.0, false, " s");

        if self.faults.len() > MAX_FAULTS {
            c.push("faults", format!("at most {MAX_FAULTS} faults (got {})", self.faults.len()));
        }
        for (i, f) in self.faults.iter().enumerate() {
            check_fault(&mut c, &format!("faults[{i}]"), f, self.kind);
        }
        if self.actions.len() > MAX_ACTIONS {
            c.push("actions", format!("at most {MAX_ACTIONS} actions (got {})", self.actions.len()));
        }
        for (i, a) in self.actions.iter().enumerate() {
            let key = format!("actions[{i}]");
            match (a.at_second, a.after) {
                (Some(_), Some(_)) => c.push(&key, "give either at_second or after, not both"),
                (None, None) => c.push(&key, "needs at_second or after (a milestone: expand, dual_write, backfill, switch_reads, deploy_new_only, backup, contract, repair, rollback)"),
                (Some(t), None) => {
                    c.num(&format!("{key}.at_second"), t, 0.0, MAX_SCHEDULE_SECONDS, false, " s");
                    if a.delay_seconds.is_some() {
                        c.push(format!("{key}.delay_seconds"), "is only used with after");
                    }
                }
                (None, Some(_)) => {
                    if let Some(d) = a.delay_seconds {
                        c.num(&format!("{key}.delay_seconds"), d, 0.0, MAX_SCHEDULE_SECONDS, false, " s");
                    }
                }
            }
            if a.on_fail.is_some() && a.action != ActionKind::Validate {
                c.push(format!("{key}.on_fail"), "is only used with do = \"validate\"");
            }
            if self.kind == Kind::RequiredField
                && (a.action == ActionKind::DeployNewOnly || a.after == Some(Milestone::DeployNewOnly))
            {
                c.push(
                    format!("{key}.do"),
                    "deploy_new_only is for rename and enum_value: a new field has no old column",
                );
            }
        }
        check_expect(&mut c, &self.expect);
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(c.errors)
        }
    }

    /// Parse a scenario from JSON (share links, the browser) and validate it.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let sc: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError {
            problems: vec![Problem {
                key: key_from_serde_message(&e.to_string()).or_else(|| json_key_before(text, e.line(), e.column())),
                line: Some(e.line()).filter(|l| *l > 0),
                reason: clean_serde_message(&e.to_string()),
            }],
        })?;
        sc.validate().map_err(|errs| ScenarioError {
            problems: errs.into_iter().map(|e| Problem { key: Some(e.key), line: None, reason: e.reason }).collect(),
        })?;
        Ok(sc)
    }

    /// Serialise to JSON (what share links carry).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Validate one fault on its own (e.g. injected from the page), for a scenario of `kind`.
pub fn validate_fault(f: &Fault, kind: Kind) -> Result<(), Vec<FieldError>> {
    let mut c = Checker { errors: Vec::new() };
    check_fault(&mut c, "fault", f, kind);
    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(c.errors)
    }
}

fn check_fault(c: &mut Checker, key: &str, f: &Fault, kind: Kind) {
    c.num(&format!("{key}.at_second"), f.at_second, 0.0, MAX_SCHEDULE_SECONDS, false, " s");
    if let Some(d) = f.duration_seconds {
        c.num(&format!("{key}.duration_seconds"), d, 0.0, MAX_SCHEDULE_SECONDS, true, " s");
    }
    let name = f.kind.as_str();
    let unused = |c: &mut Checker, field: &str, present: bool| {
        if present {
            c.push(format!("{key}.{field}"), format!("is not a parameter of kind {name}"));
        }
    };
    match f.kind {
        FaultKind::BatchFailures => {
            if let Some(r) = f.rate {
                c.num(&format!("{key}.rate"), r, 0.0, 1.0, true, "");
            }
            unused(c, "replica_speed", f.replica_speed.is_some());
            unused(c, "mode", f.mode.is_some());
            unused(c, "share", f.share.is_some());
            unused(c, "cause", f.cause.is_some());
        }
        FaultKind::LagSpike => {
            if let Some(s) = f.replica_speed {
                if !s.is_finite() || !(0.0..1.0).contains(&s) {
                    c.push(format!("{key}.replica_speed"), format!("must be at least 0 and below 1 (got {s})"));
                }
            }
            unused(c, "rate", f.rate.is_some());
            unused(c, "error", f.error.is_some());
            unused(c, "mode", f.mode.is_some());
            unused(c, "share", f.share.is_some());
            unused(c, "cause", f.cause.is_some());
        }
        FaultKind::BuggyDualWrite => {
            if let Some(s) = f.share {
                c.num(&format!("{key}.share"), s, 0.0, 1.0, true, "");
            }
            if kind == Kind::RequiredField && f.mode == Some(BuggyMode::NewOnly) {
                c.push(
                    format!("{key}.mode"),
                    "new_only is not available for kind required_field (there is no old column); use old_only",
                );
            }
            unused(c, "rate", f.rate.is_some());
            unused(c, "error", f.error.is_some());
            unused(c, "replica_speed", f.replica_speed.is_some());
            unused(c, "cause", f.cause.is_some());
        }
        FaultKind::LongLock => {
            unused(c, "rate", f.rate.is_some());
            unused(c, "error", f.error.is_some());
            unused(c, "replica_speed", f.replica_speed.is_some());
            unused(c, "mode", f.mode.is_some());
            unused(c, "share", f.share.is_some());
        }
        FaultKind::OldReaders => {
            if kind == Kind::RequiredField {
                c.push(
                    format!("{key}.kind"),
                    "old_readers is not available for kind required_field (there is no old column)",
                );
            }
            if let Some(s) = f.share {
                c.num(&format!("{key}.share"), s, 0.0, 1.0, true, "");
            }
            unused(c, "rate", f.rate.is_some());
            unused(c, "error", f.error.is_some());
            unused(c, "replica_speed", f.replica_speed.is_some());
            unused(c, "mode", f.mode.is_some());
            unused(c, "cause", f.cause.is_some());
        }
    }
}

fn check_expect(c: &mut Checker, e: &Expect) {
    if let Some(t) = e.min_throttled_seconds {
        c.num("expect.min_throttled_seconds", t, 0.0, MAX_SCHEDULE_SECONDS * 10.0, false, " s");
    }
    let pairs = [
        ("rows_lost", e.min_rows_lost, e.max_rows_lost),
        ("failed_reads", e.min_failed_reads, e.max_failed_reads),
        ("writes_rejected", e.min_writes_rejected, e.max_writes_rejected),
        ("writes_blocked", e.min_writes_blocked, e.max_writes_blocked),
        ("update_check_violations", e.min_update_check_violations, e.max_update_check_violations),
        ("undefined_column_reads", e.min_undefined_column_reads, e.max_undefined_column_reads),
        ("undefined_column_writes", e.min_undefined_column_writes, e.max_undefined_column_writes),
    ];
    for (name, lo, hi) in pairs {
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                c.push(format!("expect.min_{name}"), format!("must not exceed expect.max_{name} ({lo} > {hi})"));
            }
        }
    }
}

/// Pull a key name out of a serde message such as "unknown field `foo`, expected …"
/// or "missing field `kind`".
fn key_from_serde_message(msg: &str) -> Option<String> {
    for marker in ["unknown field `", "missing field `", "duplicate field `"] {
        if let Some(pos) = msg.find(marker) {
            let rest = &msg[pos + marker.len()..];
            if let Some(end) = rest.find('`') {
                return Some(rest[..end].to_string());
            }
        }
    }
    None
}

/// The last `"key":` before (line, column) of a JSON text: the key whose value
/// serde_json rejected (e.g. a decimal where a whole number is needed).
fn json_key_before(text: &str, line: usize, column: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let upto: String = l.chars().take(column).collect();
    let colon = upto.rfind("\":")?;
    let start = upto[..colon].rfind('"')?;
    let key = &upto[start + 1..colon];
    if key.is_empty() {
        None
    } else {
        Some(key.to_string())
    }
}

fn clean_serde_message(msg: &str) -> String {
    // serde_json appends " at line X column Y"; the line is reported separately.
    match msg.rfind(" at line ") {
        Some(pos) => msg[..pos].to_string(),
        None => msg.to_string(),
    }
}

/// Parse a TOML scenario file and validate it (native only). Errors name the key
/// (e.g. `faults[1].at_second`), the line when known, and the reason.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_toml(text: &str) -> Result<Scenario, ScenarioError> {
    let sc: Scenario = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of_offset(text, s.start));
        let msg = e.message().to_string();
        let key = key_from_serde_message(&msg)
            .map(|k| match line {
                Some(l) => qualify_key(text, l, &k),
                None => k,
            })
            .or_else(|| line.and_then(|l| key_at_line(text, l)));
        ScenarioError { problems: vec![Problem { key, line, reason: msg.trim().to_string() }] }
    })?;
    sc.validate().map_err(|errs| ScenarioError {
        problems: errs
            .into_iter()
            .map(|e| Problem { line: locate_key(text, &e.key), key: Some(e.key), reason: e.reason })
            .collect(),
    })?;
    Ok(sc)
}

#[cfg(not(target_arch = "wasm32"))]
fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(not(target_arch = "wasm32"))]
/// The table header in force at each line: ("", None) at top level, ("faults", Some(i))
/// inside the i-th `[[faults]]`, ("expect", None) inside `[expect]`.
fn header_at(text: &str, line: usize) -> (String, Option<usize>) {
    let mut table = String::new();
    let mut index = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if i + 1 > line {
            break;
        }
        let l = raw.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((name.clone(), 0));
                    0
                }
            };
            table = name;
            index = Some(n);
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = name.trim().to_string();
            index = None;
        }
    }
    (table, index)
}

#[cfg(not(target_arch = "wasm32"))]
fn qualify_key(text: &str, line: usize, key: &str) -> String {
    let (table, index) = header_at(text, line);
    match (table.is_empty(), index) {
        (true, _) => key.to_string(),
        (false, Some(i)) => format!("{table}[{i}].{key}"),
        (false, None) => format!("{table}.{key}"),
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// The key written on `line` (1-based), qualified by its table.
fn key_at_line(text: &str, line: usize) -> Option<String> {
    let raw = text.lines().nth(line.checked_sub(1)?)?;
    let (k, _) = raw.split_once('=')?;
    let k = k.trim().trim_matches('"');
    if k.is_empty() {
        return None;
    }
    Some(qualify_key(text, line, k))
}

/// The line where a validation key path (`batch_size`, `faults[1].rate`) is written.
pub fn locate_key(text: &str, path: &str) -> Option<usize> {
    let (table, index, field) = split_path(path);
    let mut current = String::new();
    let mut cur_index: Option<usize> = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut header_line = None;
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((name.clone(), 0));
                    0
                }
            };
            current = name;
            cur_index = Some(n);
            if current == table && cur_index == index && field.is_none() {
                return Some(i + 1);
            }
            if current == table && cur_index == index {
                header_line = Some(i + 1);
            }
            continue;
        }
        if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            current = name.trim().to_string();
            cur_index = None;
            if current == table && index.is_none() {
                header_line = Some(i + 1);
            }
            continue;
        }
        if current == table && cur_index == index {
            if let (Some(f), Some((k, _))) = (field.as_deref(), l.split_once('=')) {
                if k.trim().trim_matches('"') == f {
                    return Some(i + 1);
                }
            }
        }
    }
    header_line
}

fn split_path(path: &str) -> (String, Option<usize>, Option<String>) {
    // "batch_size" → ("", None, Some("batch_size")); "faults[1].rate" → ("faults", Some(1), Some("rate"));
    // "actions[2]" → ("actions", Some(2), None); "expect.rows_lost" → ("expect", None, Some("rows_lost")).
    let (head, field) = match path.split_once('.') {
        Some((h, f)) => (h, Some(f.to_string())),
        None => (path, None),
    };
    if let Some((name, rest)) = head.split_once('[') {
        let idx = rest.trim_end_matches(']').parse().ok();
        return (name.to_string(), idx, field);
    }
    match field {
        Some(f) => (head.to_string(), None, Some(f)),
        None => (String::new(), None, Some(head.to_string())),
    }
}
