//! Same scenario and seed give byte-identical outputs, for any thread count.

use s3sim_engine::SimDuration;
use s3sim_report::{RunOptions, RunResult};
use s3sim_scenario::LoadedScenario;
use std::path::Path;

fn short_default() -> LoadedScenario {
    let mut loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "default").unwrap();
    std::sync::Arc::make_mut(&mut loaded.world).duration = SimDuration::from_secs(40 * 60);
    loaded
}

const OPTIONS: RunOptions = RunOptions {
    seed: 7,
    replicas: 6,
    progress: false,
};

fn run_on(threads: usize, loaded: &LoadedScenario) -> RunResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| s3sim_report::run(&loaded.world, OPTIONS))
}

fn write(dir: &Path, loaded: &LoadedScenario, result: &RunResult) -> Vec<(String, Vec<u8>)> {
    s3sim_report::write_results(
        &s3sim_report::OutDir::new(dir),
        loaded,
        OPTIONS,
        std::slice::from_ref(result),
    )
    .unwrap();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn outputs_are_byte_identical_with_one_and_four_threads_and_across_runs() {
    let loaded = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let one = write(&tmp.path().join("one"), &loaded, &run_on(1, &loaded));
    let four = write(&tmp.path().join("four"), &loaded, &run_on(4, &loaded));
    let again = write(&tmp.path().join("again"), &loaded, &run_on(4, &loaded));
    let names: Vec<&str> = one.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"timeseries.csv") && names.contains(&"summary.json"),
        "{names:?}"
    );
    assert_eq!(one, four, "1 vs 4 threads");
    assert_eq!(four, again, "two runs");
}

#[test]
fn a_different_seed_changes_the_results() {
    let loaded = short_default();
    let a = run_on(2, &loaded);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let b = pool.install(|| s3sim_report::run(&loaded.world, RunOptions { seed: 8, ..OPTIONS }));
    assert_ne!(
        s3sim_report::timeseries_csv(&a.aggregate).unwrap(),
        s3sim_report::timeseries_csv(&b.aggregate).unwrap(),
        "the seed must matter"
    );
}

#[test]
fn timeseries_header_is_exactly_the_documented_one() {
    let loaded = short_default();
    let csv = s3sim_report::timeseries_csv(&run_on(2, &loaded).aggregate).unwrap();
    assert_eq!(
        csv.lines().next(),
        Some("time_s,class,metric,mean,ci95_low,ci95_high")
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("900,all,redirect_rate,"))
        .expect("a 15-min row");
    let fields: Vec<f64> = row.split(',').skip(3).map(|f| f.parse().unwrap()).collect();
    assert!(fields[1] <= fields[0] && fields[0] <= fields[2], "{row}");
}

#[test]
fn a_failed_write_leaves_the_previous_results_untouched() {
    let loaded = short_default();
    let result = run_on(2, &loaded);
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("file-not-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let err = s3sim_report::write_results(
        &s3sim_report::OutDir::new(blocker.join("out")),
        &loaded,
        OPTIONS,
        std::slice::from_ref(&result),
    )
    .unwrap_err();
    assert!(err.to_string().contains("file-not-dir"), "{err}");
    assert_eq!(std::fs::read(&blocker).unwrap(), b"x");
}

/// A shipped scenario, shortened, with its first sweep point's world.
fn shipped(file: &str, minutes: u64) -> LoadedScenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut loaded = s3sim_scenario::parse(&text, file).unwrap();
    let mut world = (*loaded.points[0].world()).clone();
    world.duration = SimDuration::from_secs(minutes * 60);
    loaded.world = std::sync::Arc::new(world);
    loaded.scenario.sweep = None;
    loaded
}

#[test]
fn cdn_faults_retries_and_queues_are_byte_identical_with_one_and_four_threads() {
    for (file, minutes) in [
        ("cloudfront-global-origin-307.ron", 40),
        ("facility-outage-retry-storm.ron", 25),
        ("ip-rotation-forever-vs-ttl.ron", 20),
        ("website-routing-rules.ron", 10),
    ] {
        let loaded = shipped(file, minutes);
        let tmp = tempfile::tempdir().unwrap();
        let one = write(&tmp.path().join("one"), &loaded, &run_on(1, &loaded));
        let four = write(&tmp.path().join("four"), &loaded, &run_on(4, &loaded));
        assert!(one.iter().any(|(n, _)| n == "facilities.csv"), "{file}");
        assert_eq!(one, four, "{file}: 1 vs 4 threads");
    }
}
