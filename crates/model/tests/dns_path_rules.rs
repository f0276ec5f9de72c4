//! How a client's lookup goes through its process cache, stub and resolver
//! (`world/dns_path.rs`), pinned where a mutation run found no test (issue 16).
//!
//! Every world uses fixed delays and periodic arrivals, so the counts are exact.

mod common;

use common::*;
use s3sim_engine::RandomStreams;
use s3sim_model::client::{Arrivals, DnsCachePolicy, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::fault::Fault;
use s3sim_model::metrics::Counter;
use s3sim_model::response::Status::DnsFailure;
use s3sim_model::run_replica;

/// A client that keeps its first answer forever asks once a minute for a bucket whose
/// DNS settled long before the run: its copy is the published record's own version, so
/// none of its 15 lookups (one from the resolver, 14 from its process) is stale.
#[test]
fn an_answer_from_the_process_cache_of_the_current_record_is_not_stale() {
    let mut w = world(
        vec![bucket("b", EU_WEST_1, None)],
        Delay::Fixed(secs(600)),
        vec![class(1, secs(60), RedirectPolicy::None)],
    );
    w.duration = secs(899);
    w.classes[0].dns = DnsCachePolicy::Forever;
    let out = run_replica(&w, RandomStreams::new(3));
    assert_eq!(out.metrics.total(1, Counter::Lookups), 15);
    assert_eq!(out.metrics.total(1, Counter::ResolverQueries), 1);
    assert_eq!(out.metrics.total(1, Counter::StaleLookups), 0);
}

/// A warm-started resolver holds at t = 0 only the names the clients ask from the
/// start. With CNAME chains, a name first asked at 100 s, during an upstream outage
/// that serves stale answers, finds no copy at all, not even an expired one: the
/// lookup fails (SERVFAIL), as it does without a warm start.
#[test]
fn a_warm_start_holds_no_copy_of_a_chained_name_nobody_asks_from_the_start() {
    for warm_start in [false, true] {
        let mut w = world(
            vec![bucket("b", EU_WEST_1, None)],
            Delay::Fixed(secs(0)),
            vec![class(1, secs(3600), RedirectPolicy::None)],
        );
        w.duration = secs(200);
        w.dns.cname_ttl = Some(secs(300));
        w.resolver_groups[0].warm_start = warm_start;
        w.classes[0].start = s3sim_engine::SimTime::from_secs(100);
        w.faults = vec![Fault::ResolverOutage {
            group: 0,
            at: s3sim_engine::SimTime::from_secs(50),
            duration: secs(1000),
            serve_stale: true,
        }];
        let out = run_replica(&w, RandomStreams::new(3));
        assert_eq!(out.traces.len(), 1);
        assert_eq!(
            out.traces[0].statuses,
            [DnsFailure],
            "warm start {warm_start}"
        );
    }
}

/// A warm start gives each held CNAME link a remaining life uniform on (0, T], not a
/// whole TTL from t = 0. 50 clients, each on its own resolver, ask once a second for a
/// chained name (link TTL T = 300 s, A records 3600 s): each resolver holds the link at
/// t = 0 with probability λT / (1 + λT) = 300/301 and refetches it once before 300 s,
/// when its remaining life ends. The A records, drawn apart, expire before 300 s with
/// probability 1/12 each. So the resolver misses before 300 s number about 50 (at
/// least 30 but with a probability below 1e-12), while links that all lived a whole
/// TTL would leave only the A records' misses, Binomial(50, 1/12) (30 or more with a
/// probability below 1e-20).
#[test]
fn a_warm_started_link_lives_a_uniform_part_of_its_ttl() {
    let mut w = world(
        vec![bucket("b", EU_WEST_1, None)],
        Delay::Fixed(secs(0)),
        vec![class(50, secs(1), RedirectPolicy::None)],
    );
    w.duration = secs(600);
    w.dns.cname_ttl = Some(secs(300));
    w.dns.record_ttl = secs(3600);
    w.resolver_groups = vec![resolvers(50, secs(86_400))];
    w.resolver_groups[0].warm_start = true;
    w.classes[0].resolvers = 0..50;
    w.trace_limit = 0;
    let out = run_replica(&w, RandomStreams::new(3));
    let misses = |bins: std::ops::Range<usize>| -> u64 {
        bins.map(|b| {
            out.metrics.count(b, 1, Counter::ResolverQueries)
                - out.metrics.count(b, 1, Counter::ResolverHits)
        })
        .sum()
    };
    let early = misses(0..5);
    assert!(early >= 30, "{early} misses before 300 s");
}

/// Each resolver draws its warm-started regional A records from a stream of its own:
/// 50 resolvers holding a chained name's A records (TTL 3600 s, held with probability
/// 3600/3601 at one query a second) see them expire at 50 independent uniform times
/// over the hour, so their refetches fall in many of the hour's 60 one-minute bins (50
/// uniform draws over 60 bins hit fewer than 15 bins with a probability below 1e-12).
/// Resolvers sharing one stream would all refetch in the same minute or two.
#[test]
fn each_resolver_draws_its_warm_a_records_apart() {
    let mut w = world(
        vec![bucket("b", EU_WEST_1, None)],
        Delay::Fixed(secs(0)),
        vec![class(50, secs(1), RedirectPolicy::None)],
    );
    w.duration = secs(3599);
    w.dns.cname_ttl = Some(secs(86_400));
    w.dns.record_ttl = secs(3600);
    w.resolver_groups = vec![resolvers(50, secs(86_400))];
    w.resolver_groups[0].warm_start = true;
    w.classes[0].resolvers = 0..50;
    w.trace_limit = 0;
    let out = run_replica(&w, RandomStreams::new(3));
    let bins_with_misses = (0..60)
        .filter(|&b| {
            out.metrics.count(b, 1, Counter::ResolverQueries)
                > out.metrics.count(b, 1, Counter::ResolverHits)
        })
        .count();
    assert!(bins_with_misses >= 15, "misses in {bins_with_misses} bins");
}

/// A warm start draws the regional A records two chained names share once, with the
/// rate of the first name asked for them; the other name's first query finds them as
/// they are. 50 resolvers each get one query a second for bucket `a`'s global name
/// from t = 0, which warms their links and the shared A records (TTL a day, held with
/// probability 86400/86401, expiring within the hour with probability 1/24). Bucket
/// `b` (same region) is asked by a class ramping from one query a day to one a second
/// per client over the hour; its links (TTL a year: held with probability 365/366) are
/// warmed at its first query. So `b`'s class misses at a resolver only if its link was
/// not held or `a`'s A records expired before: Binomial(50, p) with p below 0.045, 12
/// or more with a probability below 1e-4. Drawn again with `b`'s rate (λT = 1: held
/// with probability 1/2), the A records would be missing at about half of the
/// resolvers at `b`'s first query.
#[test]
fn a_warm_start_draws_shared_regional_a_records_once() {
    let (day, year) = (secs(86_400), secs(365 * 86_400));
    let mut w = world(
        vec![bucket("a", EU_WEST_1, None), bucket("b", EU_WEST_1, None)],
        Delay::Fixed(secs(0)),
        vec![
            class(50, secs(1), RedirectPolicy::None),
            class(50, secs(1), RedirectPolicy::None),
        ],
    );
    w.duration = secs(3599);
    w.dns.cname_ttl = Some(year);
    w.dns.record_ttl = day;
    w.resolver_groups = vec![resolvers(50, year)];
    w.resolver_groups[0].warm_start = true;
    w.classes[0].resolvers = 0..50;
    let b = &mut w.classes[1];
    b.resolvers = 0..50;
    b.buckets = vec![1];
    b.arrivals = Arrivals::PoissonRamp {
        from_per_client_per_sec: 1.0 / 86_400.0,
        to_per_client_per_sec: 1.0,
    };
    b.stop = s3sim_engine::SimTime::from_secs(3600);
    w.trace_limit = 0;
    let out = run_replica(&w, RandomStreams::new(3));
    let misses = out.metrics.total(2, Counter::ResolverQueries)
        - out.metrics.total(2, Counter::ResolverHits);
    assert!(misses < 12, "{misses} resolver misses for bucket b");
}
