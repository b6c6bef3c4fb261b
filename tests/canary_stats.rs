#![cfg(not(target_arch = "wasm32"))]
//! The engine's statistics against reference values computed offline with
//! scipy, numpy and mmh3 (`scripts/gen_mwu_fixtures.py`), plus the judge's
//! scoring rules and the SLO arithmetic.

use rollback_lab::core::canary::flags::{enabled_share, murmur3_32};
use rollback_lab::core::canary::judge::{classify_metric, score};
use rollback_lab::core::canary::slo::{
    budget_requests, budget_spent, burn_rate, error_ratio_for_burn, FAST_BURN, SLOW_BURN,
};
use rollback_lab::core::canary::stats::{
    compare_samples, hodges_lehmann, mann_whitney_u, norm_cdf, norm_ppf, norm_sf, shift_interval, LogNormal,
};
use rollback_lab::core::canary::{
    flag_bucket, is_enabled, JudgeClass, JudgeConfig, Metric, MetricClass, MetricJudgement,
};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/canary/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300) || (a - b).abs() < 1e-300
}

#[test]
fn mann_whitney_matches_scipy_asymptotic() {
    let f = fixture("mannwhitney.json");
    let cases = f["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10, "several reference cases");
    for c in cases {
        let name = c["name"].as_str().unwrap_or("?");
        let x = floats(&c["x"]);
        let y = floats(&c["y"]);
        let r = mann_whitney_u(&x, &y).expect("non-empty samples");
        let want_u = c["u"].as_f64().unwrap();
        let want_p = c["p_value"].as_f64().unwrap();
        assert_eq!(r.u, want_u, "{name}: U");
        assert!(close(r.p_value, want_p, 1e-10), "{name}: p {} vs scipy {}", r.p_value, want_p);
        // The judge's one-pass path (U counted from pairwise differences).
        let (_, fast) = compare_samples(&x, &y, norm_ppf(0.99)).expect("non-empty");
        assert_eq!(fast.u, want_u, "{name}: U (judge path)");
        assert!(close(fast.p_value, want_p, 1e-10), "{name}: p (judge path)");
    }
}

#[test]
fn hodges_lehmann_and_interval_match_reference() {
    let f = fixture("mannwhitney.json");
    for c in f["cases"].as_array().expect("cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let x = floats(&c["x"]);
        let y = floats(&c["y"]);
        let hl = hodges_lehmann(&x, &y).expect("estimate");
        assert_eq!(hl, c["hodges_lehmann"].as_f64().unwrap(), "{name}: HL");
        for (conf, key) in [(0.98, "ci98"), (0.95, "ci95")] {
            let want = floats(&c[key]);
            let got = shift_interval(&x, &y, conf).expect("interval");
            assert_eq!(got.estimate, hl, "{name}");
            // Ends are pairwise differences; two differences equal in exact
            // arithmetic may differ in the last bit, so compare to 1e-9.
            assert!(
                close(got.low, want[0], 1e-9) && close(got.high, want[1], 1e-9),
                "{name}: {key} ({}, {}) vs ({}, {})",
                got.low,
                got.high,
                want[0],
                want[1]
            );
            assert!(got.low <= got.high, "{name}: ordered interval");
        }
    }
}

#[test]
fn mann_whitney_refuses_empty_or_non_finite() {
    assert!(mann_whitney_u(&[], &[1.0]).is_none());
    assert!(mann_whitney_u(&[1.0, f64::NAN], &[1.0]).is_none());
    assert!(hodges_lehmann(&[1.0], &[]).is_none());
    assert!(shift_interval(&[f64::INFINITY], &[1.0], 0.98).is_none());
}

#[test]
fn normal_distribution_matches_scipy() {
    let f = fixture("mannwhitney.json");
    for q in f["normal"].as_array().expect("normal") {
        let p = q["p"].as_f64().unwrap();
        let z = q["z"].as_f64().unwrap();
        assert!((norm_ppf(p) - z).abs() < 1e-12 * z.abs().max(1.0), "ppf({p})");
        let arg = p * 10.0 - 5.0;
        let sf = q["sf_of_z"].as_f64().unwrap();
        assert!(close(norm_sf(arg), sf, 1e-12), "sf({arg}) = {} vs {sf}", norm_sf(arg));
        assert!(close(norm_cdf(-arg), sf, 1e-12), "cdf(-{arg})");
    }
}

#[test]
fn log_normal_is_fitted_to_p50_and_p99() {
    let d = LogNormal::from_p50_p99(120.0, 900.0);
    assert!((d.quantile(0.5) - 120.0).abs() < 1e-9);
    assert!((d.quantile(0.99) - 900.0).abs() < 1e-9);
    let p95 = d.quantile(0.95);
    assert!(p95 > 120.0 && p95 < 900.0);
}

#[test]
fn murmur3_matches_known_vectors() {
    // Public MurmurHash3 x86_32 vectors (SMHasher), cross-checked with mmh3.
    assert_eq!(murmur3_32(b"", 0), 0);
    assert_eq!(murmur3_32(b"", 1), 0x514E_28B7);
    assert_eq!(murmur3_32(b"hello", 0), 0x248B_FA47);
    assert_eq!(murmur3_32(b"Hello, world!", 1234), 0xFAF6_CDB3);
    assert_eq!(murmur3_32(b"The quick brown fox jumps over the lazy dog", 0), 0x2E4F_F723);
    let f = fixture("murmur3.json");
    for h in f["hashes"].as_array().expect("hashes") {
        let input = h["input"].as_str().unwrap();
        let seed = h["seed"].as_u64().unwrap() as u32;
        assert_eq!(
            u64::from(murmur3_32(input.as_bytes(), seed)),
            h["hash"].as_u64().unwrap(),
            "murmur3({input:?}, {seed})"
        );
    }
}

#[test]
fn flag_buckets_follow_unleash_normalized_value() {
    // Unleash client specification: normalizedValue("123", "gr1") = 73,
    // normalizedValue("999", "groupX") = 25.
    assert_eq!(flag_bucket("gr1", "123"), 73);
    assert_eq!(flag_bucket("groupX", "999"), 25);
    let f = fixture("murmur3.json");
    for b in f["buckets"].as_array().expect("buckets") {
        let flag = b["flag"].as_str().unwrap();
        let user = b["user"].as_str().unwrap();
        let want = b["bucket"].as_u64().unwrap() as u32;
        assert_eq!(flag_bucket(flag, user), want, "{flag}:{user}");
        assert!((1..=100).contains(&want));
        assert!(is_enabled(flag, user, f64::from(want)));
        assert!(!is_enabled(flag, user, f64::from(want) - 1.0));
    }
    for s in f["shares"].as_array().expect("shares") {
        let flag = s["flag"].as_str().unwrap();
        let pct = s["percent"].as_f64().unwrap();
        assert_eq!(enabled_share(flag, pct), s["share"].as_f64().unwrap(), "{flag} {pct}");
    }
}

#[test]
fn flag_edges() {
    assert!(!is_enabled("f", "u", 0.0));
    assert!(!is_enabled("f", "u", f64::NAN));
    assert!(is_enabled("f", "u", 100.0));
    assert_eq!(enabled_share("f", 0.0), 0.0);
    assert_eq!(enabled_share("f", 100.0), 1.0);
    // Growing the percentage only adds users: the same people keep it.
    for user in ["a", "b", "c", "user-7", "user-99"] {
        let first_on = (1..=100).find(|&p| is_enabled("checkout", user, f64::from(p))).expect("on at 100 %");
        assert!((first_on..=100).all(|p| is_enabled("checkout", user, f64::from(p))));
    }
}

#[test]
fn burn_rate_arithmetic_matches_the_sre_workbook() {
    // At a 99.9 % SLO, 14.4× is an error rate of 1.44 %, 6× is 0.6 %.
    assert!((error_ratio_for_burn(FAST_BURN, 0.999) - 0.0144).abs() < 1e-12);
    assert!((error_ratio_for_burn(SLOW_BURN, 0.999) - 0.006).abs() < 1e-12);
    assert!((burn_rate(0.0144, 0.999) - 14.4).abs() < 1e-9);
    // 14.4× for an hour spends 2 % of a 30-day budget; 6× for 6 h spends 5 %.
    assert!((budget_spent(FAST_BURN, 60.0, 30.0) - 0.02).abs() < 1e-12);
    assert!((budget_spent(SLOW_BURN, 360.0, 30.0) - 0.05).abs() < 1e-12);
    // 1× over 3 days spends 10 %: the ticket's window exceeds any 24 h run.
    assert!((budget_spent(1.0, 3.0 * 1440.0, 30.0) - 0.10).abs() < 1e-12);
    // 10,000 requests a minute for 30 days at 99.9 %: 432,000 failures allowed.
    assert!((budget_requests(0.999, 10_000.0, 30.0) - 432_000.0).abs() < 1e-6);
}

fn mj(metric: Metric, class: MetricClass, critical: bool) -> MetricJudgement {
    MetricJudgement {
        metric,
        class,
        critical,
        canary_points: 10,
        stable_points: 10,
        estimate: None,
        ci_low: None,
        ci_high: None,
        p_value: None,
        canary_values: Vec::new(),
        stable_values: Vec::new(),
    }
}

#[test]
fn judge_scores_like_kayenta() {
    let cfg = JudgeConfig::default();
    use MetricClass::*;
    let all_pass: Vec<_> = Metric::ALL.iter().map(|&m| mj(m, Pass, false)).collect();
    assert_eq!(score(&cfg, &all_pass), (100.0, JudgeClass::Pass));
    // One of five non-critical metrics High: 80, between 75 and 90: marginal.
    let mut one = all_pass.clone();
    one[2].class = High;
    assert_eq!(score(&cfg, &one), (80.0, JudgeClass::Marginal));
    // Two of five: 60: fail.
    let mut two = one.clone();
    two[1].class = High;
    assert_eq!(score(&cfg, &two), (60.0, JudgeClass::Fail));
    // A critical metric that is not Pass forces 0.
    let mut crit = all_pass.clone();
    crit[0] = mj(Metric::ErrorRate, High, true);
    assert_eq!(score(&cfg, &crit), (0.0, JudgeClass::Fail));
    // NoData metrics are left out of the score...
    let mut nodata = all_pass.clone();
    nodata[4].class = NoData;
    assert_eq!(score(&cfg, &nodata), (100.0, JudgeClass::Pass));
    // ...but a critical metric without data makes the judgement inconclusive.
    let mut crit_nodata = all_pass;
    crit_nodata[0] = mj(Metric::ErrorRate, NoData, true);
    assert_eq!(score(&cfg, &crit_nodata).1, JudgeClass::NoData);
}

#[test]
fn metric_classification_uses_the_hodges_lehmann_tolerance() {
    let stable: Vec<f64> = (0..15).map(|i| 300.0 + f64::from(i % 5)).collect();
    // Clearly higher: High for a latency, Pass for the KPI (higher is better).
    let high: Vec<f64> = stable.iter().map(|v| v * 1.5).collect();
    let c = classify_metric(Metric::LatencyP99, &high, &stable, 0.98, 0.25, false);
    assert_eq!(c.class, MetricClass::High);
    assert!(c.ci_low.unwrap() > 0.25 * c.estimate.unwrap().abs());
    let k = classify_metric(Metric::Kpi, &high, &stable, 0.98, 0.25, false);
    assert_eq!(k.class, MetricClass::Pass);
    // Lower KPI: Low.
    let low: Vec<f64> = stable.iter().map(|v| v * 0.8).collect();
    assert_eq!(classify_metric(Metric::Kpi, &low, &stable, 0.98, 0.25, false).class, MetricClass::Low);
    // Same data: Pass; too few points: NoData.
    assert_eq!(classify_metric(Metric::Cpu, &stable, &stable, 0.98, 0.25, false).class, MetricClass::Pass);
    assert_eq!(classify_metric(Metric::Cpu, &[1.0, 2.0], &stable, 0.98, 0.25, false).class, MetricClass::NoData);
    // A huge tolerance lets even a clear shift pass.
    assert_eq!(classify_metric(Metric::LatencyP99, &high, &stable, 0.98, 10.0, false).class, MetricClass::Pass);
}

#[test]
fn the_judges_shortcut_classifies_exactly_like_the_full_interval() {
    use rollback_lab::core::rng::Rng;
    let mut rng = Rng::new(77);
    let zc = norm_ppf(0.99);
    let mut shortcut_used = 0;
    let mut flagged = 0;
    for case in 0..4000 {
        let m = 3 + rng.range(0, 14) as usize;
        let n = 3 + rng.range(0, 14) as usize;
        let shift = [0.0, 0.0, 0.3, 1.0, -1.0][case % 5];
        // Rounding to a coarse grid makes ties within and across samples.
        let grid = [0.0, 0.5, 0.01][case % 3];
        let draw = |rng: &mut Rng, mu: f64| {
            let v = mu + rng.normal();
            if grid > 0.0 {
                (v / grid).round() * grid
            } else {
                v
            }
        };
        let x: Vec<f64> = (0..m).map(|_| draw(&mut rng, shift)).collect();
        let y: Vec<f64> = (0..n).map(|_| draw(&mut rng, 0.0)).collect();
        let (full, _) = compare_samples(&x, &y, zc).expect("samples");
        for metric in [Metric::LatencyP99, Metric::Kpi] {
            let want = {
                let allowed = 0.25 * full.estimate.abs();
                if metric.higher_is_worse() && full.low > allowed {
                    MetricClass::High
                } else if !metric.higher_is_worse() && full.high < -allowed {
                    MetricClass::Low
                } else {
                    MetricClass::Pass
                }
            };
            let got = classify_metric(metric, &x, &y, 0.98, 0.25, false);
            if x != y {
                assert_eq!(got.class, want, "case {case}: {x:?} vs {y:?}");
            }
            if got.estimate.is_none() {
                shortcut_used += 1;
                assert_eq!(got.shift(0.98), Some(full), "on-demand interval");
            } else {
                assert_eq!(got.ci_low, Some(full.low));
            }
            if got.class != MetricClass::Pass {
                flagged += 1;
            }
        }
    }
    assert!(shortcut_used > 1000 && flagged > 100, "{shortcut_used} {flagged}");
}
