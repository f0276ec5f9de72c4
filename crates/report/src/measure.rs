//! Per-replica measurements over a time window, used by sweeps and expectations.

use s3sim_model::metrics::{BinnedMetrics, COUNTERS, Metric};
use s3sim_scenario::LoadedScenario;
use s3sim_scenario::schema::Expectation;
use s3sim_scenario::units::Dur;

/// The bins whose start lies in [from_s, to_s).
fn bins_in(metrics: &BinnedMetrics, from_s: f64, to_s: f64) -> impl Iterator<Item = usize> + '_ {
    let width = metrics.bin_width.as_secs_f64();
    (0..metrics.bins).filter(move |&b| {
        let start = b as f64 * width;
        start >= from_s && start < to_s
    })
}

/// Measure one replica's value of `metric` for `group` over the bins starting in
/// [from_s, to_s).
///
/// Counters are summed; rates are the ratio of the window's totals (so a busy bin
/// weighs more than a quiet one); latency quantiles are not defined over windows (NaN).
///
/// ```
/// use s3sim_model::metrics::{Completion, Counter, Metric, Recorder};
/// use s3sim_model::response::Status;
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_report::measure::window_value;
/// let mut r = Recorder::new(SimDuration::from_secs(60), SimDuration::from_secs(180), 1);
/// let ms = SimDuration::from_millis(10);
/// r.request_done(0, SimTime::from_secs(10), Completion { round_trips: 2, ..Completion::ok(Status::TemporaryRedirect, ms) });
/// r.request_done(0, SimTime::from_secs(70), Completion { round_trips: 1, ..Completion::ok(Status::Ok, ms) });
/// r.request_done(0, SimTime::from_secs(80), Completion { round_trips: 1, ..Completion::ok(Status::Ok, ms) });
/// let m = r.finish();
/// assert_eq!(window_value(&m, 0, Metric::RedirectRate, 0.0, 180.0), 1.0 / 3.0);
/// assert_eq!(window_value(&m, 0, Metric::RedirectRate, 60.0, 180.0), 0.0);
/// assert_eq!(window_value(&m, 0, Metric::Count(Counter::Requests), 0.0, 120.0), 3.0);
/// ```
pub fn window_value(
    metrics: &BinnedMetrics,
    group: usize,
    metric: Metric,
    from_s: f64,
    to_s: f64,
) -> f64 {
    let mut row = [0u64; COUNTERS];
    for bin in bins_in(metrics, from_s, to_s) {
        for (sum, value) in row.iter_mut().zip(metrics.row(bin, group)) {
            *sum += value;
        }
    }
    metric.from_row(&row)
}

/// Find when `metric` settles: the start (s) of the first bin after which every bin
/// with data has the metric at or below `threshold`; NaN if the last bin with data is
/// above.
///
/// ```
/// use s3sim_model::metrics::{Completion, Metric, Recorder};
/// use s3sim_model::response::Status;
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_report::measure::settle_time_s;
/// let mut r = Recorder::new(SimDuration::from_secs(60), SimDuration::from_secs(240), 1);
/// let ms = SimDuration::from_millis(10);
/// r.request_done(0, SimTime::from_secs(70), Completion { round_trips: 2, ..Completion::ok(Status::TemporaryRedirect, ms) });
/// r.request_done(0, SimTime::from_secs(200), Completion { round_trips: 1, ..Completion::ok(Status::Ok, ms) });
/// let m = r.finish();
/// assert_eq!(settle_time_s(&m, 0, Metric::RedirectRate, 0.01), 120.0);
/// ```
pub fn settle_time_s(metrics: &BinnedMetrics, group: usize, metric: Metric, threshold: f64) -> f64 {
    let mut settled_from = 0;
    let mut last_above = false;
    for bin in 0..metrics.bins {
        let value = metric.value(metrics, bin, group);
        if value.is_nan() {
            continue;
        }
        last_above = value > threshold;
        if last_above {
            settled_from = bin + 1;
        }
    }
    if last_above {
        f64::NAN
    } else {
        settled_from as f64 * metrics.bin_width.as_secs_f64()
    }
}

/// The redirect-rate threshold of the `redirect_rate_settled_s` summary metric.
pub const SETTLE_THRESHOLD: f64 = 0.01;

/// Name one per-replica scalar that a check needs of every replica, so that a run can
/// keep that number instead of the replica's whole output.
#[derive(Clone, Debug, PartialEq)]
pub enum Probe {
    /// [`window_value`] of `metric` for `class` over the bins starting in [from_s, to_s).
    Window {
        /// Client class name, or `all`.
        class: String,
        /// The metric.
        metric: Metric,
        /// Window start, seconds.
        from_s: f64,
        /// Window end, seconds (infinity for the end of the run).
        to_s: f64,
    },
    /// [`settle_time_s`] of `metric` for `class` below `threshold`.
    Settle {
        /// Client class name, or `all`.
        class: String,
        /// The metric.
        metric: Metric,
        /// The threshold the metric must stay at or below.
        threshold: f64,
    },
}

impl Probe {
    /// Measure the probe on one replica's metrics; `groups` are `all` then the class
    /// names. NaN for a class the replica does not have.
    pub fn measure(&self, metrics: &BinnedMetrics, groups: &[String]) -> f64 {
        let group = |class: &str| groups.iter().position(|g| g == class);
        match self {
            Probe::Window {
                class,
                metric,
                from_s,
                to_s,
            } => group(class).map_or(f64::NAN, |g| {
                window_value(metrics, g, *metric, *from_s, *to_s)
            }),
            Probe::Settle {
                class,
                metric,
                threshold,
            } => group(class).map_or(f64::NAN, |g| settle_time_s(metrics, g, *metric, *threshold)),
        }
    }
}

/// List the probe of each of `loaded`'s expectations, in order: what the expectation
/// measures on every replica (a window's value, or a settle time).
pub fn expectation_probes(loaded: &LoadedScenario) -> Vec<Probe> {
    let window = |metric: &str, class: &str, from: &Option<Dur>, to: &Option<Dur>| Probe::Window {
        class: class.to_string(),
        metric: Metric::from_name(metric).unwrap_or(Metric::RedirectRate),
        from_s: from.map_or(0.0, |d| d.0.as_secs_f64()),
        to_s: to.map_or(f64::INFINITY, |d| d.0.as_secs_f64()),
    };
    loaded
        .scenario
        .expect
        .iter()
        .map(|e| match e {
            Expectation::MeanBelow {
                metric,
                class,
                from,
                to,
                ..
            }
            | Expectation::MeanAbove {
                metric,
                class,
                from,
                to,
                ..
            }
            | Expectation::PointLess {
                metric,
                class,
                from,
                to,
                ..
            } => window(metric, class, from, to),
            Expectation::TotalBetween { metric, class, .. } => window(metric, class, &None, &None),
            Expectation::SettlesBelow {
                metric,
                class,
                threshold,
                ..
            } => Probe::Settle {
                class: class.clone(),
                metric: Metric::from_name(metric).unwrap_or(Metric::RedirectRate),
                threshold: *threshold,
            },
        })
        .collect()
}
