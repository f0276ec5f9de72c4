//! Charts over time of a run: redirect rate, first-response outcomes, DNS staleness,
//! resolver cache hits, CDN edge hits, and redirect and error rates by client class.
//!
//! Each builder returns a [`ChartSpec`] on the run's time axis; the catalogue adds
//! the scenario's markers and the note under the title.

use super::axis::TimeAxis;
use super::palette::{ALL_BLACK, class_color, class_dash};
use super::points::{metric_runs, share, split_runs, value_limit};
use super::spec::{ChartSpec, Layer, LegendEntry, Point, Series, Swatch};
use crate::aggregate::Aggregate;
use plotters::prelude::*;
use s3sim_model::metrics::Metric;
use s3sim_model::response::Status;

/// The share of requests answered with each redirect code seen, over time, all
/// clients, with CI bands.
pub(crate) fn redirect_rate(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: redirect rate over time (all clients)"),
        "share of requests (first response)",
    );
    for (status, runs) in redirect_codes(aggregate, axis) {
        let color = status_look(status).line;
        let series = Series::banded(runs, color, 3, 0.22);
        spec.add_line(status_label(status), series);
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

/// First-response outcomes over time, all clients: a layer per status seen, stacked
/// to 1, the legend top to bottom like the stack.
pub(crate) fn outcomes(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
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
        let color = status_look(status).area;
        spec.layers.push(Layer { color, runs });
        spec.legend.push(LegendEntry {
            label: status_label(status),
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

/// The share of DNS lookups answered by a stale record over time: a line per class
/// and a banded all-clients line.
pub(crate) fn dns_staleness(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: stale DNS answers over time"),
        "share of DNS lookups answered by a stale record",
    );
    add_class_lines(&mut spec, aggregate, axis, Metric::StaleDnsShare);
    spec.add_all_clients_line(Series::banded(
        metric_runs(aggregate, axis, 0, Metric::StaleDnsShare),
        ALL_BLACK,
        3,
        0.18,
    ));
    spec.fit_y();
    spec
}

/// Chart the share of resolver queries answered from the resolver's cache, per class.
///
/// Why: the hit ratio is what a resolver's TTL buys (λT / (1 + λT) at a steady
/// arrival rate λ, docs/domain.md §6); its dips show caches expiring together, as
/// after a cold start.
pub(crate) fn resolver_hit_ratio(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: resolver cache hit ratio over time"),
        "share of resolver queries answered from its cache",
    );
    add_by_class(&mut spec, aggregate, axis, Metric::ResolverHitRatio);
    spec
}

/// Edge hit ratio and cached-3xx share over time, all clients, with CI bands.
pub(crate) fn edge_hit_ratio(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
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
        let series = Series::banded(metric_runs(aggregate, axis, 0, metric), color, 3, 0.2);
        spec.add_line(label.to_string(), series);
    }
    spec.y_max = 1.0;
    spec
}

/// The redirect rate over time: one line per class and a bold all-clients line.
pub(crate) fn redirect_rate_by_class(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    title: &str,
) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: redirect rate by client class"),
        "share of requests answered 3xx (first response)",
    );
    add_by_class(&mut spec, aggregate, axis, Metric::RedirectRate);
    spec
}

/// The error rate over time: one line per class and a bold all-clients line.
pub(crate) fn error_rate_by_class(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    title: &str,
) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: error rate by client class"),
        "share of requests that did not end with 200",
    );
    add_by_class(&mut spec, aggregate, axis, Metric::ErrorRate);
    spec
}

/// Chart the DNS queries each lookup sent, per class: the search domains and AAAA
/// queries of the classes' stub resolvers (docs/domain.md §3).
pub(crate) fn dns_queries_per_lookup(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    title: &str,
) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: DNS queries per lookup by client class"),
        "queries sent to the resolver per lookup",
    );
    add_by_class(&mut spec, aggregate, axis, Metric::DnsQueriesPerLookup);
    spec
}

/// Chart the share of connections dialled over IPv6, per class.
///
/// Why: which family a dual-stack client ends up on is its IP stack's choice (IPv6
/// first with Happy Eyeballs' fallback to IPv4 after 250 ms, RFC 8305 §5; IPv6 only;
/// IPv4 only) met by its network's IPv6 route (docs/domain.md §3).
pub(crate) fn ipv6_share(aggregate: &Aggregate, axis: &TimeAxis, title: &str) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: connections over IPv6 by client class"),
        "share of connections dialled over IPv6",
    );
    add_by_class(&mut spec, aggregate, axis, Metric::Ipv6Share);
    spec
}

/// Chart the median request latency per class (a lookup's extra round trips show
/// here).
pub(crate) fn latency_p50_by_class(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    title: &str,
) -> ChartSpec {
    let mut spec = ChartSpec::new(
        axis,
        format!("{title}: median latency by client class"),
        "median request latency, ms",
    );
    add_by_class(&mut spec, aggregate, axis, Metric::LatencyP50);
    spec
}

/// Add one line per class and a bold all-clients line of `metric`, then fit y.
fn add_by_class(spec: &mut ChartSpec, aggregate: &Aggregate, axis: &TimeAxis, metric: Metric) {
    add_class_lines(spec, aggregate, axis, metric);
    spec.add_all_clients_line(Series::line(
        metric_runs(aggregate, axis, 0, metric),
        ALL_BLACK,
        4,
    ));
    if value_limit(metric).is_finite() {
        spec.fit_y();
    } else {
        spec.fit_y_unbounded();
    }
}

/// Opacity of a class line's confidence band: light, as several may overlap.
const CLASS_BAND: f64 = 0.12;

/// Add one thin line per client class for `metric` to `spec`, each in its class's
/// colour and dash pattern over a light 95 % band.
fn add_class_lines(spec: &mut ChartSpec, aggregate: &Aggregate, axis: &TimeAxis, metric: Metric) {
    for group in 1..aggregate.groups.len() {
        let runs = metric_runs(aggregate, axis, group, metric);
        let series =
            Series::banded(runs, class_color(group), 2, CLASS_BAND).dashed(class_dash(group));
        spec.add_line(class_label(&aggregate.groups[group], &series), series);
    }
}

/// A class's legend label: its name, and "(0 throughout)" (or whatever the value) when
/// its line is flat, because flat lines of several classes lie on top of each other
/// (all at zero, typically) and no dash pattern can show them all.
pub(crate) fn class_label(name: &str, series: &Series) -> String {
    match series.constant() {
        Some(value) => format!("{name} ({value} throughout)"),
        None => name.to_string(),
    }
}

/// A status as a legend reads it: code and S3 error code (or what happened).
fn status_label(status: Status) -> String {
    format!("{} {}", status.label(), status_look(status).what)
}

/// How a status is shown on the charts.
struct StatusLook {
    /// Its S3 error code, or what happened.
    what: &'static str,
    /// Its layer in the outcomes chart.
    area: RGBColor,
    /// Its line in the redirect-rate chart (which draws redirects only).
    line: RGBColor,
}

/// How each status is shown: one exhaustive match, so a new status cannot go without
/// a label or a colour.
fn status_look(status: Status) -> StatusLook {
    let look = |what, area, line| StatusLook { what, area, line };
    let same = |what, area| StatusLook {
        what,
        area,
        line: area,
    };
    match status {
        Status::Ok => same("OK", RGBColor(65, 171, 93)),
        Status::MovedPermanently => look(
            "PermanentRedirect",
            RGBColor(253, 174, 97),
            RGBColor(49, 130, 189),
        ),
        Status::Found => look("Found", RGBColor(254, 217, 118), RGBColor(117, 80, 180)),
        Status::TemporaryRedirect => look(
            "TemporaryRedirect",
            RGBColor(241, 105, 19),
            RGBColor(230, 85, 13),
        ),
        Status::BadRequest => same("BadRequest", RGBColor(203, 24, 29)),
        Status::Forbidden => same("AccessDenied", RGBColor(165, 15, 21)),
        Status::NotFound => same("NoSuchBucket or NoSuchKey", RGBColor(136, 65, 157)),
        Status::InternalError => same("InternalError", RGBColor(106, 81, 163)),
        Status::SlowDown => same("SlowDown", RGBColor(8, 81, 156)),
        Status::ConnectionError => same("(connection refused)", RGBColor(150, 150, 150)),
        Status::Timeout => same("(connect timeout)", RGBColor(99, 99, 99)),
        Status::BadGateway => same(
            "Bad Gateway (edge could not reach origin)",
            RGBColor(158, 154, 200),
        ),
        Status::NxDomain => same("(name did not resolve)", RGBColor(37, 37, 37)),
        Status::DnsFailure => same("(resolver failed)", RGBColor(189, 189, 189)),
    }
}

/// The line under every title: what the curves and bands are.
pub(crate) fn note(aggregate: &Aggregate, bands: bool) -> String {
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

/// A duration in the largest unit it fills: `30 s`, `1 min`, `2 h`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::tests::short_run;

    #[test]
    fn bin_widths_read_in_the_largest_whole_unit() {
        assert_eq!(fmt_duration(60.0), "1 min");
        assert_eq!(fmt_duration(7200.0), "2 h");
        assert_eq!(fmt_duration(30.0), "30 s");
    }

    #[test]
    fn class_lines_are_steps_over_whole_bins_with_bands_and_dashes() {
        let (aggregate, _) = short_run();
        let axis = TimeAxis::of(&aggregate);
        let spec = redirect_rate_by_class(&aggregate, &axis, "t");
        let bin = aggregate.bin_width.as_secs_f64() / 60.0;
        for series in &spec.series[..spec.series.len() - 1] {
            assert!(series.band.is_some());
            for run in &series.runs {
                assert_eq!(run.len() % 2, 0);
                for step in run.chunks(2) {
                    assert!((step[1].x - step[0].x - bin).abs() < 1e-9);
                    assert!((step[0].x / bin).fract().abs() < 1e-9, "starts a bin");
                    assert_eq!(step[0].mean, step[1].mean);
                }
            }
        }
        let dashes: Vec<&[u32]> = spec.series.iter().map(|s| s.dash).collect();
        assert!(dashes[0].is_empty() && !dashes[1].is_empty() && dashes[1] != dashes[2]);
    }

    #[test]
    fn classes_flat_at_zero_say_so_in_the_legend() {
        let (aggregate, _) = short_run();
        let axis = TimeAxis::of(&aggregate);
        let spec = error_rate_by_class(&aggregate, &axis, "t");
        // The legend lists all clients first, then the classes in order.
        for (entry, series) in spec.legend[1..].iter().zip(&spec.series) {
            let flat_zero = series.constant() == Some(0.0);
            assert_eq!(
                entry.label.ends_with(" (0 throughout)"),
                flat_zero,
                "{}",
                entry.label
            );
        }
        let flat = spec
            .legend
            .iter()
            .filter(|e| e.label.ends_with("(0 throughout)"));
        assert!(
            flat.count() >= 2,
            "the default scenario has classes without errors"
        );
        assert!(spec.legend.iter().any(|e| e.label == "curl-cron"));
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

    #[test]
    fn charts_of_quantities_that_are_not_shares_are_not_cut_at_one() {
        let (aggregate, _) = short_run();
        let axis = TimeAxis::of(&aggregate);
        let spec = latency_p50_by_class(&aggregate, &axis, "t");
        let all = spec.series.last().unwrap();
        let drawn = all
            .runs
            .iter()
            .flatten()
            .map(|p| p.mean)
            .fold(0.0, f64::max);
        let measured = (0..aggregate.bins)
            .map(|bin| aggregate.get(bin, 0, Metric::LatencyP50).mean)
            .filter(|m| m.is_finite())
            .fold(0.0, f64::max);
        assert!(
            measured > 10.0,
            "the default's median latency is tens of ms"
        );
        assert_eq!(drawn, measured);
        assert!(
            spec.y_max > measured,
            "axis top {} below {measured}",
            spec.y_max
        );
        assert_eq!(value_limit(Metric::RedirectRate), 1.0);
    }
}
