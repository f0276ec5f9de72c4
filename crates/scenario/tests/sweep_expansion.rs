//! Sweep expansion: product and zip, bad paths and values rejected with their paths.

use s3sim_scenario::{ScenarioError, parse};

fn with_sweep(sweep: &str) -> String {
    format!(
        r#"(
    name: "sweep-test",
    duration: "30m",
    regions: [(name: "us-east-1"), (name: "eu-west-1")],
    buckets: [(name: "photos", region: "eu-west-1", created_at: "5m")],
    resolvers: [(name: "isp", count: 10), (name: "corp", count: 2)],
    clients: [
        (name: "app", count: 100, arrivals: poisson("1/min")),
        (name: "jvm", count: 10, arrivals: poisson("1/min"), dns: fixed("30s")),
    ],
    sweep: {sweep},
)"#
    )
}

fn issues(text: &str) -> Vec<String> {
    match parse(text, "t.ron") {
        Err(ScenarioError::Invalid { issues, .. }) => {
            issues.iter().map(ToString::to_string).collect()
        }
        other => panic!("expected invalid, got {:?}", other.map(|l| l.points.len())),
    }
}

#[test]
fn product_covers_every_combination_last_field_fastest() {
    let text = with_sweep(
        r#"(fields: [
            (path: "resolvers[0].max_ttl", values: ["1h", "1m"]),
            (path: "clients[*].dns", values: [none, fixed("30s"), forever]),
        ])"#,
    );
    let points = parse(&text, "t").unwrap().points;
    let labels: Vec<String> = points.iter().map(|p| p.label()).collect();
    assert_eq!(labels.len(), 6);
    assert_eq!(
        labels[0],
        "resolvers[0].max_ttl=\"1h\", clients[*].dns=none"
    );
    assert_eq!(
        labels[1],
        "resolvers[0].max_ttl=\"1h\", clients[*].dns=fixed(\"30s\")"
    );
    assert_eq!(
        labels[5],
        "resolvers[0].max_ttl=\"1m\", clients[*].dns=forever"
    );
    assert_eq!(points[4].dir_name(6), "4-max_ttl-1m-dns-fixed_30s");
    use s3sim_model::client::DnsCachePolicy;
    assert!(
        points[5]
            .world()
            .classes
            .iter()
            .all(|c| c.dns == DnsCachePolicy::Forever)
    );
}

#[test]
fn zip_takes_values_element_by_element() {
    let text = with_sweep(
        r#"(mode: zip, fields: [
            (path: "resolvers[0].max_ttl", values: ["1h", "1m"]),
            (path: "resolvers[0].min_ttl", values: ["10s", "0s"]),
        ])"#,
    );
    let points = parse(&text, "t").unwrap().points;
    assert_eq!(points.len(), 2);
    assert_eq!(
        points[1].label(),
        "resolvers[0].max_ttl=\"1m\", resolvers[0].min_ttl=\"0s\""
    );
}

#[test]
fn zip_of_unequal_lists_is_rejected() {
    let text = with_sweep(
        r#"(mode: zip, fields: [
            (path: "duration", values: ["1h", "2h"]),
            (path: "seed", values: [1]),
        ])"#,
    );
    assert_eq!(
        issues(&text),
        ["sweep.fields: zip needs lists of equal length, not [2, 1]"]
    );
}

#[test]
fn unknown_field_in_a_path_lists_the_known_fields() {
    let text = with_sweep(r#"(fields: [(path: "resolvers[0].max_tl", values: ["1m"])])"#);
    assert_eq!(
        issues(&text),
        [
            "sweep.fields[0] (resolvers[0].max_tl = \"1m\"): unknown field \"max_tl\" \
             (known: name, count, min_ttl, max_ttl, negative_ttl, rtt, miss_rtt, warm_start)"
        ]
    );
}

#[test]
fn index_out_of_range_and_malformed_paths_are_rejected() {
    let text = with_sweep(r#"(fields: [(path: "clients[5].dns", values: [none])])"#);
    assert_eq!(
        issues(&text),
        ["sweep.fields[0] (clients[5].dns = none): index 5 out of range (the list has 2)"]
    );
    let text = with_sweep(r#"(fields: [(path: "clients[x].dns", values: [none])])"#);
    assert_eq!(
        issues(&text),
        ["sweep.fields[0].path: \"clients[x].dns\": bad index \"x\""]
    );
}

#[test]
fn a_value_of_the_wrong_type_is_rejected_with_its_field() {
    let text = with_sweep(r#"(fields: [(path: "resolvers[0].max_ttl", values: [42])])"#);
    let found = issues(&text);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("sweep.fields[0] (resolvers[0].max_ttl = 42): value 42:"),
        "{found:?}"
    );
}

#[test]
fn a_value_that_makes_the_scenario_invalid_names_the_point_and_field() {
    let text =
        with_sweep(r#"(fields: [(path: "clients[1].dns", values: [fixed("30s"), fixed("0s")])])"#);
    assert_eq!(
        issues(&text),
        ["sweep point 1 (clients[1].dns=fixed(\"0s\")): clients[1].dns: fixed ttl must be > 0"]
    );
}

#[test]
fn a_scenario_without_sweep_has_one_base_point() {
    let loaded = parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
    assert_eq!(loaded.points.len(), 1);
    assert_eq!(loaded.points[0].label(), "base");
    assert_eq!(loaded.points[0].world(), loaded.world);
}
