//! How a class spreads its requests over its buckets (issue 16, item 4): Zipf bucket
//! popularity favours the class's first-listed buckets by weight 1/rank^s, uniform
//! popularity spreads them evenly, through a whole run rather than the sampler alone.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration};
use s3sim_model::client::{Popularity, RedirectPolicy};
use s3sim_model::distribution::Delay;

/// Requests per bucket of a one-client class asking once a second for an hour over the
/// buckets `[2, 0, 1]` (listed in that order, all in us-east-1 and answering 200).
fn requests_per_bucket(popularity: Popularity) -> [u64; 3] {
    let mut w = world(
        vec![
            bucket("a", US_EAST_1, None),
            bucket("b", US_EAST_1, None),
            bucket("c", US_EAST_1, None),
        ],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(1, secs(1), RedirectPolicy::None)],
    );
    w.classes[0].buckets = vec![2, 0, 1];
    w.classes[0].popularity = popularity;
    w.trace_limit = 10_000;
    let out = s3sim_model::run_replica(&w, RandomStreams::new(11 + reseed()));
    assert_eq!(
        out.traces.len() as u64,
        out.completed,
        "every request traced"
    );
    let mut counts = [0u64; 3];
    for t in &out.traces {
        counts[t.bucket as usize] += 1;
    }
    counts
}

/// Assert that `counts[bucket]` is within 3.5 binomial standard deviations of the
/// share `p[bucket]` of all the requests.
fn assert_shares(counts: [u64; 3], p: [f64; 3]) {
    let n = counts.iter().sum::<u64>() as f64;
    assert!(n >= 3_000.0, "{counts:?}");
    for (count, p) in counts.iter().zip(p) {
        let (mean, sd) = (n * p, (n * p * (1.0 - p)).sqrt());
        assert!(
            (*count as f64 - mean).abs() <= 3.5 * sd,
            "{counts:?}: expected {mean:.0} ± {:.0}",
            3.5 * sd
        );
    }
}

/// Zipf(1) over a class's three buckets gives them weights 1, 1/2, 1/3 in the class's
/// order, shares 6/11, 3/11 and 2/11: bucket 2 (listed first) gets 6/11 of about 3600
/// requests, bucket 0 3/11 and bucket 1 2/11.
#[test]
fn zipf_bucket_popularity_favours_the_class_s_first_listed_buckets_by_rank() {
    let counts = requests_per_bucket(Popularity::Zipf(1.0));
    assert_shares(counts, [3.0 / 11.0, 2.0 / 11.0, 6.0 / 11.0]);
}

/// Uniform popularity gives each of the three buckets a third of the requests.
#[test]
fn uniform_bucket_popularity_gives_each_bucket_an_equal_share() {
    let counts = requests_per_bucket(Popularity::Uniform);
    assert_shares(counts, [1.0 / 3.0; 3]);
}
