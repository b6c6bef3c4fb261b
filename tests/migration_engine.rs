#![cfg(not(target_arch = "wasm32"))]
//! Behaviour of the expand-and-contract migration engine: phases, data, faults,
//! rollback, validation, replay and input checking.

use rollback_lab::core::migration::*;

/// A rename scenario with instant flag flips (no rollout race) unless changed.
fn scenario(rows: i64) -> Scenario {
    Scenario { rows, seed: 1, deploy_seconds: 0.0, ..Scenario::default() }
}

fn ok(sim: &mut Sim, a: Action) {
    let name = a.name();
    let out = sim.act(a);
    assert!(out.accepted, "{name} refused: {}", out.message);
}

/// expand → dual write → backfill to the end.
fn to_backfilled(sim: &mut Sim) {
    ok(sim, Action::Expand);
    ok(sim, Action::DualWrite);
    sim.advance(5.0);
    ok(sim, Action::Backfill);
    sim.run_until_idle();
}

/// … → switch reads → contract in its two moves (the new-only build, then the drop).
fn to_contract(sim: &mut Sim) {
    to_backfilled(sim);
    ok(sim, Action::SwitchReads);
    sim.advance(5.0);
    ok(sim, Action::DeployNewOnly);
    sim.advance(1.0);
    ok(sim, Action::Contract);
    sim.advance(1.0);
}

fn check(sim: &Sim) {
    if let Err(e) = sim.check_invariants() {
        panic!("invariant broken at t={}: {e}", sim.now_seconds());
    }
}

fn result<'a>(results: &'a [ValidationResult], name: &str) -> &'a ValidationResult {
    results.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no validation {name}"))
}

fn count(r: &ValidationResult) -> u64 {
    match r.result {
        QueryResult::Count { value } => value,
        ref other => panic!("{} is not a count: {other:?}", r.name),
    }
}

#[test]
fn healthy_rename_copies_every_row_and_loses_nothing() {
    let mut sim = Sim::new(scenario(100_000)).unwrap();
    sim.advance(10.0);
    assert_eq!(sim.rollback_preview().method, RollbackMethod::Nothing);
    ok(&mut sim, Action::Expand);
    let st = sim.state();
    assert!(st.new_column_exists);
    assert_eq!(st.rows_pending, st.total_rows, "every row needs the copy right after expand");
    assert_eq!(st.backups.len(), 1, "automatic backup at the start");
    ok(&mut sim, Action::DualWrite);
    sim.advance(30.0);
    check(&sim);
    ok(&mut sim, Action::Backfill);
    sim.advance(3.0);
    let mid = sim.state();
    let b = mid.backfill.clone().unwrap();
    assert_eq!(b.status, JobStatus::Running);
    assert!(b.percent > 0.0 && b.percent < 100.0);
    assert!(b.rows_per_second > 0.0 && b.eta_seconds.unwrap() > 0.0);
    assert!(mid.rows_pending > 0);
    assert_eq!(sim.rollback_preview().rows_lost, 0);
    sim.run_until_idle();
    check(&sim);
    let st = sim.state();
    assert_eq!(st.rows_pending, 0);
    assert_eq!(st.mismatches, 0);
    assert_eq!(st.rows_needing_backfill, st.rows_backfilled + st.rows_filled_by_app);
    assert!(st.rows_filled_by_app > 0, "dual-write updates fill rows before the backfill reaches them");
    let v = sim.validate_now();
    for name in ["null_count", "mismatch_count", "sample_check", "counts_per_value"] {
        assert!(result(&v, name).ok, "{name} should pass: {:?}", result(&v, name));
    }
    assert!(!result(&v, "old_column_readers").ok, "reads still use the old column");
    // Rates are written with thousands separators ("12,000 statements/s").
    let note = &result(&v, "old_column_readers").note;
    let rate = note.split(" statements/s").next().unwrap_or_default();
    assert!(rate.contains(',') && rate.replace(',', "").parse::<u64>().is_ok_and(|n| n >= 1_000), "{note}");
    ok(&mut sim, Action::SwitchReads);
    sim.advance(5.0);
    assert!(!result(&sim.validate_now(), "old_column_readers").ok, "the fallback COALESCE(new, old) names it");
    ok(&mut sim, Action::DeployNewOnly);
    sim.advance(5.0);
    assert!(result(&sim.validate_now(), "old_column_readers").ok);
    assert_eq!(sim.rollback_preview().rows_lost, 0);
    ok(&mut sim, Action::Contract);
    sim.advance(60.0);
    check(&sim);
    let st = sim.state();
    assert!(!st.old_column_exists);
    assert_eq!(st.phase, Phase::Contract);
    assert_eq!(st.rows_lost, 0);
    assert_eq!(st.failed_reads, 0);
    let v = sim.validate_now();
    assert!(matches!(result(&v, "mismatch_count").result, QueryResult::Error { .. }), "old column is gone");
    assert_eq!(count(result(&v, "null_count")), 0);
    let s = sim.summary();
    assert_eq!(s.final_phase, Phase::Contract);
    assert_eq!(s.last_safe_rollback_phase, Phase::SwitchReads);
    assert!(s.backfill_complete);
}

#[test]
fn rollback_before_contract_loses_nothing_at_every_phase() {
    for stop in 0..5 {
        let mut sim = Sim::new(Scenario { deploy_seconds: 10.0, ..scenario(50_000) }).unwrap();
        ok(&mut sim, Action::Expand);
        if stop >= 1 {
            ok(&mut sim, Action::DualWrite);
            sim.advance(if stop == 1 { 4.0 } else { 11.0 });
        }
        if stop >= 2 {
            ok(&mut sim, Action::Backfill);
            sim.advance(2.0);
        }
        if stop >= 3 {
            sim.run_until_idle();
            ok(&mut sim, Action::SwitchReads);
            sim.advance(if stop == 3 { 3.0 } else { 20.0 });
        }
        let rows_before = sim.state().total_rows;
        let preview = sim.rollback_preview();
        assert_eq!(preview.method, RollbackMethod::SwitchBack, "stop {stop}");
        assert_eq!(preview.rows_lost, 0, "stop {stop}");
        ok(&mut sim, Action::Rollback);
        // Flags off reach every instance over deploy_seconds, then the DROP.
        sim.run_until_idle();
        check(&sim);
        let st = sim.state();
        assert_eq!(st.phase, Phase::RolledBack);
        assert!(!st.new_column_exists, "pgroll drops the new column on rollback");
        assert!(st.old_column_exists);
        assert_eq!(st.read.path, ReadPath::Old);
        assert_eq!(st.write.path, WritePath::Old);
        assert_eq!(st.rows_lost, 0);
        assert!(st.total_rows >= rows_before, "no row disappears (inserts continue while the flags go off)");
        sim.advance(30.0);
        check(&sim);
        assert_eq!(sim.summary().rows_lost, 0);
        // The migration can start again.
        ok(&mut sim, Action::Expand);
        assert_eq!(sim.state().rows_pending, sim.state().total_rows);
    }
}

#[test]
fn rollback_after_contract_loses_exactly_the_rows_written_since_the_backup() {
    let mut sim = Sim::new(scenario(200_000)).unwrap();
    to_contract(&mut sim);
    sim.advance(300.0);
    let st = sim.state();
    assert!(st.rows_written_since_backup > 0);
    let preview = sim.rollback_preview();
    assert_eq!(preview.method, RollbackMethod::RestoreFromBackup);
    assert_eq!(preview.rows_lost, st.rows_written_since_backup);
    assert!(preview.backup.as_ref().unwrap().has_old_column);
    assert!(preview.downtime_seconds > 0.0);
    assert!(preview.alternative.is_some(), "targeted repair is offered");
    // The preview does not change anything.
    assert_eq!(sim.state(), st);
    ok(&mut sim, Action::Rollback);
    let after = sim.state();
    assert_eq!(after.rows_lost, preview.rows_lost);
    assert_eq!(after.phase, Phase::RolledBack);
    assert!(after.old_column_exists && !after.new_column_exists);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::DataLost));
    // Down while the backup loads, then back.
    sim.advance(preview.downtime_seconds + 5.0);
    assert!(!sim.state().read.failing);
    check(&sim);
    assert_eq!(sim.summary().rows_lost, preview.rows_lost);
    assert!(sim.summary().rolled_back);
}

#[test]
fn insert_only_loss_is_exactly_the_inserts_since_the_backup() {
    let sc = Scenario { writes_per_second: 100.0, insert_share: 1.0, ..scenario(10_000) };
    let mut sim = Sim::new(sc).unwrap();
    to_backfilled(&mut sim);
    ok(&mut sim, Action::SwitchReads);
    sim.advance(3.0);
    let t_backup = sim.now_seconds();
    assert_eq!(t_backup.fract(), 0.0, "whole second, so the count is exact");
    ok(&mut sim, Action::Backup);
    ok(&mut sim, Action::DeployNewOnly);
    ok(&mut sim, Action::Contract);
    sim.advance(250.0);
    let t = sim.now_seconds();
    let expect = (100.0 * (t - t_backup)).round() as u64;
    assert_eq!(sim.state().rows_written_since_backup, expect);
    ok(&mut sim, Action::Rollback);
    assert_eq!(sim.summary().rows_lost, expect);
}

#[test]
fn a_backup_right_before_contract_shrinks_the_loss() {
    let run = |backup_first: bool| {
        let mut sim = Sim::new(scenario(100_000)).unwrap();
        to_backfilled(&mut sim);
        ok(&mut sim, Action::SwitchReads);
        sim.advance(600.0);
        ok(&mut sim, Action::DeployNewOnly);
        if backup_first {
            ok(&mut sim, Action::Backup);
        }
        ok(&mut sim, Action::Contract);
        sim.advance(60.0);
        ok(&mut sim, Action::Rollback);
        sim.summary().rows_lost
    };
    let late = run(true);
    let early = run(false);
    assert!(late > 0 && late < early, "backup before contract: {late}, only the automatic one: {early}");
}

#[test]
fn a_backup_after_contract_cannot_bring_the_column_back() {
    let mut sim = Sim::new(scenario(50_000)).unwrap();
    to_contract(&mut sim);
    ok(&mut sim, Action::Backup);
    let st = sim.state();
    assert!(!st.backups.last().unwrap().has_old_column);
    let p = sim.rollback_preview();
    assert_eq!(p.method, RollbackMethod::RestoreFromBackup);
    assert!(p.backup.unwrap().has_old_column, "uses the last backup taken before contract");
    assert!(p.rows_lost > 0);
}

#[test]
fn buggy_old_only_dual_write_drift_is_found_by_validation_and_repaired() {
    let mut sc = scenario(200_000);
    sc.faults.push(Fault {
        mode: Some(BuggyMode::OldOnly),
        share: Some(0.5),
        ..Fault::new(FaultKind::BuggyDualWrite, 0.0)
    });
    let mut sim = Sim::new(sc).unwrap();
    to_backfilled(&mut sim);
    sim.advance(120.0);
    check(&sim);
    let st = sim.state();
    assert!(st.new_stale > 0, "updates by the buggy build leave order_status stale");
    assert!(st.rows_pending > 0, "inserts by the buggy build leave order_status NULL");
    assert_eq!(st.write.buggy_mode.as_deref(), Some("old_only"));
    let v = sim.validate_now();
    let m = result(&v, "mismatch_count");
    assert!(!m.ok);
    assert_eq!(count(m), st.mismatches);
    assert_eq!(count(result(&v, "null_count")), st.rows_pending);
    assert!(!result(&v, "counts_per_value").ok);
    ok(&mut sim, Action::Validate);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::ValidationFailed));
    assert!(
        sim.state().sample.iter().any(|r| r.state == RowState::NewStale),
        "the sample check shows a drifted row: {:?}",
        sim.state().sample
    );
    assert!(sim.summary().validation_found_problem);
    ok(&mut sim, Action::Rollforward);
    sim.run_until_idle();
    check(&sim);
    let st = sim.state();
    assert_eq!(st.mismatches, 0);
    assert_eq!(st.rows_pending, 0);
    assert!(st.write.buggy_mode.is_none());
    assert!(sim.validate_now().iter().filter(|r| r.name != "old_column_readers").all(|r| r.ok));
}

#[test]
fn a_new_only_build_is_copied_back_on_rollback() {
    let mut sim = Sim::new(scenario(100_000)).unwrap();
    to_backfilled(&mut sim);
    ok(&mut sim, Action::SwitchReads);
    sim.advance(2.0);
    let f = Fault { mode: Some(BuggyMode::NewOnly), share: Some(1.0), ..Fault::new(FaultKind::BuggyDualWrite, 0.0) };
    ok(&mut sim, Action::Inject(f));
    sim.advance(60.0);
    check(&sim);
    let st = sim.state();
    assert!(st.old_stale > 0);
    let p = sim.rollback_preview();
    assert_eq!(p.method, RollbackMethod::SwitchBack);
    assert_eq!(p.rows_lost, 0);
    assert_eq!(p.rows_copied_back, st.old_stale);
    assert!(p.sql.contains("UPDATE"));
    ok(&mut sim, Action::Rollback);
    assert_eq!(sim.summary().rows_lost, 0);
    check(&sim);
}

#[test]
fn backfill_before_dual_write_drifts_and_misses_new_rows() {
    let mut sim = Sim::new(scenario(100_000)).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::Backfill);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::Warning && e.message.contains("before dual write")));
    sim.run_until_idle();
    check(&sim);
    let st = sim.state();
    assert!(st.new_stale > 0, "updates to copied rows before dual write drift");
    assert!(st.rows_pending > 0, "rows inserted after the job started stay NULL");
    assert!(sim.events().iter().any(|e| e.kind == EventKind::JobCompleted && e.message.contains("run backfill again")));
    ok(&mut sim, Action::DualWrite);
    sim.advance(1.0);
    // A second backfill covers the missed inserts but not the drift (it only fills NULLs).
    ok(&mut sim, Action::Backfill);
    sim.run_until_idle();
    assert_eq!(sim.state().rows_pending, 0);
    assert!(sim.state().mismatches > 0, "IS NULL batches skip drifted rows");
    ok(&mut sim, Action::Repair);
    sim.run_until_idle();
    check(&sim);
    assert_eq!(sim.state().mismatches, 0);
}

#[test]
fn contracting_while_reads_use_the_old_column_breaks_reads_until_hotfix() {
    let mut sim = Sim::new(Scenario { deploy_seconds: 20.0, ..scenario(100_000) }).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    sim.advance(25.0);
    ok(&mut sim, Action::Backfill);
    sim.run_until_idle();
    // The 20 s rolling deploy of dual write left a few rows drifted (old instances
    // updated rows new instances had written): their latest value dies with the column.
    let drifted = sim.state().mismatches;
    assert_eq!(sim.state().rows_pending, 0);
    ok(&mut sim, Action::Contract);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::Warning && e.message.contains("reads still use")));
    sim.advance(1.0);
    let f0 = sim.state().failed_reads;
    sim.advance(10.0);
    let f1 = sim.state().failed_reads;
    assert_eq!(f1 - f0, 100_000, "every read fails: 10,000 reads/s × 10 s");
    assert!(sim.state().read.failing);
    ok(&mut sim, Action::Rollforward);
    sim.advance(20.0);
    let f2 = sim.state().failed_reads;
    sim.advance(60.0);
    assert_eq!(sim.state().failed_reads, f2, "reads recover after the hotfix");
    assert_eq!(sim.summary().rows_lost, drifted, "only the drifted values are lost: the backfill was complete");
}

#[test]
fn contracting_before_the_backfill_loses_the_uncopied_values() {
    let mut sim = Sim::new(scenario(100_000)).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    sim.advance(10.0);
    let pending = sim.state().rows_pending;
    assert!(pending > 0);
    ok(&mut sim, Action::SwitchReads);
    ok(&mut sim, Action::Contract);
    let st = sim.state();
    assert_eq!(st.values_lost_at_contract, pending);
    assert_eq!(st.rows_lost, pending);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::DataLost));
    // Reads of rows whose new column is NULL fail: the fallback column is gone.
    sim.advance(5.0);
    assert!(sim.state().failed_reads > 0);
    check(&sim);
}

#[test]
fn required_field_contract_fails_while_rows_are_null() {
    let sc = Scenario { kind: Kind::RequiredField, ..scenario(100_000) };
    let mut sim = Sim::new(sc).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    sim.advance(5.0);
    ok(&mut sim, Action::Contract);
    sim.run_until_idle();
    let s = sim.summary();
    assert!(s.contract_failed);
    assert!(!sim.state().not_null);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::Failed && e.message.contains("violated by some row")));
    assert_eq!(sim.state().timeline[4].status, PhaseStatus::Failed);
    // Fix forward: fill the NULL rows, then contract again.
    ok(&mut sim, Action::Rollforward);
    sim.run_until_idle();
    assert_eq!(sim.state().rows_pending, 0);
    ok(&mut sim, Action::Contract);
    sim.run_until_idle();
    assert!(sim.state().not_null);
    assert_eq!(sim.summary().rows_lost, 0);
    check(&sim);
}

#[test]
fn required_field_too_early_rejects_legacy_clients_and_rolls_back_without_loss() {
    let sc = Scenario { kind: Kind::RequiredField, legacy_client_share: 0.25, ..scenario(50_000) };
    let mut sim = Sim::new(sc).unwrap();
    to_backfilled(&mut sim);
    ok(&mut sim, Action::Contract);
    sim.run_until_idle();
    assert!(sim.state().not_null);
    let r0 = sim.state().writes_rejected;
    sim.advance(100.0);
    let rejected = sim.state().writes_rejected - r0;
    // 600 inserts/s × 100 s × 25 % = 15,000 expected.
    assert!((13_500..=16_500).contains(&rejected), "rejected {rejected}");
    let p = sim.rollback_preview();
    assert_eq!(p.method, RollbackMethod::ReverseDdl);
    assert_eq!(p.rows_lost, 0);
    assert_eq!(sim.last_safe_rollback_phase(), Phase::Contract);
    ok(&mut sim, Action::Rollback);
    let r1 = sim.state().writes_rejected;
    sim.advance(60.0);
    assert_eq!(sim.state().writes_rejected, r1, "no more rejections after the rollback");
    assert!(!sim.state().not_null);
    assert_eq!(sim.summary().rows_lost, 0);
    check(&sim);
}

#[test]
fn required_field_check_rejects_inserts_from_the_old_app() {
    let sc = Scenario { kind: Kind::RequiredField, ..scenario(20_000) };
    let mut sim = Sim::new(sc).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::Backfill);
    sim.run_until_idle();
    // Contract before the API sends the field: the NOT VALID check rejects NULL inserts.
    ok(&mut sim, Action::Contract);
    sim.advance(10.0);
    assert!(sim.state().writes_rejected >= 5_000, "600 inserts/s for ~10 s");
}

#[test]
fn enum_value_contract_rejects_pending_and_is_destructive() {
    let sc = Scenario { kind: Kind::EnumValue, legacy_client_share: 0.5, ..scenario(50_000) };
    let mut sim = Sim::new(sc).unwrap();
    to_backfilled(&mut sim);
    let v = sim.validate_now();
    assert!(!result(&v, "legacy_clients").ok);
    let sample_new: Vec<String> = sim.state().sample.iter().filter_map(|r| r.new.clone()).collect();
    assert!(!sample_new.iter().any(|v| v == "PENDING"), "the new column never holds PENDING");
    ok(&mut sim, Action::SwitchReads);
    // Move 1: the build that names only status_v2 stops accepting PENDING.
    ok(&mut sim, Action::DeployNewOnly);
    ok(&mut sim, Action::Contract);
    sim.advance(100.0);
    let st = sim.state();
    // Half the clients send PENDING on 600 inserts/s: about 30,000 400s in 100 s,
    // and no statement fails in the database.
    assert!((27_000..=33_000).contains(&st.writes_rejected), "{}", st.writes_rejected);
    assert_eq!(st.failures, StatementFailures::default());
    assert_eq!(sim.last_safe_rollback_phase(), Phase::SwitchReads);
    assert_eq!(sim.rollback_preview().method, RollbackMethod::RestoreFromBackup);
}

#[test]
fn lock_timeout_fails_fast_instead_of_queueing_every_query() {
    let run = |lock_timeout_ms: i64| {
        let mut sc = scenario(100_000);
        sc.lock_timeout_ms = lock_timeout_ms;
        sc.faults.push(Fault { duration_seconds: Some(120.0), ..Fault::new(FaultKind::LongLock, 0.0) });
        let mut sim = Sim::new(sc).unwrap();
        sim.advance(10.0);
        ok(&mut sim, Action::Expand);
        sim.run_until_idle();
        assert!(sim.state().new_column_exists);
        (sim.summary().writes_blocked, sim.state().timeline[0].completed_second.unwrap(), sim)
    };
    let (fast, done_fast, sim_fast) = run(500);
    let (queued, done_queued, _) = run(0);
    assert!(sim_fast.events().iter().filter(|e| e.kind == EventKind::LockTimeout).count() >= 3);
    assert_eq!(queued, 220_000, "2,000 writes/s stall for the blocker's last 110 s");
    assert!(fast < 20_000, "each attempt blocks writes for 500 ms only ({fast})");
    assert!(done_fast >= 120.0 && done_queued >= 120.0, "both wait for the blocker to end");
}

#[test]
fn a_table_rewrite_blocks_for_the_whole_rewrite() {
    let mut sc = scenario(40_000_000);
    sc.faults.push(Fault { cause: Some(LockCause::Rewrite), ..Fault::new(FaultKind::LongLock, 0.0) });
    let mut sim = Sim::new(sc).unwrap();
    ok(&mut sim, Action::Expand);
    sim.run_until_idle();
    let s = sim.summary();
    // 40M rows at 400k rows/s = 100 s of ACCESS EXCLUSIVE.
    assert_eq!(s.writes_blocked, 200_000);
    assert_eq!(s.reads_blocked, 1_000_000);
    assert!(sim.events().iter().any(|e| e.kind == EventKind::LockBlocked && e.message.contains("rewrites")));
    assert!((sim.now_seconds() - 100.0).abs() < 1.5);
}

#[test]
fn a_lag_spike_throttles_the_backfill() {
    // The replica lets the blocking query run for up to a minute
    // (max_standby_streaming_delay; the default 30 s would cancel it sooner).
    let mut sc = Scenario { max_standby_streaming_delay_ms: 60_000, ..scenario(2_000_000) };
    sc.faults.push(Fault { duration_seconds: Some(40.0), ..Fault::new(FaultKind::LagSpike, 30.0) });
    let mut sim = Sim::new(sc).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    ok(&mut sim, Action::Backfill);
    sim.advance(50.0);
    let st = sim.state();
    assert!(st.throttled);
    assert!(st.replica_lag_ms > 15_000.0, "a stalled replica falls 1 s behind per second ({})", st.replica_lag_ms);
    sim.run_until_idle();
    let s = sim.summary();
    assert!(s.throttled_seconds >= 35.0, "{}", s.throttled_seconds);
    assert!(s.max_replica_lag_ms >= 38_000.0);
    assert!(s.backfill_complete);
    assert!(sim.history().iter().any(|h| h.throttled > 0.5));
    assert!(sim.events().iter().any(|e| e.kind == EventKind::ThrottleOn));
}

#[test]
fn batch_failures_stop_the_backfill_which_resumes_at_the_same_id() {
    let mut sc = scenario(200_000);
    sc.max_retries = 3;
    sc.faults.push(Fault {
        rate: Some(1.0),
        duration_seconds: Some(30.0),
        ..Fault::new(FaultKind::BatchFailures, 2.0)
    });
    let mut sim = Sim::new(sc).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    ok(&mut sim, Action::Backfill);
    sim.run_until_idle();
    let st = sim.state();
    let b = st.backfill.unwrap();
    assert_eq!(b.status, JobStatus::Stopped);
    assert_eq!(b.batch_failures, 4, "1 attempt + 3 retries");
    let stopped_at = b.cursor;
    let ev = sim.events().iter().find(|e| e.kind == EventKind::BackfillStopped).unwrap();
    assert!(ev.message.contains("resume"));
    // Retries back off exponentially: 0.5 s, 1 s, 2 s.
    let fails: Vec<f64> = sim.events().iter().filter(|e| e.kind == EventKind::BatchFailed).map(|e| e.second).collect();
    assert_eq!(fails.len(), 3);
    assert!((fails[1] - fails[0] - 1.0).abs() < 1e-6 && (fails[2] - fails[1] - 1.5).abs() < 1e-6, "{fails:?}");
    assert!(sim.summary().backfill_stopped);
    sim.advance(40.0);
    ok(&mut sim, Action::Backfill);
    assert_eq!(sim.state().backfill.unwrap().start_id, stopped_at);
    sim.run_until_idle();
    assert_eq!(sim.state().rows_pending, 0);
    assert!(!sim.summary().backfill_stopped);
    check(&sim);
}

#[test]
fn deadlocks_cost_the_deadlock_timeout() {
    let mut sc = scenario(200_000);
    sc.max_retries = 0;
    sc.faults.push(Fault {
        rate: Some(1.0),
        error: Some(BatchError::Deadlock),
        ..Fault::new(FaultKind::BatchFailures, 0.0)
    });
    let mut sim = Sim::new(sc).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::Backfill);
    sim.run_until_idle();
    let ev = sim.events().iter().find(|e| e.kind == EventKind::BackfillStopped).unwrap();
    assert!(ev.message.contains("deadlock detected"));
    assert!((ev.second - 1.0).abs() < 1e-6, "stopped after deadlock_timeout (1 s): {}", ev.second);
}

#[test]
fn dry_run_reports_batches_and_duration_without_writing() {
    let mut sim = Sim::new(Scenario { batch_size: 1_000, ..scenario(1_000_000) }).unwrap();
    let before = sim.state();
    let r = sim.dry_run();
    assert_eq!(r.batches, 1_000);
    assert_eq!(r.rows_to_update, 1_000_000);
    // 1,000 × (2 ms + 1,000 × 1 µs + 1,000 × 9 µs) + 999 × 100 ms
    assert!((r.estimated_seconds - (12.0 + 99.9)).abs() < 1e-6, "{}", r.estimated_seconds);
    assert!(!r.throttling_expected);
    assert!(r.first_batch_sql.contains("BETWEEN 1 AND 1000"));
    ok(&mut sim, Action::DryRun);
    let after = sim.state();
    assert_eq!(before, after, "a dry run writes nothing");
    assert!(sim.events().iter().any(|e| e.kind == EventKind::DryRun));
    let big = Sim::new(Scenario { batch_size: 100_000, batch_pause_ms: 0, ..scenario(10_000_000) }).unwrap();
    assert!(big.dry_run().throttling_expected, "95k rows/s cannot be replicated at 60k rows/s");
}

#[test]
fn refuses_impossible_steps_without_changing_anything() {
    let mut sim = Sim::new(scenario(1_000)).unwrap();
    for a in
        [Action::Backfill, Action::DualWrite, Action::Contract, Action::Repair, Action::Rollback, Action::Rollforward]
    {
        let st = sim.state();
        let out = sim.act(a.clone());
        assert!(!out.accepted, "{} should be refused before expand", a.name());
        assert!(!out.message.is_empty());
        assert_eq!(sim.state(), st);
    }
    ok(&mut sim, Action::Expand);
    assert!(!sim.act(Action::Expand).accepted, "twice");
    ok(&mut sim, Action::DualWrite);
    assert!(!sim.act(Action::DualWrite).accepted);
    ok(&mut sim, Action::Backfill);
    assert!(!sim.act(Action::Backfill).accepted, "already running");
    let bad = Fault { rate: Some(f64::NAN), ..Fault::new(FaultKind::BatchFailures, 0.0) };
    let out = sim.act(Action::Inject(bad));
    assert!(!out.accepted && out.message.contains("rate"));
    assert!(sim.events().iter().filter(|e| e.kind == EventKind::Refused).count() >= 10);
}

#[test]
fn advance_ignores_nonsense_durations() {
    let mut sim = Sim::new(scenario(1_000)).unwrap();
    for s in [f64::NAN, -5.0, 0.0, f64::NEG_INFINITY] {
        sim.advance(s);
        assert_eq!(sim.now_seconds(), 0.0);
    }
    sim.advance(f64::INFINITY);
    assert!(sim.now_seconds() <= 60.0 * 86_400.0);
}

#[test]
fn same_seed_same_run_and_another_seed_another_run() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/content/scenarios/migration/buggy-dual-write.toml"
    ))
    .unwrap();
    let sc = parse_toml(&text).unwrap();
    let a = run_lines(&sc);
    let b = run_lines(&sc);
    assert_eq!(a, b);
    let c = run_lines(&Scenario { seed: sc.seed + 1, ..sc.clone() });
    assert_ne!(a, c);
}

#[test]
fn replay_and_share_links_reproduce_the_run() {
    let mut sim = Sim::new(Scenario { deploy_seconds: 10.0, ..scenario(300_000) }).unwrap();
    sim.advance(3.5);
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    sim.advance(12.25);
    ok(&mut sim, Action::Backfill);
    sim.act(Action::Inject(Fault { rate: Some(0.5), ..Fault::new(FaultKind::BatchFailures, 1.0) }));
    sim.advance(20.0);
    ok(&mut sim, Action::Validate);
    ok(&mut sim, Action::Backup);
    sim.advance(7.0);
    let replayed = Sim::replay(sim.scenario().clone(), sim.actions_taken()).unwrap();
    let mut replayed = replayed;
    replayed.advance_to(sim.now_us());
    assert_eq!(replayed.state(), sim.state());
    assert_eq!(replayed.events(), sim.events());
    let link = sim.share().to_json();
    let restored = Share::from_json(&link).unwrap().restore().unwrap();
    assert_eq!(restored.state(), sim.state());
    assert_eq!(restored.history(), sim.history());
    // Tampered links get a clear message.
    assert!(Share::from_json("{not json").is_err());
    assert!(Share::from_json(&link.replace("\"v\":1", "\"v\":9")).unwrap_err().to_string().contains("version"));
    let bad_batch = link.replace("\"batch_size\":1000", "\"batch_size\":0");
    let err = Share::from_json(&bad_batch).unwrap().restore().unwrap_err();
    assert!(err.to_string().contains("batch_size"), "{err}");
    let mut share = sim.share();
    share.actions.swap(0, 2);
    assert!(share.restore().unwrap_err().to_string().contains("time order"));
    let extra = link.replacen("{\"v\":1", "{\"evil\":1,\"v\":1", 1);
    assert!(Share::from_json(&extra).is_err());
}

#[test]
fn bad_values_are_refused_with_their_key() {
    let cases: Vec<(Scenario, &str)> = vec![
        (Scenario { batch_size: 0, ..Scenario::default() }, "batch_size"),
        (Scenario { batch_size: -5, ..Scenario::default() }, "batch_size"),
        (Scenario { batch_size: 99, ..Scenario::default() }, "batch_size"),
        (Scenario { batch_size: 100_001, ..Scenario::default() }, "batch_size"),
        (Scenario { rows: 9, ..Scenario::default() }, "rows"),
        (Scenario { rows: 1_000_000_001, ..Scenario::default() }, "rows"),
        (Scenario { rows: -1, ..Scenario::default() }, "rows"),
        (Scenario { writes_per_second: f64::NAN, ..Scenario::default() }, "writes_per_second"),
        (Scenario { writes_per_second: -1.0, ..Scenario::default() }, "writes_per_second"),
        (Scenario { insert_share: 1.5, ..Scenario::default() }, "insert_share"),
        (Scenario { max_lag_ms: 0, ..Scenario::default() }, "max_lag_ms"),
        (Scenario { batch_pause_ms: -1, ..Scenario::default() }, "batch_pause_ms"),
        (Scenario { lock_timeout_ms: -1, ..Scenario::default() }, "lock_timeout_ms"),
        (Scenario { deploy_seconds: f64::INFINITY, ..Scenario::default() }, "deploy_seconds"),
        (Scenario { table: "Orders; DROP".into(), ..Scenario::default() }, "table"),
        (Scenario { new_column: "status".into(), ..Scenario::default() }, "new_column"),
        (Scenario { legacy_client_share: 0.2, ..Scenario::default() }, "legacy_client_share"),
        (Scenario { kind: Kind::RequiredField, old_column: "x".into(), ..Scenario::default() }, "old_column"),
    ];
    for (sc, key) in cases {
        let errs = sc.validate().expect_err(key);
        assert!(errs.iter().any(|e| e.key == key), "{key}: {errs:?}");
        assert!(errs.iter().all(|e| !e.reason.is_empty()));
        assert!(Sim::new(sc.clone()).is_err());
        let lines = run_lines(&sc);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains("\"error\"") && lines[0].contains(key));
    }
    let e = Scenario { batch_size: 0, ..Scenario::default() }.validate().unwrap_err();
    assert!(e[0].reason.contains("100") && e[0].reason.contains("100,000"), "range stated: {}", e[0].reason);
    let e = Scenario { rows: 2_000_000_000, ..Scenario::default() }.validate().unwrap_err();
    assert!(e[0].reason.contains("1,000,000,000"), "{}", e[0].reason);

    let mut sc = Scenario::default();
    sc.faults.push(Fault::new(FaultKind::LagSpike, 10.0));
    sc.faults.push(Fault { at_second: -3.0, rate: Some(2.0), ..Fault::new(FaultKind::BatchFailures, 0.0) });
    sc.faults.push(Fault { share: Some(0.5), ..Fault::new(FaultKind::LagSpike, 0.0) });
    sc.actions.push(ScheduledAction::at(ActionKind::Expand, f64::NAN));
    sc.actions.push(ScheduledAction { at_second: None, ..ScheduledAction::at(ActionKind::Backfill, 0.0) });
    sc.actions.push(ScheduledAction { on_fail: Some(OnFail::Stop), ..ScheduledAction::at(ActionKind::Backfill, 1.0) });
    let keys: Vec<String> = sc.validate().unwrap_err().into_iter().map(|e| e.key).collect();
    for k in [
        "faults[1].at_second",
        "faults[1].rate",
        "faults[2].share",
        "actions[0].at_second",
        "actions[1]",
        "actions[2].on_fail",
    ] {
        assert!(keys.iter().any(|x| x == k), "{k} missing in {keys:?}");
    }
    let sc = Scenario {
        kind: Kind::RequiredField,
        faults: vec![Fault { mode: Some(BuggyMode::NewOnly), ..Fault::new(FaultKind::BuggyDualWrite, 0.0) }],
        ..Scenario::default()
    };
    assert_eq!(sc.validate().unwrap_err()[0].key, "faults[0].mode");
}

#[test]
fn toml_errors_name_the_key_and_the_line() {
    let text = "title = \"x\"\nrows = 1000\n\n[[faults]]\nkind = \"lag_spike\"\nat_second = 5\n\n[[faults]]\nkind = \"batch_failures\"\nat_second = 10\nrate = 1.5\n";
    let err = parse_toml(text).unwrap_err();
    let p = &err.problems[0];
    assert_eq!(p.key.as_deref(), Some("faults[1].rate"));
    assert_eq!(p.line, Some(11));
    assert!(p.reason.contains("between 0") || p.reason.contains("above 0"), "{}", p.reason);

    let err = parse_toml("rows = 1000\nbatch_size = -5\n").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("batch_size"));
    assert_eq!(err.problems[0].line, Some(2));
    assert!(err.to_string().contains("line 2") && err.to_string().contains("batch_size"));

    let err = parse_toml("rows = 1000\n[[faults]]\nkind = \"lag_spike\"\npeak = 3\n").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("faults[0].peak"), "{err}");
    assert_eq!(err.problems[0].line, Some(4));

    let err = parse_toml("rows = \"many\"\n").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("rows"), "{err}");
    assert_eq!(err.problems[0].line, Some(1));

    let err = parse_toml("bacth_size = 1000\n").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("bacth_size"), "{err}");

    let err = parse_toml("[[actions]]\ndo = \"explode\"\nat_second = 1\n").unwrap_err();
    assert_eq!(err.problems[0].line, Some(2), "{err}");

    let err = parse_toml("[expect]\nrows_lost = -1\n").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("expect.rows_lost"), "{err}");
}

#[test]
fn scenarios_round_trip_through_json_and_toml() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/content/scenarios/migration");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let sc = parse_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let json = sc.to_json();
        assert_eq!(Scenario::from_json(&json).unwrap(), sc, "{}", path.display());
        let toml_text = toml::to_string(&sc).unwrap();
        assert_eq!(parse_toml(&toml_text).unwrap(), sc, "{}", path.display());
        n += 1;
    }
    assert!(n >= 8);
    // Unknown JSON keys are refused too, with the key named.
    let err = Scenario::from_json("{\"rows\": 100, \"bogus\": 1}").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("bogus"));
    let err = Scenario::from_json("{\"rows\": 5}").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("rows"));
}

#[test]
fn handles_ten_rows_and_a_billion_rows() {
    let mut tiny = Sim::new(Scenario { rows: 10, writes_per_second: 50.0, ..scenario(10) }).unwrap();
    assert_eq!(tiny.state().sample.len(), 10, "a 10-row table is all sample");
    to_contract(&mut tiny);
    check(&tiny);
    assert_eq!(tiny.state().rows_pending, 0);
    tiny.advance(30.0);
    ok(&mut tiny, Action::Rollback);
    assert!(tiny.summary().rows_lost > 0);
    check(&tiny);

    let big = Scenario { rows: 1_000_000_000, batch_size: 100_000, ..scenario(1_000_000_000) };
    let mut sim = Sim::new(big).unwrap();
    to_backfilled(&mut sim);
    check(&sim);
    let st = sim.state();
    assert_eq!(st.rows_pending, 0);
    assert!(st.total_rows > 1_000_000_000);
    assert_eq!(st.backfill.unwrap().batches, 10_001);
    assert!(sim.history().len() < 2_048);
}

#[test]
fn cli_lines_are_json_with_the_contract_keys() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/content/scenarios/migration/contract-too-early.toml"
    ))
    .unwrap();
    let sc = parse_toml(&text).unwrap();
    let lines = run_lines(&sc);
    assert!(lines.len() > 3);
    let mut last_second = -1.0;
    for l in &lines[..lines.len() - 1] {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        for k in ["second", "phase", "rows_backfilled", "rows_pending", "mismatches", "replica_lag_ms", "events"] {
            assert!(v.get(k).is_some(), "{k} missing in {l}");
        }
        let s = v["second"].as_f64().unwrap();
        assert!(s > last_second);
        last_second = s;
    }
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let s = &last["summary"];
    for k in ["final_phase", "rows_lost", "mismatches", "last_safe_rollback_phase", "duration_seconds"] {
        assert!(s.get(k).is_some(), "summary.{k} missing");
    }
    assert_eq!(s["final_phase"], "contract");
    assert_eq!(s["last_safe_rollback_phase"], "switch_reads");
    let all_events: usize = lines[..lines.len() - 1]
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["events"].as_array().unwrap().len())
        .sum();
    assert_eq!(all_events as u64, s["events"].as_u64().unwrap(), "every event appears once");
}

#[test]
fn last_safe_rollback_point_per_kind() {
    let sim = Sim::new(scenario(1_000)).unwrap();
    assert_eq!(sim.last_safe_rollback_phase(), Phase::SwitchReads);
    let st = sim.state();
    let safe: Vec<bool> = st.timeline.iter().map(|p| p.safe_to_roll_back).collect();
    assert_eq!(safe, vec![true, true, true, true, false]);
    let sim = Sim::new(Scenario { kind: Kind::RequiredField, ..scenario(1_000) }).unwrap();
    assert_eq!(sim.last_safe_rollback_phase(), Phase::Contract);
    // Nothing written since the backup: even a restore loses nothing.
    let mut quiet = Sim::new(Scenario { writes_per_second: 0.0, ..scenario(1_000) }).unwrap();
    to_contract(&mut quiet);
    assert_eq!(quiet.rollback_preview().rows_lost, 0);
    assert_eq!(quiet.last_safe_rollback_phase(), Phase::Contract);
}

#[test]
fn history_stays_small_on_long_runs() {
    let mut sim = Sim::new(scenario(1_000_000)).unwrap();
    sim.advance(3.0 * 86_400.0);
    assert!(sim.history().len() < 2_048);
    assert!(sim.history().len() > 500);
    let secs: Vec<f64> = sim.history().iter().map(|h| h.second).collect();
    assert!(secs.windows(2).all(|w| w[1] > w[0]));
}

#[test]
fn scheduled_actions_wait_for_milestones_and_gates_stop_the_plan() {
    let mut sc = Scenario { deploy_seconds: 10.0, ..scenario(100_000) };
    sc.faults.push(Fault {
        mode: Some(BuggyMode::OldOnly),
        share: Some(0.5),
        ..Fault::new(FaultKind::BuggyDualWrite, 0.0)
    });
    sc.actions = vec![
        ScheduledAction::at(ActionKind::Expand, 5.0),
        ScheduledAction::after(ActionKind::DualWrite, Milestone::Expand, 0.0),
        ScheduledAction::after(ActionKind::Backfill, Milestone::DualWrite, 3.0),
        ScheduledAction {
            on_fail: Some(OnFail::Stop),
            ..ScheduledAction::after(ActionKind::Validate, Milestone::Backfill, 30.0)
        },
        ScheduledAction::after(ActionKind::SwitchReads, Milestone::Backfill, 60.0),
    ];
    let mut sim = Sim::new(sc).unwrap();
    let s = sim.run_to_end();
    assert!(s.validation_found_problem);
    assert_eq!(s.final_phase, Phase::Backfill, "the gate cancelled switch_reads");
    let started = sim.events().iter().find(|e| e.message.starts_with("Backfill started")).unwrap().second;
    let dual_done = sim.events().iter().find(|e| e.message.starts_with("Dual write is on")).unwrap().second;
    assert!((started - dual_done - 3.0).abs() < 1e-6, "after + delay: {dual_done} → {started}");
    assert!(sim.events().iter().any(|e| e.message.contains("stopped the plan")));
}

#[test]
fn action_hints_match_what_act_does() {
    let mut sim = Sim::new(Scenario { deploy_seconds: 5.0, ..scenario(50_000) }).unwrap();
    let mut steps = 0;
    // Walk the migration by always taking the first enabled step action; every
    // hint must agree with act().
    for _ in 0..12 {
        let hints = sim.action_hints();
        assert_eq!(hints.len(), 12);
        for h in &hints {
            assert_eq!(h.enabled, sim.check_action(&Action::from(h.action)).is_ok());
            assert_eq!(h.enabled, h.reason.is_none());
        }
        let next = hints.iter().find(|h| {
            h.enabled
                && matches!(
                    h.action,
                    ActionKind::Expand
                        | ActionKind::DualWrite
                        | ActionKind::Backfill
                        | ActionKind::SwitchReads
                        | ActionKind::DeployNewOnly
                        | ActionKind::Contract
                )
        });
        let Some(h) = next else { break };
        if h.action == ActionKind::Contract {
            assert!(h.warnings.iter().any(|w| w.contains("Point of no return")), "{:?}", h.warnings);
        }
        let out = sim.act(Action::from(h.action));
        assert!(out.accepted, "{:?} hinted enabled but refused: {}", h.action, out.message);
        sim.run_until_idle();
        steps += 1;
    }
    assert_eq!(steps, 6, "the five phases, in order, the contract in its two moves");
    assert_eq!(sim.state().phase, Phase::Contract);
    let hints = sim.action_hints();
    let rollback = hints.iter().find(|h| h.action == ActionKind::Rollback).unwrap();
    sim.advance(60.0);
    let rollback_later = sim.action_hints().into_iter().find(|h| h.action == ActionKind::Rollback).unwrap();
    assert!(rollback.enabled);
    assert!(rollback_later.warnings.iter().any(|w| w.contains("loses")), "{:?}", rollback_later.warnings);
    // Before expand: only expand (and the harmless ones) are enabled.
    let fresh = Sim::new(scenario(1_000)).unwrap();
    let enabled: Vec<ActionKind> = fresh.action_hints().into_iter().filter(|h| h.enabled).map(|h| h.action).collect();
    assert_eq!(enabled, vec![ActionKind::Expand, ActionKind::Validate, ActionKind::Backup, ActionKind::DryRun]);
    // Warnings before the classic mistakes.
    let mut early = Sim::new(scenario(10_000)).unwrap();
    ok(&mut early, Action::Expand);
    let w = early.warnings_for(ActionKind::Backfill);
    assert!(w[0].contains("before dual write"));
    let w = early.warnings_for(ActionKind::Contract);
    assert!(w.iter().any(|x| x.contains("reads still use")) && w.iter().any(|x| x.contains("NULL")), "{w:?}");
}

#[test]
fn validation_finds_a_drifted_row_for_the_sample_on_a_big_table() {
    let mut sc = scenario(200_000_000);
    sc.batch_size = 100_000;
    sc.faults.push(Fault {
        mode: Some(BuggyMode::OldOnly),
        share: Some(1.0),
        ..Fault::new(FaultKind::BuggyDualWrite, 0.0)
    });
    let mut sim = Sim::new(sc).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    ok(&mut sim, Action::Backfill);
    sim.advance(120.0);
    assert!(sim.state().new_stale > 0);
    assert!(
        !sim.state().sample.iter().any(|r| r.state == RowState::NewStale),
        "200M rows: the random sample misses it"
    );
    ok(&mut sim, Action::Validate);
    let found: Vec<SampleRowView> =
        sim.state().sample.into_iter().filter(|r| r.origin == "found by validation").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].state, RowState::NewStale);
    assert_ne!(found[0].old, found[0].new, "both values shown, and they differ");
    check(&sim);
}

#[test]
fn json_type_errors_name_the_key() {
    let err = Scenario::from_json("{\"rows\": 1000, \"batch_size\": 1000.5}").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("batch_size"), "{err}");
    let err = Scenario::from_json("{\"rows\": \"many\"}").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("rows"), "{err}");
    let err = Scenario::from_json("{\"faults\": [{\"kind\": \"meteor\"}]}").unwrap_err();
    assert!(err.to_string().contains("meteor"), "{err}");
}

#[test]
fn a_second_attempt_after_rollback_backfills_from_the_start() {
    let mut sim = Sim::new(scenario(100_000)).unwrap();
    ok(&mut sim, Action::Expand);
    ok(&mut sim, Action::DualWrite);
    ok(&mut sim, Action::Backfill);
    sim.advance(3.0);
    assert!(sim.state().backfill.unwrap().cursor > 1);
    ok(&mut sim, Action::Rollback);
    assert_eq!(sim.state().backfill.unwrap().status, JobStatus::Cancelled);
    sim.advance(30.0);
    to_backfilled(&mut sim);
    let st = sim.state();
    assert_eq!(st.backfill.unwrap().start_id, 1);
    assert_eq!(st.rows_pending, 0);
    assert_eq!(st.mismatches, 0);
    check(&sim);
}

#[test]
fn a_finished_backfill_reports_its_average_rate_which_time_does_not_change() {
    let mut sim = Sim::new(scenario(2_000_000)).unwrap();
    to_backfilled(&mut sim);
    let b = sim.state().backfill.expect("a backfill ran");
    assert_eq!(b.status, JobStatus::Done);
    assert!(b.rows_per_second > 0.0);
    sim.advance(600.0);
    let later = sim.state().backfill.unwrap();
    assert_eq!(later.rows_per_second, b.rows_per_second, "idle time after the end does not dilute the rate");
    // Average over the job: rows changed / the job's duration.
    let start = sim.events().iter().find(|e| e.message.starts_with("Backfill started")).map(|e| e.second);
    let end = sim.events().iter().find(|e| e.message.starts_with("Backfill finished")).map(|e| e.second);
    let (s, e) = (start.expect("a start event"), end.expect("an end event"));
    assert!(e > s);
    let expected = later.rows_backfilled as f64 / (e - s);
    assert!((later.rows_per_second / expected - 1.0).abs() < 0.25, "{} vs {expected}", later.rows_per_second);
}
