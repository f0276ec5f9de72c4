//! `s3sim compare`: a real change is found, a reseed is not, and the outputs are
//! written. Runs of 75 minutes of the default scenario, 6 replicas each.

use s3sim_report::compare::{RunDir, compare};
use s3sim_report::{OutDir, RunOptions};
use std::path::{Path, PathBuf};

/// The default scenario shortened to 75 minutes (its expectations end at 72 min).
fn default_text() -> String {
    s3sim_scenario::DEFAULT_SCENARIO.replace("duration: \"2h\"", "duration: \"75m\"")
}

/// Run `text` with `seed` (6 replicas) and write its results into `dir/name`.
fn run_into(dir: &Path, name: &str, text: &str, seed: u64) -> PathBuf {
    let loaded = s3sim_scenario::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        seed,
        replicas: 6,
        progress: false,
    };
    let results = s3sim_report::run_points(&loaded, options);
    let out = dir.join(name);
    s3sim_report::write_results(&OutDir::new(&out), &loaded, options, &results).unwrap();
    out
}

#[test]
fn halved_propagation_is_flagged_and_a_reseed_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let text = default_text();
    let halved = text
        .replace("median: \"15m\"", "median: \"7m30s\"")
        .replace("propagation_cap: \"1h\"", "propagation_cap: \"30m\"");
    assert_ne!(halved, text);
    let a = run_into(dir.path(), "a", &text, 2026);
    let reseed = run_into(dir.path(), "reseed", &text, 7);
    let b = run_into(dir.path(), "halved", &halved, 2026);

    let same = compare(RunDir::read(&a).unwrap(), RunDir::read(&reseed).unwrap());
    let changed: Vec<String> = same
        .changed()
        .map(|r| format!("{}/{}", r.class, r.metric))
        .collect();
    assert!(changed.is_empty(), "a reseed changed {changed:?}");
    assert!(same.tested > 300, "{} rows tested", same.tested);
    let watched = ["redirect_rate".to_string(), "error_rate".to_string()];
    assert!(same.changed_among(&watched).unwrap().is_empty());

    let moved = compare(RunDir::read(&a).unwrap(), RunDir::read(&b).unwrap());
    assert_eq!(moved.changed_among(&watched).unwrap(), watched);
    let all_redirects = moved
        .rows
        .iter()
        .find(|r| r.class == "all" && r.metric == "redirect_rate")
        .unwrap();
    assert!(all_redirects.changed());
    let ci = all_redirects.ci95.unwrap();
    assert!(
        ci.high < 0.0,
        "fewer redirects with faster propagation: {ci:?}"
    );
    // The regional app is never redirected in either run: nothing to flag.
    let regional = moved
        .rows
        .iter()
        .find(|r| r.class == "regional-app" && r.metric == "status_307")
        .unwrap();
    assert_eq!((regional.mean_a, regional.mean_b), (0.0, 0.0));
    assert!(!regional.flagged());

    let out = dir.path().join("cmp");
    let files = moved.write(&OutDir::new(&out)).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "comparison.csv",
            "compare_redirect_rate.png",
            "compare_redirect_rate.svg",
            "compare_error_rate.png",
            "compare_error_rate.svg"
        ]
    );
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert_eq!(csv.lines().count(), moved.rows.len() + 1);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("all,redirect_rate,") && l.ends_with(",1,1"))
    );
    let svg = std::fs::read_to_string(out.join("compare_redirect_rate.svg")).unwrap();
    assert!(svg.contains("A: a (new-bucket-propagation, seed 2026)"));
    assert!(moved.changed_among(&["no_such_metric".into()]).is_err());
}

#[test]
fn a_sweep_directory_is_refused_with_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sweep.csv"), "x\n").unwrap();
    let err = RunDir::read(dir.path()).unwrap_err();
    assert!(err.message.contains("sweep"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let err = RunDir::read(empty.path()).unwrap_err();
    assert!(err.to_string().contains("replicas.csv"), "{err}");
}
