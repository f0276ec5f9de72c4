//! One test per row of docs/domain.md §1: the exact statuses a request sees, hop by hop.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Addressing, MethodMix, RedirectPolicy, RegionCache};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::Host;
use s3sim_model::fault::Fault;
use s3sim_model::response::Method::{self, Get, Head, HeadBucket};
use s3sim_model::response::Status::{self, *};
use s3sim_model::{RequestTrace, WorldConfig, run_replica};

fn traces(config: &WorldConfig) -> Vec<RequestTrace> {
    run_replica(config, RandomStreams::new(1)).traces
}

/// The first request of a single periodic client, started at `start` seconds.
fn first_request(config: &mut WorldConfig, start: u64) -> RequestTrace {
    config.classes[0].start = SimTime::from_secs(start);
    config.trace_limit = 1;
    traces(config).remove(0)
}

fn new_bucket_world(region: u16, redirects: RedirectPolicy) -> WorldConfig {
    // Created at t = 60 s; the global name flips for the (only) resolver at 60 + 600 s.
    world(
        vec![bucket("photos", region, Some(60))],
        Delay::Fixed(secs(600)),
        vec![class(1, secs(3600), redirects)],
    )
}

fn statuses(t: &RequestTrace) -> &[Status] {
    &t.statuses
}

#[test]
fn new_bucket_on_global_name_gets_307_to_the_regional_endpoint_then_200() {
    let mut w = new_bucket_world(EU_WEST_1, follow_location());
    let t = first_request(&mut w, 120);
    assert_eq!(statuses(&t), [TemporaryRedirect, Ok]);
    assert_eq!(
        t.hosts,
        [Host::BucketGlobal(0), Host::RedirectEndpoint(0, EU_WEST_1)]
    );
}

#[test]
fn temporary_redirect_code_can_be_302() {
    let mut w = new_bucket_world(EU_WEST_1, follow_location());
    w.rules.temporary_redirect = Found;
    assert_eq!(statuses(&first_request(&mut w, 120)), [Found, Ok]);
}

#[test]
fn after_propagation_the_global_name_reaches_the_bucket_directly() {
    let mut w = new_bucket_world(EU_WEST_1, follow_location());
    assert_eq!(statuses(&first_request(&mut w, 661)), [Ok]);
}

#[test]
fn bucket_in_the_default_region_never_redirects() {
    let mut w = new_bucket_world(US_EAST_1, follow_location());
    assert_eq!(statuses(&first_request(&mut w, 120)), [Ok]);
}

#[test]
fn client_that_ignores_redirects_fails_on_the_307() {
    let mut w = new_bucket_world(EU_WEST_1, RedirectPolicy::None);
    assert_eq!(statuses(&first_request(&mut w, 120)), [TemporaryRedirect]);
}

#[test]
fn opt_in_region_answers_400_which_location_followers_cannot_fix() {
    let mut w = new_bucket_world(AP_EAST_1, follow_location());
    assert_eq!(statuses(&first_request(&mut w, 120)), [BadRequest]);
}

#[test]
fn sdk_learns_the_opt_in_region_from_the_400_and_retries_regionally() {
    let mut w = new_bucket_world(
        AP_EAST_1,
        RedirectPolicy::SdkRegion {
            cache: RegionCache::Forever,
        },
    );
    let t = first_request(&mut w, 120);
    assert_eq!(statuses(&t), [BadRequest, Ok]);
    assert_eq!(t.hosts[1], Host::BucketRegional(0, AP_EAST_1));
}

#[test]
fn path_style_global_request_to_a_located_bucket_gets_301_without_location() {
    let mut w = new_bucket_world(EU_WEST_1, follow_location());
    w.classes[0].addressing = Addressing::PathGlobal;
    // 301 carries no Location, so even a follower stops there; long after propagation too.
    assert_eq!(statuses(&first_request(&mut w, 3000)), [MovedPermanently]);
}

#[test]
fn sdk_turns_the_path_style_301_into_a_regional_path_style_request() {
    let mut w = new_bucket_world(
        EU_WEST_1,
        RedirectPolicy::SdkRegion {
            cache: RegionCache::None,
        },
    );
    w.classes[0].addressing = Addressing::PathGlobal;
    let t = first_request(&mut w, 3000);
    assert_eq!(statuses(&t), [MovedPermanently, Ok]);
    assert_eq!(t.hosts, [Host::PathGlobal, Host::PathRegional(EU_WEST_1)]);
}

#[test]
fn path_style_global_request_to_a_default_region_bucket_succeeds() {
    let mut w = new_bucket_world(US_EAST_1, follow_location());
    w.classes[0].addressing = Addressing::PathGlobal;
    assert_eq!(statuses(&first_request(&mut w, 120)), [Ok]);
}

#[test]
fn regional_addressing_never_sees_the_propagation_redirect() {
    let mut w = new_bucket_world(EU_WEST_1, RedirectPolicy::None);
    w.classes[0].addressing = Addressing::VirtualRegional;
    assert_eq!(statuses(&first_request(&mut w, 61)), [Ok]);
}

#[test]
fn bucket_that_does_not_exist_yet_gets_404() {
    let mut w = new_bucket_world(EU_WEST_1, follow_location());
    assert_eq!(statuses(&first_request(&mut w, 30)), [NotFound]);
}

#[test]
fn missing_bucket_is_nxdomain_when_the_wildcard_is_switched_off() {
    let mut w = new_bucket_world(EU_WEST_1, follow_location());
    w.dns.missing_bucket_nxdomain = true;
    assert_eq!(statuses(&first_request(&mut w, 30)), [NxDomain]);
}

#[test]
fn deleted_bucket_gets_404() {
    let mut w = new_bucket_world(US_EAST_1, follow_location());
    w.buckets[0].deleted_at = Some(SimTime::from_secs(100));
    assert_eq!(statuses(&first_request(&mut w, 200)), [NotFound]);
}

fn first_two_requests(mut w: WorldConfig) -> Vec<RequestTrace> {
    // One client, requests at 120 s and 240 s: both before the global name flips.
    w.classes[0].arrivals = s3sim_model::client::Arrivals::Periodic {
        interval: secs(120),
    };
    w.classes[0].start = SimTime::from_secs(120);
    w.trace_limit = 2;
    traces(&w)
}

#[test]
fn sdk_region_cache_sends_the_next_request_straight_to_the_regional_name() {
    let t = first_two_requests(new_bucket_world(
        EU_WEST_1,
        RedirectPolicy::SdkRegion {
            cache: RegionCache::Forever,
        },
    ));
    assert_eq!(statuses(&t[0]), [TemporaryRedirect, Ok]);
    assert_eq!(statuses(&t[1]), [Ok]);
    assert_eq!(t[1].hosts, [Host::BucketRegional(0, EU_WEST_1)]);
}

#[test]
fn sdk_without_region_cache_is_redirected_every_time() {
    let t = first_two_requests(new_bucket_world(
        EU_WEST_1,
        RedirectPolicy::SdkRegion {
            cache: RegionCache::None,
        },
    ));
    assert_eq!(statuses(&t[0]), [TemporaryRedirect, Ok]);
    assert_eq!(statuses(&t[1]), [TemporaryRedirect, Ok]);
}

#[test]
fn sticky_client_reuses_the_endpoint_a_redirect_gave_it() {
    let t = first_two_requests(new_bucket_world(
        EU_WEST_1,
        RedirectPolicy::Sticky { max_hops: 5 },
    ));
    assert_eq!(statuses(&t[0]), [TemporaryRedirect, Ok]);
    assert_eq!(t[1].hosts, [Host::RedirectEndpoint(0, EU_WEST_1)]);
    assert_eq!(statuses(&t[1]), [Ok]);
}

#[test]
fn location_follower_without_memory_is_redirected_every_time() {
    let t = first_two_requests(new_bucket_world(EU_WEST_1, follow_location()));
    assert_eq!(statuses(&t[1]), [TemporaryRedirect, Ok]);
}

#[test]
fn each_hop_costs_dns_and_a_round_trip() {
    let mut w = new_bucket_world(EU_WEST_1, follow_location());
    let t = first_request(&mut w, 120);
    // Two hops, each: resolver miss (1 + 20 ms) + RTT 10 ms + service 5 ms.
    assert_eq!(
        t.finished.since(t.started),
        SimDuration::from_millis(2 * 36)
    );
}

fn sdk(cache: RegionCache) -> RedirectPolicy {
    RedirectPolicy::SdkRegion { cache }
}

// ---------------------------------------------------------------------------------
// Opt-in regions on the global names: 400 for ever (docs/domain.md §1)

#[test]
fn opt_in_bucket_on_the_global_name_gets_400_for_ever_even_after_propagation() {
    // 3000 s: long after the global name flipped (660 s).
    for addressing in [Addressing::VirtualGlobal, Addressing::PathGlobal] {
        let mut w = new_bucket_world(AP_EAST_1, follow_location());
        w.classes[0].addressing = addressing;
        let t = first_request(&mut w, 3000);
        assert_eq!(statuses(&t), [BadRequest], "{addressing:?}");
    }
}

#[test]
fn sdk_reads_the_opt_in_region_from_the_global_names_400_at_any_time() {
    for (addressing, regional) in [
        (
            Addressing::VirtualGlobal,
            Host::BucketRegional(0, AP_EAST_1),
        ),
        (Addressing::PathGlobal, Host::PathRegional(AP_EAST_1)),
    ] {
        let mut w = new_bucket_world(AP_EAST_1, sdk(RegionCache::None));
        w.classes[0].addressing = addressing;
        let t = first_request(&mut w, 3000);
        assert_eq!(statuses(&t), [BadRequest, Ok], "{addressing:?}");
        assert_eq!(t.hosts[1], regional);
    }
}

// ---------------------------------------------------------------------------------
// A client configured with another region than the bucket's (docs/domain.md §2)

/// A bucket that exists from the start, called by one client configured for `region`
/// with regional `addressing`.
fn configured_world(
    bucket_region: u16,
    region: u16,
    addressing: Addressing,
    redirects: RedirectPolicy,
) -> WorldConfig {
    let mut w = world(
        vec![bucket("photos", bucket_region, None)],
        Delay::Fixed(secs(600)),
        vec![class(1, secs(3600), redirects)],
    );
    w.classes[0].region = Some(region);
    w.classes[0].addressing = addressing;
    w
}

#[test]
fn wrong_regional_endpoint_gets_301_which_only_an_sdk_turns_into_the_right_one() {
    for (addressing, wrong, right) in [
        (
            Addressing::VirtualRegional,
            Host::BucketRegional(0, US_EAST_1),
            Host::BucketRegional(0, EU_WEST_1),
        ),
        (
            Addressing::PathRegional,
            Host::PathRegional(US_EAST_1),
            Host::PathRegional(EU_WEST_1),
        ),
    ] {
        let mut w = configured_world(EU_WEST_1, US_EAST_1, addressing, follow_location());
        assert_eq!(statuses(&first_request(&mut w, 10)), [MovedPermanently]);
        let mut w = configured_world(EU_WEST_1, US_EAST_1, addressing, sdk(RegionCache::None));
        let t = first_request(&mut w, 10);
        assert_eq!(statuses(&t), [MovedPermanently, Ok], "{addressing:?}");
        assert_eq!(t.hosts, [wrong, right]);
    }
}

#[test]
fn wrong_regional_endpoint_where_either_region_is_opt_in_gets_400_not_301() {
    for (bucket_region, configured) in [(AP_EAST_1, US_EAST_1), (EU_WEST_1, AP_EAST_1)] {
        let regional = Addressing::VirtualRegional;
        let mut w = configured_world(bucket_region, configured, regional, follow_location());
        assert_eq!(statuses(&first_request(&mut w, 10)), [BadRequest]);
        let mut w = configured_world(bucket_region, configured, regional, sdk(RegionCache::None));
        let t = first_request(&mut w, 10);
        assert_eq!(statuses(&t), [BadRequest, Ok]);
        assert_eq!(t.hosts[1], Host::BucketRegional(0, bucket_region));
    }
}

#[test]
fn configured_region_equal_to_the_buckets_changes_nothing() {
    let mut w = configured_world(
        EU_WEST_1,
        EU_WEST_1,
        Addressing::VirtualRegional,
        RedirectPolicy::None,
    );
    assert_eq!(statuses(&first_request(&mut w, 10)), [Ok]);
}

#[test]
fn sdk_with_a_region_cache_pays_the_301_once_and_without_one_every_time() {
    for (cache, second) in [
        (RegionCache::Forever, &[Ok][..]),
        (RegionCache::None, &[MovedPermanently, Ok][..]),
    ] {
        let mut w = configured_world(
            EU_WEST_1,
            US_EAST_1,
            Addressing::VirtualRegional,
            sdk(cache),
        );
        w.classes[0].start = SimTime::from_secs(120);
        let t = first_two_requests(w);
        assert_eq!(statuses(&t[0]), [MovedPermanently, Ok]);
        assert_eq!(statuses(&t[1]), second, "{cache:?}");
    }
}

// ---------------------------------------------------------------------------------
// SigV4 signed for the wrong region, and HEAD without a body (docs/domain.md §1, §2)

/// One SDK client configured for us-east-1 that signs with SigV4, on the global name,
/// for a bucket in eu-west-1 (global name settled), with requests of `method`.
fn signed_world(method: Method) -> WorldConfig {
    let mut w = configured_world(
        EU_WEST_1,
        US_EAST_1,
        Addressing::VirtualGlobal,
        sdk(RegionCache::Forever),
    );
    w.classes[0].sigv4 = true;
    w.classes[0].methods = MethodMix::new(&[(method, 1.0)]);
    w
}

#[test]
fn signed_get_for_the_wrong_region_gets_400_and_the_sdk_reads_the_region_from_the_body() {
    let t = first_request(&mut signed_world(Get), 10);
    assert_eq!(statuses(&t), [BadRequest, Ok]);
    assert_eq!(t.methods, [Get, Get]);
    assert_eq!(
        t.hosts,
        [Host::BucketGlobal(0), Host::BucketRegional(0, EU_WEST_1)]
    );
}

#[test]
fn signed_head_object_for_the_wrong_region_probes_with_head_bucket_as_botocore_does() {
    // The public report: HeadObject 400 -> HeadBucket 400 -> HeadBucket 200 ->
    // HeadObject 200 (three extra requests).
    let t = first_request(&mut signed_world(Head), 10);
    assert_eq!(statuses(&t), [BadRequest, BadRequest, Ok, Ok]);
    assert_eq!(t.methods, [Head, HeadBucket, HeadBucket, Head]);
    let regional = Host::BucketRegional(0, EU_WEST_1);
    let global = Host::BucketGlobal(0);
    assert_eq!(t.hosts, [global, global, regional, regional]);
}

#[test]
fn after_the_probe_the_sdk_remembers_the_region_and_heads_go_straight_there() {
    let mut w = signed_world(Head);
    w.classes[0].start = SimTime::from_secs(120);
    let t = first_two_requests(w);
    assert_eq!(statuses(&t[1]), [Ok]);
    assert_eq!(t[1].hosts, [Host::BucketRegional(0, EU_WEST_1)]);
}

#[test]
fn unsigned_requests_are_never_told_their_signature_names_the_wrong_region() {
    let mut w = signed_world(Head);
    w.classes[0].sigv4 = false;
    assert_eq!(statuses(&first_request(&mut w, 10)), [Ok]);
}

#[test]
fn head_to_the_wrong_regional_endpoint_reads_the_301s_header_without_a_probe() {
    let mut w = signed_world(Head);
    w.classes[0].addressing = Addressing::VirtualRegional;
    let t = first_request(&mut w, 10);
    assert_eq!(statuses(&t), [MovedPermanently, Ok]);
    assert_eq!(t.methods, [Head, Head]);
}

// ---------------------------------------------------------------------------------
// Redirect endpoints retired (docs/domain.md §1)

#[test]
fn a_redirect_issued_after_its_endpoint_is_retired_names_a_live_one() {
    // Created at 60 s in eu-west-1; the global name flips only at 3660 s; the legacy
    // redirect endpoint is retired at 600 s.
    let mut w = world(
        vec![bucket("photos", EU_WEST_1, Some(60))],
        Delay::Fixed(secs(3600)),
        vec![
            class(1, secs(60), follow_location()),
            class(1, secs(60), RedirectPolicy::Sticky { max_hops: 5 }),
        ],
    );
    for c in &mut w.classes {
        c.start = SimTime::from_secs(120);
    }
    w.faults = vec![Fault::EndpointRetired {
        region: EU_WEST_1,
        at: SimTime::from_secs(600),
    }];
    let all = traces(&w);
    let (endpoint, regional) = (
        Host::RedirectEndpoint(0, EU_WEST_1),
        Host::BucketRegional(0, EU_WEST_1),
    );
    let at = |t: &RequestTrace| t.started.since(SimTime::ZERO).as_secs_f64() as u64;
    for t in all.iter().filter(|t| t.class == 0) {
        let location = if at(t) < 600 { endpoint } else { regional };
        assert_eq!(statuses(t), [TemporaryRedirect, Ok], "at {} s", at(t));
        assert_eq!(t.hosts, [Host::BucketGlobal(0), location]);
    }
    // The sticky client reuses the endpoint of its first redirect: that fails.
    for t in all.iter().filter(|t| t.class == 1) {
        let expected: &[Status] = match at(t) {
            120 => &[TemporaryRedirect, Ok],
            0..600 => &[Ok],
            _ => &[NxDomain],
        };
        assert_eq!(statuses(t), expected, "at {} s", at(t));
    }
}
