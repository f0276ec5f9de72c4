//! Compile the `events` list: faults for the model, bucket re-creations onto the
//! buckets (CDN invalidations are compiled with the CDN).

use super::ids::{index_of, region_id};
use crate::schema::{EventSpec, FacilitySpec, OutageModeSpec, Scenario};
use s3sim_model::bucket::{Bucket, Recreation};
use s3sim_model::endpoints::OutageMode;
use s3sim_model::fault::Fault;

/// The model faults among the events, in list order.
pub(crate) fn faults(s: &Scenario, facilities: &[(usize, FacilitySpec)]) -> Vec<Fault> {
    s.events
        .iter()
        .filter_map(|e| fault(e, s, facilities))
        .collect()
}

/// Give every re-created bucket its deletion time and its second life.
pub(crate) fn recreate(s: &Scenario, buckets: &mut [Bucket]) {
    for event in &s.events {
        if let EventSpec::BucketRecreated {
            bucket,
            deleted_at,
            at,
            region,
        } = event
        {
            let b = &mut buckets[index_of(&s.buckets, bucket, |x| &x.name)];
            b.deleted_at = Some(deleted_at.0.after_start());
            b.recreated = Some(Recreation {
                at: at.0.after_start(),
                region: region_id(s, region),
            });
        }
    }
}

fn fault(e: &EventSpec, s: &Scenario, facilities: &[(usize, FacilitySpec)]) -> Option<Fault> {
    let facility = |name: &str| index_of(facilities, name, |(_, f)| &f.name) as u16;
    let at = e.start().1.0.after_start();
    Some(match e {
        EventSpec::Outage {
            facility: f,
            duration,
            mode,
            health_check,
            ..
        } => Fault::Outage {
            facility: facility(f),
            at,
            duration: duration.0,
            mode: outage_mode(*mode),
            health_check: health_check.0,
        },
        EventSpec::Drain { facility: f, .. } => Fault::Drain {
            facility: facility(f),
            at,
        },
        EventSpec::IpRotation {
            facility: f,
            grace,
            mode,
            ..
        } => Fault::IpRotation {
            facility: facility(f),
            at,
            grace: grace.0,
            mode: outage_mode(*mode),
        },
        EventSpec::ResolverOutage {
            resolvers,
            duration,
            serve_stale,
            ..
        } => Fault::ResolverOutage {
            group: index_of(&s.resolvers, resolvers, |r| &r.name) as u16,
            at,
            duration: duration.0,
            serve_stale: *serve_stale,
        },
        EventSpec::RecordTtl { ttl, .. } => Fault::RecordTtl { at, ttl: ttl.0 },
        EventSpec::EndpointRetired { region, .. } => Fault::EndpointRetired {
            region: region_id(s, region),
            at,
        },
        EventSpec::BucketRecreated { .. } | EventSpec::Invalidation { .. } => return None,
    })
}

fn outage_mode(mode: OutageModeSpec) -> OutageMode {
    match mode {
        OutageModeSpec::Refused => OutageMode::Refused,
        OutageModeSpec::BlackHoled => OutageMode::BlackHoled,
    }
}
