//! Run (sweep point, replica) jobs in parallel, deterministically.

use crate::aggregate::{Aggregate, Reducer, ReplicaScalars};
use crate::measure::{Probe, expectation_probes};
use crate::progress::Progress;
use crate::spool::Spool;
use rayon::prelude::*;
use s3sim_engine::RandomStreams;
use s3sim_model::WorldConfig;
use s3sim_model::world::ReplicaOutput;
use s3sim_scenario::{LoadedScenario, SweepPoint};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
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

/// Run the replicas of one world in parallel and return every replica's whole output,
/// in replica order (memory grows with the replicas: for studies of single replicas;
/// [`run`] keeps only the aggregate and per-replica scalars).
pub fn run_outputs(world: &WorldConfig, options: RunOptions) -> Vec<ReplicaOutput> {
    let jobs = all_jobs(1, options.replicas);
    run_jobs_with(
        &|_| Arc::new(world.clone()),
        &jobs,
        options.seed,
        options.progress,
    )
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
        .map(|&job| run_job(&world_of(job.point), job, seed, &bar))
        .collect();
    bar.finish_and_clear();
    outputs
}

/// Run one job: replica `job.replica` (random streams of (`seed`, replica)) of
/// `world`, the world of point `job.point`, advancing `progress` as it goes.
pub(crate) fn run_job(
    world: &WorldConfig,
    job: Job,
    seed: u64,
    progress: &Progress,
) -> ReplicaOutput {
    let streams = RandomStreams::for_replica(seed, u64::from(job.replica));
    progress.run(world, streams)
}

/// Progress of `len` jobs on stderr, if `show` (see [`Progress`]).
pub(crate) fn progress_bar(len: u64, show: bool) -> Progress {
    Progress::new(len, show)
}

/// Hold one sweep point's finished run: the aggregate and a few scalars per replica.
///
/// The replicas' whole outputs are not kept (they are reduced as they are read), so a
/// run's memory does not grow with its replicas beyond [`ReplicaScalars`].
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    /// Per-replica scalars, in replica order.
    pub replicas: Vec<ReplicaScalars>,
    /// The probes each replica was measured on ([`ReplicaScalars::probes`]), in order.
    pub probes: Vec<Probe>,
    /// Estimates across replicas.
    pub aggregate: Aggregate,
}

impl RunResult {
    /// Aggregate the replica outputs (in replica order) of one world, measuring `probes`.
    pub fn new(world: &WorldConfig, outputs: &[ReplicaOutput], probes: &[Probe]) -> Self {
        let borrowed = |k: usize| Ok::<_, std::convert::Infallible>(Cow::Borrowed(&outputs[k]));
        let Ok(result) = Self::reduce(world, probes, outputs.len(), borrowed);
        result
    }

    /// Aggregate the `replicas` spooled outputs of one world held from slot `first` on.
    fn from_spool(
        world: &WorldConfig,
        probes: &[Probe],
        spool: &Spool,
        first: usize,
        replicas: usize,
    ) -> Self {
        let spooled =
            |k: usize| Ok::<_, std::convert::Infallible>(Cow::Owned(spool.get(first + k)));
        let Ok(result) = Self::reduce(world, probes, replicas, spooled);
        result
    }

    /// Aggregate `replicas` outputs of one world, asking `output` for replica k twice
    /// per chunk of bins (once per pass of [`Reducer::reduce`]), in replica order; stops
    /// at its first error.
    pub(crate) fn reduce<'a, E>(
        world: &WorldConfig,
        probes: &[Probe],
        replicas: usize,
        output: impl FnMut(usize) -> Result<Cow<'a, ReplicaOutput>, E>,
    ) -> Result<Self, E> {
        let (aggregate, replicas) = Reducer::new(world, probes).reduce(replicas, output)?;
        Ok(RunResult {
            replicas,
            probes: probes.to_vec(),
            aggregate,
        })
    }
}

/// Run every replica of every sweep point of `loaded` in one pool and aggregate per
/// point, measuring each replica on the probes of the scenario's expectations.
///
/// Finished outputs wait, compressed, in a temporary file (a spool) and are reduced
/// point by point in replica order, so memory holds one point's accumulators and
/// each replica's scalars, not the replicas' outputs.
pub fn run_points(loaded: &LoadedScenario, options: RunOptions) -> Vec<RunResult> {
    let points = &loaded.points;
    let probes = expectation_probes(loaded);
    let jobs = all_jobs(points.len(), options.replicas);
    let spool = Spool::new(jobs.len());
    let bar = progress_bar(jobs.len() as u64, options.progress);
    jobs.par_iter().enumerate().for_each(|(k, &job)| {
        spool.put(
            k,
            run_job(&points[job.point].world(), job, options.seed, &bar),
        );
    });
    bar.finish_and_clear();
    let replicas = options.replicas as usize;
    points
        .iter()
        .map(|point| {
            let first = point.index * replicas;
            RunResult::from_spool(&point.world(), &probes, &spool, first, replicas)
        })
        .collect()
}

/// Run the replicas of one world in parallel and aggregate them (no probes).
///
/// ```
/// let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// let mut world = (*loaded.world).clone();
/// world.duration = s3sim_engine::SimDuration::from_secs(900);
/// let options = s3sim_report::RunOptions { seed: 1, replicas: 2, progress: false };
/// let result = s3sim_report::run(&world, options);
/// assert_eq!(result.replicas.len(), 2);
/// assert_eq!(result.aggregate.groups[0], "all");
/// ```
pub fn run(world: &WorldConfig, options: RunOptions) -> RunResult {
    let jobs = all_jobs(1, options.replicas);
    let spool = Spool::new(jobs.len());
    let bar = progress_bar(jobs.len() as u64, options.progress);
    jobs.par_iter().enumerate().for_each(|(k, &job)| {
        spool.put(k, run_job(world, job, options.seed, &bar));
    });
    bar.finish_and_clear();
    RunResult::from_spool(world, &[], &spool, 0, jobs.len())
}
