//! Compile `s3.rate_limits` and the buckets' prefixes.

use crate::schema::Scenario;
use s3sim_model::rate_limit::RateLimits;

/// The request-rate limits of `s`, with every bucket's partitioned prefixes.
pub(crate) fn rate_limits(s: &Scenario) -> RateLimits {
    let r = &s.s3.rate_limits;
    RateLimits {
        enabled: r.enabled,
        reads_per_sec: r.reads.per_sec(),
        writes_per_sec: r.writes.per_sec(),
        burst: r.burst.0,
        split_after: r.split_after.0,
        prefixes: s.buckets.iter().map(|b| b.prefixes.clone()).collect(),
    }
}
