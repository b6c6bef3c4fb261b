#![cfg(not(target_arch = "wasm32"))]
//! Property tests over random scenarios and random learner actions: the
//! engine never panics, and its invariants hold at every tick.

use proptest::prelude::*;
use rollback_lab::core::canary::{
    Action, Compare, Fault, FaultKind, Gate, GateAction, Metric, Scenario, Sim, Step, VersionSpec,
};

/// Rounds to 6 decimals, as a form or a TOML file writes numbers (serde_json
/// without its `float_roundtrip` feature may move a 17-digit float by 1 ulp).
fn r6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Any f64 an instructor or a tampered link might produce.
fn wild_f64(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => lo..hi,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1.0),
        1 => Just(hi * 10.0),
        1 => Just(0.0),
    ]
}

fn version(wild: bool) -> BoxedStrategy<VersionSpec> {
    if wild {
        (wild_f64(0.0, 0.2), wild_f64(1.0, 500.0), wild_f64(1.0, 5000.0), wild_f64(0.0, 1.0), wild_f64(0.0, 1.0))
            .prop_map(|(e, p50, p99, cpu, kpi)| VersionSpec {
                error_rate: e,
                latency_p50_ms: p50,
                latency_p99_ms: p99,
                cpu,
                kpi,
            })
            .boxed()
    } else {
        (0.0..0.2f64, 1.0..500.0f64, 1.01..20.0f64, 0.0..1.0f64, 0.0..1.0f64)
            .prop_map(|(e, p50, ratio, cpu, kpi)| VersionSpec {
                error_rate: r6(e),
                latency_p50_ms: r6(p50),
                latency_p99_ms: r6(p50 * ratio).max(r6(p50) + 0.01),
                cpu: r6(cpu),
                kpi: r6(kpi),
            })
            .boxed()
    }
}

fn kind() -> impl Strategy<Value = FaultKind> {
    prop_oneof![
        Just(FaultKind::Error),
        Just(FaultKind::Latency),
        Just(FaultKind::SaturationLeak),
        Just(FaultKind::Kpi),
        Just(FaultKind::Flapping),
    ]
}

fn metric() -> impl Strategy<Value = Metric> {
    prop_oneof![
        Just(Metric::ErrorRate),
        Just(Metric::LatencyP95),
        Just(Metric::LatencyP99),
        Just(Metric::Cpu),
        Just(Metric::Kpi),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Promote),
        Just(Action::Pause),
        Just(Action::Resume),
        Just(Action::Rollback),
        Just(Action::KillSwitchOn),
        Just(Action::KillSwitchOff),
        Just(Action::Hotfix),
        Just(Action::AutomationOn),
        Just(Action::AutomationOff),
    ]
}

fn fault(wild: bool) -> impl Strategy<Value = Fault> {
    (0u32..200, kind(), 0.0f64..3.0, any::<bool>(), 1u32..6, any::<bool>()).prop_map(
        move |(at, kind, factor, until, period, flag)| {
            let factor = match kind {
                FaultKind::SaturationLeak => 1.0 + factor / 10.0,
                FaultKind::Latency => 0.5 + factor,
                FaultKind::Error | FaultKind::Flapping => factor * 30.0,
                FaultKind::Kpi => factor / 3.0,
            };
            Fault {
                at_minute: at,
                kind,
                factor: if wild && until { f64::NAN } else { r6(factor) },
                until_minute: if until { Some(at + 20) } else { None },
                period_minutes: period,
                behind_flag: flag,
            }
        },
    )
}

fn step(wild: bool) -> impl Strategy<Value = Step> {
    let weight = if wild { wild_f64(0.0, 100.0).boxed() } else { (0.0..=100.0f64).prop_map(r6).boxed() };
    prop_oneof![
        3 => weight.prop_map(Step::weight),
        2 => (1u32..30).prop_map(Step::pause),
        1 => Just(Step::pause_until_promote()),
        1 => (3u32..20).prop_map(Step::analysis),
    ]
}

fn gate(wild: bool) -> impl Strategy<Value = Gate> {
    let threshold = if wild { wild_f64(0.0, 2.0).boxed() } else { (0.01..2.0f64).prop_map(r6).boxed() };
    (
        metric(),
        prop_oneof![Just(Compare::Ratio), Just(Compare::Difference), Just(Compare::Absolute)],
        threshold,
        any::<bool>(),
        1u32..15,
        prop_oneof![Just(GateAction::Rollback), Just(GateAction::Halt), Just(GateAction::Alert)],
        0u32..4,
        0u64..300,
    )
        .prop_map(|(metric, compare, v, above, for_minutes, action, limit, min)| Gate {
            name: String::new(),
            metric,
            compare,
            above: if above { Some(v) } else { None },
            below: if above { None } else { Some(v) },
            for_minutes,
            action,
            failure_limit: limit,
            min_requests: min,
        })
}

fn scenario(wild: bool) -> impl Strategy<Value = Scenario> {
    (
        any::<u64>(),
        1u32..240,
        prop_oneof![Just(0u64), 1u64..100, 1000u64..50_000],
        version(wild),
        proptest::option::of(version(wild)),
        proptest::collection::vec(fault(wild), 0..3),
        proptest::collection::vec(step(wild), if wild { 0..8 } else { 1..8 }),
        proptest::collection::vec(gate(wild), 0..4),
        (any::<bool>(), any::<bool>(), 0.0..=100.0f64),
    )
        .prop_map(|(seed, minutes, rpm, baseline, canary, faults, mut steps, gates, (judge, automation, pct))| {
            if !steps.iter().any(|s| s.set_weight.is_some()) {
                steps.insert(0, Step::weight(5.0));
            }
            let mut sc = Scenario {
                seed,
                minutes,
                requests_per_minute: rpm.max(1),
                baseline,
                canary,
                faults,
                steps,
                gates,
                automation,
                ..Scenario::default()
            };
            sc.judge.enabled = judge;
            sc.flag.rollout_percent = r6(pct);
            sc
        })
}

fn check_invariants(sim: &Sim) {
    let sc = sim.effective_scenario();
    assert_eq!(sim.ticks().len(), sc.minutes as usize);
    for (i, t) in sim.ticks().iter().enumerate() {
        assert_eq!(t.minute as usize, i);
        assert!((0.0..=100.0).contains(&t.weight), "weight {}", t.weight);
        assert_eq!(t.stable.requests + t.canary.requests, sc.requests_per_minute);
        for slice in [&t.stable, &t.canary] {
            assert!(slice.errors <= slice.requests && slice.conversions <= slice.requests);
            for m in Metric::ALL {
                let v = slice.get(m);
                assert_eq!(v.is_some(), slice.requests > 0);
                if let Some(v) = v {
                    assert!(v.is_finite() && v >= 0.0, "{m:?} = {v}");
                    if !matches!(m, Metric::LatencyP95 | Metric::LatencyP99) {
                        assert!(v <= 1.0, "{m:?} = {v}");
                    }
                }
            }
            if let (Some(a), Some(b)) = (slice.latency_p95, slice.latency_p99) {
                assert!(a <= b);
            }
        }
        assert_eq!(t.gates.len(), sc.gates.len());
        for g in &t.gates {
            for v in [g.value, g.threshold, g.baseline].into_iter().flatten() {
                assert!(v.is_finite());
            }
        }
        for b in [t.slo.burn_5m, t.slo.burn_30m, t.slo.burn_1h, t.slo.burn_6h] {
            assert!(b.is_finite() && b >= 0.0);
        }
    }
    let s = sim.summary();
    assert!(s.budget_consumed.is_finite() && s.budget_consumed >= 0.0);
    assert!(s.degraded_requests <= s.total_requests);
    assert!(s.failed_requests <= s.canary_requests);
    assert!(s.users_affected <= s.users_total + 1);
    if let Some(sp) = s.spared_share {
        assert!((0.0..=1.0).contains(&sp));
    }
    assert!(!s.verdict.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_scenario_and_actions_run_without_panic(
        sc in scenario(true),
        acts in proptest::collection::vec((0u32..240, action()), 0..8),
    ) {
        let _ = sc.validate();
        let mut acts = acts;
        acts.sort_by_key(|a| a.0);
        let mut sim = Sim::new(sc.clone());
        for (minute, a) in &acts {
            sim.run_until(*minute);
            sim.act(*a);
        }
        sim.run_to_end();
        check_invariants(&sim);
        // The recorded actions replay to the same run.
        let again = Sim::replay(sc, sim.actions());
        prop_assert_eq!(sim.ticks(), again.ticks());
        prop_assert_eq!(sim.summary(), again.summary());
    }

    #[test]
    fn valid_scenarios_are_run_as_written_and_round_trip(sc in scenario(false)) {
        prop_assert!(sc.validate().is_ok(), "{:?}", sc.validate());
        prop_assert_eq!(&sc.sanitized(), &sc);
        let json = sc.to_json();
        prop_assert_eq!(&Scenario::from_json(&json).expect("json"), &sc);
        let mut sim = Sim::new(sc);
        sim.run_to_end();
        check_invariants(&sim);
    }
}
