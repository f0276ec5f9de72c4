//! Tie the model together: a request's life from arrival through DNS, facilities and
//! redirects to completion, driven by the engine.

mod edge;

use crate::bucket::{Bucket, BucketId, KeyId};
use crate::cdn::network::CdnConfig;
use crate::client::{
    Arrivals, ClientClass, ClientMemory, Hop, KeyChoice, Lifetime, Popularity, RedirectState,
};
use crate::dns::{Answer, Authoritative, DnsConfig, Host, Resolver, ResolverConfig, Upstream};
use crate::endpoints::{Connect, Endpoints};
use crate::facility::{self, FacilityRules};
use crate::fault::{self, Fault, Step};
use crate::metrics::facility::{FacilityMetrics, FacilityRecorder};
use crate::metrics::{BinnedMetrics, Completion, Counter, Recorder};
use crate::objects::Objects;
use crate::response::{Response, Status};
use crate::topology::LocationId;
use crate::topology::{FacilityId, IpId, Topology};
use rand::RngExt;
use rand_distr::{Distribution, Exp, Zipf};
use s3sim_engine::{
    Model, RandomStreams, Scheduler, SimDuration, SimRng, SimTime, StopAt, stable_hash,
};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Describe one group of identical recursive resolvers.
///
/// Grouping keeps configurations short (an ISP's thousand resolvers share one
/// [`ResolverConfig`]) while each resolver still has its own cache and propagation
/// delays. See [`run_replica`] for an example.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolverGroup {
    /// Name used in outputs.
    pub name: String,
    /// How many resolvers (each with its own cache and propagation delays).
    pub count: u32,
    /// Their caching and round trips.
    pub config: ResolverConfig,
}

/// Hold everything one replica needs: a scenario resolved to dense ids.
///
/// Names are resolved to indices before the run so the event loop never looks up a
/// string. See [`run_replica`] for a complete configuration built in code.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldConfig {
    /// Simulated time span.
    pub duration: SimDuration,
    /// Width of a metrics bin.
    pub bin: SimDuration,
    /// Regions, facilities, locations, round trips.
    pub topology: Topology,
    /// Buckets and their lifecycles.
    pub buckets: Vec<Bucket>,
    /// The authoritative side.
    pub dns: DnsConfig,
    /// Recursive resolvers, in groups; resolver ids are assigned group by group.
    pub resolver_groups: Vec<ResolverGroup>,
    /// Client populations.
    pub classes: Vec<ClientClass>,
    /// Facility behaviour switches.
    pub rules: FacilityRules,
    /// Outages, drains, rotations, resolver outages, DNS changes.
    pub faults: Vec<Fault>,
    /// Edge locations, distributions, invalidations (empty: no CDN).
    pub cdn: CdnConfig,
    /// Object keys, each bucket's objects, website answers.
    pub objects: Objects,
    /// Keep the full status sequence of the first this-many completed requests.
    pub trace_limit: usize,
}

/// Record one request's path: every status it got and every host it tried.
///
/// Only the first [`WorldConfig::trace_limit`] requests are traced, so that memory does
/// not grow with simulated time. See [`run_replica`] for an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestTrace {
    /// Client class index.
    pub class: u16,
    /// Client index within the class.
    pub client: u32,
    /// The bucket asked for.
    pub bucket: BucketId,
    /// When the request started.
    pub started: SimTime,
    /// When it completed.
    pub finished: SimTime,
    /// Host tried at each hop.
    pub hosts: Vec<Host>,
    /// Status of each hop.
    pub statuses: Vec<Status>,
}

/// Report what one replica produced.
///
/// Requests are conserved: `issued == completed + in_flight`, where `in_flight` counts
/// the requests still held by the world when the run stopped (see the tests).
/// See [`run_replica`] for an example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicaOutput {
    /// Per-bin metrics per client class.
    pub metrics: BinnedMetrics,
    /// Per-bin load per facility.
    pub facilities: FacilityMetrics,
    /// Traces of the first `trace_limit` completed requests (not serialised).
    #[serde(skip)]
    pub traces: Vec<RequestTrace>,
    /// Requests started.
    pub issued: u64,
    /// Requests completed (ok or failed).
    pub completed: u64,
    /// Requests still in flight when the run stopped.
    pub in_flight: u64,
    /// Events handled.
    pub events: u64,
}

/// Build each of a class's per-bucket key samplers (Zipf over the bucket's objects).
fn key_samplers(class: &ClientClass, objects: &Objects) -> Vec<Option<Zipf<f64>>> {
    let KeyChoice::Objects(Popularity::Zipf(s)) = class.keys else {
        return Vec::new();
    };
    class
        .buckets
        .iter()
        .map(|&b| {
            let n = objects.per_bucket.get(b as usize).map_or(0, Vec::len);
            (n > 1).then(|| Zipf::new(n as f64, s).expect("exponent checked"))
        })
        .collect()
}

/// Run one replica of `config` with the random streams of `streams`.
///
/// Complete configurations come from the scenario crate; the model's integration
/// tests (`tests/status_sequences.rs`) build small ones in code, like this one: a
/// bucket created in eu-west-1 while a `curl -L`-like client keeps using the global
/// name.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// use s3sim_model::bucket::Bucket;
/// use s3sim_model::client::*;
/// use s3sim_model::distribution::Delay;
/// use s3sim_model::dns::{DnsConfig, Host, ResolverConfig};
/// use s3sim_model::facility::FacilityRules;
/// use s3sim_model::response::Status;
/// use s3sim_model::topology::{Facility, Region, Topology};
/// use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// let region = |name: &str| Region { name: name.into(), opt_in: false };
/// let facility = |name: &str, region| Facility {
///     name: name.into(), region, ips: 2, service_time: Delay::Fixed(ms(5)), capacity: None,
/// };
/// let config = WorldConfig {
///     duration: s(3600),
///     bin: s(60),
///     topology: Topology::new(
///         vec![region("us-east-1"), region("eu-west-1")], 0,
///         vec![facility("use1", 0), facility("euw1", 1)],
///         vec!["here".into()], vec![ms(10), ms(10)],
///     ),
///     // Created in eu-west-1 at t = 60 s; resolvers see the global name move 600 s later.
///     buckets: vec![Bucket { name: "photos".into(), region: 1,
///         created_at: Some(SimTime::from_secs(60)), deleted_at: None,
///         location_constraint: true, recreated: None }],
///     dns: DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(600)),
///         propagation_cap: s(86_400), missing_bucket_nxdomain: false },
///     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
///         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400),
///             negative_ttl: s(60), rtt: ms(1), miss_rtt: ms(20) } }],
///     classes: vec![ClientClass {
///         name: "curl -L".into(), count: 1, location: 0, resolvers: 0..1,
///         buckets: vec![0], popularity: Popularity::Uniform,
///         arrivals: Arrivals::Periodic { interval: s(300) },
///         start: SimTime::from_secs(120), stop: SimTime::NEVER,
///         lifetime: Lifetime::LongLived, addressing: Addressing::VirtualGlobal,
///         dns: DnsCachePolicy::None,
///         redirects: RedirectPolicy::FollowLocation {
///             codes: vec![Status::TemporaryRedirect], max_hops: 5 },
///         retry: None, connect_timeout: s(10),
///         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None,
///     }],
///     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
///     faults: vec![], cdn: Default::default(), objects: Default::default(),
///     trace_limit: 10,
/// };
/// let out = run_replica(&config, RandomStreams::new(1));
/// let first = &out.traces[0]; // t = 120 s: the global name still points at us-east-1
/// assert_eq!(first.statuses, [Status::TemporaryRedirect, Status::Ok]);
/// assert_eq!(first.hosts, [Host::BucketGlobal(0), Host::RedirectEndpoint(0, 1)]);
/// assert_eq!(out.traces[2].statuses, [Status::Ok]); // t = 720 s: propagated
/// assert_eq!(out.issued, 12); // t = 120, 420, ..., 3420 s
/// assert_eq!(out.issued, out.completed + out.in_flight);
/// assert_eq!(out.metrics.total(0, s3sim_model::metrics::Counter::ExtraRoundTrips), 2);
/// ```
pub fn run_replica(config: &WorldConfig, streams: RandomStreams) -> ReplicaOutput {
    let mut world = World::new(config, streams);
    let mut sched = Scheduler::new();
    world.prime(&mut sched);
    let end = config.duration.after_start();
    let report = sched.run(&mut world, StopAt::time(end));
    world.into_output(report.events, end)
}

/// Mark the next step of a request's life for the scheduler.
///
/// Events are plain `Copy` values of eight bytes, so the event queue stays small;
/// a request's state lives in the [`World`] and events refer to it by index.
/// See [`run_replica`] for a run that handles them.
///
/// ```
/// assert_eq!(std::mem::size_of::<s3sim_model::world::Event>(), 8);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next request of a class starts.
    Arrival { class: u16 },
    /// A request reaches the IP it connects to.
    AtFacility { request: u32 },
    /// A request's service at its facility ends.
    ServiceDone { request: u32 },
    /// A response (or a failure) reaches the client.
    Response { request: u32 },
    /// A request's backoff is over: it tries again.
    Retry { request: u32 },
    /// A fault's step is due (index into the fault timeline).
    Fault { step: u32 },
    /// A viewer request reaches its CDN edge.
    AtEdge { request: u32 },
    /// A CDN step is due: an invalidation requested, or reaching one edge.
    Cdn { step: u32 },
}

struct Request {
    started: SimTime,
    client: u32,
    class: u16,
    bucket: BucketId,
    key: KeyId,
    /// Where it is sent from: the client's place, or an edge's for an origin fetch.
    place: LocationId,
    /// The edge it goes through (viewers) or fetches for (origin fetches).
    edge: u16,
    /// An edge's origin fetch for a distribution, not a client's request.
    fetch: Option<u16>,
    host: Host,
    ip: IpId,
    facility: FacilityId,
    /// When it reached its facility (the start of its wait).
    arrived: SimTime,
    response: Response,
    first: Option<Status>,
    round_trips: u8,
    redirects: RedirectState,
    attempts: u8,
    trace: Option<Box<RequestTrace>>,
}

impl Request {
    /// A request that has not been sent yet: no hop, no response, its first try.
    fn new(
        started: SimTime,
        class: u16,
        client: u32,
        (bucket, key): (BucketId, KeyId),
        place: LocationId,
        host: Host,
    ) -> Request {
        Request {
            started,
            client,
            class,
            bucket,
            key,
            place,
            edge: 0,
            fetch: None,
            host,
            ip: 0,
            facility: 0,
            arrived: started,
            response: Response::bare(Status::Ok),
            first: None,
            round_trips: 0,
            redirects: RedirectState::default(),
            attempts: 1,
            trace: None,
        }
    }
}

/// A facility's servers and queue during a run.
#[derive(Default)]
struct Station {
    busy: u32,
    queue: VecDeque<u32>,
}

struct ClassRuntime {
    arrivals: SimRng,
    workload: SimRng,
    keys: SimRng,
    zipf: Option<Zipf<f64>>,
    /// Per bucket of the class: key popularity over the bucket's objects.
    key_zipf: Vec<Option<Zipf<f64>>>,
    next_periodic_client: u32,
}

/// Simulate S3 request routing for one replica; implements the engine's [`Model`].
///
/// Borrowing the [`WorldConfig`] lets many replicas run in parallel off one
/// configuration. [`run_replica`] drives a `World` to the end of a run and shows a
/// complete example.
pub struct World<'a> {
    config: &'a WorldConfig,
    zone: Authoritative,
    endpoints: Endpoints,
    stations: Vec<Station>,
    steps: Vec<(SimTime, Step)>,
    /// Per resolver group: outages running, and those without serve-stale.
    upstream_outages: Vec<(u32, u32)>,
    opt_in: Vec<bool>,
    resolvers: Vec<Resolver>,
    resolver_group: Vec<u16>,
    clients: Vec<Vec<ClientMemory>>,
    runtime: Vec<ClassRuntime>,
    service_rng: SimRng,
    dns_rng: SimRng,
    retry_rng: SimRng,
    phase_seed: u64,
    requests: Vec<Request>,
    free: Vec<u32>,
    recorder: Recorder,
    load: FacilityRecorder,
    traces: Vec<RequestTrace>,
    traced: usize,
    issued: u64,
    completed: u64,
    edges: edge::EdgeState,
}

impl<'a> World<'a> {
    /// Build the initial state: empty caches, no requests in flight.
    pub fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
        let mut zone = Authoritative::new(
            config.dns.clone(),
            config.topology.default_region,
            &config.buckets,
            streams,
        );
        fault::apply_all_to_zone(&config.faults, &mut zone);
        let servers = config
            .topology
            .facilities
            .iter()
            .map(|f| f.capacity.map_or(0, |c| c.servers))
            .collect();
        let resolver_group: Vec<u16> = config
            .resolver_groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| std::iter::repeat_n(g as u16, group.count as usize))
            .collect();
        let resolvers = (0..resolver_group.len() as u32)
            .map(Resolver::new)
            .collect();
        let clients = config
            .classes
            .iter()
            .map(|c| vec![ClientMemory::default(); c.count as usize])
            .collect();
        let runtime = config
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| ClassRuntime {
                arrivals: streams.stream("arrivals", i as u64),
                workload: streams.stream("workload", i as u64),
                keys: streams.stream("keys", i as u64),
                zipf: match c.popularity {
                    Popularity::Zipf(s) => {
                        Some(Zipf::new(c.buckets.len() as f64, s).expect("checked"))
                    }
                    Popularity::Uniform => None,
                },
                key_zipf: key_samplers(c, &config.objects),
                next_periodic_client: 0,
            })
            .collect();
        World {
            config,
            zone,
            endpoints: Endpoints::new(&config.topology),
            stations: (0..config.topology.facilities.len())
                .map(|_| Station::default())
                .collect(),
            steps: fault::timeline(&config.faults),
            upstream_outages: vec![(0, 0); config.resolver_groups.len()],
            opt_in: facility::opt_in_flags(&config.topology),
            resolvers,
            resolver_group,
            clients,
            runtime,
            service_rng: streams.stream("service", 0),
            dns_rng: streams.stream("dns-answers", 0),
            retry_rng: streams.stream("retries", 0),
            phase_seed: streams.master_seed(),
            requests: Vec::new(),
            free: Vec::new(),
            recorder: Recorder::new(config.bin, config.duration, config.classes.len()),
            load: FacilityRecorder::new(config.bin, config.duration, servers),
            traces: Vec::new(),
            traced: 0,
            issued: 0,
            completed: 0,
            edges: edge::EdgeState::new(config, streams),
        }
    }

    /// Schedule every class's first arrival and every fault step.
    pub fn prime(&mut self, sched: &mut Scheduler<Event>) {
        for (step, &(at, _)) in self.steps.iter().enumerate() {
            sched.at(at, Event::Fault { step: step as u32 });
        }
        self.edges.prime(sched);
        for class in 0..self.config.classes.len() {
            let c = &self.config.classes[class];
            let first = match c.arrivals {
                Arrivals::Periodic { .. } => c.start,
                _ => self.next_arrival(class, c.start),
            };
            if first < c.stop {
                sched.at(
                    first,
                    Event::Arrival {
                        class: class as u16,
                    },
                );
            }
        }
    }

    fn into_output(self, events: u64, end: SimTime) -> ReplicaOutput {
        ReplicaOutput {
            metrics: self.recorder.finish(),
            facilities: self.load.finish(end),
            traces: self.traces,
            issued: self.issued,
            completed: self.completed,
            in_flight: (self.requests.len() - self.free.len()) as u64 - self.edges.fetching(),
            events,
        }
    }

    /// The class's next arrival after `now`; a ramp is sampled by thinning a Poisson
    /// process at its peak rate (Lewis and Shedler).
    fn next_arrival(&mut self, class: usize, now: SimTime) -> SimTime {
        let c = &self.config.classes[class];
        let clients = f64::from(c.count);
        let rng = &mut self.runtime[class].arrivals;
        let exp_gap = |rate: f64, rng: &mut SimRng| {
            let gap: f64 = Exp::new(rate).expect("rate checked").sample(rng);
            SimDuration::from_secs_f64(gap)
        };
        match c.arrivals {
            Arrivals::Poisson { per_client_per_sec } => {
                now + exp_gap(per_client_per_sec * clients, rng)
            }
            Arrivals::Periodic { interval } => {
                now + SimDuration::from_nanos((interval.as_nanos() / u64::from(c.count)).max(1))
            }
            Arrivals::PoissonRamp { .. } => {
                let peak = c.arrivals.peak_per_client_per_sec() * clients;
                let mut t = now;
                loop {
                    t += exp_gap(peak, rng);
                    let rate = c.arrivals.per_client_per_sec_at(c.start, c.stop, t) * clients;
                    if t >= c.stop || rng.random::<f64>() * peak < rate {
                        return t;
                    }
                }
            }
        }
    }

    fn pick_client(&mut self, class: usize) -> u32 {
        let c = &self.config.classes[class];
        let rt = &mut self.runtime[class];
        match c.arrivals {
            Arrivals::Poisson { .. } | Arrivals::PoissonRamp { .. } => {
                rt.arrivals.random_range(0..c.count)
            }
            Arrivals::Periodic { .. } => {
                let client = rt.next_periodic_client;
                rt.next_periodic_client = (client + 1) % c.count;
                client
            }
        }
    }

    /// Pick a bucket of the class: its position in the class's list (which the key
    /// samplers are indexed by) and its id.
    fn pick_bucket(&mut self, class: usize) -> (usize, BucketId) {
        let c = &self.config.classes[class];
        let rt = &mut self.runtime[class];
        let index = match &rt.zipf {
            Some(zipf) => zipf.sample(&mut rt.workload) as usize - 1,
            None => rt.workload.random_range(0..c.buckets.len()),
        };
        let slot = index.min(c.buckets.len() - 1);
        (slot, c.buckets[slot])
    }

    fn arrival(&mut self, class: usize, sched: &mut Scheduler<Event>) {
        let next = self.next_arrival(class, sched.now());
        if next < self.config.classes[class].stop {
            sched.at(
                next,
                Event::Arrival {
                    class: class as u16,
                },
            );
        }
        let client = self.pick_client(class);
        let (slot, bucket) = self.pick_bucket(class);
        let key = self.pick_key(class, slot, bucket);
        self.begin_process_epoch(class, client, sched.now());
        let host = match self.config.classes[class].cdn {
            Some(distribution) => Host::Distribution(distribution),
            None => self.initial_host(class, client, bucket, sched.now()),
        };
        let trace = (self.traced < self.config.trace_limit).then(|| {
            self.traced += 1;
            Box::new(RequestTrace {
                class: class as u16,
                client,
                bucket,
                started: sched.now(),
                finished: sched.now(),
                hosts: Vec::new(),
                statuses: Vec::new(),
            })
        });
        let place = self.config.classes[class].location;
        let request = Request {
            trace,
            ..Request::new(
                sched.now(),
                class as u16,
                client,
                (bucket, key),
                place,
                host,
            )
        };
        let id = self.allocate(request);
        self.issued += 1;
        self.start_hop(id, sched);
    }

    fn pick_key(&mut self, class: usize, slot: usize, bucket: BucketId) -> KeyId {
        let c = &self.config.classes[class];
        let rt = &mut self.runtime[class];
        match &c.keys {
            KeyChoice::Listed(keys) if keys.len() > 1 => keys[rt.keys.random_range(0..keys.len())],
            KeyChoice::Listed(keys) => keys.first().copied().unwrap_or(0),
            KeyChoice::Objects(_) => {
                let objects = &self.config.objects.per_bucket;
                let Some(keys) = objects.get(bucket as usize).filter(|k| !k.is_empty()) else {
                    return 0;
                };
                let index = match rt.key_zipf.get(slot).and_then(Option::as_ref) {
                    Some(zipf) => zipf.sample(&mut rt.keys) as usize - 1,
                    None if keys.len() > 1 => rt.keys.random_range(0..keys.len()),
                    None => 0,
                };
                keys[index.min(keys.len() - 1)]
            }
        }
    }

    fn begin_process_epoch(&mut self, class: usize, client: u32, now: SimTime) {
        let memory = &mut self.clients[class][client as usize];
        match self.config.classes[class].lifetime {
            Lifetime::LongLived => {}
            Lifetime::PerRequest => memory.forget_all(),
            Lifetime::RestartEvery(period) => {
                let key = [self.phase_seed, class as u64, u64::from(client)];
                let bytes: Vec<u8> = key.iter().flat_map(|k| k.to_le_bytes()).collect();
                let phase = stable_hash(&bytes) % period.as_nanos();
                memory.enter_epoch(((now.as_nanos() + phase) / period.as_nanos()) as u32);
            }
        }
    }

    fn initial_host(&self, class: usize, client: u32, bucket: BucketId, now: SimTime) -> Host {
        let c = &self.config.classes[class];
        let memory = &self.clients[class][client as usize];
        let home = self.config.buckets[bucket as usize].region;
        c.redirects
            .first_host(memory, c.addressing, bucket, home, now)
    }

    fn allocate(&mut self, request: Request) -> u32 {
        match self.free.pop() {
            Some(id) => {
                self.requests[id as usize] = request;
                id
            }
            None => {
                self.requests.push(request);
                (self.requests.len() - 1) as u32
            }
        }
    }

    fn start_hop(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let (class, client, host, place, fetch) = {
            let r = &self.requests[id as usize];
            (usize::from(r.class), r.client, r.host, r.place, r.fetch)
        };
        if let Some(trace) = self.requests[id as usize].trace.as_mut() {
            trace.hosts.push(host);
        }
        if let Host::Distribution(_) = host {
            self.send_to_edge(id, sched);
            return;
        }
        let (answer, dns_latency) = match fetch {
            Some(_) => self.resolve_at_edge(id, now),
            None => self.resolve(class, client, host, now),
        };
        let failed = |status| {
            (
                Response::bare(status),
                now + dns_latency,
                Event::Response { request: id },
            )
        };
        let (response, at, event) = match answer {
            Answer::NxDomain => failed(Status::NxDomain),
            Answer::ServFail => failed(Status::DnsFailure),
            Answer::Ip(ip) => {
                let facility = self.endpoints.facility_of(ip);
                let there = now + dns_latency + self.half_rtt(place, facility);
                let r = &mut self.requests[id as usize];
                (r.ip, r.facility) = (ip, facility);
                (r.response, there, Event::AtFacility { request: id })
            }
        };
        self.requests[id as usize].response = response;
        sched.at(at, event);
    }

    /// The outbound leg of a round trip from `place` to a facility (the return leg is
    /// the rest).
    fn half_rtt(&self, place: LocationId, facility: FacilityId) -> SimDuration {
        SimDuration::from_nanos(self.rtt(place, facility).as_nanos() / 2)
    }

    fn return_leg(&self, place: LocationId, facility: FacilityId) -> SimDuration {
        let rtt = self.rtt(place, facility).as_nanos();
        SimDuration::from_nanos(rtt - rtt / 2)
    }

    fn rtt(&self, place: LocationId, facility: FacilityId) -> SimDuration {
        let region = self.config.topology.facilities[usize::from(facility)].region;
        self.config.topology.rtt(place, region)
    }

    fn resolve(
        &mut self,
        class: usize,
        client: u32,
        host: Host,
        now: SimTime,
    ) -> (Answer, SimDuration) {
        let truth = self.zone.truth(host, now).1;
        let c = &self.config.classes[class];
        let memory = &mut self.clients[class][client as usize];
        if let Some((answer, version)) = memory.answer(host, now) {
            self.recorder.lookup(class, now, version < truth, None);
            return (answer, SimDuration::ZERO);
        }
        let resolver = c.resolver_of(client);
        let group =
            &self.config.resolver_groups[usize::from(self.resolver_group[resolver as usize])];
        let reply = self.resolvers[resolver as usize].query(
            &group.config,
            &self.zone,
            &self.endpoints,
            host,
            now,
            &mut self.dns_rng,
        );
        let record = reply.record;
        let negative = record.answer == Answer::NxDomain;
        let cacheable = record.answer != Answer::ServFail;
        if let Some(expires) = c
            .dns
            .expiry(now, record.expires, negative)
            .filter(|_| cacheable)
        {
            memory.remember_answer(host, record.answer, record.version, expires);
        }
        self.recorder
            .lookup(class, now, record.version < truth, Some(reply.hit));
        (record.answer, reply.latency)
    }

    fn at_facility(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let (class, place, ip, facility) = {
            let r = &self.requests[id as usize];
            (usize::from(r.class), r.place, r.ip, r.facility)
        };
        match self.endpoints.connect(ip, now) {
            Connect::Facility(facility) => self.admit(id, facility, now, sched),
            Connect::Refused => {
                let back = now + self.return_leg(place, facility);
                self.respond(id, Response::bare(Status::ConnectionError), back, sched);
            }
            Connect::BlackHoled => {
                let tried = now - self.half_rtt(place, facility);
                let gives_up = tried + self.config.classes[class].connect_timeout;
                self.respond(
                    id,
                    Response::bare(Status::Timeout),
                    gives_up.max(now),
                    sched,
                );
            }
        }
    }

    fn respond(&mut self, id: u32, response: Response, at: SimTime, sched: &mut Scheduler<Event>) {
        self.requests[id as usize].response = response;
        sched.at(at, Event::Response { request: id });
    }

    /// Take a connected request: serve it, queue it, or turn it away with 503.
    fn admit(&mut self, id: u32, facility: FacilityId, now: SimTime, sched: &mut Scheduler<Event>) {
        let f = usize::from(facility);
        self.load.arrived(f, now);
        self.requests[id as usize].arrived = now;
        let response = self.s3_answer(id, f, now);
        self.requests[id as usize].response = response;
        let station = &mut self.stations[f];
        match self.config.topology.facilities[f].capacity {
            Some(c) if station.busy >= c.servers => {
                if station.queue.len() < c.queue_limit as usize {
                    station.queue.push_back(id);
                    let (busy, queued) = (station.busy, station.queue.len() as u32);
                    self.load.set_level(f, now, busy, queued);
                } else {
                    self.load.shed(f, now);
                    let place = self.requests[id as usize].place;
                    let back = now + self.return_leg(place, facility);
                    self.respond(id, Response::bare(Status::SlowDown), back, sched);
                }
            }
            Some(_) => self.start_service(id, f, now, sched),
            None => self.serve_at_once(id, f, now, sched),
        }
    }

    /// Serve at a facility without a server limit: nobody waits, so the answer leaves
    /// after the service time with no service event, no level and no wait to record.
    fn serve_at_once(&mut self, id: u32, f: usize, now: SimTime, sched: &mut Scheduler<Event>) {
        let service = self.config.topology.facilities[f]
            .service_time
            .sample(&mut self.service_rng);
        let done = now + service;
        self.load.unqueued(f, now, done);
        let r = &self.requests[id as usize];
        let back = done + self.return_leg(r.place, r.facility);
        sched.at(back, Event::Response { request: id });
    }

    fn start_service(&mut self, id: u32, f: usize, now: SimTime, sched: &mut Scheduler<Event>) {
        let station = &mut self.stations[f];
        station.busy += 1;
        let (busy, queued) = (station.busy, station.queue.len() as u32);
        self.load.set_level(f, now, busy, queued);
        let wait = now.since(self.requests[id as usize].arrived);
        self.load.started(f, now, wait);
        let service = self.config.topology.facilities[f]
            .service_time
            .sample(&mut self.service_rng);
        sched.at(now + service, Event::ServiceDone { request: id });
    }

    fn service_done(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let (place, facility) = {
            let r = &self.requests[id as usize];
            (r.place, r.facility)
        };
        let f = usize::from(facility);
        self.load.served(f, now);
        sched.at(
            now + self.return_leg(place, facility),
            Event::Response { request: id },
        );
        let station = &mut self.stations[f];
        station.busy -= 1;
        match station.queue.pop_front() {
            Some(next) => self.start_service(next, f, now, sched),
            None => self.load.set_level(f, now, station.busy, 0),
        }
    }

    /// Apply one fault step.
    fn fault(&mut self, step: u32, now: SimTime) {
        match self.steps[step as usize].1 {
            Step::Down { facility, mode } => self.endpoints.fail(facility, mode),
            Step::Up { facility, mode } => self.endpoints.repair(facility, mode),
            Step::Unlist { facility } => self.endpoints.set_unlisted(facility, true),
            Step::Relist { facility } => self.endpoints.set_unlisted(facility, false),
            Step::Drain { facility } => self.endpoints.drain(facility),
            Step::Rotate { facility, grace } => self.endpoints.rotate(facility, now, grace),
            Step::ResolversDown { group, serve_stale } => {
                self.resolver_outage(group, serve_stale, 1);
            }
            Step::ResolversUp { group, serve_stale } => {
                self.resolver_outage(group, serve_stale, -1);
            }
        }
    }

    /// Start (`+1`) or end (`-1`) one outage of a resolver group's upstream; outages
    /// may overlap, and stale answers are served only if every running one allows it.
    fn resolver_outage(&mut self, group: u16, serve_stale: bool, change: i32) {
        let (down, strict) = &mut self.upstream_outages[usize::from(group)];
        *down = down.saturating_add_signed(change);
        if !serve_stale {
            *strict = strict.saturating_add_signed(change);
        }
        let upstream = match (*down, *strict) {
            (0, _) => Upstream::Reachable,
            (_, strict) => Upstream::Unreachable {
                serve_stale: strict == 0,
            },
        };
        self.set_upstream(group, upstream);
    }

    fn set_upstream(&mut self, group: u16, upstream: Upstream) {
        for (resolver, &g) in self.resolvers.iter_mut().zip(&self.resolver_group) {
            if g == group {
                resolver.set_upstream(upstream);
            }
        }
    }

    fn response(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        if self.requests[id as usize].fetch.is_some() {
            self.fetch_done(id, sched);
            return;
        }
        let r = &mut self.requests[id as usize];
        let status = r.response.status;
        if !matches!(status, Status::NxDomain | Status::DnsFailure) {
            r.round_trips = r.round_trips.saturating_add(1);
        }
        r.first.get_or_insert(status);
        if let Some(trace) = r.trace.as_mut() {
            trace.statuses.push(status);
        }
        if let Some(backoff) = self.retry_backoff(id) {
            sched.at(now + backoff, Event::Retry { request: id });
            return;
        }
        match self.next_hop(id, now) {
            Some((host, key)) => {
                let r = &mut self.requests[id as usize];
                (r.host, r.key) = (host, key);
                self.start_hop(id, sched);
            }
            None => self.finish(id, now),
        }
    }

    /// Decide whether the request tries again, per its class's retry policy and quota;
    /// returns the backoff if it does.
    fn retry_backoff(&mut self, id: u32) -> Option<SimDuration> {
        let r = &mut self.requests[id as usize];
        let policy = self.config.classes[usize::from(r.class)].retry.as_ref()?;
        let memory = &mut self.clients[usize::from(r.class)][r.client as usize];
        policy.next_try(
            r.response.status,
            &mut r.attempts,
            memory,
            &mut self.retry_rng,
        )
    }

    /// Where the client sends the request next (host and key), per its redirect policy.
    fn next_hop(&mut self, id: u32, now: SimTime) -> Option<(Host, KeyId)> {
        let r = &mut self.requests[id as usize];
        let class = &self.config.classes[usize::from(r.class)];
        let memory = &mut self.clients[usize::from(r.class)][r.client as usize];
        let hop = Hop {
            host: r.host,
            bucket: r.bucket,
            key: r.key,
        };
        class.redirects.next_hop(
            hop,
            &r.response,
            &mut r.redirects,
            memory,
            class.addressing,
            now,
        )
    }

    /// What S3 answers a request that reached facility `f`: the website table for the
    /// website endpoint, 403 for direct requests to a bucket behind origin access
    /// control, else the table of DOMAIN.md §1.
    fn s3_answer(&self, id: u32, f: usize, now: SimTime) -> Response {
        let r = &self.requests[id as usize];
        let region = self.config.topology.facilities[f].region;
        let bucket = &self.config.buckets[r.bucket as usize];
        if let Host::Website(b) = r.host {
            return self.website_answer(b, r.key, region, now);
        }
        let signed = r.fetch.is_some();
        if !signed && self.edges.is_private(r.bucket) && bucket.exists_at(now) {
            return Response::bare(Status::Forbidden);
        }
        facility::answer(
            self.config.rules,
            &self.opt_in,
            bucket,
            r.bucket,
            r.host,
            region,
            now,
        )
    }

    fn website_answer(&self, b: BucketId, key: KeyId, region: u16, now: SimTime) -> Response {
        use crate::objects::WebAnswer;
        let here = self.config.buckets[b as usize].region_at(now) == Some(region);
        match self
            .config
            .objects
            .website(b as usize, key)
            .filter(|_| here)
        {
            Some(WebAnswer::Object) => Response::bare(Status::Ok),
            Some(WebAnswer::Redirect { status, key }) => Response {
                redirect_key: Some(key),
                ..Response::bare(status)
            },
            Some(WebAnswer::Leave { status }) => Response::bare(status),
            Some(WebAnswer::NotFound) | None => Response::bare(Status::NotFound),
        }
    }

    fn finish(&mut self, id: u32, now: SimTime) {
        let r = &mut self.requests[id as usize];
        let status = r.response.status;
        let succeeded = status == Status::Ok;
        let class = usize::from(r.class);
        let quota = self.config.classes[class].retry.and_then(|p| p.quota);
        if let Some(quota) = quota.filter(|_| succeeded) {
            quota.refund(&mut self.clients[class][r.client as usize]);
        }
        if r.redirects.looped {
            self.recorder.count(class, now, Counter::RedirectLoops, 1);
        }
        let done = Completion {
            first: r.first.expect("a response arrived"),
            succeeded,
            round_trips: u32::from(r.round_trips),
            attempts: u32::from(r.attempts),
            gave_up: status.is_retryable(),
            latency: now.since(r.started),
        };
        self.recorder.request_done(class, now, done);
        if let Some(mut trace) = r.trace.take() {
            trace.finished = now;
            self.traces.push(*trace);
        }
        self.completed += 1;
        self.free.push(id);
    }
}

impl Model for World<'_> {
    type Event = Event;

    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        match event {
            Event::Arrival { class } => self.arrival(usize::from(class), sched),
            Event::AtFacility { request } => self.at_facility(request, sched),
            Event::ServiceDone { request } => self.service_done(request, sched),
            Event::Response { request } => self.response(request, sched),
            Event::Retry { request } => self.start_hop(request, sched),
            Event::Fault { step } => self.fault(step, sched.now()),
            Event::AtEdge { request } => self.at_edge(request, sched),
            Event::Cdn { step } => self.cdn_step(step, sched.now()),
        }
    }
}
