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

/// The defined bins of (group, metric) as steps (see [`step_runs`]).
pub(crate) fn metric_runs(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    group: usize,
    metric: Metric,
) -> Vec<Vec<Point>> {
    step_runs(aggregate, axis, value_limit(metric), |bin| {
        aggregate.get(bin, group, metric)
    })
}

/// The largest value `metric` can take on a chart: 1 for a share, none otherwise
/// (queries per lookup, latencies in ms).
pub(crate) fn value_limit(metric: Metric) -> f64 {
    if metric.unit() == "share" {
        1.0
    } else {
        f64::INFINITY
    }
}

/// Every bin's estimate drawn as a step over the whole bin (the same point at its
/// start and at its end), in runs broken at bins without data, clamped to
/// [0, `limit`].
///
/// Steps, not lines between bin centres: a line would start rising half a bin before
/// the event that caused the rise, and cross the event's marker.
pub(crate) fn step_runs(
    aggregate: &Aggregate,
    axis: &TimeAxis,
    limit: f64,
    estimate: impl Fn(usize) -> Estimate,
) -> Vec<Vec<Point>> {
    let steps = (0..aggregate.bins).map(|bin| {
        let (start, end) = axis.bin_range(aggregate, bin);
        let p = estimate_point(start, estimate(bin), limit)?;
        Some([p, Point { x: end, ..p }])
    });
    split_runs(steps)
        .into_iter()
        .map(|run| run.into_iter().flatten().collect())
        .collect()
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
