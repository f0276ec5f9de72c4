//! Write a run's results: CSV time series, JSON summary, the input, charts; atomically.
//!
//! A scenario without a sweep gets its files at the top of the output directory. A
//! sweep gets the input, `sweep.csv` and the sweep charts at the top and one
//! sub-directory per point holding that point's usual files.

use crate::aggregate::Aggregate;
use crate::charts::{self, ChartError};
use crate::metric::Metric;
use crate::runner::{RunOptions, RunResult};
use crate::stats::Estimate;
use crate::sweep::SweepSummary;
use s3sim_model::metrics::Counter;
use s3sim_model::metrics::facility::FacilityMetric;
use s3sim_scenario::{LoadedScenario, SweepPoint};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Say why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or directory operation failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A chart failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// Serialising failed.
    #[error("{path}: {message}")]
    Encode { path: String, message: String },
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Write every output of a run (one [`RunResult`] per sweep point) into `dir`,
/// replacing what was there.
///
/// Files are first written into a temporary directory beside `dir`, which is then
/// renamed into place; on any error nothing under `dir` changes.
pub fn write_results(
    dir: &Path,
    loaded: &LoadedScenario,
    options: RunOptions,
    results: &[RunResult],
) -> Result<Vec<PathBuf>, OutputError> {
    let staging = staging_dir(dir)?;
    let mut files = Vec::new();
    if loaded.scenario.sweep.is_none() {
        files.extend(write_point(
            staging.path(),
            loaded,
            &loaded.points[0],
            &loaded.source,
            options,
            &results[0],
        )?);
    } else {
        files.push(write_file(
            staging.path(),
            "scenario.ron",
            loaded.source.as_bytes(),
        )?);
        let summary = SweepSummary::new(loaded, results);
        files.push(write_file(
            staging.path(),
            "sweep.csv",
            summary.csv().as_bytes(),
        )?);
        let aggregates: Vec<&Aggregate> = results.iter().map(|r| &r.aggregate).collect();
        files.extend(charts::render_sweep(
            staging.path(),
            &summary,
            &aggregates,
            &sweep_markers(loaded),
            &loaded.scenario.name,
        )?);
        for (point, result) in loaded.points.iter().zip(results) {
            let sub = staging.path().join(point.dir_name(loaded.points.len()));
            std::fs::create_dir(&sub).map_err(io(&sub))?;
            files.extend(write_point(
                &sub,
                loaded,
                point,
                &point_ron(point)?,
                options,
                result,
            )?);
        }
    }
    let staged = staging.path().to_path_buf();
    replace_dir(staging, dir)?;
    Ok(files
        .iter()
        .map(|f| dir.join(f.strip_prefix(&staged).expect("inside staging")))
        .collect())
}

/// The markers of every sweep point; one that not every point has is labelled with
/// the points that have it.
fn sweep_markers(loaded: &LoadedScenario) -> Vec<charts::Marker> {
    let per_point: Vec<Vec<charts::Marker>> = loaded
        .points
        .iter()
        .map(|p| crate::markers(&p.world))
        .collect();
    let mut all: Vec<charts::Marker> = Vec::new();
    for (point, markers) in loaded.points.iter().zip(&per_point) {
        for m in markers {
            let everywhere = per_point.iter().all(|other| other.contains(m));
            let label = if everywhere {
                m.label.clone()
            } else {
                format!("{} ({})", m.label, point.label())
            };
            let marker = charts::Marker {
                time_s: m.time_s,
                label,
            };
            if !all.contains(&marker) {
                all.push(marker);
            }
        }
    }
    all.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    all
}

/// A temporary directory beside `dir`, removed unless renamed into place.
pub(crate) fn staging_dir(dir: &Path) -> Result<tempfile::TempDir, OutputError> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    tempfile::Builder::new()
        .prefix(".s3sim-")
        .tempdir_in(parent)
        .map_err(io(parent))
}

/// A sweep point's scenario as RON that runs on its own (no sweep, no expectations).
fn point_ron(point: &SweepPoint) -> Result<String, OutputError> {
    let mut scenario = point.scenario.clone();
    scenario.sweep = None;
    scenario.expect.clear();
    let header = format!("// Sweep point {}: {}\n", point.index, point.label());
    let config = ron::ser::PrettyConfig::default().struct_names(true);
    ron::ser::to_string_pretty(&scenario, config)
        .map(|text| header + &text + "\n")
        .map_err(|e| OutputError::Encode {
            path: "scenario.ron".into(),
            message: e.to_string(),
        })
}

fn write_point(
    dir: &Path,
    loaded: &LoadedScenario,
    point: &SweepPoint,
    source: &str,
    options: RunOptions,
    result: &RunResult,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut files = vec![
        write_file(
            dir,
            "timeseries.csv",
            timeseries_csv(&result.aggregate).as_bytes(),
        )?,
        write_file(
            dir,
            "facilities.csv",
            facilities_csv(&result.aggregate).as_bytes(),
        )?,
        write_file(
            dir,
            "summary.json",
            summary_json(loaded, point, options, result)?.as_bytes(),
        )?,
        write_file(dir, "scenario.ron", source.as_bytes())?,
    ];
    let title = match loaded.scenario.sweep {
        None => loaded.scenario.name.clone(),
        Some(_) => format!("{} [{}]", loaded.scenario.name, point.label()),
    };
    files.extend(charts::render_all(
        dir,
        &result.aggregate,
        &crate::markers(&point.world),
        &title,
    )?);
    Ok(files)
}

pub(crate) fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(io(&path))?;
    Ok(path)
}

pub(crate) fn replace_dir(staging: tempfile::TempDir, dir: &Path) -> Result<(), OutputError> {
    let staged = staging.keep();
    if dir.exists() {
        let old = staged.with_extension("old");
        std::fs::rename(dir, &old).map_err(io(dir))?;
        std::fs::rename(&staged, dir).map_err(io(dir))?;
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        std::fs::rename(&staged, dir).map_err(io(dir))?;
    }
    Ok(())
}

/// The tidy time series: `time_s,class,metric,mean,ci95_low,ci95_high`, one row per
/// defined (bin, group, metric).
pub fn timeseries_csv(aggregate: &Aggregate) -> String {
    let mut out = String::from("time_s,class,metric,mean,ci95_low,ci95_high\n");
    let names: Vec<String> = aggregate.metrics.iter().map(|m| m.name()).collect();
    let classes: Vec<String> = aggregate.groups.iter().map(|g| csv_field(g)).collect();
    for bin in 0..aggregate.bins {
        let time = aggregate.bin_start_s(bin);
        for (group, class) in classes.iter().enumerate() {
            for (metric, name) in aggregate.metrics.iter().zip(&names) {
                let e = aggregate.get(bin, group, *metric);
                if e.n > 0 {
                    out.push_str(&format!(
                        "{time},{class},{name},{},{},{}\n",
                        e.mean, e.low, e.high
                    ));
                }
            }
        }
    }
    out
}

/// The facility load time series: `time_s,facility,metric,mean,ci95_low,ci95_high`,
/// one row per defined (bin, facility, metric).
pub fn facilities_csv(aggregate: &Aggregate) -> String {
    let mut out = String::from("time_s,facility,metric,mean,ci95_low,ci95_high\n");
    for bin in 0..aggregate.bins {
        let time = aggregate.bin_start_s(bin);
        for (f, name) in aggregate.facilities.iter().enumerate() {
            let name = csv_field(name);
            for metric in FacilityMetric::ALL {
                let e = aggregate.facility(bin, f, metric);
                if e.n > 0 {
                    let metric = metric.name();
                    out.push_str(&format!(
                        "{time},{name},{metric},{},{},{}\n",
                        e.mean, e.low, e.high
                    ));
                }
            }
        }
    }
    out
}

/// Quote a CSV field when it holds a comma, quote or line break.
pub(crate) fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    description: &'a str,
    source: &'a str,
    scenario_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    point: Option<PointInfo>,
    s3sim_version: &'a str,
    seed: u64,
    replicas: u32,
    duration_s: f64,
    bin_s: f64,
    requests_issued: Estimate,
    requests_in_flight_at_end: Estimate,
    events: Estimate,
    invalidation_paths: Estimate,
    invalidation_cost_usd: Estimate,
    classes: Vec<ClassSummary>,
}

#[derive(Serialize)]
struct ClassSummary {
    class: String,
    requests: Estimate,
    first_status: Vec<(String, Estimate)>,
    succeeded: Estimate,
    failed: Estimate,
    redirect_rate: Estimate,
    error_rate: Estimate,
    stale_dns_share: Estimate,
    resolver_hit_ratio: Estimate,
    extra_round_trips_per_request: Estimate,
    retry_amplification: Estimate,
    gave_up_rate: Estimate,
    redirect_loop_rate: Estimate,
    edge_hit_ratio: Estimate,
    cached_3xx_share: Estimate,
    origin_fetches: Estimate,
}

#[derive(Serialize)]
struct PointInfo {
    index: usize,
    label: String,
    settings: Vec<(String, String)>,
}

fn summary_json(
    loaded: &LoadedScenario,
    point: &SweepPoint,
    options: RunOptions,
    result: &RunResult,
) -> Result<String, OutputError> {
    let agg = &result.aggregate;
    let per_replica = |f: fn(&s3sim_model::world::ReplicaOutput) -> u64| {
        Estimate::from_samples(
            &result
                .outputs
                .iter()
                .map(|o| f(o) as f64)
                .collect::<Vec<_>>(),
        )
    };
    let classes = (0..agg.groups.len())
        .map(|g| ClassSummary {
            class: agg.groups[g].clone(),
            requests: agg.total(g, Metric::Count(Counter::Requests)),
            first_status: s3sim_model::response::Status::ALL
                .iter()
                .map(|&s| {
                    (
                        s.label().to_string(),
                        agg.total(g, Metric::Count(Counter::First(s))),
                    )
                })
                .collect(),
            succeeded: agg.total(g, Metric::Count(Counter::Succeeded)),
            failed: agg.total(g, Metric::Count(Counter::Failed)),
            redirect_rate: agg.total(g, Metric::RedirectRate),
            error_rate: agg.total(g, Metric::ErrorRate),
            stale_dns_share: agg.total(g, Metric::StaleDnsShare),
            resolver_hit_ratio: agg.total(g, Metric::ResolverHitRatio),
            extra_round_trips_per_request: agg.total(g, Metric::ExtraRoundTripsPerRequest),
            retry_amplification: agg.total(g, Metric::RetryAmplification),
            gave_up_rate: agg.total(g, Metric::GaveUpRate),
            redirect_loop_rate: agg.total(g, Metric::RedirectLoopRate),
            edge_hit_ratio: agg.total(g, Metric::EdgeHitRatio),
            cached_3xx_share: agg.total(g, Metric::Cached3xxShare),
            origin_fetches: agg.total(g, Metric::Count(Counter::OriginFetches)),
        })
        .collect();
    let summary = Summary {
        scenario: &loaded.scenario.name,
        description: &loaded.scenario.description,
        source: &loaded.origin,
        scenario_hash: loaded.source_hash(),
        point: loaded.scenario.sweep.as_ref().map(|_| PointInfo {
            index: point.index,
            label: point.label(),
            settings: point.settings.clone(),
        }),
        s3sim_version: env!("CARGO_PKG_VERSION"),
        seed: options.seed,
        replicas: options.replicas,
        duration_s: point.world.duration.as_secs_f64(),
        bin_s: point.world.bin.as_secs_f64(),
        requests_issued: per_replica(|o| o.issued),
        requests_in_flight_at_end: per_replica(|o| o.in_flight),
        events: per_replica(|o| o.events),
        invalidation_paths: agg.total(0, Metric::Count(Counter::InvalidationPaths)),
        invalidation_cost_usd: agg.total(0, Metric::InvalidationCostUsd),
        classes,
    };
    serde_json::to_string_pretty(&summary)
        .map(|s| s + "\n")
        .map_err(|e| OutputError::Encode {
            path: "summary.json".into(),
            message: e.to_string(),
        })
}
