#![cfg(not(target_arch = "wasm32"))]
//! Users affected per routing mode (issue 22, item 3), against a Monte
//! Carlo run here: users with `k` requests at minutes drawn uniformly over
//! the run; per request, each request meets the regression with its
//! minute's degraded share on its own; sticky, a user's hash bucket decides
//! for all their requests.

use rollback_lab::core::canary::users::{escape_probability, share_hit};
use rollback_lab::core::canary::{parse_toml, Fault, FaultKind, Routing, Scenario, Sim, Step, Summary, VersionSpec};
use rollback_lab::core::rng::Rng;

/// A release that fails 4 % of its requests from minute 6 to 27, at
/// 5 % then 25 % then 100 %, no gates: each minute's degraded share is the
/// canary's requests / all requests while the fault is on.
fn scenario(routing: Routing, requests_per_user: f64, seed: u64) -> Scenario {
    Scenario {
        seed,
        minutes: 40,
        requests_per_minute: 5_000,
        requests_per_user,
        routing,
        baseline: VersionSpec::default(),
        steps: vec![Step::weight(5.0), Step::pause(12), Step::weight(25.0), Step::pause(12), Step::weight(100.0)],
        faults: vec![Fault {
            at_minute: 6,
            kind: FaultKind::Error,
            factor: 80.0,
            until_minute: Some(28),
            period_minutes: 2,
            behind_flag: true,
        }],
        ..Scenario::default()
    }
}

fn run(sc: Scenario) -> (Sim, Summary) {
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    let s = sim.summary();
    (sim, s)
}

/// Per minute, the share of all requests that met the fault (read from the
/// ticks: the new release's requests while the fault is on).
fn degraded_shares(sim: &Sim, sc: &Scenario) -> Vec<f64> {
    let f = sc.faults[0];
    sim.ticks()
        .iter()
        .map(|t| {
            let on = t.minute >= f.at_minute && f.until_minute.is_none_or(|u| t.minute < u);
            let new = if t.release == 2 { t.canary.requests } else { 0 };
            if on {
                new as f64 / (t.canary.requests + t.stable.requests) as f64
            } else {
                0.0
            }
        })
        .collect()
}

/// Monte Carlo: `users` users, each with ⌊r⌋ or ⌈r⌉ requests (mean r) at
/// uniform minutes; returns (share hit, share active in `window`, share of
/// the active never hit).
fn monte_carlo(routing: Routing, d: &[f64], r: f64, window: (u32, u32), users: u32, seed: u64) -> (f64, f64, f64) {
    let mut rng = Rng::new(seed);
    let m = d.len() as u64;
    let (mut hit, mut active, mut active_spared) = (0u32, 0u32, 0u32);
    for _ in 0..users {
        let k = r.floor() as u32 + u32::from(rng.next_f64() < r - r.floor());
        let bucket = rng.next_f64();
        let (mut h, mut a) = (false, false);
        for _ in 0..k {
            let minute = rng.range(0, m) as usize;
            let roll = match routing {
                Routing::PerRequest => rng.next_f64(),
                Routing::Sticky => bucket,
            };
            h |= roll < d[minute];
            a |= (window.0..=window.1).contains(&(minute as u32));
        }
        hit += u32::from(h);
        active += u32::from(a);
        active_spared += u32::from(a && !h);
    }
    let u = f64::from(users);
    (f64::from(hit) / u, f64::from(active) / u, f64::from(active_spared) / f64::from(active.max(1)))
}

#[test]
fn users_affected_match_a_per_request_and_a_sticky_monte_carlo() {
    for (routing, r, seed) in [
        (Routing::PerRequest, 10.0, 1),
        (Routing::Sticky, 10.0, 2),
        (Routing::PerRequest, 2.5, 3),
        (Routing::Sticky, 4.5, 4),
    ] {
        let sc = scenario(routing, r, seed);
        let (sim, s) = run(sc.clone());
        assert_eq!(s.routing, routing);
        let d = degraded_shares(&sim, &sc);
        let window = (6, 27);
        let users = 200_000;
        let (mc_hit, _, mc_spared) = monte_carlo(routing, &d, r, window, users, 100 + seed);
        let engine_hit = s.users_affected as f64 / s.users_total as f64;
        let se = (mc_hit * (1.0 - mc_hit) / f64::from(users)).sqrt();
        assert!(
            (engine_hit - mc_hit).abs() < 4.0 * se + 1.0 / s.users_total as f64,
            "{routing:?}, r = {r}: engine {engine_hit} vs Monte Carlo {mc_hit} (se {se})"
        );
        let spared = s.spared_share.expect("degraded");
        assert!((spared - mc_spared).abs() < 0.01, "{routing:?}, r = {r}: spared {spared} vs {mc_spared}");
    }
}

#[test]
fn per_request_routing_hits_more_users_than_the_weight() {
    // The example: w = 5 %, k = 10 requests in the window: 40 %.
    assert!((1.0 - escape_probability(0.05, 10.0) - 0.4013).abs() < 1e-4);
    // A run that stays at 5 % with a fault all along: per request, about
    // 40 % of users meet it; sticky, 5 %.
    let mut sc = scenario(Routing::PerRequest, 10.0, 7);
    sc.steps = vec![Step::weight(5.0), Step::pause_until_promote()];
    sc.faults[0].at_minute = 0;
    sc.faults[0].until_minute = None;
    let (_, per_request) = run(sc.clone());
    sc.routing = Routing::Sticky;
    let (_, sticky) = run(sc);
    let share = |s: &Summary| s.users_affected as f64 / s.users_total as f64;
    assert!((share(&per_request) - 0.40).abs() < 0.02, "{}", share(&per_request));
    assert!((share(&sticky) - 0.05).abs() < 0.005, "{}", share(&sticky));
    assert!(per_request.spared_share.unwrap() < 0.65 && sticky.spared_share.unwrap() > 0.94);
    // Same traffic, same failed requests: only the users differ.
    assert_eq!(per_request.degraded_requests, sticky.degraded_requests);
}

#[test]
fn share_hit_is_exact_on_small_cases() {
    // One minute of two, sticky: users whose bucket is under 0.3 and who
    // have a request in that minute: 0.3 · (1 − 0.5^2).
    let d = [0.3, 0.0];
    assert!((share_hit(Routing::Sticky, &d, 2.0) - 0.3 * 0.75).abs() < 1e-12);
    // Per request: 1 − (1 − 0.15)^2.
    assert!((share_hit(Routing::PerRequest, &d, 2.0) - (1.0 - 0.85f64.powi(2))).abs() < 1e-12);
}

#[test]
fn routing_is_a_scenario_key_defaulting_to_per_request() {
    let text = "title = \"t\"\ndescription = \"d\"\n";
    assert_eq!(parse_toml(text).expect("valid").routing, Routing::PerRequest);
    let sticky = parse_toml(&format!("{text}routing = \"sticky\"\n")).expect("valid");
    assert_eq!(sticky.routing, Routing::Sticky);
    // JSON round trip; the default is left out so old share links stay the same.
    assert_eq!(Scenario::from_json(&sticky.to_json()).expect("json"), sticky);
    assert!(!Scenario::default().to_json().contains("routing"));
    let err = parse_toml(&format!("{text}routing = \"per_user\"\n")).expect_err("unknown mode");
    assert_eq!(err.errors[0].key, "routing");
    // The summary names its mode as data.
    let (_, s) = run(scenario(Routing::Sticky, 10.0, 1));
    let json = serde_json::to_value(&s).expect("json");
    assert_eq!(json["routing"], "sticky");
}
