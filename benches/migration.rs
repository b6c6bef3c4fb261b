//! Criterion benchmark of the migration engine: a full 200M-row backfill at
//! batch 10,000 (≈20,000 batches) with faults, run from start to end.
//!
//! `cargo bench --bench migration`

use criterion::{criterion_group, criterion_main, Criterion};
use rollback_lab::core::migration::{
    ActionKind, BatchError, Fault, FaultKind, Milestone, Scenario, ScheduledAction, Sim,
};
use std::hint::black_box;

/// 200,000,000 rows, batches of 10,000, a burst of lock timeouts, a replica
/// stall, and the full plan through contract.
fn scenario() -> Scenario {
    let mut sc = Scenario {
        title: "bench: 200M rows, batch 10,000, faults".into(),
        rows: 200_000_000,
        batch_size: 10_000,
        batch_pause_ms: 100,
        seed: 42,
        ..Scenario::default()
    };
    sc.faults = vec![
        Fault {
            rate: Some(0.3),
            error: Some(BatchError::LockTimeout),
            duration_seconds: Some(120.0),
            ..Fault::new(FaultKind::BatchFailures, 600.0)
        },
        Fault { duration_seconds: Some(90.0), ..Fault::new(FaultKind::LagSpike, 1_500.0) },
        Fault { rate: Some(0.2), error: Some(BatchError::Deadlock), ..Fault::new(FaultKind::BatchFailures, 2_400.0) },
    ];
    sc.actions = vec![
        ScheduledAction::at(ActionKind::Expand, 10.0),
        ScheduledAction::after(ActionKind::DualWrite, Milestone::Expand, 0.0),
        ScheduledAction::after(ActionKind::Backfill, Milestone::DualWrite, 30.0),
        ScheduledAction::after(ActionKind::Validate, Milestone::Backfill, 0.0),
        ScheduledAction::after(ActionKind::SwitchReads, Milestone::Backfill, 60.0),
        // Contract in two moves, after the backup's dump has finished (a
        // running pg_dump holds ACCESS SHARE, which the DROP would queue behind).
        ScheduledAction::after(ActionKind::Backup, Milestone::SwitchReads, 600.0),
        ScheduledAction::after(ActionKind::DeployNewOnly, Milestone::Backup, 10.0),
        ScheduledAction::after(ActionKind::Contract, Milestone::DeployNewOnly, 10.0),
    ];
    sc
}

fn bench(c: &mut Criterion) {
    let sc = scenario();
    // Sanity: the benchmark measures the run it claims to.
    let mut check = Sim::new(sc.clone()).expect("valid bench scenario");
    let s = check.run_to_end();
    assert!(s.backfill_complete && s.batches >= 20_000 && s.batch_failures > 0, "{s:?}");
    assert_eq!(check.state().phase, rollback_lab::core::migration::Phase::Contract, "the run reaches contract");

    c.bench_function("migration/200M_rows_batch_10k_with_faults_full_run", |b| {
        b.iter(|| {
            let mut sim = Sim::new(black_box(sc.clone())).expect("valid");
            black_box(sim.run_to_end())
        })
    });

    let mut mid = Sim::new(sc.clone()).expect("valid");
    mid.advance(2_000.0);
    c.bench_function("migration/state_snapshot_mid_backfill", |b| b.iter(|| black_box(mid.state())));
    c.bench_function("migration/validate_now_mid_backfill", |b| b.iter(|| black_box(mid.validate_now())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
