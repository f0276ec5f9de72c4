//! Rules of the resolvers' caches seen through whole runs, each found unpinned by a
//! mutation run (docs/testing.md).
//!
//! Every world uses fixed delays and periodic arrivals, so the numbers are exact.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimTime};
use s3sim_model::client::{Addressing, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::fault::Fault;
use s3sim_model::metrics::Counter;
use s3sim_model::response::Status;
use s3sim_model::run_replica;

/// A warm start only fills a cold cache: a warm-started resolver whose first copy of a
/// name has expired fetches it again and then answers from that copy for its TTL. One
/// client asks once a second for a name with S3's 5 s TTL, with no in-process cache;
/// whatever the warm start drew, every 10 s bin from 10 s to 50 s holds 10 resolver queries
/// of which exactly 2 are misses (one every 5 s) and 8 hits.
#[test]
fn a_warm_started_resolver_keeps_the_copies_it_fetches_after_the_start() {
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(secs(0)),
        vec![class(1, secs(1), RedirectPolicy::None)],
    );
    w.duration = secs(60);
    w.bin = secs(10);
    w.resolver_groups[0].warm_start = true;
    let out = run_replica(&w, RandomStreams::new(3));
    let bins = 1..5;
    let queries: Vec<u64> = bins
        .clone()
        .map(|b| out.metrics.count(b, 1, Counter::ResolverQueries))
        .collect();
    let hits: Vec<u64> = bins
        .map(|b| out.metrics.count(b, 1, Counter::ResolverHits))
        .collect();
    assert_eq!((queries, hits), (vec![10; 4], vec![8; 4]));
}

/// A warm start gives a resolver copies only of the names its clients ask from the
/// start. Its upstream is down from 50 s to 250 s (serve-stale on). A class asking for
/// the bucket's global name every 10 s from t = 0 is served stale throughout (200); a
/// class that starts at 105 s asking for the path-style name, which no one asked at the
/// start, gets SERVFAIL until the upstream is back, then 200.
#[test]
fn a_warm_start_holds_no_copy_of_a_name_first_asked_later() {
    let mut early = class(1, secs(10), RedirectPolicy::None);
    early.name = "early".into();
    let mut late = class(1, secs(10), RedirectPolicy::None);
    late.name = "late".into();
    late.start = SimTime::from_secs(105);
    late.addressing = Addressing::PathGlobal;
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(secs(0)),
        vec![early, late],
    );
    w.duration = secs(300);
    w.resolver_groups[0].warm_start = true;
    w.faults = vec![Fault::ResolverOutage {
        group: 0,
        at: SimTime::from_secs(50),
        duration: secs(200),
        serve_stale: true,
    }];
    let out = run_replica(&w, RandomStreams::new(3));
    let statuses = |class: u16| -> Vec<Status> {
        out.traces
            .iter()
            .filter(|t| t.class == class)
            .map(|t| t.statuses[0])
            .collect()
    };
    assert_eq!(statuses(0), vec![Status::Ok; 30], "at 0, 10, ..., 290 s");
    let mut late_statuses = vec![Status::DnsFailure; 15]; // 105, ..., 245 s
    late_statuses.extend([Status::Ok; 5]); // 255, ..., 295 s
    assert_eq!(statuses(1), late_statuses);
}
