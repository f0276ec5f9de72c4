//! What viewers do with a cached 307.

use super::*;

/// The legacy world with one viewer of `redirects` at 100 s (origin fetch) and one at
/// 200 s (cached 307).
fn redirected_viewers(redirects: RedirectPolicy, access_control: bool) -> ReplicaOutput {
    let mut w = new_bucket_behind_global_origin(RedirectCaching::Legacy);
    w.cdn.distributions[0].access_control = access_control;
    w.classes = vec![
        probe_from(VIRGINIA, SimTime::from_secs(100), 0, redirects.clone()),
        probe_from(VIRGINIA, SimTime::from_secs(200), 0, redirects),
    ];
    let out = run(&w);
    assert_eq!(total(&out, Counter::OriginFetches), 1);
    assert_eq!(total(&out, Counter::EdgeCached3xx), 1);
    out
}

#[test]
fn location_follower_is_bounced_from_the_cached_307_straight_to_s3() {
    let out = redirected_viewers(follow_location(), false);
    for c in 0..2 {
        let t = only(&out, c);
        assert_eq!(
            t.hosts,
            [Host::Distribution(0), Host::RedirectEndpoint(0, EU_WEST_1)]
        );
        assert_eq!(t.statuses, [TemporaryRedirect, Ok]);
    }
    // The cached hop, then the viewer's own lookup (21 ms) and 80 + 5 ms to eu-west-1.
    assert_eq!(latency(only(&out, 1)), ms(20 + 21 + 85));
}

#[test]
fn with_origin_access_control_the_direct_hop_is_denied() {
    let out = redirected_viewers(follow_location(), true);
    for c in 0..2 {
        let t = only(&out, c);
        assert_eq!(
            t.hosts,
            [Host::Distribution(0), Host::RedirectEndpoint(0, EU_WEST_1)]
        );
        assert_eq!(t.statuses, [TemporaryRedirect, Forbidden]);
    }
    assert_eq!(total(&out, Counter::Failed), 2);
}

#[test]
fn viewer_that_follows_nothing_ends_on_the_cached_307() {
    let out = redirected_viewers(RedirectPolicy::None, false);
    for c in 0..2 {
        let t = only(&out, c);
        assert_eq!(t.hosts, [Host::Distribution(0)]);
        assert_eq!(t.statuses, [TemporaryRedirect]);
    }
}
