//! `s3sim compare A B`: did a change move the outcome? The table on stdout; with
//! `--out`, `comparison.csv` and overlay charts; `--fail-if-changed` for CI.

use crate::stdout::{say, sayln};
use anyhow::Result;
use s3sim_report::OutDir;
use s3sim_report::compare::{RunDir, compare};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `s3sim compare`.
#[derive(clap::Args)]
pub(crate) struct CompareArgs {
    /// Results directory of run A (written by `s3sim run` or `merge`; for a sweep, one
    /// point's sub-directory).
    a: PathBuf,
    /// Results directory of run B.
    b: PathBuf,
    /// Exit 1 when one of these metrics (e.g. `redirect_rate error_rate`) changed in
    /// some class at the family-wise 5 % level.
    #[arg(long, value_name = "METRIC", num_args = 1..)]
    fail_if_changed: Vec<String>,
    /// Print every row, not only those whose 95 % CI excludes 0.
    #[arg(long)]
    all: bool,
    /// Write comparison.csv and the overlay charts (compare_redirect_rate and
    /// compare_error_rate, PNG and SVG) here; replaced whole, so it must be new, empty
    /// or written by s3sim (see --force).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the output directory even if s3sim did not write it.
    #[arg(long)]
    force: bool,
}

/// Run `s3sim compare`.
pub(crate) fn compare_cmd(args: CompareArgs) -> Result<ExitCode> {
    let out = args.out.as_ref().map(|o| OutDir::new(o).force(args.force));
    if let Some(out) = &out {
        out.check_apart_from(&[args.a.clone(), args.b.clone()])?;
        out.check(s3sim_report::Kind::Results)?;
    }
    let comparison = compare(RunDir::read(&args.a)?, RunDir::read(&args.b)?);
    let changed = comparison
        .changed_among(&args.fail_if_changed)
        .map_err(anyhow::Error::msg)?;
    say!("{}", comparison.text(args.all));
    if let Some(out) = &out {
        let files = comparison.write(out)?;
        sayln!("wrote:");
        files.iter().for_each(|f| sayln!("  {}", f.display()));
    }
    if !changed.is_empty() {
        eprintln!("changed (--fail-if-changed): {}", changed.join(", "));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
