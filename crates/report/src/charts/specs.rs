//! What each chart plots: lines, bands, stacked layers and legend entries, built from
//! the [`Aggregate`] as plain data, in axis units (x in minutes or hours).

use super::Marker;
use super::layout::TimeAxis;
use crate::aggregate::Aggregate;
use crate::metric::Metric;
use crate::stats::Estimate;
use plotters::prelude::*;
use plotters::style::RGBAColor;
use s3sim_model::response::Status;

/// A chart, ready to draw.
pub(super) struct ChartSpec {
    pub(super) title: String,
    /// The line under the title: what the curves and bands are.
    pub(super) note: String,
    pub(super) x_desc: String,
    /// The x axis runs from `x_start` to `x_end` (axis units).
    pub(super) x_start: f64,
    pub(super) x_end: f64,
    /// A categorical x axis: these labels at x = 0, 1, …; empty for a numeric axis.
    pub(super) categories: Vec<String>,
    /// The same labels abbreviated, used if the full ones do not fit; may be empty.
    pub(super) short_categories: Vec<String>,
    pub(super) y_desc: String,
    pub(super) y_max: f64,
    /// Stacked areas, bottom first.
    pub(super) layers: Vec<Layer>,
    /// Lines, drawn in order (the last on top).
    pub(super) series: Vec<Series>,
    /// Scenario events: x and label, in time order.
    pub(super) markers: Vec<(f64, String)>,
    pub(super) legend: Vec<LegendEntry>,
    /// Small grey notes at points of the plot (e.g. how many replicas a mean has).
    pub(super) annotations: Vec<Annotation>,
    /// Put the legend beside the plot even if a free corner exists (stacked areas
    /// fill the plot, so no corner is ever free).
    pub(super) legend_outside: bool,
}

/// One point of a time series: bin centre and the estimate, clamped to a share's range.
#[derive(Clone, Copy)]
pub(super) struct Point {
    pub(super) x: f64,
    pub(super) mean: f64,
    pub(super) low: f64,
    pub(super) high: f64,
}

/// A line (mean) over contiguous runs of defined bins, optionally with its CI band,
/// or with error bars and a dot at every point.
pub(super) struct Series {
    pub(super) color: RGBColor,
    pub(super) width: u32,
    pub(super) runs: Vec<Vec<Point>>,
    pub(super) band: Option<RGBAColor>,
    /// Draw every point as a dot with its CI as a capped vertical bar.
    pub(super) whiskers: bool,
}

/// A note centred above (x, y), in axis units.
pub(super) struct Annotation {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) text: String,
}

/// One layer of a stacked area: runs of `(x, lower, upper)`, drawn as steps.
pub(super) struct Layer {
    pub(super) color: RGBColor,
    pub(super) runs: Vec<Vec<(f64, f64, f64)>>,
}

/// What a legend entry shows left of its label.
pub(super) enum Swatch {
    Line {
        color: RGBColor,
        width: u32,
        band: Option<RGBAColor>,
    },
    Area(RGBColor),
    /// None: the entry is the legend's heading, in bold from the swatch's left.
    Heading,
}

pub(super) struct LegendEntry {
    pub(super) label: String,
    pub(super) swatch: Swatch,
}

/// Every chart of a run, with its file name: redirect rate, outcomes, DNS staleness,
/// redirect and error rates by class; then, when the scenario has them, retries and
/// facility load. Each with the scenario's markers (time charts) and its note.
pub(super) fn all(
    aggregate: &Aggregate,
    markers: &[Marker],
    title: &str,
) -> Vec<(&'static str, ChartSpec)> {
    let axis = TimeAxis::of(aggregate);
    let markers = axis.markers(markers);
    let mut timed = vec![
        ("redirect_rate.png", redirect_rate(aggregate, &axis, title)),
        ("outcomes.png", outcomes(aggregate, &axis, title)),
        ("dns_staleness.png", dns_staleness(aggregate, &axis, title)),
        (
            "redirect_rate_by_class.png",
            by_class(aggregate, &axis, title, Metric::RedirectRate),
        ),
        (
            "error_rate_by_class.png",
            by_class(aggregate, &axis, title, Metric::ErrorRate),
        ),
    ];
    if aggregate.has_retries {
        timed.push(("retries.png", super::load::retries(aggregate, &axis, title)));
    }
    if aggregate.has_cdn {
        timed.push((
            "edge_hit_ratio.png",
            edge_hit_ratio(aggregate, &axis, title),
        ));
    }
    if aggregate.has_capacity {
        timed.push((
            "facility_utilisation.png",
            super::load::utilisation(aggregate, &axis, title),
        ));
    }
    for (_, spec) in &mut timed {
        spec.markers = markers.clone();
    }
    if aggregate.has_capacity {
        timed.extend(super::load::against_load(aggregate, title));
    }
    for (_, spec) in &mut timed {
        spec.note = note(aggregate, spec.series.iter().any(|s| s.band.is_some()));
    }
    timed
}

pub(super) const ALL_CLIENTS: &str = "all clients";
/// The colour of the emphasised all-clients line.
pub(super) const ALL_BLACK: RGBColor = RGBColor(20, 20, 20);

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

impl ChartSpec {
    pub(super) fn new(axis: &TimeAxis, title: String, y_desc: &str) -> ChartSpec {
        ChartSpec {
            title,
            note: String::new(),
            x_desc: axis.desc.to_string(),
            x_start: 0.0,
            x_end: axis.end,
            categories: Vec::new(),
            short_categories: Vec::new(),
            y_desc: y_desc.to_string(),
            y_max: 1.0,
            layers: Vec::new(),
            series: Vec::new(),
            markers: Vec::new(),
            legend: Vec::new(),
            annotations: Vec::new(),
            legend_outside: false,
        }
    }

    /// A value clamped into the y axis.
    pub(super) fn clamp_y(&self, y: f64) -> f64 {
        y.clamp(0.0, self.y_max)
    }

    /// Add a line and, last, its legend entry.
    pub(super) fn add_line(&mut self, label: String, series: Series) {
        self.legend.push(LegendEntry {
            label,
            swatch: series.swatch(),
        });
        self.series.push(series);
    }

    /// Add the emphasised all-clients line: drawn last (on top), listed first.
    pub(super) fn add_all_clients_line(&mut self, series: Series) {
        let entry = LegendEntry {
            label: ALL_CLIENTS.to_string(),
            swatch: series.swatch(),
        };
        self.legend.insert(0, entry);
        self.series.push(series);
    }

    /// One thin line per client class for `metric`, without bands.
    fn add_class_lines(&mut self, aggregate: &Aggregate, axis: &TimeAxis, metric: Metric) {
        for group in 1..aggregate.groups.len() {
            let series = Series {
                color: class_color(group),
                width: 2,
                runs: metric_runs(aggregate, axis, group, metric),
                band: None,
                whiskers: false,
            };
            self.add_line(aggregate.groups[group].clone(), series);
        }
    }

    /// Fit the y axis to the lines (and their bands).
    pub(super) fn fit_y(&mut self) {
        let top = self.series.iter().map(Series::top).fold(0.0, f64::max);
        self.y_max = y_top(top);
    }
}

impl Series {
    /// The highest value shown: the band's (or bars') top if shown, else the line's.
    fn top(&self) -> f64 {
        let with_band = self.band.is_some() || self.whiskers;
        self.runs
            .iter()
            .flatten()
            .map(|p| if with_band { p.high } else { p.mean })
            .fold(0.0, f64::max)
    }

    fn swatch(&self) -> Swatch {
        Swatch::Line {
            color: self.color,
            width: self.width,
            band: self.band,
        }
    }
}

fn redirect_rate(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: redirect rate over time (all clients)"),
        "share of requests (first response)",
    );
    for (status, runs) in redirect_codes(aggregate, axis) {
        let color = redirect_color(status);
        let series = Series {
            color,
            width: 3,
            runs,
            band: Some(color.mix(0.22)),
            whiskers: false,
        };
        spec.add_line(status_name(status), series);
    }
    spec.fit_y();
    spec
}

/// The redirect codes seen somewhere, with their runs; 307 alone (flat at zero) when
/// none is, so the chart still says "no redirects" rather than being empty.
fn redirect_codes(aggregate: &Aggregate, axis: &TimeAxis) -> Vec<(Status, Vec<Vec<Point>>)> {
    let runs = |status| metric_runs(aggregate, axis, 0, Metric::Share(status));
    let codes: Vec<(Status, Vec<Vec<Point>>)> = Status::ALL
        .into_iter()
        .filter(|s| s.is_redirect())
        .map(|s| (s, runs(s)))
        .filter(|(_, runs)| runs.iter().flatten().any(|p| p.mean > 0.0 || p.high > 0.0))
        .collect();
    if codes.is_empty() {
        let status = Status::TemporaryRedirect;
        return vec![(status, runs(status))];
    }
    codes
}

fn outcomes(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: first-response outcomes over time (all clients)"),
        "share of requests",
    );
    let shares: Vec<Option<Vec<f64>>> = (0..aggregate.bins)
        .map(|bin| outcome_shares(aggregate, bin))
        .collect();
    let mut lower: Vec<f64> = vec![0.0; aggregate.bins];
    for (k, status) in Status::ALL.into_iter().enumerate() {
        if !shares.iter().flatten().any(|v| v[k] > 0.0) {
            continue;
        }
        let runs = stacked_runs(aggregate, axis, &shares, &lower, k);
        for (lower, values) in lower.iter_mut().zip(&shares) {
            if let Some(values) = values {
                *lower += values[k];
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

/// The mean share of every status (in [`Status::ALL`] order) in `bin`, or `None` if
/// the bin has no requests.
fn outcome_shares(aggregate: &Aggregate, bin: usize) -> Option<Vec<f64>> {
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
}

/// The layer of status `k` stacked on `lower`, as step runs over the bins.
fn stacked_runs(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    shares: &[Option<Vec<f64>>],
    lower: &[f64],
    k: usize,
) -> Vec<Vec<(f64, f64, f64)>> {
    split_runs(shares.iter().enumerate().map(|(bin, values)| {
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
    .collect()
}

fn dns_staleness(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: stale DNS answers over time"),
        "share of DNS lookups answered by a stale record",
    );
    spec.add_class_lines(aggregate, axis, Metric::StaleDnsShare);
    spec.add_all_clients_line(Series {
        color: ALL_BLACK,
        width: 3,
        runs: metric_runs(aggregate, axis, 0, Metric::StaleDnsShare),
        band: Some(ALL_BLACK.mix(0.18)),
        whiskers: false,
    });
    spec.fit_y();
    spec
}

/// Edge hit ratio and cached-3xx share over time, all clients, with CI bands.
fn edge_hit_ratio(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: CDN edge hit ratio and cached redirects"),
        "share of edge requests",
    );
    let lines = [
        (
            Metric::EdgeHitRatio,
            "edge hit ratio",
            RGBColor(31, 119, 180),
        ),
        (
            Metric::Cached3xxShare,
            "answered with a cached 3xx",
            RGBColor(230, 85, 13),
        ),
    ];
    for (metric, label, color) in lines {
        let series = Series {
            color,
            width: 3,
            runs: metric_runs(aggregate, axis, 0, metric),
            band: Some(color.mix(0.2)),
            whiskers: false,
        };
        spec.add_line(label.to_string(), series);
    }
    spec.y_max = 1.0;
    spec
}

/// One line per class and a bold all-clients line of a share metric.
fn by_class(aggregate: &Aggregate, axis: &TimeAxis, title: &str, metric: Metric) -> ChartSpec {
    let (what, y_desc) = match metric {
        Metric::ErrorRate => ("error rate", "share of requests that did not end with 200"),
        _ => (
            "redirect rate",
            "share of requests answered 3xx (first response)",
        ),
    };
    let mut spec = ChartSpec::new(axis, format!("{title}: {what} by client class"), y_desc);
    spec.add_class_lines(aggregate, axis, metric);
    spec.add_all_clients_line(Series {
        color: ALL_BLACK,
        width: 4,
        runs: metric_runs(aggregate, axis, 0, metric),
        band: None,
        whiskers: false,
    });
    spec.fit_y();
    spec
}

/// A share clamped into [0, 1]; NaN stays NaN.
pub(super) fn share(v: f64) -> f64 {
    if v.is_nan() { v } else { v.clamp(0.0, 1.0) }
}

/// Split a sequence of optional points into maximal runs of defined ones.
pub(super) fn split_runs<T>(points: impl IntoIterator<Item = Option<T>>) -> Vec<Vec<T>> {
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
pub(super) fn metric_runs(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    group: usize,
    metric: Metric,
) -> Vec<Vec<Point>> {
    split_runs((0..aggregate.bins).map(|bin| metric_point(aggregate, axis, bin, group, metric)))
}

/// The estimate of (group, metric) in `bin` at the bin's centre; `None` without data.
fn metric_point(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    bin: usize,
    group: usize,
    metric: Metric,
) -> Option<Point> {
    let (start, end) = axis.bin_range(aggregate, bin);
    estimate_point((start + end) / 2.0, aggregate.get(bin, group, metric), 1.0)
}

/// A point at `x` from an estimate, clamped to [0, `limit`] (a share for 1); `None`
/// without data. Undefined bounds collapse onto the mean.
pub(super) fn estimate_point(x: f64, e: Estimate, limit: f64) -> Option<Point> {
    if e.n == 0 || !e.mean.is_finite() {
        return None;
    }
    let clamp = |v: f64| {
        if limit == 1.0 {
            share(v)
        } else {
            v.clamp(0.0, limit)
        }
    };
    let mean = clamp(e.mean);
    let low = if e.low.is_finite() {
        clamp(e.low).min(mean)
    } else {
        mean
    };
    let high = if e.high.is_finite() {
        clamp(e.high).max(mean)
    } else {
        mean
    };
    Some(Point { x, mean, low, high })
}

/// Top of a share axis: the data's maximum plus 10 %, at least 0.05, at most 1.
pub(super) fn y_top(max: f64) -> f64 {
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
        Status::Forbidden => "AccessDenied",
        Status::NotFound => "NoSuchBucket",
        Status::InternalError => "InternalError",
        Status::SlowDown => "SlowDown",
        Status::ConnectionError => "(connection refused)",
        Status::Timeout => "(connect timeout)",
        Status::BadGateway => "Bad Gateway (edge could not reach origin)",
        Status::NxDomain => "(name did not resolve)",
        Status::DnsFailure => "(resolver failed)",
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
        Status::Forbidden => RGBColor(165, 15, 21),
        Status::NotFound => RGBColor(136, 65, 157),
        Status::InternalError => RGBColor(106, 81, 163),
        Status::SlowDown => RGBColor(8, 81, 156),
        Status::ConnectionError => RGBColor(150, 150, 150),
        Status::Timeout => RGBColor(99, 99, 99),
        Status::BadGateway => RGBColor(158, 154, 200),
        Status::NxDomain => RGBColor(37, 37, 37),
        Status::DnsFailure => RGBColor(189, 189, 189),
    }
}

pub(super) fn class_color(group: usize) -> RGBColor {
    CLASS_COLORS[group.saturating_sub(1) % CLASS_COLORS.len()]
}

/// The line under every title: what the curves and bands are.
pub(super) fn note(aggregate: &Aggregate, bands: bool) -> String {
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

pub(super) fn fmt_duration(seconds: f64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::tests::short_run;

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
    }

    #[test]
    fn bin_widths_read_in_the_largest_whole_unit() {
        assert_eq!(fmt_duration(60.0), "1 min");
        assert_eq!(fmt_duration(7200.0), "2 h");
        assert_eq!(fmt_duration(30.0), "30 s");
    }

    #[test]
    fn stacked_outcomes_reach_one() {
        let (aggregate, _) = short_run();
        let axis = TimeAxis::of(&aggregate);
        let spec = outcomes(&aggregate, &axis, "t");
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
}
