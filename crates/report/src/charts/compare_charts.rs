//! Overlay charts of two runs (`s3sim compare`): the all-clients redirect rate and
//! error rate of run A and run B on one time axis, each with its 95 % band.
//!
//! A is drawn solid in black, B dashed in orange, so the two read apart in greyscale
//! print too.

use super::axis::TimeAxis;
use super::palette::{ALL_BLACK, class_color};
use super::spec::{ChartSpec, Point, Series};
use std::collections::BTreeMap;

/// Hold one run's curves as `timeseries.csv` gives them, for an overlay chart.
#[derive(Clone, Debug)]
pub struct CompareCurve {
    /// The legend label of the run (e.g. `A: new-bucket-propagation (seed 2026)`).
    pub label: String,
    /// Bin width in seconds.
    pub bin_s: f64,
    /// Replicas behind each mean.
    pub replicas: u32,
    /// metric → (bin start in seconds, mean, 95 % CI low, high), in time order.
    pub curves: BTreeMap<String, Vec<(f64, f64, f64, f64)>>,
}

/// The overlay charts and their file stems: (stem, metric, y axis text, title text).
pub(crate) const OVERLAYS: [(&str, &str, &str); 2] = [
    ("compare_redirect_rate", "redirect_rate", "redirect rate"),
    ("compare_error_rate", "error_rate", "error rate"),
];

/// The overlay chart of `metric` (`what` names it in the title) for runs `a` and `b`.
pub(crate) fn overlay(a: &CompareCurve, b: &CompareCurve, metric: &str, what: &str) -> ChartSpec {
    let end = |c: &CompareCurve| {
        c.curves
            .get(metric)
            .and_then(|points| points.last())
            .map_or(0.0, |p| p.0 + c.bin_s)
    };
    let axis = TimeAxis::new(end(a).max(end(b)));
    let mut spec = ChartSpec::new(
        &axis,
        format!("compare: {what} over time (all clients), A against B"),
        &format!("{what} (share of requests)"),
    );
    let looks = [(a, ALL_BLACK, false), (b, class_color(2), true)];
    for (run, color, dashed) in looks {
        let runs = steps(run, metric, &axis);
        let series = Series::banded(runs, color, 3, 0.18);
        let series = if dashed {
            series.dashed(&[16, 7])
        } else {
            series
        };
        spec.add_line(run.label.clone(), series);
    }
    spec.fit_y();
    spec.note = format!(
        "means of {} (A) and {} (B) replicas per bin; shaded: 95% confidence interval of each mean",
        a.replicas, b.replicas
    );
    spec
}

/// The curve of `metric` as steps over its bins, clamped to [0, 1], broken where
/// bins are missing.
fn steps(run: &CompareCurve, metric: &str, axis: &TimeAxis) -> Vec<Vec<Point>> {
    let mut runs: Vec<Vec<Point>> = Vec::new();
    let mut current: Vec<Point> = Vec::new();
    let mut last_end = f64::NAN;
    for &(start, mean, low, high) in run.curves.get(metric).into_iter().flatten() {
        if !mean.is_finite() {
            continue;
        }
        if !current.is_empty() && start != last_end {
            runs.push(std::mem::take(&mut current));
        }
        let clamp = |v: f64| {
            if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                mean.clamp(0.0, 1.0)
            }
        };
        let mean_c = clamp(mean);
        let p = Point {
            x: axis.at(start),
            mean: mean_c,
            low: clamp(low).min(mean_c),
            high: clamp(high).max(mean_c),
        };
        last_end = start + run.bin_s;
        current.push(p);
        current.push(Point {
            x: axis.at(last_end),
            ..p
        });
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(values: &[(f64, f64)]) -> CompareCurve {
        CompareCurve {
            label: "A".into(),
            bin_s: 60.0,
            replicas: 2,
            curves: BTreeMap::from([(
                "redirect_rate".to_string(),
                values
                    .iter()
                    .map(|&(t, m)| (t, m, m - 0.1, m + 0.1))
                    .collect(),
            )]),
        }
    }

    #[test]
    fn missing_bins_break_the_steps() {
        let run = curve(&[(0.0, 0.5), (60.0, 0.5), (180.0, 0.2)]);
        let axis = TimeAxis::new(240.0);
        let runs = steps(&run, "redirect_rate", &axis);
        assert_eq!(runs.len(), 2);
        let xs: Vec<f64> = runs[0].iter().map(|p| p.x).collect();
        assert_eq!(xs, [0.0, 1.0, 1.0, 2.0]);
        assert_eq!((runs[1][0].x, runs[1][1].x), (3.0, 4.0));
    }

    #[test]
    fn overlay_has_both_runs_in_the_legend() {
        let a = curve(&[(0.0, 0.5)]);
        let mut b = curve(&[(0.0, 0.25)]);
        b.label = "B".into();
        let spec = overlay(&a, &b, "redirect_rate", "redirect rate");
        let labels: Vec<&str> = spec.legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["A", "B"]);
        assert_eq!(spec.series[1].dash, &[16, 7]);
        assert!((spec.y_max - 0.66).abs() < 1e-12);
    }
}
