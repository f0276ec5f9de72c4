//! CDN edges in the event loop: viewer requests at an edge, cache hits, collapsed
//! origin fetches through the edge's own resolvers, stale-on-5xx, invalidations.

use super::{Event, Request, World, WorldConfig};
use crate::bucket::KeyId;
use crate::cdn::cache::{EdgeCache, Lookup};
use crate::cdn::invalidation::InvalidationLedger;
use crate::dns::{Answer, Host};
use crate::metrics::Counter;
use crate::response::{Response, Status};
use s3sim_engine::{RandomStreams, Scheduler, SimDuration, SimTime};
use std::collections::BTreeMap;

/// A miss being fetched: the viewers waiting for it and the expired copy, if any.
struct Pending {
    waiters: Vec<u32>,
    stale: Option<Response>,
}

/// What an origin fetch brought back.
struct Fetched {
    answer: Response,
    /// The origin answered (rather than the edge making a 502 itself).
    from_origin: bool,
    /// The expired copy, if the edge had one.
    stale: Option<Response>,
}

#[derive(Clone, Copy)]
enum CdnStep {
    /// An invalidation is requested (and billed).
    Request { invalidation: u32 },
    /// It reaches one edge.
    Purge { invalidation: u32, edge: u16 },
}

/// Everything the edges hold during a run.
pub(super) struct EdgeState {
    /// One cache per (edge, distribution), edge-major.
    caches: Vec<EdgeCache<Response>>,
    distributions: usize,
    /// Misses in flight per (edge, distribution, key): collapsed into one fetch.
    pending: BTreeMap<(u16, u16, KeyId), Pending>,
    /// Per client place: its nearest edge.
    nearest: Vec<u16>,
    /// Per bucket: behind origin access control.
    private: Vec<bool>,
    steps: Vec<(SimTime, CdnStep)>,
    ledger: InvalidationLedger,
    fetching: u64,
}

impl EdgeState {
    pub(super) fn new(config: &WorldConfig, streams: RandomStreams) -> Self {
        let cdn = &config.cdn;
        let keys = config.objects.keys.len().max(1) as u32;
        let caches = cdn
            .edges
            .iter()
            .flat_map(|e| {
                cdn.distributions
                    .iter()
                    .map(|_| EdgeCache::new(keys, e.capacity))
            })
            .collect();
        let places = config.topology.locations.len() as u16;
        let nearest = (0..places)
            .map(|p| cdn.nearest_edge(&config.topology, p).unwrap_or(0))
            .collect();
        let mut private = vec![false; config.buckets.len()];
        for d in cdn.distributions.iter().filter(|d| d.access_control) {
            private[d.bucket as usize] = true;
        }
        EdgeState {
            caches,
            distributions: cdn.distributions.len(),
            pending: BTreeMap::new(),
            nearest,
            private,
            steps: invalidation_steps(config, streams),
            ledger: InvalidationLedger::default(),
            fetching: 0,
        }
    }

    pub(super) fn prime(&self, sched: &mut Scheduler<Event>) {
        for (step, &(at, _)) in self.steps.iter().enumerate() {
            sched.at(at, Event::Cdn { step: step as u32 });
        }
    }

    /// Origin fetches in flight (held as requests but not client requests).
    pub(super) fn fetching(&self) -> u64 {
        self.fetching
    }

    pub(super) fn is_private(&self, bucket: u32) -> bool {
        self.private[bucket as usize]
    }

    fn cache(&mut self, edge: u16, distribution: u16) -> &mut EdgeCache<Response> {
        &mut self.caches[usize::from(edge) * self.distributions + usize::from(distribution)]
    }
}

/// Every invalidation's request time, then its arrival at each edge after a delay
/// drawn per (invalidation, edge), in time order.
fn invalidation_steps(config: &WorldConfig, streams: RandomStreams) -> Vec<(SimTime, CdnStep)> {
    let cdn = &config.cdn;
    let mut steps = Vec::new();
    for (i, inv) in cdn.invalidations.iter().enumerate() {
        steps.push((
            inv.at,
            CdnStep::Request {
                invalidation: i as u32,
            },
        ));
        for edge in 0..cdn.edges.len() {
            let mut rng = streams.stream("invalidation", ((i as u64) << 16) | edge as u64);
            let delay = cdn
                .invalidation_delay
                .as_ref()
                .map_or(SimDuration::ZERO, |d| d.sample(&mut rng));
            let purge = CdnStep::Purge {
                invalidation: i as u32,
                edge: edge as u16,
            };
            steps.push((inv.at + delay, purge));
        }
    }
    steps.sort_by_key(|&(t, _)| t);
    steps
}

impl World<'_> {
    /// Send a viewer request to its nearest edge.
    pub(super) fn send_to_edge(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let edge = self.edges.nearest[usize::from(self.requests[id as usize].place)];
        self.requests[id as usize].edge = edge;
        let (out, _) = self.edge_legs(id);
        sched.at(sched.now() + out, Event::AtEdge { request: id });
    }

    /// The two legs of the round trip between a request's place and its edge.
    fn edge_legs(&self, id: u32) -> (SimDuration, SimDuration) {
        let r = &self.requests[id as usize];
        let region = self.config.cdn.edges[usize::from(r.edge)].region;
        let rtt = self.config.topology.rtt(r.place, region).as_nanos();
        (
            SimDuration::from_nanos(rtt / 2),
            SimDuration::from_nanos(rtt - rtt / 2),
        )
    }

    /// Answer a viewer from the edge's cache, or fetch from the origin.
    pub(super) fn at_edge(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let r = &self.requests[id as usize];
        let Host::Distribution(distribution) = r.host else {
            unreachable!("only distribution hosts reach an edge");
        };
        let (class, edge, key) = (usize::from(r.class), r.edge, r.key);
        self.recorder.count(class, now, Counter::EdgeRequests, 1);
        match self.edges.cache(edge, distribution).lookup(key, now) {
            Lookup::Fresh(cached) => {
                self.recorder.count(class, now, Counter::EdgeHits, 1);
                if cached.status.is_redirect() {
                    self.recorder.count(class, now, Counter::EdgeCached3xx, 1);
                }
                let back = now + self.edge_legs(id).1;
                self.respond(id, cached, back, sched);
            }
            Lookup::Expired(stale) => self.fetch(id, distribution, Some(stale), sched),
            Lookup::Miss => self.fetch(id, distribution, None, sched),
        }
    }

    /// Join the fetch in flight for this object at this edge, or start one.
    fn fetch(
        &mut self,
        viewer: u32,
        distribution: u16,
        stale: Option<Response>,
        sched: &mut Scheduler<Event>,
    ) {
        let v = &self.requests[viewer as usize];
        let slot = (v.edge, distribution, v.key);
        if let Some(pending) = self.edges.pending.get_mut(&slot) {
            pending.waiters.push(viewer);
            return;
        }
        let pending = Pending {
            waiters: vec![viewer],
            stale,
        };
        self.edges.pending.insert(slot, pending);
        let d = &self.config.cdn.distributions[usize::from(distribution)];
        let home = self.config.buckets[d.bucket as usize].region;
        let now = sched.now();
        let place = self.config.cdn.edges[usize::from(v.edge)].place;
        let host = d.origin.host(d.bucket, home);
        let fetch = Request {
            edge: v.edge,
            fetch: Some(distribution),
            ..Request::new(now, v.class, 0, (d.bucket, v.key), place, host)
        };
        let class = usize::from(v.class);
        self.recorder.count(class, now, Counter::OriginFetches, 1);
        let id = self.allocate(fetch);
        self.edges.fetching += 1;
        self.start_hop(id, sched);
    }

    /// Resolve an origin fetch's host through the edge's own resolvers.
    pub(super) fn resolve_at_edge(&mut self, id: u32, now: SimTime) -> (Answer, SimDuration) {
        let r = &self.requests[id as usize];
        let resolver = self.config.cdn.edges[usize::from(r.edge)].resolver_of(r.key);
        let group = &self.config.resolver_groups
            [usize::from(self.resolver_group[resolver as usize])]
        .config;
        let reply = self.resolvers[resolver as usize].query(
            group,
            &self.zone,
            &self.endpoints,
            r.host,
            now,
            &mut self.dns_rng,
        );
        (reply.record.answer, reply.latency)
    }

    /// The origin answered a fetch: cache per the distribution's policy (or serve the
    /// stale copy on a 5xx) and answer every viewer waiting for it.
    pub(super) fn fetch_done(&mut self, id: u32, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let r = &self.requests[id as usize];
        let (class, edge, key) = (usize::from(r.class), r.edge, r.key);
        let distribution = r.fetch.expect("an origin fetch");
        let origin = r.response;
        self.recorder
            .count(class, now, Counter::Origin(origin.status), 1);
        // An origin that could not be reached sent nothing: the edge makes its own 502.
        let unreached = matches!(
            origin.status,
            Status::ConnectionError | Status::Timeout | Status::NxDomain | Status::DnsFailure
        );
        let answer = if unreached {
            Response::bare(Status::BadGateway)
        } else {
            origin
        };
        let pending = self
            .edges
            .pending
            .remove(&(edge, distribution, key))
            .expect("a fetch has its waiters");
        let fetched = Fetched {
            answer,
            from_origin: !unreached,
            stale: pending.stale,
        };
        let served = self.cache_origin_answer(edge, distribution, key, fetched, now);
        for viewer in pending.waiters {
            let back = now + self.edge_legs(viewer).1;
            self.respond(viewer, served, back, sched);
        }
        self.free.push(id);
        self.edges.fetching -= 1;
    }

    /// Store the fetched answer if the policy caches it and return what viewers get:
    /// the stale copy when the origin failed with a 5xx and one exists, else the answer.
    fn cache_origin_answer(
        &mut self,
        edge: u16,
        distribution: u16,
        key: KeyId,
        fetched: Fetched,
        now: SimTime,
    ) -> Response {
        let Fetched {
            answer,
            from_origin,
            stale,
        } = fetched;
        let code = answer.status.code().unwrap_or(502);
        if let Some(stale) = stale.filter(|_| code >= 500) {
            return stale;
        }
        let d = &self.config.cdn.distributions[usize::from(distribution)];
        // The origin's Cache-Control comes only with the origin's own answers.
        let header = d
            .cache_control
            .for_status(answer.status)
            .filter(|_| from_origin);
        if let Some(ttl) = d.policy.ttl(code, header) {
            self.edges
                .cache(edge, distribution)
                .store(key, answer, now + ttl);
        }
        answer
    }

    /// Apply one CDN step: bill an invalidation, or purge its paths at one edge.
    pub(super) fn cdn_step(&mut self, step: u32, now: SimTime) {
        let (_, step) = self.edges.steps[step as usize];
        match step {
            CdnStep::Request { invalidation } => {
                let inv = &self.config.cdn.invalidations[invalidation as usize];
                let charge = self.edges.ledger.charge(now, &inv.paths);
                let micro_usd = (charge.cost_usd * 1e6).round() as u64;
                self.recorder
                    .count_all(now, Counter::InvalidationPaths, u64::from(charge.paths));
                self.recorder
                    .count_all(now, Counter::InvalidationMicroUsd, micro_usd);
            }
            CdnStep::Purge { invalidation, edge } => {
                let inv = &self.config.cdn.invalidations[invalidation as usize];
                let keys = &self.config.objects.keys;
                self.edges
                    .cache(edge, inv.distribution)
                    .invalidate_where(|k| inv.matches(&keys[k as usize]));
            }
        }
    }
}
