//! A shard interrupted while it writes job files leaves no partial file behind, and
//! running it again keeps every job it had written (issue 14, resumable shards).

mod common;

use common::{PASSING, s3sim, scenario, stderr, stdout};
use std::path::Path;

/// The names in `dir` that start with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn sigterm_while_a_shard_writes_jobs_leaves_no_partial_file_and_a_rerun_keeps_the_written_jobs() {
    use rustix::process::{Pid, Signal, kill_process};
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("t.ron"), scenario(PASSING)).unwrap();
    let args = [
        "run",
        "t.ron",
        "--shard",
        "0/1",
        "--replicas",
        "400",
        "--out",
        "o",
    ];
    let jobs = tmp.path().join("o").join("jobs");
    // Interrupt the shard while one of its job files is being written; a run in which
    // none is seen, or that ends before the signal, is tried again.
    for _ in 0..20 {
        let _ = std::fs::remove_dir_all(tmp.path().join("o"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_s3sim"))
            .current_dir(tmp.path())
            .args(args)
            .env("HOME", tmp.path())
            .env_remove("SLURM_ARRAY_TASK_ID")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let seen = loop {
            if !named(&jobs, ".partial-").is_empty() {
                break true;
            }
            if child.try_wait().unwrap().is_some() {
                break false;
            }
        };
        if !seen {
            let _ = child.wait();
            continue;
        }
        let pid = Pid::from_raw(child.id() as i32).unwrap();
        kill_process(pid, Signal::TERM).unwrap();
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            continue; // it finished before the signal arrived
        }
        assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
        assert_eq!(named(&jobs, ".partial-"), Vec::<String>::new());
        let written = named(&jobs, "").len();
        assert!(written < 400, "{written} jobs written before the signal");
        let again = s3sim(tmp.path(), &args, &[]);
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        let text = stdout(&again);
        let said = format!(
            "shard 0/1: 400 jobs ({} run now, {written} kept from an earlier run)",
            400 - written
        );
        assert!(text.contains(&said), "{text}");
        assert_eq!(named(&jobs, "").len(), 400);
        return;
    }
    panic!("no shard could be interrupted while writing a job file in 20 tries");
}
