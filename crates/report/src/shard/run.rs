//! Run one shard, job by job, keeping every finished job: a rerun does only the rest.

use super::Shard;
use super::store::{
    FORMAT, JOBS_DIR, ShardManifest, build_id, read_job_raw, read_manifest, write_job,
};
use crate::output::files::{OutputError, io, write_file};
use crate::output::install::Staging;
use crate::output::outdir::{Kind, OutDir};
use crate::runner::{Job, RunOptions, progress_bar, run_job};
use rayon::prelude::*;
use s3sim_scenario::LoadedScenario;
use std::time::Instant;

/// Say what [`run_shard`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardRun {
    /// Jobs of the shard.
    pub jobs: u64,
    /// Jobs found already done (by an earlier, interrupted run of the same shard).
    pub skipped: u64,
    /// Jobs run now.
    pub ran: u64,
}

/// Run shard `shard` of `loaded` into `out`, writing each job's raw output as soon as
/// it finishes; jobs already written by an earlier run of the same shard (same build,
/// scenario text, seed, replicas and split) are kept and not run again.
///
/// A directory that holds another run's shard (or, with `--force`, anything
/// [`OutDir::check`] allows for [`Kind::Shard`]) is replaced whole by a fresh, empty
/// shard first. The raw replica outputs, not aggregates, are kept, so that merging
/// gives exactly the files of the unsharded run.
///
/// # Errors
///
/// [`OutputError::Refused`] when `out` may not be replaced;
/// [`OutputError::Io`] when the shard directory cannot be written;
/// [`OutputError::Encode`] when the manifest or an output cannot be encoded.
pub fn run_shard(
    out: &OutDir,
    loaded: &LoadedScenario,
    options: RunOptions,
    shard: Shard,
) -> Result<ShardRun, OutputError> {
    out.check(Kind::Shard)?;
    let points = loaded.points.len();
    let manifest = ShardManifest {
        format: FORMAT.into(),
        s3sim_version: env!("CARGO_PKG_VERSION").into(),
        build_id: build_id().into(),
        scenario: loaded.scenario.name.clone(),
        origin: loaded.origin.clone(),
        scenario_hash: loaded.source_hash(),
        seed: options.seed,
        replicas: options.replicas,
        points,
        shard,
        jobs: shard.jobs(points, options.replicas).count() as u64,
    };
    let same_run = read_manifest(out.path()).is_ok_and(|m| m == manifest)
        && std::fs::read_to_string(out.path().join("scenario.ron"))
            .is_ok_and(|text| text == loaded.source)
        && out.path().join(JOBS_DIR).is_dir();
    if !same_run {
        let staging = Staging::new(out, Kind::Shard)?;
        write_file(staging.path(), "scenario.ron", loaded.source.as_bytes())?;
        let json = serde_json::to_vec(&manifest).map_err(|e| OutputError::Encode {
            path: "shard.json".into(),
            message: e.to_string(),
        })?;
        write_file(staging.path(), "shard.json", &json)?;
        let jobs = staging.path().join(JOBS_DIR);
        std::fs::create_dir(&jobs).map_err(io(&jobs))?;
        staging.install()?;
    }
    let pending: Vec<Job> = manifest
        .job_list()
        .filter(|&job| !matches!(read_job_raw(out.path(), job), Ok(Some(_))))
        .collect();
    let bar = progress_bar(pending.len() as u64, options.progress);
    pending.par_iter().try_for_each(|&job| {
        let started = Instant::now();
        let output = run_job(&loaded.points[job.point].world(), job, options.seed, &bar);
        let wall_ms = started.elapsed().as_millis() as u64;
        write_job(out.path(), job, &output, wall_ms)
    })?;
    bar.finish_and_clear();
    Ok(ShardRun {
        jobs: manifest.jobs,
        skipped: manifest.jobs - pending.len() as u64,
        ran: pending.len() as u64,
    })
}
