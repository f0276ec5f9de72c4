//! The `events` list: what each event names, when it happens, invalidation paths,
//! and the bounds on events and rotated IPs.

use super::*;

const FACILITIES: &str = "(did you mean `iad-a` or `iad-b`?) (known: eu-west-1, iad-a, iad-b)";

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
        "events[0].region: unknown region \"eu-west-9\" (did you mean `eu-west-1`?) (known: eu-west-1, us-east-1)"
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

#[test]
fn ip_rotation_black_holes_the_old_ips_unless_told_to_refuse() {
    use s3sim_model::endpoints::OutageMode;
    use s3sim_model::fault::Fault;
    let mode_of = |event: &str| {
        let world = parse(&with_events(event), "t").expect("valid").world;
        match world.faults[..] {
            [Fault::IpRotation { mode, .. }] => mode,
            ref other => panic!("one rotation expected: {other:?}"),
        }
    };
    let default = r#"ip_rotation(facility: "iad-a", at: "1m", grace: "10s")"#;
    let refused = r#"ip_rotation(facility: "iad-a", at: "1m", mode: refused)"#;
    assert_eq!(
        mode_of(default),
        OutageMode::BlackHoled,
        "docs/domain.md §8"
    );
    assert_eq!(mode_of(refused), OutageMode::Refused);
}
