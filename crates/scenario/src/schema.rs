//! The scenario file format: every field, its unit and its default.
//!
//! Durations are strings (`"30s"`, `"5m"`, `"24h"`), rates are `"COUNT/UNIT"` strings,
//! enums are written in snake case (`honor_ttl`, `fixed("30s")`), optional values may
//! be written bare (`created_at: "10m"`), and unknown fields are errors.

use crate::error::{ScenarioError, syntax_error};
use crate::units::{Dur, Rate};
use serde::{Deserialize, Serialize};

/// Describe a whole study: geography, buckets, DNS, resolvers and client populations.
///
/// ```
/// let text = r#"(
///     name: "tiny", duration: "10m",
///     regions: [(name: "us-east-1"), (name: "eu-west-1")],
///     buckets: [(name: "b", region: "eu-west-1", created_at: "1m")],
///     clients: [(name: "app", count: 10, arrivals: poisson("1/s"))],
/// )"#;
/// let s = s3sim_scenario::schema::from_ron(text, "tiny.ron").unwrap();
/// assert_eq!(s.replicas, 8);
/// assert_eq!(s.resolvers[0].count, 100);
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name; the default output directory is `results/<name>/`. Letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// What the scenario shows (free text).
    #[serde(default)]
    pub description: String,
    /// Simulated time span.
    pub duration: Dur,
    /// Width of a metrics time bin. Default `"1m"`.
    #[serde(default = "defaults::bin")]
    pub bin: Dur,
    /// Master seed; replica k uses streams derived from (seed, k). Default 1.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Independent replicas, run in parallel. Default 8.
    #[serde(default = "defaults::replicas")]
    pub replicas: u32,
    /// The region behind the global names. Default `"us-east-1"`.
    #[serde(default = "defaults::default_region")]
    pub default_region: String,
    /// Regions and their facilities.
    pub regions: Vec<RegionSpec>,
    /// Client locations (for round trips); region names are places too (clients in a
    /// region, e.g. on EC2). Default `["clients"]`.
    #[serde(default = "defaults::locations")]
    pub locations: Vec<String>,
    /// Round trips between locations and regions.
    #[serde(default)]
    pub rtt: RttSpec,
    /// Buckets.
    pub buckets: Vec<BucketSpec>,
    /// S3's authoritative DNS.
    #[serde(default)]
    pub dns: DnsSpec,
    /// Recursive resolver groups. Default one group `"isp"` of 100 resolvers.
    #[serde(default = "defaults::resolvers")]
    pub resolvers: Vec<ResolverSpec>,
    /// Client populations.
    pub clients: Vec<ClientSpec>,
    /// S3 behaviour switches.
    #[serde(default)]
    pub s3: S3Spec,
    /// A CloudFront-like CDN in front of S3: edges, distributions.
    #[serde(default)]
    pub cdn: Option<CdnSpec>,
    /// Timed faults and changes: outages, drains, IP rotations, resolver outages,
    /// record TTL changes, retired endpoints, buckets re-created elsewhere, CDN
    /// invalidations.
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// Run the scenario at several values of some fields (see [`SweepSpec`]).
    #[serde(default)]
    pub sweep: Option<SweepSpec>,
    /// Assertions on the outcome, checked by `s3sim check` (see [`Expectation`]).
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

/// Declare a parameter sweep: fields by path, each with a list of values.
///
/// Every point runs the same replicas with the same random streams (common random
/// numbers), so differences between points are the parameters', not noise.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// `product` (every combination) or `zip` (the i-th value of every field together).
    #[serde(default)]
    pub mode: SweepMode,
    /// The swept fields.
    pub fields: Vec<SweepField>,
    /// Names of the points, in point order (e.g. the variants of a story); they label
    /// the points in charts and outputs. Empty: labels are built from the values.
    #[serde(default)]
    pub names: Vec<String>,
}

/// Choose how the values of several swept fields combine.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SweepMode {
    /// The cartesian product, the last field varying fastest.
    #[default]
    Product,
    /// Lists of equal length, taken element by element.
    Zip,
}

/// Sweep one field: its path and the values to try, written as in the scenario.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepField {
    /// Field path, e.g. `resolvers[0].max_ttl` or `clients[*].dns`.
    pub path: String,
    /// Values in RON, e.g. `["1h", "10m"]` or `[fixed("30s"), forever]`.
    pub values: Vec<SweepValue>,
}

/// Hold one swept value as RON text, parsed only once its field's type is known.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(transparent)]
pub struct SweepValue(pub Box<ron::value::RawValue>);

impl SweepValue {
    /// The value's RON text.
    pub fn ron(&self) -> &str {
        self.0.get_ron().trim()
    }
}

impl PartialEq for SweepValue {
    fn eq(&self, other: &Self) -> bool {
        self.ron() == other.ron()
    }
}

/// State one assertion about a run's outcome; it holds when its 95 % CI is within the bound.
///
/// Metrics are the names of `timeseries.csv` (counters and rates; latency quantiles are
/// not averaged over windows). A window `from`..`to` defaults to the whole run; in a
/// sweep, `point` (0-based) restricts the assertion to one point, otherwise every point
/// must satisfy it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Expectation {
    /// `mean_below(metric: "redirect_rate", from: "75m", max: 0.01)`: the metric over the
    /// window (rates: ratio of the window's totals) has its CI at or below `max`.
    MeanBelow {
        metric: String,
        #[serde(default = "defaults::all")]
        class: String,
        #[serde(default)]
        from: Option<Dur>,
        #[serde(default)]
        to: Option<Dur>,
        max: f64,
        #[serde(default)]
        point: Option<usize>,
    },
    /// `mean_above(metric: "redirect_rate", from: "10m", to: "15m", min: 0.3)`.
    MeanAbove {
        metric: String,
        #[serde(default = "defaults::all")]
        class: String,
        #[serde(default)]
        from: Option<Dur>,
        #[serde(default)]
        to: Option<Dur>,
        min: f64,
        #[serde(default)]
        point: Option<usize>,
    },
    /// `settles_below(metric: "redirect_rate", threshold: 0.01, by: "75m")`: the start of
    /// the first bin after which the metric stays at or below `threshold` (bins without
    /// data do not count against it) has its CI at or before `by`.
    SettlesBelow {
        metric: String,
        #[serde(default = "defaults::all")]
        class: String,
        threshold: f64,
        by: Dur,
        #[serde(default)]
        point: Option<usize>,
    },
    /// `total_between(metric: "status_404", min: 0, max: 10)`: the metric over the whole
    /// run (counters: total per replica) has its CI within [min, max].
    TotalBetween {
        metric: String,
        #[serde(default = "defaults::all")]
        class: String,
        min: f64,
        max: f64,
        #[serde(default)]
        point: Option<usize>,
    },
    /// `point_less(metric: "redirect_rate", lower: 2, higher: 0)`: in a sweep, the metric
    /// at point `lower` is below the one at point `higher`: the CI of their per-replica
    /// difference (paired by common random numbers) lies below zero.
    PointLess {
        metric: String,
        #[serde(default = "defaults::all")]
        class: String,
        #[serde(default)]
        from: Option<Dur>,
        #[serde(default)]
        to: Option<Dur>,
        lower: usize,
        higher: usize,
    },
}

/// Describe a region.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// e.g. `"eu-west-1"`.
    pub name: String,
    /// Launched after 2019-03-20 (wrong-location requests get 400). Default false.
    #[serde(default)]
    pub opt_in: bool,
    /// Facilities. Default: one facility named after the region with default settings.
    #[serde(default)]
    pub facilities: Vec<FacilitySpec>,
}

/// Describe a facility.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FacilitySpec {
    /// Unique facility name.
    pub name: String,
    /// Endpoint IPs DNS hands out for it. Default 8.
    #[serde(default = "defaults::ips")]
    pub ips: u32,
    /// Time to answer a request once it arrived. Default `fixed("10ms")`.
    #[serde(default = "defaults::service_time")]
    pub service_time: DelaySpec,
    /// Requests served at once; absent: unlimited (no queueing, no 503).
    #[serde(default)]
    pub servers: Option<u32>,
    /// Requests that may wait for a server; one more gets 503 SlowDown. Default 1000
    /// (only with `servers`).
    #[serde(default)]
    pub queue_limit: Option<u32>,
}

/// Give round trips: a default plus per-(place, region) overrides.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RttSpec {
    /// Round trip for any pair not listed. Default `"50ms"`.
    #[serde(default = "defaults::rtt")]
    pub default: Dur,
    /// Round trip from a region to itself (clients inside the region). Default `"2ms"`.
    #[serde(default = "defaults::same_region")]
    pub same_region: Dur,
    /// Overrides.
    #[serde(default)]
    pub pairs: Vec<RttPair>,
}

impl Default for RttSpec {
    fn default() -> Self {
        RttSpec {
            default: defaults::rtt(),
            same_region: defaults::same_region(),
            pairs: Vec::new(),
        }
    }
}

/// Give the round trip between one place (location or region) and one region.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RttPair {
    /// A location or region name; the pair applies in both directions between regions.
    pub from: String,
    /// A region name.
    pub to: String,
    /// Round-trip time.
    pub rtt: Dur,
}

/// Describe a bucket.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BucketSpec {
    /// Bucket name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Creation time; absent means created long before the run (DNS settled).
    #[serde(default)]
    pub created_at: Option<Dur>,
    /// Deletion time; absent means never.
    #[serde(default)]
    pub deleted_at: Option<Dur>,
    /// Created with a CreateBucketConfiguration. Default: true outside the default region.
    #[serde(default)]
    pub location_constraint: Option<bool>,
    /// Generated objects `o/0` … `o/N-1` (besides `keys`). Default 0.
    #[serde(default)]
    pub objects: u32,
    /// Named objects (keys without a leading slash). With neither these nor `objects`,
    /// the bucket holds one object, `index.html`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Static-website hosting: index document and routing rules.
    #[serde(default)]
    pub website: Option<WebsiteSpec>,
}

/// Configure a bucket's static-website endpoint (DOMAIN.md §5).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebsiteSpec {
    /// Served for the root and for keys ending in `/`. Default `index.html`.
    #[serde(default = "defaults::index_document")]
    pub index_document: String,
    /// At most 50; first match wins. Written like S3's XML in snake case:
    /// `(condition: (key_prefix_equals: "old/"), redirect: (replace_key_prefix_with: "new/"))`.
    #[serde(default)]
    pub routing_rules: Vec<s3sim_model::website::RoutingRule>,
}

/// Describe the CDN: its edge locations and distributions.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CdnSpec {
    /// Edge locations (PoPs); viewers use the one with the shortest round trip.
    pub edges: Vec<EdgeSpec>,
    /// Distributions; every edge serves every one.
    pub distributions: Vec<DistributionSpec>,
    /// Time for an invalidation to reach an edge, drawn per edge. Default
    /// `uniform(low: "60s", high: "300s")` (commonly reported; unconfirmed).
    #[serde(default = "defaults::invalidation_delay")]
    pub invalidation_delay: DelaySpec,
}

/// One edge location.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EdgeSpec {
    pub name: String,
    /// The region it sits in (round trips are that region's).
    pub region: String,
    /// Objects its cache holds per distribution (LRU). Default 100 000.
    #[serde(default = "defaults::edge_capacity")]
    pub capacity: u32,
    /// The resolver group it asks for origin names. Default: the first group.
    #[serde(default)]
    pub resolvers: Option<String>,
}

/// One distribution: an S3 origin and how its answers are cached.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DistributionSpec {
    pub name: String,
    /// The origin bucket.
    pub bucket: String,
    /// The origin domain: `global` (`b.s3.amazonaws.com`), `regional`
    /// (`b.s3.REGION.amazonaws.com`) or `website` (the website endpoint).
    pub origin: OriginSpec,
    /// TTL rules.
    #[serde(default)]
    pub cache: CachePolicySpec,
    /// What `Cache-Control` the origin sends per kind of answer. Default: none at all.
    #[serde(default)]
    pub origin_cache_control: OriginCacheControlSpec,
    /// Origin access control: direct requests to the bucket get 403.
    #[serde(default)]
    pub access_control: bool,
}

/// The origin domain of a distribution.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OriginSpec {
    Global,
    Regional,
    Website,
}

/// CloudFront's TTL settings plus error caching and the 3xx rule.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CachePolicySpec {
    /// Default `"0s"`.
    #[serde(default = "defaults::zero")]
    pub min_ttl: Dur,
    /// Default `"24h"`.
    #[serde(default = "defaults::default_ttl")]
    pub default_ttl: Dur,
    /// Default `"365d"`.
    #[serde(default = "defaults::max_ttl_cdn")]
    pub max_ttl: Dur,
    /// Error-caching minimum TTL. Default `"10s"`.
    #[serde(default = "defaults::error_min_ttl")]
    pub error_min_ttl: Dur,
    /// `legacy` (every 3xx cached per the TTLs) or `current` (307/308 only with
    /// Cache-Control). Default `legacy`.
    #[serde(default)]
    pub redirects: RedirectCachingSpec,
}

impl Default for CachePolicySpec {
    fn default() -> Self {
        CachePolicySpec {
            min_ttl: defaults::zero(),
            default_ttl: defaults::default_ttl(),
            max_ttl: defaults::max_ttl_cdn(),
            error_min_ttl: defaults::error_min_ttl(),
            redirects: RedirectCachingSpec::default(),
        }
    }
}

/// Which of AWS's two documented 3xx caching rules applies.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RedirectCachingSpec {
    #[default]
    Legacy,
    Current,
}

/// The origin's `Cache-Control` per kind of answer.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OriginCacheControlSpec {
    /// With a 200.
    #[serde(default)]
    pub ok: Option<CacheControlSpec>,
    /// With a 3xx (S3 sends none).
    #[serde(default)]
    pub redirect: Option<CacheControlSpec>,
    /// With a 4xx or 5xx (S3 sends none).
    #[serde(default)]
    pub error: Option<CacheControlSpec>,
}

/// One `Cache-Control` header, reduced to what a shared cache reads.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CacheControlSpec {
    #[serde(default)]
    pub max_age: Option<Dur>,
    #[serde(default)]
    pub s_maxage: Option<Dur>,
    /// Any of `no-cache`, `no-store`, `private`.
    #[serde(default)]
    pub no_store: bool,
}

/// Describe S3's authoritative DNS.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DnsSpec {
    /// TTL of S3's A records. Default `"5s"` (one public dig; unconfirmed).
    #[serde(default = "defaults::record_ttl")]
    pub record_ttl: Dur,
    /// Delay until a new bucket's global name reaches the node a resolver asks,
    /// drawn per resolver. Default `log_normal(median: "5m", sigma: 1.0)`.
    #[serde(default = "defaults::propagation")]
    pub propagation: DelaySpec,
    /// No resolver waits longer. Default `"24h"`.
    #[serde(default = "defaults::propagation_cap")]
    pub propagation_cap: Dur,
    /// Names of missing buckets get NXDOMAIN instead of the default region's wildcard.
    /// Default false (S3 has answered them with a wildcard since 2019).
    #[serde(default)]
    pub missing_bucket_nxdomain: bool,
}

impl Default for DnsSpec {
    fn default() -> Self {
        DnsSpec {
            record_ttl: defaults::record_ttl(),
            propagation: defaults::propagation(),
            propagation_cap: defaults::propagation_cap(),
            missing_bucket_nxdomain: false,
        }
    }
}

/// Describe a group of identical recursive resolvers.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResolverSpec {
    /// Group name, referenced by clients.
    pub name: String,
    /// Number of resolvers; each has its own cache and its own propagation delay. Default 1.
    #[serde(default = "defaults::one")]
    pub count: u32,
    /// Floor on cached TTLs. Default `"0s"` (Unbound).
    #[serde(default = "defaults::zero")]
    pub min_ttl: Dur,
    /// Ceiling on cached TTLs. Default `"1d"` (Unbound).
    #[serde(default = "defaults::max_ttl")]
    pub max_ttl: Dur,
    /// How long NXDOMAIN is cached. Default `"60s"`.
    #[serde(default = "defaults::negative_ttl")]
    pub negative_ttl: Dur,
    /// Client-to-resolver round trip, paid on every query. Default `"1ms"`.
    #[serde(default = "defaults::resolver_rtt")]
    pub rtt: Dur,
    /// Extra time of a cache miss. Default `"30ms"`.
    #[serde(default = "defaults::miss_rtt")]
    pub miss_rtt: Dur,
}

/// Describe a population of clients that behave alike.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// Class name, shown in outputs.
    pub name: String,
    /// Number of clients. Default 1.
    #[serde(default = "defaults::one_u64")]
    pub count: u64,
    /// Location or region name. Default: the first location.
    #[serde(default)]
    pub location: Option<String>,
    /// Resolver group name. Default: the first group.
    #[serde(default)]
    pub resolvers: Option<String>,
    /// Buckets used, most popular first. Default: all buckets.
    #[serde(default)]
    pub buckets: Vec<String>,
    /// How requests spread over the buckets. Default `uniform`.
    #[serde(default)]
    pub popularity: PopularitySpec,
    /// When each client sends requests.
    pub arrivals: ArrivalsSpec,
    /// First request time. Default `"0s"`.
    #[serde(default = "defaults::zero")]
    pub start: Dur,
    /// No request after this. Default: the end of the run.
    #[serde(default)]
    pub stop: Option<Dur>,
    /// Process lifetime. Default `long_lived`.
    #[serde(default)]
    pub lifetime: LifetimeSpec,
    /// How the bucket is named. Default `virtual_global`.
    #[serde(default)]
    pub addressing: AddressingSpec,
    /// In-process DNS caching. Default `none`.
    #[serde(default)]
    pub dns: DnsCacheSpec,
    /// What the client does with redirects. Default `follow_location()`.
    #[serde(default = "defaults::redirects")]
    pub redirects: RedirectSpec,
    /// SDK-style retries; absent: a failed try ends the request.
    #[serde(default)]
    pub retry: Option<RetrySpec>,
    /// How long a connection attempt may go unanswered before it fails. Default `"10s"`.
    #[serde(default = "defaults::connect_timeout")]
    pub connect_timeout: Dur,
    /// Go through this CDN distribution (a viewer) instead of to S3 directly.
    #[serde(default)]
    pub cdn: Option<String>,
    /// Ask for these keys, uniformly (they need not exist). Default: the bucket's
    /// objects, with `key_popularity`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// How requests spread over a bucket's objects. Default `uniform`.
    #[serde(default)]
    pub key_popularity: PopularitySpec,
}

/// Retry like the AWS SDKs: `max_attempts` tries, full-jitter backoff
/// uniform(0, min(cap, base · 2^retry)), optionally rationed by a token quota.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Tries per request, the first included. Default 3.
    #[serde(default = "defaults::max_attempts")]
    pub max_attempts: u8,
    /// Backoff base. Default `"100ms"`.
    #[serde(default = "defaults::backoff_base")]
    pub base: Dur,
    /// Longest backoff. Default `"20s"`.
    #[serde(default = "defaults::backoff_cap")]
    pub cap: Dur,
    /// Token bucket per client process; absent: no rationing (up to `max_attempts`).
    #[serde(default)]
    pub quota: Option<QuotaSpec>,
}

/// The SDKs' retry quota: a retry costs tokens, a success refunds some.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuotaSpec {
    /// Tokens in a full bucket. Default 500.
    #[serde(default = "defaults::quota_capacity")]
    pub capacity: u16,
    /// Tokens a retry costs. Default 5.
    #[serde(default = "defaults::retry_cost")]
    pub retry_cost: u16,
    /// Tokens a retry after a connect timeout costs. Default 10.
    #[serde(default = "defaults::timeout_cost")]
    pub timeout_cost: u16,
    /// Tokens a success returns. Default 1.
    #[serde(default = "defaults::one_u16")]
    pub success_refund: u16,
}

/// One timed fault or change.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum EventSpec {
    /// A facility fails for a while; DNS notices after the health check delay.
    Outage {
        facility: String,
        at: Dur,
        duration: Dur,
        #[serde(default)]
        mode: OutageModeSpec,
        #[serde(default = "defaults::health_check")]
        health_check: Dur,
    },
    /// A facility stops taking new connections and leaves DNS at once.
    Drain { facility: String, at: Dur },
    /// A facility's records move to new IPs; the old ones work `grace` longer.
    IpRotation {
        facility: String,
        at: Dur,
        #[serde(default = "defaults::grace")]
        grace: Dur,
    },
    /// A resolver group loses the authoritative side.
    ResolverOutage {
        resolvers: String,
        at: Dur,
        duration: Dur,
        #[serde(default)]
        serve_stale: bool,
    },
    /// Every record gets a new TTL.
    RecordTtl { at: Dur, ttl: Dur },
    /// The redirect endpoint names of a region stop resolving.
    EndpointRetired { region: String, at: Dur },
    /// A CDN invalidation: `paths` (`/` + key, `*` only last) leave every edge's cache
    /// after a per-edge delay; billed 1000 paths a month free, then $0.005 a path.
    Invalidation {
        distribution: String,
        at: Dur,
        paths: Vec<String>,
    },
    /// A bucket is deleted and its name created again, maybe in another region.
    BucketRecreated {
        bucket: String,
        deleted_at: Dur,
        at: Dur,
        region: String,
    },
}

impl EventSpec {
    /// When the event starts.
    pub fn at(&self) -> Dur {
        match self {
            EventSpec::Outage { at, .. }
            | EventSpec::Drain { at, .. }
            | EventSpec::IpRotation { at, .. }
            | EventSpec::ResolverOutage { at, .. }
            | EventSpec::RecordTtl { at, .. }
            | EventSpec::EndpointRetired { at, .. }
            | EventSpec::Invalidation { at, .. } => *at,
            EventSpec::BucketRecreated { deleted_at, .. } => *deleted_at,
        }
    }
}

/// How a facility that is down treats connections.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutageModeSpec {
    /// Refused at once.
    #[default]
    Refused,
    /// No answer: clients wait for their connect timeout.
    BlackHoled,
}

/// Choose a delay distribution.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DelaySpec {
    /// `fixed("5m")`
    Fixed(Dur),
    /// `uniform(low: "1m", high: "10m")`
    Uniform { low: Dur, high: Dur },
    /// `exponential(mean: "5m")`
    Exponential { mean: Dur },
    /// `log_normal(median: "5m", sigma: 1.0)`
    LogNormal { median: Dur, sigma: f64 },
    /// `quantiles([(0.0, "0s"), (0.5, "5m"), (1.0, "2h")])`: (probability, delay) points,
    /// linearly interpolated; probabilities from 0 to 1, delays not decreasing.
    Quantiles(Vec<(f64, Dur)>),
}

/// Choose how requests spread over a class's buckets.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PopularitySpec {
    /// Equally likely.
    #[default]
    Uniform,
    /// `zipf(1.0)`: the i-th bucket with weight i^(−s).
    Zipf(f64),
}

/// Choose when requests happen.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ArrivalsSpec {
    /// `poisson("2/min")`: each client a Poisson process at this rate.
    Poisson(Rate),
    /// `periodic("30s")`: each client once per interval, clients evenly staggered.
    Periodic(Dur),
    /// `poisson_ramp(from: "1/s", to: "20/s")`: a Poisson process per client whose
    /// rate changes linearly from the class's start to its stop.
    PoissonRamp { from: Rate, to: Rate },
}

/// Choose a process lifetime.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LifetimeSpec {
    /// Never restarts.
    #[default]
    LongLived,
    /// `restart_every("6h")`: restarts (forgetting caches), each client at its own phase.
    RestartEvery(Dur),
    /// A new process per request: nothing is cached across requests.
    PerRequest,
}

/// Choose the addressing style.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AddressingSpec {
    /// `bucket.s3.amazonaws.com`
    #[default]
    VirtualGlobal,
    /// `bucket.s3.REGION.amazonaws.com`
    VirtualRegional,
    /// `s3.amazonaws.com/bucket`
    PathGlobal,
    /// `s3.REGION.amazonaws.com/bucket`
    PathRegional,
    /// The static-website endpoint (`bucket.s3-website-REGION.amazonaws.com`).
    Website,
}

/// Choose in-process DNS caching.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DnsCacheSpec {
    /// Ask the resolver every time.
    #[default]
    None,
    /// Keep for the record's (resolver-clamped) TTL.
    HonorTtl,
    /// `fixed("30s")`: keep for a fixed time (JVM 30 s).
    Fixed(Dur),
    /// `at_least("60s")`: the TTL, but at least this (Chromium 60 s).
    AtLeast(Dur),
    /// Keep for the life of the process.
    Forever,
    /// Keep until the process restarts (PHP VM).
    UntilRestart,
}

/// Choose what a client does with redirects.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RedirectSpec {
    /// Give up on any redirect.
    None,
    /// `follow_location(codes: [302, 307], max_hops: 10)`: follow `Location` for these codes.
    /// Defaults: codes `[301, 302, 307]`, max_hops 10.
    FollowLocation {
        #[serde(default = "defaults::codes")]
        codes: Vec<u16>,
        #[serde(default = "defaults::max_hops")]
        max_hops: u8,
    },
    /// `sdk_region(cache: forever)`: learn the region, use the regional name (boto3).
    /// Cache default `forever`.
    SdkRegion {
        #[serde(default)]
        cache: RegionCacheSpec,
    },
    /// `sticky(max_hops: 10)`: follow `Location` and keep using it for the bucket.
    Sticky {
        #[serde(default = "defaults::max_hops")]
        max_hops: u8,
    },
}

/// Choose how long an SDK remembers a bucket's region.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RegionCacheSpec {
    /// For one request only.
    None,
    /// For the life of the process.
    #[default]
    Forever,
    /// `ttl("10m")`.
    Ttl(Dur),
}

/// Configure S3 behaviour that sources disagree on.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Spec {
    /// Code of the temporary redirect: 307 (AWS's example) or 302 (AWS's prose). Default 307.
    #[serde(default = "defaults::temporary_redirect_code")]
    pub temporary_redirect_code: u16,
    /// Code of a website routing rule that names none: 301 (unconfirmed for AWS).
    #[serde(default = "defaults::website_redirect_code")]
    pub website_redirect_code: u16,
}

impl Default for S3Spec {
    fn default() -> Self {
        S3Spec {
            temporary_redirect_code: defaults::temporary_redirect_code(),
            website_redirect_code: defaults::website_redirect_code(),
        }
    }
}

/// Parse scenario text (syntax and types only; see [`crate::validate`] for meaning).
pub fn from_ron(source: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(source)
        .map_err(|e| syntax_error(source, origin, &e))
}

mod defaults {
    use super::*;

    pub fn bin() -> Dur {
        Dur::secs(60)
    }
    pub fn seed() -> u64 {
        1
    }
    pub fn replicas() -> u32 {
        8
    }
    pub fn default_region() -> String {
        "us-east-1".into()
    }
    pub fn locations() -> Vec<String> {
        vec!["clients".into()]
    }
    pub fn ips() -> u32 {
        8
    }
    pub fn service_time() -> DelaySpec {
        DelaySpec::Fixed(Dur::millis(10))
    }
    pub fn rtt() -> Dur {
        Dur::millis(50)
    }
    pub fn same_region() -> Dur {
        Dur::millis(2)
    }
    pub fn record_ttl() -> Dur {
        Dur::secs(5)
    }
    pub fn propagation() -> DelaySpec {
        DelaySpec::LogNormal {
            median: Dur::secs(300),
            sigma: 1.0,
        }
    }
    pub fn propagation_cap() -> Dur {
        Dur::secs(86_400)
    }
    pub fn resolvers() -> Vec<ResolverSpec> {
        vec![ResolverSpec {
            name: "isp".into(),
            count: 100,
            min_ttl: zero(),
            max_ttl: max_ttl(),
            negative_ttl: negative_ttl(),
            rtt: resolver_rtt(),
            miss_rtt: miss_rtt(),
        }]
    }
    pub fn one() -> u32 {
        1
    }
    pub fn one_u64() -> u64 {
        1
    }
    pub fn zero() -> Dur {
        Dur::secs(0)
    }
    pub fn max_ttl() -> Dur {
        Dur::secs(86_400)
    }
    pub fn negative_ttl() -> Dur {
        Dur::secs(60)
    }
    pub fn resolver_rtt() -> Dur {
        Dur::millis(1)
    }
    pub fn miss_rtt() -> Dur {
        Dur::millis(30)
    }
    pub fn codes() -> Vec<u16> {
        vec![301, 302, 307]
    }
    pub fn max_hops() -> u8 {
        10
    }
    pub fn redirects() -> RedirectSpec {
        RedirectSpec::FollowLocation {
            codes: codes(),
            max_hops: max_hops(),
        }
    }
    pub fn temporary_redirect_code() -> u16 {
        307
    }
    pub fn all() -> String {
        "all".into()
    }
    pub fn connect_timeout() -> Dur {
        Dur::secs(10)
    }
    pub fn max_attempts() -> u8 {
        3
    }
    pub fn backoff_base() -> Dur {
        Dur::millis(100)
    }
    pub fn backoff_cap() -> Dur {
        Dur::secs(20)
    }
    pub fn quota_capacity() -> u16 {
        500
    }
    pub fn retry_cost() -> u16 {
        5
    }
    pub fn timeout_cost() -> u16 {
        10
    }
    pub fn one_u16() -> u16 {
        1
    }
    pub fn health_check() -> Dur {
        Dur::secs(30)
    }
    pub fn grace() -> Dur {
        Dur::secs(600)
    }
    pub fn index_document() -> String {
        "index.html".into()
    }
    pub fn invalidation_delay() -> DelaySpec {
        DelaySpec::Uniform {
            low: Dur::secs(60),
            high: Dur::secs(300),
        }
    }
    pub fn edge_capacity() -> u32 {
        100_000
    }
    pub fn default_ttl() -> Dur {
        Dur::secs(86_400)
    }
    pub fn max_ttl_cdn() -> Dur {
        Dur::secs(31_536_000)
    }
    pub fn error_min_ttl() -> Dur {
        Dur::secs(10)
    }
    pub fn website_redirect_code() -> u16 {
        301
    }
}
