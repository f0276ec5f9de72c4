//! Charts of a sweep: a summary metric against the swept values (means with error bars
//! over a categorical axis), and the redirect rate over time of every point on one chart.
//!
//! Points share random numbers, so differences between their means are the swept
//! parameters' effect; the charts say so in their notes.

use super::axis::TimeAxis;
use super::palette::{class_color, class_dash, ramp};
use super::point_labels::{compact, legend_label, point_values, shorten};
use super::points::{metric_runs, split_runs};
use super::spec::{Annotation, ChartSpec, LegendEntry, Point, Series, Swatch};
use super::time_charts::note;
use crate::aggregate::Aggregate;
use crate::stats::Estimate;
use crate::sweep_summary::{SETTLE_THRESHOLD, SummaryMetric, SweepSummary};
use plotters::prelude::*;
use s3sim_model::metrics::Metric;

/// The replicas per point: as aggregated, or else the most any estimate of the
/// `charted` metrics counted.
pub(crate) fn replicas(
    summary: &SweepSummary,
    aggregates: &[&Aggregate],
    charted: &[SummaryMetric],
) -> usize {
    let aggregated = aggregates.iter().map(|a| a.replicas).max().unwrap_or(0);
    if aggregated > 0 {
        return aggregated;
    }
    (0..summary.points())
        .flat_map(|point| charted.iter().map(move |&m| estimate(summary, point, m)))
        .flatten()
        .map(|e| e.n as usize)
        .max()
        .unwrap_or(0)
}

/// The all-clients estimate of `metric` at `point`, if the summary has it.
fn estimate(summary: &SweepSummary, point: usize, metric: SummaryMetric) -> Option<Estimate> {
    let known =
        point < summary.points() && !summary.groups.is_empty() && summary.metrics.contains(&metric);
    known.then(|| summary.get(point, 0, metric))
}

/// How a summary metric is shown: its name in titles, the y axis, and the factor from
/// its values to axis units.
struct Presentation {
    name: &'static str,
    y_desc: String,
    /// A share: clamped into [0, 1].
    share: bool,
    scale: f64,
}

fn presentation(metric: SummaryMetric, largest: f64) -> Presentation {
    let share = |name, y_desc: &str| Presentation {
        name,
        y_desc: y_desc.to_string(),
        share: true,
        scale: 1.0,
    };
    match metric {
        SummaryMetric::Total(Metric::RedirectRate) => share(
            "redirect rate",
            "share of requests answered 3xx (first response)",
        ),
        SummaryMetric::Total(Metric::ErrorRate) => share(
            "error rate",
            "share of requests whose final outcome was not 200",
        ),
        SummaryMetric::Total(Metric::StaleDnsShare) => share(
            "stale DNS share",
            "share of DNS lookups answered by a stale record",
        ),
        SummaryMetric::Total(Metric::ExtraRoundTripsPerRequest) => Presentation {
            name: "extra round trips per request",
            y_desc: "HTTP round trips beyond the first, per request".into(),
            share: false,
            scale: 1.0,
        },
        SummaryMetric::Total(_) => Presentation {
            name: "whole-run value",
            y_desc: metric.name(),
            share: false,
            scale: 1.0,
        },
        SummaryMetric::RedirectsSettled => {
            let minutes = largest > 600.0;
            let threshold = format!("{}", (SETTLE_THRESHOLD * 100.0 * 1e6).round() / 1e6);
            let unit = if minutes { "minutes" } else { "seconds" };
            Presentation {
                name: "redirect settle time",
                y_desc: format!(
                    "{unit} from the run's start until redirect rate stays ≤ {threshold} %"
                ),
                share: false,
                scale: if minutes { 1.0 / 60.0 } else { 1.0 },
            }
        }
    }
}

/// Colour of the dots, bars and line of every summary chart.
const POINT_BLUE: RGBColor = RGBColor(31, 100, 170);

/// `metric` (all clients) at every point, in sweep order, with 95 % CIs as error bars.
pub(crate) fn summary_chart(
    summary: &SweepSummary,
    metric: SummaryMetric,
    replicas: usize,
    title: &str,
) -> ChartSpec {
    let points = summary.points();
    let estimates: Vec<Option<Estimate>> = (0..points)
        .map(|point| estimate(summary, point, metric).filter(|e| e.n > 0 && e.mean.is_finite()))
        .collect();
    let largest = estimates
        .iter()
        .flatten()
        .map(|e| e.mean)
        .fold(0.0, f64::max);
    let shown = presentation(metric, largest);
    let to_axis = |v: f64| {
        let v = v * shown.scale;
        if shown.share {
            v.clamp(0.0, 1.0)
        } else {
            v.max(0.0)
        }
    };
    let plotted: Vec<Option<Point>> = estimates
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let e = (*e)?;
            let mean = to_axis(e.mean);
            let bound = |v: f64| if v.is_finite() { to_axis(v) } else { mean };
            Some(Point {
                x: k as f64,
                mean,
                low: bound(e.low).min(mean),
                high: bound(e.high).max(mean),
            })
        })
        .collect();
    let top = plotted.iter().flatten().map(|p| p.high).fold(0.0, f64::max);
    let mut annotations = Vec::new();
    let mut partial = false;
    for (k, (e, p)) in estimates.iter().zip(&plotted).enumerate() {
        match (e, p) {
            (Some(e), Some(p)) if (e.n as usize) < replicas => {
                partial = true;
                annotations.push(Annotation {
                    x: k as f64,
                    y: p.high,
                    text: format!("n={}/{replicas}", e.n),
                });
            }
            (None, _) => annotations.push(Annotation {
                x: k as f64,
                y: 0.0,
                text: "missing".into(),
            }),
            _ => {}
        }
    }
    let missing = estimates.iter().any(Option::is_none);
    let what = if metric == SummaryMetric::RedirectsSettled {
        ("never settled", "settled")
    } else {
        ("no data", "had data")
    };
    let plural = if replicas == 1 { "" } else { "s" };
    let mut note = format!(
        "mean of {replicas} replica{plural} per point; bars: 95% confidence interval \
         (none if within the dot); common random numbers across points"
    );
    if missing {
        note.push_str(&format!("; missing: {}", what.0));
    }
    if partial {
        note.push_str(&format!(
            "; n=k/{replicas}: mean of the k replicas that {}",
            what.1
        ));
    }
    ChartSpec {
        title: format!("{title}: {} by {}", shown.name, swept(summary)),
        note,
        x_desc: swept(summary),
        x_start: -0.5,
        x_end: points.max(1) as f64 - 0.5,
        categories: (0..points).map(|k| point_values(summary, k)).collect(),
        short_categories: (0..points)
            .map(|k| compact(&point_values(summary, k)))
            .collect(),
        y_desc: shown.y_desc,
        y_max: value_top(top, shown.share),
        layers: Vec::new(),
        series: vec![Series {
            color: POINT_BLUE,
            width: 2,
            // Named points are variants, not a scale: dots only, no line between them.
            runs: if summary.names.is_empty() {
                split_runs(plotted)
            } else {
                plotted.into_iter().flatten().map(|p| vec![p]).collect()
            },
            band: None,
            whiskers: true,
            dash: &[],
        }],
        markers: Vec::new(),
        legend: Vec::new(),
        annotations,
        legend_outside: false,
    }
}

/// Top of a value axis from 0: the largest value plus 15 % (room for the notes above
/// the bars); at most 1 for shares; something positive when every value is 0.
fn value_top(largest: f64, share: bool) -> f64 {
    if !(largest.is_finite() && largest > 0.0) {
        return if share { 0.05 } else { 1.0 };
    }
    let top = largest * 1.15;
    if share { top.min(1.0) } else { top }
}

/// The swept path(s), for the x axis and the titles.
fn swept(summary: &SweepSummary) -> String {
    if !summary.names.is_empty() {
        "variant".into()
    } else if summary.paths.is_empty() {
        "sweep point".into()
    } else {
        summary.paths.join(", ")
    }
}

/// The redirect rate (all clients) over time, one line per point in a sequential
/// colour ramp, without CI bands.
pub(crate) fn curves(summary: &SweepSummary, aggregates: &[&Aggregate], title: &str) -> ChartSpec {
    let axis = TimeAxis::spanning(aggregates);
    let mut spec = ChartSpec::new(
        &axis,
        format!(
            "{title}: redirect rate over time by {} (all clients)",
            swept(summary)
        ),
        "share of requests answered 3xx (first response)",
    );
    let n = aggregates.len();
    let width = if n > 8 { 2 } else { 3 };
    let lines: Vec<Vec<Vec<Point>>> = aggregates
        .iter()
        .map(|aggregate| metric_runs(aggregate, &axis, 0, Metric::RedirectRate))
        .collect();
    let names: Vec<String> = (0..n)
        .map(|k| legend_label(&point_values(summary, k)))
        .collect();
    for (point, runs) in lines.iter().enumerate() {
        // A line drawn over by a later identical one would be missed: say so.
        let label = match (point + 1..n)
            .rev()
            .find(|&later| same_line(runs, &lines[later]))
        {
            Some(later) => format!("{} (same as {})", names[point], names[later]),
            None => names[point].clone(),
        };
        // Named points are variants (categories): distinct hues, not a ramp.
        let color = if summary.names.is_empty() {
            ramp(point, n)
        } else {
            class_color(point + 1)
        };
        // Neighbouring points of a ramp differ little in colour: dashes tell them apart
        // (and survive greyscale print).
        let series = Series::line(runs.clone(), color, width).dashed(class_dash(point + 1));
        spec.add_line(label, series);
    }
    spec.fit_y();
    let heading_paths = if summary.names.is_empty() {
        summary.paths.clone()
    } else {
        vec!["variant".to_string()]
    };
    let headings = heading_paths.iter().map(|path| LegendEntry {
        label: shorten(path),
        swatch: Swatch::Heading,
    });
    spec.legend.splice(0..0, headings);
    let notes = match aggregates.first() {
        Some(first) => note(first, false),
        None => "no sweep points".into(),
    };
    spec.note = format!(
        "{notes}; one line per sweep point, 95% confidence intervals omitted; \
         common random numbers across points"
    );
    spec
}

/// Whether two lines are the same picture: the same points with the same means.
fn same_line(a: &[Vec<Point>], b: &[Vec<Point>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.len() == b.len() && a.iter().zip(b).all(|(p, q)| p.x == q.x && p.mean == q.mean)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunOptions;
    use crate::charts::catalogue::{SUMMARY_CHARTS, of_sweep};
    use crate::runner::RunResult;
    use s3sim_scenario::LoadedScenario;

    /// The default scenario shortened to `duration`, sweeping `path` over `values`.
    fn sweep_scenario(duration: &str, path: &str, values: &[&str]) -> LoadedScenario {
        let values: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
        let sweep = format!(
            "(fields: [(path: \"{path}\", values: [{}])])",
            values.join(", ")
        );
        with_sweep(duration, &sweep)
    }

    /// The default scenario shortened to `duration`, with `sweep` (RON) declared.
    fn with_sweep(duration: &str, sweep: &str) -> LoadedScenario {
        // Its expectations lie after a shortened run's end: drop them (the last field).
        let story = s3sim_scenario::DEFAULT_SCENARIO
            .split("    expect: [")
            .next()
            .unwrap();
        let text = format!("{story})")
            .replace("duration: \"2h\"", &format!("duration: \"{duration}\""))
            .replace(
                "    clients: [",
                &format!("    sweep: {sweep},\n    clients: ["),
            );
        s3sim_scenario::parse(&text, "sweep").unwrap()
    }

    fn run(loaded: &LoadedScenario, replicas: u32) -> (SweepSummary, Vec<RunResult>) {
        let options = RunOptions {
            seed: 1,
            replicas,
            progress: false,
        };
        let results = crate::run_points(loaded, options);
        (SweepSummary::new(loaded, &results), results)
    }

    #[test]
    fn renders_every_sweep_chart() {
        let loaded = sweep_scenario("30m", "resolvers[0].max_ttl", &["1h", "5m", "30s"]);
        let (summary, results) = run(&loaded, 3);
        let aggregates: Vec<&Aggregate> = results.iter().map(|r| &r.aggregate).collect();
        let dir = tempfile::tempdir().unwrap();
        let files = super::super::render_sweep(
            dir.path(),
            &summary,
            &aggregates,
            &[],
            "s",
            super::super::ChartSize::default(),
        )
        .unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "sweep_redirect_rate.png",
                "sweep_redirect_rate.svg",
                "sweep_error_rate.png",
                "sweep_error_rate.svg",
                "sweep_stale_dns_share.png",
                "sweep_stale_dns_share.svg",
                "sweep_extra_round_trips_per_request.png",
                "sweep_extra_round_trips_per_request.svg",
                "sweep_redirect_rate_settled_s.png",
                "sweep_redirect_rate_settled_s.svg",
                "sweep_redirect_rate_curves.png",
                "sweep_redirect_rate_curves.svg",
            ]
        );
        super::super::tests::assert_pngs(files.iter().filter(|f| f.extension().unwrap() == "png"));

        let specs = of_sweep(&summary, &aggregates, &[], "s");
        let redirects = &specs[0].spec;
        assert_eq!(redirects.title, "s: redirect rate by resolvers[0].max_ttl");
        assert_eq!(redirects.x_desc, "resolvers[0].max_ttl");
        assert_eq!(redirects.categories, ["1h", "5m", "30s"]);
        assert_eq!(redirects.series[0].runs.iter().flatten().count(), 3);
        assert!(
            redirects
                .note
                .starts_with("mean of 3 replicas per point; bars: 95%")
        );
        let curves = &specs[5].spec;
        // A label may say its line is hidden under an identical one ("1h (same as 30s)").
        let labels: Vec<&str> = curves.legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels.len(), 4);
        assert_eq!(labels[0], "resolvers[0].max_ttl");
        for (label, value) in labels[1..].iter().zip(["1h", "5m", "30s"]) {
            assert!(label.starts_with(value), "{label}");
        }
        assert!(matches!(curves.legend[0].swatch, Swatch::Heading));
    }

    #[test]
    fn single_point_and_undefined_settle_time_do_not_panic() {
        // Twenty minutes: the redirects that start at 10 min never settle.
        let loaded = sweep_scenario("20m", "resolvers[0].max_ttl", &["1h"]);
        let (summary, results) = run(&loaded, 2);
        let settled = summary.get(0, 0, SummaryMetric::RedirectsSettled);
        assert_eq!(settled.n, 0, "expected no settle time in 20 minutes");
        let aggregates: Vec<&Aggregate> = results.iter().map(|r| &r.aggregate).collect();
        let dir = tempfile::tempdir().unwrap();
        let files = super::super::render_sweep(
            dir.path(),
            &summary,
            &aggregates,
            &[],
            "one point",
            super::super::ChartSize::default(),
        )
        .unwrap();
        assert_eq!(files.len(), 12);
        super::super::tests::assert_pngs(files.iter().filter(|f| f.extension().unwrap() == "png"));

        let specs = of_sweep(&summary, &aggregates, &[], "t");
        let settle = &specs[4].spec;
        assert!(settle.series[0].runs.is_empty());
        assert!(
            settle.note.ends_with("; missing: never settled"),
            "{}",
            settle.note
        );
        assert_eq!(settle.annotations[0].text, "missing");

        // No aggregates at all, and one point too few: still charts.
        let files = super::super::render_sweep(
            dir.path(),
            &summary,
            &[],
            &[],
            "none",
            super::super::ChartSize::default(),
        )
        .unwrap();
        assert_eq!(files.len(), 12);
    }

    #[test]
    fn settle_time_reads_in_minutes_past_ten() {
        let short = presentation(SummaryMetric::RedirectsSettled, 600.0);
        assert_eq!(short.scale, 1.0);
        assert_eq!(
            short.y_desc,
            "seconds from the run's start until redirect rate stays ≤ 1 %"
        );
        let long = presentation(SummaryMetric::RedirectsSettled, 601.0);
        assert!(long.y_desc.starts_with("minutes"));
        assert_eq!(value_top(0.0, true), 0.05);
        assert_eq!(value_top(0.95, true), 1.0);
        assert_eq!(value_top(f64::NAN, false), 1.0);
    }

    /// Render sweeps of the default scenario into /tmp/sweep-preview/<name>/ to look
    /// at: over resolvers[0].max_ttl (2 h, 6 replicas), over resolvers[0].min_ttl (an
    /// effect to see), twenty points, a single point that never settles, settle times
    /// of only some replicas, and twenty points with long labels.
    #[test]
    #[ignore]
    fn preview_sweep() {
        let previews = [
            (
                "max_ttl",
                "2h",
                6,
                "(fields: [(path: \"resolvers[0].max_ttl\", values: [\"1d\", \"30m\", \"10m\", \"1m\"])])",
            ),
            (
                "min_ttl",
                "2h",
                6,
                "(fields: [(path: \"resolvers[0].min_ttl\", values: [\"0s\", \"1m\", \"5m\", \"15m\", \"30m\"])])",
            ),
            (
                "twenty",
                "40m",
                2,
                "(fields: [(path: \"resolvers[0].min_ttl\", values: [\"0s\", \"1m\", \"5m\", \"10m\", \"15m\"]), \
                 (path: \"dns.propagation_cap\", values: [\"5m\", \"10m\", \"20m\", \"30m\"])])",
            ),
            (
                "single",
                "20m",
                2,
                "(fields: [(path: \"resolvers[0].max_ttl\", values: [\"1h\"])])",
            ),
            (
                "partly_settled",
                "50m",
                6,
                "(fields: [(path: \"dns.propagation\", values: [log_normal(median: \"8m\", sigma: 0.6), \
                 log_normal(median: \"10m\", sigma: 0.6), log_normal(median: \"12m\", sigma: 0.6), \
                 log_normal(median: \"20m\", sigma: 0.6)])])",
            ),
            (
                "crowded",
                "40m",
                2,
                "(fields: [(path: \"dns.propagation\", values: [fixed(\"1m\"), \
                 log_normal(median: \"5m\", sigma: 0.6), log_normal(median: \"15m\", sigma: 0.6), \
                 uniform(low: \"1m\", high: \"20m\"), exponential(mean: \"10m\")]), \
                 (path: \"resolvers[0].min_ttl\", values: [\"0s\", \"1m\", \"5m\", \"15m\"])])",
            ),
        ];
        for (name, duration, replicas, sweep) in previews {
            let loaded = with_sweep(duration, sweep);
            let (summary, results) = run(&loaded, replicas);
            let aggregates: Vec<&Aggregate> = results.iter().map(|r| &r.aggregate).collect();
            let out = std::path::Path::new("/tmp/sweep-preview").join(name);
            let title = &loaded.scenario.name;
            let files = super::super::render_sweep(
                &out,
                &summary,
                &aggregates,
                &[],
                title,
                super::super::ChartSize::default(),
            )
            .unwrap();
            println!("{}: {} files in {}", name, files.len(), out.display());
            for point in 0..summary.points() {
                let row: Vec<String> = SUMMARY_CHARTS
                    .iter()
                    .map(|&m| {
                        let e = summary.get(point, 0, m);
                        format!(
                            "{}={:.6} [{:.6}, {:.6}] n={}",
                            m.name(),
                            e.mean,
                            e.low,
                            e.high,
                            e.n
                        )
                    })
                    .collect();
                println!("  {}: {}", summary.labels[point], row.join("; "));
            }
        }
    }
}
