//! The issue collector every check writes to, and the checks several sections share:
//! names, references, positive durations, delay distributions.

use crate::error::Issue;
use crate::schema::DelaySpec;
use crate::units::Dur;
use s3sim_engine::SimDuration;
use std::collections::BTreeSet;

/// Collect issues, in the order the checks find them.
#[derive(Default)]
pub(crate) struct Checker {
    issues: Vec<Issue>,
}

/// The names of `items`, sorted, for reference checks.
pub(crate) fn names<'a>(items: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    items.collect()
}

fn known(names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        return "none are defined".into();
    }
    names.iter().copied().collect::<Vec<_>>().join(", ")
}

impl Checker {
    /// Every issue found, or `Ok` when there is none.
    pub(crate) fn finish(self) -> Result<(), Vec<Issue>> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(self.issues)
        }
    }

    /// Tell whether no issue has been found so far.
    pub(crate) fn is_clean(&self) -> bool {
        self.issues.is_empty()
    }

    pub(crate) fn issue(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(Issue::new(path, message));
    }

    pub(crate) fn positive(&mut self, path: &str, d: Dur, what: &str) {
        if d.0 == SimDuration::ZERO {
            self.issue(path, format!("{what} must be > 0"));
        }
    }

    /// Names in a list must be non-empty and unique; issues at `path[i].name`.
    pub(crate) fn unique<'a>(&mut self, path: &str, items: impl Iterator<Item = &'a str>) {
        let mut seen = BTreeSet::new();
        for (i, name) in items.enumerate() {
            if name.is_empty() {
                self.issue(format!("{path}[{i}].name"), "must not be empty");
            } else if !seen.insert(name) {
                self.issue(
                    format!("{path}[{i}].name"),
                    format!("duplicate name \"{name}\""),
                );
            }
        }
    }

    /// `name` must be one of `known_names`; the issue lists them.
    pub(crate) fn reference(
        &mut self,
        path: &str,
        what: &str,
        name: &str,
        known_names: &BTreeSet<&str>,
    ) {
        if !known_names.contains(name) {
            self.issue(
                path,
                format!(
                    "unknown {what} \"{name}\"{} (known: {})",
                    crate::hints::did_you_mean(name, known_names.iter().copied()),
                    known(known_names)
                ),
            );
        }
    }

    pub(crate) fn delay(&mut self, path: &str, delay: &DelaySpec) {
        match delay {
            DelaySpec::Fixed(_) => {}
            DelaySpec::Uniform { low, high } if high < low => {
                self.issue(path, format!("uniform high {high} is below low {low}"));
            }
            DelaySpec::Uniform { .. } => {}
            DelaySpec::Exponential { mean } => self.positive(path, *mean, "exponential mean"),
            DelaySpec::LogNormal { median, sigma } => {
                self.positive(path, *median, "log_normal median");
                if !(sigma.is_finite() && *sigma >= 0.0 && *sigma <= 10.0) {
                    self.issue(
                        path,
                        format!("log_normal sigma must be between 0 and 10, not {sigma}"),
                    );
                }
            }
            DelaySpec::Quantiles(points) => self.quantiles(path, points),
        }
    }

    fn quantiles(&mut self, path: &str, points: &[(f64, Dur)]) {
        if points.len() < 2 {
            self.issue(
                path,
                "quantiles need at least two (probability, delay) points",
            );
            return;
        }
        if points[0].0 != 0.0 || points[points.len() - 1].0 != 1.0 {
            self.issue(
                path,
                "quantiles must start at probability 0.0 and end at 1.0",
            );
        }
        for (i, w) in points.windows(2).enumerate() {
            if w[1].0.partial_cmp(&w[0].0) != Some(std::cmp::Ordering::Greater) {
                self.issue(
                    format!("{path}[{}]", i + 1),
                    format!("probability {} does not rise above {}", w[1].0, w[0].0),
                );
            }
            if w[1].1 < w[0].1 {
                self.issue(
                    format!("{path}[{}]", i + 1),
                    format!("delay {} is below the previous {}", w[1].1, w[0].1),
                );
            }
        }
    }
}
