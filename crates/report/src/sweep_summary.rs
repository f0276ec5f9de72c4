//! Summarise a sweep: every point's whole-run estimates, per class, side by side.
//!
//! The summary is what `sweep.csv` and the sweep charts show: one estimate per point ×
//! class × summary metric, with the swept paths and values that tell the points apart.

use crate::runner::RunResult;
use crate::stats::Estimate;
use s3sim_model::metrics::Metric;
use s3sim_scenario::LoadedScenario;

pub use crate::measure::SETTLE_THRESHOLD;

/// Name one summary metric of a sweep point: a whole-run total or a settle time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryMetric {
    /// A whole-run value of a time-series metric (counters summed, rates of totals).
    Total(Metric),
    /// When the redirect rate first stays at or below [`SETTLE_THRESHOLD`], in seconds.
    RedirectsSettled,
}

impl SummaryMetric {
    /// List every summary metric, in output order: the whole-run metrics but latency
    /// quantiles (not defined over a whole run), then the settle time.
    pub fn all() -> Vec<SummaryMetric> {
        Metric::all()
            .filter(|m| !matches!(m, Metric::LatencyP50 | Metric::LatencyP99))
            .map(SummaryMetric::Total)
            .chain([SummaryMetric::RedirectsSettled])
            .collect()
    }

    /// Give the name in outputs.
    pub fn name(self) -> String {
        match self {
            SummaryMetric::Total(m) => m.name(),
            SummaryMetric::RedirectsSettled => "redirect_rate_settled_s".into(),
        }
    }

    /// Say what the metric measures (see [`Metric::meaning`]).
    pub fn meaning(self) -> String {
        match self {
            SummaryMetric::Total(m) => m.meaning(),
            SummaryMetric::RedirectsSettled => format!(
                "when the redirect rate first stays at or below {SETTLE_THRESHOLD} to the end, from the start of the run (whole run only)"
            ),
        }
    }

    /// Give the metric's unit (see [`Metric::unit`]).
    pub fn unit(self) -> &'static str {
        match self {
            SummaryMetric::Total(m) => m.unit(),
            SummaryMetric::RedirectsSettled => "s",
        }
    }
}

/// Estimate when the redirect rate of `group` settled (see
/// [`SummaryMetric::RedirectsSettled`]): seconds from the start of the run, per replica.
pub fn settled(result: &RunResult, group: usize) -> Estimate {
    let samples: Vec<f64> = result.replicas.iter().map(|r| r.settled[group]).collect();
    Estimate::from_samples(&samples)
}

/// Write a swept RON value as a plain number in SI units, for `sweep.csv`: a duration
/// (`"30s"`) in seconds, a rate (`"30/min"`) per second, a number as written; `true`
/// and `false` and a bare name (`global`) as they are; anything else (a list, a call
/// like `fixed("0s")`) as an empty field, which the point's label shows instead.
///
/// ```
/// use s3sim_report::sweep_summary::si_value;
/// assert_eq!(si_value("\"1h\""), "3600");
/// assert_eq!(si_value("\"250ms\""), "0.25");
/// assert_eq!(si_value("\"30/min\""), "0.5");
/// assert_eq!(si_value("12"), "12");
/// assert_eq!(si_value("0.25"), "0.25");
/// assert_eq!(si_value("legacy"), "legacy");
/// assert_eq!(si_value("false"), "false");
/// assert_eq!(si_value("fixed(\"0s\")"), "");
/// assert_eq!(si_value("[]"), "");
/// ```
pub fn si_value(ron_value: &str) -> String {
    use s3sim_scenario::units::{Dur, Rate};
    let text = ron_value.trim();
    if let Ok(d) = ron::from_str::<Dur>(text) {
        return d.0.as_secs_f64().to_string();
    }
    if let Ok(r) = ron::from_str::<Rate>(text) {
        return r.per_sec().to_string();
    }
    if let Ok(n) = ron::from_str::<f64>(text) {
        return n.to_string();
    }
    let bare = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if bare {
        text.to_string()
    } else {
        String::new()
    }
}

/// The label of `point` in `sweep.csv`: its name when the sweep names its points, else
/// `path=value` per swept path, joined by `; `, with a plain RON string written bare
/// (`resolvers[0].max_ttl=1h; resolvers[0].min_ttl=1h`), so that the field needs no
/// CSV quotes unless a value is itself a list or a call.
///
/// ```
/// use s3sim_report::sweep_summary::csv_label;
/// let paths = ["a.ttl".to_string(), "b.mode".to_string()];
/// let values = ["\"1h\"".to_string(), "legacy".to_string()];
/// assert_eq!(csv_label(None, &paths, &values), "a.ttl=1h; b.mode=legacy");
/// assert_eq!(csv_label(Some("fast"), &paths, &values), "fast");
/// let call = ["fixed(\"0s\")".to_string()];
/// assert_eq!(csv_label(None, &paths[..1], &call), "a.ttl=fixed(\"0s\")");
/// ```
pub fn csv_label(name: Option<&str>, paths: &[String], values: &[String]) -> String {
    if let Some(name) = name {
        return name.to_string();
    }
    let bare = |v: &str| -> String {
        let inner = v.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
        match inner {
            Some(inner) if !inner.contains(['"', '\\']) => inner.to_string(),
            _ => v.to_string(),
        }
    };
    paths
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{p}={}", bare(v)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Hold every point's summary estimates, with the swept paths and values.
///
/// ```
/// use s3sim_report::sweep_summary::{SummaryMetric, SweepSummary};
/// let story = s3sim_scenario::DEFAULT_SCENARIO.split("    expect: [").next().unwrap();
/// let text = format!("{story})")
///     .replace("duration: \"2h\"", "duration: \"20m\"")
///     .replace("    clients: [", "    sweep: (fields: [(path: \"seed\", values: [1, 2])]),\n    clients: [");
/// let loaded = s3sim_scenario::parse(&text, "s").unwrap();
/// let options = s3sim_report::RunOptions { seed: 1, replicas: 2, progress: false };
/// let results = s3sim_report::run_points(&loaded, options);
/// let summary = SweepSummary::new(&loaded, &results);
/// assert_eq!(summary.paths, ["seed"]);
/// assert_eq!(summary.values[1], ["2"]);
/// let requests = summary.get(0, 0, SummaryMetric::Total(s3sim_model::metrics::Metric::RedirectRate));
/// assert!(requests.mean > 0.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSummary {
    /// Swept field paths.
    pub paths: Vec<String>,
    /// Per point, the RON value of each path.
    pub values: Vec<Vec<String>>,
    /// Per point, its label (its name, or `path=value, …`).
    pub labels: Vec<String>,
    /// Per point, its name; empty when the sweep does not name its points.
    pub names: Vec<String>,
    /// `all`, then client classes.
    pub groups: Vec<String>,
    /// Summary metrics in output order.
    pub metrics: Vec<SummaryMetric>,
    estimates: Vec<Estimate>,
}

impl SweepSummary {
    /// Summarise the per-point results of `loaded`'s sweep.
    pub fn new(loaded: &LoadedScenario, results: &[RunResult]) -> Self {
        let paths = loaded.points[0]
            .settings
            .iter()
            .map(|(p, _)| p.clone())
            .collect();
        let values = loaded
            .points
            .iter()
            .map(|p| p.settings.iter().map(|(_, v)| v.clone()).collect())
            .collect();
        let labels = loaded.points.iter().map(|p| p.label()).collect();
        let names = loaded
            .points
            .iter()
            .filter_map(|p| p.name.clone())
            .collect();
        let groups = results[0].aggregate.groups.clone();
        let metrics = SummaryMetric::all();
        let mut estimates = Vec::with_capacity(results.len() * groups.len() * metrics.len());
        for result in results {
            for group in 0..groups.len() {
                for &metric in &metrics {
                    estimates.push(match metric {
                        SummaryMetric::Total(m) => result.aggregate.total(group, m),
                        SummaryMetric::RedirectsSettled => settled(result, group),
                    });
                }
            }
        }
        SweepSummary {
            paths,
            values,
            labels,
            names,
            groups,
            metrics,
            estimates,
        }
    }

    /// Count the points.
    pub fn points(&self) -> usize {
        self.labels.len()
    }

    /// Look up the estimate of `metric` for `group` at `point`.
    pub fn get(&self, point: usize, group: usize, metric: SummaryMetric) -> Estimate {
        let m = self
            .metrics
            .iter()
            .position(|&x| x == metric)
            .expect("summarised");
        self.estimates[(point * self.groups.len() + group) * self.metrics.len() + m]
    }
}
