//! A CloudFront-like CDN in front of S3: edge locations, distributions and how
//! they cache S3's answers (docs/domain.md §4).

use super::delay::DelaySpec;
use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// Describe the CDN: its edge locations and distributions.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CdnSpec {
    /// Edge locations (PoPs); viewers use the one with the shortest round trip.
    /// Required, at least one.
    pub edges: Vec<EdgeSpec>,
    /// Distributions; every edge serves every one. Required, at least one.
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
    /// Unique edge name, e.g. `"iad"`. Required.
    pub name: String,
    /// The region it sits in (round trips are that region's). Required.
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
    /// Unique distribution name, referenced by viewers (`clients[i].cdn`). Required.
    pub name: String,
    /// The origin bucket. Required.
    pub bucket: String,
    /// The origin domain: `global` (`b.s3.amazonaws.com`), `regional`
    /// (`b.s3.REGION.amazonaws.com`) or `website` (the website endpoint). Required.
    pub origin: OriginSpec,
    /// TTL rules. Default: see [`CachePolicySpec`].
    #[serde(default)]
    pub cache: CachePolicySpec,
    /// What `Cache-Control` the origin sends per kind of answer. Default: none at all.
    #[serde(default)]
    pub origin_cache_control: OriginCacheControlSpec,
    /// Origin access control: direct requests to the bucket get 403. Default false.
    #[serde(default)]
    pub access_control: bool,
    /// The edges' origin fetches hold `s3:ListBucket`: a missing key is 404 NoSuchKey,
    /// which the edge caches (always, for `cache.error_min_ttl` at least); `false` gives
    /// 403 AccessDenied, cached only with the origin's `max-age` (docs/domain.md §1, §4).
    /// Default `true`.
    #[serde(default = "defaults::yes")]
    pub list_bucket: bool,
    /// The `Host` header the edges send to the origin: `origin` (CloudFront's default,
    /// the origin's domain) or `viewer` (an origin request policy forwards the viewer's
    /// `Host`). S3's website endpoint builds a routing-rule redirect's `Location` from
    /// it when the rule has no `host_name`: with `origin` the viewer's follow-up goes to
    /// the S3 website endpoint, off the CDN; with `viewer` it comes back to the
    /// distribution (docs/domain.md §4). Default `origin`.
    #[serde(default)]
    pub host_header: HostHeaderSpec,
    /// Alternate domain names (CNAMEs) of the distribution, e.g. `["blog.example.com"]`:
    /// a website routing rule of the origin bucket whose `host_name` is one of them
    /// sends the viewer back through this distribution whatever `host_header` says.
    /// Default none.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The `Host` header a distribution's edges send to its origin.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HostHeaderSpec {
    /// The origin's domain (CloudFront's default without an origin request policy).
    #[default]
    Origin,
    /// The viewer's `Host` (forwarded by an origin request policy).
    Viewer,
}

/// The origin domain of a distribution.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OriginSpec {
    /// The bucket's global name, `b.s3.amazonaws.com` (redirected while DNS propagates).
    Global,
    /// The bucket's regional name, `b.s3.REGION.amazonaws.com`.
    Regional,
    /// The bucket's website endpoint, `b.s3-website-REGION.amazonaws.com`.
    Website,
}

/// CloudFront's TTL settings plus error caching and the 3xx rule.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CachePolicySpec {
    /// Floor on the TTL of a cached answer. Default `"0s"`.
    #[serde(default = "defaults::zero")]
    pub min_ttl: Dur,
    /// TTL of an answer without `Cache-Control`. Default `"24h"`.
    #[serde(default = "defaults::default_ttl")]
    pub default_ttl: Dur,
    /// Ceiling on the TTL of a cached answer. Default `"365d"`.
    #[serde(default = "defaults::max_ttl")]
    pub max_ttl: Dur,
    /// Error-caching minimum TTL: the least time a 404, 414 or 5xx is kept. Default `"10s"`.
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
            max_ttl: defaults::max_ttl(),
            error_min_ttl: defaults::error_min_ttl(),
            redirects: RedirectCachingSpec::default(),
        }
    }
}

/// Which of AWS's two documented 3xx caching rules applies.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RedirectCachingSpec {
    /// Every 3xx is cached per the TTLs, like a 200.
    #[default]
    Legacy,
    /// 307 and 308 are cached only when the origin sends `max_age` or `s_maxage`.
    Current,
}

/// The origin's `Cache-Control` per kind of answer.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OriginCacheControlSpec {
    /// With a 200. Default: none.
    #[serde(default)]
    pub ok: Option<CacheControlSpec>,
    /// With a 3xx. Default: none (S3 sends none).
    #[serde(default)]
    pub redirect: Option<CacheControlSpec>,
    /// With a 4xx or 5xx. Default: none (S3 sends none).
    #[serde(default)]
    pub error: Option<CacheControlSpec>,
}

/// One `Cache-Control` header, reduced to what a shared cache reads.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CacheControlSpec {
    /// `max-age`: freshness for any cache. Default: absent.
    #[serde(default)]
    pub max_age: Option<Dur>,
    /// `s-maxage`: freshness for shared caches, preferred over `max_age`. Default: absent.
    #[serde(default)]
    pub s_maxage: Option<Dur>,
    /// Any of `no-cache`, `no-store`, `private`: the edge keeps a 2xx or 3xx for
    /// `min_ttl` only. Default false.
    #[serde(default)]
    pub no_store: bool,
}

mod defaults {
    use crate::schema::delay::DelaySpec;
    use crate::units::Dur;

    pub fn yes() -> bool {
        true
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
    pub fn zero() -> Dur {
        Dur::secs(0)
    }
    pub fn default_ttl() -> Dur {
        Dur::secs(86_400)
    }
    pub fn max_ttl() -> Dur {
        Dur::secs(31_536_000)
    }
    pub fn error_min_ttl() -> Dur {
        Dur::secs(10)
    }
}
