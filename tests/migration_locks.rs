#![cfg(not(target_arch = "wasm32"))]
//! Issue 21, item 3: every step keeps the lock, batch and deploy rules of the
//! forward path. A `pg_dump` holds ACCESS SHARE for its whole run, so a DROP
//! waits for it (and, without `lock_timeout`, every query waits behind the
//! DROP); a rollback turns the flags off over `deploy_seconds`, copies back in
//! batches and runs its DDL under `lock_timeout`. Built from the scenario files;
//! asserts event kinds and numbers, not sentences.

use rollback_lab::core::migration::*;
use std::path::PathBuf;

fn shipped(name: &str) -> Scenario {
    let path = PathBuf::from(format!("{}/content/scenarios/migration/{name}.toml", env!("CARGO_MANIFEST_DIR")));
    let text = std::fs::read_to_string(&path).unwrap();
    parse_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn data(sim: &Sim) -> Vec<(f64, EventKind, EventData)> {
    sim.events().iter().filter_map(|e| e.data.clone().map(|d| (e.second, e.kind, d))).collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// The second at which the old column was dropped (the contract's PhaseCompleted).
fn dropped_at(sim: &Sim) -> f64 {
    sim.events()
        .iter()
        .find(|e| e.kind == EventKind::PhaseCompleted && e.sql.as_deref().is_some_and(|s| s.contains("DROP COLUMN")))
        .map(|e| e.second)
        .expect("the column was dropped")
}

#[test]
fn a_pg_dump_holds_access_share_so_the_drop_and_every_query_behind_it_wait() {
    let sc = shipped("backup-blocks-contract");
    assert_eq!(sc.lock_timeout_ms, 0);
    let mut sim = Sim::new(sc.clone()).unwrap();
    let summary = sim.run_to_end();
    assert!(sc.expect.check(&summary).is_empty(), "{:?}", sc.expect.check(&summary));
    let ev = data(&sim);
    // The dump: rows / dump_rows_per_second seconds of ACCESS SHARE.
    let (t_dump, rows, seconds) = ev
        .iter()
        .find_map(|(t, k, d)| match d {
            EventData::BackupStarted { rows, seconds, has_old_column: true } if *k == EventKind::Backup => {
                Some((*t, *rows, *seconds))
            }
            _ => None,
        })
        .expect("a pg_dump started");
    assert!(close(seconds, rows as f64 / sc.dump_rows_per_second, 1e-3), "{seconds} s for {rows} rows");
    let t_done = ev
        .iter()
        .find_map(|(t, _, d)| matches!(d, EventData::BackupCompleted { has_old_column: true, .. }).then_some(*t))
        .expect("the dump finished");
    assert!(close(t_done - t_dump, seconds, 1e-3));
    // The DROP queued behind it with no lock_timeout, for the rest of the dump.
    let queued: Vec<_> = ev
        .iter()
        .filter_map(|(t, k, d)| match d {
            EventData::DdlQueued { ddl, holder, wait_seconds, writes_blocked, reads_blocked } => {
                Some((*t, *k, *ddl, *holder, *wait_seconds, *writes_blocked, *reads_blocked))
            }
            _ => None,
        })
        .collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    let (t_q, kind, ddl, holder, wait, writes, reads) = queued[0];
    assert_eq!((kind, ddl, holder), (EventKind::LockBlocked, DdlStep::Contract, LockHolder::PgDump));
    assert!(close(t_q, t_dump + 5.0, 1e-6), "the contract runs 5 s into the dump");
    assert!(close(wait, t_done - t_q, 1e-3), "it waits for the rest of the dump: {wait}");
    assert_eq!(writes, (sc.writes_per_second * wait) as u64);
    assert_eq!(reads, (sc.reads_per_second * wait) as u64);
    assert_eq!(summary.writes_blocked, writes, "every write meanwhile queued behind the DROP");
    // The drop commits the moment the dump lets go, and nothing is refused.
    assert!(close(dropped_at(&sim), t_done, 1e-6));
    assert_eq!(summary.failures, StatementFailures::default());
    assert!(!ev.iter().any(|(_, k, _)| *k == EventKind::LockTimeout));
}

#[test]
fn with_lock_timeout_the_drop_retries_behind_the_dump_and_queries_wait_at_most_the_timeout() {
    let mut sc = shipped("backup-blocks-contract");
    sc.lock_timeout_ms = 500;
    let mut sim = Sim::new(sc.clone()).unwrap();
    let summary = sim.run_to_end();
    let ev = data(&sim);
    let timeouts: Vec<_> = ev
        .iter()
        .filter_map(|(_, k, d)| match d {
            EventData::DdlLockTimeout { ddl, holder, lock_timeout_ms, attempt, .. } => {
                Some((*k, *ddl, *holder, *lock_timeout_ms, *attempt))
            }
            _ => None,
        })
        .collect();
    assert!(timeouts.len() >= 3, "{timeouts:?}");
    for (i, t) in timeouts.iter().enumerate() {
        assert_eq!(*t, (EventKind::LockTimeout, DdlStep::Contract, LockHolder::PgDump, 500, i as u32 + 1));
    }
    assert!(!ev.iter().any(|(_, _, d)| matches!(d, EventData::DdlQueued { .. })));
    // Each attempt holds the queue for at most lock_timeout.
    let per_attempt = (sc.writes_per_second * 0.5) as u64;
    assert_eq!(summary.writes_blocked, per_attempt * timeouts.len() as u64);
    let t_done = ev.iter().find_map(|(t, _, d)| matches!(d, EventData::BackupCompleted { .. }).then_some(*t)).unwrap();
    assert!(dropped_at(&sim) >= t_done, "the drop commits only after the dump");
    assert_eq!(summary.final_phase, Phase::Contract);
}

#[test]
fn waiting_for_the_backup_milestone_blocks_nothing_and_the_dump_time_follows_its_rate() {
    let mut sc = shipped("backup-blocks-contract");
    // The contract waits for the `backup` milestone instead of a fixed delay.
    let i = sc.actions.iter().position(|a| a.action == ActionKind::Contract).unwrap();
    sc.actions[i] = ScheduledAction::after(ActionKind::Contract, Milestone::Backup, 1.0);
    sc.dump_rows_per_second = 100_000.0;
    let mut sim = Sim::new(sc.clone()).unwrap();
    let summary = sim.run_to_end();
    assert_eq!(summary.writes_blocked, 0);
    assert_eq!(summary.final_phase, Phase::Contract);
    let ev = data(&sim);
    let (t0, seconds) = ev
        .iter()
        .find_map(|(t, _, d)| match d {
            EventData::BackupStarted { rows, seconds, .. } => {
                assert!(close(*seconds, *rows as f64 / 100_000.0, 1e-3));
                Some((*t, *seconds))
            }
            _ => None,
        })
        .unwrap();
    assert!(seconds > 200.0, "20 million rows at 100,000 rows/s: {seconds}");
    assert!(close(dropped_at(&sim), t0 + seconds + 1.0, 1e-3));
    // The automatic backup at the start is a recovery point: no lock, no wait.
    assert!(ev.iter().any(|(_, k, d)| *k == EventKind::Backup && matches!(d, EventData::RecoveryPoint { .. })));
    assert!(sim.state().backups.iter().all(|b| b.completed_second.is_some()));
}

#[test]
fn a_backup_is_usable_only_once_the_dump_has_finished() {
    let mut sc = shipped("backup-blocks-contract");
    sc.actions.retain(|a| a.action != ActionKind::Contract);
    let mut sim = Sim::new(sc).unwrap();
    // Run until the dump has started, then look at it half way.
    while !sim.events().iter().any(|e| matches!(e.data, Some(EventData::BackupStarted { .. }))) {
        sim.advance(10.0);
    }
    let st = sim.state();
    let last = st.backups.last().unwrap();
    assert!(!last.automatic && last.completed_second.is_none() && st.busy);
    assert!(!sim.act(Action::Backup).accepted, "one dump at a time");
    sim.run_until_idle();
    assert!(sim.state().backups.last().unwrap().completed_second.is_some());
}

fn rollback_events(sim: &Sim) -> Vec<(f64, EventData)> {
    data(sim)
        .into_iter()
        .filter(|(_, _, d)| {
            matches!(
                d,
                EventData::RollbackStarted { .. }
                    | EventData::CopyBackStarted { .. }
                    | EventData::CopyBackCompleted { .. }
                    | EventData::DdlLockTimeout { .. }
                    | EventData::DdlQueued { .. }
                    | EventData::RollbackCompleted { .. }
            )
        })
        .map(|(t, _, d)| (t, d))
        .collect()
}

#[test]
fn a_rollback_turns_flags_off_over_the_rollout_copies_back_in_batches_and_drops_under_lock_timeout() {
    let sc = shipped("rollback-waits-for-lock");
    let mut sim = Sim::new(sc.clone()).unwrap();
    sim.advance_to(1_700_000_000);
    let stale = sim.state().old_stale;
    assert!(stale > 10_000, "the faulty build left status stale: {stale}");
    sim.advance(5.0); // the rollback fired at 1,700 s; half the instances have the flags off
    let st = sim.state();
    assert_eq!(st.write.path, WritePath::Old);
    assert_eq!(st.write.rolling_from, Some(WritePath::Both), "flags off take deploy_seconds, like flags on");
    assert!(close(st.write.rollout_pct, 50.0, 1.0), "{}", st.write.rollout_pct);
    assert_eq!(st.read.rolling_from, Some(ReadPath::NewWithFallback));
    assert!(st.new_column_exists, "nothing is dropped while instances still write it");
    assert!(st.old_stale > stale, "instances not yet switched still write only order_status");
    let summary = sim.run_to_end();
    assert!(sc.expect.check(&summary).is_empty(), "{:?}", sc.expect.check(&summary));
    let ev = rollback_events(&sim);
    // 1. Flags off over deploy_seconds.
    let (t0, d0) = &ev[0];
    assert_eq!(*t0, 1_700.0);
    let EventData::RollbackStarted { method, flags_off_seconds, rows_to_copy_back } = d0 else { panic!("{d0:?}") };
    assert_eq!((*method, *flags_off_seconds, *rows_to_copy_back), (RollbackMethod::SwitchBack, 10.0, stale));
    // 2. The copy-back, once every instance is off, in batches of batch_size.
    let (t1, d1) = &ev[1];
    assert!(close(*t1, 1_710.0, 1e-6), "copy-back starts when the last instance has the flags off: {t1}");
    let EventData::CopyBackStarted { rows, batch_size } = d1 else { panic!("{d1:?}") };
    assert_eq!(*batch_size, sc.batch_size as u64);
    assert!(*rows > stale);
    let (t2, d2) = &ev[2];
    let EventData::CopyBackCompleted { batches, rows: copied } = d2 else { panic!("{d2:?}") };
    assert!(*batches >= rows.div_ceil(sc.batch_size as u64), "{batches} batches for {rows} rows");
    assert!(*copied <= *rows && *copied as f64 > 0.99 * *rows as f64, "{copied} of {rows}");
    assert!(*t2 > *t1 + 2.0, "batches with pauses take time: {t1} → {t2}");
    // 3. The DROP, under lock_timeout, behind the report (1,690–1,730 s).
    let timeouts: Vec<_> = ev
        .iter()
        .filter_map(|(t, d)| match d {
            EventData::DdlLockTimeout { ddl, holder, lock_timeout_ms, .. } => {
                Some((*t, *ddl, *holder, *lock_timeout_ms))
            }
            _ => None,
        })
        .collect();
    assert!(!timeouts.is_empty());
    for (t, ddl, holder, lt) in &timeouts {
        assert!(*t >= *t2 && *t < 1_730.0);
        assert_eq!((*ddl, *holder, *lt), (DdlStep::RollbackDrop, LockHolder::LongTransaction, 500));
    }
    assert_eq!(summary.writes_blocked, (sc.writes_per_second * 0.5) as u64 * timeouts.len() as u64);
    let (t3, d3) = ev.last().unwrap();
    let EventData::RollbackCompleted { method, rows_copied_back, seconds } = d3 else { panic!("{d3:?}") };
    assert_eq!(*method, RollbackMethod::SwitchBack);
    assert!(*t3 >= 1_730.0, "the DROP commits after the report: {t3}");
    assert!(close(*seconds, t3 - 1_700.0, 1e-6));
    assert_eq!(*rows_copied_back, *copied, "nothing left to copy at the drop");
    assert_eq!(summary.rows_lost, 0);
    assert!(!sim.state().new_column_exists);
}

#[test]
fn without_lock_timeout_the_rollback_drop_queues_every_query() {
    let mut sc = shipped("rollback-waits-for-lock");
    sc.lock_timeout_ms = 0;
    let mut sim = Sim::new(sc.clone()).unwrap();
    let summary = sim.run_to_end();
    let ev = rollback_events(&sim);
    let queued: Vec<_> = ev
        .iter()
        .filter_map(|(t, d)| match d {
            EventData::DdlQueued { ddl, holder, wait_seconds, writes_blocked, .. } => {
                Some((*t, *ddl, *holder, *wait_seconds, *writes_blocked))
            }
            _ => None,
        })
        .collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    let (t, ddl, holder, wait, writes) = queued[0];
    assert_eq!((ddl, holder), (DdlStep::RollbackDrop, LockHolder::LongTransaction));
    assert!(close(t + wait, 1_730.0, 1e-6), "it waits for the report to end");
    assert_eq!(summary.writes_blocked, writes);
    assert_eq!(writes, (sc.writes_per_second * wait) as u64);
    assert!(writes > 20_000, "{writes}");
    assert_eq!(summary.rows_lost, 0);
}

#[test]
fn the_rollback_of_a_required_field_takes_its_lock_under_lock_timeout() {
    let mut sc = shipped("required-field-too-early");
    sc.actions.retain(|a| a.action != ActionKind::Rollback); // rolled back by hand below
    let mut sim = Sim::new(sc).unwrap();
    // Until the requirement is in force and a rollback reverses it.
    while sim.rollback_preview().method != RollbackMethod::ReverseDdl || sim.state().busy {
        sim.advance(5.0);
        assert!(sim.now_seconds() < 50_000.0, "the contract never completed");
    }
    let blocker = Fault { duration_seconds: Some(20.0), ..Fault::new(FaultKind::LongLock, 0.0) };
    assert!(sim.act(Action::Inject(blocker)).accepted);
    sim.advance(1.0);
    let t0 = sim.now_seconds();
    assert!(sim.act(Action::Rollback).accepted);
    let rejected = sim.state().writes_rejected;
    sim.advance(5.0);
    let st = sim.state();
    assert!(st.not_null, "the requirement stays until DROP NOT NULL gets its lock");
    if st.write.legacy_client_share > 0.0 {
        assert!(st.writes_rejected > rejected, "legacy clients are still rejected meanwhile");
    }
    assert!(!sim.act(Action::Rollback).accepted, "a rollback is already running");
    sim.run_until_idle();
    assert!(!sim.state().not_null);
    let ev = rollback_events(&sim);
    let started = ev.iter().find(|(t, _)| *t >= t0).unwrap();
    assert!(matches!(started.1, EventData::RollbackStarted { method: RollbackMethod::ReverseDdl, .. }));
    assert!(ev.iter().any(|(_, d)| matches!(
        d,
        EventData::DdlLockTimeout { ddl: DdlStep::RollbackReverse, holder: LockHolder::LongTransaction, .. }
    )));
    let (t_done, done) = ev.last().unwrap();
    assert!(matches!(done, EventData::RollbackCompleted { method: RollbackMethod::ReverseDdl, .. }));
    assert!(*t_done >= t0 + 19.0, "after the long transaction: {t_done}");
    assert_eq!(sim.summary().rows_lost, 0);
}
