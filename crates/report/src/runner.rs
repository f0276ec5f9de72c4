//! Run (sweep point, replica) jobs in parallel, deterministically, optionally one shard.

use crate::aggregate::Aggregate;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use s3sim_engine::RandomStreams;
use s3sim_model::WorldConfig;
use s3sim_model::world::{ReplicaOutput, run_replica};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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

/// Every job of a run, point-major: (0,0), (0,1), …, (1,0), ….
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

/// Select part K of N of a run's jobs: job number j (in [`all_jobs`] order) belongs to
/// shard j mod N. Round-robin keeps shards within one job of each other in size and
/// mixes cheap and expensive sweep points.
///
/// ```
/// use s3sim_report::{Shard, all_jobs};
/// let shard: Shard = "1/3".parse().unwrap();
/// let jobs = shard.select(&all_jobs(2, 4)); // 8 jobs: numbers 1, 4, 7
/// assert_eq!(jobs.iter().map(|j| (j.point, j.replica)).collect::<Vec<_>>(), [(0, 1), (1, 0), (1, 3)]);
/// assert!("3/3".parse::<Shard>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 0 to N − 1.
    pub index: u32,
    /// N, at least 1.
    pub count: u32,
}

impl Shard {
    /// The jobs of this shard, in order.
    pub fn select(self, jobs: &[Job]) -> Vec<Job> {
        jobs.iter()
            .copied()
            .enumerate()
            .filter(|(j, _)| *j as u64 % u64::from(self.count) == u64::from(self.index))
            .map(|(_, job)| job)
            .collect()
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Environment variables a scheduler sets to a task's index (Slurm job arrays,
/// Kubernetes Indexed Jobs), read by `--shard auto/N`.
pub const SHARD_INDEX_VARIABLES: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

impl Shard {
    /// Parse `K/N`, or `auto/N` with K from the first of [`SHARD_INDEX_VARIABLES`] set
    /// in `env`.
    pub fn parse_with_env(
        text: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Shard, String> {
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("shard \"{text}\": write K/N, e.g. 0/4, or auto/N"))?;
        let count: u32 = count
            .parse()
            .map_err(|_| format!("shard \"{text}\": N must be a whole number"))?;
        let index = if index == "auto" {
            let (name, value) = SHARD_INDEX_VARIABLES
                .iter()
                .find_map(|name| env(name).map(|v| (*name, v)))
                .ok_or_else(|| {
                    format!(
                        "shard auto/{count}: none of {} is set",
                        SHARD_INDEX_VARIABLES.join(", ")
                    )
                })?;
            value.trim().parse().map_err(|_| {
                format!("shard auto/{count}: {name}=\"{value}\" is not a whole number")
            })?
        } else {
            index
                .parse()
                .map_err(|_| format!("shard \"{text}\": K must be a whole number or auto"))?
        };
        if count == 0 || index >= count {
            return Err(format!("shard {index}/{count}: need 0 <= K < N"));
        }
        Ok(Shard { index, count })
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Shard::parse_with_env(text, |name| std::env::var(name).ok())
    }
}

/// Run `jobs` (of the sweep points whose models are `worlds`) on rayon's pool.
///
/// Outputs come back in `jobs` order whatever the thread count.
pub fn run_jobs(
    worlds: &[&WorldConfig],
    jobs: &[Job],
    seed: u64,
    progress: bool,
) -> Vec<ReplicaOutput> {
    let bar = progress_bar(jobs.len() as u64, progress);
    let outputs = jobs
        .par_iter()
        .map(|job| {
            let streams = RandomStreams::for_replica(seed, u64::from(job.replica));
            let output = run_replica(worlds[job.point], streams);
            bar.inc(1);
            output
        })
        .collect();
    bar.finish_and_clear();
    outputs
}

fn progress_bar(len: u64, show: bool) -> ProgressBar {
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

/// Run every replica of every point of `worlds` in one pool and aggregate per point.
pub fn run_points(worlds: &[&WorldConfig], options: RunOptions) -> Vec<RunResult> {
    let jobs = all_jobs(worlds.len(), options.replicas);
    let mut outputs = run_jobs(worlds, &jobs, options.seed, options.progress).into_iter();
    worlds
        .iter()
        .map(|world| {
            RunResult::new(
                world,
                outputs.by_ref().take(options.replicas as usize).collect(),
            )
        })
        .collect()
}

/// Run the replicas of one world in parallel and aggregate them.
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
    run_points(&[world], options).pop().expect("one point")
}
