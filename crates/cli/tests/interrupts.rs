//! Runs that are interrupted or too big for the whole-run bound leave nothing behind
//! and touch no earlier results; messages name a file once (issue 10).

mod common;

use common::{PASSING, s3sim, scenario, stderr};
use std::path::Path;

/// The names in `dir` that are staging directories.
fn staging(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".s3sim-staging-"))
        .collect()
}

/// The regular files at the top of `dir`, by name, with their bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn replicas_beyond_the_whole_run_bound_are_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    // 1200 one-second bins: 10 000 replicas hold over 10⁹ counters.
    let text = scenario(PASSING).replace("replicas: 3,", "replicas: 3, bin: \"1s\",");
    std::fs::write(tmp.path().join("t.ron"), text).unwrap();
    let out = s3sim(
        tmp.path(),
        &["run", "t.ron", "--replicas", "10000", "--out", "o"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(
        text.starts_with("error: --replicas 10000: 1 point(s) × 10000 replicas would hold "),
        "{text}"
    );
    assert!(
        text.contains("at most 250000000: use at most ")
            && text.contains(" replicas, or a wider bin"),
        "{text}"
    );
    assert!(!tmp.path().join("o").exists());
    // The scenario's own 3 replicas are fine.
    let out = s3sim(tmp.path(), &["validate", "t.ron"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn merge_of_a_missing_shard_names_its_manifest_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = s3sim(tmp.path(), &["merge", "nowhere", "--out", "o"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert_eq!(text.matches("nowhere/shard.json").count(), 1, "{text}");
    assert!(
        text.starts_with("error: nowhere/shard.json: No such file or directory"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_while_writing_removes_the_staging_directory_and_keeps_earlier_results() {
    use rustix::process::{Pid, Signal, kill_process};
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    // Five sweep points: writing their charts keeps a staging directory for a while.
    let text = scenario(PASSING).replace(
        "expect: [",
        "sweep: (fields: [(path: \"seed\", values: [1, 2, 3, 4, 5])]),\n        expect: [",
    );
    std::fs::write(tmp.path().join("t.ron"), text).unwrap();
    let first = s3sim(tmp.path(), &["run", "t.ron", "--out", "o"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = snapshot(&tmp.path().join("o"));
    assert!(before.len() > 3, "{before:?}");
    // Interrupt a second run into the same directory once its staging directory
    // exists; a run that ends before it is seen is tried again.
    for _ in 0..10 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_s3sim"))
            .current_dir(tmp.path())
            .args(["run", "t.ron", "--out", "o", "--seed", "9"])
            .env("HOME", tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let seen = loop {
            if !staging(tmp.path()).is_empty() {
                break true;
            }
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            std::thread::yield_now();
        };
        if !seen {
            continue;
        }
        let pid = Pid::from_raw(child.id() as i32).unwrap();
        kill_process(pid, Signal::TERM).unwrap();
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            continue; // it finished before the signal arrived
        }
        assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
        assert_eq!(staging(tmp.path()), Vec::<String>::new());
        assert!(
            snapshot(&tmp.path().join("o")) == before,
            "the earlier results are untouched"
        );
        return;
    }
    panic!("no run could be interrupted while writing in 10 tries");
}
