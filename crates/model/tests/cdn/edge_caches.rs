//! Which cache and which resolver an edge uses (`world/edge.rs`), pinned where a
//! mutation run found no test (issue 16): every edge keeps a cache per distribution, and
//! its origin fetches ask its own resolvers.

use super::*;

/// Edges `iad` and `dub`; bucket in us-east-1 behind two distributions with a regional
/// origin.
fn two_edges_two_distributions() -> WorldConfig {
    let mut w = cdn_world(
        bucket("site", US_EAST_1, None),
        distribution(Origin::Regional),
    );
    w.cdn.edges = vec![iad(), dub()];
    let mut second = distribution(Origin::Regional);
    second.name = "d1".into();
    w.cdn.distributions.push(second);
    w
}

/// One request for key 0 from `place` at `start` seconds through distribution `d`.
fn through(place: u16, start: u64, d: u16) -> ClientClass {
    let mut c = probe_from(place, SimTime::from_secs(start), 0, RedirectPolicy::None);
    c.cdn = Some(d);
    c
}

/// Each edge caches each distribution apart: the first request through every (edge,
/// distribution) pair misses and fetches from the origin, whatever the other edge or
/// the other distribution holds. A miss at `iad` takes 48 ms, at `dub` 126 ms (20 to
/// the edge and back, 21 for its resolver's miss, 80 + 5 to us-east-1 and back).
#[test]
fn each_edge_keeps_its_own_cache_of_each_distribution() {
    let mut w = two_edges_two_distributions();
    w.classes = vec![
        through(VIRGINIA, 100, 1),
        through(DUBLIN, 200, 1),
        through(VIRGINIA, 300, 0),
        through(DUBLIN, 400, 0),
        through(DUBLIN, 500, 1),
    ];
    let out = run(&w);
    let latencies: Vec<SimDuration> = (0..5).map(|c| latency(only(&out, c))).collect();
    assert_eq!(latencies, [MISS_USE1, ms(126), MISS_USE1, ms(126), HIT]);
    assert_eq!(total(&out, Counter::OriginFetches), 4);
    assert_eq!(total(&out, Counter::EdgeHits), 1);
}

/// An edge's origin fetch asks the edge's own resolver: `dub`'s first fetch, 1 s after
/// `iad`'s (whose resolver then holds the bucket's name for 4 s more), still misses at
/// `dub`'s resolver: 126 ms, not 106.
#[test]
fn an_edge_s_origin_fetch_asks_the_edge_s_own_resolver() {
    let mut w = two_edges_two_distributions();
    w.classes = vec![through(VIRGINIA, 100, 0), through(DUBLIN, 101, 0)];
    let out = run(&w);
    assert_eq!(latency(only(&out, 0)), MISS_USE1);
    assert_eq!(latency(only(&out, 1)), ms(126));
}

/// An invalidation purges its own distribution's cache at each edge, and no other:
/// with both distributions warmed at both edges at 100 s, invalidating `/*` of
/// distribution 1 at 1000 s (no delay) makes only the requests through distribution 1
/// miss at 1100 s, at either edge.
#[test]
fn an_invalidation_purges_only_its_distribution_at_each_edge() {
    let mut w = two_edges_two_distributions();
    w.cdn.invalidations = vec![Invalidation {
        distribution: 1,
        at: SimTime::from_secs(1_000),
        paths: vec![PathPattern::parse("/*").expect("valid")],
    }];
    w.classes = vec![
        through(VIRGINIA, 100, 0),
        through(VIRGINIA, 100, 1),
        through(DUBLIN, 100, 0),
        through(DUBLIN, 100, 1),
        through(VIRGINIA, 1_100, 0),
        through(VIRGINIA, 1_100, 1),
        through(DUBLIN, 1_100, 0),
        through(DUBLIN, 1_100, 1),
    ];
    let out = run(&w);
    let after: Vec<SimDuration> = (4..8).map(|c| latency(only(&out, c))).collect();
    assert_eq!(after, [HIT, MISS_USE1, HIT, ms(126)]);
    assert_eq!(total(&out, Counter::OriginFetches), 6);
}

/// Each invalidation reaches an edge after its own delay, drawn apart from every other
/// invalidation's: `/*` invalidated at 1000 s and again at 2000 s, each reaching `iad`
/// after a delay uniform on [0, 600] s; a viewer asking every second refetches right
/// after each purge, so the two refetches' offsets from their invalidations differ (by
/// 1 s or less only if the two delays are within 2 s of each other: a probability
/// below 0.7 %).
#[test]
fn each_invalidation_reaches_an_edge_after_its_own_delay() {
    let mut w = cdn_world(
        bucket("site", US_EAST_1, None),
        distribution(Origin::Regional),
    );
    w.duration = secs(3_000);
    let purge_all = |at| Invalidation {
        distribution: 0,
        at: SimTime::from_secs(at),
        paths: vec![PathPattern::parse("/*").expect("valid")],
    };
    w.cdn.invalidations = vec![purge_all(1_000), purge_all(2_000)];
    w.cdn.invalidation_delay = Some(Delay::Uniform {
        low: SimDuration::ZERO,
        high: secs(600),
    });
    w.classes = vec![viewers(100, secs(1), 2_999, RedirectPolicy::None)];
    w.trace_limit = 0;
    let out = run(&w);
    let fetches = fetch_seconds(&out);
    assert_eq!(fetches.len(), 3, "{fetches:?}");
    assert_eq!(fetches[0], 100);
    let (first, second) = (fetches[1] - 1_000, fetches[2] - 2_000);
    assert!(first <= 601 && second <= 601, "{fetches:?}");
    assert!(first.abs_diff(second) > 1, "{fetches:?}");
}
