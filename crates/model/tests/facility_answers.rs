//! What S3's front end answers (`facility.rs`), pinned where a mutation run found no
//! test (issue 16): the 307 of a facility that has not learned of a bucket's creation
//! carries the bucket's region, which an SDK reads.
//!
//! Every world uses fixed delays, so the statuses are exact.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{RedirectPolicy, RegionCache};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::Host;
use s3sim_model::response::Status::*;
use s3sim_model::{RequestTrace, run_replica};

/// An SDK's GET of bucket `new`, created in us-east-1 at 60 s, sent at `start` seconds
/// by its global name; each facility learns of the creation 600 s after it, and DNS
/// settles at once.
fn sdk_get(start: u64) -> RequestTrace {
    let sdk = RedirectPolicy::SdkRegion {
        cache: RegionCache::None,
    };
    let mut w = world(
        vec![bucket("new", US_EAST_1, Some(60))],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(1, secs(3600), sdk)],
    );
    w.learning_delay = Delay::Fixed(secs(600));
    w.classes[0].start = SimTime::from_secs(start);
    w.trace_limit = 1;
    run_replica(&w, RandomStreams::new(1)).traces.remove(0)
}

/// A facility that has not learned of the bucket yet answers 307 with
/// `x-amz-bucket-region`: the SDK re-addresses the GET to the regional name of that
/// region, once (its one region redirect), and the facility there has not learned
/// either. Once it has, the global name gets 200.
#[test]
fn an_unlearned_facility_s_307_names_the_bucket_s_region_for_an_sdk() {
    let t = sdk_get(120);
    assert_eq!(t.statuses, [TemporaryRedirect, TemporaryRedirect]);
    assert_eq!(
        t.hosts,
        [Host::BucketGlobal(0), Host::BucketRegional(0, US_EAST_1)]
    );
    assert_eq!(sdk_get(661).statuses, [Ok]);
}
