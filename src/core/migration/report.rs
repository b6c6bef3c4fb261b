//! What the engine shows: state, events, history, validation results, rollback
//! consequences, dry runs and the summary. All serialisable for the page and the CLI.

use super::scenario::{Fault, Kind, Phase};
use serde::{Deserialize, Serialize};

/// An action taken on a running simulation (by the learner, a scenario or a gate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Add the new column.
    Expand,
    /// Deploy dual write (or redeploy a fixed build).
    DualWrite,
    /// Start or resume the backfill.
    Backfill,
    /// Read the new column with fallback.
    SwitchReads,
    /// Deploy the build that no longer names the old column (contract, move 1).
    DeployNewOnly,
    /// Remove the old shape.
    Contract,
    /// Roll back.
    Rollback,
    /// Fix forward.
    Rollforward,
    /// Run the validation queries.
    Validate,
    /// Take a backup.
    Backup,
    /// Report a backfill plan without writing.
    DryRun,
    /// Reconcile drifted/NULL rows.
    Repair,
    /// Inject a fault; its `at_second` counts from now.
    Inject(Fault),
}

impl Action {
    /// Short name for event messages.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Expand => "expand",
            Action::DualWrite => "dual_write",
            Action::Backfill => "backfill",
            Action::SwitchReads => "switch_reads",
            Action::DeployNewOnly => "deploy_new_only",
            Action::Contract => "contract",
            Action::Rollback => "rollback",
            Action::Rollforward => "rollforward",
            Action::Validate => "validate",
            Action::Backup => "backup",
            Action::DryRun => "dry_run",
            Action::Repair => "repair",
            Action::Inject(_) => "inject",
        }
    }
}

impl From<super::scenario::ActionKind> for Action {
    fn from(k: super::scenario::ActionKind) -> Self {
        use super::scenario::ActionKind as K;
        match k {
            K::Expand => Action::Expand,
            K::DualWrite => Action::DualWrite,
            K::Backfill => Action::Backfill,
            K::SwitchReads => Action::SwitchReads,
            K::DeployNewOnly => Action::DeployNewOnly,
            K::Contract => Action::Contract,
            K::Rollback => Action::Rollback,
            K::Rollforward => Action::Rollforward,
            K::Validate => Action::Validate,
            K::Backup => Action::Backup,
            K::DryRun => Action::DryRun,
            K::Repair => Action::Repair,
        }
    }
}

/// An action with the simulated time it was taken at (µs, exact), for replay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    /// Simulated time in microseconds.
    pub at_us: u64,
    /// The action.
    pub action: Action,
}

/// What `act` answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActOutcome {
    /// false when the action was refused (nothing changed).
    pub accepted: bool,
    /// What happened, or why it was refused.
    pub message: String,
}

/// Kind of an event in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An action was taken.
    Action,
    /// An action was refused.
    Refused,
    /// A phase started.
    PhaseStarted,
    /// A phase completed.
    PhaseCompleted,
    /// A warning about a risky step.
    Warning,
    /// DDL could not get its lock in time (lock_timeout) and will retry.
    LockTimeout,
    /// DDL waited for a lock or rewrote the table: queries were blocked.
    LockBlocked,
    /// A step failed for good.
    Failed,
    /// A backfill batch failed.
    BatchFailed,
    /// The backfill stopped after too many retries.
    BackfillStopped,
    /// The backfill (or repair) job finished.
    JobCompleted,
    /// Throttling started (replica lag above max_lag_ms).
    ThrottleOn,
    /// Throttling ended.
    ThrottleOff,
    /// A fault started.
    FaultStarted,
    /// A fault ended.
    FaultEnded,
    /// Validation ran and every check passed.
    ValidationPassed,
    /// Validation ran and found a problem.
    ValidationFailed,
    /// Reads started failing (older logs; the engine now logs
    /// [`EventKind::StatementsFailing`] with typed data).
    ReadsFailing,
    /// Writes started being rejected.
    WritesRejected,
    /// Data was lost.
    DataLost,
    /// A backup was taken.
    Backup,
    /// A dry run report.
    DryRun,
    /// Rollback started or finished.
    Rollback,
    /// Fix forward.
    Rollforward,
    /// The simulation hit its time limit.
    Limit,
    /// Application statements started failing (data: which, SQLSTATE, share).
    StatementsFailing,
    /// Those statements succeed again (data: how many failed).
    StatementsRecovered,
    /// A build started rolling out (data: which build, how long).
    DeployStarted,
    /// A build runs on every instance (data: which build).
    DeployCompleted,
}

/// One entry of the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Simulated second.
    pub second: f64,
    /// What kind of event.
    pub kind: EventKind,
    /// Human-readable message.
    pub message: String,
    /// The SQL it ran, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
    /// The typed facts behind the event (kinds and numbers), when it has them;
    /// `message` is written from these (see `messages.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<EventData>,
}

/// The SQLSTATE PostgreSQL answers a failed statement with
/// (<https://www.postgresql.org/docs/current/errcodes-appendix.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqlState {
    /// `42703 undefined_column`: the statement names a column that does not exist.
    UndefinedColumn,
    /// `23514 check_violation`: a row the statement inserts or updates fails a
    /// CHECK constraint.
    CheckViolation,
}

impl SqlState {
    /// The five-character SQLSTATE code.
    pub fn code(self) -> &'static str {
        match self {
            SqlState::UndefinedColumn => "42703",
            SqlState::CheckViolation => "23514",
        }
    }

    /// The condition name of the errcodes appendix.
    pub fn condition(self) -> &'static str {
        match self {
            SqlState::UndefinedColumn => "undefined_column",
            SqlState::CheckViolation => "check_violation",
        }
    }
}

/// Which of the application's statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statement {
    /// A read (`SELECT`).
    Select,
    /// A write that creates a row (`INSERT`).
    Insert,
    /// A write that changes a row (`UPDATE`).
    Update,
}

/// The application build an instance runs: which columns its statements name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Build {
    /// The build that reads and writes only the new column (the contract's
    /// first move): none of its statements names the old column.
    NewOnly,
}

/// What holds a lock that a DDL statement waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockHolder {
    /// A long transaction (the `long_lock` fault, cause `blocker`).
    LongTransaction,
    /// A `pg_dump` of the table (a `backup`): ACCESS SHARE for its whole run.
    PgDump,
}

/// Which DDL statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DdlStep {
    /// The expand `ALTER TABLE … ADD COLUMN`.
    Expand,
    /// The contract `ALTER TABLE …` (DROP COLUMN, or ADD CONSTRAINT … NOT VALID).
    Contract,
    /// The rollback's `ALTER TABLE … DROP COLUMN IF EXISTS` of the new column
    /// (or, for a new field, `DROP CONSTRAINT IF EXISTS`).
    RollbackDrop,
    /// The rollback of a reversible contract (`DROP CONSTRAINT`, `DROP NOT NULL`).
    RollbackReverse,
}

/// The typed facts of an event: kinds and numbers, no prose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventData {
    /// Statements of one kind started failing with one SQLSTATE.
    StatementsFailing {
        /// Which statement.
        statement: Statement,
        /// The error PostgreSQL answers.
        sqlstate: SqlState,
        /// The column (or, for a check, the constrained column) involved.
        column: String,
        /// Share of those statements failing now (0–1).
        share: f64,
    },
    /// Those statements succeed again.
    StatementsRecovered {
        /// Which statement.
        statement: Statement,
        /// The error they no longer get.
        sqlstate: SqlState,
        /// The column involved.
        column: String,
        /// How many failed while it lasted.
        failed: u64,
    },
    /// A build started rolling out.
    DeployStarted {
        /// Which build.
        build: Build,
        /// Seconds until it runs on every instance.
        seconds: f64,
    },
    /// A build runs on every instance.
    DeployCompleted {
        /// Which build.
        build: Build,
    },
    /// A DDL statement queues for ACCESS EXCLUSIVE with no `lock_timeout`: every
    /// later query on the table queues behind it until the holder lets go.
    DdlQueued {
        /// Which statement.
        ddl: DdlStep,
        /// What holds the conflicting lock.
        holder: LockHolder,
        /// Seconds it (and every query behind it) waits.
        wait_seconds: f64,
        /// Application writes that wait meanwhile.
        writes_blocked: u64,
        /// Application reads that wait meanwhile.
        reads_blocked: u64,
    },
    /// A DDL statement was cancelled by `lock_timeout` and will retry.
    DdlLockTimeout {
        /// Which statement.
        ddl: DdlStep,
        /// What holds the conflicting lock.
        holder: LockHolder,
        /// The `lock_timeout` (ms).
        lock_timeout_ms: u64,
        /// Attempts so far.
        attempt: u32,
        /// Seconds until the next attempt.
        retry_in_seconds: f64,
    },
    /// A DDL statement gave up after too many lock timeouts.
    DdlGaveUp {
        /// Which statement.
        ddl: DdlStep,
        /// What holds the conflicting lock.
        holder: LockHolder,
        /// Attempts made.
        attempts: u32,
    },
    /// A `pg_dump` of the table started: it holds ACCESS SHARE until it ends.
    BackupStarted {
        /// Rows it dumps.
        rows: u64,
        /// Seconds it runs (rows / `dump_rows_per_second`).
        seconds: f64,
        /// Does it contain the old column (can it undo a destructive contract)?
        has_old_column: bool,
    },
    /// The `pg_dump` finished: the backup is usable and the lock is released.
    BackupCompleted {
        /// Rows in it (as of the dump's start: its snapshot).
        rows: u64,
        /// Does it contain the old column?
        has_old_column: bool,
    },
    /// A running `pg_dump` was cancelled (a restore needs the table): its
    /// backup never completed.
    BackupCancelled {
        /// Rows it was dumping.
        rows: u64,
    },
    /// The recovery point taken when the migration starts: a base backup plus
    /// the WAL archive (point-in-time recovery), no lock on the table.
    RecoveryPoint {
        /// Rows in the table at that moment.
        rows: u64,
    },
    /// A rollback before contract started: flags off (reaching every instance
    /// over `deploy_seconds`), then any copy-back, then the DDL.
    RollbackStarted {
        /// How the rollback is done.
        method: RollbackMethod,
        /// Seconds until every instance has the flags off.
        flags_off_seconds: f64,
        /// Rows that only the new column has now (to copy back).
        rows_to_copy_back: u64,
    },
    /// The batched copy-back of the rows only the new column had started.
    CopyBackStarted {
        /// Rows to copy back.
        rows: u64,
        /// Rows per batch (`batch_size`).
        batch_size: u64,
    },
    /// The copy-back finished.
    CopyBackCompleted {
        /// Batches committed.
        batches: u64,
        /// Rows copied back.
        rows: u64,
    },
    /// A rollback finished: the app and the table are on the old shape.
    RollbackCompleted {
        /// How the rollback was done.
        method: RollbackMethod,
        /// Rows copied back from the new column.
        rows_copied_back: u64,
        /// Seconds from the rollback's start.
        seconds: f64,
    },
    /// A replica query that blocked WAL replay was cancelled after
    /// `max_standby_streaming_delay` (SQLSTATE 40001, "conflict with recovery").
    ReplicaQueryCancelled {
        /// The `max_standby_streaming_delay` (ms) it was cancelled after.
        max_standby_streaming_delay_ms: u64,
    },
}

/// Application statements PostgreSQL rejected, by statement and SQLSTATE.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatementFailures {
    /// Reads failed with `42703 undefined_column`.
    pub select_undefined_column: u64,
    /// Inserts failed with `42703 undefined_column`.
    pub insert_undefined_column: u64,
    /// Updates failed with `42703 undefined_column`.
    pub update_undefined_column: u64,
    /// Inserts failed with `23514 check_violation`.
    pub insert_check_violation: u64,
    /// Updates failed with `23514 check_violation`.
    pub update_check_violation: u64,
}

impl StatementFailures {
    /// Failed statements of `statement` with `sqlstate`.
    pub fn get(&self, statement: Statement, sqlstate: SqlState) -> u64 {
        match (statement, sqlstate) {
            (Statement::Select, SqlState::UndefinedColumn) => self.select_undefined_column,
            (Statement::Insert, SqlState::UndefinedColumn) => self.insert_undefined_column,
            (Statement::Update, SqlState::UndefinedColumn) => self.update_undefined_column,
            (Statement::Insert, SqlState::CheckViolation) => self.insert_check_violation,
            (Statement::Update, SqlState::CheckViolation) => self.update_check_violation,
            (Statement::Select, SqlState::CheckViolation) => 0,
        }
    }

    /// Writes (inserts and updates) failed with `42703 undefined_column`.
    pub fn writes_undefined_column(&self) -> u64 {
        self.insert_undefined_column + self.update_undefined_column
    }
}

/// Where the application reads the migrated value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadPath {
    /// The old column (or, for required_field, no customerType in responses).
    Old,
    /// The new column, falling back to the old one when NULL
    /// (`COALESCE(new, old)`: the statement names both columns).
    NewWithFallback,
    /// Only the new column (the build that no longer names the old one).
    New,
}

/// Which columns the application writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WritePath {
    /// Only the old column.
    Old,
    /// Both columns (dual write).
    Both,
    /// Only the new column (the build that no longer names the old one).
    New,
}

/// The read path and any rollout in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadState {
    /// Path of the instances already updated (the target during a rollout).
    pub path: ReadPath,
    /// The path being replaced during a rollout.
    pub rolling_from: Option<ReadPath>,
    /// Share of instances on `path` (0–100).
    pub rollout_pct: f64,
    /// Share of reads (0–1) that still use the old column, e.g. another service.
    pub old_column_read_share: f64,
    /// Are reads failing right now?
    pub failing: bool,
}

/// The write path and any rollout in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WriteState {
    /// Path of the instances already updated.
    pub path: WritePath,
    /// The path being replaced during a rollout.
    pub rolling_from: Option<WritePath>,
    /// Share of instances on `path` (0–100).
    pub rollout_pct: f64,
    /// Share of writes a buggy build serves (0–1) and which column it forgets.
    pub buggy_share: f64,
    /// "old_only" or "new_only" when a buggy build is live.
    pub buggy_mode: Option<String>,
    /// Share of requests from legacy clients (required_field / enum_value).
    pub legacy_client_share: f64,
}

/// Status of the backfill/repair job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// No job has run.
    Idle,
    /// Copying.
    Running,
    /// Paused: replica lag above max_lag_ms.
    Throttled,
    /// Waiting to retry a failed batch.
    Retrying,
    /// Stopped after too many failures (resume with `backfill`).
    Stopped,
    /// Finished.
    Done,
    /// Cancelled by a rollback.
    Cancelled,
}

/// Progress of the backfill (or repair pass).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackfillState {
    /// "backfill" or "repair".
    pub job: String,
    /// Status.
    pub status: JobStatus,
    /// First id of the job.
    pub start_id: u64,
    /// Next id to process.
    pub cursor: u64,
    /// Last id of the job (max id when it started).
    pub bound: u64,
    /// Ids passed, in % of the job's range.
    pub percent: f64,
    /// Rows the job changed (all jobs in this migration).
    pub rows_backfilled: u64,
    /// Rows whose new column is still NULL.
    pub rows_pending: u64,
    /// Rows changed per second over the last ten seconds.
    pub rows_per_second: f64,
    /// Ids scanned per second over the last ten seconds.
    pub ids_per_second: f64,
    /// Seconds until the job passes its last id, at the current pace.
    pub eta_seconds: Option<f64>,
    /// Batches committed.
    pub batches: u64,
    /// Failed batch attempts.
    pub batch_failures: u64,
    /// Seconds spent throttled.
    pub throttled_seconds: f64,
    /// Rows per batch.
    pub batch_size: u64,
    /// The next batch's SQL.
    pub next_batch_sql: String,
    /// Why the job stopped, when it did.
    pub stop_reason: Option<String>,
}

/// State of one sample row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// There is no new column yet.
    OldOnly,
    /// New column NULL: waits for the backfill.
    Null,
    /// Both columns agree.
    Equal,
    /// New column stale: the old column has the latest write.
    NewStale,
    /// Old column stale: the new column has the latest write.
    OldStale,
    /// Only the new column exists (after contract).
    NewOnly,
}

/// A concrete row, both columns shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRowView {
    /// Primary key.
    pub id: u64,
    /// Old column value (None = NULL or column absent).
    pub old: Option<String>,
    /// New column value (None = NULL or column absent).
    pub new: Option<String>,
    /// Its state.
    pub state: RowState,
    /// Written since the latest usable backup (would be lost by a restore).
    pub written_since_backup: bool,
    /// "initial", "inserted" or "found by validation".
    pub origin: String,
    /// Second of its latest write.
    pub last_write_second: Option<f64>,
    /// Anything notable (e.g. value lost at contract).
    pub note: Option<String>,
}

/// A backup taken during the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// When.
    pub second: f64,
    /// Phase at that moment.
    pub phase: Phase,
    /// Does it contain the old column (can it undo a destructive contract)?
    pub has_old_column: bool,
    /// Rows in it.
    pub rows: u64,
    /// Taken automatically when the migration started.
    pub automatic: bool,
    /// Rows already lost when it was taken (a restore cannot bring those back;
    /// values lost later, e.g. at contract, come back unless written since).
    pub rows_lost_before: u64,
    /// When the dump finished (None while `pg_dump` still runs; the recovery
    /// point at the start of the migration is complete at once).
    #[serde(default)]
    pub completed_second: Option<f64>,
}

/// Status of one phase on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseStatus {
    /// Not entered.
    Pending,
    /// Entered, in progress.
    Running,
    /// Completed.
    Done,
    /// Failed.
    Failed,
    /// Undone by a rollback.
    RolledBack,
}

/// One phase of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseInfo {
    /// Which phase.
    pub phase: Phase,
    /// Its status.
    pub status: PhaseStatus,
    /// When it was entered.
    pub started_second: Option<f64>,
    /// When it completed.
    pub completed_second: Option<f64>,
    /// The PostgreSQL (and flag changes) it runs.
    pub sql: String,
    /// Would a rollback from this phase lose nothing?
    pub safe_to_roll_back: bool,
}

/// Everything the page shows at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Simulated seconds since the start.
    pub second: f64,
    /// Migration kind.
    pub kind: Kind,
    /// Latest phase entered.
    pub phase: Phase,
    /// The five phases with status, SQL and safety.
    pub timeline: Vec<PhaseInfo>,
    /// Table name, old column label, new column name.
    pub table: String,
    /// Old column (or source) label for the sample table.
    pub old_column: String,
    /// New column.
    pub new_column: String,
    /// Does the new column exist?
    pub new_column_exists: bool,
    /// Does the old column exist?
    pub old_column_exists: bool,
    /// required_field: is `SET NOT NULL` in force?
    pub not_null: bool,
    /// Rows in the table.
    pub total_rows: u64,
    /// Rows that needed the copy since expand.
    pub rows_needing_backfill: u64,
    /// Rows the backfill/repair filled.
    pub rows_backfilled: u64,
    /// NULL rows that an application write filled (dual write).
    pub rows_filled_by_app: u64,
    /// Rows whose new column is NULL.
    pub rows_pending: u64,
    /// Rows where the columns disagree (new stale + old stale).
    pub mismatches: u64,
    /// Rows whose new column is stale.
    pub new_stale: u64,
    /// Rows whose old column is stale.
    pub old_stale: u64,
    /// Replica lag now.
    pub replica_lag_ms: f64,
    /// Is the backfill throttled?
    pub throttled: bool,
    /// Backfill progress (None before the first job).
    pub backfill: Option<BackfillState>,
    /// Read path.
    pub read: ReadState,
    /// Write path.
    pub write: WriteState,
    /// Concrete rows.
    pub sample: Vec<SampleRowView>,
    /// Backups taken.
    pub backups: Vec<BackupInfo>,
    /// Rows written since the latest usable backup (a restore would lose them).
    pub rows_written_since_backup: u64,
    /// Rows lost so far.
    pub rows_lost: u64,
    /// Values lost when the old column was dropped.
    pub values_lost_at_contract: u64,
    /// Reads that failed.
    pub failed_reads: u64,
    /// Reads that returned a stale value.
    pub stale_reads: u64,
    /// Writes rejected (constraint, required field, downtime).
    pub writes_rejected: u64,
    /// Writes that waited behind a lock.
    pub writes_blocked: u64,
    /// Reads that waited behind a lock.
    pub reads_blocked: u64,
    /// Application statements PostgreSQL rejected, by statement and SQLSTATE
    /// (also counted in `failed_reads` and `writes_rejected`).
    pub failures: StatementFailures,
    /// Last phase from which a rollback loses nothing.
    pub last_safe_rollback_phase: Phase,
    /// Is anything in progress (job, DDL, deploy, restore)?
    pub busy: bool,
    /// Faults active now (kind names).
    pub active_faults: Vec<String>,
}

/// A point of the time series for charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// Simulated second.
    pub second: f64,
    /// Backfill progress (% of the job's ids).
    pub progress_pct: f64,
    /// Rows filled by jobs so far.
    pub rows_backfilled: u64,
    /// Rows filled per second over the interval.
    pub backfill_rows_per_second: f64,
    /// Highest replica lag in the interval.
    pub replica_lag_ms: f64,
    /// NULL rows.
    pub rows_pending: u64,
    /// Mismatched rows.
    pub mismatches: u64,
    /// Failed reads so far.
    pub failed_reads: u64,
    /// Share of the interval spent throttled (0–1).
    pub throttled: f64,
}

/// Result of one validation query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QueryResult {
    /// A single count.
    Count {
        /// The count.
        value: u64,
    },
    /// A table.
    Table {
        /// Column names.
        columns: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
    /// A share (0–1), e.g. from API logs.
    Share {
        /// The share.
        value: f64,
    },
    /// What PostgreSQL would answer.
    Error {
        /// Error text.
        message: String,
    },
    /// The query makes no sense for this kind.
    NotApplicable {
        /// Why.
        reason: String,
    },
}

/// A validation query, its SQL and its result on the simulated state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationResult {
    /// Stable identifier (`null_count`, `mismatch_count`, `counts_per_value`,
    /// `sample_check`, `old_column_readers`, `legacy_clients`).
    pub name: String,
    /// Title for the page.
    pub title: String,
    /// The SQL.
    pub sql: String,
    /// The result.
    pub result: QueryResult,
    /// Does the result look healthy?
    pub ok: bool,
    /// What it means.
    pub note: String,
}

/// How a rollback would be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollbackMethod {
    /// Nothing to roll back.
    Nothing,
    /// Flags off: reads and writes back on the old column (before contract).
    SwitchBack,
    /// Restore the latest backup that still has the old column.
    RestoreFromBackup,
    /// Undo a reversible contract (`DROP NOT NULL`, field optional again).
    ReverseDdl,
}

/// What a rollback would cost now (preview) or did cost (after).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollbackConsequence {
    /// Phase at the moment of the preview.
    pub phase: Phase,
    /// How it would be done.
    pub method: RollbackMethod,
    /// Rows that would be lost.
    pub rows_lost: u64,
    /// Rows that must be copied back from the new column first (buggy new-only writes).
    pub rows_copied_back: u64,
    /// The backup a restore would use.
    pub backup: Option<BackupInfo>,
    /// Seconds of downtime (a restore) before the app works again.
    pub downtime_seconds: f64,
    /// The SQL / commands.
    pub sql: String,
    /// Plain-language explanation.
    pub explanation: String,
    /// Another way, with its own cost (e.g. targeted repair after contract).
    pub alternative: Option<String>,
}

/// What a backfill would do, without writing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DryRunReport {
    /// First id it would process.
    pub start_id: u64,
    /// Last id it would process.
    pub bound: u64,
    /// Batches.
    pub batches: u64,
    /// Rows it would change (NULL rows now in that range, or all if not expanded).
    pub rows_to_update: u64,
    /// Estimated duration without faults or throttling.
    pub estimated_seconds: f64,
    /// Estimated rows per second.
    pub estimated_rows_per_second: f64,
    /// Would the replica fall behind at that pace (so throttling will stretch it)?
    pub throttling_expected: bool,
    /// Estimated duration if throttling holds the replica at max_lag_ms.
    pub estimated_seconds_with_throttling: f64,
    /// First batch's SQL.
    pub first_batch_sql: String,
    /// Summary sentence.
    pub note: String,
}

/// The end-of-run summary (CLI last line, page summary, scenario `expect`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Scenario title.
    pub title: String,
    /// Migration kind.
    pub kind: Kind,
    /// Latest phase entered.
    pub final_phase: Phase,
    /// Rows lost in the run (values dropped at contract, rows lost by a restore).
    pub rows_lost: u64,
    /// Values lost when the old column was dropped.
    pub values_lost_at_contract: u64,
    /// Mismatched rows at the end.
    pub mismatches: u64,
    /// Most mismatched rows seen at any time.
    pub peak_mismatches: u64,
    /// NULL rows at the end.
    pub rows_pending: u64,
    /// Rows filled by backfill/repair jobs (whole run).
    pub rows_backfilled: u64,
    /// Did a backfill job pass its last id?
    pub backfill_complete: bool,
    /// Did a backfill stop after too many failures (and stay stopped)?
    pub backfill_stopped: bool,
    /// Batches committed.
    pub batches: u64,
    /// Failed batch attempts.
    pub batch_failures: u64,
    /// Seconds the backfill was throttled.
    pub throttled_seconds: f64,
    /// Highest replica lag.
    pub max_replica_lag_ms: f64,
    /// Reads that failed.
    pub failed_reads: u64,
    /// Reads that returned stale values.
    pub stale_reads: u64,
    /// Writes rejected.
    pub writes_rejected: u64,
    /// Writes that waited behind a lock.
    pub writes_blocked: u64,
    /// Reads that waited behind a lock.
    pub reads_blocked: u64,
    /// Application statements PostgreSQL rejected, by statement and SQLSTATE
    /// (also counted in `failed_reads` and `writes_rejected`).
    #[serde(default)]
    pub failures: StatementFailures,
    /// Did the contract step fail (e.g. VALIDATE found NULLs)?
    pub contract_failed: bool,
    /// Did any validation find NULLs or drift?
    pub validation_found_problem: bool,
    /// Validations run.
    pub validations_run: u32,
    /// Last phase from which a rollback loses nothing.
    pub last_safe_rollback_phase: Phase,
    /// Was the migration rolled back?
    pub rolled_back: bool,
    /// What the (last) rollback cost.
    pub rollback: Option<RollbackConsequence>,
    /// Simulated seconds.
    pub duration_seconds: f64,
    /// Rows in the table at the end.
    pub total_rows: u64,
    /// Events logged.
    pub events: usize,
}

/// Can an action be taken now, and what would it risk? One per button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionHint {
    /// The action.
    pub action: super::scenario::ActionKind,
    /// false: the action would be refused now.
    pub enabled: bool,
    /// Why it would be refused (when not enabled).
    pub reason: Option<String>,
    /// What it would risk now (logged as warnings if taken).
    pub warnings: Vec<String>,
}
