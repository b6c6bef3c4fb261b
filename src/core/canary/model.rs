//! How a version behaves at a given minute, and one minute's metrics drawn
//! from that behaviour with the sampling noise of the slice's request count.
//!
//! No per-request loop: each metric is drawn from the distribution its
//! aggregate really has.
//! - errors: `Binomial(n, error_rate)`;
//! - KPI: `Binomial(n, kpi)` conversions;
//! - latency: the sample p95 and p99 of `n` log-normal requests, drawn from
//!   the asymptotic law of sample quantiles on the log scale,
//!   `N(ℓ_q, q(1-q) / (n · g(ℓ_q)²))` with `g` the log-latency density, p95
//!   and p99 correlated as order statistics are
//!   (`ρ = √(0.95·0.01 / (0.99·0.05)) ≈ 0.44`);
//! - CPU: the fleet's utilisation `u · (1 + 0.5·ε/√n)`: per-request CPU cost
//!   varies (coefficient of variation 0.5), so a small slice's average is
//!   noisier. Each version's fleet is sized for its share of traffic (as
//!   Argo and Flagger scale the canary with its weight), so the utilisation
//!   does not depend on the weight.

use super::scenario::{Fault, FaultKind, VersionSpec};
use super::stats::{acklam, norm_cdf, norm_pdf, LogNormal, Z95, Z99};

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

    /// The log of the `q` latency quantile, and the log-latency density
    /// there (for the sampling noise), given `z = Φ⁻¹(q)` and `φ(z)`.
    pub fn log_quantile(&self, q: f64, z: f64, pdf_z: f64) -> (f64, f64) {
        match self.other {
            None => {
                let l = self.main.mu + self.main.sigma * z;
                (l, pdf_z / self.main.sigma)
            }
            Some((o, w)) => mixture_log_quantile(&self.main, &o, w, q, z),
        }
    }
}

/// Quantile of a two-component log-normal mixture: safeguarded Newton steps
/// on the mixture CDF, bracketed by the components' own quantiles.
fn mixture_log_quantile(a: &Component, b: &Component, wb: f64, q: f64, z: f64) -> (f64, f64) {
    let wa = 1.0 - wb;
    let cdf = |l: f64| wa * norm_cdf((l - a.mu) / a.sigma) + wb * norm_cdf((l - b.mu) / b.sigma);
    let pdf = |l: f64| wa * norm_pdf((l - a.mu) / a.sigma) / a.sigma + wb * norm_pdf((l - b.mu) / b.sigma) / b.sigma;
    let qa = a.mu + a.sigma * z;
    let qb = b.mu + b.sigma * z;
    let (mut lo, mut hi) = if qa < qb { (qa, qb) } else { (qb, qa) };
    let mut l = wa * qa + wb * qb;
    for _ in 0..40 {
        let f = cdf(l) - q;
        if f.abs() < 1e-12 {
            break;
        }
        if f > 0.0 {
            hi = l;
        } else {
            lo = l;
        }
        let d = pdf(l);
        let next = if d > 0.0 { l - f / d } else { f64::NAN };
        l = if next.is_finite() && next > lo && next < hi { next } else { 0.5 * (lo + hi) };
        if hi - lo < 1e-12 {
            break;
        }
    }
    (l, pdf(l).max(1e-12))
}

/// One minute of one slice, as measured.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Draw {
    pub requests: u64,
    pub errors: u64,
    pub conversions: u64,
    /// `ln` of the measured p95 and p99 (ms).
    pub lp95: f64,
    pub lp99: f64,
    pub p95: f64,
    pub p99: f64,
    pub cpu: f64,
}

/// Correlation of the sample p95 and p99 (as order statistics).
const RHO_95_99: f64 = 0.438_085_827_115_180_6;
/// `φ(Φ⁻¹(0.95))` and `φ(Φ⁻¹(0.99))`.
const PDF_Z95: f64 = 0.103_135_640_375_371_39;
const PDF_Z99: f64 = 0.026_652_142_203_458_08;

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

/// Draws a minute of `n` requests from `b`.
pub(crate) fn draw(b: &Behaviour, n: u64, rng: &mut Rng) -> Draw {
    if n == 0 {
        return Draw::default();
    }
    let mut g = Gauss;
    let nf = n as f64;
    let errors = g.binomial(rng, n, b.error_rate());
    let conversions = g.binomial(rng, n, b.kpi());
    let (l95, g95) = b.log_quantile(0.95, Z95, PDF_Z95);
    let (l99, g99) = b.log_quantile(0.99, Z99, PDF_Z99);
    let inv_sqrt_n = 1.0 / nf.sqrt();
    let sd95 = (0.95f64 * 0.05).sqrt() * inv_sqrt_n / g95;
    let sd99 = (0.99f64 * 0.01).sqrt() * inv_sqrt_n / g99;
    let z1 = g.next(rng).clamp(-4.0, 4.0);
    let z2 = g.next(rng).clamp(-4.0, 4.0);
    let z99 = RHO_95_99 * z1 + (1.0 - RHO_95_99 * RHO_95_99).sqrt() * z2;
    let lp95 = l95 + sd95 * z1;
    let lp99 = (l99 + sd99 * z99).max(lp95);
    let z3 = g.next(rng).clamp(-4.0, 4.0);
    let cpu = (b.cpu() * (1.0 + 0.5 * z3 * inv_sqrt_n)).clamp(0.0, 1.0);
    Draw { requests: n, errors, conversions, lp95, lp99, p95: lp95.exp(), p99: lp99.exp(), cpu }
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
    fn density_constants_are_right() {
        assert!((PDF_Z95 - norm_pdf(Z95)).abs() < 1e-15);
        assert!((PDF_Z99 - norm_pdf(Z99)).abs() < 1e-15);
        let rho = (0.95f64 * 0.01 / (0.99 * 0.05)).sqrt();
        assert!((RHO_95_99 - rho).abs() < 1e-15);
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

    #[test]
    fn mixture_quantile_lies_between_components() {
        let a = Component::from_spec(&spec());
        let mut b = a;
        b.mu += 1.0;
        let (l, g) = mixture_log_quantile(&a, &b, 0.5, 0.99, Z99);
        assert!(l > a.mu + a.sigma * Z99 && l < b.mu + b.sigma * Z99 && g > 0.0);
        let want = 0.5 * norm_cdf((l - a.mu) / a.sigma) + 0.5 * norm_cdf((l - b.mu) / b.sigma);
        assert!((want - 0.99).abs() < 1e-9);
    }
}
