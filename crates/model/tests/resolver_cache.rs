//! Rules of the resolvers' caches seen through whole runs, each found unpinned by a
//! mutation run (docs/testing.md).
//!
//! Every world uses fixed delays and periodic arrivals, so the numbers are exact.

mod common;

use common::*;
use s3sim_engine::RandomStreams;
use s3sim_model::client::RedirectPolicy;
use s3sim_model::distribution::Delay;
use s3sim_model::metrics::Counter;
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
