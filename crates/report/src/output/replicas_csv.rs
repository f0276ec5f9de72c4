//! Write `replicas.csv`: every replica's whole-run value of every summary metric, per
//! class, so users can do their own statistics (pandas, polars, R) and `s3sim
//! compare` can test differences between two runs.
//!
//! The table is tidy: `replica,class,metric,value`, one row per defined value, in
//! replica, class, metric order. Values are whole-run values as in `summary.json`
//! (counters summed over the run, rates as ratios of the run's totals) and the settle
//! time of the redirect rate in seconds from the start of the run.

use super::files::OutputError;
use crate::runner::RunResult;
use crate::sweep_summary::SummaryMetric;

/// The header of `replicas.csv`.
pub const REPLICAS_HEADER: [&str; 4] = ["replica", "class", "metric", "value"];

/// Write the text of `replicas.csv` for one run (one sweep point).
///
/// # Errors
///
/// [`OutputError::Encode`] if the CSV writer fails.
pub fn replicas_csv(result: &RunResult) -> Result<String, OutputError> {
    let bytes = write_replicas_csv(result, Vec::new())?;
    String::from_utf8(bytes).map_err(|e| OutputError::Encode {
        path: "replicas.csv".into(),
        message: e.to_string(),
    })
}

/// Write `replicas.csv` of one run into `out` row by row and give `out` back: the
/// table grows with the replicas (some 12 kB each with four classes), so it is
/// streamed to its file rather than held whole.
///
/// # Errors
///
/// [`OutputError::Encode`] if the CSV writer fails.
pub fn write_replicas_csv<W: std::io::Write>(result: &RunResult, out: W) -> Result<W, OutputError> {
    let encode = |e: &dyn std::fmt::Display| OutputError::Encode {
        path: "replicas.csv".into(),
        message: e.to_string(),
    };
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    writer
        .write_record(REPLICAS_HEADER)
        .map_err(|e| encode(&e))?;
    let metrics = SummaryMetric::all();
    let names: Vec<String> = metrics.iter().map(|m| m.name()).collect();
    let aggregate = &result.aggregate;
    for (replica, scalars) in result.replicas.iter().enumerate() {
        let replica = replica.to_string();
        for (group, class) in aggregate.groups.iter().enumerate() {
            for (&metric, name) in metrics.iter().zip(&names) {
                let value = match metric {
                    SummaryMetric::Total(m) => {
                        let k = aggregate.metrics.iter().position(|&x| x == m);
                        k.map_or(f64::NAN, |k| {
                            scalars.totals[group * aggregate.metrics.len() + k]
                        })
                    }
                    SummaryMetric::RedirectsSettled => scalars.settled[group],
                };
                if value.is_nan() {
                    continue;
                }
                let value = value.to_string();
                writer
                    .write_record([replica.as_str(), class, name, &value])
                    .map_err(|e| encode(&e))?;
            }
        }
    }
    writer.into_inner().map_err(|e| encode(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunOptions;
    use s3sim_model::metrics::Metric;

    #[test]
    fn each_replica_total_matches_the_aggregate_mean() {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = s3sim_engine::SimDuration::from_secs(1200);
        let options = RunOptions {
            seed: 2,
            replicas: 2,
            progress: false,
        };
        let result = crate::run(&world, options);
        let text = replicas_csv(&result).unwrap();
        assert!(text.starts_with("replica,class,metric,value\n"));
        let values: Vec<f64> = text
            .lines()
            .filter(|l| l.contains(",all,redirect_rate,"))
            .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(values.len(), 2);
        let mean = result.aggregate.total(0, Metric::RedirectRate).mean;
        assert!(((values[0] + values[1]) / 2.0 - mean).abs() < 1e-12);
    }
}
