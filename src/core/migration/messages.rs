//! Sentences for typed events. The engine records what happened as
//! [`EventData`] (kinds and numbers); this is the one place that words it.

use super::report::{Build, EventData, SqlState, Statement};
use super::sql::Variant;

fn statement_name(s: Statement) -> &'static str {
    match s {
        Statement::Select => "Reads",
        Statement::Insert => "Inserts",
        Statement::Update => "Updates",
    }
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
    }
}
