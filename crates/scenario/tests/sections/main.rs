//! The sections for capacity, retries, faults, the CDN, objects and websites: every
//! bad value is refused with its field path and a message a user can act on; a file
//! using all of them compiles into the world it describes; sweeps reach into them.
//! One module per feature; the base scenario and the helpers they share are here.

mod buckets;
mod capacity;
mod cdn;
mod client_region;
mod events;
mod full_file;
mod rate_limits;
mod retries;
mod stub_resolver;
mod sweeps;
mod syntax;

#[path = "../common/mod.rs"]
mod common;

use common::{invalid, syntax};
use s3sim_scenario::parse;
use std::time::{Duration, Instant};

/// A valid scenario that uses most new fields, written so that tests can edit one
/// anchor each. `site` is `buckets[0]`, `sdk` is `clients[1]`, `viewer` is `clients[2]`.
const BASE: &str = r#"(
    name: "new-fields",
    duration: "30m",
    regions: [
        (name: "us-east-1", facilities: [(name: "iad-a", servers: 4, queue_limit: 100), (name: "iad-b")]),
        (name: "eu-west-1"),
    ],
    buckets: [
        (name: "site", region: "us-east-1", keys: ["index.html", "a.html"],
         website: (index_document: "index.html", routing_rules: [])),
        (name: "photos", region: "eu-west-1", created_at: "5m"),
    ],
    resolvers: [(name: "isp", count: 10), (name: "corp", count: 2)],
    clients: [
        (name: "app", count: 100, arrivals: poisson("1/min")),
        (name: "sdk", count: 10, arrivals: poisson("1/min"),
         retry: (max_attempts: 3, base: "100ms", cap: "20s", quota: (capacity: 500, retry_cost: 5))),
        (name: "viewer", count: 10, arrivals: poisson("1/min"), cdn: "www"),
    ],
    cdn: (
        edges: [(name: "iad", region: "us-east-1")],
        distributions: [(name: "www", bucket: "site", origin: website)],
    ),
    events: [],
)"#;

/// The `cdn` section of BASE, to cut it out.
const CDN_SECTION: &str = r#"    cdn: (
        edges: [(name: "iad", region: "us-east-1")],
        distributions: [(name: "www", bucket: "site", origin: website)],
    ),
"#;

/// Replace the first `from` with `to`, insisting that `from` is there.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "anchor {from:?} is not in the scenario"
    );
    text.replacen(from, to, 1)
}

/// BASE with several edits applied in order.
fn base_with(edits: &[(&str, &str)]) -> String {
    edits
        .iter()
        .fold(BASE.to_string(), |text, (from, to)| edit(&text, from, to))
}

/// BASE with this `events` list.
fn with_events(events: &str) -> String {
    base_with(&[("events: [],", &format!("events: [{events}],"))])
}

/// BASE with this routing-rule list on `buckets[0]`.
fn with_rules(rules: &str) -> String {
    base_with(&[("routing_rules: []", &format!("routing_rules: [{rules}]"))])
}

/// BASE with this `sweep` section.
fn with_sweep(sweep: &str) -> String {
    base_with(&[("events: [],", &format!("events: [],\n    sweep: {sweep},"))])
}

/// BASE with `clients[1].retry` replaced.
fn with_retry(retry: &str) -> String {
    base_with(&[(
        r#"retry: (max_attempts: 3, base: "100ms", cap: "20s", quota: (capacity: 500, retry_cost: 5))"#,
        &format!("retry: {retry}"),
    )])
}

/// BASE with the one distribution replaced.
fn with_distribution(distribution: &str) -> String {
    base_with(&[(
        r#"distributions: [(name: "www", bucket: "site", origin: website)]"#,
        &format!("distributions: [{distribution}]"),
    )])
}

/// BASE with the one edge replaced.
fn with_edges(edges: &str) -> String {
    base_with(&[(
        r#"edges: [(name: "iad", region: "us-east-1")]"#,
        &format!("edges: [{edges}]"),
    )])
}

/// The issues `validate::check` finds, without compiling anything (for inputs whose
/// compilation would be too big to attempt).
fn check_only(text: &str) -> Vec<String> {
    let scenario = s3sim_scenario::schema::from_ron(text, "test.ron").expect("parses");
    match s3sim_scenario::validate::check(&scenario) {
        Ok(()) => Vec::new(),
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    }
}

/// The only issue of `text`.
fn only_issue(text: &str) -> String {
    let issues = invalid(text);
    assert_eq!(issues.len(), 1, "expected exactly one issue: {issues:#?}");
    issues.into_iter().next().unwrap()
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not found"))
        + 1
}

/// Run `f`, insisting that it takes less than `limit`.
fn quickly<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < limit, "took {took:?}, more than {limit:?}");
    out
}

#[test]
fn base_scenario_is_valid() {
    let loaded = parse(BASE, "base.ron").unwrap();
    assert_eq!(loaded.world.classes.len(), 3);
    assert_eq!(loaded.world.cdn.edges.len(), 1);
}

#[test]
fn several_problems_in_new_fields_are_reported_at_once() {
    let text = base_with(&[
        ("servers: 4", "servers: 0"),
        (r#"retry: (max_attempts: 3,"#, r#"retry: (max_attempts: 0,"#),
        (
            r#"keys: ["index.html", "a.html"]"#,
            r#"keys: ["/index.html", "a.html"]"#,
        ),
        (r#"cdn: "www")"#, r#"cdn: "w3")"#),
        (r#"region: "us-east-1")]"#, r#"region: "mars-1")]"#),
        (
            "events: [],",
            r#"events: [outage(facility: "nope", at: "1h", duration: "0s"),
                        invalidation(distribution: "www", at: "1m", paths: ["x"])],"#,
        ),
    ]);
    let issues = invalid(&text);
    let paths: Vec<&str> = issues
        .iter()
        .map(|i| i.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "regions[0].facilities[0].servers",
            "clients[1].retry.max_attempts",
            "events[0].at",
            "events[0].facility",
            "events[0].duration",
            "events[1].paths[0]",
            "buckets[0].keys[0]",
            "cdn.edges[0].region",
            "clients[2].cdn",
        ],
        "{issues:#?}"
    );
}
