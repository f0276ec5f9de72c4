//! A key the origin bucket does not hold, through the CDN (docs/domain.md §1, §4): S3
//! answers 404 NoSuchKey, which the edge always caches for the error-caching minimum
//! TTL (10 s by default); without `s3:ListBucket` it answers 403 AccessDenied, which
//! the edge caches only with the origin's `max-age`.

use super::*;

/// Bucket `site` in us-east-1 holding only `index.html` (key 0); key 1, `nope`, is
/// asked for but missing. Behind a regional origin, no DNS change.
fn missing_key_world(list_bucket: bool) -> WorldConfig {
    let mut d = distribution(Origin::Regional);
    d.list_bucket = list_bucket;
    let mut w = cdn_world(bucket("site", US_EAST_1, None), d);
    w.objects = Objects::build(
        vec![vec!["index.html".into()]],
        &[None],
        &["nope".to_string()],
        1,
    );
    // Probes as in the cached-404 test of a bucket not created yet: the 404 fetched
    // at 100.010 s is stored at 100.038 s for 10 s.
    let expires = at(110, 38);
    w.classes = vec![
        probe(SimTime::from_secs(100), 1),
        probe(SimTime::from_secs(105), 1),
        probe_at_edge(expires - ONE_NS, 1),
        probe_at_edge(expires, 1),
        probe(SimTime::from_secs(120), 0),
    ];
    w
}

#[test]
fn a_missing_key_is_404_and_the_edge_keeps_it_for_exactly_the_error_minimum_ttl() {
    let out = run(&missing_key_world(true));
    let statuses: Vec<&[Status]> = (0..5).map(|c| &only(&out, c).statuses[..]).collect();
    assert_eq!(
        statuses,
        [[NotFound], [NotFound], [NotFound], [NotFound], [Ok]]
    );
    let latencies: Vec<SimDuration> = (0..4).map(|c| latency(only(&out, c))).collect();
    assert_eq!(latencies, [MISS_USE1, HIT, HIT, MISS_USE1]);
    assert_eq!(total(&out, Counter::OriginFetches), 3);
    assert_eq!(total(&out, Counter::Origin(NotFound)), 2);
    assert_eq!(total(&out, Counter::EdgeHits), 2);
}

#[test]
fn a_missing_key_without_list_bucket_is_403_and_never_cached_without_max_age() {
    let out = run(&missing_key_world(false));
    let statuses: Vec<&[Status]> = (0..5).map(|c| &only(&out, c).statuses[..]).collect();
    assert_eq!(
        statuses,
        [[Forbidden], [Forbidden], [Forbidden], [Forbidden], [Ok]]
    );
    // The two probes 1 ns apart share one fetch (simultaneous misses collapse).
    assert_eq!(total(&out, Counter::OriginFetches), 4);
    assert_eq!(total(&out, Counter::Origin(Forbidden)), 3);
    assert_eq!(total(&out, Counter::EdgeHits), 0);
}

#[test]
fn a_403_for_a_missing_key_is_cached_for_the_origin_s_max_age() {
    let mut w = missing_key_world(false);
    w.cdn.distributions[0].cache_control.error = max_age(secs(60));
    let out = run(&w);
    let statuses: Vec<&[Status]> = (0..4).map(|c| &only(&out, c).statuses[..]).collect();
    assert_eq!(statuses, [[Forbidden]; 4]);
    // One fetch at 100 s, kept 60 s: every later probe of the key is a hit.
    assert_eq!(total(&out, Counter::Origin(Forbidden)), 1);
    assert_eq!(total(&out, Counter::EdgeHits), 3);
}
