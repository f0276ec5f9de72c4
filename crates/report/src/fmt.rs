//! Numbers as people read them, shared by the console, `check` verdicts and `report.html`.
//!
//! Below every module that writes text, so that a settle time reads the same
//! (`1h 11m`) wherever it is printed.

use s3sim_engine::SimDuration;

/// Write `seconds` as a duration rounded to the second: `1h 11m`, `2m 30s`, `45s`.
///
/// `None` when the value is undefined (not finite, or negative: a settle time that was
/// never reached); each caller writes its own placeholder for that.
///
/// ```
/// use s3sim_report::fmt::duration;
/// assert_eq!(duration(4260.0).as_deref(), Some("1h 11m"));
/// assert_eq!(duration(150.4).as_deref(), Some("2m 30s"));
/// assert_eq!(duration(f64::NAN), None);
/// assert_eq!(duration(-1.0), None);
/// ```
pub fn duration(seconds: f64) -> Option<String> {
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    Some(SimDuration::from_secs(seconds.round() as u64).to_string())
}

/// Clamp a rate's confidence interval `(low, high)` to [0, 1]: a share cannot leave
/// it, though a normal-approximation interval around a mean near 0 or 1 can.
///
/// ```
/// assert_eq!(s3sim_report::fmt::clamp_share(-0.02, 1.3), (0.0, 1.0));
/// assert_eq!(s3sim_report::fmt::clamp_share(0.2, 0.4), (0.2, 0.4));
/// ```
pub fn clamp_share(low: f64, high: f64) -> (f64, f64) {
    (low.clamp(0.0, 1.0), high.clamp(0.0, 1.0))
}
