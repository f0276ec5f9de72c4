//! DNS: S3 host names, the authoritative zone with per-resolver propagation, resolvers.
//!
//! [`Host`] names what a client resolves; [`Authoritative`] publishes the records and
//! decides when each resolver's authoritative node sees a change (only a bucket's
//! global name ever changes); a [`Resolver`] caches answers for their clamped TTLs and
//! hands out one of the region's live endpoint IPs.

mod authoritative;
mod host;
mod resolver;

pub use authoritative::{Authoritative, DnsConfig, Target};
pub use host::Host;
pub use resolver::{Answer, Record, Resolver, ResolverConfig, ResolverReply, STALE_TTL, Upstream};
