//! Split a run across machines: run one shard's jobs, write raw results, merge shards.
//!
//! A shard directory holds `scenario.ron` (the exact input), `shard.json` (what run it
//! is part of) and `jobs.json` (the raw replica outputs of its jobs). Merging checks
//! that the shards belong to one run and cover every job once, then aggregates and
//! writes exactly what the unsharded run writes.

use crate::output::{OutputError, replace_dir, staging_dir, write_file};
use crate::runner::{Job, RunOptions, RunResult, Shard, all_jobs, run_jobs};
use s3sim_model::world::ReplicaOutput;
use s3sim_scenario::LoadedScenario;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FORMAT: &str = "s3sim-shard-1";

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

/// Run shard `shard` of `loaded` and write its raw results into `dir` (atomically).
pub fn run_shard(
    dir: &Path,
    loaded: &LoadedScenario,
    options: RunOptions,
    shard: Shard,
) -> Result<Vec<PathBuf>, OutputError> {
    let jobs = shard.select(&all_jobs(loaded.points.len(), options.replicas));
    let worlds: Vec<_> = loaded.points.iter().map(|p| &p.world).collect();
    let outputs = run_jobs(&worlds, &jobs, options.seed, options.progress);
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
    let staging = staging_dir(dir)?;
    let files = [
        write_file(staging.path(), "scenario.ron", loaded.source.as_bytes())?,
        write_file(
            staging.path(),
            "shard.json",
            &json(&manifest, "shard.json")?,
        )?,
        write_file(staging.path(), "jobs.json", &json(&records, "jobs.json")?)?,
    ];
    replace_dir(staging, dir)?;
    Ok(files
        .iter()
        .map(|f| dir.join(f.file_name().expect("file")))
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
    Read { path: String, message: String },
    /// The shards do not form one complete run.
    #[error("{0}")]
    Mismatch(String),
    /// The scenario stored in a shard no longer parses.
    #[error(transparent)]
    Scenario(#[from] s3sim_scenario::ScenarioError),
}

/// Read shard directories, check they make one complete run, and return it.
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
                &p.world,
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

fn read_shard(dir: &Path) -> Result<(ShardManifest, String, Vec<JobRecord>), MergeError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| MergeError::Read {
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
