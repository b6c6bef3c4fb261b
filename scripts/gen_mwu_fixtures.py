#!/usr/bin/env python3
"""Reference values for the canary engine's statistics, computed offline.

Writes tests/fixtures/canary/mannwhitney.json and
tests/fixtures/canary/murmur3.json. CI does not run this script: the
committed JSON is what `tests/canary_stats.rs` reads. Re-run it only to add
cases:

    pip install scipy numpy mmh3
    python3 scripts/gen_mwu_fixtures.py

Oracles (independent of the Rust code):
- `scipy.stats.mannwhitneyu(x, y, alternative="two-sided",
  method="asymptotic", use_continuity=True)` for U and the p-value;
- numpy's median of all pairwise differences for the Hodges-Lehmann estimate;
- the confidence interval by test inversion with scipy: every shift `mu`
  between consecutive pairwise differences is tested (x - mu against y); the
  interval runs from the difference where the test stops rejecting to the
  difference where it rejects again. This is what R's `wilcox.test(...,
  conf.int=TRUE)` (and so Kayenta) finds by root-finding;
- the `mmh3` package (MurmurHash3 x86 32-bit) for hashes and Unleash's
  `normalizedValue = murmur3("group:user", 0) % 100 + 1`.
"""

import json
import os

import mmh3
import numpy as np
import scipy
from scipy import stats

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "canary")


def shift_ci(x, y, confidence):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    alpha = 1.0 - confidence
    half = len(x) * len(y) / 2.0
    d = np.unique(np.subtract.outer(x, y).ravel())
    mids = np.concatenate([[d[0] - 1.0], (d[:-1] + d[1:]) / 2.0, [d[-1] + 1.0]])
    # For each shift between consecutive differences: rejected because x - mu
    # is still too high (left of the interval), or already too low (right).
    left, right = [], []
    for m in mids:
        r = stats.mannwhitneyu(
            x - m, y, alternative="two-sided", method="asymptotic", use_continuity=True
        )
        rejected = r.pvalue < alpha
        left.append(rejected and r.statistic > half)
        right.append(rejected and r.statistic < half)
    # Lower end: the difference where "too high" stops; upper end: the
    # difference where "too low" starts (R's and Kayenta's roots).
    i = next(k for k, v in enumerate(left) if not v)
    low = d[i - 1] if i > 0 else d[0]
    j = next((k for k, v in enumerate(right) if v), None)
    high = d[j - 1] if j is not None and j > 0 else (d[0] if j == 0 else d[-1])
    return float(low), float(high)


def case(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    res = stats.mannwhitneyu(
        x, y, alternative="two-sided", method="asymptotic", use_continuity=True
    )
    hl = float(np.median(np.subtract.outer(np.array(x), np.array(y)).ravel()))
    lo98, hi98 = shift_ci(x, y, 0.98)
    lo95, hi95 = shift_ci(x, y, 0.95)
    return {
        "name": name,
        "x": x,
        "y": y,
        "u": float(res.statistic),
        "p_value": float(res.pvalue),
        "hodges_lehmann": hl,
        "ci98": [lo98, hi98],
        "ci95": [lo95, hi95],
    }


def main():
    rng = np.random.default_rng(20240521)
    cases = [
        # R's wilcox.test help example (depression scores); y has ties.
        case(
            "r_example_ties_in_y",
            [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30],
            [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29],
        ),
        case("tiny_separated", [4, 5, 6], [1, 2, 3]),
        case("tiny_reversed", [1, 2, 3], [4, 5, 6]),
        # Per-minute error counts: mostly zeros, heavy ties across samples.
        case(
            "heavy_ties_counts",
            [0, 0, 1, 0, 2, 0, 1, 0, 0, 3],
            [0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
        ),
        case("almost_all_tied", [5, 5, 5, 5], [5, 5, 5, 6]),
        case("all_tied", [2, 2, 2], [2, 2, 2]),
        case(
            "unequal_sizes_3_vs_25",
            [10.5, 11.2, 9.8],
            np.round(rng.normal(10.0, 1.0, 25), 3),
        ),
        case(
            "error_rates_with_zeros",
            [0.0, 0.002, 0.0, 0.0, 0.004, 0.0, 0.002, 0.0, 0.0, 0.0, 0.002, 0.0],
            [0.0005, 0.0004, 0.0006, 0.0003, 0.0005, 0.0007, 0.0004, 0.0005, 0.0006, 0.0004,
             0.0005, 0.0005],
        ),
        case(
            "latency_p99_shifted_15_vs_15",
            np.round(np.exp(rng.normal(np.log(420.0), 0.09, 15)), 1),
            np.round(np.exp(rng.normal(np.log(300.0), 0.02, 15)), 1),
        ),
        case(
            "latency_p99_same_15_vs_15",
            np.round(np.exp(rng.normal(np.log(300.0), 0.09, 15)), 1),
            np.round(np.exp(rng.normal(np.log(300.0), 0.02, 15)), 1),
        ),
        case(
            "large_60_vs_80_shift",
            np.round(rng.normal(0.3, 1.0, 60), 4),
            np.round(rng.normal(0.0, 1.0, 80), 4),
        ),
        case(
            "large_120_vs_120_null",
            np.round(rng.normal(0.0, 1.0, 120), 4),
            np.round(rng.normal(0.0, 1.0, 120), 4),
        ),
        case(
            "kpi_lower_10_vs_10",
            np.round(rng.normal(0.53, 0.02, 10), 4),
            np.round(rng.normal(0.62, 0.005, 10), 4),
        ),
        case(
            "rounded_with_cross_ties",
            np.round(rng.normal(5.0, 1.0, 30)),
            np.round(rng.normal(5.5, 1.0, 40)),
        ),
    ]
    quantiles = [
        {"p": p, "z": float(stats.norm.ppf(p)), "sf_of_z": float(stats.norm.sf(p * 10 - 5))}
        for p in [1e-12, 1e-6, 0.001, 0.01, 0.02425, 0.05, 0.2, 0.5, 0.7, 0.95, 0.975,
                  0.99, 0.999, 1 - 1e-9]
    ]
    meta = {
        "generated_by": "scripts/gen_mwu_fixtures.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "mannwhitney.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases, "normal": quantiles}, f, indent=1)
        f.write("\n")

    strings = [
        ("", 0), ("", 1), ("hello", 0), ("Hello, world!", 1234),
        ("The quick brown fox jumps over the lazy dog", 0), ("a", 0), ("ab", 0),
        ("abc", 0), ("abcd", 0), ("abcde", 0), ("\u00e9t\u00e9", 0),
    ]
    hashes = [
        {"input": s, "seed": seed, "hash": mmh3.hash(s, seed, signed=False)}
        for s, seed in strings
    ]
    buckets = []
    for flag in ["gr1", "groupX", "feature.discount_field", "new-code-path"]:
        for user in ["123", "999", "alice", "bob"] + [f"user-{i}" for i in range(1, 21)]:
            buckets.append({
                "flag": flag,
                "user": user,
                "bucket": mmh3.hash(f"{flag}:{user}", 0, signed=False) % 100 + 1,
            })
    shares = []
    for flag in ["new-code-path", "feature.discount_field"]:
        for pct in [1, 5, 25, 50]:
            on = sum(
                1 for i in range(1, 10001)
                if mmh3.hash(f"{flag}:user-{i}", 0, signed=False) % 100 + 1 <= pct
            )
            shares.append({"flag": flag, "percent": pct, "share": on / 10000})
    with open(os.path.join(OUT, "murmur3.json"), "w") as f:
        json.dump({"meta": {"generated_by": "scripts/gen_mwu_fixtures.py",
                            "mmh3": mmh3.__version__ if hasattr(mmh3, "__version__") else "?"},
                   "hashes": hashes, "buckets": buckets, "shares": shares}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
