//! What `s3sim` will and will not replace, bounded inputs, `check` on nothing, closed
//! pipes: run the built binary on scratch directories.

mod common;

use common::{PASSING, s3sim, scenario, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A scratch directory holding the tiny scenario `t.ron` (named `tiny`).
fn scratch() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("t.ron"), scenario(PASSING)).unwrap();
    tmp
}

fn assert_refused(out: &Output, message: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
    assert!(stderr(out).contains(message), "{}", stderr(out));
    assert_eq!(stdout(out), "", "refused before running");
}

#[test]
fn out_refuses_a_directory_it_did_not_write() {
    let tmp = scratch();
    std::fs::create_dir(tmp.path().join("proj")).unwrap();
    std::fs::write(tmp.path().join("proj/main.rs"), "fn main() {}").unwrap();
    let out = s3sim(tmp.path(), &["run", "t.ron", "--out", "proj"], &[]);
    assert_refused(
        &out,
        "error: proj: refusing to replace this directory: s3sim did not write it (it has no .s3sim-results marker) and it is not empty. s3sim replaces its output directory whole; give a new or empty directory, or pass --force to replace this one and everything in it\n",
    );
    assert_eq!(names(&tmp.path().join("proj")), ["main.rs"]);
    assert_eq!(names(tmp.path()), ["proj", "t.ron"]);
}

#[test]
fn out_with_force_replaces_a_directory_it_did_not_write() {
    let tmp = scratch();
    std::fs::create_dir(tmp.path().join("old")).unwrap();
    std::fs::write(tmp.path().join("old/notes.txt"), "x").unwrap();
    let out = s3sim(
        tmp.path(),
        &["run", "t.ron", "--out", "old", "--force"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!tmp.path().join("old/notes.txt").exists());
    assert!(tmp.path().join("old/.s3sim-results").is_file());
}

#[test]
fn out_refuses_the_current_home_and_root_directories_even_with_force() {
    let tmp = scratch();
    let (home, work) = (tmp.path().join("home"), tmp.path().join("work"));
    std::fs::create_dir_all(home.join("docs")).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("t.ron"), scenario(PASSING)).unwrap();
    let home_text = home.to_str().unwrap();
    for (dir, held) in [
        (".", "current"),
        ("..", "current"),
        ("/", "current"),
        (home_text, "home"),
    ] {
        let out = s3sim(
            &work,
            &["run", "t.ron", "--force", "--out", dir],
            &[("HOME", home_text)],
        );
        assert_refused(
            &out,
            &format!("refusing to replace a directory that holds the {held} directory"),
        );
    }
    assert_eq!(names(&work), ["t.ron"]);
    assert_eq!(names(&home), ["docs"]);
}

#[test]
fn out_refuses_an_existing_file_and_leaves_it_untouched() {
    let tmp = scratch();
    std::fs::write(tmp.path().join("report.pdf"), "precious").unwrap();
    for force in [&[][..], &["--force"][..]] {
        let args = [&["run", "t.ron", "--out", "report.pdf"][..], force].concat();
        let out = s3sim(tmp.path(), &args, &[]);
        assert_refused(
            &out,
            "error: report.pdf: refusing to write results here: it is a file, not a directory",
        );
    }
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("report.pdf")).unwrap(),
        "precious"
    );
    assert_eq!(names(tmp.path()), ["report.pdf", "t.ron"]);
}

#[test]
fn out_under_a_file_names_the_component_that_is_not_a_directory() {
    let tmp = scratch();
    std::fs::write(tmp.path().join("hostname"), "h").unwrap();
    let out = s3sim(tmp.path(), &["run", "t.ron", "--out", "hostname/sub"], &[]);
    assert_refused(
        &out,
        "error: hostname/sub: cannot be created: hostname is a file, not a directory\n",
    );
}

#[test]
fn io_errors_print_their_cause_once() {
    let tmp = scratch();
    std::fs::create_dir(tmp.path().join("junit.xml")).unwrap();
    let out = s3sim(tmp.path(), &["check", "t.ron", "--junit", "junit.xml"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert_eq!(text.matches("(os error").count(), 1, "{text}");
    assert!(text.starts_with("error: junit.xml: "), "{text}");
}

#[test]
fn the_default_results_directory_follows_the_same_rule() {
    let tmp = scratch();
    let dir = tmp.path().join("results/tiny");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mine.txt"), "x").unwrap();
    let out = s3sim(tmp.path(), &["run", "t.ron"], &[]);
    assert_refused(
        &out,
        "error: results/tiny: refusing to replace this directory",
    );
    std::fs::remove_file(dir.join("mine.txt")).unwrap();
    for _ in 0..2 {
        let out = s3sim(tmp.path(), &["run", "t.ron"], &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert!(dir.join("summary.json").is_file());
    assert_eq!(names(&tmp.path().join("results")), ["tiny"]);
}

/// Shards 0 and 1 of 2 of `t.ron` in `m/0` and `m/1`.
fn two_shards(dir: &Path) {
    for k in 0..2 {
        let (shard, out) = (format!("{k}/2"), format!("m/{k}"));
        let run = s3sim(
            dir,
            &["run", "t.ron", "--shard", &shard, "--out", &out],
            &[],
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
}

#[test]
fn merge_refuses_an_output_inside_its_inputs() {
    let tmp = scratch();
    two_shards(tmp.path());
    let before = (
        names(&tmp.path().join("m/0")),
        names(&tmp.path().join("m/1")),
    );
    for (out, relation) in [
        ("m", "it contains the input directory m/0"),
        ("m/1", "it is the input directory m/1"),
        ("m/0/merged", "it lies inside the input directory m/0"),
    ] {
        for force in [&[][..], &["--force"][..]] {
            let args = [&["merge", "m/0", "m/1", "--out", out][..], force].concat();
            assert_refused(&s3sim(tmp.path(), &args, &[]), relation);
        }
    }
    let after = (
        names(&tmp.path().join("m/0")),
        names(&tmp.path().join("m/1")),
    );
    assert_eq!(before, after);
    assert_eq!(names(&tmp.path().join("m")), ["0", "1"]);
}

#[test]
fn results_are_never_installed_over_a_shards_folder() {
    let tmp = scratch();
    for k in 0..2 {
        let shard = format!("{k}/2");
        let out = s3sim(tmp.path(), &["run", "t.ron", "--shard", &shard], &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let shards = tmp.path().join("results/tiny.shards");
    let out = s3sim(
        tmp.path(),
        &["run", "t.ron", "--out", "results/tiny.shards"],
        &[],
    );
    assert_refused(&out, "s3sim did not write it");
    let out = s3sim(
        tmp.path(),
        &["run", "t.ron", "--out", "results/tiny.shards/0-of-2"],
        &[],
    );
    assert_refused(&out, "it holds a shard's raw results");
    assert_eq!(names(&shards), ["0-of-2", "1-of-2"]);
}

#[test]
fn threads_above_the_ceiling_are_refused() {
    let tmp = scratch();
    for threads in ["5000", "0"] {
        let out = s3sim(tmp.path(), &["run", "t.ron", "--threads", threads], &[]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains(&format!("{threads} is not in 1..=1024")),
            "{}",
            stderr(&out)
        );
    }
    let out = s3sim(
        tmp.path(),
        &["check", "t.ron"],
        &[("RAYON_NUM_THREADS", "5000")],
    );
    assert_refused(
        &out,
        "error: RAYON_NUM_THREADS=5000: at most 1024 worker threads\n",
    );
}

#[test]
fn validate_refuses_an_endless_or_huge_file_naming_the_cap() {
    let tmp = scratch();
    let huge = tmp.path().join("huge.ron");
    // A sparse 1 GiB file: no disk used, but 1 GiB to read.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let mut files = vec![huge.to_str().unwrap().to_string()];
    if Path::new("/dev/zero").exists() {
        files.push("/dev/zero".into());
    }
    for file in &files {
        let out = s3sim(tmp.path(), &["validate", file], &[]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(&format!(
                "error: {file}: cannot read: larger than 16 MiB, the most s3sim reads from this file"
            )),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn check_fails_when_it_finds_nothing() {
    let tmp = scratch();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let out = s3sim(tmp.path(), &["check", "empty"], &[]);
    assert_refused(
        &out,
        "error: no scenario files (*.ron) found in empty, so nothing was checked; pass --allow-empty if that is expected\n",
    );
    let out = s3sim(tmp.path(), &["check", "empty", "--allow-empty"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "0 passed, 0 failed\n");
}

#[test]
fn check_fails_when_nothing_has_expectations() {
    let tmp = scratch();
    std::fs::write(tmp.path().join("t.ron"), scenario("")).unwrap();
    let out = s3sim(tmp.path(), &["check", "t.ron"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: none of the 1 scenario file(s) has expectations (`expect: [...]`), so nothing was checked; pass --allow-empty if that is expected"),
        "{}",
        stderr(&out)
    );
    let out = s3sim(tmp.path(), &["check", "t.ron", "--allow-empty"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn junit_report_and_results_are_readable_by_other_users() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = scratch();
    let bin = env!("CARGO_BIN_EXE_s3sim");
    let status = Command::new("sh")
        .current_dir(tmp.path())
        .env("HOME", tmp.path())
        .args([
            "-c",
            &format!(
                "umask 022 && '{bin}' check t.ron --junit ci/junit.xml && '{bin}' run t.ron --out r"
            ),
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mode = |p: &str| {
        std::fs::metadata(tmp.path().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("ci/junit.xml"), 0o644);
    assert_eq!(mode("r"), 0o755);
}

/// Run s3sim with its stdout a pipe whose reading end is already closed, so every
/// write to stdout fails with a broken pipe.
#[cfg(unix)]
fn s3sim_into_closed_pipe(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = rustix::pipe::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_s3sim"))
        .current_dir(dir)
        .env("HOME", dir)
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn merge_into_closed_pipe_exits_quietly() {
    let tmp = scratch();
    two_shards(tmp.path());
    let out = s3sim_into_closed_pipe(tmp.path(), &["merge", "m/0", "m/1", "--out", "merged"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(
        tmp.path().join("merged/summary.json").is_file(),
        "work finished"
    );
}

#[cfg(unix)]
#[test]
fn every_subcommand_exits_quietly_into_a_closed_pipe() {
    let tmp = scratch();
    for args in [
        &["run", "t.ron", "--out", "r"][..],
        &["run", "t.ron", "--shard", "0/1"],
        &["validate", "t.ron"],
        &["check", "t.ron"],
        &["--help"],
        &["--version"],
        &["run", "--help"],
    ] {
        let out = s3sim_into_closed_pipe(tmp.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        // Nothing but the plain progress lines a run longer than 5 s writes.
        let text = stderr(&out);
        assert!(
            text.lines().all(|l| l.starts_with("progress: ")),
            "{args:?}: {text}"
        );
    }
    assert!(tmp.path().join("r/summary.json").is_file());
}
