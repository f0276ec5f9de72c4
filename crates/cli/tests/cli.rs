//! The `s3sim` binary: exit codes, files written, shards from scheduler variables.

mod common;

use common::{FAILING, PASSING, s3sim, scenario, stderr, stdout};

#[test]
fn check_exits_0_when_every_assertion_holds_and_1_when_one_fails() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.ron"), scenario(PASSING)).unwrap();
    std::fs::write(tmp.path().join("bad.ron"), scenario(FAILING)).unwrap();
    let ok = s3sim(tmp.path(), &["check", "ok.ron"], &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(
        stdout(&ok).ends_with("1 passed, 0 failed\n"),
        "{}",
        stdout(&ok)
    );
    let bad = s3sim(
        tmp.path(),
        &[
            "check",
            "--quick",
            "ok.ron",
            "bad.ron",
            "--junit",
            "out/junit.xml",
        ],
        &[],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("FAIL expect[0] mean_above(redirect_rate, all, 10m..end) >= 0.5"),
        "{}",
        stdout(&bad)
    );
    assert!(stdout(&bad).ends_with("1 passed, 1 failed\n"));
    let xml = std::fs::read_to_string(tmp.path().join("out/junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
}

#[test]
fn check_of_a_directory_takes_its_ron_files_and_an_invalid_one_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("s")).unwrap();
    std::fs::write(tmp.path().join("s/a.ron"), scenario(PASSING)).unwrap();
    std::fs::write(
        tmp.path().join("s/b.ron"),
        scenario(PASSING).replace("count: 50", "count: 0"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("s/notes.txt"), "not a scenario").unwrap();
    let out = s3sim(tmp.path(), &["check", "--quick", "s"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("ERROR s/b.ron"), "{text}");
    assert!(text.contains("resolvers[0].count: must be > 0"), "{text}");
    assert!(
        text.contains("1 scenario file(s) could not be checked"),
        "{text}"
    );
}

#[test]
fn validate_exits_1_with_the_errors_of_an_invalid_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.ron"), scenario(PASSING)).unwrap();
    std::fs::write(
        tmp.path().join("bad.ron"),
        scenario(PASSING).replace("\"20m\"", "\"20 parsecs\""),
    )
    .unwrap();
    assert_eq!(
        s3sim(tmp.path(), &["validate", "ok.ron"], &[])
            .status
            .code(),
        Some(0)
    );
    let bad = s3sim(tmp.path(), &["validate", "ok.ron", "bad.ron"], &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("error: bad.ron:2:"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn shard_auto_reads_the_index_from_the_scheduler_variable() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("t.ron"), scenario(PASSING)).unwrap();
    let out = s3sim(
        tmp.path(),
        &["run", "t.ron", "--shard", "auto/2"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest =
        std::fs::read_to_string(tmp.path().join("results/tiny.shards/1-of-2/shard.json")).unwrap();
    assert!(
        manifest.contains("\"shard\":{\"index\":1,\"count\":2}"),
        "{manifest}"
    );
    let missing = s3sim(tmp.path(), &["run", "t.ron", "--shard", "auto/2"], &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, PBS_ARRAY_INDEX, SGE_TASK_ID, LSB_JOBINDEX is set"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn sharded_run_merged_equals_the_plain_run() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("t.ron"), scenario(PASSING)).unwrap();
    assert!(
        s3sim(tmp.path(), &["run", "t.ron", "--out", "plain"], &[])
            .status
            .success()
    );
    for k in 0..2 {
        let shard = format!("{k}/2");
        assert!(
            s3sim(tmp.path(), &["run", "t.ron", "--shard", &shard], &[])
                .status
                .success()
        );
    }
    let merged = s3sim(
        tmp.path(),
        &[
            "merge",
            "results/tiny.shards/0-of-2",
            "results/tiny.shards/1-of-2",
            "--out",
            "merged",
        ],
        &[],
    );
    assert!(merged.status.success(), "{}", stderr(&merged));
    for file in ["timeseries.csv", "summary.json", "redirect_rate.png"] {
        let a = std::fs::read(tmp.path().join("plain").join(file)).unwrap();
        let b = std::fs::read(tmp.path().join("merged").join(file)).unwrap();
        assert!(a == b, "{file} differs");
    }
}

#[test]
fn status_exits_1_until_every_shard_is_done_and_a_broken_shard_fails_merge_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("t.ron"), scenario(PASSING)).unwrap();
    let run = s3sim(tmp.path(), &["run", "t.ron", "--shard", "0/2"], &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let status = s3sim(tmp.path(), &["status", "results/tiny.shards"], &[]);
    assert_eq!(status.status.code(), Some(1));
    assert!(
        stdout(&status).contains("shards not found: 1"),
        "{}",
        stdout(&status)
    );
    let merge = s3sim(
        tmp.path(),
        &["merge", "results/tiny.shards/0-of-2", "--out", "m"],
        &[],
    );
    assert_eq!(merge.status.code(), Some(1));
    assert!(
        stderr(&merge).contains("sbatch --array=1 deploy/slurm/sweep-array.sbatch t.ron 2"),
        "{}",
        stderr(&merge)
    );
    let run = s3sim(tmp.path(), &["run", "t.ron", "--shard", "1/2"], &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let status = s3sim(tmp.path(), &["status", "results/tiny.shards"], &[]);
    assert_eq!(status.status.code(), Some(0), "{}", stdout(&status));
    let job = tmp
        .path()
        .join("results/tiny.shards/1-of-2/jobs/0-1.bin.gz");
    std::fs::write(&job, b"not gzip").unwrap();
    let merge = s3sim(
        tmp.path(),
        &[
            "merge",
            "results/tiny.shards/0-of-2",
            "results/tiny.shards/1-of-2",
            "--out",
            "m",
        ],
        &[],
    );
    assert_eq!(merge.status.code(), Some(1), "an error, not a panic (101)");
    assert!(
        stderr(&merge).contains("0-1.bin.gz: not a whole gzip file"),
        "{}",
        stderr(&merge)
    );
}

#[test]
fn run_without_arguments_runs_the_default_scenario_and_writes_its_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = s3sim(tmp.path(), &["run", "--replicas", "2"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tmp.path().join("results/new-bucket-propagation");
    for file in [
        "timeseries.csv",
        "summary.json",
        "replicas.csv",
        "report.html",
        "scenario.ron",
        "redirect_rate.png",
        "redirect_rate.svg",
        "outcomes.png",
        "dns_staleness.png",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    assert!(stdout(&out).contains("simulated "), "{}", stdout(&out));
}

#[test]
fn show_prints_ron_that_validates_and_shows_the_same_again() {
    let tmp = tempfile::tempdir().unwrap();
    let first = s3sim(tmp.path(), &["show"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let text = stdout(&first);
    // Defaults the built-in file leaves out are written.
    assert!(text.contains("record_ttl:"), "{text}");
    assert!(text.contains("name: \"new-bucket-propagation\""));
    std::fs::write(tmp.path().join("shown.ron"), &text).unwrap();
    let valid = s3sim(tmp.path(), &["validate", "shown.ron"], &[]);
    assert_eq!(valid.status.code(), Some(0), "{}", stderr(&valid));
    let again = s3sim(tmp.path(), &["show", "shown.ron"], &[]);
    let body = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&stdout(&again)), body(&text));
}

#[test]
fn metrics_lists_every_output_metric_with_its_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let out = s3sim(tmp.path(), &["metrics"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for name in s3sim_model::metrics::Metric::all().map(|m| m.name()) {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(name.as_str())),
            "{name} missing"
        );
    }
    let settle = text
        .lines()
        .find(|l| l.starts_with("redirect_rate_settled_s "))
        .unwrap();
    assert!(settle.split_whitespace().nth(1) == Some("s"), "{settle}");
    let redirect = text
        .lines()
        .find(|l| l.starts_with("redirect_rate "))
        .unwrap();
    assert!(redirect.contains(" share "), "{redirect}");
}

#[test]
fn run_json_prints_only_the_summary_and_quiet_prints_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let json = s3sim(
        tmp.path(),
        &["run", "--replicas", "1", "--json", "--out", "a"],
        &[],
    );
    assert!(json.status.success(), "{}", stderr(&json));
    let text = stdout(&json);
    let written = std::fs::read_to_string(tmp.path().join("a/summary.json")).unwrap();
    assert_eq!(text.trim_end(), written.trim_end());
    assert!(text.starts_with('{'), "{text}");
    let quiet = s3sim(
        tmp.path(),
        &["run", "--replicas", "1", "--quiet", "--out", "b"],
        &[],
    );
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert_eq!(stdout(&quiet), "");
    assert!(tmp.path().join("b/report.html").is_file());
}
