//! The simulation: time, traffic, phases, the backfill job, faults, rollback.
//!
//! Time is kept in microseconds and advances in slices of at most one second
//! (cut at every scheduled action, fault boundary and timer). In each slice the
//! application's inserts, updates and reads are applied as counts; backfill
//! batches run at their own times inside the slice; the replica applies the
//! write stream at its capacity and its lag is the age of the oldest write it
//! has not applied yet.

use super::report::*;
use super::scenario::*;
use super::sql::{Variant, UNKNOWN};
use super::table::{rround, Origin, Table, WriteKind, EQ, NSTALE, NULL, OSTALE};
use crate::core::rng::Rng;
use std::collections::VecDeque;

pub(super) const US: u64 = 1_000_000;
/// Fixed cost of one batch (round trip, planning, commit).
const BATCH_OVERHEAD_US: f64 = 2_000.0;
/// Index range scan, per id in the batch's range.
const SCAN_US_PER_ID: f64 = 1.0;
/// Heap + index update + WAL, per row changed.
const UPDATE_US_PER_ROW: f64 = 9.0;
/// How often a throttled backfill checks the replica lag again.
const THROTTLE_CHECK_US: u64 = 500_000;
/// PostgreSQL `deadlock_timeout` default.
const DEADLOCK_TIMEOUT_US: u64 = 1_000_000;
/// DDL attempts before giving up (each bounded by lock_timeout).
const DDL_MAX_ATTEMPTS: u32 = 12;
/// First DDL retry delay (doubles, capped at 30 s).
const DDL_BACKOFF_US: u64 = 1_000_000;
/// A table rewrite (ALTER ... TYPE) rewrites this many rows per second.
pub(super) const REWRITE_ROWS_PER_S: f64 = 400_000.0;
/// VALIDATE CONSTRAINT scans this many rows per second.
pub(super) const VALIDATE_ROWS_PER_S: f64 = 2_000_000.0;
/// A restore loads this many rows per second.
pub(super) const RESTORE_ROWS_PER_S: f64 = 50_000.0;
/// Network/apply latency of a replica that keeps up.
const BASE_LAG_MS: f64 = 5.0;
/// The simulation never runs past 60 simulated days.
pub(super) const MAX_RUN_US: u64 = 60 * 86_400 * US;
/// Sample rows spread over the initial id space.
const SAMPLE_INITIAL: usize = 14;
/// Sample slots for rows inserted during the run.
const SAMPLE_RECENT: usize = 4;
/// Events kept (later ones are counted, not stored).
const MAX_EVENTS: usize = 5_000;
/// History points kept before halving the resolution.
const HISTORY_MAX: usize = 2_048;
/// Longest slice while no job or rollout is in progress.
const IDLE_SLICE_US: u64 = 10 * US;
/// `run_until_idle` gives up after this much simulated time.
const IDLE_LIMIT_US: u64 = 30 * 86_400 * US;
/// Window for the backfill rate.
const RATE_WINDOW: usize = 11;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rollout<T> {
    pub from: T,
    pub to: T,
    pub start: u64,
    pub end: u64,
    pub milestone: Option<Milestone>,
}

impl<T: Copy + PartialEq> Rollout<T> {
    fn fixed(p: T) -> Self {
        Rollout { from: p, to: p, start: 0, end: 0, milestone: None }
    }
    pub fn frac(&self, t: u64) -> f64 {
        if self.end <= self.start || t >= self.end {
            1.0
        } else if t <= self.start {
            0.0
        } else {
            (t - self.start) as f64 / (self.end - self.start) as f64
        }
    }
    fn rolling(&self, t: u64) -> bool {
        self.from != self.to && t < self.end
    }
    fn start_to(&mut self, to: T, now: u64, dur: u64, m: Option<Milestone>) {
        let from = if self.frac(now) >= 0.5 { self.to } else { self.from };
        *self = Rollout { from, to, start: now, end: now + dur, milestone: m };
        if dur == 0 {
            self.from = to;
        }
    }
    fn set_now(&mut self, to: T) {
        *self = Rollout::fixed(to);
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct FaultRt {
    pub spec: Fault,
    pub start: u64,
    pub end: Option<u64>,
    pub started_evt: bool,
    pub ended_evt: bool,
    pub consumed: bool,
    /// lag_spike stall: the blocking replica query was cancelled (event logged).
    pub cancelled_evt: bool,
}

impl FaultRt {
    pub fn active(&self, t: u64) -> bool {
        t >= self.start && self.end.is_none_or(|e| t < e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    Backfill,
    Repair,
    /// Rollback before contract: copy back the rows only the new column has,
    /// in batches of `batch_size` like the backfill.
    CopyBack,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Job {
    pub kind: JobKind,
    /// Ids per batch: `batch_size`, or for the copy-back the id span that holds
    /// about `batch_size` rows to copy (it finds them through an index).
    pub stride: u64,
    pub start_id: u64,
    pub cursor: u64,
    pub bound: u64,
    pub status: JobStatus,
    pub next_at: u64,
    pub attempt: u32,
    pub batches: u64,
    pub failures: u64,
    pub rows_changed: u64,
    pub ids_scanned: u64,
    pub throttled_us: u64,
    pub throttled: bool,
    pub stop_reason: Option<String>,
    pub waiting_reported: bool,
    /// (time, rows changed, ids scanned) at recent slice ends.
    pub ring: VecDeque<(u64, u64, u64)>,
    /// When the job started and, once done, when it finished (µs): a
    /// finished job reports its average rate, not the last window's.
    pub started_us: u64,
    pub ended_us: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DdlOp {
    Expand,
    Contract,
    /// Rollback before contract: DROP COLUMN IF EXISTS new (DROP CONSTRAINT IF
    /// EXISTS for a new field).
    RollbackDrop,
    /// Rollback of a reversible contract: DROP CONSTRAINT, DROP NOT NULL.
    RollbackReverse,
}

impl DdlOp {
    fn step(self) -> DdlStep {
        match self {
            DdlOp::Expand => DdlStep::Expand,
            DdlOp::Contract => DdlStep::Contract,
            DdlOp::RollbackDrop => DdlStep::RollbackDrop,
            DdlOp::RollbackReverse => DdlStep::RollbackReverse,
        }
    }
}

/// A `pg_dump` of the table in progress.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Dump {
    pub end: u64,
    /// Index of its entry in `backups`.
    pub index: usize,
    /// The table as of the dump's start (pg_dump reads one snapshot), when it
    /// still has the old column: it becomes the usable backup when the dump ends.
    pub snapshot: Option<Snapshot>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RbStage {
    /// Flags off, reaching every instance at `until`.
    FlagsOff { until: u64 },
    /// The batched copy-back runs.
    CopyBack,
    /// The rollback DDL runs (under lock_timeout).
    Ddl,
    /// Stalled (the DDL gave up, or the copy-back stopped): `rollback` again resumes it.
    Stalled,
}

/// A rollback in progress.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RollbackRun {
    pub method: RollbackMethod,
    pub stage: RbStage,
    pub started: u64,
    pub copied: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DdlStage {
    /// Try to take the lock at next_at.
    Try,
    /// Holding or queued for the lock until next_at, then done.
    Finish,
    /// required_field: VALIDATE CONSTRAINT scan ends at next_at.
    Validate,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ddl {
    pub op: DdlOp,
    pub attempt: u32,
    pub next_at: u64,
    pub stage: DdlStage,
    /// Queries queue behind this DDL until next_at (no lock_timeout or a rewrite).
    pub blocking: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Schema {
    pub new_col: bool,
    pub old_col: bool,
    /// required_field: NOT VALID check in force (NULL inserts rejected).
    pub check: bool,
    /// required_field: SET NOT NULL done and the API requires the field.
    pub not_null: bool,
    /// enum_value: the API no longer accepts PENDING.
    pub strict_api: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Snapshot {
    pub table: Table,
    pub schema: Schema,
    pub rows_lost_total: u64,
    pub info: BackupInfo,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pending {
    pub spec: ScheduledAction,
    pub due: Option<u64>,
    pub done: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Counters {
    pub failed_reads: f64,
    pub stale_reads: f64,
    pub writes_rejected: f64,
    pub writes_blocked: f64,
    pub reads_blocked: f64,
    pub batches: u64,
    pub batch_failures: u64,
    pub throttled_us: u64,
    pub max_lag_ms: f64,
    pub peak_mismatches: u64,
    pub validations_run: u32,
    pub validation_found_problem: bool,
    pub rows_lost_total: u64,
    pub values_lost_at_contract: u64,
    pub backfill_complete: bool,
    pub contract_failed: bool,
    pub rows_backfilled_total: u64,
    pub rolled_back: bool,
    pub reads_failing: bool,
    pub writes_rejecting: bool,
    /// Failed application statements per [statement][sqlstate] (see `stmt_index`).
    pub stmt_failed: [[f64; 2]; 3],
    /// Are statements of [statement][sqlstate] failing now (an event was logged)?
    pub stmt_failing: [[bool; 2]; 3],
    /// Failed count when the current failing stretch started.
    pub stmt_failed_at_start: [[f64; 2]; 3],
}

fn stmt_index(st: Statement, code: SqlState) -> (usize, usize) {
    let i = match st {
        Statement::Select => 0,
        Statement::Insert => 1,
        Statement::Update => 2,
    };
    let j = match code {
        SqlState::UndefinedColumn => 0,
        SqlState::CheckViolation => 1,
    };
    (i, j)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Carry {
    pub ins: f64,
    pub upd: f64,
}

/// The replica: a FIFO of (commit time, rows) not yet applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Lag {
    pub queue: VecDeque<(u64, f64)>,
    pub t: u64,
    pub interval_max: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct History {
    pub points: Vec<HistoryPoint>,
    pub interval_us: u64,
    pub next_at: u64,
    pub last_rows: u64,
    pub throttled_at_last: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct PhaseRec {
    pub status: PhaseStatus,
    pub started: Option<u64>,
    pub completed: Option<u64>,
}

/// What `rollforward` would do.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct RollforwardPlan {
    pub fix_build: bool,
    /// Deploy the build that no longer names the dropped column.
    pub deploy_new_only: bool,
    pub job: Option<JobKind>,
}

impl RollforwardPlan {
    pub fn is_empty(&self) -> bool {
        !self.fix_build && !self.deploy_new_only && self.job.is_none()
    }
}

fn action_kind(a: &Action) -> Option<ActionKind> {
    Some(match a {
        Action::Expand => ActionKind::Expand,
        Action::DualWrite => ActionKind::DualWrite,
        Action::Backfill => ActionKind::Backfill,
        Action::SwitchReads => ActionKind::SwitchReads,
        Action::DeployNewOnly => ActionKind::DeployNewOnly,
        Action::Contract => ActionKind::Contract,
        Action::Rollback => ActionKind::Rollback,
        Action::Rollforward => ActionKind::Rollforward,
        Action::Validate => ActionKind::Validate,
        Action::Backup => ActionKind::Backup,
        Action::DryRun => ActionKind::DryRun,
        Action::Repair => ActionKind::Repair,
        Action::Inject(_) => return None,
    })
}

/// A running migration simulation. Build it with [`Sim::new`], drive it with
/// [`Sim::act`] and [`Sim::advance`], read it with [`Sim::state`] and friends.
#[derive(Debug, Clone)]
pub struct Sim {
    pub(super) sc: Scenario,
    pub(super) v: Variant,
    pub(super) now: u64,
    pub(super) rng_batch: Rng,
    pub(super) rng_alloc: Rng,
    pub(super) rng_sample: Rng,
    pub(super) t: Table,
    pub(super) schema: Schema,
    pub(super) phase: Phase,
    pub(super) timeline: [PhaseRec; 5],
    pub(super) write: Rollout<WritePath>,
    pub(super) read: Rollout<ReadPath>,
    pub(super) job: Option<Box<Job>>,
    pub(super) ddl: Option<Ddl>,
    pub(super) restore_end: Option<u64>,
    pub(super) faults: Vec<FaultRt>,
    pub(super) pending: Vec<Pending>,
    pub(super) milestones_done: Vec<Milestone>,
    pub(super) lag: Lag,
    pub(super) ctr: Counters,
    pub(super) carry: Carry,
    pub(super) backups: Vec<BackupInfo>,
    pub(super) snapshot: Option<Snapshot>,
    pub(super) events: Vec<Event>,
    pub(super) events_dropped: u64,
    pub(super) history: History,
    pub(super) taken: Vec<TimedAction>,
    pub(super) last_rollback: Option<RollbackConsequence>,
    pub(super) adopt_next_insert: bool,
    pub(super) app_rate: f64,
    pub(super) end_at: Option<u64>,
    pub(super) repair_after: Option<u64>,
    pub(super) last_validation_problem: bool,
    pub(super) phase_before_contract: Phase,
    pub(super) dump: Option<Dump>,
    pub(super) rb: Option<RollbackRun>,
}

fn secs(us: u64) -> f64 {
    us as f64 / US as f64
}

fn us_of(seconds: f64) -> u64 {
    if !seconds.is_finite() || seconds <= 0.0 {
        0
    } else {
        (seconds * US as f64).round().min(u64::MAX as f64 / 2.0) as u64
    }
}

/// Thousands separators for messages.
pub(super) fn fmt_n(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn fmt_dur(seconds: f64) -> String {
    crate::core::num::duration(seconds)
}

pub(super) fn job_label(k: JobKind) -> &'static str {
    match k {
        JobKind::Backfill => "backfill",
        JobKind::Repair => "repair",
        JobKind::CopyBack => "copy_back",
    }
}

fn phase_index(p: Phase) -> Option<usize> {
    Phase::STEPS.iter().position(|x| *x == p)
}

const WRITE_KINDS: [WriteKind; 4] = [WriteKind::OldOnly, WriteKind::Both, WriteKind::NewOnly, WriteKind::NewAfter];

impl Sim {
    /// Build a simulation from a scenario (validated first).
    pub fn new(scenario: Scenario) -> Result<Sim, Vec<FieldError>> {
        scenario.validate()?;
        let base = Rng::new(scenario.seed);
        let mut rng_sample = base.fork(3);
        let v = Variant::new(&scenario);
        let rows = scenario.rows.clamp(MIN_ROWS, MAX_ROWS) as u64;
        let t = Table::new(rows, SAMPLE_INITIAL, v.mix(), &mut rng_sample);
        let pending = scenario
            .actions
            .iter()
            .map(|a| Pending { spec: a.clone(), due: a.at_second.map(us_of), done: false })
            .collect();
        let faults = scenario.faults.iter().map(|f| Self::fault_rt(f, us_of(f.at_second))).collect();
        let empty = PhaseRec { status: PhaseStatus::Pending, started: None, completed: None };
        let mut sim = Sim {
            v,
            now: 0,
            rng_batch: base.fork(1),
            rng_alloc: base.fork(2),
            rng_sample,
            t,
            schema: Schema { new_col: false, old_col: true, check: false, not_null: false, strict_api: false },
            phase: Phase::NotStarted,
            timeline: [empty.clone(), empty.clone(), empty.clone(), empty.clone(), empty],
            write: Rollout::fixed(WritePath::Old),
            read: Rollout::fixed(ReadPath::Old),
            job: None,
            ddl: None,
            restore_end: None,
            faults,
            pending,
            milestones_done: Vec::new(),
            lag: Lag::default(),
            ctr: Counters::default(),
            carry: Carry::default(),
            backups: Vec::new(),
            snapshot: None,
            events: Vec::new(),
            events_dropped: 0,
            history: History { points: Vec::new(), interval_us: US, next_at: 0, last_rows: 0, throttled_at_last: 0 },
            taken: Vec::new(),
            last_rollback: None,
            adopt_next_insert: false,
            app_rate: 0.0,
            end_at: None,
            repair_after: None,
            last_validation_problem: false,
            phase_before_contract: Phase::NotStarted,
            dump: None,
            rb: None,
            sc: scenario,
        };
        sim.record_history();
        Ok(sim)
    }

    fn fault_rt(f: &Fault, start: u64) -> FaultRt {
        let default_dur = match f.kind {
            FaultKind::BatchFailures | FaultKind::LagSpike => Some(60.0),
            FaultKind::LongLock => Some(120.0),
            FaultKind::BuggyDualWrite | FaultKind::OldReaders => None,
        };
        let dur = f.duration_seconds.or(default_dur);
        FaultRt {
            spec: f.clone(),
            start,
            end: dur.map(|d| start.saturating_add(us_of(d).max(1))),
            started_evt: false,
            ended_evt: false,
            consumed: false,
            cancelled_evt: false,
        }
    }

    /// Replay recorded actions (share links): each action is taken at its recorded
    /// time. Refuses actions out of order or beyond the 60-day limit.
    pub fn replay(scenario: Scenario, actions: &[TimedAction]) -> Result<Sim, ScenarioError> {
        let mut sim = Sim::new(scenario).map_err(|errs| ScenarioError {
            problems: errs.into_iter().map(|e| Problem { key: Some(e.key), line: None, reason: e.reason }).collect(),
        })?;
        let mut last = 0;
        for (i, a) in actions.iter().enumerate() {
            if a.at_us < last {
                return Err(ScenarioError {
                    problems: vec![Problem {
                        key: Some(format!("actions[{i}].at_us")),
                        line: None,
                        reason: "actions must be in time order".into(),
                    }],
                });
            }
            if a.at_us > MAX_RUN_US {
                return Err(ScenarioError {
                    problems: vec![Problem {
                        key: Some(format!("actions[{i}].at_us")),
                        line: None,
                        reason: "is beyond the 60-day limit of the simulation".into(),
                    }],
                });
            }
            if let Action::Inject(f) = &a.action {
                if let Err(errs) = validate_fault(f, sim.sc.kind) {
                    return Err(ScenarioError {
                        problems: errs
                            .into_iter()
                            .map(|e| Problem {
                                key: Some(format!("actions[{i}].action.inject.{}", e.key.trim_start_matches("fault."))),
                                line: None,
                                reason: e.reason,
                            })
                            .collect(),
                    });
                }
            }
            last = a.at_us;
            sim.advance_to(a.at_us);
            sim.act(a.action.clone());
        }
        Ok(sim)
    }

    /// The scenario this simulation runs.
    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// Simulated seconds since the start.
    pub fn now_seconds(&self) -> f64 {
        secs(self.now)
    }

    /// Simulated microseconds since the start (exact; use for replay).
    pub fn now_us(&self) -> u64 {
        self.now
    }

    /// Actions taken with [`Sim::act`], with their times (for share links).
    pub fn actions_taken(&self) -> &[TimedAction] {
        &self.taken
    }

    /// Every event so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events logged after the first `from` (for incremental UIs and the CLI).
    pub fn events_since(&self, from: usize) -> &[Event] {
        self.events.get(from..).unwrap_or(&[])
    }

    /// Time series for the charts (backfill rate, replica lag, progress).
    pub fn history(&self) -> &[HistoryPoint] {
        &self.history.points
    }

    // ---- events -------------------------------------------------------------

    pub(super) fn log(&mut self, kind: EventKind, message: impl Into<String>, sql: Option<String>) {
        self.log_at(self.now, kind, message, sql);
    }

    pub(super) fn log_at(&mut self, at: u64, kind: EventKind, message: impl Into<String>, sql: Option<String>) {
        if self.events.len() >= MAX_EVENTS {
            self.events_dropped += 1;
            return;
        }
        self.events.push(Event { second: secs(at), kind, message: message.into(), sql, data: None });
    }

    /// Log a typed event: its message is worded by `messages.rs` from `data`.
    pub(super) fn log_data(&mut self, kind: EventKind, data: EventData, sql: Option<String>) {
        self.log_data_at(self.now, kind, data, sql);
    }

    /// Log a typed event at time `at`.
    pub(super) fn log_data_at(&mut self, at: u64, kind: EventKind, data: EventData, sql: Option<String>) {
        if self.events.len() >= MAX_EVENTS {
            self.events_dropped += 1;
            return;
        }
        let message = super::messages::sentence(&data, &self.v);
        self.events.push(Event { second: secs(at), kind, message, sql, data: Some(data) });
    }

    /// Count `failed` statements of `st` rejected with `code`, where `share` is
    /// the share of such statements failing now; log when the failing starts and
    /// when it ends (by share, so rounding to zero in a short slice is no recovery).
    fn note_failed(&mut self, st: Statement, code: SqlState, failed: f64, share: f64, column: &str) {
        let (i, j) = stmt_index(st, code);
        self.ctr.stmt_failed[i][j] += failed.max(0.0);
        let failing = share > 0.0;
        if failing && !self.ctr.stmt_failing[i][j] {
            self.ctr.stmt_failing[i][j] = true;
            self.ctr.stmt_failed_at_start[i][j] = self.ctr.stmt_failed[i][j] - failed.max(0.0);
            let data =
                EventData::StatementsFailing { statement: st, sqlstate: code, column: column.to_string(), share };
            self.log_data(EventKind::StatementsFailing, data, None);
        } else if !failing && self.ctr.stmt_failing[i][j] {
            self.ctr.stmt_failing[i][j] = false;
            let n = (self.ctr.stmt_failed[i][j] - self.ctr.stmt_failed_at_start[i][j]).round() as u64;
            let data =
                EventData::StatementsRecovered { statement: st, sqlstate: code, column: column.to_string(), failed: n };
            self.log_data(EventKind::StatementsRecovered, data, None);
        }
    }

    /// Failed application statements so far, by statement and SQLSTATE.
    pub(super) fn statement_failures(&self) -> StatementFailures {
        let f = &self.ctr.stmt_failed;
        StatementFailures {
            select_undefined_column: f[0][0] as u64,
            insert_undefined_column: f[1][0] as u64,
            update_undefined_column: f[2][0] as u64,
            insert_check_violation: f[1][1] as u64,
            update_check_violation: f[2][1] as u64,
        }
    }

    // ---- time ---------------------------------------------------------------

    /// Advance the simulation by `seconds` (ignored when not a positive number).
    pub fn advance(&mut self, seconds: f64) {
        let target = self.now.saturating_add(us_of(seconds)).min(MAX_RUN_US);
        self.advance_to(target);
    }

    /// Advance to an absolute simulated time in microseconds.
    pub fn advance_to(&mut self, target_us: u64) {
        let target = target_us.min(MAX_RUN_US);
        while self.now < target {
            self.tick(target);
        }
        self.fire_due();
        self.process_timers();
    }

    /// Run until nothing is in progress (job, DDL, deploy, restore, delayed
    /// action), at most 30 simulated days. Returns the simulated seconds it took.
    /// (A page that wants to stay responsive can call [`Sim::advance`] per frame.)
    pub fn run_until_idle(&mut self) -> f64 {
        let start = self.now;
        let limit = self.now.saturating_add(IDLE_LIMIT_US).min(MAX_RUN_US);
        loop {
            self.fire_due();
            self.process_timers();
            if !self.busy() || self.now >= limit {
                break;
            }
            self.tick(limit);
        }
        self.limit_check();
        secs(self.now - start)
    }

    /// Run the whole scenario: every scheduled action, until nothing is in
    /// progress, then `observe_seconds` more. Returns the summary.
    pub fn run_to_end(&mut self) -> Summary {
        while !self.advance_toward_end(86_400.0) {}
        self.summary()
    }

    /// Advance at most `max_seconds` towards the end of the scenario (see
    /// [`Sim::run_to_end`]); true once the end is reached. Lets a UI or the CLI
    /// run the scenario in chunks.
    pub fn advance_toward_end(&mut self, max_seconds: f64) -> bool {
        let limit = self.now.saturating_add(us_of(max_seconds).max(1)).min(MAX_RUN_US);
        loop {
            if let Some(end) = self.end_at {
                if self.now >= end {
                    return true;
                }
                if self.now >= limit {
                    return false;
                }
                self.advance_to(end.min(limit));
                continue;
            }
            self.fire_due();
            self.process_timers();
            if self.finished() {
                self.report_dead_actions();
                let end = self.now.saturating_add(us_of(self.sc.observe_seconds)).min(MAX_RUN_US);
                self.end_at = Some(end);
                continue;
            }
            if self.now >= MAX_RUN_US {
                self.limit_check();
                self.end_at = Some(self.now);
                return true;
            }
            if self.now >= limit {
                return false;
            }
            self.tick(limit);
        }
    }

    fn limit_check(&mut self) {
        if self.now >= MAX_RUN_US && !self.events.iter().any(|e| e.kind == EventKind::Limit) {
            self.log(EventKind::Limit, "The simulation stops at 60 simulated days.", None);
        }
    }

    fn report_dead_actions(&mut self) {
        let dead: Vec<String> = self
            .pending
            .iter()
            .filter(|p| !p.done && p.due.is_none())
            .map(|p| format!("{} (after {})", p.spec.action.as_str(), p.spec.after.map(|m| m.as_str()).unwrap_or("?")))
            .collect();
        if !dead.is_empty() {
            self.log(
                EventKind::Warning,
                format!("Never ran, because what they wait for never completed: {}.", dead.join(", ")),
                None,
            );
            for p in &mut self.pending {
                if !p.done && p.due.is_none() {
                    p.done = true;
                }
            }
        }
    }

    /// Is anything in progress?
    pub fn busy(&self) -> bool {
        let job = self
            .job
            .as_ref()
            .is_some_and(|j| matches!(j.status, JobStatus::Running | JobStatus::Throttled | JobStatus::Retrying));
        job || self.ddl.is_some()
            || self.restore_end.is_some()
            || self.write.rolling(self.now)
            || self.read.rolling(self.now)
            || self.write.milestone.is_some()
            || self.read.milestone.is_some()
            || self.repair_after.is_some()
            || self.dump.is_some()
            || self.rollback_running()
            || self.pending.iter().any(|p| !p.done && p.spec.after.is_some() && p.due.is_some())
    }

    fn finished(&self) -> bool {
        !self.busy() && !self.pending.iter().any(|p| !p.done && p.due.is_some())
    }

    /// One step of at most one second towards `target`.
    fn tick(&mut self, target: u64) {
        self.fire_due();
        self.process_timers();
        // One-second slices while something moves; ten while only the app runs.
        let step = if self.job_active().is_some() || self.write.rolling(self.now) || self.read.rolling(self.now) {
            US
        } else {
            IDLE_SLICE_US
        };
        let mut next = target.min((self.now / step + 1) * step);
        if let Some(t) = self.next_timer() {
            if t > self.now {
                next = next.min(t);
            }
        }
        if next <= self.now {
            next = self.now + 1;
        }
        self.run_slice(next);
    }

    fn next_timer(&self) -> Option<u64> {
        let mut best: Option<u64> = None;
        let mut consider = |t: u64| {
            best = Some(best.map_or(t, |b| b.min(t)));
        };
        for p in &self.pending {
            if !p.done {
                if let Some(d) = p.due {
                    consider(d);
                }
            }
        }
        for f in &self.faults {
            if let (Some(c), false) = (self.stall_cancel_at(f), f.cancelled_evt) {
                consider(c);
            }
            if !f.started_evt {
                consider(f.start);
            }
            if let (Some(e), false) = (f.end, f.ended_evt) {
                consider(e);
            }
        }
        if let Some(d) = &self.ddl {
            consider(d.next_at);
        }
        if let Some(e) = self.restore_end {
            consider(e);
        }
        if self.write.milestone.is_some() {
            consider(self.write.end);
        }
        if self.read.milestone.is_some() {
            consider(self.read.end);
        }
        if let Some(r) = self.repair_after {
            consider(r);
        }
        if let Some(d) = &self.dump {
            consider(d.end);
        }
        match self.rb.as_ref().map(|r| r.stage) {
            Some(RbStage::FlagsOff { until }) => consider(until),
            Some(RbStage::CopyBack) => {
                if let Some(e) = self.job.as_deref().and_then(|j| j.ended_us) {
                    consider(e);
                }
            }
            _ => {}
        }
        best
    }

    fn fire_due(&mut self) {
        for _ in 0..1_000 {
            let now = self.now;
            let idx = self
                .pending
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.done && p.due.is_some_and(|d| d <= now))
                .min_by_key(|(i, p)| (p.due.unwrap_or(0), *i))
                .map(|(i, _)| i);
            let Some(i) = idx else { break };
            self.pending[i].done = true;
            let spec = self.pending[i].spec.clone();
            let problem = self.apply(Action::from(spec.action));
            if spec.action == ActionKind::Validate && problem {
                match spec.on_fail.unwrap_or(OnFail::Continue) {
                    OnFail::Continue => {}
                    OnFail::Stop => {
                        let mut n = 0;
                        for p in &mut self.pending {
                            if !p.done {
                                p.done = true;
                                n += 1;
                            }
                        }
                        self.log(
                            EventKind::Warning,
                            format!("Validation gate: stopped the plan ({n} scheduled actions cancelled)."),
                            None,
                        );
                    }
                    OnFail::Rollback => {
                        self.log(EventKind::Warning, "Validation gate: rolling back.", None);
                        self.apply(Action::Rollback);
                    }
                    OnFail::Rollforward => {
                        self.log(EventKind::Warning, "Validation gate: fixing forward.", None);
                        self.apply(Action::Rollforward);
                    }
                }
            }
        }
    }

    fn milestone(&mut self, m: Milestone, at: u64) {
        if !self.milestones_done.contains(&m) {
            self.milestones_done.push(m);
        }
        for p in &mut self.pending {
            if !p.done && p.due.is_none() && p.spec.after == Some(m) {
                p.due = Some(at.saturating_add(us_of(p.spec.delay_seconds.unwrap_or(0.0))));
            }
        }
    }

    fn process_timers(&mut self) {
        let now = self.now;
        // Fault boundaries.
        for i in 0..self.faults.len() {
            let (start, end, started, ended) =
                (self.faults[i].start, self.faults[i].end, self.faults[i].started_evt, self.faults[i].ended_evt);
            if !started && now >= start {
                self.faults[i].started_evt = true;
                let msg = self.fault_message(i);
                self.log_at(start, EventKind::FaultStarted, msg, None);
            }
            if let Some(c) = self.stall_cancel_at(&self.faults[i]) {
                if !self.faults[i].cancelled_evt && now >= c {
                    self.faults[i].cancelled_evt = true;
                    let data = EventData::ReplicaQueryCancelled {
                        max_standby_streaming_delay_ms: self.sc.max_standby_streaming_delay_ms.max(0) as u64,
                    };
                    self.log_data_at(c, EventKind::FaultEnded, data, None);
                }
            }
            if let Some(e) = end {
                if !ended && now >= e {
                    self.faults[i].ended_evt = true;
                    let name = self.faults[i].spec.kind.as_str();
                    self.log_at(e, EventKind::FaultEnded, format!("Fault {name} ended."), None);
                }
            }
        }
        // Rollouts.
        if let Some(m) = self.write.milestone {
            if now >= self.write.end {
                self.write.milestone = None;
                self.write.from = self.write.to;
                let at = self.write.end;
                self.rollout_done(m, at);
            }
        }
        if let Some(m) = self.read.milestone {
            if now >= self.read.end {
                self.read.milestone = None;
                self.read.from = self.read.to;
                let at = self.read.end;
                self.rollout_done(m, at);
            }
        }
        // A pg_dump finishing releases its ACCESS SHARE lock (before the DDL
        // that waits for it tries again).
        if self.dump.as_ref().is_some_and(|d| now >= d.end) {
            self.finish_dump();
        }
        // DDL.
        if let Some(d) = self.ddl.clone() {
            if now >= d.next_at {
                match d.stage {
                    DdlStage::Try => self.ddl_try(d.op),
                    DdlStage::Finish => {
                        self.ddl = None;
                        self.ddl_done(d.op, d.next_at);
                    }
                    DdlStage::Validate => {
                        self.ddl = None;
                        self.validate_constraint_done(d.next_at);
                    }
                }
            }
        }
        // Restore.
        if let Some(e) = self.restore_end {
            if now >= e {
                self.restore_end = None;
                self.log_at(
                    e,
                    EventKind::Rollback,
                    "Restore finished: the app runs the old version on the restored table.",
                    None,
                );
                self.milestone(Milestone::Rollback, e);
            }
        }
        // A rollback before contract moves on (flags off → copy-back → DDL).
        self.advance_rollback();
        // Repair scheduled by rollforward once the fixed build is out.
        if let Some(r) = self.repair_after {
            if now >= r {
                self.repair_after = None;
                let needed = self.mismatches() > 0 || self.pending_rows() > 0;
                if needed && self.job_active().is_none() {
                    let _ = self.start_job(JobKind::Repair);
                }
            }
        }
    }

    fn fault_message(&self, i: usize) -> String {
        let f = &self.faults[i];
        let s = &f.spec;
        let dur = f.end.map(|e| format!(" for {}", fmt_dur(secs(e.saturating_sub(f.start))))).unwrap_or_default();
        match s.kind {
            FaultKind::BatchFailures => format!(
                "Fault: {:.0}% of backfill batches fail with {}{dur}.",
                s.rate.unwrap_or(0.5) * 100.0,
                match s.error.unwrap_or_default() {
                    BatchError::LockTimeout => "a lock timeout",
                    BatchError::Deadlock => "a deadlock",
                }
            ),
            FaultKind::LagSpike => match s.replica_speed.unwrap_or(0.0) {
                x if x <= 0.0 => format!(
                    "Fault: a long query on the replica blocks WAL replay{dur}; {}.",
                    match self.sc.max_standby_streaming_delay_ms {
                        d if d < 0 =>
                            "max_standby_streaming_delay = -1 lets it block replay as long as it runs".to_string(),
                        d => format!(
                            "max_standby_streaming_delay ({}) cancels the query once replay has waited that long",
                            fmt_dur(d as f64 / 1_000.0)
                        ),
                    }
                ),
                x => format!("Fault: the replica applies WAL at {:.0}% of its normal speed{dur}.", x * 100.0),
            },
            FaultKind::BuggyDualWrite => format!(
                "Fault: a buggy build writes only the {} column for {:.0}% of writes (once dual write is on){dur}.",
                match s.mode.unwrap_or_default() {
                    BuggyMode::OldOnly => "old",
                    BuggyMode::NewOnly => "new",
                },
                s.share.unwrap_or(1.0) * 100.0
            ),
            FaultKind::LongLock => match s.cause.unwrap_or_default() {
                LockCause::Blocker => {
                    format!("Fault: a long transaction holds a lock on {}{dur}; DDL must wait for it.", self.v.table)
                }
                LockCause::Rewrite => "Fault: the next DDL is written in a table-rewriting form.".to_string(),
            },
            FaultKind::OldReaders => format!(
                "Fault: another service still reads {} ({:.0}% of reads){dur}.",
                self.v.old,
                s.share.unwrap_or(0.05) * 100.0
            ),
        }
    }

    fn rollout_done(&mut self, m: Milestone, at: u64) {
        match m {
            Milestone::DualWrite => {
                self.set_phase_done(Phase::DualWrite, at);
                self.log_at(at, EventKind::PhaseCompleted, "Dual write is on for every instance.", None);
            }
            Milestone::DeployNewOnly => {
                let now = self.now;
                self.now = at;
                self.log_data(EventKind::DeployCompleted, EventData::DeployCompleted { build: Build::NewOnly }, None);
                self.now = now;
            }
            Milestone::SwitchReads => {
                self.set_phase_done(Phase::SwitchReads, at);
                self.log_at(
                    at,
                    EventKind::PhaseCompleted,
                    format!("Every instance reads {} (falling back to the old value).", self.v.new),
                    None,
                );
            }
            _ => {}
        }
        self.milestone(m, at);
    }

    fn set_phase_running(&mut self, p: Phase) {
        if let Some(i) = phase_index(p) {
            self.timeline[i] = PhaseRec { status: PhaseStatus::Running, started: Some(self.now), completed: None };
        }
        self.phase = p;
    }

    fn set_phase_done(&mut self, p: Phase, at: u64) {
        if let Some(i) = phase_index(p) {
            if self.timeline[i].status != PhaseStatus::RolledBack {
                self.timeline[i].status = PhaseStatus::Done;
                self.timeline[i].completed = Some(at);
                if self.timeline[i].started.is_none() {
                    self.timeline[i].started = Some(at);
                }
            }
        }
    }

    fn set_phase_failed(&mut self, p: Phase) {
        if let Some(i) = phase_index(p) {
            self.timeline[i].status = PhaseStatus::Failed;
        }
    }

    // ---- traffic ------------------------------------------------------------

    /// Share of legacy clients now.
    pub(super) fn state_legacy_share(&self) -> f64 {
        self.legacy_share(self.now)
    }

    fn legacy_share(&self, t: u64) -> f64 {
        let s0 = self.sc.legacy_client_share;
        let gone = self.sc.legacy_clients_gone_at_second;
        if gone > 0.0 {
            (s0 * (1.0 - secs(t) / gone)).max(0.0)
        } else {
            s0
        }
    }

    fn buggy_shares(&self, t: u64) -> (f64, f64) {
        let mut old_only: f64 = 0.0;
        let mut new_only: f64 = 0.0;
        for f in &self.faults {
            if f.spec.kind == FaultKind::BuggyDualWrite && f.active(t) {
                let s = f.spec.share.unwrap_or(1.0).clamp(0.0, 1.0);
                match f.spec.mode.unwrap_or_default() {
                    BuggyMode::OldOnly => old_only += s,
                    BuggyMode::NewOnly => new_only += s,
                }
            }
        }
        let total = old_only + new_only;
        if total > 1.0 {
            (old_only / total, new_only / total)
        } else {
            (old_only, new_only)
        }
    }

    /// Share of writes per path [OldOnly, Both, NewOnly, NewAfter] at time t.
    ///
    /// Each write path is a build's set of statements, the ones the page shows
    /// (`sql.rs`): the old path names only the old column, dual write
    /// (`dual_write_sql`) both, the new-only build (`new_only_build_sql`) only the
    /// new one. Kinds 0 and 1 therefore name the old column; 2 and 3 do not.
    pub(super) fn write_shares(&self, t: u64) -> [f64; 4] {
        let f = self.write.frac(t);
        let mut s = [0.0; 4];
        // The new-only build leaves the old column stale while it still exists.
        let new_idx = if self.schema.old_col && self.v.destructive_contract() { 2 } else { 3 };
        let mut add = |p: WritePath, w: f64| match p {
            WritePath::Old => s[0] += w,
            WritePath::Both => s[1] += w,
            WritePath::New => s[new_idx] += w,
        };
        add(self.write.from, 1.0 - f);
        add(self.write.to, f);
        let (bo, bn) = self.buggy_shares(t);
        let both = s[1];
        s[1] = both * (1.0 - bo - bn).max(0.0);
        s[0] += both * bo;
        s[2] += both * bn;
        s
    }

    /// Share of reads of the app's instances per read path [old, fallback, new]
    /// at time t (the rollout mixes two paths).
    pub(super) fn read_shares(&self, t: u64) -> [f64; 3] {
        let f = self.read.frac(t);
        let mut s = [0.0; 3];
        let mut add = |p: ReadPath, w: f64| match p {
            ReadPath::Old => s[0] += w,
            ReadPath::NewWithFallback => s[1] += w,
            ReadPath::New => s[2] += w,
        };
        add(self.read.from, 1.0 - f);
        add(self.read.to, f);
        s
    }

    /// Share of all reads that come from another service still reading the old
    /// column (the `old_readers` fault).
    fn other_old_readers(&self, t: u64) -> f64 {
        let mut extra: f64 = 0.0;
        for fr in &self.faults {
            if fr.spec.kind == FaultKind::OldReaders && fr.active(t) {
                extra += fr.spec.share.unwrap_or(0.05);
            }
        }
        extra.clamp(0.0, 1.0)
    }

    /// Share of reads whose statement names the old column at time t: the old
    /// path, the fallback `COALESCE(new, old)`, and other services' readers.
    pub(super) fn old_read_share(&self, t: u64) -> f64 {
        if self.v.kind == Kind::RequiredField {
            return 0.0;
        }
        let s = self.read_shares(t);
        let extra = self.other_old_readers(t);
        extra + (1.0 - extra) * (s[0] + s[1])
    }

    /// Share of writes whose statements name the old column at time t (the old
    /// path, dual write, a buggy old-only build).
    pub(super) fn old_write_share(&self, t: u64) -> f64 {
        if self.v.kind == Kind::RequiredField {
            return 0.0;
        }
        let s = self.write_shares(t);
        s[0] + s[1]
    }

    fn split(&mut self, n: u64, shares: &[f64; 4]) -> [u64; 4] {
        let mut out = [0u64; 4];
        let mut left = n;
        let mut wleft: f64 = shares.iter().sum();
        for i in 0..4 {
            if left == 0 {
                break;
            }
            if shares[i] <= 0.0 {
                continue;
            }
            let k = if wleft - shares[i] <= 1e-12 {
                left
            } else {
                rround(left as f64 * shares[i] / wleft, &mut self.rng_alloc).min(left)
            };
            out[i] = k;
            left -= k;
            wleft -= shares[i];
        }
        if left > 0 {
            // Rounding slack (all shares zero): treat as old-path writes.
            out[0] += left;
        }
        out
    }

    fn run_slice(&mut self, t1: u64) {
        let t0 = self.now;
        if t1 <= t0 {
            return;
        }
        let dt = secs(t1 - t0);
        let mid = t0 + (t1 - t0) / 2;
        let wps = self.sc.writes_per_second;
        let rps = self.sc.reads_per_second;
        self.carry.ins += wps * self.sc.insert_share * dt;
        self.carry.upd += wps * (1.0 - self.sc.insert_share) * dt;
        let ins = self.carry.ins.floor().max(0.0);
        let upd = self.carry.upd.floor().max(0.0);
        self.carry.ins -= ins;
        self.carry.upd -= upd;
        let (ins, upd) = (ins as u64, upd as u64);

        if self.restore_end.is_some() {
            // Down for the restore: nothing is written, nothing can be read.
            self.ctr.writes_rejected += (ins + upd) as f64;
            self.ctr.failed_reads += rps * dt;
            self.app_rate = 0.0;
            self.lag_advance(t1);
            self.now = t1;
            self.after_slice();
            return;
        }

        let shares = self.write_shares(mid);
        let touches = self.v.updates_touch_column();
        let legacy = self.legacy_share(mid);
        let kind = self.v.kind;

        // Inserts.
        let mut ins_by = self.split(ins, &shares);
        let mut rejected = 0u64;
        if kind == Kind::RequiredField && self.schema.check {
            // PostgreSQL: a CHECK added NOT VALID "will still be enforced against
            // subsequent inserts or updates" (ADD table_constraint [ NOT VALID ],
            // https://www.postgresql.org/docs/current/sql-altertable.html). An insert
            // from an instance that does not write the column leaves it NULL and fails
            // with SQLSTATE 23514 check_violation
            // (https://www.postgresql.org/docs/current/errcodes-appendix.html).
            let r = ins_by[0];
            ins_by[0] = 0;
            self.ctr.writes_rejected += r as f64;
            let col = self.v.new.clone();
            self.note_failed(Statement::Insert, SqlState::CheckViolation, r as f64, shares[0], &col);
        } else if self.ctr.stmt_failing[1][1] {
            let col = self.v.new.clone();
            self.note_failed(Statement::Insert, SqlState::CheckViolation, 0.0, 0.0, &col);
        }
        // A dropped column: PostgreSQL resolves every column a statement names, so
        // an INSERT or UPDATE that still names the old column fails with SQLSTATE
        // 42703 undefined_column (https://www.postgresql.org/docs/current/errcodes-appendix.html;
        // DROP COLUMN, https://www.postgresql.org/docs/current/sql-altertable.html:
        // "the column … is removed from the table"). The builds whose statements
        // name it: the old path, dual write, a buggy old-only build (write kinds 0
        // and 1). Only a build that no longer names it (the new-only build, or a
        // buggy new-only one) still writes.
        let dropped = !self.schema.old_col && self.v.destructive_contract();
        let old_name = self.v.old.clone();
        if dropped {
            let r = ins_by[0] + ins_by[1];
            ins_by[0] = 0;
            ins_by[1] = 0;
            self.ctr.writes_rejected += r as f64;
            self.note_failed(Statement::Insert, SqlState::UndefinedColumn, r as f64, shares[0] + shares[1], &old_name);
        } else if self.ctr.stmt_failing[1][0] {
            self.note_failed(Statement::Insert, SqlState::UndefinedColumn, 0.0, 0.0, &old_name);
        }
        if (kind == Kind::RequiredField && self.schema.not_null) || (kind == Kind::EnumValue && self.schema.strict_api)
        {
            for (i, k) in ins_by.iter_mut().enumerate() {
                if kind == Kind::EnumValue && i < 2 {
                    // Only the new-only build stopped accepting PENDING.
                    continue;
                }
                let r = rround(*k as f64 * legacy, &mut self.rng_alloc).min(*k);
                *k -= r;
                rejected += r;
            }
        }
        if rejected > 0 {
            self.ctr.writes_rejected += rejected as f64;
            if !self.ctr.writes_rejecting {
                self.ctr.writes_rejecting = true;
                let why = match kind {
                    Kind::RequiredField => format!(
                        "POST /v1/orders without customerType now gets 400: {:.0}% of clients still do not send it.",
                        legacy * 100.0
                    ),
                    _ => format!(
                        "Writes that send PENDING now get 400: {:.0}% of clients still send it.",
                        legacy * 100.0
                    ),
                };
                self.log(EventKind::WritesRejected, why, None);
            }
        } else if self.ctr.writes_rejecting && ins > 0 {
            self.ctr.writes_rejecting = false;
            self.log(EventKind::WritesRejected, "Writes are accepted again.", None);
        }
        for (pi, wk) in WRITE_KINDS.iter().enumerate() {
            let k = ins_by[pi];
            if k == 0 {
                continue;
            }
            let cat = wk.insert_state();
            let mut by = [0u64; 4];
            by[cat] = k;
            if kind == Kind::RequiredField && cat == EQ {
                self.t.unknown_default += rround(k as f64 * legacy, &mut self.rng_alloc).min(k);
            }
            let adopt = if self.adopt_next_insert {
                self.adopt_next_insert = false;
                if self.t.sample.iter().filter(|r| r.origin == Origin::Inserted).count() >= SAMPLE_RECENT {
                    self.t.evict_oldest_inserted();
                }
                let default_new =
                    if kind == Kind::RequiredField && self.rng_sample.chance(legacy) { Some(UNKNOWN) } else { None };
                let (old, new) = Table::fresh_values(*wk, self.v.mix(), &mut self.rng_sample, default_new);
                let (old, new) = if kind == Kind::RequiredField && cat == EQ && default_new == Some(UNKNOWN) {
                    // The adopted row is one of the defaulted ones: keep the count right.
                    self.t.unknown_default = self.t.unknown_default.saturating_sub(1);
                    (old, new)
                } else {
                    (old, new)
                };
                Some((cat, old, new, t0))
            } else {
                None
            };
            self.t.insert(by, adopt);
            if self.schema.new_col && cat == NULL {
                self.t.needs += k;
            }
        }

        // Updates rejected by a CHECK … NOT VALID. PostgreSQL checks every CHECK
        // constraint, valid or NOT VALID, on each row an UPDATE writes: "the
        // constraint will still be enforced against subsequent inserts or updates"
        // (https://www.postgresql.org/docs/current/sql-altertable.html, ADD
        // table_constraint [ NOT VALID ]; "the check constraint expression should
        // involve the column constrained" is no exemption: an UPDATE that leaves the
        // column as it was still writes a new row version that must pass). An
        // ordinary order update does not set customer_type, so it fails with SQLSTATE
        // 23514 check_violation
        // (https://www.postgresql.org/docs/current/errcodes-appendix.html) whenever
        // the row it updates still has the column NULL: from ADD CONSTRAINT, through
        // the VALIDATE scan and, after a VALIDATE that failed, until the row is filled
        // or the constraint is dropped. (Only the backfill and repair set the column.)
        let mut upd = upd;
        if kind == Kind::RequiredField && self.schema.check && !touches {
            let null_share = self.t.count(NULL) as f64 / self.t.total().max(1) as f64;
            let r = rround(upd as f64 * null_share, &mut self.rng_alloc).min(upd);
            upd -= r;
            self.ctr.writes_rejected += r as f64;
            let col = self.v.new.clone();
            self.note_failed(Statement::Update, SqlState::CheckViolation, r as f64, null_share, &col);
        } else if self.ctr.stmt_failing[2][1] {
            let col = self.v.new.clone();
            self.note_failed(Statement::Update, SqlState::CheckViolation, 0.0, 0.0, &col);
        }

        // Updates: distinct rows hit, per path.
        let n_total = self.t.total().max(1) as f64;
        let mut upd_by = self.split(upd, &shares);
        // Updates naming the dropped column fail with 42703 (see the inserts above).
        if dropped {
            let r = upd_by[0] + upd_by[1];
            upd_by[0] = 0;
            upd_by[1] = 0;
            upd -= r;
            self.ctr.writes_rejected += r as f64;
            self.note_failed(Statement::Update, SqlState::UndefinedColumn, r as f64, shares[0] + shares[1], &old_name);
        } else if self.ctr.stmt_failing[2][0] {
            self.note_failed(Statement::Update, SqlState::UndefinedColumn, 0.0, 0.0, &old_name);
        }
        for (pi, wk) in WRITE_KINDS.iter().enumerate() {
            let u = upd_by[pi];
            if u == 0 {
                continue;
            }
            let p_hit = 1.0 - (-(u as f64) / n_total).exp();
            let h = rround(self.t.agg_total() as f64 * p_hit, &mut self.rng_alloc);
            let filled = self.t.apply_updates(h, *wk, touches, &mut self.rng_alloc);
            if self.schema.new_col {
                self.t.filled_by_app += filled;
            }
        }
        if upd > 0 {
            let p_all = 1.0 - (-(upd as f64) / n_total).exp();
            if self.t.has_backup {
                let k = rround(self.t.bk_untouched as f64 * p_all, &mut self.rng_alloc).min(self.t.bk_untouched);
                self.t.bk_untouched -= k;
            }
            let s = self.t.sample.len() as u64;
            let hits = self.rng_sample.binomial(s, p_all);
            if hits > 0 {
                let mut idx: Vec<usize> = (0..self.t.sample.len()).collect();
                self.rng_sample.shuffle(&mut idx);
                for &i in idx.iter().take(hits as usize) {
                    let x = self.rng_sample.next_f64() * upd as f64;
                    let mut acc = 0.0;
                    let mut wk = WriteKind::OldOnly;
                    for (pi, k) in WRITE_KINDS.iter().enumerate() {
                        acc += upd_by[pi] as f64;
                        if x < acc {
                            wk = *k;
                            break;
                        }
                    }
                    let values = self.v.value_count();
                    let filled = self.t.update_sample_row(i, wk, touches, values, t0);
                    if filled && self.schema.new_col {
                        self.t.filled_by_app += 1;
                    }
                }
            }
        }

        // Reads.
        self.account_reads(rps * dt, mid);

        // Replica and backfill.
        self.app_rate = (ins + upd) as f64 / dt.max(1e-9);
        self.run_job_until(t1);
        self.lag_advance(t1);
        self.now = t1;
        self.after_slice();
    }

    fn after_slice(&mut self) {
        let m = self.mismatches();
        if m > self.ctr.peak_mismatches {
            self.ctr.peak_mismatches = m;
        }
        let lag = self.lag_ms(self.now);
        self.note_lag(lag);
        if let Some(j) = self.job.as_mut() {
            j.ring.push_back((self.now, j.rows_changed, j.ids_scanned));
            while j.ring.len() > RATE_WINDOW {
                j.ring.pop_front();
            }
        }
        if self.now >= self.history.next_at {
            self.record_history();
        }
    }

    fn account_reads(&mut self, reads: f64, t: u64) {
        if reads <= 0.0 || self.v.kind == Kind::RequiredField {
            return;
        }
        let total = self.t.total().max(1) as f64;
        let [on_old, on_fallback, on_new] = self.read_shares(t);
        let extra = self.other_old_readers(t);
        let (null_s, nst_s, ost_s) = if self.schema.new_col {
            let c = self.t.counts();
            (c[NULL] as f64 / total, c[NSTALE] as f64 / total, c[OSTALE] as f64 / total)
        } else {
            (0.0, 0.0, 0.0)
        };
        let old_name = self.v.old.clone();
        if !self.schema.old_col {
            // A SELECT that names a dropped column fails as a whole with SQLSTATE
            // 42703 undefined_column, whatever the row: the old path, the fallback
            // `COALESCE(new, old)` and other services' readers all name it
            // (https://www.postgresql.org/docs/current/errcodes-appendix.html).
            let share = extra + (1.0 - extra) * (on_old + on_fallback);
            let fail = reads * share;
            self.ctr.failed_reads += fail;
            self.note_failed(Statement::Select, SqlState::UndefinedColumn, fail, share, &old_name);
            // The new-only build reads NULL for rows that were never copied.
            self.ctr.stale_reads += reads * (1.0 - extra) * on_new * null_s;
        } else {
            if self.ctr.stmt_failing[0][0] {
                self.note_failed(Statement::Select, SqlState::UndefinedColumn, 0.0, 0.0, &old_name);
            }
            let app = 1.0 - extra;
            self.ctr.stale_reads +=
                reads * ((extra + app * on_old) * ost_s + app * on_fallback * nst_s + app * on_new * (nst_s + null_s));
        }
        self.ctr.reads_failing = self.ctr.stmt_failing[0][0];
    }

    // ---- replica lag --------------------------------------------------------

    /// When a stalled replica's blocking query is cancelled: PostgreSQL cancels a
    /// standby query that conflicts with WAL replay once replay has waited
    /// `max_standby_streaming_delay` (default 30 s; -1 waits forever), and replay
    /// resumes ("canceling statement due to conflict with recovery", SQLSTATE
    /// 40001; https://www.postgresql.org/docs/current/hot-standby.html#HOT-STANDBY-CONFLICT,
    /// https://www.postgresql.org/docs/current/runtime-config-replication.html#GUC-MAX-STANDBY-STREAMING-DELAY).
    /// A `lag_spike` with `replica_speed` 0 is such a query; a slowed replica is not.
    fn stall_cancel_at(&self, f: &FaultRt) -> Option<u64> {
        let delay = self.sc.max_standby_streaming_delay_ms;
        if f.spec.kind != FaultKind::LagSpike || f.spec.replica_speed.unwrap_or(0.0) > 0.0 || delay < 0 {
            return None;
        }
        let at = f.start.saturating_add(delay as u64 * 1_000);
        f.end.is_none_or(|e| at < e).then_some(at)
    }

    fn replica_capacity(&self, t: u64) -> f64 {
        let mut cap = self.sc.replica_rows_per_second;
        for f in &self.faults {
            if self.stall_cancel_at(f).is_some_and(|c| t >= c) {
                continue;
            }
            if f.spec.kind == FaultKind::LagSpike && f.active(t) {
                cap *= f.spec.replica_speed.unwrap_or(0.0).clamp(0.0, 1.0);
            }
        }
        cap
    }

    fn lag_advance(&mut self, to: u64) {
        if to <= self.lag.t {
            return;
        }
        let from = self.lag.t;
        let dt = secs(to - from);
        let app_rows = self.app_rate * dt;
        if app_rows > 0.0 {
            self.lag_push(from, app_rows);
        }
        let mut budget = self.replica_capacity(from + (to - from) / 2) * dt;
        while budget > 0.0 {
            let Some(front) = self.lag.queue.front_mut() else {
                break;
            };
            if front.1 <= budget {
                budget -= front.1;
                self.lag.queue.pop_front();
            } else {
                front.1 -= budget;
                budget = 0.0;
            }
        }
        self.lag.t = to;
    }

    fn lag_push(&mut self, at: u64, rows: f64) {
        if let Some(back) = self.lag.queue.back_mut() {
            if back.0 == at {
                back.1 += rows;
                return;
            }
        }
        self.lag.queue.push_back((at, rows));
        if self.lag.queue.len() > 4_096 {
            // Merge the two oldest entries (keeps the older time: lag is not understated).
            if let (Some(a), Some(b)) = (self.lag.queue.pop_front(), self.lag.queue.pop_front()) {
                self.lag.queue.push_front((a.0, a.1 + b.1));
            }
        }
    }

    /// Replica lag at time t (ms): age of the oldest write not yet applied.
    pub(super) fn lag_ms(&self, t: u64) -> f64 {
        match self.lag.queue.front() {
            Some(&(at, _)) => secs(t.saturating_sub(at)) * 1_000.0 + BASE_LAG_MS,
            None => BASE_LAG_MS,
        }
    }

    fn note_lag(&mut self, lag: f64) {
        if lag > self.ctr.max_lag_ms {
            self.ctr.max_lag_ms = lag;
        }
        if lag > self.lag.interval_max {
            self.lag.interval_max = lag;
        }
    }

    // ---- backfill / repair job ---------------------------------------------

    pub(super) fn job_active(&self) -> Option<&Job> {
        self.job
            .as_deref()
            .filter(|j| matches!(j.status, JobStatus::Running | JobStatus::Throttled | JobStatus::Retrying))
    }

    /// Where a job of `kind` would start and end now, or why it cannot run.
    pub(super) fn job_range(&self, kind: JobKind) -> Result<(u64, u64, bool), String> {
        if let Some(j) = self.job_active() {
            return Err(format!(
                "a {} job is already running (id {} of {})",
                job_label(j.kind),
                fmt_n(j.cursor),
                fmt_n(j.bound)
            ));
        }
        let max_id = self.t.total();
        if kind == JobKind::CopyBack {
            return Ok((1, max_id, false));
        }
        let (start, bound, resumed) = match (kind, self.job.as_deref()) {
            (JobKind::Backfill, Some(j)) if j.kind == JobKind::Backfill && j.status == JobStatus::Stopped => {
                (j.cursor, j.bound, true)
            }
            (JobKind::Backfill, Some(j)) if j.kind == JobKind::Backfill && j.status == JobStatus::Done => {
                (j.bound + 1, max_id, false)
            }
            (JobKind::Backfill, Some(j)) if j.kind == JobKind::Backfill && j.status == JobStatus::Cancelled => {
                (j.cursor, max_id, true)
            }
            _ => (1, max_id, false),
        };
        if start > bound {
            return Err(format!("nothing to backfill: every id up to {} was already processed", fmt_n(bound)));
        }
        let pending = self.pending_rows();
        match kind {
            JobKind::Backfill if !resumed && pending == 0 && self.job.is_some() => {
                return Err(format!("nothing to backfill: no row has {} NULL", self.v.new));
            }
            JobKind::Repair if pending == 0 && self.mismatches() == 0 => {
                return Err("nothing to repair: no NULL or drifted rows".into());
            }
            _ => {}
        }
        Ok((start, bound, resumed))
    }

    fn start_job(&mut self, kind: JobKind) -> Result<String, String> {
        let (start, bound, resumed) = self.job_range(kind)?;
        self.t.close_tail();
        let bs = self.sc.batch_size as u64;
        // The copy-back finds its rows through the updated_at index (keyset
        // pagination, `copy_back_batch_sql`): a batch of `batch_size` rows to copy
        // spans about batch_size × rows / rows-to-copy ids.
        let to_copy = self.t.count(OSTALE);
        let stride = match kind {
            JobKind::CopyBack if to_copy > 0 => {
                let span = (bs as f64 * bound as f64 / to_copy as f64).ceil() as u64;
                span.clamp(bs, bound.max(bs))
            }
            _ => bs,
        };
        let job = Job {
            kind,
            stride,
            start_id: start,
            cursor: start,
            bound,
            status: JobStatus::Running,
            next_at: self.now,
            attempt: 0,
            batches: 0,
            failures: 0,
            rows_changed: 0,
            ids_scanned: 0,
            throttled_us: 0,
            throttled: false,
            stop_reason: None,
            waiting_reported: false,
            ring: VecDeque::new(),
            started_us: self.now,
            ended_us: None,
        };
        let sql = match kind {
            JobKind::Backfill => {
                self.v.backfill_sql(start, bound, bs, self.sc.batch_pause_ms as u64, self.sc.max_lag_ms as u64)
            }
            JobKind::Repair => self.v.repair_batch_sql(start, (start + bs - 1).min(bound)),
            JobKind::CopyBack => {
                // Batched like the backfill (batch_size, batch_pause_ms, throttled
                // above max_lag_ms, lock_timeout per batch), not one UPDATE that
                // locks every row it changes until it commits.
                self.job = Some(Box::new(job));
                let data = EventData::CopyBackStarted { rows: to_copy, batch_size: bs };
                let sql = format!("{}{}", self.v.lock_line(false), self.v.copy_back_batch_sql(bs));
                self.log_data(EventKind::Rollback, data, Some(sql));
                return Ok("copy-back started".into());
            }
        };
        let what = match kind {
            JobKind::Backfill if resumed => format!(
                "Backfill resumes at id {} (up to {}); batches are idempotent, so rows already copied are skipped.",
                fmt_n(start),
                fmt_n(bound)
            ),
            JobKind::Backfill => format!(
                "Backfill started: ids {}–{} in batches of {}, {} ms apart.",
                fmt_n(start),
                fmt_n(bound),
                fmt_n(bs),
                self.sc.batch_pause_ms
            ),
            JobKind::Repair | JobKind::CopyBack => format!(
                "Repair pass started over ids {}–{}: reconciles NULL and drifted rows.",
                fmt_n(start),
                fmt_n(bound)
            ),
        };
        self.log(EventKind::PhaseStarted, what.clone(), Some(sql));
        self.job = Some(Box::new(job));
        Ok(what)
    }

    fn run_job_until(&mut self, t1: u64) {
        for _ in 0..10_000_000u32 {
            let Some(j) = self.job.as_ref() else { return };
            if !matches!(j.status, JobStatus::Running | JobStatus::Throttled | JobStatus::Retrying) || j.next_at >= t1 {
                return;
            }
            let t = j.next_at.max(self.lag.t);
            self.lag_advance(t);
            self.job_step(t);
        }
    }

    fn batch_failure(&self, t: u64) -> Option<(f64, BatchError, u64)> {
        let mut keep = 1.0;
        let mut err = None;
        let mut end = 0;
        for f in &self.faults {
            if f.spec.kind == FaultKind::BatchFailures && f.active(t) {
                keep *= 1.0 - f.spec.rate.unwrap_or(0.5).clamp(0.0, 1.0);
                err.get_or_insert(f.spec.error.unwrap_or_default());
                end = end.max(f.end.unwrap_or(t + US));
            }
        }
        err.map(|e| (1.0 - keep, e, end))
    }

    fn job_step(&mut self, t: u64) {
        // Queries (the backfill's too) queue behind a DDL that waits without lock_timeout.
        if let Some(d) = &self.ddl {
            if d.blocking && t < d.next_at {
                let until = d.next_at;
                if let Some(j) = self.job.as_mut() {
                    j.next_at = until;
                }
                return;
            }
        }
        let lag = self.lag_ms(t);
        self.note_lag(lag);
        let max_lag = self.sc.max_lag_ms as f64;
        let Some(mut j) = self.job.take() else { return };
        if lag > max_lag {
            if !j.throttled {
                j.throttled = true;
                j.status = JobStatus::Throttled;
                self.log_at(
                    t,
                    EventKind::ThrottleOn,
                    format!("Replica lag {lag:.0} ms > max_lag_ms {max_lag:.0}: backfill throttled."),
                    None,
                );
            }
            j.throttled_us += THROTTLE_CHECK_US;
            self.ctr.throttled_us += THROTTLE_CHECK_US;
            j.next_at = t + THROTTLE_CHECK_US;
            self.job = Some(j);
            return;
        }
        if j.throttled {
            j.throttled = false;
            j.status = JobStatus::Running;
            self.log_at(t, EventKind::ThrottleOff, format!("Replica lag {lag:.0} ms: backfill resumes."), None);
        }
        let a = j.cursor;
        let b = a.saturating_add(j.stride.max(1) - 1).min(j.bound);
        if let Some((p, err, window_end)) = self.batch_failure(t) {
            if self.rng_batch.chance(p) {
                if err == BatchError::LockTimeout && self.sc.lock_timeout_ms == 0 {
                    // No lock_timeout: the batch just waits for the lock.
                    if !j.waiting_reported {
                        j.waiting_reported = true;
                        self.log_at(
                            t,
                            EventKind::BatchFailed,
                            format!(
                                "Batch at id {} waits for a row lock (lock_timeout = 0: no timeout); the backfill stalls until t={:.0}s.",
                                fmt_n(a),
                                secs(window_end)
                            ),
                            None,
                        );
                    }
                    j.next_at = window_end.max(t + 1);
                    self.job = Some(j);
                    return;
                }
                j.attempt += 1;
                j.failures += 1;
                self.ctr.batch_failures += 1;
                let (cost, what) = match err {
                    BatchError::LockTimeout => {
                        (self.sc.lock_timeout_ms as u64 * 1_000, "ERROR: canceling statement due to lock timeout")
                    }
                    BatchError::Deadlock => (DEADLOCK_TIMEOUT_US, "ERROR: deadlock detected"),
                };
                let max_retries = self.sc.max_retries as u32;
                if j.attempt > max_retries {
                    let reason = format!(
                        "batch at ids {}–{} failed {} times ({what}); gave up after {max_retries} retries",
                        fmt_n(a),
                        fmt_n(b),
                        j.attempt
                    );
                    self.log_at(
                        t + cost,
                        if j.kind == JobKind::CopyBack { EventKind::Failed } else { EventKind::BackfillStopped },
                        format!(
                            "Backfill stopped at id {}: {reason}. Run backfill again (or rollforward) to resume there; the batches are idempotent.",
                            fmt_n(a)
                        ),
                        Some(self.v.backfill_batch_sql(a, b)),
                    );
                    j.status = JobStatus::Stopped;
                    j.stop_reason = Some(reason);
                    if j.kind == JobKind::Backfill {
                        self.set_phase_failed(Phase::Backfill);
                    }
                    self.job = Some(j);
                    return;
                }
                let shift = (j.attempt - 1).min(20);
                let backoff = (self.sc.retry_backoff_ms as u64 * 1_000).saturating_mul(1u64 << shift).min(600 * US);
                self.log_at(
                    t + cost,
                    EventKind::BatchFailed,
                    format!(
                        "Batch ids {}–{}: {what}; retry {}/{} in {}.",
                        fmt_n(a),
                        fmt_n(b),
                        j.attempt,
                        max_retries,
                        fmt_dur(secs(backoff))
                    ),
                    None,
                );
                j.status = JobStatus::Retrying;
                j.next_at = t + cost + backoff;
                self.job = Some(j);
                return;
            }
        }
        let fix = match j.kind {
            JobKind::Backfill => [true, false, false, false],
            JobKind::Repair => [true, false, true, true],
            JobKind::CopyBack => [false, false, false, true],
        };
        let (agg, smp) = self.t.process_range(a, b, fix, &mut self.rng_alloc);
        let filled = agg[NULL] + smp[NULL];
        let reconciled = agg[NSTALE] + agg[OSTALE] + smp[NSTALE] + smp[OSTALE];
        self.t.backfilled += filled;
        self.t.repaired += reconciled;
        self.ctr.rows_backfilled_total += filled;
        let changed = filled + reconciled;
        let ids = b - a + 1;
        // The copy-back reaches its rows through an index: it scans what it changes.
        let scanned = if j.kind == JobKind::CopyBack { changed } else { ids };
        let dur = (BATCH_OVERHEAD_US + SCAN_US_PER_ID * scanned as f64 + UPDATE_US_PER_ROW * changed as f64) as u64;
        if changed > 0 {
            self.lag_push(t + dur, changed as f64);
        }
        j.cursor = b + 1;
        j.attempt = 0;
        j.batches += 1;
        j.rows_changed += changed;
        j.ids_scanned += ids;
        j.waiting_reported = false;
        j.status = JobStatus::Running;
        self.ctr.batches += 1;
        if j.cursor > j.bound {
            j.status = JobStatus::Done;
            let end = t + dur;
            j.ended_us = Some(end);
            let kind = j.kind;
            if kind == JobKind::CopyBack {
                let data = EventData::CopyBackCompleted { batches: j.batches, rows: j.rows_changed };
                self.job = Some(j);
                self.log_data_at(end, EventKind::JobCompleted, data, None);
                return;
            }
            let msg = format!(
                "{} finished: {} batches, {} rows changed, {} throttled.",
                if kind == JobKind::Backfill { "Backfill" } else { "Repair pass" },
                fmt_n(j.batches),
                fmt_n(j.rows_changed),
                fmt_dur(secs(j.throttled_us))
            );
            self.job = Some(j);
            let pending = self.pending_rows();
            let extra = if pending > 0 {
                format!(
                    " {} rows still have {} NULL (written after the job started, without dual write): run backfill again.",
                    fmt_n(pending),
                    self.v.new
                )
            } else {
                String::new()
            };
            self.log_at(end, EventKind::JobCompleted, format!("{msg}{extra}"), None);
            match kind {
                JobKind::Backfill => {
                    self.ctr.backfill_complete = true;
                    self.set_phase_done(Phase::Backfill, end);
                    self.milestone(Milestone::Backfill, end);
                }
                JobKind::Repair => {
                    if pending == 0 {
                        if let Some(i) = phase_index(Phase::Backfill) {
                            if matches!(self.timeline[i].status, PhaseStatus::Failed | PhaseStatus::Running) {
                                self.set_phase_done(Phase::Backfill, end);
                            }
                        }
                    }
                    self.milestone(Milestone::Repair, end);
                }
                JobKind::CopyBack => {}
            }
            return;
        }
        j.next_at = t + dur + self.sc.batch_pause_ms as u64 * 1_000;
        self.job = Some(j);
    }

    // ---- counts -------------------------------------------------------------

    /// Rows whose new column is NULL (0 when the column does not exist).
    pub(super) fn pending_rows(&self) -> u64 {
        if self.schema.new_col {
            self.t.count(NULL)
        } else {
            0
        }
    }

    /// Rows where the two columns disagree.
    pub(super) fn mismatches(&self) -> u64 {
        if self.schema.new_col && self.schema.old_col {
            let c = self.t.counts();
            c[NSTALE] + c[OSTALE]
        } else {
            0
        }
    }

    fn blocked_by_lock(&mut self, wait_us: u64) {
        let w = secs(wait_us);
        self.ctr.writes_blocked += self.sc.writes_per_second * w;
        self.ctr.reads_blocked += self.sc.reads_per_second * w;
    }

    // ---- DDL ----------------------------------------------------------------

    fn blocker_end(&self, t: u64) -> Option<u64> {
        self.faults
            .iter()
            .filter(|f| {
                f.spec.kind == FaultKind::LongLock
                    && f.spec.cause.unwrap_or_default() == LockCause::Blocker
                    && f.active(t)
            })
            .filter_map(|f| f.end)
            .max()
    }

    fn take_rewrite(&mut self, t: u64) -> bool {
        for f in &mut self.faults {
            if f.spec.kind == FaultKind::LongLock
                && f.spec.cause == Some(LockCause::Rewrite)
                && t >= f.start
                && !f.consumed
            {
                f.consumed = true;
                return true;
            }
        }
        false
    }

    /// What holds a lock that conflicts with ACCESS EXCLUSIVE at `t`, and until
    /// when: a long transaction (the `long_lock` fault) or a running `pg_dump`
    /// (ACCESS SHARE for its whole run), whichever lets go last.
    fn lock_holder(&self, t: u64) -> Option<(u64, LockHolder)> {
        let mut best = self.blocker_end(t).map(|e| (e, LockHolder::LongTransaction));
        if let Some(d) = &self.dump {
            if t < d.end && best.is_none_or(|(e, _)| d.end > e) {
                best = Some((d.end, LockHolder::PgDump));
            }
        }
        best
    }

    /// Try to take ACCESS EXCLUSIVE for a DDL step. Every `ALTER TABLE` form the
    /// engine runs (ADD/DROP COLUMN, ADD/DROP CONSTRAINT, SET/DROP NOT NULL) takes
    /// ACCESS EXCLUSIVE, which conflicts with every other lock mode, ACCESS SHARE
    /// included (https://www.postgresql.org/docs/current/explicit-locking.html,
    /// Table 13.2). A lock request waits for the holders, and every later request
    /// on the table queues behind it. `lock_timeout` bounds that wait: "Abort any
    /// statement that waits longer than the specified amount of time while
    /// attempting to acquire a lock"; 0 disables it
    /// (https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT).
    /// The forward and the rollback DDL follow the same rule: with a timeout they
    /// fail fast and retry with backoff, without one every query waits behind them.
    fn ddl_try(&mut self, op: DdlOp) {
        let now = self.now;
        let attempt = self.ddl.as_ref().map_or(0, |d| d.attempt);
        let step = op.step();
        if let Some((end, holder)) = self.lock_holder(now) {
            let lt = self.sc.lock_timeout_ms as u64 * 1_000;
            if lt == 0 {
                let wait = end.saturating_sub(now);
                self.blocked_by_lock(wait);
                let data = EventData::DdlQueued {
                    ddl: step,
                    holder,
                    wait_seconds: secs(wait),
                    writes_blocked: (self.sc.writes_per_second * secs(wait)) as u64,
                    reads_blocked: (self.sc.reads_per_second * secs(wait)) as u64,
                };
                self.log_data(EventKind::LockBlocked, data, None);
                self.ddl = Some(Ddl { op, attempt, next_at: end, stage: DdlStage::Try, blocking: true });
                return;
            }
            self.blocked_by_lock(lt);
            let attempt = attempt + 1;
            if attempt >= DDL_MAX_ATTEMPTS {
                self.ddl = None;
                match op {
                    DdlOp::Expand => self.set_phase_failed(Phase::Expand),
                    DdlOp::Contract => self.set_phase_failed(Phase::Contract),
                    DdlOp::RollbackDrop | DdlOp::RollbackReverse => {
                        if let Some(rb) = self.rb.as_mut() {
                            rb.stage = RbStage::Stalled;
                        }
                    }
                }
                self.log_data(EventKind::Failed, EventData::DdlGaveUp { ddl: step, holder, attempts: attempt }, None);
                return;
            }
            let backoff = (DDL_BACKOFF_US << (attempt - 1).min(5)).min(30 * US);
            let data = EventData::DdlLockTimeout {
                ddl: step,
                holder,
                lock_timeout_ms: self.sc.lock_timeout_ms as u64,
                attempt,
                retry_in_seconds: secs(backoff),
            };
            self.log_data(EventKind::LockTimeout, data, None);
            self.ddl = Some(Ddl { op, attempt, next_at: now + lt + backoff, stage: DdlStage::Try, blocking: false });
            return;
        }
        // The lock is ours. A table-rewriting form holds it for the whole rewrite.
        let rewrite_sql = match op {
            DdlOp::Expand => Some(self.v.expand_sql(true)),
            DdlOp::Contract => Some(self.v.contract_sql(true)),
            DdlOp::RollbackDrop | DdlOp::RollbackReverse => None,
        };
        if let Some(sql) = rewrite_sql.filter(|_| self.take_rewrite(now)) {
            let label = if op == DdlOp::Expand { "expand" } else { "contract" };
            let dur = us_of(self.t.total() as f64 / REWRITE_ROWS_PER_S);
            self.blocked_by_lock(dur);
            self.log(
                EventKind::LockBlocked,
                format!(
                    "The {label} ALTER rewrites all {} rows under ACCESS EXCLUSIVE: every read and write on {} waits {} ({} writes, {} reads). lock_timeout does not help: it only bounds the wait to acquire the lock, not how long it is held. A nullable ADD COLUMN without a default is catalog-only.",
                    fmt_n(self.t.total()),
                    self.v.table,
                    fmt_dur(secs(dur)),
                    fmt_n((self.sc.writes_per_second * secs(dur)) as u64),
                    fmt_n((self.sc.reads_per_second * secs(dur)) as u64)
                ),
                Some(sql),
            );
            self.ddl = Some(Ddl { op, attempt, next_at: now + dur, stage: DdlStage::Finish, blocking: true });
            return;
        }
        // The lock is free: catalog-only changes are instant.
        self.ddl = None;
        self.ddl_done(op, now);
    }

    fn ddl_done(&mut self, op: DdlOp, at: u64) {
        match op {
            DdlOp::Expand => {
                self.schema.new_col = true;
                self.t.needs = self.t.count(NULL);
                self.t.backfilled = 0;
                self.t.filled_by_app = 0;
                self.t.repaired = 0;
                self.t.unknown_default = 0;
                self.t.close_tail();
                self.adopt_next_insert = true;
                self.set_phase_done(Phase::Expand, at);
                self.log_at(
                    at,
                    EventKind::PhaseCompleted,
                    format!(
                        "Column {} added (nullable): {} rows need the copy. Writes still go only to {}.",
                        self.v.new,
                        fmt_n(self.t.needs),
                        if self.v.kind == Kind::RequiredField {
                            "the old shape".to_string()
                        } else {
                            self.v.old.clone()
                        }
                    ),
                    Some(self.v.expand_sql(false)),
                );
                self.milestone(Milestone::Expand, at);
            }
            DdlOp::Contract => match self.v.kind {
                Kind::RequiredField => {
                    self.schema.check = true;
                    let dur = us_of(self.t.total() as f64 / VALIDATE_ROWS_PER_S);
                    self.log_at(
                        at,
                        EventKind::PhaseStarted,
                        format!(
                            "CHECK ({} IS NOT NULL) NOT VALID added: every row inserted or updated from now on must pass it. VALIDATE scans {} rows (~{}), writes continue.",
                            self.v.new,
                            fmt_n(self.t.total()),
                            fmt_dur(secs(dur))
                        ),
                        None,
                    );
                    self.ddl = Some(Ddl {
                        op: DdlOp::Contract,
                        attempt: 0,
                        next_at: at + dur,
                        stage: DdlStage::Validate,
                        blocking: false,
                    });
                }
                _ => self.drop_old_column(at),
            },
            DdlOp::RollbackDrop | DdlOp::RollbackReverse => self.rollback_done(at),
        }
    }

    fn drop_old_column(&mut self, at: u64) {
        let lost = self.t.drop_old_column();
        self.schema.old_col = false;
        // The drop changes no running build: statements that still name the
        // column fail from now on (see `run_slice` and `account_reads`).
        self.t.close_tail();
        self.adopt_next_insert = true;
        self.ctr.values_lost_at_contract += lost;
        self.ctr.rows_lost_total += lost;
        self.set_phase_done(Phase::Contract, at);
        self.log_at(
            at,
            EventKind::PhaseCompleted,
            format!("Column {} dropped.", self.v.old),
            Some(self.v.contract_sql(false)),
        );
        if lost > 0 {
            self.log_at(
                at,
                EventKind::DataLost,
                format!(
                    "{} rows lost their value: it existed only in {} (NULL or stale {}).",
                    fmt_n(lost),
                    self.v.old,
                    self.v.new
                ),
                None,
            );
        }
        self.milestone(Milestone::Contract, at);
    }

    fn validate_constraint_done(&mut self, at: u64) {
        let nulls = self.t.count(NULL);
        if nulls > 0 {
            self.ctr.contract_failed = true;
            self.set_phase_failed(Phase::Contract);
            self.log_at(
                at,
                EventKind::Failed,
                format!(
                    "ERROR: check constraint \"{t}_{n}_not_null\" of relation \"{t}\" is violated by some row — {} rows are still NULL. NOT NULL was not set; the NOT VALID check stays and rejects every insert and every update of a row that leaves it NULL until you roll back or backfill and retry.",
                    fmt_n(nulls),
                    t = self.v.table,
                    n = self.v.new
                ),
                None,
            );
            return;
        }
        self.schema.not_null = true;
        self.set_phase_done(Phase::Contract, at);
        self.log_at(
            at,
            EventKind::PhaseCompleted,
            format!(
                "{} is NOT NULL and customerType is required. Legacy clients still not sending it: {:.0}%.",
                self.v.new,
                self.legacy_share(at) * 100.0
            ),
            Some(self.v.contract_sql(false)),
        );
        self.milestone(Milestone::Contract, at);
    }

    // ---- actions ------------------------------------------------------------

    /// Take an action now. It is recorded (see [`Sim::actions_taken`]) so that
    /// [`Sim::replay`] reproduces the run.
    pub fn act(&mut self, action: Action) -> ActOutcome {
        if self.taken.len() < 100_000 {
            self.taken.push(TimedAction { at_us: self.now, action: action.clone() });
        }
        match self.apply_outcome(action) {
            Ok(message) => ActOutcome { accepted: true, message },
            Err(message) => ActOutcome { accepted: false, message },
        }
    }

    /// Apply an action; returns whether a validation found a problem.
    fn apply(&mut self, action: Action) -> bool {
        let _ = self.apply_outcome(action);
        self.last_validation_problem
    }

    fn refuse(&mut self, name: &str, why: String) -> Result<String, String> {
        self.log(EventKind::Refused, format!("{name} refused: {why}"), None);
        Err(why)
    }

    fn apply_outcome(&mut self, action: Action) -> Result<String, String> {
        self.last_validation_problem = false;
        let name = action.name();
        if let Err(why) = self.check_action(&action) {
            return self.refuse(name, why);
        }
        if let Some(kind) = action_kind(&action).filter(|k| *k != ActionKind::Rollback) {
            for w in self.warnings_for(kind) {
                self.log(EventKind::Warning, w, None);
            }
        }
        match action {
            Action::Expand => {
                if !self.t.has_backup || self.phase == Phase::RolledBack {
                    self.take_backup(true);
                }
                if self.phase == Phase::RolledBack {
                    for r in &mut self.timeline {
                        *r = PhaseRec { status: PhaseStatus::Pending, started: None, completed: None };
                    }
                }
                // A fresh column needs a fresh backfill from id 1 (a cancelled job must not resume).
                self.job = None;
                self.set_phase_running(Phase::Expand);
                self.log(EventKind::Action, "Expand: add the new column.", Some(self.v.expand_sql(false)));
                self.ddl = Some(Ddl {
                    op: DdlOp::Expand,
                    attempt: 0,
                    next_at: self.now,
                    stage: DdlStage::Try,
                    blocking: false,
                });
                self.ddl_try(DdlOp::Expand);
                Ok("expand started".into())
            }
            Action::DualWrite => {
                let now = self.now;
                let dur = us_of(self.sc.deploy_seconds);
                if self.write.to == WritePath::Both {
                    // check_action only lets this through when a buggy build is live.
                    self.fix_buggy(now + dur);
                    return Ok("redeploying a fixed dual-write build".into());
                }
                self.set_phase_running(Phase::DualWrite);
                self.write.start_to(WritePath::Both, now, dur, Some(Milestone::DualWrite));
                self.t.close_tail();
                self.adopt_next_insert = true;
                let what = if self.v.kind == Kind::RequiredField {
                    "POST /v1/orders accepts customerType (optional, safe default 'unknown') and writes it"
                } else {
                    "every instance writes both columns"
                };
                self.log(
                    EventKind::Action,
                    format!("Dual write: flag on; {what} within {}.", fmt_dur(secs(dur))),
                    Some(self.v.dual_write_sql()),
                );
                if dur == 0 {
                    self.process_timers();
                }
                Ok("dual write deploying".into())
            }
            Action::Backfill => match self.start_job(JobKind::Backfill) {
                Ok(msg) => {
                    if self.phase != Phase::Backfill || self.timeline[2].status != PhaseStatus::Running {
                        self.set_phase_running(Phase::Backfill);
                    }
                    Ok(msg)
                }
                Err(why) => self.refuse(name, why),
            },
            Action::Repair => match self.start_job(JobKind::Repair) {
                Ok(m) => Ok(m),
                Err(why) => self.refuse(name, why),
            },
            Action::SwitchReads => {
                let now = self.now;
                let dur = us_of(self.sc.deploy_seconds);
                if self.phase != Phase::Contract {
                    self.set_phase_running(Phase::SwitchReads);
                } else if let Some(i) = phase_index(Phase::SwitchReads) {
                    self.timeline[i].status = PhaseStatus::Running;
                    self.timeline[i].started = Some(now);
                }
                self.read.start_to(ReadPath::NewWithFallback, now, dur, Some(Milestone::SwitchReads));
                self.log(EventKind::Action, "Switch reads: flag on.", Some(self.v.switch_reads_sql()));
                if dur == 0 {
                    self.process_timers();
                }
                Ok("switching reads".into())
            }
            Action::DeployNewOnly => {
                self.deploy_new_only();
                Ok("deploying the build that no longer names the old column".into())
            }
            Action::Contract => self.contract(),
            Action::Rollback => self.rollback(),
            Action::Rollforward => self.rollforward(),
            Action::Validate => {
                let results = self.validate_now();
                self.ctr.validations_run += 1;
                let problem = results
                    .iter()
                    .filter(|r| matches!(r.name.as_str(), "null_count" | "mismatch_count" | "sample_check"))
                    .any(|r| !r.ok);
                let mism = self.mismatches();
                if mism > 0 && !self.t.sample.iter().any(|r| r.cat == NSTALE || r.cat == OSTALE) {
                    let cat = if self.t.count(NSTALE) > 0 { NSTALE } else { OSTALE };
                    let values = self.v.value_count();
                    self.t.adopt(cat, self.v.mix(), values, &mut self.rng_sample);
                }
                let lines: Vec<String> = results
                    .iter()
                    .filter(|r| r.name != "counts_per_value" && r.name != "old_column_readers")
                    .map(|r| {
                        let res = match &r.result {
                            QueryResult::Count { value } => fmt_n(*value),
                            QueryResult::Share { value } => format!("{:.1}%", value * 100.0),
                            QueryResult::Table { rows, .. } => format!("{} rows", rows.len()),
                            QueryResult::Error { message } => message.clone(),
                            QueryResult::NotApplicable { .. } => "n/a".into(),
                        };
                        format!("{} = {}{}", r.name, res, if r.ok { "" } else { " ✗" })
                    })
                    .collect();
                if problem {
                    self.ctr.validation_found_problem = true;
                    self.log(
                        EventKind::ValidationFailed,
                        format!("Validation found a problem: {}.", lines.join("; ")),
                        None,
                    );
                } else {
                    self.log(EventKind::ValidationPassed, format!("Validation passed: {}.", lines.join("; ")), None);
                }
                self.last_validation_problem = problem;
                Ok(if problem { "validation found a problem".into() } else { "validation passed".into() })
            }
            Action::Backup => {
                self.take_backup(false);
                Ok("backup started".into())
            }
            Action::DryRun => {
                let r = self.dry_run();
                self.log(EventKind::DryRun, r.note.clone(), Some(r.first_batch_sql.clone()));
                Ok(r.note)
            }
            Action::Inject(f) => {
                let start = self.now.saturating_add(us_of(f.at_second));
                let rt = Self::fault_rt(&f, start);
                self.faults.push(rt);
                self.process_timers();
                Ok(format!("fault {} injected", f.kind.as_str()))
            }
        }
    }

    fn fix_buggy(&mut self, at: u64) {
        let now = self.now;
        for f in &mut self.faults {
            if f.spec.kind == FaultKind::BuggyDualWrite && f.active(now) {
                f.end = Some(at.max(now + 1));
                f.ended_evt = false;
            }
        }
        self.log(
            EventKind::Rollforward,
            format!("Redeploying a fixed dual-write build: every instance writes both columns by t={:.0}s.", secs(at)),
            Some(self.v.dual_write_sql()),
        );
    }

    /// Take a backup. The automatic one at the start of the migration is a
    /// recovery point (a base backup plus the WAL archive: point-in-time
    /// recovery), which takes no lock on the table and is usable at once. A
    /// `backup` action runs `pg_dump` on the table: "pg_dump … acquires ACCESS
    /// SHARE" on every table it dumps and keeps it until it ends
    /// (https://www.postgresql.org/docs/current/app-pgdump.html), and ACCESS
    /// EXCLUSIVE conflicts with ACCESS SHARE
    /// (https://www.postgresql.org/docs/current/explicit-locking.html), so any
    /// ALTER TABLE waits for the dump (see `ddl_try`). It runs rows /
    /// `dump_rows_per_second` seconds and holds the table as of its start (one
    /// snapshot); it becomes usable for a restore when it ends.
    fn take_backup(&mut self, automatic: bool) {
        let now = self.now;
        let rows = self.t.total();
        let has_old = self.schema.old_col;
        let dur = if automatic { 0 } else { us_of(rows as f64 / self.sc.dump_rows_per_second).max(1) };
        let info = BackupInfo {
            second: secs(now),
            phase: self.phase,
            has_old_column: has_old,
            rows,
            automatic,
            rows_lost_before: self.ctr.rows_lost_total,
            completed_second: if automatic { Some(secs(now)) } else { None },
        };
        self.backups.push(info.clone());
        let snapshot = if has_old {
            self.t.mark_backup();
            Some(Snapshot {
                table: self.t.clone(),
                schema: self.schema.clone(),
                rows_lost_total: self.ctr.rows_lost_total,
                info,
            })
        } else {
            None
        };
        if automatic {
            if snapshot.is_some() {
                self.snapshot = snapshot;
            }
            self.log_data(EventKind::Backup, EventData::RecoveryPoint { rows }, None);
            return;
        }
        self.dump = Some(Dump { end: now + dur, index: self.backups.len() - 1, snapshot });
        let data = EventData::BackupStarted { rows, seconds: secs(dur), has_old_column: has_old };
        self.log_data(EventKind::Backup, data, Some(self.v.dump_sql()));
    }

    /// The running pg_dump ends: its backup becomes usable, its lock is released.
    fn finish_dump(&mut self) {
        let Some(d) = self.dump.take() else { return };
        let at = d.end;
        let mut rows = 0;
        let mut has_old = false;
        if let Some(info) = self.backups.get_mut(d.index) {
            info.completed_second = Some(secs(at));
            rows = info.rows;
            has_old = info.has_old_column;
        }
        if let Some(mut snap) = d.snapshot {
            snap.info.completed_second = Some(secs(at));
            self.snapshot = Some(snap);
        }
        self.log_data_at(at, EventKind::Backup, EventData::BackupCompleted { rows, has_old_column: has_old }, None);
        self.milestone(Milestone::Backup, at);
    }

    /// The contract's first move: roll out the build whose statements name only
    /// the new column (reads and writes), over `deploy_seconds` like any deploy.
    fn deploy_new_only(&mut self) {
        let now = self.now;
        let dur = us_of(self.sc.deploy_seconds);
        if self.phase != Phase::Contract {
            self.phase_before_contract = self.phase;
            self.set_phase_running(Phase::Contract);
        }
        if self.v.kind == Kind::EnumValue {
            // The build that no longer names the old column stops accepting PENDING.
            self.schema.strict_api = true;
        }
        self.write.start_to(WritePath::New, now, dur, Some(Milestone::DeployNewOnly));
        self.read.start_to(ReadPath::New, now, dur, None);
        self.t.close_tail();
        self.adopt_next_insert = true;
        self.log_data(
            EventKind::DeployStarted,
            EventData::DeployStarted { build: Build::NewOnly, seconds: secs(dur) },
            Some(self.v.new_only_build_sql()),
        );
        if dur == 0 {
            self.process_timers();
        }
    }

    fn contract(&mut self) -> Result<String, String> {
        let now = self.now;
        if self.job_active().is_some() {
            if let Some(j) = self.job.as_mut() {
                j.status = JobStatus::Cancelled;
            }
            self.log(EventKind::Warning, "Contract cancels the running backfill job.", None);
        }
        if self.phase != Phase::Contract {
            self.phase_before_contract = self.phase;
        }
        self.set_phase_running(Phase::Contract);
        self.log(EventKind::Action, "Contract.", Some(self.v.contract_sql(false)));
        self.ddl = Some(Ddl { op: DdlOp::Contract, attempt: 0, next_at: now, stage: DdlStage::Try, blocking: false });
        self.ddl_try(DdlOp::Contract);
        Ok("contract started".into())
    }

    /// End every live buggy build at `at` (the flags-off rollout's end).
    fn end_all_buggy_at(&mut self, at: u64) {
        let now = self.now;
        for f in &mut self.faults {
            if f.spec.kind == FaultKind::BuggyDualWrite && f.end.is_none_or(|e| e > at) && f.start <= now {
                f.end = Some(at.max(f.start + 1));
                f.ended_evt = false;
            }
        }
    }

    /// Is a rollback under way (not stalled)?
    pub(super) fn rollback_running(&self) -> bool {
        self.rb.as_ref().is_some_and(|r| r.stage != RbStage::Stalled)
    }

    fn rollback(&mut self) -> Result<String, String> {
        let name = "rollback";
        let c = self.rollback_preview();
        if c.method == RollbackMethod::Nothing {
            return self.refuse(name, c.explanation);
        }
        if c.method == RollbackMethod::RestoreFromBackup {
            // pg_restore --clean drops the table (ACCESS EXCLUSIVE), which would
            // wait for a running dump's ACCESS SHARE: the dump is cancelled. (It
            // started after the drop, so it could not have undone the contract:
            // a dump holding the old column blocks the DROP until it ends.)
            if let Some(d) = self.dump.take() {
                let rows = self.backups.get(d.index).map_or(0, |b| b.rows);
                if d.index < self.backups.len() {
                    self.backups.remove(d.index);
                }
                self.log_data(EventKind::Backup, EventData::BackupCancelled { rows }, None);
            }
        }
        let now = self.now;
        if c.method != RollbackMethod::ReverseDdl {
            if let Some(j) = self.job.as_mut() {
                if matches!(j.status, JobStatus::Running | JobStatus::Throttled | JobStatus::Retrying) {
                    j.status = JobStatus::Cancelled;
                }
            }
        }
        self.ddl = None;
        self.repair_after = None;
        self.ctr.rolled_back = true;
        if c.method != RollbackMethod::ReverseDdl {
            for r in &mut self.timeline {
                if matches!(r.status, PhaseStatus::Running | PhaseStatus::Done | PhaseStatus::Failed) {
                    r.status = PhaseStatus::RolledBack;
                }
            }
        }
        // A stalled rollback resumes where it stopped, and keeps its start.
        let (started, copied) = match &self.rb {
            Some(r) if r.stage == RbStage::Stalled && r.method == c.method => (r.started, r.copied),
            _ => (now, 0),
        };
        match c.method {
            RollbackMethod::ReverseDdl => {
                // Undo only the contract: the optional field with its safe default
                // stays. DROP CONSTRAINT and DROP NOT NULL take ACCESS EXCLUSIVE: the
                // same lock rules as the forward DDL (see `ddl_try`).
                self.rb = Some(RollbackRun { method: c.method, stage: RbStage::Ddl, started, copied });
                let data =
                    EventData::RollbackStarted { method: c.method, flags_off_seconds: 0.0, rows_to_copy_back: 0 };
                self.log_data(EventKind::Rollback, data, Some(c.sql.clone()));
                self.start_rollback_ddl(DdlOp::RollbackReverse);
            }
            RollbackMethod::SwitchBack => {
                // Flags off. A flag flip needs no deploy, but each instance obeys it
                // at its next flag refresh, so it reaches every instance over
                // `deploy_seconds` exactly like turning the flag on did (the lessons:
                // "within one polling interval every pod is back on the old path").
                // Until then some instances still dual write, or write only the new
                // column: the copy-back starts once the last one has switched.
                let flags_on = self.write.to != WritePath::Old
                    || self.read.to != ReadPath::Old
                    || self.write.rolling(now)
                    || self.read.rolling(now);
                let dur = if flags_on { us_of(self.sc.deploy_seconds) } else { 0 };
                if flags_on {
                    self.write.start_to(WritePath::Old, now, dur, None);
                    self.read.start_to(ReadPath::Old, now, dur, None);
                    self.end_all_buggy_at(now + dur);
                    self.t.close_tail();
                    self.adopt_next_insert = true;
                }
                self.rb = Some(RollbackRun {
                    method: c.method,
                    stage: RbStage::FlagsOff { until: now + dur },
                    started,
                    copied,
                });
                let data = EventData::RollbackStarted {
                    method: c.method,
                    flags_off_seconds: secs(dur),
                    rows_to_copy_back: c.rows_copied_back,
                };
                self.log_data(EventKind::Rollback, data, Some(c.sql.clone()));
                self.advance_rollback();
            }
            RollbackMethod::RestoreFromBackup => {
                let Some(snap) = self.snapshot.clone() else {
                    return self.refuse(name, "no backup with the old column exists".into());
                };
                self.rb = None;
                let lost = c.rows_lost;
                let mut table = snap.table.clone();
                table.roll_back_columns(true);
                table.mark_backup();
                table.close_tail();
                self.t = table;
                self.schema =
                    Schema { new_col: false, old_col: true, check: false, not_null: false, strict_api: false };
                self.ctr.rows_lost_total = snap.rows_lost_total + lost;
                // The old version is redeployed while the table loads (the service
                // is down for the whole restore, longer than a deploy).
                self.write.set_now(WritePath::Old);
                self.read.set_now(ReadPath::Old);
                self.end_all_buggy_at(now);
                self.lag = Lag { queue: VecDeque::new(), t: self.lag.t, interval_max: 0.0 };
                self.phase = Phase::RolledBack;
                let dur = us_of(c.downtime_seconds);
                self.restore_end = Some(now + dur.max(1));
                self.adopt_next_insert = true;
                self.log(
                    EventKind::Rollback,
                    format!(
                        "Rollback after contract: restoring the backup from t={:.0}s. {} rows written since then are lost; the service is down for about {}.",
                        snap.info.second,
                        fmt_n(lost),
                        fmt_dur(c.downtime_seconds)
                    ),
                    Some(c.sql.clone()),
                );
                if lost > 0 {
                    self.log(
                        EventKind::DataLost,
                        format!("{} rows lost by the restore (inserted or updated since the backup).", fmt_n(lost)),
                        None,
                    );
                }
                // Snapshot stays the latest usable backup.
                if let Some(s) = self.snapshot.as_mut() {
                    s.table = self.t.clone();
                    s.schema = self.schema.clone();
                    s.rows_lost_total = self.ctr.rows_lost_total;
                }
            }
            RollbackMethod::Nothing => {}
        }
        self.last_rollback = Some(c);
        Ok("rolling back".into())
    }

    fn start_rollback_ddl(&mut self, op: DdlOp) {
        if let Some(rb) = self.rb.as_mut() {
            rb.stage = RbStage::Ddl;
        }
        self.ddl = Some(Ddl { op, attempt: 0, next_at: self.now, stage: DdlStage::Try, blocking: false });
        self.ddl_try(op);
    }

    /// Move a rollback before contract on: flags off everywhere → batched
    /// copy-back of the rows only the new column has → the DDL.
    fn advance_rollback(&mut self) {
        let Some(rb) = self.rb.clone() else { return };
        let now = self.now;
        match rb.stage {
            RbStage::FlagsOff { until } if now >= until => {
                let n = if self.schema.new_col && self.schema.old_col { self.t.count(OSTALE) } else { 0 };
                if n > 0 {
                    if let Some(r) = self.rb.as_mut() {
                        r.stage = RbStage::CopyBack;
                    }
                    self.job = None;
                    if self.start_job(JobKind::CopyBack).is_err() {
                        self.start_rollback_ddl(DdlOp::RollbackDrop);
                    }
                } else {
                    self.start_rollback_ddl(DdlOp::RollbackDrop);
                }
            }
            RbStage::CopyBack => {
                let Some(j) = self.job.as_deref().filter(|j| j.kind == JobKind::CopyBack) else {
                    self.start_rollback_ddl(DdlOp::RollbackDrop);
                    return;
                };
                match j.status {
                    JobStatus::Done if j.ended_us.is_none_or(|e| now >= e) => {
                        let rows = j.rows_changed;
                        if let Some(r) = self.rb.as_mut() {
                            r.copied += rows;
                        }
                        self.start_rollback_ddl(DdlOp::RollbackDrop);
                    }
                    JobStatus::Stopped | JobStatus::Cancelled => {
                        if let Some(r) = self.rb.as_mut() {
                            r.stage = RbStage::Stalled;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// The rollback's DDL committed: the rollback is complete.
    fn rollback_done(&mut self, at: u64) {
        let Some(rb) = self.rb.take() else { return };
        let mut copied = rb.copied;
        match rb.method {
            RollbackMethod::ReverseDdl => {
                self.schema.check = false;
                self.schema.not_null = false;
                self.phase = self.phase_before_contract;
                if let Some(i) = phase_index(Phase::Contract) {
                    self.timeline[i].status = PhaseStatus::RolledBack;
                }
            }
            _ => {
                let drop = self.v.destructive_contract();
                copied += self.t.roll_back_columns(drop);
                if drop {
                    self.schema.new_col = false;
                }
                self.schema.check = false;
                self.schema.not_null = false;
                self.schema.strict_api = false;
                self.t.close_tail();
                self.adopt_next_insert = true;
                self.phase = Phase::RolledBack;
            }
        }
        let data = EventData::RollbackCompleted {
            method: rb.method,
            rows_copied_back: copied,
            seconds: secs(at.saturating_sub(rb.started)),
        };
        let sql = match rb.method {
            RollbackMethod::ReverseDdl => None,
            _ => Some(self.v.rollback_drop_sql()),
        };
        self.log_data_at(at, EventKind::Rollback, data, sql);
        if let Some(c) = self.last_rollback.as_mut() {
            c.rows_copied_back = copied;
        }
        self.milestone(Milestone::Rollback, at);
    }

    /// What `rollforward` would do now (empty: nothing to fix forward).
    pub(super) fn rollforward_plan(&self) -> RollforwardPlan {
        let now = self.now;
        let mut plan = RollforwardPlan::default();
        if self.rollback_running() {
            return plan;
        }
        let buggy_live = self.faults.iter().any(|f| f.spec.kind == FaultKind::BuggyDualWrite && f.active(now));
        plan.fix_build = buggy_live && self.schema.old_col && self.write.to == WritePath::Both;
        // After the drop, every statement naming the old column fails until a
        // build that no longer names it runs everywhere: fixing forward deploys it.
        plan.deploy_new_only = !self.schema.old_col
            && self.v.destructive_contract()
            && (self.write.to != WritePath::New || self.read.to != ReadPath::New);
        if self.schema.new_col && self.schema.old_col && self.job_active().is_none() {
            let stopped = self.job.as_deref().is_some_and(|j| j.status == JobStatus::Stopped);
            if self.mismatches() > 0 {
                plan.job = Some(JobKind::Repair);
            } else if stopped {
                plan.job = Some(JobKind::Backfill);
            } else if self.pending_rows() > 0 && (self.ctr.backfill_complete || self.ctr.contract_failed) {
                plan.job = Some(JobKind::Repair);
            }
        }
        plan
    }

    fn rollforward(&mut self) -> Result<String, String> {
        let now = self.now;
        let dur = us_of(self.sc.deploy_seconds);
        let plan = self.rollforward_plan();
        let mut did = Vec::new();
        if plan.fix_build {
            self.fix_buggy(now + dur);
            did.push("redeploy the fixed build");
        }
        if plan.deploy_new_only {
            self.deploy_new_only();
            did.push("deploy the build that no longer names the dropped column");
        }
        match plan.job {
            Some(kind) if plan.fix_build => {
                // Repair once the fixed build is everywhere, or the bug re-creates drift.
                self.repair_after = Some(now + dur);
                did.push(if kind == JobKind::Backfill {
                    "resume the backfill"
                } else {
                    "repair drift once the fix is out"
                });
            }
            Some(JobKind::Backfill) => {
                let _ = self.start_job(JobKind::Backfill);
                if self.phase != Phase::Contract {
                    self.set_phase_running(Phase::Backfill);
                }
                did.push("resume the backfill");
            }
            Some(JobKind::Repair) => {
                let _ = self.start_job(JobKind::Repair);
                did.push("repair drifted and NULL rows");
            }
            Some(JobKind::CopyBack) | None => {}
        }
        let msg = format!("Fix forward: {}.", did.join(", "));
        self.log(EventKind::Rollforward, msg.clone(), None);
        Ok(msg)
    }

    // ---- rollback analysis --------------------------------------------------

    /// What a rollback would cost right now, without doing it.
    pub fn rollback_preview(&self) -> RollbackConsequence {
        let phase = self.phase;
        let nothing = |why: &str| RollbackConsequence {
            phase,
            method: RollbackMethod::Nothing,
            rows_lost: 0,
            rows_copied_back: 0,
            backup: None,
            downtime_seconds: 0.0,
            sql: String::new(),
            explanation: why.to_string(),
            alternative: None,
        };
        if self.restore_end.is_some() {
            return nothing("a restore is already running");
        }
        if self.rollback_running() {
            return nothing("a rollback is already running");
        }
        let touched = self.schema.new_col
            || self.ddl.is_some()
            || self.write.to != WritePath::Old
            || self.read.to != ReadPath::Old
            || !self.schema.old_col
            || self.schema.check;
        if !touched {
            return nothing("nothing to roll back: the app and the table are on the old shape");
        }
        if self.v.destructive_contract() && !self.schema.old_col {
            let Some(snap) = &self.snapshot else {
                return nothing("the old column is gone and no backup has it");
            };
            let lost = self.t.written_since_backup();
            let downtime = snap.info.rows as f64 / RESTORE_ROWS_PER_S;
            let explanation = format!(
                "{} was dropped, so switching back is no longer possible. Only a restore of the backup taken at t = {} brings it back: every row inserted or updated since then is lost, and the service is down while {} rows load.",
                self.v.old,
                fmt_dur(snap.info.second),
                fmt_n(snap.info.rows)
            );
            let lost_at_contract = self.ctr.values_lost_at_contract;
            let alternative = Some(format!(
                "targeted repair (fix forward). Re-add {o} and fill it from {n} (`UPDATE {t} SET {o} = {down}`, in batches). It keeps every row written since the backup{tail}, and it is a new migration with its own backfill.",
                o = self.v.old,
                n = self.v.new,
                t = self.v.table,
                down = self.v.down_expr(),
                tail = if lost_at_contract > 0 {
                    format!(", but the {} values that lived only in {} when it was dropped stay lost", fmt_n(lost_at_contract), self.v.old)
                } else {
                    String::new()
                }
            ));
            return RollbackConsequence {
                phase,
                method: RollbackMethod::RestoreFromBackup,
                rows_lost: lost,
                rows_copied_back: 0,
                backup: Some(snap.info.clone()),
                downtime_seconds: downtime,
                sql: self.v.restore_sql(snap.info.second),
                explanation,
                alternative,
            };
        }
        if self.v.kind == Kind::RequiredField && (self.schema.not_null || self.schema.check) {
            return RollbackConsequence {
                phase,
                method: RollbackMethod::ReverseDdl,
                rows_lost: 0,
                rows_copied_back: 0,
                backup: None,
                downtime_seconds: 0.0,
                sql: format!(
                    "{}ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{n}_not_null;\n{}",
                    self.v.lock_line(true),
                    self.v.reverse_not_null_sql(),
                    t = self.v.table,
                    n = self.v.new
                ),
                explanation: format!(
                    "NOT NULL is reversible: DROP NOT NULL and make customerType optional again (the safe default applies). 0 rows lost; the {} requests already rejected stay failed for their clients.",
                    fmt_n(self.ctr.writes_rejected as u64)
                ),
                alternative: None,
            };
        }
        let copied = if self.schema.new_col && self.schema.old_col { self.t.count(OSTALE) } else { 0 };
        let explanation = if self.v.kind == Kind::RequiredField {
            format!(
                "Before contract, the old path is intact: turn the flags off and the API stops writing {}. The column stays (nullable). 0 rows lost.",
                self.v.new
            )
        } else if copied > 0 {
            format!(
                "Before contract, both columns exist: turn the flags off and reads and writes go back to {}. {} rows were written only to {} (by the build that no longer names the old column, or a buggy one): copy them back first, then drop {}. 0 rows lost.",
                self.v.old,
                fmt_n(copied),
                self.v.new,
                self.v.new
            )
        } else {
            format!(
                "Before contract, {} is complete and still written: turn the flags off and reads and writes go back to it, then drop {}. 0 rows lost.",
                self.v.old, self.v.new
            )
        };
        RollbackConsequence {
            phase,
            method: RollbackMethod::SwitchBack,
            rows_lost: 0,
            rows_copied_back: copied,
            backup: None,
            downtime_seconds: 0.0,
            sql: self.v.rollback_switch_sql(copied > 0, self.sc.batch_size as u64, self.sc.deploy_seconds),
            explanation,
            alternative: None,
        }
    }

    /// The last phase from which a rollback loses nothing: `switch_reads` for a
    /// destructive contract (rename, enum value), unless nothing was written since
    /// the backup; `contract` when the contract is reversible (required field).
    pub fn last_safe_rollback_phase(&self) -> Phase {
        if !self.v.destructive_contract() {
            return Phase::Contract;
        }
        if !self.schema.old_col && self.restore_end.is_none() && self.t.written_since_backup() == 0 {
            return Phase::Contract;
        }
        Phase::SwitchReads
    }

    // ---- dry run ------------------------------------------------------------

    /// What a backfill started now would do, without writing anything.
    pub fn dry_run(&self) -> DryRunReport {
        let max_id = self.t.total();
        let start = match &self.job {
            Some(j) if j.kind == JobKind::Backfill && matches!(j.status, JobStatus::Stopped | JobStatus::Cancelled) => {
                j.cursor
            }
            Some(j) if j.kind == JobKind::Backfill && j.status == JobStatus::Done => j.bound + 1,
            Some(j) if matches!(j.status, JobStatus::Running | JobStatus::Throttled | JobStatus::Retrying) => j.cursor,
            _ => 1,
        };
        let bound = max_id;
        let ids = if bound >= start { bound - start + 1 } else { 0 };
        let bs = self.sc.batch_size as u64;
        let batches = ids.div_ceil(bs);
        // Rows to change: NULL rows (everything, before expand).
        let nulls = if self.schema.new_col { self.t.count(NULL) } else { max_id };
        let density = if max_id > 0 { nulls as f64 / max_id as f64 } else { 0.0 };
        let rows = ((ids as f64) * density).round() as u64;
        let batch_us =
            BATCH_OVERHEAD_US * batches as f64 + SCAN_US_PER_ID * ids as f64 + UPDATE_US_PER_ROW * rows as f64;
        let pause_us = batches.saturating_sub(1) as f64 * self.sc.batch_pause_ms as f64 * 1_000.0;
        let est = (batch_us + pause_us) / US as f64;
        let rate = if est > 0.0 { rows as f64 / est } else { 0.0 };
        let headroom = self.sc.replica_rows_per_second - self.sc.writes_per_second;
        let throttling = rate > headroom;
        let est_thr = if throttling && headroom > 0.0 { (rows as f64 / headroom).max(est) } else { est };
        let first_sql = self.v.backfill_batch_sql(start, start.saturating_add(bs - 1).min(bound.max(start)));
        let note = format!(
            "Dry run: {} batches of {} ids ({}–{}), {} rows to update, about {} at {} rows/s without faults{}. Nothing was written.",
            fmt_n(batches),
            fmt_n(bs),
            fmt_n(start),
            fmt_n(bound),
            fmt_n(rows),
            fmt_dur(est),
            fmt_n(rate as u64),
            if throttling {
                format!(
                    "; the replica applies only {} rows/s beside the app's writes, so expect throttling at the lag limit and about {}",
                    fmt_n(headroom.max(0.0) as u64),
                    fmt_dur(est_thr)
                )
            } else {
                String::new()
            }
        );
        DryRunReport {
            start_id: start,
            bound,
            batches,
            rows_to_update: rows,
            estimated_seconds: est,
            estimated_rows_per_second: rate,
            throttling_expected: throttling,
            estimated_seconds_with_throttling: est_thr,
            first_batch_sql: first_sql,
            note,
        }
    }

    // ---- views ---------------------------------------------------------------

    fn record_history(&mut self) {
        let now = self.now;
        let rows = self.ctr.rows_backfilled_total;
        let interval = secs(self.history.interval_us).max(1e-9);
        let thr = self.ctr.throttled_us;
        let point = HistoryPoint {
            second: secs(now),
            progress_pct: self.job_percent(),
            rows_backfilled: rows,
            backfill_rows_per_second: if self.history.points.is_empty() {
                0.0
            } else {
                rows.saturating_sub(self.history.last_rows) as f64 / interval
            },
            replica_lag_ms: self.lag.interval_max.max(self.lag_ms(now)),
            rows_pending: self.pending_rows(),
            mismatches: self.mismatches(),
            failed_reads: self.ctr.failed_reads as u64,
            throttled: (secs(thr.saturating_sub(self.history.throttled_at_last)) / interval).clamp(0.0, 1.0),
        };
        self.history.points.push(point);
        self.history.last_rows = rows;
        self.history.throttled_at_last = thr;
        self.lag.interval_max = 0.0;
        if self.history.points.len() >= HISTORY_MAX {
            // Halve the resolution: keep every other point.
            let pts = std::mem::take(&mut self.history.points);
            self.history.points = pts.into_iter().step_by(2).collect();
            self.history.interval_us *= 2;
        }
        self.history.next_at = (now / self.history.interval_us + 1) * self.history.interval_us;
    }

    fn job_percent(&self) -> f64 {
        match &self.job {
            Some(j) => {
                let span = j.bound.saturating_sub(j.start_id) + 1;
                let done = j.cursor.saturating_sub(j.start_id);
                (done as f64 / span as f64 * 100.0).clamp(0.0, 100.0)
            }
            None => 0.0,
        }
    }

    fn backfill_state(&self) -> Option<BackfillState> {
        let j = self.job.as_ref()?;
        let (rate, ids_rate) = match (j.ring.front(), j.ring.back()) {
            _ if j.status == JobStatus::Done && j.ended_us.is_some_and(|e| e > j.started_us) => {
                let dt = secs(j.ended_us.unwrap_or(j.started_us) - j.started_us);
                (j.rows_changed as f64 / dt, j.ids_scanned as f64 / dt)
            }
            (Some(a), Some(b)) if b.0 > a.0 => {
                let dt = secs(b.0 - a.0);
                ((b.1 - a.1) as f64 / dt, (b.2 - a.2) as f64 / dt)
            }
            _ => (0.0, 0.0),
        };
        let active = matches!(j.status, JobStatus::Running | JobStatus::Throttled | JobStatus::Retrying);
        let remaining = (j.bound + 1).saturating_sub(j.cursor);
        let eta = if !active {
            None
        } else if ids_rate > 0.0 {
            Some(remaining as f64 / ids_rate)
        } else {
            let per_batch = (BATCH_OVERHEAD_US
                + SCAN_US_PER_ID * self.sc.batch_size as f64
                + self.sc.batch_pause_ms as f64 * 1_000.0)
                / US as f64;
            Some(remaining.div_ceil(self.sc.batch_size as u64) as f64 * per_batch)
        };
        let bs = self.sc.batch_size as u64;
        let next_b = j.cursor.saturating_add(bs - 1).min(j.bound);
        Some(BackfillState {
            job: job_label(j.kind).into(),
            status: j.status,
            start_id: j.start_id,
            cursor: j.cursor,
            bound: j.bound,
            percent: self.job_percent(),
            rows_backfilled: self.t.backfilled,
            rows_pending: self.pending_rows(),
            rows_per_second: rate,
            ids_per_second: ids_rate,
            eta_seconds: eta,
            batches: j.batches,
            batch_failures: j.failures,
            throttled_seconds: secs(j.throttled_us),
            batch_size: bs,
            next_batch_sql: if active {
                match j.kind {
                    JobKind::Backfill => self.v.backfill_batch_sql(j.cursor, next_b),
                    JobKind::Repair => self.v.repair_batch_sql(j.cursor, next_b),
                    JobKind::CopyBack => self.v.copy_back_batch_sql(bs),
                }
            } else {
                String::new()
            },
            stop_reason: j.stop_reason.clone(),
        })
    }

    fn sample_view(&self) -> Vec<SampleRowView> {
        self.t
            .sample
            .iter()
            .map(|r| {
                let state = if !self.schema.new_col {
                    RowState::OldOnly
                } else if !self.schema.old_col {
                    if r.cat == NULL {
                        RowState::Null
                    } else {
                        RowState::NewOnly
                    }
                } else {
                    match r.cat {
                        NULL => RowState::Null,
                        EQ => RowState::Equal,
                        NSTALE => RowState::NewStale,
                        _ => RowState::OldStale,
                    }
                };
                let old = if self.schema.old_col || self.v.kind == Kind::RequiredField {
                    r.old.map(|v| self.v.old_name(v).to_string())
                } else {
                    None
                };
                let new = if self.schema.new_col { r.new.map(|v| self.v.new_name(v).to_string()) } else { None };
                SampleRowView {
                    id: r.id,
                    old,
                    new,
                    state,
                    written_since_backup: r.written_since_backup,
                    origin: match r.origin {
                        Origin::Initial => "initial".into(),
                        Origin::Inserted => "inserted".into(),
                        Origin::Found => "found by validation".into(),
                    },
                    last_write_second: r.last_write_us.map(secs),
                    note: r.note.clone(),
                }
            })
            .collect()
    }

    /// Everything the page shows now.
    pub fn state(&self) -> State {
        let now = self.now;
        let last_safe = self.last_safe_rollback_phase();
        let timeline = Phase::STEPS
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let r = &self.timeline[i];
                PhaseInfo {
                    phase: *p,
                    status: r.status,
                    started_second: r.started.map(secs),
                    completed_second: r.completed.map(secs),
                    sql: match p {
                        Phase::Expand => self.v.expand_sql(false),
                        Phase::DualWrite => self.v.dual_write_sql(),
                        Phase::Backfill => self.v.backfill_sql(
                            1,
                            self.t.total(),
                            self.sc.batch_size as u64,
                            self.sc.batch_pause_ms as u64,
                            self.sc.max_lag_ms as u64,
                        ),
                        Phase::SwitchReads => self.v.switch_reads_sql(),
                        _ if self.v.destructive_contract() => {
                            format!("{}\n{}", self.v.new_only_build_sql(), self.v.contract_sql(false))
                        }
                        _ => self.v.contract_sql(false),
                    },
                    safe_to_roll_back: *p <= last_safe,
                }
            })
            .collect();
        let wf = self.write.frac(now);
        let rf = self.read.frac(now);
        let (bo, bn) = self.buggy_shares(now);
        let buggy_mode = if self.write.to == WritePath::Both && (bo > 0.0 || bn > 0.0) {
            Some(if bo >= bn { "old_only".to_string() } else { "new_only".to_string() })
        } else {
            None
        };
        let active_faults =
            self.faults.iter().filter(|f| f.active(now)).map(|f| f.spec.kind.as_str().to_string()).collect();
        State {
            second: secs(now),
            kind: self.v.kind,
            phase: self.phase,
            timeline,
            table: self.v.table.clone(),
            old_column: self.v.old_label(),
            new_column: self.v.new.clone(),
            new_column_exists: self.schema.new_col,
            old_column_exists: self.schema.old_col,
            not_null: self.schema.not_null,
            total_rows: self.t.total(),
            rows_needing_backfill: if self.schema.new_col { self.t.needs } else { 0 },
            rows_backfilled: if self.schema.new_col { self.t.backfilled } else { 0 },
            rows_filled_by_app: if self.schema.new_col { self.t.filled_by_app } else { 0 },
            rows_pending: self.pending_rows(),
            mismatches: self.mismatches(),
            new_stale: if self.schema.old_col && self.schema.new_col { self.t.count(NSTALE) } else { 0 },
            old_stale: if self.schema.old_col && self.schema.new_col { self.t.count(OSTALE) } else { 0 },
            replica_lag_ms: (self.lag_ms(now) * 10.0).round() / 10.0,
            throttled: self.job.as_ref().is_some_and(|j| j.status == JobStatus::Throttled),
            backfill: self.backfill_state(),
            read: ReadState {
                path: self.read.to,
                rolling_from: if self.read.rolling(now) { Some(self.read.from) } else { None },
                rollout_pct: rf * 100.0,
                old_column_read_share: self.old_read_share(now),
                failing: self.ctr.reads_failing || self.restore_end.is_some(),
            },
            write: WriteState {
                path: self.write.to,
                rolling_from: if self.write.rolling(now) { Some(self.write.from) } else { None },
                rollout_pct: wf * 100.0,
                buggy_share: if buggy_mode.is_some() { (bo + bn).min(1.0) } else { 0.0 },
                buggy_mode,
                legacy_client_share: if self.v.kind == Kind::Rename { 0.0 } else { self.legacy_share(now) },
            },
            sample: self.sample_view(),
            backups: self.backups.clone(),
            rows_written_since_backup: self.t.written_since_backup(),
            rows_lost: self.ctr.rows_lost_total,
            values_lost_at_contract: self.ctr.values_lost_at_contract,
            failed_reads: self.ctr.failed_reads as u64,
            stale_reads: self.ctr.stale_reads as u64,
            writes_rejected: self.ctr.writes_rejected as u64,
            writes_blocked: self.ctr.writes_blocked as u64,
            reads_blocked: self.ctr.reads_blocked as u64,
            failures: self.statement_failures(),
            last_safe_rollback_phase: last_safe,
            busy: self.busy(),
            active_faults,
        }
    }

    /// The end-of-run summary (valid at any time).
    pub fn summary(&self) -> Summary {
        let stopped = self.job.as_ref().is_some_and(|j| j.status == JobStatus::Stopped);
        Summary {
            title: self.sc.title.clone(),
            kind: self.v.kind,
            final_phase: self.phase,
            rows_lost: self.ctr.rows_lost_total,
            values_lost_at_contract: self.ctr.values_lost_at_contract,
            mismatches: self.mismatches(),
            peak_mismatches: self.ctr.peak_mismatches,
            rows_pending: self.pending_rows(),
            rows_backfilled: self.ctr.rows_backfilled_total,
            backfill_complete: self.ctr.backfill_complete,
            backfill_stopped: stopped,
            batches: self.ctr.batches,
            batch_failures: self.ctr.batch_failures,
            throttled_seconds: secs(self.ctr.throttled_us),
            max_replica_lag_ms: (self.ctr.max_lag_ms * 10.0).round() / 10.0,
            failed_reads: self.ctr.failed_reads as u64,
            stale_reads: self.ctr.stale_reads as u64,
            writes_rejected: self.ctr.writes_rejected as u64,
            writes_blocked: self.ctr.writes_blocked as u64,
            reads_blocked: self.ctr.reads_blocked as u64,
            failures: self.statement_failures(),
            contract_failed: self.ctr.contract_failed,
            validation_found_problem: self.ctr.validation_found_problem,
            validations_run: self.ctr.validations_run,
            last_safe_rollback_phase: self.last_safe_rollback_phase(),
            rolled_back: self.ctr.rolled_back,
            rollback: self.last_rollback.clone(),
            duration_seconds: secs(self.now),
            total_rows: self.t.total(),
            events: self.events.len() + self.events_dropped as usize,
        }
    }

    /// Internal consistency of the table model (used by tests).
    #[doc(hidden)]
    pub fn check_invariants(&self) -> Result<(), String> {
        self.t.check()?;
        if self.schema.new_col {
            let lhs = self.t.needs;
            let rhs = self.t.backfilled + self.t.filled_by_app + self.t.count(NULL);
            if lhs != rhs {
                return Err(format!(
                    "conservation: needs {lhs} != backfilled {} + filled_by_app {} + pending {}",
                    self.t.backfilled,
                    self.t.filled_by_app,
                    self.t.count(NULL)
                ));
            }
        }
        let cats: u64 = (0..4).map(|c| self.t.count(c)).sum();
        if cats != self.t.total() {
            return Err(format!("states sum to {cats}, table has {}", self.t.total()));
        }
        Ok(())
    }
}
