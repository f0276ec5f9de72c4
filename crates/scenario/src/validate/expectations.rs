//! Check the `expect` list: metric and class names, windows, sweep points, bounds.

use super::checker::Checker;
use crate::schema::Expectation;
use crate::units::Dur;
use s3sim_model::metrics::Metric;
use std::collections::BTreeSet;

impl Checker {
    pub(crate) fn expectation(
        &mut self,
        path: &str,
        e: &Expectation,
        classes: &BTreeSet<&str>,
        durations: &[Dur],
    ) {
        let points = durations.len();
        let (metric, class, window, point) = match e {
            Expectation::MeanBelow {
                metric,
                class,
                from,
                to,
                point,
                ..
            }
            | Expectation::MeanAbove {
                metric,
                class,
                from,
                to,
                point,
                ..
            } => (metric, class, (*from, *to), *point),
            Expectation::SettlesBelow {
                metric,
                class,
                point,
                ..
            }
            | Expectation::TotalBetween {
                metric,
                class,
                point,
                ..
            } => (metric, class, (None, None), *point),
            Expectation::PointLess {
                metric,
                class,
                from,
                to,
                lower,
                higher,
            } => {
                for (name, p) in [("lower", *lower), ("higher", *higher)] {
                    self.point(&format!("{path}.{name}"), p, points);
                }
                if lower == higher {
                    self.issue(format!("{path}.higher"), "compare two different points");
                }
                (metric, class, (*from, *to), None)
            }
        };
        self.metric(&format!("{path}.metric"), metric);
        self.reference(&format!("{path}.class"), "class", class, classes);
        if let (Some(from), Some(to)) = (window.0, window.1.filter(|&to| Some(to) <= window.0)) {
            self.issue(
                format!("{path}.to"),
                format!("window end {to} is not after its start {from}"),
            );
        }
        // A window after the end of the run holds no bin: it would pass vacuously.
        let end = match point {
            Some(p) => durations.get(p).copied(),
            None => durations.iter().copied().min(),
        };
        if let Some(end) = end {
            let late = |field: &str, at: Option<Dur>, strict: bool| {
                at.filter(|&at| if strict { at >= end } else { at > end })
                    .map(|at| (format!("{path}.{field}"), at))
            };
            let by = match e {
                Expectation::SettlesBelow { by, .. } => Some(*by),
                _ => None,
            };
            let found = [
                late("from", window.0, true),
                late("to", window.1, false),
                late("by", by, false),
            ];
            for (field, at) in found.into_iter().flatten() {
                self.issue(
                    field,
                    format!(
                        "{at} is after the end of the run {end}, where the assertion would \
                         hold vacuously: write a time within the run"
                    ),
                );
            }
        }
        if let Some(p) = point {
            self.point(&format!("{path}.point"), p, points);
        }
        self.bounds(path, e);
    }

    fn metric(&mut self, path: &str, name: &str) {
        match Metric::from_name(name) {
            Some(Metric::LatencyP50 | Metric::LatencyP99) => {
                self.issue(
                    path,
                    format!(
                        "\"{name}\" is a per-bin quantile; expectations take counters and rates"
                    ),
                );
            }
            Some(_) => {}
            None => {
                let known: Vec<String> = Metric::all()
                    .filter(|m| !matches!(m, Metric::LatencyP50 | Metric::LatencyP99))
                    .map(|m| m.name())
                    .collect();
                self.issue(
                    path,
                    format!(
                        "unknown metric \"{name}\"{} (known: {})",
                        crate::hints::did_you_mean(name, known.iter().map(String::as_str)),
                        known.join(", ")
                    ),
                );
            }
        }
    }

    fn point(&mut self, path: &str, point: usize, points: usize) {
        if point >= points {
            self.issue(
                path,
                format!("point {point} does not exist (the sweep has {points} point(s), from 0)"),
            );
        }
    }

    fn bounds(&mut self, path: &str, e: &Expectation) {
        let values: Vec<(&str, f64)> = match e {
            Expectation::MeanBelow { max, .. } => vec![("max", *max)],
            Expectation::MeanAbove { min, .. } => vec![("min", *min)],
            Expectation::SettlesBelow { threshold, .. } => vec![("threshold", *threshold)],
            Expectation::TotalBetween { min, max, .. } => {
                if max < min {
                    self.issue(format!("{path}.max"), format!("{max} is below min {min}"));
                }
                vec![("min", *min), ("max", *max)]
            }
            Expectation::PointLess { .. } => vec![],
        };
        for (name, v) in values {
            if !v.is_finite() {
                self.issue(
                    format!("{path}.{name}"),
                    format!("must be a finite number, not {v}"),
                );
            }
        }
    }
}
