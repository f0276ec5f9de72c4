//! Each assertion kind passes and fails on a crafted scenario; JUnit output is well-formed.

use s3sim_report::expectations::{FileReport, Verdict, evaluate};
use s3sim_report::junit::junit_xml;
use s3sim_report::{RunOptions, run_points};

/// A small new-bucket story: redirects from 5 min, all gone by 25 min (cap 15 min).
fn verdicts(expect: &str, sweep: &str) -> Vec<Verdict> {
    let text = format!(
        r#"(
        name: "crafted", duration: "40m", replicas: 4, seed: 5,
        regions: [(name: "us-east-1"), (name: "eu-west-1")],
        buckets: [(name: "b", region: "eu-west-1", created_at: "5m")],
        dns: (propagation: uniform(low: "1m", high: "15m")),
        resolvers: [(name: "isp", count: 100)],
        clients: [
            (name: "follow", count: 300, arrivals: poisson("2/min")),
            (name: "regional", count: 100, arrivals: poisson("2/min"), addressing: virtual_regional),
        ],
        {sweep}
        expect: [{expect}],
    )"#
    );
    let loaded = s3sim_scenario::parse(&text, "crafted.ron").unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        seed: 5,
        replicas: 4,
        progress: false,
    };
    evaluate(&loaded, &run_points(&loaded, options))
}

fn passes(expect: &str) -> bool {
    let v = verdicts(expect, "");
    assert_eq!(v.len(), 1);
    v[0].passed
}

#[test]
fn mean_below_passes_under_the_bound_and_fails_over_it() {
    assert!(passes(
        r#"mean_below(metric: "redirect_rate", from: "25m", max: 0.01)"#
    ));
    assert!(!passes(
        r#"mean_below(metric: "redirect_rate", from: "5m", to: "10m", max: 0.01)"#
    ));
}

#[test]
fn mean_above_passes_over_the_bound_and_fails_under_it() {
    assert!(passes(
        r#"mean_above(metric: "redirect_rate", class: "follow", from: "5m", to: "7m", min: 0.5)"#
    ));
    assert!(!passes(
        r#"mean_above(metric: "redirect_rate", class: "regional", min: 0.001)"#
    ));
}

#[test]
fn settles_below_compares_the_settle_time_with_the_deadline() {
    assert!(passes(
        r#"settles_below(metric: "redirect_rate", threshold: 0.01, by: "21m")"#
    ));
    assert!(!passes(
        r#"settles_below(metric: "redirect_rate", threshold: 0.01, by: "10m")"#
    ));
}

#[test]
fn settle_times_print_as_durations() {
    let v = verdicts(
        r#"settles_below(metric: "redirect_rate", threshold: 0.01, by: "21m")"#,
        "",
    );
    let line = v[0].line();
    assert!(line.contains(") by 21m: measured "), "{line}");
    let measured = line.split("measured ").nth(1).unwrap();
    let mean = measured.split(" [").next().unwrap();
    // e.g. `16m 52s`, never `1012.500000`.
    assert!(!mean.contains('.') && mean.ends_with(['s', 'm']), "{line}");
    let low = measured
        .split(" [")
        .nth(1)
        .unwrap()
        .split(", ")
        .next()
        .unwrap();
    assert!(!low.contains('.') && low.ends_with(['s', 'm']), "{line}");
}

#[test]
fn a_metric_that_never_settles_fails_and_says_so() {
    let v = verdicts(
        r#"settles_below(metric: "share_200", threshold: 0.5, by: "40m")"#,
        "",
    );
    assert!(!v[0].passed);
    assert!(v[0].note.contains("never settled"), "{}", v[0].line());
}

#[test]
fn total_between_checks_both_ends() {
    assert!(passes(
        r#"total_between(metric: "status_307", class: "regional", min: 0, max: 0)"#
    ));
    assert!(!passes(
        r#"total_between(metric: "status_307", class: "follow", min: 0, max: 10)"#
    ));
    assert!(!passes(
        r#"total_between(metric: "requests", min: 1e9, max: 1e10)"#
    ));
}

#[test]
fn point_less_uses_the_paired_difference_between_points() {
    let sweep = r#"sweep: (fields: [(path: "dns.propagation", values: [uniform(low: "1m", high: "15m"), fixed("1m")])]),"#;
    let v = verdicts(
        r#"point_less(metric: "redirect_rate", lower: 1, higher: 0)"#,
        sweep,
    );
    assert!(v[0].passed, "{}", v[0].line());
    let v = verdicts(
        r#"point_less(metric: "redirect_rate", lower: 0, higher: 1)"#,
        sweep,
    );
    assert!(!v[0].passed, "{}", v[0].line());
}

#[test]
fn an_expectation_without_point_is_checked_at_every_point() {
    let sweep = r#"sweep: (fields: [(path: "seed", values: [1, 2, 3])]),"#;
    let v = verdicts(
        r#"mean_below(metric: "redirect_rate", from: "25m", max: 0.01)"#,
        sweep,
    );
    assert_eq!(v.len(), 3);
    assert!(v[2].name.ends_with("@ point 2 (seed=3)"), "{}", v[2].name);
}

#[test]
fn verdict_line_states_the_measured_value_and_ci() {
    let v = verdicts(
        r#"mean_below(metric: "redirect_rate", from: "25m", max: 0.01)"#,
        "",
    );
    let line = v[0].line();
    assert!(
        line.starts_with(
            "PASS expect[0] mean_below(redirect_rate, all, 25m..end) <= 0.01: measured "
        ),
        "{line}"
    );
    assert!(line.ends_with("(n=4)"), "{line}");
}

#[test]
fn junit_report_is_well_formed_and_counts_failures_and_errors() {
    let mut v = verdicts(
        r#"mean_below(metric: "redirect_rate", from: "25m", max: 0.01), mean_below(metric: "redirect_rate", max: 0.0)"#,
        "",
    );
    v[1].name.push_str(" <&> \"quoted\"");
    let reports = [
        FileReport {
            file: "crafted.ron".into(),
            scenario: "crafted".into(),
            outcome: Ok(v),
        },
        FileReport {
            file: "broken.ron".into(),
            scenario: "broken.ron".into(),
            outcome: Err("x < y & \"z\"".into()),
        },
    ];
    let xml = junit_xml(&reports);
    let doc =
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("malformed JUnit: {e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        (
            root.attribute("tests"),
            root.attribute("failures"),
            root.attribute("errors")
        ),
        (Some("3"), Some("1"), Some("1"))
    );
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    assert!(
        cases[1]
            .attribute("name")
            .unwrap()
            .ends_with(" <&> \"quoted\"")
    );
    assert!(cases[1].children().any(|c| c.has_tag_name("failure")));
    assert_eq!(
        cases[2]
            .children()
            .find(|c| c.has_tag_name("error"))
            .unwrap()
            .attribute("message"),
        Some("x < y & \"z\"")
    );
}
