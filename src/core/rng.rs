//! Deterministic pseudo-random numbers for the engines.
//!
//! Every engine draws its randomness from an [`Rng`] built from a seed, so the
//! same seed and the same actions always give the same run, natively and in
//! the browser. The generator is xoshiro256** seeded through SplitMix64; both
//! are small, fast and well studied. Nothing here reads a clock or the OS.

/// A seeded generator (xoshiro256**).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)];
        Rng { s }
    }

    /// An independent generator for a named sub-stream (e.g. one per metric),
    /// so adding draws to one stream never shifts another.
    pub fn fork(&self, stream: u64) -> Self {
        let mut sm = self.s[0] ^ stream.wrapping_mul(0xD605_BBB5_8C8A_BD3B) ^ self.s[2].rotate_left(17);
        Rng::new(splitmix64(&mut sm))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `[lo, hi)`; returns `lo` when the range is empty.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo;
        // Lemire's multiply-shift; the tiny bias is irrelevant here.
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as u64
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p.clamp(0.0, 1.0)
    }

    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        // 1 - u keeps the logarithm finite.
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A binomial draw: successes in `n` trials of probability `p`.
    ///
    /// Exact (inversion) when the expected count of the rarer outcome is small,
    /// where the shape matters; a continuity-corrected normal approximation
    /// otherwise, where it is accurate and constant-time.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p.is_nan() || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if p > 0.5 {
            return n - self.binomial(n, 1.0 - p);
        }
        let mean = n as f64 * p;
        if mean < 30.0 {
            // Inversion: walk the pmf from 0. Expected steps ≈ mean.
            let q = 1.0 - p;
            let ratio = p / q;
            let mut pmf = q.powf(n as f64);
            if pmf <= 0.0 {
                // Underflow only happens for huge n; the normal branch is exact enough there.
                return self.binomial_normal(n, p);
            }
            let mut cdf = pmf;
            let u = self.next_f64();
            let mut k = 0u64;
            while u > cdf && k < n {
                pmf *= ratio * (n - k) as f64 / (k + 1) as f64;
                cdf += pmf;
                k += 1;
                if pmf < 1e-300 {
                    break;
                }
            }
            k
        } else {
            self.binomial_normal(n, p)
        }
    }

    fn binomial_normal(&mut self, n: u64, p: f64) -> u64 {
        let mean = n as f64 * p;
        let sd = (mean * (1.0 - p)).sqrt();
        let x = (mean + sd * self.normal() + 0.5).floor();
        x.clamp(0.0, n as f64) as u64
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.range(0, i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn forks_are_independent_and_deterministic() {
        let base = Rng::new(7);
        let mut f1 = base.fork(1);
        let mut f1b = base.fork(1);
        let mut f2 = base.fork(2);
        let x = f1.next_u64();
        assert_eq!(x, f1b.next_u64());
        assert_ne!(x, f2.next_u64());
    }

    #[test]
    fn unit_interval_and_range_bounds() {
        let mut r = Rng::new(3);
        for _ in 0..10_000 {
            let x = r.next_f64();
            assert!((0.0..1.0).contains(&x));
            let k = r.range(5, 9);
            assert!((5..9).contains(&k));
        }
        assert_eq!(r.range(4, 4), 4);
    }

    #[test]
    fn binomial_mean_and_variance_are_right() {
        // Both branches: small mean (inversion) and large mean (normal).
        for &(n, p) in &[(10_000u64, 0.001f64), (500, 0.02), (100_000, 0.3), (50, 0.9)] {
            let mut r = Rng::new(n ^ p.to_bits());
            let draws: Vec<f64> = (0..20_000).map(|_| r.binomial(n, p) as f64).collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
            let want_mean = n as f64 * p;
            let want_var = want_mean * (1.0 - p);
            assert!((mean - want_mean).abs() < 0.05 * want_mean.max(1.0), "mean {mean} vs {want_mean}");
            assert!((var - want_var).abs() < 0.1 * want_var.max(1.0), "var {var} vs {want_var}");
            assert!(draws.iter().all(|&d| d >= 0.0 && d <= n as f64));
        }
    }

    #[test]
    fn binomial_edges() {
        let mut r = Rng::new(1);
        assert_eq!(r.binomial(0, 0.5), 0);
        assert_eq!(r.binomial(10, 0.0), 0);
        assert_eq!(r.binomial(10, 1.0), 10);
        assert_eq!(r.binomial(10, f64::NAN), 0);
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = Rng::new(9);
        let mut v: Vec<u32> = (0..50).collect();
        r.shuffle(&mut v);
        let mut sorted = v.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(v, (0..50).collect::<Vec<_>>());
    }
}
