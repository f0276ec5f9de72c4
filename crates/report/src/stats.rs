//! Means and Student-t confidence intervals across replicas.

use s3sim_model::metrics::Metric;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Summarise one quantity across replicas: mean and 95 % confidence interval.
///
/// Replicas whose value is undefined (NaN, e.g. a rate in a bin without requests)
/// are left out; `n` says how many counted. With one replica the bounds equal the mean.
///
/// ```
/// use s3sim_report::stats::Estimate;
/// let e = Estimate::from_samples(&[1.0, 2.0, 3.0, f64::NAN]);
/// assert_eq!((e.mean, e.n), (2.0, 3));
/// assert!((e.high - 4.4841).abs() < 1e-3); // 2 + t(0.975, 2) · 1/√3
/// assert_eq!(Estimate::from_samples(&[5.0]).low, 5.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over the replicas that had a value.
    pub mean: f64,
    /// Lower end of the 95 % Student-t interval.
    #[serde(rename = "ci95_low")]
    pub low: f64,
    /// Upper end of the 95 % Student-t interval.
    #[serde(rename = "ci95_high")]
    pub high: f64,
    /// Replicas that had a value.
    pub n: u32,
}

impl Estimate {
    /// Estimate the mean and interval of the defined samples, summed in order
    /// (deterministic).
    pub fn from_samples(samples: &[f64]) -> Estimate {
        let mut moments = Moments::default();
        samples.iter().for_each(|&v| moments.add(v));
        let mean = moments.mean();
        samples.iter().for_each(|&v| moments.add_deviation(v, mean));
        moments.estimate()
    }

    /// Give the estimate of `metric`: a share's interval (unit `share`, see
    /// [`Metric::unit`]) clamped to [0, 1], which a normal-approximation interval
    /// around a mean near 0 or 1 can leave; any other metric's unchanged.
    ///
    /// ```
    /// use s3sim_model::metrics::Metric;
    /// use s3sim_report::stats::Estimate;
    /// let e = Estimate::from_samples(&[0.0, 0.0, 0.003]);
    /// assert!(e.low < 0.0);
    /// assert_eq!(e.of(Metric::RedirectRate).low, 0.0);
    /// assert_eq!(e.of(Metric::RedirectRate).high, e.high);
    /// assert_eq!(e.of(Metric::ExtraRoundTripsPerRequest).low, e.low);
    /// ```
    pub fn of(self, metric: Metric) -> Estimate {
        if metric.unit() != "share" {
            return self;
        }
        let (low, high) = crate::fmt::clamp_share(self.low, self.high);
        Estimate { low, high, ..self }
    }

    /// Tell whether `value` lies inside the interval.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// Accumulate one quantity's samples in two passes, so that replicas can be streamed.
///
/// Pass one ([`Moments::add`], in sample order) sums the defined samples; pass two
/// ([`Moments::add_deviation`], same order, with the [`Moments::mean`] of pass one)
/// sums squared deviations. The arithmetic is that of a two-pass estimate over a
/// slice, term by term, so [`Moments::estimate`] equals [`Estimate::from_samples`] bit
/// for bit while holding 20 bytes instead of every sample.
///
/// ```
/// use s3sim_report::stats::{Estimate, Moments};
/// let samples = [0.1, 0.7, f64::NAN, 31.1];
/// let mut m = Moments::default();
/// samples.iter().for_each(|&v| m.add(v));
/// let mean = m.mean();
/// samples.iter().for_each(|&v| m.add_deviation(v, mean));
/// assert_eq!(m.estimate(), Estimate::from_samples(&samples));
/// assert_eq!(m.estimate().n, 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moments {
    sum: f64,
    squares: f64,
    n: u32,
}

impl Default for Moments {
    fn default() -> Self {
        // -0.0 is the identity of addition, as in the standard library's `Sum`.
        Moments {
            sum: -0.0,
            squares: -0.0,
            n: 0,
        }
    }
}

impl Moments {
    /// Add a sample to the sum (pass one); NaN (undefined) samples are left out.
    pub fn add(&mut self, value: f64) {
        if !value.is_nan() {
            self.sum += value;
            self.n += 1;
        }
    }

    /// Give the mean of pass one (NaN without samples).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / f64::from(self.n)
        }
    }

    /// Add a sample's squared deviation from `mean` (pass two, same samples in the same
    /// order as pass one).
    pub fn add_deviation(&mut self, value: f64, mean: f64) {
        if !value.is_nan() {
            self.squares += (value - mean).powi(2);
        }
    }

    /// Give the estimate once both passes are done.
    pub fn estimate(&self) -> Estimate {
        let (n, mean) = (self.n, self.mean());
        if n <= 1 {
            return Estimate {
                mean,
                low: mean,
                high: mean,
                n,
            };
        }
        let variance = self.squares / f64::from(n - 1);
        let half = t_quantile_975(n as usize - 1) * (variance / f64::from(n)).sqrt();
        Estimate {
            mean,
            low: mean - half,
            high: mean + half,
            n,
        }
    }
}

/// Give the 97.5 % quantile of Student's t with `dof` degrees of freedom.
///
/// Computed once per `dof` and process (an incomplete-beta inversion, a few
/// microseconds, that every estimate with that many replicas shares).
pub fn t_quantile_975(dof: usize) -> f64 {
    static CACHE: std::sync::Mutex<Vec<(usize, f64)>> = std::sync::Mutex::new(Vec::new());
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&(_, t)) = cache.iter().find(|(d, _)| *d == dof) {
        return t;
    }
    let t = StudentsT::new(0.0, 1.0, dof as f64)
        .expect("dof >= 1")
        .inverse_cdf(0.975);
    cache.push((dof, t));
    t
}
