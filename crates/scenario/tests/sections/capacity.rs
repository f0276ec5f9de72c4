//! Facility capacity: servers and queue limits.

use super::*;

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
