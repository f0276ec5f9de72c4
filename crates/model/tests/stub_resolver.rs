//! A client host's stub resolver (docs/domain.md §3): exact query counts per lookup,
//! NXDOMAIN shares and lookup latencies for search domains, `ndots`, AAAA and the
//! trailing dot.
//!
//! The world: bucket `traces` in us-east-1, addressed `traces.s3.us-east-1.amazonaws.com`
//! (4 dots); one client asking every 10 s for an hour (361 lookups, t = 0 to 3600 s,
//! none cached in process); one resolver with rtt 1 ms, miss_rtt 20 ms, negative TTL 60 s, and S3's
//! 5 s record TTL, so the name's A record is a miss at every lookup.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::WorldConfig;
use s3sim_model::client::Addressing;
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{Host, QueryTypes, StubResolver};
use s3sim_model::metrics::Counter;
use s3sim_model::response::Status;
use s3sim_model::world::{run_replica, trace_request};

const LOOKUPS: u64 = 361;

fn kubernetes(ndots: u8) -> StubResolver {
    StubResolver {
        search: vec![0, 1, 2],
        ndots,
        types: QueryTypes::AAndAaaa,
        trailing_dot: false,
    }
}

fn config(stub: StubResolver) -> WorldConfig {
    let mut c = class(1, secs(10), follow_location());
    c.addressing = Addressing::VirtualRegional;
    c.stub = stub;
    let buckets = vec![bucket("traces", US_EAST_1, None)];
    world(buckets, Delay::Fixed(SimDuration::ZERO), vec![c])
}

/// (resolver lookups, queries, NXDOMAIN answers) over the run.
fn counts(stub: StubResolver) -> (u64, u64, u64) {
    let out = run_replica(&config(stub), RandomStreams::new(1));
    let total = |c| out.metrics.total(0, c);
    (
        total(Counter::ResolverQueries),
        total(Counter::DnsQueries),
        total(Counter::DnsNxDomain),
    )
}

/// The DNS latency of the `nth` request's lookup, in ms.
fn lookup_ms(stub: StubResolver, nth: usize) -> u64 {
    let trace = trace_request(&config(stub), RandomStreams::new(1), 0, SimTime::ZERO, nth)
        .expect("the request completes");
    assert_eq!(trace.statuses, [Status::Ok]);
    assert_eq!(trace.hosts, [Host::BucketRegional(0, US_EAST_1)]);
    let lookup = trace.hops[0].lookup.expect("a DNS lookup");
    lookup.latency.as_nanos() / 1_000_000
}

#[test]
fn a_kubernetes_pod_sends_eight_queries_per_lookup_six_of_them_nxdomain() {
    // 4 dots < ndots 5: three searched names, then the name, each A + AAAA.
    assert_eq!(counts(kubernetes(5)), (LOOKUPS, 8 * LOOKUPS, 6 * LOOKUPS));
}

#[test]
fn the_default_stub_sends_one_a_query_per_lookup() {
    assert_eq!(counts(StubResolver::default()), (LOOKUPS, LOOKUPS, 0));
}

#[test]
fn a_trailing_dot_or_ndots_below_the_names_dots_leaves_only_a_and_aaaa() {
    let dotted = StubResolver {
        trailing_dot: true,
        ..kubernetes(5)
    };
    assert_eq!(counts(dotted), (LOOKUPS, 2 * LOOKUPS, 0));
    assert_eq!(counts(kubernetes(2)), (LOOKUPS, 2 * LOOKUPS, 0));
    let a_only = StubResolver {
        types: QueryTypes::AOnly,
        ..kubernetes(5)
    };
    assert_eq!(counts(a_only), (LOOKUPS, 4 * LOOKUPS, 3 * LOOKUPS));
}

#[test]
fn searched_names_cost_a_round_trip_each_and_a_miss_only_when_their_negative_answer_expired() {
    // t = 0: four rounds of misses, 4 × 21 ms. t = 10 s: the searched names' and the
    // AAAA's negative answers are cached (60 s): 3 × 1 ms, then the A miss 21 ms.
    // t = 60 s: the negative answers expired at 60 s: 84 ms again.
    let pod = |nth| lookup_ms(kubernetes(5), nth);
    assert_eq!(
        [pod(0), pod(1), pod(5), pod(6), pod(7)],
        [84, 24, 24, 84, 24]
    );
    let dotted = StubResolver {
        trailing_dot: true,
        ..kubernetes(5)
    };
    assert_eq!(
        [lookup_ms(dotted.clone(), 0), lookup_ms(dotted, 1)],
        [21, 21]
    );
    assert_eq!(lookup_ms(StubResolver::default(), 1), 21);
}

#[test]
fn a_name_that_does_not_exist_tries_the_search_list_after_itself() {
    // ndots 1: `traces.s3.amazonaws.com` (3 dots) first; NXDOMAIN (a bucket not yet
    // created), then every searched name: 4 names × (A + AAAA), all NXDOMAIN.
    let mut c = config(kubernetes(1));
    c.classes[0].addressing = Addressing::VirtualGlobal;
    c.dns.missing_bucket_nxdomain = true;
    c.buckets[0].created_at = Some(SimTime::from_secs(7200));
    let out = run_replica(&c, RandomStreams::new(1));
    let total = |counter| out.metrics.total(0, counter);
    assert_eq!(total(Counter::ResolverQueries), LOOKUPS);
    assert_eq!(
        total(Counter::First(Status::NxDomain)),
        total(Counter::Requests)
    );
    assert_eq!(
        (total(Counter::DnsQueries), total(Counter::DnsNxDomain)),
        (8 * LOOKUPS, 8 * LOOKUPS)
    );
}
