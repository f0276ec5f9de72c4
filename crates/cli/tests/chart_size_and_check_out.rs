//! `--chart-width/--chart-height/--chart-scale` and `check --replicas --seed --out`.

mod common;

use common::{FAILING, PASSING, s3sim, scenario, stderr, stdout};
use std::path::Path;

/// Width and height of the PNG at `path`, from its IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{}",
        path.display()
    );
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn check_out_keeps_the_charts_and_report_of_each_scenario_in_its_own_directory() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.ron"), scenario(PASSING)).unwrap();
    std::fs::write(
        tmp.path().join("bad.ron"),
        scenario(FAILING).replace("\"tiny\"", "\"tiny-failing\""),
    )
    .unwrap();
    let args = [
        "check",
        "ok.ron",
        "bad.ron",
        "--replicas",
        "2",
        "--seed",
        "7",
        "--out",
        "artefacts",
        "--chart-scale",
        "0.5",
    ];
    let out = s3sim(tmp.path(), &args, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("ok.ron (1 point(s) x 2 replicas):"), "{text}");
    assert!(text.contains("  results: tiny-failing/"), "{text}");
    assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");
    for name in ["tiny", "tiny-failing"] {
        let dir = tmp.path().join("artefacts").join(name);
        assert!(dir.join("report.html").is_file(), "{}", dir.display());
        assert_eq!(png_size(&dir.join("redirect_rate.png")), (640, 360));
        let summary = std::fs::read_to_string(dir.join("summary.json")).unwrap();
        assert!(summary.contains("\"seed\": 7,"), "{summary}");
        assert!(summary.contains("\"replicas\": 2,"), "{summary}");
    }
    let page =
        std::fs::read_to_string(tmp.path().join("artefacts/tiny-failing/report.html")).unwrap();
    assert!(
        page.contains("FAIL"),
        "the failing verdict is in the report"
    );
    // Checked again into the same directory: replaced whole, as `run --out` does.
    let again = s3sim(tmp.path(), &["check", "ok.ron", "--out", "artefacts"], &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let mut left: Vec<String> = std::fs::read_dir(tmp.path().join("artefacts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".s3sim-results", "tiny"]);
    assert_eq!(
        png_size(&tmp.path().join("artefacts/tiny/redirect_rate.png")),
        (1280, 720)
    );
}

#[test]
fn check_out_refuses_a_directory_it_did_not_write_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.ron"), scenario(PASSING)).unwrap();
    std::fs::create_dir(tmp.path().join("mine")).unwrap();
    std::fs::write(tmp.path().join("mine/notes.txt"), "keep me").unwrap();
    let out = s3sim(tmp.path(), &["check", "ok.ron", "--out", "mine"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("s3sim did not write it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "", "nothing ran");
    let kept = std::fs::read_to_string(tmp.path().join("mine/notes.txt")).unwrap();
    assert_eq!(kept, "keep me");
}

#[test]
fn absurd_chart_sizes_are_refused_with_the_range_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["run", "--chart-width", "100000"],
            "error: --chart-width 100000: a chart is 480 to 7680 pixels wide; the default is 1280\n",
        ),
        (
            &["run", "--chart-height", "10"],
            "error: --chart-height 10: a chart is 270 to 4320 pixels high; the default is 720\n",
        ),
        (
            &["check", "--chart-scale", "0"],
            "error: --chart-scale 0: write a scale from 0.375 to 6 (1 is 1280 × 720 pixels)\n",
        ),
        (
            &["merge", "x", "--chart-scale", "100"],
            "error: --chart-scale 100: write a scale from 0.375 to 6 (1 is 1280 × 720 pixels)\n",
        ),
    ];
    for (args, message) in cases {
        let out = s3sim(tmp.path(), args, &[]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&out), message, "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
    }
    assert!(!tmp.path().join("results").exists());
}

#[test]
fn a_half_size_run_writes_half_size_charts() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.ron"), scenario(PASSING)).unwrap();
    let args = [
        "run",
        "ok.ron",
        "--replicas",
        "1",
        "--quiet",
        "--out",
        "half",
        "--chart-width",
        "640",
        "--chart-height",
        "360",
    ];
    let out = s3sim(tmp.path(), &args, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(png_size(&tmp.path().join("half/outcomes.png")), (640, 360));
    let svg = std::fs::read_to_string(tmp.path().join("half/outcomes.svg")).unwrap();
    assert!(
        svg.contains("width=\"640\" height=\"360\""),
        "{}",
        &svg[..200]
    );
}
