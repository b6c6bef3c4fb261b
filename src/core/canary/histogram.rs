//! Latency histograms: how each minute's latencies are kept, how a gate's
//! window pools them, and how a quantile is read from pooled counts.
//!
//! The rule (DESIGN.md, "Reference semantics": a window's percentile is the
//! percentile of every request in the window) is what Prometheus computes
//! with `histogram_quantile(0.99, sum by (le) (rate(x_bucket[10m])))`:
//! bucket counts are *added* over the window and over series, and the
//! quantile is read from the summed counts. An average of per-minute p99s is
//! not a p99 (with p50 80 ms / p99 250 ms, 3 minutes of 10 at 2× latency give
//! a pooled p99 of 1.58× stable; the mean of the p99s says 1.23×).
//!
//! - **Buckets**: log-spaced, as Prometheus native histograms with schema 3
//!   (and HDR histograms) space them: bucket `i` holds latencies in
//!   `(2^((i-1)/8), 2^(i/8)]` ms, so each bucket is 2^(1/8) ≈ 9.05 % wide.
//!   A run keeps the buckets between a floor below the fastest version's
//!   median and a ceiling far above the slowest version's p99 (see
//!   [`Layout::covering`]); the first bucket also holds everything below the
//!   floor (its lower bound is 0, like a classic histogram's first `le`) and
//!   an overflow bucket (`le="+Inf"`) everything above the ceiling.
//! - **Quantile** ([`Layout::quantile`]), as Prometheus' `histogram_quantile`
//!   on classic buckets (docs: prometheus.io/docs/prometheus/latest/querying/
//!   functions/#histogram_quantile; source: `promql/quantile.go`,
//!   `bucketQuantile`): rank = q × count; take the first bucket whose
//!   cumulative count reaches the rank; interpolate *linearly* inside it,
//!   `lower + (upper − lower) × (rank − below) / in_bucket` (the docs: "the
//!   linear interpolation assumes that the observations are uniformly
//!   distributed within the bucket"); the lowest bucket's lower bound is 0;
//!   a rank in the `+Inf` bucket returns the highest finite upper bound.
//!   The result lies in the same bucket as the request of rank ⌈q × count⌉,
//!   so it is within one bucket's width of the exact quantile of the same
//!   requests (tests/canary_histogram.rs checks this against drawn requests).
//! - **Sampling** ([`draw_counts`]): a minute's counts are a multinomial
//!   draw of its `n` requests over the buckets with the latency
//!   distribution's bucket probabilities (done as binomial splits of the
//!   bucket range, skipping empty halves), so the p99 of 20 requests is
//!   about their maximum: biased low and as noisy as a real sample of 20.

use super::model::Gauss;
use super::stats::norm_cdf;
use crate::core::rng::Rng;

/// Buckets per doubling of latency (Prometheus native histogram schema 3).
pub const BUCKETS_PER_OCTAVE: f64 = 8.0;
/// Most finite buckets a run keeps (32 octaves); a wider range keeps the top.
pub const MAX_BUCKETS: usize = 256;

/// The global index of the bucket holding `ms`: bucket `i` is
/// `(2^((i-1)/8), 2^(i/8)]` ms. Non-positive or NaN latencies get
/// `i32::MIN` (below every layout's floor).
pub fn bucket_index(ms: f64) -> i32 {
    if ms.is_nan() || ms <= 0.0 {
        return i32::MIN;
    }
    let x = (ms.log2() * BUCKETS_PER_OCTAVE).ceil();
    let mut i = x.clamp(f64::from(i32::MIN + 2), f64::from(i32::MAX - 2)) as i32;
    // Rounding in log2 must not move a latency across a bound: bucket i is
    // closed above, so an exact bound belongs to the bucket below it.
    if upper_bound(i - 1) >= ms {
        i -= 1;
    } else if upper_bound(i) < ms {
        i += 1;
    }
    i
}

/// The upper bound (`le`) of global bucket `i`, ms.
pub fn upper_bound(i: i32) -> f64 {
    (f64::from(i) / BUCKETS_PER_OCTAVE).exp2()
}

/// The buckets a run keeps: slot `k < len` is global bucket `first + k`
/// (slot 0 also holds everything below it, lower bound 0); slot `len` is
/// the overflow bucket (`+Inf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Global index of the first (lowest) bucket.
    pub first: i32,
    /// Number of finite buckets.
    pub len: usize,
}

impl Layout {
    /// Finite buckets `first ..= first + len - 1` (at least one).
    pub fn new(first: i32, len: usize) -> Layout {
        Layout { first, len: len.clamp(1, MAX_BUCKETS) }
    }

    /// The buckets from the one holding `lo_ms` to the one holding `hi_ms`
    /// (at most [`MAX_BUCKETS`], keeping the top: the tail is what p95 and
    /// p99 read).
    pub fn covering(lo_ms: f64, hi_ms: f64) -> Layout {
        let lo = if lo_ms.is_finite() && lo_ms > 0.0 { lo_ms } else { 1.0 };
        let hi = if hi_ms.is_finite() && hi_ms > lo { hi_ms } else { lo * 2.0 };
        let (a, b) = (bucket_index(lo), bucket_index(hi));
        let len = (i64::from(b) - i64::from(a) + 1).clamp(1, MAX_BUCKETS as i64) as usize;
        Layout::new(b - len as i32 + 1, len)
    }

    /// Slots, the overflow bucket included.
    pub fn slots(&self) -> usize {
        self.len + 1
    }

    /// The slot a latency falls in.
    pub fn slot(&self, ms: f64) -> usize {
        let i = i64::from(bucket_index(ms));
        let k = i - i64::from(self.first);
        if k <= 0 {
            0
        } else if k >= self.len as i64 {
            if ms.is_nan() {
                0
            } else {
                self.len
            }
        } else {
            k as usize
        }
    }

    /// Upper bound of a slot (`+∞` for the overflow bucket).
    pub fn upper(&self, slot: usize) -> f64 {
        if slot >= self.len {
            f64::INFINITY
        } else {
            upper_bound(self.first + slot as i32)
        }
    }

    /// Lower bound of a slot (0 for the first).
    pub fn lower(&self, slot: usize) -> f64 {
        if slot == 0 {
            0.0
        } else {
            self.upper(slot - 1)
        }
    }

    /// `P(latency ≤ upper(k))` for every slot of a log-normal mixture
    /// (`(weight, mu, sigma)` of `ln ms`; weights summing to 1); the last
    /// entry is 1.
    pub fn cdf(&self, parts: &[(f64, f64, f64)], out: &mut Vec<f64>) {
        out.clear();
        for k in 0..self.len {
            let l = self.upper(k).ln();
            let f: f64 = parts.iter().map(|&(w, mu, s)| w * norm_cdf((l - mu) / s.max(1e-9))).sum();
            let prev = out.last().copied().unwrap_or(0.0);
            out.push(f.clamp(prev, 1.0));
        }
        out.push(1.0);
    }

    /// The `q` quantile of histogram `counts` (one per slot), as Prometheus'
    /// `histogram_quantile` computes it (see the module doc). `None` when
    /// the histogram is empty.
    pub fn quantile(&self, counts: &[u64], q: f64) -> Option<f64> {
        self.quantile_by(|k| counts.get(k).copied().unwrap_or(0), q)
    }

    /// [`Layout::quantile`] over counts given slot by slot (a window's
    /// counts as differences of prefix sums, without copying them).
    pub fn quantile_by(&self, count: impl Fn(usize) -> u64, q: f64) -> Option<f64> {
        let total: u64 = (0..self.slots()).map(&count).sum();
        if total == 0 || !q.is_finite() {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * total as f64;
        let mut below = 0u64;
        for k in 0..self.len {
            let c = count(k);
            if c > 0 && (below + c) as f64 >= rank {
                let (lo, hi) = (self.lower(k), self.upper(k));
                let frac = ((rank - below as f64) / c as f64).clamp(0.0, 1.0);
                return Some(lo + (hi - lo) * frac);
            }
            below += c;
        }
        // In the +Inf bucket: the highest finite upper bound.
        Some(self.upper(self.len - 1))
    }
}

/// Draws the bucket counts of `n` requests whose latency has the slot CDF
/// `cdf` (from [`Layout::cdf`]) into `out` (zeroed first): a multinomial
/// draw, done as binomial splits of the slot range (left half ~
/// `Binomial(m, P(left) / P(range))`), skipping ranges that got no request.
pub fn draw_counts(cdf: &[f64], n: u64, rng: &mut Rng, out: &mut [u64]) {
    out.iter_mut().for_each(|c| *c = 0);
    let slots = cdf.len().min(out.len());
    if slots == 0 || n == 0 {
        return;
    }
    let at = |k: usize| if k == 0 { 0.0 } else { cdf[k - 1] };
    // Explicit stack of (start, end, requests): depth ≤ log2(slots) + 1.
    let mut stack: [(usize, usize, u64); 64] = [(0, 0, 0); 64];
    let mut top = 1;
    stack[0] = (0, slots, n);
    let mut g = Gauss;
    while top > 0 {
        top -= 1;
        let (a, b, m) = stack[top];
        if m == 0 {
            continue;
        }
        if b - a == 1 {
            out[a] = m;
            continue;
        }
        let mid = (a + b) / 2;
        let mass = at(b) - at(a);
        let left = at(mid) - at(a);
        let p = if mass > 0.0 { (left / mass).clamp(0.0, 1.0) } else { 0.5 };
        let k = g.binomial(rng, m, p);
        if top + 2 > stack.len() {
            // Unreachable with ≤ 2^32 slots; keep the requests somewhere.
            out[a] += m;
            continue;
        }
        stack[top] = (mid, b, m - k);
        stack[top + 1] = (a, mid, k);
        top += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_log_spaced_and_closed_above() {
        assert_eq!(bucket_index(1.0), 0);
        assert_eq!(bucket_index(2.0), 8);
        assert_eq!(bucket_index(2.0001), 9);
        assert_eq!(bucket_index(0.5), -8);
        for i in [-40, -1, 0, 1, 17, 80] {
            let ub = upper_bound(i);
            assert_eq!(bucket_index(ub), i);
            assert_eq!(bucket_index(ub * 1.000_001), i + 1);
            assert!((upper_bound(i + 1) / ub - 2f64.powf(0.125)).abs() < 1e-12);
        }
        assert_eq!(bucket_index(0.0), i32::MIN);
    }

    #[test]
    fn prometheus_rules_at_the_edges() {
        let l = Layout::new(0, 3); // le = 1, 2^(1/8), 2^(2/8), +Inf
        assert_eq!(l.quantile(&[0, 0, 0, 0], 0.5), None);
        // Lowest bucket: interpolate from 0.
        assert!((l.quantile(&[4, 0, 0, 0], 0.5).unwrap() - 0.5).abs() < 1e-12);
        // +Inf bucket: the highest finite bound.
        assert_eq!(l.quantile(&[0, 0, 0, 5], 0.5), Some(l.upper(2)));
        // Linear inside a bucket.
        let v = l.quantile(&[0, 10, 0, 0], 0.25).unwrap();
        assert!((v - (1.0 + (l.upper(1) - 1.0) * 0.25)).abs() < 1e-12);
    }

    #[test]
    fn multinomial_counts_sum_to_n() {
        let l = Layout::covering(10.0, 5000.0);
        let mut cdf = Vec::new();
        l.cdf(&[(1.0, 80f64.ln(), 0.5)], &mut cdf);
        let mut out = vec![0; l.slots()];
        let mut rng = Rng::new(4);
        for n in [0u64, 1, 20, 500, 100_000] {
            draw_counts(&cdf, n, &mut rng, &mut out);
            assert_eq!(out.iter().sum::<u64>(), n);
        }
    }
}
