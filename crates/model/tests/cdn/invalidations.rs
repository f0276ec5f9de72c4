//! Invalidations: per-edge delay, path semantics, cost.

use super::*;

const KEYS: [&str; 4] = ["index.html", "img/a.png", "img/b.png", "imgx.png"];

/// Bucket in us-east-1 behind a regional origin; every key of [`KEYS`] is fetched at
/// 100 s (kept a day); `paths` are invalidated at 1000 s.
fn invalidation_world(paths: &[&str], delay: Option<Delay>) -> WorldConfig {
    let mut w = cdn_world(
        bucket("site", US_EAST_1, None),
        distribution(Origin::Regional),
    );
    w.objects = plain_objects(&KEYS);
    w.cdn.invalidations = vec![Invalidation {
        distribution: 0,
        at: SimTime::from_secs(1_000),
        paths: paths
            .iter()
            .map(|p| PathPattern::parse(p).expect("valid path"))
            .collect(),
    }];
    w.cdn.invalidation_delay = delay;
    w.classes = (0..KEYS.len() as KeyId)
        .map(|k| probe(SimTime::from_secs(100), k))
        .collect();
    w
}

#[test]
fn invalidation_reaches_the_edge_exactly_its_fixed_delay_after_the_request() {
    let mut w = invalidation_world(&["/index.html"], Some(Delay::Fixed(secs(120))));
    let purge = SimTime::from_secs(1_120);
    w.classes.push(probe_at_edge(purge - ONE_NS, 0)); // 4
    w.classes.push(probe_at_edge(purge, 0)); // 5
    let out = run(&w);
    assert_eq!(latency(only(&out, 4)), HIT, "1 ns before: still cached");
    assert_eq!(latency(only(&out, 5)), MISS_USE1, "at t + delay: gone");
    assert_eq!(only(&out, 5).statuses, [Ok]);
    assert_eq!(total(&out, Counter::OriginFetches), 5);
    let bin = 1_000;
    assert_eq!(out.metrics.count(bin, 0, Counter::InvalidationPaths), 1);
    assert_eq!(total(&out, Counter::InvalidationPaths), 1);
    assert_eq!(total(&out, Counter::InvalidationMicroUsd), 0);
}

#[test]
fn invalidation_paths_purge_exact_and_prefix_matches_case_sensitively() {
    let cases: [(&str, [bool; 4]); 7] = [
        ("/*", [true, true, true, true]),
        ("/img/*", [false, true, true, false]),
        ("/img*", [false, true, true, true]),
        ("/IMG/*", [false, false, false, false]),
        ("/index.html", [true, false, false, false]),
        ("/img", [false, false, false, false]),
        ("/img/a.png", [false, true, false, false]),
    ];
    for (path, purged) in cases {
        let mut w = invalidation_world(&[path], Some(Delay::Fixed(secs(60))));
        for k in 0..KEYS.len() as KeyId {
            w.classes.push(probe(SimTime::from_secs(1_200), k));
        }
        let out = run(&w);
        let missed: Vec<bool> = (0..KEYS.len())
            .map(|k| {
                let t = only(&out, KEYS.len() + k);
                assert_eq!(t.statuses, [Ok]);
                latency(t) != HIT
            })
            .collect();
        assert_eq!(missed, purged, "{path}");
    }
}

#[test]
fn invalidation_counters_bill_paths_beyond_the_first_thousand_of_a_month() {
    let day = |d: u64| SimTime::from_secs(d * 86_400);
    let paths = |n: usize| -> Vec<PathPattern> {
        (0..n)
            .map(|i| PathPattern::parse(&format!("/p{i}")).expect("valid"))
            .collect()
    };
    let mut w = cdn_world(
        bucket("site", US_EAST_1, None),
        distribution(Origin::Regional),
    );
    w.duration = secs(32 * 86_400);
    w.bin = secs(86_400);
    let invalidation = |at, paths| Invalidation {
        distribution: 0,
        at,
        paths,
    };
    w.cdn.invalidations = vec![
        invalidation(day(0) + secs(1), paths(1_000)), // free
        invalidation(day(10), paths(1)),              // path 1001: $0.005
        invalidation(day(31), paths(1)),              // a new month: free
    ];
    let out = run(&w);
    assert_eq!(total(&out, Counter::InvalidationPaths), 1_002);
    assert_eq!(total(&out, Counter::InvalidationMicroUsd), 5_000);
    assert_eq!(out.metrics.count(0, 0, Counter::InvalidationPaths), 1_000);
    assert_eq!(out.metrics.count(0, 0, Counter::InvalidationMicroUsd), 0);
    assert_eq!(
        out.metrics.count(10, 0, Counter::InvalidationMicroUsd),
        5_000
    );
    assert_eq!(out.metrics.count(31, 0, Counter::InvalidationMicroUsd), 0);
    let cost = Metric::InvalidationCostUsd.value(&out.metrics, 10, 0);
    assert!((cost - 0.005).abs() < 1e-12, "{cost}");
}
