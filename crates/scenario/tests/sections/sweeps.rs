//! Sweeps into the sections: point names, paths into structs and lists, values
//! that break a section.

use super::*;

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
        points[0].world().classes[1].connect_timeout,
        s3sim_engine::SimDuration::from_secs(1)
    );
}

#[test]
fn sweep_over_a_distribution_origin() {
    use s3sim_model::cdn::network::Origin;
    let text = with_sweep(
        r#"(fields: [(path: "cdn.distributions[0].origin", values: [website, global, regional])])"#,
    );
    let points = parse(&text, "t").unwrap().points;
    let origins: Vec<Origin> = points
        .iter()
        .map(|p| p.world().cdn.distributions[0].origin)
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
    let faults: Vec<usize> = points.iter().map(|p| p.world().faults.len()).collect();
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
    assert_ne!(points[0].world().faults, points[1].world().faults);
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
    let (a, b) = (points[0].world(), points[1].world());
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
    assert_eq!(points[1].world().classes[1].retry.unwrap().max_attempts, 4);
    let scenario = points[1].scenario();
    let home = &scenario.buckets[0].website.as_ref().unwrap().index_document;
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
