//! An output directory replaces only what s3sim wrote: the marker, refusals, `--force`.

use s3sim_report::output::outdir::MARKER;
use s3sim_report::shard::run_shard;
use s3sim_report::{Kind, OutDir, RunOptions, RunResult, Shard, write_results};
use s3sim_scenario::LoadedScenario;
use std::path::Path;

const OPTIONS: RunOptions = RunOptions {
    seed: 3,
    replicas: 1,
    progress: false,
};

fn short_default() -> (LoadedScenario, Vec<RunResult>) {
    let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
    let mut world = (*loaded.world).clone();
    world.duration = s3sim_engine::SimDuration::from_secs(600);
    let results = vec![s3sim_report::run(&world, OPTIONS)];
    (loaded, results)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn out_refuses_a_directory_it_did_not_write() {
    let (loaded, results) = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    std::fs::write(proj.join("main.rs"), "fn main() {}").unwrap();
    let err = write_results(&OutDir::new(&proj), &loaded, OPTIONS, &results).unwrap_err();
    assert!(err.to_string().contains("s3sim did not write it"), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(names(&proj), ["main.rs"]);
    assert_eq!(names(tmp.path()), ["proj"], "no staging directory left");
}

#[test]
fn out_with_force_replaces_a_directory_it_did_not_write() {
    let (loaded, results) = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("old-report");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    let out = OutDir::new(&dir).force(true);
    write_results(&out, &loaded, OPTIONS, &results).unwrap();
    assert!(!dir.join("notes.txt").exists());
    assert!(dir.join("summary.json").is_file());
}

#[test]
fn out_fills_an_empty_directory_and_marks_it_as_s3sim_results() {
    let (loaded, results) = short_default();
    let tmp = tempfile::tempdir().unwrap();
    write_results(&OutDir::new(tmp.path()), &loaded, OPTIONS, &results).unwrap();
    let marker = std::fs::read_to_string(tmp.path().join(MARKER)).unwrap();
    assert!(
        marker.starts_with("s3sim results\nWritten by s3sim "),
        "{marker}"
    );
    assert!(tmp.path().join("timeseries.csv").is_file());
}

#[test]
fn out_replaces_results_it_wrote_whole() {
    let (loaded, results) = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let out = OutDir::new(tmp.path().join("r"));
    write_results(&out, &loaded, OPTIONS, &results).unwrap();
    std::fs::write(out.path().join("stale.csv"), "from an older run").unwrap();
    write_results(&out, &loaded, OPTIONS, &results).unwrap();
    assert!(!out.path().join("stale.csv").exists());
    assert!(out.path().join(MARKER).is_file());
    assert_eq!(names(tmp.path()), ["r"], "no staging directory left");
}

#[cfg(unix)]
#[test]
fn installed_results_get_the_mode_of_a_normal_directory() {
    use std::os::unix::fs::PermissionsExt;
    let (loaded, results) = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let out = OutDir::new(tmp.path().join("r"));
    write_results(&out, &loaded, OPTIONS, &results).unwrap();
    let probe = tmp.path().join("probe");
    std::fs::create_dir(&probe).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(out.path()), mode(&probe), "not TempDir's 0700");
}

#[test]
fn out_refuses_an_existing_file_and_leaves_it_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.txt");
    std::fs::write(&file, "precious").unwrap();
    for force in [false, true] {
        let err = OutDir::new(&file)
            .force(force)
            .check(Kind::Results)
            .unwrap_err();
        assert!(
            err.to_string().contains("it is a file, not a directory"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
}

#[test]
fn out_under_a_file_names_the_component_that_is_not_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hostname");
    std::fs::write(&file, "h").unwrap();
    let err = OutDir::new(file.join("sub/deeper"))
        .check(Kind::Results)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: cannot be created: {} is a file, not a directory",
            file.join("sub/deeper").display(),
            file.display()
        )
    );
}

#[cfg(unix)]
#[test]
fn out_refuses_a_symbolic_link() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("target")).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(tmp.path().join("target"), &link).unwrap();
    let err = OutDir::new(&link)
        .force(true)
        .check(Kind::Results)
        .unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
}

#[test]
fn out_refuses_a_name_longer_than_the_filesystem_allows_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let err = OutDir::new(tmp.path().join("x".repeat(300)))
        .check(Kind::Results)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("its name is 300 bytes long, and this filesystem allows at most"),
        "{err}"
    );
}

#[test]
fn results_are_never_installed_over_a_shard_directory_or_a_shards_folder() {
    let (loaded, results) = short_default();
    let tmp = tempfile::tempdir().unwrap();
    let shards = tmp.path().join("x.shards");
    let shard = OutDir::new(shards.join("0-of-1"));
    run_shard(&shard, &loaded, OPTIONS, Shard { index: 0, count: 1 }).unwrap();
    let before = names(shard.path());
    // The shard itself, marked as a shard.
    let err = write_results(&OutDir::new(shard.path()), &loaded, OPTIONS, &results).unwrap_err();
    assert!(
        err.to_string().contains("it holds a shard's raw results"),
        "{err}"
    );
    // The folder of shards, which carries no marker.
    let err = write_results(&OutDir::new(&shards), &loaded, OPTIONS, &results).unwrap_err();
    assert!(err.to_string().contains("s3sim did not write it"), "{err}");
    assert_eq!(names(shard.path()), before);
    assert_eq!(names(&shards), ["0-of-1"]);
    // A shard replaces its own kind.
    run_shard(&shard, &loaded, OPTIONS, Shard { index: 0, count: 1 }).unwrap();
}

#[test]
fn output_may_not_be_contain_or_lie_inside_an_input_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    let inputs = [m.join("0"), m.join("1")];
    for input in &inputs {
        std::fs::create_dir_all(input).unwrap();
    }
    for (out, relation) in [
        (m.clone(), "contains the input directory"),
        (m.join("1"), "is the input directory"),
        (m.join("0/merged"), "lies inside the input directory"),
        (m.join("1/../0"), "is the input directory"),
    ] {
        let err = OutDir::new(&out).check_apart_from(&inputs).unwrap_err();
        assert!(err.to_string().contains(relation), "{out:?}: {err}");
    }
    assert!(
        OutDir::new(tmp.path().join("merged"))
            .check_apart_from(&inputs)
            .is_ok()
    );
}
