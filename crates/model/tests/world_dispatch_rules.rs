//! How the world drives a replica and carries a request from one part to the next
//! (`world/mod.rs`), pinned where a mutation run found no test (issue 16).
//!
//! Every world uses fixed delays and periodic arrivals, so the numbers are exact.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimTime};
use s3sim_model::distribution::Delay;
use s3sim_model::world::run_replica_in_slices;
use s3sim_model::{RequestTrace, WorldConfig, run_replica};

/// One client in us-east-1's bucket asking every 10 s for 95 s: its requests start at
/// 0, 10, ..., 90 s and each takes 10 + 5 + 10 ms (out, service, back) plus its lookup.
fn ten_requests() -> WorldConfig {
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(secs(0)),
        vec![class(1, secs(10), follow_location())],
    );
    w.duration = secs(95);
    w
}

fn starts(traces: &[RequestTrace]) -> Vec<SimTime> {
    traces.iter().map(|t| t.started).collect()
}

/// Running a replica in slices stops the scheduler at each slice's end and goes on
/// from there: the output is the whole run's, event for event, and `progress` hears of
/// each slice once, in order. The last slice ends where the run does: a second class
/// whose first request would start 1 ns after the end never starts.
#[test]
fn a_replica_run_in_slices_gives_the_whole_run_s_output_and_counts_every_slice() {
    let mut w = ten_requests();
    let mut late = class(1, secs(10), follow_location());
    late.start = SimTime::from_nanos(95_000_000_001);
    w.classes.push(late);
    let whole = run_replica(&w, RandomStreams::new(3));
    assert_eq!(whole.issued, 10);
    assert_eq!(whole.completed, 10);
    let expected: Vec<SimTime> = (0..10).map(|k| SimTime::from_secs(10 * k)).collect();
    assert_eq!(starts(&whole.traces), expected);
    for slices in [1, 3, 7] {
        let mut heard = Vec::new();
        let sliced = run_replica_in_slices(&w, RandomStreams::new(3), slices, |k| heard.push(k));
        assert_eq!(heard, (1..=slices).collect::<Vec<_>>());
        assert_eq!(
            (sliced.issued, sliced.completed, sliced.events),
            (whole.issued, whole.completed, whole.events),
            "{slices} slices"
        );
        assert_eq!(starts(&sliced.traces), expected, "{slices} slices");
        assert!(sliced == whole, "{slices} slices changed the output");
    }
}
