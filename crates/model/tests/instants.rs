//! Rules of the model at exact instants, each found unpinned by a mutation run
//! (docs/testing.md): every interval the model keeps is half-open, `[from, until)`.
//! A bucket exists from its creation to its deletion and again from its re-creation; a
//! cached DNS answer is used strictly before its expiry; a record TTL change and a
//! redirect endpoint's retirement apply from their own instant on.
//!
//! Each test asks at the instant and one nanosecond before it, through public APIs only.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::bucket::{Bucket, Recreation};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{
    Answer, Authoritative, DnsConfig, Host, Resolver, ResolverConfig, Target, Upstream,
};
use s3sim_model::endpoints::Endpoints;

fn at(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

/// The instant one nanosecond before `t`.
fn before(t: SimTime) -> SimTime {
    SimTime::from_nanos(t.as_nanos() - 1)
}

fn zone(buckets: &[Bucket]) -> Authoritative {
    let dns = DnsConfig {
        record_ttl: secs(5),
        propagation: Delay::Fixed(SimDuration::ZERO),
        propagation_cap: secs(86_400),
        missing_bucket_nxdomain: true,
        cname_ttl: None,
    };
    Authoritative::new(dns, US_EAST_1, buckets, RandomStreams::new(1))
}

/// A bucket created in eu-west-1 at 100 s, deleted at 200 s and created again in
/// ap-east-1 at 300 s exists in `[100, 200)` in eu-west-1 and from 300 s in ap-east-1,
/// in S3's own view (`region_at`, `exists_at`) and in the authoritative zone's global
/// record, whose version counts the changes.
#[test]
fn a_bucket_exists_from_its_creation_until_its_deletion_and_again_from_its_re_creation() {
    let b = Bucket {
        name: "logs".into(),
        region: EU_WEST_1,
        created_at: Some(at(100)),
        deleted_at: Some(at(200)),
        location_constraint: true,
        recreated: Some(Recreation {
            at: at(300),
            region: AP_EAST_1,
        }),
    };
    let instants = [
        before(at(100)),
        at(100),
        before(at(200)),
        at(200),
        before(at(300)),
        at(300),
    ];
    let regions: Vec<Option<u16>> = instants.iter().map(|&t| b.region_at(t)).collect();
    assert_eq!(
        regions,
        [
            None,
            Some(EU_WEST_1),
            Some(EU_WEST_1),
            None,
            None,
            Some(AP_EAST_1)
        ]
    );
    let exists: Vec<bool> = instants.iter().map(|&t| b.exists_at(t)).collect();
    assert_eq!(exists, [false, true, true, false, false, true]);
    let zone = zone(std::slice::from_ref(&b));
    let global: Vec<(Target, u16)> = instants
        .iter()
        .map(|&t| zone.truth(Host::BucketGlobal(0), t))
        .collect();
    assert_eq!(
        global,
        [
            (Target::NxDomain, 0),
            (Target::Region(EU_WEST_1), 1),
            (Target::Region(EU_WEST_1), 1),
            (Target::NxDomain, 2),
            (Target::NxDomain, 2),
            (Target::Region(AP_EAST_1), 3),
        ]
    );
    let settled = Bucket {
        created_at: None,
        deleted_at: None,
        recreated: None,
        ..b
    };
    assert_eq!(settled.region_at(SimTime::ZERO), Some(EU_WEST_1));
}

/// A resolver that caches S3's path-style name for 60 s (fetched at 10 s) answers from
/// its cache up to the last nanosecond before 70 s and asks the authoritative side
/// again at 70 s itself; the new copy expires at 130 s.
#[test]
fn a_resolver_uses_its_copy_strictly_before_the_copy_expires() {
    let topology = topology();
    let endpoints = Endpoints::new(&topology);
    let zone = zone(&[]);
    let config = ResolverConfig {
        min_ttl: secs(60),
        max_ttl: secs(60),
        negative_ttl: secs(60),
        rtt: SimDuration::from_millis(1),
        miss_rtt: SimDuration::from_millis(20),
    };
    let mut rng = RandomStreams::new(1).stream("test", 0);
    let mut resolver = Resolver::new(0);
    let mut ask = |t| resolver.query(&config, &zone, &endpoints, Host::PathGlobal, t, &mut rng);
    let first = ask(at(10));
    assert_eq!((first.hit, first.record.expires), (false, at(70)));
    let last_hit = ask(before(at(70)));
    assert_eq!((last_hit.hit, last_hit.record), (true, first.record));
    let refetch = ask(at(70));
    assert_eq!((refetch.hit, refetch.record.expires), (false, at(130)));
    assert_eq!(refetch.latency, SimDuration::from_millis(21));
}

/// A resolver that has lost its upstream and serves stale (RFC 8767) serves its
/// expired copy from the copy's expiry instant on, for 30 s each time, and a flushed
/// one has nothing to serve: SERVFAIL, not counted as a cache hit.
#[test]
fn serve_stale_starts_at_the_copy_s_expiry_and_needs_a_copy() {
    let topology = topology();
    let endpoints = Endpoints::new(&topology);
    let zone = zone(&[]);
    let config = ResolverConfig {
        min_ttl: secs(60),
        max_ttl: secs(60),
        negative_ttl: secs(60),
        rtt: SimDuration::from_millis(1),
        miss_rtt: SimDuration::from_millis(20),
    };
    let mut rng = RandomStreams::new(1).stream("test", 0);
    let mut resolver = Resolver::new(0);
    let fresh = resolver
        .query(
            &config,
            &zone,
            &endpoints,
            Host::PathGlobal,
            at(0),
            &mut rng,
        )
        .record;
    assert!(matches!(fresh.answer, Answer::Ip(_)));
    resolver.set_upstream(Upstream::Unreachable { serve_stale: true });
    let mut ask = |resolver: &mut Resolver, t| {
        resolver.query(&config, &zone, &endpoints, Host::PathGlobal, t, &mut rng)
    };
    let cached = ask(&mut resolver, before(at(60)));
    assert_eq!((cached.hit, cached.record), (true, fresh));
    let stale = ask(&mut resolver, at(60));
    assert_eq!(
        (stale.hit, stale.record.answer, stale.record.expires),
        (true, fresh.answer, at(90))
    );
    resolver.flush();
    let failed = ask(&mut resolver, at(61));
    assert_eq!(
        (failed.hit, failed.record.answer),
        (false, Answer::ServFail)
    );
}

/// A record TTL change applies from its own instant: S3's 5 s before it, the new TTL
/// at it.
#[test]
fn a_record_ttl_change_applies_from_its_instant() {
    let mut zone = zone(&[]);
    zone.change_record_ttl(at(100), secs(300));
    assert_eq!(
        [zone.record_ttl(before(at(100))), zone.record_ttl(at(100))],
        [secs(5), secs(300)]
    );
}

/// A retired redirect endpoint (`bucket.s3-external-1`-style names) answers NXDOMAIN
/// from its retirement instant on, and only for the retired region's name.
#[test]
fn a_retired_redirect_endpoint_is_nxdomain_from_its_retirement_and_only_in_its_region() {
    let mut zone = zone(&[]);
    zone.retire_endpoint(EU_WEST_1, at(100));
    let seen = |host, t| zone.seen_by(0, host, t);
    assert_eq!(
        [
            seen(Host::RedirectEndpoint(0, EU_WEST_1), before(at(100))),
            seen(Host::RedirectEndpoint(0, EU_WEST_1), at(100)),
            seen(Host::RedirectEndpoint(0, AP_EAST_1), at(100)),
        ],
        [
            (Target::Region(EU_WEST_1), 0),
            (Target::NxDomain, 1),
            (Target::Region(AP_EAST_1), 0),
        ]
    );
    assert_eq!(
        zone.truth(Host::RedirectEndpoint(0, EU_WEST_1), at(100)),
        (Target::NxDomain, 1)
    );
}
