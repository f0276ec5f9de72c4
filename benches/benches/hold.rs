//! The classic "hold" benchmark of a pending-event set.
//!
//! 10 000 entities each start with one pending event at Exp(1) seconds. Handling an
//! event schedules one new event at now + Exp(1) seconds for a uniformly random
//! entity, so the queue stays at 10 000 events while `HOLD_EVENTS` events
//! (default 5 000 000) are processed. Three implementations do identical work with
//! identical random draws:
//!
//! - `engine`: `s3sim_engine::Scheduler::run` driving a `Model` whose event is the
//!   entity id;
//! - `hand-written`: a plain loop over `std::collections::BinaryHeap` of
//!   `Reverse((time_ns, seq, entity))`, the baseline the engine must match;
//! - `priority-queue`: the `priority-queue` crate keyed by an ever-increasing id with
//!   priority `Reverse((time_ns, seq))`, the alternative the engine's design rejected.
//!
//! Rounds are interleaved (a, b, c, a, b, c, ...) and the best time of each variant
//! is reported, so slow phases of a noisy machine hit every variant alike.

use priority_queue::PriorityQueue;
use rand::RngExt;
use rand_distr::{Distribution, Exp};
use s3sim_engine::{Model, RandomStreams, Scheduler, SimDuration, SimRng, SimTime, StopAt};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const ENTITIES: u32 = 10_000;
const DEFAULT_EVENTS: u64 = 5_000_000;
const ROUNDS: usize = 5;
const SEED: u64 = 20_261_122;

/// What a run computed: enough to prove two variants did the same work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Outcome {
    events: u64,
    final_time_ns: u64,
    entity_sum: u64,
}

/// The random draws shared by every variant, taken in the same order everywhere.
struct Draws {
    rng: SimRng,
    delay: Exp<f64>,
}

impl Draws {
    fn new() -> Self {
        Draws {
            rng: RandomStreams::new(SEED).stream("hold", 0),
            delay: Exp::new(1.0).expect("rate 1 is valid"),
        }
    }

    /// The delay of the next event, mean 1 second.
    #[inline]
    fn delay(&mut self) -> SimDuration {
        SimDuration::from_secs_f64(self.delay.sample(&mut self.rng))
    }

    /// The entity the next event is for.
    #[inline]
    fn entity(&mut self) -> u32 {
        self.rng.random_range(0..ENTITIES)
    }
}

/// The engine variant's model: every event schedules one more.
struct Hold {
    draws: Draws,
    entity_sum: u64,
}

impl Model for Hold {
    type Event = u32;

    #[inline]
    fn handle(&mut self, entity: u32, sched: &mut Scheduler<u32>) {
        self.entity_sum += u64::from(entity);
        let delay = self.draws.delay();
        let next = self.draws.entity();
        sched.after(delay, next);
    }
}

fn run_engine(events: u64) -> (Outcome, Duration) {
    let mut draws = Draws::new();
    let mut sched = Scheduler::new();
    for entity in 0..ENTITIES {
        let delay = draws.delay();
        sched.at(SimTime::ZERO + delay, entity);
    }
    let mut model = Hold {
        draws,
        entity_sum: 0,
    };
    let start = Instant::now();
    let report = sched.run(&mut model, StopAt::queue_empty().with_event_cap(events));
    let elapsed = start.elapsed();
    let outcome = Outcome {
        events: report.events,
        final_time_ns: report.now.as_nanos(),
        entity_sum: model.entity_sum,
    };
    (black_box(outcome), elapsed)
}

fn run_hand_written(events: u64) -> (Outcome, Duration) {
    let mut draws = Draws::new();
    let mut heap: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::new();
    let mut seq = 0u64;
    for entity in 0..ENTITIES {
        let delay = draws.delay();
        heap.push(Reverse((delay.as_nanos(), seq, entity)));
        seq += 1;
    }
    let start = Instant::now();
    let mut now = 0u64;
    let mut entity_sum = 0u64;
    let mut done = 0u64;
    while done < events {
        let Some(Reverse((time, _, entity))) = heap.pop() else {
            break;
        };
        now = time;
        entity_sum += u64::from(entity);
        let delay = draws.delay();
        let next = draws.entity();
        heap.push(Reverse((now.saturating_add(delay.as_nanos()), seq, next)));
        seq += 1;
        done += 1;
    }
    let elapsed = start.elapsed();
    let outcome = Outcome {
        events: done,
        final_time_ns: now,
        entity_sum,
    };
    (black_box(outcome), elapsed)
}

fn run_priority_queue(events: u64) -> (Outcome, Duration) {
    let mut draws = Draws::new();
    // The item is (id, entity); the id alone makes it unique, the entity rides along.
    let mut queue: PriorityQueue<(u64, u32), Reverse<(u64, u64)>> = PriorityQueue::new();
    let mut id = 0u64;
    for entity in 0..ENTITIES {
        let delay = draws.delay();
        queue.push((id, entity), Reverse((delay.as_nanos(), id)));
        id += 1;
    }
    let start = Instant::now();
    let mut now = 0u64;
    let mut entity_sum = 0u64;
    let mut done = 0u64;
    while done < events {
        let Some(((_, entity), Reverse((time, _)))) = queue.pop() else {
            break;
        };
        now = time;
        entity_sum += u64::from(entity);
        let delay = draws.delay();
        let next = draws.entity();
        queue.push(
            (id, next),
            Reverse((now.saturating_add(delay.as_nanos()), id)),
        );
        id += 1;
        done += 1;
    }
    let elapsed = start.elapsed();
    let outcome = Outcome {
        events: done,
        final_time_ns: now,
        entity_sum,
    };
    (black_box(outcome), elapsed)
}

fn events_from_env() -> u64 {
    match std::env::var("HOLD_EVENTS") {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|e| panic!("HOLD_EVENTS={text:?} is not an event count: {e}")),
        Err(_) => DEFAULT_EVENTS,
    }
}

fn rate(events: u64, time: Duration) -> f64 {
    events as f64 / time.as_secs_f64()
}

fn main() {
    let events = events_from_env();
    type Variant = (&'static str, fn(u64) -> (Outcome, Duration));
    let variants: [Variant; 3] = [
        ("engine", run_engine),
        ("hand-written", run_hand_written),
        ("priority-queue", run_priority_queue),
    ];
    println!(
        "hold: {ENTITIES} entities, {events} events, Exp(1) delays, best of {ROUNDS} interleaved rounds"
    );

    let mut best = [Duration::MAX; 3];
    let mut outcomes: [Option<Outcome>; 3] = [None; 3];
    for _ in 0..ROUNDS {
        for (i, (name, run)) in variants.iter().enumerate() {
            let (outcome, time) = run(events);
            best[i] = best[i].min(time);
            match outcomes[i] {
                None => outcomes[i] = Some(outcome),
                Some(first) => assert_eq!(first, outcome, "{name} is not deterministic"),
            }
        }
    }
    let [engine, hand, pq] = outcomes.map(|o| o.expect("at least one round"));

    // Apples to apples: the same events, in the same order, to the same end.
    assert_eq!(engine.events, events, "engine stopped early");
    assert_eq!(
        engine.events, hand.events,
        "engine and hand-written event counts"
    );
    assert_eq!(
        engine.final_time_ns, hand.final_time_ns,
        "engine and hand-written final simulated time"
    );
    assert_eq!(
        engine.entity_sum, hand.entity_sum,
        "engine and hand-written entity sums"
    );
    assert_eq!(
        engine.entity_sum, pq.entity_sum,
        "engine and priority-queue entity sums"
    );
    assert_eq!(
        engine.events, pq.events,
        "engine and priority-queue event counts"
    );

    println!(
        "checked: {} events each, final simulated time {:.3} s, entity id sum {}",
        engine.events,
        SimTime::from_nanos(engine.final_time_ns).as_secs_f64(),
        engine.entity_sum
    );
    println!();
    println!("{:<16} {:>12} {:>16}", "variant", "best (ms)", "events/s");
    for (i, (name, _)) in variants.iter().enumerate() {
        println!(
            "{:<16} {:>12.1} {:>16.0}",
            name,
            best[i].as_secs_f64() * 1e3,
            rate(events, best[i])
        );
    }
    let engine_rate = rate(events, best[0]);
    println!();
    println!(
        "engine / hand-written   {:.3}  (events/s ratio; >= 1.0: the engine is no slower)",
        engine_rate / rate(events, best[1])
    );
    println!(
        "engine / priority-queue {:.3}",
        engine_rate / rate(events, best[2])
    );
}
