//! `s3.rate_limits` and the buckets' `prefixes`: what is refused, with which message,
//! and what a valid file compiles into.

use super::*;
use s3sim_engine::SimDuration;

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

/// BASE with `s3: (rate_limits: (...))` and the `photos` bucket's extra fields.
fn with_limits(limits: &str, photos: &str) -> String {
    base_with(&[
        (
            r#"created_at: "5m")"#,
            &format!(r#"created_at: "5m"{photos})"#),
        ),
        (
            "events: [],",
            &format!("events: [], s3: (rate_limits: ({limits})),"),
        ),
    ])
}

#[test]
fn generated_objects_spread_evenly_over_the_prefixes_each_with_its_own_budget() {
    let text = with_limits(
        r#"reads: "550/s", writes: "35/min", burst: "1m", split_after: "20m""#,
        r#", objects: 5, prefixes: ["a/", "b/"]"#,
    );
    let world = parse(&text, "t").unwrap().world;
    let keys: Vec<&str> = world.objects.per_bucket[1]
        .iter()
        .map(|&k| world.objects.keys[k as usize].as_str())
        .collect();
    assert_eq!(keys, ["a/0", "b/1", "a/2", "b/3", "a/4"]);
    let limits = &world.rate_limits;
    assert!(limits.enabled);
    assert_eq!(
        (limits.reads_per_sec, limits.writes_per_sec),
        (550.0, 35.0 / 60.0)
    );
    assert_eq!(limits.burst, ms(60_000));
    assert_eq!(limits.split_after, ms(1_200_000));
    let no_prefixes: &[String] = &[];
    assert_eq!(
        limits.prefixes,
        [no_prefixes, &["a/".to_string(), "b/".to_string()]]
    );
}

#[test]
fn without_the_section_s3_s_published_limits_apply() {
    let world = parse(BASE, "t").unwrap().world;
    let limits = &world.rate_limits;
    assert!(limits.enabled);
    assert_eq!(
        (limits.reads_per_sec, limits.writes_per_sec),
        (5_500.0, 3_500.0)
    );
    assert_eq!(
        (limits.burst, limits.split_after),
        (ms(120_000), ms(1_800_000))
    );
}

#[test]
fn bad_limits_are_refused_with_their_field_paths() {
    let text = with_limits(
        r#"reads: "0/s", writes: "2000000/s", burst: "0s", split_after: "0s""#,
        "",
    );
    assert_eq!(
        invalid(&text),
        [
            "s3.rate_limits.reads: 0/s per prefix: must be above 0 and at most 1000000/s",
            "s3.rate_limits.writes: 2000000/s per prefix: must be above 0 and at most 1000000/s",
            "s3.rate_limits.burst: burst must be > 0",
            "s3.rate_limits.split_after: split_after must be > 0",
        ]
    );
    let long = with_limits(r#"burst: "2d""#, "");
    assert_eq!(
        only_issue(&long),
        "s3.rate_limits.burst: 2days: at most 1day"
    );
}

#[test]
fn empty_rooted_and_duplicate_prefixes_are_refused() {
    let text = with_limits("", r#", prefixes: ["a/", "", "/b/", "a/"]"#);
    let hint = "a prefix is the start of a key, e.g. \"logs/\" (not empty, no leading '/')";
    assert_eq!(
        invalid(&text),
        [
            format!("buckets[1].prefixes[1]: \"\": {hint}"),
            format!("buckets[1].prefixes[2]: \"/b/\": {hint}"),
            "buckets[1].prefixes[3]: duplicate prefix \"a/\"".to_string(),
        ]
    );
}

#[test]
fn a_sweep_can_spread_keys_over_prefixes_and_switch_the_limits_off() {
    let text = with_limits("", ", objects: 4").replace(
        "events: [],",
        r#"events: [], sweep: (mode: zip, fields: [
            (path: "buckets[1].prefixes", values: [[], ["x/", "y/"]]),
            (path: "s3.rate_limits.enabled", values: [true, false]),
        ]),"#,
    );
    let points = parse(&text, "t").unwrap().points;
    assert_eq!(points.len(), 2);
    assert!(points[0].world().rate_limits.enabled);
    let second = points[1].world();
    assert!(!second.rate_limits.enabled);
    assert_eq!(second.rate_limits.prefixes[1], ["x/", "y/"]);
}
