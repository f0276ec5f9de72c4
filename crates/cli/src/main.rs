//! `s3sim`: run S3 routing / DNS propagation scenarios and validate scenario files.
//!
//! A thin shell over the library crates: parse arguments, load, run, write, report.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use s3sim_model::metrics::Counter;
use s3sim_report::metric::Metric;
use s3sim_report::{RunOptions, RunResult, Shard};
use s3sim_scenario::LoadedScenario;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod check;

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
    /// Combine shard directories (from `run --shard`) into the outputs of the whole run.
    Merge {
        /// Shard directories, one per shard.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output directory (default: results/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// Scenario files, or directories whose *.ron files are checked (default: scenarios/).
    pub(crate) paths: Vec<PathBuf>,
    /// Run 3 replicas per point instead of the scenario's count.
    #[arg(long)]
    pub(crate) quick: bool,
    /// Write a JUnit XML report here.
    #[arg(long)]
    pub(crate) junit: Option<PathBuf>,
    /// Worker threads (default: RAYON_NUM_THREADS or all cores).
    #[arg(long)]
    threads: Option<usize>,
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
    /// Output directory (default: results/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: RAYON_NUM_THREADS or all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Run only shard K of N of the (point, replica) jobs and write raw results for
    /// `s3sim merge` (default output: results/<name>.shards/K-of-N); `auto/N` takes K
    /// from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Run(RunArgs::default())) {
        Command::Run(args) => run(args),
        Command::Validate { files } => validate(&files),
        Command::Check(args) => check::run(args),
        Command::Merge { shards, out } => merge(&shards, out),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

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
            Ok(loaded) => println!("ok: {} ({})", file.display(), loaded.scenario.name),
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

pub(crate) fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(threads) = threads {
        if threads == 0 {
            bail!("--threads must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("starting worker threads")?;
    }
    Ok(())
}

fn run(args: RunArgs) -> Result<ExitCode> {
    set_threads(args.threads)?;
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
        progress: std::io::stderr().is_terminal(),
    };
    if options.replicas == 0 || options.replicas > s3sim_scenario::validate::MAX_REPLICAS {
        bail!(
            "--replicas must be between 1 and {}",
            s3sim_scenario::validate::MAX_REPLICAS
        );
    }
    println!(
        "s3sim {}: scenario {} ({}), {} point(s) x {} replicas, seed {}, {} simulated each",
        env!("CARGO_PKG_VERSION"),
        loaded.scenario.name,
        loaded.origin,
        loaded.points.len(),
        options.replicas,
        options.seed,
        loaded.world.duration
    );
    if let Some(shard) = &args.shard {
        let shard: Shard = shard.parse().map_err(anyhow::Error::msg)?;
        let default = format!(
            "{}.shards/{}-of-{}",
            loaded.scenario.name, shard.index, shard.count
        );
        let out = args
            .out
            .unwrap_or_else(|| Path::new("results").join(default));
        let files = s3sim_report::shard::run_shard(&out, &loaded, options, shard)?;
        println!("shard {shard}: raw results for `s3sim merge`:");
        files.iter().for_each(|f| println!("  {}", f.display()));
        return Ok(ExitCode::SUCCESS);
    }
    let out = args
        .out
        .unwrap_or_else(|| Path::new("results").join(&loaded.scenario.name));
    let started = Instant::now();
    let worlds: Vec<_> = loaded.points.iter().map(|p| &p.world).collect();
    let results = s3sim_report::run_points(&worlds, options);
    let wall = started.elapsed().as_secs_f64();
    let files = s3sim_report::write_results(&out, &loaded, options, &results)?;
    print_summary(&loaded, &results, wall);
    println!("wrote:");
    for file in files {
        println!("  {}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn merge(shards: &[PathBuf], out: Option<PathBuf>) -> Result<ExitCode> {
    let (loaded, options, results) = s3sim_report::shard::merge_shards(shards)?;
    let out = out.unwrap_or_else(|| Path::new("results").join(&loaded.scenario.name));
    let files = s3sim_report::write_results(&out, &loaded, options, &results)?;
    println!(
        "merged {} shard(s) of {} into:",
        shards.len(),
        loaded.scenario.name
    );
    files.iter().for_each(|f| println!("  {}", f.display()));
    Ok(ExitCode::SUCCESS)
}

fn print_summary(loaded: &LoadedScenario, results: &[RunResult], wall_s: f64) {
    let issued: u64 = results
        .iter()
        .flat_map(|r| &r.outputs)
        .map(|o| o.issued)
        .sum();
    println!(
        "simulated {issued} requests in {wall_s:.2} s wall time ({:.0} requests/s over all threads)",
        issued as f64 / wall_s.max(1e-9)
    );
    for (point, result) in loaded.points.iter().zip(results) {
        if loaded.points.len() > 1 {
            println!("point {}: {}", point.index, point.label());
        }
        print_table(&result.aggregate);
    }
    println!("(means over replicas; per-bin values with 95% CIs are in timeseries.csv)");
}

fn print_table(agg: &s3sim_report::Aggregate) {
    println!(
        "{:<18} {:>10} {:>14} {:>11} {:>10} {:>16}",
        "class", "requests", "redirect_rate", "error_rate", "stale_dns", "extra_rtt/req"
    );
    for (g, name) in agg.groups.iter().enumerate() {
        let pct = |m: Metric| {
            let e = agg.total(g, m);
            if e.n == 0 {
                "-".to_string()
            } else {
                format!("{:.3}%", 100.0 * e.mean)
            }
        };
        println!(
            "{:<18} {:>10.0} {:>14} {:>11} {:>10} {:>16.4}",
            name,
            agg.total(g, Metric::Count(Counter::Requests)).mean,
            pct(Metric::RedirectRate),
            pct(Metric::ErrorRate),
            pct(Metric::StaleDnsShare),
            agg.total(g, Metric::ExtraRoundTripsPerRequest).mean,
        );
    }
}
