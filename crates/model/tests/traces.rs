//! `trace_request`, what `s3sim trace` draws: which request it follows (the `nth`, from
//! 0, of a class's requests that start at or after a time) and the hops it records in
//! detail, while an ordinary run records none.
//!
//! Two classes of one client each ask for a us-east-1 bucket every 60 s from t = 0, so
//! both start requests at 0, 60, 120, ... s and the numbers are exact.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::RedirectPolicy;
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{Answer, Host};
use s3sim_model::response::Status;
use s3sim_model::world::trace_request;
use s3sim_model::{WorldConfig, run_replica};

fn two_classes() -> WorldConfig {
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![
            class(1, secs(60), RedirectPolicy::None),
            class(1, secs(60), RedirectPolicy::None),
        ],
    );
    w.duration = secs(600);
    w
}

/// The `nth` request of the class, counted from the first that starts at or after
/// `from` (a request starting exactly at `from` counts), and of that class only.
#[test]
fn a_trace_follows_the_nth_request_of_its_class_from_the_given_time() {
    let w = two_classes();
    let started = |class: u16, from: SimTime, nth: usize| {
        trace_request(&w, RandomStreams::new(3), class, from, nth).map(|t| (t.class, t.started))
    };
    let at = SimTime::from_secs;
    assert_eq!(started(1, at(120), 0), Some((1, at(120))));
    assert_eq!(started(1, at(120), 2), Some((1, at(240))));
    assert_eq!(
        started(0, at(120) + SimDuration::from_nanos(1), 0),
        Some((0, at(180)))
    );
    assert_eq!(started(0, SimTime::ZERO, 0), Some((0, at(0))));
    assert_eq!(started(1, at(600), 0), None, "in flight at the end");
}

/// The followed request's hop is recorded in detail (a resolver miss answered with a
/// us-east-1 IP, 21 ms of DNS, the facility, 200 after 10 ms of round trip and 5 ms of
/// service); the requests of an ordinary run keep no hop details.
#[test]
fn only_the_followed_request_records_its_hops_in_detail() {
    let w = two_classes();
    let trace = trace_request(&w, RandomStreams::new(3), 0, SimTime::from_secs(60), 0)
        .expect("a request starts at 60 s");
    assert_eq!(trace.statuses, [Status::Ok]);
    assert_eq!(trace.hops.len(), 1);
    let hop = &trace.hops[0];
    let lookup = hop.lookup.expect("a hop to S3 resolves its name");
    assert_eq!(
        (hop.host, hop.sent, hop.facility, hop.status),
        (
            Host::BucketGlobal(0),
            SimTime::from_secs(60),
            Some(0),
            Status::Ok
        )
    );
    assert!(matches!(lookup.answer, Answer::Ip(_)));
    assert_eq!(
        (lookup.resolver_hit, lookup.stale, lookup.latency),
        (Some(false), false, SimDuration::from_millis(21))
    );
    assert_eq!(
        hop.answered,
        SimTime::from_secs(60) + SimDuration::from_millis(21 + 10 + 5)
    );
    assert_eq!(trace.finished, hop.answered);
    let ordinary = run_replica(&w, RandomStreams::new(3));
    assert_eq!(
        ordinary.traces.len(),
        20,
        "both classes at 0, 60, ..., 540 s; those of 600 s are in flight at the end"
    );
    assert!(ordinary.traces.iter().all(|t| t.hops.is_empty()));
}
