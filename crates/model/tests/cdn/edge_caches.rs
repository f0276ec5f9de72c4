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
