//! Tie the model together: a request's life from arrival through DNS, facilities and
//! redirects to completion, driven by the engine.

use crate::bucket::{Bucket, BucketId};
use crate::client::{
    Arrivals, ClientClass, ClientMemory, Lifetime, Popularity, RedirectPolicy, RegionCache,
};
use crate::dns::{Answer, Authoritative, DnsConfig, Host, Resolver, ResolverConfig};
use crate::facility::{self, FacilityRules, Response, Status};
use crate::metrics::{BinnedMetrics, Recorder};
use crate::topology::{FacilityId, Topology};
use rand::RngExt;
use rand_distr::{Distribution, Exp, Zipf};
use s3sim_engine::{
    Model, RandomStreams, Scheduler, SimDuration, SimRng, SimTime, StopAt, stable_hash,
};
use serde::{Deserialize, Serialize};

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
/// The request counts always satisfy `issued == completed + in_flight`.
/// See [`run_replica`] for an example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicaOutput {
    /// Per-bin metrics.
    pub metrics: BinnedMetrics,
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
/// use s3sim_model::facility::{FacilityRules, Status};
/// use s3sim_model::topology::{Facility, Region, Topology};
/// use s3sim_model::world::{ResolverGroup, WorldConfig, run_replica};
/// let (s, ms) = (SimDuration::from_secs, SimDuration::from_millis);
/// let region = |name: &str| Region { name: name.into(), opt_in: false };
/// let facility = |name: &str, region| Facility {
///     name: name.into(), region, ips: 2, service_time: Delay::Fixed(ms(5)),
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
///         location_constraint: true }],
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
///     }],
///     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
///     trace_limit: 10,
/// };
/// let out = run_replica(&config, RandomStreams::new(1));
/// let first = &out.traces[0]; // t = 120 s: the global name still points at us-east-1
/// assert_eq!(first.statuses, [Status::TemporaryRedirect, Status::Ok]);
/// assert_eq!(first.hosts, [Host::BucketGlobal(0), Host::BucketRegional(0, 1)]);
/// assert_eq!(out.traces[2].statuses, [Status::Ok]); // t = 720 s: propagated
/// assert_eq!(out.issued, 12); // t = 120, 420, ..., 3420 s
/// assert_eq!(out.issued, out.completed + out.in_flight);
/// assert_eq!(out.metrics.total(0, s3sim_model::metrics::Counter::ExtraRoundTrips), 2);
/// ```
pub fn run_replica(config: &WorldConfig, streams: RandomStreams) -> ReplicaOutput {
    let mut world = World::new(config, streams);
    let mut sched = Scheduler::new();
    world.prime(&mut sched);
    let report = sched.run(&mut world, StopAt::time(config.duration.after_start()));
    world.into_output(report.events)
}

/// Mark the next step of a request's life for the scheduler.
///
/// Events are plain `Copy` values, two words each, so the event queue stays small;
/// a request's state lives in the [`World`] and events refer to it by index.
/// See [`run_replica`] for a run that handles them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next request of a class starts.
    Arrival { class: u16 },
    /// A request reaches its facility.
    AtFacility { request: u32 },
    /// A response (or DNS failure) reaches the client.
    Response { request: u32 },
}

struct Request {
    started: SimTime,
    client: u32,
    class: u16,
    bucket: BucketId,
    host: Host,
    facility: FacilityId,
    response: Response,
    first: Option<Status>,
    round_trips: u8,
    region_redirect_used: bool,
    trace: Option<Box<RequestTrace>>,
}

struct ClassRuntime {
    arrivals: SimRng,
    workload: SimRng,
    zipf: Option<Zipf<f64>>,
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
    opt_in: Vec<bool>,
    resolvers: Vec<Resolver>,
    resolver_group: Vec<u16>,
    clients: Vec<Vec<ClientMemory>>,
    runtime: Vec<ClassRuntime>,
    service_rng: SimRng,
    dns_rng: SimRng,
    phase_seed: u64,
    requests: Vec<Request>,
    free: Vec<u32>,
    recorder: Recorder,
    traces: Vec<RequestTrace>,
    traced: usize,
    issued: u64,
    completed: u64,
}

impl<'a> World<'a> {
    /// Build the initial state: empty caches, no requests in flight.
    pub fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
        let zone = Authoritative::new(
            config.dns.clone(),
            config.topology.default_region,
            &config.buckets,
            streams,
        );
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
                zipf: match c.popularity {
                    Popularity::Zipf(s) => {
                        Some(Zipf::new(c.buckets.len() as f64, s).expect("checked"))
                    }
                    Popularity::Uniform => None,
                },
                next_periodic_client: 0,
            })
            .collect();
        World {
            config,
            zone,
            opt_in: facility::opt_in_flags(&config.topology),
            resolvers,
            resolver_group,
            clients,
            runtime,
            service_rng: streams.stream("service", 0),
            dns_rng: streams.stream("dns-answers", 0),
            phase_seed: streams.master_seed(),
            requests: Vec::new(),
            free: Vec::new(),
            recorder: Recorder::new(config.bin, config.duration, config.classes.len()),
            traces: Vec::new(),
            traced: 0,
            issued: 0,
            completed: 0,
        }
    }

    /// Schedule every class's first arrival.
    pub fn prime(&mut self, sched: &mut Scheduler<Event>) {
        for class in 0..self.config.classes.len() {
            let c = &self.config.classes[class];
            let first = match c.arrivals {
                Arrivals::Poisson { .. } => c.start + self.interarrival(class),
                Arrivals::Periodic { .. } => c.start,
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

    fn into_output(self, events: u64) -> ReplicaOutput {
        ReplicaOutput {
            metrics: self.recorder.finish(),
            traces: self.traces,
            issued: self.issued,
            completed: self.completed,
            in_flight: self.issued - self.completed,
            events,
        }
    }

    fn interarrival(&mut self, class: usize) -> SimDuration {
        let c = &self.config.classes[class];
        match c.arrivals {
            Arrivals::Poisson { per_client_per_sec } => {
                let rate = per_client_per_sec * f64::from(c.count);
                let gap: f64 = Exp::new(rate)
                    .expect("rate checked")
                    .sample(&mut self.runtime[class].arrivals);
                SimDuration::from_secs_f64(gap)
            }
            Arrivals::Periodic { interval } => {
                SimDuration::from_nanos((interval.as_nanos() / u64::from(c.count)).max(1))
            }
        }
    }

    fn pick_client(&mut self, class: usize) -> u32 {
        let c = &self.config.classes[class];
        let rt = &mut self.runtime[class];
        match c.arrivals {
            Arrivals::Poisson { .. } => rt.arrivals.random_range(0..c.count),
            Arrivals::Periodic { .. } => {
                let client = rt.next_periodic_client;
                rt.next_periodic_client = (client + 1) % c.count;
                client
            }
        }
    }

    fn pick_bucket(&mut self, class: usize) -> BucketId {
        let c = &self.config.classes[class];
        let rt = &mut self.runtime[class];
        let index = match &rt.zipf {
            Some(zipf) => zipf.sample(&mut rt.workload) as usize - 1,
            None => rt.workload.random_range(0..c.buckets.len()),
        };
        c.buckets[index.min(c.buckets.len() - 1)]
    }

    fn arrival(&mut self, class: usize, sched: &mut Scheduler<Event>) {
        let next = sched.now() + self.interarrival(class);
        if next < self.config.classes[class].stop {
            sched.at(
                next,
                Event::Arrival {
                    class: class as u16,
                },
            );
        }
        let client = self.pick_client(class);
        let bucket = self.pick_bucket(class);
        self.begin_process_epoch(class, client, sched.now());
        let host = self.initial_host(class, client, bucket, sched.now());
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
        let request = Request {
            started: sched.now(),
            client,
            class: class as u16,
            bucket,
            host,
            facility: 0,
            response: Response::bare(Status::Ok),
            first: None,
            round_trips: 0,
            region_redirect_used: false,
            trace,
        };
        let id = self.allocate(request);
        self.issued += 1;
        self.start_hop(id, sched);
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
        match c.redirects {
            RedirectPolicy::Sticky { .. } => memory.sticky(bucket),
            RedirectPolicy::SdkRegion { .. } => memory
                .region(bucket, now)
                .map(|r| c.addressing.regional_host(bucket, r)),
            RedirectPolicy::None | RedirectPolicy::FollowLocation { .. } => None,
        }
        .unwrap_or_else(|| c.addressing.host(bucket, home))
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
        let (class, client, host) = {
            let r = &self.requests[id as usize];
            (usize::from(r.class), r.client, r.host)
        };
        if let Some(trace) = self.requests[id as usize].trace.as_mut() {
            trace.hosts.push(host);
        }
        let (answer, dns_latency) = self.resolve(class, client, host, now);
        match answer {
            Answer::NxDomain => {
                self.requests[id as usize].response = Response::bare(Status::NxDomain);
                sched.at(now + dns_latency, Event::Response { request: id });
            }
            Answer::Ip(ip) => {
                let facility = self.config.topology.facility_of_ip(ip);
                self.requests[id as usize].facility = facility;
                let half = self.rtt(class, facility).as_nanos() / 2;
                sched.at(
                    now + dns_latency + SimDuration::from_nanos(half),
                    Event::AtFacility { request: id },
                );
            }
        }
    }

    fn rtt(&self, class: usize, facility: FacilityId) -> SimDuration {
        let region = self.config.topology.facilities[usize::from(facility)].region;
        self.config
            .topology
            .rtt(self.config.classes[class].location, region)
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
            &self.config.topology,
            host,
            now,
            &mut self.dns_rng,
        );
        let record = reply.record;
        let negative = record.answer == Answer::NxDomain;
        if let Some(expires) = c.dns.expiry(now, record.expires, negative) {
            memory.remember_answer(host, record.answer, record.version, expires);
        }
        self.recorder
            .lookup(class, now, record.version < truth, Some(reply.hit));
        (record.answer, reply.latency)
    }

    fn at_facility(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let r = &self.requests[id as usize];
        let bucket = r.bucket;
        let facility = &self.config.topology.facilities[usize::from(r.facility)];
        let response = facility::answer(
            self.config.rules,
            &self.opt_in,
            &self.config.buckets[bucket as usize],
            bucket,
            r.host,
            facility.region,
            now,
        );
        let service = facility.service_time.sample(&mut self.service_rng);
        let rtt = self.rtt(usize::from(r.class), r.facility);
        let back = SimDuration::from_nanos(rtt.as_nanos() - rtt.as_nanos() / 2);
        self.requests[id as usize].response = response;
        sched.at(now + service + back, Event::Response { request: id });
    }

    fn response(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let r = &mut self.requests[id as usize];
        let status = r.response.status;
        if status != Status::NxDomain {
            r.round_trips = r.round_trips.saturating_add(1);
        }
        r.first.get_or_insert(status);
        if let Some(trace) = r.trace.as_mut() {
            trace.statuses.push(status);
        }
        match self.next_host(id, now) {
            Some(host) => {
                self.requests[id as usize].host = host;
                self.start_hop(id, sched);
            }
            None => self.finish(id, now),
        }
    }

    /// Where the client sends the request next, per its redirect policy; `None` ends it.
    fn next_host(&mut self, id: u32, now: SimTime) -> Option<Host> {
        let r = &mut self.requests[id as usize];
        let class = &self.config.classes[usize::from(r.class)];
        let response = r.response;
        let redirects_so_far = r.round_trips.saturating_sub(1);
        let memory = &mut self.clients[usize::from(r.class)][r.client as usize];
        match &class.redirects {
            _ if response.status == Status::Ok => None,
            RedirectPolicy::None => None,
            RedirectPolicy::FollowLocation { codes, max_hops } => response
                .location
                .filter(|_| codes.contains(&response.status) && redirects_so_far < *max_hops),
            RedirectPolicy::Sticky { max_hops } => {
                let next = response
                    .location
                    .filter(|_| response.status.is_redirect() && redirects_so_far < *max_hops)?;
                memory.stick(r.bucket, next);
                Some(next)
            }
            RedirectPolicy::SdkRegion { cache } => {
                let learns = response.status.is_redirect() || response.status == Status::BadRequest;
                let region = response
                    .bucket_region
                    .filter(|_| learns && !r.region_redirect_used)?;
                r.region_redirect_used = true;
                let expires = match cache {
                    RegionCache::None => None,
                    RegionCache::Forever => Some(SimTime::NEVER),
                    RegionCache::Ttl(ttl) => Some(now + *ttl),
                };
                if let Some(expires) = expires {
                    memory.learn_region(r.bucket, region, expires);
                }
                Some(class.addressing.regional_host(r.bucket, region))
            }
        }
    }

    fn finish(&mut self, id: u32, now: SimTime) {
        let r = &mut self.requests[id as usize];
        let succeeded = r.response.status == Status::Ok;
        let first = r.first.expect("a response arrived");
        let latency = now.since(r.started);
        self.recorder.request_done(
            usize::from(r.class),
            now,
            first,
            succeeded,
            u32::from(r.round_trips),
            latency,
        );
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
            Event::Response { request } => self.response(request, sched),
        }
    }
}
