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
