//! The x axis of time charts and the ticks of every axis.
//!
//! Time reads in minutes, or in hours past six hours, so tick labels stay short; tick
//! spacing follows plotters' own choice so that labels can be given the decimals the
//! ticks need.

use crate::aggregate::Aggregate;
use crate::markers::Marker;

/// The time axis: minutes, or hours for runs longer than six hours.
pub(crate) struct TimeAxis {
    seconds_per_unit: f64,
    pub(crate) desc: &'static str,
    /// The end of the run, in axis units; positive.
    pub(crate) end: f64,
}

impl TimeAxis {
    pub(crate) fn of(aggregate: &Aggregate) -> TimeAxis {
        TimeAxis::spanning(&[aggregate])
    }

    /// One axis for several runs (e.g. the points of a sweep): as long as the longest.
    pub(crate) fn spanning(aggregates: &[&Aggregate]) -> TimeAxis {
        let total_s = aggregates
            .iter()
            .map(|a| a.bin_width.as_secs_f64() * a.bins as f64)
            .filter(|s| s.is_finite())
            .fold(0.0, f64::max);
        TimeAxis::new(total_s)
    }

    /// An axis from 0 to `total_s` seconds.
    pub(crate) fn new(total_s: f64) -> TimeAxis {
        let (seconds_per_unit, desc) = if total_s > 6.0 * 3600.0 {
            (3600.0, "time since start (h)")
        } else {
            (60.0, "time since start (min)")
        };
        let end = total_s / seconds_per_unit;
        let end = if end.is_finite() && end > 0.0 {
            end
        } else {
            1.0
        };
        TimeAxis {
            seconds_per_unit,
            desc,
            end,
        }
    }

    /// `seconds` in axis units.
    pub(crate) fn at(&self, seconds: f64) -> f64 {
        seconds / self.seconds_per_unit
    }

    /// Start and end of `bin`, in axis units.
    pub(crate) fn bin_range(&self, aggregate: &Aggregate, bin: usize) -> (f64, f64) {
        let start = aggregate.bin_start_s(bin);
        (
            self.at(start),
            self.at(start + aggregate.bin_width.as_secs_f64()),
        )
    }

    /// Markers inside the run, in axis units, in time order.
    pub(crate) fn markers(&self, markers: &[Marker]) -> Vec<(f64, String)> {
        let mut out: Vec<(f64, String)> = markers
            .iter()
            .map(|m| (self.at(m.time_s), m.label.clone()))
            .filter(|(x, _)| x.is_finite() && (0.0..=self.end).contains(x))
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }
}

/// Ticks on the axes at most.
pub(crate) const X_TICKS: usize = 13;
pub(crate) const Y_TICKS: usize = 11;

/// An x tick label: whole numbers without decimals, others with one.
pub(crate) fn fmt_x(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The spacing plotters chooses for at most `max_points` ticks on `0..range`: the
/// largest of 10^k, 10^k/2, 10^k/5 that does not give more points (its algorithm).
fn tick_step(range: f64, max_points: usize) -> f64 {
    if !(range.is_finite() && range > 0.0) || max_points == 0 {
        return 1.0;
    }
    let points = |step: f64| 1 + (range / step + 1e-9).floor() as usize;
    let mut step = 10f64.powf(range.log10().floor());
    if points(step) > max_points {
        step *= 10.0;
    }
    loop {
        let coarse = step;
        for divisor in [2.0, 5.0, 10.0] {
            if points(coarse / divisor) > max_points {
                return step;
            }
            step = coarse / divisor;
        }
    }
}

/// Decimals that show every tick of `0..range` exactly (steps are 1, 2 or 5 × 10^k).
pub(crate) fn tick_decimals(range: f64, max_points: usize) -> usize {
    let step = tick_step(range, max_points);
    (-(step.log10() + 1e-9).floor()).clamp(0.0, 9.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_follow_plotters_steps() {
        assert_eq!(tick_decimals(0.79, 11), 1);
        assert_eq!(tick_decimals(1.0, 11), 1);
        assert_eq!(tick_decimals(0.05, 11), 3);
        assert_eq!(tick_decimals(0.3, 11), 2);
        assert_eq!(tick_step(120.0, 13), 10.0);
        assert_eq!(tick_step(24.0, 13), 2.0);
        assert_eq!(fmt_x(10.0), "10");
        assert_eq!(fmt_x(2.5), "2.5");
    }

    #[test]
    fn time_axis_switches_to_hours_after_six() {
        let six = TimeAxis::new(60.0 * 360.0);
        assert_eq!((six.desc, six.end), ("time since start (min)", 360.0));
        let seven = TimeAxis::new(60.0 * 420.0);
        assert_eq!((seven.desc, seven.end), ("time since start (h)", 7.0));
        assert_eq!(TimeAxis::new(0.0).end, 1.0);
        assert_eq!(TimeAxis::new(f64::NAN).end, 1.0);
        let marks = [
            Marker {
                time_s: 3600.0,
                label: "b".into(),
            },
            Marker {
                time_s: 1800.0,
                label: "a".into(),
            },
            Marker {
                time_s: f64::NAN,
                label: "nan".into(),
            },
            Marker {
                time_s: 1e6,
                label: "late".into(),
            },
        ];
        assert_eq!(
            seven.markers(&marks),
            vec![(0.5, "a".to_string()), (1.0, "b".to_string())]
        );
    }
}
