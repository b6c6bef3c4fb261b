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
//!   distribution's bucket probabilities (rare buckets exact, request by
//!   request; common ones by the normal approximation), so the p99 of 20
//!   requests is about their maximum: biased low and as noisy as a real
//!   sample of 20.

use super::model::Gauss;
use super::stats::norm_cdf;
use crate::core::rng::Rng;

/// Buckets per doubling of latency (Prometheus native histogram schema 3).
pub const BUCKETS_PER_OCTAVE: f64 = 8.0;
/// `2^(-1/8)`: a bucket's lower bound over its upper bound.
const STEP_DOWN: f64 = 0.917_004_043_204_671_2;
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
        self.quantile_total(&count, (0..self.slots()).map(&count).sum(), q)
    }

    /// [`Layout::quantile_by`] when the total count is known: walks down
    /// from the `+Inf` bucket, so a tail quantile reads only the tail.
    pub fn quantile_total(&self, count: impl Fn(usize) -> u64, total: u64, q: f64) -> Option<f64> {
        if total == 0 || !q.is_finite() {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * total as f64;
        // `above` = requests in slots above k; the first slot (from the
        // bottom) whose cumulative count reaches the rank is the one where
        // total − above − count(k) < rank ≤ total − above.
        let mut above = 0u64;
        let inf = count(self.len);
        if ((total - inf) as f64) < rank {
            // In the +Inf bucket: the highest finite upper bound.
            return Some(self.upper(self.len - 1));
        }
        above += inf;
        for k in (0..self.len).rev() {
            let c = count(k);
            let below = total.saturating_sub(above + c);
            if c > 0 && (below as f64) < rank {
                let hi = self.upper(k);
                let lo = if k == 0 { 0.0 } else { hi * STEP_DOWN };
                let frac = ((rank - below as f64) / c as f64).clamp(0.0, 1.0);
                return Some(lo + (hi - lo) * frac);
            }
            above += c;
        }
        // rank 0: the first non-empty bucket's lower bound.
        (0..self.len).find(|&k| count(k) > 0).map(|k| self.lower(k))
    }
}

/// Bucket probabilities of one latency distribution over a layout: the
/// CDF at each slot's upper bound, each slot's mass and its square root,
/// and the most likely slot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BucketProbs {
    cdf: Vec<f64>,
    mass: Vec<f64>,
    sqrt_mass: Vec<f64>,
    mode: usize,
}

impl BucketProbs {
    /// The probabilities of a log-normal mixture (`(weight, mu, sigma)` of
    /// `ln ms`) over `layout`.
    pub fn new(layout: &Layout, parts: &[(f64, f64, f64)]) -> BucketProbs {
        let mut b = BucketProbs::default();
        b.set(layout, parts);
        b
    }

    /// Recomputes in place (no allocation once sized).
    pub fn set(&mut self, layout: &Layout, parts: &[(f64, f64, f64)]) {
        layout.cdf(parts, &mut self.cdf);
        self.mass.clear();
        self.sqrt_mass.clear();
        self.mode = 0;
        let mut prev = 0.0;
        for (k, &c) in self.cdf.iter().enumerate() {
            let p = (c - prev).max(0.0);
            self.mass.push(p);
            self.sqrt_mass.push(p.sqrt());
            if p > self.mass[self.mode] {
                self.mode = k;
            }
            prev = c;
        }
    }

    /// `P(latency ≤ upper(k))` per slot (the last is 1).
    pub fn cdf(&self) -> &[f64] {
        &self.cdf
    }
}

/// Slots whose expected count is at least this are drawn with the normal
/// approximation; rarer slots (the tail, where p99 of a small slice lives)
/// get their requests one by one.
const NORMAL_MIN_MEAN: f64 = 4.0;

/// A cheap, nearly normal draw for bucket-count noise: the sum of six
/// 10-bit uniforms of one 64-bit draw, centred and scaled to variance 1
/// (Irwin–Hall; range ±4.2, kurtosis −0.2).
fn count_noise(rng: &mut Rng) -> f64 {
    let x = rng.next_u64();
    let mut s = 0u64;
    for i in 0..6 {
        s += (x >> (10 * i)) & 0x3ff;
    }
    // Each term is uniform on {0, …, 1023}: mean 511.5, variance
    // (1024² − 1) / 12.
    const MEAN: f64 = 6.0 * 511.5;
    const INV_SD: f64 = 1.0 / 739.0; // √(6 · (1024² − 1) / 12) = 724.08…
    (s as f64 - MEAN) * INV_SD * (739.0 / 724.077_344_917_904_3)
}

/// `1 / k` for the binomial inversion below.
const RECIPROCALS: [f64; 65] = {
    let mut r = [0.0; 65];
    let mut k = 1;
    while k < 65 {
        r[k] = 1.0 / k as f64;
        k += 1;
    }
    r
};

/// `Binomial(n, p)`: exact inversion (walking the pmf from 0) when the
/// mean is below 30, the continuity-corrected normal otherwise (as
/// [`Gauss::binomial`], with the pmf walk's divisions taken from a table).
fn binomial(g: &mut Gauss, rng: &mut Rng, n: u64, p: f64) -> u64 {
    if p > 0.5 {
        return n - binomial(g, rng, n, 1.0 - p);
    }
    let nf = n as f64;
    if p.is_nan() || p <= 0.0 || nf * p >= 30.0 || n > 1 << 52 {
        return g.binomial(rng, n, p);
    }
    let ratio = p / (1.0 - p);
    let mut pmf = (nf * (-p).ln_1p()).exp();
    if pmf <= 0.0 {
        return g.binomial(rng, n, p);
    }
    let mut cdf = pmf;
    let u = rng.next_f64();
    let mut k = 0u64;
    while u > cdf && k < n && k < 64 {
        pmf *= ratio * (nf - k as f64) * RECIPROCALS[k as usize + 1];
        cdf += pmf;
        k += 1;
    }
    k
}

/// Draws the bucket counts of `n` requests from `probs` into `out` (zeroed
/// first): a multinomial draw. Rare slots (expected count below 4: the
/// tails, and every slot of a small slice) are exact: their total is
/// `Binomial(n, P(rare))` and each of those requests falls in a rare slot
/// with its conditional probability. The common slots in between share
/// the rest with normal counts of the multinomial's mean and (Poisson)
/// variance, the most likely slot taking the remainder so the counts sum
/// to `n`; at 4 and more requests a slot, that approximation moves a
/// quantile by far less than its sampling noise.
pub fn draw_counts(probs: &BucketProbs, n: u64, rng: &mut Rng, out: &mut [u64]) {
    out.iter_mut().for_each(|c| *c = 0);
    let (mass, cdf) = (&probs.mass, &probs.cdf);
    let slots = mass.len().min(out.len());
    if slots == 0 || n == 0 {
        return;
    }
    let nf = n as f64;
    let min_p = NORMAL_MIN_MEAN / nf;
    // Common slots: from the first to the last with n·p ≥ 4.
    let b = mass[..slots].iter().position(|&p| p >= min_p);
    let t = mass[..slots].iter().rposition(|&p| p >= min_p);
    let mut g = Gauss;
    let (b, t) = match (b, t) {
        (Some(b), Some(t)) => (b, t),
        _ => {
            // Every slot is rare: place each request.
            for _ in 0..n {
                let u = rng.next_f64();
                let k = cdf[..slots].partition_point(|&c| c <= u).min(slots - 1);
                out[k] += 1;
            }
            return;
        }
    };
    let low = if b == 0 { 0.0 } else { cdf[b - 1] };
    let common = (cdf[t] - low).max(0.0);
    let high = (1.0 - cdf[t]).max(0.0);
    let rare = low + high;
    let k_rare = if rare > 0.0 { binomial(&mut g, rng, n, (rare / (rare + common)).min(1.0)) } else { 0 };
    for _ in 0..k_rare {
        // Walk out from the common slots: rare requests crowd next to them.
        let u = rng.next_f64() * rare;
        let mut k;
        if u < low {
            k = b - 1;
            while k > 0 && cdf[k - 1] > u {
                k -= 1;
            }
        } else {
            let v = cdf[t] + (u - low);
            k = t + 1;
            while k + 1 < slots && cdf[k] <= v {
                k += 1;
            }
        }
        out[k.min(slots - 1)] += 1;
    }
    let m = n - k_rare;
    let mode = if (b..=t).contains(&probs.mode) { probs.mode } else { b };
    if common <= 0.0 {
        out[mode] += m;
        return;
    }
    let mf = m as f64;
    let scale = mf / common;
    let sd_scale = scale.sqrt();
    let mut given = 0u64;
    for k in b..=t {
        if k == mode {
            continue;
        }
        let c = (mass[k] * scale + probs.sqrt_mass[k] * sd_scale * count_noise(rng) + 0.5).max(0.0) as u64;
        out[k] = c;
        given += c;
    }
    if given <= m {
        out[mode] = m - given;
    } else {
        // Far out in the normal tails (not seen in practice): redo the
        // common slots exactly, by binomial splits.
        let mut left = m;
        let mut left_mass = common;
        for k in b..=t {
            let p = mass[k];
            let c = if left_mass > p { g.binomial(rng, left, (p / left_mass).min(1.0)) } else { left };
            out[k] = c;
            left -= c;
            left_mass -= p;
        }
        out[t] += left;
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
            assert!((upper_bound(i - 1) / ub - STEP_DOWN).abs() < 1e-15);
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
        let probs = BucketProbs::new(&l, &[(1.0, 80f64.ln(), 0.5)]);
        let mut out = vec![0; l.slots()];
        let mut rng = Rng::new(4);
        for n in [0u64, 1, 20, 500, 100_000] {
            draw_counts(&probs, n, &mut rng, &mut out);
            assert_eq!(out.iter().sum::<u64>(), n);
        }
    }
}
