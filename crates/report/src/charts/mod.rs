//! Charts of a run and of a sweep: rates, outcome shares, staleness and load, each as
//! PNG and SVG.
//!
//! Every chart is first described as plain data (a `ChartSpec`: lines with their
//! confidence bands, stacked layers, scenario markers, legend) and then drawn by one
//! renderer that works on any plotters backend, so the PNG and the SVG of a chart are
//! the same picture. Bins without data (no replica had a value) break lines instead of
//! dropping them to zero. Fonts are the embedded DejaVu Sans: nothing is read from the
//! system, and every failure is a [`ChartError`], never a panic.
//!
//! The parts, in the order a chart goes through them:
//! - `catalogue`: which charts a run or a sweep gets, and their files;
//! - `time_charts`, `load_charts`, `sweep_charts`: what each chart plots, as a spec;
//! - `spec`, `points`, `axis`, `palette`, `point_labels`: the spec's data types, points
//!   from estimates, the time axis and ticks, shared colours, sweep point names;
//! - `references`: the scenario's events and reference values (capacity, settle time);
//! - `layout`, `legend`: where labels and the legend go;
//! - `draw`, `dash`: painting a spec onto a plotters backend, dashed lines;
//! - `style`: fonts, text sizes and text colours; `size`: the canvas size and how
//!   text scales with it;
//! - `crisp`: the bitmap backend wrapper that draws text at exact glyph positions.
//!
//! A new chart: a builder in `time_charts`, `load_charts` or `sweep_charts`, and its row
//! in `catalogue`.

mod axis;
mod catalogue;
mod compare_charts;
mod crisp;
mod dash;
mod draw;
mod error;
mod layout;
mod legend;
mod load_charts;
mod palette;
mod point_labels;
mod points;
mod references;
mod sequence;
mod size;
mod spec;
mod style;
mod sweep_charts;
mod time_charts;

pub use compare_charts::CompareCurve;
pub use error::ChartError;
pub use references::References;
pub use sequence::{Sequence, SequenceArrow, sequence_svg};
pub use size::ChartSize;

use crate::aggregate::Aggregate;
use crate::markers::Marker;
use crate::sweep_summary::SweepSummary;
use catalogue::Planned;
use crisp::CrispText;
use error::msg;
use plotters::prelude::*;
use spec::ChartSpec;
use std::path::{Path, PathBuf};

/// Draw every chart of a run into `dir`; returns the files written.
///
/// Writes `redirect_rate`, `outcomes`, `dns_staleness`, `resolver_hit_ratio`,
/// `redirect_rate_by_class` and `error_rate_by_class`; with retries, `retries`; with a
/// CDN, `edge_hit_ratio`; with limited facility servers, `facility_utilisation`,
/// `capacity_vs_load` and `wait_vs_load`; with extra stub-resolver queries,
/// `dns_queries_per_lookup` and `latency_p50_by_class`; with dual-stack classes,
/// `ipv6_share`: each as `.png` and as `.svg` (the same picture), `size` pixels. Time
/// charts mark the scenario's events; the redirect chart marks when the redirect rate
/// settled and `capacity_vs_load` draws 1 − capacity/load ([`References`]).
///
/// # Errors
///
/// [`ChartError`] when `dir` cannot be created or a chart cannot be drawn or written.
pub fn render_all(
    dir: &Path,
    aggregate: &Aggregate,
    refs: &References,
    title: &str,
    size: ChartSize,
) -> Result<Vec<PathBuf>, ChartError> {
    write_charts(dir, &catalogue::of_run(aggregate, refs, title), size)
}

/// Draw the charts of a sweep into `dir`; returns the files written.
///
/// For the all-clients redirect rate, error rate, stale DNS share, extra round trips
/// per request and redirect settle time, `sweep_<metric>.png` (and `.svg`): the metric's mean at
/// every sweep point (in sweep order, labelled with the swept values) with its 95 %
/// confidence interval as an error bar. Then `sweep_redirect_rate_curves.png`: the
/// redirect rate over time of every point (`aggregates`, in sweep order) on one chart,
/// with `markers`.
///
/// # Errors
///
/// [`ChartError`] when `dir` cannot be created or a chart cannot be drawn or written.
pub fn render_sweep(
    dir: &Path,
    summary: &SweepSummary,
    aggregates: &[&Aggregate],
    markers: &[Marker],
    title: &str,
    size: ChartSize,
) -> Result<Vec<PathBuf>, ChartError> {
    write_charts(
        dir,
        &catalogue::of_sweep(summary, aggregates, markers, title),
        size,
    )
}

/// Draw every chart of a run as an SVG document in memory, for embedding in a page.
///
/// The same charts, in the same order, as [`render_all`] writes (one per chart, not
/// per file); each comes with its title (the chart's first line) and the stem of its
/// file (`redirect_rate`, `outcomes`, …).
///
/// # Errors
///
/// [`ChartError`] when a chart cannot be drawn.
pub fn svg_all(
    aggregate: &Aggregate,
    refs: &References,
    title: &str,
    size: ChartSize,
) -> Result<Vec<InlineChart>, ChartError> {
    inline(&catalogue::of_run(aggregate, refs, title), size)
}

/// Draw the charts of a sweep as SVG documents in memory (see [`render_sweep`]).
///
/// # Errors
///
/// [`ChartError`] when a chart cannot be drawn.
pub fn svg_sweep(
    summary: &SweepSummary,
    aggregates: &[&Aggregate],
    markers: &[Marker],
    title: &str,
    size: ChartSize,
) -> Result<Vec<InlineChart>, ChartError> {
    inline(
        &catalogue::of_sweep(summary, aggregates, markers, title),
        size,
    )
}

/// Draw the overlay charts of two runs into `dir`: `compare_redirect_rate` and
/// `compare_error_rate`, each as PNG and SVG; returns the files written.
///
/// # Errors
///
/// [`ChartError`] when `dir` cannot be created or a chart cannot be drawn or written.
pub fn render_compare(
    dir: &Path,
    a: &CompareCurve,
    b: &CompareCurve,
) -> Result<Vec<PathBuf>, ChartError> {
    let planned: Vec<Planned> = compare_charts::OVERLAYS
        .iter()
        .map(|&(stem, metric, what)| Planned {
            files: vec![format!("{stem}.png"), format!("{stem}.svg")],
            spec: compare_charts::overlay(a, b, metric, what),
        })
        .collect();
    write_charts(dir, &planned, ChartSize::default())
}

/// Hold one chart drawn as SVG text: what [`svg_all`] and [`svg_sweep`] give.
#[derive(Clone, Debug, PartialEq)]
pub struct InlineChart {
    /// The stem of the chart's file, e.g. `redirect_rate`.
    pub stem: String,
    /// The chart's title.
    pub title: String,
    /// The whole `<svg …>…</svg>` document.
    pub svg: String,
}

/// Draw each planned chart into an SVG string.
fn inline(charts: &[Planned], size: ChartSize) -> Result<Vec<InlineChart>, ChartError> {
    charts
        .iter()
        .map(|chart| {
            let file = &chart.files[0];
            let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
            let svg = svg_string(&chart.spec, size).map_err(|message| ChartError {
                file: file.clone(),
                message,
            })?;
            Ok(InlineChart {
                stem: stem.to_string(),
                title: chart.spec.title.clone(),
                svg,
            })
        })
        .collect()
}

/// Draw `spec` into an SVG document in memory.
fn svg_string(spec: &ChartSpec, size: ChartSize) -> Result<String, String> {
    style::register_fonts()?;
    let _scale = style::TextScale::set(size.text_scale());
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size.pixels()).into_drawing_area();
        draw::draw(&root, spec, true)?;
        root.present().map_err(msg)?;
    }
    Ok(text)
}

/// Create `dir` and draw each planned chart into each of its files; returns the files
/// written.
fn write_charts(
    dir: &Path,
    charts: &[Planned],
    size: ChartSize,
) -> Result<Vec<PathBuf>, ChartError> {
    std::fs::create_dir_all(dir).map_err(|e| ChartError {
        file: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut written = Vec::new();
    for chart in charts {
        for file in &chart.files {
            let path = dir.join(file);
            render_file(&path, &chart.spec, size).map_err(|message| ChartError {
                file: file.clone(),
                message,
            })?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Draw `spec` into `path`, `size` pixels: SVG if the extension says so, PNG otherwise.
fn render_file(path: &Path, spec: &ChartSpec, size: ChartSize) -> Result<(), String> {
    style::register_fonts()?;
    let _scale = style::TextScale::set(size.text_scale());
    let svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        let root = SVGBackend::new(path, size.pixels()).into_drawing_area();
        draw::draw(&root, spec, true)?;
        root.present().map_err(msg)
    } else {
        let root = CrispText::new(BitMapBackend::new(path, size.pixels()))?.into_drawing_area();
        draw::draw(&root, spec, false)?;
        root.present().map_err(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunOptions;
    use s3sim_engine::SimDuration;

    /// The files of the charts every run gets (six charts, each in PNG and SVG).
    const ALWAYS_FILES: usize = 12;

    /// Assert that every file is a real PNG of more than 10 KB (not a blank canvas).
    pub(crate) fn assert_pngs<'a>(files: impl IntoIterator<Item = &'a PathBuf>) {
        for file in files {
            let bytes = std::fs::read(file).unwrap();
            assert!(
                bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
                "{} is not a PNG",
                file.display()
            );
            assert!(
                bytes.len() > 10_000,
                "{} is only {} bytes",
                file.display(),
                bytes.len()
            );
        }
    }

    /// Half an hour of the default scenario, two replicas.
    pub(crate) fn short_run() -> (Aggregate, Vec<Marker>) {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = SimDuration::from_secs(1800);
        let result = crate::run(
            &world,
            RunOptions {
                seed: 1,
                replicas: 2,
                progress: false,
            },
        );
        (result.aggregate, crate::markers::markers(&world))
    }

    #[test]
    fn renders_every_chart() {
        let (aggregate, markers) = short_run();
        let dir = tempfile::tempdir().unwrap();
        let files = render_all(
            dir.path(),
            &aggregate,
            &References::events(markers.clone()),
            "short-run",
            ChartSize::default(),
        )
        .unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "redirect_rate.png",
                "redirect_rate.svg",
                "outcomes.png",
                "outcomes.svg",
                "dns_staleness.png",
                "dns_staleness.svg",
                "resolver_hit_ratio.png",
                "resolver_hit_ratio.svg",
                "redirect_rate_by_class.png",
                "redirect_rate_by_class.svg",
                "error_rate_by_class.png",
                "error_rate_by_class.svg"
            ]
        );
        assert_pngs(files.iter().filter(|f| f.extension().unwrap() == "png"));
        let svg = std::fs::read_to_string(&files[1]).unwrap();
        assert!(svg.contains("short-run: redirect rate over time (all clients)"));
        assert!(svg.contains("307 TemporaryRedirect"));
    }

    #[test]
    fn unwritable_directory_is_an_error() {
        let (aggregate, markers) = short_run();
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = render_all(
            &blocker.join("sub"),
            &aggregate,
            &References::events(markers.clone()),
            "t",
            ChartSize::default(),
        )
        .unwrap_err();
        assert!(!err.message.is_empty());
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = SimDuration::from_secs(690);
        let base = world.classes[0].clone();
        world.classes = (0..24)
            .map(|k| {
                let mut class = base.clone();
                class.name = format!("class number {k} with a rather long name");
                class
            })
            .collect();
        let result = crate::run(
            &world,
            RunOptions {
                seed: 3,
                replicas: 1,
                progress: false,
            },
        );
        let markers: Vec<Marker> = [0.0, 600.0, 600.0, 601.0, 690.0, 1e9, -5.0, f64::NAN]
            .iter()
            .chain(&[300.0; 40])
            .map(|&time_s| Marker {
                time_s,
                label: format!("event at {time_s} s"),
            })
            .collect();
        let title = "a very long scenario name that goes on and on & on <and> keeps going well past the width";
        let dir = tempfile::tempdir().unwrap();
        let files = render_all(
            dir.path(),
            &result.aggregate,
            &References::events(markers.clone()),
            title,
            ChartSize::default(),
        )
        .unwrap();
        assert_eq!(files.len(), ALWAYS_FILES);
        let svg = std::fs::read_to_string(dir.path().join("redirect_rate.svg")).unwrap();
        assert!(svg.contains("&amp; on &lt;and&gt;"));
    }

    #[test]
    fn retries_and_limited_servers_add_their_load_charts() {
        let (names, labels) = charts_beyond_the_always_ones("facility-outage-retry-storm", 1500);
        assert_eq!(
            names,
            [
                "retries.png",
                "retries.svg",
                "facility_utilisation.png",
                "facility_utilisation.svg",
                "capacity_vs_load.png",
                "capacity_vs_load.svg",
                "wait_vs_load.png",
                "wait_vs_load.svg"
            ]
        );
        assert_eq!(labels, ["use1-a down", "usw2-a down"]);
    }

    #[test]
    fn dual_stack_classes_add_the_ipv6_share_chart() {
        let (names, _) = charts_beyond_the_always_ones("dual-stack-fallback", 120);
        assert_eq!(
            names,
            [
                "dns_queries_per_lookup.png",
                "dns_queries_per_lookup.svg",
                "latency_p50_by_class.png",
                "latency_p50_by_class.svg",
                "ipv6_share.png",
                "ipv6_share.svg"
            ]
        );
    }

    /// Run the shipped scenario `name` for `seconds` (2 replicas) and render its charts:
    /// the files after the [`ALWAYS_FILES`] (each PNG checked), and the event labels.
    fn charts_beyond_the_always_ones(name: &str, seconds: u64) -> (Vec<String>, Vec<String>) {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../scenarios/{name}.ron"));
        let loaded = s3sim_scenario::parse(&std::fs::read_to_string(path).unwrap(), name).unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = SimDuration::from_secs(seconds);
        let options = RunOptions {
            seed: 1,
            replicas: 2,
            progress: false,
        };
        let result = crate::run(&world, options);
        let dir = tempfile::tempdir().unwrap();
        let markers = crate::markers::markers(&world);
        let files = render_all(
            dir.path(),
            &result.aggregate,
            &References::events(markers.clone()),
            name,
            ChartSize::default(),
        )
        .unwrap();
        let extra = &files[ALWAYS_FILES..];
        assert_pngs(extra.iter().filter(|f| f.extension().unwrap() == "png"));
        let names = extra
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        (names, markers.into_iter().map(|m| m.label).collect())
    }

    /// Render every scenario of `scenarios/` into /tmp/charts-preview/<name>/ to look at.
    #[test]
    #[ignore]
    fn preview_scenarios() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let source = std::fs::read_to_string(&path).unwrap();
            let loaded = s3sim_scenario::parse(&source, &path.display().to_string()).unwrap();
            let options = RunOptions {
                seed: loaded.scenario.seed,
                replicas: loaded.scenario.replicas,
                progress: false,
            };
            let result = crate::run(&loaded.world, options);
            let out = Path::new("/tmp/charts-preview").join(&loaded.scenario.name);
            let markers = crate::markers::markers(&loaded.world);
            render_all(
                &out,
                &result.aggregate,
                &References::events(markers.clone()),
                &loaded.scenario.name,
                ChartSize::default(),
            )
            .unwrap();
            println!("{}", out.display());
        }
    }
}
