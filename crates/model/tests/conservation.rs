//! Requests are conserved whatever happens to them: every request started is either
//! completed or still held by the world, every completion is counted once as a
//! success or a failure, and facilities account for every connection they accepted.
//!
//! Checked over worlds that mix outages, retries, capacity limits, redirects, IP
//! rotation and resolver outages, several seeds each.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Arrivals, DnsCachePolicy, Lifetime, RedirectPolicy, RetryPolicy};
use s3sim_model::client::{RegionCache, RetryQuota};
use s3sim_model::distribution::Delay;
use s3sim_model::endpoints::OutageMode;
use s3sim_model::fault::Fault;
use s3sim_model::metrics::Counter;
use s3sim_model::metrics::facility::{FacilityCounter, FacilityMetric};
use s3sim_model::response::Status;
use s3sim_model::topology::Capacity;
use s3sim_model::world::ReplicaOutput;
use s3sim_model::{WorldConfig, run_replica};

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

fn at(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

fn poisson(
    mut c: s3sim_model::client::ClientClass,
    count: u32,
    rate: f64,
) -> s3sim_model::client::ClientClass {
    c.count = count;
    c.arrivals = Arrivals::Poisson {
        per_client_per_sec: rate,
    };
    c
}

fn retry(max_attempts: u8, quota: Option<RetryQuota>) -> Option<RetryPolicy> {
    Some(RetryPolicy {
        max_attempts,
        base: ms(50),
        cap: ms(2_000),
        quota,
    })
}

/// Redirects (a bucket created in eu-west-1 while clients use the global name),
/// capacity with 503s, retries with and without a quota, a black-holed outage that
/// lasts past the end (so requests are in flight when the run stops).
fn mixed_world() -> WorldConfig {
    let mut sdk = poisson(
        class(
            1,
            secs(1),
            RedirectPolicy::SdkRegion {
                cache: RegionCache::Ttl(secs(120)),
            },
        ),
        200,
        0.2,
    );
    sdk.retry = retry(3, Some(RetryQuota::default()));
    sdk.buckets = vec![0, 1];
    let mut curl = poisson(class(1, secs(1), follow_location()), 100, 0.2);
    curl.retry = retry(5, None);
    curl.connect_timeout = secs(5);
    curl.buckets = vec![0, 1];
    let mut sticky = poisson(
        class(1, secs(1), RedirectPolicy::Sticky { max_hops: 3 }),
        50,
        0.1,
    );
    sticky.lifetime = Lifetime::RestartEvery(secs(600));
    sticky.dns = DnsCachePolicy::Fixed(secs(30));
    let mut w = world(
        vec![
            bucket("new", EU_WEST_1, Some(300)),
            bucket("old", US_EAST_1, None),
        ],
        Delay::Exponential { mean: secs(300) },
        vec![sdk, curl, sticky],
    );
    w.resolver_groups[0].count = 20;
    for c in &mut w.classes {
        c.resolvers = 0..20;
    }
    for f in &mut w.topology.facilities {
        f.service_time = Delay::Exponential { mean: ms(20) };
        f.capacity = Some(Capacity {
            servers: 2,
            queue_limit: 4,
        });
    }
    w.faults = vec![
        Fault::Outage {
            facility: 1,
            at: at(900),
            duration: secs(600),
            mode: OutageMode::Refused,
            health_check: secs(30),
        },
        Fault::Outage {
            facility: 0,
            at: at(3_500),
            duration: secs(1_000),
            mode: OutageMode::BlackHoled,
            health_check: secs(30),
        },
    ];
    w
}

/// IP rotation under forever caches, a resolver outage with and without serve-stale,
/// a record TTL change, a retired redirect endpoint and a bucket re-created elsewhere.
fn dns_fault_world() -> WorldConfig {
    let mut forever = poisson(class(1, secs(1), follow_location()), 100, 0.1);
    forever.dns = DnsCachePolicy::Forever;
    forever.lifetime = Lifetime::RestartEvery(secs(900));
    forever.retry = retry(2, None);
    let mut sticky = poisson(
        class(1, secs(1), RedirectPolicy::Sticky { max_hops: 3 }),
        100,
        0.1,
    );
    sticky.buckets = vec![0, 1];
    let mut sdk = poisson(
        class(
            1,
            secs(1),
            RedirectPolicy::SdkRegion {
                cache: RegionCache::Forever,
            },
        ),
        100,
        0.1,
    );
    sdk.buckets = vec![1];
    sdk.dns = DnsCachePolicy::HonorTtl;
    let mut again = bucket("again", EU_WEST_1, Some(60));
    again.deleted_at = Some(at(1_200));
    again.recreated = Some(s3sim_model::bucket::Recreation {
        at: at(1_500),
        region: AP_EAST_1,
    });
    let mut w = world(
        vec![bucket("new", EU_WEST_1, Some(120)), again],
        Delay::Uniform {
            low: secs(60),
            high: secs(900),
        },
        vec![forever, sticky, sdk],
    );
    w.resolver_groups = vec![resolvers(10, secs(3_600)), resolvers(10, secs(3_600))];
    w.classes[0].resolvers = 0..10;
    w.classes[1].resolvers = 10..20;
    w.classes[2].resolvers = 0..20;
    w.faults = vec![
        Fault::IpRotation {
            facility: 1,
            at: at(1_000),
            grace: secs(20),
        },
        Fault::ResolverOutage {
            group: 0,
            at: at(1_800),
            duration: secs(300),
            serve_stale: true,
        },
        Fault::ResolverOutage {
            group: 1,
            at: at(2_000),
            duration: secs(300),
            serve_stale: false,
        },
        Fault::RecordTtl {
            at: at(2_400),
            ttl: secs(300),
        },
        Fault::EndpointRetired {
            region: EU_WEST_1,
            at: at(2_700),
        },
        Fault::Drain {
            facility: 2,
            at: at(3_000),
        },
    ];
    w
}

/// Offered load well above capacity with retries and no quota: a retry storm.
fn overload_world() -> WorldConfig {
    let mut storm = poisson(class(1, secs(1), RedirectPolicy::None), 1_000, 0.2);
    storm.retry = retry(4, None);
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![storm],
    );
    w.duration = secs(600);
    let f = &mut w.topology.facilities[0];
    f.service_time = Delay::Exponential { mean: ms(20) };
    f.capacity = Some(Capacity {
        servers: 3,
        queue_limit: 10,
    });
    w
}

/// Check every accounting identity of one replica; return (issued, in flight).
fn check_conserved(name: &str, config: &WorldConfig, out: &ReplicaOutput) {
    assert_eq!(out.issued, out.completed + out.in_flight, "{name}");
    let m = &out.metrics;
    let total = |group, c| m.total(group, c);
    let requests = total(0, Counter::Requests);
    assert_eq!(
        requests, out.completed,
        "{name}: every completion counted once"
    );
    assert_eq!(
        total(0, Counter::Succeeded) + total(0, Counter::Failed),
        requests,
        "{name}"
    );
    let firsts: u64 = Status::ALL
        .iter()
        .map(|&s| total(0, Counter::First(s)))
        .sum();
    assert_eq!(firsts, requests, "{name}: one first status per request");
    for c in Counter::all() {
        let classes: u64 = (1..m.groups).map(|g| total(g, c)).sum();
        assert_eq!(
            classes,
            total(0, c),
            "{name}: classes add up to the total for {c:?}"
        );
    }
    assert!(total(0, Counter::Attempts) >= requests, "{name}");
    assert!(
        total(0, Counter::GaveUp) <= total(0, Counter::Failed),
        "{name}"
    );
    assert!(
        total(0, Counter::ResolverHits) <= total(0, Counter::ResolverQueries),
        "{name}"
    );
    assert!(
        total(0, Counter::ResolverQueries) <= total(0, Counter::Lookups),
        "{name}"
    );
    assert!(out.traces.len() <= config.trace_limit, "{name}");
    for (g, c) in config.classes.iter().enumerate() {
        let max = c.retry.map_or(1, |p| u64::from(p.max_attempts));
        assert!(total(g + 1, Counter::Attempts) <= max * total(g + 1, Counter::Requests));
    }
    // Facilities: every accepted connection was served, turned away, or is still
    // queued or in service when the run stops.
    let f = &out.facilities;
    for facility in 0..f.facilities() {
        let sum = |c| (0..f.bins).map(|b| f.count(b, facility, c)).sum::<u64>();
        let (arrived, shed) = (
            sum(FacilityCounter::Arrivals),
            sum(FacilityCounter::SlowDowns),
        );
        let (started, served) = (sum(FacilityCounter::Started), sum(FacilityCounter::Served));
        assert!(started + shed <= arrived, "{name}: facility {facility}");
        assert!(served <= started, "{name}: facility {facility}");
        if let Some(cap) = config.topology.facilities[facility].capacity {
            assert!(
                arrived - shed - started <= u64::from(cap.queue_limit),
                "{name}"
            );
            assert!(started - served <= u64::from(cap.servers), "{name}");
        }
    }
}

fn check_world(name: &str, config: &WorldConfig, in_flight_expected: bool) {
    for seed in 0..3 {
        let out = run_replica(config, RandomStreams::for_replica(99, seed));
        check_conserved(name, config, &out);
        assert!(out.completed > 1_000, "{name}: {}", out.completed);
        if in_flight_expected {
            assert!(out.in_flight > 0, "{name}: the run ends mid-outage");
        }
        println!(
            "{name} seed {seed}: issued {} = completed {} + in flight {}; failed {}, attempts {}",
            out.issued,
            out.completed,
            out.in_flight,
            out.metrics.total(0, Counter::Failed),
            out.metrics.total(0, Counter::Attempts),
        );
    }
}

#[test]
fn requests_are_conserved_through_redirects_capacity_retries_and_outages() {
    check_world("mixed", &mixed_world(), true);
}

#[test]
fn requests_are_conserved_through_dns_faults() {
    check_world("dns faults", &dns_fault_world(), false);
}

#[test]
fn requests_are_conserved_in_a_retry_storm() {
    check_world("overload", &overload_world(), true);
}

#[test]
fn conservation_holds_however_small_the_trace_limit() {
    let mut w = mixed_world();
    w.trace_limit = 3;
    let out = run_replica(&w, RandomStreams::new(5));
    check_conserved("trace limit 3", &w, &out);
    assert_eq!(out.traces.len(), 3);
}

// ---------------------------------------------------------------------------------
// Facility load accounting

/// One server that is never idle: requests every 10 ms need 20 ms each.
fn saturated_world(duration: u64, bin: u64) -> WorldConfig {
    let mut c = class(100, secs(1), RedirectPolicy::None);
    c.start = SimTime::ZERO;
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![c],
    );
    (w.duration, w.bin) = (secs(duration), secs(bin));
    let f = &mut w.topology.facilities[0];
    f.service_time = Delay::Fixed(ms(20));
    f.capacity = Some(Capacity {
        servers: 1,
        queue_limit: 1_000_000,
    });
    w
}

#[test]
fn saturated_server_is_fully_utilised_in_every_whole_bin() {
    let out = run_replica(&saturated_world(120, 60), RandomStreams::new(1));
    let f = &out.facilities;
    // Busy from the first arrival at the facility, 16 ms in: the request of 10 ms
    // (a 1 ms resolver hit, half the 10 ms round trip) overtakes the one of 0 ms,
    // whose resolver miss costs 21 ms.
    assert!((f.utilisation(0, 0) - (60.0 - 0.016) / 60.0).abs() < 1e-9);
    assert_eq!(f.utilisation(1, 0), 1.0);
    // Served at 50/s, offered at 100/s: the queue grows by 50 a second.
    assert_eq!(f.count(1, 0, FacilityCounter::Served), 3_000);
    let offered = FacilityMetric::Offered.value(f, 1, 0);
    assert_eq!(offered, 100.0);
    let queue = f.mean_queue(1, 0);
    assert!((queue / (50.0 * 90.0) - 1.0).abs() < 0.01, "{queue}");
}

#[test]
fn partial_last_bin_reports_the_same_load_as_a_whole_bin() {
    // 90 s in 60 s bins: the last bin covers 30 s, during all of which the server is
    // busy, requests arrive at 100/s and the queue grows from 3000 to 4500.
    let out = run_replica(&saturated_world(90, 60), RandomStreams::new(1));
    let f = &out.facilities;
    assert_eq!(f.bins, 2);
    assert_eq!(
        f.count(1, 0, FacilityCounter::BusyNanos),
        secs(30).as_nanos()
    );
    assert_eq!(
        f.utilisation(1, 0),
        1.0,
        "the server was busy the whole 30 s"
    );
    let offered = FacilityMetric::Offered.value(f, 1, 0);
    assert!((offered - 100.0).abs() < 0.1, "offered {offered}/s");
    let queue = f.mean_queue(1, 0);
    assert!(
        (queue / (50.0 * 75.0) - 1.0).abs() < 0.01,
        "mean queue {queue}"
    );
}
