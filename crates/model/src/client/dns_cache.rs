//! How long a client process keeps a DNS answer: the in-process cache of each runtime.

use s3sim_engine::{SimDuration, SimTime};

/// Choose how long a client keeps a DNS answer in process.
///
/// Runtimes differ widely here, and an in-process cache that outlives the resolver's
/// TTL keeps a client on a stale record long after the resolvers have the new one.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::client::DnsCachePolicy;
/// let (now, resolver_expiry) = (SimTime::from_secs(100), SimTime::from_secs(105));
/// let expiry = |policy: DnsCachePolicy| policy.expiry(now, resolver_expiry, false);
/// assert_eq!(expiry(DnsCachePolicy::None), None);
/// assert_eq!(expiry(DnsCachePolicy::HonorTtl), Some(resolver_expiry));
/// assert_eq!(expiry(DnsCachePolicy::Fixed(SimDuration::from_secs(30))),
///     Some(SimTime::from_secs(130)));
/// assert_eq!(expiry(DnsCachePolicy::AtLeast(SimDuration::from_secs(60))),
///     Some(SimTime::from_secs(160)));
/// // NXDOMAIN is never pinned beyond what the resolver said.
/// assert_eq!(DnsCachePolicy::Forever.expiry(now, resolver_expiry, true), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsCachePolicy {
    /// Ask the resolver every time (boto3, Go, getaddrinfo).
    None,
    /// Keep answers for the TTL the resolver gave.
    HonorTtl,
    /// Keep answers for a fixed time, ignoring TTLs (JVM default 30 s, curl 60 s).
    Fixed(SimDuration),
    /// Keep answers for the TTL but at least this long (Chromium: 60 s).
    AtLeast(SimDuration),
    /// Keep answers for the life of the process (old JVMs with a security manager).
    Forever,
    /// Keep answers until the process restarts (persistent PHP VM); same as `Forever`
    /// inside one process, named for readability of scenarios.
    UntilRestart,
}

impl DnsCachePolicy {
    /// Decide when an answer the resolver says is good until `resolver_expiry` expires
    /// in process; `None` means it is not cached at all.
    pub fn expiry(self, now: SimTime, resolver_expiry: SimTime, negative: bool) -> Option<SimTime> {
        match (self, negative) {
            (DnsCachePolicy::None, _) => None,
            (DnsCachePolicy::HonorTtl, _) => Some(resolver_expiry),
            (_, true) => None,
            (DnsCachePolicy::Fixed(ttl), false) => Some(now + ttl),
            (DnsCachePolicy::AtLeast(floor), false) => Some(resolver_expiry.max(now + floor)),
            (DnsCachePolicy::Forever | DnsCachePolicy::UntilRestart, false) => Some(SimTime::NEVER),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_policies_set_the_expiry_their_clients_use() {
        let now = SimTime::from_secs(100);
        let ttl_end = SimTime::from_secs(105);
        let s = SimDuration::from_secs;
        assert_eq!(DnsCachePolicy::None.expiry(now, ttl_end, false), None);
        assert_eq!(
            DnsCachePolicy::HonorTtl.expiry(now, ttl_end, false),
            Some(ttl_end)
        );
        assert_eq!(
            DnsCachePolicy::Fixed(s(30)).expiry(now, ttl_end, false),
            Some(SimTime::from_secs(130))
        );
        assert_eq!(
            DnsCachePolicy::AtLeast(s(60)).expiry(now, ttl_end, false),
            Some(SimTime::from_secs(160))
        );
        assert_eq!(
            DnsCachePolicy::AtLeast(s(1)).expiry(now, ttl_end, false),
            Some(ttl_end)
        );
        assert_eq!(
            DnsCachePolicy::Forever.expiry(now, ttl_end, false),
            Some(SimTime::NEVER)
        );
        assert_eq!(DnsCachePolicy::Forever.expiry(now, ttl_end, true), None);
        assert_eq!(
            DnsCachePolicy::HonorTtl.expiry(now, ttl_end, true),
            Some(ttl_end)
        );
    }
}
