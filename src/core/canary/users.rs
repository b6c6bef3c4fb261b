//! Users affected: how many users met a regression, per routing mode.
//!
//! The rule (DESIGN.md, "Reference semantics"): traffic splitting by weight
//! (Argo Rollouts `setWeight` through a traffic router, Flagger's
//! `stepWeight`) routes *each request* on its own, so a user with `k`
//! requests in the exposure window is hit with probability `1 − (1 − w)^k`
//! (40 % at w = 5 %, k = 10), not `w`. A flag keyed on user id, or header /
//! cookie routing, is *sticky*: a fixed share `w` of users is on the new
//! version, and only they can meet it.
//!
//! The user model, the same in both modes: the run has
//! `requests / requests_per_user` users, and each sends `requests_per_user`
//! requests (⌊r⌋ or ⌈r⌉, so the mean is `r`) at minutes drawn uniformly over
//! the run. Minute `m` serves a share `d_m` of its requests degraded (the
//! canary's weight × the share of its requests that meet a fault, plus
//! stable's).
//! - **per request**: each request meets the regression with probability
//!   `d_m` of its minute, independently, so a user escapes with
//!   probability `E[(1 − d̄)^k]`, `d̄` the mean of `d_m` over the run;
//! - **sticky**: a user's bucket `h` (uniform in 0–1, from a hash of the
//!   user id) is on the regression in minute `m` when `h < d_m` (growing
//!   weights keep the earlier users inside, as Unleash-style bucketing
//!   does), so a user escapes when none of their requests falls in a minute
//!   with `d_m > h`.
//!
//! "Never saw it" is the share of the users active during the incident (at
//! least one request between the first and the last degraded minute) who
//! never met the regression.

use super::scenario::Routing;

/// `E[(1 − a)^k]` for `k` = ⌊r⌋ or ⌈r⌉ with mean `r`: the probability that
/// none of a user's requests meets an event of probability `a` each.
pub fn escape_probability(a: f64, requests_per_user: f64) -> f64 {
    let a = if a.is_finite() { a.clamp(0.0, 1.0) } else { 0.0 };
    let r = if requests_per_user.is_finite() { requests_per_user.max(0.0) } else { 1.0 };
    let lo = r.floor();
    let frac = r - lo;
    let base = 1.0 - a;
    let p_lo = base.powf(lo);
    (1.0 - frac) * p_lo + frac * p_lo * base
}

/// Share of all users of the run who met the regression, given each
/// minute's degraded share of requests `d` (one per simulated minute).
pub fn share_hit(routing: Routing, d: &[f64], requests_per_user: f64) -> f64 {
    let minutes = d.len() as f64;
    if d.is_empty() {
        return 0.0;
    }
    let clean = |x: f64| if x.is_finite() { x.clamp(0.0, 1.0) } else { 0.0 };
    match routing {
        Routing::PerRequest => {
            let mean = d.iter().map(|&x| clean(x)).sum::<f64>() / minutes;
            1.0 - escape_probability(mean, requests_per_user)
        }
        Routing::Sticky => {
            // A user with bucket h is exposed in the A(h) minutes with
            // d_m > h; integrate over h, A being a step function.
            let mut sorted: Vec<f64> = d.iter().map(|&x| clean(x)).filter(|&x| x > 0.0).collect();
            sorted.sort_by(|a, b| b.total_cmp(a));
            let mut total = 0.0;
            for (j, &dj) in sorted.iter().enumerate() {
                let next = sorted.get(j + 1).copied().unwrap_or(0.0);
                let exposed_minutes = (j + 1) as f64;
                total += (dj - next) * (1.0 - escape_probability(exposed_minutes / minutes, requests_per_user));
            }
            total
        }
    }
}

/// Share of all users with at least one request in a window of `window`
/// minutes out of `minutes`.
pub fn share_active(window: u32, minutes: u32, requests_per_user: f64) -> f64 {
    if minutes == 0 {
        return 0.0;
    }
    let a = f64::from(window.min(minutes)) / f64::from(minutes);
    1.0 - escape_probability(a, requests_per_user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example() {
        // w = 5 %, k = 10: 1 − 0.95^10 ≈ 40 %.
        assert!((1.0 - escape_probability(0.05, 10.0) - 0.401).abs() < 1e-3);
        // Every minute at 5 %: per request ≈ 40 %, sticky exactly 5 %.
        let d = vec![0.05; 30];
        assert!((share_hit(Routing::PerRequest, &d, 10.0) - 0.401).abs() < 1e-3);
        assert!((share_hit(Routing::Sticky, &d, 10.0) - 0.05).abs() < 1e-12);
        // Fractional requests per user interpolate.
        let e = escape_probability(0.1, 2.5);
        assert!((e - 0.5 * (0.81 + 0.729)).abs() < 1e-12);
    }
}
