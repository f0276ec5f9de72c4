//! Timed faults: outages, drains, IP rotations, resolver outages, DNS changes.
//!
//! A scenario lists faults; each becomes a few timed [`Step`]s that the world applies
//! when they are due, or a change baked into the authoritative zone before the run
//! (a record TTL change, a retired redirect endpoint).

use crate::dns::Authoritative;
use crate::endpoints::OutageMode;
use crate::topology::{FacilityId, RegionId};
use s3sim_engine::{SimDuration, SimTime};

/// Describe one thing that goes wrong (or is changed) during a run.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::endpoints::OutageMode;
/// use s3sim_model::fault::{Fault, Step};
/// let outage = Fault::Outage { facility: 0, at: SimTime::from_secs(600),
///     duration: SimDuration::from_secs(300), mode: OutageMode::Refused,
///     health_check: SimDuration::from_secs(30) };
/// let times: Vec<u64> = outage.steps().iter().map(|(t, _)| t.as_nanos() / 1_000_000_000).collect();
/// assert_eq!(times, [600, 630, 900, 930]); // down, unlisted, up, listed again
/// assert_eq!(outage.steps()[1].1, Step::Unlist { facility: 0 });
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The facility fails at `at` for `duration`; DNS stops (and later resumes)
    /// handing out its IPs only after `health_check`.
    Outage {
        /// Which facility.
        facility: FacilityId,
        /// When it fails.
        at: SimTime,
        /// For how long.
        duration: SimDuration,
        /// Refused connections or silence.
        mode: OutageMode,
        /// Delay before DNS notices, both ways.
        health_check: SimDuration,
    },
    /// The facility stops taking new connections and leaves DNS answers at once.
    Drain {
        /// Which facility.
        facility: FacilityId,
        /// When.
        at: SimTime,
    },
    /// The facility's records switch to new IPs; the old ones work `grace` longer,
    /// then fail connections as `mode` says (docs/domain.md §8: usually black-holed).
    IpRotation {
        /// Which facility.
        facility: FacilityId,
        /// When the records change.
        at: SimTime,
        /// How long the old IPs keep accepting connections.
        grace: SimDuration,
        /// How the old IPs fail afterwards: refused, or silent until the connect timeout.
        mode: OutageMode,
    },
    /// A group of resolvers loses the authoritative side for `duration`.
    ResolverOutage {
        /// Resolver group index.
        group: u16,
        /// When.
        at: SimTime,
        /// For how long.
        duration: SimDuration,
        /// Answer from expired records meanwhile (RFC 8767).
        serve_stale: bool,
    },
    /// Every record's TTL changes at `at`.
    RecordTtl {
        /// When.
        at: SimTime,
        /// The new TTL.
        ttl: SimDuration,
    },
    /// The redirect endpoint names of `region` stop resolving at `at`.
    EndpointRetired {
        /// Which region's endpoint.
        region: RegionId,
        /// When.
        at: SimTime,
    },
}

/// Change the world's state at one instant; the parts of a [`Fault`].
///
/// ```
/// use s3sim_model::fault::Step;
/// use s3sim_model::endpoints::OutageMode;
/// let up = |facility| Step::Up { facility, mode: OutageMode::Refused };
/// assert_ne!(up(0), up(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The facility goes down.
    Down {
        /// Which facility.
        facility: FacilityId,
        /// How.
        mode: OutageMode,
    },
    /// One outage of the facility ends.
    Up {
        /// Which facility.
        facility: FacilityId,
        /// The mode of the outage that ends.
        mode: OutageMode,
    },
    /// DNS stops handing out the facility's IPs.
    Unlist {
        /// Which facility.
        facility: FacilityId,
    },
    /// DNS hands out the facility's IPs again.
    Relist {
        /// Which facility.
        facility: FacilityId,
    },
    /// The facility drains.
    Drain {
        /// Which facility.
        facility: FacilityId,
    },
    /// The facility moves to new IPs.
    Rotate {
        /// Which facility.
        facility: FacilityId,
        /// How long the old IPs keep working.
        grace: SimDuration,
        /// How the old IPs fail after the grace.
        mode: OutageMode,
    },
    /// A resolver group loses its upstream.
    ResolversDown {
        /// Group index.
        group: u16,
        /// RFC 8767 serve-stale.
        serve_stale: bool,
    },
    /// One outage of a resolver group's upstream ends.
    ResolversUp {
        /// Group index.
        group: u16,
        /// Whether the outage that ends allowed serve-stale.
        serve_stale: bool,
    },
}

impl Fault {
    /// The timed steps this fault takes, in time order.
    pub fn steps(&self) -> Vec<(SimTime, Step)> {
        match *self {
            Fault::Outage {
                facility,
                at,
                duration,
                mode,
                health_check,
            } => vec![
                (at, Step::Down { facility, mode }),
                (at + health_check, Step::Unlist { facility }),
                (at + duration, Step::Up { facility, mode }),
                (at + duration + health_check, Step::Relist { facility }),
            ],
            Fault::Drain { facility, at } => vec![(at, Step::Drain { facility })],
            Fault::IpRotation {
                facility,
                at,
                grace,
                mode,
            } => vec![(
                at,
                Step::Rotate {
                    facility,
                    grace,
                    mode,
                },
            )],
            Fault::ResolverOutage {
                group,
                at,
                duration,
                serve_stale,
            } => vec![
                (at, Step::ResolversDown { group, serve_stale }),
                (at + duration, Step::ResolversUp { group, serve_stale }),
            ],
            Fault::RecordTtl { .. } | Fault::EndpointRetired { .. } => Vec::new(),
        }
    }

    /// Bake a DNS change into the zone (record TTLs, retired endpoints).
    pub fn apply_to_zone(&self, zone: &mut Authoritative) {
        match *self {
            Fault::RecordTtl { at, ttl } => zone.change_record_ttl(at, ttl),
            Fault::EndpointRetired { region, at } => zone.retire_endpoint(region, at),
            _ => {}
        }
    }

    /// When the fault starts (for chart markers and ordering).
    pub fn at(&self) -> SimTime {
        match *self {
            Fault::Outage { at, .. }
            | Fault::Drain { at, .. }
            | Fault::IpRotation { at, .. }
            | Fault::ResolverOutage { at, .. }
            | Fault::RecordTtl { at, .. }
            | Fault::EndpointRetired { at, .. } => at,
        }
    }
}

/// Collect every fault's steps, sorted by time (ties keep the faults' order).
pub fn timeline(faults: &[Fault]) -> Vec<(SimTime, Step)> {
    let mut steps: Vec<(SimTime, Step)> = faults.iter().flat_map(Fault::steps).collect();
    steps.sort_by_key(|&(t, _)| t);
    steps
}

/// Bake every DNS change into the zone, in time order.
pub fn apply_all_to_zone(faults: &[Fault], zone: &mut Authoritative) {
    let mut sorted: Vec<&Fault> = faults.iter().collect();
    sorted.sort_by_key(|f| f.at());
    for fault in sorted {
        fault.apply_to_zone(zone);
    }
}
