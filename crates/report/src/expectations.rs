//! Evaluate a scenario's `expect` assertions against its results, one file at a time.
//!
//! Verdicts compare the 95 % confidence interval across replicas with the bound, so a
//! pass means the bound holds beyond replica-to-replica noise, not just on average.

use crate::measure::{Probe, expectation_probes};
use crate::runner::{RunOptions, RunResult, run_points};
use crate::stats::Estimate;
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
    crate::fmt::duration(v).unwrap_or_else(|| "-".into())
}

fn window_label(from: Option<Dur>, to: Option<Dur>) -> String {
    let start = from.map_or("start".to_string(), |d| d.to_string());
    let end = to.map_or("end".to_string(), |d| d.to_string());
    format!("{start}..{end}")
}

/// Evaluate every expectation of `loaded` against `results` (one per sweep point).
///
/// An expectation without `point` is checked at every point (each a verdict).
///
/// Each replica's value comes from the result's probes ([`RunResult::probes`], as
/// [`run_points`] measures them); a result measured on other probes fails every
/// expectation with a note saying so.
pub fn evaluate(loaded: &LoadedScenario, results: &[RunResult]) -> Vec<Verdict> {
    let probes = expectation_probes(loaded);
    let sweeping = loaded.scenario.sweep.is_some();
    let mut verdicts = Vec::new();
    for (i, expectation) in loaded.scenario.expect.iter().enumerate() {
        if let Expectation::PointLess { .. } = expectation {
            verdicts.push(point_less(i, expectation, results, &probes[i]));
            continue;
        }
        let only = expectation_point(expectation);
        for (p, result) in results
            .iter()
            .enumerate()
            .filter(|(p, _)| only.is_none_or(|o| o == *p))
        {
            let mut verdict = single(i, expectation, result, &probes[i]);
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

/// Each replica's value of probe `i`, NaN where the result was not measured on `probe`.
fn per_replica(result: &RunResult, i: usize, probe: &Probe) -> Vec<f64> {
    let measured = result.probes.get(i) == Some(probe);
    result
        .replicas
        .iter()
        .map(|r| {
            r.probes
                .get(i)
                .copied()
                .filter(|_| measured)
                .unwrap_or(f64::NAN)
        })
        .collect()
}

fn single(i: usize, e: &Expectation, result: &RunResult, probe: &Probe) -> Verdict {
    let verdict =
        |name: String, samples: &[f64], passes: &dyn Fn(&Estimate) -> bool, note: String| {
            // A share's interval is clamped to [0, 1], as in every output.
            let measured = match probe {
                Probe::Window { metric, .. } => Estimate::from_samples(samples).of(*metric),
                Probe::Settle { .. } => Estimate::from_samples(samples),
            };
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
            let samples = per_replica(result, i, probe);
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
            let samples = per_replica(result, i, probe);
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
            let samples = per_replica(result, i, probe);
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
            let samples = per_replica(result, i, probe);
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

fn missing_note(samples: &[f64]) -> String {
    let missing = samples.iter().filter(|v| v.is_nan()).count();
    if missing > 0 {
        format!("{missing} replica(s) had no data in the window")
    } else {
        String::new()
    }
}

fn point_less(i: usize, e: &Expectation, results: &[RunResult], probe: &Probe) -> Verdict {
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
    let value = |p: usize| per_replica(&results[p], i, probe);
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

/// Say how `s3sim check` runs each scenario file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Run exactly this many replicas per point (`--replicas`); the scenario's count
    /// when `None`.
    pub replicas: Option<u32>,
    /// Run at most this many replicas per point (`--quick`).
    pub max_replicas: Option<u32>,
    /// Master seed (`--seed`); the scenario's when `None`.
    pub seed: Option<u64>,
    /// Show progress on stderr ([`RunOptions::progress`]).
    pub progress: bool,
}

impl CheckOptions {
    /// The run options of `loaded` under these settings.
    pub fn run_options(&self, loaded: &LoadedScenario) -> RunOptions {
        let replicas = self.replicas.unwrap_or(loaded.scenario.replicas);
        let replicas = self.max_replicas.map_or(replicas, |max| max.min(replicas));
        RunOptions {
            seed: self.seed.unwrap_or(loaded.scenario.seed),
            replicas,
            progress: self.progress,
        }
    }
}

/// Hold a checked scenario's run, for writing its results (`check --out`).
pub struct CheckedRun {
    /// The scenario as loaded.
    pub loaded: LoadedScenario,
    /// How it ran.
    pub options: RunOptions,
    /// One result per sweep point.
    pub results: Vec<RunResult>,
}

/// Load, run and check one scenario file, passing each line worth printing to `say`.
///
/// Lines go out as soon as they are known (a long file's verdicts need not wait for
/// the next file), and a file that does not load becomes an error report rather than
/// stopping the check. The scenario runs with its own seed and at most `max_replicas`
/// replicas per point (all of its replicas when `None`).
pub fn check_file(file: &Path, max_replicas: Option<u32>, say: impl FnMut(&str)) -> FileReport {
    let options = CheckOptions {
        max_replicas,
        ..CheckOptions::default()
    };
    check_file_with(file, &options, say).0
}

/// [`check_file`] under `options`; also gives back the run (`None` when the file did
/// not load or has no expectations, so nothing ran), for writing its results.
pub fn check_file_with(
    file: &Path,
    options: &CheckOptions,
    mut say: impl FnMut(&str),
) -> (FileReport, Option<CheckedRun>) {
    let name = file.display().to_string();
    let loaded = match s3sim_scenario::load(file) {
        Ok(loaded) => loaded,
        Err(error) => {
            say(&format!("ERROR {name}: {error}"));
            let report = FileReport {
                file: name.clone(),
                scenario: name,
                outcome: Err(error.to_string()),
            };
            return (report, None);
        }
    };
    let scenario = loaded.scenario.name.clone();
    if loaded.scenario.expect.is_empty() {
        say(&format!("{name}: no expectations"));
        let report = FileReport {
            file: name,
            scenario,
            outcome: Ok(Vec::new()),
        };
        return (report, None);
    }
    let run_options = options.run_options(&loaded);
    let results = run_points(&loaded, run_options);
    let verdicts = evaluate(&loaded, &results);
    say(&format!(
        "{name} ({} point(s) x {} replicas):",
        loaded.points.len(),
        run_options.replicas
    ));
    verdicts
        .iter()
        .for_each(|v| say(&format!("  {}", v.line())));
    let report = FileReport {
        file: name,
        scenario,
        outcome: Ok(verdicts),
    };
    let run = CheckedRun {
        loaded,
        options: run_options,
        results,
    };
    (report, Some(run))
}
