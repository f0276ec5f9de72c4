//! Means and Student-t confidence intervals across replicas.

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
        let values: Vec<f64> = samples.iter().copied().filter(|v| !v.is_nan()).collect();
        let n = values.len();
        if n == 0 {
            return Estimate {
                mean: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
                n: 0,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate {
                mean,
                low: mean,
                high: mean,
                n: 1,
            };
        }
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half = t_quantile_975(n - 1) * (variance / n as f64).sqrt();
        Estimate {
            mean,
            low: mean - half,
            high: mean + half,
            n: n as u32,
        }
    }

    /// Tell whether `value` lies inside the interval.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// Give the 97.5 % quantile of Student's t with `dof` degrees of freedom.
pub fn t_quantile_975(dof: usize) -> f64 {
    StudentsT::new(0.0, 1.0, dof as f64)
        .expect("dof >= 1")
        .inverse_cdf(0.975)
}
