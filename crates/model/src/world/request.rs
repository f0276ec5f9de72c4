//! The requests in flight: each one's state between events, kept in a table whose
//! freed slots are reused, and the traces of the first requests.

use super::config::WorldConfig;
use super::event::Event;
use super::output::{RequestTrace, TracedHop};
use crate::bucket::{BucketId, KeyId};
use crate::client::{Dial, RedirectState};
use crate::dns::Host;
use crate::response::{Hop, Method, Response, Status};
use crate::topology::RegionId;
use crate::topology::{FacilityId, IpId, LocationId};
use s3sim_engine::{Scheduler, SimTime};
use std::ops::{Index, IndexMut};

/// One request's state between events: a client's request, or an edge's origin fetch.
pub(crate) struct Request {
    /// When it started.
    pub(crate) started: SimTime,
    /// The client within its class (0 for an origin fetch).
    pub(crate) client: u32,
    /// The client class (a fetch's is that of the viewer that started it).
    pub(crate) class: u16,
    /// The bucket asked for.
    pub(crate) bucket: BucketId,
    /// The key asked for.
    pub(crate) key: KeyId,
    /// Where it is sent from: the client's place, or an edge's for an origin fetch.
    pub(crate) place: LocationId,
    /// The edge it goes through (viewers) or fetches for (origin fetches).
    pub(crate) edge: u16,
    /// An edge's origin fetch for a distribution, not a client's request.
    pub(crate) fetch: Option<u16>,
    /// The host of the current hop.
    pub(crate) host: Host,
    /// The operation of the current hop.
    pub(crate) method: Method,
    /// The region the current hop is signed for (SigV4), if signed.
    pub(crate) signed_for: Option<RegionId>,
    /// The IP the current hop connects to.
    pub(crate) ip: IpId,
    /// The facility behind that IP.
    pub(crate) facility: FacilityId,
    /// The answer to the current hop, once there is one.
    pub(crate) response: Response,
    /// The status of its first answer.
    pub(crate) first: Option<Status>,
    /// HTTP round trips so far (failed lookups are none).
    pub(crate) round_trips: u8,
    /// Tries so far, the first included.
    pub(crate) attempts: u8,
    /// What its client's redirect policy has done with it.
    pub(crate) redirects: RedirectState,
    /// Its path, if it is one of the traced requests.
    pub(crate) trace: Option<Box<RequestTrace>>,
}

impl Request {
    /// A request that has not been sent yet: no hop, no response, its first try.
    pub(crate) fn new(
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
            method: Method::Get,
            signed_for: None,
            ip: 0,
            facility: 0,
            response: Response::bare(Status::Ok),
            first: None,
            round_trips: 0,
            attempts: 1,
            redirects: RedirectState::default(),
            trace: None,
        }
    }

    /// The hop it is on: its host, bucket, key, method and signature.
    pub(crate) fn hop(&self) -> Hop {
        Hop {
            host: self.host,
            bucket: self.bucket,
            key: self.key,
            method: self.method,
            signed_for: self.signed_for,
        }
    }

    /// Move on to `hop` (same bucket): its host, key, method and signature.
    pub(crate) fn go_to(&mut self, hop: Hop) {
        (self.host, self.key) = (hop.host, hop.key);
        (self.method, self.signed_for) = (hop.method, hop.signed_for);
    }
}

/// Tell how `request`'s current hop dials the IP its name resolved to: as its class's
/// addressing says for a client's request (docs/domain.md §3, "Dual-stack endpoints"),
/// over IPv4 at once for an edge's origin fetch.
pub(crate) fn dial(config: &WorldConfig, request: &Request) -> Dial {
    match request.fetch {
        Some(_) => Dial::IPV4_AT_ONCE,
        None => config.classes[usize::from(request.class)]
            .addressing
            .dial(request.host),
    }
}

/// Say which client requests a run traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TraceChoice {
    /// The first this-many requests (statuses and hosts only).
    First(usize),
    /// The `nth` (from 0) request of class `class` started at or after `from`, with
    /// every hop in detail.
    One {
        /// The client class.
        class: u16,
        /// The earliest start.
        from: SimTime,
        /// Which of the matching requests, from 0.
        nth: usize,
    },
}

/// Hold every request in flight, by id; ids of finished requests are reused.
///
/// Memory grows with the requests in flight at once, not with the requests of a run:
/// a finished request's slot goes to the next one.
pub(crate) struct RequestTable {
    requests: Vec<Request>,
    /// Ids whose requests have finished.
    free: Vec<u32>,
    /// Traces of the traced requests that completed.
    traces: Vec<RequestTrace>,
    /// Which client requests to trace.
    choice: TraceChoice,
    /// Client requests traced so far.
    traced: usize,
    /// Client requests that matched a [`TraceChoice::One`] so far.
    matched: usize,
    /// Client requests started.
    issued: u64,
    /// Client requests completed.
    completed: u64,
}

impl RequestTable {
    /// An empty table that traces the first `trace_limit` client requests.
    pub(crate) fn new(trace_limit: usize) -> Self {
        Self::tracing(TraceChoice::First(trace_limit))
    }

    /// An empty table that traces the requests `choice` names.
    pub(crate) fn tracing(choice: TraceChoice) -> Self {
        RequestTable {
            requests: Vec::new(),
            free: Vec::new(),
            traces: Vec::new(),
            choice,
            traced: 0,
            matched: 0,
            issued: 0,
            completed: 0,
        }
    }

    /// Take in a client's new request, tracing it if it is among the first; its id.
    pub(crate) fn issue(&mut self, mut request: Request) -> u32 {
        if self.chosen(&request) {
            self.traced += 1;
            request.trace = Some(Box::new(RequestTrace {
                class: request.class,
                client: request.client,
                bucket: request.bucket,
                started: request.started,
                finished: request.started,
                hosts: Vec::new(),
                methods: Vec::new(),
                statuses: Vec::new(),
                hops: Vec::new(),
            }));
        }
        self.issued += 1;
        self.allocate(request)
    }

    /// Whether `request`, a client's new one, is to be traced.
    fn chosen(&mut self, request: &Request) -> bool {
        match self.choice {
            TraceChoice::First(limit) => self.traced < limit,
            TraceChoice::One { class, from, nth } => {
                if request.class != class || request.started < from {
                    return false;
                }
                self.matched += 1;
                self.matched == nth + 1
            }
        }
    }

    /// Whether the run follows one request's hops in detail.
    pub(crate) fn detailed(&self) -> bool {
        matches!(self.choice, TraceChoice::One { .. })
    }

    /// Add `hop` to request `id`'s trace, if it is traced in detail.
    pub(crate) fn trace_hop(&mut self, id: u32, hop: TracedHop) {
        if !self.detailed() {
            return;
        }
        if let Some(trace) = self.requests[id as usize].trace.as_mut() {
            trace.hops.push(hop);
        }
    }

    /// Hold a request (a client's or an origin fetch) in a free slot; its id.
    pub(crate) fn allocate(&mut self, request: Request) -> u32 {
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

    /// Set request `id`'s answer and have it reach the client at `at`.
    pub(crate) fn respond(
        &mut self,
        id: u32,
        response: Response,
        at: SimTime,
        sched: &mut Scheduler<Event>,
    ) {
        self.requests[id as usize].response = response;
        sched.at(at, Event::Response { request: id });
    }

    /// Count a client request as completed at `now`, keep its trace, free its slot.
    pub(crate) fn complete(&mut self, id: u32, now: SimTime) {
        if let Some(mut trace) = self.requests[id as usize].trace.take() {
            trace.finished = now;
            self.traces.push(*trace);
        }
        self.completed += 1;
        self.free.push(id);
    }

    /// Free an origin fetch's slot (fetches are not client requests).
    pub(crate) fn release(&mut self, id: u32) {
        self.free.push(id);
    }

    /// Requests held: client requests and origin fetches not finished yet.
    pub(crate) fn held(&self) -> u64 {
        (self.requests.len() - self.free.len()) as u64
    }

    /// Client requests started.
    pub(crate) fn issued(&self) -> u64 {
        self.issued
    }

    /// Client requests completed.
    pub(crate) fn completed(&self) -> u64 {
        self.completed
    }

    /// Hand over the traces of the traced requests that completed, in completion order.
    pub(crate) fn into_traces(self) -> Vec<RequestTrace> {
        self.traces
    }
}

impl Index<u32> for RequestTable {
    type Output = Request;

    fn index(&self, id: u32) -> &Request {
        &self.requests[id as usize]
    }
}

impl IndexMut<u32> for RequestTable {
    fn index_mut(&mut self, id: u32) -> &mut Request {
        &mut self.requests[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(client: u32) -> Request {
        let started = SimTime::from_secs(u64::from(client));
        Request::new(started, 0, client, (0, 0), 0, Host::PathGlobal)
    }

    #[test]
    fn a_finished_request_frees_its_slot_for_the_next_one() {
        let mut table = RequestTable::new(0);
        let first = table.issue(request(1));
        let second = table.issue(request(2));
        assert_eq!((first, second), (0, 1));
        table.complete(first, SimTime::from_secs(5));
        assert_eq!(table.issue(request(3)), first, "slot 0 reused");
        assert_eq!(table[first].client, 3);
        assert_eq!((table.issued(), table.completed(), table.held()), (3, 1, 2));
    }

    #[test]
    fn only_the_first_requests_are_traced_and_fetches_never_count() {
        let mut table = RequestTable::new(2);
        let ids: Vec<u32> = (0..3).map(|c| table.issue(request(c))).collect();
        let fetch = table.allocate(request(9));
        assert!(table[ids[1]].trace.is_some() && table[ids[2]].trace.is_none());
        assert!(table[fetch].trace.is_none());
        for &id in ids.iter().rev() {
            table.complete(id, SimTime::from_secs(10));
        }
        table.release(fetch);
        assert_eq!((table.issued(), table.completed(), table.held()), (3, 3, 0));
        let traces = table.into_traces();
        let clients: Vec<u32> = traces.iter().map(|t| t.client).collect();
        assert_eq!(clients, [1, 0], "completion order");
        assert_eq!(traces[0].finished, SimTime::from_secs(10));
    }

    #[test]
    fn a_response_is_delivered_as_an_event_at_its_time() {
        let mut table = RequestTable::new(0);
        let id = table.issue(request(0));
        let mut sched = Scheduler::new();
        let at = SimTime::from_secs(3);
        table.respond(id, Response::bare(Status::NotFound), at, &mut sched);
        assert_eq!(table[id].response.status, Status::NotFound);
        assert_eq!(sched.pending(), 1);
    }
}
