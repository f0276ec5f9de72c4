//! Where S3 runs and how far away it is: regions, their facilities, round trips.

use super::delay::DelaySpec;
use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// Describe a region.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Region code, e.g. `"eu-west-1"`. Required.
    pub name: String,
    /// Launched after 2019-03-20 (wrong-location requests get 400). Default false.
    #[serde(default)]
    pub opt_in: bool,
    /// Facilities. Default: one facility named after the region with default settings.
    #[serde(default)]
    pub facilities: Vec<FacilitySpec>,
}

/// Describe a facility: a group of endpoint IPs that fail and recover together.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FacilitySpec {
    /// Unique facility name (over all regions). Required.
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

impl FacilitySpec {
    /// A facility called `name` with every other field at its default: what a region
    /// that lists no facilities gets.
    pub(crate) fn named(name: &str) -> Self {
        FacilitySpec {
            name: name.to_string(),
            ips: defaults::ips(),
            service_time: defaults::service_time(),
            servers: None,
            queue_limit: None,
        }
    }
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
    /// Overrides. Default: none.
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
    /// Round-trip time, e.g. `"15ms"`.
    pub rtt: Dur,
}

mod defaults {
    use crate::schema::delay::DelaySpec;
    use crate::units::Dur;

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
}
