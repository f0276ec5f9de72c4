//! Charts of a run: redirect rates, outcome shares and DNS staleness over time.
//!
//! Every chart is first described as plain data (a `ChartSpec`: lines with their
//! confidence bands, stacked layers, scenario markers, legend) and then drawn by one
//! renderer that works on any plotters backend, so the PNG and the SVG of a chart are
//! the same picture. Bins without data (no replica had a value) break lines instead of
//! dropping them to zero. Fonts are the embedded DejaVu Sans: nothing is read from the
//! system, and every failure is a [`ChartError`], never a panic.

use crate::aggregate::Aggregate;
use crate::metric::Metric;
use crisp::CrispText;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, RGBAColor, register_font};
use s3sim_model::facility::Status;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Mark a scenario event on a time axis (bucket created, bucket deleted, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Seconds since the start of the run.
    pub time_s: f64,
    /// Short label, e.g. `photos created`.
    pub label: String,
}

/// Say why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw {file}: {message}")]
pub struct ChartError {
    /// The chart file.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

/// Draw every chart of a run into `dir`; returns the files written.
///
/// Writes `redirect_rate.png` and `redirect_rate.svg` (the same chart),
/// `outcomes.png`, `dns_staleness.png` and `redirect_rate_by_class.png`.
pub fn render_all(
    dir: &Path,
    aggregate: &Aggregate,
    markers: &[Marker],
    title: &str,
) -> Result<Vec<PathBuf>, ChartError> {
    std::fs::create_dir_all(dir).map_err(|e| ChartError {
        file: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let axis = TimeAxis::of(aggregate);
    let markers = axis.markers(markers);
    let charts = [
        (
            redirect_rate_spec(aggregate, &axis, title),
            &["redirect_rate.png", "redirect_rate.svg"][..],
        ),
        (
            outcomes_spec(aggregate, &axis, title),
            &["outcomes.png"][..],
        ),
        (
            dns_staleness_spec(aggregate, &axis, title),
            &["dns_staleness.png"][..],
        ),
        (
            redirect_by_class_spec(aggregate, &axis, title),
            &["redirect_rate_by_class.png"][..],
        ),
    ];
    let mut written = Vec::new();
    for (mut spec, files) in charts {
        spec.markers = markers.clone();
        spec.note = note(aggregate, spec.series.iter().any(|s| s.band.is_some()));
        for file in files {
            let path = dir.join(file);
            render_file(&path, &spec).map_err(|message| ChartError {
                file: (*file).to_string(),
                message,
            })?;
            written.push(path);
        }
    }
    Ok(written)
}

// ---------------------------------------------------------------------------------
// Chart descriptions: plain data, no drawing.

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
const FONT: &str = "sans-serif";
const TITLE_PX: f64 = 28.0;
const NOTE_PX: f64 = 16.0;
const AXIS_DESC_PX: f64 = 20.0;
const TICK_PX: f64 = 16.0;
const LEGEND_PX: f64 = 17.0;
const MARKER_PX: f64 = 15.0;

const TEXT: RGBColor = RGBColor(25, 25, 25);
const NOTE_GREY: RGBColor = RGBColor(100, 100, 100);
const MARKER_GREY: RGBColor = RGBColor(110, 110, 110);
const MARKER_TEXT: RGBColor = RGBColor(70, 70, 70);
const ALL_BLACK: RGBColor = RGBColor(20, 20, 20);

/// Class colours (Tableau 10 without its grey), cycled; shared by every per-class chart.
const CLASS_COLORS: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// One point of a time series: bin centre and the estimate, clamped to a share's range.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Point {
    x: f64,
    mean: f64,
    low: f64,
    high: f64,
}

/// A line (mean) over contiguous runs of defined bins, optionally with its CI band.
struct Series {
    color: RGBColor,
    width: u32,
    runs: Vec<Vec<Point>>,
    band: Option<RGBAColor>,
}

/// One layer of a stacked area: runs of `(x, lower, upper)`, drawn as steps.
struct Layer {
    color: RGBColor,
    runs: Vec<Vec<(f64, f64, f64)>>,
}

#[derive(Clone, Copy)]
enum Swatch {
    Line {
        color: RGBColor,
        width: u32,
        band: Option<RGBAColor>,
    },
    Area(RGBColor),
}

struct LegendEntry {
    label: String,
    swatch: Swatch,
}

/// A chart, ready to draw: everything in axis units (x in minutes or hours).
struct ChartSpec {
    title: String,
    note: String,
    x_desc: String,
    x_end: f64,
    y_desc: String,
    y_max: f64,
    layers: Vec<Layer>,
    series: Vec<Series>,
    markers: Vec<(f64, String)>,
    legend: Vec<LegendEntry>,
    /// Put the legend beside the plot even if a free corner exists (stacked areas
    /// fill the plot, so no corner is ever free).
    legend_outside: bool,
}

/// The time axis: minutes, or hours for runs longer than six hours.
struct TimeAxis {
    seconds_per_unit: f64,
    desc: &'static str,
    end: f64,
    bin_s: f64,
}

impl TimeAxis {
    fn of(aggregate: &Aggregate) -> TimeAxis {
        TimeAxis::new(aggregate.bin_width.as_secs_f64(), aggregate.bins)
    }

    fn new(bin_s: f64, bins: usize) -> TimeAxis {
        let total_s = bin_s * bins as f64;
        let (seconds_per_unit, desc) = if total_s > 6.0 * 3600.0 {
            (3600.0, "time since start (h)")
        } else {
            (60.0, "time since start (min)")
        };
        let end = total_s / seconds_per_unit;
        let end = if end.is_finite() && end > 0.0 {
            end
        } else {
            1.0
        };
        TimeAxis {
            seconds_per_unit,
            desc,
            end,
            bin_s,
        }
    }

    fn at(&self, seconds: f64) -> f64 {
        seconds / self.seconds_per_unit
    }

    fn bin_range(&self, aggregate: &Aggregate, bin: usize) -> (f64, f64) {
        let start = aggregate.bin_start_s(bin);
        (self.at(start), self.at(start + self.bin_s))
    }

    /// Markers inside the run, in axis units, in time order.
    fn markers(&self, markers: &[Marker]) -> Vec<(f64, String)> {
        let mut out: Vec<(f64, String)> = markers
            .iter()
            .map(|m| (self.at(m.time_s), m.label.clone()))
            .filter(|(x, _)| x.is_finite() && (0.0..=self.end).contains(x))
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }
}

/// A share clamped into [0, 1]; NaN stays NaN.
fn share(v: f64) -> f64 {
    if v.is_nan() { v } else { v.clamp(0.0, 1.0) }
}

/// Split a sequence of optional points into maximal runs of defined ones.
fn split_runs<T>(points: impl IntoIterator<Item = Option<T>>) -> Vec<Vec<T>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for point in points {
        match point {
            Some(p) => current.push(p),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The defined points of (group, metric), one per bin at the bin's centre, as runs.
fn metric_runs(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    group: usize,
    metric: Metric,
) -> Vec<Vec<Point>> {
    split_runs((0..aggregate.bins).map(|bin| {
        let e = aggregate.get(bin, group, metric);
        if e.n == 0 || !e.mean.is_finite() {
            return None;
        }
        let (start, end) = axis.bin_range(aggregate, bin);
        let mean = share(e.mean);
        let low = if e.low.is_finite() {
            share(e.low).min(mean)
        } else {
            mean
        };
        let high = if e.high.is_finite() {
            share(e.high).max(mean)
        } else {
            mean
        };
        Some(Point {
            x: (start + end) / 2.0,
            mean,
            low,
            high,
        })
    }))
}

fn max_of(runs: &[Vec<Point>], with_band: bool) -> f64 {
    runs.iter()
        .flatten()
        .map(|p| if with_band { p.high } else { p.mean })
        .fold(0.0, f64::max)
}

/// Top of a share axis: the data's maximum plus 10 %, at least 0.05, at most 1.
fn y_top(max: f64) -> f64 {
    if max.is_finite() {
        (max * 1.1).clamp(0.05, 1.0)
    } else {
        0.05
    }
}

fn status_name(status: Status) -> String {
    let what = match status {
        Status::Ok => "OK",
        Status::MovedPermanently => "PermanentRedirect",
        Status::Found => "Found",
        Status::TemporaryRedirect => "TemporaryRedirect",
        Status::BadRequest => "BadRequest",
        Status::NotFound => "NoSuchBucket",
        Status::ConnectionError => "(connection failed)",
        Status::NxDomain => "(name did not resolve)",
    };
    format!("{} {what}", status.label())
}

fn redirect_color(status: Status) -> RGBColor {
    match status {
        Status::MovedPermanently => RGBColor(49, 130, 189),
        Status::Found => RGBColor(117, 80, 180),
        _ => RGBColor(230, 85, 13),
    }
}

fn outcome_color(status: Status) -> RGBColor {
    match status {
        Status::Ok => RGBColor(65, 171, 93),
        Status::MovedPermanently => RGBColor(253, 174, 97),
        Status::Found => RGBColor(254, 217, 118),
        Status::TemporaryRedirect => RGBColor(241, 105, 19),
        Status::BadRequest => RGBColor(203, 24, 29),
        Status::NotFound => RGBColor(136, 65, 157),
        Status::ConnectionError => RGBColor(150, 150, 150),
        Status::NxDomain => RGBColor(37, 37, 37),
    }
}

fn class_color(group: usize) -> RGBColor {
    CLASS_COLORS[group.saturating_sub(1) % CLASS_COLORS.len()]
}

fn group_name(aggregate: &Aggregate, group: usize) -> String {
    if group == 0 {
        "all clients".to_string()
    } else {
        aggregate.groups[group].clone()
    }
}

fn base_spec(axis: &TimeAxis, title: String, y_desc: &str) -> ChartSpec {
    ChartSpec {
        title,
        note: String::new(),
        x_desc: axis.desc.to_string(),
        x_end: axis.end,
        y_desc: y_desc.to_string(),
        y_max: 1.0,
        layers: Vec::new(),
        series: Vec::new(),
        markers: Vec::new(),
        legend: Vec::new(),
        legend_outside: false,
    }
}

fn fmt_duration(seconds: f64) -> String {
    let trim = |v: f64| {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if seconds >= 3600.0 && seconds % 3600.0 == 0.0 {
        format!("{} h", trim(seconds / 3600.0))
    } else if seconds >= 60.0 {
        format!("{} min", trim(seconds / 60.0))
    } else {
        format!("{} s", trim(seconds))
    }
}

/// The line under every title: what the curves and bands are.
fn note(aggregate: &Aggregate, bands: bool) -> String {
    let replicas = aggregate.replicas;
    let plural = if replicas == 1 { "" } else { "s" };
    let bin = fmt_duration(aggregate.bin_width.as_secs_f64());
    let band = if bands && replicas > 1 {
        "; shaded: 95% confidence interval of the mean"
    } else {
        ""
    };
    format!("mean of {replicas} replica{plural} per {bin} bin{band}; gaps: bins without data")
}

fn redirect_rate_spec(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = base_spec(
        axis,
        format!("{title}: redirect rate over time (all clients)"),
        "share of requests (first response)",
    );
    // The codes seen somewhere; 307 alone (flat at zero) when none is, so the chart
    // still says "no redirects" rather than being empty.
    let mut codes: Vec<(Status, Vec<Vec<Point>>)> = Status::ALL
        .into_iter()
        .filter(|s| s.is_redirect())
        .map(|s| (s, metric_runs(aggregate, axis, 0, Metric::Share(s))))
        .filter(|(_, runs)| runs.iter().flatten().any(|p| p.mean > 0.0 || p.high > 0.0))
        .collect();
    if codes.is_empty() {
        let status = Status::TemporaryRedirect;
        codes.push((
            status,
            metric_runs(aggregate, axis, 0, Metric::Share(status)),
        ));
    }
    let mut top: f64 = 0.0;
    for (status, runs) in codes {
        top = top.max(max_of(&runs, true));
        let color = redirect_color(status);
        let band = Some(color.mix(0.22));
        spec.series.push(Series {
            color,
            width: 3,
            runs,
            band,
        });
        spec.legend.push(LegendEntry {
            label: status_name(status),
            swatch: Swatch::Line {
                color,
                width: 3,
                band,
            },
        });
    }
    spec.y_max = y_top(top);
    spec
}

fn outcomes_spec(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = base_spec(
        axis,
        format!("{title}: first-response outcomes over time (all clients)"),
        "share of requests",
    );
    // Per bin: the mean share of every status, or None if the bin has no requests.
    let shares: Vec<Option<Vec<f64>>> = (0..aggregate.bins)
        .map(|bin| {
            let values: Vec<f64> = Status::ALL
                .iter()
                .map(|&s| {
                    let e = aggregate.get(bin, 0, Metric::Share(s));
                    if e.n > 0 && e.mean.is_finite() {
                        share(e.mean)
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            values.iter().any(|v| !v.is_nan()).then(|| {
                values
                    .into_iter()
                    .map(|v| if v.is_nan() { 0.0 } else { v })
                    .collect()
            })
        })
        .collect();
    let mut lower: Vec<f64> = vec![0.0; aggregate.bins];
    for (k, status) in Status::ALL.into_iter().enumerate() {
        let present = shares.iter().flatten().any(|v| v[k] > 0.0);
        if !present {
            continue;
        }
        let runs = split_runs(shares.iter().enumerate().map(|(bin, values)| {
            // A bin where this status is absent breaks its layer: a zero-height
            // polygon would still paint a one-pixel line.
            let values = values.as_ref().filter(|v| v[k] > 0.0)?;
            let (start, end) = axis.bin_range(aggregate, bin);
            let low = lower[bin].min(1.0);
            let high = (lower[bin] + values[k]).min(1.0);
            Some([(start, low, high), (end, low, high)])
        }))
        .into_iter()
        .map(|run| run.into_iter().flatten().collect())
        .collect();
        for (bin, values) in shares.iter().enumerate() {
            if let Some(values) = values {
                lower[bin] += values[k];
            }
        }
        let color = outcome_color(status);
        spec.layers.push(Layer { color, runs });
        spec.legend.push(LegendEntry {
            label: status_name(status),
            swatch: Swatch::Area(color),
        });
    }
    // The legend reads top to bottom like the stack.
    spec.legend.reverse();
    spec.legend_outside = true;
    spec
}

fn dns_staleness_spec(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = base_spec(
        axis,
        format!("{title}: stale DNS answers over time"),
        "share of DNS lookups answered by a stale record",
    );
    let mut top: f64 = 0.0;
    for group in 1..aggregate.groups.len() {
        let runs = metric_runs(aggregate, axis, group, Metric::StaleDnsShare);
        top = top.max(max_of(&runs, false));
        let color = class_color(group);
        spec.series.push(Series {
            color,
            width: 2,
            runs,
            band: None,
        });
        spec.legend.push(LegendEntry {
            label: group_name(aggregate, group),
            swatch: Swatch::Line {
                color,
                width: 2,
                band: None,
            },
        });
    }
    let runs = metric_runs(aggregate, axis, 0, Metric::StaleDnsShare);
    top = top.max(max_of(&runs, true));
    let band = Some(ALL_BLACK.mix(0.18));
    spec.series.push(Series {
        color: ALL_BLACK,
        width: 3,
        runs,
        band,
    });
    spec.legend.insert(
        0,
        LegendEntry {
            label: group_name(aggregate, 0),
            swatch: Swatch::Line {
                color: ALL_BLACK,
                width: 3,
                band,
            },
        },
    );
    spec.y_max = y_top(top);
    spec
}

fn redirect_by_class_spec(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = base_spec(
        axis,
        format!("{title}: redirect rate by client class"),
        "share of requests answered 3xx (first response)",
    );
    let mut top: f64 = 0.0;
    for group in 1..aggregate.groups.len() {
        let runs = metric_runs(aggregate, axis, group, Metric::RedirectRate);
        top = top.max(max_of(&runs, false));
        let color = class_color(group);
        spec.series.push(Series {
            color,
            width: 2,
            runs,
            band: None,
        });
        spec.legend.push(LegendEntry {
            label: group_name(aggregate, group),
            swatch: Swatch::Line {
                color,
                width: 2,
                band: None,
            },
        });
    }
    let runs = metric_runs(aggregate, axis, 0, Metric::RedirectRate);
    top = top.max(max_of(&runs, false));
    spec.series.push(Series {
        color: ALL_BLACK,
        width: 4,
        runs,
        band: None,
    });
    spec.legend.insert(
        0,
        LegendEntry {
            label: group_name(aggregate, 0),
            swatch: Swatch::Line {
                color: ALL_BLACK,
                width: 4,
                band: None,
            },
        },
    );
    spec.y_max = y_top(top);
    spec
}

// ---------------------------------------------------------------------------------
// Drawing, generic over the backend.

fn msg<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Register the embedded DejaVu Sans under the family name every chart uses (plotters
/// measures text with it, and the SVG names it); once.
fn fonts() -> Result<(), String> {
    static FONTS: OnceLock<Result<(), String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "the embedded DejaVu Sans font cannot be loaded".to_string())?;
            register_font(FONT, FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| "the embedded DejaVu Sans Bold font cannot be loaded".to_string())
        })
        .clone()
}

fn font(px: f64) -> TextStyle<'static> {
    (FONT, px).into_font().color(&TEXT)
}

fn render_file(path: &Path, spec: &ChartSpec) -> Result<(), String> {
    fonts()?;
    let svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, spec, true)?;
        root.present().map_err(msg)
    } else {
        let root = CrispText::new(BitMapBackend::new(path, (WIDTH, HEIGHT)))?.into_drawing_area();
        draw(&root, spec, false)?;
        root.present().map_err(msg)
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draw `spec` on `root`; `vector` backends get plain polylines (their renderer joins
/// wide lines well), bitmaps get [`thick_polyline`].
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    vector: bool,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(msg)?;
    let (width, _) = root.dim_in_pixel();
    let page = root.margin(12, 10, 12, 16);

    // Title (bold, shrunk until it fits), then the note in grey.
    let mut title_px = TITLE_PX;
    let title_style = |px: f64| (FONT, px, FontStyle::Bold).into_font().color(&TEXT);
    while title_px > 12.0
        && page
            .estimate_text_size(&spec.title, &title_style(title_px))
            .map_err(msg)?
            .0
            + 40
            > width
    {
        title_px -= 1.0;
    }
    let mut body = page
        .titled(&spec.title, title_style(title_px))
        .map_err(msg)?;
    if !spec.note.is_empty() {
        body = body
            .titled(&spec.note, (FONT, NOTE_PX).into_font().color(&NOTE_GREY))
            .map_err(msg)?;
    }

    let legend = LegendLayout::measure(&body, &spec.legend)?;
    if !spec.legend_outside {
        let (mut chart, labels) = build(&body, spec)?;
        if let Some(at) = free_corner(&chart, spec, legend.size) {
            draw_contents(&body, &mut chart, spec, &labels, vector)?;
            return legend.draw(&chart.plotting_area().strip_coord_spec(), at);
        }
    }
    let (body_w, _) = body.dim_in_pixel();
    let split = (body_w as i32 - legend.size.0 - 24).max(body_w as i32 / 2);
    let (left, right) = body.split_horizontally(split);
    let (mut chart, labels) = build(&left, spec)?;
    draw_contents(&left, &mut chart, spec, &labels, vector)?;
    let plot_top = chart.plotting_area().get_base_pixel().1 - right.get_base_pixel().1;
    legend.draw(&right, (12, plot_top))
}

/// The chart's coordinates on `area`, with room above the plot for the marker labels.
fn build<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &ChartSpec,
) -> Result<(Chart<'a, DB>, Vec<MarkerLabel>), String> {
    // Label rows depend only on x positions, which the top margin does not change.
    let probe = build_with_top(area, spec, 0)?;
    let labels = layout_marker_labels(area, &probe, spec)?;
    let rows = labels.iter().map(|l| l.row + 1).max().unwrap_or(0);
    let row_h = labels.iter().map(|l| l.h).max().unwrap_or(0) + MARKER_ROW_GAP;
    Ok((build_with_top(area, spec, rows * row_h)?, labels))
}

fn build_with_top<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    extra_top: i32,
) -> Result<Chart<'a, DB>, String> {
    let x_end = if spec.x_end.is_finite() && spec.x_end > 0.0 {
        spec.x_end
    } else {
        1.0
    };
    let y_max = if spec.y_max.is_finite() && spec.y_max > 0.0 {
        spec.y_max
    } else {
        1.0
    };
    ChartBuilder::on(area)
        .margin_top(10 + extra_top)
        .margin_right(28)
        .margin_left(6)
        .margin_bottom(4)
        .x_label_area_size(62)
        .y_label_area_size(84)
        .build_cartesian_2d(0f64..x_end, 0f64..y_max)
        .map_err(msg)
}

fn fmt_x(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

const X_TICKS: usize = 13;
const Y_TICKS: usize = 11;

/// The spacing plotters chooses for at most `max_points` ticks on `0..range`: the
/// largest of 10^k, 10^k/2, 10^k/5 that does not give more points (its algorithm).
fn tick_step(range: f64, max_points: usize) -> f64 {
    if !(range.is_finite() && range > 0.0) || max_points == 0 {
        return 1.0;
    }
    let points = |step: f64| 1 + (range / step + 1e-9).floor() as usize;
    let mut step = 10f64.powf(range.log10().floor());
    if points(step) > max_points {
        step *= 10.0;
    }
    loop {
        let coarse = step;
        for divisor in [2.0, 5.0, 10.0] {
            if points(coarse / divisor) > max_points {
                return step;
            }
            step = coarse / divisor;
        }
    }
}

/// Decimals that show every tick of `0..range` exactly (steps are 1, 2 or 5 × 10^k).
fn tick_decimals(range: f64, max_points: usize) -> usize {
    let step = tick_step(range, max_points);
    (-(step.log10() + 1e-9).floor()).clamp(0.0, 9.0) as usize
}

fn draw_contents<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut Chart<'_, DB>,
    spec: &ChartSpec,
    labels: &[MarkerLabel],
    vector: bool,
) -> Result<(), String> {
    let decimals = tick_decimals(spec.y_max, Y_TICKS);
    let y_fmt = move |v: &f64| format!("{v:.decimals$}");
    let x_fmt = |v: &f64| fmt_x(*v);
    chart
        .configure_mesh()
        .x_desc(spec.x_desc.as_str())
        .y_desc(spec.y_desc.as_str())
        .axis_desc_style(font(AXIS_DESC_PX))
        .label_style(font(TICK_PX))
        .x_labels(X_TICKS)
        .y_labels(Y_TICKS)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .bold_line_style(RGBColor(218, 218, 218))
        .light_line_style(RGBColor(246, 246, 246))
        .max_light_lines(1)
        .axis_style(RGBColor(90, 90, 90))
        .draw()
        .map_err(msg)?;

    let clamp = |y: f64| y.clamp(0.0, spec.y_max);

    // Stacked layers, bottom first.
    for layer in &spec.layers {
        for run in layer.runs.iter().filter(|r| !r.is_empty()) {
            let mut outline: Vec<(f64, f64)> =
                run.iter().map(|&(x, _, hi)| (x, clamp(hi))).collect();
            outline.extend(run.iter().rev().map(|&(x, lo, _)| (x, clamp(lo))));
            chart
                .draw_series(std::iter::once(Polygon::new(outline, layer.color.filled())))
                .map_err(msg)?;
        }
    }

    // Confidence bands under every line.
    for series in &spec.series {
        let Some(band) = series.band else { continue };
        for run in &series.runs {
            if run.len() == 1 {
                let p = run[0];
                let style = band.stroke_width(series.width + 4);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(p.x, clamp(p.low)), (p.x, clamp(p.high))],
                        style,
                    )))
                    .map_err(msg)?;
                continue;
            }
            let mut outline: Vec<(f64, f64)> = run.iter().map(|p| (p.x, clamp(p.high))).collect();
            outline.extend(run.iter().rev().map(|p| (p.x, clamp(p.low))));
            chart
                .draw_series(std::iter::once(Polygon::new(outline, band.filled())))
                .map_err(msg)?;
        }
    }

    // Scenario markers: dashed vertical lines.
    for (x, _) in &spec.markers {
        let style = ShapeStyle {
            color: MARKER_GREY.to_rgba(),
            filled: false,
            stroke_width: 2,
        };
        chart
            .draw_series(DashedLineSeries::new(
                vec![(*x, 0.0), (*x, spec.y_max)],
                9,
                6,
                style,
            ))
            .map_err(msg)?;
    }

    // Lines, in order (the emphasised "all" line is last, on top). Drawn on the whole
    // chart area rather than the plot, which would clip a line at zero to half width.
    let (area_x, area_y) = area.get_base_pixel();
    for series in &spec.series {
        for run in &series.runs {
            let points: Vec<(i32, i32)> = run
                .iter()
                .map(|p| {
                    let (x, y) = chart.backend_coord(&(p.x, clamp(p.mean)));
                    (x - area_x, y - area_y)
                })
                .collect();
            if vector && points.len() > 1 {
                let style = series.color.stroke_width(series.width);
                area.draw(&PathElement::new(points, style)).map_err(msg)?;
            } else {
                thick_polyline(area, &points, series.width, series.color)?;
            }
        }
    }

    // Marker labels above the plot, where they hide nothing.
    let plot_top = chart.plotting_area().get_base_pixel().1 - area_y;
    let style = font(MARKER_PX)
        .color(&MARKER_TEXT)
        .pos(Pos::new(HPos::Left, VPos::Top));
    for label in labels {
        let top = plot_top - (label.row + 1) * (label.h + MARKER_ROW_GAP);
        area.draw(&Text::new(
            label.text.clone(),
            (label.left, top),
            style.clone(),
        ))
        .map_err(msg)?;
    }
    Ok(())
}

/// A polyline `width` pixels wide with round joins and ends, in `area` pixels: one
/// quad per segment and a disc per vertex (plotters' own wide lines spike at sharp
/// turns and at their ends). Colours are opaque, so overlaps do not show.
fn thick_polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    width: u32,
    color: RGBColor,
) -> Result<(), String> {
    if width <= 1 && points.len() > 1 {
        return area
            .draw(&PathElement::new(points.to_vec(), color))
            .map_err(msg);
    }
    let radius = f64::from(width.max(1)) / 2.0;
    let disc = (radius.floor() as i32).max(1);
    for &(x, y) in points {
        area.draw(&Circle::new((x, y), disc, color.filled()))
            .map_err(msg)?;
    }
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let (dx, dy) = (f64::from(x1 - x0), f64::from(y1 - y0));
        let length = dx.hypot(dy);
        if length < 0.5 {
            continue;
        }
        let (nx, ny) = (-dy / length * radius, dx / length * radius);
        // Overlap the neighbouring segments by a pixel so that rounding leaves no gaps.
        let (ex, ey) = (dx / length, dy / length);
        let corner = |x: i32, y: i32, side: f64, along: f64| {
            (
                (f64::from(x) + side * nx + along * ex).round() as i32,
                (f64::from(y) + side * ny + along * ey).round() as i32,
            )
        };
        let quad = vec![
            corner(x0, y0, 1.0, -1.0),
            corner(x1, y1, 1.0, 1.0),
            corner(x1, y1, -1.0, 1.0),
            corner(x0, y0, -1.0, -1.0),
        ];
        area.draw(&Polygon::new(quad, color.filled()))
            .map_err(msg)?;
    }
    Ok(())
}

/// A marker's label, placed above the plot: left edge in `area` pixels, row 0 nearest
/// the plot.
struct MarkerLabel {
    text: String,
    left: i32,
    row: i32,
    w: i32,
    h: i32,
}

const MARKER_ROW_GAP: i32 = 6;
/// Rows of marker labels at most; more would squeeze the plot.
const MAX_MARKER_ROWS: i32 = 4;

/// Centre each marker label on its line, inside `area`, moving it up a row when it
/// would overlap an earlier label (and leaving it out past [`MAX_MARKER_ROWS`]).
fn layout_marker_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<Vec<MarkerLabel>, String> {
    let (area_w, _) = area.dim_in_pixel();
    let base_x = area.get_base_pixel().0;
    let mut placed: Vec<MarkerLabel> = Vec::new();
    for (x, text) in &spec.markers {
        let (w, h) = area
            .estimate_text_size(text, &font(MARKER_PX))
            .map_err(msg)?;
        let (w, h) = (w as i32, h as i32);
        let line_x = chart.backend_coord(&(*x, 0.0)).0 - base_x;
        let left = (line_x - w / 2).min(area_w as i32 - w - 2).max(0);
        let mut row = 0;
        while placed
            .iter()
            .any(|p| p.row == row && p.left < left + w + 12 && left < p.left + p.w + 12)
        {
            row += 1;
        }
        if row >= MAX_MARKER_ROWS {
            continue; // Crowded: the dashed line stays, the label goes.
        }
        placed.push(MarkerLabel {
            text: text.clone(),
            left,
            row,
            w,
            h,
        });
    }
    Ok(placed)
}

/// A corner of the plot (in plot pixels) where the legend hides no data and no marker
/// label; `None` if there is none.
fn free_corner<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
    size: (i32, i32),
) -> Option<(i32, i32)> {
    let (plot_w, plot_h) = chart.plotting_area().dim_in_pixel();
    let (plot_w, plot_h) = (plot_w as i32, plot_h as i32);
    let (w, h) = size;
    const GAP: i32 = 12;
    if w + 2 * GAP > plot_w || h + 2 * GAP > plot_h {
        return None;
    }
    let (bx, by) = chart.plotting_area().get_base_pixel();
    let to_px = |x: f64, y: f64| {
        let (px, py) = chart.backend_coord(&(x, y.clamp(0.0, spec.y_max)));
        (px - bx, py - by)
    };
    // Sample every line (and band edge) densely enough to catch segments crossing a box.
    let mut samples: Vec<(i32, i32)> = Vec::new();
    for series in &spec.series {
        for run in &series.runs {
            let mut edges: Vec<Vec<(f64, f64)>> = vec![run.iter().map(|p| (p.x, p.mean)).collect()];
            if series.band.is_some() {
                edges.push(run.iter().map(|p| (p.x, p.high)).collect());
                edges.push(run.iter().map(|p| (p.x, p.low)).collect());
            }
            for edge in edges {
                samples.extend(edge.iter().map(|&(x, y)| to_px(x, y)));
                for pair in edge.windows(2) {
                    let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                    for k in 1..8 {
                        let t = f64::from(k) / 8.0;
                        samples.push(to_px(x0 + t * (x1 - x0), y0 + t * (y1 - y0)));
                    }
                }
            }
        }
    }
    let candidates = [
        (plot_w - w - GAP, GAP),
        (GAP, GAP),
        ((plot_w - w) / 2, GAP),
        (plot_w - w - GAP, plot_h / 2 - h / 2),
        (plot_w - w - GAP, plot_h - h - GAP - 8),
        (GAP, plot_h - h - GAP - 8),
    ];
    candidates.into_iter().find(|&(x, y)| {
        let rect = (x - 10, y - 10, x + w + 10, y + h + 10);
        !samples
            .iter()
            .any(|&(px, py)| px >= rect.0 && px <= rect.2 && py >= rect.1 && py <= rect.3)
    })
}

/// The legend, measured once so its box can be placed before it is drawn.
struct LegendLayout<'e> {
    entries: &'e [LegendEntry],
    size: (i32, i32),
    row_h: i32,
    rows: usize,
    column_w: i32,
}

const LEGEND_PAD: i32 = 12;
const SWATCH_W: i32 = 36;

impl<'e> LegendLayout<'e> {
    fn measure<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        entries: &'e [LegendEntry],
    ) -> Result<Self, String> {
        let style = font(LEGEND_PX);
        let mut text_w = 0;
        let mut text_h = 0;
        for entry in entries {
            let (w, h) = area.estimate_text_size(&entry.label, &style).map_err(msg)?;
            text_w = text_w.max(w as i32);
            text_h = text_h.max(h as i32);
        }
        let row_h = text_h.max(LEGEND_PX as i32) + 10;
        // As many rows as fit in the area's height (less room for the x axis); more
        // entries go into further columns.
        let (_, area_h) = area.dim_in_pixel();
        let fit = (area_h as i32 - 110 - LEGEND_PAD * 2 + 6) / row_h;
        let rows = entries.len().min(fit.max(1) as usize).max(1);
        let columns = entries.len().div_ceil(rows).max(1);
        let rows = entries.len().div_ceil(columns).max(1);
        let columns = columns as i32;
        let column_w = SWATCH_W + 10 + text_w + LEGEND_PAD;
        let size = (
            LEGEND_PAD + columns * column_w,
            LEGEND_PAD * 2 + rows as i32 * row_h - 6,
        );
        Ok(LegendLayout {
            entries,
            size,
            row_h,
            rows,
            column_w,
        })
    }

    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        at: (i32, i32),
    ) -> Result<(), String> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let (x, y) = at;
        let (w, h) = self.size;
        area.draw(&Rectangle::new([(x, y), (x + w, y + h)], WHITE.filled()))
            .map_err(msg)?;
        area.draw(&Rectangle::new(
            [(x, y), (x + w, y + h)],
            RGBColor(150, 150, 150).stroke_width(1),
        ))
        .map_err(msg)?;
        let style = font(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center));
        for (k, entry) in self.entries.iter().enumerate() {
            let (column, row) = ((k / self.rows) as i32, (k % self.rows) as i32);
            let cy = y + LEGEND_PAD + row * self.row_h + (self.row_h - 6) / 2;
            let sx0 = x + LEGEND_PAD + column * self.column_w;
            let sx1 = sx0 + SWATCH_W;
            match entry.swatch {
                Swatch::Line { color, width, band } => {
                    if let Some(band) = band {
                        area.draw(&Rectangle::new(
                            [(sx0, cy - 8), (sx1, cy + 8)],
                            band.filled(),
                        ))
                        .map_err(msg)?;
                    }
                    let line =
                        PathElement::new(vec![(sx0, cy), (sx1, cy)], color.stroke_width(width));
                    area.draw(&line).map_err(msg)?;
                }
                Swatch::Area(color) => {
                    area.draw(&Rectangle::new(
                        [(sx0, cy - 8), (sx1, cy + 8)],
                        color.filled(),
                    ))
                    .map_err(msg)?;
                    let border = RGBColor(120, 120, 120).stroke_width(1);
                    area.draw(&Rectangle::new([(sx0, cy - 8), (sx1, cy + 8)], border))
                        .map_err(msg)?;
                }
            }
            area.draw(&Text::new(
                entry.label.clone(),
                (sx1 + 10, cy),
                style.clone(),
            ))
            .map_err(msg)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Bitmap text.

mod crisp {
    use ab_glyph::{Font, FontRef, Glyph, PxScale, ScaleFont};
    use plotters::prelude::{BitMapBackend, DrawingBackend};
    use plotters::style::FontStyle;
    use plotters::style::text_anchor::{HPos, VPos};
    use plotters_backend::{
        BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
    };
    use std::sync::OnceLock;

    /// The embedded faces, parsed once: regular and bold.
    fn faces() -> Result<&'static (FontRef<'static>, FontRef<'static>), String> {
        static FACES: OnceLock<Result<(FontRef<'static>, FontRef<'static>), String>> =
            OnceLock::new();
        FACES
            .get_or_init(|| {
                let parse = |bytes: &'static [u8]| {
                    FontRef::try_from_slice(bytes)
                        .map_err(|_| "the embedded DejaVu Sans font cannot be parsed".to_string())
                };
                Ok((
                    parse(dejavu::sans::regular())?,
                    parse(dejavu::sans::bold())?,
                ))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A bitmap backend that rasterises text itself.
    ///
    /// plotters' ab_glyph path places each glyph at a truncated pen position and drops its
    /// side bearing, so at tick-label sizes digits sit unevenly ("0.05 0"). This wrapper
    /// draws glyphs at their exact (subpixel) positions with coverage-based alpha, and
    /// measures text the same way plotters does (advances plus kerning; height
    /// `size / 1.24`), so layouts are unchanged. Everything else goes to the bitmap.
    pub(super) struct CrispText<'a> {
        inner: BitMapBackend<'a>,
        regular: &'static FontRef<'static>,
        bold: &'static FontRef<'static>,
    }

    impl<'a> CrispText<'a> {
        pub(super) fn new(inner: BitMapBackend<'a>) -> Result<Self, String> {
            let (regular, bold) = faces()?;
            Ok(CrispText {
                inner,
                regular,
                bold,
            })
        }

        fn face(&self, style: FontStyle) -> &'static FontRef<'static> {
            match style {
                FontStyle::Bold => self.bold,
                _ => self.regular,
            }
        }
    }

    /// Glyphs of `text` at pen positions on a baseline at y = 0, and the advance width.
    fn layout_line(face: &FontRef<'static>, size: f32, text: &str) -> (Vec<Glyph>, f32) {
        let scaled = face.as_scaled(PxScale::from(size));
        let mut glyphs = Vec::with_capacity(text.len());
        let mut pen = 0f32;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(previous) = previous {
                pen += scaled.kern(previous, id);
            }
            glyphs.push(id.with_scale_and_position(size, ab_glyph::point(pen, 0.0)));
            pen += scaled.h_advance(id);
            previous = Some(id);
        }
        (glyphs, pen)
    }

    /// The height plotters' ab_glyph layout gives a line of text.
    fn line_height(size: f64) -> f64 {
        size / 1.24
    }

    impl<'a> DrawingBackend for CrispText<'a> {
        type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

        fn get_size(&self) -> (u32, u32) {
            self.inner.get_size()
        }

        fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.ensure_prepared()
        }

        fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.present()
        }

        fn draw_pixel(
            &mut self,
            point: BackendCoord,
            color: BackendColor,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_pixel(point, color)
        }

        fn draw_line<S: BackendStyle>(
            &mut self,
            from: BackendCoord,
            to: BackendCoord,
            style: &S,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_line(from, to, style)
        }

        fn draw_rect<S: BackendStyle>(
            &mut self,
            upper_left: BackendCoord,
            bottom_right: BackendCoord,
            style: &S,
            fill: bool,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_rect(upper_left, bottom_right, style, fill)
        }

        fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
            &mut self,
            path: I,
            style: &S,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_path(path, style)
        }

        fn draw_circle<S: BackendStyle>(
            &mut self,
            center: BackendCoord,
            radius: u32,
            style: &S,
            fill: bool,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_circle(center, radius, style, fill)
        }

        fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
            &mut self,
            vert: I,
            style: &S,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.fill_polygon(vert, style)
        }

        fn blit_bitmap(
            &mut self,
            pos: BackendCoord,
            size: (u32, u32),
            src: &[u8],
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            self.inner.blit_bitmap(pos, size, src)
        }

        fn estimate_text_size<S: BackendTextStyle>(
            &self,
            text: &str,
            style: &S,
        ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
            let (_, width) = layout_line(self.face(style.style()), style.size() as f32, text);
            Ok((
                width.max(0.0).ceil() as u32,
                line_height(style.size()) as u32,
            ))
        }

        fn draw_text<S: BackendTextStyle>(
            &mut self,
            text: &str,
            style: &S,
            pos: BackendCoord,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            let color = style.color();
            if color.alpha <= 0.0 {
                return Ok(());
            }
            let face = self.face(style.style());
            let size = style.size() as f32;
            let (glyphs, width) = layout_line(face, size, text);
            let height = line_height(style.size()) as f32;
            let anchor = style.anchor();
            let dx = match anchor.h_pos {
                HPos::Left => 0.0,
                HPos::Center => -width / 2.0,
                HPos::Right => -width,
            };
            let top = match anchor.v_pos {
                VPos::Top => 0.0,
                VPos::Center => -height / 2.0,
                VPos::Bottom => -height,
            };
            // Centre the capitals in the layout box: baseline = middle + cap height / 2.
            let cap = face
                .outline_glyph(face.as_scaled(PxScale::from(size)).scaled_glyph('H'))
                .map_or(size * 0.6, |h| -h.px_bounds().min.y);
            let baseline = top + (height + cap) / 2.0;
            let transform = style.transform();
            let (w, h) = self.get_size();
            let mut result = Ok(());
            for mut glyph in glyphs {
                glyph.position.x += dx;
                glyph.position.y += baseline;
                let Some(outline) = face.outline_glyph(glyph) else {
                    continue;
                };
                let bounds = outline.px_bounds();
                let inner = &mut self.inner;
                outline.draw(|x, y, coverage| {
                    if coverage <= 0.0 || result.is_err() {
                        return;
                    }
                    let gx = bounds.min.x as i32 + x as i32;
                    let gy = bounds.min.y as i32 + y as i32;
                    let (rx, ry) = transform.transform(gx, gy);
                    let (px, py) = (pos.0 + rx, pos.1 + ry);
                    if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                        let alpha = color.alpha * f64::from(coverage.min(1.0));
                        result = inner.draw_pixel(
                            (px, py),
                            BackendColor {
                                alpha,
                                rgb: color.rgb,
                            },
                        );
                    }
                });
                result
                    .as_ref()
                    .map_err(|_| DrawingErrorKind::FontError("text drawing failed".into()))?;
            }
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunOptions;
    use s3sim_engine::SimDuration;

    const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

    fn short_run() -> (Aggregate, Vec<Marker>) {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = loaded.world.clone();
        world.duration = SimDuration::from_secs(1800);
        let result = crate::run(
            &world,
            RunOptions {
                seed: 1,
                replicas: 2,
                progress: false,
            },
        );
        (result.aggregate, crate::markers(&world))
    }

    #[test]
    fn renders_every_chart() {
        let (aggregate, markers) = short_run();
        let dir = tempfile::tempdir().unwrap();
        let files = render_all(dir.path(), &aggregate, &markers, "short-run").unwrap();
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
                "dns_staleness.png",
                "redirect_rate_by_class.png"
            ]
        );
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            if file.extension().unwrap() == "png" {
                assert!(
                    bytes.starts_with(PNG_MAGIC),
                    "{} is not a PNG",
                    file.display()
                );
                assert!(
                    bytes.len() > 10_000,
                    "{} is only {} bytes",
                    file.display(),
                    bytes.len()
                );
            } else {
                let svg = String::from_utf8(bytes).unwrap();
                assert!(svg.contains("short-run: redirect rate over time (all clients)"));
                assert!(svg.contains("307 TemporaryRedirect"));
            }
        }
    }

    #[test]
    fn unwritable_directory_is_an_error() {
        let (aggregate, markers) = short_run();
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = render_all(&blocker.join("sub"), &aggregate, &markers, "t").unwrap_err();
        assert!(!err.message.is_empty());
    }

    #[test]
    fn runs_break_at_missing_points() {
        let runs = split_runs([
            None,
            Some(1),
            Some(2),
            None,
            None,
            Some(3),
            None,
            Some(4),
            Some(5),
        ]);
        assert_eq!(runs, vec![vec![1, 2], vec![3], vec![4, 5]]);
        assert!(split_runs::<u8>([None, None]).is_empty());
    }

    #[test]
    fn share_axis_top_is_bounded() {
        assert_eq!(y_top(0.0), 0.05);
        assert_eq!(y_top(f64::NAN), 0.05);
        assert!((y_top(0.5) - 0.55).abs() < 1e-12);
        assert_eq!(y_top(0.95), 1.0);
        assert_eq!(tick_decimals(0.79, 11), 1);
        assert_eq!(tick_decimals(1.0, 11), 1);
        assert_eq!(tick_decimals(0.05, 11), 3);
        assert_eq!(tick_decimals(0.3, 11), 2);
        assert_eq!(tick_step(120.0, 13), 10.0);
        assert_eq!(tick_step(24.0, 13), 2.0);
    }

    #[test]
    fn long_runs_use_hours() {
        assert_eq!(fmt_duration(60.0), "1 min");
        assert_eq!(fmt_duration(7200.0), "2 h");
        assert_eq!(fmt_duration(30.0), "30 s");
        assert_eq!(fmt_x(10.0), "10");
        assert_eq!(fmt_x(2.5), "2.5");
    }

    #[test]
    fn stacked_outcomes_reach_one() {
        let (aggregate, _) = short_run();
        let axis = TimeAxis::of(&aggregate);
        let spec = outcomes_spec(&aggregate, &axis, "t");
        let top = spec.layers.last().unwrap();
        let highest = top
            .runs
            .iter()
            .flatten()
            .map(|&(_, _, hi)| hi)
            .fold(0.0, f64::max);
        assert!((highest - 1.0).abs() < 1e-9, "stack tops out at {highest}");
        assert_eq!(spec.legend.len(), spec.layers.len());
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = loaded.world.clone();
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
        let files = render_all(dir.path(), &result.aggregate, &markers, title).unwrap();
        assert_eq!(files.len(), 5);
        let svg = std::fs::read_to_string(dir.path().join("redirect_rate.svg")).unwrap();
        assert!(svg.contains("&amp; on &lt;and&gt;"));
    }

    #[test]
    fn time_axis_switches_to_hours_after_six() {
        let six = TimeAxis::new(60.0, 360);
        assert_eq!((six.desc, six.end), ("time since start (min)", 360.0));
        let seven = TimeAxis::new(60.0, 420);
        assert_eq!((seven.desc, seven.end), ("time since start (h)", 7.0));
        assert_eq!(TimeAxis::new(60.0, 0).end, 1.0);
        let marks = [
            Marker {
                time_s: 3600.0,
                label: "b".into(),
            },
            Marker {
                time_s: 1800.0,
                label: "a".into(),
            },
            Marker {
                time_s: f64::NAN,
                label: "nan".into(),
            },
            Marker {
                time_s: 1e6,
                label: "late".into(),
            },
        ];
        assert_eq!(
            seven.markers(&marks),
            vec![(0.5, "a".to_string()), (1.0, "b".to_string())]
        );
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
            let markers = crate::markers(&loaded.world);
            render_all(&out, &result.aggregate, &markers, &loaded.scenario.name).unwrap();
            println!("{}", out.display());
        }
    }
}
