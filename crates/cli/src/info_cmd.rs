//! `s3sim metrics` (every metric, its unit and meaning) and `s3sim show SCENARIO`
//! (the scenario with every default filled in, as RON that `run` accepts).

use crate::stdout::{say, sayln};
use anyhow::Result;
use s3sim_model::metrics::Metric;
use s3sim_report::sweep_summary::SummaryMetric;
use std::path::PathBuf;
use std::process::ExitCode;

/// Print every metric of the outputs: name, unit, meaning. Per-bin metrics come
/// from the model's one table ([`Metric`]); whole-run-only ones from
/// [`SummaryMetric`].
pub(crate) fn metrics() -> Result<ExitCode> {
    let mut rows: Vec<(String, &str, String, &str)> = Metric::all()
        .map(|m| {
            let whole_run = SummaryMetric::all().contains(&SummaryMetric::Total(m));
            let where_ = if whole_run { "bins, run" } else { "bins" };
            (m.name(), m.unit(), m.meaning(), where_)
        })
        .collect();
    rows.extend(
        SummaryMetric::all()
            .into_iter()
            .filter(|m| !matches!(m, SummaryMetric::Total(_)))
            .map(|m| (m.name(), m.unit(), m.meaning(), "run")),
    );
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let unit_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    sayln!(
        "{:<width$}  {:<unit_width$}  {:<9}  meaning",
        "metric",
        "unit",
        "in"
    );
    for (name, unit, meaning, where_) in rows {
        let pad = unit_width + unit.len() - unit.chars().count();
        sayln!("{name:<width$}  {unit:<pad$}  {where_:<9}  {meaning}");
    }
    sayln!(
        "\nin: `bins` = timeseries.csv (per bin and class), `run` = summary.json and \
         replicas.csv (whole run); `share` is a ratio in [0, 1]."
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `s3sim show`.
#[derive(clap::Args)]
pub(crate) struct ShowArgs {
    /// Scenario file (RON); default: the built-in new-bucket-propagation story.
    scenario: Option<PathBuf>,
}

/// Print the scenario with every default filled in.
pub(crate) fn show(args: ShowArgs) -> Result<ExitCode> {
    let loaded = match crate::load(args.scenario.as_deref()) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let header = format!(
        "// {} with every default filled in (s3sim show); `s3sim run` accepts this file.\n",
        loaded.origin
    );
    say!(
        "{}",
        s3sim_report::output::scenario_ron(&loaded.scenario, &header)?
    );
    Ok(ExitCode::SUCCESS)
}
