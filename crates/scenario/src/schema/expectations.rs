//! Assertions on a run's outcome: the `expect` list, checked by `s3sim check`.

use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// State one assertion about a run's outcome; it holds when its 95 % CI is within the bound.
///
/// Metrics are the names of `timeseries.csv` (counters and rates; latency quantiles are
/// not averaged over windows). `class` is a client class name or `"all"` (the
/// default). A window `from`..`to` defaults to the whole run; in a sweep, `point`
/// (0-based) restricts the assertion to one point, otherwise every point must
/// satisfy it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Expectation {
    /// `mean_below(metric: "redirect_rate", from: "75m", max: 0.01)`: the metric over the
    /// window (rates: ratio of the window's totals) has its CI at or below `max`.
    MeanBelow {
        /// A `timeseries.csv` column, e.g. `"redirect_rate"`.
        metric: String,
        /// Client class, or `"all"`. Default `"all"`.
        #[serde(default = "defaults::all")]
        class: String,
        /// Window start. Default: the start of the run.
        #[serde(default)]
        from: Option<Dur>,
        /// Window end. Default: the end of the run.
        #[serde(default)]
        to: Option<Dur>,
        /// Upper bound, in the metric's unit.
        max: f64,
        /// Only this sweep point. Default: every point.
        #[serde(default)]
        point: Option<usize>,
    },
    /// `mean_above(metric: "redirect_rate", from: "10m", to: "15m", min: 0.3)`: the
    /// metric over the window has its CI at or above `min`.
    MeanAbove {
        /// A `timeseries.csv` column, e.g. `"redirect_rate"`.
        metric: String,
        /// Client class, or `"all"`. Default `"all"`.
        #[serde(default = "defaults::all")]
        class: String,
        /// Window start. Default: the start of the run.
        #[serde(default)]
        from: Option<Dur>,
        /// Window end. Default: the end of the run.
        #[serde(default)]
        to: Option<Dur>,
        /// Lower bound, in the metric's unit.
        min: f64,
        /// Only this sweep point. Default: every point.
        #[serde(default)]
        point: Option<usize>,
    },
    /// `settles_below(metric: "redirect_rate", threshold: 0.01, by: "75m")`: the start of
    /// the first bin after which the metric stays at or below `threshold` (bins without
    /// data do not count against it) has its CI at or before `by`.
    SettlesBelow {
        /// A `timeseries.csv` column, e.g. `"redirect_rate"`.
        metric: String,
        /// Client class, or `"all"`. Default `"all"`.
        #[serde(default = "defaults::all")]
        class: String,
        /// Level the metric must stay at or below, in its unit.
        threshold: f64,
        /// Latest time (since the start of the run) it may settle.
        by: Dur,
        /// Only this sweep point. Default: every point.
        #[serde(default)]
        point: Option<usize>,
    },
    /// `total_between(metric: "status_404", min: 0, max: 10)`: the metric over the whole
    /// run (counters: total per replica) has its CI within [min, max].
    TotalBetween {
        /// A `timeseries.csv` column, e.g. `"status_404"`.
        metric: String,
        /// Client class, or `"all"`. Default `"all"`.
        #[serde(default = "defaults::all")]
        class: String,
        /// Lower bound, in the metric's unit.
        min: f64,
        /// Upper bound, in the metric's unit, not below `min`.
        max: f64,
        /// Only this sweep point. Default: every point.
        #[serde(default)]
        point: Option<usize>,
    },
    /// `point_less(metric: "redirect_rate", lower: 2, higher: 0)`: in a sweep, the metric
    /// at point `lower` is below the one at point `higher`: the CI of their per-replica
    /// difference (paired by common random numbers) lies below zero.
    PointLess {
        /// A `timeseries.csv` column, e.g. `"redirect_rate"`.
        metric: String,
        /// Client class, or `"all"`. Default `"all"`.
        #[serde(default = "defaults::all")]
        class: String,
        /// Window start. Default: the start of the run.
        #[serde(default)]
        from: Option<Dur>,
        /// Window end. Default: the end of the run.
        #[serde(default)]
        to: Option<Dur>,
        /// The sweep point expected lower (0-based).
        lower: usize,
        /// The sweep point expected higher (0-based), not `lower`.
        higher: usize,
    },
}

mod defaults {
    pub fn all() -> String {
        "all".into()
    }
}
