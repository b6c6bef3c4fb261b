//! How a version behaves at a given minute, and one minute's metrics drawn
//! from that behaviour with the sampling noise of the slice's request count.
//!
//! No per-request loop: each metric is drawn from the distribution its
//! aggregate really has.
//! - errors: `Binomial(n, error_rate)`;
//! - KPI: `Binomial(n, kpi)` conversions;
//! - latency: a histogram of the `n` requests' latencies, a multinomial draw
//!   over log-spaced buckets with the (log-normal, or mixture of two
//!   log-normals behind a partly rolled-out flag) distribution's bucket
//!   probabilities ([`super::histogram`]); the minute's p95 and p99 are read
//!   from it as Prometheus' `histogram_quantile` does, so a small slice's
//!   p99 has the bias and spread of a real sample of that size;
//! - CPU: the fleet's utilisation `u · (1 + 0.5·ε/√n)`: per-request CPU cost
//!   varies (coefficient of variation 0.5), so a small slice's average is
//!   noisier. Each version's fleet is sized for its share of traffic (as
//!   Argo and Flagger scale the canary with its weight), so the utilisation
//!   does not depend on the weight.

use super::histogram::{draw_counts, BucketProbs, Layout};
use super::scenario::{Fault, FaultKind, VersionSpec};
use super::stats::{acklam, LogNormal};

use crate::core::rng::Rng;

/// One homogeneous population of requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Component {
    pub error_rate: f64,
    pub mu: f64,
    pub sigma: f64,
    pub cpu: f64,
    pub kpi: f64,
}

impl Component {
    pub fn from_spec(spec: &VersionSpec) -> Component {
        let ln = LogNormal::from_p50_p99(spec.latency_p50_ms, spec.latency_p99_ms);
        Component {
            error_rate: spec.error_rate.clamp(0.0, 1.0),
            mu: ln.mu,
            sigma: ln.sigma.max(1e-6),
            cpu: spec.cpu.clamp(0.0, 1.0),
            kpi: spec.kpi.clamp(0.0, 1.0),
        }
    }
}

/// Whether a fault changes behaviour at `minute`.
pub(crate) fn fault_active(f: &Fault, minute: u32) -> bool {
    minute >= f.at_minute && f.until_minute.is_none_or(|u| minute < u)
}

/// Applies the active faults to a version's healthy behaviour. Returns the
/// behaviour and whether any fault made it worse this minute.
pub(crate) fn apply_faults<'a>(
    healthy: Component,
    faults: impl Iterator<Item = &'a Fault>,
    minute: u32,
) -> (Component, bool) {
    let mut c = healthy;
    let base_cpu = c.cpu;
    let mut degraded = false;
    for f in faults {
        if !fault_active(f, minute) || !f.factor.is_finite() {
            continue;
        }
        let factor = f.factor.max(0.0);
        if factor != 1.0 {
            degraded = true;
        }
        match f.kind {
            FaultKind::Error => c.error_rate *= factor,
            FaultKind::Flapping => {
                let phase = (minute - f.at_minute) / f.period_minutes.max(1);
                if phase.is_multiple_of(2) {
                    c.error_rate *= factor;
                }
            }
            FaultKind::Latency => c.mu += factor.max(1e-6).ln(),
            FaultKind::Kpi => c.kpi *= factor,
            FaultKind::SaturationLeak => {
                let steps = f64::from(minute - f.at_minute + 1);
                c.cpu *= factor.max(1.0).powf(steps);
            }
        }
    }
    c.error_rate = c.error_rate.clamp(0.0, 1.0);
    c.kpi = c.kpi.clamp(0.0, 1.0);
    c.cpu = if c.cpu.is_finite() { c.cpu.clamp(0.0, 1.0) } else { 1.0 };
    // Queueing: response time grows like 1/(1-u) as utilisation u nears 1.
    if c.cpu > base_cpu && base_cpu < 0.99 {
        let u = c.cpu.min(0.99);
        c.mu += ((1.0 - base_cpu) / (1.0 - u)).ln();
    }
    (c, degraded)
}

/// What a slice of traffic runs: one component, or a mix of the new and old
/// code paths when a flag is rolled out to a share of users.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Behaviour {
    /// The new code path (or the only behaviour).
    pub main: Component,
    /// The old code path and the share of requests it gets (0 = none).
    pub other: Option<(Component, f64)>,
    /// Share of this slice's requests that see a fault's effect (0–1).
    pub degraded_share: f64,
}

impl Behaviour {
    pub fn single(c: Component, degraded: bool) -> Behaviour {
        Behaviour { main: c, other: None, degraded_share: if degraded { 1.0 } else { 0.0 } }
    }

    fn mix(&self, f: impl Fn(&Component) -> f64) -> f64 {
        match self.other {
            None => f(&self.main),
            Some((o, w)) => (1.0 - w) * f(&self.main) + w * f(&o),
        }
    }

    /// Expected error rate.
    pub fn error_rate(&self) -> f64 {
        self.mix(|c| c.error_rate)
    }
    /// Expected KPI.
    pub fn kpi(&self) -> f64 {
        self.mix(|c| c.kpi)
    }
    /// Expected CPU utilisation.
    pub fn cpu(&self) -> f64 {
        self.mix(|c| c.cpu)
    }

    /// The latency distribution as `(weight, mu, sigma)` of `ln ms` per
    /// component (one, or the new and old code paths behind a flag).
    pub fn latency_parts(&self) -> ([(f64, f64, f64); 2], usize) {
        match self.other {
            None => ([(1.0, self.main.mu, self.main.sigma), (0.0, 0.0, 1.0)], 1),
            Some((o, w)) => ([(1.0 - w, self.main.mu, self.main.sigma), (w, o.mu, o.sigma)], 2),
        }
    }

    /// A key that changes whenever the latency distribution does (for the
    /// engine's cache of bucket probabilities).
    pub fn latency_key(&self) -> [u64; 5] {
        let (o, w) = self.other.map(|(o, w)| ((o.mu, o.sigma), w)).unwrap_or(((0.0, 0.0), 0.0));
        [self.main.mu.to_bits(), self.main.sigma.to_bits(), o.0.to_bits(), o.1.to_bits(), w.to_bits()]
    }
}

/// One minute of one slice, as measured.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Draw {
    pub requests: u64,
    pub errors: u64,
    pub conversions: u64,
    /// p95 and p99 (ms) read from the minute's histogram.
    pub p95: f64,
    pub p99: f64,
    pub cpu: f64,
}

/// Standard normal draws by inversion: a uniform in (0, 1) through Acklam's
/// approximation of `Φ⁻¹` (error ~1e-9, far below any sampling noise): no
/// logarithm in the central 95 % and no rejection loop.
#[derive(Debug, Default)]
pub(crate) struct Gauss;

impl Gauss {
    pub fn next(&mut self, rng: &mut Rng) -> f64 {
        // (k + 0.5) / 2^53 is strictly inside (0, 1).
        let u = ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64);
        acklam(u)
    }

    /// `Binomial(n, p)`: the generator's exact inversion when the rarer
    /// outcome's mean is below 30, a continuity-corrected normal otherwise.
    pub fn binomial(&mut self, rng: &mut Rng, n: u64, p: f64) -> u64 {
        if n == 0 || p.is_nan() || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        let nf = n as f64;
        let rare = p.min(1.0 - p);
        if nf * rare < 30.0 {
            return rng.binomial(n, p);
        }
        let sd = (nf * p * (1.0 - p)).sqrt();
        let x = nf * p + sd * self.next(rng) + 0.5;
        if x <= 0.0 {
            0
        } else if x >= nf {
            n
        } else {
            x as u64
        }
    }
}

/// Draws a minute of `n` requests from `b`; its latency histogram goes to
/// `counts` (one per slot of `layout`, bucket probabilities `probs` of
/// `b`'s latency).
pub(crate) fn draw(
    b: &Behaviour,
    n: u64,
    rng: &mut Rng,
    layout: &Layout,
    probs: &BucketProbs,
    counts: &mut [u64],
) -> Draw {
    if n == 0 {
        counts.iter_mut().for_each(|c| *c = 0);
        return Draw::default();
    }
    let mut g = Gauss;
    let nf = n as f64;
    let errors = g.binomial(rng, n, b.error_rate());
    let conversions = g.binomial(rng, n, b.kpi());
    draw_counts(probs, n, rng, counts);
    let p95 = layout.quantile_total(|k| counts[k], n, 0.95).unwrap_or(0.0);
    let p99 = layout.quantile_total(|k| counts[k], n, 0.99).unwrap_or(0.0);
    let z3 = g.next(rng).clamp(-4.0, 4.0);
    let cpu = (b.cpu() * (1.0 + 0.5 * z3 / nf.sqrt())).clamp(0.0, 1.0);
    Draw { requests: n, errors, conversions, p95, p99, cpu }
}

/// Rounds to a multiple of `step` (latency to 0.1 ms, CPU to 0.01 %).
pub(crate) fn round_to(v: f64, step: f64) -> f64 {
    if !v.is_finite() || step <= 0.0 {
        return v;
    }
    if step < 1.0 {
        // Multiply by the integer inverse so 0.1 steps print as 327.2, not
        // 327.20000000000005.
        let inv = (1.0 / step).round();
        (v * inv).round() / inv
    } else {
        (v / step).round() * step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> VersionSpec {
        VersionSpec { error_rate: 0.01, latency_p50_ms: 80.0, latency_p99_ms: 300.0, cpu: 0.5, kpi: 0.6 }
    }

    #[test]
    fn faults_change_what_they_name() {
        let f = |kind, factor| Fault {
            at_minute: 10,
            kind,
            factor,
            until_minute: Some(20),
            period_minutes: 2,
            behind_flag: true,
        };
        let healthy = Component::from_spec(&spec());
        let h = healthy;
        let (c, d) = apply_faults(h, [f(FaultKind::Error, 3.0)].iter(), 9);
        assert_eq!((c, d), (healthy, false));
        let (c, d) = apply_faults(h, [f(FaultKind::Error, 3.0)].iter(), 10);
        assert!(d && (c.error_rate - 0.03).abs() < 1e-12);
        let (c, _) = apply_faults(h, [f(FaultKind::Error, 3.0)].iter(), 20);
        assert_eq!(c, healthy);
        let (c, _) = apply_faults(h, [f(FaultKind::Latency, 1.5)].iter(), 12);
        assert!((c.mu - healthy.mu - 1.5f64.ln()).abs() < 1e-12);
        let (c, _) = apply_faults(h, [f(FaultKind::Kpi, 0.5)].iter(), 12);
        assert!((c.kpi - 0.3).abs() < 1e-12 && c.error_rate == healthy.error_rate);
        let fl = [f(FaultKind::Flapping, 4.0)];
        let on: Vec<bool> = (10..18).map(|m| apply_faults(h, fl.iter(), m).0.error_rate > 0.02).collect();
        assert_eq!(on, [true, true, false, false, true, true, false, false]);
        let (c, _) = apply_faults(h, [f(FaultKind::SaturationLeak, 1.1)].iter(), 11);
        assert!((c.cpu - 0.5 * 1.21).abs() < 1e-12 && c.mu > healthy.mu);
    }

    #[test]
    fn polar_normals_and_binomials_have_the_right_moments() {
        let mut rng = Rng::new(5);
        let mut g = Gauss;
        let xs: Vec<f64> = (0..40_000).map(|_| g.next(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.02 && (var - 1.0).abs() < 0.03, "{mean} {var}");
        for &(n, p) in &[(9_500u64, 0.62f64), (500, 0.001), (10_000, 0.99)] {
            let ks: Vec<f64> = (0..20_000).map(|_| g.binomial(&mut rng, n, p) as f64).collect();
            let m = ks.iter().sum::<f64>() / ks.len() as f64;
            let v = ks.iter().map(|k| (k - m).powi(2)).sum::<f64>() / ks.len() as f64;
            let (wm, wv) = (n as f64 * p, n as f64 * p * (1.0 - p));
            assert!((m - wm).abs() < 0.02 * wm.max(1.0), "{n} {p}: mean {m} vs {wm}");
            assert!((v - wv).abs() < 0.1 * wv.max(1.0), "{n} {p}: var {v} vs {wv}");
            assert!(ks.iter().all(|&k| k <= n as f64));
        }
    }
}
