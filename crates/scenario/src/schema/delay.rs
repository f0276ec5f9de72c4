//! Delay distributions, written the same way wherever a field takes one.

use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// Choose a delay distribution.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DelaySpec {
    /// `fixed("5m")`: always this delay.
    Fixed(Dur),
    /// `uniform(low: "1m", high: "10m")`: uniform between the bounds.
    Uniform {
        /// Shortest delay.
        low: Dur,
        /// Longest delay, not below `low`.
        high: Dur,
    },
    /// `exponential(mean: "5m")`: exponential (memoryless) with this mean.
    Exponential {
        /// Mean delay, > 0.
        mean: Dur,
    },
    /// `log_normal(median: "5m", sigma: 1.0)`: median · e^(sigma · N(0, 1)).
    LogNormal {
        /// Median delay, > 0.
        median: Dur,
        /// Standard deviation of the delay's logarithm, 0 to 10 (no unit).
        sigma: f64,
    },
    /// `quantiles([(0.0, "0s"), (0.5, "5m"), (1.0, "2h")])`: (probability, delay) points,
    /// linearly interpolated; probabilities from 0 to 1, delays not decreasing.
    Quantiles(Vec<(f64, Dur)>),
}
