//! The availability SLO, its error budget and the SRE workbook's
//! multiwindow, multi-burn-rate alerts.
//!
//! Burn rate = observed error ratio / (1 − SLO target): at 1× the budget
//! lasts exactly the SLO window. The workbook pages when the last hour AND
//! the last 5 minutes burn at 14.4× or more (2 % of a 30-day budget in an
//! hour), or when the last 6 hours AND the last 30 minutes burn at 6× or
//! more (5 % in 6 hours). Its third alert, a ticket at 1× over 3 days AND 6
//! hours, is not evaluated: its 3-day window is longer than any run (at most
//! 24 h), so it would mostly measure history the simulation does not have.
//!
//! The service existed before the release: for windows that reach back
//! before minute 0, the missing minutes count at the baseline's nominal
//! error rate, as a real dashboard would show.

/// Fast page: burn rate over the long window.
pub const FAST_BURN: f64 = 14.4;
/// Fast page windows, in minutes (1 h and 5 min).
pub const FAST_WINDOWS: (u32, u32) = (60, 5);
/// Slow page: burn rate over the long window.
pub const SLOW_BURN: f64 = 6.0;
/// Slow page windows, in minutes (6 h and 30 min).
pub const SLOW_WINDOWS: (u32, u32) = (360, 30);

/// Burn rate of an observed error ratio against an SLO target.
pub fn burn_rate(error_ratio: f64, target: f64) -> f64 {
    let allowed = 1.0 - target;
    if allowed > 0.0 && error_ratio.is_finite() {
        error_ratio / allowed
    } else {
        0.0
    }
}

/// The error ratio that burns the budget at `burn` times the sustainable
/// rate (at a 99.9 % SLO, 14.4× is 1.44 %).
pub fn error_ratio_for_burn(burn: f64, target: f64) -> f64 {
    burn * (1.0 - target)
}

/// Share of the whole window's budget a burn rate spends in `minutes`
/// (14.4× for 60 minutes of a 30-day window spends 2 %).
pub fn budget_spent(burn: f64, minutes: f64, window_days: f64) -> f64 {
    if window_days > 0.0 {
        burn * minutes / (window_days * 24.0 * 60.0)
    } else {
        0.0
    }
}

/// The error budget in requests: `(1 − target) × requests in the window`.
pub fn budget_requests(target: f64, requests_per_minute: f64, window_days: f64) -> f64 {
    (1.0 - target) * requests_per_minute * window_days * 24.0 * 60.0
}
