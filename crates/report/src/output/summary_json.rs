//! Write `summary.json`: what was run, and the whole-run estimates per client class.
//!
//! The per-class entries come from one table, [`CLASS_FIELDS`]: each is a metric
//! reported under its output name (the same name as in `timeseries.csv`), so adding
//! a metric to the summary is one line and its key cannot drift from the CSV's.

use super::files::OutputError;
use crate::aggregate::{Aggregate, ReplicaScalars};
use crate::runner::{RunOptions, RunResult};
use crate::stats::Estimate;
use s3sim_model::metrics::{Counter, Metric};
use s3sim_model::response::Status;
use s3sim_scenario::{LoadedScenario, SweepPoint};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// One entry of a class in `summary.json`.
#[derive(Clone, Copy)]
enum ClassField {
    /// The whole-run estimate of a metric, under the metric's name.
    Total(Metric),
    /// `first_status`: the whole-run count of every first-response status.
    FirstStatus,
}

/// The entries of every class in `summary.json`, after its name, in order.
const CLASS_FIELDS: [ClassField; 18] = [
    ClassField::Total(Metric::Count(Counter::Requests)),
    ClassField::FirstStatus,
    ClassField::Total(Metric::Count(Counter::Succeeded)),
    ClassField::Total(Metric::Count(Counter::Failed)),
    ClassField::Total(Metric::RedirectRate),
    ClassField::Total(Metric::ErrorRate),
    ClassField::Total(Metric::StaleDnsShare),
    ClassField::Total(Metric::ResolverHitRatio),
    ClassField::Total(Metric::ExtraRoundTripsPerRequest),
    ClassField::Total(Metric::RetryAmplification),
    ClassField::Total(Metric::GaveUpRate),
    ClassField::Total(Metric::RedirectLoopRate),
    ClassField::Total(Metric::EdgeHitRatio),
    ClassField::Total(Metric::Cached3xxShare),
    ClassField::Total(Metric::Count(Counter::OriginFetches)),
    ClassField::Total(Metric::DnsQueriesPerLookup),
    ClassField::Total(Metric::NxDomainShare),
    ClassField::Total(Metric::Ipv6Share),
];

/// The whole-run metrics of group `all` reported at the top level, in order.
const RUN_TOTALS: [Metric; 2] = [
    Metric::Count(Counter::InvalidationPaths),
    Metric::InvalidationCostUsd,
];

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
    /// Simulation events the engine processed (not the scenario's `events`).
    #[serde(rename = "sim_events_processed")]
    events: Estimate,
    #[serde(flatten)]
    totals: Fields,
    classes: Vec<ClassSummary>,
}

#[derive(Serialize)]
struct ClassSummary {
    class: String,
    #[serde(flatten)]
    fields: Fields,
}

#[derive(Serialize)]
struct PointInfo {
    index: usize,
    label: String,
    settings: Vec<(String, String)>,
}

/// Named values, written as the entries of a JSON object in order.
struct Fields(Vec<(String, Value)>);

/// A value in [`Fields`]: one estimate, or one per status.
#[derive(Serialize)]
#[serde(untagged)]
enum Value {
    Estimate(Estimate),
    PerStatus(Vec<(String, Estimate)>),
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The text of `summary.json` for one sweep point (the whole run without a sweep).
pub(crate) fn summary_json(
    loaded: &LoadedScenario,
    point: &SweepPoint,
    options: RunOptions,
    result: &RunResult,
) -> Result<String, OutputError> {
    let agg = &result.aggregate;
    let per_replica = |f: fn(&ReplicaScalars) -> u64| {
        Estimate::from_samples(
            &result
                .replicas
                .iter()
                .map(|o| f(o) as f64)
                .collect::<Vec<_>>(),
        )
    };
    let totals = RUN_TOTALS
        .iter()
        .map(|&m| (m.name(), Value::Estimate(agg.total(0, m))))
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
        duration_s: point.duration.0.as_secs_f64(),
        bin_s: point.bin.0.as_secs_f64(),
        requests_issued: per_replica(|o| o.issued),
        requests_in_flight_at_end: per_replica(|o| o.in_flight),
        events: per_replica(|o| o.events),
        totals: Fields(totals),
        classes: (0..agg.groups.len()).map(|g| class(agg, g)).collect(),
    };
    serde_json::to_string_pretty(&summary)
        .map(|s| s + "\n")
        .map_err(|e| OutputError::Encode {
            path: "summary.json".into(),
            message: e.to_string(),
        })
}

/// The summary of group `g`: its name, then every entry of [`CLASS_FIELDS`].
fn class(agg: &Aggregate, g: usize) -> ClassSummary {
    let fields = CLASS_FIELDS
        .iter()
        .map(|field| match *field {
            ClassField::Total(m) => (m.name(), Value::Estimate(agg.total(g, m))),
            ClassField::FirstStatus => {
                let first = Status::ALL
                    .iter()
                    .map(|&s| {
                        let total = agg.total(g, Metric::Count(Counter::First(s)));
                        (s.label().to_string(), total)
                    })
                    .collect();
                ("first_status".to_string(), Value::PerStatus(first))
            }
        })
        .collect();
    ClassSummary {
        class: agg.groups[g].clone(),
        fields: Fields(fields),
    }
}
