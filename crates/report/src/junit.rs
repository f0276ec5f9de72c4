//! Write `s3sim check` results as JUnit XML, the report format CI systems read.
//!
//! One test suite per scenario file and one test case per verdict, so a CI page lists
//! every assertion by name; a file that could not be loaded or run is an error case.

use crate::expectations::{FileReport, Verdict};
use crate::output::files::{OutputError, write_file_atomically};
use crate::output::outdir::check_ancestors;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::borrow::Cow;
use std::path::Path;

/// Write the JUnit XML report of `reports` to `path`, atomically.
///
/// The report replaces `path` only once it is complete, so a CI job never reads half
/// a report; it gets the mode of a normal new file (0666 less the umask), so a CI
/// step running as another user can read it.
///
/// # Errors
///
/// [`OutputError::Refused`] naming the component of `path` that is a file, not a
/// directory; [`OutputError::Io`] when the directory cannot be created or the file
/// written.
pub fn write_junit(path: &Path, reports: &[FileReport]) -> Result<(), OutputError> {
    check_ancestors(path)?;
    write_file_atomically(path, junit_xml(reports).as_bytes())
}

/// Compose a JUnit XML report: one test suite per scenario file, one test case per
/// verdict.
///
/// The text is always well-formed XML 1.0: quick-xml escapes markup characters, and
/// characters XML 1.0 does not allow at all (control characters other than tab, line
/// feed and carriage return; U+FFFE, U+FFFF), which a scenario name may hold, are
/// written as `\u{…}` escapes.
///
/// ```
/// use s3sim_report::expectations::{FileReport, Verdict};
/// use s3sim_report::junit::junit_xml;
/// use s3sim_report::stats::Estimate;
/// let v = Verdict { name: "expect[0] a < b".into(), passed: false,
///     measured: Estimate::from_samples(&[1.0]), note: String::new() };
/// let xml = junit_xml(&[FileReport { file: "s.ron".into(), scenario: "s\u{1}".into(), outcome: Ok(vec![v]) }]);
/// assert!(xml.contains(r#"<testsuites name="s3sim check" tests="1" failures="1" errors="0">"#));
/// assert!(xml.contains("expect[0] a &lt; b"));
/// assert!(xml.contains(r#"<testsuite name="s\u{1}" file="s.ron""#));
/// ```
pub fn junit_xml(reports: &[FileReport]) -> String {
    let count = |f: fn(&FileReport) -> usize| reports.iter().map(f).sum::<usize>().to_string();
    let tests = count(|r| r.outcome.as_ref().map_or(1, Vec::len));
    let failures = count(|r| r.outcome.as_ref().map_or(0, |v| failed(v)));
    let errors = count(|r| usize::from(r.outcome.is_err()));
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|_| {
            writer
                .create_element("testsuites")
                .with_attributes([
                    ("name", "s3sim check"),
                    ("tests", &tests),
                    ("failures", &failures),
                    ("errors", &errors),
                ])
                .write_inner_content(|w| reports.iter().try_for_each(|r| suite(w, r)))
                .map(|_| ())
        })
        .expect("writing to a Vec cannot fail");
    let mut xml =
        String::from_utf8(writer.into_inner()).expect("quick-xml writes the UTF-8 it is given");
    xml.push('\n');
    xml
}

fn failed(verdicts: &[Verdict]) -> usize {
    verdicts.iter().filter(|v| !v.passed).count()
}

type Xml = Writer<Vec<u8>>;

fn suite(w: &mut Xml, report: &FileReport) -> std::io::Result<()> {
    let name = xml_chars(&report.scenario);
    let file = xml_chars(&report.file);
    let (tests, failures, errors) = match &report.outcome {
        Err(_) => (1, 0, 1),
        Ok(verdicts) => (verdicts.len(), failed(verdicts), 0),
    };
    let (tests, failures, errors) = (tests.to_string(), failures.to_string(), errors.to_string());
    w.create_element("testsuite")
        .with_attributes([
            ("name", name.as_ref()),
            ("file", &file),
            ("tests", &tests),
            ("failures", &failures),
            ("errors", &errors),
        ])
        .write_inner_content(|w| match &report.outcome {
            Err(error) => {
                let error = xml_chars(error);
                let first = error.lines().next().unwrap_or_default();
                w.create_element("testcase")
                    .with_attributes([("classname", name.as_ref()), ("name", "load and run")])
                    .write_inner_content(|w| {
                        w.create_element("error")
                            .with_attribute(("message", first))
                            .write_text_content(BytesText::new(&error))
                            .map(|_| ())
                    })
                    .map(|_| ())
            }
            Ok(verdicts) => verdicts.iter().try_for_each(|v| case(w, &name, v)),
        })
        .map(|_| ())
}

fn case(w: &mut Xml, suite: &str, verdict: &Verdict) -> std::io::Result<()> {
    let line = verdict.line();
    let line = xml_chars(&line);
    w.create_element("testcase")
        .with_attributes([("classname", suite), ("name", &xml_chars(&verdict.name))])
        .write_inner_content(|w| {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&line))?;
            if !verdict.passed {
                w.create_element("failure")
                    .with_attribute(("message", line.as_ref()))
                    .write_empty()?;
            }
            Ok(())
        })
        .map(|_| ())
}

/// `text` with the characters XML 1.0 forbids outright written as `\u{…}`.
fn xml_chars(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| !matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    if text.chars().all(allowed) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if allowed(c) {
                    c.to_string()
                } else {
                    c.escape_unicode().to_string()
                }
            })
            .collect(),
    )
}
