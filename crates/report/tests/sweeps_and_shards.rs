//! Sweeps use common random numbers, are deterministic, and shards merge byte for byte.

use s3sim_report::shard::{merge_shards, run_shard};
use s3sim_report::{
    OutDir, RunOptions, RunResult, Shard, run_points, timeseries_csv, write_results,
};
use s3sim_scenario::LoadedScenario;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default story, shortened, with a sweep in place of the last line.
fn sweep_scenario(sweep: &str) -> LoadedScenario {
    // Its expectations lie after the shortened run's end: drop them (the last field).
    let story = s3sim_scenario::DEFAULT_SCENARIO
        .split("    expect: [")
        .next()
        .unwrap();
    let text = format!("{story})")
        .replace("duration: \"2h\"", "duration: \"30m\"")
        .replace(
            "resolvers: [(name: \"isp\", count: 200)],",
            "resolvers: [(name: \"isp\", count: 200), (name: \"unused\", count: 3)],",
        )
        .replace(
            "    clients: [",
            &format!("    sweep: {sweep},\n    clients: ["),
        );
    s3sim_scenario::parse(&text, "sweep.ron").unwrap_or_else(|e| panic!("{e}"))
}

const OPTIONS: RunOptions = RunOptions {
    seed: 11,
    replicas: 3,
    progress: false,
};

fn run_on(threads: usize, loaded: &LoadedScenario) -> Vec<RunResult> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| run_points(loaded, OPTIONS))
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

#[test]
fn points_differing_only_in_an_unused_field_give_identical_results() {
    let loaded =
        sweep_scenario(r#"(fields: [(path: "resolvers[1].max_ttl", values: ["1h", "1m"])])"#);
    let results = run_on(2, &loaded);
    assert_eq!(results.len(), 2);
    assert_eq!(
        timeseries_csv(&results[0].aggregate).unwrap(),
        timeseries_csv(&results[1].aggregate).unwrap()
    );
}

#[test]
fn points_differing_in_a_used_field_differ() {
    let loaded = sweep_scenario(r#"(fields: [(path: "clients[*].dns", values: [none, forever])])"#);
    let results = run_on(2, &loaded);
    assert_ne!(
        timeseries_csv(&results[0].aggregate).unwrap(),
        timeseries_csv(&results[1].aggregate).unwrap()
    );
}

#[test]
fn sweep_outputs_are_byte_identical_for_one_and_four_threads() {
    let loaded = sweep_scenario(
        r#"(fields: [(path: "resolvers[0].max_ttl", values: ["1h", "10m", "1m"])])"#,
    );
    let tmp = tempfile::tempdir().unwrap();
    let (one, four) = (tmp.path().join("one"), tmp.path().join("four"));
    write_results(&OutDir::new(&one), &loaded, OPTIONS, &run_on(1, &loaded)).unwrap();
    write_results(&OutDir::new(&four), &loaded, OPTIONS, &run_on(4, &loaded)).unwrap();
    let (one, four) = (tree(&one), tree(&four));
    let names: Vec<String> = one.keys().map(|p| p.display().to_string()).collect();
    for expected in [
        "sweep.csv",
        "scenario.ron",
        "0-max_ttl-1h/timeseries.csv",
        "2-max_ttl-1m/summary.json",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} missing from {names:?}"
        );
    }
    assert_eq!(one, four);
}

#[test]
fn sweep_csv_has_one_row_per_point_class_and_metric() {
    let loaded =
        sweep_scenario(r#"(fields: [(path: "resolvers[0].max_ttl", values: ["1h", "1m"])])"#);
    let summary = s3sim_report::sweep_summary::SweepSummary::new(&loaded, &run_on(2, &loaded));
    let csv = s3sim_report::sweep_csv(&summary).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("point,label,resolvers[0].max_ttl,class,metric,mean,ci95_low,ci95_high,n")
    );
    // The swept value in seconds, the RON value (unquoted) in the label only: no field
    // needs CSV quotes.
    assert!(!csv.contains('"'), "{}", &csv[..300]);
    let row = csv
        .lines()
        .find(|l| l.starts_with("1,resolvers[0].max_ttl=1m,60,all,redirect_rate,"))
        .expect("a row of point 1 with its TTL in seconds");
    assert!(row.ends_with(",3"), "all 3 replicas had a value: {row}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let ttl: Vec<f64> = reader
        .records()
        .map(|r| r.unwrap()[2].parse().unwrap())
        .collect();
    assert!(ttl.iter().all(|&t| t == 3600.0 || t == 60.0), "{ttl:?}");
}

#[test]
fn a_point_scenario_file_runs_on_its_own_with_the_same_results() {
    let loaded =
        sweep_scenario(r#"(fields: [(path: "resolvers[0].max_ttl", values: ["1h", "1m"])])"#);
    let tmp = tempfile::tempdir().unwrap();
    let results = run_on(2, &loaded);
    write_results(&OutDir::new(tmp.path()), &loaded, OPTIONS, &results).unwrap();
    let point = s3sim_scenario::load(&tmp.path().join("1-max_ttl-1m/scenario.ron")).unwrap();
    assert_eq!(*point.world, *loaded.points[1].world());
}

#[test]
fn three_shards_merge_into_exactly_the_unsharded_outputs() {
    let loaded =
        sweep_scenario(r#"(fields: [(path: "resolvers[0].max_ttl", values: ["1h", "1m"])])"#);
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    write_results(&OutDir::new(&whole), &loaded, OPTIONS, &run_on(2, &loaded)).unwrap();
    let shards: Vec<PathBuf> = (0..3)
        .map(|k| {
            let dir = tmp.path().join(format!("shard-{k}"));
            run_shard(
                &OutDir::new(&dir),
                &loaded,
                OPTIONS,
                Shard { index: k, count: 3 },
            )
            .unwrap();
            dir
        })
        .collect();
    let (merged_loaded, options, results) =
        merge_shards(&[shards[2].clone(), shards[0].clone(), shards[1].clone()]).unwrap();
    let merged = tmp.path().join("merged");
    write_results(&OutDir::new(&merged), &merged_loaded, options, &results).unwrap();
    assert_eq!(tree(&whole), tree(&merged));
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_shards() {
    let loaded =
        sweep_scenario(r#"(fields: [(path: "resolvers[0].max_ttl", values: ["1h", "1m"])])"#);
    let tmp = tempfile::tempdir().unwrap();
    let shard = |k: u32, seed: u64| {
        let dir = tmp.path().join(format!("s{k}-{seed}"));
        run_shard(
            &OutDir::new(&dir),
            &loaded,
            RunOptions { seed, ..OPTIONS },
            Shard { index: k, count: 2 },
        )
        .unwrap();
        dir
    };
    let (a, b, foreign) = (shard(0, 11), shard(1, 11), shard(1, 12));
    let err = merge_shards(std::slice::from_ref(&a))
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing [1]"), "{err}");
    let err = merge_shards(&[a.clone(), a.clone(), b])
        .unwrap_err()
        .to_string();
    assert!(err.contains("given more than once [0]"), "{err}");
    let err = merge_shards(&[a, foreign]).unwrap_err().to_string();
    assert!(err.contains("from another run"), "{err}");
}
