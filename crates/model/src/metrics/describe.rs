//! Say what each counter and metric means and in what unit, for `s3sim metrics`.
//!
//! Kept apart from the tables in `mod.rs` so the counting code stays short; every
//! variant must have an arm here (the matches are exhaustive).

use super::{Counter, Metric};

impl Counter {
    /// Say what the counter counts, in a phrase for `s3sim metrics` (per bin and
    /// class; a request counts in the bin where it ends).
    pub fn meaning(self) -> String {
        match self {
            Counter::Requests => "requests completed".into(),
            Counter::First(s) => {
                format!("completed requests whose first response was {}", s.label())
            }
            Counter::Succeeded => "requests that ended with 200".into(),
            Counter::Failed => "requests that did not end with 200".into(),
            Counter::ExtraRoundTrips => {
                "HTTP round trips beyond a request's first (redirect hops, retries)".into()
            }
            Counter::Lookups => "DNS lookups by clients (in-process cache or resolver)".into(),
            Counter::StaleLookups => {
                "lookups answered by a record older than the authoritative truth".into()
            }
            Counter::ResolverQueries => "lookups that reached a recursive resolver".into(),
            Counter::ResolverHits => "resolver queries answered from the resolver's cache".into(),
            Counter::Attempts => "tries of completed requests, first tries included".into(),
            Counter::GaveUp => {
                "requests that ended on a retryable failure (attempts or retry quota spent)".into()
            }
            Counter::RedirectLoops => "requests that ended on a redirect beyond max_hops".into(),
            Counter::EdgeRequests => "viewer requests that reached a CDN edge".into(),
            Counter::EdgeHits => "edge requests answered from a fresh cached copy".into(),
            Counter::EdgeCached3xx => "edge hits whose cached copy was a 3xx".into(),
            Counter::OriginFetches => {
                "origin fetches started by edges (collapsed misses once)".into()
            }
            Counter::Origin(s) => format!("origin fetches answered {}", s.label()),
            Counter::InvalidationPaths => {
                "paths in CDN invalidation requests (class all only)".into()
            }
            Counter::InvalidationMicroUsd => "cost of CDN invalidations (class all only)".into(),
            Counter::DnsQueries => {
                "queries stub resolvers sent to resolvers (every name and record type tried)".into()
            }
            Counter::DnsNxDomain => "of those queries, the ones answered NXDOMAIN".into(),
            Counter::Ipv4Connections => "connections clients dialled over IPv4".into(),
            Counter::Ipv6Connections => {
                "connections clients dialled over IPv6 (lost or unreachable ones included)".into()
            }
        }
    }

    /// Give the counter's unit, for `s3sim metrics`.
    pub fn unit(self) -> &'static str {
        match self {
            Counter::Requests
            | Counter::First(_)
            | Counter::Succeeded
            | Counter::Failed
            | Counter::RedirectLoops
            | Counter::GaveUp
            | Counter::EdgeRequests
            | Counter::EdgeHits
            | Counter::EdgeCached3xx => "requests",
            Counter::ExtraRoundTrips => "round trips",
            Counter::Lookups | Counter::StaleLookups => "lookups",
            Counter::ResolverQueries
            | Counter::ResolverHits
            | Counter::DnsQueries
            | Counter::DnsNxDomain => "queries",
            Counter::Attempts => "tries",
            Counter::OriginFetches | Counter::Origin(_) => "fetches",
            Counter::InvalidationPaths => "paths",
            Counter::InvalidationMicroUsd => "µUSD",
            Counter::Ipv4Connections | Counter::Ipv6Connections => "connections",
        }
    }
}

impl Metric {
    /// Say what the metric measures, in a phrase for `s3sim metrics`.
    pub fn meaning(self) -> String {
        match self {
            Metric::Count(c) => c.meaning(),
            Metric::RedirectRate => "share of requests whose first response was a 3xx".into(),
            Metric::ErrorRate => "share of requests that did not end with 200".into(),
            Metric::Share(s) => format!("share of requests whose first response was {}", s.label()),
            Metric::StaleDnsShare => "share of DNS lookups answered by a stale record".into(),
            Metric::ResolverHitRatio => "share of resolver queries answered from its cache".into(),
            Metric::ExtraRoundTripsPerRequest => {
                "HTTP round trips beyond the first, per request".into()
            }
            Metric::RetryAmplification => "tries per request (1 without retries)".into(),
            Metric::GaveUpRate => "share of requests that ended on a retryable failure".into(),
            Metric::RedirectLoopRate => {
                "share of requests that ended on a redirect beyond max_hops".into()
            }
            Metric::EdgeHitRatio => {
                "share of edge requests answered from a fresh cached copy".into()
            }
            Metric::Cached3xxShare => "share of edge requests answered with a cached 3xx".into(),
            Metric::InvalidationCostUsd => "cost of CDN invalidations (class all only)".into(),
            Metric::LatencyP50 => "median request latency, DNS and every hop included".into(),
            Metric::LatencyP99 => {
                "99th percentile request latency, DNS and every hop included".into()
            }
            Metric::DnsQueriesPerLookup => {
                "DNS queries per lookup that reached a resolver (search domains, AAAA)".into()
            }
            Metric::NxDomainShare => "share of DNS queries answered NXDOMAIN".into(),
            Metric::Ipv6Share => "share of client connections dialled over IPv6".into(),
            Metric::EdgeRequestsPerRequest => {
                "CDN edge requests per request (2 when a redirect comes back to the edge)".into()
            }
        }
    }

    /// Give the metric's unit, for `s3sim metrics`: `share` is a ratio in [0, 1].
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Count(c) => c.unit(),
            Metric::RedirectRate
            | Metric::ErrorRate
            | Metric::Share(_)
            | Metric::StaleDnsShare
            | Metric::ResolverHitRatio
            | Metric::GaveUpRate
            | Metric::RedirectLoopRate
            | Metric::EdgeHitRatio
            | Metric::Cached3xxShare
            | Metric::NxDomainShare
            | Metric::Ipv6Share => "share",
            Metric::DnsQueriesPerLookup => "queries/lookup",
            Metric::ExtraRoundTripsPerRequest => "round trips/request",
            Metric::RetryAmplification => "tries/request",
            Metric::EdgeRequestsPerRequest => "edge requests/request",
            Metric::InvalidationCostUsd => "USD",
            Metric::LatencyP50 | Metric::LatencyP99 => "ms",
        }
    }
}
