//! Work that would run away is refused at validation, with the fields and the estimate
//! (issue 10, items 4, 7, 8, 9, 10, 13).

mod common;

use common::invalid;
use s3sim_scenario::parse;

const MINIMAL: &str = r#"(
    name: "minimal",
    duration: "30m",
    regions: [(name: "us-east-1"), (name: "eu-west-1")],
    buckets: [(name: "photos", region: "eu-west-1", created_at: "5m")],
    clients: [
        (name: "app", count: 100, arrivals: poisson("1/min")),
    ],
)"#;

fn named(name: &str) -> String {
    MINIMAL.replace("name: \"minimal\"", &format!("name: {name:?}"))
}

#[test]
fn a_name_ending_in_shards_is_refused_with_a_name_to_write() {
    let issues = invalid(&named("x.shards"));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with("name: ends in \".shards\"")
            && issues[0].contains("write e.g. \"x-shards\""),
        "{issues:?}"
    );
}

#[test]
fn names_with_separators_dots_or_control_characters_are_refused() {
    for (name, says) in [
        ("a/b", "holds the path separator '/'"),
        ("a\\b", "holds the path separator '\\'"),
        (".", "is the current or parent directory"),
        ("..", "is the current or parent directory"),
        ("a\u{7}b", "holds the control character '\\u{7}'"),
        (".hidden", "starts with '.'"),
        ("", "must not be empty"),
    ] {
        let issues = invalid(&named(name));
        assert_eq!(issues.len(), 1, "{name:?}: {issues:?}");
        assert!(
            issues[0].starts_with("name: ") && issues[0].contains(says),
            "{issues:?}"
        );
        assert!(
            issues[0].contains("e.g. \"bucket-migration\""),
            "{issues:?}"
        );
    }
}

#[test]
fn a_name_longer_than_100_bytes_is_refused_and_100_is_accepted() {
    parse(&named(&"a".repeat(100)), "t").expect("100 bytes is fine");
    let issues = invalid(&named(&"a".repeat(101)));
    assert!(
        issues[0].starts_with("name: is 101 bytes long; at most 100"),
        "{issues:?}"
    );
}

#[test]
fn bins_times_classes_beyond_the_ceiling_are_refused_naming_fields_and_estimate() {
    let classes: String = (0..10)
        .map(|i| format!("(name: \"c{i}\", arrivals: poisson(\"1/min\")),"))
        .collect();
    let text = MINIMAL
        .replace("duration: \"30m\",", "duration: \"100000s\", bin: \"1s\",")
        .replace(
            "(name: \"app\", count: 100, arrivals: poisson(\"1/min\")),",
            &classes,
        );
    let issues = invalid(&text);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with(
            "bin: 100000 bins (duration 1day 3h 46m 40s / bin 1s) × 11 groups (clients + \"all\") \
             × 49 counters = 53900000 values per replica (431 MB); at most 20000000"
        ),
        "{issues:?}"
    );
    assert!(
        issues[0].contains("use a wider bin, e.g. \"3s\""),
        "{issues:?}"
    );
}

#[test]
fn one_client_at_a_trillion_requests_a_second_is_refused_with_the_estimate() {
    let text = MINIMAL.replace(
        "count: 100, arrivals: poisson(\"1/min\")",
        "count: 1, arrivals: poisson(\"1000000000000/s\")",
    );
    let issues = invalid(&text);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with(
            "clients[0].arrivals: the run could simulate 1.800e16 tries per replica \
             (1.800e15 requests, each retried and redirected at most as its class allows)"
        ),
        "{issues:?}"
    );
    assert!(
        issues[0].contains("the ceiling is 1000000000")
            && issues[0].contains("`max_requests_per_replica: 100000000000000000`"),
        "{issues:?}"
    );
}

#[test]
fn the_request_ceiling_is_raised_by_max_requests_per_replica() {
    // 1e6 clients at 1/s for 30 min: 1.8e9 requests, 1.8e10 tries with the default
    // 10 redirect hops, over the default ceiling.
    let text = MINIMAL.replace(
        "count: 100, arrivals: poisson(\"1/min\")",
        "count: 1000000, arrivals: poisson(\"1/s\")",
    );
    assert!(invalid(&text)[0].contains("1.800e10 tries per replica (1.800e9 requests"));
    let raised = text.replace(
        "    duration: \"30m\",",
        "    duration: \"30m\",\n    max_requests_per_replica: 20000000000,",
    );
    parse(&raised, "t").expect("raised explicitly");
}

#[test]
fn the_estimate_integrates_ramps_periodic_arrivals_and_active_windows() {
    use s3sim_scenario::validate::Work;
    let work = |arrivals: &str, window: &str| {
        let text = MINIMAL.replace(
            "arrivals: poisson(\"1/min\")",
            &format!("arrivals: {arrivals}{window}"),
        );
        Work::of(&s3sim_scenario::schema::from_ron(&text, "t").unwrap()).requests
    };
    // 100 clients × 1/min × 30 min.
    assert_eq!(work("poisson(\"1/min\")", ""), 3000.0);
    // The ramp's integral: mean rate (0 + 2/min) / 2 over 30 min.
    assert_eq!(
        work("poisson_ramp(from: \"0/min\", to: \"2/min\")", ""),
        3000.0
    );
    // Periodic every 60 s over 10 min (start 10m, stop 20m): 11 each.
    assert_eq!(
        work("periodic(\"60s\")", ", start: \"10m\", stop: \"20m\""),
        1100.0
    );
}

#[test]
fn sweep_points_are_estimated_one_by_one() {
    let text = MINIMAL.replace(
        "    clients: [",
        "    sweep: (fields: [(path: \"clients[0].arrivals\", values: [poisson(\"1/min\"), poisson(\"100000/s\")])]),\n    clients: [",
    );
    let issues = invalid(&text);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with(
            "sweep point 1 (clients[0].arrivals=poisson(\"100000/s\")): clients[0].arrivals: \
             the run could simulate 1.800e11 tries per replica (1.800e10 requests"
        ),
        "{issues:?}"
    );
}

#[test]
fn ten_thousand_sweep_points_keep_settings_not_worlds() {
    let values: Vec<String> = (0..10_000).map(|i| format!("\"{}s\"", 3600 + i)).collect();
    let text = MINIMAL.replace("duration: \"30m\",", "duration: \"30m\", replicas: 1,").replace(
        "    clients: [",
        &format!(
            "    sweep: (fields: [(path: \"resolvers[0].max_ttl\", values: [{}])]),\n    clients: [",
            values.join(", ")
        ),
    );
    let loaded = parse(&text, "t").unwrap();
    assert_eq!(loaded.points.len(), 10_000);
    let last = loaded.points[9_999].world();
    assert_eq!(
        last.resolver_groups[0].config.max_ttl.as_secs_f64(),
        13_599.0
    );
    assert!(loaded.points[9_999].scenario().description.is_empty());
}

#[test]
fn outputs_of_every_point_and_replica_together_are_bounded() {
    let values: Vec<String> = (0..10_000).map(|i| format!("\"{}s\"", 3600 + i)).collect();
    let text = MINIMAL.replace("duration: \"30m\",", "duration: \"30m\", bin: \"10s\", replicas: 4,").replace(
        "    clients: [",
        &format!(
            "    sweep: (fields: [(path: \"resolvers[0].max_ttl\", values: [{}])]),\n    clients: [",
            values.join(", ")
        ),
    );
    let issues = invalid(&text);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with("sweep: 10000 points × their replicas would hold")
            && issues[0].contains("at most 250000000"),
        "{issues:?}"
    );
}

#[test]
fn more_than_100000_invalidation_paths_are_refused_with_a_prefix_to_write() {
    let paths: Vec<String> = (0..100_001).map(|i| format!("\"/p/{i}\"")).collect();
    let text = MINIMAL
        .replace(
            "    clients: [",
            "    cdn: (edges: [(name: \"e\", region: \"us-east-1\")], distributions: [(name: \"d\", bucket: \"photos\", origin: regional)]),\n    clients: [",
        )
        .replace(
            "    clients: [",
            &format!(
                "    events: [invalidation(distribution: \"d\", at: \"10m\", paths: [{}])],\n    clients: [",
                paths.join(", ")
            ),
        );
    let issues = invalid(&text);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with("events: 100001 invalidation paths in all; at most 100000")
            && issues[0].contains("\"/images/*\""),
        "{issues:?}"
    );
}

#[test]
fn a_bucket_created_after_the_end_is_refused_like_an_event() {
    let issues = invalid(&MINIMAL.replace("created_at: \"5m\"", "created_at: \"40m\""));
    assert_eq!(
        issues,
        [
            "buckets[0].created_at: 40m is not before the end of the run 30m: write a time \
          before it, or leave created_at out"
        ]
    );
}

#[test]
fn expectation_windows_after_the_end_are_refused() {
    let expect = |e: &str| {
        MINIMAL.replace(
            "    clients: [",
            &format!("    expect: [{e}],\n    clients: ["),
        )
    };
    let issues = invalid(&expect(
        "mean_below(metric: \"redirect_rate\", from: \"40m\", to: \"50m\", max: 0.1)",
    ));
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(
        issues[0].starts_with("expect[0].from: 40m is after the end of the run 30m")
            && issues[1].starts_with("expect[0].to: 50m is after the end of the run 30m"),
        "{issues:?}"
    );
    let issues = invalid(&expect(
        "settles_below(metric: \"redirect_rate\", threshold: 0.01, by: \"31m\")",
    ));
    assert!(
        issues[0].starts_with("expect[0].by: 31m is after the end"),
        "{issues:?}"
    );
    parse(
        &expect("mean_below(metric: \"redirect_rate\", from: \"20m\", to: \"30m\", max: 0.1)"),
        "t",
    )
    .expect("a window ending at the end of the run is fine");
}

#[test]
fn a_syntax_error_on_a_ten_megabyte_line_shows_a_bounded_window_once() {
    let huge = format!("(name: \"{}\", duration: 5)", "x".repeat(10_000_000));
    let err = parse(&huge, "big.ron").unwrap_err().to_string();
    assert!(err.len() < 1_000, "{} bytes", err.len());
    assert!(err.starts_with("big.ron:1:"), "{err}");
    assert!(err.contains("-character line)"), "{err}");
}

#[test]
fn the_request_ceiling_counts_every_retry_and_redirect_hop_a_request_may_take() {
    // 5e4 clients at 1/min for 30 min: 1.5e6 requests; 5 attempts × 4 hops = 20 tries
    // each at worst: 3e7 tries.
    let text = MINIMAL.replace(
        "count: 100, arrivals: poisson(\"1/min\")",
        "count: 50000, arrivals: poisson(\"1/min\"), retry: (max_attempts: 5), \
         redirects: follow_location(max_hops: 4)",
    );
    let s = s3sim_scenario::schema::from_ron(&text, "t").unwrap();
    let work = s3sim_scenario::validate::Work::of(&s);
    assert_eq!(work.requests, 1.5e6);
    assert_eq!(work.worst_case_tries, 3e7);
    // Under a ceiling of 2e7 the first tries would fit, the worst case does not.
    let lowered = text.replace(
        "    duration: \"30m\",",
        "    duration: \"30m\",\n    max_requests_per_replica: 20000000,",
    );
    let issues = invalid(&lowered);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with(
            "clients[0].arrivals: the run could simulate 3.000e7 tries per replica \
             (1.500e6 requests"
        ) && issues[0].contains(
            "× 20 tries per request (retry.max_attempts 5 × redirect hops 4); the ceiling is \
             20000000"
        ),
        "{issues:?}"
    );
}
