//! One test per row of docs/domain.md §1: the exact statuses a request sees, hop by hop.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Addressing, RedirectPolicy, RegionCache};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::Host;
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
