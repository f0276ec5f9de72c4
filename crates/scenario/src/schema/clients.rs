//! Client populations and the policies that make them behave like real SDKs,
//! browsers and scripts: arrivals, DNS caching, redirects, retries.

use crate::units::{Dur, Rate};
use serde::{Deserialize, Serialize};

/// Describe a population of clients that behave alike.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// Class name, shown in outputs. Required.
    pub name: String,
    /// Number of clients. Default 1.
    #[serde(default = "defaults::one")]
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
    /// When each client sends requests. Required.
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
    /// Go through this CDN distribution (a viewer) instead of to S3 directly. Default:
    /// straight to S3.
    #[serde(default)]
    pub cdn: Option<String>,
    /// Ask for these keys, uniformly (they need not exist). Default: the bucket's
    /// objects, with `key_popularity`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// How requests spread over a bucket's objects. Default `uniform`.
    #[serde(default)]
    pub key_popularity: PopularitySpec,
    /// The region the client is configured with (`AWS_REGION`, a profile): regional
    /// addressing calls this region's endpoint, and a SigV4 signature names it.
    /// Default: each bucket's own region (a correctly configured client).
    #[serde(default)]
    pub region: Option<String>,
    /// Sign requests with SigV4 for the region it addresses; S3 answers a signature for
    /// another region with 400 AuthorizationHeaderMalformed. Default `false`.
    #[serde(default)]
    pub sigv4: bool,
    /// How requests spread over HTTP methods, relative weights:
    /// `(get: 0.8, head: 0.2)`. Default: every request a GET.
    #[serde(default)]
    pub methods: Option<MethodsSpec>,
    /// The clients hold `s3:ListBucket` on the bucket: a GET or HEAD of a key that does
    /// not exist gets 404 NoSuchKey; `false` gets 403 AccessDenied instead
    /// (docs/domain.md §1). Default `true`.
    #[serde(default = "defaults::yes")]
    pub list_bucket: bool,
    /// The host's stub resolver: search domains, `ndots`, A or A + AAAA. Default: one
    /// A query per lookup.
    /// Left out when absent, so that the scenario `report.html` shows reads as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stub_resolver: Option<super::stub::StubSpec>,
    /// How the host dials a dual-stack name (`addressing: virtual_dualstack` or
    /// `path_dualstack`): `(family: happy_eyeballs, ipv6_route: black_holed)`.
    /// Default: IPv4 only, as every client before dual-stack names.
    /// Left out when absent, so that the scenario `report.html` shows reads as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpSpec>,
}

/// Describe how a client host dials a name with A and AAAA records (docs/domain.md §3,
/// "Dual-stack endpoints").
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IpSpec {
    /// Which family the client tries. Default `ipv4_only`.
    #[serde(default)]
    pub family: IpFamilySpec,
    /// What an IPv6 connection attempt meets on the host's network. Default `works`.
    #[serde(default)]
    pub ipv6_route: Ipv6RouteSpec,
    /// Happy Eyeballs' Connection Attempt Delay: how long IPv6 runs alone before IPv4
    /// is tried, 10 ms to 2 s. Default `"250ms"` (RFC 8305 §5).
    #[serde(default = "defaults::attempt_delay")]
    pub attempt_delay: Dur,
}

/// Choose which IP family a client tries for a dual-stack name.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum IpFamilySpec {
    /// IPv4 only (the A answer).
    #[default]
    Ipv4Only,
    /// IPv6 only (the AAAA answer), no fallback.
    Ipv6Only,
    /// IPv6 first, IPv4 after `attempt_delay` (Happy Eyeballs, RFC 8305).
    HappyEyeballs,
}

/// Choose what an IPv6 connection attempt meets on the client host's network.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Ipv6RouteSpec {
    /// IPv6 reaches S3 like IPv4.
    #[default]
    Works,
    /// No working route and no error: the SYN is lost, the attempt waits for
    /// `connect_timeout`.
    BlackHoled,
    /// No route, said at once (ICMPv6 unreachable, `ENETUNREACH`): the attempt fails
    /// immediately.
    Unreachable,
}

/// Relative weights of the HTTP methods of a class's requests; absent ones weigh 0.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MethodsSpec {
    /// GetObject. Default 0.
    #[serde(default)]
    pub get: f64,
    /// HeadObject (no body: an SDK cannot read an error's region). Default 0.
    #[serde(default)]
    pub head: f64,
    /// PutObject (charged to the prefix's write budget). Default 0.
    #[serde(default)]
    pub put: f64,
}

/// Retry like the AWS SDKs: `max_attempts` tries, full-jitter backoff
/// uniform(0, min(cap, base · 2^retry)), optionally rationed by a token quota.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Tries per request, the first included, 1 to 20. Default 3.
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
    #[serde(default = "defaults::success_refund")]
    pub success_refund: u16,
}

/// Choose how requests spread over a class's buckets (or a bucket's objects).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PopularitySpec {
    /// Equally likely.
    #[default]
    Uniform,
    /// `zipf(1.0)`: the i-th with weight i^(−s), s > 0.
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
    PoissonRamp {
        /// Rate per client at the class's start.
        from: Rate,
        /// Rate per client at the class's stop.
        to: Rate,
    },
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
    /// `bucket.s3.dualstack.REGION.amazonaws.com`: A and AAAA records (see `ip`).
    VirtualDualstack,
    /// `s3.dualstack.REGION.amazonaws.com/bucket`: A and AAAA records (see `ip`).
    PathDualstack,
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
    FollowLocation {
        /// Statuses followed, among 301, 302 and 307. Default `[301, 302, 307]`.
        #[serde(default = "defaults::codes")]
        codes: Vec<u16>,
        /// Redirects followed in a row before the request counts as a loop, 1 to 50.
        /// Default 10.
        #[serde(default = "defaults::max_hops")]
        max_hops: u8,
    },
    /// `sdk_region(cache: forever)`: learn the region, use the regional name (boto3).
    SdkRegion {
        /// How long the learnt region is kept. Default `forever`.
        #[serde(default)]
        cache: RegionCacheSpec,
    },
    /// `sticky(max_hops: 10)`: follow `Location` and keep using it for the bucket.
    Sticky {
        /// Redirects followed in a row before the request counts as a loop, 1 to 50.
        /// Default 10.
        #[serde(default = "defaults::max_hops")]
        max_hops: u8,
    },
}

impl RedirectSpec {
    /// The most redirects this policy follows in a row: its `max_hops`, or 1 for the
    /// policies that follow no `Location` chain (`none` gives up, `sdk_region` retries
    /// once at the regional name), so that website tables always resolve a
    /// redirect's first target.
    ///
    /// ```
    /// use s3sim_scenario::schema::{RedirectSpec, RegionCacheSpec};
    /// assert_eq!(RedirectSpec::Sticky { max_hops: 4 }.max_hops(), 4);
    /// assert_eq!(RedirectSpec::SdkRegion { cache: RegionCacheSpec::Forever }.max_hops(), 1);
    /// ```
    pub fn max_hops(&self) -> u8 {
        match self {
            RedirectSpec::FollowLocation { max_hops, .. } | RedirectSpec::Sticky { max_hops } => {
                *max_hops
            }
            RedirectSpec::None | RedirectSpec::SdkRegion { .. } => 1,
        }
    }
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
    /// `ttl("10m")`: for this long after learning it.
    Ttl(Dur),
}

mod defaults {
    use crate::schema::clients::RedirectSpec;
    use crate::units::Dur;

    pub fn yes() -> bool {
        true
    }

    pub fn one() -> u64 {
        1
    }
    pub fn zero() -> Dur {
        Dur::secs(0)
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
    pub fn connect_timeout() -> Dur {
        Dur::secs(10)
    }
    pub fn attempt_delay() -> Dur {
        Dur::millis(250)
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
    pub fn success_refund() -> u16 {
        1
    }
}
