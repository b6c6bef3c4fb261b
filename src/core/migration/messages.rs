//! Sentences for typed events. The engine records what happened as
//! [`EventData`] (kinds and numbers); this is the one place that words it.

use super::report::{Build, DdlStep, EventData, LockHolder, RollbackMethod, SqlState, Statement};
use super::sql::Variant;

fn statement_name(s: Statement) -> &'static str {
    match s {
        Statement::Select => "Reads",
        Statement::Insert => "Inserts",
        Statement::Update => "Updates",
    }
}

fn ddl_name(d: DdlStep, v: &Variant) -> String {
    match d {
        DdlStep::Expand => "The expand ALTER".into(),
        DdlStep::Contract => "The contract ALTER".into(),
        DdlStep::RollbackDrop if v.destructive_contract() => format!("The rollback's DROP COLUMN {}", v.new),
        DdlStep::RollbackDrop => "The rollback's DROP CONSTRAINT".into(),
        DdlStep::RollbackReverse => "The rollback's DROP CONSTRAINT / DROP NOT NULL".into(),
    }
}

fn holder_text(h: LockHolder) -> &'static str {
    match h {
        LockHolder::LongTransaction => "a long transaction",
        LockHolder::PgDump => "a running pg_dump (ACCESS SHARE for its whole run)",
    }
}

fn n(x: u64) -> String {
    crate::core::num::thousands(x as i64)
}

fn error_text(sqlstate: SqlState, column: &str, table: &str) -> String {
    match sqlstate {
        SqlState::UndefinedColumn => format!("ERROR: column \"{column}\" does not exist"),
        SqlState::CheckViolation => {
            format!("ERROR: new row for relation \"{table}\" violates check constraint \"{table}_{column}_not_null\"")
        }
    }
}

/// The sentence for an event's data (`v`: the migration's table and columns).
pub(super) fn sentence(data: &EventData, v: &Variant) -> String {
    let table = v.table.as_str();
    match data {
        EventData::DeployStarted { build: Build::NewOnly, seconds } => format!(
            "Contract, move 1: deploying the build that no longer names {o} — it reads and writes only {n}; \
             it runs on every instance within {}. Drop {o} only after that.",
            crate::core::num::duration(*seconds),
            o = v.old,
            n = v.new
        ),
        EventData::DeployCompleted { build: Build::NewOnly } => {
            format!("Every instance runs the build that names only {}: no statement names {} any more.", v.new, v.old)
        }
        EventData::StatementsFailing { statement, sqlstate, column, share } => {
            let what = statement_name(*statement);
            let why = match (statement, sqlstate) {
                (Statement::Update, SqlState::CheckViolation) => format!(
                    " — the NOT VALID check applies to every updated row, and these rows still have {column} NULL"
                ),
                (_, SqlState::CheckViolation) => format!(" — they leave {column} NULL"),
                (_, SqlState::UndefinedColumn) => format!(" — the running build still names {column}"),
            };
            format!(
                "{what} fail: {:.0}% of them get {} ({} {}){why}.",
                share * 100.0,
                error_text(*sqlstate, column, table),
                sqlstate.code(),
                sqlstate.condition()
            )
        }
        EventData::StatementsRecovered { statement, sqlstate, failed, .. } => format!(
            "{} succeed again ({} failed with {} {}).",
            statement_name(*statement),
            super::engine::fmt_n(*failed),
            sqlstate.code(),
            sqlstate.condition()
        ),
        EventData::DdlQueued { ddl, holder, wait_seconds, writes_blocked, reads_blocked } => format!(
            "{} queues for ACCESS EXCLUSIVE behind {}, with no lock_timeout: every query on {table} queues behind it for {} ({} writes and {} reads stall). With lock_timeout = 500 ms (pgroll's default) it would fail fast and retry instead.",
            ddl_name(*ddl, v),
            holder_text(*holder),
            crate::core::num::duration(*wait_seconds),
            n(*writes_blocked),
            n(*reads_blocked)
        ),
        EventData::DdlLockTimeout { ddl, holder, lock_timeout_ms, attempt, retry_in_seconds } => format!(
            "{} waited {lock_timeout_ms} ms for ACCESS EXCLUSIVE ({} holds a conflicting lock) and was cancelled by lock_timeout: queries on {table} waited at most {lock_timeout_ms} ms. Retry {attempt} in {}.",
            ddl_name(*ddl, v),
            holder_text(*holder),
            crate::core::num::duration(*retry_in_seconds)
        ),
        EventData::DdlGaveUp { ddl, holder, attempts } => format!(
            "{} gave up after {attempts} lock timeouts; try again when {} is gone.",
            ddl_name(*ddl, v),
            holder_text(*holder)
        ),
        EventData::BackupStarted { rows, seconds, has_old_column } => format!(
            "Backup started: pg_dump of {} rows, about {}. It holds ACCESS SHARE on {table} until it ends, so any ALTER TABLE waits for it.{}",
            n(*rows),
            crate::core::num::duration(*seconds),
            if *has_old_column {
                String::new()
            } else {
                format!(" {} is already dropped: this backup cannot undo the contract.", v.old)
            }
        ),
        EventData::BackupCompleted { rows, has_old_column } => format!(
            "Backup finished ({} rows, as of the dump's start){}; the lock on {table} is released.",
            n(*rows),
            if *has_old_column {
                ": a restore would bring the table back to that moment"
            } else {
                ", but without the dropped column: a rollback still restores the last backup taken before contract"
            }
        ),
        EventData::BackupCancelled { rows } => format!(
            "The running pg_dump ({} rows) is cancelled: the restore drops and reloads {table} (ACCESS EXCLUSIVE), which would wait for the dump. That backup never completed.",
            n(*rows)
        ),
        EventData::RecoveryPoint { rows } => format!(
            "Recovery point at the start of the migration ({} rows): a base backup plus the WAL archive, so a point-in-time recovery can bring the table back to this moment. It takes no lock on {table}.",
            n(*rows)
        ),
        EventData::RollbackStarted { method: RollbackMethod::ReverseDdl, .. } => "Rolling back the requirement: DROP CONSTRAINT and DROP NOT NULL under lock_timeout; customerType becomes optional again (the safe default applies) once they commit. 0 rows lost.".to_string(),
        EventData::RollbackStarted { flags_off_seconds, rows_to_copy_back, .. } => format!(
            "Rolling back: flags off, reaching every instance within {}{}; then {}. 0 rows lost.",
            crate::core::num::duration(*flags_off_seconds),
            if *rows_to_copy_back > 0 {
                format!(
                    "; then about {} rows that only {} has are copied back in batches",
                    n(*rows_to_copy_back),
                    v.new
                )
            } else {
                String::new()
            },
            super::messages::rollback_ddl_words(v)
        ),
        EventData::CopyBackStarted { rows, batch_size } => format!(
            "Copy-back started: {} rows that only {} has go back to {} in batches of {}, like the backfill.",
            n(*rows),
            v.new,
            v.old,
            n(*batch_size)
        ),
        EventData::CopyBackCompleted { batches, rows } => {
            format!("Copy-back finished: {} batches, {} rows copied back to {}.", n(*batches), n(*rows), v.old)
        }
        EventData::RollbackCompleted { method: RollbackMethod::ReverseDdl, seconds, .. } => format!(
            "Rolled back the requirement in {}: customerType optional again (the safe default applies). 0 rows lost. Roll back again to turn the field off entirely.",
            crate::core::num::duration(*seconds)
        ),
        EventData::RollbackCompleted { rows_copied_back, seconds, .. } => format!(
            "Rolled back in {}: reads and writes on the old path{}. 0 rows lost.",
            crate::core::num::duration(*seconds),
            if *rows_copied_back > 0 {
                format!(", {} rows copied back from {} first", n(*rows_copied_back), v.new)
            } else {
                String::new()
            }
        ),
        EventData::ReplicaQueryCancelled { max_standby_streaming_delay_ms } => format!(
            "The replica cancelled the query that blocked WAL replay after max_standby_streaming_delay ({}): ERROR: canceling statement due to conflict with recovery (40001). Replay resumes; a report that needs longer must run with the setting raised.",
            crate::core::num::duration(*max_standby_streaming_delay_ms as f64 / 1_000.0)
        ),
    }
}

/// What the rollback's DDL does, in words.
pub(super) fn rollback_ddl_words(v: &Variant) -> String {
    if v.destructive_contract() {
        format!("DROP COLUMN {} under lock_timeout", v.new)
    } else {
        "DROP CONSTRAINT IF EXISTS under lock_timeout (the column stays)".into()
    }
}
