//! The facilities' servers and queues: admission, FIFO queueing, service, and the load
//! recorder that integrates busy servers and queue lengths per bin.

use super::config::WorldConfig;
use crate::metrics::facility::{FacilityMetrics, FacilityRecorder};
use crate::topology::Facility;
use s3sim_engine::{RandomStreams, SimRng, SimTime};
use std::collections::VecDeque;

/// Run every facility as a multi-server queue (M/G/c/K with a server limit, an
/// infinite-server station without one) and record its load.
pub(crate) struct Stations<'a> {
    facilities: &'a [Facility],
    /// Per facility: its busy servers and its queue.
    stations: Vec<Station>,
    /// Service times, stream `service`.
    rng: SimRng,
    load: FacilityRecorder,
}

/// One facility's servers and queue during a run.
#[derive(Default)]
struct Station {
    busy: u32,
    /// Waiting requests, first come first served, with when each arrived.
    queue: VecDeque<(u32, SimTime)>,
}

/// Say what became of a request that reached a facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Every server is busy: it waits in the queue.
    Queued,
    /// Every server is busy and the queue is full: it is turned away (503 SlowDown).
    Shed,
    /// A server took it; its service ends at `done`.
    Started {
        /// When its service ends.
        done: SimTime,
    },
    /// The facility has no server limit: its answer leaves at `done`, with no service
    /// event to schedule.
    Served {
        /// When its service ends.
        done: SimTime,
    },
}

impl<'a> Stations<'a> {
    /// Every facility of `config` idle, its load recorded in `config`'s bins.
    pub(crate) fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
        let facilities = &config.topology.facilities;
        let servers = facilities
            .iter()
            .map(|f| f.capacity.map_or(0, |c| c.servers))
            .collect();
        Stations {
            facilities,
            stations: facilities.iter().map(|_| Station::default()).collect(),
            rng: streams.stream("service", 0),
            load: FacilityRecorder::new(config.bin, config.duration, servers),
        }
    }

    /// Take request `id` arriving at facility `f` at `now`: serve it, queue it, or turn
    /// it away.
    pub(crate) fn admit(&mut self, id: u32, f: usize, now: SimTime) -> Admission {
        self.load.arrived(f, now);
        let station = &mut self.stations[f];
        match self.facilities[f].capacity {
            Some(c) if station.busy >= c.servers => {
                if station.queue.len() < c.queue_limit as usize {
                    station.queue.push_back((id, now));
                    let (busy, queued) = (station.busy, station.queue.len() as u32);
                    self.load.set_level(f, now, busy, queued);
                    Admission::Queued
                } else {
                    self.load.shed(f, now);
                    Admission::Shed
                }
            }
            Some(_) => Admission::Started {
                done: self.start_service(f, now, now),
            },
            None => {
                let done = now + self.facilities[f].service_time.sample(&mut self.rng);
                self.load.unqueued(f, now, done);
                Admission::Served { done }
            }
        }
    }

    /// A service at facility `f` ends at `now`: the server takes the next request in the
    /// queue, if any, whose id and service end it returns.
    pub(crate) fn release(&mut self, f: usize, now: SimTime) -> Option<(u32, SimTime)> {
        self.load.served(f, now);
        let station = &mut self.stations[f];
        station.busy -= 1;
        match station.queue.pop_front() {
            Some((next, arrived)) => Some((next, self.start_service(f, arrived, now))),
            None => {
                self.load.set_level(f, now, station.busy, 0);
                None
            }
        }
    }

    /// A server of facility `f` starts serving, at `now`, a request that arrived at
    /// `arrived`; when the service ends.
    fn start_service(&mut self, f: usize, arrived: SimTime, now: SimTime) -> SimTime {
        let station = &mut self.stations[f];
        station.busy += 1;
        let (busy, queued) = (station.busy, station.queue.len() as u32);
        self.load.set_level(f, now, busy, queued);
        self.load.started(f, now, now.since(arrived));
        now + self.facilities[f].service_time.sample(&mut self.rng)
    }

    /// Integrate the load up to `end` and hand it over.
    pub(crate) fn finish(self, end: SimTime) -> FacilityMetrics {
        self.load.finish(end)
    }
}
