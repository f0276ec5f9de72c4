//! Every class of scenario error produces a message a user can act on.

mod common;

use common::{invalid, syntax};
use s3sim_scenario::parse;

const MINIMAL: &str = r#"(
    name: "minimal",
    duration: "30m",
    regions: [(name: "us-east-1"), (name: "eu-west-1")],
    buckets: [(name: "photos", region: "eu-west-1", created_at: "5m")],
    clients: [
        (name: "app", count: 100, arrivals: poisson("1/min")),
        (name: "jvm", count: 10, arrivals: poisson("1/min"), dns: fixed("30s")),
    ],
)"#;

#[test]
fn minimal_scenario_is_about_fifteen_lines_and_valid() {
    assert!(MINIMAL.lines().count() <= 15);
    let loaded = parse(MINIMAL, "minimal.ron").unwrap();
    assert_eq!(loaded.world.classes.len(), 2);
    assert_eq!(
        loaded.world.resolver_groups[0].count, 100,
        "default resolvers"
    );
}

#[test]
fn shipped_default_scenario_is_valid() {
    parse(s3sim_scenario::DEFAULT_SCENARIO, "default").unwrap();
}

#[test]
fn syntax_error_points_at_file_line_and_column_with_a_snippet() {
    let broken = MINIMAL.replace("duration: \"30m\",", "duration: \"30m\"");
    let (line, col, message) = syntax(&broken);
    assert_eq!((line, col), (4, 5), "{message}");
    assert!(message.starts_with("test.ron:4:5: "), "{message}");
    assert!(
        message.contains("regions: [(name"),
        "snippet shows the line: {message}"
    );
}

#[test]
fn a_syntax_error_states_its_message_once_above_the_snippet() {
    let (_, _, message) = syntax(&MINIMAL.replace("count: 100,", "count: -500,"));
    let said = "clients[0].count: -500 is negative";
    assert_eq!(message.matches(said).count(), 1, "{message}");
    assert!(message.starts_with("test.ron:"), "{message}");
    assert!(
        message.contains("count: -500,") && message.contains("here"),
        "{message}"
    );
}

#[test]
fn unknown_field_is_a_located_error_naming_the_field() {
    let (line, _, message) = syntax(&MINIMAL.replace("count: 10,", "count: 10, colour: \"red\","));
    assert_eq!(line, 8);
    assert!(message.contains("colour"), "{message}");
}

#[test]
fn misspelt_field_suggests_the_closest_known_field() {
    let (line, _, message) = syntax(&MINIMAL.replace("count: 10,", "count: 10, redirect: none,"));
    assert_eq!(line, 8);
    assert!(
        message.contains("Unexpected field named `redirect`")
            && message.contains("(did you mean `redirects`?)"),
        "{message}"
    );
}

#[test]
fn bad_duration_string_is_a_located_error_with_the_expected_form() {
    let (line, _, message) = syntax(&MINIMAL.replace("\"30m\"", "\"half an hour\""));
    assert_eq!(line, 3);
    assert!(
        message.contains("invalid duration \"half an hour\""),
        "{message}"
    );
}

#[test]
fn zero_fixed_ttl_is_reported_with_its_field_path() {
    let issues = invalid(&MINIMAL.replace("fixed(\"30s\")", "fixed(\"0s\")"));
    assert_eq!(issues, ["clients[1].dns: fixed ttl must be > 0"]);
}

#[test]
fn dangling_reference_lists_the_known_names() {
    let issues = invalid(&MINIMAL.replace("region: \"eu-west-1\"", "region: \"eu-west-9\""));
    assert_eq!(
        issues,
        [
            "buckets[0].region: unknown region \"eu-west-9\" (did you mean `eu-west-1`?) \
             (known: eu-west-1, us-east-1)"
        ]
    );
}

#[test]
fn absurd_client_count_is_refused_before_allocating() {
    let issues = invalid(&MINIMAL.replace("count: 100,", "count: 1000000000000,"));
    assert_eq!(issues.len(), 1);
    assert!(
        issues[0].starts_with("clients: 1000000000010 clients in all; at most"),
        "{issues:?}"
    );
}

#[test]
fn absurd_bin_count_is_refused() {
    let issues =
        invalid(&MINIMAL.replace("duration: \"30m\",", "duration: \"30m\", bin: \"1ms\","));
    assert!(
        issues[0].starts_with("bin: 1800000 bins of 1ms"),
        "{issues:?}"
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = MINIMAL
        .replace("poisson(\"1/min\"))", "poisson(\"0/min\"), start: \"40m\")")
        .replace("name: \"jvm\"", "name: \"app\"");
    let issues = invalid(&text);
    assert_eq!(
        issues,
        [
            "clients[1].name: duplicate name \"app\"",
            "clients[0].arrivals: poisson rate must be > 0, not 0/min",
            "clients[0].start: start 40m is not before stop 30m",
        ]
    );
}

#[test]
fn quantile_tables_must_rise_from_zero_to_one() {
    let text = MINIMAL.replace(
        "duration: \"30m\",",
        "duration: \"30m\", dns: (propagation: quantiles([(0.0, \"1m\"), (0.7, \"30s\"), (0.9, \"2m\")])),",
    );
    assert_eq!(
        invalid(&text),
        [
            "dns.propagation: quantiles must start at probability 0.0 and end at 1.0",
            "dns.propagation[1]: delay 30s is below the previous 1m",
        ]
    );
}

#[test]
fn redirect_policy_fields_are_checked() {
    let text = MINIMAL.replace(
        "dns: fixed(\"30s\")",
        "redirects: follow_location(codes: [307, 308], max_hops: 0)",
    );
    assert_eq!(
        invalid(&text),
        [
            "clients[1].redirects.max_hops: must be between 1 and 50, not 0",
            "clients[1].redirects.codes[1]: 308 is not a redirect S3 sends (301, 302, 307)",
        ]
    );
}

#[test]
fn unreadable_file_names_the_path() {
    let err = s3sim_scenario::load(std::path::Path::new("/no/such/file.ron")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/no/such/file.ron: cannot read:"),
        "{err}"
    );
}

#[test]
fn regions_are_places_with_their_own_round_trips() {
    let text = MINIMAL.replace(
        "duration: \"30m\",",
        "duration: \"30m\", rtt: (default: \"90ms\", pairs: [(from: \"us-east-1\", to: \"eu-west-1\", rtt: \"70ms\")]),",
    )
    .replace("(name: \"jvm\", count: 10,", "(name: \"jvm\", count: 10, location: \"eu-west-1\",");
    let world = parse(&text, "t").unwrap().world;
    let topo = &world.topology;
    let place = |name: &str| topo.locations.iter().position(|l| l == name).unwrap() as u16;
    let ms = s3sim_engine::SimDuration::from_millis;
    assert_eq!(topo.rtt(place("clients"), 1), ms(90));
    assert_eq!(topo.rtt(place("eu-west-1"), 1), ms(2), "same region");
    assert_eq!(topo.rtt(place("us-east-1"), 1), ms(70));
    assert_eq!(
        topo.rtt(place("eu-west-1"), 0),
        ms(70),
        "symmetric between regions"
    );
    assert_eq!(world.classes[1].location, place("eu-west-1"));
}

#[test]
fn a_location_may_not_reuse_a_region_name() {
    let issues = invalid(&MINIMAL.replace(
        "duration: \"30m\",",
        "duration: \"30m\", locations: [\"eu-west-1\"],",
    ));
    assert_eq!(
        issues,
        ["locations[0]: \"eu-west-1\" is a region name; regions are places already"]
    );
}

#[test]
fn facility_and_resolver_group_counts_beyond_their_16_bit_ids_are_refused() {
    let facilities: Vec<String> = (0..70_000).map(|i| format!("(name: \"f{i}\")")).collect();
    let text = format!(
        r#"Scenario(name: "x", duration: "1h",
            regions: [(name: "us-east-1", facilities: [{}])],
            resolvers: [{}],
            buckets: [(name: "b", region: "us-east-1")],
            clients: [(name: "c", arrivals: poisson("1/min"))])"#,
        facilities.join(", "),
        (0..1_001)
            .map(|i| format!("(name: \"r{i}\")"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let issues = invalid(&text);
    assert!(
        issues.contains(&"regions: 70000 facilities in all; at most 10000".to_string()),
        "{issues:?}"
    );
    assert!(
        issues.contains(&"resolvers: 1001 groups; at most 1000".to_string()),
        "{issues:?}"
    );
}
