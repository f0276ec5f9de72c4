//! The CDN through the whole world, request by request: the edge cache policy (legacy
//! and current 3xx rules, redirect max-age clamping, cached 404s, uncached 400s,
//! stale-on-5xx, collapsed misses), what viewers do with a cached 307, invalidations
//! (per-edge delay, path semantics, cost), a website origin with routing rules, the
//! choice of edge, and the TTL-cache closed form of docs/domain.md §6.
//!
//! Every world but the last uses fixed delays, so statuses and times are exact. The
//! round trips (ms) are:
//!
//! | from \ to region | us-east-1 | eu-west-1 | ap-east-1 |
//! |------------------|-----------|-----------|-----------|
//! | virginia         | 20        | 80        | 200       |
//! | dublin           | 80        | 20        | 240       |
//! | us-east-1 (edge) | 2         | 80        | 200       |
//! | eu-west-1 (edge) | 80        | 2         | 240       |
//!
//! Resolvers answer in 1 ms from cache and 21 ms on a miss; S3 serves in 5 ms; records
//! carry a 5 s TTL. So a viewer in virginia hits the `iad` edge in 20 ms, and a miss that
//! the edge fetches from us-east-1 with a resolver miss costs 21 + 1 + 5 + 1 = 28 ms more.

mod cache_policy;
mod cached_redirects;
mod closed_form;
#[path = "../common/mod.rs"]
mod common;
mod edge_caches;
mod edge_choice;
mod invalidations;
mod missing_key;
mod run_end;
mod website_origin;

use common::{AP_EAST_1, EU_WEST_1, US_EAST_1, bucket, class, follow_location, secs};
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::bucket::Bucket;
use s3sim_model::bucket::KeyId;
use s3sim_model::cdn::invalidation::PathPattern;
use s3sim_model::cdn::network::{
    CdnConfig, Distribution, Edge, HostHeader, Invalidation, Origin, OriginCacheControl,
};
use s3sim_model::cdn::policy::{CacheControl, CachePolicy, RedirectCaching};
use s3sim_model::client::{Arrivals, ClientClass, KeyChoice, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{DnsConfig, Host, ResolverConfig};
use s3sim_model::endpoints::OutageMode;
use s3sim_model::facility::FacilityRules;
use s3sim_model::fault::Fault;
use s3sim_model::metrics::{Counter, Metric};
use s3sim_model::objects::Objects;
use s3sim_model::response::Status::{self, *};
use s3sim_model::topology::{Capacity, Facility, Region, Topology};
use s3sim_model::website::{Condition, Redirect, RoutingRule, Website};
use s3sim_model::world::{ReplicaOutput, ResolverGroup};
use s3sim_model::{RequestTrace, WorldConfig, run_replica};

const SEED: u64 = 4_242;

// Client places: two locations, then one place per region (where the edges sit).
const VIRGINIA: u16 = 0;
const DUBLIN: u16 = 1;
const US_EAST_1_PLACE: u16 = 2;
const EU_WEST_1_PLACE: u16 = 3;

// Edges.
const IAD: u16 = 0;
const DUB: u16 = 1;

const ONE_NS: SimDuration = SimDuration::from_nanos(1);

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

/// `s` seconds and `m` milliseconds after the start.
fn at(s: u64, m: u64) -> SimTime {
    SimTime::from_nanos(s * 1_000_000_000 + m * 1_000_000)
}

/// Round trip of a viewer in virginia (or dublin) to its own edge: a cache hit.
const HIT: SimDuration = SimDuration::from_millis(20);
/// Half of it: when a viewer reaches its edge.
const TO_EDGE: SimDuration = SimDuration::from_millis(10);
/// A miss at `iad` fetched from us-east-1 with a resolver miss: 20 + 21 + 1 + 5 + 1 ms.
const MISS_USE1: SimDuration = SimDuration::from_millis(48);

/// The topology of the module docs; round trips multiplied by `scale` (0: none at all).
fn topology(scale: u64, service: SimDuration) -> Topology {
    let region = |name: &str, opt_in| Region {
        name: name.into(),
        opt_in,
    };
    let facility = |name: &str, region| Facility {
        name: name.into(),
        region,
        ips: 2,
        service_time: Delay::Fixed(service),
        capacity: None,
    };
    let rows: [[u64; 3]; 5] = [
        [20, 80, 200],
        [80, 20, 240],
        [2, 80, 200],
        [80, 2, 240],
        [200, 240, 2],
    ];
    Topology::new(
        vec![
            region("us-east-1", false),
            region("eu-west-1", false),
            region("ap-east-1", true),
        ],
        US_EAST_1,
        vec![
            facility("use1", US_EAST_1),
            facility("euw1", EU_WEST_1),
            facility("ape1", AP_EAST_1),
        ],
        ["virginia", "dublin", "us-east-1", "eu-west-1", "ap-east-1"]
            .map(String::from)
            .to_vec(),
        rows.iter().flatten().map(|&r| ms(r * scale)).collect(),
    )
}

fn resolver_group(name: &str, count: u32, rtt: SimDuration, miss: SimDuration) -> ResolverGroup {
    ResolverGroup {
        name: name.into(),
        count,
        config: ResolverConfig {
            min_ttl: SimDuration::ZERO,
            max_ttl: secs(86_400),
            negative_ttl: secs(60),
            rtt,
            miss_rtt: miss,
        },
        warm_start: false,
    }
}

/// Edge `iad` in us-east-1 asks resolver 1; edge `dub` in eu-west-1 asks resolver 2.
fn iad() -> Edge {
    Edge {
        name: "iad".into(),
        region: US_EAST_1,
        place: US_EAST_1_PLACE,
        capacity: 1_000,
        resolvers: 1..2,
    }
}

fn dub() -> Edge {
    Edge {
        name: "dub".into(),
        region: EU_WEST_1,
        place: EU_WEST_1_PLACE,
        capacity: 1_000,
        resolvers: 2..3,
    }
}

/// A distribution of bucket 0 with AWS's default cache settings (legacy 3xx rule).
fn distribution(origin: Origin) -> Distribution {
    Distribution {
        name: "d".into(),
        bucket: 0,
        origin,
        policy: CachePolicy::default(),
        cache_control: OriginCacheControl::default(),
        access_control: false,
        list_bucket: true,
        host_header: HostHeader::Origin,
    }
}

fn max_age(age: SimDuration) -> Option<CacheControl> {
    Some(CacheControl {
        max_age: Some(age),
        ..CacheControl::default()
    })
}

/// The keys of bucket 0, in id order (no website).
fn plain_objects(keys: &[&str]) -> Objects {
    let keys = keys.iter().map(|k| k.to_string()).collect();
    Objects::build(vec![keys], &[None], &[], 1)
}

/// One bucket behind one distribution at edge `iad`; the global name of a bucket
/// created during the run moves 600 s after its creation; resolver 0 is the viewers',
/// resolvers 1 and 2 are the edges'. No clients yet.
fn cdn_world(b: Bucket, d: Distribution) -> WorldConfig {
    WorldConfig {
        duration: secs(2_000),
        bin: secs(1),
        topology: topology(1, ms(5)),
        buckets: vec![b],
        dns: DnsConfig {
            record_ttl: secs(5),
            propagation: Delay::Fixed(secs(600)),
            propagation_cap: secs(86_400),
            missing_bucket_nxdomain: false,
            cname_ttl: None,
        },
        resolver_groups: vec![
            resolver_group("viewers", 1, ms(1), ms(20)),
            resolver_group("edges", 2, ms(1), ms(20)),
        ],
        classes: Vec::new(),
        rules: FacilityRules {
            temporary_redirect: TemporaryRedirect,
        },
        faults: Vec::new(),
        cdn: CdnConfig {
            edges: vec![iad()],
            distributions: vec![d],
            invalidations: Vec::new(),
            invalidation_delay: None,
        },
        objects: plain_objects(&["index.html"]),
        rate_limits: Default::default(),
        trace_limit: 1_000_000,
        learning_delay: s3sim_model::distribution::Delay::Fixed(s3sim_engine::SimDuration::ZERO),
    }
}

/// Viewers in virginia through distribution 0, one request every `every` from `first`
/// to `last` seconds (both included), for key 0.
fn viewers(first: u64, every: SimDuration, last: u64, redirects: RedirectPolicy) -> ClientClass {
    let mut c = class(1, every, redirects);
    c.start = SimTime::from_secs(first);
    c.stop = SimTime::from_secs(last) + ONE_NS;
    c.cdn = Some(0);
    c.keys = KeyChoice::Listed(vec![0]);
    c.location = VIRGINIA;
    c
}

/// One viewer request for `key` started at exactly `start`, from `place`.
fn probe_from(place: u16, start: SimTime, key: KeyId, redirects: RedirectPolicy) -> ClientClass {
    let mut c = class(1, secs(1_000_000), redirects);
    c.start = start;
    c.stop = start + ONE_NS;
    c.cdn = Some(0);
    c.keys = KeyChoice::Listed(vec![key]);
    c.location = place;
    c
}

/// One viewer request from virginia that ignores redirects.
fn probe(start: SimTime, key: KeyId) -> ClientClass {
    probe_from(VIRGINIA, start, key, RedirectPolicy::None)
}

/// A viewer request that reaches its edge (10 ms away) at exactly `edge_time`.
fn probe_at_edge(edge_time: SimTime, key: KeyId) -> ClientClass {
    probe(edge_time - TO_EDGE, key)
}

fn run(config: &WorldConfig) -> ReplicaOutput {
    let out = run_replica(config, RandomStreams::new(SEED));
    assert_eq!(out.issued, out.completed + out.in_flight);
    out
}

/// The traces of one class, in start order.
fn of_class(out: &ReplicaOutput, class: usize) -> Vec<&RequestTrace> {
    let mut t: Vec<&RequestTrace> = out
        .traces
        .iter()
        .filter(|t| usize::from(t.class) == class)
        .collect();
    t.sort_by_key(|t| (t.started, t.client));
    t
}

/// The only request of a probe class.
fn only(out: &ReplicaOutput, class: usize) -> &RequestTrace {
    let traces = of_class(out, class);
    assert_eq!(traces.len(), 1, "class {class}");
    traces[0]
}

fn latency(t: &RequestTrace) -> SimDuration {
    t.finished.since(t.started)
}

fn total(out: &ReplicaOutput, counter: Counter) -> u64 {
    out.metrics.total(0, counter)
}

/// The bins (seconds, with 1 s bins) in which an edge started an origin fetch.
fn fetch_seconds(out: &ReplicaOutput) -> Vec<usize> {
    (0..out.metrics.bins)
        .filter(|&b| out.metrics.count(b, 0, Counter::OriginFetches) > 0)
        .collect()
}

/// docs/domain.md §4's classic failure: bucket `photos` created in eu-west-1 at 60 s, the
/// distribution's origin on the global name, DefaultTTL 1000 s.
fn new_bucket_behind_global_origin(rule: RedirectCaching) -> WorldConfig {
    let mut d = distribution(Origin::Global);
    d.policy.redirects = rule;
    d.policy.default_ttl = secs(1_000);
    cdn_world(bucket("photos", EU_WEST_1, Some(60)), d)
}
