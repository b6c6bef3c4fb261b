#![cfg(not(target_arch = "wasm32"))]
//! Every shipped scenario in `content/scenarios/canary/` parses, validates,
//! round-trips, and reaches the outcome its `[expect]` table names.

use rollback_lab::core::canary::{cli_lines, parse_toml, EventKind, Outcome, Scenario, Sim};
use std::path::PathBuf;

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content/scenarios/canary")
}

fn shipped() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(scenario_dir())
        .expect("content/scenarios/canary exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let slug = p.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).expect("readable");
            (slug, text)
        })
        .collect();
    files.sort();
    files
}

fn load(slug: &str) -> Scenario {
    let text =
        std::fs::read_to_string(scenario_dir().join(format!("{slug}.toml"))).unwrap_or_else(|e| panic!("{slug}: {e}"));
    parse_toml(&text).unwrap_or_else(|e| panic!("{slug}.toml: {e}"))
}

fn run(slug: &str) -> Sim {
    let mut sim = Sim::new(load(slug));
    sim.run_to_end();
    sim
}

#[test]
fn the_required_scenarios_are_shipped() {
    let slugs: Vec<String> = shipped().into_iter().map(|(s, _)| s).collect();
    for required in [
        "worked-example-1",
        "worked-example-3",
        "worked-example-3-hotfix",
        "error-spike-at-1-percent",
        "kpi-only-regression",
        "no-gates",
        "kill-switch-save",
        "exercise-1",
    ] {
        assert!(slugs.iter().any(|s| s == required), "{required}.toml missing");
    }
}

#[test]
fn every_shipped_scenario_parses_validates_and_reaches_its_expected_outcome() {
    let files = shipped();
    assert!(files.len() >= 8);
    for (slug, text) in files {
        let sc = parse_toml(&text).unwrap_or_else(|e| panic!("{slug}.toml: {e}"));
        assert!(sc.validate().is_ok(), "{slug}");
        assert!(!sc.title.is_empty(), "{slug}: title");
        assert!(!sc.description.is_empty(), "{slug}: description");
        assert!(text.lines().any(|l| l.trim_start().starts_with('#')), "{slug}: comments");
        let expect = sc.expect.unwrap_or_else(|| panic!("{slug}: [expect] table"));
        // The file is exactly what runs: sanitising changes nothing.
        assert_eq!(sc.sanitized(), sc, "{slug}: values in range");
        // JSON (what the built app and share links carry) round-trips.
        assert_eq!(Scenario::from_json(&sc.to_json()).expect("json"), sc, "{slug}");
        let mut sim = Sim::new(sc);
        sim.run_to_end();
        let s = sim.summary();
        assert_eq!(s.outcome, expect.outcome, "{slug}: {}", s.verdict);
        assert!(!s.verdict.is_empty() && s.verdict.ends_with('.'), "{slug}");
    }
}

#[test]
fn worked_example_1_is_promoted_step_by_step() {
    let sim = run("worked-example-1");
    let weights: Vec<f64> = sim.ticks().iter().map(|t| t.weight).collect();
    assert_eq!(weights[0], 5.0);
    assert_eq!(weights[10], 25.0);
    assert_eq!(weights[20], 100.0);
    assert_eq!(sim.summary().promoted_minute, Some(20));
    assert!(sim.summary().verdict.contains("5 → 25 → 100"));
}

#[test]
fn worked_example_3_rolls_back_after_its_10_minute_window() {
    let sim = run("worked-example-3");
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::RolledBack);
    assert_eq!(s.rollback_minute, Some(9), "10 minutes of data: minutes 0–9");
    assert!(s.rolled_back_by.as_deref().unwrap().contains("p99 > 1.4×"));
    // At 5 % for 10 minutes, each request routed on its own (per_request,
    // the default): a user escapes only if none of their requests met the
    // canary. Users send 10 requests spread over the 40 minutes; the
    // oracle: (1 - d)^10 with d the degraded share of all the run's
    // requests, among the users with a request in minutes 0-9.
    assert_eq!(s.routing, rollback_lab::core::canary::Routing::PerRequest);
    let canary: u64 = sim.ticks()[..10].iter().map(|t| t.canary.requests).sum();
    let d = canary as f64 / s.total_requests as f64;
    let hit = 1.0 - (1.0 - d).powi(10);
    let active = 1.0 - (1.0 - 10.0 / 40.0f64).powi(10);
    let spared = s.spared_share.expect("a regression was served");
    assert!((spared - (1.0 - hit / active)).abs() < 1e-9, "{spared}");
    assert!((0.85..0.90).contains(&spared), "about 87 %, not the sticky 95 %: {spared}");
    assert!(s.verdict.contains("of users (per-request routing) never saw the regression"), "{}", s.verdict);
    // The event log names the gate.
    let fired = sim.events().into_iter().find(|e| e.kind == EventKind::GateFired).expect("gate fired");
    assert!(fired.message.contains("p99 > 1.4× baseline for 10 min"));
    assert_eq!(fired.gate, Some(0));
    // The chart's threshold line is 1.4 × stable's p99, in ms.
    let g = &sim.ticks()[9].gates[0];
    assert!((380.0..460.0).contains(&g.threshold.unwrap()));
    assert!(g.value.unwrap() > g.threshold.unwrap());
}

#[test]
fn hotfix_variant_rolls_back_then_forward_and_is_promoted() {
    let sim = run("worked-example-3-hotfix");
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::Promoted);
    assert_eq!(s.rollback_minute, Some(9));
    assert_eq!(s.hotfixes, 1);
    assert_eq!(sim.ticks()[20].weight, 5.0);
    assert_eq!(sim.ticks()[20].release, 3);
}

#[test]
fn error_spike_is_caught_at_1_percent() {
    let sim = run("error-spike-at-1-percent");
    let s = sim.summary();
    let rb = s.rollback_minute.expect("rolled back");
    assert!(rb <= 3 + 2, "caught within its 2-minute window (minute {rb})");
    assert_eq!(sim.ticks()[rb as usize].weight, 1.0);
    assert!(s.spared_share.unwrap() > 0.98);
}

#[test]
fn kpi_only_regression_is_caught_only_by_the_kpi_gate() {
    let sim = run("kpi-only-regression");
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::RolledBack);
    assert!(s.rolled_back_by.as_deref().unwrap().contains("checkout success"));
    for t in sim.ticks() {
        assert!(t.gates[0].status != rollback_lab::core::canary::GateStatus::Fired);
        assert!(t.gates[0].status != rollback_lab::core::canary::GateStatus::Breached);
        assert!(t.gates[1].status != rollback_lab::core::canary::GateStatus::Breached);
    }
    assert!(s.verdict.contains("business KPI"));
}

#[test]
fn a_canary_without_gates_reaches_100_percent() {
    let sim = run("no-gates");
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::Promoted);
    assert_eq!(s.final_weight, 100.0);
    assert!(s.users_affected > 50_000);
    assert!(s.verdict.contains("without gates"));
    assert!(s.detected_by.as_deref().unwrap_or("").contains("burn-rate"));
}

#[test]
fn kill_switch_save_stops_the_errors_without_a_rollback() {
    let sim = run("kill-switch-save");
    let s = sim.summary();
    assert_eq!(s.rollback_minute, None);
    assert_eq!(s.time_to_mitigate, Some(3), "faulty minutes 12, 13, 14; flag off at 15");
    assert!(sim.ticks()[15].flag.kill_switch);
    assert!(s.verdict.starts_with("Kill switch"), "{}", s.verdict);
}

#[test]
fn cli_lines_override_the_seed_and_refuse_bad_files() {
    let text = std::fs::read_to_string(scenario_dir().join("worked-example-1.toml")).unwrap();
    let a = cli_lines(&text, None).expect("valid");
    let b = cli_lines(&text, Some(777)).expect("valid");
    assert_eq!(a.len(), 46);
    assert!(a.last().unwrap().starts_with("{\"summary\":"));
    assert_ne!(a[3], b[3], "another seed, other numbers");
    let bad = text.replace("for_minutes = 3", "for_minutes = 0");
    let err = cli_lines(&bad, None).expect_err("invalid");
    assert_eq!(err.errors[0].key, "gates[0].for_minutes");
    assert!(err.errors[0].line.is_some());
}

#[test]
fn a_regression_under_the_gates_is_named_as_such_not_as_a_missing_gate() {
    let mut sc = load("worked-example-3");
    sc.faults[0].factor = 1.1;
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::Promoted, "{}", s.verdict);
    assert!(s.verdict.contains("stayed under every gate's threshold"), "{}", s.verdict);
    assert!(!s.verdict.contains("without gates"), "{}", s.verdict);
}
