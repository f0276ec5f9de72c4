//! Small worlds built in code, shared by the model's integration tests.
#![allow(dead_code)]

use s3sim_engine::{SimDuration, SimTime};
use s3sim_model::WorldConfig;
use s3sim_model::bucket::Bucket;
use s3sim_model::cdn::network::CdnConfig;
use s3sim_model::client::*;
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{DnsConfig, ResolverConfig};
use s3sim_model::facility::FacilityRules;
use s3sim_model::objects::Objects;
use s3sim_model::response::Status;
use s3sim_model::topology::{Facility, Region, Topology};
use s3sim_model::world::ResolverGroup;

pub const US_EAST_1: u16 = 0;
pub const EU_WEST_1: u16 = 1;
pub const AP_EAST_1: u16 = 2;

pub fn secs(s: u64) -> SimDuration {
    SimDuration::from_secs(s)
}

/// Three regions (the last opt-in), one facility and one IP each, 10 ms everywhere.
pub fn topology() -> Topology {
    let region = |name: &str, opt_in| Region {
        name: name.into(),
        opt_in,
    };
    let facility = |name: &str, region| Facility {
        name: name.into(),
        region,
        ips: 2,
        service_time: Delay::Fixed(SimDuration::from_millis(5)),
        capacity: None,
    };
    Topology::new(
        vec![
            region("us-east-1", false),
            region("eu-west-1", false),
            region("ap-east-1", true),
        ],
        US_EAST_1,
        vec![
            facility("use1", 0),
            facility("euw1", 1),
            facility("ape1", 2),
        ],
        vec!["here".into()],
        vec![SimDuration::from_millis(10); 3],
    )
}

pub fn bucket(name: &str, region: u16, created: Option<u64>) -> Bucket {
    Bucket {
        name: name.into(),
        region,
        created_at: created.map(SimTime::from_secs),
        deleted_at: None,
        location_constraint: region != US_EAST_1,
        recreated: None,
    }
}

pub fn resolvers(count: u32, ttl: SimDuration) -> ResolverGroup {
    ResolverGroup {
        name: "isp".into(),
        count,
        config: ResolverConfig {
            min_ttl: SimDuration::ZERO,
            max_ttl: ttl,
            negative_ttl: secs(60),
            rtt: SimDuration::from_millis(1),
            miss_rtt: SimDuration::from_millis(20),
        },
        warm_start: false,
    }
}

/// One client class of `count` clients, one request per client every `every`.
pub fn class(count: u32, every: SimDuration, redirects: RedirectPolicy) -> ClientClass {
    ClientClass {
        name: "c".into(),
        count,
        location: 0,
        resolvers: 0..1,
        buckets: vec![0],
        popularity: Popularity::Uniform,
        arrivals: Arrivals::Periodic { interval: every },
        start: SimTime::ZERO,
        stop: SimTime::NEVER,
        lifetime: Lifetime::LongLived,
        addressing: Addressing::VirtualGlobal,
        dns: DnsCachePolicy::None,
        redirects,
        retry: None,
        connect_timeout: SimDuration::from_secs(10),
        keys: KeyChoice::Objects(Popularity::Uniform),
        cdn: None,
        region: None,
        sigv4: false,
        methods: MethodMix::default(),
        list_bucket: true,
        stub: Default::default(),
    }
}

pub fn follow_location() -> RedirectPolicy {
    RedirectPolicy::FollowLocation {
        codes: vec![
            Status::MovedPermanently,
            Status::Found,
            Status::TemporaryRedirect,
        ],
        max_hops: 10,
    }
}

pub fn world(buckets: Vec<Bucket>, propagation: Delay, classes: Vec<ClientClass>) -> WorldConfig {
    WorldConfig {
        duration: secs(3600),
        bin: secs(60),
        topology: topology(),
        buckets,
        dns: DnsConfig {
            record_ttl: secs(5),
            propagation,
            propagation_cap: secs(86_400),
            missing_bucket_nxdomain: false,
            cname_ttl: None,
        },
        resolver_groups: vec![resolvers(1, secs(86_400))],
        classes,
        rules: FacilityRules {
            temporary_redirect: Status::TemporaryRedirect,
        },
        faults: Vec::new(),
        cdn: CdnConfig::default(),
        objects: Objects::default(),
        rate_limits: Default::default(),
        trace_limit: 1_000,
        learning_delay: s3sim_model::distribution::Delay::Fixed(s3sim_engine::SimDuration::ZERO),
    }
}

/// The offset added to every closed-form test's seed: `S3SIM_RESEED` (default 0).
///
/// `scripts/reseed.sh` runs the closed-form checks with offsets 1 to 4: a correct
/// model passes them on any seed, because each family of checks has a family-wise
/// false-alarm rate of [`FAMILY_ALPHA`] (docs/testing.md).
pub fn reseed() -> u64 {
    std::env::var("S3SIM_RESEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The false-alarm rate of a whole family of closed-form checks (one test): 0.1 %, so
/// that the reseed run (5 seeds × about 10 families) passes a correct model with
/// probability 95 %.
pub const FAMILY_ALPHA: f64 = 0.001;

/// The mean of `samples` and the Student-t half-width of its interval as one of
/// `family` checks that together keep a [`FAMILY_ALPHA`] false-alarm rate (Šidák: each
/// at 1 − (1 − α)^(1/k)).
pub fn family_half_width(samples: &[f64], family: u32) -> (f64, f64) {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let each = 1.0 - (1.0 - FAMILY_ALPHA).powf(1.0 / f64::from(family));
    let t = StudentsT::new(0.0, 1.0, n - 1.0)
        .expect("two samples at least")
        .inverse_cdf(1.0 - each / 2.0);
    (mean, t * (variance / n).sqrt())
}
