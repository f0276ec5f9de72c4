//! A small world built in code for the world parts' unit tests: two regions with one
//! facility each, one client place, one resolver, one bucket created in eu-west-1.

use super::config::{ResolverGroup, WorldConfig};
use super::event::Event;
use crate::bucket::Bucket;
use crate::client::{
    Addressing, Arrivals, ClientClass, DnsCachePolicy, KeyChoice, Lifetime, MethodMix, Popularity,
    RedirectPolicy,
};
use crate::distribution::Delay;
use crate::dns::{DnsConfig, ResolverConfig};
use crate::facility::FacilityRules;
use crate::response::Status;
use crate::topology::{Facility, Region, Topology};
use s3sim_engine::{Model, Scheduler, SimDuration, SimTime, StopAt};

/// Shorthand for whole seconds.
pub(crate) fn s(secs: u64) -> SimDuration {
    SimDuration::from_secs(secs)
}

/// One client class: `count` clients of `curl -L` asking for bucket 0 every `every`
/// (periodic, staggered), from t = 0.
pub(crate) fn class(count: u32, every: SimDuration) -> ClientClass {
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
        redirects: RedirectPolicy::FollowLocation {
            codes: vec![Status::TemporaryRedirect],
            max_hops: 5,
        },
        retry: None,
        connect_timeout: s(10),
        keys: KeyChoice::Objects(Popularity::Uniform),
        cdn: None,
        region: None,
        sigv4: false,
        methods: MethodMix::default(),
        list_bucket: true,
        stub: Default::default(),
    }
}

/// The world: us-east-1 (default) and eu-west-1, 10 ms and 30 ms away, 5 ms service;
/// bucket 0 created in eu-west-1 at t = 60 s, propagating in 600 s; the given classes.
pub(crate) fn world(classes: Vec<ClientClass>) -> WorldConfig {
    let region = |name: &str| Region {
        name: name.into(),
        opt_in: false,
    };
    let facility = |name: &str, region| Facility {
        name: name.into(),
        region,
        ips: 2,
        service_time: Delay::Fixed(SimDuration::from_millis(5)),
        capacity: None,
    };
    let ms = SimDuration::from_millis;
    WorldConfig {
        duration: s(3600),
        bin: s(60),
        topology: Topology::new(
            vec![region("us-east-1"), region("eu-west-1")],
            0,
            vec![facility("use1", 0), facility("euw1", 1)],
            vec!["here".into()],
            vec![ms(10), ms(30)],
        ),
        buckets: vec![Bucket {
            name: "photos".into(),
            region: 1,
            created_at: Some(SimTime::from_secs(60)),
            deleted_at: None,
            location_constraint: true,
            recreated: None,
        }],
        dns: DnsConfig {
            record_ttl: s(5),
            propagation: Delay::Fixed(s(600)),
            propagation_cap: s(86_400),
            missing_bucket_nxdomain: false,
            cname_ttl: None,
        },
        resolver_groups: vec![ResolverGroup {
            name: "isp".into(),
            count: 1,
            config: ResolverConfig {
                min_ttl: s(0),
                max_ttl: s(86_400),
                negative_ttl: s(60),
                rtt: ms(1),
                miss_rtt: ms(20),
            },
            warm_start: false,
        }],
        classes,
        rules: FacilityRules {
            temporary_redirect: Status::TemporaryRedirect,
        },
        faults: Vec::new(),
        cdn: Default::default(),
        objects: Default::default(),
        rate_limits: Default::default(),
        trace_limit: 100,
        learning_delay: crate::distribution::Delay::Fixed(SimDuration::ZERO),
    }
}

/// A model that only logs the events it is handed, with their times: runs a part's
/// schedule to show what it scheduled, and when.
#[derive(Default)]
pub(crate) struct Log(pub(crate) Vec<(SimTime, Event)>);

impl Model for Log {
    type Event = Event;

    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        self.0.push((sched.now(), event));
    }
}

/// Run `sched` up to `until` (every event due by then, logged) and return the log.
pub(crate) fn run_until(sched: &mut Scheduler<Event>, until: SimTime) -> Vec<(SimTime, Event)> {
    let mut log = Log::default();
    sched.run(&mut log, StopAt::time(until));
    log.0
}
