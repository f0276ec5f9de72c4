//! Run (sweep point, replica) jobs in parallel, deterministically.

use crate::aggregate::Aggregate;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use s3sim_engine::RandomStreams;
use s3sim_model::WorldConfig;
use s3sim_model::world::{ReplicaOutput, run_replica};
use s3sim_scenario::SweepPoint;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Say how to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Master seed.
    pub seed: u64,
    /// Number of replicas per sweep point.
    pub replicas: u32,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// Identify one unit of work: replica `replica` of sweep point `point`.
///
/// Replica k of every point uses the random streams of (seed, k): common random
/// numbers, so differences between points are the parameters', not noise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Job {
    /// Sweep point, from 0.
    pub point: usize,
    /// Replica, from 0.
    pub replica: u32,
}

/// List every job of a run, point-major: (0,0), (0,1), …, (1,0), ….
///
/// ```
/// use s3sim_report::{Job, all_jobs};
/// assert_eq!(all_jobs(2, 2), [
///     Job { point: 0, replica: 0 }, Job { point: 0, replica: 1 },
///     Job { point: 1, replica: 0 }, Job { point: 1, replica: 1 },
/// ]);
/// ```
pub fn all_jobs(points: usize, replicas: u32) -> Vec<Job> {
    (0..points)
        .flat_map(|point| (0..replicas).map(move |replica| Job { point, replica }))
        .collect()
}

/// Run `jobs` (of the sweep `points`) on rayon's pool.
///
/// Each job compiles its point's world ([`SweepPoint::world`]) and drops it when done,
/// so a sweep holds at most one world per thread, never one per point (a scenario
/// without a sweep shares its one compiled world). Outputs come back in `jobs` order
/// whatever the thread count.
pub fn run_jobs(
    points: &[SweepPoint],
    jobs: &[Job],
    seed: u64,
    progress: bool,
) -> Vec<ReplicaOutput> {
    run_jobs_with(&|point| points[point].world(), jobs, seed, progress)
}

/// Run `jobs` on rayon's pool, asking `world_of` for each job's world.
fn run_jobs_with(
    world_of: &(dyn Fn(usize) -> Arc<WorldConfig> + Sync),
    jobs: &[Job],
    seed: u64,
    progress: bool,
) -> Vec<ReplicaOutput> {
    let bar = progress_bar(jobs.len() as u64, progress);
    let outputs = jobs
        .par_iter()
        .map(|&job| {
            let output = run_job(&world_of(job.point), job, seed);
            bar.inc(1);
            output
        })
        .collect();
    bar.finish_and_clear();
    outputs
}

/// Run one job: replica `job.replica` (random streams of (`seed`, replica)) of
/// `world`, the world of point `job.point`.
pub(crate) fn run_job(world: &WorldConfig, job: Job, seed: u64) -> ReplicaOutput {
    let streams = RandomStreams::for_replica(seed, u64::from(job.replica));
    run_replica(world, streams)
}

pub(crate) fn progress_bar(len: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template = "{spinner} runs {pos}/{len} (point × replica) [{bar:30}] {elapsed} (eta {eta})";
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Hold one sweep point's finished run: every replica's output and their aggregate.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    /// Per-replica outputs, in replica order.
    pub outputs: Vec<ReplicaOutput>,
    /// Estimates across replicas.
    pub aggregate: Aggregate,
}

impl RunResult {
    /// Aggregate the replica outputs (in replica order) of one world.
    pub fn new(world: &WorldConfig, outputs: Vec<ReplicaOutput>) -> Self {
        let aggregate = Aggregate::new(world, &outputs);
        RunResult { outputs, aggregate }
    }
}

/// Run every replica of every sweep point in one pool and aggregate per point (each
/// point's world compiled again, one at a time, for its aggregate).
pub fn run_points(points: &[SweepPoint], options: RunOptions) -> Vec<RunResult> {
    let jobs = all_jobs(points.len(), options.replicas);
    let mut outputs = run_jobs(points, &jobs, options.seed, options.progress).into_iter();
    points
        .iter()
        .map(|point| {
            RunResult::new(
                &point.world(),
                outputs.by_ref().take(options.replicas as usize).collect(),
            )
        })
        .collect()
}

/// Run the replicas of one world in parallel and aggregate them.
///
/// ```
/// let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// let mut world = (*loaded.world).clone();
/// world.duration = s3sim_engine::SimDuration::from_secs(900);
/// let options = s3sim_report::RunOptions { seed: 1, replicas: 2, progress: false };
/// let result = s3sim_report::run(&world, options);
/// assert_eq!(result.outputs.len(), 2);
/// assert_eq!(result.aggregate.groups[0], "all");
/// ```
pub fn run(world: &WorldConfig, options: RunOptions) -> RunResult {
    let world = Arc::new(world.clone());
    let jobs = all_jobs(1, options.replicas);
    let outputs = run_jobs_with(
        &|_| Arc::clone(&world),
        &jobs,
        options.seed,
        options.progress,
    );
    RunResult::new(&world, outputs)
}
