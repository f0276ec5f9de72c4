//! SDK retries: how many tries a request makes, how long it waits between them, how
//! a token quota rations them, which statuses are never retried, and the 503
//! SlowDown a full facility answers with.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Arrivals, RedirectPolicy, RetryPolicy, RetryQuota};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::Host;
use s3sim_model::endpoints::OutageMode;
use s3sim_model::fault::Fault;
use s3sim_model::metrics::Counter;
use s3sim_model::metrics::facility::FacilityCounter;
use s3sim_model::response::Status::{self, *};
use s3sim_model::topology::Capacity;
use s3sim_model::world::ReplicaOutput;
use s3sim_model::{RequestTrace, WorldConfig, run_replica};

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

fn run(config: &WorldConfig) -> ReplicaOutput {
    let out = run_replica(config, RandomStreams::new(11));
    assert_eq!(out.issued, out.completed + out.in_flight);
    out
}

/// Traces in start order.
fn in_order(out: &ReplicaOutput) -> Vec<&RequestTrace> {
    let mut t: Vec<&RequestTrace> = out.traces.iter().collect();
    t.sort_by_key(|t| (t.started, t.class, t.client));
    t
}

fn retry(max_attempts: u8, base: u64, cap: u64, quota: Option<RetryQuota>) -> Option<RetryPolicy> {
    Some(RetryPolicy {
        max_attempts,
        base: ms(base),
        cap: ms(cap),
        quota,
    })
}

/// A bucket in us-east-1 since before the run, one client asking for it every
/// `every` from t = 1 s; DNS answers in zero time, the round trip is 10 ms.
fn retry_world(every: SimDuration, policy: Option<RetryPolicy>) -> WorldConfig {
    let mut c = class(1, every, RedirectPolicy::None);
    c.start = SimTime::from_secs(1);
    c.retry = policy;
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![c],
    );
    let resolver = &mut w.resolver_groups[0].config;
    (resolver.rtt, resolver.miss_rtt) = (SimDuration::ZERO, SimDuration::ZERO);
    w.trace_limit = 1_000_000;
    w
}

/// Facility use1 (us-east-1's only one) is down from `from` s for `secs_down` s.
fn outage(from: u64, secs_down: u64, mode: OutageMode) -> Fault {
    Fault::Outage {
        facility: 0,
        at: SimTime::from_secs(from),
        duration: secs(secs_down),
        mode,
        health_check: SimDuration::ZERO,
    }
}

// ---------------------------------------------------------------------------------
// Attempts

#[test]
fn every_request_makes_exactly_max_attempts_and_gives_up_when_the_facility_is_down() {
    let mut w = retry_world(secs(10), retry(4, 100, 1_000, None));
    w.classes[0].count = 5;
    w.faults = vec![outage(0, 100_000, OutageMode::Refused)];
    let out = run(&w);
    let requests = out.metrics.total(0, Counter::Requests);
    assert_eq!(requests, out.completed);
    assert!(requests >= 355, "{requests}");
    for t in &out.traces {
        assert_eq!(t.statuses, [ConnectionError; 4]);
        assert_eq!(t.hosts, [Host::BucketGlobal(0); 4]);
    }
    let total = |c| out.metrics.total(0, c);
    assert_eq!(total(Counter::Attempts), 4 * requests);
    assert_eq!(total(Counter::GaveUp), requests);
    assert_eq!(total(Counter::Failed), requests);
    assert_eq!(total(Counter::First(ConnectionError)), requests);
    assert_eq!(total(Counter::ExtraRoundTrips), 3 * requests);
}

#[test]
fn attempts_never_exceed_max_attempts_under_overload_and_outages() {
    // Poisson arrivals at 150/s into one server (10 ms mean service, 2 waiting at
    // most): 503s all along, plus a black-holed outage from 100 s to 130 s.
    let mut w = retry_world(secs(1), retry(3, 20, 200, None));
    w.duration = secs(300);
    w.classes[0].count = 150;
    w.classes[0].arrivals = Arrivals::Poisson {
        per_client_per_sec: 1.0,
    };
    w.classes[0].connect_timeout = secs(2);
    let f = &mut w.topology.facilities[0];
    f.service_time = Delay::Exponential { mean: ms(10) };
    f.capacity = Some(Capacity {
        servers: 1,
        queue_limit: 2,
    });
    w.faults = vec![outage(100, 30, OutageMode::BlackHoled)];
    let out = run(&w);
    let requests = out.metrics.total(0, Counter::Requests);
    assert_eq!(out.traces.len() as u64, requests, "every request traced");
    let mut tries = [0u64; 4];
    let mut gave_up = 0;
    for t in &out.traces {
        let n = t.statuses.len();
        assert!((1..=3).contains(&n), "{:?}", t.statuses);
        tries[n] += 1;
        // Every try but the last failed in a retryable way.
        assert!(t.statuses[..n - 1].iter().all(|s| s.is_retryable()));
        let last = t.statuses[n - 1];
        assert!(n == 3 || !last.is_retryable(), "{:?}", t.statuses);
        gave_up += u64::from(last.is_retryable());
    }
    let total = |c| out.metrics.total(0, c);
    assert_eq!(
        total(Counter::Attempts),
        tries[1] + 2 * tries[2] + 3 * tries[3]
    );
    assert_eq!(total(Counter::GaveUp), gave_up);
    assert!(tries[2] > 0 && tries[3] > 0 && gave_up > 0, "{tries:?}");
    assert!(total(Counter::First(SlowDown)) > 0 && total(Counter::First(Timeout)) > 0);
    println!("tries {tries:?}, gave up {gave_up} of {requests}");
}

// ---------------------------------------------------------------------------------
// Backoff

/// Time spent backing off, per request, against a facility that refuses every
/// connection: latency minus one 10 ms round trip per try (DNS is free here).
fn backoffs(policy: Option<RetryPolicy>) -> Vec<SimDuration> {
    let mut w = retry_world(secs(2), policy);
    w.faults = vec![outage(0, 100_000, OutageMode::Refused)];
    let out = run(&w);
    let tries = u64::from(policy.unwrap().max_attempts);
    in_order(&out)
        .into_iter()
        .map(|t| {
            assert_eq!(t.statuses.len() as u64, tries);
            let latency = t.finished.since(t.started).as_nanos();
            let network = ms(10).as_nanos() * tries;
            assert!(latency >= network);
            SimDuration::from_nanos(latency - network)
        })
        .collect()
}

/// Check that a sum of independent uniform backoffs on [0, b_k] has the right range
/// and mean (within four standard errors).
fn check_uniform_sum(waits: &[SimDuration], bounds_ms: &[f64]) -> (f64, f64) {
    let n = waits.len() as f64;
    let ms: Vec<f64> = waits.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    let bound: f64 = bounds_ms.iter().sum();
    let max = ms.iter().cloned().fold(0.0, f64::max);
    assert!(max <= bound, "{max} ms > {bound} ms");
    let mean = ms.iter().sum::<f64>() / n;
    let expected = bound / 2.0;
    let sd = (bounds_ms.iter().map(|b| b * b / 12.0).sum::<f64>() / n).sqrt();
    assert!(
        (mean - expected).abs() <= 4.0 * sd,
        "mean {mean} ms, expected {expected} ± {sd}"
    );
    (mean, max)
}

#[test]
fn one_retry_waits_uniformly_up_to_the_base() {
    let waits = backoffs(retry(2, 100, 20_000, None));
    assert_eq!(waits.len(), 1_800);
    let (mean, max) = check_uniform_sum(&waits, &[100.0]);
    // Full jitter covers the whole range.
    let min = waits.iter().min().unwrap().as_secs_f64() * 1e3;
    assert!(min < 1.0 && max > 99.0, "{min} .. {max} ms");
    let below_half = waits.iter().filter(|w| **w < ms(50)).count() as f64 / 1_800.0;
    assert!((below_half - 0.5).abs() < 0.05, "{below_half}");
    println!("one retry: mean {mean:.1} ms, range {min:.2} .. {max:.2} ms");
}

#[test]
fn backoff_bound_doubles_with_each_retry() {
    // Bounds 100, 200, 400 ms: the sum is at most 700 ms, with mean 350 ms. Were the
    // bound not to grow, no sum could pass 300 ms.
    let waits = backoffs(retry(4, 100, 20_000, None));
    let (mean, max) = check_uniform_sum(&waits, &[100.0, 200.0, 400.0]);
    let beyond_flat = waits.iter().filter(|w| **w > ms(300)).count();
    assert!(beyond_flat > 500, "{beyond_flat}");
    println!("three retries: mean {mean:.1} ms, max {max:.1} ms");
}

#[test]
fn backoff_bound_stops_at_the_cap() {
    // Bounds 100, 150, 150 ms: the sum is at most 400 ms (uncapped: 700 ms).
    let waits = backoffs(retry(4, 100, 150, None));
    let (mean, max) = check_uniform_sum(&waits, &[100.0, 150.0, 150.0]);
    println!("three capped retries: mean {mean:.1} ms, max {max:.1} ms");
}

// ---------------------------------------------------------------------------------
// Quota

fn quota() -> RetryQuota {
    RetryQuota {
        capacity: 12,
        retry_cost: 5,
        timeout_cost: 10,
        success_refund: 1,
    }
}

/// Tries per request, in start order.
fn tries(out: &ReplicaOutput) -> Vec<usize> {
    in_order(out).iter().map(|t| t.statuses.len()).collect()
}

#[test]
fn quota_stops_retries_once_its_tokens_are_spent_and_successes_refill_it() {
    // One long-lived client, a request every 10 s from 1 s; the facility refuses
    // connections from 0 to 200 s and from 270 s to 470 s.
    let mut w = retry_world(secs(10), retry(3, 10, 10, Some(quota())));
    w.duration = secs(600);
    w.faults = vec![
        outage(0, 200, OutageMode::Refused),
        outage(270, 200, OutageMode::Refused),
    ];
    let out = run(&w);
    let t = tries(&out);
    assert_eq!(t.len(), 60, "1, 11, ..., 591 s");
    // Outage 1 (requests at 1 .. 191 s): the first request retries twice (10 tokens
    // of 12), then 2 tokens cannot pay for a retry.
    assert_eq!(t[0], 3);
    assert_eq!(t[1..20], [1; 19]);
    // Up (201 .. 261 s): 7 successes refund 7 tokens: 12 − 10 + 7 = 9 left.
    assert_eq!(t[20..27], [1; 7]);
    assert!(in_order(&out)[20..27].iter().all(|t| t.statuses == [Ok]));
    // Outage 2 (271 .. 461 s): one retry (9 → 4 tokens), then none.
    assert_eq!(t[27], 2);
    assert_eq!(t[28..47], [1; 19]);
    assert_eq!(t[47..], [1; 13]);
    let total = |c| out.metrics.total(0, c);
    assert_eq!(total(Counter::Attempts), 60 + 2 + 1);
    assert_eq!(total(Counter::GaveUp), 40);
    // Without a quota every failed request takes its three tries.
    w.classes[0].retry = retry(3, 10, 10, None);
    let unlimited = run(&w);
    assert_eq!(unlimited.metrics.total(0, Counter::Attempts), 40 * 3 + 20);
}

#[test]
fn quota_charges_timeouts_more_than_other_failures() {
    // Black-holed from 0 to 200 s, connect timeout 1 s: a retry after a timeout costs
    // 10 tokens, so only the first request can afford one.
    let mut w = retry_world(secs(10), retry(3, 10, 10, Some(quota())));
    w.duration = secs(300);
    w.classes[0].connect_timeout = secs(1);
    w.faults = vec![outage(0, 200, OutageMode::BlackHoled)];
    let out = run(&w);
    let t = tries(&out);
    assert_eq!(t[0], 2);
    assert_eq!(t[1..20], [1; 19]);
    assert!(
        in_order(&out)[..20]
            .iter()
            .all(|t| t.statuses.iter().all(|&s| s == Timeout))
    );
    assert_eq!(out.metrics.total(0, Counter::Attempts), 30 + 1);
}

#[test]
fn each_client_process_has_its_own_quota() {
    // Two clients alternate (a request every 5 s overall); each has its own 12 tokens.
    let mut w = retry_world(secs(10), retry(3, 10, 10, Some(quota())));
    w.duration = secs(200);
    w.classes[0].count = 2;
    w.faults = vec![outage(0, 10_000, OutageMode::Refused)];
    let out = run(&w);
    let t = tries(&out);
    assert_eq!(t[..4], [3, 3, 1, 1]);
    assert!(t[2..].iter().all(|&n| n == 1));
}

// ---------------------------------------------------------------------------------
// What is never retried

#[test]
fn not_found_and_redirects_are_never_retried() {
    // The bucket appears in eu-west-1 at 600 s and the global name moves at 1200 s:
    // 404 before 600 s, 307 until 1200 s (the client ignores redirects), 200 after.
    // With five attempts allowed, neither failure is ever tried twice.
    let mut w = retry_world(secs(60), retry(5, 100, 1_000, None));
    w.buckets = vec![bucket("b", EU_WEST_1, Some(600))];
    w.dns.propagation = Delay::Fixed(secs(600));
    w.duration = secs(1_800);
    let out = run(&w);
    let traces = in_order(&out);
    for t in &traces {
        let s = t.started.as_nanos() / 1_000_000_000;
        let expected: Status = match s {
            ..600 => NotFound,
            600..1_200 => TemporaryRedirect,
            _ => Ok,
        };
        assert_eq!(t.statuses, [expected], "request at {s} s");
    }
    let total = |c| out.metrics.total(0, c);
    assert_eq!(total(Counter::Attempts), total(Counter::Requests));
    assert_eq!(total(Counter::GaveUp), 0);
    assert_eq!(total(Counter::First(NotFound)), 10);
    assert_eq!(total(Counter::First(TemporaryRedirect)), 10);
}

#[test]
fn a_followed_redirect_is_a_hop_not_a_retry() {
    let mut w = retry_world(secs(60), retry(5, 100, 1_000, None));
    w.buckets = vec![bucket("b", EU_WEST_1, None)];
    w.classes[0].addressing = s3sim_model::client::Addressing::PathGlobal;
    w.classes[0].redirects = RedirectPolicy::SdkRegion {
        cache: s3sim_model::client::RegionCache::None,
    };
    let out = run(&w);
    assert!(
        out.traces
            .iter()
            .all(|t| t.statuses == [MovedPermanently, Ok])
    );
    let total = |c| out.metrics.total(0, c);
    assert_eq!(total(Counter::Attempts), total(Counter::Requests));
    assert_eq!(total(Counter::ExtraRoundTrips), total(Counter::Requests));
}

// ---------------------------------------------------------------------------------
// 503 SlowDown

/// `n` clients (one per class) that ask at the same instants, once a second from 1 s,
/// for a bucket on a facility with one server and a 5 ms service time.
fn simultaneous_world(n: usize, queue_limit: u32, policy: Option<RetryPolicy>) -> WorldConfig {
    let mut w = retry_world(secs(1), policy);
    w.duration = secs(100);
    w.classes = vec![w.classes[0].clone(); n];
    w.topology.facilities[0].capacity = Some(Capacity {
        servers: 1,
        queue_limit,
    });
    w
}

#[test]
fn full_facility_answers_503_slowdown_and_the_retry_gets_through() {
    let out = run(&simultaneous_world(2, 0, retry(3, 100, 1_000, None)));
    let of = |class| out.traces.iter().filter(move |t| t.class == class);
    // Both reach the facility at once; the first is served, the second turned away.
    // Its retry comes at least 10 ms later (one round trip), after the 5 ms service.
    assert!(of(0).all(|t| t.statuses == [Ok]));
    assert!(of(1).all(|t| t.statuses == [SlowDown, Ok]));
    assert_eq!(of(1).count(), 99); // 1, 2, ..., 99 s (those of 100 s arrive too late)
    let f = &out.facilities;
    let total = |c| (0..f.bins).map(|b| f.count(b, 0, c)).sum::<u64>();
    assert_eq!(total(FacilityCounter::SlowDowns), 99);
    assert_eq!(total(FacilityCounter::Arrivals), 3 * 99);
    assert_eq!(total(FacilityCounter::Started), 2 * 99);
    assert_eq!(total(FacilityCounter::WaitNanos), 0);
    let m = |c| out.metrics.total(2, c);
    assert_eq!((m(Counter::Attempts), m(Counter::GaveUp)), (2 * 99, 0));
}

#[test]
fn without_retries_the_503_is_final() {
    let out = run(&simultaneous_world(2, 0, None));
    assert!(
        out.traces
            .iter()
            .filter(|t| t.class == 1)
            .all(|t| t.statuses == [SlowDown])
    );
    let m = |c| out.metrics.total(2, c);
    assert_eq!(m(Counter::GaveUp), m(Counter::Requests));
    assert_eq!(m(Counter::Failed), 99);
}

#[test]
fn queue_holds_queue_limit_requests_and_turns_away_the_next() {
    // Three at once, one server, one place in the queue: served, queued 5 ms, 503.
    let out = run(&simultaneous_world(3, 1, None));
    let latency = |class| {
        let t: Vec<_> = out.traces.iter().filter(|t| t.class == class).collect();
        assert!(t.iter().all(|x| x.statuses == t[0].statuses));
        (t[0].statuses.clone(), t[0].finished.since(t[0].started))
    };
    assert_eq!(latency(0), (vec![Ok], ms(15)));
    assert_eq!(latency(1), (vec![Ok], ms(20)));
    assert_eq!(latency(2), (vec![SlowDown], ms(10)));
    let f = &out.facilities;
    let total = |c| (0..f.bins).map(|b| f.count(b, 0, c)).sum::<u64>();
    assert_eq!(total(FacilityCounter::SlowDowns), 99);
    assert_eq!(total(FacilityCounter::WaitNanos), 99 * ms(5).as_nanos());
    assert_eq!(total(FacilityCounter::Started), 2 * 99);
}
