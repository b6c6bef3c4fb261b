#![cfg(not(target_arch = "wasm32"))]
//! Property tests of the migration engine over random table sizes, traffic,
//! faults and action orders.

use proptest::prelude::*;
use proptest::test_runner::Config;
use rollback_lab::core::migration::*;

#[derive(Debug, Clone)]
enum Op {
    Act(Action),
    Advance(f64),
    UntilIdle,
}

fn fault_for(kind: Kind) -> impl Strategy<Value = Fault> {
    let kinds: Vec<FaultKind> = match kind {
        Kind::RequiredField => {
            vec![FaultKind::BatchFailures, FaultKind::LagSpike, FaultKind::BuggyDualWrite, FaultKind::LongLock]
        }
        _ => vec![
            FaultKind::BatchFailures,
            FaultKind::LagSpike,
            FaultKind::BuggyDualWrite,
            FaultKind::LongLock,
            FaultKind::OldReaders,
        ],
    };
    (
        proptest::sample::select(kinds),
        0.0f64..600.0,
        proptest::option::of(1.0f64..300.0),
        0.05f64..1.0,
        any::<bool>(),
        0.0f64..0.9,
    )
        .prop_map(move |(fk, at, dur, x, flag, speed)| {
            let mut f = Fault::new(fk, at.floor());
            f.duration_seconds = dur;
            match fk {
                FaultKind::BatchFailures => {
                    f.rate = Some(x);
                    f.error = Some(if flag { BatchError::Deadlock } else { BatchError::LockTimeout });
                }
                FaultKind::LagSpike => f.replica_speed = Some(speed),
                FaultKind::BuggyDualWrite => {
                    f.share = Some(x);
                    f.mode =
                        Some(if flag && kind != Kind::RequiredField { BuggyMode::NewOnly } else { BuggyMode::OldOnly });
                }
                FaultKind::LongLock => f.cause = Some(if flag { LockCause::Rewrite } else { LockCause::Blocker }),
                FaultKind::OldReaders => f.share = Some(x),
            }
            f
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::sample::select(vec![Kind::Rename, Kind::RequiredField, Kind::EnumValue]),
        1.0f64..6.0,
        100i64..=100_000,
        0i64..=300,
        0.0f64..4_000.0,
        0.0f64..=1.0,
        0.0f64..20.0,
        0i64..=1_000,
        0.0f64..0.5,
        any::<u64>(),
    )
        .prop_flat_map(|(kind, log_rows, batch, pause, wps, ins, deploy, lock, legacy, seed)| {
            let sc = Scenario {
                kind,
                rows: 10f64.powf(log_rows).round() as i64,
                batch_size: batch,
                batch_pause_ms: pause,
                writes_per_second: wps.floor(),
                insert_share: ins,
                deploy_seconds: deploy.floor(),
                lock_timeout_ms: lock,
                legacy_client_share: if kind == Kind::Rename { 0.0 } else { legacy },
                seed,
                ..Scenario::default()
            };
            (Just(sc), proptest::collection::vec(fault_for(kind), 0..3))
        })
        .prop_map(|(mut sc, faults)| {
            sc.faults = faults;
            sc
        })
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => Just(Action::Expand),
        3 => Just(Action::DualWrite),
        3 => Just(Action::Backfill),
        2 => Just(Action::SwitchReads),
        2 => Just(Action::DeployNewOnly),
        2 => Just(Action::Contract),
        2 => Just(Action::Rollback),
        1 => Just(Action::Rollforward),
        1 => Just(Action::Validate),
        1 => Just(Action::Backup),
        1 => Just(Action::DryRun),
        1 => Just(Action::Repair),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => action().prop_map(Op::Act),
        4 => (0.0f64..240.0).prop_map(Op::Advance),
        1 => Just(Op::UntilIdle),
    ]
}

/// A migration in the "natural" order with random pauses, so that every phase
/// (and contract) is reached often, followed by random extra operations.
fn plan() -> impl Strategy<Value = Vec<Op>> {
    (
        proptest::collection::vec(0.0f64..120.0, 5),
        proptest::collection::vec(op(), 0..12),
        proptest::collection::vec(op(), 0..6),
        0usize..6,
        any::<bool>(),
    )
        .prop_map(|(gaps, extra, tail, cut, two_moves)| {
            let steps = [Action::Expand, Action::DualWrite, Action::Backfill, Action::SwitchReads, Action::Contract];
            let mut ops = Vec::new();
            for (i, a) in steps.iter().enumerate().take(cut.max(1)) {
                if *a == Action::Contract && two_moves {
                    ops.push(Op::Act(Action::DeployNewOnly));
                    ops.push(Op::Advance(gaps[i]));
                }
                ops.push(Op::Act(a.clone()));
                ops.push(Op::Advance(gaps[i]));
                if i == 2 {
                    ops.push(Op::UntilIdle);
                }
            }
            ops.extend(extra);
            ops.push(Op::Act(Action::Rollback));
            ops.extend(tail);
            ops
        })
}

fn config() -> Config {
    // PROPTEST_CASES raises the count for a longer hunt.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Rows are conserved; nothing is lost before contract; a rollback before
    /// contract loses 0 rows; a rollback after contract loses exactly the rows
    /// written since the backup; the engine never panics.
    #[test]
    fn any_action_order_keeps_the_books(sc in scenario(), ops in plan()) {
        let mut sim = Sim::new(sc.clone()).unwrap();
        let mut ever_dropped = false;
        for op in ops {
            let before = sim.state();
            let preview = sim.rollback_preview();
            match &op {
                Op::Act(a) => { sim.act(a.clone()); }
                Op::Advance(s) => sim.advance(*s),
                Op::UntilIdle => { sim.run_until_idle(); }
            }
            let st = sim.state();
            prop_assert!(sim.check_invariants().is_ok(), "{:?} after {op:?}", sim.check_invariants());
            // Conservation, spelled out: rows that needed the copy are copied, filled by the app, or pending.
            if st.new_column_exists {
                prop_assert_eq!(st.rows_needing_backfill, st.rows_backfilled + st.rows_filled_by_app + st.rows_pending);
            }
            if !st.old_column_exists {
                ever_dropped = true;
            }
            if !ever_dropped {
                prop_assert_eq!(st.rows_lost, 0, "nothing is lost before contract (after {:?})", op);
            }
            if before.old_column_exists && !before.not_null {
                prop_assert_eq!(preview.rows_lost, 0);
            }
            if let Op::Act(Action::Rollback) = op {
                match preview.method {
                    RollbackMethod::SwitchBack | RollbackMethod::ReverseDdl => {
                        prop_assert_eq!(st.rows_lost, before.rows_lost, "rollback before contract loses 0");
                    }
                    RollbackMethod::RestoreFromBackup => {
                        prop_assert_eq!(preview.rows_lost, before.rows_written_since_backup);
                        // Values lost at contract come back with the backup unless written since.
                        let base = preview.backup.as_ref().unwrap().rows_lost_before;
                        prop_assert_eq!(st.rows_lost, base + preview.rows_lost);
                        prop_assert!(st.rows_lost <= before.rows_lost + preview.rows_lost);
                        prop_assert_eq!(st.phase, Phase::RolledBack);
                        prop_assert!(st.old_column_exists);
                    }
                    RollbackMethod::Nothing => prop_assert_eq!(st.rows_lost, before.rows_lost),
                }
            }
            // The page never sees nonsense numbers.
            prop_assert!(st.replica_lag_ms.is_finite() && st.replica_lag_ms >= 0.0);
            if let Some(b) = &st.backfill {
                prop_assert!((0.0..=100.0).contains(&b.percent));
                prop_assert!(b.cursor >= b.start_id);
            }
            prop_assert!(st.sample.len() <= 22);
        }
        let json = serde_json::to_string(&sim.summary()).unwrap();
        prop_assert!(!json.contains("NaN"));
    }

    /// No statement of a deployed build ever succeeds against a column that does
    /// not exist: while the old column is dropped and every running build still
    /// names it (reads: old path or the COALESCE fallback; writes: old path or
    /// dual write), every read and every write fails with 42703 — no row is
    /// inserted or updated — and once every instance runs the new-only build no
    /// write fails. Rows are conserved; nothing panics.
    #[test]
    fn no_statement_succeeds_against_a_dropped_column(sc in scenario(), ops in plan()) {
        let mut sc = sc;
        if sc.kind == Kind::RequiredField {
            sc.kind = Kind::Rename;
            sc.legacy_client_share = 0.0;
            sc.new_column.clear();
        }
        // A buggy new-only build names only the new column: its writes may succeed.
        sc.faults.retain(|f| !(f.kind == FaultKind::BuggyDualWrite && f.mode == Some(BuggyMode::NewOnly)));
        let mut sim = Sim::new(sc.clone()).unwrap();
        let names_old = |st: &State| {
            let w = |p: WritePath| matches!(p, WritePath::Old | WritePath::Both);
            let r = |p: ReadPath| matches!(p, ReadPath::Old | ReadPath::NewWithFallback);
            w(st.write.path) && st.write.rolling_from.is_none_or(w) && r(st.read.path) && st.read.rolling_from.is_none_or(r)
        };
        let new_only = |st: &State| st.write.path == WritePath::New && st.write.rolling_from.is_none();
        let mut ops = ops;
        ops.push(Op::Advance(30.0));
        ops.push(Op::Act(Action::Rollforward));
        ops.push(Op::Advance(sc.deploy_seconds + 30.0));
        for op in ops {
            let before = sim.state();
            match &op {
                Op::Act(a) => { sim.act(a.clone()); }
                Op::Advance(s) => sim.advance(*s),
                Op::UntilIdle => { sim.run_until_idle(); }
            }
            let st = sim.state();
            prop_assert!(sim.check_invariants().is_ok(), "{:?} after {op:?}", sim.check_invariants());
            if st.new_column_exists {
                prop_assert_eq!(st.rows_needing_backfill, st.rows_backfilled + st.rows_filled_by_app + st.rows_pending);
            }
            let dropped = |x: &State| !x.old_column_exists && x.phase != Phase::RolledBack;
            if !matches!(op, Op::Advance(_)) || !dropped(&before) || !dropped(&st) {
                continue;
            }
            let dt = st.second - before.second;
            if names_old(&before) && names_old(&st) {
                prop_assert_eq!(st.total_rows, before.total_rows, "an INSERT succeeded against a dropped column");
                prop_assert_eq!(st.rows_written_since_backup, before.rows_written_since_backup,
                    "an UPDATE succeeded against a dropped column");
                let reads = (st.failures.select_undefined_column - before.failures.select_undefined_column) as f64;
                prop_assert!((reads - sc.reads_per_second * dt).abs() <= 1.0 + 1e-9 * reads,
                    "reads failed {reads}, expected {}", sc.reads_per_second * dt);
                let writes = (st.failures.writes_undefined_column() - before.failures.writes_undefined_column()) as f64;
                prop_assert!((writes - sc.writes_per_second * dt).abs() <= 2.0,
                    "writes failed {writes}, expected {}", sc.writes_per_second * dt);
                prop_assert_eq!(st.failed_reads - before.failed_reads, reads as u64);
            }
            if new_only(&before) && new_only(&st) {
                prop_assert_eq!(st.failures.writes_undefined_column(), before.failures.writes_undefined_column(),
                    "the new-only build names no dropped column");
                // Another service's readers (old_readers) still name the column: skip
                // any step that overlaps one, even a fault that starts and ends inside it.
                let old_readers_during = sc.faults.iter().any(|f| {
                    f.kind == FaultKind::OldReaders
                        && f.at_second < st.second
                        && f.duration_seconds.is_none_or(|d| f.at_second + d > before.second)
                });
                if st.read.path == ReadPath::New && st.read.rolling_from.is_none() && !old_readers_during {
                    prop_assert_eq!(st.failures.select_undefined_column, before.failures.select_undefined_column);
                }
            }
        }
        let json = serde_json::to_string(&sim.summary()).unwrap();
        prop_assert!(!json.contains("NaN"));
    }

    /// With inserts only, a restore loses exactly writes_per_second × seconds since the backup.
    #[test]
    fn insert_only_restore_loss_is_exact(rows in 10i64..200_000, wps in 1u32..3_000, wait in 1u32..600, gap in 0u32..300, seed in any::<u64>()) {
        let sc = Scenario { rows, writes_per_second: wps as f64, insert_share: 1.0, deploy_seconds: 0.0, seed, ..Scenario::default() };
        let mut sim = Sim::new(sc).unwrap();
        sim.act(Action::Expand);
        sim.act(Action::DualWrite);
        sim.act(Action::Backfill);
        sim.run_until_idle();
        sim.act(Action::SwitchReads);
        sim.advance(gap as f64 + 1.0 - sim.now_seconds().fract());
        prop_assert_eq!(sim.now_seconds().fract(), 0.0);
        let t0 = sim.now_seconds();
        sim.act(Action::Backup);
        // The DROP waits for the dump (ACCESS SHARE); it holds the table as of t0.
        sim.run_until_idle();
        sim.advance(1.0 - sim.now_seconds().fract()); // whole seconds since t0: the count is exact
        prop_assert!(sim.act(Action::DeployNewOnly).accepted);
        prop_assert!(sim.act(Action::Contract).accepted);
        sim.advance(wait as f64);
        let expect = (wps as f64 * (sim.now_seconds() - t0)).round() as u64;
        prop_assert_eq!(sim.rollback_preview().rows_lost, expect);
        sim.act(Action::Rollback);
        prop_assert_eq!(sim.summary().rows_lost, expect);
    }

    /// A buggy dual write creates drift, and validation finds exactly what the state holds.
    #[test]
    fn validation_finds_buggy_dual_write_drift(
        rows in 10_000i64..1_000_000,
        share in 0.2f64..=1.0,
        wps in 500.0f64..4_000.0,
        ins in 0.1f64..0.6,
        seed in any::<u64>(),
    ) {
        let mut sc = Scenario { rows, writes_per_second: wps.floor(), insert_share: ins, deploy_seconds: 0.0, seed, ..Scenario::default() };
        sc.faults.push(Fault { mode: Some(BuggyMode::OldOnly), share: Some(share), ..Fault::new(FaultKind::BuggyDualWrite, 0.0) });
        let mut sim = Sim::new(sc).unwrap();
        sim.act(Action::Expand);
        sim.act(Action::DualWrite);
        sim.act(Action::Backfill);
        sim.run_until_idle();
        sim.advance(120.0);
        let st = sim.state();
        prop_assert!(st.mismatches > 0, "updates by the buggy build drift");
        prop_assert!(st.rows_pending > 0, "inserts by the buggy build stay NULL");
        let v = sim.validate_now();
        let get = |n: &str| v.iter().find(|r| r.name == n).unwrap().clone();
        let m = get("mismatch_count");
        prop_assert!(!m.ok);
        prop_assert_eq!(m.result, QueryResult::Count { value: st.mismatches });
        prop_assert_eq!(get("null_count").result, QueryResult::Count { value: st.rows_pending });
        let out = sim.act(Action::Validate);
        prop_assert_eq!(out.message, "validation found a problem");
        prop_assert!(sim.state().sample.iter().any(|r| matches!(r.state, RowState::NewStale | RowState::Null)));
        prop_assert!(sim.summary().validation_found_problem);
    }

    /// Any scenario the validator accepts runs to its end without panicking, and
    /// the same seed gives the same run.
    #[test]
    fn random_valid_scenarios_run_deterministically(sc in scenario(), plan in proptest::collection::vec((action(), 0.0f64..900.0), 0..6)) {
        let mut sc = sc;
        sc.rows = sc.rows.min(300_000);
        sc.actions = plan
            .into_iter()
            .filter_map(|(a, t)| {
                let kind = match a {
                    Action::Expand => ActionKind::Expand,
                    Action::DualWrite => ActionKind::DualWrite,
                    Action::Backfill => ActionKind::Backfill,
                    Action::SwitchReads => ActionKind::SwitchReads,
                    // A new field has no old column to stop naming.
                    Action::DeployNewOnly if sc.kind == Kind::RequiredField => return None,
                    Action::DeployNewOnly => ActionKind::DeployNewOnly,
                    Action::Contract => ActionKind::Contract,
                    Action::Rollback => ActionKind::Rollback,
                    Action::Rollforward => ActionKind::Rollforward,
                    Action::Validate => ActionKind::Validate,
                    Action::Backup => ActionKind::Backup,
                    Action::DryRun => ActionKind::DryRun,
                    Action::Repair => ActionKind::Repair,
                    Action::Inject(_) => return None,
                };
                Some(ScheduledAction::at(kind, t.floor()))
            })
            .collect();
        prop_assert!(sc.validate().is_ok());
        let a = run_lines(&sc);
        let b = run_lines(&sc);
        prop_assert_eq!(&a, &b);
        let last = a.last().unwrap();
        prop_assert!(last.starts_with("{\"summary\""), "last line: {}", last);
    }
}

fn int_in(lo: i64, hi: i64) -> impl Strategy<Value = i64> {
    prop_oneof![any::<i64>(), lo..=hi, Just(0), Just(-1), Just(hi + 1)]
}

fn num_in(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>(), lo..=hi, Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(0.0), Just(hi * 2.0 + 1.0)]
}

proptest! {
    #![proptest_config(config())]

    /// Any numbers: either refused with named keys, or a simulation that runs.
    #[test]
    fn arbitrary_numbers_are_refused_or_run(
        rows in int_in(10, 2_000_000),
        batch in int_in(100, 100_000),
        pause in int_in(0, 60_000),
        lag in int_in(100, 60_000),
        lock in int_in(0, 60_000),
        retries in int_in(0, 20),
        wps in num_in(0.0, 100_000.0),
        ins in num_in(0.0, 1.0),
        deploy in num_in(0.0, 3_600.0),
        legacy in num_in(0.0, 1.0),
        fault_at in num_in(0.0, 1_000.0),
        fault_rate in num_in(0.0, 1.0),
    ) {
        let mut sc = Scenario {
            kind: Kind::EnumValue,
            rows,
            batch_size: batch,
            batch_pause_ms: pause,
            max_lag_ms: lag,
            lock_timeout_ms: lock,
            max_retries: retries,
            writes_per_second: wps,
            insert_share: ins,
            deploy_seconds: deploy,
            legacy_client_share: legacy,
            ..Scenario::default()
        };
        sc.faults.push(Fault { rate: Some(fault_rate), ..Fault::new(FaultKind::BatchFailures, fault_at) });
        match Sim::new(sc.clone()) {
            Err(errs) => {
                prop_assert!(!errs.is_empty());
                let known = ["rows", "batch_size", "batch_pause_ms", "max_lag_ms", "lock_timeout_ms", "max_retries",
                    "writes_per_second", "insert_share", "deploy_seconds", "legacy_client_share",
                    "faults[0].at_second", "faults[0].rate"];
                for e in &errs {
                    prop_assert!(known.contains(&e.key.as_str()), "unexpected key {}", e.key);
                    prop_assert!(!e.reason.is_empty());
                }
                prop_assert!(Scenario::from_json(&serde_json::to_string(&sc).unwrap_or_default()).is_err());
            }
            Ok(mut sim) => {
                for a in [Action::Expand, Action::DualWrite, Action::Backfill] {
                    sim.act(a);
                    sim.advance(20.0);
                }
                sim.act(Action::Inject(Fault { rate: Some(fault_rate), ..Fault::new(FaultKind::BatchFailures, fault_at) }));
                sim.advance(60.0);
                prop_assert!(sim.check_invariants().is_ok());
            }
        }
    }

    /// Garbage text never panics the parsers.
    #[test]
    fn garbage_text_is_refused_without_panicking(text in "\\PC{0,300}") {
        let _ = parse_toml(&text);
        let _ = Scenario::from_json(&text);
        if let Ok(share) = Share::from_json(&text) {
            let _ = share.restore();
        }
    }
}
