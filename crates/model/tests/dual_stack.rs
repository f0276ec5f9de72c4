//! Dual-stack names and the IP family a client dials (docs/domain.md §3, "Dual-stack
//! endpoints"): exact statuses, latencies and connection counts per family.
//!
//! The world: bucket `backups` in us-east-1, addressed
//! `backups.s3.dualstack.us-east-1.amazonaws.com`; one client asking every 10 s for an
//! hour (361 requests and connections, t = 0 to 3600 s, none cached in process; the
//! last, or the last two when they time out, still in flight at the end), asking A and AAAA;
//! one resolver (rtt 1 ms, miss 20 ms) and S3's 5 s record TTL, so every lookup is a
//! 21 ms miss; a 10 ms round trip and 5 ms of service: an IPv4 request takes
//! 21 + 10 + 5 = 36 ms. Connect timeout 10 s.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::WorldConfig;
use s3sim_model::client::{Addressing, IpPreference, IpStack, Ipv6Route, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{Host, QueryTypes, StubResolver};
use s3sim_model::metrics::{Counter, Metric};
use s3sim_model::response::Status;
use s3sim_model::world::run_replica;

const REQUESTS: u64 = 361;

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

fn stack(preference: IpPreference, ipv6: Ipv6Route) -> IpStack {
    IpStack {
        preference,
        ipv6,
        ..IpStack::default()
    }
}

fn config(addressing: Addressing) -> WorldConfig {
    let mut c = class(1, secs(10), RedirectPolicy::None);
    c.addressing = addressing;
    c.stub = StubResolver {
        types: QueryTypes::AAndAaaa,
        ..StubResolver::default()
    };
    let buckets = vec![bucket("backups", US_EAST_1, None)];
    world(buckets, Delay::Fixed(SimDuration::ZERO), vec![c])
}

fn dual(ip: IpStack) -> WorldConfig {
    config(Addressing::DualStack { path: false, ip })
}

/// What the run's requests saw: the distinct (statuses, latency) pairs, and the
/// connections over IPv4 and IPv6.
struct Seen {
    outcomes: Vec<(Vec<Status>, SimDuration)>,
    v4: u64,
    v6: u64,
    share: f64,
}

fn run(config: &WorldConfig) -> Seen {
    let out = run_replica(config, RandomStreams::new(1));
    assert_eq!(out.issued, REQUESTS);
    assert_eq!(out.traces.len() as u64, out.completed);
    let mut outcomes: Vec<(Vec<Status>, SimDuration)> = Vec::new();
    for t in &out.traces {
        assert_eq!(t.hosts, [Host::BucketRegional(0, US_EAST_1)]);
        let seen = (t.statuses.clone(), t.finished.since(t.started));
        if !outcomes.contains(&seen) {
            outcomes.push(seen);
        }
    }
    let m = &out.metrics;
    let row: Vec<u64> = Counter::all().map(|c| m.total(0, c)).collect();
    let row: s3sim_model::metrics::CounterRow = row.try_into().expect("one row");
    Seen {
        outcomes,
        v4: m.total(0, Counter::Ipv4Connections),
        v6: m.total(0, Counter::Ipv6Connections),
        share: Metric::Ipv6Share.from_row(&row),
    }
}

#[test]
fn ipv4_only_dials_as_before_dual_stack_names() {
    let regional = run(&config(Addressing::VirtualRegional));
    assert_eq!(regional.outcomes, [(vec![Status::Ok], ms(36))]);
    assert_eq!((regional.v4, regional.v6), (REQUESTS, 0));
    let ipv4 = run(&dual(stack(IpPreference::Ipv4Only, Ipv6Route::BlackHoled)));
    assert_eq!(ipv4.outcomes, [(vec![Status::Ok], ms(36))]);
    assert_eq!((ipv4.v4, ipv4.v6, ipv4.share), (REQUESTS, 0, 0.0));
}

#[test]
fn happy_eyeballs_without_an_ipv6_route_connects_over_ipv4_250_ms_late() {
    let he = run(&dual(stack(
        IpPreference::HappyEyeballs,
        Ipv6Route::BlackHoled,
    )));
    assert_eq!(he.outcomes, [(vec![Status::Ok], ms(36 + 250))]);
    assert_eq!((he.v4, he.v6, he.share), (REQUESTS, 0, 0.0));
}

#[test]
fn the_connection_attempt_delay_is_a_parameter() {
    let ip = IpStack {
        attempt_delay: ms(100),
        ..stack(IpPreference::HappyEyeballs, Ipv6Route::BlackHoled)
    };
    assert_eq!(run(&dual(ip)).outcomes, [(vec![Status::Ok], ms(36 + 100))]);
}

#[test]
fn happy_eyeballs_falls_back_at_once_when_ipv6_is_unreachable() {
    let he = run(&dual(stack(
        IpPreference::HappyEyeballs,
        Ipv6Route::Unreachable,
    )));
    assert_eq!(he.outcomes, [(vec![Status::Ok], ms(36))]);
    assert_eq!((he.v4, he.v6), (REQUESTS, 0));
}

#[test]
fn ipv6_only_without_an_ipv6_route_times_out_on_every_request() {
    let v6 = run(&dual(stack(IpPreference::Ipv6Only, Ipv6Route::BlackHoled)));
    // The lookup (21 ms), then the connect timeout (10 s): no round trip completes.
    assert_eq!(v6.outcomes, [(vec![Status::Timeout], ms(21 + 10_000))]);
    assert_eq!((v6.v4, v6.v6, v6.share), (0, REQUESTS, 1.0));
}

#[test]
fn ipv6_only_when_ipv6_is_unreachable_fails_at_once() {
    let v6 = run(&dual(stack(IpPreference::Ipv6Only, Ipv6Route::Unreachable)));
    assert_eq!(v6.outcomes, [(vec![Status::ConnectionError], ms(21))]);
    assert_eq!((v6.v4, v6.v6), (0, REQUESTS));
}

#[test]
fn a_working_ipv6_route_carries_every_connection_at_ipv4_speed() {
    for preference in [IpPreference::HappyEyeballs, IpPreference::Ipv6Only] {
        let v6 = run(&dual(stack(preference, Ipv6Route::Works)));
        assert_eq!(v6.outcomes, [(vec![Status::Ok], ms(36))]);
        assert_eq!((v6.v4, v6.v6, v6.share), (0, REQUESTS, 1.0));
    }
}

#[test]
fn path_style_dual_stack_dials_like_virtual_hosted() {
    let ip = stack(IpPreference::HappyEyeballs, Ipv6Route::BlackHoled);
    let out = run_replica(
        &config(Addressing::DualStack { path: true, ip }),
        RandomStreams::new(1),
    );
    let first = &out.traces[0];
    assert_eq!(first.hosts, [Host::PathRegional(US_EAST_1)]);
    assert_eq!(first.statuses, [Status::Ok]);
    assert_eq!(first.finished.since(first.started), ms(36 + 250));
    assert_eq!(first.started, SimTime::ZERO);
}

#[test]
fn an_sdk_region_redirect_stays_on_the_dual_stack_name() {
    // The bucket is in eu-west-1, the SDK configured for us-east-1 and without a region
    // cache: us-east-1's dual-stack name answers 301, the SDK retries at eu-west-1's
    // dual-stack name. Both hops are dual-stack: with IPv6 lost, each waits 250 ms.
    let ip = stack(IpPreference::HappyEyeballs, Ipv6Route::BlackHoled);
    let mut c = dual(ip);
    c.buckets = vec![bucket("backups", EU_WEST_1, None)];
    c.classes[0].region = Some(US_EAST_1);
    c.classes[0].redirects = RedirectPolicy::SdkRegion {
        cache: s3sim_model::client::RegionCache::None,
    };
    let out = run_replica(&c, RandomStreams::new(1));
    let t = &out.traces[0];
    let hosts = [
        Host::BucketRegional(0, US_EAST_1),
        Host::BucketRegional(0, EU_WEST_1),
    ];
    assert_eq!(t.hosts, hosts);
    assert_eq!(t.statuses, [Status::MovedPermanently, Status::Ok]);
    // Two lookups (21 ms each), two round trips (10 ms), two services (5 ms), two delays.
    assert_eq!(t.finished.since(t.started), ms(2 * (36 + 250)));
    let connections = out.metrics.total(0, Counter::Ipv4Connections);
    // Two per request, but the run ends before the last one's second hop.
    assert_eq!(connections, 2 * REQUESTS - 1);
    assert_eq!(out.metrics.total(0, Counter::Ipv6Connections), 0);
}
