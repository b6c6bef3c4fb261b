#![cfg(not(target_arch = "wasm32"))]
//! Every shipped migration scenario parses, validates, documents itself and
//! reaches the outcome its `[expect]` table states.

use rollback_lab::core::migration::*;
use std::path::PathBuf;

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/content/scenarios/migration"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("toml"))
        .collect();
    files.sort();
    files
}

fn load(path: &PathBuf) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    parse_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_shipped_scenario_reaches_its_expected_outcome() {
    let files = scenario_files();
    assert!(files.len() >= 8, "ship at least the eight scenarios of the issue");
    let mut failures = Vec::new();
    for path in &files {
        let sc = load(path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(!sc.title.trim().is_empty(), "{name}: title");
        assert!(!sc.description.trim().is_empty(), "{name}: description");
        assert!(!sc.expect.is_empty(), "{name}: an [expect] table");
        assert!(!sc.actions.is_empty(), "{name}: a plan");
        let mut sim = Sim::new(sc.clone()).unwrap();
        let summary = sim.run_to_end();
        if let Err(e) = sim.check_invariants() {
            failures.push(format!("{name}: invariant: {e}"));
        }
        for miss in sc.expect.check(&summary) {
            failures.push(format!("{name}: {miss}"));
        }
        // The CLI output ends with the same summary.
        let lines = run_lines(&sc);
        let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
        let cli: Summary = serde_json::from_value(last["summary"].clone()).unwrap();
        assert_eq!(cli, summary, "{name}: CLI summary differs from run_to_end");
        assert!(lines.len() <= 200, "{name}: {} lines is too many to read", lines.len());
    }
    assert!(failures.is_empty(), "scenario outcomes:\n{}", failures.join("\n"));
}

#[test]
fn the_issue_scenarios_are_shipped() {
    let names: Vec<String> =
        scenario_files().iter().map(|p| p.file_stem().unwrap().to_string_lossy().to_string()).collect();
    for want in [
        "rename-status",
        "required-field",
        "enum-queued",
        "healthy-rename",
        "rollback-before-contract",
        "rollback-after-contract",
        "buggy-dual-write",
        "contract-too-early",
    ] {
        assert!(names.iter().any(|n| n == want), "{want}.toml missing");
    }
    let by =
        |n: &str| load(&PathBuf::from(format!("{}/content/scenarios/migration/{n}.toml", env!("CARGO_MANIFEST_DIR"))));
    let rs = by("rename-status");
    assert_eq!(rs.rows, 200_000_000);
    assert_eq!((rs.old_column.as_str(), rs.new_column.as_str()), ("status", "order_status"));
    assert_eq!(by("required-field").kind, Kind::RequiredField);
    assert_eq!(by("enum-queued").kind, Kind::EnumValue);
    assert_eq!(by("rollback-before-contract").expect.rows_lost, Some(0));
    assert!(by("rollback-after-contract").expect.min_rows_lost.unwrap_or(0) > 0);
    assert_eq!(by("buggy-dual-write").expect.validation_found_problem, Some(true));
    assert!(by("contract-too-early").expect.min_failed_reads.unwrap_or(0) > 0);
}

#[test]
fn expect_check_reports_misses() {
    let sc = Scenario { rows: 1_000, ..Scenario::default() };
    let sim = Sim::new(sc).unwrap();
    let s = sim.summary();
    let e =
        Expect { final_phase: Some(Phase::Contract), min_rows_lost: Some(1), rows_lost: Some(0), ..Expect::default() };
    let misses = e.check(&s);
    assert_eq!(misses.len(), 2, "{misses:?}");
    assert!(misses[0].contains("final_phase"));
}

fn shipped(name: &str) -> Scenario {
    load(&PathBuf::from(format!("{}/content/scenarios/migration/{name}.toml", env!("CARGO_MANIFEST_DIR"))))
}

fn data_events(sim: &Sim, kind: EventKind) -> Vec<(f64, EventData)> {
    sim.events().iter().filter(|e| e.kind == kind).filter_map(|e| e.data.clone().map(|d| (e.second, d))).collect()
}

/// Issue 21, item 2: a `CHECK … NOT VALID` is enforced on every UPDATE from the
/// moment it is added, so after a failed VALIDATE every update of a row that
/// is still NULL fails with SQLSTATE 23514 until the row is filled.
#[test]
fn a_not_valid_check_rejects_updates_of_null_rows_after_a_failed_validate() {
    let sc = shipped("required-field-validate-fails");
    let updates_per_second = sc.writes_per_second * (1.0 - sc.insert_share);
    let mut sim = Sim::new(sc.clone()).unwrap();
    // Up to the first contract (after dual write + 90 s): nothing rejected.
    sim.advance(121.0);
    assert_eq!(sim.state().failures, StatementFailures::default());
    sim.advance(1.5); // t = 122.5 s: the check was added at 122 s
    let st = sim.state();
    let share_now = st.rows_pending as f64 / st.total_rows as f64;
    sim.advance(77.5); // t = 200 s: VALIDATE has failed
    assert!(sim.summary().contract_failed);
    let failing = data_events(&sim, EventKind::StatementsFailing);
    assert_eq!(failing.len(), 1, "{failing:?}");
    let (at, data) = &failing[0];
    let EventData::StatementsFailing { statement, sqlstate, share, .. } = data else { unreachable!() };
    assert_eq!((*statement, *sqlstate), (Statement::Update, SqlState::CheckViolation));
    assert_eq!(sqlstate.code(), "23514");
    // It starts with ADD CONSTRAINT, not when VALIDATE fails.
    let added = sim.events().iter().find(|e| e.kind == EventKind::PhaseStarted && e.second > 100.0).unwrap().second;
    assert_eq!(*at, added);
    assert!((share - share_now).abs() < 0.001, "share {share} of updates hit NULL rows ({share_now})");
    let st = sim.state();
    let pending = st.rows_pending as f64;
    assert!(*share > 0.4 && *share < 0.6, "about half the rows are still NULL: {share}");
    // While nothing fills them, the rejected updates follow updates/s × NULL share.
    let (f0, total0) = (st.failures.update_check_violation, st.total_rows);
    sim.advance(500.0); // t = 700 s, before the fix forward at 722 s
    let st = sim.state();
    assert_eq!(st.rows_pending as f64, pending, "the dual-write build fills every insert; nothing fills old rows");
    let mid_total = (total0 + st.total_rows) as f64 / 2.0;
    let want = updates_per_second * 500.0 * pending / mid_total;
    let got = (st.failures.update_check_violation - f0) as f64;
    assert!((got - want).abs() / want < 0.03, "rejected updates {got}, expected about {want}");
    // Every instance writes customer_type: no insert fails, and nothing else is rejected.
    assert_eq!(st.failures.insert_check_violation, 0);
    assert_eq!(st.writes_rejected, st.failures.update_check_violation);
    // The repair pass fills the NULL rows: the rejections stop, and the event says how many failed.
    let summary = sim.run_to_end();
    let recovered = data_events(&sim, EventKind::StatementsRecovered);
    assert_eq!(recovered.len(), 1, "{recovered:?}");
    let EventData::StatementsRecovered { statement, sqlstate, failed, .. } = &recovered[0].1 else { unreachable!() };
    assert_eq!((*statement, *sqlstate), (Statement::Update, SqlState::CheckViolation));
    assert_eq!(*failed, summary.failures.update_check_violation);
    assert!(recovered[0].0 > 722.0);
    assert_eq!(summary.rows_pending, 0);
    assert!(sim.state().not_null, "the second contract succeeds");
    assert!(sc.expect.check(&summary).is_empty(), "{:?}", sc.expect.check(&summary));
}

/// Dropping the constraint (the rollback of a required field) stops the
/// rejected updates at once.
#[test]
fn rolling_back_the_check_stops_rejecting_updates() {
    let mut sc = shipped("required-field-validate-fails");
    sc.actions.truncate(4);
    let mut sim = Sim::new(sc).unwrap();
    sim.advance(300.0);
    let before = sim.state().failures.update_check_violation;
    assert!(before > 0);
    let out = sim.act(Action::Rollback);
    assert!(out.accepted, "{}", out.message);
    assert_eq!(sim.rollback_preview().method, RollbackMethod::SwitchBack, "the check is gone");
    sim.advance(300.0);
    assert_eq!(sim.state().failures.update_check_violation, before);
    assert_eq!(data_events(&sim, EventKind::StatementsRecovered).len(), 1);
}
