//! Turn a scenario's delay distributions into the model's.

use crate::schema::DelaySpec;
use s3sim_model::distribution::Delay;

/// The model's form of `d`: the same distribution, durations as `SimDuration`s.
pub(crate) fn delay(d: &DelaySpec) -> Delay {
    match d {
        DelaySpec::Fixed(v) => Delay::Fixed(v.0),
        DelaySpec::Uniform { low, high } => Delay::Uniform {
            low: low.0,
            high: high.0,
        },
        DelaySpec::Exponential { mean } => Delay::Exponential { mean: mean.0 },
        DelaySpec::LogNormal { median, sigma } => Delay::LogNormal {
            median: median.0,
            sigma: *sigma,
        },
        DelaySpec::Quantiles(points) => {
            Delay::Quantiles(points.iter().map(|&(p, d)| (p, d.0)).collect())
        }
    }
}
