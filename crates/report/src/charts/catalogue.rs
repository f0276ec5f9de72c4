//! List the charts a run gets and the files they go into: one table for a run, one
//! for a sweep.
//!
//! A new chart is a builder in one of the chart modules and one row here; nothing
//! else lists chart files.

use super::axis::TimeAxis;
use super::load_charts::{capacity_vs_load, retries, utilisation, wait_vs_load};
use super::references::{References, add_capacity_curves, mark_settle_time};
use super::spec::ChartSpec;
use super::sweep_charts::{curves, replicas, summary_chart};
use super::time_charts::{
    dns_queries_per_lookup, dns_staleness, edge_hit_ratio, error_rate_by_class, ipv6_share,
    latency_p50_by_class, note, outcomes, redirect_rate, redirect_rate_by_class,
    resolver_hit_ratio,
};
use crate::aggregate::Aggregate;
use crate::markers::Marker;
use crate::sweep_summary::{SummaryMetric, SweepSummary};
use s3sim_model::metrics::Metric;

/// A chart to draw and the files it goes into (the same picture in each).
pub(crate) struct Planned {
    /// File names; the extension picks the format (`.svg` or PNG).
    pub(crate) files: Vec<String>,
    /// What the chart shows.
    pub(crate) spec: ChartSpec,
}

/// Which runs get a chart.
#[derive(Clone, Copy)]
enum Needs {
    /// Every run.
    Always,
    /// Runs where some client class retries.
    Retries,
    /// Runs where some client class goes through a CDN.
    Cdn,
    /// Runs where some facility has a limited number of servers.
    Capacity,
    /// Runs where some client class's stub resolver sends extra queries.
    StubResolvers,
    /// Runs where some client class addresses dual-stack endpoints.
    DualStack,
}

/// How a chart is built: on the run's time axis (and marked with the scenario's
/// events), or against something else (no markers).
#[derive(Clone, Copy)]
enum Build {
    /// A chart over time.
    Time(fn(&Aggregate, &TimeAxis, &str) -> ChartSpec),
    /// A chart whose x axis is not time.
    Other(fn(&Aggregate, &str) -> ChartSpec),
}

/// One chart of a run: its files, which runs get it and how it is built.
struct RunChart {
    files: &'static [&'static str],
    needs: Needs,
    build: Build,
    reference: Reference,
}

/// What a chart draws of the run's [`References`] besides the scenario's events.
#[derive(Clone, Copy, PartialEq)]
enum Reference {
    /// Nothing more.
    None,
    /// When the redirect rate settled, as a marker.
    SettleTime,
    /// Each limited facility's 1 − capacity/load curve.
    CapacityLimit,
}

/// Every chart a run can get, in the order they are written.
const RUN_CHARTS: [RunChart; 14] = [
    RunChart {
        files: &["redirect_rate.png"],
        needs: Needs::Always,
        build: Build::Time(redirect_rate),
        reference: Reference::SettleTime,
    },
    RunChart {
        files: &["outcomes.png"],
        needs: Needs::Always,
        build: Build::Time(outcomes),
        reference: Reference::None,
    },
    RunChart {
        files: &["dns_staleness.png"],
        needs: Needs::Always,
        build: Build::Time(dns_staleness),
        reference: Reference::None,
    },
    RunChart {
        files: &["resolver_hit_ratio.png"],
        needs: Needs::Always,
        build: Build::Time(resolver_hit_ratio),
        reference: Reference::None,
    },
    RunChart {
        files: &["redirect_rate_by_class.png"],
        needs: Needs::Always,
        build: Build::Time(redirect_rate_by_class),
        reference: Reference::None,
    },
    RunChart {
        files: &["error_rate_by_class.png"],
        needs: Needs::Always,
        build: Build::Time(error_rate_by_class),
        reference: Reference::None,
    },
    RunChart {
        files: &["retries.png"],
        needs: Needs::Retries,
        build: Build::Time(retries),
        reference: Reference::None,
    },
    RunChart {
        files: &["edge_hit_ratio.png"],
        needs: Needs::Cdn,
        build: Build::Time(edge_hit_ratio),
        reference: Reference::None,
    },
    RunChart {
        files: &["facility_utilisation.png"],
        needs: Needs::Capacity,
        build: Build::Time(utilisation),
        reference: Reference::None,
    },
    RunChart {
        files: &["capacity_vs_load.png"],
        needs: Needs::Capacity,
        build: Build::Other(capacity_vs_load),
        reference: Reference::CapacityLimit,
    },
    RunChart {
        files: &["wait_vs_load.png"],
        needs: Needs::Capacity,
        build: Build::Other(wait_vs_load),
        reference: Reference::None,
    },
    RunChart {
        files: &["dns_queries_per_lookup.png"],
        needs: Needs::StubResolvers,
        build: Build::Time(dns_queries_per_lookup),
        reference: Reference::None,
    },
    RunChart {
        files: &["latency_p50_by_class.png"],
        needs: Needs::StubResolvers,
        build: Build::Time(latency_p50_by_class),
        reference: Reference::None,
    },
    RunChart {
        files: &["ipv6_share.png"],
        needs: Needs::DualStack,
        build: Build::Time(ipv6_share),
        reference: Reference::None,
    },
];

impl Needs {
    /// Whether the run of `aggregate` gets the chart.
    fn met(self, aggregate: &Aggregate) -> bool {
        match self {
            Needs::Always => true,
            Needs::Retries => aggregate.has_retries,
            Needs::Cdn => aggregate.has_cdn,
            Needs::Capacity => aggregate.has_capacity,
            Needs::StubResolvers => aggregate.has_stub_resolvers,
            Needs::DualStack => aggregate.has_dual_stack,
        }
    }
}

/// Every chart of a run, in [`RUN_CHARTS`] order: time charts with the scenario's
/// events (`refs.markers`), the reference values of [`Reference`], and each with the
/// note that says what its lines and bands are.
pub(crate) fn of_run(aggregate: &Aggregate, refs: &References, title: &str) -> Vec<Planned> {
    let axis = TimeAxis::of(aggregate);
    let markers = axis.markers(&refs.markers);
    RUN_CHARTS
        .iter()
        .filter(|chart| chart.needs.met(aggregate))
        .map(|chart| {
            let mut spec = match chart.build {
                Build::Time(build) => {
                    let mut spec = build(aggregate, &axis, title);
                    spec.markers = markers.clone();
                    spec
                }
                Build::Other(build) => build(aggregate, title),
            };
            match chart.reference {
                Reference::None => {}
                Reference::SettleTime => mark_settle_time(&mut spec, refs, &axis),
                Reference::CapacityLimit => {
                    add_capacity_curves(&mut spec, refs, &aggregate.facilities);
                }
            }
            spec.note = note(aggregate, spec.series.iter().any(|s| s.band.is_some()));
            Planned {
                files: with_svg(chart.files),
                spec,
            }
        })
        .collect()
}

/// Every PNG file of `files` followed by its SVG twin (the same picture, for
/// documents that scale it).
fn with_svg(files: &[&str]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| {
            let svg = f.strip_suffix(".png").map(|stem| format!("{stem}.svg"));
            std::iter::once(f.to_string()).chain(svg)
        })
        .collect()
}

/// The summary metrics of a sweep charted against the points, each into
/// `sweep_<name>.png`, in this order.
pub(crate) const SUMMARY_CHARTS: [SummaryMetric; 5] = [
    SummaryMetric::Total(Metric::RedirectRate),
    SummaryMetric::Total(Metric::ErrorRate),
    SummaryMetric::Total(Metric::StaleDnsShare),
    SummaryMetric::Total(Metric::ExtraRoundTripsPerRequest),
    SummaryMetric::RedirectsSettled,
];

/// The file of the redirect-rate curves of every point.
const CURVES_FILE: &str = "sweep_redirect_rate_curves.png";

/// Every chart of a sweep: the [`SUMMARY_CHARTS`], then the redirect-rate curves of
/// every point (`aggregates`, in sweep order) with `markers`.
pub(crate) fn of_sweep(
    summary: &SweepSummary,
    aggregates: &[&Aggregate],
    markers: &[Marker],
    title: &str,
) -> Vec<Planned> {
    let replicas = replicas(summary, aggregates, &SUMMARY_CHARTS);
    let mut curves = curves(summary, aggregates, title);
    curves.markers = TimeAxis::spanning(aggregates).markers(markers);
    SUMMARY_CHARTS
        .iter()
        .map(|&metric| Planned {
            files: with_svg(&[&format!("sweep_{}.png", metric.name())]),
            spec: summary_chart(summary, metric, replicas, title),
        })
        .chain([Planned {
            files: with_svg(&[CURVES_FILE]),
            spec: curves,
        }])
        .collect()
}
