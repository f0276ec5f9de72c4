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

/// The scenario events worth marking on time charts: bucket creations and deletions.
pub fn markers(world: &WorldConfig) -> Vec<Marker> {
    let mut marks: Vec<Marker> = world
        .buckets
        .iter()
        .flat_map(|b| {
            let created = b.created_at.map(|t| Marker {
                time_s: t.as_secs_f64(),
                label: format!("{} created", b.name),
            });
            let deleted = b.deleted_at.map(|t| Marker {
                time_s: t.as_secs_f64(),
                label: format!("{} deleted", b.name),
            });
            created.into_iter().chain(deleted)
        })
        .filter(|m| m.time_s > 0.0 && m.time_s < world.duration.as_secs_f64())
        .collect();
    marks.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    marks
}
