//! DNS: S3 host names, the authoritative zone with per-resolver propagation, resolvers.

use crate::bucket::{Bucket, BucketId};
use crate::distribution::Delay;
use crate::endpoints::Endpoints;
use crate::topology::{IpId, RegionId};
use s3sim_engine::{RandomStreams, SimDuration, SimRng, SimTime};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Name a host a client can resolve.
///
/// ```
/// use s3sim_model::dns::Host;
/// assert_eq!(Host::BucketGlobal(3).bucket(), Some(3));
/// assert_eq!(Host::PathRegional(1).bucket(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// `bucket.s3.amazonaws.com`: follows the bucket's region once the change propagates.
    BucketGlobal(BucketId),
    /// `bucket.s3.REGION.amazonaws.com`: a wildcard record, always that region.
    BucketRegional(BucketId, RegionId),
    /// `s3.amazonaws.com`: the default region.
    PathGlobal,
    /// `s3.REGION.amazonaws.com`.
    PathRegional(RegionId),
    /// The endpoint a temporary redirect's `Location` names (the legacy
    /// `bucket.s3-REGION.amazonaws.com` of AWS's example): resolves like the regional
    /// name until S3 retires it, after which it no longer resolves.
    RedirectEndpoint(BucketId, RegionId),
    /// `bucket.s3-website-REGION.amazonaws.com`: the static-website endpoint of the
    /// bucket's region, which applies the bucket's routing rules.
    Website(BucketId),
    /// A CDN distribution's domain (`d111.cloudfront.net`): viewers reach the nearest
    /// edge without a modelled DNS step.
    Distribution(u16),
}

impl Host {
    /// Return the bucket named in the host, for virtual-hosted names.
    pub fn bucket(self) -> Option<BucketId> {
        match self {
            Host::BucketGlobal(b)
            | Host::BucketRegional(b, _)
            | Host::RedirectEndpoint(b, _)
            | Host::Website(b) => Some(b),
            Host::PathGlobal | Host::PathRegional(_) | Host::Distribution(_) => None,
        }
    }
}

/// Say where a name points, as the authoritative side publishes it.
///
/// A target is a region, not an IP: which of the region's endpoint IPs a client gets is
/// decided per query by the resolver.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(0)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: true };
/// let photos = Bucket { name: "photos".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
/// let at = SimTime::from_secs;
/// assert_eq!(zone.truth(Host::BucketGlobal(0), at(0)).0, Target::NxDomain);
/// assert_eq!(zone.truth(Host::BucketGlobal(0), at(600)).0, Target::Region(1));
/// assert_eq!(zone.truth(Host::PathGlobal, at(0)).0, Target::Region(0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The name resolves to this region's facilities.
    Region(RegionId),
    /// The name does not exist.
    NxDomain,
}

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
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false };
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

/// Configure the authoritative side of S3's DNS.
///
/// Propagation is a distribution with a cap because AWS states only a bound ("up to
/// 24 hours"); scenarios pick the shape, the cap keeps every draw within the bound.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// let dns = DnsConfig {
///     record_ttl: s(5),
///     propagation: Delay::Fixed(s(48 * 3600)),
///     propagation_cap: s(24 * 3600),
///     missing_bucket_nxdomain: false,
/// };
/// let photos = Bucket { name: "photos".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
/// assert_eq!(zone.propagation_delay(0, 0, 1), s(24 * 3600), "capped");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DnsConfig {
    /// TTL on S3's A records (observed about 5 s).
    pub record_ttl: SimDuration,
    /// Delay until a change reaches the authoritative node a given resolver asks.
    pub propagation: Delay,
    /// No resolver waits longer than this ("up to 24 hours").
    pub propagation_cap: SimDuration,
    /// Answer names of buckets that do not exist with NXDOMAIN instead of the
    /// default region's wildcard (S3 has used the wildcard since 2019).
    pub missing_bucket_nxdomain: bool,
}

/// Publish S3's records and decide which version each resolver sees when.
///
/// Only the global virtual-hosted name of a bucket ever changes; every change
/// reaches resolver `r` after its own propagation delay, drawn from a stream keyed by
/// (resolver, bucket, change) so that draws do not depend on event order.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(300)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false };
/// let photos = Bucket { name: "photos".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
/// let (name, at) = (Host::BucketGlobal(0), SimTime::from_secs);
/// // Published at creation (version 1) ...
/// assert_eq!(zone.truth(name, at(599)), (Target::Region(0), 0));
/// assert_eq!(zone.truth(name, at(600)), (Target::Region(1), 1));
/// // ... but served to resolver 7 only once the 300 s delay has passed.
/// assert_eq!(zone.seen_by(7, name, at(899)), (Target::Region(0), 0));
/// assert_eq!(zone.seen_by(7, name, at(900)), (Target::Region(1), 1));
/// ```
#[derive(Clone, Debug)]
pub struct Authoritative {
    config: DnsConfig,
    default_region: RegionId,
    /// Per bucket: the global name's (time, target) history; entry 0 is the start.
    timelines: Vec<Vec<(SimTime, Target)>>,
    /// Record TTL changes, in time order: (from, ttl).
    ttl_changes: Vec<(SimTime, SimDuration)>,
    /// Per region with a retired redirect endpoint: when it stopped resolving.
    retired_endpoints: Vec<(RegionId, SimTime)>,
    /// Per bucket: the region of its website endpoint.
    website_regions: Vec<RegionId>,
    streams: RandomStreams,
}

impl Authoritative {
    /// Build the zone for the given buckets.
    pub fn new(
        config: DnsConfig,
        default_region: RegionId,
        buckets: &[Bucket],
        streams: RandomStreams,
    ) -> Self {
        let missing = if config.missing_bucket_nxdomain {
            Target::NxDomain
        } else {
            Target::Region(default_region)
        };
        let timelines = buckets
            .iter()
            .map(|b| global_timeline(b, missing))
            .collect();
        Authoritative {
            config,
            default_region,
            timelines,
            ttl_changes: Vec::new(),
            retired_endpoints: Vec::new(),
            website_regions: buckets.iter().map(|b| b.region).collect(),
            streams,
        }
    }

    /// Publish every record with `ttl` from `at` on (changes must come in time order).
    pub fn change_record_ttl(&mut self, at: SimTime, ttl: SimDuration) {
        self.ttl_changes.push((at, ttl));
    }

    /// Stop resolving the redirect endpoints of `region` from `at` on.
    pub fn retire_endpoint(&mut self, region: RegionId, at: SimTime) {
        self.retired_endpoints.push((region, at));
    }

    /// Return the TTL the records carry at `t`.
    pub fn record_ttl(&self, t: SimTime) -> SimDuration {
        let changed = self.ttl_changes.partition_point(|&(at, _)| at <= t);
        match changed {
            0 => self.config.record_ttl,
            k => self.ttl_changes[k - 1].1,
        }
    }

    /// Return the configuration this zone was built from.
    pub fn config(&self) -> &DnsConfig {
        &self.config
    }

    /// Look up the record as published at `t`, with its version (changes so far).
    pub fn truth(&self, host: Host, t: SimTime) -> (Target, u16) {
        match host {
            Host::BucketGlobal(b) => {
                let timeline = &self.timelines[b as usize];
                let version = timeline.partition_point(|&(at, _)| at <= t).max(1) - 1;
                (timeline[version].1, version as u16)
            }
            _ => self.static_record(host, t),
        }
    }

    /// Look up the record the authoritative node asked by `resolver` serves at `t`.
    pub fn seen_by(&self, resolver: u32, host: Host, t: SimTime) -> (Target, u16) {
        let Host::BucketGlobal(b) = host else {
            return self.static_record(host, t);
        };
        let timeline = &self.timelines[b as usize];
        let reached = (1..timeline.len())
            .rev()
            .find(|&k| timeline[k].0 + self.propagation_delay(resolver, b, k) <= t)
            .unwrap_or(0);
        (timeline[reached].1, reached as u16)
    }

    /// Compute how long change `change` of bucket `bucket` takes to reach `resolver`'s node.
    pub fn propagation_delay(&self, resolver: u32, bucket: BucketId, change: usize) -> SimDuration {
        let key = (u64::from(resolver) << 32) ^ (u64::from(bucket) << 8) ^ change as u64;
        let mut rng = self.streams.stream("propagation", key);
        self.config
            .propagation
            .sample(&mut rng)
            .min(self.config.propagation_cap)
    }

    /// A name that never propagates: regional and path names; a redirect endpoint
    /// changes once, everywhere at once, when it is retired.
    fn static_record(&self, host: Host, t: SimTime) -> (Target, u16) {
        match host {
            Host::RedirectEndpoint(_, r)
                if self
                    .retired_endpoints
                    .iter()
                    .any(|&(region, at)| region == r && at <= t) =>
            {
                (Target::NxDomain, 1)
            }
            Host::BucketRegional(_, r) | Host::PathRegional(r) | Host::RedirectEndpoint(_, r) => {
                (Target::Region(r), 0)
            }
            Host::Website(b) => (Target::Region(self.website_regions[b as usize]), 0),
            Host::PathGlobal | Host::BucketGlobal(_) | Host::Distribution(_) => {
                (Target::Region(self.default_region), 0)
            }
        }
    }
}

fn global_timeline(bucket: &Bucket, missing: Target) -> Vec<(SimTime, Target)> {
    let present = Target::Region(bucket.region);
    let mut timeline = vec![(
        SimTime::ZERO,
        if bucket.created_at.is_some() {
            missing
        } else {
            present
        },
    )];
    let mut push = |at: SimTime, target: Target| {
        if timeline.last().is_some_and(|&(_, last)| last != target) {
            timeline.push((at, target));
        }
    };
    if let Some(created) = bucket.created_at {
        push(created, present);
    }
    if let Some(deleted) = bucket.deleted_at {
        push(deleted, missing);
    }
    if let Some(again) = bucket.recreated {
        push(again.at, Target::Region(again.region));
    }
    timeline
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
///     propagation_cap: s(86_400), missing_bucket_nxdomain: true };
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
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false };
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
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false };
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
}

type Fixed = BuildHasherDefault<std::hash::DefaultHasher>;

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
///     propagation_cap: s(86400), missing_bucket_nxdomain: false };
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
    id: u32,
    cache: HashMap<Host, Record, Fixed>,
    upstream: Upstream,
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
        Resolver {
            id,
            cache: HashMap::default(),
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
        let cached = self.cache.get(&host).copied();
        if let Some(record) = cached.filter(|r| now < r.expires) {
            return ResolverReply {
                record,
                hit: true,
                latency: config.rtt,
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
            };
        }
        let record = self.ask_authoritative(config, zone, endpoints, host, now, rng);
        self.cache.insert(host, record);
        ResolverReply {
            record,
            hit: false,
            latency,
        }
    }

    fn ask_authoritative(
        &self,
        config: &ResolverConfig,
        zone: &Authoritative,
        endpoints: &Endpoints,
        host: Host,
        now: SimTime,
        rng: &mut SimRng,
    ) -> Record {
        let (target, version) = zone.seen_by(self.id, host, now);
        let ttl = zone.record_ttl(now).max(config.min_ttl).min(config.max_ttl);
        let (answer, ttl) = match target {
            Target::Region(region) => match endpoints.pick(region, rng) {
                Some(ip) => (Answer::Ip(ip), ttl),
                None => (Answer::NxDomain, config.negative_ttl),
            },
            Target::NxDomain => (Answer::NxDomain, config.negative_ttl),
        };
        Record {
            answer,
            version,
            expires: now + ttl,
        }
    }

    /// Lose (`Unreachable`) or regain the authoritative side.
    pub fn set_upstream(&mut self, upstream: Upstream) {
        self.upstream = upstream;
    }

    /// Drop every cached answer (a resolver restart).
    pub fn flush(&mut self) {
        self.cache.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(created: Option<u64>, deleted: Option<u64>) -> Bucket {
        Bucket {
            name: "b".into(),
            region: 1,
            created_at: created.map(SimTime::from_secs),
            deleted_at: deleted.map(SimTime::from_secs),
            location_constraint: true,
            recreated: None,
        }
    }

    fn zone(buckets: &[Bucket], nxdomain: bool, delay: u64) -> Authoritative {
        let config = DnsConfig {
            record_ttl: SimDuration::from_secs(5),
            propagation: Delay::Fixed(SimDuration::from_secs(delay)),
            propagation_cap: SimDuration::from_secs(86_400),
            missing_bucket_nxdomain: nxdomain,
        };
        Authoritative::new(config, 0, buckets, RandomStreams::new(1))
    }

    #[test]
    fn global_name_flips_to_the_bucket_region_only_after_the_propagation_delay() {
        let z = zone(&[bucket(Some(600), None)], false, 300);
        let at = SimTime::from_secs;
        assert_eq!(
            z.truth(Host::BucketGlobal(0), at(599)),
            (Target::Region(0), 0)
        );
        assert_eq!(
            z.truth(Host::BucketGlobal(0), at(600)),
            (Target::Region(1), 1)
        );
        assert_eq!(
            z.seen_by(7, Host::BucketGlobal(0), at(899)),
            (Target::Region(0), 0)
        );
        assert_eq!(
            z.seen_by(7, Host::BucketGlobal(0), at(900)),
            (Target::Region(1), 1)
        );
    }

    #[test]
    fn regional_and_path_names_never_change() {
        let z = zone(&[bucket(Some(600), Some(900))], true, 300);
        for t in [0, 700, 1000] {
            let t = SimTime::from_secs(t);
            assert_eq!(
                z.seen_by(0, Host::BucketRegional(0, 1), t),
                (Target::Region(1), 0)
            );
            assert_eq!(z.seen_by(0, Host::PathGlobal, t), (Target::Region(0), 0));
            assert_eq!(
                z.seen_by(0, Host::PathRegional(1), t),
                (Target::Region(1), 0)
            );
        }
    }

    #[test]
    fn missing_buckets_get_nxdomain_only_when_switched_on() {
        let wildcard = zone(&[bucket(Some(600), Some(900))], false, 0);
        let nx = zone(&[bucket(Some(600), Some(900))], true, 0);
        let at = SimTime::from_secs;
        assert_eq!(
            wildcard.truth(Host::BucketGlobal(0), at(0)).0,
            Target::Region(0)
        );
        assert_eq!(nx.truth(Host::BucketGlobal(0), at(0)).0, Target::NxDomain);
        assert_eq!(
            nx.truth(Host::BucketGlobal(0), at(700)),
            (Target::Region(1), 1)
        );
        assert_eq!(
            nx.truth(Host::BucketGlobal(0), at(900)),
            (Target::NxDomain, 2)
        );
    }

    #[test]
    fn settled_bucket_has_no_history() {
        let z = zone(&[bucket(None, None)], false, 300);
        assert_eq!(
            z.seen_by(3, Host::BucketGlobal(0), SimTime::ZERO),
            (Target::Region(1), 0)
        );
    }

    #[test]
    fn propagation_delay_is_a_pure_function_of_resolver_bucket_and_change() {
        let mut config = zone(&[], false, 0).config.clone();
        config.propagation = Delay::Exponential {
            mean: SimDuration::from_secs(600),
        };
        config.propagation_cap = SimDuration::from_secs(900);
        let z = Authoritative::new(config, 0, &[bucket(Some(1), None)], RandomStreams::new(9));
        let a = z.propagation_delay(4, 0, 1);
        assert_eq!(a, z.propagation_delay(4, 0, 1));
        assert_ne!(a, z.propagation_delay(5, 0, 1));
        let max = (0..2000)
            .map(|r| z.propagation_delay(r, 0, 1))
            .max()
            .unwrap();
        assert_eq!(max, SimDuration::from_secs(900), "cap applies");
    }
}
