//! `s3sim`: run S3 routing / DNS propagation scenarios and validate scenario files.
//!
//! A thin shell over the library crates: parse arguments, then dispatch to
//! `s3sim_scenario` (load, validate) and `s3sim_report` (run, write, check, report).
//! `compare_cmd.rs`, `info_cmd.rs` (`metrics`, `show`) and `trace_cmd.rs` hold the commands with their own arguments.
//! Banners, summary tables, verdict lines and tallies are composed by the library;
//! this file prints them, with one-line status messages of its own.

mod compare_cmd;
mod info_cmd;
mod stdout;
mod trace_cmd;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use s3sim_report::charts::ChartSize;
use s3sim_report::console::{self, CheckTally};
use s3sim_report::expectations::{CheckOptions, FileReport, check_file_with};
use s3sim_report::{Kind, OutDir, ResultsTree, RunOptions, Shard};
use s3sim_scenario::LoadedScenario;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use stdout::{say, sayln};

/// Simulate how requests find Amazon S3 while names, caches and endpoints change.
#[derive(Parser)]
#[command(name = "s3sim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (the built-in default when none is given) and write its results.
    Run(RunArgs),
    /// Check scenario files; exit 1 if any is invalid.
    Validate {
        /// Scenario files (RON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run scenarios and test their `expect` assertions; exit 1 if any fails.
    Check(CheckArgs),
    /// Follow one request of a scenario: its path as text and as trace.svg.
    Trace(trace_cmd::TraceArgs),
    /// Compare two runs' results: per class and metric, B − A with a Welch 95 % CI.
    Compare(compare_cmd::CompareArgs),
    /// List every metric of the outputs with its unit and meaning.
    Metrics,
    /// Print a scenario with every default filled in (RON that `run` accepts).
    Show(info_cmd::ShowArgs),
    /// Combine shard directories (from `run --shard`) into the outputs of the whole run.
    Merge {
        /// Shard directories, one per shard.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output directory (default: `results/<scenario name>`); replaced whole, so it
        /// must be new, empty or written by s3sim (see --force).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the output directory even if s3sim did not write it (everything in it
        /// is deleted).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Say which shards and jobs of sharded runs are done; exit 1 unless all are.
    Status {
        /// Shard directories, or folders holding them (e.g. results/NAME.shards).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
}

/// The most worker threads `--threads` (or RAYON_NUM_THREADS) may ask for: far more
/// than any machine's cores, few enough that starting them cannot exhaust memory.
const MAX_THREADS: u32 = 1024;

/// Replicas per point under `check --quick` (its help text below says the number).
const QUICK_REPLICAS: u32 = 3;

#[derive(clap::Args)]
struct CheckArgs {
    /// Scenario files, or directories whose *.ron files are checked (default: scenarios/).
    paths: Vec<PathBuf>,
    /// Run 3 replicas per point instead of the scenario's count (fewer if it has fewer).
    #[arg(long, conflicts_with = "replicas")]
    quick: bool,
    /// Run this many replicas per point instead of the scenario's count.
    #[arg(long)]
    replicas: Option<u32>,
    /// Master seed of every scenario (default: each scenario's own).
    #[arg(long)]
    seed: Option<u64>,
    /// Write the results of every scenario checked (charts, report.html, tables) into
    /// a sub-directory of this directory named after the scenario, e.g. to keep them as
    /// a CI artefact; replaced whole, so it must be new, empty or written by s3sim
    /// (see --force).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the --out directory even if s3sim did not write it (everything in it is
    /// deleted).
    #[arg(long, requires = "out")]
    force: bool,
    #[command(flatten)]
    charts: ChartArgs,
    /// Write a JUnit XML report here.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Worker threads, 1 to 1024 (default: RAYON_NUM_THREADS or all cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
    threads: Option<u32>,
    /// Exit 0 even when no scenario file was found or none has expectations (by
    /// default that fails, so that a mistyped path cannot pass).
    #[arg(long)]
    allow_empty: bool,
}

#[derive(clap::Args, Default)]
struct RunArgs {
    /// Scenario file (RON); default: the built-in new-bucket-propagation story.
    scenario: Option<PathBuf>,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Number of replicas (default: the scenario's).
    #[arg(long)]
    replicas: Option<u32>,
    /// Output directory (default: `results/<scenario name>`); replaced whole, so it
    /// must be new, empty or written by s3sim (see --force).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the output directory even if s3sim did not write it (everything in it
    /// is deleted).
    #[arg(long)]
    force: bool,
    /// Worker threads, 1 to 1024 (default: RAYON_NUM_THREADS or all cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
    threads: Option<u32>,
    /// Run only shard K of N of the (point, replica) jobs and write raw results for
    /// `s3sim merge` (default output: `results/<name>.shards/K-of-N`); jobs an earlier,
    /// interrupted run of the same shard finished are kept. `auto/N` takes K from
    /// SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX,
    /// PBS_ARRAY_INDEX, SGE_TASK_ID − 1 or LSB_JOBINDEX − 1 (the first set).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Print nothing on success (errors still go to stderr).
    #[arg(long, conflicts_with = "json")]
    quiet: bool,
    /// Print the run's summary.json on stdout instead of the table (a sweep: a JSON
    /// array of its points' summaries, in sweep order).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    charts: ChartArgs,
}

/// The size of the charts written (`run`, `check --out`, `merge`).
#[derive(clap::Args, Default)]
struct ChartArgs {
    /// Chart width in pixels, 480 to 7680 (default 1280); text scales with the chart.
    #[arg(long, conflicts_with = "chart_scale")]
    chart_width: Option<u32>,
    /// Chart height in pixels, 270 to 4320 (default 720).
    #[arg(long, conflicts_with = "chart_scale")]
    chart_height: Option<u32>,
    /// Chart size as a multiple of 1280 × 720, 0.375 to 6 (e.g. 0.5 for 640 × 360).
    #[arg(long)]
    chart_scale: Option<f64>,
}

impl ChartArgs {
    /// The chart size asked for, checked.
    fn size(&self) -> Result<ChartSize> {
        let size = match self.chart_scale {
            Some(scale) => ChartSize::scaled(scale),
            None => {
                let (width, height) = ChartSize::default().pixels();
                ChartSize::new(
                    self.chart_width.unwrap_or(width),
                    self.chart_height.unwrap_or(height),
                )
            }
        };
        size.map_err(anyhow::Error::msg)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    remove_staging_on_signals();
    let outcome = match cli.command.unwrap_or(Command::Run(RunArgs::default())) {
        Command::Run(args) => run(args),
        Command::Validate { files } => validate(&files),
        Command::Check(args) => check(args),
        Command::Merge {
            shards,
            out,
            force,
            charts,
        } => merge(&shards, out, force, &charts),
        Command::Status { dirs } => status(&dirs),
        Command::Trace(args) => trace_cmd::trace_cmd(args),
        Command::Compare(args) => compare_cmd::compare_cmd(args),
        Command::Metrics => info_cmd::metrics(),
        Command::Show(args) => info_cmd::show(args),
    };
    match outcome {
        Ok(code) => code,
        Err(_) if INTERRUPTED.load(Ordering::SeqCst) => wait_for_the_signal_handler(),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Set by the signal handler before it removes the staging directories.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Let the signal handler finish and exit 130: an error raised because it removed
/// the staging directory under a writer is its consequence, not the run's outcome.
fn wait_for_the_signal_handler() -> ExitCode {
    loop {
        std::thread::park();
    }
}

/// On SIGINT or SIGTERM, remove the staging directories of results being written and
/// exit 130: the output directory keeps its earlier results (ctrlc's `termination`
/// feature adds SIGTERM to Ctrl-C).
fn remove_staging_on_signals() {
    let installed = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        s3sim_report::remove_live_staging();
        eprintln!("interrupted: nothing was written; earlier results are untouched");
        std::process::exit(130);
    });
    if let Err(error) = installed {
        eprintln!(
            "warning: cannot handle SIGINT/SIGTERM ({error}); an interrupted run may leave a .s3sim-staging-* directory"
        );
    }
}

/// The scenario at `path`, or the built-in default without one.
fn load(path: Option<&Path>) -> Result<LoadedScenario, s3sim_scenario::ScenarioError> {
    match path {
        Some(path) => s3sim_scenario::load(path),
        None => s3sim_scenario::parse(
            s3sim_scenario::DEFAULT_SCENARIO,
            s3sim_scenario::DEFAULT_SCENARIO_ORIGIN,
        ),
    }
}

fn validate(files: &[PathBuf]) -> Result<ExitCode> {
    let mut failed = 0;
    for file in files {
        match s3sim_scenario::load(file) {
            Ok(loaded) => sayln!("ok: {} ({})", file.display(), loaded.scenario.name),
            Err(error) => {
                failed += 1;
                eprintln!("error: {error}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} scenario files invalid", files.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Size rayon's global pool from `--threads`, if given; refuse a RAYON_NUM_THREADS
/// above [`MAX_THREADS`] (clap bounds `--threads` itself).
fn set_threads(threads: Option<u32>) -> Result<()> {
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads as usize)
            .build_global()
            .context("starting worker threads")?;
        return Ok(());
    }
    let text = std::env::var("RAYON_NUM_THREADS").unwrap_or_default();
    if text
        .trim()
        .parse::<u64>()
        .is_ok_and(|n| n > u64::from(MAX_THREADS))
    {
        bail!("RAYON_NUM_THREADS={text}: at most {MAX_THREADS} worker threads");
    }
    Ok(())
}

fn run(args: RunArgs) -> Result<ExitCode> {
    set_threads(args.threads)?;
    let chart_size = args.charts.size()?;
    let loaded = match load(args.scenario.as_deref()) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let options = RunOptions {
        seed: args.seed.unwrap_or(loaded.scenario.seed),
        replicas: args.replicas.unwrap_or(loaded.scenario.replicas),
        // A bar on a terminal, else a plain line every few seconds (see README).
        progress: !args.quiet,
    };
    if options.replicas == 0 || options.replicas > s3sim_scenario::validate::MAX_REPLICAS {
        bail!(
            "--replicas must be between 1 and {}",
            s3sim_scenario::validate::MAX_REPLICAS
        );
    }
    if let Some(replicas) = args.replicas {
        s3sim_scenario::points::check_run_values(&loaded.points, replicas)
            .map_err(|e| anyhow::anyhow!("--replicas {replicas}: {e}"))?;
    }
    let shard: Option<Shard> = match &args.shard {
        Some(text) => Some(text.parse().map_err(anyhow::Error::msg)?),
        None => None,
    };
    let name = &loaded.scenario.name;
    let (out, kind) = match shard {
        Some(shard) => (s3sim_report::shard::shard_dir(name, shard), Kind::Shard),
        None => (s3sim_report::results_dir(name), Kind::Results),
    };
    let out = OutDir::new(args.out.unwrap_or(out))
        .force(args.force)
        .chart_size(chart_size);
    out.check(kind)?;
    let chatty = !args.quiet && !args.json;
    if chatty {
        sayln!("{}", console::banner(&loaded, options));
    }
    if let Some(shard) = shard {
        let done = s3sim_report::shard::run_shard(&out, &loaded, options, shard)?;
        if !chatty {
            return Ok(ExitCode::SUCCESS);
        }
        sayln!(
            "shard {shard}: {} jobs ({} run now, {} kept from an earlier run); raw results for `s3sim merge` in:",
            done.jobs,
            done.ran,
            done.skipped
        );
        sayln!("  {}", out.path().display());
        return Ok(ExitCode::SUCCESS);
    }
    let started = Instant::now();
    let results = s3sim_report::run_points(&loaded, options);
    let wall = started.elapsed().as_secs_f64();
    let files = s3sim_report::write_results(&out, &loaded, options, &results)?;
    if args.json {
        say!("{}", summaries_json(&files)?);
    } else if chatty {
        say!("{}", console::run_summary(&loaded, &results, wall));
        sayln!("wrote:");
        files.iter().for_each(|f| sayln!("  {}", f.display()));
    }
    Ok(ExitCode::SUCCESS)
}

/// The `summary.json` among `files` as written; several (a sweep's points) as one
/// JSON array, in order.
fn summaries_json(files: &[PathBuf]) -> Result<String> {
    let mut texts = Vec::new();
    for file in files.iter().filter(|f| f.ends_with("summary.json")) {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        texts.push(text.trim_end().to_string());
    }
    Ok(match texts.as_slice() {
        [one] => format!("{one}\n"),
        many => format!("[\n{}\n]\n", many.join(",\n")),
    })
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    set_threads(args.threads)?;
    let chart_size = args.charts.size()?;
    let max = s3sim_scenario::validate::MAX_REPLICAS;
    if args.replicas.is_some_and(|n| n == 0 || n > max) {
        bail!("--replicas must be between 1 and {max}");
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        args.paths
    };
    let options = CheckOptions {
        replicas: args.replicas,
        max_replicas: args.quick.then_some(QUICK_REPLICAS),
        seed: args.seed,
        progress: true,
    };
    let files = scenario_files(&paths)?;
    if files.is_empty() && !args.allow_empty {
        bail!(
            "no scenario files (*.ron) found in {}, so nothing was checked; pass --allow-empty if that is expected",
            list(&paths)
        );
    }
    // Checked before anything runs, so that a refused --out costs no simulation.
    let out = args
        .out
        .map(|dir| OutDir::new(dir).force(args.force).chart_size(chart_size));
    let mut tree = match &out {
        Some(out) => Some(ResultsTree::new(out)?),
        None => None,
    };
    let mut reports: Vec<FileReport> = Vec::new();
    for file in &files {
        let (report, run) = check_file_with(file, &options, |line| sayln!("{line}"));
        if let (Some(tree), Some(run)) = (tree.as_mut(), run) {
            let dir = tree.add(&run.loaded, run.options, &run.results)?;
            sayln!("  results: {dir}/");
        }
        reports.push(report);
    }
    if let (Some(tree), Some(out)) = (tree, &out) {
        tree.install()?;
        sayln!("results of the scenarios checked: {}", out.path().display());
    }
    if let Some(junit) = &args.junit {
        s3sim_report::junit::write_junit(junit, &reports)?;
        sayln!("JUnit report: {}", junit.display());
    }
    let tally = CheckTally::of(&reports);
    say!("{}", tally.text());
    if tally.tested_nothing() && !files.is_empty() && !args.allow_empty {
        bail!(
            "none of the {} scenario file(s) has expectations (`expect: [...]`), so nothing was checked; pass --allow-empty if that is expected",
            files.len()
        );
    }
    Ok(if tally.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `paths` for a message: `a, b`.
fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// The files named, and the `*.ron` files (sorted) of the directories named.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "ron"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn merge(
    shards: &[PathBuf],
    out: Option<PathBuf>,
    force: bool,
    charts: &ChartArgs,
) -> Result<ExitCode> {
    let chart_size = charts.size()?;
    let check = |out: &OutDir| {
        out.check_apart_from(shards)?;
        out.check(Kind::Results)
    };
    // An --out given is checked before the shards are read; the default once the
    // scenario's name is known.
    if let Some(out) = &out {
        check(&OutDir::new(out).force(force))?;
    }
    let (loaded, options, results) = s3sim_report::shard::merge_shards(shards)?;
    let out = OutDir::new(out.unwrap_or_else(|| s3sim_report::results_dir(&loaded.scenario.name)))
        .force(force)
        .chart_size(chart_size);
    check(&out)?;
    let files = s3sim_report::write_results(&out, &loaded, options, &results)?;
    sayln!(
        "merged {} shard(s) of {} into:",
        shards.len(),
        loaded.scenario.name
    );
    files.iter().for_each(|f| sayln!("  {}", f.display()));
    Ok(ExitCode::SUCCESS)
}

fn status(dirs: &[PathBuf]) -> Result<ExitCode> {
    let report = s3sim_report::shard::shard_status(dirs).map_err(anyhow::Error::msg)?;
    say!("{report}");
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
