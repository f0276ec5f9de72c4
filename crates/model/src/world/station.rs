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

    /// Record a request that reached facility `f` at `now` and was turned away before
    /// any server (503 Slow Down from its prefix's request-rate budget).
    pub(crate) fn turned_away(&mut self, f: usize, now: SimTime) {
        self.load.arrived(f, now);
        self.load.shed(f, now);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::facility::FacilityCounter;
    use crate::topology::Capacity;
    use crate::world::fixture::{class, s, world};
    use s3sim_engine::SimDuration;

    /// Facility 0 gets `servers` servers and room for `queue_limit` waiting requests;
    /// facility 1 keeps no server limit. Service takes 5 ms.
    fn limited(servers: u32, queue_limit: u32) -> WorldConfig {
        let mut config = world(vec![class(1, s(60))]);
        config.topology.facilities[0].capacity = Some(Capacity {
            servers,
            queue_limit,
        });
        config
    }

    fn ms(n: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(n)
    }

    #[test]
    fn busy_servers_queue_requests_up_to_the_limit_and_shed_the_rest() {
        let config = limited(1, 1);
        let mut stations = Stations::new(&config, RandomStreams::new(1));
        let admitted: Vec<Admission> = (0..3).map(|id| stations.admit(id, 0, ms(0))).collect();
        let started = Admission::Started { done: ms(5) };
        assert_eq!(admitted, [started, Admission::Queued, Admission::Shed]);
        let load = stations.finish(SimTime::from_secs(60));
        assert_eq!(load.count(0, 0, FacilityCounter::Arrivals), 3);
        assert_eq!(load.count(0, 0, FacilityCounter::SlowDowns), 1);
    }

    #[test]
    fn a_freed_server_takes_the_queue_first_come_first_served() {
        let config = limited(1, 2);
        let mut stations = Stations::new(&config, RandomStreams::new(1));
        for id in 1..=3 {
            stations.admit(id, 0, ms(0));
        }
        assert_eq!(stations.release(0, ms(5)), Some((2, ms(10))));
        assert_eq!(stations.release(0, ms(10)), Some((3, ms(15))));
        assert_eq!(stations.release(0, ms(15)), None);
        let load = stations.finish(SimTime::from_secs(60));
        let waited = SimDuration::from_millis(5 + 10).as_nanos();
        assert_eq!(load.count(0, 0, FacilityCounter::WaitNanos), waited);
        assert_eq!(load.count(0, 0, FacilityCounter::Served), 3);
        let busy = SimDuration::from_millis(15).as_nanos();
        assert_eq!(load.count(0, 0, FacilityCounter::BusyNanos), busy);
    }

    #[test]
    fn a_facility_without_a_server_limit_serves_everyone_at_once() {
        let config = limited(1, 0);
        let mut stations = Stations::new(&config, RandomStreams::new(1));
        for id in 0..10 {
            assert_eq!(
                stations.admit(id, 1, ms(3)),
                Admission::Served { done: ms(8) }
            );
        }
        let load = stations.finish(SimTime::from_secs(60));
        assert_eq!(load.count(0, 1, FacilityCounter::Served), 10);
        assert_eq!(load.count(0, 1, FacilityCounter::WaitNanos), 0);
    }

    #[test]
    fn a_request_turned_away_by_its_prefix_budget_is_offered_load_and_a_slowdown() {
        let config = limited(1, 0);
        let mut stations = Stations::new(&config, RandomStreams::new(1));
        stations.turned_away(0, ms(1));
        assert_eq!(
            stations.admit(7, 0, ms(2)),
            Admission::Started { done: ms(7) }
        );
        let load = stations.finish(SimTime::from_secs(60));
        assert_eq!(load.count(0, 0, FacilityCounter::Arrivals), 2);
        assert_eq!(load.count(0, 0, FacilityCounter::SlowDowns), 1);
    }
}
