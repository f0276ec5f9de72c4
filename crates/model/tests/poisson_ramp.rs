//! A Poisson ramp of a class of several clients (issue 16, item 4): the class's rate is
//! the per-client rate times the clients, at every instant of the ramp, through a whole
//! run (the sampler's own unit test has one client, for which times and divides by the
//! client count agree, and a peak of 3/s, which plus one client also bounds).

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Arrivals, RedirectPolicy};
use s3sim_model::distribution::Delay;

/// Four clients ramping from 2.5 to 7.5 requests a second each over 100 s: the class
/// ramps from 10/s to 30/s, so 750 requests are expected in the first 50 s and 1250 in
/// the last (Poisson: standard deviations 27.4 and 35.4; each count within 3.5 of them).
#[test]
fn a_ramp_of_four_clients_sends_four_times_the_per_client_rate() {
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(4, secs(1), RedirectPolicy::None)],
    );
    w.duration = secs(101);
    w.trace_limit = 10_000;
    let c = &mut w.classes[0];
    c.arrivals = Arrivals::PoissonRamp {
        from_per_client_per_sec: 2.5,
        to_per_client_per_sec: 7.5,
    };
    c.stop = SimTime::from_secs(100);
    let out = s3sim_model::run_replica(&w, RandomStreams::new(5 + reseed()));
    assert_eq!(out.traces.len() as u64, out.issued, "every request traced");
    let half = SimTime::from_secs(50);
    let first = out.traces.iter().filter(|t| t.started < half).count() as f64;
    let second = out.traces.len() as f64 - first;
    for (count, mean) in [(first, 750.0_f64), (second, 1250.0)] {
        assert!(
            (count - mean).abs() <= 3.5 * mean.sqrt(),
            "{first} then {second} requests, expected 750 then 1250"
        );
    }
    let clients: std::collections::BTreeSet<u32> = out.traces.iter().map(|t| t.client).collect();
    assert_eq!(clients.len(), 4, "every client sends");
}
