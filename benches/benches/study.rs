//! Simulated requests per CPU-second of whole `s3sim run`s: the reference study and the
//! default scenario, this build against a baseline binary, interleaved.
//!
//! Each run is `s3sim run --threads 1 --out <fresh temporary directory>/out [SCENARIO]`
//! as a child process; its CPU seconds (user + system, from the `cutime` and `cstime`
//! of `/proc/self/stat` around the wait) include the report, so the figure is what a
//! user of the binary gets. Requests are the summary's `requests_issued` mean times
//! its replicas. Per round every scenario runs once per binary, the binaries' order
//! rotating between rounds (and reversed every other full turn); the bench prints each
//! binary's best CPU seconds, the new binary's ratio of the bests to each other's, and
//! the median and min–max of the per-round ratios, with the load average before and
//! after. On a shared machine whose speed drifts over minutes, the median of the
//! per-round ratios (each from two runs a few seconds apart) is the steadier figure.
//!
//! - `STUDY_NEW`: the binary measured (default `target/release/s3sim` of this workspace).
//! - `STUDY_BASELINE`: the binaries compared against, comma-separated, each optionally
//!   named `name=path` (optional; without it only `STUDY_NEW` runs).
//! - `STUDY_SCENARIOS`: comma-separated scenario files, `default` for the built-in one
//!   (default: `benches/scenarios/reference-study.ron,default`).
//! - `STUDY_ROUNDS`: interleaved rounds (default 3).

use statrs::statistics::{Data, OrderStatistics};
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_ROUNDS: usize = 3;

/// One finished run: its CPU seconds and the requests it simulated.
#[derive(Clone, Copy, Debug)]
struct Run {
    cpu: f64,
    requests: f64,
}

/// The workspace root (this bench's manifest directory's parent).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ sits in the workspace")
        .to_path_buf()
}

/// CPU seconds (user + system) used so far by this process's reaped children.
fn children_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat is readable");
    // Fields after the command name (which ends with the last ')'): state is field 3,
    // cutime field 16 and cstime field 17 (proc(5)).
    let rest = &stat[stat.rfind(')').expect("stat has a command name") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |field: usize| -> u64 { fields[field - 3].parse().expect("a tick count") };
    (ticks(16) + ticks(17)) as f64 / rustix::param::clock_ticks_per_second() as f64
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Run `binary` on `scenario` (`default`: none) once, into a fresh temporary directory.
fn run(binary: &Path, scenario: &str) -> Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out");
    let mut command = Command::new(binary);
    command.args(["run", "--threads", "1", "--out"]).arg(&out);
    if scenario != "default" {
        command.arg(workspace().join(scenario));
    }
    let before = children_cpu_seconds();
    let output = command.output().expect("the binary starts");
    let cpu = children_cpu_seconds() - before;
    assert!(
        output.status.success(),
        "{} {scenario} failed: {}",
        binary.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    let summary: serde_json::Value = serde_json::from_str(&summary).expect("summary is JSON");
    let issued = summary["requests_issued"]["mean"]
        .as_f64()
        .expect("requests_issued.mean");
    let replicas = summary["replicas"].as_f64().expect("replicas");
    Run {
        cpu,
        requests: issued * replicas,
    }
}

fn main() {
    let new = std::env::var_os("STUDY_NEW")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/release/s3sim"));
    let baselines = std::env::var("STUDY_BASELINE").unwrap_or_default();
    let scenarios = std::env::var("STUDY_SCENARIOS")
        .unwrap_or_else(|_| "benches/scenarios/reference-study.ron,default".into());
    let scenarios: Vec<&str> = scenarios.split(',').map(str::trim).collect();
    let rounds = std::env::var("STUDY_ROUNDS")
        .ok()
        .map(|r| r.parse().expect("STUDY_ROUNDS is a count"))
        .unwrap_or(DEFAULT_ROUNDS);
    let mut binaries = vec![("new".to_string(), new)];
    for (k, b) in baselines.split(',').filter(|b| !b.is_empty()).enumerate() {
        binaries.push(match b.split_once('=') {
            Some((name, path)) => (name.to_string(), PathBuf::from(path)),
            None if k == 0 => ("baseline".to_string(), PathBuf::from(b)),
            None => (format!("baseline{k}"), PathBuf::from(b)),
        });
    }
    println!("load average before: {}", load_average());
    // runs[scenario][binary][round]
    let mut runs = vec![vec![Vec::new(); binaries.len()]; scenarios.len()];
    for round in 0..rounds {
        for (s, scenario) in scenarios.iter().enumerate() {
            let mut order: Vec<usize> = (0..binaries.len()).collect();
            order.rotate_left(round % binaries.len());
            if (round / binaries.len()) % 2 == 1 {
                order.reverse();
            }
            for b in order {
                let r = run(&binaries[b].1, scenario);
                println!(
                    "round {round} {scenario} {}: {:.2} CPU s, {:.0} requests",
                    binaries[b].0, r.cpu, r.requests
                );
                runs[s][b].push(r);
            }
        }
    }
    println!("load average after: {}", load_average());
    println!();
    println!(
        "| scenario | binary | requests | best CPU s | requests / CPU s | new / this (best) | per-round median | per-round spread |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (s, scenario) in scenarios.iter().enumerate() {
        let best = |b: usize| {
            runs[s][b]
                .iter()
                .map(|r: &Run| r.cpu)
                .fold(f64::INFINITY, f64::min)
        };
        let requests = |b: usize| runs[s][b][0].requests;
        for (b, (name, _)) in binaries.iter().enumerate() {
            let rate = requests(b) / best(b);
            let (ratio, median, spread) = if b > 0 {
                let per_round: Vec<f64> = (0..rounds)
                    .map(|k| {
                        let (n, o) = (runs[s][0][k], runs[s][b][k]);
                        (n.requests / n.cpu) / (o.requests / o.cpu)
                    })
                    .collect();
                let lo = per_round.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = per_round.iter().copied().fold(0.0, f64::max);
                let median = Data::new(per_round).median();
                (
                    format!("**{:.2}**", rate_ratio(&runs[s], b, best(0), best(b))),
                    format!("{median:.2}"),
                    format!("{lo:.2}–{hi:.2}"),
                )
            } else {
                (String::new(), String::new(), String::new())
            };
            println!(
                "| {scenario} | {name} | {:.0} | {:.2} | {:.0} | {ratio} | {median} | {spread} |",
                requests(b),
                best(b),
                rate
            );
        }
        if (1..binaries.len()).any(|b| requests(b) != requests(0)) {
            println!("note: {scenario}: the binaries simulated different request counts");
        }
    }
}

/// The new binary's best requests per CPU-second over binary `b`'s.
fn rate_ratio(runs: &[Vec<Run>], b: usize, best_new: f64, best_old: f64) -> f64 {
    (runs[0][0].requests / best_new) / (runs[b][0].requests / best_old)
}
