//! Rules of the model that a mutation run found unpinned (issue 16), each with an exact
//! test: which lookups count as stale, what serve-stale answers and for how long, what a
//! client process remembers per bucket and per name, when an SDK re-addresses, how
//! propagation delays are keyed, what path-style requests on the global endpoint get, in
//! which order DNS faults are applied, and when a class's arrivals stop.
//!
//! Every world uses fixed delays and periodic arrivals, so the numbers are exact.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::bucket::{Bucket, Recreation};
use s3sim_model::client::{
    Addressing, ClientMemory, DnsCachePolicy, RedirectPolicy, RedirectState, RegionCache,
};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{Authoritative, Host};
use s3sim_model::facility::{self, FacilityRules};
use s3sim_model::fault::{self, Fault};
use s3sim_model::metrics::Counter;
use s3sim_model::response::Status::{self, *};
use s3sim_model::response::{Hop, Method, Response};
use s3sim_model::world::ReplicaOutput;
use s3sim_model::{RequestTrace, WorldConfig, run_replica};

fn run(config: &WorldConfig) -> ReplicaOutput {
    let out = run_replica(config, RandomStreams::new(3));
    assert_eq!(out.issued, out.completed + out.in_flight);
    out
}

/// Counter `c` of class 0, bin by bin (group 0 is the total, 1 the first class).
fn per_bin(out: &ReplicaOutput, bins: usize, c: Counter) -> Vec<u64> {
    (0..bins).map(|b| out.metrics.count(b, 1, c)).collect()
}

// ---------------------------------------------------------------------------------
// Item 1: the stale-DNS flag of an answer from the client's own cache

/// A client that caches its first answer forever (a JVM without a TTL) asks once a
/// minute from t = 0 for a bucket created in eu-west-1 at 60 s. Its answer was fetched
/// at 0 s, when the global name was the wildcard (version 0); from 60 s on the published
/// record is version 1, so every later lookup, all from the process cache, is stale.
#[test]
fn a_forever_caching_client_is_stale_from_the_instant_the_bucket_is_created() {
    let mut w = world(
        vec![bucket("photos", EU_WEST_1, Some(60))],
        Delay::Fixed(secs(600)),
        vec![class(1, secs(60), RedirectPolicy::None)],
    );
    w.duration = secs(899);
    w.classes[0].dns = DnsCachePolicy::Forever;
    let out = run(&w);
    let bins = 15;
    assert_eq!(per_bin(&out, bins, Counter::Lookups), vec![1; bins]);
    let mut resolver = vec![0; bins];
    resolver[0] = 1;
    assert_eq!(per_bin(&out, bins, Counter::ResolverQueries), resolver);
    let mut stale = vec![1; bins];
    stale[0] = 0;
    assert_eq!(per_bin(&out, bins, Counter::StaleLookups), stale);
    // The stale answer still points at us-east-1: 404 before, 307 after the creation.
    let firsts: Vec<Status> = out.traces.iter().map(|t| t.statuses[0]).collect();
    assert_eq!(
        firsts[..3],
        [NotFound, TemporaryRedirect, TemporaryRedirect]
    );
}

// ---------------------------------------------------------------------------------
// Item 2: serve-stale (RFC 8767)

/// The resolver loses its upstream from 102.5 s to 302.5 s and serves stale. A client
/// that honours TTLs asks once a second. Its copy fetched at 100 s ends at 105 s; from
/// then on each stale answer carries RFC 8767's 30 s TTL, so the client asks the resolver
/// at 105, 135, ..., 285 s only (7 queries, all answered from the resolver's cache), keeps
/// the last one until 315 s, then misses every 5 s again (up to the end at 400 s,
/// included).
#[test]
fn a_stale_answer_lives_30_s_in_the_client_and_counts_as_a_resolver_hit() {
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(1, secs(1), RedirectPolicy::None)],
    );
    w.duration = secs(400);
    w.classes[0].dns = DnsCachePolicy::HonorTtl;
    w.faults = vec![Fault::ResolverOutage {
        group: 0,
        at: SimTime::from_nanos(102_500_000_000),
        duration: secs(200),
        serve_stale: true,
    }];
    let out = run(&w);
    let fresh: Vec<u64> = (0..=100).step_by(5).chain((315..=400).step_by(5)).collect();
    let stale: Vec<u64> = (105..=285).step_by(30).collect();
    assert_eq!(stale.len(), 7);
    let queries = out.metrics.total(1, Counter::ResolverQueries);
    let hits = out.metrics.total(1, Counter::ResolverHits);
    assert_eq!(
        (queries, hits),
        ((fresh.len() + stale.len()) as u64, stale.len() as u64),
        "queries at {fresh:?} (misses) and {stale:?} (stale hits)"
    );
    assert!(out.traces.iter().all(|t| t.statuses == [Ok]));
}

// ---------------------------------------------------------------------------------
// Item 3: a client process's memory with several buckets and an in-process DNS cache

/// Two buckets created in eu-west-1 at 60 s (the global name moves at 660 s), one
/// client asking for either once every 30 s from 120 s, with an in-process DNS cache.
fn two_bucket_world(redirects: RedirectPolicy, dns: DnsCachePolicy) -> WorldConfig {
    let mut w = world(
        vec![
            bucket("photos", EU_WEST_1, Some(60)),
            bucket("logs", EU_WEST_1, Some(60)),
        ],
        Delay::Fixed(secs(600)),
        vec![class(1, secs(30), redirects)],
    );
    w.duration = secs(640);
    let c = &mut w.classes[0];
    c.buckets = vec![0, 1];
    c.start = SimTime::from_secs(120);
    c.dns = dns;
    w
}

/// Whether each trace asks for a bucket for the first time, in start order.
fn first_time_per_bucket(traces: &[RequestTrace]) -> Vec<bool> {
    let mut seen = Vec::new();
    traces
        .iter()
        .map(|t| {
            let first = !seen.contains(&t.bucket);
            seen.push(t.bucket);
            first
        })
        .collect()
}

/// An SDK that remembers regions forever is redirected once per bucket and then goes
/// straight to the regional name, whatever DNS answers its process caches in between
/// (caching an answer must not wipe the learned regions or other names' answers).
#[test]
fn an_sdk_keeps_every_bucket_s_region_while_its_process_caches_dns_answers() {
    for dns in [DnsCachePolicy::HonorTtl, DnsCachePolicy::Forever] {
        let sdk = RedirectPolicy::SdkRegion {
            cache: RegionCache::Forever,
        };
        let out = run(&two_bucket_world(sdk, dns));
        let firsts = first_time_per_bucket(&out.traces);
        assert_eq!(out.traces.len(), 18, "{dns:?}");
        assert!(firsts.iter().filter(|&&f| f).count() == 2, "both buckets");
        for (t, first) in out.traces.iter().zip(firsts) {
            let regional = Host::BucketRegional(t.bucket, EU_WEST_1);
            if first {
                assert_eq!(t.statuses, [TemporaryRedirect, Ok], "{dns:?} {t:?}");
                assert_eq!(t.hosts, [Host::BucketGlobal(t.bucket), regional]);
            } else {
                assert_eq!(
                    (&t.statuses[..], &t.hosts[..]),
                    (&[Ok][..], &[regional][..])
                );
            }
        }
        // With `Forever`, each of the four names (a global and a regional name per
        // bucket) reaches the resolver once; every other lookup is the process's.
        if dns == DnsCachePolicy::Forever {
            assert_eq!(out.metrics.total(1, Counter::ResolverQueries), 4);
        }
    }
}

/// A sticky client keeps, per bucket, the endpoint that bucket's redirect gave it:
/// `photos` (eu-west-1, created during the run) sticks to its redirect endpoint, while
/// `logs` (us-east-1) never redirects, so it must never be sent to photos' endpoint.
#[test]
fn a_sticky_client_sends_each_bucket_to_its_own_endpoint() {
    let mut w = two_bucket_world(
        RedirectPolicy::Sticky { max_hops: 5 },
        DnsCachePolicy::HonorTtl,
    );
    w.buckets[1] = bucket("logs", US_EAST_1, None);
    let out = run(&w);
    let firsts = first_time_per_bucket(&out.traces);
    let mut seen_photos = false;
    for (t, first) in out.traces.iter().zip(firsts) {
        if t.bucket == 1 {
            assert_eq!(
                (&t.statuses[..], &t.hosts[..]),
                (&[Ok][..], &[Host::BucketGlobal(1)][..])
            );
        } else if first {
            seen_photos = true;
            assert_eq!(t.statuses, [TemporaryRedirect, Ok]);
        } else {
            assert_eq!(t.hosts, [Host::RedirectEndpoint(0, EU_WEST_1)]);
            assert_eq!(t.statuses, [Ok]);
        }
    }
    assert!(seen_photos && out.traces.iter().any(|t| t.bucket == 1));
}

/// Caching a DNS answer replaces only the same name's older answer: other names'
/// answers, learned regions and sticky endpoints stay, and the newer answer wins.
#[test]
fn caching_a_dns_answer_replaces_only_that_name_s_answer() {
    let mut m = ClientMemory::default();
    let later = SimTime::from_secs(100);
    m.remember_answer(Host::PathGlobal, s3sim_model::dns::Answer::Ip(1), 0, later);
    m.learn_region(4, EU_WEST_1, later);
    m.stick(5, Host::RedirectEndpoint(5, EU_WEST_1));
    m.remember_answer(
        Host::BucketGlobal(4),
        s3sim_model::dns::Answer::Ip(2),
        0,
        later,
    );
    m.remember_answer(
        Host::BucketGlobal(4),
        s3sim_model::dns::Answer::Ip(3),
        1,
        later,
    );
    let now = SimTime::ZERO;
    assert_eq!(
        m.answer(Host::PathGlobal, now),
        Some((s3sim_model::dns::Answer::Ip(1), 0))
    );
    assert_eq!(
        m.answer(Host::BucketGlobal(4), now),
        Some((s3sim_model::dns::Answer::Ip(3), 1))
    );
    assert_eq!(m.region(4, now), Some(EU_WEST_1));
    assert_eq!(m.sticky(5), Some(Host::RedirectEndpoint(5, EU_WEST_1)));
    assert_eq!(m.sticky(4), None, "sticky endpoints are per bucket");
    assert_eq!(m.region(5, now), None, "regions are per bucket");
}

/// The SDK re-addresses from `x-amz-bucket-region` only on a 3xx or a 400: an error
/// that carries the header (none of S3's do today) ends the request.
#[test]
fn an_sdk_re_addresses_only_on_a_redirect_or_a_400() {
    let sdk = RedirectPolicy::SdkRegion {
        cache: RegionCache::Forever,
    };
    let hop = Hop {
        host: Host::BucketGlobal(2),
        bucket: 2,
        key: 0,
        method: Method::Get,
        signed_for: None,
    };
    let now = SimTime::ZERO;
    let decide = |status| {
        let response = Response {
            bucket_region: Some(EU_WEST_1),
            ..Response::bare(status)
        };
        let (mut state, mut memory) = (RedirectState::default(), ClientMemory::default());
        let next = sdk.next_hop(
            hop,
            &response,
            &mut state,
            &mut memory,
            Addressing::VirtualGlobal,
            now,
        );
        (next.map(|next| next.host), memory.region(2, now))
    };
    let regional = (Some(Host::BucketRegional(2, EU_WEST_1)), Some(EU_WEST_1));
    for status in [MovedPermanently, Found, TemporaryRedirect, BadRequest] {
        assert_eq!(decide(status), regional, "{status:?}");
    }
    for status in [Forbidden, NotFound, InternalError, SlowDown, BadGateway] {
        assert_eq!(decide(status), (None, None), "{status:?}");
    }
}

// ---------------------------------------------------------------------------------
// Item 5: propagation delays are independent per (resolver, bucket, change)

fn exponential_zone(buckets: &[Bucket]) -> Authoritative {
    let dns = s3sim_model::dns::DnsConfig {
        record_ttl: secs(5),
        propagation: Delay::Exponential { mean: secs(600) },
        propagation_cap: secs(86_400),
        missing_bucket_nxdomain: false,
        cname_ttl: None,
    };
    Authoritative::new(dns, US_EAST_1, buckets, RandomStreams::new(11))
}

/// Pearson's correlation of two equally long samples.
fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// Over 4000 resolvers, the delays of bucket 0's first change, bucket 1's first change
/// and bucket 0's second change are pairwise different draws: never equal, and
/// uncorrelated (|r| < 4/√n, each of the three pairs at about 6·10⁻⁵ false alarm).
#[test]
fn propagation_delays_are_independent_across_buckets_and_successive_changes() {
    let zone = exponential_zone(&[]);
    let n = 4_000u32;
    let delays = |bucket, change| -> Vec<f64> {
        (0..n)
            .map(|r| zone.propagation_delay(r, bucket, change).as_secs_f64())
            .collect()
    };
    let series = [delays(0, 1), delays(1, 1), delays(0, 2), delays(300, 1)];
    let bound = 4.0 / f64::from(n).sqrt();
    for i in 0..series.len() {
        for j in i + 1..series.len() {
            let equal = series[i]
                .iter()
                .zip(&series[j])
                .filter(|(a, b)| a == b)
                .count();
            assert_eq!(equal, 0, "series {i} and {j} share draws");
            let r = correlation(&series[i], &series[j]);
            assert!(
                r.abs() < bound,
                "series {i} and {j}: r = {r:.4}, bound {bound:.4}"
            );
        }
    }
    // Each series is itself exponential with mean 600 s (mean within ±4σ = ±38 s).
    for s in &series {
        let mean = s.iter().sum::<f64>() / f64::from(n);
        assert!(
            (mean - 600.0).abs() < 4.0 * 600.0 / f64::from(n).sqrt(),
            "{mean}"
        );
    }
}

// ---------------------------------------------------------------------------------
// Item 6: path-style global requests, fault order, a class's stop, in-flight count

const RULES: FacilityRules = FacilityRules {
    temporary_redirect: TemporaryRedirect,
};
const OPT_IN: [bool; 3] = [false, false, true];

/// What the us-east-1 facility (where `s3.amazonaws.com` resolves) answers a
/// path-style request for `b` at `t` seconds.
fn path_global(b: &Bucket, t: u64) -> Status {
    let at = SimTime::from_secs(t);
    facility::answer(RULES, &OPT_IN, b, 0, Host::PathGlobal, US_EAST_1, at).status
}

/// Path-style on the global endpoint reaches the bucket only where the bucket lives in
/// us-east-1 and was created without a location constraint; a bucket elsewhere gets 301
/// even without one, and so does a us-east-1 name re-created in eu-west-1.
#[test]
fn path_style_global_answers_200_only_for_an_unconstrained_us_east_1_bucket() {
    let mut eu_unconstrained = bucket("b", EU_WEST_1, None);
    eu_unconstrained.location_constraint = false;
    assert_eq!(path_global(&eu_unconstrained, 10), MovedPermanently);
    let mut us_constrained = bucket("b", US_EAST_1, None);
    us_constrained.location_constraint = true;
    assert_eq!(path_global(&us_constrained, 10), MovedPermanently);
    let mut moved = bucket("b", US_EAST_1, None);
    moved.deleted_at = Some(SimTime::from_secs(100));
    moved.recreated = Some(Recreation {
        at: SimTime::from_secs(200),
        region: EU_WEST_1,
    });
    assert_eq!(
        [
            path_global(&moved, 50),
            path_global(&moved, 150),
            path_global(&moved, 250)
        ],
        [Ok, NotFound, MovedPermanently]
    );
}

/// DNS faults are baked into the zone in time order whatever order they are listed in:
/// the later TTL change wins after its time.
#[test]
fn record_ttl_changes_apply_in_time_order_whatever_the_listed_order() {
    let faults = [
        Fault::RecordTtl {
            at: SimTime::from_secs(200),
            ttl: secs(60),
        },
        Fault::RecordTtl {
            at: SimTime::from_secs(100),
            ttl: secs(30),
        },
    ];
    assert_eq!(faults[0].at(), SimTime::from_secs(200));
    let mut zone = exponential_zone(&[]);
    fault::apply_all_to_zone(&faults, &mut zone);
    let ttl = |t| zone.record_ttl(SimTime::from_secs(t));
    assert_eq!([ttl(50), ttl(150), ttl(250)], [secs(5), secs(30), secs(60)]);
}

/// A class sends no request at or after its stop: one that starts exactly at its stop
/// sends none, one that stops a nanosecond later sends exactly one.
#[test]
fn a_first_arrival_exactly_at_the_class_stop_is_not_sent() {
    let issued = |stop: SimTime| {
        let mut w = world(
            vec![bucket("b", US_EAST_1, None)],
            Delay::Fixed(SimDuration::ZERO),
            vec![class(1, secs(60), RedirectPolicy::None)],
        );
        w.classes[0].start = SimTime::from_secs(100);
        w.classes[0].stop = stop;
        run(&w).issued
    };
    assert_eq!(issued(SimTime::from_secs(100)), 0);
    assert_eq!(
        issued(SimTime::from_secs(100) + SimDuration::from_nanos(1)),
        1
    );
    assert_eq!(
        issued(SimTime::from_secs(220)),
        2,
        "at 100 and 160 s, not 220 s"
    );
}

/// S3 answers by the name a request carries, not only by where it arrives: a regional
/// name of another region that reaches the bucket's own facility (a hosts-file entry, a
/// proxy) still gets 301, and only the bucket's own regional name gets 200 there.
#[test]
fn a_regional_name_of_another_region_gets_301_even_at_the_bucket_s_facility() {
    let eu = bucket("b", EU_WEST_1, None);
    let at_eu = |host| {
        let now = SimTime::from_secs(10);
        facility::answer(RULES, &OPT_IN, &eu, 0, host, EU_WEST_1, now).status
    };
    for host in [
        Host::BucketRegional(0, US_EAST_1),
        Host::PathRegional(US_EAST_1),
        Host::RedirectEndpoint(0, US_EAST_1),
    ] {
        assert_eq!(at_eu(host), MovedPermanently, "{host:?}");
    }
    assert_eq!(at_eu(Host::BucketRegional(0, EU_WEST_1)), Ok);
    assert_eq!(at_eu(Host::PathRegional(EU_WEST_1)), Ok);
}

// ---------------------------------------------------------------------------------
// Request-rate limits through the world (docs/domain.md §7)

/// 20 requests a second for a bucket whose partition allows 10 (a 1 s budget): the
/// world turns away exactly the requests that the prefix budget, fed the times they
/// reach the facility, turns away; it answers them 503 at once (one round trip, no
/// service time); requests S3 does not answer from the bucket (a 307 at the wrong
/// region) are never charged.
#[test]
fn the_world_charges_each_request_s3_answers_from_the_bucket_to_its_prefix_budget() {
    use s3sim_model::objects::Objects;
    use s3sim_model::rate_limit::{Access, PrefixBudgets, RateLimits};
    let limits = RateLimits {
        enabled: true,
        reads_per_sec: 10.0,
        writes_per_sec: 5.0,
        burst: secs(1),
        split_after: secs(86_400),
        prefixes: vec![Vec::new(), Vec::new()],
    };
    let objects = Objects::build(
        vec![vec!["x".into()], vec!["y".into()]],
        &[None, None],
        &[],
        0,
    );
    let mut w = world(
        vec![
            bucket("b", US_EAST_1, None),
            bucket("moved", EU_WEST_1, Some(0)),
        ],
        Delay::Fixed(secs(86_400)),
        vec![class(20, secs(1), RedirectPolicy::None)],
    );
    w.duration = secs(30);
    w.rate_limits = limits.clone();
    w.objects = objects.clone();
    // A second class hammers the eu bucket on its global name: 307s from us-east-1.
    let mut wrong = class(40, secs(1), RedirectPolicy::None);
    wrong.buckets = vec![1];
    w.classes.push(wrong);
    w.trace_limit = 1_000_000;
    let out = run(&w);
    let ms = SimDuration::from_millis;
    let mut budgets = PrefixBudgets::new(&limits, &objects, 2);
    let mut arrivals: Vec<(SimTime, &RequestTrace)> = out
        .traces
        .iter()
        .filter(|t| t.class == 0)
        .map(|t| {
            // Back from the facility in 5 ms, after 5 ms of service if served.
            let back = if t.statuses == [SlowDown] {
                ms(5)
            } else {
                ms(10)
            };
            (t.finished - back, t)
        })
        .collect();
    arrivals.sort_by_key(|&(at, t)| (at, t.started));
    let mut turned_away = 0;
    for (at, t) in arrivals {
        let admitted = budgets.admit(0, 0, Access::Read, at);
        assert_eq!(t.statuses, [if admitted { Ok } else { SlowDown }], "{t:?}");
        turned_away += u32::from(!admitted);
        let latency = t.finished.since(t.started);
        let dns = [ms(1), ms(21)];
        let served = if admitted { ms(15) } else { ms(10) };
        assert!(dns.iter().any(|&d| latency == d + served), "{t:?}");
    }
    // 601 requests against 10 + 10 · 30 tokens.
    assert!((280..=300).contains(&turned_away), "{turned_away}");
    assert!(
        out.traces
            .iter()
            .filter(|t| t.class == 1)
            .all(|t| t.statuses == [TemporaryRedirect])
    );
}
