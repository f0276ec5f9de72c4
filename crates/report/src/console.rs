//! Say on the terminal what a run or a check did: a banner, a summary table, a tally.
//!
//! The CLI prints these texts as they are; keeping them here keeps the CLI to
//! argument parsing and dispatch, and lets tests read the texts without a process.

use crate::aggregate::Aggregate;
use crate::expectations::FileReport;
use crate::runner::{RunOptions, RunResult};
use s3sim_model::metrics::{Counter, Metric};
use s3sim_scenario::LoadedScenario;
use std::fmt::Write;

/// Describe the run about to start: version, scenario, points, replicas, seed, length.
pub fn banner(loaded: &LoadedScenario, options: RunOptions) -> String {
    format!(
        "s3sim {}: scenario {} ({}), {} point(s) x {} replicas, seed {}, {} simulated each",
        env!("CARGO_PKG_VERSION"),
        loaded.scenario.name,
        loaded.origin,
        loaded.points.len(),
        options.replicas,
        options.seed,
        loaded.world.duration
    )
}

/// Summarise a finished run: requests simulated per wall-clock second, then one table
/// of whole-run means per point (see [`summary_table`]).
pub fn run_summary(loaded: &LoadedScenario, results: &[RunResult], wall_s: f64) -> String {
    let issued: u64 = results
        .iter()
        .flat_map(|r| &r.replicas)
        .map(|o| o.issued)
        .sum();
    let mut text = format!(
        "simulated {issued} requests in {wall_s:.2} s wall time ({:.0} requests/s over all threads)\n",
        issued as f64 / wall_s.max(1e-9)
    );
    for (point, result) in loaded.points.iter().zip(results) {
        if loaded.points.len() > 1 {
            let _ = writeln!(text, "point {}: {}", point.index, point.label());
        }
        text.push_str(&summary_table(&result.aggregate));
    }
    text.push_str("(means over replicas; per-bin values with 95% CIs are in timeseries.csv)\n");
    text
}

/// How a column of [`summary_table`] writes a mean.
#[derive(Clone, Copy)]
enum Shown {
    /// A whole number.
    Whole,
    /// A share as a percentage with three decimals; `-` without data.
    Percent,
    /// Four decimals.
    Decimals,
}

/// A column of [`summary_table`]: its header, its width and the metric it shows.
struct Column {
    header: &'static str,
    width: usize,
    metric: Metric,
    shown: Shown,
}

/// The columns of [`summary_table`] after the class name, in order.
const COLUMNS: [Column; 5] = [
    Column {
        header: "requests",
        width: 10,
        metric: Metric::Count(Counter::Requests),
        shown: Shown::Whole,
    },
    Column {
        header: "redirect_rate",
        width: 14,
        metric: Metric::RedirectRate,
        shown: Shown::Percent,
    },
    Column {
        header: "error_rate",
        width: 11,
        metric: Metric::ErrorRate,
        shown: Shown::Percent,
    },
    Column {
        header: "stale_dns",
        width: 10,
        metric: Metric::StaleDnsShare,
        shown: Shown::Percent,
    },
    Column {
        header: "extra_rtt/req",
        width: 16,
        metric: Metric::ExtraRoundTripsPerRequest,
        shown: Shown::Decimals,
    },
];

/// Width of the class column.
const CLASS_WIDTH: usize = 18;

/// Tabulate one point's whole-run means: a header, then one row per group (`all`
/// first), one column per entry of `COLUMNS`.
pub fn summary_table(aggregate: &Aggregate) -> String {
    let mut text = format!("{:<CLASS_WIDTH$}", "class");
    for column in &COLUMNS {
        let _ = write!(text, " {:>1$}", column.header, column.width);
    }
    text.push('\n');
    for (group, name) in aggregate.groups.iter().enumerate() {
        let _ = write!(text, "{name:<CLASS_WIDTH$}");
        for column in &COLUMNS {
            let e = aggregate.total(group, column.metric);
            let cell = match column.shown {
                Shown::Whole => format!("{:.0}", e.mean),
                Shown::Percent if e.n == 0 => "-".to_string(),
                Shown::Percent => format!("{:.3}%", 100.0 * e.mean),
                Shown::Decimals => format!("{:.4}", e.mean),
            };
            let _ = write!(text, " {cell:>0$}", column.width);
        }
        text.push('\n');
    }
    text
}

/// Count what `s3sim check` found: verdicts passed and failed, files not checked.
///
/// ```
/// use s3sim_report::console::CheckTally;
/// use s3sim_report::expectations::FileReport;
/// let broken = FileReport { file: "b.ron".into(), scenario: "b.ron".into(), outcome: Err("bad".into()) };
/// let tally = CheckTally::of(&[broken]);
/// assert_eq!(tally.text(), "1 scenario file(s) could not be checked\n0 passed, 0 failed\n");
/// assert!(!tally.all_passed());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckTally {
    /// Verdicts that passed.
    pub passed: usize,
    /// Verdicts that failed.
    pub failed: usize,
    /// Files that could not be loaded or run.
    pub errors: usize,
}

impl CheckTally {
    /// Count the verdicts and errors of `reports`.
    pub fn of(reports: &[FileReport]) -> CheckTally {
        let verdicts = || {
            reports
                .iter()
                .filter_map(|r| r.outcome.as_ref().ok())
                .flatten()
        };
        CheckTally {
            passed: verdicts().filter(|v| v.passed).count(),
            failed: verdicts().filter(|v| !v.passed).count(),
            errors: reports.iter().filter(|r| r.outcome.is_err()).count(),
        }
    }

    /// Tell whether nothing was tested: no verdict and no file in error (no file, or
    /// none with expectations), which `s3sim check` refuses unless told it is fine.
    pub fn tested_nothing(&self) -> bool {
        self.passed + self.failed + self.errors == 0
    }

    /// Tell whether every file was checked and every verdict passed (exit code 0).
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }

    /// Write the closing lines of `s3sim check`: files not checked (if any), then the
    /// counts.
    pub fn text(&self) -> String {
        let mut text = String::new();
        if self.errors > 0 {
            let _ = writeln!(
                text,
                "{} scenario file(s) could not be checked",
                self.errors
            );
        }
        let _ = writeln!(text, "{} passed, {} failed", self.passed, self.failed);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_table_columns_line_up_under_their_headers() {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = s3sim_engine::SimDuration::from_secs(900);
        let options = RunOptions {
            seed: 1,
            replicas: 2,
            progress: false,
        };
        let table = summary_table(&crate::runner::run(&world, options).aggregate);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "class                requests  redirect_rate  error_rate  stale_dns    extra_rtt/req"
        );
        assert_eq!(lines.len(), 1 + 1 + world.classes.len());
        assert!(lines[1].starts_with("all "), "{}", lines[1]);
        for line in &lines[1..] {
            assert_eq!(line.chars().count(), lines[0].len(), "{line}");
            assert!(line.ends_with(|c: char| c.is_ascii_digit()), "{line}");
        }
    }
}
