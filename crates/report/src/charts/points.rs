//! Turn estimates into plotted points: clamped to the axis, in runs broken at gaps.
//!
//! A bin where no replica had a value breaks a line rather than dropping it to zero,
//! so "no data" never reads as "none".

use super::axis::TimeAxis;
use super::spec::Point;
use crate::aggregate::Aggregate;
use crate::stats::Estimate;
use s3sim_model::metrics::Metric;

/// A share clamped into [0, 1]; NaN stays NaN.
pub(crate) fn share(v: f64) -> f64 {
    if v.is_nan() { v } else { v.clamp(0.0, 1.0) }
}

/// Split a sequence of optional points into maximal runs of defined ones.
pub(crate) fn split_runs<T>(points: impl IntoIterator<Item = Option<T>>) -> Vec<Vec<T>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for point in points {
        match point {
            Some(p) => current.push(p),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The defined points of (group, metric), one per bin at the bin's centre, as runs.
pub(crate) fn metric_runs(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    group: usize,
    metric: Metric,
) -> Vec<Vec<Point>> {
    split_runs((0..aggregate.bins).map(|bin| metric_point(aggregate, axis, bin, group, metric)))
}

/// The estimate of (group, metric) in `bin` at the bin's centre; `None` without data.
fn metric_point(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    bin: usize,
    group: usize,
    metric: Metric,
) -> Option<Point> {
    let (start, end) = axis.bin_range(aggregate, bin);
    estimate_point((start + end) / 2.0, aggregate.get(bin, group, metric), 1.0)
}

/// A point at `x` from an estimate, clamped to [0, `limit`] (a share for 1); `None`
/// without data. Undefined bounds collapse onto the mean.
pub(crate) fn estimate_point(x: f64, e: Estimate, limit: f64) -> Option<Point> {
    if e.n == 0 || !e.mean.is_finite() {
        return None;
    }
    let clamp = |v: f64| {
        if limit == 1.0 {
            share(v)
        } else {
            v.clamp(0.0, limit)
        }
    };
    let mean = clamp(e.mean);
    let low = if e.low.is_finite() {
        clamp(e.low).min(mean)
    } else {
        mean
    };
    let high = if e.high.is_finite() {
        clamp(e.high).max(mean)
    } else {
        mean
    };
    Some(Point { x, mean, low, high })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_break_at_missing_points() {
        let runs = split_runs([
            None,
            Some(1),
            Some(2),
            None,
            None,
            Some(3),
            None,
            Some(4),
            Some(5),
        ]);
        assert_eq!(runs, vec![vec![1, 2], vec![3], vec![4, 5]]);
        assert!(split_runs::<u8>([None, None]).is_empty());
    }
}
