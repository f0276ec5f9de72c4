//! Client classes: who the clients are, how they name buckets, when they send requests,
//! what they ask for and how long their processes live.

use super::addressing::Addressing;
use super::dns_cache::DnsCachePolicy;
use super::redirect::RedirectPolicy;
use super::retry::RetryPolicy;
use crate::bucket::{BucketId, KeyId};
use crate::response::Method;
use crate::topology::{LocationId, RegionId};
use rand::RngExt;
use s3sim_engine::{SimDuration, SimRng, SimTime};

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
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) }, warm_start: false }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None, region: None, sigv4: false,
/// #         methods: MethodMix::default(), list_bucket: true, stub: Default::default() }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     rate_limits: Default::default(),
/// #     trace_limit: 10_000,
/// #     learning_delay: s3sim_model::distribution::Delay::Fixed(s3sim_engine::SimDuration::ZERO),
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
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) }, warm_start: false }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None, region: None, sigv4: false,
/// #         methods: MethodMix::default(), list_bucket: true, stub: Default::default() }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     rate_limits: Default::default(),
/// #     trace_limit: 10_000,
/// #     learning_delay: s3sim_model::distribution::Delay::Fixed(s3sim_engine::SimDuration::ZERO),
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
///     let n = traces.len() as f64; // 581 requests from 120 s to 3600 s
///     (traces.iter().filter(|t| t.bucket == 0).count() as f64 / n, n)
/// };
/// // Binomial shares within 3.5σ: each check at 0.05 %, both at 0.1 %.
/// let (uniform, n) = share_of_first(Popularity::Uniform);
/// assert!((uniform - 0.5).abs() < 3.5 * (0.5 * 0.5 / n).sqrt(), "{uniform}");
/// let (zipf, n) = share_of_first(Popularity::Zipf(2.0)); // weights 1 and 1/4: 80 %
/// assert!((zipf - 0.8).abs() < 3.5 * (0.8 * 0.2 / n).sqrt(), "{zipf}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Popularity {
    /// Every bucket of the workload equally likely.
    Uniform,
    /// The i-th bucket with weight i^(−exponent).
    Zipf(f64),
}

impl Popularity {
    /// The relative weight of each of `n` choices, in list order (not normalised).
    ///
    /// Why here: the sampler (`world/arrivals.rs`) and the closed forms
    /// (`world/query_rates.rs`) must agree on one table of weights.
    ///
    /// ```
    /// use s3sim_model::client::Popularity;
    /// assert_eq!(Popularity::Zipf(1.0).weights(3), [1.0, 0.5, 1.0 / 3.0]);
    /// assert_eq!(Popularity::Uniform.weights(2), [1.0, 1.0]);
    /// ```
    pub fn weights(self, n: usize) -> Vec<f64> {
        match self {
            Popularity::Uniform => vec![1.0; n],
            Popularity::Zipf(s) => (1..=n).map(|i| (i as f64).powf(-s)).collect(),
        }
    }
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
/// #         propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None },
/// #     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
/// #         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400), negative_ttl: s(60),
/// #             rtt: ms(1), miss_rtt: ms(20) }, warm_start: false }],
/// #     classes: vec![ClientClass { name: "c".into(), count: 1, location: 0, resolvers: 0..1,
/// #         buckets: vec![0], popularity: Popularity::Uniform,
/// #         arrivals: Arrivals::Periodic { interval: s(60) },
/// #         start: SimTime::from_secs(120), stop: SimTime::NEVER,
/// #         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
/// #         dns: DnsCachePolicy::None, redirects: RedirectPolicy::None, retry: None,
/// #         connect_timeout: SimDuration::from_secs(10),
/// #         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None, region: None, sigv4: false,
/// #         methods: MethodMix::default(), list_bucket: true, stub: Default::default() }],
/// #     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
/// #     faults: vec![], cdn: Default::default(), objects: Default::default(),
/// #     rate_limits: Default::default(),
/// #     trace_limit: 10_000,
/// #     learning_delay: s3sim_model::distribution::Delay::Fixed(s3sim_engine::SimDuration::ZERO),
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
/// let issued = run_replica(&c, RandomStreams::new(1)).issued as f64; // 1/s for 3480 s
/// assert!((issued - 3480.0).abs() < 3.5 * 3480f64.sqrt(), "{issued}"); // Poisson, 3.5σ
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arrivals {
    /// Each client a Poisson process with this rate per second.
    Poisson {
        /// Requests per second of one client.
        per_client_per_sec: f64,
    },
    /// Each client one request per interval, clients evenly staggered.
    Periodic {
        /// Time between two requests of one client.
        interval: SimDuration,
    },
    /// A Poisson process whose rate rises (or falls) linearly from `from` at the
    /// class's start to `to` at its stop: offered load sweeping through saturation.
    PoissonRamp {
        /// Requests per second of one client at the class's start.
        from_per_client_per_sec: f64,
        /// Requests per second of one client at the class's stop.
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
/// #   keys: KeyChoice::Objects(Popularity::Uniform), cdn: None, region: None, sigv4: false,
/// #         methods: MethodMix::default(), list_bucket: true, stub: Default::default(),
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
    /// The region the client is configured with (`AWS_REGION`, a profile): regional
    /// addressing calls this region's endpoint; `None`: each bucket's own region.
    pub region: Option<RegionId>,
    /// Sign requests with SigV4 for the region it addresses (docs/domain.md §1: S3
    /// answers a signature for another region with 400 AuthorizationHeaderMalformed).
    pub sigv4: bool,
    /// The operations its requests perform (GET, HEAD, PUT).
    pub methods: MethodMix,
    /// The clients hold `s3:ListBucket`: a GET or HEAD of a missing key gets 404
    /// NoSuchKey, else 403 AccessDenied (docs/domain.md §1, *GetObject*).
    pub list_bucket: bool,
    /// The host's stub resolver: search domains, `ndots`, A or A + AAAA
    /// (docs/domain.md §3); the default sends one A query per lookup.
    pub stub: crate::dns::StubResolver,
}

/// Spread a class's requests over HTTP methods.
///
/// The default is every request a GET, drawn from no random stream, so a class without
/// a mix runs exactly as before methods existed.
///
/// ```
/// use s3sim_engine::RandomStreams;
/// use s3sim_model::client::MethodMix;
/// use s3sim_model::response::Method;
/// let mut rng = RandomStreams::new(1).stream("methods", 0);
/// assert_eq!(MethodMix::default().choose(&mut rng), Method::Get);
/// let heads = MethodMix::new(&[(Method::Head, 1.0)]);
/// assert_eq!(heads.choose(&mut rng), Method::Head);
/// let half = MethodMix::new(&[(Method::Get, 1.0), (Method::Put, 1.0)]);
/// let puts = (0..1000).filter(|_| half.choose(&mut rng) == Method::Put).count();
/// assert!((430..570).contains(&puts), "{puts}");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MethodMix {
    /// (upper end of the method's share of \[0, 1), method), in the given order; empty:
    /// GET only.
    cumulative: Vec<(f64, Method)>,
}

impl MethodMix {
    /// Build a mix from (method, weight) pairs; weights are relative, positive.
    pub fn new(weights: &[(Method, f64)]) -> Self {
        let total: f64 = weights.iter().map(|w| w.1).sum();
        let mut sum = 0.0;
        let cumulative = weights
            .iter()
            .map(|&(method, w)| {
                sum += w;
                (sum / total, method)
            })
            .collect();
        MethodMix { cumulative }
    }

    /// Draw the method of one request (no draw unless the mix is mixed).
    pub fn choose(&self, rng: &mut SimRng) -> Method {
        match self.cumulative.as_slice() {
            [] => Method::Get,
            [(_, only)] => *only,
            all => {
                let u: f64 = rng.random();
                all.iter()
                    .find(|(upper, _)| u < *upper)
                    .map_or(all[all.len() - 1].1, |&(_, m)| m)
            }
        }
    }
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

impl ClientClass {
    /// Pick the (global) resolver id of client `client`.
    pub fn resolver_of(&self, client: u32) -> u32 {
        let n = self.resolvers.end - self.resolvers.start;
        self.resolvers.start + client % n
    }
}
