//! Syntax errors inside the sections are located at their line with the field named.

use super::*;

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
