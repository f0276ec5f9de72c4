//! The events of a run: plain values that name a class, a request or a timeline step.

/// Mark the next step of a request's life for the scheduler.
///
/// Events are plain `Copy` values of eight bytes, so the event queue stays small;
/// a request's state lives in the [`World`](super::World)'s request table and events
/// refer to it by index. See [`run_replica`](super::run_replica) for a run that
/// handles them.
///
/// ```
/// assert_eq!(std::mem::size_of::<s3sim_model::world::Event>(), 8);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next request of a class starts.
    Arrival {
        /// The client class.
        class: u16,
    },
    /// A request reaches the IP it connects to.
    AtFacility {
        /// The request.
        request: u32,
    },
    /// A request's service at its facility ends.
    ServiceDone {
        /// The request.
        request: u32,
    },
    /// A response (or a failure) reaches the client.
    Response {
        /// The request.
        request: u32,
    },
    /// A request's backoff is over: it tries again.
    Retry {
        /// The request.
        request: u32,
    },
    /// A fault's step is due.
    Fault {
        /// Index into the fault timeline.
        step: u32,
    },
    /// A viewer request reaches its CDN edge.
    AtEdge {
        /// The viewer's request.
        request: u32,
    },
    /// A CDN step is due: an invalidation requested, or reaching one edge.
    Cdn {
        /// Index into the CDN timeline.
        step: u32,
    },
}
