//! Criterion benchmark of the canary engine: a full 24 h run (1,440 ticks)
//! with four gates and the Kayenta judge on, the canary live all day so every
//! gate and every judgement really runs. The figure goes in the README:
//!
//! ```text
//! cargo bench -j 1 --bench canary
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use rollback_lab::core::canary::histogram::{draw_counts, BucketProbs};
use rollback_lab::core::canary::stats::LogNormal;
use rollback_lab::core::canary::{Compare, Gate, GateAction, Metric, Scenario, Sim, Step, VersionSpec};
use rollback_lab::core::rng::Rng;
use std::hint::black_box;

fn gate(metric: Metric, compare: Compare, above: Option<f64>, below: Option<f64>, w: u32) -> Gate {
    Gate {
        name: String::new(),
        metric,
        compare,
        above,
        below,
        for_minutes: w,
        action: GateAction::Rollback,
        failure_limit: 0,
        min_requests: 50,
    }
}

/// A healthy canary held at 25 % for the whole day (the plan ends in a
/// pause until promote), watched by four gates and judged every 10 minutes.
fn day_long(judge: bool) -> Scenario {
    let mut sc = Scenario {
        seed: 2024,
        minutes: 1440,
        baseline: VersionSpec::default(),
        steps: vec![Step::weight(5.0), Step::pause(10), Step::weight(25.0), Step::pause_until_promote()],
        gates: vec![
            gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 3),
            gate(Metric::LatencyP99, Compare::Ratio, Some(1.4), None, 10),
            gate(Metric::Kpi, Compare::Ratio, None, Some(0.95), 15),
            gate(Metric::Cpu, Compare::Ratio, Some(1.3), None, 5),
        ],
        ..Scenario::default()
    };
    sc.judge.enabled = judge;
    sc.judge.interval_minutes = 10;
    // Judgements never act here, so the canary stays live all day.
    sc.judge.action = GateAction::Alert;
    sc.automation = false;
    sc
}

fn bench(c: &mut Criterion) {
    let with_judge = day_long(true);
    let without_judge = day_long(false);
    // Sanity: the run really is 1,440 ticks with 144 judgements.
    let mut check = Sim::new(with_judge.clone());
    check.run_to_end();
    assert_eq!(check.ticks().len(), 1440);
    assert_eq!(check.judgements().len(), 144);

    c.bench_function("canary_24h_1440_ticks_judge_on", |b| {
        b.iter(|| {
            let mut sim = Sim::new(black_box(with_judge.clone()));
            sim.run_to_end();
            black_box(sim.summary())
        })
    });
    c.bench_function("canary_24h_1440_ticks_gates_only", |b| {
        b.iter(|| {
            let mut sim = Sim::new(black_box(without_judge.clone()));
            sim.run_to_end();
            black_box(sim.summary())
        })
    });
    // One minute's latency histogram: 7,500 requests (stable at 75 % of
    // 10,000 a minute) and 2,500 (the canary at 25 %).
    let sim = Sim::new(without_judge.clone());
    let layout = sim.latency_layout();
    let ln = LogNormal::from_p50_p99(80.0, 300.0);
    let probs = BucketProbs::new(&layout, &[(1.0, ln.mu, ln.sigma)]);
    let mut out = vec![0u64; layout.slots()];
    let mut rng = Rng::new(1);
    for n in [7_500u64, 2_500] {
        c.bench_function(&format!("canary_histogram_draw_{n}"), |b| {
            b.iter(|| {
                draw_counts(&probs, black_box(n), &mut rng, &mut out);
                black_box(layout.quantile(&out, 0.99))
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
