//! CDN edges in the event loop: viewer requests at an edge, cache hits, collapsed
//! origin fetches, stale-on-5xx, invalidations.

use super::config::WorldConfig;
use super::event::Event;
use super::request::{Request, RequestTable};
use crate::bucket::KeyId;
use crate::cdn::cache::{EdgeCache, Lookup};
use crate::cdn::invalidation::{InvalidationLedger, PathSet};
use crate::dns::Host;
use crate::metrics::{Counter, Recorder};
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

/// Hold everything the edges hold during a run, and handle viewers and origin fetches.
///
/// Origin fetches are requests too (held in the [`RequestTable`], resolved and answered
/// like a client's); the world sends them and hands their answers back here.
pub(crate) struct Edges<'a> {
    config: &'a WorldConfig,
    /// One cache per (edge, distribution), edge-major.
    caches: Vec<EdgeCache<Response>>,
    distributions: usize,
    /// Misses in flight per (edge, distribution, key): collapsed into one fetch.
    pending: BTreeMap<(u16, u16, KeyId), Pending>,
    /// Per client place: its nearest edge.
    nearest: Vec<u16>,
    steps: Vec<(SimTime, CdnStep)>,
    /// Per invalidation, its paths indexed for matching.
    purges: Vec<PathSet>,
    ledger: InvalidationLedger,
    /// Origin fetches in flight.
    fetching: u64,
}

impl<'a> Edges<'a> {
    /// The edges of `config` with empty caches, and the invalidation timeline.
    pub(crate) fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
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
        Edges {
            config,
            caches,
            distributions: cdn.distributions.len(),
            pending: BTreeMap::new(),
            nearest,
            steps: invalidation_steps(config, streams),
            purges: cdn
                .invalidations
                .iter()
                .map(|inv| PathSet::new(&inv.paths))
                .collect(),
            ledger: InvalidationLedger::default(),
            fetching: 0,
        }
    }

    /// Schedule every invalidation step.
    pub(crate) fn prime(&self, sched: &mut Scheduler<Event>) {
        for (step, &(at, _)) in self.steps.iter().enumerate() {
            sched.at(at, Event::Cdn { step: step as u32 });
        }
    }

    /// Origin fetches in flight (held as requests but not client requests).
    pub(crate) fn fetching(&self) -> u64 {
        self.fetching
    }

    fn cache(&mut self, edge: u16, distribution: u16) -> &mut EdgeCache<Response> {
        &mut self.caches[usize::from(edge) * self.distributions + usize::from(distribution)]
    }

    /// The two legs of the round trip between a request's place and its edge.
    fn legs(&self, r: &Request) -> (SimDuration, SimDuration) {
        let region = self.config.cdn.edges[usize::from(r.edge)].region;
        self.config.topology.legs(r.place, region)
    }

    /// The resolver an origin fetch asks: one of its edge's, by key.
    pub(crate) fn resolver(&self, fetch: &Request) -> u32 {
        self.config.cdn.edges[usize::from(fetch.edge)].resolver_of(fetch.key)
    }

    /// Send viewer request `id` to the edge nearest its place.
    pub(crate) fn send(&self, id: u32, requests: &mut RequestTable, sched: &mut Scheduler<Event>) {
        let r = &mut requests[id];
        r.edge = self.nearest[usize::from(r.place)];
        let (out, _) = self.legs(r);
        sched.at(sched.now() + out, Event::AtEdge { request: id });
    }

    /// Answer viewer `id` from its edge's cache, or have it wait for an origin fetch;
    /// returns a new origin fetch for the world to send.
    pub(crate) fn at_edge(
        &mut self,
        id: u32,
        requests: &mut RequestTable,
        recorder: &mut Recorder,
        sched: &mut Scheduler<Event>,
    ) -> Option<u32> {
        let now = sched.now();
        let r = &requests[id];
        let Host::Distribution(distribution) = r.host else {
            unreachable!("only distribution hosts reach an edge");
        };
        let (class, edge, key) = (usize::from(r.class), r.edge, r.key);
        recorder.count(class, now, Counter::EdgeRequests, 1);
        match self.cache(edge, distribution).lookup(key, now) {
            Lookup::Fresh(cached) => {
                recorder.count(class, now, Counter::EdgeHits, 1);
                if cached.status.is_redirect() {
                    recorder.count(class, now, Counter::EdgeCached3xx, 1);
                }
                let back = now + self.legs(&requests[id]).1;
                requests.respond(id, cached, back, sched);
                None
            }
            Lookup::Expired(stale) => {
                self.fetch(id, distribution, Some(stale), requests, recorder, now)
            }
            Lookup::Miss => self.fetch(id, distribution, None, requests, recorder, now),
        }
    }

    /// Join the fetch in flight for this object at this edge, or start one (returned).
    fn fetch(
        &mut self,
        viewer: u32,
        distribution: u16,
        stale: Option<Response>,
        requests: &mut RequestTable,
        recorder: &mut Recorder,
        now: SimTime,
    ) -> Option<u32> {
        let v = &requests[viewer];
        let slot = (v.edge, distribution, v.key);
        if let Some(pending) = self.pending.get_mut(&slot) {
            pending.waiters.push(viewer);
            return None;
        }
        let pending = Pending {
            waiters: vec![viewer],
            stale,
        };
        self.pending.insert(slot, pending);
        let d = &self.config.cdn.distributions[usize::from(distribution)];
        let home = self.config.buckets[d.bucket as usize].region;
        let place = self.config.cdn.edges[usize::from(v.edge)].place;
        let host = d.origin.host(d.bucket, home);
        let fetch = Request {
            edge: v.edge,
            fetch: Some(distribution),
            ..Request::new(now, v.class, 0, (d.bucket, v.key), place, host)
        };
        recorder.count(usize::from(v.class), now, Counter::OriginFetches, 1);
        self.fetching += 1;
        Some(requests.allocate(fetch))
    }

    /// The origin answered fetch `id`: cache per the distribution's policy (or serve the
    /// stale copy on a 5xx) and answer every viewer waiting for it.
    pub(crate) fn fetch_done(
        &mut self,
        id: u32,
        requests: &mut RequestTable,
        recorder: &mut Recorder,
        sched: &mut Scheduler<Event>,
    ) {
        let now = sched.now();
        let r = &requests[id];
        let (class, edge, key) = (usize::from(r.class), r.edge, r.key);
        let distribution = r.fetch.expect("an origin fetch");
        let origin = r.response;
        recorder.count(class, now, Counter::Origin(origin.status), 1);
        // An origin that could not be reached sent nothing: the edge makes its own 502.
        let unreached = matches!(
            origin.status,
            Status::ConnectionError | Status::Timeout | Status::NxDomain | Status::DnsFailure
        );
        let answer = if unreached {
            Response::bare(Status::BadGateway)
        } else {
            self.absolute_location(distribution, origin)
        };
        let pending = self
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
            let back = now + self.legs(&requests[viewer]).1;
            requests.respond(viewer, served, back, sched);
        }
        requests.release(id);
        self.fetching -= 1;
    }

    /// Name the host of a website redirect's relative `Location` as S3 built it: from
    /// the `Host` the edge sent, the website endpoint by default or the distribution's
    /// own host when the viewer's `Host` is forwarded (docs/domain.md §4). Any other
    /// answer passes as it came.
    fn absolute_location(&self, distribution: u16, origin: Response) -> Response {
        if origin.redirect_key.is_none() || origin.location.is_some() {
            return origin;
        }
        let d = &self.config.cdn.distributions[usize::from(distribution)];
        Response {
            location: Some(d.host_header.location(distribution, d.bucket)),
            ..origin
        }
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
            self.cache(edge, distribution).store(key, answer, now + ttl);
        }
        answer
    }

    /// Apply CDN step number `step` at `now`: bill an invalidation, or purge its paths
    /// at one edge.
    pub(crate) fn step(&mut self, step: u32, now: SimTime, recorder: &mut Recorder) {
        let (_, step) = self.steps[step as usize];
        match step {
            CdnStep::Request { invalidation } => {
                let inv = &self.config.cdn.invalidations[invalidation as usize];
                let charge = self.ledger.charge(now, &inv.paths);
                let micro_usd = (charge.cost_usd * 1e6).round() as u64;
                recorder.count_all(now, Counter::InvalidationPaths, u64::from(charge.paths));
                recorder.count_all(now, Counter::InvalidationMicroUsd, micro_usd);
            }
            CdnStep::Purge { invalidation, edge } => {
                let distribution =
                    self.config.cdn.invalidations[invalidation as usize].distribution;
                let keys = &self.config.objects.keys;
                let set = &self.purges[invalidation as usize];
                let cache = &mut self.caches
                    [usize::from(edge) * self.distributions + usize::from(distribution)];
                let mut path = String::new();
                cache.invalidate_where(|k| {
                    path.clear();
                    path.push('/');
                    path.push_str(&keys[k as usize]);
                    set.matches(&path)
                });
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdn::network::{Distribution, Edge, HostHeader, Origin, OriginCacheControl};
    use crate::cdn::policy::CachePolicy;
    use crate::objects::Objects;
    use crate::world::fixture::{class, run_until, s, world};

    /// The fixture's world with two edges (the near one, in us-east-1, listed second)
    /// and one distribution of bucket 0 whose copies live `ttl`.
    fn cdn_world(ttl: SimDuration) -> WorldConfig {
        let mut config = world(vec![class(1, s(60))]);
        let edge = |name: &str, region| Edge {
            name: name.into(),
            region,
            place: 0,
            capacity: 100,
            resolvers: 0..1,
        };
        config.cdn.edges = vec![edge("far", 1), edge("near", 0)];
        config.cdn.distributions = vec![Distribution {
            name: "d".into(),
            bucket: 0,
            origin: Origin::Regional,
            policy: CachePolicy {
                default_ttl: ttl,
                ..CachePolicy::default()
            },
            cache_control: OriginCacheControl::default(),
            access_control: false,
            list_bucket: true,
            host_header: HostHeader::Origin,
        }];
        config.objects = Objects::build(vec![vec!["index.html".into()]], &[None], &[], 0);
        config
    }

    fn viewer(requests: &mut RequestTable, now: SimTime) -> u32 {
        requests.issue(Request::new(now, 0, 0, (0, 0), 0, Host::Distribution(0)))
    }

    struct Run<'a> {
        edges: Edges<'a>,
        requests: RequestTable,
        recorder: Recorder,
        sched: Scheduler<Event>,
    }

    impl<'a> Run<'a> {
        fn new(config: &'a WorldConfig) -> Self {
            Run {
                edges: Edges::new(config, RandomStreams::new(1)),
                requests: RequestTable::new(0),
                recorder: Recorder::new(config.bin, config.duration, 1),
                sched: Scheduler::new(),
            }
        }

        /// A viewer reaches its edge now; the origin fetch it starts, if any.
        fn at_edge(&mut self) -> Option<u32> {
            let id = viewer(&mut self.requests, self.sched.now());
            self.edges.send(id, &mut self.requests, &mut self.sched);
            let (requests, recorder) = (&mut self.requests, &mut self.recorder);
            self.edges.at_edge(id, requests, recorder, &mut self.sched)
        }

        /// The origin answers fetch `id` with `status` now.
        fn origin_answers(&mut self, id: u32, status: Status) {
            self.requests[id].response = Response::bare(status);
            let (requests, recorder) = (&mut self.requests, &mut self.recorder);
            self.edges
                .fetch_done(id, requests, recorder, &mut self.sched);
        }

        /// Run the schedule for a second; the events it held.
        fn events(&mut self) -> Vec<(SimTime, Event)> {
            let until = self.sched.now() + s(1);
            run_until(&mut self.sched, until)
        }

        /// Let time pass until `t`, every event due by then handled (logged only).
        fn wait_until(&mut self, t: SimTime) {
            self.sched.at(t, Event::Cdn { step: u32::MAX });
            run_until(&mut self.sched, t);
        }

        fn totals(self, counters: &[Counter]) -> Vec<u64> {
            let metrics = self.recorder.finish();
            counters.iter().map(|&c| metrics.total(0, c)).collect()
        }
    }

    #[test]
    fn a_viewer_goes_to_the_nearest_edge_half_a_round_trip_away() {
        let config = cdn_world(s(60));
        let mut run = Run::new(&config);
        let id = viewer(&mut run.requests, SimTime::ZERO);
        run.edges.send(id, &mut run.requests, &mut run.sched);
        assert_eq!(
            run.requests[id].edge, 1,
            "us-east-1 is 10 ms away, eu-west-1 30 ms"
        );
        let log = run_until(&mut run.sched, SimTime::from_secs(1));
        let at = SimTime::ZERO + SimDuration::from_millis(5);
        assert_eq!(log, [(at, Event::AtEdge { request: id })]);
    }

    #[test]
    fn simultaneous_misses_make_one_origin_fetch_and_all_get_its_answer() {
        let config = cdn_world(s(60));
        let mut run = Run::new(&config);
        let fetch = run.at_edge().expect("a miss starts a fetch");
        assert_eq!(
            run.at_edge(),
            None,
            "the second miss waits for the first fetch"
        );
        assert_eq!(run.edges.fetching(), 1);
        let f = &run.requests[fetch];
        assert_eq!((f.host, f.fetch), (Host::BucketRegional(0, 1), Some(0)));
        run.origin_answers(fetch, Status::Ok);
        assert_eq!((run.edges.fetching(), run.requests.held()), (0, 2));
        assert_eq!(run.at_edge(), None, "now a hit");
        let answered = run
            .events()
            .into_iter()
            .filter(|(_, e)| matches!(e, Event::Response { .. }))
            .count();
        assert_eq!(answered, 3);
        let statuses: Vec<Status> = (0..2).map(|v| run.requests[v].response.status).collect();
        assert_eq!(statuses, [Status::Ok, Status::Ok]);
        let counters = [
            Counter::EdgeRequests,
            Counter::EdgeHits,
            Counter::OriginFetches,
            Counter::Origin(Status::Ok),
        ];
        assert_eq!(run.totals(&counters), [3, 1, 1, 1]);
    }

    #[test]
    fn an_origin_5xx_is_answered_with_the_expired_copy() {
        let config = cdn_world(s(10));
        let mut run = Run::new(&config);
        let first = run.at_edge().expect("a miss");
        run.origin_answers(first, Status::Ok);
        run.wait_until(SimTime::from_secs(20));
        let refetch = run.at_edge().expect("the copy expired after 10 s");
        run.origin_answers(refetch, Status::SlowDown);
        let stale_viewer = 1;
        assert_eq!(run.requests[stale_viewer].response.status, Status::Ok);
        let counters = [Counter::OriginFetches, Counter::Origin(Status::SlowDown)];
        assert_eq!(run.totals(&counters), [2, 1]);
    }
}
