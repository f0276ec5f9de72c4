//! The JUnit report is well-formed XML whatever the names hold.

use s3sim_report::expectations::{FileReport, Verdict};
use s3sim_report::junit::{junit_xml, write_junit};
use s3sim_report::stats::Estimate;

fn verdict(name: &str, passed: bool) -> Verdict {
    Verdict {
        name: name.into(),
        passed,
        measured: Estimate::from_samples(&[0.5, 0.7]),
        note: String::new(),
    }
}

#[test]
fn junit_is_well_formed_with_control_characters() {
    let reports = [
        FileReport {
            file: "odd\u{1b}[31m.ron".into(),
            scenario: "bell\u{7}<&\"'>\u{0}\u{FFFF}".into(),
            outcome: Ok(vec![
                verdict("expect[0] mean_below(x, class\u{1}) <= 0.1", false),
                verdict("expect[1] tab\there", true),
            ]),
        },
        FileReport {
            file: "broken.ron".into(),
            scenario: "broken.ron".into(),
            outcome: Err("broken.ron:1:2: Expected \u{2}\n  | snippet <here>".into()),
        },
    ];
    let xml = junit_xml(&reports);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(
        ["tests", "failures", "errors"].map(|a| root.attribute(a).unwrap()),
        ["3", "1", "1"]
    );
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(
        suites[0].attribute("name"),
        Some("bell\\u{7}<&\"'>\\u{0}\\u{ffff}")
    );
    assert_eq!(suites[0].attribute("file"), Some("odd\\u{1b}[31m.ron"));
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        cases[0].attribute("name"),
        Some("expect[0] mean_below(x, class\\u{1}) <= 0.1")
    );
    assert!(cases[0].children().any(|n| n.has_tag_name("failure")));
    assert!(!cases[1].children().any(|n| n.has_tag_name("failure")));
    let error = suites[1]
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert_eq!(
        error.attribute("message"),
        Some("broken.ron:1:2: Expected \\u{2}")
    );
    assert_eq!(
        error.text(),
        Some("broken.ron:1:2: Expected \\u{2}\n  | snippet <here>")
    );
}

#[cfg(unix)]
#[test]
fn junit_file_gets_the_mode_of_a_normal_file_not_a_temporary_one() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("reports/junit.xml");
    write_junit(&path, &[]).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    // 0666 less the umask, which never takes the owner's read and write away.
    let expected = 0o666 & !umask_of_a_new_file(tmp.path());
    assert_eq!(mode, expected, "mode {mode:o}");
}

/// The umask, read from the mode `std::fs::write` gives a new file (0666 less it).
#[cfg(unix)]
fn umask_of_a_new_file(dir: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, "").unwrap();
    0o666 & !std::fs::metadata(&probe).unwrap().permissions().mode()
}
