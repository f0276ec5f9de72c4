//! Charts of load: retry amplification over time, facility utilisation over time, and
//! utilisation, 503 share and waiting time against the offered load.

use super::layout::TimeAxis;
use super::specs::{
    ALL_BLACK, ChartSpec, Point, Series, class_color, estimate_point, split_runs, y_top,
};
use crate::aggregate::Aggregate;
use crate::metric::Metric;
use plotters::prelude::*;
use s3sim_model::metrics::facility::FacilityMetric;

/// Tries per request over time, per class and for all clients.
pub(super) fn retries(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: retry amplification (tries per request)"),
        "tries per request (1 = no retries)",
    );
    let runs = |group| {
        split_runs((0..aggregate.bins).map(|bin| {
            let e = aggregate.get(bin, group, Metric::RetryAmplification);
            let (start, end) = axis.bin_range(aggregate, bin);
            estimate_point((start + end) / 2.0, e, f64::INFINITY)
        }))
    };
    for group in 1..aggregate.groups.len() {
        let series = Series {
            color: class_color(group),
            width: 2,
            runs: runs(group),
            band: None,
            whiskers: false,
        };
        spec.add_line(aggregate.groups[group].clone(), series);
    }
    spec.add_all_clients_line(Series {
        color: ALL_BLACK,
        width: 4,
        runs: runs(0),
        band: None,
        whiskers: false,
    });
    fit(&mut spec, 1.0);
    spec
}

/// Busy share of each limited facility's servers over time.
pub(super) fn utilisation(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: facility utilisation over time"),
        "busy share of the servers",
    );
    for f in limited(aggregate) {
        let runs = split_runs((0..aggregate.bins).map(|bin| {
            let e = aggregate.facility(bin, f, FacilityMetric::Utilisation);
            let (start, end) = axis.bin_range(aggregate, bin);
            estimate_point((start + end) / 2.0, e, 1.0)
        }));
        let color = class_color(f + 1);
        let series = Series {
            color,
            width: 3,
            runs,
            band: Some(color.mix(0.2)),
            whiskers: false,
        };
        spec.add_line(aggregate.facilities[f].clone(), series);
    }
    spec.fit_y();
    spec
}

/// Two charts with the offered load (requests/s reaching the facility, per bin) on x:
/// utilisation and 503 share, and waiting time p50 and p99.
pub(super) fn against_load(aggregate: &Aggregate, title: &str) -> Vec<(&'static str, ChartSpec)> {
    let facilities = limited(aggregate);
    let offered = |bin, f| aggregate.facility(bin, f, FacilityMetric::Offered);
    let x_end = facilities
        .iter()
        .flat_map(|&f| (0..aggregate.bins).map(move |bin| (bin, f)))
        .map(|(bin, f)| offered(bin, f).mean)
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    let axis_chart = |what: &str, y_desc: &str| {
        let mut spec = ChartSpec::new(&TimeAxis::of(aggregate), format!("{title}: {what}"), y_desc);
        spec.x_desc = "offered load at the facility (requests/s, one point per bin)".into();
        spec.x_end = (x_end * 1.05).max(1.0);
        spec
    };
    let mut shares = axis_chart(
        "utilisation and 503 share against offered load",
        "share (of server time; of arrivals)",
    );
    let mut waits = axis_chart(
        "waiting time against offered load",
        "wait before service (ms)",
    );
    for &f in &facilities {
        let name = &aggregate.facilities[f];
        let color = class_color(f + 1);
        let curve = |metric: FacilityMetric, limit: f64| {
            let mut points: Vec<Point> = (0..aggregate.bins)
                .filter_map(|bin| {
                    let x = offered(bin, f).mean;
                    let e = aggregate.facility(bin, f, metric);
                    estimate_point(x, e, limit).filter(|_| x.is_finite())
                })
                .collect();
            points.sort_by(|a, b| a.x.total_cmp(&b.x));
            vec![points]
        };
        let line = |runs, color: RGBColor, width| Series {
            color,
            width,
            runs,
            band: None,
            whiskers: false,
        };
        let slowdown_red = RGBColor(214, 39, 40);
        shares.add_line(
            format!("{name} utilisation"),
            line(curve(FacilityMetric::Utilisation, 1.0), color, 3),
        );
        shares.add_line(
            format!("{name} 503 SlowDown share"),
            line(curve(FacilityMetric::SlowDownShare, 1.0), slowdown_red, 2),
        );
        waits.add_line(
            format!("{name} wait p99"),
            line(curve(FacilityMetric::WaitP99Ms, f64::INFINITY), color, 3),
        );
        waits.add_line(
            format!("{name} wait p50"),
            line(
                curve(FacilityMetric::WaitP50Ms, f64::INFINITY),
                lighter(color),
                2,
            ),
        );
    }
    shares.fit_y();
    fit(&mut waits, 0.0);
    vec![
        ("capacity_vs_load.png", shares),
        ("wait_vs_load.png", waits),
    ]
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
