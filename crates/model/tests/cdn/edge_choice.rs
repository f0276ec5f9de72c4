//! Edge choice: viewers reach their nearest edge, and each edge purges on its own delay.

use super::*;

/// Two edges; bucket in us-east-1 behind a regional origin.
fn two_edge_world() -> WorldConfig {
    let mut w = cdn_world(
        bucket("site", US_EAST_1, None),
        distribution(Origin::Regional),
    );
    w.cdn.edges = vec![iad(), dub()];
    w
}

#[test]
fn viewers_reach_the_edge_nearest_to_their_place() {
    let mut w = two_edge_world();
    let s = SimTime::from_secs;
    let none = || RedirectPolicy::None;
    w.classes = vec![
        probe_from(VIRGINIA, s(100), 0, none()),
        probe_from(DUBLIN, s(200), 0, none()),
        probe_from(VIRGINIA, s(300), 0, none()),
        probe_from(DUBLIN, s(300), 0, none()),
    ];
    let out = run(&w);
    let latencies: Vec<SimDuration> = (0..4).map(|c| latency(only(&out, c))).collect();
    // dublin's first request misses at `dub` (its own cache), which fetches across the
    // Atlantic: 20 + 21 + 40 + 5 + 40 ms. Both later requests hit their own edge in
    // 20 ms (dublin through `iad` would take 80 ms).
    assert_eq!(latencies, [MISS_USE1, ms(126), HIT, HIT]);
    assert_eq!(total(&out, Counter::OriginFetches), 2);
    assert_eq!(total(&out, Counter::EdgeHits), 2);
}

/// Whether a viewer at `place` that reaches its edge at `edge_time` still finds
/// `index.html` (warmed at 100 s at both edges) after `/*` was invalidated at 1000 s.
fn still_cached(place: u16, edge_time: SimTime, delay: &Delay) -> bool {
    let mut w = two_edge_world();
    w.cdn.invalidations = vec![Invalidation {
        distribution: 0,
        at: SimTime::from_secs(1_000),
        paths: vec![PathPattern::parse("/*").expect("valid")],
    }];
    w.cdn.invalidation_delay = Some(delay.clone());
    let none = RedirectPolicy::None;
    w.classes = vec![
        probe_from(VIRGINIA, SimTime::from_secs(100), 0, none.clone()),
        probe_from(DUBLIN, SimTime::from_secs(100), 0, none.clone()),
        probe_from(place, edge_time - TO_EDGE, 0, none),
    ];
    let out = run(&w);
    latency(only(&out, 2)) == HIT
}

/// The first instant (ns) at which `place`'s edge no longer holds the entry.
fn purge_instant(place: u16, delay: &Delay) -> SimTime {
    let (mut low, mut high) = (1_000_000_000_000u64, 1_400_000_000_000u64);
    assert!(still_cached(place, SimTime::from_nanos(low), delay));
    assert!(!still_cached(place, SimTime::from_nanos(high), delay));
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if still_cached(place, SimTime::from_nanos(mid), delay) {
            low = mid;
        } else {
            high = mid;
        }
    }
    SimTime::from_nanos(high)
}

#[test]
fn each_edge_purges_after_its_own_uniform_invalidation_delay() {
    let delay = Delay::Uniform {
        low: secs(60),
        high: secs(300),
    };
    let requested = SimTime::from_secs(1_000);
    let measured: Vec<SimDuration> = [VIRGINIA, DUBLIN]
        .into_iter()
        .map(|place| purge_instant(place, &delay).since(requested))
        .collect();
    println!("invalidation delays measured at iad, dub: {measured:?}");
    for d in &measured {
        assert!(*d >= secs(60) && *d <= secs(300), "{d:?}");
    }
    assert_ne!(measured[0], measured[1], "each edge draws its own delay");
    // The draws are the documented ones: stream "invalidation", index (i << 16) | edge.
    let streams = RandomStreams::new(SEED);
    let drawn: Vec<SimDuration> = [IAD, DUB]
        .into_iter()
        .map(|e| delay.sample(&mut streams.stream("invalidation", u64::from(e))))
        .collect();
    assert_eq!(measured, drawn);
}
