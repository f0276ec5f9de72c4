//! Faults during a run: the timeline of their steps, and what each step changes in the
//! endpoints or the resolvers.

use super::dns_path::DnsPath;
use super::event::Event;
use crate::endpoints::Endpoints;
use crate::fault::{self, Fault, Step};
use s3sim_engine::{Scheduler, SimTime};

/// Hold every fault's steps in time order and apply each when it is due.
///
/// DNS changes that are known before the run (record TTLs, retired endpoints) are baked
/// into the zone instead (see [`DnsPath::new`]).
pub(crate) struct Faults {
    steps: Vec<(SimTime, Step)>,
}

impl Faults {
    /// The timeline of `faults` (ties keep the faults' order).
    pub(crate) fn new(faults: &[Fault]) -> Self {
        Faults {
            steps: fault::timeline(faults),
        }
    }

    /// Schedule every step.
    pub(crate) fn prime(&self, sched: &mut Scheduler<Event>) {
        for (step, &(at, _)) in self.steps.iter().enumerate() {
            sched.at(at, Event::Fault { step: step as u32 });
        }
    }

    /// Apply step number `step` at `now`: to a facility's endpoints, or to a resolver
    /// group's upstream.
    pub(crate) fn apply(
        &self,
        step: u32,
        now: SimTime,
        endpoints: &mut Endpoints,
        dns: &mut DnsPath,
    ) {
        match self.steps[step as usize].1 {
            Step::Down { facility, mode } => endpoints.fail(facility, mode),
            Step::Up { facility, mode } => endpoints.repair(facility, mode),
            Step::Unlist { facility } => endpoints.set_unlisted(facility, true),
            Step::Relist { facility } => endpoints.set_unlisted(facility, false),
            Step::Drain { facility } => endpoints.drain(facility),
            Step::Rotate { facility, grace } => endpoints.rotate(facility, now, grace),
            Step::ResolversDown { group, serve_stale } => {
                dns.upstream_outage(group, serve_stale, 1);
            }
            Step::ResolversUp { group, serve_stale } => {
                dns.upstream_outage(group, serve_stale, -1);
            }
        }
    }
}
