//! Charts of load: retry amplification over time, facility utilisation over time, and
//! utilisation, 503 share and waiting time against the offered load.
//!
//! The charts against load show queueing behaviour directly (utilisation rising to 1,
//! waits growing without bound past it), one point per bin, whatever the time course.

use super::axis::TimeAxis;
use super::palette::{ALL_BLACK, class_color, class_dash};
use super::points::{estimate_point, step_runs};
use super::spec::{ChartSpec, Point, Series, y_top};
use super::time_charts::class_label;
use crate::aggregate::Aggregate;
use plotters::prelude::*;
use s3sim_model::metrics::Metric;
use s3sim_model::metrics::facility::FacilityMetric;

/// Tries per request over time, per class and for all clients.
pub(crate) fn retries(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: retry amplification (tries per request)"),
        "tries per request (1 = no retries)",
    );
    let runs = |group| {
        step_runs(aggregate, axis, f64::INFINITY, |bin| {
            aggregate.get(bin, group, Metric::RetryAmplification)
        })
    };
    for group in 1..aggregate.groups.len() {
        let series = Series::line(runs(group), class_color(group), 2).dashed(class_dash(group));
        let label = class_label(&aggregate.groups[group], &series);
        spec.add_line(label, series);
    }
    spec.add_all_clients_line(Series::line(runs(0), ALL_BLACK, 4));
    fit(&mut spec, 1.0);
    spec
}

/// Busy share of each limited facility's servers over time.
pub(crate) fn utilisation(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: facility utilisation over time"),
        "busy share of the servers",
    );
    for f in limited(aggregate) {
        let runs = step_runs(aggregate, axis, 1.0, |bin| {
            aggregate.facility(bin, f, FacilityMetric::Utilisation)
        });
        let color = class_color(f + 1);
        let series = Series::banded(runs, color, 3, 0.2);
        spec.add_line(aggregate.facilities[f].clone(), series);
    }
    spec.fit_y();
    spec
}

/// Utilisation and 503 share of each limited facility against its offered load.
pub(crate) fn capacity_vs_load(aggregate: &Aggregate, title: &str) -> ChartSpec {
    let mut spec = against_load(
        aggregate,
        title,
        "utilisation and 503 share against offered load",
        "share (of server time; of arrivals)",
    );
    let slowdown_red = RGBColor(214, 39, 40);
    for f in limited(aggregate) {
        let name = &aggregate.facilities[f];
        let curve = |metric| load_curve(aggregate, f, metric, 1.0);
        spec.add_line(
            format!("{name} utilisation"),
            Series::line(curve(FacilityMetric::Utilisation), class_color(f + 1), 3),
        );
        spec.add_line(
            format!("{name} 503 SlowDown share"),
            Series::line(curve(FacilityMetric::SlowDownShare), slowdown_red, 2),
        );
    }
    spec.fit_y();
    spec
}

/// Waiting time p99 and p50 of each limited facility against its offered load.
pub(crate) fn wait_vs_load(aggregate: &Aggregate, title: &str) -> ChartSpec {
    let mut spec = against_load(
        aggregate,
        title,
        "waiting time against offered load",
        "wait before service (ms)",
    );
    for f in limited(aggregate) {
        let name = &aggregate.facilities[f];
        let color = class_color(f + 1);
        let curve = |metric| load_curve(aggregate, f, metric, f64::INFINITY);
        spec.add_line(
            format!("{name} wait p99"),
            Series::line(curve(FacilityMetric::WaitP99Ms), color, 3),
        );
        spec.add_line(
            format!("{name} wait p50"),
            Series::line(curve(FacilityMetric::WaitP50Ms), lighter(color), 2),
        );
    }
    fit(&mut spec, 0.0);
    spec
}

/// An empty chart with the offered load (requests/s reaching the facility, per bin) on
/// x, up to the largest load of any limited facility.
fn against_load(aggregate: &Aggregate, title: &str, what: &str, y_desc: &str) -> ChartSpec {
    let x_end = limited(aggregate)
        .into_iter()
        .flat_map(|f| (0..aggregate.bins).map(move |bin| offered(aggregate, bin, f)))
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    let mut spec = ChartSpec::new(&TimeAxis::of(aggregate), format!("{title}: {what}"), y_desc);
    spec.x_desc = "offered load at the facility (requests/s, one point per bin)".into();
    spec.x_end = (x_end * 1.05).max(1.0);
    spec
}

/// The mean offered load of facility `f` in `bin`, in requests/s.
fn offered(aggregate: &Aggregate, bin: usize, f: usize) -> f64 {
    aggregate.facility(bin, f, FacilityMetric::Offered).mean
}

/// `metric` of facility `f` against its offered load: one point per bin with data,
/// in order of load, as one run.
fn load_curve(
    aggregate: &Aggregate,
    f: usize,
    metric: FacilityMetric,
    limit: f64,
) -> Vec<Vec<Point>> {
    let mut points: Vec<Point> = (0..aggregate.bins)
        .filter_map(|bin| {
            let x = offered(aggregate, bin, f);
            let e = aggregate.facility(bin, f, metric);
            estimate_point(x, e, limit).filter(|_| x.is_finite())
        })
        .collect();
    points.sort_by(|a, b| a.x.total_cmp(&b.x));
    vec![points]
}

/// The colour halfway to white (the p50 beside its p99).
fn lighter(c: RGBColor) -> RGBColor {
    let half = |v: u8| v + (255 - v) / 2;
    RGBColor(half(c.0), half(c.1), half(c.2))
}

/// Facilities with a limited number of servers.
fn limited(aggregate: &Aggregate) -> Vec<usize> {
    (0..aggregate.facilities.len())
        .filter(|&f| {
            (0..aggregate.bins).any(|bin| {
                aggregate
                    .facility(bin, f, FacilityMetric::Utilisation)
                    .mean
                    .is_finite()
            })
        })
        .collect()
}

/// Fit an unbounded y axis to the lines: 10 % headroom, at least `floor` + 0.1.
fn fit(spec: &mut ChartSpec, floor: f64) {
    let top = spec
        .series
        .iter()
        .flat_map(|s| s.runs.iter().flatten())
        .map(|p| p.mean)
        .fold(floor, f64::max);
    spec.y_max = if top <= 1.0 {
        y_top(top).max(floor + 0.1)
    } else {
        top * 1.1
    };
}
