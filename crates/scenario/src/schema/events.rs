//! Timed faults and changes: the `events` list.

use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// One timed fault or change. Times are since the start of the run.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum EventSpec {
    /// A facility fails for a while; DNS notices after the health check delay.
    Outage {
        /// The facility's name.
        facility: String,
        /// When it fails.
        at: Dur,
        /// How long it stays down, > 0.
        duration: Dur,
        /// How it treats connections while down. Default `refused`.
        #[serde(default)]
        mode: OutageModeSpec,
        /// Delay until DNS stops (and, after recovery, resumes) handing out its IPs.
        /// Default `"30s"`.
        #[serde(default = "defaults::health_check")]
        health_check: Dur,
    },
    /// A facility stops taking new connections and leaves DNS at once.
    Drain {
        /// The facility's name.
        facility: String,
        /// When it drains.
        at: Dur,
    },
    /// A facility's records move to new IPs; the old ones work `grace` longer.
    IpRotation {
        /// The facility's name.
        facility: String,
        /// When DNS starts handing out the new IPs.
        at: Dur,
        /// How long the old IPs keep answering. Default `"10m"`.
        #[serde(default = "defaults::grace")]
        grace: Dur,
        /// How the old IPs fail after the grace. Default `black_holed`: stale clients
        /// in the field see connect timeouts, not refusals (docs/domain.md §8).
        #[serde(default = "defaults::retire_mode")]
        mode: OutageModeSpec,
    },
    /// A resolver group loses the authoritative side.
    ResolverOutage {
        /// The resolver group's name.
        resolvers: String,
        /// When the outage starts.
        at: Dur,
        /// How long it lasts, > 0.
        duration: Dur,
        /// Answer from expired cache entries meanwhile (RFC 8767). Default false.
        #[serde(default)]
        serve_stale: bool,
    },
    /// Every record gets a new TTL.
    RecordTtl {
        /// When the new TTL takes effect.
        at: Dur,
        /// The new TTL, > 0.
        ttl: Dur,
    },
    /// The redirect endpoint names of a region stop resolving.
    EndpointRetired {
        /// The region's name.
        region: String,
        /// When its names stop resolving.
        at: Dur,
    },
    /// A CDN invalidation: `paths` (`/` + key, `*` only last) leave every edge's cache
    /// after a per-edge delay; billed 1000 paths a month free, then $0.005 a path.
    Invalidation {
        /// The distribution's name.
        distribution: String,
        /// When the invalidation is sent.
        at: Dur,
        /// Paths to drop, e.g. `"/index.html"` or `"/img/*"`; at least one.
        paths: Vec<String>,
    },
    /// A bucket is deleted and its name created again, maybe in another region.
    BucketRecreated {
        /// The bucket's name.
        bucket: String,
        /// When it is deleted.
        deleted_at: Dur,
        /// When the name is created again, after `deleted_at`.
        at: Dur,
        /// The region it is created in.
        region: String,
    },
}

impl EventSpec {
    /// The field that says when the event starts, and its time: `at`, or `deleted_at`
    /// for a bucket re-creation (which starts with the deletion).
    ///
    /// ```
    /// use s3sim_scenario::{schema::EventSpec, units::Dur};
    /// let drain = EventSpec::Drain { facility: "iad".into(), at: Dur::secs(60) };
    /// assert_eq!(drain.start(), ("at", Dur::secs(60)));
    /// ```
    pub fn start(&self) -> (&'static str, Dur) {
        match self {
            EventSpec::Outage { at, .. }
            | EventSpec::Drain { at, .. }
            | EventSpec::IpRotation { at, .. }
            | EventSpec::ResolverOutage { at, .. }
            | EventSpec::RecordTtl { at, .. }
            | EventSpec::EndpointRetired { at, .. }
            | EventSpec::Invalidation { at, .. } => ("at", *at),
            EventSpec::BucketRecreated { deleted_at, .. } => ("deleted_at", *deleted_at),
        }
    }
}

/// How a facility that is down, or an IP rotated away, treats connections.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutageModeSpec {
    /// Refused at once.
    #[default]
    Refused,
    /// No answer: clients wait for their connect timeout.
    BlackHoled,
}

mod defaults {
    use crate::units::Dur;

    pub fn health_check() -> Dur {
        Dur::secs(30)
    }
    pub fn grace() -> Dur {
        Dur::secs(600)
    }
    pub fn retire_mode() -> super::OutageModeSpec {
        super::OutageModeSpec::BlackHoled
    }
}
