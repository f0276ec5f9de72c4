//! Turn a checked scenario into the model's configuration, names into dense ids.
//!
//! One module per section of the file, as in [`crate::schema`]; `ids` resolves
//! names and `delay` converts delay distributions for all of them.

mod cdn;
mod clients;
mod delay;
mod events;
mod ids;
mod objects;
mod rate_limits;
mod topology;

use crate::schema::{ResolverSpec, Scenario};
use s3sim_model::WorldConfig;
use s3sim_model::bucket::Bucket;
use s3sim_model::dns::{DnsConfig, ResolverConfig};
use s3sim_model::facility::FacilityRules;
use s3sim_model::response::Status;
use s3sim_model::world::ResolverGroup;

/// Compile a scenario that passed [`crate::validate::check`].
pub(crate) fn compile(s: &Scenario) -> WorldConfig {
    let facilities = s.facilities();
    let objects = objects::objects(s);
    let mut buckets: Vec<Bucket> = s
        .buckets
        .iter()
        .map(|b| Bucket {
            name: b.name.clone(),
            region: ids::region_id(s, &b.region),
            created_at: b.created_at.map(|d| d.0.after_start()),
            deleted_at: b.deleted_at.map(|d| d.0.after_start()),
            location_constraint: b
                .location_constraint
                .unwrap_or(b.region != s.default_region),
            recreated: None,
        })
        .collect();
    events::recreate(s, &mut buckets);
    WorldConfig {
        duration: s.duration.0,
        bin: s.bin.0,
        topology: topology::topology(s, &facilities),
        buckets,
        dns: DnsConfig {
            record_ttl: s.dns.record_ttl.0,
            propagation: delay::delay(&s.dns.propagation),
            propagation_cap: s.dns.propagation_cap.0,
            missing_bucket_nxdomain: s.dns.missing_bucket_nxdomain,
            cname_ttl: s.dns.cname_ttl.map(|d| d.0),
        },
        resolver_groups: s.resolvers.iter().map(resolver_group).collect(),
        classes: s
            .clients
            .iter()
            .map(|c| clients::class(c, s, &objects))
            .collect(),
        rules: FacilityRules {
            temporary_redirect: Status::from_code(s.s3.temporary_redirect_code).expect("checked"),
        },
        faults: events::faults(s, &facilities),
        cdn: cdn::cdn(s),
        objects,
        rate_limits: rate_limits::rate_limits(s),
        trace_limit: 0,
        learning_delay: delay::delay(&s.s3.learning_delay),
    }
}

fn resolver_group(r: &ResolverSpec) -> ResolverGroup {
    ResolverGroup {
        name: r.name.clone(),
        count: r.count,
        config: ResolverConfig {
            min_ttl: r.min_ttl.0,
            max_ttl: r.max_ttl.0,
            negative_ttl: r.negative_ttl.0,
            rtt: r.rtt.0,
            miss_rtt: r.miss_rtt.0,
        },
        warm_start: r.warm_start,
    }
}
