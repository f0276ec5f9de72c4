//! Recursive resolvers: per-name caches with clamped TTLs, in front of the
//! authoritative side, serving stale answers when it is unreachable (RFC 8767).

use super::authoritative::{Authoritative, Target};
use super::cache::{Link, NameCache};
use super::host::{Host, HostSpace};
use crate::endpoints::Endpoints;
use crate::topology::{IpId, RegionId};
use s3sim_engine::{SimDuration, SimRng, SimTime};

/// Carry what a resolver hands a client: an endpoint IP or "no such name".
///
/// The IP, not the name, decides which facility (and so which region) a request reaches.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// # use s3sim_model::topology::*;
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(s(0)), capacity: None };
/// # let topo = Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #     vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![s(0); 2]);
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(0)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None };
/// let zone = Authoritative::new(dns, 0, &[], RandomStreams::new(1));
/// let config = ResolverConfig { min_ttl: s(0), max_ttl: s(60), negative_ttl: s(60),
///     rtt: s(0), miss_rtt: s(0) };
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// let endpoints = s3sim_model::endpoints::Endpoints::new(&topo);
/// let reply = Resolver::new(0).query(&config, &zone, &endpoints, Host::PathRegional(1),
///     SimTime::ZERO, &mut rng);
/// let Answer::Ip(ip) = reply.record.answer else { panic!("s3.eu-west-1 resolves") };
/// assert_eq!(endpoints.facility_of(ip), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Connect here.
    Ip(IpId),
    /// NXDOMAIN.
    NxDomain,
    /// SERVFAIL: the resolver could not reach the authoritative side and had nothing
    /// it was allowed to serve. Never cached.
    ServFail,
}

/// Configure one group of recursive resolvers.
///
/// Real resolvers do not keep S3's 5 s TTL as given: many raise it to a floor, and all
/// cap it, which is what makes stale answers outlive a DNS change.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// # use s3sim_model::topology::*;
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(s(0)), capacity: None };
/// # let topo = Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #     vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![s(0); 2]);
/// let dns = DnsConfig { record_ttl: s(7200), propagation: Delay::Fixed(s(0)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: true, cname_ttl: None };
/// let missing = Bucket { name: "gone".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[missing], RandomStreams::new(1));
/// let config = ResolverConfig { min_ttl: s(60), max_ttl: s(3600), negative_ttl: s(30),
///     rtt: s(0), miss_rtt: s(0) };
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// let mut resolver = Resolver::new(0);
/// let endpoints = s3sim_model::endpoints::Endpoints::new(&topo);
/// let mut ask = |host| resolver.query(&config, &zone, &endpoints, host, SimTime::ZERO, &mut rng);
/// assert_eq!(ask(Host::PathGlobal).record.expires, SimTime::from_secs(3600)); // 7200 s capped
/// let nx = ask(Host::BucketGlobal(0)).record;
/// assert_eq!((nx.answer, nx.expires), (Answer::NxDomain, SimTime::from_secs(30)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ResolverConfig {
    /// Floor on cached TTLs.
    pub min_ttl: SimDuration,
    /// Ceiling on cached TTLs.
    pub max_ttl: SimDuration,
    /// How long NXDOMAIN answers are cached.
    pub negative_ttl: SimDuration,
    /// Round trip between a client and its resolver (paid on every resolver query).
    pub rtt: SimDuration,
    /// Extra time a cache miss costs (the resolver asking the authoritative side).
    pub miss_rtt: SimDuration,
}

/// Record a cached answer and how old its information is.
///
/// The version lets metrics tell a stale answer from a fresh one without comparing
/// targets: it is stale when older than [`Authoritative::truth`]'s version.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// # use s3sim_model::topology::*;
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(s(0)), capacity: None };
/// # let topo = Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #     vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![s(0); 2]);
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(300)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None };
/// let photos = Bucket { name: "photos".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
/// let config = ResolverConfig { min_ttl: s(0), max_ttl: s(60), negative_ttl: s(60),
///     rtt: s(0), miss_rtt: s(0) };
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// let now = SimTime::from_secs(700); // created, not yet propagated
/// let record = Resolver::new(0)
///     .query(&config, &zone, &s3sim_model::endpoints::Endpoints::new(&topo), Host::BucketGlobal(0), now, &mut rng)
///     .record;
/// assert!(record.version < zone.truth(Host::BucketGlobal(0), now).1, "stale");
/// assert_eq!(record.expires, now + s(5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// What the name resolved to.
    pub answer: Answer,
    /// Authoritative version the answer came from (compare with [`Authoritative::truth`]).
    pub version: u16,
    /// When this copy expires.
    pub expires: SimTime,
}

/// Report one resolver query.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// # use s3sim_model::topology::*;
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(s(0)), capacity: None };
/// # let topo = Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #     vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![s(0); 2]);
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(0)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None };
/// let zone = Authoritative::new(dns, 0, &[], RandomStreams::new(1));
/// let ms = SimDuration::from_millis;
/// let config = ResolverConfig { min_ttl: s(0), max_ttl: s(60), negative_ttl: s(60),
///     rtt: ms(1), miss_rtt: ms(20) };
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// let mut resolver = Resolver::new(0);
/// let endpoints = s3sim_model::endpoints::Endpoints::new(&topo);
/// let mut ask = |t| resolver.query(&config, &zone, &endpoints, Host::PathGlobal, t, &mut rng);
/// let miss = ask(SimTime::ZERO);
/// let hit = ask(SimTime::from_secs(1));
/// assert_eq!((miss.hit, miss.latency), (false, ms(21)));
/// assert_eq!((hit.hit, hit.latency), (true, ms(1)));
/// assert_eq!(hit.record, miss.record);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResolverReply {
    /// The answer with its version and the resolver's expiry for it.
    pub record: Record,
    /// Answered from the resolver's cache.
    pub hit: bool,
    /// Time the query cost the client.
    pub latency: SimDuration,
    /// Queries the resolver sent to the authoritative side for this answer, answered
    /// or not: 0 from its cache; on a miss 1 for a name with A records of its own, and
    /// for a CNAME chain 1 per link not held fresh (docs/domain.md §3, *CNAME chains*).
    pub upstream: u32,
}

/// Cache answers per name for their clamped TTL, like Unbound or BIND.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// use s3sim_model::distribution::Delay;
/// use s3sim_model::dns::*;
/// use s3sim_model::topology::*;
/// let s = SimDuration::from_secs;
/// let topo = Topology::new(
///     vec![Region { name: "us-east-1".into(), opt_in: false }], 0,
///     vec![Facility { name: "f".into(), region: 0, ips: 1, service_time: Delay::Fixed(s(0)),
///         capacity: None }],
///     vec!["here".into()], vec![s(0)],
/// );
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(0)),
///     propagation_cap: s(86400), missing_bucket_nxdomain: false, cname_ttl: None };
/// let zone = Authoritative::new(dns, 0, &[], RandomStreams::new(1));
/// let config = ResolverConfig { min_ttl: s(60), max_ttl: s(3600), negative_ttl: s(60),
///     rtt: SimDuration::from_millis(1), miss_rtt: SimDuration::from_millis(20) };
/// let mut resolver = Resolver::new(0);
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// let endpoints = s3sim_model::endpoints::Endpoints::new(&topo);
/// let first = resolver.query(&config, &zone, &endpoints, Host::PathGlobal, SimTime::ZERO, &mut rng);
/// let again = resolver.query(&config, &zone, &endpoints, Host::PathGlobal, SimTime::from_secs(59), &mut rng);
/// assert!(!first.hit && again.hit);
/// assert_eq!(first.record.expires, SimTime::from_secs(60)); // 5 s raised to min_ttl
/// ```
#[derive(Clone, Debug)]
pub struct Resolver {
    // Crate-visible for the chain path in `chain.rs` (a sibling module).
    pub(crate) id: u32,
    /// Per name: its cached record, when names resolve straight to A records.
    pub(crate) records: NameCache<Record>,
    /// Per name: its cached CNAME link, when names are CNAME chains.
    pub(crate) links: NameCache<Link>,
    /// Per region: the cached A record of the regional name the CNAMEs point to.
    pub(crate) targets: Vec<Option<Record>>,
    pub(crate) upstream: Upstream,
}

/// Say whether a resolver can reach the authoritative side.
///
/// ```
/// use s3sim_model::dns::Upstream;
/// assert_eq!(Upstream::default(), Upstream::Reachable);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Upstream {
    /// Misses are answered by the authoritative side.
    #[default]
    Reachable,
    /// Misses fail; with `serve_stale`, expired records are served instead (RFC 8767).
    Unreachable {
        /// Answer from expired records, with [`STALE_TTL`].
        serve_stale: bool,
    },
}

/// The TTL of an answer served stale (RFC 8767 recommends 30 s).
pub const STALE_TTL: SimDuration = SimDuration::from_secs(30);

impl Resolver {
    /// Create an empty resolver with global id `id` (used to key its propagation delays).
    pub fn new(id: u32) -> Self {
        Resolver::with_names(id, HostSpace::default())
    }

    /// Create an empty resolver with global id `id` whose cache is a vector over
    /// `space`'s names (`space.len()` slots of 24 bytes once it caches one); names
    /// outside `space` are hashed.
    ///
    /// ```
    /// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
    /// # use s3sim_model::distribution::Delay;
    /// # use s3sim_model::dns::*;
    /// # use s3sim_model::topology::*;
    /// # let s = SimDuration::from_secs;
    /// # let topo = Topology::new(vec![Region { name: "us-east-1".into(), opt_in: false }], 0,
    /// #     vec![Facility { name: "f".into(), region: 0, ips: 1, service_time: Delay::Fixed(s(0)),
    /// #         capacity: None }], vec!["here".into()], vec![s(0)]);
    /// # let endpoints = s3sim_model::endpoints::Endpoints::new(&topo);
    /// # let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(0)),
    /// #     propagation_cap: s(86400), missing_bucket_nxdomain: false, cname_ttl: None };
    /// # let zone = Authoritative::new(dns, 0, &[], RandomStreams::new(1));
    /// # let config = ResolverConfig { min_ttl: s(60), max_ttl: s(3600), negative_ttl: s(60),
    /// #     rtt: s(0), miss_rtt: s(0) };
    /// let space = HostSpace { buckets: 1, regions: 1, distributions: 0 };
    /// let mut resolver = Resolver::with_names(0, space);
    /// let mut rng = RandomStreams::new(1).stream("doc", 0);
    /// for host in [Host::PathRegional(0), Host::BucketRegional(5, 0)] { // inside, outside
    ///     let mut ask = |t| resolver.query(&config, &zone, &endpoints, host, t, &mut rng).hit;
    ///     assert_eq!((ask(SimTime::ZERO), ask(SimTime::from_secs(59))), (false, true));
    ///     assert!(resolver.knows(host));
    /// }
    /// ```
    pub fn with_names(id: u32, space: HostSpace) -> Self {
        Resolver {
            id,
            records: NameCache::new(space),
            links: NameCache::new(space),
            targets: Vec::new(),
            upstream: Upstream::Reachable,
        }
    }

    /// Answer a query for `host` at `now`, from cache or from the authoritative side.
    pub fn query(
        &mut self,
        config: &ResolverConfig,
        zone: &Authoritative,
        endpoints: &Endpoints,
        host: Host,
        now: SimTime,
        rng: &mut SimRng,
    ) -> ResolverReply {
        if let Some(cname_ttl) = zone.config().cname_ttl {
            return self.query_chain(config, zone, endpoints, host, now, rng, cname_ttl);
        }
        let cached = self.records.get(host);
        if let Some(record) = cached.filter(|r| now < r.expires) {
            return ResolverReply {
                record,
                hit: true,
                latency: config.rtt,
                upstream: 0,
            };
        }
        let latency = config.rtt + config.miss_rtt;
        if let Upstream::Unreachable { serve_stale } = self.upstream {
            let record = match cached.filter(|_| serve_stale) {
                Some(stale) => Record {
                    expires: now + STALE_TTL,
                    ..stale
                },
                None => Record {
                    answer: Answer::ServFail,
                    version: u16::MAX,
                    expires: now,
                },
            };
            return ResolverReply {
                record,
                hit: record.answer != Answer::ServFail,
                latency,
                upstream: 1,
            };
        }
        let record = self.fetch(config, zone, endpoints, host, now, rng);
        self.records.store(host, record);
        ResolverReply {
            record,
            hit: false,
            latency,
            upstream: 1,
        }
    }

    /// Ask the authoritative side for `host` at `now` as this resolver would on a miss:
    /// the answer its node serves, one of the region's listed IPs, and the expiry the
    /// resolver's TTL clamp gives it. Nothing is cached.
    pub fn fetch(
        &self,
        config: &ResolverConfig,
        zone: &Authoritative,
        endpoints: &Endpoints,
        host: Host,
        now: SimTime,
        rng: &mut SimRng,
    ) -> Record {
        let (target, version) = zone.seen_by(self.id, host, now);
        match target {
            Target::Region(region) => Record {
                version,
                ..fetch_a(config, zone, endpoints, region, now, rng)
            },
            Target::NxDomain => Record {
                answer: Answer::NxDomain,
                version,
                expires: now + config.negative_ttl,
            },
        }
    }

    /// Tell whether the cache has ever held `host` (fresh or expired).
    pub fn knows(&self, host: Host) -> bool {
        self.records.get(host).is_some() || self.links.get(host).is_some()
    }

    /// Put `record` in the cache for `host`, as if fetched earlier (a warm start).
    pub fn prime(&mut self, host: Host, record: Record) {
        self.records.store(host, record);
    }

    /// Lose (`Unreachable`) or regain the authoritative side.
    pub fn set_upstream(&mut self, upstream: Upstream) {
        self.upstream = upstream;
    }

    /// Drop every cached answer (a resolver restart).
    pub fn flush(&mut self) {
        self.records.clear();
        self.links.clear();
        self.targets = Vec::new();
    }
}

/// Fetch the A records of `region`'s names at `now`: one of its listed IPs for the
/// record TTL (clamped), or NXDOMAIN for the negative TTL when none is listed.
pub(crate) fn fetch_a(
    config: &ResolverConfig,
    zone: &Authoritative,
    endpoints: &Endpoints,
    region: RegionId,
    now: SimTime,
    rng: &mut SimRng,
) -> Record {
    let ttl = zone.record_ttl(now).max(config.min_ttl).min(config.max_ttl);
    let (answer, ttl) = match endpoints.pick(region, rng) {
        Some(ip) => (Answer::Ip(ip), ttl),
        None => (Answer::NxDomain, config.negative_ttl),
    };
    Record {
        answer,
        version: 0,
        expires: now + ttl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::Delay;
    use crate::dns::DnsConfig;
    use crate::topology::{Facility, Region, Topology};
    use s3sim_engine::RandomStreams;

    fn endpoints() -> Endpoints {
        let facility = Facility {
            name: "f".into(),
            region: 0,
            ips: 1,
            service_time: Delay::Fixed(SimDuration::ZERO),
            capacity: None,
        };
        let region = Region {
            name: "us-east-1".into(),
            opt_in: false,
        };
        let topology = Topology::new(
            vec![region],
            0,
            vec![facility],
            vec!["here".into()],
            vec![SimDuration::ZERO],
        );
        Endpoints::new(&topology)
    }

    fn zone() -> Authoritative {
        let dns = DnsConfig {
            record_ttl: SimDuration::from_secs(5),
            propagation: Delay::Fixed(SimDuration::ZERO),
            propagation_cap: SimDuration::from_secs(86_400),
            missing_bucket_nxdomain: false,
            cname_ttl: None,
        };
        Authoritative::new(dns, 0, &[], RandomStreams::new(1))
    }

    const CONFIG: ResolverConfig = ResolverConfig {
        min_ttl: SimDuration::ZERO,
        max_ttl: SimDuration::from_secs(60),
        negative_ttl: SimDuration::from_secs(60),
        rtt: SimDuration::from_millis(1),
        miss_rtt: SimDuration::from_millis(20),
    };

    #[test]
    fn an_unreachable_upstream_serves_the_expired_record_only_with_serve_stale() {
        let (zone, endpoints) = (zone(), endpoints());
        let mut rng = RandomStreams::new(1).stream("test", 0);
        let mut ask = |resolver: &mut Resolver, t: u64| {
            let now = SimTime::from_secs(t);
            resolver.query(&CONFIG, &zone, &endpoints, Host::PathGlobal, now, &mut rng)
        };
        let mut stale = Resolver::new(0);
        let fresh = ask(&mut stale, 0).record;
        let mut strict = stale.clone();
        stale.set_upstream(Upstream::Unreachable { serve_stale: true });
        strict.set_upstream(Upstream::Unreachable { serve_stale: false });
        let served = ask(&mut stale, 10);
        assert_eq!(served.record.answer, fresh.answer);
        assert_eq!(served.record.expires, SimTime::from_secs(10) + STALE_TTL);
        assert!(served.hit);
        let failed = ask(&mut strict, 10);
        assert_eq!(
            (failed.record.answer, failed.hit),
            (Answer::ServFail, false)
        );
        assert_eq!(failed.latency, SimDuration::from_millis(21));
    }

    #[test]
    fn a_flushed_resolver_asks_the_authoritative_side_again() {
        let (zone, endpoints) = (zone(), endpoints());
        let mut rng = RandomStreams::new(1).stream("test", 0);
        let mut resolver = Resolver::new(0);
        let mut ask = |resolver: &mut Resolver| {
            let now = SimTime::from_secs(1);
            let reply = resolver.query(&CONFIG, &zone, &endpoints, Host::PathGlobal, now, &mut rng);
            reply.hit
        };
        assert!(!ask(&mut resolver));
        assert!(ask(&mut resolver));
        resolver.flush();
        assert!(!ask(&mut resolver));
    }
}
