//! Write `s3sim check` results as JUnit XML, the report format CI systems read.
//!
//! One test suite per scenario file and one test case per verdict, so a CI page lists
//! every assertion by name; a file that could not be loaded or run is an error case.

use crate::expectations::FileReport;
use crate::output::files::{OutputError, write_file_atomically};
use std::path::Path;

/// Write the JUnit XML report of `reports` to `path`, atomically.
///
/// The report replaces `path` only once it is complete, so a CI job never reads half
/// a report.
///
/// # Errors
///
/// [`OutputError::Io`] when the directory cannot be created or the file written.
pub fn write_junit(path: &Path, reports: &[FileReport]) -> Result<(), OutputError> {
    write_file_atomically(path, junit_xml(reports).as_bytes())
}

/// Compose a JUnit XML report: one test suite per scenario file, one test case per
/// verdict.
///
/// ```
/// use s3sim_report::expectations::{FileReport, Verdict};
/// use s3sim_report::junit::junit_xml;
/// use s3sim_report::stats::Estimate;
/// let v = Verdict { name: "expect[0] a < b".into(), passed: false,
///     measured: Estimate::from_samples(&[1.0]), note: String::new() };
/// let xml = junit_xml(&[FileReport { file: "s.ron".into(), scenario: "s".into(), outcome: Ok(vec![v]) }]);
/// assert!(xml.contains(r#"<testsuites name="s3sim check" tests="1" failures="1" errors="0">"#));
/// assert!(xml.contains("expect[0] a &lt; b"));
/// ```
pub fn junit_xml(reports: &[FileReport]) -> String {
    let count = |f: fn(&FileReport) -> usize| reports.iter().map(f).sum::<usize>();
    let tests = count(|r| r.outcome.as_ref().map_or(1, Vec::len));
    let failures = count(|r| {
        r.outcome
            .as_ref()
            .map_or(0, |v| v.iter().filter(|x| !x.passed).count())
    });
    let errors = count(|r| usize::from(r.outcome.is_err()));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"s3sim check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    for report in reports {
        xml.push_str(&suite(report));
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn suite(report: &FileReport) -> String {
    let name = escape(&report.scenario);
    let file = escape(&report.file);
    match &report.outcome {
        Err(error) => format!(
            "  <testsuite name=\"{name}\" file=\"{file}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    \
             <testcase classname=\"{name}\" name=\"load and run\">\n      \
             <error message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
            escape(error)
        ),
        Ok(verdicts) => {
            let failures = verdicts.iter().filter(|v| !v.passed).count();
            let mut xml = format!(
                "  <testsuite name=\"{name}\" file=\"{file}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
                verdicts.len()
            );
            for v in verdicts {
                xml.push_str(&format!(
                    "    <testcase classname=\"{name}\" name=\"{}\">\n",
                    escape(&v.name)
                ));
                xml.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape(&v.line())
                ));
                if !v.passed {
                    xml.push_str(&format!(
                        "      <failure message=\"{}\"/>\n",
                        escape(&v.line())
                    ));
                }
                xml.push_str("    </testcase>\n");
            }
            xml.push_str("  </testsuite>\n");
            xml
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
