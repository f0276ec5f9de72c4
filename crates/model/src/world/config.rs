//! What one replica is given: a scenario resolved to dense ids.

use crate::bucket::Bucket;
use crate::cdn::network::CdnConfig;
use crate::client::ClientClass;
use crate::distribution::Delay;
use crate::dns::{DnsConfig, ResolverConfig};
use crate::facility::FacilityRules;
use crate::fault::Fault;
use crate::objects::Objects;
use crate::rate_limit::RateLimits;
use crate::topology::Topology;
use s3sim_engine::SimDuration;

/// Describe one group of identical recursive resolvers.
///
/// Grouping keeps configurations short (an ISP's thousand resolvers share one
/// [`ResolverConfig`]) while each resolver still has its own cache and propagation
/// delays. See [`run_replica`](super::run_replica) for an example.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolverGroup {
    /// Name used in outputs.
    pub name: String,
    /// How many resolvers (each with its own cache and propagation delays).
    pub count: u32,
    /// Their caching and round trips.
    pub config: ResolverConfig,
    /// Start each cache in its stationary state instead of empty (see
    /// [`stationary_remaining_ttl`](crate::dns::stationary_remaining_ttl)): every name
    /// the clients ask from the start is held with probability λT / (1 + λT), with an
    /// age uniform on [0, T).
    pub warm_start: bool,
}

/// Hold everything one replica needs: a scenario resolved to dense ids.
///
/// Names are resolved to indices before the run so the event loop never looks up a
/// string. See [`run_replica`](super::run_replica) for a complete configuration built in code.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldConfig {
    /// Simulated time span.
    pub duration: SimDuration,
    /// Width of a metrics bin.
    pub bin: SimDuration,
    /// Regions, facilities, locations, round trips.
    pub topology: Topology,
    /// Buckets and their lifecycles.
    pub buckets: Vec<Bucket>,
    /// The authoritative side.
    pub dns: DnsConfig,
    /// Recursive resolvers, in groups; resolver ids are assigned group by group.
    pub resolver_groups: Vec<ResolverGroup>,
    /// Client populations.
    pub classes: Vec<ClientClass>,
    /// Facility behaviour switches.
    pub rules: FacilityRules,
    /// Outages, drains, rotations, resolver outages, DNS changes.
    pub faults: Vec<Fault>,
    /// Edge locations, distributions, invalidations (empty: no CDN).
    pub cdn: CdnConfig,
    /// Object keys, each bucket's objects, website answers.
    pub objects: Objects,
    /// S3's request-rate limits per partitioned prefix, and each bucket's prefixes.
    pub rate_limits: RateLimits,
    /// Keep the full status sequence of the first this-many completed requests.
    pub trace_limit: usize,
    /// How long each facility takes to learn of a bucket's creation or deletion; until
    /// then it answers 307 (docs/domain.md §1, [`Learning`](crate::learning::Learning)).
    /// Zero: every facility learns at once.
    pub learning_delay: Delay,
}
