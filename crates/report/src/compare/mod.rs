//! Compare two runs: did a change move the outcome? (`s3sim compare A B`).
//!
//! For every (class, metric) both runs' `replicas.csv` hold, the difference B − A of
//! the whole-run means gets a Welch 95 % interval ([`Welch`]); a row is *flagged*
//! where that interval excludes 0. With dozens of metrics per class, some 95 %
//! intervals exclude 0 by chance even between two seeds of the same scenario, so a
//! row counts as *changed* only when its family-wise interval (Bonferroni over every
//! row compared: level 1 − 0.05/m) excludes 0. `--fail-if-changed` and the verdict use
//! *changed*; the 95 % interval is what the table shows.
//!
//! The parts: `welch` (the interval), `load` (reading a results directory back).
//! Overlay charts of the all-clients redirect and error rates are drawn by
//! [`crate::charts::render_compare`].

mod load;
mod welch;

pub use load::{CompareError, RunDir};
pub use welch::Welch;

use crate::charts::{CompareCurve, render_compare};
use crate::output::files::OutputError;
use crate::output::outdir::OutDir;
use crate::output::write_dir;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The false-alarm rate of the whole comparison (family-wise) and of each row's CI.
pub const ALPHA: f64 = 0.05;

/// Hold one compared (class, metric): both runs' means and the difference's intervals.
#[derive(Clone, Debug)]
pub struct Row {
    /// Client class (`all` for all clients).
    pub class: String,
    /// Metric name, as in `replicas.csv`.
    pub metric: String,
    /// Mean of A's replicas.
    pub mean_a: f64,
    /// Replicas of A with a value.
    pub n_a: usize,
    /// Mean of B's replicas.
    pub mean_b: f64,
    /// Replicas of B with a value.
    pub n_b: usize,
    /// B − A with its Welch 95 % interval; `None` below two values on a side.
    pub ci95: Option<Welch>,
    /// B − A with its family-wise (Bonferroni) interval.
    pub family: Option<Welch>,
}

impl Row {
    /// Tell whether the 95 % interval excludes 0.
    pub fn flagged(&self) -> bool {
        self.ci95.is_some_and(|w| w.excludes_zero())
    }

    /// Tell whether the family-wise interval excludes 0.
    pub fn changed(&self) -> bool {
        self.family.is_some_and(|w| w.excludes_zero())
    }
}

/// Hold the comparison of two runs, row by row.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Run A.
    pub a: RunDir,
    /// Run B.
    pub b: RunDir,
    /// One row per (class, metric) both runs have, in A's class then metric order.
    pub rows: Vec<Row>,
    /// Rows with an interval (two values or more on each side): the family's size.
    pub tested: usize,
    /// `class` or `class/metric` present in only one run.
    pub unmatched: Vec<String>,
}

/// Compare run A with run B (see the module's documentation for the criteria).
///
/// ```
/// use s3sim_report::compare::{Comparison, RunDir, compare};
/// use std::collections::BTreeMap;
/// let run = |values: Vec<f64>| RunDir {
///     path: "x".into(), scenario: "s".into(), seed: 1, replicas: 4,
///     classes: vec!["all".into()], metrics: vec!["redirect_rate".into()],
///     values: BTreeMap::from([(("all".into(), "redirect_rate".into()), values)]),
///     curves: BTreeMap::new(), bin_s: 60.0,
/// };
/// let c = compare(run(vec![0.10, 0.11, 0.09, 0.10]), run(vec![0.20, 0.21, 0.19, 0.20]));
/// assert_eq!(c.tested, 1);
/// assert!(c.rows[0].changed());
/// assert!((c.rows[0].ci95.unwrap().diff - 0.10).abs() < 1e-12);
/// ```
pub fn compare(a: RunDir, b: RunDir) -> Comparison {
    let mut rows = Vec::new();
    let mut unmatched = Vec::new();
    for class in &a.classes {
        if !b.classes.contains(class) {
            unmatched.push(format!("{class} (only in A)"));
            continue;
        }
        for metric in &a.metrics {
            let key = (class.clone(), metric.clone());
            let (Some(va), Some(vb)) = (a.values.get(&key), b.values.get(&key)) else {
                continue;
            };
            rows.push(Row {
                class: class.clone(),
                metric: metric.clone(),
                mean_a: mean(va),
                n_a: va.len(),
                mean_b: mean(vb),
                n_b: vb.len(),
                ci95: Welch::of(va, vb, ALPHA),
                family: None,
            });
        }
    }
    unmatched.extend(
        b.classes
            .iter()
            .filter(|c| !a.classes.contains(c))
            .map(|c| format!("{c} (only in B)")),
    );
    let tested = rows.iter().filter(|r| r.ci95.is_some()).count();
    let level = ALPHA / tested.max(1) as f64;
    for row in &mut rows {
        let key = (row.class.clone(), row.metric.clone());
        row.family = Welch::of(&a.values[&key], &b.values[&key], level);
    }
    Comparison {
        a,
        b,
        rows,
        tested,
        unmatched,
    }
}

/// The mean of `values`, summed in order; NaN when empty.
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

impl Comparison {
    /// The rows that changed (family-wise), in row order.
    pub fn changed(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.changed())
    }

    /// The names of `metrics` that changed in some class; in `metrics` order.
    ///
    /// # Errors
    ///
    /// A message listing the metrics compared when a name is not one of them.
    pub fn changed_among(&self, metrics: &[String]) -> Result<Vec<String>, String> {
        let known = &self.a.metrics;
        if let Some(bad) = metrics.iter().find(|m| !known.contains(m)) {
            return Err(format!(
                "--fail-if-changed: no metric {bad:?} in both runs (`s3sim metrics` lists them; compared: {})",
                known.join(", ")
            ));
        }
        Ok(metrics
            .iter()
            .filter(|m| self.changed().any(|r| &r.metric == *m))
            .cloned()
            .collect())
    }

    /// The report printed by `s3sim compare`: what was compared, the flagged rows (all
    /// rows with `all_rows`), and the verdict.
    pub fn text(&self, all_rows: bool) -> String {
        let mut out = String::new();
        let describe = |run: &RunDir| {
            format!(
                "{} ({}, seed {}, {} replicas)",
                run.path.display(),
                run.scenario,
                run.seed,
                run.replicas
            )
        };
        let _ = writeln!(out, "A: {}", describe(&self.a));
        let _ = writeln!(out, "B: {}", describe(&self.b));
        for name in &self.unmatched {
            let _ = writeln!(out, "not compared: class {name}");
        }
        let shown: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| all_rows || r.flagged())
            .collect();
        if !shown.is_empty() {
            let _ = writeln!(
                out,
                "{:<16} {:<32} {:>14} {:>14} {:>14}  {:<31} verdict",
                "class", "metric", "mean A", "mean B", "B - A", "95% CI of B - A"
            );
        }
        for row in shown {
            let ci = match row.ci95 {
                Some(w) => format!("[{}, {}]", num(w.low), num(w.high)),
                None => "(too few replicas)".to_string(),
            };
            let verdict = if row.changed() {
                "CHANGED"
            } else if row.flagged() {
                "95% CI excludes 0"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{:<16} {:<32} {:>14} {:>14} {:>14}  {:<31} {verdict}",
                row.class,
                row.metric,
                num(row.mean_a),
                num(row.mean_b),
                num(row.mean_b - row.mean_a),
                ci
            );
        }
        let flagged = self.rows.iter().filter(|r| r.flagged()).count();
        let changed = self.changed().count();
        let _ = writeln!(
            out,
            "{flagged} of {} differences have a 95% CI excluding 0; {changed} changed at the family-wise 5% level (Bonferroni over {} rows with 2+ replicas each side)",
            self.rows.len(),
            self.tested
        );
        out
    }

    /// `comparison.csv`: every row, with both intervals, flags as 0/1.
    ///
    /// # Errors
    ///
    /// [`OutputError::Encode`] if the CSV writer fails.
    pub fn csv(&self) -> Result<String, OutputError> {
        let encode = |e: &dyn std::fmt::Display| OutputError::Encode {
            path: "comparison.csv".into(),
            message: e.to_string(),
        };
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer
            .write_record([
                "class",
                "metric",
                "mean_a",
                "n_a",
                "mean_b",
                "n_b",
                "diff",
                "ci95_low",
                "ci95_high",
                "family_low",
                "family_high",
                "ci95_excludes_0",
                "changed",
            ])
            .map_err(|e| encode(&e))?;
        let bound = |w: Option<Welch>, low: bool| {
            w.map_or(String::new(), |w| {
                if low { w.low } else { w.high }.to_string()
            })
        };
        for row in &self.rows {
            writer
                .write_record([
                    row.class.clone(),
                    row.metric.clone(),
                    row.mean_a.to_string(),
                    row.n_a.to_string(),
                    row.mean_b.to_string(),
                    row.n_b.to_string(),
                    (row.mean_b - row.mean_a).to_string(),
                    bound(row.ci95, true),
                    bound(row.ci95, false),
                    bound(row.family, true),
                    bound(row.family, false),
                    u8::from(row.flagged()).to_string(),
                    u8::from(row.changed()).to_string(),
                ])
                .map_err(|e| encode(&e))?;
        }
        let bytes = writer.into_inner().map_err(|e| encode(&e))?;
        String::from_utf8(bytes).map_err(|e| encode(&e))
    }

    /// Write `comparison.csv` and the overlay charts (`compare_redirect_rate` and
    /// `compare_error_rate`, each as PNG and SVG) into `out`, under the rules of every
    /// output directory ([`OutDir::check`], atomic install).
    ///
    /// # Errors
    ///
    /// [`OutputError`] when `out` may not be replaced or a file cannot be written.
    pub fn write(&self, out: &OutDir) -> Result<Vec<PathBuf>, OutputError> {
        let scratch = tempfile::tempdir().map_err(|cause| OutputError::Io {
            path: "temporary directory".into(),
            cause,
        })?;
        let curves = |run: &RunDir, label: &str| CompareCurve {
            label: format!(
                "{label}: {} ({}, seed {})",
                run.path
                    .file_name()
                    .map_or(run.path.display().to_string(), |n| n
                        .to_string_lossy()
                        .into_owned()),
                run.scenario,
                run.seed
            ),
            bin_s: run.bin_s,
            replicas: run.replicas,
            curves: run.curves.clone(),
        };
        let charts = render_compare(scratch.path(), &curves(&self.a, "A"), &curves(&self.b, "B"))?;
        let mut files: Vec<(String, Vec<u8>)> = vec![("comparison.csv".into(), self.csv()?.into())];
        for chart in charts {
            let bytes = std::fs::read(&chart).map_err(|cause| OutputError::Io {
                path: chart.display().to_string(),
                cause,
            })?;
            let name = chart
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, bytes));
        }
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        write_dir(out, &refs)
    }
}

/// A number for the table: 6 significant digits, no exponent for everyday sizes.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 {
        return "0".into();
    }
    let magnitude = v.abs().log10().floor() as i32;
    if (-4..9).contains(&magnitude) {
        let decimals = (5 - magnitude).max(0) as usize;
        let text = format!("{v:.decimals$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    } else {
        format!("{v:.5e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_six_significant_digits() {
        assert_eq!(num(0.0123456789), "0.0123457");
        assert_eq!(num(824346.875), "824347");
        assert_eq!(num(-3.5), "-3.5");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(1.5e-7), "1.50000e-7");
    }
}
