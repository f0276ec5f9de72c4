//! S3's authoritative DNS and the recursive resolvers clients ask.

use super::delay::DelaySpec;
use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// Describe S3's authoritative DNS.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DnsSpec {
    /// TTL of S3's A records. Default `"5s"` (one public dig; unconfirmed).
    #[serde(default = "defaults::record_ttl")]
    pub record_ttl: Dur,
    /// Delay until a new bucket's global name reaches the node a resolver asks,
    /// drawn per resolver. Default `log_normal(median: "10m", sigma: 1.4)`: 5 % within
    /// a minute, half within 10 min, 10 % still on the old record after an hour, 0.5 %
    /// after 6 h — calibrated to the user reports of docs/domain.md §8 (307s still seen
    /// an hour after creation; AWS: "up to 24 hours"), not a measured distribution.
    #[serde(default = "defaults::propagation")]
    pub propagation: DelaySpec,
    /// No resolver waits longer. Default `"24h"`.
    #[serde(default = "defaults::propagation_cap")]
    pub propagation_cap: Dur,
    /// Names of missing buckets get NXDOMAIN instead of the default region's wildcard.
    /// Default false (S3 has answered them with a wildcard since 2019).
    #[serde(default)]
    pub missing_bucket_nxdomain: bool,
    /// Make every S3 name a CNAME with this TTL to its region's regional name, whose A
    /// records carry `record_ttl`; resolvers cache the two links apart, each for its
    /// own TTL, so a change of where a name points propagates at this TTL and an IP
    /// change at `record_ttl` (docs/domain.md §3, *CNAME chains*: one public dig shows
    /// `"300s"`). Default none: names carry their A records themselves (a one-link
    /// chain). Left out when absent, so that the scenario `report.html` shows reads as
    /// before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname_ttl: Option<Dur>,
}

impl Default for DnsSpec {
    fn default() -> Self {
        DnsSpec {
            record_ttl: defaults::record_ttl(),
            propagation: defaults::propagation(),
            propagation_cap: defaults::propagation_cap(),
            missing_bucket_nxdomain: false,
            cname_ttl: None,
        }
    }
}

/// Describe a group of identical recursive resolvers.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResolverSpec {
    /// Group name, referenced by clients. Required.
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
    /// Start every cache in its stationary state (each name the clients ask from t = 0
    /// held with probability λT / (1 + λT), at an age uniform over its TTL) instead of
    /// empty and in phase. Default true: runs then have no start-up artefact
    /// (docs/domain.md §6).
    #[serde(default = "defaults::yes")]
    pub warm_start: bool,
}

impl ResolverSpec {
    /// A group of `count` resolvers called `name`, every other field at its default.
    pub(crate) fn named(name: &str, count: u32) -> Self {
        ResolverSpec {
            name: name.into(),
            count,
            min_ttl: defaults::zero(),
            max_ttl: defaults::max_ttl(),
            negative_ttl: defaults::negative_ttl(),
            rtt: defaults::resolver_rtt(),
            miss_rtt: defaults::miss_rtt(),
            warm_start: true,
        }
    }
}

mod defaults {
    use crate::schema::delay::DelaySpec;
    use crate::units::Dur;

    pub fn record_ttl() -> Dur {
        Dur::secs(5)
    }
    pub fn propagation() -> DelaySpec {
        DelaySpec::LogNormal {
            median: Dur::secs(600),
            sigma: 1.4,
        }
    }
    pub fn propagation_cap() -> Dur {
        Dur::secs(86_400)
    }
    pub fn one() -> u32 {
        1
    }
    pub fn yes() -> bool {
        true
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
}
