//! Evaluate a scenario's `expect` assertions against its results, one file at a time.
//!
//! Verdicts compare the 95 % confidence interval across replicas with the bound, so a
//! pass means the bound holds beyond replica-to-replica noise, not just on average.

use crate::measure::{settle_time_s, window_value};
use crate::runner::{RunOptions, RunResult, run_points};
use crate::stats::Estimate;
use s3sim_model::metrics::Metric;
use s3sim_scenario::LoadedScenario;
use s3sim_scenario::schema::Expectation;
use s3sim_scenario::units::Dur;
use std::path::Path;

/// Report one assertion at one sweep point: what was measured, against what bound.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// What is asserted, e.g. `expect[1] mean_below(redirect_rate, all, 71m..end) <= 0.01`.
    pub name: String,
    /// Whether the 95 % CI lies within the bound.
    pub passed: bool,
    /// The measured quantity across replicas.
    pub measured: Estimate,
    /// Why it failed beyond the numbers, if anything (e.g. a replica that never settled).
    pub note: String,
}

impl Verdict {
    /// Write the verdict on one line: `PASS name: measured mean [low, high] (n=…)`.
    pub fn line(&self) -> String {
        let e = &self.measured;
        let status = if self.passed { "PASS" } else { "FAIL" };
        let note = if self.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.note)
        };
        // A settle time is measured in seconds: written as a duration (`71m`).
        let num = if self.name.contains("settles_below(") {
            duration
        } else {
            num
        };
        format!(
            "{status} {}: measured {} [{}, {}] (n={}){note}",
            self.name,
            num(e.mean),
            num(e.low),
            num(e.high),
            e.n
        )
    }
}

fn num(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else {
        format!("{v:.6}")
    }
}

/// Seconds as a duration rounded to the second, like `1h 11m 5s`; `-` when undefined.
fn duration(v: f64) -> String {
    if v.is_nan() {
        return "-".into();
    }
    let seconds = v.max(0.0).round() as u64;
    s3sim_engine::SimDuration::from_secs(seconds).to_string()
}

fn window_label(from: Option<Dur>, to: Option<Dur>) -> String {
    let start = from.map_or("start".to_string(), |d| d.to_string());
    let end = to.map_or("end".to_string(), |d| d.to_string());
    format!("{start}..{end}")
}

fn bounds_s(from: Option<Dur>, to: Option<Dur>) -> (f64, f64) {
    (
        from.map_or(0.0, |d| d.0.as_secs_f64()),
        to.map_or(f64::INFINITY, |d| d.0.as_secs_f64()),
    )
}

/// Evaluate every expectation of `loaded` against `results` (one per sweep point).
///
/// An expectation without `point` is checked at every point (each a verdict).
pub fn evaluate(loaded: &LoadedScenario, results: &[RunResult]) -> Vec<Verdict> {
    let sweeping = loaded.scenario.sweep.is_some();
    let mut verdicts = Vec::new();
    for (i, expectation) in loaded.scenario.expect.iter().enumerate() {
        if let Expectation::PointLess { .. } = expectation {
            verdicts.push(point_less(i, expectation, results));
            continue;
        }
        let only = expectation_point(expectation);
        for (p, result) in results
            .iter()
            .enumerate()
            .filter(|(p, _)| only.is_none_or(|o| o == *p))
        {
            let mut verdict = single(i, expectation, result);
            if sweeping {
                verdict.name = format!(
                    "{} @ point {p} ({})",
                    verdict.name,
                    loaded.points[p].label()
                );
            }
            verdicts.push(verdict);
        }
    }
    verdicts
}

fn expectation_point(e: &Expectation) -> Option<usize> {
    match e {
        Expectation::MeanBelow { point, .. }
        | Expectation::MeanAbove { point, .. }
        | Expectation::SettlesBelow { point, .. }
        | Expectation::TotalBetween { point, .. } => *point,
        Expectation::PointLess { .. } => None,
    }
}

fn group_of(result: &RunResult, class: &str) -> usize {
    result
        .aggregate
        .groups
        .iter()
        .position(|g| g == class)
        .expect("class checked by validation")
}

fn metric_of(name: &str) -> Metric {
    Metric::from_name(name).expect("metric checked by validation")
}

fn per_replica(
    result: &RunResult,
    f: impl Fn(&s3sim_model::metrics::BinnedMetrics) -> f64,
) -> Vec<f64> {
    result.outputs.iter().map(|o| f(&o.metrics)).collect()
}

fn single(i: usize, e: &Expectation, result: &RunResult) -> Verdict {
    let verdict =
        |name: String, samples: &[f64], passes: &dyn Fn(&Estimate) -> bool, note: String| {
            let measured = Estimate::from_samples(samples);
            let complete = measured.n as usize == samples.len() && measured.n > 0;
            Verdict {
                name,
                passed: complete && passes(&measured),
                measured,
                note,
            }
        };
    match e {
        Expectation::MeanBelow {
            metric,
            class,
            from,
            to,
            max,
            ..
        } => {
            let samples = window_samples(result, metric, class, *from, *to);
            let window = window_label(*from, *to);
            let name = format!("expect[{i}] mean_below({metric}, {class}, {window}) <= {max}");
            verdict(name, &samples, &|e| e.high <= *max, missing_note(&samples))
        }
        Expectation::MeanAbove {
            metric,
            class,
            from,
            to,
            min,
            ..
        } => {
            let samples = window_samples(result, metric, class, *from, *to);
            let window = window_label(*from, *to);
            let name = format!("expect[{i}] mean_above({metric}, {class}, {window}) >= {min}");
            verdict(name, &samples, &|e| e.low >= *min, missing_note(&samples))
        }
        Expectation::SettlesBelow {
            metric,
            class,
            threshold,
            by,
            ..
        } => {
            let (g, m) = (group_of(result, class), metric_of(metric));
            let samples = per_replica(result, |x| settle_time_s(x, g, m, *threshold));
            let name = format!("expect[{i}] settles_below({metric}, {class}, {threshold}) by {by}");
            let unsettled = samples.iter().filter(|v| v.is_nan()).count();
            let note = if unsettled > 0 {
                format!("{unsettled} replica(s) never settled")
            } else {
                String::new()
            };
            verdict(name, &samples, &|e| e.high <= by.0.as_secs_f64(), note)
        }
        Expectation::TotalBetween {
            metric,
            class,
            min,
            max,
            ..
        } => {
            let (g, m) = (group_of(result, class), metric_of(metric));
            let samples = per_replica(result, |x| window_value(x, g, m, 0.0, f64::INFINITY));
            let name = format!("expect[{i}] total_between({metric}, {class}) in [{min}, {max}]");
            verdict(
                name,
                &samples,
                &|e| e.low >= *min && e.high <= *max,
                missing_note(&samples),
            )
        }
        Expectation::PointLess { .. } => unreachable!("handled by point_less"),
    }
}

/// Each replica's value of `metric` for `class` over the window.
fn window_samples(
    result: &RunResult,
    metric: &str,
    class: &str,
    from: Option<Dur>,
    to: Option<Dur>,
) -> Vec<f64> {
    let (g, m, (a, b)) = (
        group_of(result, class),
        metric_of(metric),
        bounds_s(from, to),
    );
    per_replica(result, |x| window_value(x, g, m, a, b))
}

fn missing_note(samples: &[f64]) -> String {
    let missing = samples.iter().filter(|v| v.is_nan()).count();
    if missing > 0 {
        format!("{missing} replica(s) had no data in the window")
    } else {
        String::new()
    }
}

fn point_less(i: usize, e: &Expectation, results: &[RunResult]) -> Verdict {
    let Expectation::PointLess {
        metric,
        class,
        from,
        to,
        lower,
        higher,
    } = e
    else {
        unreachable!("only point_less")
    };
    let value = |p: usize| window_samples(&results[p], metric, class, *from, *to);
    let differences: Vec<f64> = value(*lower)
        .iter()
        .zip(value(*higher))
        .map(|(l, h)| l - h)
        .collect();
    let measured = Estimate::from_samples(&differences);
    let name = format!(
        "expect[{i}] point_less({metric}, {class}, {}): point {lower} - point {higher} < 0",
        window_label(*from, *to)
    );
    let complete = measured.n as usize == differences.len() && measured.n > 0;
    Verdict {
        name,
        passed: complete && measured.high < 0.0,
        measured,
        note: missing_note(&differences),
    }
}

/// Describe what `s3sim check` found for one scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileReport {
    /// The file checked.
    pub file: String,
    /// The scenario's name (or the file's, when it could not be read).
    pub scenario: String,
    /// Verdicts, or the error that stopped the check.
    pub outcome: Result<Vec<Verdict>, String>,
}

/// Load, run and check one scenario file, passing each line worth printing to `say`.
///
/// Lines go out as soon as they are known (a long file's verdicts need not wait for
/// the next file), and a file that does not load becomes an error report rather than
/// stopping the check. The scenario runs with its own seed and at most `max_replicas`
/// replicas per point (all of its replicas when `None`).
pub fn check_file(file: &Path, max_replicas: Option<u32>, mut say: impl FnMut(&str)) -> FileReport {
    let name = file.display().to_string();
    let loaded = match s3sim_scenario::load(file) {
        Ok(loaded) => loaded,
        Err(error) => {
            say(&format!("ERROR {name}: {error}"));
            return FileReport {
                file: name.clone(),
                scenario: name,
                outcome: Err(error.to_string()),
            };
        }
    };
    let scenario = loaded.scenario.name.clone();
    if loaded.scenario.expect.is_empty() {
        say(&format!("{name}: no expectations"));
        return FileReport {
            file: name,
            scenario,
            outcome: Ok(Vec::new()),
        };
    }
    let replicas = max_replicas.map_or(loaded.scenario.replicas, |max| {
        max.min(loaded.scenario.replicas)
    });
    let options = RunOptions {
        seed: loaded.scenario.seed,
        replicas,
        progress: false,
    };
    let verdicts = evaluate(&loaded, &run_points(&loaded.points, options));
    say(&format!(
        "{name} ({} point(s) x {replicas} replicas):",
        loaded.points.len()
    ));
    verdicts
        .iter()
        .for_each(|v| say(&format!("  {}", v.line())));
    FileReport {
        file: name,
        scenario,
        outcome: Ok(verdicts),
    }
}
