//! Run replicas in parallel, aggregate them with confidence intervals, write results.
//!
//! Replicas run on rayon's pool but are collected and reduced in replica order, so
//! every output is byte-identical for any thread count. Results are written to a
//! temporary directory next to the target and renamed into place, so a failed run
//! never leaves a half-written result under the final name.

pub mod aggregate;
pub mod charts;
pub mod metric;
mod output;
pub mod stats;

pub use aggregate::Aggregate;
pub use charts::Marker;
pub use output::{OutputError, timeseries_csv, write_results};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use s3sim_engine::RandomStreams;
use s3sim_model::WorldConfig;
use s3sim_model::world::{ReplicaOutput, run_replica};

/// Say how to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Master seed.
    pub seed: u64,
    /// Number of replicas.
    pub replicas: u32,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// Hold a finished run: every replica's output and their aggregate.
pub struct RunResult {
    /// Per-replica outputs, in replica order.
    pub outputs: Vec<ReplicaOutput>,
    /// Estimates across replicas.
    pub aggregate: Aggregate,
}

/// Run the replicas of `world` in parallel and aggregate them.
///
/// ```
/// let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// let mut world = loaded.world.clone();
/// world.duration = s3sim_engine::SimDuration::from_secs(900);
/// let options = s3sim_report::RunOptions { seed: 1, replicas: 2, progress: false };
/// let result = s3sim_report::run(&world, options);
/// assert_eq!(result.outputs.len(), 2);
/// assert_eq!(result.aggregate.groups[0], "all");
/// ```
pub fn run(world: &WorldConfig, options: RunOptions) -> RunResult {
    let bar = progress_bar(options);
    let outputs: Vec<ReplicaOutput> = (0..options.replicas)
        .into_par_iter()
        .map(|k| {
            let output = run_replica(
                world,
                RandomStreams::for_replica(options.seed, u64::from(k)),
            );
            bar.inc(1);
            output
        })
        .collect();
    bar.finish_and_clear();
    let names: Vec<String> = world.classes.iter().map(|c| c.name.clone()).collect();
    let aggregate = Aggregate::new(&names, &outputs);
    RunResult { outputs, aggregate }
}

fn progress_bar(options: RunOptions) -> ProgressBar {
    if !options.progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(u64::from(options.replicas));
    let style = ProgressStyle::with_template(
        "{spinner} replicas {pos}/{len} [{bar:30}] {elapsed} (eta {eta})",
    )
    .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

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
