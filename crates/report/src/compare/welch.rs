//! Welch's two-sample interval for a difference of means.
//!
//! Two runs' replicas are independent samples with possibly different variances and
//! sizes, so the difference of their means gets Welch's t interval with the
//! Welch–Satterthwaite degrees of freedom (Welch 1947,
//! <https://en.wikipedia.org/wiki/Welch%27s_t-test>); the t quantile is statrs'.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Hold the difference B − A of two samples' means and its Welch interval.
///
/// ```
/// use s3sim_report::compare::Welch;
/// let w = Welch::of(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0], 0.05).unwrap();
/// assert_eq!(w.diff, 3.0);
/// assert_eq!(w.df, 4.0); // equal sizes and variances: n_a + n_b − 2
/// assert!((w.high - 5.2672).abs() < 1e-3); // 3 + t(0.975, 4) · √(2/3)
/// assert!(w.excludes_zero());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Welch {
    /// Mean of B minus mean of A.
    pub diff: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
    /// Welch–Satterthwaite degrees of freedom (infinite when both samples are constant).
    pub df: f64,
}

impl Welch {
    /// Compute the two-sided 1 − `alpha` interval of mean(b) − mean(a).
    ///
    /// `None` when a sample has fewer than two values (no variance to estimate).
    /// When both samples are constant the interval is the difference itself: every
    /// replica of each run agrees.
    pub fn of(a: &[f64], b: &[f64], alpha: f64) -> Option<Welch> {
        let (mean_a, var_a) = mean_var(a)?;
        let (mean_b, var_b) = mean_var(b)?;
        let (na, nb) = (a.len() as f64, b.len() as f64);
        let (sa, sb) = (var_a / na, var_b / nb);
        let diff = mean_b - mean_a;
        let se2 = sa + sb;
        if se2 <= 0.0 {
            return Some(Welch {
                diff,
                low: diff,
                high: diff,
                df: f64::INFINITY,
            });
        }
        let df = se2 * se2 / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
        let t = StudentsT::new(0.0, 1.0, df)
            .ok()?
            .inverse_cdf(1.0 - alpha / 2.0);
        let half = t * se2.sqrt();
        Some(Welch {
            diff,
            low: diff - half,
            high: diff + half,
            df,
        })
    }

    /// Tell whether the interval lies wholly on one side of 0.
    pub fn excludes_zero(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

/// Mean and sample variance (summed in order), or `None` below two values.
fn mean_var(values: &[f64]) -> Option<(f64, f64)> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((mean, var))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unequal_variances_get_satterthwaite_df() {
        // a: var 1, n 3 → 1/3; b: var 100, n 5 → 20.
        let a = [0.0, 1.0, 2.0];
        let b = [0.0, 5.0, 10.0, 15.0, 20.0];
        let w = Welch::of(&a, &b, 0.05).unwrap();
        let se2: f64 = 1.0 / 3.0 + 250.0 / 4.0 / 5.0;
        let df = se2 * se2 / ((1.0f64 / 3.0).powi(2) / 2.0 + (12.5f64).powi(2) / 4.0);
        assert!((w.df - df).abs() < 1e-12);
        assert_eq!(w.diff, 9.0);
        assert!(!w.excludes_zero());
    }

    #[test]
    fn constant_samples_give_a_point_interval() {
        let w = Welch::of(&[2.0, 2.0], &[3.0, 3.0, 3.0], 0.05).unwrap();
        assert_eq!((w.low, w.high), (1.0, 1.0));
        assert!(w.excludes_zero());
        let same = Welch::of(&[0.0, 0.0], &[0.0, 0.0], 0.05).unwrap();
        assert!(!same.excludes_zero());
    }

    #[test]
    fn one_value_is_not_enough() {
        assert_eq!(Welch::of(&[1.0], &[1.0, 2.0], 0.05), None);
    }

    #[test]
    fn smaller_alpha_widens_the_interval() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 3.0, 4.0, 6.0];
        let w95 = Welch::of(&a, &b, 0.05).unwrap();
        let w999 = Welch::of(&a, &b, 0.001).unwrap();
        assert!(w999.high - w999.low > w95.high - w95.low);
    }
}
