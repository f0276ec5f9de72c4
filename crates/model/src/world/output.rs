//! What one replica hands back: binned metrics, facility load, traces and the
//! request counts that prove conservation.

use crate::bucket::BucketId;
use crate::dns::Host;
use crate::metrics::BinnedMetrics;
use crate::metrics::facility::FacilityMetrics;
use crate::response::{Method, Status};
use s3sim_engine::SimTime;
use serde::{Deserialize, Serialize};

/// Record one request's path: every status it got and every host it tried.
///
/// Only the first [`WorldConfig::trace_limit`](super::WorldConfig::trace_limit) requests
/// are traced, so that memory does not grow with simulated time. See
/// [`run_replica`](super::run_replica) for an example.
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
    /// Method of each hop (a HEAD's HeadBucket probes show here).
    pub methods: Vec<Method>,
    /// Status of each hop.
    pub statuses: Vec<Status>,
}

/// Report what one replica produced.
///
/// Requests are conserved: `issued == completed + in_flight`, where `in_flight` counts
/// the requests still held by the world when the run stopped (see the tests).
/// See [`run_replica`](super::run_replica) for an example.
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
