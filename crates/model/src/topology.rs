//! Regions, client locations, facilities with their endpoint IPs, and round-trip times.

use crate::distribution::Delay;
use s3sim_engine::SimDuration;

/// Index of a region in [`Topology::regions`].
pub type RegionId = u16;
/// Index of a client location in [`Topology::locations`].
pub type LocationId = u16;
/// Index of a facility in [`Topology::facilities`].
pub type FacilityId = u16;
/// Index of an endpoint IP address; facility `f` owns a contiguous range.
pub type IpId = u32;

/// Describe an AWS region.
///
/// Only the opt-in flag changes behaviour: S3 stopped redirecting requests for buckets
/// in regions launched after 2019-03-20 and answers them with 400 instead.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::bucket::Bucket;
/// use s3sim_model::dns::Host;
/// use s3sim_model::facility::{answer, opt_in_flags, FacilityRules};
/// use s3sim_model::response::Status;
/// use s3sim_model::topology::{Region, Topology};
/// let topo = Topology::new(
///     vec![Region { name: "us-east-1".into(), opt_in: false },
///          Region { name: "ap-east-1".into(), opt_in: true }],
///     0, vec![], vec![], vec![],
/// );
/// let opt_in = opt_in_flags(&topo);
/// assert_eq!(opt_in, [false, true]);
/// let hk = Bucket { name: "b".into(), region: 1, created_at: None, deleted_at: None,
///     location_constraint: true, recreated: None };
/// let rules = FacilityRules { temporary_redirect: Status::TemporaryRedirect };
/// let r = answer(rules, &opt_in, &hk, 0, Host::BucketGlobal(0), 0, SimTime::ZERO);
/// assert_eq!((r.status, r.bucket_region), (Status::BadRequest, Some(1)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// e.g. `eu-west-1`.
    pub name: String,
    /// Launched after 2019-03-20: wrong-location requests get 400 instead of a redirect.
    pub opt_in: bool,
}

/// Describe one S3 facility: where it is, how many endpoint IPs, how long it works.
///
/// A region may have several facilities; DNS picks one of the region's endpoint IPs
/// and the IP decides the facility, so `ips` also weights how often each is chosen.
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::distribution::Delay;
/// use s3sim_model::topology::{Facility, Region, Topology};
/// let facility = |name: &str, region, ips| Facility {
///     name: name.into(), region, ips, service_time: Delay::Fixed(SimDuration::ZERO),
///     capacity: None,
/// };
/// let topo = Topology::new(
///     vec![Region { name: "us-east-1".into(), opt_in: false },
///          Region { name: "eu-west-1".into(), opt_in: false }],
///     0,
///     vec![facility("euw1", 1, 2), facility("use1-a", 0, 3)], // reordered by region
///     vec![], vec![],
/// );
/// assert_eq!(topo.facilities[0].name, "use1-a");
/// assert_eq!(topo.facilities_of_region(1), 1..2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Facility {
    /// e.g. `us-east-1-a`.
    pub name: String,
    /// The region it serves.
    pub region: RegionId,
    /// Number of endpoint IPs DNS hands out for it (at least one).
    pub ips: u32,
    /// Time to produce an answer once a request has arrived.
    pub service_time: Delay,
    /// Servers and queue; `None` serves every request at once (no queueing at all).
    pub capacity: Option<Capacity>,
}

/// Limit how much work a facility takes at once.
///
/// Requests beyond `servers` wait in a FIFO queue; once `queue_limit` are waiting, the
/// facility answers 503 SlowDown at once, as S3 does under overload.
///
/// ```
/// use s3sim_model::topology::Capacity;
/// let c = Capacity { servers: 8, queue_limit: 100 };
/// assert_eq!(c.servers + c.queue_limit, 108); // the most requests it ever holds
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// Requests served concurrently.
    pub servers: u32,
    /// Requests that may wait; one more gets 503 SlowDown.
    pub queue_limit: u32,
}

/// Hold the static geography of a scenario: regions, facilities, locations, round trips.
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::distribution::Delay;
/// use s3sim_model::topology::{Facility, Region, Topology};
/// let region = |name: &str| Region { name: name.into(), opt_in: false };
/// let facility = |name: &str, region| Facility {
///     name: name.into(), region, ips: 4, service_time: Delay::Fixed(SimDuration::from_millis(5)),
///     capacity: None,
/// };
/// let topo = Topology::new(
///     vec![region("us-east-1"), region("eu-west-1")],
///     0,
///     vec![facility("use1", 0), facility("euw1", 1)],
///     vec!["europe".into()],
///     vec![SimDuration::from_millis(80), SimDuration::from_millis(15)],
/// );
/// assert_eq!(topo.rtt(0, 1), SimDuration::from_millis(15));
/// assert_eq!(topo.facilities_of_region(1), 1..2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    /// All regions.
    pub regions: Vec<Region>,
    /// The region of the global names (us-east-1).
    pub default_region: RegionId,
    /// All facilities, grouped by region in ascending region order.
    pub facilities: Vec<Facility>,
    /// Client locations.
    pub locations: Vec<String>,
    /// Round trip from location `l` to region `r` at index `l * regions + r`.
    rtt: Vec<SimDuration>,
    /// Facility range per region (facilities are sorted by region).
    region_facilities: Vec<std::ops::Range<FacilityId>>,
}

impl Topology {
    /// Build a topology; `rtt` is row-major, one row per location.
    ///
    /// Facilities are reordered by region (stable), so that a region's facilities (and their first IPs) are contiguous.
    pub fn new(
        regions: Vec<Region>,
        default_region: RegionId,
        mut facilities: Vec<Facility>,
        locations: Vec<String>,
        rtt: Vec<SimDuration>,
    ) -> Self {
        assert_eq!(
            rtt.len(),
            locations.len() * regions.len(),
            "rtt matrix shape"
        );
        facilities.sort_by_key(|f| f.region);
        let region_facilities = (0..regions.len())
            .map(|r| {
                let start = facilities.partition_point(|f| usize::from(f.region) < r);
                let end = facilities.partition_point(|f| usize::from(f.region) <= r);
                start as FacilityId..end as FacilityId
            })
            .collect();
        Topology {
            regions,
            default_region,
            facilities,
            locations,
            rtt,
            region_facilities,
        }
    }

    /// Look up the round trip between a client location and a region.
    #[inline]
    pub fn rtt(&self, location: LocationId, region: RegionId) -> SimDuration {
        self.rtt[usize::from(location) * self.regions.len() + usize::from(region)]
    }

    /// Split the round trip between a location and a region into its two legs: out
    /// (half, rounded down) and back (the rest), so that the legs add up to the round
    /// trip exactly.
    ///
    /// ```
    /// # use s3sim_engine::SimDuration;
    /// # use s3sim_model::topology::{Region, Topology};
    /// let ns = SimDuration::from_nanos;
    /// let region = Region { name: "r".into(), opt_in: false };
    /// let topo = Topology::new(vec![region], 0, vec![], vec!["here".into()], vec![ns(7)]);
    /// assert_eq!(topo.legs(0, 0), (ns(3), ns(4)));
    /// ```
    pub fn legs(&self, location: LocationId, region: RegionId) -> (SimDuration, SimDuration) {
        let rtt = self.rtt(location, region).as_nanos();
        (
            SimDuration::from_nanos(rtt / 2),
            SimDuration::from_nanos(rtt - rtt / 2),
        )
    }

    /// Return the facilities of a region (contiguous: facilities are sorted by region).
    pub fn facilities_of_region(&self, region: RegionId) -> std::ops::Range<FacilityId> {
        self.region_facilities[usize::from(region)].clone()
    }

    /// Tell whether a region has at least one facility.
    pub fn has_facilities(&self, region: RegionId) -> bool {
        !self.region_facilities[usize::from(region)].is_empty()
    }
}
