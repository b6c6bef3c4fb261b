#![cfg(not(target_arch = "wasm32"))]
//! Issue 21, item 1: every statement the deployed builds run names its columns,
//! so a dropped column fails each statement that still names it (SQLSTATE 42703
//! undefined_column) until a build that no longer names it runs on every
//! instance. Contract is two moves: that build first, then the DROP. Built from
//! the shipped scenario files; asserts event kinds and numbers, not wording.

use rollback_lab::core::migration::*;
use std::path::PathBuf;

fn shipped(name: &str) -> Scenario {
    let path = PathBuf::from(format!("{}/content/scenarios/migration/{name}.toml", env!("CARGO_MANIFEST_DIR")));
    let text = std::fs::read_to_string(&path).unwrap();
    parse_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (second, data) of the typed events of `kind`.
fn typed(sim: &Sim, kind: EventKind) -> Vec<(f64, EventData)> {
    sim.events().iter().filter(|e| e.kind == kind).filter_map(|e| e.data.clone().map(|d| (e.second, d))).collect()
}

/// Second of the DROP COLUMN (the contract's phase_completed event).
fn drop_second(sim: &Sim) -> f64 {
    sim.state().timeline[4].completed_second.expect("the contract completed")
}

fn failing(sim: &Sim) -> Vec<(f64, Statement, SqlState, f64)> {
    typed(sim, EventKind::StatementsFailing)
        .into_iter()
        .map(|(t, d)| match d {
            EventData::StatementsFailing { statement, sqlstate, share, .. } => (t, statement, sqlstate, share),
            other => panic!("{other:?}"),
        })
        .collect()
}

fn recovered(sim: &Sim) -> Vec<(f64, Statement, SqlState, u64)> {
    typed(sim, EventKind::StatementsRecovered)
        .into_iter()
        .map(|(t, d)| match d {
            EventData::StatementsRecovered { statement, sqlstate, failed, .. } => (t, statement, sqlstate, failed),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn dropping_first_fails_every_statement_naming_the_column_until_the_new_only_build_is_everywhere() {
    let sc = shipped("contract-too-early");
    let (rps, wps, ins_share) = (sc.reads_per_second, sc.writes_per_second, sc.insert_share);
    let deploy = sc.deploy_seconds;
    let mut sim = Sim::new(sc.clone()).unwrap();
    let summary = sim.run_to_end();
    assert!(sc.expect.check(&summary).is_empty(), "{:?}", sc.expect.check(&summary));
    let t_drop = drop_second(&sim);
    // Reads (old path), inserts and updates (dual write) all name status: each
    // starts failing at the drop, every one of them (share 1).
    let f = failing(&sim);
    assert_eq!(f.len(), 3, "{f:?}");
    for (t, st, code, share) in &f {
        assert_eq!(*code, SqlState::UndefinedColumn);
        assert_eq!(code.code(), "42703");
        assert!((*t - t_drop).abs() <= 1.0, "{st:?} starts failing at the drop ({t} vs {t_drop})");
        assert_eq!(*share, 1.0, "{st:?}: no running build avoids the column");
    }
    let kinds: Vec<Statement> = f.iter().map(|x| x.1).collect();
    for st in [Statement::Select, Statement::Insert, Statement::Update] {
        assert!(kinds.contains(&st), "{st:?} missing from {kinds:?}");
    }
    // The hotfix is the build that names only order_status, rolled out over deploy_seconds.
    let started = typed(&sim, EventKind::DeployStarted);
    assert_eq!(started.len(), 1);
    let (t_deploy, EventData::DeployStarted { build: Build::NewOnly, seconds }) = &started[0] else {
        panic!("{started:?}")
    };
    assert_eq!(*seconds, deploy);
    let done = typed(&sim, EventKind::DeployCompleted);
    assert_eq!(done.len(), 1);
    assert!((done[0].0 - (t_deploy + deploy)).abs() < 1e-6);
    // Every read and write fails from the drop until the deploy starts, and
    // half of them (on average) while it rolls out.
    let outage = t_deploy - t_drop + deploy / 2.0;
    let s = summary.failures;
    let near = |got: u64, want: f64| (got as f64 - want).abs() <= want * 0.01 + 2.0;
    assert!(near(s.select_undefined_column, rps * outage), "reads {} vs {}", s.select_undefined_column, rps * outage);
    let writes = s.insert_undefined_column + s.update_undefined_column;
    assert!(near(writes, wps * outage), "writes {writes} vs {}", wps * outage);
    assert!(near(s.insert_undefined_column, wps * ins_share * outage), "inserts {}", s.insert_undefined_column);
    assert_eq!(summary.failed_reads, s.select_undefined_column, "no other read failure");
    assert_eq!(summary.writes_rejected, writes, "no other write failure");
    assert_eq!(s.insert_check_violation + s.update_check_violation, 0);
    // They recover once the build is everywhere, and the events count what failed.
    let r = recovered(&sim);
    assert_eq!(r.len(), 3, "{r:?}");
    for (t, st, code, n) in &r {
        assert_eq!(*code, SqlState::UndefinedColumn);
        assert!(*t <= done[0].0 + 1.0 && *t >= *t_deploy, "{st:?} recovers during the rollout ({t})");
        assert_eq!(*n, s.get(*st, *code), "{st:?}");
    }
    assert!(!sim.state().read.failing);
}

#[test]
fn the_two_moves_fail_nothing() {
    for name in ["healthy-rename", "rename-status", "enum-queued", "buggy-dual-write"] {
        let sc = shipped(name);
        let mut sim = Sim::new(sc.clone()).unwrap();
        let summary = sim.run_to_end();
        assert!(sc.expect.check(&summary).is_empty(), "{name}: {:?}", sc.expect.check(&summary));
        assert_eq!(summary.failures, StatementFailures::default(), "{name}");
        assert!(failing(&sim).is_empty(), "{name}: {:?}", failing(&sim));
        // Move 1 reaches every instance before move 2 drops the column.
        let done = typed(&sim, EventKind::DeployCompleted);
        assert_eq!(done.len(), 1, "{name}");
        assert!(done[0].0 < drop_second(&sim), "{name}: the drop waits for the deploy");
        assert_eq!(summary.final_phase, Phase::Contract, "{name}");
        assert!(!sim.state().old_column_exists, "{name}");
    }
}

#[test]
fn between_the_two_moves_a_rollback_copies_back_and_loses_nothing() {
    let sc = shipped("healthy-rename");
    let mut sim = Sim::new(sc).unwrap();
    while typed(&sim, EventKind::DeployCompleted).is_empty() {
        sim.advance(5.0);
    }
    sim.advance(10.0);
    let st = sim.state();
    assert!(st.old_column_exists, "move 2 has not run yet");
    assert!(st.old_stale > 0, "the new-only build leaves status stale");
    let p = sim.rollback_preview();
    assert_eq!(p.method, RollbackMethod::SwitchBack);
    assert_eq!(p.rows_lost, 0);
    assert_eq!(p.rows_copied_back, st.old_stale);
    assert!(sim.act(Action::Rollback).accepted);
    assert_eq!(sim.summary().rows_lost, 0);
    sim.advance(60.0);
    assert_eq!(sim.summary().failures, StatementFailures::default());
}

#[test]
fn the_enum_contract_dropped_first_has_the_same_outage() {
    let mut sc = shipped("enum-queued");
    // The old plan: contract (DROP status) at 21,800 s without the new-only build.
    sc.actions.retain(|a| a.action != ActionKind::DeployNewOnly);
    for a in &mut sc.actions {
        if a.action == ActionKind::Contract {
            *a = ScheduledAction::at(ActionKind::Contract, 21_800.0);
        }
    }
    let mut sim = Sim::new(sc.clone()).unwrap();
    let s = sim.run_to_end();
    let observe = sc.observe_seconds;
    let f = s.failures;
    assert!((f.select_undefined_column as f64 - sc.reads_per_second * observe).abs() <= 1.0, "{f:?}");
    let writes = f.insert_undefined_column + f.update_undefined_column;
    assert!((writes as f64 - sc.writes_per_second * observe).abs() <= 2.0, "{f:?}");
    assert!(s.writes_rejected >= writes);
    assert!(sc.expect.check(&s).iter().any(|m| m.starts_with("writes_rejected")), "the file's expect would catch it");
    // Fixing forward deploys the new-only build and the statements recover.
    assert!(sim.act(Action::Rollforward).accepted);
    sim.advance(sc.deploy_seconds + 5.0);
    let before = sim.summary().failures;
    sim.advance(60.0);
    assert_eq!(sim.summary().failures, before);
    assert_eq!(recovered(&sim).len(), 3);
}

#[test]
fn the_page_shows_the_two_moves_and_the_new_only_build_names_no_old_column() {
    for name in ["healthy-rename", "enum-queued"] {
        let sc = shipped(name);
        let old = sc.old_column_name().to_string();
        let mut sim = Sim::new(sc).unwrap();
        sim.run_to_end();
        let contract_sql = &sim.state().timeline[4].sql;
        assert!(!contract_sql.contains("dual_write = off"), "{name}: {contract_sql}");
        assert!(contract_sql.contains(&format!("DROP COLUMN {old};")), "{name}: {contract_sql}");
        let ddl: Vec<&str> = contract_sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
        assert!(!ddl.iter().any(|l| l.contains("RENAME COLUMN")), "{name}: no bare rename while the app runs");
        let sql = sim
            .events()
            .iter()
            .find(|e| e.kind == EventKind::DeployStarted)
            .and_then(|e| e.sql.clone())
            .expect("the deploy shows its statements");
        let statements: Vec<&str> = sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
        assert!(statements.len() >= 3, "{name}: {sql}");
        for l in statements {
            // The result column may be called `status` (an alias); no column reference may be.
            let without_alias = l.replace(&format!("AS {old}"), "");
            let names_old = without_alias.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == old);
            assert!(!names_old, "{name}: `{l}` names {old}");
        }
    }
}
