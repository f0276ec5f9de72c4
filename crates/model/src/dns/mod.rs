//! DNS: S3 host names, the authoritative zone with per-resolver propagation, resolvers.
//!
//! [`Host`] names what a client resolves; [`Authoritative`] publishes the records and
//! decides when each resolver's authoritative node sees a change (only a bucket's
//! global name ever changes); a [`Resolver`] caches answers for their clamped TTLs and
//! hands out one of the region's live endpoint IPs; [`stationary_remaining_ttl`] draws
//! a cache entry's state at the start of a run (`warm_start`); a client host's
//! [`StubResolver`] decides which names and record types one lookup asks for
//! (search domains, `ndots`); with CNAME chains a resolver caches each name's
//! [`Link`] and the regional name's A records apart, each with its own TTL.

mod authoritative;
mod cache;
mod chain;
mod host;
mod resolver;
mod stub;
mod warm_start;

pub use authoritative::{Authoritative, DnsConfig, Target};
pub use cache::Link;
pub use host::{Host, HostSpace};
pub use resolver::{Answer, Record, Resolver, ResolverConfig, ResolverReply, STALE_TTL, Upstream};
pub use stub::{
    Candidate, NegativeCache, QueriesSent, QueryTypes, StubResolver, bucket_name_of, name_dots,
};
pub use warm_start::stationary_remaining_ttl;
