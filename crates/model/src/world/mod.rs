//! Tie the model together: a request's life from arrival through DNS, facilities and
//! redirects to completion, driven by the engine.
//!
//! [`World`] only dispatches: each event goes to the part that owns the state it
//! changes, and the world carries a request from one part to the next. The parts, each
//! in its own module and tested alone:
//!
//! - `clients`: every class's arrivals and choices (`arrivals`), and each client
//!   process's memory, which the client policies read and write;
//! - `dns_path`: client cache → resolver → authoritative zone, upstream outages, and
//!   the resolvers' warm start from the clients' query rates (`query_rates`);
//! - `station`: each facility's servers and queue, and its load;
//! - `faults`: the fault timeline and what each step changes;
//! - `edge`: the CDN edges' caches, collapsed origin fetches and invalidations;
//! - `request`: the requests in flight and their traces.
//!
//! What S3 answers is [`FrontEnd`]'s business; where the client goes next is
//! [`RedirectPolicy::next_hop`](crate::client::RedirectPolicy::next_hop)'s.

mod arrivals;
mod clients;
mod config;
mod dns_path;
mod edge;
mod event;
mod faults;
#[cfg(test)]
mod fixture;
mod output;
mod query_rates;
mod request;
mod station;

pub use config::{ResolverGroup, WorldConfig};
pub use event::Event;
pub use output::{ReplicaOutput, RequestTrace, TracedHop, TracedLookup};

use crate::client::{Dial, IpFamily};
use crate::dns::{Answer, Host};
use crate::endpoints::{Connect, Endpoints};
use crate::facility::{Caller, FrontEnd};
use crate::fault::Fault;
use crate::learning::Learning;
use crate::metrics::{Completion, Counter, Recorder};
use crate::rate_limit::{Access, PrefixBudgets};
use crate::response::{Response, Status};
use crate::topology::{FacilityId, LocationId, RegionId};
use clients::Clients;
use dns_path::{DnsPath, Resolution};
use edge::Edges;
use faults::Faults;
use request::{RequestTable, TraceChoice};
use s3sim_engine::{Model, RandomStreams, Scheduler, SimDuration, SimTime, StopAt};
use station::{Admission, Stations};

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
///         propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None },
///     resolver_groups: vec![ResolverGroup { name: "isp".into(), count: 1,
///         config: ResolverConfig { min_ttl: s(0), max_ttl: s(86_400),
///             negative_ttl: s(60), rtt: ms(1), miss_rtt: ms(20) }, warm_start: false }],
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
///         keys: KeyChoice::Objects(Popularity::Uniform), cdn: None, region: None, sigv4: false,
///         methods: MethodMix::default(), list_bucket: true, stub: Default::default(),
///     }],
///     rules: FacilityRules { temporary_redirect: Status::TemporaryRedirect },
///     faults: vec![], cdn: Default::default(), objects: Default::default(),
///     rate_limits: Default::default(),
///     trace_limit: 10,
///     learning_delay: Delay::Fixed(SimDuration::ZERO),
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

/// Run a replica as [`run_replica`] does, telling `progress` after each of `slices`
/// equal spans of simulated time how many are done (1 to `slices`): progress inside
/// one long replica, for a progress bar.
///
/// The scheduler stops at each span's end and goes on from there; no event runs in
/// between, so the output is [`run_replica`]'s, bit for bit.
pub fn run_replica_in_slices(
    config: &WorldConfig,
    streams: RandomStreams,
    slices: u32,
    mut progress: impl FnMut(u32),
) -> ReplicaOutput {
    let mut world = World::new(config, streams);
    let mut sched = Scheduler::new();
    world.prime(&mut sched);
    let end = config.duration.after_start();
    let slices = slices.max(1);
    let mut events = 0;
    for k in 1..=slices {
        let until = u128::from(end.as_nanos()) * u128::from(k) / u128::from(slices);
        let until = SimTime::from_nanos(u64::try_from(until).unwrap_or(u64::MAX));
        events += sched.run(&mut world, StopAt::time(until)).events;
        progress(k);
    }
    world.into_output(events, end)
}

/// Follow one request through a replica of `config`: the `nth` (from 0) request of
/// class `class` that starts at or after `from`, every hop in detail (its DNS lookup,
/// the facility it reached, its status and times; see [`TracedHop`]).
///
/// Runs the replica as [`run_replica`] does, with the same random streams, so the
/// request is the one that replica makes; only that request is traced, so an ordinary
/// run pays nothing for this. `None` when no such request completes before the end.
/// `s3sim trace` draws what this returns; the model's `tests/traces.rs` asserts it.
pub fn trace_request(
    config: &WorldConfig,
    streams: RandomStreams,
    class: u16,
    from: SimTime,
    nth: usize,
) -> Option<RequestTrace> {
    let mut world = World::new(config, streams);
    world.requests = RequestTable::tracing(TraceChoice::One { class, from, nth });
    let mut sched = Scheduler::new();
    world.prime(&mut sched);
    let end = config.duration.after_start();
    let report = sched.run(&mut world, StopAt::time(end));
    world.into_output(report.events, end).traces.pop()
}

/// Simulate S3 request routing for one replica; implements the engine's [`Model`].
///
/// Borrowing the [`WorldConfig`] lets many replicas run in parallel off one
/// configuration. [`run_replica`] drives a `World` to the end of a run and shows a
/// complete example.
pub struct World<'a> {
    config: &'a WorldConfig,
    clients: Clients<'a>,
    requests: RequestTable,
    dns: DnsPath<'a>,
    endpoints: Endpoints,
    front_end: FrontEnd<'a>,
    stations: Stations<'a>,
    budgets: PrefixBudgets<'a>,
    faults: Faults,
    edges: Edges<'a>,
    recorder: Recorder,
}

impl<'a> World<'a> {
    /// Build the initial state: empty caches, no requests in flight.
    pub fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
        let learning = Learning::new(
            &config.learning_delay,
            &config.buckets,
            config.topology.facilities.len(),
            streams,
        );
        let mut front_end = FrontEnd::new(
            config.rules,
            &config.topology,
            &config.buckets,
            &config.objects,
            &config.cdn.distributions,
        )
        .with_learning(learning);
        for fault in &config.faults {
            if let Fault::EndpointRetired { region, at } = *fault {
                front_end.retire_endpoint(region, at);
            }
        }
        World {
            config,
            clients: Clients::new(config, streams),
            requests: RequestTable::new(config.trace_limit),
            dns: DnsPath::new(config, streams),
            endpoints: Endpoints::new(&config.topology),
            front_end,
            stations: Stations::new(config, streams),
            budgets: PrefixBudgets::new(&config.rate_limits, &config.objects, config.buckets.len()),
            faults: Faults::new(&config.faults),
            edges: Edges::new(config, streams),
            recorder: Recorder::new(config.bin, config.duration, config.classes.len()),
        }
    }

    /// Schedule every fault step, every CDN step and every class's first arrival.
    pub fn prime(&mut self, sched: &mut Scheduler<Event>) {
        self.faults.prime(sched);
        self.edges.prime(sched);
        for class in 0..self.config.classes.len() {
            if let Some(first) = self.clients.first_arrival(class) {
                let class = class as u16;
                sched.at(first, Event::Arrival { class });
            }
        }
    }

    fn into_output(self, events: u64, end: SimTime) -> ReplicaOutput {
        ReplicaOutput {
            metrics: self.recorder.finish(),
            facilities: self.stations.finish(end),
            issued: self.requests.issued(),
            completed: self.requests.completed(),
            in_flight: self.requests.held() - self.edges.fetching(),
            traces: self.requests.into_traces(),
            events,
        }
    }

    /// A class's request starts: schedule the class's next one, then send this one.
    fn arrival(&mut self, class: usize, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let (request, next) = self.clients.arrive(class, now);
        if let Some(next) = next {
            let class = class as u16;
            sched.at(next, Event::Arrival { class });
        }
        let id = self.requests.issue(request);
        self.start_hop(id, sched);
    }

    /// Send a request's current hop: to an edge, or resolve its host and connect.
    fn start_hop(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let r = &mut self.requests[id];
        let host = r.host;
        if let Some(trace) = r.trace.as_mut() {
            trace.hosts.push(host);
            trace.methods.push(r.method);
        }
        if let Host::Distribution(_) = host {
            self.trace_hop(id, now, None);
            self.edges.send(id, &mut self.requests, sched);
            return;
        }
        let resolution = self.resolve(id, now);
        self.trace_hop(id, now, Some(resolution));
        let (answer, latency) = (resolution.answer, resolution.latency);
        match answer {
            Answer::NxDomain => {
                let nxdomain = Response::bare(Status::NxDomain);
                self.requests.respond(id, nxdomain, now + latency, sched);
            }
            Answer::ServFail => {
                let servfail = Response::bare(Status::DnsFailure);
                self.requests.respond(id, servfail, now + latency, sched);
            }
            Answer::Ip(ip) => {
                let facility = self.endpoints.facility_of(ip);
                let r = &mut self.requests[id];
                (r.ip, r.facility) = (ip, facility);
                let place = r.place;
                let out = self.legs(place, facility).0;
                self.dial(id, now + latency, out, sched);
            }
        }
    }

    /// Connect request `id`'s hop, resolved at `resolved`, over the family its class
    /// dials (docs/domain.md §3, "Dual-stack endpoints"); `out` is the outbound leg.
    fn dial(&mut self, id: u32, resolved: SimTime, out: SimDuration, sched: &mut Scheduler<Event>) {
        let dial = request::dial(self.config, &self.requests[id]);
        let r = &self.requests[id];
        if r.fetch.is_none() {
            let counter = match dial.family() {
                IpFamily::V4 => Counter::Ipv4Connections,
                IpFamily::V6 => Counter::Ipv6Connections,
            };
            let class = usize::from(r.class);
            self.recorder.count(class, sched.now(), counter, 1);
        }
        match dial {
            Dial::Connect { after, .. } => {
                sched.at(resolved + after + out, Event::AtFacility { request: id });
            }
            Dial::Silent => {
                let timeout = self.config.classes[usize::from(r.class)].connect_timeout;
                let silence = Response::bare(Status::Timeout);
                self.requests
                    .respond(id, silence, resolved + timeout, sched);
            }
            Dial::Unreachable => {
                let unreachable = Response::bare(Status::ConnectionError);
                self.requests.respond(id, unreachable, resolved, sched);
            }
        }
    }

    /// Start the detailed trace of request `id`'s hop sent at `now` (if it is the
    /// request [`trace_request`] follows).
    fn trace_hop(&mut self, id: u32, now: SimTime, resolution: Option<Resolution>) {
        if !self.requests.detailed() {
            return;
        }
        let r = &self.requests[id];
        let facility = match resolution.map(|res| res.answer) {
            Some(Answer::Ip(ip)) => Some(self.endpoints.facility_of(ip)),
            _ => None,
        };
        let hop = TracedHop {
            host: r.host,
            sent: now,
            lookup: resolution.map(|res| TracedLookup {
                answer: res.answer,
                resolver_hit: res.resolver_hit,
                stale: res.stale,
                latency: res.latency,
            }),
            facility,
            status: Status::Ok,
            answered: now,
        };
        self.requests.trace_hop(id, hop);
    }

    /// Resolve a request's host: an origin fetch through its edge's resolvers, a
    /// client's request along its DNS path (and count the lookup).
    fn resolve(&mut self, id: u32, now: SimTime) -> Resolution {
        let r = &self.requests[id];
        if r.fetch.is_some() {
            let resolver = self.edges.resolver(r);
            let reply = self.dns.query(resolver, r.host, now, &self.endpoints);
            return Resolution {
                answer: reply.record.answer,
                latency: reply.latency,
                stale: false,
                resolver_hit: Some(reply.hit),
                sent: Default::default(),
            };
        }
        let class = usize::from(r.class);
        let c = &self.config.classes[class];
        let memory = self.clients.memory(class, r.client);
        let resolver = c.resolver_of(r.client);
        let lookup = self.dns.resolve(
            memory,
            c.dns,
            &c.stub,
            resolver,
            r.host,
            now,
            &self.endpoints,
        );
        self.recorder
            .lookup(class, now, lookup.stale, lookup.resolver_hit);
        let sent = lookup.sent;
        if sent.queries > 0 {
            self.recorder
                .dns_queries(class, now, sent.queries, sent.nxdomain);
        }
        lookup
    }

    /// A request reaches its IP: the facility takes it, refuses it, or never answers.
    fn at_facility(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let r = &self.requests[id];
        let (out, back) = self.legs(r.place, r.facility);
        match self.endpoints.connect(r.ip, now) {
            Connect::Facility(facility) => self.admit(id, facility, back, sched),
            Connect::Refused => {
                let refused = Response::bare(Status::ConnectionError);
                self.requests.respond(id, refused, now + back, sched);
            }
            Connect::BlackHoled => {
                let timeout = self.config.classes[usize::from(r.class)].connect_timeout;
                let gives_up = (now - out + timeout).max(now);
                let silence = Response::bare(Status::Timeout);
                self.requests.respond(id, silence, gives_up, sched);
            }
        }
    }

    /// A facility takes a connected request: S3's answer is decided now, a request
    /// above its prefix's budget is turned away at once, and the facility's servers
    /// decide when (and whether) the others leave; `back` is the return leg.
    fn admit(
        &mut self,
        id: u32,
        facility: FacilityId,
        back: SimDuration,
        sched: &mut Scheduler<Event>,
    ) {
        let now = sched.now();
        let f = usize::from(facility);
        let r = &self.requests[id];
        let region = self.config.topology.facilities[f].region;
        let caller = match r.fetch {
            Some(d) => Caller {
                origin_fetch: true,
                list_bucket: self.config.cdn.distributions[usize::from(d)].list_bucket,
            },
            None => Caller {
                origin_fetch: false,
                list_bucket: self.config.classes[usize::from(r.class)].list_bucket,
            },
        };
        let response = self.front_end.answer(r.hop(), caller, facility, now);
        self.requests[id].response = response;
        if self.over_budget(id, region, now) {
            self.stations.turned_away(f, now);
            let slow_down = Response::bare(Status::SlowDown);
            self.requests.respond(id, slow_down, now + back, sched);
            return;
        }
        match self.stations.admit(id, f, now) {
            Admission::Queued => {}
            Admission::Shed => {
                let slow_down = Response::bare(Status::SlowDown);
                self.requests.respond(id, slow_down, now + back, sched);
            }
            Admission::Started { done } => sched.at(done, Event::ServiceDone { request: id }),
            Admission::Served { done } => sched.at(done + back, Event::Response { request: id }),
        }
    }

    /// Charge a request that S3 answers from its bucket (200, a 404 for a key, any
    /// website answer, in the bucket's region) to its prefix's budget (docs/domain.md
    /// §7); `true` when the budget is exhausted and S3 answers 503 Slow Down.
    fn over_budget(&mut self, id: u32, region: RegionId, now: SimTime) -> bool {
        let r = &self.requests[id];
        let hop = r.hop();
        let bucket = &self.config.buckets[hop.bucket as usize];
        let from_bucket = matches!(r.response.status, Status::Ok | Status::NotFound)
            || matches!(hop.host, Host::Website(_));
        let access = if hop.method.writes() {
            Access::Write
        } else {
            Access::Read
        };
        bucket.region_at(now) == Some(region)
            && from_bucket
            && !self.budgets.admit(hop.bucket, hop.key, access, now)
    }

    /// A request's service ends: its answer heads back, and its server takes the next.
    fn service_done(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let r = &self.requests[id];
        let back = self.legs(r.place, r.facility).1;
        let next = self.stations.release(usize::from(r.facility), now);
        sched.at(now + back, Event::Response { request: id });
        if let Some((next, done)) = next {
            sched.at(done, Event::ServiceDone { request: next });
        }
    }

    /// An answer reaches the client (or an edge, for an origin fetch): retry, follow a
    /// redirect, or finish.
    fn response(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        if self.requests[id].fetch.is_some() {
            self.edges
                .fetch_done(id, &mut self.requests, &mut self.recorder, sched);
            return;
        }
        let r = &mut self.requests[id];
        let status = r.response.status;
        if !matches!(status, Status::NxDomain | Status::DnsFailure) {
            r.round_trips = r.round_trips.saturating_add(1);
        }
        r.first.get_or_insert(status);
        if let Some(trace) = r.trace.as_mut() {
            trace.statuses.push(status);
            if let Some(hop) = trace.hops.last_mut() {
                (hop.status, hop.answered) = (status, now);
            }
        }
        if let Some(backoff) = self.clients.retry(r) {
            sched.at(now + backoff, Event::Retry { request: id });
            return;
        }
        match self.clients.next_hop(r, now) {
            Some(hop) => {
                r.go_to(hop);
                self.start_hop(id, sched);
            }
            None => self.finish(id, now),
        }
    }

    /// A client request ends with its last answer: settle its quota and count it.
    fn finish(&mut self, id: u32, now: SimTime) {
        let r = &self.requests[id];
        let status = r.response.status;
        let succeeded = status == Status::Ok;
        let class = usize::from(r.class);
        if succeeded {
            self.clients.refund(r);
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
        self.requests.complete(id, now);
    }

    /// The two legs of the round trip between `place` and `facility`.
    fn legs(&self, place: LocationId, facility: FacilityId) -> (SimDuration, SimDuration) {
        let region = self.config.topology.facilities[usize::from(facility)].region;
        self.config.topology.legs(place, region)
    }
}

impl Model for World<'_> {
    type Event = Event;

    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        match event {
            Event::Arrival { class } => self.arrival(usize::from(class), sched),
            Event::AtFacility { request } => self.at_facility(request, sched),
            Event::ServiceDone { request } => self.service_done(request, sched),
            Event::Response { request } => self.response(request, sched),
            Event::Retry { request } => self.start_hop(request, sched),
            Event::Fault { step } => {
                self.faults
                    .apply(step, now, &mut self.endpoints, &mut self.dns);
            }
            Event::AtEdge { request } => {
                let requests = &mut self.requests;
                let recorder = &mut self.recorder;
                if let Some(fetch) = self.edges.at_edge(request, requests, recorder, sched) {
                    self.start_hop(fetch, sched);
                }
            }
            Event::Cdn { step } => self.edges.step(step, now, &mut self.recorder),
        }
    }
}
