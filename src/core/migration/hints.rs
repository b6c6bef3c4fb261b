//! What each action needs and risks right now, so the page can disable buttons
//! and warn before the learner commits. `act` uses the same checks.

use super::engine::{fmt_n, JobKind, Sim};
use super::report::{Action, ActionHint, ReadPath, RollbackMethod, WritePath};
use super::scenario::{validate_fault, ActionKind, FaultKind, Kind, Phase};
use super::table::NSTALE;

/// Every action kind, in button order.
const ALL: [ActionKind; 12] = [
    ActionKind::Expand,
    ActionKind::DualWrite,
    ActionKind::Backfill,
    ActionKind::SwitchReads,
    ActionKind::DeployNewOnly,
    ActionKind::Contract,
    ActionKind::Rollback,
    ActionKind::Rollforward,
    ActionKind::Validate,
    ActionKind::Backup,
    ActionKind::DryRun,
    ActionKind::Repair,
];

impl Sim {
    /// `Ok` when `action` would be accepted now, else why it would be refused.
    pub fn check_action(&self, action: &Action) -> Result<(), String> {
        let v = &self.v;
        let s = &self.schema;
        if self.restore_end.is_some() && !matches!(action, Action::Validate | Action::DryRun | Action::Inject(_)) {
            return Err("a restore is running; wait for it to finish".into());
        }
        if self.rollback_running()
            && !matches!(action, Action::Validate | Action::DryRun | Action::Backup | Action::Inject(_))
        {
            return Err("a rollback is running; wait for it to finish".into());
        }
        match action {
            Action::Expand => {
                if s.new_col {
                    return Err(format!("column {} already exists", v.new));
                }
                if self.ddl.is_some() {
                    return Err("a DDL statement is already in progress".into());
                }
            }
            Action::DualWrite => {
                if !s.new_col {
                    return Err(format!(
                        "column {} does not exist yet: expand first (the deploy would fail every write)",
                        v.new
                    ));
                }
                if !s.old_col {
                    return Err(format!("{} was dropped: there is nothing to dual write", v.old));
                }
                let now = self.now;
                let buggy = self.faults.iter().any(|f| f.spec.kind == FaultKind::BuggyDualWrite && f.active(now));
                if self.write.to == WritePath::Both && !buggy {
                    return Err("dual write is already on".into());
                }
                if self.write.to == WritePath::New {
                    return Err(format!(
                        "the build that names only {} is deployed: roll back to return to dual write",
                        v.new
                    ));
                }
            }
            Action::Backfill | Action::Repair => {
                if !s.new_col {
                    return Err(format!("column {} does not exist yet: expand first", v.new));
                }
                if !s.old_col {
                    return Err(format!("{} was dropped: there is nothing to copy from", v.old));
                }
                let kind = if matches!(action, Action::Backfill) { JobKind::Backfill } else { JobKind::Repair };
                self.job_range(kind)?;
            }
            Action::SwitchReads => {
                if !s.new_col {
                    return Err(format!("column {} does not exist yet", v.new));
                }
                if self.read.to != ReadPath::Old {
                    return Err("reads already use the new column".into());
                }
            }
            Action::DeployNewOnly => {
                if !v.destructive_contract() {
                    return Err(
                        "a new field has no old column to stop naming: its contract is the NOT NULL constraint".into(),
                    );
                }
                if !s.new_col {
                    return Err(format!("column {} does not exist yet: expand first", v.new));
                }
                if self.write.to == WritePath::New && self.read.to == ReadPath::New {
                    return Err(format!("the build that names only {} is already deployed", v.new));
                }
            }
            Action::Contract => {
                if !s.new_col {
                    return Err(format!("column {} does not exist", v.new));
                }
                if self.ddl.is_some() {
                    return Err("a DDL statement is already in progress".into());
                }
                if !s.old_col || s.not_null {
                    return Err("already contracted".into());
                }
            }
            Action::Rollback => {
                let p = self.rollback_preview();
                if p.method == RollbackMethod::Nothing {
                    return Err(p.explanation);
                }
            }
            Action::Rollforward => {
                if self.rollforward_plan().is_empty() {
                    let legacy = self.state_legacy_share();
                    return Err(if v.kind == Kind::RequiredField && s.not_null && legacy > 0.0 {
                        "nothing to fix forward: the rejected clients must upgrade; roll back the requirement instead"
                            .into()
                    } else if self.phase == Phase::RolledBack {
                        "rolled back: nothing is half-done to fix forward; start again with Expand when the fix is ready"
                            .into()
                    } else {
                        "nothing to fix forward: rollforward repairs a fault (drift, a stopped backfill, a broken read path), and there is none"
                            .into()
                    });
                }
            }
            Action::Backup => {
                if self.dump.is_some() {
                    return Err("a backup (pg_dump) is already running".into());
                }
            }
            Action::Validate | Action::DryRun => {}
            Action::Inject(f) => {
                if let Err(errs) = validate_fault(f, v.kind) {
                    return Err(errs
                        .iter()
                        .map(|e| format!("{}: {}", e.key.trim_start_matches("fault."), e.reason))
                        .collect::<Vec<_>>()
                        .join("; "));
                }
                if self.faults.len() >= 500 {
                    return Err("too many faults injected".into());
                }
            }
        }
        Ok(())
    }

    /// What taking `action` now would risk (empty when nothing). These are the
    /// warnings `act` logs; the page can show them before the learner commits.
    pub fn warnings_for(&self, action: ActionKind) -> Vec<String> {
        let v = &self.v;
        let mut out = Vec::new();
        let now = self.now;
        match action {
            ActionKind::Backfill if self.write.to != WritePath::Both => {
                out.push(
                    "Backfill before dual write: rows the app writes meanwhile go only to the old column — updates to copied rows drift and new rows stay NULL."
                        .to_string(),
                );
            }
            ActionKind::SwitchReads => {
                let mism = self.mismatches();
                let pending = self.pending_rows();
                if mism > 0 {
                    out.push(format!(
                        "Switching reads with {} drifted rows: readers will see stale values.",
                        fmt_n(mism)
                    ));
                }
                if pending > 0 {
                    out.push(format!(
                        "{} rows are still NULL: reads fall back to the old column for them.",
                        fmt_n(pending)
                    ));
                }
            }
            ActionKind::DeployNewOnly => {
                let pending = self.pending_rows();
                let stale = if self.schema.old_col && self.schema.new_col { self.t.count(NSTALE) } else { 0 };
                if pending > 0 {
                    out.push(format!(
                        "{} rows still have {} NULL: the build that reads only {} sees NULL for them.",
                        fmt_n(pending),
                        v.new,
                        v.new
                    ));
                }
                if stale > 0 {
                    out.push(format!(
                        "{} rows have a stale {}: the build that reads only {} serves the stale value.",
                        fmt_n(stale),
                        v.new,
                        v.new
                    ));
                }
            }
            ActionKind::Contract => {
                let old_reads = self.old_read_share(now);
                let old_writes = self.old_write_share(now);
                if (old_reads > 0.0 || old_writes > 0.0) && v.destructive_contract() {
                    out.push(format!(
                        "Contract while {:.0}% of reads still use {} and {:.0}% of writes still name it: every such statement fails (SQLSTATE 42703) from the drop until a build that no longer names it runs everywhere. Deploy the new-only build first.",
                        old_reads * 100.0,
                        v.old,
                        old_writes * 100.0
                    ));
                }
                let pending = self.pending_rows();
                let mism = self.mismatches();
                if pending + mism > 0 {
                    out.push(format!(
                        "Contract with {} NULL and {} drifted rows: {}",
                        fmt_n(pending),
                        fmt_n(mism),
                        if v.destructive_contract() {
                            "their values exist only in the old column and will be lost."
                        } else {
                            "VALIDATE will fail."
                        }
                    ));
                }
                let legacy = self.state_legacy_share();
                if legacy > 0.0 {
                    out.push(format!(
                        "{:.0}% of clients still {}: their requests will be rejected.",
                        legacy * 100.0,
                        if v.kind == Kind::RequiredField { "do not send customerType" } else { "send PENDING" }
                    ));
                }
                if v.kind == Kind::RequiredField && self.write_shares(now)[0] > 0.0 {
                    out.push(format!(
                        "Some instances do not write {} yet: their inserts will violate the new check and be rejected.",
                        v.new
                    ));
                }
                if v.destructive_contract() {
                    out.push(format!(
                        "Point of no return: after dropping {} a rollback means restoring a backup ({} rows written since the latest one would be lost).",
                        v.old,
                        fmt_n(self.t.written_since_backup())
                    ));
                }
            }
            ActionKind::Rollback => {
                let p = self.rollback_preview();
                if p.rows_lost > 0 {
                    out.push(format!("Rollback now loses {} rows. {}", fmt_n(p.rows_lost), p.explanation));
                }
                if p.downtime_seconds > 0.0 {
                    out.push(format!(
                        "The service is down about {} while the backup loads.",
                        crate::core::num::duration(p.downtime_seconds)
                    ));
                }
            }
            _ => {}
        }
        out
    }

    /// One hint per action kind: enabled or not (with the reason), and the
    /// warnings it would log.
    pub fn action_hints(&self) -> Vec<ActionHint> {
        ALL.iter()
            .filter(|&&k| k != ActionKind::DeployNewOnly || self.v.destructive_contract())
            .map(|&k| {
                let check = self.check_action(&Action::from(k));
                ActionHint { action: k, enabled: check.is_ok(), reason: check.err(), warnings: self.warnings_for(k) }
            })
            .collect()
    }
}
