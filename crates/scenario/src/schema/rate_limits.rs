//! S3's request-rate limits per partitioned prefix: `s3.rate_limits` (docs/domain.md §7).

use crate::units::{Dur, Rate};
use serde::{Deserialize, Serialize};

/// Configure S3's per-prefix request-rate limits: a budget per partitioned prefix,
/// 503 Slow Down at once when it is empty, and a split (limits doubled) of a prefix
/// that stays hot.
///
/// ```
/// let s: s3sim_scenario::schema::RateLimitSpec =
///     ron::from_str(r#"(reads: "550/s", split_after: "20m")"#).unwrap();
/// assert_eq!((s.reads.per_sec(), s.writes.per_sec()), (550.0, 3_500.0));
/// assert_eq!(s.burst.to_string(), "2m");
/// assert!(s.enabled);
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Enforce the limits. Default true.
    #[serde(default = "defaults::yes")]
    pub enabled: bool,
    /// GET/HEAD requests per second of one partitioned prefix. Default `"5500/s"`
    /// (AWS, *Performance*: "at least 5,500").
    #[serde(default = "defaults::reads")]
    pub reads: Rate,
    /// PUT/COPY/POST/DELETE requests per second of one partitioned prefix. Default
    /// `"3500/s"` (AWS, *Performance*: "at least 3,500").
    #[serde(default = "defaults::writes")]
    pub writes: Rate,
    /// The budget's depth as time at the limit: a full budget holds that long's worth
    /// of requests. Default `"2m"` (unconfirmed: users report that a pause of 1–2 min
    /// clears SlowDown, and that load a little above the limit runs for tens of minutes
    /// before SlowDown starts).
    #[serde(default = "defaults::burst")]
    pub burst: Dur,
    /// How long a prefix stays hot (from its first Slow Down until its budget is full
    /// again) before S3 splits it and its limits double. Default `"30m"` (unconfirmed:
    /// AWS does not publish how fast it partitions).
    #[serde(default = "defaults::split_after")]
    pub split_after: Dur,
}

impl Default for RateLimitSpec {
    fn default() -> Self {
        RateLimitSpec {
            enabled: defaults::yes(),
            reads: defaults::reads(),
            writes: defaults::writes(),
            burst: defaults::burst(),
            split_after: defaults::split_after(),
        }
    }
}

mod defaults {
    use crate::units::{Dur, Rate};

    pub fn yes() -> bool {
        true
    }
    pub fn reads() -> Rate {
        Rate::per_second(5_500.0)
    }
    pub fn writes() -> Rate {
        Rate::per_second(3_500.0)
    }
    pub fn burst() -> Dur {
        Dur::secs(120)
    }
    pub fn split_after() -> Dur {
        Dur::secs(1_800)
    }
}
