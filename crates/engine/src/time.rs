//! Integer simulated time: instants and spans in nanoseconds.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Mul, Sub};
use std::str::FromStr;

const NANOS_PER_SEC: u64 = 1_000_000_000;

/// Mark an instant of simulated time, in nanoseconds since the start of the run.
///
/// Integer time keeps runs exact and reproducible: no rounding drift, and equal
/// times compare equal, so queue ties are decided by insertion order alone.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// let t = SimTime::ZERO + SimDuration::from_secs(90);
/// assert_eq!(t.as_nanos(), 90_000_000_000);
/// assert_eq!(t.to_string(), "1m 30s");
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(u64);

/// Measure a span of simulated time in nanoseconds.
///
/// Kept apart from [`SimTime`] so that adding two instants does not compile.
///
/// ```
/// use s3sim_engine::SimDuration;
/// let d: SimDuration = "1h 30m".parse().unwrap();
/// assert_eq!(d, SimDuration::from_secs(5400));
/// assert_eq!(SimDuration::from_millis(250).as_secs_f64(), 0.25);
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimDuration(u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The last representable instant (about 584 years), used as "never".
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// Build an instant from nanoseconds since the start.
    pub const fn from_nanos(nanos: u64) -> Self {
        SimTime(nanos)
    }

    /// Build an instant from whole seconds since the start.
    pub const fn from_secs(secs: u64) -> Self {
        SimTime(secs * NANOS_PER_SEC)
    }

    /// Nanoseconds since the start.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds since the start, as a float for reporting.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// Span from `earlier` to `self`, zero if `earlier` is later.
    pub const fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// Span since the start of the run.
    pub const fn elapsed(self) -> SimDuration {
        SimDuration(self.0)
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);
    /// The longest representable span, used as "forever".
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    /// Build a span from nanoseconds.
    pub const fn from_nanos(nanos: u64) -> Self {
        SimDuration(nanos)
    }

    /// Build a span from milliseconds.
    pub const fn from_millis(millis: u64) -> Self {
        SimDuration(millis * 1_000_000)
    }

    /// Build a span from whole seconds.
    pub const fn from_secs(secs: u64) -> Self {
        SimDuration(secs * NANOS_PER_SEC)
    }

    /// Build a span from fractional seconds, rounding to the nearest nanosecond.
    ///
    /// Negative or NaN inputs give zero and huge ones saturate, so a sampled
    /// distribution can never produce an invalid time.
    pub fn from_secs_f64(secs: f64) -> Self {
        let nanos = (secs * NANOS_PER_SEC as f64).round();
        if nanos.is_nan() || nanos <= 0.0 {
            SimDuration(0)
        } else if nanos >= u64::MAX as f64 {
            SimDuration(u64::MAX)
        } else {
            SimDuration(nanos as u64)
        }
    }

    /// Nanoseconds in the span.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds in the span, as a float for reporting and rates.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// The instant this span after the start of the run.
    pub const fn after_start(self) -> SimTime {
        SimTime(self.0)
    }

    /// The smaller of two spans.
    pub fn min(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.min(other.0))
    }

    /// The larger of two spans.
    pub fn max(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.max(other.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at [`SimTime::NEVER`] so "forever" plus anything stays "forever".
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at zero: there is no time before the start of the run.
    fn sub(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_sub(rhs.0))
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Mul<u64> for SimDuration {
    type Output = SimDuration;
    fn mul(self, rhs: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(rhs))
    }
}

impl fmt::Display for SimDuration {
    /// Print like `1h 2m 3s 500ms`; `forever` for [`SimDuration::MAX`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == SimDuration::MAX {
            return f.write_str("forever");
        }
        let std = std::time::Duration::from_nanos(self.0);
        write!(f, "{}", humantime::format_duration(std))
    }
}

impl fmt::Display for SimTime {
    /// Print the time since the start, like `1m 30s`; `never` for [`SimTime::NEVER`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == SimTime::NEVER {
            return f.write_str("never");
        }
        self.elapsed().fmt(f)
    }
}

/// Explain why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationParseError(String);

impl fmt::Display for DurationParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DurationParseError {}

impl FromStr for SimDuration {
    type Err = DurationParseError;

    /// Read `"30s"`, `"5m"`, `"24h"`, `"250ms"`, `"1h 30m"`, `"2d"` (humantime syntax).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let std = humantime::parse_duration(text.trim()).map_err(|e| {
            DurationParseError(format!(
                "invalid duration \"{text}\": {e} (write e.g. \"250ms\", \"30s\", \"5m\", \"24h\")"
            ))
        })?;
        u64::try_from(std.as_nanos()).map(SimDuration).map_err(|_| {
            DurationParseError(format!("duration \"{text}\" is longer than 584 years"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_units_scenarios_use() {
        let cases = [
            ("250ms", 250_000_000),
            ("30s", 30 * NANOS_PER_SEC),
            ("5m", 300 * NANOS_PER_SEC),
            ("24h", 86_400 * NANOS_PER_SEC),
            ("1h 30m", 5_400 * NANOS_PER_SEC),
            ("2d", 172_800 * NANOS_PER_SEC),
        ];
        for (text, nanos) in cases {
            assert_eq!(
                text.parse::<SimDuration>().unwrap().as_nanos(),
                nanos,
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_garbage_and_overflowing_durations_with_a_message() {
        let err = "ten seconds".parse::<SimDuration>().unwrap_err();
        assert!(err.to_string().contains("invalid duration \"ten seconds\""));
        let err = "100000000years".parse::<SimDuration>().unwrap_err();
        assert!(err.to_string().contains("584 years"), "{err}");
    }

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        assert_eq!(SimTime::NEVER + SimDuration::from_secs(1), SimTime::NEVER);
        assert_eq!(SimTime::ZERO - SimDuration::from_secs(1), SimTime::ZERO);
        assert_eq!(
            SimTime::from_secs(1).since(SimTime::from_secs(5)),
            SimDuration::ZERO
        );
        assert_eq!(SimDuration::from_secs_f64(-3.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::INFINITY), SimDuration::MAX);
    }

    #[test]
    fn prints_readable_times() {
        assert_eq!(SimTime::from_secs(3725).to_string(), "1h 2m 5s");
        assert_eq!(SimDuration::from_millis(1500).to_string(), "1s 500ms");
        assert_eq!(SimDuration::MAX.to_string(), "forever");
    }
}
