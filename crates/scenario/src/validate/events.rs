//! Check the `events` list: what each fault or change names, and when it happens.

use super::checker::{Checker, names};
use super::limits::{MAX_EVENTS, MAX_INVALIDATION_PATHS, MAX_IPS};
use crate::schema::{EventSpec, FacilitySpec, Scenario};
use crate::units::Dur;
use s3sim_model::cdn::invalidation::PathPattern;
use std::collections::BTreeSet;

impl Checker {
    pub(crate) fn events(&mut self, s: &Scenario) {
        if s.events.len() > MAX_EVENTS {
            self.issue(
                "events",
                format!("{} events; at most {MAX_EVENTS}", s.events.len()),
            );
            return;
        }
        let specs = s.facilities();
        let facilities = names(specs.iter().map(|(_, f)| f.name.as_str()));
        self.rotated_ips(s, &specs);
        let paths: usize = s
            .events
            .iter()
            .map(|e| match e {
                EventSpec::Invalidation { paths, .. } => paths.len(),
                _ => 0,
            })
            .sum();
        if paths > MAX_INVALIDATION_PATHS {
            self.issue(
                "events",
                format!(
                    "{paths} invalidation paths in all; at most {MAX_INVALIDATION_PATHS}: \
                     invalidate a prefix (e.g. \"/images/*\", one path) instead of its \
                     objects one by one"
                ),
            );
            return;
        }
        let mut recreated = BTreeSet::new();
        for (i, event) in s.events.iter().enumerate() {
            let path = format!("events[{i}]");
            let (field, at) = event.start();
            self.event_time(&format!("{path}.{field}"), at, s.duration);
            self.event(&path, event, s, &facilities, &mut recreated);
        }
    }

    /// Refuse rotations that would publish more IPs than [`MAX_IPS`] in all.
    fn rotated_ips(&mut self, s: &Scenario, specs: &[(usize, FacilitySpec)]) {
        let ips_of = |name: &str| {
            specs
                .iter()
                .find(|(_, f)| f.name == name)
                .map(|(_, f)| f.ips)
        };
        let initial: u64 = specs.iter().map(|(_, f)| u64::from(f.ips)).sum();
        let rotated: u64 = s
            .events
            .iter()
            .filter_map(|e| match e {
                EventSpec::IpRotation { facility, .. } => ips_of(facility).map(u64::from),
                _ => None,
            })
            .sum();
        if initial + rotated > MAX_IPS {
            self.issue(
                "events",
                format!(
                    "IP rotations publish {} IPs in all; at most {MAX_IPS}",
                    initial + rotated,
                ),
            );
        }
    }

    fn event_time(&mut self, path: &str, at: Dur, duration: Dur) {
        if at >= duration {
            self.issue(
                path,
                format!("{at} is not before the end of the run {duration}"),
            );
        }
    }

    fn event<'a>(
        &mut self,
        path: &str,
        event: &'a EventSpec,
        s: &Scenario,
        facilities: &BTreeSet<&str>,
        recreated: &mut BTreeSet<&'a str>,
    ) {
        let facility = |c: &mut Self, name: &str| {
            c.reference(&format!("{path}.facility"), "facility", name, facilities);
        };
        match event {
            EventSpec::Outage {
                facility: f,
                duration,
                ..
            } => {
                facility(self, f);
                self.positive(&format!("{path}.duration"), *duration, "outage duration");
            }
            EventSpec::Drain { facility: f, .. } | EventSpec::IpRotation { facility: f, .. } => {
                facility(self, f)
            }
            EventSpec::ResolverOutage {
                resolvers,
                duration,
                ..
            } => {
                let groups = names(s.resolvers.iter().map(|r| r.name.as_str()));
                let path_r = format!("{path}.resolvers");
                self.reference(&path_r, "resolver group", resolvers, &groups);
                self.positive(&format!("{path}.duration"), *duration, "outage duration");
            }
            EventSpec::RecordTtl { ttl, .. } => {
                self.positive(&format!("{path}.ttl"), *ttl, "record TTL");
            }
            EventSpec::EndpointRetired { region, .. } => {
                let regions = names(s.regions.iter().map(|r| r.name.as_str()));
                self.reference(&format!("{path}.region"), "region", region, &regions);
            }
            EventSpec::BucketRecreated {
                bucket,
                deleted_at,
                at,
                region,
            } => self.recreation(path, s, (bucket, *deleted_at, *at, region), recreated),
            EventSpec::Invalidation {
                distribution,
                paths,
                ..
            } => self.invalidation(path, s, distribution, paths),
        }
    }

    fn recreation<'a>(
        &mut self,
        path: &str,
        s: &Scenario,
        (bucket, deleted_at, at, region): (&'a str, Dur, Dur, &str),
        recreated: &mut BTreeSet<&'a str>,
    ) {
        let regions = names(s.regions.iter().map(|r| r.name.as_str()));
        self.reference(&format!("{path}.region"), "region", region, &regions);
        self.event_time(&format!("{path}.at"), at, s.duration);
        if at <= deleted_at {
            self.issue(
                format!("{path}.at"),
                format!("{at} is not after deleted_at {deleted_at}"),
            );
        }
        let buckets = names(s.buckets.iter().map(|b| b.name.as_str()));
        self.reference(&format!("{path}.bucket"), "bucket", bucket, &buckets);
        if !recreated.insert(bucket) {
            self.issue(
                format!("{path}.bucket"),
                format!("\"{bucket}\" is already re-created by an earlier event"),
            );
        }
        let Some((k, spec)) = s.buckets.iter().enumerate().find(|(_, b)| b.name == bucket) else {
            return;
        };
        if spec.deleted_at.is_some() {
            self.issue(
                format!("{path}.deleted_at"),
                format!("buckets[{k}] has its own deleted_at; give the deletion in one place"),
            );
        }
        if let Some(created) = spec.created_at.filter(|&c| deleted_at <= c) {
            self.issue(
                format!("{path}.deleted_at"),
                format!("{deleted_at} is not after buckets[{k}].created_at {created}"),
            );
        }
    }

    fn invalidation(&mut self, path: &str, s: &Scenario, distribution: &str, paths: &[String]) {
        let what = format!("{path}.distribution");
        match &s.cdn {
            None => self.issue(&what, "there is no `cdn` section"),
            Some(cdn) => {
                let known = names(cdn.distributions.iter().map(|d| d.name.as_str()));
                self.reference(&what, "distribution", distribution, &known);
            }
        }
        if paths.is_empty() {
            self.issue(format!("{path}.paths"), "list at least one path");
        }
        for (j, p) in paths.iter().enumerate() {
            if let Err(e) = PathPattern::parse(p) {
                self.issue(format!("{path}.paths[{j}]"), format!("\"{p}\": {e}"));
            }
        }
    }
}
