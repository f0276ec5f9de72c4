//! The CDN through the whole world, request by request: the edge cache policy (legacy
//! and current 3xx rules, redirect max-age clamping, cached 404s, uncached 400s,
//! stale-on-5xx, collapsed misses), what viewers do with a cached 307, invalidations
//! (per-edge delay, path semantics, cost), a website origin with routing rules, the
//! choice of edge, and the TTL-cache closed form of DOMAIN.md §6.
//!
//! Every world but the last uses fixed delays, so statuses and times are exact. The
//! round trips (ms) are:
//!
//! | from \ to region | us-east-1 | eu-west-1 | ap-east-1 |
//! |------------------|-----------|-----------|-----------|
//! | virginia         | 20        | 80        | 200       |
//! | dublin           | 80        | 20        | 240       |
//! | us-east-1 (edge) | 2         | 80        | 200       |
//! | eu-west-1 (edge) | 80        | 2         | 240       |
//!
//! Resolvers answer in 1 ms from cache and 21 ms on a miss; S3 serves in 5 ms; records
//! carry a 5 s TTL. So a viewer in virginia hits the `iad` edge in 20 ms, and a miss that
//! the edge fetches from us-east-1 with a resolver miss costs 21 + 1 + 5 + 1 = 28 ms more.

mod common;

use common::{AP_EAST_1, EU_WEST_1, US_EAST_1, bucket, class, follow_location, secs};
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::bucket::Bucket;
use s3sim_model::bucket::KeyId;
use s3sim_model::cdn::invalidation::PathPattern;
use s3sim_model::cdn::network::{
    CdnConfig, Distribution, Edge, Invalidation, Origin, OriginCacheControl,
};
use s3sim_model::cdn::policy::{CacheControl, CachePolicy, RedirectCaching};
use s3sim_model::client::{Arrivals, ClientClass, KeyChoice, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{DnsConfig, Host, ResolverConfig};
use s3sim_model::endpoints::OutageMode;
use s3sim_model::facility::FacilityRules;
use s3sim_model::fault::Fault;
use s3sim_model::metrics::{Counter, Metric};
use s3sim_model::objects::Objects;
use s3sim_model::response::Status::{self, *};
use s3sim_model::topology::{Capacity, Facility, Region, Topology};
use s3sim_model::website::{Condition, Redirect, RoutingRule, Website};
use s3sim_model::world::{ReplicaOutput, ResolverGroup};
use s3sim_model::{RequestTrace, WorldConfig, run_replica};
use statrs::distribution::{ContinuousCDF, StudentsT};

const SEED: u64 = 4_242;

// Client places: two locations, then one place per region (where the edges sit).
const VIRGINIA: u16 = 0;
const DUBLIN: u16 = 1;
const US_EAST_1_PLACE: u16 = 2;
const EU_WEST_1_PLACE: u16 = 3;

// Edges.
const IAD: u16 = 0;
const DUB: u16 = 1;

const ONE_NS: SimDuration = SimDuration::from_nanos(1);

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

/// `s` seconds and `m` milliseconds after the start.
fn at(s: u64, m: u64) -> SimTime {
    SimTime::from_nanos(s * 1_000_000_000 + m * 1_000_000)
}

/// Round trip of a viewer in virginia (or dublin) to its own edge: a cache hit.
const HIT: SimDuration = SimDuration::from_millis(20);
/// Half of it: when a viewer reaches its edge.
const TO_EDGE: SimDuration = SimDuration::from_millis(10);
/// A miss at `iad` fetched from us-east-1 with a resolver miss: 20 + 21 + 1 + 5 + 1 ms.
const MISS_USE1: SimDuration = SimDuration::from_millis(48);

/// The topology of the module docs; round trips multiplied by `scale` (0: none at all).
fn topology(scale: u64, service: SimDuration) -> Topology {
    let region = |name: &str, opt_in| Region {
        name: name.into(),
        opt_in,
    };
    let facility = |name: &str, region| Facility {
        name: name.into(),
        region,
        ips: 2,
        service_time: Delay::Fixed(service),
        capacity: None,
    };
    let rows: [[u64; 3]; 5] = [
        [20, 80, 200],
        [80, 20, 240],
        [2, 80, 200],
        [80, 2, 240],
        [200, 240, 2],
    ];
    Topology::new(
        vec![
            region("us-east-1", false),
            region("eu-west-1", false),
            region("ap-east-1", true),
        ],
        US_EAST_1,
        vec![
            facility("use1", US_EAST_1),
            facility("euw1", EU_WEST_1),
            facility("ape1", AP_EAST_1),
        ],
        ["virginia", "dublin", "us-east-1", "eu-west-1", "ap-east-1"]
            .map(String::from)
            .to_vec(),
        rows.iter().flatten().map(|&r| ms(r * scale)).collect(),
    )
}

fn resolver_group(name: &str, count: u32, rtt: SimDuration, miss: SimDuration) -> ResolverGroup {
    ResolverGroup {
        name: name.into(),
        count,
        config: ResolverConfig {
            min_ttl: SimDuration::ZERO,
            max_ttl: secs(86_400),
            negative_ttl: secs(60),
            rtt,
            miss_rtt: miss,
        },
    }
}

/// Edge `iad` in us-east-1 asks resolver 1; edge `dub` in eu-west-1 asks resolver 2.
fn iad() -> Edge {
    Edge {
        name: "iad".into(),
        region: US_EAST_1,
        place: US_EAST_1_PLACE,
        capacity: 1_000,
        resolvers: 1..2,
    }
}

fn dub() -> Edge {
    Edge {
        name: "dub".into(),
        region: EU_WEST_1,
        place: EU_WEST_1_PLACE,
        capacity: 1_000,
        resolvers: 2..3,
    }
}

/// A distribution of bucket 0 with AWS's default cache settings (legacy 3xx rule).
fn distribution(origin: Origin) -> Distribution {
    Distribution {
        name: "d".into(),
        bucket: 0,
        origin,
        policy: CachePolicy::default(),
        cache_control: OriginCacheControl::default(),
        access_control: false,
    }
}

fn max_age(age: SimDuration) -> Option<CacheControl> {
    Some(CacheControl {
        max_age: Some(age),
        ..CacheControl::default()
    })
}

/// The keys of bucket 0, in id order (no website).
fn plain_objects(keys: &[&str]) -> Objects {
    let keys = keys.iter().map(|k| k.to_string()).collect();
    Objects::build(vec![keys], &[None], &[], 1)
}

/// One bucket behind one distribution at edge `iad`; the global name of a bucket
/// created during the run moves 600 s after its creation; resolver 0 is the viewers',
/// resolvers 1 and 2 are the edges'. No clients yet.
fn cdn_world(b: Bucket, d: Distribution) -> WorldConfig {
    WorldConfig {
        duration: secs(2_000),
        bin: secs(1),
        topology: topology(1, ms(5)),
        buckets: vec![b],
        dns: DnsConfig {
            record_ttl: secs(5),
            propagation: Delay::Fixed(secs(600)),
            propagation_cap: secs(86_400),
            missing_bucket_nxdomain: false,
        },
        resolver_groups: vec![
            resolver_group("viewers", 1, ms(1), ms(20)),
            resolver_group("edges", 2, ms(1), ms(20)),
        ],
        classes: Vec::new(),
        rules: FacilityRules {
            temporary_redirect: TemporaryRedirect,
        },
        faults: Vec::new(),
        cdn: CdnConfig {
            edges: vec![iad()],
            distributions: vec![d],
            invalidations: Vec::new(),
            invalidation_delay: None,
        },
        objects: plain_objects(&["index.html"]),
        trace_limit: 1_000_000,
    }
}

/// Viewers in virginia through distribution 0, one request every `every` from `first`
/// to `last` seconds (both included), for key 0.
fn viewers(first: u64, every: SimDuration, last: u64, redirects: RedirectPolicy) -> ClientClass {
    let mut c = class(1, every, redirects);
    c.start = SimTime::from_secs(first);
    c.stop = SimTime::from_secs(last) + ONE_NS;
    c.cdn = Some(0);
    c.keys = KeyChoice::Listed(vec![0]);
    c.location = VIRGINIA;
    c
}

/// One viewer request for `key` started at exactly `start`, from `place`.
fn probe_from(place: u16, start: SimTime, key: KeyId, redirects: RedirectPolicy) -> ClientClass {
    let mut c = class(1, secs(1_000_000), redirects);
    c.start = start;
    c.stop = start + ONE_NS;
    c.cdn = Some(0);
    c.keys = KeyChoice::Listed(vec![key]);
    c.location = place;
    c
}

/// One viewer request from virginia that ignores redirects.
fn probe(start: SimTime, key: KeyId) -> ClientClass {
    probe_from(VIRGINIA, start, key, RedirectPolicy::None)
}

/// A viewer request that reaches its edge (10 ms away) at exactly `edge_time`.
fn probe_at_edge(edge_time: SimTime, key: KeyId) -> ClientClass {
    probe(edge_time - TO_EDGE, key)
}

fn run(config: &WorldConfig) -> ReplicaOutput {
    let out = run_replica(config, RandomStreams::new(SEED));
    assert_eq!(out.issued, out.completed + out.in_flight);
    out
}

/// The traces of one class, in start order.
fn of_class(out: &ReplicaOutput, class: usize) -> Vec<&RequestTrace> {
    let mut t: Vec<&RequestTrace> = out
        .traces
        .iter()
        .filter(|t| usize::from(t.class) == class)
        .collect();
    t.sort_by_key(|t| (t.started, t.client));
    t
}

/// The only request of a probe class.
fn only(out: &ReplicaOutput, class: usize) -> &RequestTrace {
    let traces = of_class(out, class);
    assert_eq!(traces.len(), 1, "class {class}");
    traces[0]
}

fn latency(t: &RequestTrace) -> SimDuration {
    t.finished.since(t.started)
}

fn total(out: &ReplicaOutput, counter: Counter) -> u64 {
    out.metrics.total(0, counter)
}

/// The bins (seconds, with 1 s bins) in which an edge started an origin fetch.
fn fetch_seconds(out: &ReplicaOutput) -> Vec<usize> {
    (0..out.metrics.bins)
        .filter(|&b| out.metrics.count(b, 0, Counter::OriginFetches) > 0)
        .collect()
}

// ---------------------------------------------------------------------------------
// Cache policy through the world

/// DOMAIN.md §4's classic failure: bucket `photos` created in eu-west-1 at 60 s, the
/// distribution's origin on the global name, DefaultTTL 1000 s.
fn new_bucket_behind_global_origin(rule: RedirectCaching) -> WorldConfig {
    let mut d = distribution(Origin::Global);
    d.policy.redirects = rule;
    d.policy.default_ttl = secs(1_000);
    cdn_world(bucket("photos", EU_WEST_1, Some(60)), d)
}

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

// ---------------------------------------------------------------------------------
// What viewers do with a cached 307

/// The legacy world with one viewer of `redirects` at 100 s (origin fetch) and one at
/// 200 s (cached 307).
fn redirected_viewers(redirects: RedirectPolicy, access_control: bool) -> ReplicaOutput {
    let mut w = new_bucket_behind_global_origin(RedirectCaching::Legacy);
    w.cdn.distributions[0].access_control = access_control;
    w.classes = vec![
        probe_from(VIRGINIA, SimTime::from_secs(100), 0, redirects.clone()),
        probe_from(VIRGINIA, SimTime::from_secs(200), 0, redirects),
    ];
    let out = run(&w);
    assert_eq!(total(&out, Counter::OriginFetches), 1);
    assert_eq!(total(&out, Counter::EdgeCached3xx), 1);
    out
}

#[test]
fn location_follower_is_bounced_from_the_cached_307_straight_to_s3() {
    let out = redirected_viewers(follow_location(), false);
    for c in 0..2 {
        let t = only(&out, c);
        assert_eq!(
            t.hosts,
            [Host::Distribution(0), Host::RedirectEndpoint(0, EU_WEST_1)]
        );
        assert_eq!(t.statuses, [TemporaryRedirect, Ok]);
    }
    // The cached hop, then the viewer's own lookup (21 ms) and 80 + 5 ms to eu-west-1.
    assert_eq!(latency(only(&out, 1)), ms(20 + 21 + 85));
}

#[test]
fn with_origin_access_control_the_direct_hop_is_denied() {
    let out = redirected_viewers(follow_location(), true);
    for c in 0..2 {
        let t = only(&out, c);
        assert_eq!(
            t.hosts,
            [Host::Distribution(0), Host::RedirectEndpoint(0, EU_WEST_1)]
        );
        assert_eq!(t.statuses, [TemporaryRedirect, Forbidden]);
    }
    assert_eq!(total(&out, Counter::Failed), 2);
}

#[test]
fn viewer_that_follows_nothing_ends_on_the_cached_307() {
    let out = redirected_viewers(RedirectPolicy::None, false);
    for c in 0..2 {
        let t = only(&out, c);
        assert_eq!(t.hosts, [Host::Distribution(0)]);
        assert_eq!(t.statuses, [TemporaryRedirect]);
    }
}

// ---------------------------------------------------------------------------------
// Invalidations

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

// ---------------------------------------------------------------------------------
// Edge choice

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

// ---------------------------------------------------------------------------------
// Website origin

fn prefix_rule(from: &str, to: &str) -> RoutingRule {
    RoutingRule {
        condition: Some(Condition {
            key_prefix_equals: Some(from.into()),
            ..Condition::default()
        }),
        redirect: Redirect {
            replace_key_prefix_with: Some(to.into()),
            ..Redirect::default()
        },
    }
}

/// Bucket `www` (us-east-1) with a website behind a distribution on its website
/// endpoint: `older/` → `old/` → `new/` (301s), `self/` → `self/`, `grow/` →
/// `grow/grow/`; website chains interned `depth` redirects deep.
fn website_world(requested: &[&str], depth: u8) -> WorldConfig {
    let site = Website::new(
        "index.html",
        vec![
            prefix_rule("older/", "old/"),
            prefix_rule("old/", "new/"),
            prefix_rule("self/", "self/"),
            prefix_rule("grow/", "grow/grow/"),
        ],
    );
    let requested: Vec<String> = requested.iter().map(|k| k.to_string()).collect();
    let mut w = cdn_world(
        bucket("www", US_EAST_1, None),
        distribution(Origin::Website),
    );
    w.objects = Objects::build(
        vec![vec!["index.html".into(), "new/a.html".into()]],
        &[Some(site)],
        &requested,
        depth,
    );
    w
}

fn follow_hops(max_hops: u8) -> RedirectPolicy {
    RedirectPolicy::FollowLocation {
        codes: vec![MovedPermanently, Found, TemporaryRedirect],
        max_hops,
    }
}

fn key(w: &WorldConfig, k: &str) -> KeyId {
    w.objects.id(k).expect("interned")
}

#[test]
fn website_prefix_move_through_the_cdn_ends_200_on_the_distribution() {
    let mut w = website_world(&["old/a.html", "older/a.html"], 5);
    let (old, older) = (key(&w, "old/a.html"), key(&w, "older/a.html"));
    let s = SimTime::from_secs;
    w.classes = vec![
        probe_from(VIRGINIA, s(100), old, follow_hops(5)),
        probe_from(VIRGINIA, s(200), old, follow_hops(5)),
        probe_from(VIRGINIA, s(300), older, follow_hops(5)),
    ];
    let out = run(&w);
    let d = Host::Distribution(0);
    let first = only(&out, 0);
    assert_eq!(first.hosts, [d, d]);
    assert_eq!(first.statuses, [MovedPermanently, Ok]);
    let cached = only(&out, 1);
    assert_eq!(cached.statuses, [MovedPermanently, Ok]);
    assert_eq!(latency(cached), HIT + HIT, "both hops from the edge cache");
    let chain = only(&out, 2);
    assert_eq!(chain.hosts, [d, d, d]);
    assert_eq!(chain.statuses, [MovedPermanently, MovedPermanently, Ok]);
    // Fetched: old/a.html, new/a.html, older/a.html; the rest came from cache.
    assert_eq!(total(&out, Counter::OriginFetches), 3);
    assert_eq!(total(&out, Counter::Origin(MovedPermanently)), 2);
    assert_eq!(total(&out, Counter::EdgeCached3xx), 2);
    assert_eq!(total(&out, Counter::RedirectLoops), 0);
}

#[test]
fn website_self_loop_through_the_cdn_ends_after_max_hops_as_a_redirect_loop() {
    let mut w = website_world(&["self/x"], 5);
    let k = key(&w, "self/x");
    w.classes = vec![probe_from(
        VIRGINIA,
        SimTime::from_secs(100),
        k,
        follow_hops(5),
    )];
    let out = run(&w);
    let t = only(&out, 0);
    assert_eq!(t.hosts, [Host::Distribution(0); 6]);
    assert_eq!(t.statuses, [MovedPermanently; 6]);
    assert_eq!(total(&out, Counter::RedirectLoops), 1);
    assert_eq!(total(&out, Counter::Failed), 1);
    assert_eq!(total(&out, Counter::OriginFetches), 1, "then 5 cached 301s");
    assert_eq!(total(&out, Counter::EdgeCached3xx), 5);
}

/// A loop whose keys grow (`grow/x` → `grow/grow/x` → ...), for a viewer following at
/// most 5 redirects, with website chains interned `depth` deep.
fn growing_loop(depth: u8) -> ReplicaOutput {
    let mut w = website_world(&["grow/x"], depth);
    let k = key(&w, "grow/x");
    w.classes = vec![probe_from(
        VIRGINIA,
        SimTime::from_secs(100),
        k,
        follow_hops(5),
    )];
    let out = run(&w);
    let t = only(&out, 0);
    assert_eq!(t.hosts, [Host::Distribution(0); 6]);
    assert_eq!(t.statuses, [MovedPermanently; 6]);
    out
}

#[test]
fn website_growing_loop_interned_past_max_hops_counts_as_a_redirect_loop() {
    let out = growing_loop(6);
    assert_eq!(total(&out, Counter::RedirectLoops), 1);
}

#[test]
fn website_growing_loop_interned_max_hops_deep_counts_as_a_redirect_loop() {
    let out = growing_loop(5);
    assert_eq!(total(&out, Counter::RedirectLoops), 1);
}

// ---------------------------------------------------------------------------------
// Closed form: TTL cache under Poisson requests (DOMAIN.md §6)

/// One object behind one edge, Poisson viewer requests at `rate`/s, 200s kept exactly
/// `ttl` (origin max-age), no network, DNS or service time at all.
fn poisson_world(rate: f64, ttl: SimDuration, requests: f64) -> WorldConfig {
    let mut d = distribution(Origin::Regional);
    d.cache_control.ok = max_age(ttl);
    let mut w = cdn_world(bucket("site", US_EAST_1, None), d);
    w.topology = topology(0, SimDuration::ZERO);
    for g in &mut w.resolver_groups {
        (g.config.rtt, g.config.miss_rtt) = (SimDuration::ZERO, SimDuration::ZERO);
    }
    w.duration = SimDuration::from_secs_f64(requests / rate);
    w.bin = w.duration;
    w.trace_limit = 0;
    let mut c = viewers(0, secs(1), 0, RedirectPolicy::None);
    c.arrivals = Arrivals::Poisson {
        per_client_per_sec: rate,
    };
    c.stop = SimTime::NEVER;
    w.classes = vec![c];
    w
}

#[test]
fn edge_hit_ratio_under_poisson_requests_and_fixed_ttl_is_rate_ttl_over_one_plus_rate_ttl() {
    const REPLICAS: u64 = 40;
    let ttl = secs(10);
    for rate_times_ttl in [0.5, 5.0] {
        let rate = rate_times_ttl / ttl.as_secs_f64();
        let w = poisson_world(rate, ttl, 10_000.0);
        let ratios: Vec<f64> = (0..REPLICAS)
            .map(|r| {
                let out = run_replica(&w, RandomStreams::for_replica(SEED, r));
                assert_eq!(out.issued, out.completed + out.in_flight);
                let requests = total(&out, Counter::EdgeRequests);
                assert!(requests > 9_000, "{requests}");
                Metric::EdgeHitRatio.value(&out.metrics, 0, 0)
            })
            .collect();
        let n = REPLICAS as f64;
        let mean = ratios.iter().sum::<f64>() / n;
        let var = ratios.iter().map(|h| (h - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let t = StudentsT::new(0.0, 1.0, n - 1.0)
            .expect("replicas")
            .inverse_cdf(0.975);
        let half_width = t * (var / n).sqrt();
        let predicted = rate_times_ttl / (1.0 + rate_times_ttl);
        println!(
            "lambda*T={rate_times_ttl}: edge hit ratio {mean:.5} ± {half_width:.5}, \
             predicted {predicted:.5}"
        );
        assert!(half_width < 0.005, "CI too wide: {half_width}");
        assert!(
            (mean - predicted).abs() <= half_width,
            "lambda*T={rate_times_ttl}: {mean} ± {half_width}, predicted {predicted}"
        );
    }
}
