//! Timed faults, request by request: IP rotation against each DNS cache policy,
//! refused and black-holed outages, the DNS health check, resolver outages with and
//! without serve-stale, a record TTL change, a retired redirect endpoint and a bucket
//! re-created in another region.
//!
//! Every world here uses fixed delays, so the expected statuses and times are exact.

#[path = "../common/mod.rs"]
mod common;
mod rotation;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::bucket::Recreation;
use s3sim_model::client::{DnsCachePolicy, Lifetime, RedirectPolicy, RegionCache};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::Host;
use s3sim_model::endpoints::OutageMode;
use s3sim_model::fault::Fault;
use s3sim_model::metrics::Counter;
use s3sim_model::metrics::facility::FacilityCounter;
use s3sim_model::response::Status::{self, *};
use s3sim_model::topology::{Facility, Region, Topology};
use s3sim_model::world::ReplicaOutput;
use s3sim_model::{RequestTrace, WorldConfig, run_replica};

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

fn at_ms(n: u64) -> SimTime {
    ms(n).after_start()
}

fn run(config: &WorldConfig) -> ReplicaOutput {
    let out = run_replica(config, RandomStreams::new(7));
    assert_eq!(out.issued, out.completed + out.in_flight);
    out
}

/// The traces of one class, in start order.
fn of_class(out: &ReplicaOutput, class: u16) -> Vec<&RequestTrace> {
    let mut t: Vec<&RequestTrace> = out.traces.iter().filter(|t| t.class == class).collect();
    t.sort_by_key(|t| (t.started, t.client));
    t
}

/// Start time in whole milliseconds.
fn started_ms(t: &RequestTrace) -> u64 {
    t.started.as_nanos() / 1_000_000
}

fn latency(t: &RequestTrace) -> SimDuration {
    t.finished.since(t.started)
}

fn failed(t: &RequestTrace) -> bool {
    t.statuses.last() != Some(&Ok)
}

/// Start times (whole seconds) of the class's requests that did not end 200.
fn failure_seconds(out: &ReplicaOutput, class: u16) -> Vec<u64> {
    of_class(out, class)
        .into_iter()
        .filter(|t| failed(t))
        .map(|t| started_ms(t) / 1_000)
        .collect()
}

/// A bucket in us-east-1 since before the run; one client per class, one request a
/// second from t = 0, addressed `b.s3.amazonaws.com`; resolver answers cost 1 ms from
/// cache and 21 ms on a miss, the round trip to the facility 10 ms, service 5 ms.
fn steady_world(classes: usize, duration: u64) -> WorldConfig {
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        (0..classes)
            .map(|_| class(1, secs(1), RedirectPolicy::None))
            .collect(),
    );
    w.duration = secs(duration);
    w.trace_limit = 1_000_000;
    w
}

/// Give each class its own resolver, so that classes cannot warm each other's caches.
fn own_resolvers(w: &mut WorldConfig) {
    let n = w.classes.len() as u32;
    w.resolver_groups[0].count = n;
    for (k, c) in w.classes.iter_mut().enumerate() {
        c.resolvers = k as u32..k as u32 + 1;
    }
}

// ---------------------------------------------------------------------------------
// Outages

/// Facility use1 (us-east-1's only one) is down from 100 s to 200 s.
fn outage_world(mode: OutageMode) -> WorldConfig {
    let mut w = steady_world(1, 400);
    w.faults = vec![Fault::Outage {
        facility: 0,
        at: SimTime::from_secs(100),
        duration: secs(100),
        mode,
        health_check: secs(30),
    }];
    w
}

/// The lookup cost of the request started at `second`: resolver queries at 0, 5,
/// 10, ... s miss (21 ms: the record TTL is 5 s), the others hit (1 ms).
fn dns_ms(second: u64) -> u64 {
    if second % 5 == 0 { 21 } else { 1 }
}

#[test]
fn refused_outage_fails_fast_after_dns_and_one_round_trip() {
    let out = run(&outage_world(OutageMode::Refused));
    let traces = of_class(&out, 0);
    assert_eq!(failure_seconds(&out, 0), (100..200).collect::<Vec<_>>());
    for t in traces {
        let s = started_ms(t) / 1_000;
        if (100..200).contains(&s) {
            assert_eq!(t.statuses, [ConnectionError]);
            assert_eq!(latency(t), ms(dns_ms(s) + 10), "request at {s} s");
        } else {
            assert_eq!(t.statuses, [Ok]);
            assert_eq!(latency(t), ms(dns_ms(s) + 10 + 5), "request at {s} s");
        }
    }
}

#[test]
fn black_holed_outage_fails_after_the_connect_timeout() {
    let out = run(&outage_world(OutageMode::BlackHoled));
    assert_eq!(failure_seconds(&out, 0), (100..200).collect::<Vec<_>>());
    for t in of_class(&out, 0).into_iter().filter(|t| failed(t)) {
        let s = started_ms(t) / 1_000;
        assert_eq!(t.statuses, [Timeout]);
        // The client gives up connect_timeout (10 s) after it sent the SYN, which it
        // did once DNS answered.
        assert_eq!(latency(t), secs(10) + ms(dns_ms(s)), "request at {s} s");
    }
    // Nothing reached the facility while it was down.
    let arrivals = |bin| out.facilities.count(bin, 0, FacilityCounter::Arrivals);
    assert_eq!((arrivals(1), arrivals(2)), (40, 0)); // 60..120 s, 120..180 s
}

/// us-east-1 with two facilities of one IP each; eight clients, each with its own
/// resolver and no in-process cache, one request a second each. Facility 0 refuses
/// connections from 100 s to 700 s.
fn health_check_world(health_check: u64) -> WorldConfig {
    let mut w = steady_world(1, 900);
    let facility = |name: &str| Facility {
        name: name.into(),
        region: 0,
        ips: 1,
        service_time: Delay::Fixed(ms(5)),
        capacity: None,
    };
    w.topology = Topology::new(
        vec![Region {
            name: "us-east-1".into(),
            opt_in: false,
        }],
        0,
        vec![facility("a"), facility("b")],
        vec!["here".into()],
        vec![ms(10)],
    );
    w.classes[0].count = 8;
    w.classes[0].resolvers = 0..8;
    w.resolver_groups[0].count = 8;
    w.faults = vec![Fault::Outage {
        facility: 0,
        at: SimTime::from_secs(100),
        duration: secs(600),
        mode: OutageMode::Refused,
        health_check: secs(health_check),
    }];
    w
}

#[test]
fn health_check_removes_the_failed_facility_from_dns_once_resolver_caches_expire() {
    let out = run(&health_check_world(32));
    let fails: Vec<u64> = of_class(&out, 0)
        .into_iter()
        .filter(|t| failed(t))
        .map(started_ms)
        .collect();
    // Unlisted at 132 s; an answer fetched just before lives up to 5 s more (resolver k
    // refreshes at 130 + k/8 s, so its old answer serves until 135 + k/8 s).
    assert!(
        fails.iter().all(|&t| (100_000..136_000).contains(&t)),
        "{fails:?}"
    );
    let last = *fails.last().expect("some lookups pointed at facility 0");
    assert!(
        last >= 132_000,
        "old answers outlive the unlisting: {last} ms"
    );
    // Facility 0 accepts no connection between 120 s and 720 s (down, unlisted at
    // 132 s, back at 700 s but relisted only at 732 s), and its share afterwards.
    let arrivals = |bin, f| out.facilities.count(bin, f, FacilityCounter::Arrivals);
    assert!((2..12).all(|b| arrivals(b, 0) == 0));
    // From 180 s on, facility 1 takes every request: 8 clients, 60 s.
    assert!((3..12).all(|b| arrivals(b, 1) == 480));
    assert!(arrivals(13, 0) > 0 && arrivals(14, 0) > 0);
    println!(
        "{} failures, the last at {} ms",
        fails.len(),
        fails.last().unwrap()
    );
}

#[test]
fn without_a_timely_health_check_half_the_lookups_keep_pointing_at_the_failed_facility() {
    let out = run(&health_check_world(10_000));
    let traces = of_class(&out, 0);
    let in_window = |from: u64, to: u64| {
        let w: Vec<_> = traces
            .iter()
            .filter(|t| (from * 1_000..to * 1_000).contains(&started_ms(t)))
            .collect();
        w.iter().filter(|t| failed(t)).count() as f64 / w.len() as f64
    };
    // Each resolver draws one of the two IPs at every miss, every 5 s, and its client
    // uses it for 5 requests: the share is a mean of 8 × 563 / 5 ≈ 900 fair draws,
    // inside 3.5σ (a 0.05 % false alarm).
    let share = in_window(137, 700);
    let sigma = (0.25f64 / (8.0 * 563.0 / 5.0)).sqrt();
    assert!((share - 0.5).abs() < 3.5 * sigma, "{share}, σ = {sigma:.4}");
    assert_eq!(in_window(701, 900), 0.0, "the facility is back at 700 s");
}

#[test]
fn drained_facility_refuses_at_once_and_leaves_dns_at_once() {
    // Class 0 re-resolves every request (resolver TTL 5 s); class 1's 64 clients, each
    // with its own resolver, cache their first answer forever. Facility 0 drains at
    // 100.3 s.
    let mut w = health_check_world(32);
    let drain_ms = 100_300;
    w.faults = vec![Fault::Drain {
        facility: 0,
        at: at_ms(drain_ms),
    }];
    let mut forever = w.classes[0].clone();
    forever.dns = DnsCachePolicy::Forever;
    forever.count = 64;
    forever.resolvers = 8..72;
    w.classes.push(forever);
    w.resolver_groups[0].count = 72;
    let out = run(&w);
    // Without a process cache: only answers fetched before the drain fail, for at
    // most the resolver's 5 s.
    let fails: Vec<u64> = of_class(&out, 0)
        .into_iter()
        .filter(|t| failed(t))
        .map(started_ms)
        .collect();
    assert!(
        fails
            .iter()
            .all(|&t| (drain_ms..drain_ms + 5_000).contains(&t)),
        "{fails:?}"
    );
    // Forever: a client fails on every request from the drain on if its one answer
    // named facility 0, and never otherwise.
    let mut stuck = 0;
    for client in 0..64 {
        let mine: Vec<_> = of_class(&out, 1)
            .into_iter()
            .filter(|t| t.client == client)
            .collect();
        let after: Vec<bool> = mine
            .iter()
            .filter(|t| started_ms(t) >= drain_ms)
            .map(|t| failed(t))
            .collect();
        assert!(
            mine.iter()
                .filter(|t| started_ms(t) < drain_ms)
                .all(|t| !failed(t))
        );
        assert!(after.iter().all(|&f| f == after[0]), "client {client}");
        stuck += usize::from(after[0]);
    }
    // Each first answer names facility 0 with probability 1/2: Binomial(64, 1/2),
    // mean 32, σ = 4, inside 3.5σ (a 0.05 % false alarm).
    assert!(
        (32 - 14..=32 + 14).contains(&stuck),
        "{stuck} of 64 clients held facility 0's IP"
    );
    // Nothing reaches facility 0 after the drain.
    let arrivals = |bin| out.facilities.count(bin, 0, FacilityCounter::Arrivals);
    assert!((2..15).all(|b| arrivals(b) == 0));
    println!(
        "drain: {} failures without a cache; {stuck} of 64 forever clients stuck",
        fails.len()
    );
}

#[test]
fn a_facility_drained_during_an_outage_stays_out_of_dns_when_the_outage_ends() {
    // Facility 0: down from 100 s to 700 s (unlisted at 132 s, relisted at 732 s),
    // drained at 400 s. Drained means out of DNS for good: once the resolvers' 5 s
    // answers from before 732 s are gone, no lookup may name it.
    let mut w = health_check_world(32);
    w.faults.push(Fault::Drain {
        facility: 0,
        at: SimTime::from_secs(400),
    });
    let out = run(&w);
    let late: Vec<_> = of_class(&out, 0)
        .into_iter()
        .filter(|t| started_ms(t) >= 137_000)
        .collect();
    let failures: Vec<u64> = late
        .iter()
        .filter(|t| failed(t))
        .map(|t| started_ms(t))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} requests from 137 s on failed, the first at {} ms",
        failures.len(),
        late.len(),
        failures[0]
    );
}

#[test]
fn overlapping_outages_keep_the_facility_down_until_the_last_one_ends() {
    // us-east-1's only facility: down from 100 s to 300 s, and again (overlapping)
    // from 150 s to 200 s. It is down, without interruption, from 100 s to 300 s.
    let mut w = outage_world(OutageMode::Refused);
    w.faults = vec![
        Fault::Outage {
            facility: 0,
            at: SimTime::from_secs(100),
            duration: secs(200),
            mode: OutageMode::Refused,
            health_check: secs(30),
        },
        Fault::Outage {
            facility: 0,
            at: SimTime::from_secs(150),
            duration: secs(50),
            mode: OutageMode::Refused,
            health_check: secs(30),
        },
    ];
    let out = run(&w);
    let fails = failure_seconds(&out, 0);
    assert_eq!(
        fails,
        (100..300).collect::<Vec<_>>(),
        "{} failures, the last at {} s",
        fails.len(),
        fails.last().unwrap()
    );
}

// ---------------------------------------------------------------------------------
// Resolver outage

/// The resolver loses its upstream from 102.5 s to 302.5 s. Class 0 has used the
/// name since 0 s; class 1 starts at 150 s with a name the resolver never cached.
fn resolver_outage_world(serve_stale: bool) -> WorldConfig {
    let mut w = steady_world(2, 400);
    w.classes[1].start = SimTime::from_secs(150);
    w.classes[1].addressing = s3sim_model::client::Addressing::PathGlobal;
    w.faults = vec![Fault::ResolverOutage {
        group: 0,
        at: at_ms(102_500),
        duration: secs(200),
        serve_stale,
    }];
    w
}

#[test]
fn resolver_outage_without_serve_stale_fails_lookups_once_the_cache_expires() {
    let out = run(&resolver_outage_world(false));
    // The record fetched at 100 s lives until 105 s; the upstream is back at 302.5 s.
    assert_eq!(failure_seconds(&out, 0), (105..303).collect::<Vec<_>>());
    assert_eq!(failure_seconds(&out, 1), (150..303).collect::<Vec<_>>());
    for t in out.traces.iter().filter(|t| failed(t)) {
        assert_eq!(t.statuses, [DnsFailure]);
        assert_eq!(latency(t), ms(21), "a resolver query that found nothing");
        assert_eq!(t.hosts.len(), 1);
    }
}

#[test]
fn resolver_outage_with_serve_stale_keeps_answering_names_it_had_cached() {
    let out = run(&resolver_outage_world(true));
    assert_eq!(failure_seconds(&out, 0), Vec::<u64>::new());
    // Serve-stale needs something stale: a name never asked before still fails.
    assert_eq!(failure_seconds(&out, 1), (150..303).collect::<Vec<_>>());
    // Stale answers are served as cache hits, at the cost of the failed upstream try.
    let stale = of_class(&out, 0)
        .into_iter()
        .filter(|t| (105_000..303_000).contains(&started_ms(t)))
        .collect::<Vec<_>>();
    assert_eq!(stale.len(), 198);
    assert!(stale.iter().all(|t| latency(t) == ms(21 + 10 + 5)));
}

#[test]
fn overlapping_resolver_outages_last_until_the_last_one_ends() {
    let mut w = resolver_outage_world(false);
    w.faults.push(Fault::ResolverOutage {
        group: 0,
        at: SimTime::from_secs(150),
        duration: secs(50),
        serve_stale: false,
    });
    let out = run(&w);
    let fails = failure_seconds(&out, 0);
    assert_eq!(
        fails,
        (105..303).collect::<Vec<_>>(),
        "{} failures, the last at {} s",
        fails.len(),
        fails.last().unwrap()
    );
}

// ---------------------------------------------------------------------------------
// Record TTL change

#[test]
fn record_ttl_change_is_visible_in_how_often_resolvers_miss() {
    let mut w = steady_world(1, 3_600);
    w.faults = vec![Fault::RecordTtl {
        at: SimTime::from_secs(600),
        ttl: secs(60),
    }];
    let misses = |out: &ReplicaOutput, bin| {
        out.metrics.count(bin, 0, Counter::ResolverQueries)
            - out.metrics.count(bin, 0, Counter::ResolverHits)
    };
    let out = run(&w);
    // 60 s bins, one lookup a second: a 5 s TTL misses 12 times a bin, 60 s once.
    let per_bin: Vec<u64> = (0..59).map(|b| misses(&out, b)).collect();
    assert_eq!(per_bin[..10], [12; 10]);
    assert!(per_bin[10..].iter().all(|&m| m == 1), "{per_bin:?}");
    assert!((0..59).all(|b| out.metrics.count(b, 0, Counter::ResolverQueries) == 60));
    // The resolver's ceiling still applies to the new TTL.
    w.resolver_groups[0].config.max_ttl = secs(30);
    let capped = run(&w);
    assert_eq!(misses(&capped, 9), 12);
    assert!((10..59).all(|b| misses(&capped, b) == 2));
}

// ---------------------------------------------------------------------------------
// Retired redirect endpoint

#[test]
fn sticky_client_gets_nxdomain_once_its_redirect_endpoint_is_retired() {
    // Created in eu-west-1 at 60 s; the global name moves for the resolver at 660 s;
    // the legacy redirect endpoint of eu-west-1 stops resolving at 1800 s.
    let mut w = world(
        vec![bucket("photos", EU_WEST_1, Some(60))],
        Delay::Fixed(secs(600)),
        vec![
            class(1, secs(60), RedirectPolicy::Sticky { max_hops: 5 }),
            class(1, secs(60), follow_location()),
        ],
    );
    for c in &mut w.classes {
        c.start = SimTime::from_secs(120);
    }
    w.faults = vec![Fault::EndpointRetired {
        region: EU_WEST_1,
        at: SimTime::from_secs(1_800),
    }];
    let out = run(&w);
    let endpoint = Host::RedirectEndpoint(0, EU_WEST_1);
    for t in of_class(&out, 0) {
        let s = started_ms(t) / 1_000;
        match s {
            120 => assert_eq!(t.statuses, [TemporaryRedirect, Ok]),
            180..1_800 => assert_eq!(
                (&t.hosts[..], &t.statuses[..]),
                (&[endpoint][..], &[Ok][..])
            ),
            _ => assert_eq!(
                (&t.hosts[..], &t.statuses[..]),
                (&[endpoint][..], &[NxDomain][..]),
                "request at {s} s"
            ),
        }
    }
    assert_eq!(
        failure_seconds(&out, 0).len(),
        30,
        "1800, 1860, ..., 3480, 3540 s"
    );
    // The Location follower went through the same endpoint before propagation, and
    // is on the global name (unaffected) afterwards.
    for t in of_class(&out, 1) {
        let s = started_ms(t) / 1_000;
        let expected: &[Status] = if s < 660 {
            &[TemporaryRedirect, Ok]
        } else {
            &[Ok]
        };
        assert_eq!(t.statuses, expected, "request at {s} s");
    }
}

// ---------------------------------------------------------------------------------
// Bucket re-created elsewhere

#[test]
fn bucket_recreated_in_an_opt_in_region_gives_404_in_the_gap_then_400_naming_it() {
    let mut b = bucket("logs", EU_WEST_1, Some(60));
    b.deleted_at = Some(SimTime::from_secs(1_000));
    b.recreated = Some(Recreation {
        at: SimTime::from_secs(1_300),
        region: AP_EAST_1,
    });
    let sdk = RedirectPolicy::SdkRegion {
        cache: RegionCache::Forever,
    };
    let mut w = world(
        vec![b],
        Delay::Fixed(secs(600)),
        vec![class(1, secs(60), sdk)],
    );
    w.classes[0].start = SimTime::from_secs(120);
    let out = run(&w);
    let (old, new) = (
        Host::BucketRegional(0, EU_WEST_1),
        Host::BucketRegional(0, AP_EAST_1),
    );
    for t in of_class(&out, 0) {
        let s = started_ms(t) / 1_000;
        let (hosts, statuses): (&[Host], &[Status]) = match s {
            // Learns eu-west-1 from the 307 and remembers it for good.
            120 => (&[Host::BucketGlobal(0), old], &[TemporaryRedirect, Ok]),
            180..1_000 => (&[old], &[Ok]),
            1_000..1_300 => (&[old], &[NotFound]),
            // The old region's endpoint for a bucket now in opt-in ap-east-1: 400 (not
            // 301) naming ap-east-1; the SDK re-learns it.
            1_320 => (&[old, new], &[BadRequest, Ok]),
            _ => (&[new], &[Ok]),
        };
        assert_eq!(
            (&t.hosts[..], &t.statuses[..]),
            (hosts, statuses),
            "request at {s} s"
        );
    }
    let first = |s| out.metrics.total(1, Counter::First(s));
    assert_eq!(first(NotFound), 5); // 1020, ..., 1260 s
    assert_eq!(first(BadRequest), 1);
    assert_eq!(first(MovedPermanently), 0);
}
