//! Client classes (what a population of clients does) and per-client memory.

use crate::bucket::{BucketId, KeyId};
use crate::dns::{Answer, Host};
use crate::response::Status;
use crate::topology::{LocationId, RegionId};
use rand::RngExt;
use s3sim_engine::{SimDuration, SimRng, SimTime};

/// Choose how a client names the bucket.
///
/// The style decides which DNS name a request resolves, and only the global
/// virtual-hosted name (`bucket.s3.amazonaws.com`) ever changes: the other three are
/// immune to propagation but meet other errors (301 on the wrong regional endpoint).
///
/// ```
/// use s3sim_model::client::Addressing;
/// use s3sim_model::dns::Host;
/// assert_eq!(Addressing::VirtualGlobal.host(7, 1), Host::BucketGlobal(7));
/// assert_eq!(Addressing::PathRegional.host(7, 1), Host::PathRegional(1));
/// assert_eq!(Addressing::VirtualGlobal.regional_host(7, 1), Host::BucketRegional(7, 1));
/// assert_eq!(Addressing::PathGlobal.regional_host(7, 1), Host::PathRegional(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `bucket.s3.amazonaws.com/key`
    VirtualGlobal,
    /// `bucket.s3.REGION.amazonaws.com/key`
    VirtualRegional,
    /// `s3.amazonaws.com/bucket/key`
    PathGlobal,
    /// `s3.REGION.amazonaws.com/bucket/key`
    PathRegional,
    /// `bucket.s3-website-REGION.amazonaws.com/key`: the static-website endpoint.
    Website,
}

impl Addressing {
    /// Name the host for a bucket in `region` (the region the client was configured with).
    pub fn host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal => Host::BucketGlobal(bucket),
            Addressing::VirtualRegional => Host::BucketRegional(bucket, region),
            Addressing::PathGlobal => Host::PathGlobal,
            Addressing::PathRegional => Host::PathRegional(region),
            Addressing::Website => Host::Website(bucket),
        }
    }

    /// Name the regional host an SDK switches to once it knows the bucket's region.
    pub fn regional_host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal | Addressing::VirtualRegional => {
                Host::BucketRegional(bucket, region)
            }
            Addressing::PathGlobal | Addressing::PathRegional => Host::PathRegional(region),
            Addressing::Website => Host::Website(bucket),
        }
    }
}

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

/// Choose how long an SDK remembers a bucket's region.
///
/// Used by [`RedirectPolicy::SdkRegion`]: a remembered region sends later requests
/// straight to the regional name, skipping the redirect.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::{bucket::Bucket, client::*, distribution::Delay, facility::*, response::*, topology::*};
/// # use s3sim_model::dns::{DnsConfig, ResolverConfig};
/// # use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// # let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(ms(5)), capacity: None };
/// # let bucket = |name: &str| Bucket { name: name.into(), region: 1,
/// #     created_at: Some(SimTime::from_secs(60)), deleted_at: None, location_constraint: true, recreated: None };
/// # let config = WorldConfig {
/// #     duration: s(3600), bin: s(60),
/// #     topology: Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #         vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![ms(10); 2]),
/// #     buckets: vec![bucket("photos"), bucket("logs")],
/// #     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) } }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     trace_limit: 10_000,
/// # };
/// // `config`: a world like the one in `run_replica`'s example: bucket 0 created in
/// // eu-west-1 at t = 60 s, seen by the only resolver from t = 660 s; one client,
/// // one request a minute from t = 120 s, addressed `photos.s3.amazonaws.com`.
/// let statuses = |class: ClientClass| {
///     let mut c = config.clone();
///     c.classes[0] = class;
///     let out = run_replica(&c, RandomStreams::new(1));
///     out.traces.into_iter().map(|t| t.statuses).collect::<Vec<_>>()
/// };
/// let (t307, ok) = (Status::TemporaryRedirect, Status::Ok);
/// let sdk = |cache| ClientClass { redirects: RedirectPolicy::SdkRegion { cache }, ..config.classes[0].clone() };
/// // Requests at t = 120, 180 and 240 s, all before the global name propagates.
/// assert_eq!(statuses(sdk(RegionCache::None))[..3], [vec![t307, ok], vec![t307, ok], vec![t307, ok]]);
/// assert_eq!(statuses(sdk(RegionCache::Forever))[..3], [vec![t307, ok], vec![ok], vec![ok]]);
/// assert_eq!(statuses(sdk(RegionCache::Ttl(s(90))))[..3], [vec![t307, ok], vec![ok], vec![t307, ok]]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionCache {
    /// Learn for this request only (AWS SDK for JavaScript v3).
    None,
    /// Remember for the process's life (boto3, Java v2).
    Forever,
    /// Remember for a while.
    Ttl(SimDuration),
}

/// Choose what a client does with a 3xx (and with a 400 that names a region).
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::{bucket::Bucket, client::*, distribution::Delay, facility::*, response::*, topology::*};
/// # use s3sim_model::dns::{DnsConfig, ResolverConfig};
/// # use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// # let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(ms(5)), capacity: None };
/// # let bucket = |name: &str| Bucket { name: name.into(), region: 1,
/// #     created_at: Some(SimTime::from_secs(60)), deleted_at: None, location_constraint: true, recreated: None };
/// # let config = WorldConfig {
/// #     duration: s(3600), bin: s(60),
/// #     topology: Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #         vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![ms(10); 2]),
/// #     buckets: vec![bucket("photos"), bucket("logs")],
/// #     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) } }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     trace_limit: 10_000,
/// # };
/// // `config`: a world like the one in `run_replica`'s example: bucket 0 created in
/// // eu-west-1 at t = 60 s, seen by the only resolver from t = 660 s; one client,
/// // one request a minute from t = 120 s, addressed `photos.s3.amazonaws.com`.
/// let statuses = |class: ClientClass| {
///     let mut c = config.clone();
///     c.classes[0] = class;
///     let out = run_replica(&c, RandomStreams::new(1));
///     out.traces.into_iter().map(|t| t.statuses).collect::<Vec<_>>()
/// };
/// let (t307, ok) = (Status::TemporaryRedirect, Status::Ok);
/// let with = |redirects| ClientClass { redirects, ..config.classes[0].clone() };
/// let first = |redirects| statuses(with(redirects)).remove(0);
/// assert_eq!(first(RedirectPolicy::None), [t307]);
/// let curl = RedirectPolicy::FollowLocation { codes: vec![t307], max_hops: 1 };
/// assert_eq!(first(curl), [t307, ok]);
/// assert_eq!(first(RedirectPolicy::SdkRegion { cache: RegionCache::None }), [t307, ok]);
/// // A sticky client keeps the regional endpoint it was sent to.
/// let sticky = statuses(with(RedirectPolicy::Sticky { max_hops: 1 }));
/// assert_eq!(sticky[..2], [vec![t307, ok], vec![ok]]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectPolicy {
    /// Give up on any redirect (curl without `-L`).
    None,
    /// Follow `Location` for these codes, at most `max_hops` redirects per request.
    FollowLocation { codes: Vec<Status>, max_hops: u8 },
    /// Learn the region from `x-amz-bucket-region`, re-resolve the regional name,
    /// never use `Location`, one redirect per request (boto3, SDK for Java v2).
    SdkRegion { cache: RegionCache },
    /// Follow `Location` like a browser and keep using that endpoint for the bucket
    /// afterwards (what AWS warns against).
    Sticky { max_hops: u8 },
}

/// Choose how long a client process lives; a restart forgets every cache.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::{bucket::Bucket, client::*, distribution::Delay, facility::*, response::*, topology::*};
/// # use s3sim_model::dns::{DnsConfig, ResolverConfig};
/// # use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// # let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(ms(5)), capacity: None };
/// # let bucket = |name: &str| Bucket { name: name.into(), region: 1,
/// #     created_at: Some(SimTime::from_secs(60)), deleted_at: None, location_constraint: true, recreated: None };
/// # let config = WorldConfig {
/// #     duration: s(3600), bin: s(60),
/// #     topology: Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #         vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![ms(10); 2]),
/// #     buckets: vec![bucket("photos"), bucket("logs")],
/// #     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) } }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     trace_limit: 10_000,
/// # };
/// // `config`: a world like the one in `run_replica`'s example: bucket 0 created in
/// // eu-west-1 at t = 60 s, seen by the only resolver from t = 660 s; one client,
/// // one request a minute from t = 120 s, addressed `photos.s3.amazonaws.com`.
/// let statuses = |class: ClientClass| {
///     let mut c = config.clone();
///     c.classes[0] = class;
///     let out = run_replica(&c, RandomStreams::new(1));
///     out.traces.into_iter().map(|t| t.statuses).collect::<Vec<_>>()
/// };
/// let (t307, ok) = (Status::TemporaryRedirect, Status::Ok);
/// let sdk = |lifetime| ClientClass {
///     lifetime,
///     redirects: RedirectPolicy::SdkRegion { cache: RegionCache::Forever },
///     ..config.classes[0].clone()
/// };
/// // The second request (t = 180 s) remembers the region only in a long-lived process.
/// assert_eq!(statuses(sdk(Lifetime::LongLived))[1], [ok]);
/// assert_eq!(statuses(sdk(Lifetime::PerRequest))[1], [t307, ok]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// Never restarts during the run.
    LongLived,
    /// Restarts every period, at a phase that differs per client.
    RestartEvery(SimDuration),
    /// A fresh process for every request (CLI tools, cron jobs, lambdas cold-starting).
    PerRequest,
}

/// Choose which bucket a request goes to.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::{bucket::Bucket, client::*, distribution::Delay, facility::*, response::*, topology::*};
/// # use s3sim_model::dns::{DnsConfig, ResolverConfig};
/// # use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// # let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(ms(5)), capacity: None };
/// # let bucket = |name: &str| Bucket { name: name.into(), region: 1,
/// #     created_at: Some(SimTime::from_secs(60)), deleted_at: None, location_constraint: true, recreated: None };
/// # let config = WorldConfig {
/// #     duration: s(3600), bin: s(60),
/// #     topology: Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #         vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![ms(10); 2]),
/// #     buckets: vec![bucket("photos"), bucket("logs")],
/// #     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) } }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     trace_limit: 10_000,
/// # };
/// // `config`: a world like the one in `run_replica`'s example: bucket 0 created in
/// // eu-west-1 at t = 60 s, seen by the only resolver from t = 660 s; one client,
/// // one request a minute from t = 120 s, addressed `photos.s3.amazonaws.com`.
/// let share_of_first = |popularity| {
///     let mut c = config.clone();
///     c.classes[0].count = 10; // one request every 6 s
///     c.classes[0].buckets = vec![0, 1];
///     c.classes[0].popularity = popularity;
///     let traces = run_replica(&c, RandomStreams::new(1)).traces;
///     traces.iter().filter(|t| t.bucket == 0).count() as f64 / traces.len() as f64
/// };
/// let uniform = share_of_first(Popularity::Uniform);
/// assert!((0.4..0.6).contains(&uniform), "{uniform}");
/// let zipf = share_of_first(Popularity::Zipf(2.0)); // weights 1 and 1/4: 80 %
/// assert!((0.7..0.9).contains(&zipf), "{zipf}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Popularity {
    /// Every bucket of the workload equally likely.
    Uniform,
    /// The i-th bucket with weight i^(−exponent).
    Zipf(f64),
}

/// Choose when a client's requests start.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::{bucket::Bucket, client::*, distribution::Delay, facility::*, response::*, topology::*};
/// # use s3sim_model::dns::{DnsConfig, ResolverConfig};
/// # use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// # let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// # let region = |name: &str| Region { name: name.into(), opt_in: false };
/// # let facility = |name: &str, region| Facility { name: name.into(), region, ips: 2,
/// #     service_time: Delay::Fixed(ms(5)), capacity: None };
/// # let bucket = |name: &str| Bucket { name: name.into(), region: 1,
/// #     created_at: Some(SimTime::from_secs(60)), deleted_at: None, location_constraint: true, recreated: None };
/// # let config = WorldConfig {
/// #     duration: s(3600), bin: s(60),
/// #     topology: Topology::new(vec![region("us-east-1"), region("eu-west-1")], 0,
/// #         vec![facility("use1", 0), facility("euw1", 1)], vec!["here".into()], vec![ms(10); 2]),
/// #     buckets: vec![bucket("photos"), bucket("logs")],
/// #     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) } }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     trace_limit: 10_000,
/// # };
/// // `config`: a world like the one in `run_replica`'s example: bucket 0 created in
/// // eu-west-1 at t = 60 s, seen by the only resolver from t = 660 s; one client,
/// // one request a minute from t = 120 s, addressed `photos.s3.amazonaws.com`.
/// let mut c = config.clone();
/// c.classes[0].count = 2;
/// c.classes[0].arrivals = Arrivals::Periodic { interval: s(600) };
/// let out = run_replica(&c, RandomStreams::new(1));
/// let starts: Vec<_> = out.traces.iter().take(3).map(|t| (t.client, t.started)).collect();
/// let at = SimTime::from_secs;
/// assert_eq!(starts, [(0, at(120)), (1, at(420)), (0, at(720))]); // staggered by 600/2 s
///
/// c.classes[0].arrivals = Arrivals::Poisson { per_client_per_sec: 0.5 };
/// let issued = run_replica(&c, RandomStreams::new(1)).issued; // about 1/s for 3480 s
/// assert!((3000..4000).contains(&issued), "{issued}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arrivals {
    /// Each client a Poisson process with this rate per second.
    Poisson { per_client_per_sec: f64 },
    /// Each client one request per interval, clients evenly staggered.
    Periodic { interval: SimDuration },
    /// A Poisson process whose rate rises (or falls) linearly from `from` at the
    /// class's start to `to` at its stop: offered load sweeping through saturation.
    PoissonRamp {
        from_per_client_per_sec: f64,
        to_per_client_per_sec: f64,
    },
}

impl Arrivals {
    /// The highest per-client rate the process reaches.
    pub fn peak_per_client_per_sec(self) -> f64 {
        match self {
            Arrivals::Poisson { per_client_per_sec } => per_client_per_sec,
            Arrivals::Periodic { interval } => 1.0 / interval.as_secs_f64(),
            Arrivals::PoissonRamp {
                from_per_client_per_sec: from,
                to_per_client_per_sec: to,
            } => from.max(to),
        }
    }

    /// The per-client rate at `t` for a class active from `start` to `stop`.
    ///
    /// ```
    /// use s3sim_engine::SimTime;
    /// use s3sim_model::client::Arrivals;
    /// let ramp = Arrivals::PoissonRamp { from_per_client_per_sec: 1.0, to_per_client_per_sec: 3.0 };
    /// let at = SimTime::from_secs;
    /// assert_eq!(ramp.per_client_per_sec_at(at(100), at(200), at(150)), 2.0);
    /// ```
    pub fn per_client_per_sec_at(self, start: SimTime, stop: SimTime, t: SimTime) -> f64 {
        match self {
            Arrivals::PoissonRamp {
                from_per_client_per_sec: from,
                to_per_client_per_sec: to,
            } => {
                let span = stop.since(start).as_secs_f64();
                let done = if span > 0.0 {
                    (t.since(start).as_secs_f64() / span).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                from + (to - from) * done
            }
            other => other.peak_per_client_per_sec(),
        }
    }
}

/// Describe one population of clients that behave alike.
///
/// Clients of a class share every policy and differ only in their caches, their
/// resolver and, for periodic arrivals, their phase; that keeps a million clients cheap.
///
/// ```
/// # use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::client::*;
/// let class = ClientClass {
///     name: "boto3".into(),
///     count: 1000,
///     resolvers: 4..6,
/// #   location: 0, buckets: vec![0], popularity: Popularity::Uniform,
/// #   arrivals: Arrivals::Poisson { per_client_per_sec: 1.0 },
/// #   start: SimTime::ZERO, stop: SimTime::NEVER, lifetime: Lifetime::LongLived,
/// #   addressing: Addressing::VirtualGlobal, dns: DnsCachePolicy::None,
/// #   redirects: RedirectPolicy::SdkRegion { cache: RegionCache::Forever },
/// #   retry: None, connect_timeout: SimDuration::from_secs(10),
/// #   keys: KeyChoice::Objects(Popularity::Uniform), cdn: None,
///     // ...
/// };
/// let resolvers: Vec<u32> = (0..4).map(|client| class.resolver_of(client)).collect();
/// assert_eq!(resolvers, [4, 5, 4, 5]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ClientClass {
    /// Name used in outputs.
    pub name: String,
    /// Number of clients.
    pub count: u32,
    /// Where they are (for round trips).
    pub location: LocationId,
    /// Their resolvers (global resolver ids); client i uses `resolvers[i % len]`.
    pub resolvers: std::ops::Range<u32>,
    /// The buckets they use, most popular first.
    pub buckets: Vec<BucketId>,
    /// How requests spread over `buckets`.
    pub popularity: Popularity,
    /// When requests happen.
    pub arrivals: Arrivals,
    /// Requests start at this time ...
    pub start: SimTime,
    /// ... and stop at this time.
    pub stop: SimTime,
    /// Restarts.
    pub lifetime: Lifetime,
    /// How the bucket is named.
    pub addressing: Addressing,
    /// In-process DNS caching.
    pub dns: DnsCachePolicy,
    /// Reaction to redirects.
    pub redirects: RedirectPolicy,
    /// Retries after throttling, server errors and failed connections; `None`: never.
    pub retry: Option<RetryPolicy>,
    /// How long a connection attempt may go unanswered (black-holed IPs).
    pub connect_timeout: SimDuration,
    /// Which object keys requests ask for.
    pub keys: KeyChoice,
    /// Go through this CDN distribution (viewers) instead of to S3 directly.
    pub cdn: Option<u16>,
}

/// Choose the object key of each request.
///
/// ```
/// use s3sim_model::client::{KeyChoice, Popularity};
/// assert_ne!(KeyChoice::Objects(Popularity::Uniform), KeyChoice::Listed(vec![3]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum KeyChoice {
    /// One of the bucket's objects, with this popularity (most popular first).
    Objects(Popularity),
    /// Uniformly one of these keys, which need not exist.
    Listed(Vec<KeyId>),
}

/// Retry like the AWS SDKs: capped exponential backoff with full jitter, at most
/// `max_attempts` tries per request, optionally rationed by a token bucket.
///
/// Without a quota a fleet of clients retrying into an outage multiplies the load
/// (a retry storm); the SDKs' "standard" retry mode adds the quota for that reason.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration};
/// use s3sim_model::client::RetryPolicy;
/// let ms = SimDuration::from_millis;
/// let policy = RetryPolicy { max_attempts: 3, base: ms(100), cap: ms(20_000), quota: None };
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// // The third retry waits up to 100 ms · 2² = 400 ms.
/// assert_eq!(policy.backoff_bound(2), ms(400));
/// assert!(policy.backoff(2, &mut rng) <= ms(400));
/// assert_eq!(policy.backoff_bound(30), ms(20_000), "capped");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries per request, the first included (SDK default 3).
    pub max_attempts: u8,
    /// Backoff base (the first retry waits up to this long).
    pub base: SimDuration,
    /// Longest backoff.
    pub cap: SimDuration,
    /// Token bucket that rations retries, per client process.
    pub quota: Option<RetryQuota>,
}

impl RetryPolicy {
    /// The longest wait before retry number `retries_so_far + 1`: min(cap, base · 2^n).
    pub fn backoff_bound(&self, retries_so_far: u32) -> SimDuration {
        let factor = 1u64.checked_shl(retries_so_far).unwrap_or(u64::MAX);
        SimDuration::from_nanos(self.base.as_nanos().saturating_mul(factor)).min(self.cap)
    }

    /// Draw the wait before the next retry: uniform on [0, bound] ("full jitter").
    pub fn backoff(&self, retries_so_far: u32, rng: &mut SimRng) -> SimDuration {
        let bound = self.backoff_bound(retries_so_far).as_nanos();
        SimDuration::from_nanos(rng.random_range(0..=bound))
    }
}

/// Ration retries with a token bucket, as the SDKs' standard retry mode does.
///
/// A retry costs tokens (a timeout more), a success gives some back, and a client
/// with too few tokens gives up instead of retrying, so an outage cannot make a fleet
/// send unbounded extra load.
///
/// ```
/// use s3sim_model::client::RetryQuota;
/// let q = RetryQuota::default();
/// assert_eq!((q.capacity, q.retry_cost, q.timeout_cost, q.success_refund), (500, 5, 10, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryQuota {
    /// Tokens in a full bucket (a new process starts full).
    pub capacity: u16,
    /// Tokens a retry costs.
    pub retry_cost: u16,
    /// Tokens a retry after a timeout costs.
    pub timeout_cost: u16,
    /// Tokens a successful request returns.
    pub success_refund: u16,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        }
    }
}

impl ClientClass {
    /// Pick the (global) resolver id of client `client`.
    pub fn resolver_of(&self, client: u32) -> u32 {
        let n = self.resolvers.end - self.resolvers.start;
        self.resolvers.start + client % n
    }
}

/// Remember, per client, what its process has cached: DNS answers, learned regions,
/// sticky endpoints.
///
/// Kept as one short vector so that a client costs 32 bytes until it caches something;
/// memory grows with clients and the names they use, never with simulated time.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::client::ClientMemory;
/// use s3sim_model::dns::{Answer, Host};
/// let mut m = ClientMemory::default();
/// m.remember_answer(Host::PathGlobal, Answer::Ip(3), 0, SimTime::from_secs(30));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(29)), Some((Answer::Ip(3), 0)));
/// assert_eq!(m.answer(Host::PathGlobal, SimTime::from_secs(30)), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientMemory {
    epoch: u32,
    /// Retry-quota tokens spent (a new process has spent none).
    spent: u16,
    memos: Vec<Memo>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Memo {
    Dns {
        host: Host,
        answer: Answer,
        version: u16,
        expires: SimTime,
    },
    Region {
        bucket: BucketId,
        region: RegionId,
        expires: SimTime,
    },
    Sticky {
        bucket: BucketId,
        host: Host,
    },
}

impl ClientMemory {
    /// Forget everything if the process has restarted since the last request.
    pub fn enter_epoch(&mut self, epoch: u32) {
        if epoch != self.epoch {
            self.epoch = epoch;
            self.forget_all();
        }
    }

    /// Forget everything (a new process).
    pub fn forget_all(&mut self) {
        self.memos.clear();
        self.spent = 0;
    }

    /// Take `cost` tokens from the retry quota if that many are left.
    pub fn try_spend(&mut self, quota: &RetryQuota, cost: u16) -> bool {
        let left = quota.capacity.saturating_sub(self.spent);
        let affordable = cost <= left;
        if affordable {
            self.spent += cost;
        }
        affordable
    }

    /// Return tokens to the retry quota after a success.
    pub fn refund(&mut self, quota: &RetryQuota) {
        self.spent = self.spent.saturating_sub(quota.success_refund);
    }

    /// Look up a cached, unexpired DNS answer for `host` with its version.
    pub fn answer(&self, host: Host, now: SimTime) -> Option<(Answer, u16)> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Dns {
                host: h,
                answer,
                version,
                expires,
            } if h == host && now < expires => Some((answer, version)),
            _ => None,
        })
    }

    /// Cache a DNS answer until `expires`, replacing any older one.
    pub fn remember_answer(&mut self, host: Host, answer: Answer, version: u16, expires: SimTime) {
        self.memos
            .retain(|m| !matches!(m, Memo::Dns { host: h, .. } if *h == host));
        self.memos.push(Memo::Dns {
            host,
            answer,
            version,
            expires,
        });
    }

    /// Look up the region learned for `bucket`, if still remembered.
    pub fn region(&self, bucket: BucketId, now: SimTime) -> Option<RegionId> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Region {
                bucket: b,
                region,
                expires,
            } if b == bucket && now < expires => Some(region),
            _ => None,
        })
    }

    /// Remember `bucket`'s region until `expires`.
    pub fn learn_region(&mut self, bucket: BucketId, region: RegionId, expires: SimTime) {
        self.memos
            .retain(|m| !matches!(m, Memo::Region { bucket: b, .. } if *b == bucket));
        self.memos.push(Memo::Region {
            bucket,
            region,
            expires,
        });
    }

    /// Look up the endpoint a redirect gave for `bucket`, if the client sticks to one.
    pub fn sticky(&self, bucket: BucketId) -> Option<Host> {
        self.memos.iter().find_map(|m| match *m {
            Memo::Sticky { bucket: b, host } if b == bucket => Some(host),
            _ => None,
        })
    }

    /// Keep using `host` for `bucket` from now on.
    pub fn stick(&mut self, bucket: BucketId, host: Host) {
        self.memos
            .retain(|m| !matches!(m, Memo::Sticky { bucket: b, .. } if *b == bucket));
        self.memos.push(Memo::Sticky { bucket, host });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_memory_stays_small() {
        assert!(std::mem::size_of::<ClientMemory>() <= 32);
    }

    #[test]
    fn quota_refuses_a_retry_it_cannot_pay_for_and_refills_on_success() {
        let quota = RetryQuota {
            capacity: 12,
            ..RetryQuota::default()
        };
        let mut m = ClientMemory::default();
        assert!(m.try_spend(&quota, 5) && m.try_spend(&quota, 5));
        assert!(!m.try_spend(&quota, 5), "2 tokens left");
        m.refund(&quota);
        m.refund(&quota);
        m.refund(&quota);
        assert!(m.try_spend(&quota, 5), "5 tokens left");
        m.enter_epoch(1);
        assert!(m.try_spend(&quota, 10), "a restarted process starts full");
    }

    #[test]
    fn backoff_stays_within_full_jitter_bounds() {
        let ms = SimDuration::from_millis;
        let policy = RetryPolicy {
            max_attempts: 5,
            base: ms(50),
            cap: ms(1_000),
            quota: None,
        };
        let mut rng = s3sim_engine::RandomStreams::new(3).stream("test", 0);
        for n in 0..8 {
            let bound = ms(50 * (1 << n)).min(ms(1_000));
            assert_eq!(policy.backoff_bound(n), bound);
            let draws: Vec<SimDuration> = (0..2_000).map(|_| policy.backoff(n, &mut rng)).collect();
            assert!(draws.iter().all(|&d| d <= bound));
            let mean = draws.iter().map(|d| d.as_secs_f64()).sum::<f64>() / 2_000.0;
            let half = bound.as_secs_f64() / 2.0;
            assert!((mean - half).abs() < 0.05 * half, "mean {mean} vs {half}");
        }
    }

    #[test]
    fn a_restart_forgets_answers_regions_and_sticky_endpoints() {
        let mut m = ClientMemory::default();
        m.remember_answer(Host::PathGlobal, Answer::Ip(1), 0, SimTime::NEVER);
        m.learn_region(2, 1, SimTime::NEVER);
        m.stick(2, Host::BucketRegional(2, 1));
        m.enter_epoch(0);
        assert!(m.answer(Host::PathGlobal, SimTime::ZERO).is_some());
        m.enter_epoch(1);
        assert_eq!(m.answer(Host::PathGlobal, SimTime::ZERO), None);
        assert_eq!(m.region(2, SimTime::ZERO), None);
        assert_eq!(m.sticky(2), None);
    }

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
