//! Write a run's results: CSV tables, the JSON summary, the input, charts; atomically.
//!
//! A scenario without a sweep gets its files at the top of the output directory. A
//! sweep gets the input, `sweep.csv` and the sweep charts at the top and one
//! sub-directory per point holding that point's usual files.
//!
//! The parts: `outdir` (what an output directory may replace), `install` (staging
//! and the atomic swap), `files` (atomic files, [`OutputError`]), `csv_tables` (the
//! CSV files) and `summary_json` (`summary.json`). A new output file is written by a new function
//! in one of them (or a new sibling) and listed in `write_point` or [`write_results`].

pub mod csv_tables;
pub mod files;
mod html;
pub(crate) mod install;
pub mod outdir;
pub mod replicas_csv;
mod summary_json;

use crate::aggregate::Aggregate;
use crate::charts;
use crate::expectations::evaluate;
use crate::markers::{markers, sweep_markers};
use crate::runner::{RunOptions, RunResult};
use crate::sweep_summary::SweepSummary;
use csv_tables::{sweep_csv, write_facilities_csv, write_timeseries_csv};
use files::{OutputError, io, stream_file, write_file};
use install::Staging;
use outdir::{Kind, OutDir};
use s3sim_scenario::schema::Scenario;
use s3sim_scenario::{LoadedScenario, SweepPoint};
use std::path::{Path, PathBuf};

/// Name the default directory of a scenario's results: `results/<scenario>`.
///
/// One directory per scenario name, relative to where s3sim runs, so reruns replace
/// their own results and nothing else.
pub fn results_dir(scenario: &str) -> PathBuf {
    Path::new("results").join(scenario)
}

/// Write every output of a run (one [`RunResult`] per sweep point) into `out`,
/// replacing what was there if [`OutDir::check`] allows it.
///
/// Files are first written into a staging directory beside `out`, which is then
/// swapped into place with the marker [`outdir::MARKER`]; on any error nothing under
/// `out` changes and the staging directory is removed.
///
/// # Errors
///
/// [`OutputError::Refused`] when `out` may not be replaced (see [`OutDir::check`]);
/// [`OutputError::Io`] when a file or directory cannot be written, renamed or removed;
/// [`OutputError::Encode`] when a table or summary cannot be encoded;
/// [`OutputError::Chart`] when a chart cannot be drawn.
pub fn write_results(
    out: &OutDir,
    loaded: &LoadedScenario,
    options: RunOptions,
    results: &[RunResult],
) -> Result<Vec<PathBuf>, OutputError> {
    write_staged(Staging::new(out, Kind::Results)?, loaded, options, results)
}

/// Write `files` (name, bytes) as the whole content of the output directory `out`,
/// under the same rules as [`write_results`] (marker, refusals, atomic swap).
///
/// # Errors
///
/// As [`write_results`]: [`OutputError::Refused`] or [`OutputError::Io`].
pub fn write_dir(out: &OutDir, files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>, OutputError> {
    let staging = Staging::new(out, Kind::Results)?;
    for (name, bytes) in files {
        write_file(staging.path(), name, bytes)?;
    }
    staging.install()?;
    Ok(files
        .iter()
        .map(|(name, _)| out.path().join(name))
        .collect())
}

/// Write every output into `staging` and install it; returns the installed paths.
/// Any error drops `staging`, which removes it.
fn write_staged(
    staging: Staging<'_>,
    loaded: &LoadedScenario,
    options: RunOptions,
    results: &[RunResult],
) -> Result<Vec<PathBuf>, OutputError> {
    let size = staging.out().charts();
    let files = write_into(staging.path(), size, loaded, options, results)?;
    install(staging, files)
}

/// Install `staging` and name `files` (written inside it) where they now are.
fn install(staging: Staging<'_>, files: Vec<PathBuf>) -> Result<Vec<PathBuf>, OutputError> {
    let out = staging.out();
    let staged = staging.path().to_path_buf();
    staging.install()?;
    Ok(files
        .iter()
        .map(|f| {
            out.path()
                .join(f.strip_prefix(&staged).expect("inside staging"))
        })
        .collect())
}

/// Collect the results of several scenarios under one output directory, one
/// sub-directory each (`s3sim check --out`), and install them together.
///
/// The directory follows the rules of [`write_results`]: it must be new, empty or
/// written by s3sim (or forced), and it is replaced whole, atomically, by
/// [`ResultsTree::install`]; dropped before that, nothing under it changes.
pub struct ResultsTree<'a> {
    staging: Staging<'a>,
    files: Vec<PathBuf>,
}

impl<'a> ResultsTree<'a> {
    /// Start collecting results for `out`.
    ///
    /// # Errors
    ///
    /// [`OutputError::Refused`] when `out` may not be replaced; [`OutputError::Io`]
    /// when the staging directory cannot be created.
    pub fn new(out: &'a OutDir) -> Result<Self, OutputError> {
        Ok(ResultsTree {
            staging: Staging::new(out, Kind::Results)?,
            files: Vec::new(),
        })
    }

    /// Write the outputs of a run (as [`write_results`] would) into the sub-directory
    /// named after the scenario (`-2`, `-3`, … added when a name repeats); returns
    /// the sub-directory's name.
    ///
    /// # Errors
    ///
    /// As [`write_results`].
    pub fn add(
        &mut self,
        loaded: &LoadedScenario,
        options: RunOptions,
        results: &[RunResult],
    ) -> Result<String, OutputError> {
        let base = &loaded.scenario.name;
        let mut name = base.clone();
        let mut k = 1;
        while self.staging.path().join(&name).exists() {
            k += 1;
            name = format!("{base}-{k}");
        }
        let dir = self.staging.path().join(&name);
        std::fs::create_dir(&dir).map_err(io(&dir))?;
        let size = self.staging.out().charts();
        self.files
            .extend(write_into(&dir, size, loaded, options, results)?);
        Ok(name)
    }

    /// Install the collected results in place of the output directory; returns the
    /// files written.
    ///
    /// # Errors
    ///
    /// As [`write_results`].
    pub fn install(self) -> Result<Vec<PathBuf>, OutputError> {
        install(self.staging, self.files)
    }
}

/// Write every output of a run into `dir`, charts `size` pixels; returns the files.
fn write_into(
    dir: &Path,
    size: charts::ChartSize,
    loaded: &LoadedScenario,
    options: RunOptions,
    results: &[RunResult],
) -> Result<Vec<PathBuf>, OutputError> {
    let mut files = Vec::new();
    // Verdicts need one result per point; a caller that runs fewer (tests that
    // shorten a scenario to one point) gets a page without them.
    let verdicts = if results.len() == loaded.points.len() {
        evaluate(loaded, results)
    } else {
        Vec::new()
    };
    let filled = scenario_ron(&loaded.scenario, "")?;
    if loaded.scenario.sweep.is_none() {
        let page = html::PointPage {
            loaded,
            options,
            title: &loaded.scenario.name,
            point: None,
            ron: &filled,
            verdicts: &verdicts,
        };
        files.extend(write_point(
            dir,
            &page,
            &loaded.points[0],
            &loaded.source,
            &results[0],
            size,
        )?);
    } else {
        files.push(write_file(dir, "scenario.ron", loaded.source.as_bytes())?);
        let summary = SweepSummary::new(loaded, results);
        files.push(write_file(
            dir,
            "sweep.csv",
            sweep_csv(&summary)?.as_bytes(),
        )?);
        let aggregates: Vec<&Aggregate> = results.iter().map(|r| &r.aggregate).collect();
        let markers = sweep_markers(loaded);
        let name = &loaded.scenario.name;
        files.extend(charts::render_sweep(
            dir,
            &summary,
            &aggregates,
            &markers,
            name,
            size,
        )?);
        let point_dirs: Vec<String> = loaded
            .points
            .iter()
            .map(|p| p.dir_name(loaded.points.len()))
            .collect();
        let page = html::SweepPage {
            loaded,
            options,
            summary: &summary,
            point_dirs: &point_dirs,
            ron: &filled,
            verdicts: &verdicts,
        };
        let inline = charts::svg_sweep(&summary, &aggregates, &markers, name, size)?;
        files.push(write_file(
            dir,
            "report.html",
            html::sweep_page(&page, &inline).as_bytes(),
        )?);
        for ((point, result), point_dir) in loaded.points.iter().zip(results).zip(&point_dirs) {
            let sub = dir.join(point_dir);
            std::fs::create_dir(&sub).map_err(io(&sub))?;
            let ron = point_ron(loaded, point)?;
            let title = format!("{name} [{}]", point.label());
            let page = html::PointPage {
                loaded,
                options,
                title: &title,
                point: Some(point.label()),
                ron: &ron,
                verdicts: &[],
            };
            files.extend(write_point(&sub, &page, point, &ron, result, size)?);
        }
    }
    Ok(files)
}

/// A sweep point's scenario as RON that runs on its own (no sweep, no expectations).
fn point_ron(loaded: &LoadedScenario, point: &SweepPoint) -> Result<String, OutputError> {
    let mut scenario = point.scenario();
    scenario.description = loaded.scenario.description.clone();
    let header = format!("// Sweep point {}: {}\n", point.index, point.label());
    scenario_ron(&scenario, &header)
}

/// `scenario` as RON with every field written (defaults filled in), after `header`.
///
/// # Errors
///
/// [`OutputError::Encode`] when the scenario cannot be written as RON.
pub fn scenario_ron(scenario: &Scenario, header: &str) -> Result<String, OutputError> {
    let config = ron::ser::PrettyConfig::default().struct_names(true);
    ron::ser::to_string_pretty(scenario, config)
        .map(|text| format!("{header}{text}\n"))
        .map_err(|e| OutputError::Encode {
            path: "scenario.ron".into(),
            message: e.to_string(),
        })
}

/// Write one point's files into `dir`: CSV tables, `summary.json`, `source` as
/// `scenario.ron`, its charts (`size` pixels), then `report.html`.
fn write_point(
    dir: &Path,
    page: &html::PointPage<'_>,
    point: &SweepPoint,
    source: &str,
    result: &RunResult,
    size: charts::ChartSize,
) -> Result<Vec<PathBuf>, OutputError> {
    let loaded = page.loaded;
    let mut files = vec![
        stream_file(dir, "timeseries.csv", |out| {
            write_timeseries_csv(&result.aggregate, out)
        })?,
        stream_file(dir, "facilities.csv", |out| {
            write_facilities_csv(&result.aggregate, out)
        })?,
        write_file(
            dir,
            "summary.json",
            summary_json::summary_json(loaded, point, page.options, result)?.as_bytes(),
        )?,
        stream_file(dir, "replicas.csv", |out| {
            replicas_csv::write_replicas_csv(result, out)
        })?,
        write_file(dir, "scenario.ron", source.as_bytes())?,
    ];
    let world = point.world();
    let refs = charts::References::of(&world, result, markers(&world));
    files.extend(charts::render_all(
        dir,
        &result.aggregate,
        &refs,
        page.title,
        size,
    )?);
    let inline = charts::svg_all(&result.aggregate, &refs, page.title, size)?;
    files.push(write_file(
        dir,
        "report.html",
        html::point_page(page, result, &inline).as_bytes(),
    )?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::run;

    /// Names in `dir` that start like a staging directory.
    fn staging_left(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".s3sim-"))
            .collect()
    }

    #[test]
    fn an_error_while_drawing_charts_leaves_no_staging_directory_and_the_old_results() {
        let mut loaded =
            s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "default").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = s3sim_engine::SimDuration::from_secs(600);
        loaded.world = std::sync::Arc::new(world);
        let options = RunOptions {
            seed: 1,
            replicas: 1,
            progress: false,
        };
        let results = [run(&loaded.world, options)];
        let tmp = tempfile::tempdir().unwrap();
        let out = OutDir::new(tmp.path().join("out"));
        write_results(&out, &loaded, options, &results).unwrap();
        let before = std::fs::read(out.path().join("timeseries.csv")).unwrap();
        // Injected failure: a directory where the first chart is to be written.
        let staging = Staging::new(&out, Kind::Results).unwrap();
        std::fs::create_dir(staging.path().join("redirect_rate.png")).unwrap();
        let err = write_staged(staging, &loaded, options, &results).unwrap_err();
        assert!(matches!(err, OutputError::Chart(_)), "{err}");
        assert_eq!(staging_left(tmp.path()), Vec::<String>::new());
        let after = std::fs::read(out.path().join("timeseries.csv")).unwrap();
        assert!(before == after, "the old results changed");
    }
}
