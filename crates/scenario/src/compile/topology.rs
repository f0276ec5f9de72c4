//! Compile regions, facilities and round trips into the model's topology.

use super::delay::delay;
use super::ids::{index_of, places, region_id};
use crate::schema::{FacilitySpec, Scenario};
use s3sim_model::topology::{Capacity, Facility, Region, Topology};

/// Requests that may wait at a facility with servers when the scenario does not say.
const DEFAULT_QUEUE_LIMIT: u32 = 1_000;

/// The topology of `s`, with `facilities` as [`Scenario::facilities`] lists them.
pub(crate) fn topology(s: &Scenario, facilities: &[(usize, FacilitySpec)]) -> Topology {
    let regions = s
        .regions
        .iter()
        .map(|r| Region {
            name: r.name.clone(),
            opt_in: r.opt_in,
        })
        .collect();
    let facilities = facilities
        .iter()
        .map(|(id, f)| Facility {
            name: f.name.clone(),
            region: *id as u16,
            ips: f.ips,
            service_time: delay(&f.service_time),
            capacity: f.servers.map(|servers| Capacity {
                servers,
                queue_limit: f.queue_limit.unwrap_or(DEFAULT_QUEUE_LIMIT),
            }),
        })
        .collect();
    let places = places(s);
    let n = s.regions.len();
    let mut rtt = vec![s.rtt.default.0; places.len() * n];
    for r in 0..n {
        rtt[(s.locations.len() + r) * n + r] = s.rtt.same_region.0;
    }
    for pair in &s.rtt.pairs {
        let from = index_of(&places, &pair.from, String::as_str);
        let to = index_of(&s.regions, &pair.to, |x| &x.name);
        rtt[from * n + to] = pair.rtt.0;
        if let Some(from_region) = from.checked_sub(s.locations.len()) {
            rtt[(s.locations.len() + to) * n + from_region] = pair.rtt.0;
        }
    }
    Topology::new(
        regions,
        region_id(s, &s.default_region),
        facilities,
        places,
        rtt,
    )
}
