//! Random delays used by scenarios: propagation delays, service times.

use rand::RngExt;
use rand_distr::{Distribution, Exp, LogNormal};
use s3sim_engine::{SimDuration, SimRng};

/// Describe how a random delay is distributed.
///
/// The closed forms of docs/domain.md §6 need the CDF as well as samples, so both live here.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration};
/// use s3sim_model::distribution::Delay;
/// let d = Delay::Uniform { low: SimDuration::from_secs(10), high: SimDuration::from_secs(20) };
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// let x = d.sample(&mut rng);
/// assert!(x >= SimDuration::from_secs(10) && x <= SimDuration::from_secs(20));
/// assert_eq!(d.cdf(SimDuration::from_secs(15)), 0.5);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Delay {
    /// Always the same delay.
    Fixed(SimDuration),
    /// Uniform between `low` and `high`.
    Uniform {
        /// The shortest delay.
        low: SimDuration,
        /// The longest delay.
        high: SimDuration,
    },
    /// Exponential with the given mean.
    Exponential {
        /// The mean delay.
        mean: SimDuration,
    },
    /// Log-normal with the given median and shape `sigma` (of the underlying normal).
    LogNormal {
        /// The median delay.
        median: SimDuration,
        /// The standard deviation of the delay's logarithm.
        sigma: f64,
    },
    /// Empirical: (cumulative probability, delay) points, linearly interpolated.
    /// Probabilities rise from 0 to 1 and delays do not fall (checked by the scenario layer).
    Quantiles(Vec<(f64, SimDuration)>),
}

impl Delay {
    /// Draw one delay.
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            Delay::Fixed(d) => *d,
            Delay::Uniform { low, high } => {
                let span = high.as_nanos() - low.as_nanos();
                SimDuration::from_nanos(low.as_nanos() + rng.random_range(0..=span))
            }
            Delay::Exponential { mean } => {
                let exp = Exp::new(1.0).expect("rate 1 is valid");
                SimDuration::from_secs_f64(mean.as_secs_f64() * exp.sample(rng))
            }
            Delay::LogNormal { median, sigma } => {
                let ln = LogNormal::new(median.as_secs_f64().ln(), *sigma)
                    .expect("sigma checked by the scenario layer");
                SimDuration::from_secs_f64(ln.sample(rng))
            }
            Delay::Quantiles(points) => interpolate(points, rng.random::<f64>()),
        }
    }

    /// Compute the probability that a draw is at most `d`.
    pub fn cdf(&self, d: SimDuration) -> f64 {
        let x = d.as_secs_f64();
        match self {
            Delay::Fixed(v) => f64::from(u8::from(d >= *v)),
            Delay::Uniform { low, high } => {
                let (lo, hi) = (low.as_secs_f64(), high.as_secs_f64());
                if hi <= lo {
                    return f64::from(u8::from(x >= lo));
                }
                ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
            }
            Delay::Exponential { mean } => 1.0 - (-x / mean.as_secs_f64()).exp(),
            Delay::LogNormal { median, sigma } => {
                if x <= 0.0 {
                    return 0.0;
                }
                let z = (x.ln() - median.as_secs_f64().ln()) / (sigma * std::f64::consts::SQRT_2);
                0.5 * (1.0 + statrs::function::erf::erf(z))
            }
            Delay::Quantiles(points) => quantile_cdf(points, d),
        }
    }

    /// Compute the mean delay, for reporting and sanity checks.
    pub fn mean(&self) -> SimDuration {
        match self {
            Delay::Fixed(d) => *d,
            Delay::Uniform { low, high } => {
                SimDuration::from_nanos(low.as_nanos() / 2 + high.as_nanos() / 2)
            }
            Delay::Exponential { mean } => *mean,
            Delay::LogNormal { median, sigma } => {
                SimDuration::from_secs_f64(median.as_secs_f64() * (sigma * sigma / 2.0).exp())
            }
            Delay::Quantiles(points) => {
                let area: f64 = points
                    .windows(2)
                    .map(|w| {
                        (w[1].0 - w[0].0) * (w[0].1.as_secs_f64() + w[1].1.as_secs_f64()) / 2.0
                    })
                    .sum();
                SimDuration::from_secs_f64(area)
            }
        }
    }
}

fn interpolate(points: &[(f64, SimDuration)], p: f64) -> SimDuration {
    let i = points
        .partition_point(|&(q, _)| q < p)
        .clamp(1, points.len() - 1);
    let ((p0, d0), (p1, d1)) = (points[i - 1], points[i]);
    if p1 <= p0 {
        return d1;
    }
    let w = ((p - p0) / (p1 - p0)).clamp(0.0, 1.0);
    SimDuration::from_secs_f64(d0.as_secs_f64() + w * (d1.as_secs_f64() - d0.as_secs_f64()))
}

fn quantile_cdf(points: &[(f64, SimDuration)], d: SimDuration) -> f64 {
    let i = points.partition_point(|&(_, v)| v <= d);
    if i == 0 {
        return 0.0;
    }
    if i == points.len() {
        return 1.0;
    }
    let ((p0, d0), (p1, d1)) = (points[i - 1], points[i]);
    let w = (d.as_secs_f64() - d0.as_secs_f64()) / (d1.as_secs_f64() - d0.as_secs_f64());
    p0 + w * (p1 - p0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use s3sim_engine::RandomStreams;

    fn empirical_cdf(delay: &Delay, at: SimDuration, n: usize) -> f64 {
        let mut rng = RandomStreams::new(11).stream("cdf", 0);
        (0..n).filter(|_| delay.sample(&mut rng) <= at).count() as f64 / n as f64
    }

    #[test]
    fn sampled_share_below_a_point_matches_the_cdf_for_every_kind() {
        let s = SimDuration::from_secs;
        let kinds = [
            Delay::Uniform {
                low: s(60),
                high: s(600),
            },
            Delay::Exponential { mean: s(300) },
            Delay::LogNormal {
                median: s(300),
                sigma: 1.0,
            },
            Delay::Quantiles(vec![
                (0.0, s(0)),
                (0.5, s(120)),
                (0.9, s(600)),
                (1.0, s(3600)),
            ]),
        ];
        let n = 40_000;
        for kind in &kinds {
            for at in [s(100), s(300), s(900)] {
                let p = kind.cdf(at);
                let half_width = 4.0 * (p * (1.0 - p) / n as f64).sqrt() + 1e-9;
                let measured = empirical_cdf(kind, at, n);
                assert!(
                    (measured - p).abs() <= half_width,
                    "{kind:?} at {at}: {measured} vs {p}"
                );
            }
        }
    }

    #[test]
    fn quantile_table_interpolates_between_points() {
        let s = SimDuration::from_secs;
        let table = Delay::Quantiles(vec![(0.0, s(0)), (0.5, s(100)), (1.0, s(300))]);
        assert_eq!(
            interpolate(&[(0.0, s(0)), (0.5, s(100)), (1.0, s(300))], 0.75),
            s(200)
        );
        assert_eq!(table.cdf(s(200)), 0.75);
        assert_eq!(table.cdf(s(1000)), 1.0);
        assert_eq!(table.mean(), s(125)); // 0.5·(0+100)/2 + 0.5·(100+300)/2
    }

    #[test]
    fn fixed_delay_is_a_step() {
        let d = Delay::Fixed(SimDuration::from_secs(5));
        assert_eq!(d.cdf(SimDuration::from_secs(4)), 0.0);
        assert_eq!(d.cdf(SimDuration::from_secs(5)), 1.0);
    }
}
