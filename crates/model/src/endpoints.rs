//! The live IP addresses behind S3's names: which facility each IP reaches, which IPs
//! DNS hands out, and which ones still accept connections.
//!
//! The [`Topology`] fixes where facilities are; this module tracks what changes during
//! a run: outages, drains, health-check removal and IP rotation (docs/domain.md §1:
//! S3 changes the IPs behind its names as it needs to; §8: a retired address is
//! usually black-holed, so stale clients time out rather than being refused).

use crate::topology::{FacilityId, IpId, RegionId, Topology};
use rand::RngExt;
use s3sim_engine::{SimRng, SimTime};

/// Choose how a facility that is down, or an IP that was rotated away, treats a new
/// connection.
///
/// ```
/// use s3sim_model::endpoints::OutageMode;
/// assert_ne!(OutageMode::Refused, OutageMode::BlackHoled);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutageMode {
    /// Connections are refused at once (a reset after one round trip).
    Refused,
    /// Packets vanish: the client waits for its connect timeout.
    BlackHoled,
}

/// Say what a connection attempt to an IP meets.
///
/// ```
/// use s3sim_model::endpoints::Connect;
/// assert_eq!(Connect::Facility(2), Connect::Facility(2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connect {
    /// The facility takes the connection.
    Facility(FacilityId),
    /// Refused: the facility is down or draining, or the IP was retired with
    /// [`OutageMode::Refused`].
    Refused,
    /// No answer at all: the client's connect timeout decides.
    BlackHoled,
}

#[derive(Clone, Copy, Debug)]
struct Ip {
    facility: FacilityId,
    /// Handed out by DNS (false once rotated away).
    current: bool,
    /// From this time on, connections fail ...
    retired_at: SimTime,
    /// ... this way.
    retired_mode: OutageMode,
}

impl Ip {
    /// A current IP of `facility` that nobody has retired.
    fn fresh(facility: FacilityId) -> Self {
        Ip {
            facility,
            current: true,
            retired_at: SimTime::NEVER,
            retired_mode: OutageMode::Refused,
        }
    }
}

/// Counts, not flags, so that overlapping faults of one facility each end only
/// their own part.
#[derive(Clone, Copy, Debug, Default)]
struct FacilityState {
    refusing: u16,
    black_holed: u16,
    draining: bool,
    /// Health checks that removed it from DNS and have not put it back yet.
    failed_checks: u16,
}

impl FacilityState {
    fn listed(self) -> bool {
        self.failed_checks == 0 && !self.draining
    }
}

/// Track every IP ever published and the state of every facility.
///
/// DNS hands out the current IPs of the listed facilities of a region; if health
/// checks have unlisted them all, it hands out every current IP of the region
/// (Route 53 answers as if all were healthy when none is). Retired IPs keep their
/// facility so traces stay readable, but refuse connections or black-hole them, as
/// their rotation says.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// use s3sim_model::distribution::Delay;
/// use s3sim_model::endpoints::{Connect, Endpoints, OutageMode};
/// use s3sim_model::topology::{Facility, Region, Topology};
/// let facility = |name: &str| Facility { name: name.into(), region: 0, ips: 2,
///     service_time: Delay::Fixed(SimDuration::ZERO), capacity: None };
/// let topo = Topology::new(vec![Region { name: "r".into(), opt_in: false }], 0,
///     vec![facility("a"), facility("b")], vec!["here".into()], vec![SimDuration::ZERO]);
/// let mut endpoints = Endpoints::new(&topo);
/// assert_eq!(endpoints.listed(0), [0, 1, 2, 3]);
/// // Facility 0 moves to new IPs at t = 100 s; its old ones work for 60 s more, then
/// // drop every packet.
/// let (t, grace) = (SimTime::from_secs(100), SimDuration::from_secs(60));
/// endpoints.rotate(0, t, grace, OutageMode::BlackHoled);
/// assert_eq!(endpoints.listed(0), [2, 3, 4, 5]);
/// assert_eq!(endpoints.connect(0, SimTime::from_secs(159)), Connect::Facility(0));
/// assert_eq!(endpoints.connect(0, SimTime::from_secs(160)), Connect::BlackHoled);
/// assert_eq!(endpoints.connect(4, SimTime::from_secs(160)), Connect::Facility(0));
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// assert!(endpoints.listed(0).contains(&endpoints.pick(0, &mut rng).unwrap()));
/// ```
#[derive(Clone, Debug)]
pub struct Endpoints {
    ips: Vec<Ip>,
    facilities: Vec<FacilityState>,
    facility_region: Vec<RegionId>,
    /// Per region: the IPs DNS hands out, ascending.
    listed: Vec<Vec<IpId>>,
}

impl Endpoints {
    /// Start with every facility up and listed, on the topology's IPs.
    pub fn new(topology: &Topology) -> Self {
        let ips = topology
            .facilities
            .iter()
            .enumerate()
            .flat_map(|(f, facility)| {
                let ip = Ip::fresh(f as FacilityId);
                std::iter::repeat_n(ip, facility.ips as usize)
            })
            .collect();
        let mut endpoints = Endpoints {
            ips,
            facilities: vec![FacilityState::default(); topology.facilities.len()],
            facility_region: topology.facilities.iter().map(|f| f.region).collect(),
            listed: vec![Vec::new(); topology.regions.len()],
        };
        endpoints.relist();
        endpoints
    }

    /// The IPs DNS currently hands out for `region`, ascending.
    pub fn listed(&self, region: RegionId) -> &[IpId] {
        &self.listed[usize::from(region)]
    }

    /// Pick one of the region's listed IPs uniformly; `None` if the region has none.
    pub fn pick(&self, region: RegionId, rng: &mut SimRng) -> Option<IpId> {
        let listed = self.listed(region);
        (!listed.is_empty()).then(|| listed[rng.random_range(0..listed.len())])
    }

    /// Tell what a connection to `ip` at `now` meets.
    pub fn connect(&self, ip: IpId, now: SimTime) -> Connect {
        let ip = self.ips[ip as usize];
        if ip.retired_at <= now {
            return match ip.retired_mode {
                OutageMode::Refused => Connect::Refused,
                OutageMode::BlackHoled => Connect::BlackHoled,
            };
        }
        let state = self.facilities[usize::from(ip.facility)];
        if state.black_holed > 0 {
            Connect::BlackHoled
        } else if state.refusing > 0 || state.draining {
            Connect::Refused
        } else {
            Connect::Facility(ip.facility)
        }
    }

    fn outage_count(&mut self, facility: FacilityId, mode: OutageMode) -> &mut u16 {
        let state = &mut self.facilities[usize::from(facility)];
        match mode {
            OutageMode::Refused => &mut state.refusing,
            OutageMode::BlackHoled => &mut state.black_holed,
        }
    }

    /// Start an outage of `facility` (outages may overlap; silence wins over refusal).
    pub fn fail(&mut self, facility: FacilityId, mode: OutageMode) {
        *self.outage_count(facility, mode) += 1;
    }

    /// End one outage of `facility` started with `mode`.
    pub fn repair(&mut self, facility: FacilityId, mode: OutageMode) {
        let count = self.outage_count(facility, mode);
        *count = count.saturating_sub(1);
    }

    /// A health check removes `facility` from DNS answers (`true`) or, later, puts it
    /// back (`false`); it is listed again once every failed check has passed.
    pub fn set_unlisted(&mut self, facility: FacilityId, unlisted: bool) {
        let checks = &mut self.facilities[usize::from(facility)].failed_checks;
        *checks = if unlisted {
            *checks + 1
        } else {
            checks.saturating_sub(1)
        };
        self.relist();
    }

    /// Drain `facility`: refuse new connections and leave DNS answers for good.
    pub fn drain(&mut self, facility: FacilityId) {
        self.facilities[usize::from(facility)].draining = true;
        self.relist();
    }

    /// Move `facility` to as many fresh IPs as it has now; the old ones stop being
    /// handed out at `now` and, from `now + grace`, fail connections the way `mode`
    /// says (refused at once, or black-holed until the client's connect timeout).
    pub fn rotate(
        &mut self,
        facility: FacilityId,
        now: SimTime,
        grace: s3sim_engine::SimDuration,
        mode: OutageMode,
    ) {
        let retire = now + grace;
        let mut fresh = 0;
        for ip in &mut self.ips {
            if ip.facility == facility && ip.current {
                ip.current = false;
                ip.retired_at = ip.retired_at.min(retire);
                ip.retired_mode = mode;
                fresh += 1;
            }
        }
        self.ips
            .extend(std::iter::repeat_n(Ip::fresh(facility), fresh));
        self.relist();
    }

    /// The facility an IP belongs to (retired IPs keep theirs).
    pub fn facility_of(&self, ip: IpId) -> FacilityId {
        self.ips[ip as usize].facility
    }

    /// Recompute every region's listed IPs in one pass over the IPs (ascending): the
    /// current IPs of listed facilities, or all current IPs if none is listed.
    fn relist(&mut self) {
        let mut all_current = vec![Vec::new(); self.listed.len()];
        for listed in &mut self.listed {
            listed.clear();
        }
        for (id, ip) in self.ips.iter().enumerate().filter(|(_, ip)| ip.current) {
            let facility = usize::from(ip.facility);
            let region = usize::from(self.facility_region[facility]);
            all_current[region].push(id as IpId);
            if self.facilities[facility].listed() {
                self.listed[region].push(id as IpId);
            }
        }
        for (listed, all) in self.listed.iter_mut().zip(all_current) {
            if listed.is_empty() {
                *listed = all;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::Delay;
    use crate::topology::{Facility, Region};
    use s3sim_engine::SimDuration;

    fn two_facilities() -> Endpoints {
        let facility = |name: &str| Facility {
            name: name.into(),
            region: 0,
            ips: 2,
            service_time: Delay::Fixed(SimDuration::ZERO),
            capacity: None,
        };
        let topo = Topology::new(
            vec![Region {
                name: "r".into(),
                opt_in: false,
            }],
            0,
            vec![facility("a"), facility("b")],
            vec!["here".into()],
            vec![SimDuration::ZERO],
        );
        Endpoints::new(&topo)
    }

    #[test]
    fn outage_modes_refuse_or_black_hole_until_recovery() {
        let mut e = two_facilities();
        let t = SimTime::from_secs(1);
        e.fail(0, OutageMode::Refused);
        assert_eq!(e.connect(0, t), Connect::Refused);
        assert_eq!(e.connect(2, t), Connect::Facility(1));
        e.fail(0, OutageMode::BlackHoled);
        assert_eq!(e.connect(1, t), Connect::BlackHoled);
        e.repair(0, OutageMode::BlackHoled);
        assert_eq!(
            e.connect(1, t),
            Connect::Refused,
            "the first outage still runs"
        );
        e.repair(0, OutageMode::Refused);
        assert_eq!(e.connect(1, t), Connect::Facility(0));
    }

    #[test]
    fn unlisted_facility_leaves_dns_but_all_unlisted_fail_open() {
        let mut e = two_facilities();
        e.set_unlisted(0, true);
        assert_eq!(e.listed(0), [2, 3]);
        e.set_unlisted(1, true);
        assert_eq!(e.listed(0), [0, 1, 2, 3], "Route 53 fails open");
        e.set_unlisted(0, false);
        assert_eq!(e.listed(0), [0, 1]);
    }

    #[test]
    fn drained_facility_refuses_and_is_not_listed() {
        let mut e = two_facilities();
        e.set_unlisted(1, true);
        e.drain(1);
        e.set_unlisted(1, false);
        assert_eq!(
            e.listed(0),
            [0, 1],
            "a passed health check does not undo a drain"
        );
        assert_eq!(e.connect(3, SimTime::ZERO), Connect::Refused);
    }

    #[test]
    fn second_rotation_retires_the_first_rotations_ips_too() {
        let mut e = two_facilities();
        let grace = SimDuration::from_secs(10);
        e.rotate(1, SimTime::from_secs(100), grace, OutageMode::Refused);
        e.rotate(1, SimTime::from_secs(200), grace, OutageMode::Refused);
        assert_eq!(e.listed(0), [0, 1, 6, 7]);
        assert_eq!(e.connect(2, SimTime::from_secs(110)), Connect::Refused);
        assert_eq!(e.connect(4, SimTime::from_secs(209)), Connect::Facility(1));
        assert_eq!(e.connect(4, SimTime::from_secs(210)), Connect::Refused);
        assert_eq!(e.facility_of(7), 1);
    }

    #[test]
    fn a_black_holed_rotation_silences_old_ips_after_the_grace_and_a_later_one_can_refuse() {
        let mut e = two_facilities();
        let grace = SimDuration::from_secs(10);
        e.rotate(0, SimTime::from_secs(100), grace, OutageMode::BlackHoled);
        assert_eq!(e.connect(0, SimTime::from_secs(109)), Connect::Facility(0));
        assert_eq!(e.connect(0, SimTime::from_secs(110)), Connect::BlackHoled);
        assert_eq!(e.connect(4, SimTime::from_secs(110)), Connect::Facility(0));
        // The second rotation retires IPs 4 and 5 by refusal; 0 and 1 stay silent.
        e.rotate(0, SimTime::from_secs(200), grace, OutageMode::Refused);
        assert_eq!(e.connect(4, SimTime::from_secs(210)), Connect::Refused);
        assert_eq!(e.connect(1, SimTime::from_secs(210)), Connect::BlackHoled);
    }
}
