//! Split a run across machines: run one shard's jobs, write raw results, merge shards.
//!
//! A shard directory holds `scenario.ron` (the exact input), `shard.json` (what run it
//! is part of) and `jobs.json` (the raw replica outputs of its jobs). Merging checks
//! that the shards belong to one run and cover every job once, then aggregates and
//! writes exactly what the unsharded run writes.

use crate::output::files::{OutputError, write_file};
use crate::output::install::Staging;
use crate::output::outdir::{Kind, OutDir};
use crate::runner::{Job, RunOptions, RunResult, all_jobs, run_jobs};
use s3sim_model::world::ReplicaOutput;
use s3sim_scenario::LoadedScenario;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

const FORMAT: &str = "s3sim-shard-1";

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
    /// Pick the jobs of this shard, in order.
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
    ///
    /// `env` is a parameter so that tests (and callers with their own environment) do
    /// not have to set process-wide variables.
    ///
    /// # Errors
    ///
    /// A message naming the shard text when it is not `K/N` or `auto/N` with whole
    /// numbers `0 <= K < N`, or when `auto` finds no index variable set.
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

/// Describe which run a shard belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    /// Shard file format.
    pub format: String,
    /// The s3sim version that wrote it.
    pub s3sim_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from (kept so merged outputs match unsharded ones).
    pub origin: String,
    /// Hash of the scenario text.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replicas per point.
    pub replicas: u32,
    /// Sweep points.
    pub points: usize,
    /// This shard.
    pub shard: Shard,
    /// Its jobs, in order.
    pub jobs: Vec<Job>,
}

#[derive(Serialize, Deserialize)]
struct JobRecord {
    job: Job,
    output: ReplicaOutput,
}

/// Run shard `shard` of `loaded` and write its raw results into `out` (atomically,
/// replacing what was there if [`OutDir::check`] allows it for [`Kind::Shard`]).
///
/// The raw replica outputs, not aggregates, are kept, so that merging gives exactly
/// the files of the unsharded run.
///
/// # Errors
///
/// [`OutputError::Refused`] when `out` may not be replaced;
/// [`OutputError::Io`] when the shard directory cannot be written;
/// [`OutputError::Encode`] when the manifest or the outputs cannot be encoded.
pub fn run_shard(
    out: &OutDir,
    loaded: &LoadedScenario,
    options: RunOptions,
    shard: Shard,
) -> Result<Vec<PathBuf>, OutputError> {
    out.check(Kind::Shard)?;
    let jobs = shard.select(&all_jobs(loaded.points.len(), options.replicas));
    let outputs = run_jobs(&loaded.points, &jobs, options.seed, options.progress);
    let manifest = ShardManifest {
        format: FORMAT.into(),
        s3sim_version: env!("CARGO_PKG_VERSION").into(),
        scenario: loaded.scenario.name.clone(),
        origin: loaded.origin.clone(),
        scenario_hash: loaded.source_hash(),
        seed: options.seed,
        replicas: options.replicas,
        points: loaded.points.len(),
        shard,
        jobs: jobs.clone(),
    };
    let records: Vec<JobRecord> = jobs
        .into_iter()
        .zip(outputs)
        .map(|(job, output)| JobRecord { job, output })
        .collect();
    let staging = Staging::new(out, Kind::Shard)?;
    let files = [
        write_file(staging.path(), "scenario.ron", loaded.source.as_bytes())?,
        write_file(
            staging.path(),
            "shard.json",
            &json(&manifest, "shard.json")?,
        )?,
        write_file(staging.path(), "jobs.json", &json(&records, "jobs.json")?)?,
    ];
    staging.install()?;
    Ok(files
        .iter()
        .map(|f| out.path().join(f.file_name().expect("file")))
        .collect())
}

fn json<T: Serialize>(value: &T, name: &str) -> Result<Vec<u8>, OutputError> {
    serde_json::to_vec(value).map_err(|e| OutputError::Encode {
        path: name.into(),
        message: e.to_string(),
    })
}

/// Say why shards could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A shard file could not be read or decoded.
    #[error("{path}: {message}")]
    Read {
        /// The shard file.
        path: String,
        /// Why it could not be read or decoded.
        message: String,
    },
    /// The shards do not form one complete run.
    #[error("{0}")]
    Mismatch(String),
    /// The scenario stored in a shard no longer parses.
    #[error(transparent)]
    Scenario(#[from] s3sim_scenario::ScenarioError),
}

/// Read shard directories, check they make one complete run, and return it.
///
/// # Errors
///
/// [`MergeError::Read`] when a shard file is missing, not an s3sim shard, or larger
/// than its cap ([`MAX_JOBS_BYTES`] for `jobs.json`, [`s3sim_scenario::MAX_SCENARIO_BYTES`]
/// for the others);
/// [`MergeError::Mismatch`] when the shards are from different runs, or miss or repeat
/// a shard or a job; [`MergeError::Scenario`] when the stored scenario no longer parses.
pub fn merge_shards(
    dirs: &[PathBuf],
) -> Result<(LoadedScenario, RunOptions, Vec<RunResult>), MergeError> {
    let mut shards = dirs
        .iter()
        .map(|d| read_shard(d))
        .collect::<Result<Vec<_>, _>>()?;
    let Some((first, source, _)) = shards.first() else {
        return Err(MergeError::Mismatch("no shard directories given".into()));
    };
    let (first, source) = (first.clone(), source.clone());
    for (dir, (m, text, _)) in dirs.iter().zip(&shards) {
        let same = (
            &m.scenario_hash,
            m.seed,
            m.replicas,
            m.points,
            m.shard.count,
            &m.origin,
        ) == (
            &first.scenario_hash,
            first.seed,
            first.replicas,
            first.points,
            first.shard.count,
            &first.origin,
        );
        if !same || *text != source || m.format != FORMAT {
            return Err(MergeError::Mismatch(format!(
                "{}: shard {} is from another run than shard {} (scenario, seed, replicas or shard count differ)",
                dir.display(),
                m.shard,
                first.shard
            )));
        }
    }
    check_cover(&shards, first.shard.count)?;
    let loaded = s3sim_scenario::parse(&source, &first.origin)?;
    let mut records: Vec<JobRecord> = shards.drain(..).flat_map(|(_, _, r)| r).collect();
    records.sort_by_key(|r| r.job);
    let expected = all_jobs(first.points, first.replicas);
    if records.iter().map(|r| r.job).ne(expected.iter().copied()) {
        return Err(MergeError::Mismatch(
            "the shards' jobs do not cover the run exactly once".into(),
        ));
    }
    let options = RunOptions {
        seed: first.seed,
        replicas: first.replicas,
        progress: false,
    };
    let mut outputs = records.into_iter().map(|r| r.output);
    let results = loaded
        .points
        .iter()
        .map(|p| {
            RunResult::new(
                &p.world(),
                outputs.by_ref().take(first.replicas as usize).collect(),
            )
        })
        .collect();
    Ok((loaded, options, results))
}

fn check_cover(
    shards: &[(ShardManifest, String, Vec<JobRecord>)],
    count: u32,
) -> Result<(), MergeError> {
    let mut seen = vec![0u32; count as usize];
    for (m, _, _) in shards {
        seen[m.shard.index as usize] += 1;
    }
    let missing: Vec<String> = (0..count)
        .filter(|&k| seen[k as usize] == 0)
        .map(|k| k.to_string())
        .collect();
    let twice: Vec<String> = (0..count)
        .filter(|&k| seen[k as usize] > 1)
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() || !twice.is_empty() {
        return Err(MergeError::Mismatch(format!(
            "shards of a {count}-way split: missing [{}], given more than once [{}]",
            missing.join(", "),
            twice.join(", ")
        )));
    }
    Ok(())
}

/// The largest `jobs.json` `s3sim merge` reads: 4 GiB. A replica of the default
/// two-hour scenario takes about 95 kB, so this is some 40 000 replicas in one shard;
/// the cap stops a wrong file from filling memory before it is decoded.
pub const MAX_JOBS_BYTES: u64 = 4 << 30;

fn read_shard(dir: &Path) -> Result<(ShardManifest, String, Vec<JobRecord>), MergeError> {
    let read = |name: &str| {
        let path = dir.join(name);
        let cap = if name == "jobs.json" {
            MAX_JOBS_BYTES
        } else {
            s3sim_scenario::MAX_SCENARIO_BYTES
        };
        s3sim_scenario::read_capped(&path, cap).map_err(|e| MergeError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    };
    let decode = |name: &str, text: &str| MergeError::Read {
        path: dir.join(name).display().to_string(),
        message: format!("not an s3sim shard file: {text}"),
    };
    let manifest: ShardManifest = serde_json::from_str(&read("shard.json")?)
        .map_err(|e| decode("shard.json", &e.to_string()))?;
    let records: Vec<JobRecord> = serde_json::from_str(&read("jobs.json")?)
        .map_err(|e| decode("jobs.json", &e.to_string()))?;
    if records
        .iter()
        .map(|r| r.job)
        .ne(manifest.jobs.iter().copied())
    {
        return Err(decode("jobs.json", "its jobs differ from shard.json's"));
    }
    Ok((manifest, read("scenario.ron")?, records))
}
