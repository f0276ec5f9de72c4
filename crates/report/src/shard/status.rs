//! `s3sim status`: which shards and jobs of a sharded run are done, and what is left.

use super::Shard;
use super::store::{ShardManifest, read_header, read_manifest};
use crate::runner::Job;
use std::fmt;
use std::path::{Path, PathBuf};

/// Say how far one shard directory is.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardStatus {
    /// The shard directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: ShardManifest,
    /// Jobs whose file is there.
    pub done: u64,
    /// The first (up to [`LISTED`]) jobs not done, in job order.
    pub missing: Vec<Job>,
    /// Wall-clock milliseconds the done jobs took, summed.
    pub done_ms: u64,
}

/// How many missing jobs a [`ShardStatus`] lists.
pub const LISTED: usize = 5;

/// Hold the status of every shard of the runs found, grouped by run.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusReport {
    /// Runs (scenario, build, seed, replicas, split), each with its shards by index.
    pub runs: Vec<Vec<ShardStatus>>,
}

impl StatusReport {
    /// Tell whether every shard of every run found is there and done.
    pub fn complete(&self) -> bool {
        self.runs.iter().all(|shards| {
            shards.len() as u64 == u64::from(shards[0].manifest.shard.count)
                && shards.iter().all(|s| s.done == s.manifest.jobs)
        })
    }
}

/// Read the shard directories `paths` (or the shard directories inside a folder such
/// as `results/<name>.shards`) and say which shards and jobs are done.
///
/// ```
/// let tmp = tempfile::tempdir().unwrap();
/// assert!(s3sim_report::shard::shard_status(&[tmp.path().to_path_buf()]).is_err());
/// ```
///
/// # Errors
///
/// A message naming the path when it is neither a shard directory nor a folder holding
/// one, or a manifest cannot be read.
pub fn shard_status(paths: &[PathBuf]) -> Result<StatusReport, String> {
    let mut dirs = Vec::new();
    for path in paths {
        if path.join("shard.json").is_file() {
            dirs.push(path.clone());
            continue;
        }
        let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("shard.json").is_file())
            .collect();
        if inside.is_empty() {
            return Err(format!(
                "{}: not a shard directory (no shard.json) and holds none",
                path.display()
            ));
        }
        inside.sort();
        dirs.extend(inside);
    }
    let mut runs: Vec<Vec<ShardStatus>> = Vec::new();
    for dir in dirs {
        let status = status_of(&dir)?;
        let same = |other: &ShardStatus| {
            let (a, b) = (&other.manifest, &status.manifest);
            (
                &a.build_id,
                &a.scenario_hash,
                a.seed,
                a.replicas,
                a.points,
                a.shard.count,
            ) == (
                &b.build_id,
                &b.scenario_hash,
                b.seed,
                b.replicas,
                b.points,
                b.shard.count,
            )
        };
        match runs.iter_mut().find(|run| same(&run[0])) {
            Some(run) => run.push(status),
            None => runs.push(vec![status]),
        }
    }
    for run in &mut runs {
        run.sort_by_key(|s| s.manifest.shard.index);
    }
    Ok(StatusReport { runs })
}

fn status_of(dir: &Path) -> Result<ShardStatus, String> {
    let manifest =
        read_manifest(dir).map_err(|e| format!("{}: {e}", dir.join("shard.json").display()))?;
    let (mut done, mut done_ms, mut missing) = (0, 0, Vec::new());
    for job in manifest.job_list() {
        match read_header(dir, job) {
            Some(header) => {
                done += 1;
                done_ms += header.wall_ms;
            }
            None if missing.len() < LISTED => missing.push(job),
            None => {}
        }
    }
    Ok(ShardStatus {
        dir: dir.to_path_buf(),
        manifest,
        done,
        missing,
        done_ms,
    })
}

impl fmt::Display for StatusReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for run in &self.runs {
            let m = &run[0].manifest;
            let count = m.shard.count;
            let total = m.points as u64 * u64::from(m.replicas);
            let done: u64 = run.iter().map(|s| s.done).sum();
            let done_ms: u64 = run.iter().map(|s| s.done_ms).sum();
            writeln!(
                f,
                "{} ({}, seed {}, {} point(s) × {} replica(s), {count} shard(s), build {}): {done} of {total} jobs done",
                m.scenario, m.origin, m.seed, m.points, m.replicas, m.build_id
            )?;
            let mut absent = Vec::new();
            for k in 0..count {
                let Some(s) = run.iter().find(|s| s.manifest.shard.index == k) else {
                    absent.push(k);
                    continue;
                };
                let shard = Shard { index: k, count };
                if s.done == s.manifest.jobs {
                    writeln!(
                        f,
                        "  shard {shard}: done ({} jobs) {}",
                        s.done,
                        s.dir.display()
                    )?;
                } else {
                    let listed: Vec<String> = s
                        .missing
                        .iter()
                        .map(|j| format!("p{}r{}", j.point, j.replica))
                        .collect();
                    let more = if s.manifest.jobs - s.done > s.missing.len() as u64 {
                        ", …"
                    } else {
                        ""
                    };
                    writeln!(
                        f,
                        "  shard {shard}: {} of {} jobs done, missing {}{more} {}",
                        s.done,
                        s.manifest.jobs,
                        listed.join(", "),
                        s.dir.display()
                    )?;
                }
            }
            if !absent.is_empty() {
                let names: Vec<String> = absent.iter().map(|k| k.to_string()).collect();
                writeln!(f, "  shards not found: {}", names.join(", "))?;
            }
            let remaining = total - done.min(total);
            if remaining == 0 {
                writeln!(f, "  complete: ready for `s3sim merge`")?;
            } else if done > 0 {
                let per_job = done_ms as f64 / done as f64 / 1e3;
                writeln!(
                    f,
                    "  remaining: {remaining} jobs, about {:.0} CPU-seconds at {per_job:.2} s per finished job",
                    per_job * remaining as f64
                )?;
            } else {
                writeln!(
                    f,
                    "  remaining: {remaining} jobs (none finished yet, no estimate)"
                )?;
            }
        }
        Ok(())
    }
}
