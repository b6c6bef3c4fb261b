#![cfg(not(target_arch = "wasm32"))]
//! Behaviour of the canary engine: determinism and replay, gates catching
//! each fault in time, kill switch, hotfix, automation, inconclusive checks,
//! SLO burn-rate pages, validation and the JSON shapes the page and the
//! command-line runner rely on.

use rollback_lab::core::canary::{
    parse_toml, run_lines, Action, Compare, EventKind, Fault, FaultKind, Gate, GateAction, GateStatus, Metric, Outcome,
    RecordedAction, RolloutStatus, Scenario, Sim, Step, VersionSpec,
};

fn base() -> VersionSpec {
    VersionSpec { error_rate: 0.0005, latency_p50_ms: 80.0, latency_p99_ms: 300.0, cpu: 0.45, kpi: 0.62 }
}

fn gate(metric: Metric, compare: Compare, above: Option<f64>, below: Option<f64>, for_minutes: u32) -> Gate {
    Gate {
        name: String::new(),
        metric,
        compare,
        above,
        below,
        for_minutes,
        action: GateAction::Rollback,
        failure_limit: 0,
        min_requests: 50,
    }
}

fn fault(kind: FaultKind, at: u32, factor: f64) -> Fault {
    Fault { at_minute: at, kind, factor, until_minute: None, period_minutes: 2, behind_flag: true }
}

/// A scenario with the topic page's plan, no faults and no gates.
fn scenario(seed: u64) -> Scenario {
    Scenario { seed, minutes: 60, baseline: base(), ..Scenario::default() }
}

fn lines(sim: &Sim) -> Vec<String> {
    sim.ticks().iter().map(|t| serde_json::to_string(t).expect("tick serialises")).collect()
}

#[test]
fn same_seed_and_actions_give_the_same_run() {
    let mut sc = scenario(99);
    sc.faults.push(fault(FaultKind::Error, 15, 30.0));
    sc.gates.push(gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 3));
    let run = |sc: &Scenario| {
        let mut sim = Sim::new(sc.clone());
        sim.run_until(7);
        sim.act(Action::Pause);
        sim.run_until(9);
        sim.act(Action::Resume);
        sim.run_to_end();
        sim
    };
    let a = run(&sc);
    let b = run(&sc);
    assert_eq!(lines(&a), lines(&b));
    assert_eq!(a.summary(), b.summary());
    let mut other = sc.clone();
    other.seed = 100;
    assert_ne!(lines(&a), lines(&run(&other)), "another seed draws other numbers");
}

#[test]
fn replay_of_recorded_actions_reproduces_the_run() {
    let mut sc = scenario(5);
    sc.minutes = 90;
    sc.faults.push(fault(FaultKind::Latency, 0, 2.0));
    sc.gates.push(gate(Metric::LatencyP99, Compare::Ratio, Some(1.4), None, 5));
    let mut live = Sim::new(sc.clone());
    live.set_automation(false);
    live.run_until(12);
    live.act(Action::KillSwitchOn);
    live.run_until(14);
    live.act(Action::Rollback);
    live.run_until(20);
    live.act(Action::KillSwitchOff);
    live.act(Action::Hotfix);
    live.set_automation(true);
    live.run_to_end();
    assert_eq!(live.actions().len(), 6);
    let json = serde_json::to_string(live.actions()).expect("actions serialise");
    let actions: Vec<RecordedAction> = serde_json::from_str(&json).expect("and come back");
    let shared = Scenario::from_json(&sc.to_json()).expect("scenario round-trips");
    let replayed = Sim::replay(shared, &actions);
    assert_eq!(lines(&live), lines(&replayed));
    assert_eq!(live.summary(), replayed.summary());
    assert_eq!(live.events(), replayed.events());
}

/// Runs `sc` and returns the minute the first gate fired, if it did.
fn fired_at(sim: &Sim) -> Option<u32> {
    sim.ticks().iter().find(|t| t.gates.iter().any(|g| g.status == GateStatus::Fired)).map(|t| t.minute)
}

#[test]
fn each_fault_is_caught_by_its_gate_within_its_window_plus_one_tick() {
    struct Case {
        fault: Fault,
        gate: Gate,
    }
    let at = 12;
    let mut flapping = gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 1);
    flapping.failure_limit = 1; // two failed checks, consecutive or not
    let cases = [
        Case {
            fault: fault(FaultKind::Error, at, 100.0),
            gate: gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 3),
        },
        Case {
            fault: fault(FaultKind::Latency, at, 2.0),
            gate: gate(Metric::LatencyP99, Compare::Ratio, Some(1.4), None, 5),
        },
        Case {
            fault: fault(FaultKind::Latency, at, 2.0),
            gate: gate(Metric::LatencyP95, Compare::Difference, Some(100.0), None, 4),
        },
        Case {
            fault: fault(FaultKind::SaturationLeak, at, 2.0),
            gate: gate(Metric::Cpu, Compare::Absolute, Some(0.8), None, 2),
        },
        Case { fault: fault(FaultKind::Kpi, at, 0.7), gate: gate(Metric::Kpi, Compare::Ratio, None, Some(0.9), 5) },
        Case { fault: fault(FaultKind::Flapping, at, 100.0), gate: flapping },
    ];
    for case in &cases {
        for seed in 0..40 {
            let mut sc = scenario(seed);
            sc.steps = vec![Step::weight(5.0), Step::pause_until_promote()];
            sc.faults = vec![case.fault];
            sc.gates = vec![case.gate.clone()];
            let mut sim = Sim::new(sc);
            sim.run_to_end();
            let what = format!("{:?} seed {seed}", case.fault.kind);
            let fired = fired_at(&sim).unwrap_or_else(|| panic!("{what}: never caught"));
            let window = case.gate.for_minutes.max(case.gate.failure_limit + 1);
            assert!(fired >= at, "{what}: fired at {fired}, before the fault");
            assert!(fired <= at + window, "{what}: fired at {fired}, window {window}");
            // The rollback shows in the very next tick.
            let next = &sim.ticks()[fired as usize + 1];
            assert_eq!(next.weight, 0.0, "{what}");
            assert_eq!(next.canary.requests, 0, "{what}");
            assert_eq!(sim.summary().outcome, Outcome::RolledBack, "{what}");
            assert_eq!(sim.summary().rollback_minute, Some(fired), "{what}");
        }
    }
}

/// A healthy canary guarded by the shipped gates' thresholds (the KPI gate
/// as in exercise 1: 15 minutes; over 10 minutes at 5 % its margin is 4.4
/// standard errors and it trips on noise about once in 20,000 runs).
fn guarded_healthy(seed: u64) -> Scenario {
    let mut sc = scenario(seed);
    sc.minutes = 45;
    sc.canary = Some(base());
    sc.gates = vec![
        gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 3),
        gate(Metric::LatencyP99, Compare::Ratio, Some(1.4), None, 10),
        gate(Metric::Kpi, Compare::Ratio, None, Some(0.95), 15),
        gate(Metric::Cpu, Compare::Ratio, Some(1.3), None, 5),
    ];
    sc
}

#[test]
fn healthy_canaries_are_never_rolled_back_over_1000_seeds() {
    for seed in 0..1000 {
        let mut sim = Sim::new(guarded_healthy(seed));
        sim.run_to_end();
        let s = sim.summary();
        assert_eq!(s.outcome, Outcome::Promoted, "seed {seed}: {}", s.verdict);
        assert_eq!(s.rollback_minute, None, "seed {seed}");
        assert!(s.verdict.starts_with("Healthy release"), "seed {seed}: {}", s.verdict);
    }
}

#[test]
fn weight_stays_in_range_and_slices_add_up_every_tick() {
    let mut sc = guarded_healthy(3);
    sc.faults.push(fault(FaultKind::Error, 20, 50.0));
    let mut sim = Sim::new(sc.clone());
    sim.run_until(25);
    sim.act(Action::Hotfix);
    sim.run_until(30);
    sim.act(Action::Promote);
    sim.run_to_end();
    for t in sim.ticks() {
        assert!((0.0..=100.0).contains(&t.weight), "minute {}", t.minute);
        assert_eq!(t.stable.requests + t.canary.requests, sc.requests_per_minute);
        if t.weight == 0.0 {
            assert_eq!(t.canary.requests, 0);
        }
        if t.weight == 100.0 {
            assert_eq!(t.stable.requests, 0);
        }
    }
}

#[test]
fn kill_switch_takes_effect_on_the_next_tick_without_a_redeploy() {
    let mut sc = scenario(8);
    sc.steps = vec![Step::weight(50.0), Step::pause_until_promote()];
    sc.faults.push(fault(FaultKind::Error, 0, 200.0)); // 10 % errors
    let mut sim = Sim::new(sc);
    sim.run_until(10);
    assert!(sim.ticks()[9].canary.error_rate.unwrap() > 0.05);
    assert!(sim.act(Action::KillSwitchOn));
    let weight_before = sim.weight();
    sim.run_until(11);
    let t = &sim.ticks()[10];
    assert!(t.flag.kill_switch);
    assert!(t.canary.error_rate.unwrap() < 0.005, "canary behaves like stable at once");
    assert_eq!(t.weight, weight_before, "no redeploy, no traffic shift");
    assert_eq!(t.release, 2, "same release");
    assert!(t.events.iter().any(|e| e.kind == EventKind::KillSwitchOn));
    // Off again: the fault is back from the next tick.
    sim.act(Action::KillSwitchOff);
    sim.run_until(12);
    assert!(sim.ticks()[11].canary.error_rate.unwrap() > 0.05);
}

#[test]
fn kill_switch_cannot_remove_a_fault_outside_the_flag() {
    let mut sc = scenario(8);
    sc.steps = vec![Step::weight(50.0), Step::pause_until_promote()];
    let mut f = fault(FaultKind::Error, 0, 200.0);
    f.behind_flag = false;
    sc.faults.push(f);
    sc.actions.push(rollback_lab::core::canary::ScheduledAction { at_minute: 5, action: Action::KillSwitchOn });
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    assert!(sim.ticks()[30].canary.error_rate.unwrap() > 0.05);
}

#[test]
fn a_partial_flag_rollout_exposes_only_its_share_of_users() {
    let mut sc = scenario(4);
    sc.minutes = 30;
    sc.steps = vec![Step::weight(100.0)];
    sc.flag.rollout_percent = 25.0;
    sc.faults.push(fault(FaultKind::Error, 0, 100.0)); // 5 % on the new path
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    let errors: u64 = sim.ticks().iter().map(|t| t.canary.errors).sum();
    let requests: u64 = sim.ticks().iter().map(|t| t.canary.requests).sum();
    let rate = errors as f64 / requests as f64;
    let share = sim.ticks()[0].flag.new_path_share;
    assert!((share - 0.25).abs() < 0.02, "hash share {share}");
    let want = share * 0.05 + (1.0 - share) * 0.0005;
    assert!((rate - want).abs() < 0.002, "rate {rate} vs {want}");
}

#[test]
fn hotfix_rolls_forward_from_the_first_small_step() {
    let mut sc = scenario(2);
    sc.minutes = 80;
    sc.faults.push(fault(FaultKind::Latency, 0, 2.0));
    sc.gates.push(gate(Metric::LatencyP99, Compare::Ratio, Some(1.4), None, 5));
    let mut sim = Sim::new(sc);
    sim.run_until(15);
    assert_eq!(sim.status(), RolloutStatus::RolledBack);
    sim.act(Action::Hotfix);
    sim.run_to_end();
    let t = &sim.ticks()[15];
    assert_eq!(t.release, 3);
    assert_eq!(t.weight, 5.0, "enters at the plan's first step");
    assert!(t.events.iter().any(|e| e.kind == EventKind::Hotfix));
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::Promoted);
    assert_eq!(s.hotfixes, 1);
    assert!(s.rollback_minute.is_some());
    assert!(s.verdict.contains("rollforward"), "{}", s.verdict);
    // The hotfix is healthy: its p99 sits near stable's.
    let late = &sim.ticks()[70];
    assert!(late.canary.latency_p99.unwrap() < 400.0);
}

#[test]
fn hotfix_after_a_bad_promotion_canaries_against_the_bad_version() {
    let mut sc = scenario(6);
    sc.minutes = 60;
    sc.faults.push(fault(FaultKind::Error, 0, 40.0));
    let mut sim = Sim::new(sc);
    sim.run_until(25);
    assert_eq!(sim.status(), RolloutStatus::Promoted);
    sim.act(Action::Hotfix);
    sim.run_until(27);
    let t = &sim.ticks()[26];
    assert_eq!(t.weight, 5.0);
    assert!(t.stable.error_rate.unwrap() > 0.01, "stable is now the promoted release");
    assert!(t.canary.requests > 0);
}

#[test]
fn automation_off_gates_only_raise_events() {
    let mut sc = scenario(1);
    sc.automation = false;
    sc.faults.push(fault(FaultKind::Error, 0, 100.0));
    sc.gates.push(gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 2));
    let mut sim = Sim::new(sc.clone());
    sim.run_to_end();
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::Promoted);
    assert!(s.time_to_detect.is_some());
    assert!(sim.events().iter().any(|e| e.kind == EventKind::GateFired && e.message.contains("automation off")));
    // Switched on at runtime, the same gate acts.
    let mut sim = Sim::new(sc);
    sim.set_automation(true);
    sim.run_to_end();
    assert_eq!(sim.summary().outcome, Outcome::RolledBack);
}

#[test]
fn halt_gate_stops_promotion_until_a_human_resumes() {
    let mut sc = scenario(1);
    sc.faults.push(fault(FaultKind::Error, 0, 100.0));
    let mut g = gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 2);
    g.action = GateAction::Halt;
    sc.gates.push(g);
    let mut sim = Sim::new(sc);
    sim.run_until(30);
    assert_eq!(sim.status(), RolloutStatus::Halted);
    assert_eq!(sim.weight(), 5.0, "halt keeps the weight");
    sim.act(Action::Rollback);
    sim.run_to_end();
    let s = sim.summary();
    assert_eq!(s.outcome, Outcome::RolledBack);
    assert_eq!(s.rolled_back_by.as_deref(), Some("manual"));
}

#[test]
fn too_few_canary_requests_is_inconclusive_and_pauses_for_a_human() {
    let mut sc = scenario(1);
    sc.requests_per_minute = 1000;
    sc.steps = vec![Step::weight(1.0), Step::pause(20), Step::weight(100.0)];
    let mut g = gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 2);
    g.min_requests = 100;
    sc.gates.push(g);
    let mut sim = Sim::new(sc);
    sim.run_until(10);
    assert_eq!(sim.status(), RolloutStatus::Halted);
    assert!(sim.ticks().iter().any(|t| t.gates[0].status == GateStatus::Inconclusive));
    assert!(sim.events().iter().any(|e| e.kind == EventKind::Inconclusive));
    sim.act(Action::Promote);
    sim.run_to_end();
    assert_eq!(sim.summary().outcome, Outcome::Promoted);
}

#[test]
fn pause_resume_and_promote_follow_the_plan() {
    let mut sc = scenario(1);
    sc.steps = vec![
        Step::weight(5.0),
        Step::pause(10),
        Step::weight(25.0),
        Step::pause_until_promote(),
        Step::weight(50.0),
        Step::pause(5),
        Step::weight(100.0),
    ];
    let mut sim = Sim::new(sc);
    sim.run_until(3);
    sim.act(Action::Pause);
    sim.run_until(20);
    assert_eq!(sim.weight(), 5.0, "the pause timer stops while paused");
    sim.act(Action::Resume);
    sim.run_until(40);
    assert_eq!(sim.weight(), 25.0);
    assert_eq!(sim.status(), RolloutStatus::Paused, "waits for a human");
    sim.act(Action::Resume);
    sim.run_until(41);
    assert_eq!(sim.weight(), 50.0, "resume continues with the next step");
    sim.run_to_end();
    assert_eq!(sim.summary().outcome, Outcome::Promoted);
    assert_eq!(sim.summary().promoted_minute, Some(45));
    // Promote skips the rest of the plan.
    let mut sim = Sim::new(scenario(1));
    sim.run_until(2);
    sim.act(Action::Promote);
    sim.run_until(3);
    assert_eq!(sim.ticks()[2].weight, 100.0);
    assert_eq!(sim.summary().outcome, Outcome::Promoted);
    // Rollback after promotion still works (Argo's undo).
    sim.act(Action::Rollback);
    sim.run_to_end();
    assert_eq!(sim.summary().outcome, Outcome::RolledBack);
}

#[test]
fn analysis_step_judges_and_fails_a_clear_regression() {
    let mut sc = scenario(19);
    sc.steps = vec![Step::weight(10.0), Step::analysis(15), Step::weight(100.0)];
    sc.faults.push(fault(FaultKind::Latency, 0, 1.3));
    let mut sim = Sim::new(sc.clone());
    sim.run_to_end();
    assert_eq!(sim.judgements().len(), 1);
    let j = &sim.judgements()[0];
    assert_eq!((j.from_minute, j.minute), (0, 14));
    assert!(j.score < 75.0, "score {}", j.score);
    assert_eq!(sim.summary().outcome, Outcome::RolledBack);
    assert_eq!(sim.summary().rollback_minute, Some(14));
    // Healthy: the analysis passes and the plan goes on.
    sc.faults.clear();
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    assert_eq!(sim.judgements()[0].score, 100.0);
    assert_eq!(sim.summary().outcome, Outcome::Promoted);
}

#[test]
fn background_judge_runs_every_interval_while_the_canary_is_live() {
    let mut sc = scenario(31);
    sc.minutes = 120;
    sc.steps = vec![Step::weight(25.0), Step::pause_until_promote()];
    sc.judge.enabled = true;
    sc.judge.interval_minutes = 10;
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    let minutes: Vec<u32> = sim.judgements().iter().map(|j| j.minute).collect();
    assert_eq!(minutes[..3], [9, 19, 29]);
    assert!(sim.judgements().iter().all(|j| j.metrics.len() == 5));
}

#[test]
fn burn_rate_pages_fire_at_14_4x_but_not_below() {
    let run = |error_rate: f64| {
        let mut sc = scenario(12);
        sc.minutes = 120;
        sc.steps = vec![Step::weight(100.0)];
        sc.canary = Some(VersionSpec { error_rate, ..base() });
        let mut sim = Sim::new(sc);
        sim.run_to_end();
        sim
    };
    // 1.2 % is 12×: the fast page (14.4× over 1 h AND 5 min) never fires.
    let low = run(0.012);
    assert!(low.ticks().iter().all(|t| !t.slo.fast_page));
    // 2 % is 20×: once the last hour averages 14.4×, it pages.
    let high = run(0.02);
    let first = high.ticks().iter().find(|t| t.slo.fast_page).expect("fast page fires");
    assert!(first.slo.burn_1h >= 14.4 && first.slo.burn_5m >= 14.4);
    // Pre-release history counts at the baseline rate (0.5×), so the hour
    // needs about 43 minutes at 20× to average 14.4×.
    assert!((38..=48).contains(&first.minute), "paged at {}", first.minute);
    assert!(high.events().iter().any(|e| e.kind == EventKind::BurnRateAlert && e.minute == first.minute));
    // 120 min at 2 % of 10,000/min: ~24,000 failures, 5.5 % of 432,000.
    let s = high.summary();
    assert!((0.05..0.06).contains(&s.budget_consumed), "{}", s.budget_consumed);
}

#[test]
fn validation_names_keys_and_ranges() {
    let mut sc = Scenario { canary: Some(VersionSpec { error_rate: 1.5, ..base() }), ..Scenario::default() };
    sc.baseline.latency_p99_ms = f64::NAN;
    sc.steps = vec![Step::weight(5.0), Step::pause(10), Step::weight(150.0), Step::weight(-1.0)];
    sc.gates.push(gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 0));
    sc.gates.push(gate(Metric::Kpi, Compare::Ratio, Some(1.0), Some(0.9), 5));
    sc.judge.marginal_score = 95.0;
    sc.minutes = 2000;
    sc.flag.rollout_percent = 101.0;
    let errors = sc.validate().expect_err("invalid");
    let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
    for key in [
        "canary.error_rate",
        "baseline.latency_p99_ms",
        "steps[2].set_weight",
        "steps[3].set_weight",
        "gates[0].for_minutes",
        "gates[1]",
        "judge.marginal_score",
        "minutes",
        "flag.rollout_percent",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    let e = errors.iter().find(|e| e.key == "steps[2].set_weight").unwrap();
    assert!(e.reason.contains("between 0 and 100") && e.reason.contains("150"), "{}", e.reason);
    let e = errors.iter().find(|e| e.key == "canary.error_rate").unwrap();
    assert!(e.reason.contains("between 0 and 1"), "{}", e.reason);
    // An empty plan is refused; the default scenario is valid.
    let mut empty = Scenario::default();
    empty.steps.clear();
    let errors = empty.validate().expect_err("empty plan");
    assert_eq!(errors[0].key, "steps");
    assert!(Scenario::default().validate().is_ok());
    // The engine still runs the invalid one without panicking, clamped.
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    assert_eq!(sim.ticks().len(), 1440);
    assert!(sim.ticks().iter().all(|t| (0.0..=100.0).contains(&t.weight)));
}

#[test]
fn toml_errors_name_the_key_and_line() {
    let text = "title = \"x\"\nminutes = 30\n\n[canary]\nerrr_rate = 0.1\n";
    let err = parse_toml(text).expect_err("unknown key");
    assert_eq!(err.errors[0].key, "canary.errr_rate");
    assert_eq!(err.errors[0].line, Some(5));
    assert!(err.errors[0].reason.contains("unknown field"));

    let text = "minutes = \"ten\"\n";
    let err = parse_toml(text).expect_err("wrong type");
    assert_eq!(err.errors[0].key, "minutes");
    assert_eq!(err.errors[0].line, Some(1));

    let text = "[[steps]]\nset_weight = 5\n[[steps]]\npause_minutes = 10\n[[steps]]\nset_weight = 150\n";
    let err = parse_toml(text).expect_err("out of range");
    assert_eq!(err.errors[0].key, "steps[2].set_weight");
    assert_eq!(err.errors[0].line, Some(6));
    assert!(err.to_string().contains("steps[2].set_weight: must be between 0 and 100"));

    let text = "[[gates]]\nmetric = \"error_rate\"\nabove = 0.01\n";
    let err = parse_toml(text).expect_err("missing compare");
    assert_eq!(err.errors[0].key, "gates[0].compare");

    let text = "[[gates]]\nmetric = \"p50\"\ncompare = \"ratio\"\nabove = 2\n";
    let err = parse_toml(text).expect_err("unknown metric");
    assert_eq!(err.errors[0].key, "gates[0].metric");
    assert_eq!(err.errors[0].line, Some(2));

    let text = "[baseline]\nerror_rate = nan\n";
    let err = parse_toml(text).expect_err("NaN");
    assert_eq!(err.errors[0].key, "baseline.error_rate");
    assert_eq!(err.errors[0].line, Some(2));
}

#[test]
fn scenario_round_trips_through_json_and_toml() {
    let text = std::fs::read_to_string(format!(
        "{}/content/scenarios/canary/kill-switch-save.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("shipped scenario");
    let sc = parse_toml(&text).expect("valid");
    let json = sc.to_json();
    assert_eq!(Scenario::from_json(&json).expect("json"), sc);
    let toml_text = toml::to_string(&sc).expect("serialises to TOML");
    assert_eq!(parse_toml(&toml_text).expect("toml"), sc);
    // A tampered share link is refused with a named key.
    let bad = json.replace("\"minutes\":50", "\"minutes\":-3");
    assert!(Scenario::from_json(&bad).is_err());
    let bad = json.replace("\"seed\":", "\"sed\":");
    let err = Scenario::from_json(&bad).expect_err("unknown key");
    assert_eq!(err.errors[0].key, "sed");
}

#[test]
fn json_lines_have_the_runner_shape() {
    let mut sc = scenario(1);
    sc.minutes = 30;
    sc.gates.push(gate(Metric::LatencyP99, Compare::Ratio, Some(1.4), None, 5));
    let out = run_lines(&sc);
    assert_eq!(out.len(), 31);
    let tick: serde_json::Value = serde_json::from_str(&out[0]).expect("tick line is JSON");
    for key in ["minute", "weight", "stable", "canary", "gates", "events"] {
        assert!(tick.get(key).is_some(), "tick has {key}");
    }
    for key in ["requests", "error_rate", "latency_p95", "latency_p99", "cpu", "kpi"] {
        assert!(tick["stable"].get(key).is_some(), "stable has {key}");
        assert!(tick["canary"].get(key).is_some(), "canary has {key}");
    }
    let g = &tick["gates"][0];
    for key in ["status", "value", "threshold", "breached_for"] {
        assert!(g.get(key).is_some(), "gate has {key}");
    }
    let last: serde_json::Value = serde_json::from_str(&out[30]).expect("summary line");
    let s = &last["summary"];
    for key in ["outcome", "rollback_minute", "failed_requests", "budget_consumed", "verdict"] {
        assert!(s.get(key).is_some(), "summary has {key}");
    }
    assert_eq!(s["outcome"], "promoted");
}

#[test]
fn engine_never_panics_on_hostile_values() {
    let mut sc = Scenario { minutes: 0, requests_per_minute: 0, requests_per_user: f64::NAN, ..Scenario::default() };
    sc.baseline =
        VersionSpec { error_rate: f64::INFINITY, latency_p50_ms: -5.0, latency_p99_ms: 0.0, cpu: f64::NAN, kpi: 7.0 };
    sc.steps = vec![Step::default(), Step::weight(f64::NAN)];
    sc.faults.push(fault(FaultKind::SaturationLeak, 0, f64::INFINITY));
    sc.faults.push(fault(FaultKind::Latency, 0, -1.0));
    sc.gates.push(gate(Metric::Cpu, Compare::Ratio, None, None, 0));
    sc.judge.enabled = true;
    sc.judge.interval_minutes = 0;
    sc.judge.metrics.clear();
    let mut sim = Sim::new(sc);
    for a in [Action::Hotfix, Action::Promote, Action::Rollback, Action::Resume] {
        sim.act(a);
        sim.step();
    }
    sim.run_to_end();
    let s = sim.summary();
    assert!(s.budget_consumed.is_finite());
    assert!(!s.verdict.is_empty());
    assert!(!sim.act(Action::Pause), "no action after the end");
}

#[test]
fn replaying_to_a_minute_then_continuing_equals_the_full_replay() {
    use rollback_lab::core::canary::{Action, Scenario, Sim};
    let sc = Scenario::default();
    let mut live = Sim::new(sc.clone());
    live.run_until(7);
    live.act(Action::Pause);
    live.run_until(12);
    live.act(Action::Resume);
    live.act(Action::KillSwitchOn);
    live.run_until(20);
    let actions = live.actions().to_vec();
    let mut paused = Sim::replay_until(sc.clone(), &actions, 12);
    assert_eq!(paused.minute(), 12);
    assert_eq!(paused.ticks(), &live.ticks()[..12]);
    assert!(paused.kill_switch(), "the actions of minute 12 are already applied");
    paused.run_to_end();
    live.run_to_end();
    assert_eq!(paused.ticks(), live.ticks());
    assert_eq!(Sim::replay(sc, &actions).ticks(), live.ticks());
}
