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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::{Answer, Host};
    use crate::endpoints::{Connect, OutageMode};
    use crate::topology::Topology;
    use crate::world::fixture::{class, s, world};
    use s3sim_engine::RandomStreams;

    #[test]
    fn an_outage_refuses_connections_then_leaves_dns_then_recovers_in_that_order() {
        let outage = Fault::Outage {
            facility: 0,
            at: SimTime::from_secs(600),
            duration: s(300),
            mode: OutageMode::Refused,
            health_check: s(30),
        };
        let mut config = world(vec![class(1, s(60))]);
        let facility = config.topology.facilities[0].clone();
        let region = config.topology.regions[0].clone();
        // us-east-1 with two facilities: IPs 0 and 1 are facility 0's, 2 and 3 the other's.
        config.topology = Topology::new(
            vec![region],
            0,
            vec![facility.clone(), facility],
            vec!["here".into()],
            vec![s(0)],
        );
        let faults = Faults::new(&[outage]);
        let mut sched = Scheduler::new();
        faults.prime(&mut sched);
        assert_eq!(sched.pending(), 4);
        let mut endpoints = Endpoints::new(&config.topology);
        let mut dns = DnsPath::new(&config, RandomStreams::new(1));
        let mut seen = Vec::new();
        for step in 0..4 {
            faults.apply(step, SimTime::ZERO, &mut endpoints, &mut dns);
            let refused = endpoints.connect(0, SimTime::ZERO) == Connect::Refused;
            seen.push((refused, endpoints.listed(0).len()));
        }
        // Down, unlisted by the health check, up, listed again.
        assert_eq!(seen, [(true, 4), (true, 2), (false, 2), (false, 4)]);
    }

    #[test]
    fn a_resolver_outage_cuts_the_group_off_its_upstream_until_it_ends() {
        let outage = Fault::ResolverOutage {
            group: 0,
            at: SimTime::from_secs(100),
            duration: s(50),
            serve_stale: false,
        };
        let config = world(vec![class(1, s(60))]);
        let faults = Faults::new(&[outage]);
        let mut endpoints = Endpoints::new(&config.topology);
        let mut dns = DnsPath::new(&config, RandomStreams::new(1));
        let ask = |dns: &mut DnsPath, endpoints: &Endpoints| {
            let now = SimTime::from_secs(120);
            dns.query(0, Host::PathRegional(1), now, endpoints)
                .record
                .answer
        };
        faults.apply(0, SimTime::from_secs(100), &mut endpoints, &mut dns);
        assert_eq!(ask(&mut dns, &endpoints), Answer::ServFail);
        faults.apply(1, SimTime::from_secs(150), &mut endpoints, &mut dns);
        assert!(matches!(ask(&mut dns, &endpoints), Answer::Ip(_)));
    }
}
