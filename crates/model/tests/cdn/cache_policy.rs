//! The edge cache policy through the world: the legacy and current 3xx rules, redirect
//! max-age clamping, cached 404s, uncached 400s, stale-on-5xx, 502s, collapsed misses.

use super::*;

#[test]
fn legacy_rule_serves_a_bare_307_from_the_edge_until_stored_at_plus_default_ttl() {
    let mut w = new_bucket_behind_global_origin(RedirectCaching::Legacy);
    // The first fetch reaches the edge at 100.010 s and is stored at 100.038 s, so the
    // cached 307 is fresh until 1100.038 s, long after S3 stopped redirecting (665 s).
    let expires = at(1_100, 38);
    w.classes = vec![
        viewers(100, secs(100), 1_000, RedirectPolicy::None),
        probe_at_edge(expires - ONE_NS, 0),
        probe_at_edge(expires, 0),
    ];
    let out = run(&w);
    let periodic = of_class(&out, 0);
    assert_eq!(periodic.len(), 10);
    for t in &periodic {
        assert_eq!(t.statuses, [TemporaryRedirect], "started {}", t.started);
        assert_eq!(t.hosts, [Host::Distribution(0)]);
    }
    assert_eq!(periodic[0].finished, at(100, 48), "stored at 100.038 s");
    assert_eq!(latency(periodic[0]), MISS_USE1);
    assert!(periodic[1..].iter().all(|t| latency(t) == HIT));
    let last_hit = only(&out, 1);
    assert_eq!(last_hit.statuses, [TemporaryRedirect]);
    assert_eq!(latency(last_hit), HIT);
    // The refetch resolves the global name to eu-west-1: 20 + 21 + 40 + 5 + 40 ms.
    let refetch = only(&out, 2);
    assert_eq!(refetch.statuses, [Ok]);
    assert_eq!(latency(refetch), ms(126));
    assert_eq!(total(&out, Counter::EdgeRequests), 12);
    assert_eq!(total(&out, Counter::EdgeHits), 10);
    assert_eq!(total(&out, Counter::EdgeCached3xx), 10);
    assert_eq!(total(&out, Counter::OriginFetches), 2);
    assert_eq!(total(&out, Counter::Origin(TemporaryRedirect)), 1);
    assert_eq!(total(&out, Counter::Origin(Ok)), 1);
    assert_eq!(fetch_seconds(&out), [100, 1_100]);
}

#[test]
fn current_rule_fetches_every_307_from_the_origin_until_the_edge_resolver_moves() {
    let mut w = new_bucket_behind_global_origin(RedirectCaching::Current);
    w.classes = vec![viewers(600, secs(1), 700, RedirectPolicy::None)];
    let out = run(&w);
    let traces = of_class(&out, 0);
    assert_eq!(traces.len(), 101);
    // The edge's resolver asks again every 5 s (600.010, 605.010, ...); its query at
    // 660.010 s is the first after the move reached it (60 + 600 s).
    for t in &traces {
        let expected = if t.started < SimTime::from_secs(660) {
            TemporaryRedirect
        } else {
            Ok
        };
        assert_eq!(t.statuses, [expected], "started {}", t.started);
    }
    let redirected = traces.iter().filter(|t| t.statuses == [TemporaryRedirect]);
    assert_eq!(redirected.count(), 60);
    assert_eq!(total(&out, Counter::OriginFetches), 61);
    assert_eq!(total(&out, Counter::Origin(TemporaryRedirect)), 60);
    assert_eq!(total(&out, Counter::Origin(Ok)), 1);
    assert_eq!(total(&out, Counter::EdgeCached3xx), 0);
    assert_eq!(total(&out, Counter::EdgeHits), 40, "the 200 is cached");
    assert_eq!(fetch_seconds(&out), (600..=660).collect::<Vec<_>>());
}

#[test]
fn redirect_max_age_clamped_by_min_and_max_ttl_sets_how_long_the_307_stays() {
    // (rule, redirect max-age, MinTTL, MaxTTL) → the seconds whose request refetched.
    // Each fetch is stored 38 ms after its request starts, so a TTL of X s brings the
    // next fetch X + 1 s later, with one request a second.
    let cases = [
        // max-age 30 s raised to MinTTL 60 s.
        (RedirectCaching::Legacy, 30, 60, 31_536_000, 61),
        // max-age 5000 s cut to MaxTTL 120 s.
        (RedirectCaching::Legacy, 5_000, 0, 120, 121),
        // The current rule caches a 307 that carries max-age, for that max-age.
        (RedirectCaching::Current, 30, 0, 31_536_000, 31),
    ];
    for (rule, age, min, max, period) in cases {
        let mut d = distribution(Origin::Global);
        d.policy = CachePolicy {
            min_ttl: secs(min),
            default_ttl: secs(120),
            max_ttl: secs(max),
            redirects: rule,
            ..CachePolicy::default()
        };
        d.cache_control.redirect = max_age(secs(age));
        let mut w = cdn_world(bucket("photos", EU_WEST_1, Some(60)), d);
        w.dns.propagation = Delay::Fixed(secs(86_400)); // S3 redirects all run long
        w.classes = vec![viewers(100, secs(1), 400, RedirectPolicy::None)];
        let out = run(&w);
        let expected: Vec<usize> = (100..=400).step_by(period).collect();
        assert_eq!(fetch_seconds(&out), expected, "{rule:?} max-age {age}");
        let traces = of_class(&out, 0);
        assert!(traces.iter().all(|t| t.statuses == [TemporaryRedirect]));
        let fetches = expected.len() as u64;
        assert_eq!(total(&out, Counter::EdgeCached3xx), 301 - fetches);
    }
}

#[test]
fn not_found_of_a_bucket_not_yet_created_is_cached_for_exactly_the_error_minimum_ttl() {
    // The bucket appears at 105 s in us-east-1 (no DNS move); the 404 fetched at
    // 100.010 s is stored at 100.038 s for 10 s.
    let mut w = cdn_world(
        bucket("late", US_EAST_1, Some(105)),
        distribution(Origin::Global),
    );
    w.dns.propagation = Delay::Fixed(SimDuration::ZERO);
    let expires = at(110, 38);
    w.classes = vec![
        probe(SimTime::from_secs(100), 0),
        probe(SimTime::from_secs(105), 0),
        probe_at_edge(expires - ONE_NS, 0),
        probe_at_edge(expires, 0),
    ];
    let out = run(&w);
    let statuses: Vec<&[Status]> = (0..4).map(|c| &only(&out, c).statuses[..]).collect();
    assert_eq!(statuses, [[NotFound], [NotFound], [NotFound], [Ok]]);
    let latencies: Vec<SimDuration> = (0..4).map(|c| latency(only(&out, c))).collect();
    assert_eq!(latencies, [MISS_USE1, HIT, HIT, MISS_USE1]);
    assert_eq!(total(&out, Counter::OriginFetches), 2);
    assert_eq!(total(&out, Counter::Origin(NotFound)), 1);
    assert_eq!(total(&out, Counter::EdgeHits), 2);
    assert_eq!(total(&out, Counter::EdgeCached3xx), 0);
}

#[test]
fn opt_in_region_400_through_the_global_origin_is_cached_only_with_max_age() {
    // Bucket `hk` created in ap-east-1 at 0 s; the edge's resolver keeps the global
    // name on us-east-1 all run, which answers 400 (opt-in region).
    for (error_header, fetches) in [(None, 10), (max_age(secs(60)), 1)] {
        let mut d = distribution(Origin::Global);
        d.cache_control.error = error_header;
        let mut w = cdn_world(bucket("hk", AP_EAST_1, Some(0)), d);
        w.dns.propagation = Delay::Fixed(secs(86_400));
        w.classes = vec![viewers(100, secs(1), 109, RedirectPolicy::None)];
        let out = run(&w);
        let traces = of_class(&out, 0);
        assert_eq!(traces.len(), 10);
        assert!(traces.iter().all(|t| t.statuses == [BadRequest]));
        assert_eq!(total(&out, Counter::OriginFetches), fetches);
        assert_eq!(total(&out, Counter::Origin(BadRequest)), fetches);
        assert_eq!(total(&out, Counter::EdgeHits), 10 - fetches);
    }
}

/// A direct (non-CDN) request from virginia for bucket 0, started at `start`.
fn direct(start: SimTime) -> ClientClass {
    let mut c = class(1, secs(1_000_000), RedirectPolicy::None);
    c.start = start;
    c.stop = start + ONE_NS;
    c
}

#[test]
fn expired_copy_is_served_stale_when_the_origin_is_overloaded_or_down() {
    // us-east-1 has one server and no queue. A direct request started with a viewer
    // request reaches it at +31 ms and holds it until +36 ms; the edge's fetch arrives
    // at +32 ms and is turned away with 503. A 10-minute outage (refused connections,
    // DNS never notices) makes fetches fail with 502 from 400 s on. 200s carry
    // max-age 60 s.
    let mut d = distribution(Origin::Regional);
    d.cache_control.ok = max_age(secs(60));
    let mut w = cdn_world(bucket("site", US_EAST_1, None), d);
    w.objects = plain_objects(&["a", "b", "c"]);
    w.topology.facilities[0].capacity = Some(Capacity {
        servers: 1,
        queue_limit: 0,
    });
    w.faults = vec![Fault::Outage {
        facility: 0,
        at: SimTime::from_secs(400),
        duration: secs(60),
        mode: OutageMode::Refused,
        health_check: secs(10_000),
    }];
    let (a, b, c) = (0, 1, 2);
    let s = SimTime::from_secs;
    w.classes = vec![
        probe(s(100), a), // 0: miss, stored until 160.038 s
        direct(s(200)),   // 1: holds the only server
        probe(s(200), a), // 2: expired; origin 503 → stale 200
        probe(s(201), a), // 3: expired still (stale is not re-stored) → fresh 200
        direct(s(300)),   // 4
        probe(s(300), b), // 5: never cached → the 503 itself
        probe(s(305), b), // 6: the 503 is cached for 10 s
        probe(s(311), b), // 7: fresh 200
        probe(s(410), a), // 8: outage; expired copy → stale 200
        probe(s(420), c), // 9: outage; no copy → 502
        probe(s(470), a), // 10: after the outage → fresh 200
    ];
    let out = run(&w);
    let viewer_classes = [0, 2, 3, 5, 6, 7, 8, 9, 10];
    let statuses: Vec<Status> = viewer_classes
        .iter()
        .map(|&c| {
            let t = only(&out, c);
            assert_eq!(t.statuses.len(), 1);
            t.statuses[0]
        })
        .collect();
    assert_eq!(
        statuses,
        [Ok, Ok, Ok, SlowDown, SlowDown, Ok, Ok, BadGateway, Ok]
    );
    assert_eq!(
        only(&out, 1).statuses,
        [Ok],
        "the direct request was served"
    );
    assert_eq!(only(&out, 4).statuses, [Ok]);
    // A stale answer costs the turned-away fetch: 10 + 21 + 1 + 1 + 10 ms.
    assert_eq!(latency(only(&out, 2)), ms(43));
    assert_eq!(latency(only(&out, 5)), ms(43));
    assert_eq!(latency(only(&out, 6)), HIT);
    assert_eq!(total(&out, Counter::Origin(SlowDown)), 2);
    assert_eq!(total(&out, Counter::Origin(ConnectionError)), 2);
    assert_eq!(total(&out, Counter::Origin(Ok)), 4);
    assert_eq!(total(&out, Counter::OriginFetches), 8);
    assert_eq!(total(&out, Counter::EdgeHits), 1);
}

/// us-east-1 refuses connections from 400 s to 420 s (DNS never notices); a viewer
/// asks for a key the edge never held at 400 s; `error_header` is what the origin
/// sends with its own 4xx/5xx answers; then probes reach the edge at `probes`.
fn bad_gateway_world(error_header: Option<CacheControl>, probes: &[SimTime]) -> WorldConfig {
    let mut d = distribution(Origin::Regional);
    d.cache_control.error = error_header;
    let mut w = cdn_world(bucket("site", US_EAST_1, None), d);
    w.faults = vec![Fault::Outage {
        facility: 0,
        at: SimTime::from_secs(400),
        duration: secs(20),
        mode: OutageMode::Refused,
        health_check: secs(10_000),
    }];
    w.classes = vec![probe(SimTime::from_secs(410), 0)];
    w.classes
        .extend(probes.iter().map(|&edge_time| probe_at_edge(edge_time, 0)));
    w
}

#[test]
fn bad_gateway_for_an_unreachable_origin_is_cached_for_the_error_minimum_ttl() {
    // The fetch reaches us-east-1 at 410.032 s, is refused, and its 502 is stored at
    // 410.033 s for 10 s; the outage is over by then.
    let expires = at(420, 33);
    let out = run(&bad_gateway_world(None, &[expires - ONE_NS, expires]));
    assert_eq!(only(&out, 0).statuses, [BadGateway]);
    assert_eq!(latency(only(&out, 0)), ms(10 + 21 + 1 + 1 + 10));
    assert_eq!(only(&out, 1).statuses, [BadGateway]);
    assert_eq!(latency(only(&out, 1)), HIT);
    assert_eq!(only(&out, 2).statuses, [Ok]);
    assert_eq!(total(&out, Counter::Origin(ConnectionError)), 1);
    assert_eq!(total(&out, Counter::OriginFetches), 2);
}

#[test]
fn bad_gateway_ignores_the_max_age_the_origin_sends_with_its_own_errors() {
    // The origin would send max-age 60 s with its errors, but it sent nothing here.
    let out = run(&bad_gateway_world(
        max_age(secs(60)),
        &[SimTime::from_secs(430)],
    ));
    assert_eq!(only(&out, 0).statuses, [BadGateway]);
    assert_eq!(only(&out, 1).statuses, [Ok], "the 502 expired at 420.033 s");
}

#[test]
fn simultaneous_misses_for_one_key_make_one_origin_fetch_and_all_get_its_answer() {
    let mut w = cdn_world(
        bucket("site", US_EAST_1, None),
        distribution(Origin::Regional),
    );
    let mut classes: Vec<ClientClass> = (0..5).map(|_| probe(SimTime::from_secs(100), 0)).collect();
    classes.push(probe(at(100, 20), 0)); // reaches the edge while the fetch is out
    classes.push(probe(SimTime::from_secs(101), 0));
    w.classes = classes;
    let out = run(&w);
    for c in 0..7 {
        assert_eq!(only(&out, c).statuses, [Ok], "class {c}");
    }
    for c in 0..5 {
        assert_eq!(only(&out, c).finished, at(100, 48), "class {c}");
    }
    assert_eq!(only(&out, 5).finished, at(100, 48), "joined the same fetch");
    assert_eq!(latency(only(&out, 6)), HIT);
    assert_eq!(total(&out, Counter::EdgeRequests), 7);
    assert_eq!(total(&out, Counter::OriginFetches), 1);
    assert_eq!(total(&out, Counter::EdgeHits), 1);
}
