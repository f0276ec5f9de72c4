//! A client class's rates and method mix (`client/class.rs`), pinned where a mutation
//! run found no test (issue 16): the rate a periodic or a degenerate ramp class runs
//! at, and how a mix of methods shares a class's requests.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Arrivals, MethodMix, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::response::Method::{self, Get, Put};
use s3sim_model::run_replica;

/// A periodic class's clients each send one request per interval: that is their peak
/// rate and their rate at any time.
#[test]
fn a_periodic_client_runs_at_one_request_per_interval() {
    let every_4_s = Arrivals::Periodic {
        interval: SimDuration::from_secs(4),
    };
    assert_eq!(every_4_s.peak_per_client_per_sec(), 0.25);
    let (start, stop) = (SimTime::from_secs(10), SimTime::from_secs(20));
    let t = SimTime::from_secs(15);
    assert_eq!(every_4_s.per_client_per_sec_at(start, stop, t), 0.25);
}

/// A ramp that starts and stops at the same instant has no time to ramp: it runs at its
/// starting rate, whenever asked.
#[test]
fn a_ramp_without_duration_runs_at_its_starting_rate() {
    let ramp = Arrivals::PoissonRamp {
        from_per_client_per_sec: 1.0,
        to_per_client_per_sec: 3.0,
    };
    let at = SimTime::from_secs(100);
    for t in [0, 100, 200].map(SimTime::from_secs) {
        assert_eq!(ramp.per_client_per_sec_at(at, at, t), 1.0, "{t:?}");
    }
    assert_eq!(ramp.peak_per_client_per_sec(), 3.0);
}

/// A class whose mix weighs GET 3 and PUT 1 sends a PUT with probability 1/4: of 400
/// requests, the PUTs are Binomial(400, 1/4), mean 100 and standard deviation 8.66;
/// [57, 143] is ±5 standard deviations (a false alarm below 6e-7). The other methods'
/// order does not matter: PUT first gives the same share.
#[test]
fn a_method_mix_sends_each_method_in_proportion_to_its_weight() {
    for weights in [[(Get, 3.0), (Put, 1.0)], [(Put, 1.0), (Get, 3.0)]] {
        let mut w = world(
            vec![bucket("b", US_EAST_1, None)],
            Delay::Fixed(SimDuration::ZERO),
            vec![class(1, secs(1), RedirectPolicy::None)],
        );
        w.duration = secs(400);
        w.classes[0].methods = MethodMix::new(&weights);
        let out = run_replica(&w, RandomStreams::new(2));
        assert_eq!(out.traces.len(), 400);
        let firsts: Vec<Method> = out.traces.iter().map(|t| t.methods[0]).collect();
        let puts = firsts.iter().filter(|&&m| m == Put).count();
        let gets = firsts.iter().filter(|&&m| m == Get).count();
        assert_eq!(puts + gets, 400);
        assert!(
            (57..=143).contains(&puts),
            "{weights:?}: {puts} PUTs of 400"
        );
    }
}
