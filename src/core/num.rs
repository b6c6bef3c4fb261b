//! Number formatting shared by the engines' messages and the pages.

/// An integer with thousands separators: 1234567 → "1,234,567".
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A duration for people: "42 s", "3 min 05 s", "1 h 06 min".
pub fn duration(seconds: f64) -> String {
    let s = if seconds.is_finite() { seconds.max(0.0) } else { 0.0 };
    if s >= 3600.0 {
        format!("{} h {:02} min", (s / 3600.0) as u64, ((s % 3600.0) / 60.0) as u64)
    } else if s >= 60.0 {
        format!("{} min {:02} s", (s / 60.0) as u64, (s % 60.0) as u64)
    } else if s > 0.0 && s < 10.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.0} s")
    }
}

/// `part` of `whole` as a whole percentage, rounded to the nearest, but
/// never 100 before everything is done nor 0 once something is (1 of 21
/// is 5 %, 3 of 8 is 38 %, 20 of 21 is 95 %, 199 of 200 is 99 %).
pub fn percent_of(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 0;
    }
    let p = ((part.min(whole) * 100 + whole / 2) / whole) as u32;
    match part {
        0 => 0,
        _ if part >= whole => 100,
        _ => p.clamp(1, 99),
    }
}

/// A chart axis from 0 to at least `span`, cut into `ticks` equal steps:
/// returns (top, step). The top is a round number whose steps stay short to
/// write (a top of 6 gives steps of 1.5, not 1.666…).
pub fn axis(span: f64, ticks: u32) -> (f64, f64) {
    let n = f64::from(ticks.max(1));
    if !span.is_finite() || span <= 0.0 {
        return (n, 1.0);
    }
    let mag = 10f64.powf(span.log10().floor());
    let top = [1.0, 1.2, 1.6, 2.0, 2.4, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|t| *t >= span * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    (top, top / n)
}

/// How many decimals show every multiple of `step` exactly (0 to 3).
pub fn decimals_for(step: f64) -> usize {
    (0..3)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(3)
}

#[cfg(test)]
mod tests {
    use super::{axis, decimals_for, duration, percent_of, thousands};

    #[test]
    fn percentages_round_but_never_overstate_or_hide_progress() {
        assert_eq!(percent_of(0, 21), 0);
        assert_eq!(percent_of(1, 21), 5);
        assert_eq!(percent_of(3, 8), 38);
        assert_eq!(percent_of(20, 21), 95);
        assert_eq!(percent_of(199, 200), 99);
        assert_eq!(percent_of(1, 1000), 1);
        assert_eq!(percent_of(8, 8), 100);
        assert_eq!(percent_of(3, 0), 0);
    }

    #[test]
    fn axes_step_by_round_numbers() {
        assert_eq!(axis(5.4, 4), (6.0, 1.5));
        assert_eq!(axis(108.0, 4), (120.0, 30.0));
        assert_eq!(axis(100.0, 4), (100.0, 25.0));
        assert_eq!(axis(0.0, 4), (4.0, 1.0));
        for span in [0.0123, 0.054, 0.7, 3.3, 47.0, 1234.0, 29_000.0, 2.0e8] {
            let (top, step) = axis(span, 4);
            assert!(top >= span && top <= span * 2.0, "{span}: {top}");
            // Every tick is written exactly with at most 3 decimals.
            let d = decimals_for(step / 10f64.powf(span.log10().floor()));
            assert!(d <= 2, "{span}: step {step}");
        }
    }

    #[test]
    fn ticks_get_the_decimals_their_step_needs() {
        assert_eq!(decimals_for(25.0), 0);
        assert_eq!(decimals_for(2.5), 1);
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(0.02), 2);
        assert_eq!(decimals_for(0.0025), 3);
    }

    #[test]
    fn durations_read_the_same_everywhere() {
        assert_eq!(duration(0.0), "0 s");
        assert_eq!(duration(1.5), "1.5 s");
        assert_eq!(duration(42.0), "42 s");
        assert_eq!(duration(65.0), "1 min 05 s");
        assert_eq!(duration(4000.0), "1 h 06 min");
        assert_eq!(duration(f64::NAN), "0 s");
    }

    #[test]
    fn groups_digits_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(40_000), "40,000");
        assert_eq!(thousands(200_000_000), "200,000,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }
}
