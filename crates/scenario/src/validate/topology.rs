//! Check regions, their facilities, locations and round trips.

use super::checker::{Checker, names};
use super::limits::{MAX_FACILITIES, MAX_IPS, MAX_REGIONS, MAX_SERVERS};
use crate::schema::{FacilitySpec, Scenario};
use std::collections::BTreeSet;

impl Checker {
    pub(crate) fn regions(&mut self, s: &Scenario) {
        if s.regions.is_empty() {
            self.issue("regions", "at least one region is needed");
        }
        if s.regions.len() > MAX_REGIONS {
            self.issue(
                "regions",
                format!("{} regions; at most {MAX_REGIONS}", s.regions.len()),
            );
            return;
        }
        self.unique("regions", s.regions.iter().map(|r| r.name.as_str()));
        let region_names = names(s.regions.iter().map(|r| r.name.as_str()));
        self.reference("default_region", "region", &s.default_region, &region_names);
        // A region without facilities gets one named after it: those names are taken.
        let mut facility_names: BTreeSet<&str> = s
            .regions
            .iter()
            .filter(|r| r.facilities.is_empty())
            .map(|r| r.name.as_str())
            .collect();
        let mut ips = 0u64;
        for (i, region) in s.regions.iter().enumerate() {
            for (j, f) in region.facilities.iter().enumerate() {
                let path = format!("regions[{i}].facilities[{j}]");
                if !facility_names.insert(f.name.as_str()) {
                    self.issue(
                        format!("{path}.name"),
                        format!(
                            "duplicate facility name \"{}\" (a region without facilities has one named after it)",
                            f.name
                        ),
                    );
                }
                if f.ips == 0 {
                    self.issue(format!("{path}.ips"), "a facility needs at least one IP");
                }
                ips += u64::from(f.ips);
                self.delay(&format!("{path}.service_time"), &f.service_time);
                self.capacity(&path, f);
            }
        }
        let facilities: usize = s.regions.iter().map(|r| r.facilities.len().max(1)).sum();
        if facilities > MAX_FACILITIES {
            self.issue(
                "regions",
                format!("{facilities} facilities in all; at most {MAX_FACILITIES}"),
            );
        }
        if ips > MAX_IPS {
            self.issue(
                "regions",
                format!("{ips} endpoint IPs in all; at most {MAX_IPS}"),
            );
        }
    }

    fn capacity(&mut self, path: &str, f: &FacilitySpec) {
        match f.servers {
            Some(0) => self.issue(
                format!("{path}.servers"),
                "must be > 0 (leave it out for unlimited servers)",
            ),
            Some(n) if n > MAX_SERVERS => self.issue(
                format!("{path}.servers"),
                format!("{n} servers; at most {MAX_SERVERS}"),
            ),
            _ => {}
        }
        if f.servers.is_none() && f.queue_limit.is_some() {
            self.issue(
                format!("{path}.queue_limit"),
                "a queue needs servers: set `servers` too",
            );
        }
    }

    pub(crate) fn locations_and_rtt(&mut self, s: &Scenario) {
        if s.locations.is_empty() {
            self.issue("locations", "at least one location is needed");
        }
        let mut seen = BTreeSet::new();
        for (i, l) in s.locations.iter().enumerate() {
            if !seen.insert(l.as_str()) {
                self.issue(
                    format!("locations[{i}]"),
                    format!("duplicate location \"{l}\""),
                );
            }
        }
        let regions = names(s.regions.iter().map(|r| r.name.as_str()));
        for (i, l) in s.locations.iter().enumerate() {
            if regions.contains(l.as_str()) {
                let message = format!("\"{l}\" is a region name; regions are places already");
                self.issue(format!("locations[{i}]"), message);
            }
        }
        let places: BTreeSet<&str> = seen.union(&regions).copied().collect();
        for (i, pair) in s.rtt.pairs.iter().enumerate() {
            let path = format!("rtt.pairs[{i}].from");
            self.reference(&path, "location or region", &pair.from, &places);
            self.reference(&format!("rtt.pairs[{i}].to"), "region", &pair.to, &regions);
        }
    }
}
