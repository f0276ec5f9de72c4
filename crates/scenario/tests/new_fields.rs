//! The fields added for capacity, retries, faults, the CDN, objects and websites: every
//! bad value is refused with its field path and a message a user can act on; a file
//! using all of them compiles into the world it describes; sweeps reach into them.

use s3sim_scenario::{ScenarioError, parse};
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

/// The semantic issues of `text`, rendered `path: message`.
fn invalid(text: &str) -> Vec<String> {
    match parse(text, "test.ron") {
        Err(ScenarioError::Invalid { issues, .. }) => {
            issues.iter().map(ToString::to_string).collect()
        }
        Err(other) => panic!("expected semantic errors, got {other}"),
        Ok(_) => panic!("expected semantic errors, but the scenario was accepted"),
    }
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

/// (line, col, rendered error) of a syntax error.
fn syntax(text: &str) -> (usize, usize, String) {
    match parse(text, "test.ron") {
        Err(e @ ScenarioError::Syntax { .. }) => {
            let ScenarioError::Syntax { line, col, .. } = e else {
                unreachable!()
            };
            (line, col, e.to_string())
        }
        Err(other) => panic!("expected a syntax error, got {other}"),
        Ok(_) => panic!("expected a syntax error, but the scenario was accepted"),
    }
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

// ---------------------------------------------------------------- facility capacity

#[test]
fn facility_with_zero_servers_is_rejected() {
    let text = base_with(&[("servers: 4", "servers: 0")]);
    assert_eq!(
        only_issue(&text),
        "regions[0].facilities[0].servers: must be > 0 (leave it out for unlimited servers)"
    );
}

#[test]
fn facility_with_too_many_servers_is_rejected() {
    let text = base_with(&[("servers: 4", "servers: 1000001")]);
    assert_eq!(
        only_issue(&text),
        "regions[0].facilities[0].servers: 1000001 servers; at most 1000000"
    );
}

#[test]
fn queue_limit_without_servers_is_rejected() {
    let text = base_with(&[(r#"(name: "iad-b")"#, r#"(name: "iad-b", queue_limit: 50)"#)]);
    assert_eq!(
        only_issue(&text),
        "regions[0].facilities[1].queue_limit: a queue needs servers: set `servers` too"
    );
}

#[test]
fn queue_limit_equal_to_the_default_without_servers_is_rejected() {
    let text = base_with(&[(
        r#"(name: "iad-b")"#,
        r#"(name: "iad-b", queue_limit: 1000)"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "regions[0].facilities[1].queue_limit: a queue needs servers: set `servers` too"
    );
}

#[test]
fn explicit_facility_may_not_reuse_an_implicit_facility_name() {
    let text = base_with(&[(r#"(name: "iad-b")"#, r#"(name: "eu-west-1")"#)]);
    let issues = invalid(&text);
    assert!(
        issues
            .iter()
            .any(|i| i.starts_with("regions[0].facilities[1].name: duplicate facility name")),
        "{issues:?}"
    );
}

// ---------------------------------------------------------------- retries

#[test]
fn retry_max_attempts_zero_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(max_attempts: 0)")),
        "clients[1].retry.max_attempts: must be between 1 and 20 (the first try included), not 0"
    );
}

#[test]
fn retry_max_attempts_above_twenty_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(max_attempts: 21)")),
        "clients[1].retry.max_attempts: must be between 1 and 20 (the first try included), not 21"
    );
}

#[test]
fn retry_max_attempts_out_of_u8_range_is_a_located_syntax_error() {
    let text = with_retry("(max_attempts: 300)");
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "max_attempts: 300"), "{message}");
}

#[test]
fn retry_base_zero_is_rejected() {
    assert_eq!(
        only_issue(&with_retry(r#"(base: "0s")"#)),
        "clients[1].retry.base: backoff base must be > 0"
    );
}

#[test]
fn retry_cap_below_base_is_rejected() {
    assert_eq!(
        only_issue(&with_retry(r#"(base: "1s", cap: "500ms")"#)),
        "clients[1].retry.cap: 500ms is below base 1s"
    );
}

#[test]
fn retry_quota_capacity_zero_is_rejected() {
    let issues = invalid(&with_retry("(quota: (capacity: 0))"));
    assert_eq!(issues[0], "clients[1].retry.quota.capacity: must be > 0");
    // The default costs (5 and 10) are then above the capacity as well.
    assert_eq!(
        issues[1..],
        [
            "clients[1].retry.quota.retry_cost: must be between 1 and capacity 0, not 5",
            "clients[1].retry.quota.timeout_cost: must be between 1 and capacity 0, not 10",
        ]
    );
}

#[test]
fn retry_quota_retry_cost_zero_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(quota: (retry_cost: 0))")),
        "clients[1].retry.quota.retry_cost: must be between 1 and capacity 500, not 0"
    );
}

#[test]
fn retry_quota_retry_cost_above_capacity_is_rejected() {
    assert_eq!(
        only_issue(&with_retry(
            "(quota: (capacity: 10, retry_cost: 11, timeout_cost: 10))"
        )),
        "clients[1].retry.quota.retry_cost: must be between 1 and capacity 10, not 11"
    );
}

#[test]
fn retry_quota_timeout_cost_above_capacity_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(quota: (capacity: 10, timeout_cost: 11))")),
        "clients[1].retry.quota.timeout_cost: must be between 1 and capacity 10, not 11"
    );
}

#[test]
fn connect_timeout_zero_is_rejected() {
    let text = base_with(&[(
        r#"(name: "app", count: 100, arrivals: poisson("1/min"))"#,
        r#"(name: "app", count: 100, arrivals: poisson("1/min"), connect_timeout: "0s")"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].connect_timeout: connect timeout must be > 0"
    );
}

#[test]
fn poisson_ramp_with_both_rates_zero_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson_ramp(from: "0/s", to: "0/min"))"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].arrivals: ramp rates must be >= 0 and not both 0, not 0/s to 0/min"
    );
}

#[test]
fn poisson_ramp_from_zero_to_a_rate_is_valid() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson_ramp(from: "0/s", to: "10/s"))"#,
    )]);
    let world = parse(&text, "t").unwrap().world;
    assert_eq!(
        world.classes[0].arrivals,
        s3sim_model::client::Arrivals::PoissonRamp {
            from_per_client_per_sec: 0.0,
            to_per_client_per_sec: 10.0
        }
    );
}

#[test]
fn poisson_ramp_with_a_negative_rate_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson_ramp(from: "-1/s", to: "10/s"))"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].arrivals: ramp rates must be >= 0 and not both 0, not -1/s to 10/s"
    );
}

// ---------------------------------------------------------------- events: references

const FACILITIES: &str = "(known: eu-west-1, iad-a, iad-b)";

#[test]
fn outage_of_an_unknown_facility_lists_the_facilities() {
    let text = with_events(r#"outage(facility: "iad-z", at: "1m", duration: "5m")"#);
    assert_eq!(
        only_issue(&text),
        format!("events[0].facility: unknown facility \"iad-z\" {FACILITIES}")
    );
}

#[test]
fn drain_of_an_unknown_facility_lists_the_facilities() {
    let text = with_events(r#"drain(facility: "iad-z", at: "1m")"#);
    assert_eq!(
        only_issue(&text),
        format!("events[0].facility: unknown facility \"iad-z\" {FACILITIES}")
    );
}

#[test]
fn ip_rotation_of_an_unknown_facility_lists_the_facilities() {
    let text = with_events(r#"ip_rotation(facility: "iad-z", at: "1m")"#);
    assert_eq!(
        only_issue(&text),
        format!("events[0].facility: unknown facility \"iad-z\" {FACILITIES}")
    );
}

#[test]
fn resolver_outage_of_an_unknown_group_lists_the_groups() {
    let text = with_events(r#"resolver_outage(resolvers: "google", at: "1m", duration: "5m")"#);
    assert_eq!(
        only_issue(&text),
        "events[0].resolvers: unknown resolver group \"google\" (known: corp, isp)"
    );
}

#[test]
fn endpoint_retired_in_an_unknown_region_lists_the_regions() {
    let text = with_events(r#"endpoint_retired(region: "eu-west-9", at: "1m")"#);
    assert_eq!(
        only_issue(&text),
        "events[0].region: unknown region \"eu-west-9\" (known: eu-west-1, us-east-1)"
    );
}

#[test]
fn bucket_recreated_of_an_unknown_bucket_lists_the_buckets() {
    let text = with_events(
        r#"bucket_recreated(bucket: "videos", deleted_at: "10m", at: "12m", region: "us-east-1")"#,
    );
    assert_eq!(
        only_issue(&text),
        "events[0].bucket: unknown bucket \"videos\" (known: photos, site)"
    );
}

#[test]
fn bucket_recreated_in_an_unknown_region_lists_the_regions() {
    let text = with_events(
        r#"bucket_recreated(bucket: "photos", deleted_at: "10m", at: "12m", region: "mars-1")"#,
    );
    assert_eq!(
        only_issue(&text),
        "events[0].region: unknown region \"mars-1\" (known: eu-west-1, us-east-1)"
    );
}

#[test]
fn invalidation_of_an_unknown_distribution_lists_the_distributions() {
    let text = with_events(r#"invalidation(distribution: "w3", at: "1m", paths: ["/*"])"#);
    assert_eq!(
        only_issue(&text),
        "events[0].distribution: unknown distribution \"w3\" (known: www)"
    );
}

#[test]
fn invalidation_without_a_cdn_section_says_so() {
    let text = base_with(&[
        (CDN_SECTION, ""),
        (r#", cdn: "www")"#, ")"),
        (
            "events: [],",
            r#"events: [invalidation(distribution: "www", at: "1m", paths: ["/*"])],"#,
        ),
    ]);
    assert_eq!(
        only_issue(&text),
        "events[0].distribution: there is no `cdn` section"
    );
}

// ---------------------------------------------------------------- events: times and values

#[test]
fn event_at_the_end_of_the_run_is_rejected() {
    let text = with_events(r#"record_ttl(at: "30m", ttl: "60s")"#);
    assert_eq!(
        only_issue(&text),
        "events[0].at: 30m is not before the end of the run 30m"
    );
}

#[test]
fn event_after_the_end_of_the_run_is_rejected() {
    let text = with_events(r#"drain(facility: "iad-a", at: "2h")"#);
    assert_eq!(
        only_issue(&text),
        "events[0].at: 2h is not before the end of the run 30m"
    );
}

#[test]
fn outage_of_zero_duration_is_rejected() {
    let text = with_events(r#"outage(facility: "iad-a", at: "1m", duration: "0s")"#);
    assert_eq!(
        only_issue(&text),
        "events[0].duration: outage duration must be > 0"
    );
}

#[test]
fn resolver_outage_of_zero_duration_is_rejected() {
    let text = with_events(r#"resolver_outage(resolvers: "isp", at: "1m", duration: "0s")"#);
    assert_eq!(
        only_issue(&text),
        "events[0].duration: outage duration must be > 0"
    );
}

#[test]
fn record_ttl_of_zero_is_rejected() {
    let text = with_events(r#"record_ttl(at: "1m", ttl: "0s")"#);
    assert_eq!(only_issue(&text), "events[0].ttl: record TTL must be > 0");
}

#[test]
fn bucket_recreated_at_not_after_deleted_at_is_rejected() {
    let text = with_events(
        r#"bucket_recreated(bucket: "photos", deleted_at: "10m", at: "10m", region: "us-east-1")"#,
    );
    assert_eq!(
        only_issue(&text),
        "events[0].at: 10m is not after deleted_at 10m"
    );
}

#[test]
fn bucket_recreated_after_the_end_of_the_run_is_rejected() {
    let text = with_events(
        r#"bucket_recreated(bucket: "photos", deleted_at: "10m", at: "40m", region: "us-east-1")"#,
    );
    assert_eq!(
        only_issue(&text),
        "events[0].at: 40m is not before the end of the run 30m"
    );
}

#[test]
fn bucket_recreated_deleted_at_after_the_end_of_the_run_names_deleted_at() {
    let text = with_events(
        r#"bucket_recreated(bucket: "photos", deleted_at: "30m", at: "40m", region: "us-east-1")"#,
    );
    let issues = invalid(&text);
    assert!(
        issues.contains(&"events[0].deleted_at: 30m is not before the end of the run 30m".into()),
        "{issues:#?}"
    );
}

#[test]
fn the_same_bucket_recreated_twice_is_rejected() {
    let text = with_events(
        r#"bucket_recreated(bucket: "photos", deleted_at: "10m", at: "12m", region: "us-east-1"),
           bucket_recreated(bucket: "photos", deleted_at: "20m", at: "22m", region: "eu-west-1")"#,
    );
    assert_eq!(
        only_issue(&text),
        "events[1].bucket: \"photos\" is already re-created by an earlier event"
    );
}

#[test]
fn bucket_recreated_of_a_bucket_with_its_own_deleted_at_is_rejected() {
    let text = base_with(&[
        (
            r#"created_at: "5m")"#,
            r#"created_at: "5m", deleted_at: "20m")"#,
        ),
        (
            "events: [],",
            r#"events: [bucket_recreated(bucket: "photos", deleted_at: "10m", at: "12m", region: "us-east-1")],"#,
        ),
    ]);
    assert_eq!(
        only_issue(&text),
        "events[0].deleted_at: buckets[1] has its own deleted_at; give the deletion in one place"
    );
}

#[test]
fn bucket_recreated_deleted_before_its_creation_is_rejected() {
    let text = with_events(
        r#"bucket_recreated(bucket: "photos", deleted_at: "2m", at: "8m", region: "us-east-1")"#,
    );
    assert_eq!(
        only_issue(&text),
        "events[0].deleted_at: 2m is not after buckets[1].created_at 5m"
    );
}

// ---------------------------------------------------------------- invalidation paths

#[test]
fn invalidation_with_no_paths_is_rejected() {
    let text = with_events(r#"invalidation(distribution: "www", at: "1m", paths: [])"#);
    assert_eq!(only_issue(&text), "events[0].paths: list at least one path");
}

#[test]
fn invalidation_path_without_a_leading_slash_is_rejected() {
    let text =
        with_events(r#"invalidation(distribution: "www", at: "1m", paths: ["/*", "a.html"])"#);
    let issue = only_issue(&text);
    assert!(
        issue.starts_with(
            "events[0].paths[1]: \"a.html\": an invalidation path must start with `/`"
        ),
        "{issue}"
    );
}

#[test]
fn invalidation_path_with_a_star_before_the_end_is_rejected() {
    let text = with_events(r#"invalidation(distribution: "www", at: "1m", paths: ["/a*b"])"#);
    let issue = only_issue(&text);
    assert!(
        issue.starts_with(
            "events[0].paths[0]: \"/a*b\": `*` may appear only as the last character, \
             but there is one at character 2"
        ),
        "{issue}"
    );
}

#[test]
fn empty_invalidation_path_is_rejected() {
    let text = with_events(r#"invalidation(distribution: "www", at: "1m", paths: [""])"#);
    let issue = only_issue(&text);
    assert!(
        issue.starts_with("events[0].paths[0]: \"\": the invalidation path is empty"),
        "{issue}"
    );
}

#[test]
fn ip_rotations_publishing_too_many_ips_are_refused() {
    let text = base_with(&[
        (r#"(name: "iad-b")"#, r#"(name: "iad-b", ips: 5000000)"#),
        (
            "events: [],",
            r#"events: [ip_rotation(facility: "iad-b", at: "1m"), ip_rotation(facility: "iad-b", at: "2m")],"#,
        ),
    ]);
    let issues = quickly(Duration::from_secs(2), || invalid(&text));
    assert_eq!(
        issues,
        ["events: IP rotations publish 15000016 IPs in all; at most 10000000"]
    );
}

#[test]
fn too_many_events_are_refused_quickly() {
    let events = vec![r#"record_ttl(at: "1m", ttl: "10s")"#; 10_001].join(", ");
    let text = with_events(&events);
    let issues = quickly(Duration::from_secs(5), || invalid(&text));
    assert_eq!(issues, ["events: 10001 events; at most 10000"]);
}

// ---------------------------------------------------------------- cdn

#[test]
fn cdn_without_edges_is_rejected() {
    assert_eq!(
        only_issue(&with_edges("")),
        "cdn.edges: at least one edge location is needed"
    );
}

#[test]
fn cdn_edge_in_an_unknown_region_lists_the_regions() {
    assert_eq!(
        only_issue(&with_edges(r#"(name: "iad", region: "ap-south-9")"#)),
        "cdn.edges[0].region: unknown region \"ap-south-9\" (known: eu-west-1, us-east-1)"
    );
}

#[test]
fn cdn_edge_capacity_above_the_limit_is_rejected() {
    assert_eq!(
        only_issue(&with_edges(
            r#"(name: "iad", region: "us-east-1", capacity: 10000001)"#
        )),
        "cdn.edges[0].capacity: 10000001 objects; at most 10000000"
    );
}

#[test]
fn cdn_edge_with_an_unknown_resolver_group_lists_the_groups() {
    assert_eq!(
        only_issue(&with_edges(
            r#"(name: "iad", region: "us-east-1", resolvers: "google")"#
        )),
        "cdn.edges[0].resolvers: unknown resolver group \"google\" (known: corp, isp)"
    );
}

#[test]
fn cdn_duplicate_edge_name_is_rejected() {
    assert_eq!(
        only_issue(&with_edges(
            r#"(name: "iad", region: "us-east-1"), (name: "iad", region: "eu-west-1")"#
        )),
        "cdn.edges[1].name: duplicate name \"iad\""
    );
}

#[test]
fn cdn_without_distributions_is_rejected() {
    let text = base_with(&[
        (r#", cdn: "www")"#, ")"),
        (
            r#"distributions: [(name: "www", bucket: "site", origin: website)]"#,
            "distributions: []",
        ),
    ]);
    assert_eq!(
        only_issue(&text),
        "cdn.distributions: at least one distribution is needed"
    );
}

#[test]
fn cdn_duplicate_distribution_name_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website), (name: "www", bucket: "photos", origin: global)"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[1].name: duplicate name \"www\""
    );
}

#[test]
fn cdn_distribution_of_an_unknown_bucket_lists_the_buckets() {
    let text = with_distribution(r#"(name: "www", bucket: "videos", origin: regional)"#);
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].bucket: unknown bucket \"videos\" (known: photos, site)"
    );
}

#[test]
fn cdn_website_origin_needs_a_website_bucket() {
    let text = with_distribution(r#"(name: "www", bucket: "photos", origin: website)"#);
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].origin: bucket \"photos\" has no `website` configuration"
    );
}

#[test]
fn cdn_default_ttl_below_min_ttl_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website, cache: (min_ttl: "1h", default_ttl: "1m"))"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].cache.default_ttl: 1m is below min_ttl 1h"
    );
}

#[test]
fn cdn_max_ttl_below_default_ttl_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website, cache: (default_ttl: "2h", max_ttl: "1h"))"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].cache.max_ttl: 1h is below default_ttl 2h"
    );
}

#[test]
fn cdn_invalidation_delay_is_checked_like_any_delay() {
    let text = base_with(&[(
        r#"origin: website)],"#,
        r#"origin: website)],
        invalidation_delay: uniform(low: "5m", high: "1m"),"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "cdn.invalidation_delay: uniform high 1m is below low 5m"
    );
}

/// `n` edges in us-east-1 and `m` distributions of `site`.
fn big_cdn(n: usize, m: usize) -> String {
    let edges: Vec<String> = (0..n)
        .map(|i| format!(r#"(name: "e{i}", region: "us-east-1")"#))
        .collect();
    let distributions: Vec<String> = (0..m)
        .map(|i| {
            let name = if i == 0 {
                "www".into()
            } else {
                format!("d{i}")
            };
            format!(r#"(name: "{name}", bucket: "site", origin: regional)"#)
        })
        .collect();
    base_with(&[
        (
            r#"edges: [(name: "iad", region: "us-east-1")]"#,
            &format!("edges: [{}]", edges.join(", ")),
        ),
        (
            r#"distributions: [(name: "www", bucket: "site", origin: website)]"#,
            &format!("distributions: [{}]", distributions.join(", ")),
        ),
    ])
}

#[test]
fn edge_and_distribution_counts_beyond_their_16_bit_ids_are_refused() {
    // 70 000 edges (or distributions) would wrap the model's 16-bit ids.
    let edges = quickly(Duration::from_secs(5), || check_only(&big_cdn(70_000, 1)));
    assert!(
        edges.contains(&"cdn.edges: 70000 edges; at most 10000".to_string()),
        "{edges:?}"
    );
    let distributions = quickly(Duration::from_secs(5), || check_only(&big_cdn(1, 70_000)));
    assert!(
        distributions
            .contains(&"cdn.distributions: 70000 distributions; at most 10000".to_string()),
        "{distributions:?}"
    );
}

#[test]
fn cdn_cache_slots_over_the_limit_are_refused_before_allocating() {
    // 1000 edges × 1000 distributions × 900 022 keys (900 002 objects plus the 20 keys
    // the website's chains may reach: 2 named × 10 hops): 9·10^11 slots, refused at once.
    let text = edit(
        &big_cdn(1000, 1000),
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 900000)"#,
    );
    let issues = quickly(Duration::from_secs(5), || invalid(&text));
    assert_eq!(
        issues,
        [
            "cdn: 1000 edges × 1000 distributions × 900022 keys = 900022000000 cache slots; \
             at most 50000000"
        ]
    );
}

#[test]
fn cdn_cache_slots_just_over_the_limit_are_refused() {
    // 51 edges × 1 distribution × 1 000 000 keys (2 named + 999 978 generated + the 20
    // keys the website's chains may reach).
    let text = edit(
        &big_cdn(51, 1),
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 999978)"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn: 51 edges × 1 distributions × 1000000 keys = 51000000 cache slots; at most 50000000"
    );
}

#[test]
fn cdn_cache_slots_count_the_implicit_index_html() {
    // No bucket names keys: the model still has one key (index.html) and allocates
    // 8000 × 8000 = 64 000 000 edge caches. Only validation runs here.
    let text = big_cdn(8000, 8000)
        .replace(r#"keys: ["index.html", "a.html"],"#, "")
        .replace(r#"origin: website"#, "origin: regional");
    let issues = quickly(Duration::from_secs(10), || check_only(&text));
    assert!(
        issues
            .iter()
            .any(|i| i.starts_with("cdn: 8000 edges × 8000 distributions")),
        "accepted with {issues:?}"
    );
}

// ---------------------------------------------------------------- clients: cdn and keys

#[test]
fn client_cdn_naming_an_unknown_distribution_lists_the_distributions() {
    let text = base_with(&[(r#"cdn: "www")"#, r#"cdn: "w3")"#)]);
    assert_eq!(
        only_issue(&text),
        "clients[2].cdn: unknown distribution \"w3\" (known: www)"
    );
}

#[test]
fn client_cdn_without_a_cdn_section_is_rejected() {
    let text = base_with(&[(CDN_SECTION, "")]);
    assert_eq!(
        only_issue(&text),
        "clients[2].cdn: there is no `cdn` section"
    );
}

#[test]
fn viewer_asking_for_another_bucket_is_rejected() {
    let text = base_with(&[(r#"cdn: "www")"#, r#"cdn: "www", buckets: ["photos"])"#)]);
    assert_eq!(
        only_issue(&text),
        "clients[2].buckets: viewers of \"www\" can only ask for its bucket \"site\""
    );
}

#[test]
fn viewer_naming_its_own_bucket_is_valid() {
    let text = base_with(&[(r#"cdn: "www")"#, r#"cdn: "www", buckets: ["site"])"#)]);
    let world = parse(&text, "t").unwrap().world;
    assert_eq!(world.classes[2].buckets, [0]);
    assert_eq!(world.classes[2].cdn, Some(0));
}

#[test]
fn client_key_with_a_leading_slash_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson("1/min"), keys: ["a.html", "/b.html"])"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].keys[1]: \"/b.html\": keys have no leading '/'"
    );
}

#[test]
fn client_key_popularity_zipf_zero_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson("1/min"), key_popularity: zipf(0.0))"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].key_popularity: zipf exponent must be > 0, not 0"
    );
}

#[test]
fn many_listed_client_keys_compile_quickly() {
    // 60 000 requested keys, each of which may start a 10-hop website chain: within
    // the key limit, and compiled in well under the time limit.
    let keys: Vec<String> = (0..60_000).map(|i| format!("\"k/{i}\"")).collect();
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        &format!(
            r#"arrivals: poisson("1/min"), keys: [{}])"#,
            keys.join(", ")
        ),
    )]);
    let loaded = quickly(Duration::from_secs(5), || parse(&text, "t").unwrap());
    assert!(loaded.world.objects.keys.len() > 60_000);
}

// ---------------------------------------------------------------- buckets: objects and keys

#[test]
fn bucket_key_with_a_leading_slash_is_rejected() {
    let text = base_with(&[(
        r#"keys: ["index.html", "a.html"]"#,
        r#"keys: ["index.html", "/a.html"]"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "buckets[0].keys[1]: \"/a.html\": keys have no leading '/'"
    );
}

#[test]
fn huge_object_counts_are_refused_quickly_without_allocating() {
    let text = base_with(&[(
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 4000000000)"#,
    )]);
    let issues = quickly(Duration::from_secs(2), || invalid(&text));
    assert_eq!(
        issues,
        [
            "buckets: up to 4000000022 object keys in all (objects, requested keys, and the \
             keys website redirect chains can reach in max_hops); at most 1000000",
            "cdn: 1 edges × 1 distributions × 4000000022 keys = 4000000022 cache slots; \
             at most 50000000",
        ]
    );
}

#[test]
fn object_counts_add_up_over_buckets_without_overflow() {
    let text = base_with(&[
        (r#"keys: ["index.html", "a.html"],"#, "objects: 4294967295,"),
        (
            r#"created_at: "5m")"#,
            r#"created_at: "5m", objects: 4294967295)"#,
        ),
    ]);
    let issues = quickly(Duration::from_secs(2), || invalid(&text));
    // The website bucket's 2^32 − 1 objects may each start a 10-hop chain.
    assert_eq!(
        issues[0],
        "buckets: up to 51539607540 object keys in all (objects, requested keys, and the \
         keys website redirect chains can reach in max_hops); at most 1000000"
    );
}

#[test]
fn objects_at_the_limit_are_accepted() {
    let text = base_with(&[(
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 999978)"#,
    )]);
    let world = parse(&text, "t").unwrap().world;
    assert_eq!(world.objects.per_bucket[1].len(), 999_978);
    assert!(world.objects.id("o/999977").is_some());
}

#[test]
fn website_redirect_chains_cannot_blow_up_the_key_table() {
    let buckets: Vec<String> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|p| {
            format!(
                r#"(name: "{p}", region: "us-east-1",
                   website: (routing_rules: [(redirect: (replace_key_prefix_with: "{p}/"))]))"#
            )
        })
        .collect();
    let text = format!(
        r#"(
    name: "chains", duration: "30m",
    regions: [(name: "us-east-1")],
    buckets: [{}],
    clients: [(name: "c", count: 1, arrivals: poisson("1/min"), addressing: website,
               redirects: follow_location(max_hops: 50))],
)"#,
        buckets.join(", ")
    );
    // Each bucket's chains start from its own keys: one key, 50 hops, so at most 51
    // keys per bucket, not (max_hops + 1)^buckets.
    let loaded = quickly(Duration::from_secs(5), || parse(&text, "t").unwrap());
    assert!(
        loaded.world.objects.keys.len() <= 5 * 51,
        "{}",
        loaded.world.objects.keys.len()
    );
}

// ---------------------------------------------------------------- website

#[test]
fn website_index_document_empty_is_rejected() {
    let text = base_with(&[(r#"index_document: "index.html""#, r#"index_document: """#)]);
    assert_eq!(
        only_issue(&text),
        "buckets[0].website.index_document: must be a non-empty name without '/'"
    );
}

#[test]
fn website_index_document_with_a_slash_is_rejected() {
    let text = base_with(&[(
        r#"index_document: "index.html""#,
        r#"index_document: "docs/index.html""#,
    )]);
    assert_eq!(
        only_issue(&text),
        "buckets[0].website.index_document: must be a non-empty name without '/'"
    );
}

const GOOD_RULE: &str =
    r#"(condition: (key_prefix_equals: "old/"), redirect: (replace_key_prefix_with: "new/"))"#;

#[test]
fn routing_rule_with_an_empty_redirect_is_rejected() {
    let issue = only_issue(&with_rules(&format!("{GOOD_RULE}, (redirect: ())")));
    assert!(
        issue.starts_with(
            "buckets[0].website.routing_rules[1].redirect: an empty redirect is rejected by S3"
        ),
        "{issue}"
    );
}

#[test]
fn routing_rule_with_an_empty_condition_is_rejected() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (condition: (), redirect: (host_name: "example.com"))"#
    )));
    assert!(
        issue.starts_with(
            "buckets[0].website.routing_rules[1].condition: an empty condition is rejected by S3"
        ),
        "{issue}"
    );
}

#[test]
fn routing_rule_redirect_code_308_is_not_modelled() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (host_name: "example.com", http_redirect_code: 308))"#
    )));
    assert_eq!(
        issue,
        "buckets[0].website.routing_rules[1].redirect.http_redirect_code: \
         s3sim models 301, 302 and 307, not 308"
    );
}

#[test]
fn routing_rule_redirect_code_999_is_rejected_at_its_path() {
    let issues = invalid(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (host_name: "example.com", http_redirect_code: 999))"#
    )));
    assert!(!issues.is_empty());
    for issue in &issues {
        assert!(
            issue.starts_with("buckets[0].website.routing_rules[1].redirect.http_redirect_code: "),
            "{issues:#?}"
        );
    }
    assert!(issues.iter().any(|i| i.contains("999")), "{issues:#?}");
}

#[test]
fn routing_rule_redirect_code_999_is_reported_once() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (host_name: "example.com", http_redirect_code: 999))"#
    )));
    assert!(
        !issue.contains("303"),
        "advises a code s3sim refuses: {issue}"
    );
}

#[test]
fn routing_rule_error_code_200_is_rejected() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (condition: (http_error_code_returned_equals: 200), redirect: (replace_key_with: "e.html"))"#
    )));
    assert_eq!(
        issue,
        "buckets[0].website.routing_rules[1].condition.http_error_code_returned_equals: \
         200 is not an error code: use a 4xx or 5xx code, e.g. 404"
    );
}

#[test]
fn more_than_fifty_routing_rules_are_rejected() {
    let rules = vec![GOOD_RULE; 51].join(", ");
    let issue = only_issue(&with_rules(&rules));
    assert!(
        issue.starts_with(
            "buckets[0].website.routing_rules: 51 routing rules, but S3 allows at most 50"
        ),
        "{issue}"
    );
}

#[test]
fn fifty_routing_rules_are_accepted() {
    let rules = vec![GOOD_RULE; 50].join(", ");
    parse(&with_rules(&rules), "t").unwrap();
}

#[test]
fn routing_rule_with_both_key_replacements_is_rejected() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (replace_key_prefix_with: "a/", replace_key_with: "b.html"))"#
    )));
    assert_eq!(
        issue,
        "buckets[0].website.routing_rules[1].redirect: \
         replace_key_prefix_with and replace_key_with exclude each other: keep one"
    );
}

#[test]
fn s3_website_redirect_code_303_is_rejected() {
    let text = base_with(&[(
        "events: [],",
        "events: [],\n    s3: (website_redirect_code: 303),",
    )]);
    assert_eq!(
        only_issue(&text),
        "s3.website_redirect_code: must be 301, 302 or 307, not 303"
    );
}

// ---------------------------------------------------------------- sweep names

#[test]
fn sweep_names_of_the_wrong_count_are_rejected() {
    let text = with_sweep(
        r#"(fields: [(path: "clients[1].connect_timeout", values: ["1s", "10s"])], names: ["fast", "slow", "slower"])"#,
    );
    assert_eq!(only_issue(&text), "sweep.names: 3 names for 2 points");
}

#[test]
fn duplicate_sweep_names_are_rejected() {
    let text = with_sweep(
        r#"(fields: [(path: "clients[1].connect_timeout", values: ["1s", "10s"])], names: ["same", "same"])"#,
    );
    assert_eq!(only_issue(&text), "sweep.names[1]: duplicate name \"same\"");
}

#[test]
fn empty_sweep_name_is_rejected() {
    let text = with_sweep(
        r#"(fields: [(path: "clients[1].connect_timeout", values: ["1s", "10s"])], names: ["", "slow"])"#,
    );
    assert_eq!(only_issue(&text), "sweep.names[0]: empty name");
}

#[test]
fn sweep_names_label_the_points() {
    let text = with_sweep(
        r#"(fields: [(path: "clients[1].connect_timeout", values: ["1s", "10s"])], names: ["fast", "slow start"])"#,
    );
    let points = parse(&text, "t").unwrap().points;
    assert_eq!(points[1].label(), "slow start");
    assert_eq!(points[1].dir_name(2), "1-slow_start");
    assert_eq!(
        points[0].world.classes[1].connect_timeout,
        s3sim_engine::SimDuration::from_secs(1)
    );
}

// ---------------------------------------------------------------- all at once

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

// ---------------------------------------------------------------- a valid file with everything

const FULL: &str = r#"(
    name: "everything",
    duration: "1h",
    regions: [
        (name: "us-east-1", facilities: [
            (name: "iad-a", servers: 4, queue_limit: 100),
            (name: "iad-b", ips: 2),
        ]),
        (name: "eu-west-1"),
    ],
    buckets: [
        (name: "site", region: "us-east-1", keys: ["index.html", "new/x", "docs/index.html"],
         website: (index_document: "index.html", routing_rules: [
            (condition: (key_prefix_equals: "old/"), redirect: (replace_key_prefix_with: "new/")),
            (condition: (http_error_code_returned_equals: 404),
             redirect: (replace_key_with: "index.html", http_redirect_code: 307)),
         ])),
        (name: "photos", region: "eu-west-1", created_at: "5m", objects: 50, keys: ["cover.jpg"]),
    ],
    resolvers: [(name: "isp", count: 10), (name: "corp", count: 2)],
    clients: [
        (name: "ramp", count: 20, arrivals: poisson_ramp(from: "1/s", to: "5/s"),
         buckets: ["photos"], key_popularity: zipf(1.1), connect_timeout: "2s"),
        (name: "sdk", count: 10, arrivals: poisson("1/min"), buckets: ["photos"],
         retry: (max_attempts: 5, base: "50ms", cap: "5s",
                 quota: (capacity: 100, retry_cost: 5, timeout_cost: 10, success_refund: 2))),
        (name: "viewer", count: 10, arrivals: poisson("1/min"), cdn: "www",
         keys: ["old/x", "", "docs", "missing"]),
    ],
    s3: (website_redirect_code: 302),
    cdn: (
        edges: [
            (name: "iad", region: "us-east-1", capacity: 1000, resolvers: "corp"),
            (name: "dub", region: "eu-west-1"),
        ],
        distributions: [
            (name: "www", bucket: "site", origin: website,
             cache: (min_ttl: "1s", default_ttl: "1h", max_ttl: "1d", error_min_ttl: "5s", redirects: current),
             origin_cache_control: (ok: (max_age: "10m"), error: (no_store: true))),
            (name: "img", bucket: "photos", origin: regional, access_control: true),
        ],
        invalidation_delay: fixed("1m"),
    ),
    events: [
        outage(facility: "iad-a", at: "10m", duration: "5m", mode: black_holed, health_check: "20s"),
        drain(facility: "iad-b", at: "20m"),
        ip_rotation(facility: "eu-west-1", at: "25m", grace: "1m"),
        resolver_outage(resolvers: "isp", at: "30m", duration: "2m", serve_stale: true),
        record_ttl(at: "35m", ttl: "60s"),
        endpoint_retired(region: "eu-west-1", at: "40m"),
        bucket_recreated(bucket: "photos", deleted_at: "45m", at: "50m", region: "us-east-1"),
        invalidation(distribution: "www", at: "15m", paths: ["/old/*", "/index.html"]),
    ],
    sweep: (mode: zip, fields: [(path: "cdn.distributions[0].origin", values: [website, regional])],
            names: ["website origin", "rest origin"]),
)"#;

#[test]
fn a_file_using_every_new_field_compiles_into_the_world_it_describes() {
    use s3sim_engine::SimDuration;
    use s3sim_model::cdn::network::Origin;
    use s3sim_model::client::{Arrivals, KeyChoice, Popularity, RetryPolicy, RetryQuota};
    use s3sim_model::objects::WebAnswer;
    use s3sim_model::response::Status;
    use s3sim_model::topology::Capacity;

    let loaded = parse(FULL, "everything.ron").unwrap();
    let world = &loaded.world;
    let ms = SimDuration::from_millis;

    // Facility capacity: iad-a limited, iad-b and the implicit eu-west-1 unlimited.
    let facilities = &world.topology.facilities;
    assert_eq!(facilities.len(), 3);
    assert_eq!(
        facilities[0].capacity,
        Some(Capacity {
            servers: 4,
            queue_limit: 100
        })
    );
    assert_eq!(facilities[1].capacity, None);
    assert_eq!(facilities[2].name, "eu-west-1");

    // Retries, connect timeout, ramp, key choice.
    assert_eq!(
        world.classes[1].retry,
        Some(RetryPolicy {
            max_attempts: 5,
            base: ms(50),
            cap: ms(5_000),
            quota: Some(RetryQuota {
                capacity: 100,
                retry_cost: 5,
                timeout_cost: 10,
                success_refund: 2
            }),
        })
    );
    assert_eq!(world.classes[0].retry, None);
    assert_eq!(world.classes[0].connect_timeout, ms(2_000));
    assert_eq!(world.classes[1].connect_timeout, ms(10_000), "default");
    assert_eq!(
        world.classes[0].arrivals,
        Arrivals::PoissonRamp {
            from_per_client_per_sec: 1.0,
            to_per_client_per_sec: 5.0
        }
    );
    assert_eq!(
        world.classes[0].keys,
        KeyChoice::Objects(Popularity::Zipf(1.1))
    );
    assert_eq!(world.classes[2].cdn, Some(0));
    assert_eq!(
        world.classes[2].buckets,
        [0],
        "a viewer asks for its origin bucket"
    );
    let KeyChoice::Listed(listed) = &world.classes[2].keys else {
        panic!("viewer keys are listed: {:?}", world.classes[2].keys)
    };
    assert_eq!(listed.len(), 4);

    // Events: six faults; the re-creation goes to the bucket, the invalidation to the CDN.
    assert_eq!(world.faults.len(), 6);
    let photos = &world.buckets[1];
    assert!(photos.deleted_at.is_some());
    let recreated = photos.recreated.as_ref().expect("re-created");
    assert_eq!(recreated.region, 0);
    assert_eq!(world.cdn.invalidations.len(), 1);
    assert_eq!(world.cdn.invalidations[0].paths.len(), 2);

    // CDN.
    assert_eq!(world.cdn.edges.len(), 2);
    assert_eq!(world.cdn.edges[0].capacity, 1000);
    assert_eq!(world.cdn.edges[0].resolvers, 10..12, "the corp group");
    assert_eq!(world.cdn.edges[1].capacity, 100_000, "default");
    assert_eq!(world.cdn.distributions.len(), 2);
    assert_eq!(world.cdn.distributions[0].origin, Origin::Website);
    assert_eq!(world.cdn.distributions[0].policy.max_ttl, ms(86_400_000));
    assert!(world.cdn.distributions[1].access_control);
    assert_eq!(world.cdn.distributions[1].bucket, 1);

    // Objects: site's 3 keys; photos' named key then o/0 … o/49.
    let objects = &world.objects;
    assert_eq!(objects.per_bucket[0].len(), 3);
    assert_eq!(objects.per_bucket[1].len(), 51);
    let id = |k: &str| objects.id(k).unwrap_or_else(|| panic!("key {k:?}"));
    assert!(objects.exists(1, id("o/49")) && objects.exists(1, id("cover.jpg")));
    assert!(objects.id("o/50").is_none());

    // Website answers, with s3.website_redirect_code for a rule that names no code.
    assert_eq!(
        objects.website(0, id("old/x")),
        Some(WebAnswer::Redirect {
            status: Status::Found,
            key: id("new/x")
        })
    );
    assert_eq!(objects.website(0, id("new/x")), Some(WebAnswer::Object));
    assert_eq!(objects.website(0, id("")), Some(WebAnswer::Object));
    assert_eq!(
        objects.website(0, id("docs")),
        Some(WebAnswer::Redirect {
            status: Status::Found,
            key: id("docs/")
        }),
        "folder without its slash"
    );
    assert_eq!(
        objects.website(0, id("missing")),
        Some(WebAnswer::Redirect {
            status: Status::TemporaryRedirect,
            key: id("index.html")
        }),
        "the 404 rule with its own code"
    );
    assert_eq!(objects.website(1, id("o/0")), None, "photos has no website");

    // The sweep: two named points, the second with a regional origin.
    assert_eq!(loaded.points.len(), 2);
    assert_eq!(loaded.points[0].label(), "website origin");
    assert_eq!(
        loaded.points[1].world.cdn.distributions[0].origin,
        Origin::Regional
    );
    assert_eq!(loaded.points[0].world, *world);
}

// ---------------------------------------------------------------- syntax in the new structs

/// Insert `bad` right after `anchor` and check the syntax error's line and field name.
fn unknown_field_is_located(anchor: &str, bad: &str, field: &str) {
    let text = edit(BASE, anchor, &format!("{anchor}{bad}"));
    let (line, col, message) = syntax(&text);
    assert_eq!(line, line_of(&text, bad.trim()), "{message}");
    assert!(col > 0, "{message}");
    assert!(
        message.contains(field),
        "names the field {field}: {message}"
    );
    assert!(
        message.starts_with(&format!("test.ron:{line}:{col}: ")),
        "{message}"
    );
}

#[test]
fn unknown_field_in_a_facility_is_located() {
    unknown_field_is_located("servers: 4, ", "server_count: 4, ", "server_count");
}

#[test]
fn unknown_field_in_retry_is_located() {
    unknown_field_is_located("retry: (", "max_tries: 2, ", "max_tries");
}

#[test]
fn unknown_field_in_quota_is_located() {
    unknown_field_is_located("quota: (", "refill: 2, ", "refill");
}

#[test]
fn unknown_field_in_an_edge_is_located() {
    unknown_field_is_located(r#"(name: "iad", "#, "size: 10, ", "size");
}

#[test]
fn unknown_field_in_a_distribution_is_located() {
    unknown_field_is_located(r#"(name: "www", "#, "ttl: \"1m\", ", "ttl");
}

#[test]
fn unknown_field_in_the_cdn_section_is_located() {
    unknown_field_is_located("    cdn: (\n", "        pops: [],\n", "pops");
}

#[test]
fn unknown_field_in_a_website_is_located() {
    unknown_field_is_located(
        "website: (",
        "error_document: \"e.html\", ",
        "error_document",
    );
}

#[test]
fn unknown_field_in_a_routing_rule_is_located() {
    let text = with_rules(
        r#"(condition: (key_prefix_equals: "a/"),
            redirect: (replace_key_prefix_with: "b/", hostname: "x.com"))"#,
    );
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "hostname"), "{message}");
    assert!(message.contains("hostname"), "{message}");
}

#[test]
fn unknown_field_in_a_routing_condition_is_located() {
    let text =
        with_rules(r#"(condition: (key_prefix: "a/"), redirect: (replace_key_prefix_with: "b/"))"#);
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "key_prefix:"), "{message}");
    assert!(message.contains("key_prefix"), "{message}");
}

#[test]
fn unknown_field_in_an_event_is_located() {
    let text = with_events(
        r#"
        outage(facility: "iad-a", at: "1m", length: "5m")"#,
    );
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "length:"), "{message}");
    assert!(message.contains("length"), "{message}");
}

#[test]
fn unknown_event_kind_is_located() {
    let text = with_events(
        r#"
        earthquake(at: "1m")"#,
    );
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "earthquake"), "{message}");
    assert!(message.contains("earthquake"), "{message}");
}

#[test]
fn missing_required_event_field_is_located() {
    let text = with_events(
        r#"
        outage(facility: "iad-a", at: "1m")"#,
    );
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "outage("), "{message}");
    assert!(message.contains("duration"), "{message}");
}

#[test]
fn unknown_field_in_sweep_is_located() {
    let text = with_sweep(
        r#"(fields: [(path: "seed", values: [1, 2])],
            labels: ["a", "b"])"#,
    );
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "labels:"), "{message}");
    assert!(message.contains("labels"), "{message}");
}

#[test]
fn bad_rate_in_poisson_ramp_is_located() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson_ramp(from: "1/min", to: "lots"))"#,
    )]);
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "poisson_ramp"), "{message}");
    assert!(message.contains("invalid rate \"lots\""), "{message}");
}

// ---------------------------------------------------------------- sweeps and patches into new fields

#[test]
fn sweep_over_a_distribution_origin() {
    use s3sim_model::cdn::network::Origin;
    let text = with_sweep(
        r#"(fields: [(path: "cdn.distributions[0].origin", values: [website, global, regional])])"#,
    );
    let points = parse(&text, "t").unwrap().points;
    let origins: Vec<Origin> = points
        .iter()
        .map(|p| p.world.cdn.distributions[0].origin)
        .collect();
    assert_eq!(origins, [Origin::Website, Origin::Global, Origin::Regional]);
    assert_eq!(points[1].label(), "cdn.distributions[0].origin=global");
}

#[test]
fn sweep_over_the_events_list() {
    let text = with_sweep(
        r#"(fields: [(path: "events", values: [
            [],
            [outage(facility: "iad-a", at: "5m", duration: "5m")],
            [drain(facility: "iad-b", at: "5m"), record_ttl(at: "6m", ttl: "1m")],
        ])])"#,
    );
    let points = parse(&text, "t").unwrap().points;
    let faults: Vec<usize> = points.iter().map(|p| p.world.faults.len()).collect();
    assert_eq!(faults, [0, 1, 2]);
}

#[test]
fn sweep_over_one_event() {
    let text = base_with(&[(
        "events: [],",
        r#"events: [outage(facility: "iad-a", at: "5m", duration: "5m")],
    sweep: (fields: [(path: "events[0]", values: [
        outage(facility: "iad-a", at: "5m", duration: "1m"),
        outage(facility: "iad-b", at: "5m", duration: "1m", mode: black_holed),
    ])]),"#,
    )]);
    let points = parse(&text, "t").unwrap().points;
    assert_eq!(points.len(), 2);
    assert_ne!(points[0].world.faults, points[1].world.faults);
}

#[test]
fn sweep_over_capacity_retry_and_cdn_leaves() {
    let text = with_sweep(
        r#"(mode: zip, fields: [
            (path: "regions[0].facilities[0].servers", values: [2, 8]),
            (path: "clients[1].retry", values: [(max_attempts: 7), None]),
            (path: "cdn.edges[0].capacity", values: [10, 20]),
            (path: "cdn.distributions[0].cache.default_ttl", values: ["1m", "2m"]),
            (path: "buckets[1].objects", values: [5, 6]),
            (path: "s3.website_redirect_code", values: [302, 307]),
        ])"#,
    );
    let points = parse(&text, "t").unwrap().points;
    let (a, b) = (&points[0].world, &points[1].world);
    assert_eq!(a.topology.facilities[0].capacity.unwrap().servers, 2);
    assert_eq!(b.topology.facilities[0].capacity.unwrap().servers, 8);
    assert_eq!(a.classes[1].retry.unwrap().max_attempts, 7);
    assert_eq!(b.classes[1].retry, None);
    assert_eq!((a.cdn.edges[0].capacity, b.cdn.edges[0].capacity), (10, 20));
    assert_eq!(
        b.cdn.distributions[0].policy.default_ttl,
        s3sim_engine::SimDuration::from_secs(120)
    );
    assert_eq!(b.objects.per_bucket[1].len(), 6);
}

#[test]
fn sweep_value_that_breaks_a_new_field_names_the_point_and_field() {
    let text = with_sweep(
        r#"(fields: [(path: "cdn.distributions[0].bucket", values: ["site", "photos"])])"#,
    );
    assert_eq!(
        invalid(&text),
        [
            "sweep point 1 (cdn.distributions[0].bucket=\"photos\"): cdn.distributions[0].origin: \
          bucket \"photos\" has no `website` configuration"
        ]
    );
}

#[test]
fn sweep_of_an_unknown_field_in_a_new_struct_lists_the_fields() {
    let text = with_sweep(r#"(fields: [(path: "cdn.edges[0].size", values: [1])])"#);
    assert_eq!(
        invalid(&text),
        [
            "sweep.fields[0] (cdn.edges[0].size = 1): unknown field \"size\" \
          (known: name, region, capacity, resolvers)"
        ]
    );
}

#[test]
fn sweep_into_a_missing_cdn_section_says_so() {
    let text = base_with(&[
        (CDN_SECTION, ""),
        (r#", cdn: "www")"#, ")"),
        (
            "events: [],",
            r#"events: [],
    sweep: (fields: [(path: "cdn.edges[0].capacity", values: [1])]),"#,
        ),
    ]);
    assert_eq!(
        invalid(&text),
        ["sweep.fields[0] (cdn.edges[0].capacity = 1): there is no `cdn` section here to change"]
    );
}

#[test]
fn patch_sets_new_fields_by_path() {
    use s3sim_scenario::patch::set;
    use s3sim_scenario::schema::{EventSpec, OriginSpec};
    let mut s = s3sim_scenario::schema::from_ron(BASE, "b").unwrap();
    set(&mut s, "cdn.distributions[0].origin", "regional").unwrap();
    assert_eq!(
        s.cdn.as_ref().unwrap().distributions[0].origin,
        OriginSpec::Regional
    );
    set(&mut s, "events", r#"[record_ttl(at: "1m", ttl: "5s")]"#).unwrap();
    assert!(matches!(s.events[..], [EventSpec::RecordTtl { .. }]));
    set(&mut s, "clients[*].connect_timeout", r#""3s""#).unwrap();
    assert!(
        s.clients
            .iter()
            .all(|c| c.connect_timeout.to_string() == "3s")
    );
    set(&mut s, "buckets[0].keys", r#"["x", "y/z"]"#).unwrap();
    assert_eq!(s.buckets[0].keys, ["x", "y/z"]);
    let err = set(&mut s, "events[0]", "earthquake").unwrap_err();
    assert!(err.starts_with("value earthquake: "), "{err}");
}

#[test]
fn sweep_into_sub_fields_of_retry_and_website() {
    let text = base_with(&[(
        "events: [],",
        r#"events: [outage(facility: "iad-a", at: "5m", duration: "5m")],
    sweep: (mode: zip, fields: [
        (path: "clients[1].retry.max_attempts", values: [2, 4]),
        (path: "buckets[0].website.index_document", values: ["index.html", "home.html"]),
    ]),"#,
    )]);
    let points = parse(&text, "t").unwrap().points;
    assert_eq!(points[1].world.classes[1].retry.unwrap().max_attempts, 4);
    let home = &points[1].scenario.buckets[0]
        .website
        .as_ref()
        .unwrap()
        .index_document;
    assert_eq!(home, "home.html");
}

#[test]
fn events_are_swept_whole_and_their_fields_say_so() {
    // An event is one enum value: sweep `events[0]` (or `events`), not its fields.
    let text = base_with(&[(
        "events: [],",
        r#"events: [outage(facility: "iad-a", at: "5m", duration: "5m")],
    sweep: (fields: [(path: "events[0].at", values: ["5m"])]),"#,
    )]);
    assert_eq!(
        invalid(&text),
        ["sweep.fields[0] (events[0].at = \"5m\"): this field has no sub-fields"]
    );
}
