//! Split a run across machines: run one shard's jobs, write raw results, merge shards.
//!
//! A shard directory holds `scenario.ron` (the exact input), `shard.json` (what run it
//! is part of, which build wrote it) and `jobs/`, one gzip-compressed file per finished
//! (point, replica) job, each written atomically as the job finishes (`store`). A shard
//! stopped part-way (time limit, preemption) keeps its finished jobs, and running it
//! again runs only the others (`run`). Merging checks that the shards belong to one run
//! of one build, that every payload is intact and has the scenario's dimensions, and that
//! every job is there exactly once, then aggregates and writes exactly what the unsharded
//! run writes (`merge`). `status` says which shards and jobs are done.

mod merge;
mod run;
mod status;
mod store;

pub use merge::{MergeError, merge_shards};
pub use run::{ShardRun, run_shard};
pub use status::{LISTED, ShardStatus, StatusReport, shard_status};
pub use store::{
    MAX_JOB_BYTES, ShardManifest, build_id, decode_payload, encode_payload, remove_partial_jobs,
};

use crate::runner::Job;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Select part K of N of a run's jobs: job number j (in [`all_jobs`](crate::all_jobs)
/// order) belongs to shard j mod N. Round-robin keeps shards within one job of each
/// other in size and mixes cheap and expensive sweep points.
///
/// ```
/// use s3sim_report::{Shard, all_jobs};
/// let shard: Shard = "1/3".parse().unwrap();
/// let jobs = shard.select(&all_jobs(2, 4)); // 8 jobs: numbers 1, 4, 7
/// assert_eq!(jobs.iter().map(|j| (j.point, j.replica)).collect::<Vec<_>>(), [(0, 1), (1, 0), (1, 3)]);
/// assert_eq!(shard.jobs(2, 4).collect::<Vec<_>>(), jobs);
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
    /// Pick the jobs of this shard, in order.
    pub fn select(self, jobs: &[Job]) -> Vec<Job> {
        jobs.iter()
            .copied()
            .enumerate()
            .filter(|(j, _)| *j as u64 % u64::from(self.count) == u64::from(self.index))
            .map(|(_, job)| job)
            .collect()
    }

    /// List this shard's jobs of a run of `points` × `replicas` without listing the
    /// run's (the same jobs as [`Shard::select`] of [`all_jobs`](crate::all_jobs)).
    pub fn jobs(self, points: usize, replicas: u32) -> impl Iterator<Item = Job> {
        let total = points as u64 * u64::from(replicas);
        let replicas = u64::from(replicas.max(1));
        (u64::from(self.index)..total)
            .step_by(self.count.max(1) as usize)
            .map(move |j| Job {
                point: (j / replicas) as usize,
                replica: (j % replicas) as u32,
            })
    }

    /// The shard that runs job number `number` (in [`all_jobs`](crate::all_jobs) order)
    /// of an `count`-way split.
    pub fn of_job(number: u64, count: u32) -> Shard {
        Shard {
            index: (number % u64::from(count.max(1))) as u32,
            count,
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Name the environment variables schedulers set to an array task's index, read in
/// this order by `--shard auto/N`, each with the index of its first task.
///
/// Slurm job arrays (`SLURM_ARRAY_TASK_ID`), Kubernetes Indexed Jobs
/// (`JOB_COMPLETION_INDEX`), AWS Batch array jobs (`AWS_BATCH_JOB_ARRAY_INDEX`) and PBS
/// Pro (`PBS_ARRAY_INDEX`) count from 0 (as the array is declared; Slurm and PBS let the
/// user start elsewhere); Grid Engine (`SGE_TASK_ID`) and LSF (`LSB_JOBINDEX`) count
/// from 1, so K is the value less 1.
pub const SHARD_INDEX_VARIABLES: [(&str, u32); 6] = [
    ("SLURM_ARRAY_TASK_ID", 0),
    ("JOB_COMPLETION_INDEX", 0),
    ("AWS_BATCH_JOB_ARRAY_INDEX", 0),
    ("PBS_ARRAY_INDEX", 0),
    ("SGE_TASK_ID", 1),
    ("LSB_JOBINDEX", 1),
];

impl Shard {
    /// Parse `K/N`, or `auto/N` with K from the first of [`SHARD_INDEX_VARIABLES`] set
    /// in `env` (less its first index).
    ///
    /// `env` is a parameter so that tests (and callers with their own environment) do
    /// not have to set process-wide variables.
    ///
    /// ```
    /// use s3sim_report::Shard;
    /// let lsf = |name: &str| (name == "LSB_JOBINDEX").then(|| "3".to_string());
    /// assert_eq!(Shard::parse_with_env("auto/4", lsf), Ok(Shard { index: 2, count: 4 }));
    /// ```
    ///
    /// # Errors
    ///
    /// A message naming the shard text when it is not `K/N` or `auto/N` with whole
    /// numbers `0 <= K < N`, or when `auto` finds no index variable set, or one below
    /// its scheduler's first index.
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
            let (name, first, value) = SHARD_INDEX_VARIABLES
                .iter()
                .find_map(|&(name, first)| env(name).map(|v| (name, first, v)))
                .ok_or_else(|| {
                    let names: Vec<&str> = SHARD_INDEX_VARIABLES.iter().map(|v| v.0).collect();
                    format!(
                        "shard auto/{count}: none of {} is set; give K/N instead",
                        names.join(", ")
                    )
                })?;
            let value: u32 = value.trim().parse().map_err(|_| {
                format!("shard auto/{count}: {name}=\"{value}\" is not a whole number")
            })?;
            value.checked_sub(first).ok_or_else(|| {
                format!("shard auto/{count}: {name}={value}, but its tasks count from {first}")
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

/// Name the directory of one shard's raw results: `results/<scenario>.shards/K-of-N`.
///
/// Shards of one run sit side by side, so `s3sim merge results/<scenario>.shards/*`
/// finds them all.
pub fn shard_dir(scenario: &str, shard: Shard) -> PathBuf {
    Path::new("results").join(format!(
        "{scenario}.shards/{}-of-{}",
        shard.index, shard.count
    ))
}
