//! Run replicas in parallel, aggregate them with confidence intervals, write results.
//!
//! Replicas run on rayon's pool but are collected and reduced in replica order, so
//! every output is byte-identical for any thread count. Results are written to a
//! temporary directory next to the target and renamed into place, so a failed run
//! never leaves a half-written result under the final name.

pub mod aggregate;
pub mod charts;
pub mod check;
pub mod measure;
pub mod metric;
mod output;
mod runner;
pub mod shard;
pub mod stats;
pub mod sweep;

pub use aggregate::Aggregate;
pub use charts::Marker;
pub use output::{OutputError, timeseries_csv, write_results};
pub use runner::{
    Job, RunOptions, RunResult, SHARD_INDEX_VARIABLES, Shard, all_jobs, run, run_jobs, run_points,
};

use s3sim_model::WorldConfig;

/// The scenario events worth marking on time charts: bucket creations, deletions and
/// re-creations, every fault (outages, drains, rotations, resolver outages, DNS
/// changes) and every CDN invalidation request, in time order.
pub fn markers(world: &WorldConfig) -> Vec<Marker> {
    let mut marks: Vec<Marker> = world
        .buckets
        .iter()
        .flat_map(|b| {
            let created = b
                .created_at
                .map(|t| marker(t, format!("{} created", b.name)));
            let deleted = b
                .deleted_at
                .map(|t| marker(t, format!("{} deleted", b.name)));
            let again = b.recreated.map(|r| {
                let region = &world.topology.regions[usize::from(r.region)].name;
                marker(r.at, format!("{} re-created in {region}", b.name))
            });
            created.into_iter().chain(deleted).chain(again)
        })
        .chain(world.faults.iter().flat_map(|f| fault_markers(world, f)))
        .chain(world.cdn.invalidations.iter().map(|inv| {
            let paths: Vec<String> = inv.paths.iter().map(|p| p.to_string()).collect();
            marker(inv.at, format!("invalidation {}", paths.join(" ")))
        }))
        .filter(|m| m.time_s > 0.0 && m.time_s < world.duration.as_secs_f64())
        .collect();
    marks.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    marks
}

/// A marker at simulated time `t`.
fn marker(t: s3sim_engine::SimTime, label: String) -> Marker {
    Marker {
        time_s: t.as_secs_f64(),
        label,
    }
}

fn fault_markers(world: &WorldConfig, fault: &s3sim_model::fault::Fault) -> Vec<Marker> {
    use s3sim_model::fault::Fault;
    let facility = |f: u16| world.topology.facilities[usize::from(f)].name.as_str();
    match *fault {
        Fault::Outage {
            facility: f,
            at,
            duration,
            ..
        } => vec![
            marker(at, format!("{} down", facility(f))),
            marker(at + duration, format!("{} back", facility(f))),
        ],
        Fault::Drain { facility: f, at } => vec![marker(at, format!("{} drained", facility(f)))],
        Fault::IpRotation {
            facility: f,
            at,
            grace,
        } => vec![
            marker(at, format!("{} IPs rotated", facility(f))),
            marker(at + grace, format!("old {} IPs retired", facility(f))),
        ],
        Fault::ResolverOutage {
            group,
            at,
            duration,
            ..
        } => {
            let name = &world.resolver_groups[usize::from(group)].name;
            vec![
                marker(at, format!("{name} resolvers cut off")),
                marker(at + duration, format!("{name} resolvers back")),
            ]
        }
        Fault::RecordTtl { at, ttl } => vec![marker(at, format!("record TTL {ttl}"))],
        Fault::EndpointRetired { region, at } => {
            let region = &world.topology.regions[usize::from(region)].name;
            vec![marker(at, format!("{region} redirect endpoint retired"))]
        }
    }
}
