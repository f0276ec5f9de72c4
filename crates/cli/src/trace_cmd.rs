//! `s3sim trace`: the path of one request, as text on stdout and `trace.svg`.

use crate::stdout::sayln;
use anyhow::{Context, Result};
use s3sim_engine::{SimDuration, SimTime};
use s3sim_report::OutDir;
use s3sim_report::trace::{TraceQuery, svg, text, trace};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `s3sim trace`.
#[derive(clap::Args)]
pub(crate) struct TraceArgs {
    /// Scenario file (RON); default: the built-in new-bucket-propagation story.
    scenario: Option<PathBuf>,
    /// The client class whose request is followed.
    #[arg(long)]
    class: String,
    /// Follow a request that starts at or after this time since the start (e.g. `11m`).
    #[arg(long, default_value = "0s")]
    at: String,
    /// Which request of the class from --at on, from 0.
    #[arg(long, default_value_t = 0)]
    nth: usize,
    /// Master seed (default: the scenario's); replica 0 is followed.
    #[arg(long)]
    seed: Option<u64>,
    /// Output directory for trace.svg and trace.txt (default:
    /// `results/<scenario name>.trace`); replaced whole, so it must be new, empty or
    /// written by s3sim (see --force).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the output directory even if s3sim did not write it.
    #[arg(long)]
    force: bool,
}

/// Run `s3sim trace`.
pub(crate) fn trace_cmd(args: TraceArgs) -> Result<ExitCode> {
    let loaded = match crate::load(args.scenario.as_deref()) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let at: SimDuration = args
        .at
        .parse()
        .with_context(|| format!("--at {:?}: write a duration such as 11m or 90s", args.at))?;
    let out = args.out.unwrap_or_else(|| {
        let mut dir = s3sim_report::results_dir(&loaded.scenario.name).into_os_string();
        dir.push(".trace");
        PathBuf::from(dir)
    });
    let out = OutDir::new(out).force(args.force);
    out.check(s3sim_report::Kind::Results)?;
    let query = TraceQuery {
        class: args.class,
        at: SimTime::ZERO + at,
        nth: args.nth,
        seed: args.seed.unwrap_or(loaded.scenario.seed),
    };
    let sequence = trace(&loaded.points[0].world(), &query)?;
    let text = text(&sequence);
    let svg = svg(&sequence)?;
    let files = s3sim_report::output::write_dir(
        &out,
        &[
            ("trace.svg", svg.as_bytes()),
            ("trace.txt", text.as_bytes()),
        ],
    )?;
    crate::stdout::say!("{text}");
    sayln!("wrote:");
    files.iter().for_each(|f| sayln!("  {}", f.display()));
    Ok(ExitCode::SUCCESS)
}
