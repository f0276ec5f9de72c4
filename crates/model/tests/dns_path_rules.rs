//! How a client's lookup goes through its process cache, stub and resolver
//! (`world/dns_path.rs`), pinned where a mutation run found no test (issue 16).
//!
//! Every world uses fixed delays and periodic arrivals, so the counts are exact.

mod common;

use common::*;
use s3sim_engine::RandomStreams;
use s3sim_model::client::{DnsCachePolicy, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::metrics::Counter;
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
