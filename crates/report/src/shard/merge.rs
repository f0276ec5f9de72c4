//! Merge shard directories into one run, refusing anything that is not exactly the run.

use super::Shard;
use super::store::{FORMAT, ShardManifest, build_id, job_path, read_job, read_manifest};
use crate::measure::expectation_probes;
use crate::runner::{Job, RunOptions, RunResult};
use s3sim_scenario::LoadedScenario;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Say why shards could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A shard file could not be read, decoded or verified.
    #[error("{path}: {message}")]
    Read {
        /// The shard file.
        path: String,
        /// Why it could not be read, decoded or verified.
        message: String,
    },
    /// The shards do not form one run of this build.
    #[error("{0}")]
    Mismatch(String),
    /// Shards or jobs are missing; the message says how to run them.
    #[error("{0}")]
    Incomplete(String),
    /// The scenario stored in a shard no longer parses.
    #[error(transparent)]
    Scenario(#[from] s3sim_scenario::ScenarioError),
}

/// Read shard directories, check they make one complete run of this build, and
/// return it, aggregated point by point.
///
/// Checked before anything is aggregated: every shard's format, s3sim version and
/// [`build_id`] against this build's; scenario text (and its recorded hash), seed,
/// replicas, points and N the same in all shards; each of the N shards given once; every
/// job's file present, its checksum right, its job the expected one, and its payload's
/// dimensions (bins, bin width, classes, facilities) the scenario's. Jobs are then
/// decoded one at a time in job order.
///
/// # Errors
///
/// [`MergeError::Read`] naming the file when a manifest or job file is missing its
/// parts, unreadable, altered (checksum) or of the wrong dimensions;
/// [`MergeError::Mismatch`] when the shards are from different runs or builds, or a
/// shard is given twice; [`MergeError::Incomplete`] when shards or jobs are missing,
/// with the commands that run them; [`MergeError::Scenario`] when the stored scenario
/// no longer parses.
pub fn merge_shards(
    dirs: &[PathBuf],
) -> Result<(LoadedScenario, RunOptions, Vec<RunResult>), MergeError> {
    let manifests = dirs
        .iter()
        .map(|dir| {
            read_manifest(dir).map_err(|message| MergeError::Read {
                path: dir.join("shard.json").display().to_string(),
                message,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = manifests.first().cloned() else {
        return Err(MergeError::Mismatch("no shard directories given".into()));
    };
    let max = s3sim_scenario::validate::MAX_REPLICAS;
    if first.replicas == 0 || first.replicas > max || first.points == 0 || first.shard.count == 0 {
        return Err(MergeError::Read {
            path: dirs[0].join("shard.json").display().to_string(),
            message: format!(
                "{} replicas, {} points, {} shards: need 1 to {max} replicas and at least one point and shard",
                first.replicas, first.points, first.shard.count
            ),
        });
    }
    let source = read_scenario(&dirs[0], &first)?;
    for (dir, m) in dirs.iter().zip(&manifests) {
        check_build(dir, m)?;
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
        if !same || read_scenario(dir, m)? != source {
            return Err(MergeError::Mismatch(format!(
                "{}: shard {} is from another run than shard {} (scenario, seed, replicas or shard count differ)",
                dir.display(),
                m.shard,
                first.shard
            )));
        }
    }
    let loaded = s3sim_scenario::parse(&source, &first.origin)?;
    if loaded.points.len() != first.points {
        return Err(MergeError::Mismatch(format!(
            "shard.json says {} sweep points, its scenario has {}",
            first.points,
            loaded.points.len()
        )));
    }
    let total = first.points as u64 * u64::from(first.replicas);
    if u64::from(first.shard.count) > total {
        return Err(MergeError::Mismatch(format!(
            "a {}-way split of {total} jobs: more shards than jobs",
            first.shard.count
        )));
    }
    let by_index = check_cover(dirs, &manifests, &first)?;
    for (dir, m) in dirs.iter().zip(&manifests) {
        let jobs = m.job_list().count() as u64;
        if m.scenario != loaded.scenario.name || m.jobs != jobs {
            return Err(MergeError::Read {
                path: dir.join("shard.json").display().to_string(),
                message: format!(
                    "says scenario \"{}\" with {} jobs in shard {}, but its scenario is \"{}\" with {jobs}: it was edited",
                    m.scenario, m.jobs, m.shard, loaded.scenario.name
                ),
            });
        }
    }
    let job_dir = |j: u64| -> (&Path, Job) {
        let replicas = u64::from(first.replicas);
        let job = Job {
            point: (j / replicas) as usize,
            replica: (j % replicas) as u32,
        };
        (
            by_index[Shard::of_job(j, first.shard.count).index as usize],
            job,
        )
    };
    let missing: Vec<u32> = {
        let mut incomplete: Vec<u32> = (0..total)
            .map(job_dir)
            .zip(0..)
            .filter(|((dir, job), _)| !job_path(dir, *job).is_file())
            .map(|(_, j)| Shard::of_job(j, first.shard.count).index)
            .collect();
        incomplete.dedup();
        incomplete.sort_unstable();
        incomplete.dedup();
        incomplete
    };
    if !missing.is_empty() {
        return Err(MergeError::Incomplete(format!(
            "shards {} of the {}-way split have unfinished jobs (killed or still running; `s3sim status` lists them). {}",
            ranges(&missing),
            first.shard.count,
            rerun_hint(&missing, &first, &dirs[0])
        )));
    }
    // Each job file is read, checked and decoded once per pass of the reducer over each
    // chunk of bins, in job order: memory holds one output at a time.
    let read = |j: u64, world: &s3sim_model::WorldConfig| {
        let (dir, job) = job_dir(j);
        let read_error = |message: String| MergeError::Read {
            path: job_path(dir, job).display().to_string(),
            message,
        };
        read_job(dir, job, world)
            .map_err(read_error)?
            .ok_or_else(|| read_error("disappeared during the merge".into()))
    };
    let probes = expectation_probes(&loaded);
    let replicas = u64::from(first.replicas);
    let mut results = Vec::with_capacity(loaded.points.len());
    for (p, point) in loaded.points.iter().enumerate() {
        let world = point.world();
        let first_job = p as u64 * replicas;
        results.push(RunResult::reduce(
            &world,
            &probes,
            replicas as usize,
            |k| read(first_job + k as u64, &world).map(Cow::Owned),
        )?);
    }
    let options = RunOptions {
        seed: first.seed,
        replicas: first.replicas,
        progress: false,
    };
    Ok((loaded, options, results))
}

fn read_scenario(dir: &Path, m: &ShardManifest) -> Result<String, MergeError> {
    let path = dir.join("scenario.ron");
    let text =
        s3sim_scenario::read_capped(&path, s3sim_scenario::MAX_SCENARIO_BYTES).map_err(|e| {
            MergeError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            }
        })?;
    let hash = format!("{:016x}", s3sim_engine::stable_hash(text.as_bytes()));
    if hash != m.scenario_hash {
        return Err(MergeError::Read {
            path: path.display().to_string(),
            message: format!(
                "its hash {hash} is not the {} recorded in shard.json: it was changed after the shard ran",
                m.scenario_hash
            ),
        });
    }
    Ok(text)
}

fn check_build(dir: &Path, m: &ShardManifest) -> Result<(), MergeError> {
    let ours = build_id();
    let version = env!("CARGO_PKG_VERSION");
    if m.format != FORMAT || m.s3sim_version != version || m.build_id != ours {
        return Err(MergeError::Mismatch(format!(
            "{}: shard {} was written by s3sim {} (build {}, format {}), but this is s3sim {version} (build {ours}, format {FORMAT}); merge with the binary that ran the shards, or run them again with this one",
            dir.display(),
            m.shard,
            m.s3sim_version,
            m.build_id,
            m.format
        )));
    }
    Ok(())
}

/// The directory of each shard index, or the missing and repeated indices.
fn check_cover<'a>(
    dirs: &'a [PathBuf],
    manifests: &[ShardManifest],
    first: &ShardManifest,
) -> Result<Vec<&'a Path>, MergeError> {
    let count = first.shard.count;
    let mut by_index: Vec<Vec<&Path>> = vec![Vec::new(); count as usize];
    for (dir, m) in dirs.iter().zip(manifests) {
        if m.shard.index >= count {
            return Err(MergeError::Mismatch(format!(
                "{}: shard {} is not a shard of a {count}-way split",
                dir.display(),
                m.shard
            )));
        }
        by_index[m.shard.index as usize].push(dir);
    }
    let twice: Vec<u32> = (0..count)
        .filter(|&k| by_index[k as usize].len() > 1)
        .collect();
    if !twice.is_empty() {
        return Err(MergeError::Mismatch(format!(
            "shards of a {count}-way split given more than once [{}]",
            ranges(&twice)
        )));
    }
    let missing: Vec<u32> = (0..count)
        .filter(|&k| by_index[k as usize].is_empty())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Incomplete(format!(
            "shards of a {count}-way split: missing [{}]. {}",
            ranges(&missing),
            rerun_hint(&missing, first, &dirs[0])
        )));
    }
    Ok(by_index.into_iter().map(|d| d[0]).collect())
}

/// `indices` (sorted) as Slurm writes an array: `0-2,5`.
fn ranges(indices: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        while i + 1 < indices.len() && indices[i + 1] == indices[i] + 1 {
            i += 1;
        }
        parts.push(if indices[i] == start {
            start.to_string()
        } else {
            format!("{start}-{}", indices[i])
        });
        i += 1;
    }
    parts.join(",")
}

/// The commands that run the shards `missing` again into the folder of `a_shard`.
fn rerun_hint(missing: &[u32], m: &ShardManifest, a_shard: &Path) -> String {
    let folder = a_shard
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let options = format!("--seed {} --replicas {}", m.seed, m.replicas);
    format!(
        "Run them (finished jobs are kept) with Slurm:\n  sbatch --array={} deploy/slurm/sweep-array.sbatch {} {} {} {options}\nor one by one:\n  s3sim run {} --shard K/{} {options} --out {}/K-of-{}",
        ranges(missing),
        m.origin,
        m.shard.count,
        folder.display(),
        m.origin,
        m.shard.count,
        folder.display(),
        m.shard.count
    )
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn indices_are_written_as_slurm_array_ranges() {
        assert_eq!(ranges(&[0, 1, 2, 5, 7, 8]), "0-2,5,7-8");
        assert_eq!(ranges(&[3]), "3");
        assert_eq!(ranges(&[]), "");
    }
}
