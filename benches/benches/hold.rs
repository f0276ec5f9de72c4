//! The classic "hold" benchmark of a pending-event set, at several queue sizes.
//!
//! For each pending count P (`HOLD_PENDING`, default `10000,1000000`), P entities
//! each start with one pending event at Exp(1) seconds. Handling an event schedules
//! one new event at now + Exp(1) seconds for a uniformly random entity, so the queue
//! stays at P events while `HOLD_EVENTS` events (default 5 000 000) are processed.
//! The implementations do identical work with identical random draws:
//!
//! - `engine`: `s3sim_engine::Scheduler::run` driving a `Model` whose event is the
//!   entity id (a radix heap of 16-byte entries);
//! - `hand-written`: a plain loop over `std::collections::BinaryHeap` of
//!   `Reverse((time_ns, seq, entity))` (24-byte entries), the baseline the engine
//!   must beat;
//! - `priority-queue`: the `priority-queue` crate keyed by an ever-increasing id with
//!   priority `Reverse((time_ns, seq))`, the indexed queue the engine's design
//!   rejected; run only up to 100 000 pending (it is several times slower).
//!
//! Only the event loop is timed, in CPU seconds of the benchmark's thread
//! (`CLOCK_THREAD_CPUTIME_ID`), so time stolen by other processes on a shared
//! machine is not counted. Rounds are interleaved (every size and variant once per
//! round, the variants' order alternating), the best of each variant is reported,
//! and the engine / hand-written ratio is also given per round, as min–max.

use priority_queue::PriorityQueue;
use rand::RngExt;
use rand_distr::{Distribution, Exp};
use rustix::time::{ClockId, clock_gettime};
use s3sim_engine::{Model, RandomStreams, Scheduler, SimDuration, SimRng, SimTime, StopAt};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

const DEFAULT_PENDING: [u32; 2] = [10_000, 1_000_000];
const DEFAULT_EVENTS: u64 = 5_000_000;
const DEFAULT_ROUNDS: usize = 5;
/// The largest pending count the `priority-queue` variant runs at.
const PRIORITY_QUEUE_MAX_PENDING: u32 = 100_000;
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
    entities: u32,
}

impl Draws {
    fn new(entities: u32) -> Self {
        Draws {
            rng: RandomStreams::new(SEED).stream("hold", u64::from(entities)),
            delay: Exp::new(1.0).expect("rate 1 is valid"),
            entities,
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
        self.rng.random_range(0..self.entities)
    }
}

/// CPU seconds this thread has used so far.
fn thread_cpu_seconds() -> f64 {
    let t = clock_gettime(ClockId::ThreadCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
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

fn run_engine(pending: u32, events: u64) -> (Outcome, f64) {
    let mut draws = Draws::new(pending);
    let mut sched = Scheduler::new();
    for entity in 0..pending {
        let delay = draws.delay();
        sched.at(SimTime::ZERO + delay, entity);
    }
    let mut model = Hold {
        draws,
        entity_sum: 0,
    };
    let start = thread_cpu_seconds();
    let report = sched.run(&mut model, StopAt::queue_empty().with_event_cap(events));
    let cpu = thread_cpu_seconds() - start;
    let outcome = Outcome {
        events: report.events,
        final_time_ns: report.now.as_nanos(),
        entity_sum: model.entity_sum,
    };
    (black_box(outcome), cpu)
}

fn run_hand_written(pending: u32, events: u64) -> (Outcome, f64) {
    let mut draws = Draws::new(pending);
    let mut heap: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::new();
    let mut seq = 0u64;
    for entity in 0..pending {
        let delay = draws.delay();
        heap.push(Reverse((delay.as_nanos(), seq, entity)));
        seq += 1;
    }
    let start = thread_cpu_seconds();
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
    let cpu = thread_cpu_seconds() - start;
    let outcome = Outcome {
        events: done,
        final_time_ns: now,
        entity_sum,
    };
    (black_box(outcome), cpu)
}

fn run_priority_queue(pending: u32, events: u64) -> (Outcome, f64) {
    let mut draws = Draws::new(pending);
    // The item is (id, entity); the id alone makes it unique, the entity rides along.
    let mut queue: PriorityQueue<(u64, u32), Reverse<(u64, u64)>> = PriorityQueue::new();
    let mut id = 0u64;
    for entity in 0..pending {
        let delay = draws.delay();
        queue.push((id, entity), Reverse((delay.as_nanos(), id)));
        id += 1;
    }
    let start = thread_cpu_seconds();
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
    let cpu = thread_cpu_seconds() - start;
    let outcome = Outcome {
        events: done,
        final_time_ns: now,
        entity_sum,
    };
    (black_box(outcome), cpu)
}

/// A count from the environment (`_` separators allowed), or `default`.
fn count_from_env(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|e| panic!("{name}={text:?} is not a count: {e}")),
        Err(_) => default,
    }
}

/// The pending counts to measure: `HOLD_PENDING`, comma-separated, or 10 k and 1 M.
fn pending_from_env() -> Vec<u32> {
    match std::env::var("HOLD_PENDING") {
        Ok(text) => text
            .split(',')
            .map(|part| {
                let n: u32 = part.trim().replace('_', "").parse().unwrap_or_else(|e| {
                    panic!("HOLD_PENDING={text:?}: {part:?} is not a count (write e.g. 10000,1000000): {e}")
                });
                assert!(n > 0, "HOLD_PENDING={text:?}: a pending count must be at least 1");
                n
            })
            .collect(),
        Err(_) => DEFAULT_PENDING.to_vec(),
    }
}

/// The machine's load averages, to print next to the figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_string())
}

type Run = fn(u32, u64) -> (Outcome, f64);

const VARIANTS: [(&str, Run); 3] = [
    ("engine", run_engine),
    ("hand-written", run_hand_written),
    ("priority-queue", run_priority_queue),
];

/// Every run of one pending count: CPU seconds per variant and round, and outcomes.
struct Size {
    pending: u32,
    variants: usize,
    cpu: Vec<[f64; 3]>,
    outcomes: [Option<Outcome>; 3],
}

impl Size {
    fn best(&self, variant: usize) -> f64 {
        self.cpu
            .iter()
            .map(|round| round[variant])
            .fold(f64::INFINITY, f64::min)
    }

    /// The events/s ratio of `a` over `b` per round: min and max.
    fn spread(&self, a: usize, b: usize) -> (f64, f64) {
        let ratios = self.cpu.iter().map(|round| round[b] / round[a]);
        ratios.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        })
    }
}

fn main() {
    let events = count_from_env("HOLD_EVENTS", DEFAULT_EVENTS);
    let rounds = count_from_env("HOLD_ROUNDS", DEFAULT_ROUNDS as u64).max(1) as usize;
    let mut sizes: Vec<Size> = pending_from_env()
        .into_iter()
        .map(|pending| Size {
            pending,
            variants: if pending <= PRIORITY_QUEUE_MAX_PENDING {
                3
            } else {
                2
            },
            cpu: Vec::new(),
            outcomes: [None; 3],
        })
        .collect();
    println!(
        "hold: Exp(1) delays, {events} events per run, {rounds} interleaved rounds, \
         CPU seconds of the event loop; load average before: {}",
        load_average()
    );

    for round in 0..rounds {
        for size in &mut sizes {
            let mut cpu = [f64::NAN; 3];
            let mut order: Vec<usize> = (0..size.variants).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for i in order {
                let (name, run) = VARIANTS[i];
                let (outcome, seconds) = run(size.pending, events);
                cpu[i] = seconds;
                match size.outcomes[i] {
                    None => size.outcomes[i] = Some(outcome),
                    Some(first) => assert_eq!(first, outcome, "{name} is not deterministic"),
                }
            }
            size.cpu.push(cpu);
        }
    }

    for size in &sizes {
        let pending = size.pending;
        let engine = size.outcomes[0].expect("at least one round");
        // Apples to apples: the same events, in the same order, to the same end.
        assert_eq!(
            engine.events, events,
            "engine stopped early at {pending} pending"
        );
        for (i, (name, _)) in VARIANTS.iter().enumerate().take(size.variants).skip(1) {
            let other = size.outcomes[i].expect("at least one round");
            assert_eq!(
                engine, other,
                "engine and {name} differ at {pending} pending"
            );
        }
        println!();
        println!(
            "{pending} pending: checked {} events each, final simulated time {:.3} s, entity id sum {}",
            engine.events,
            SimTime::from_nanos(engine.final_time_ns).as_secs_f64(),
            engine.entity_sum
        );
        println!("{:<16} {:>12} {:>14}", "variant", "best CPU s", "events/s");
        for (i, (name, _)) in VARIANTS.iter().enumerate().take(size.variants) {
            println!(
                "{:<16} {:>12.3} {:>14.0}",
                name,
                size.best(i),
                events as f64 / size.best(i)
            );
        }
        for (i, (name, _)) in VARIANTS.iter().enumerate().take(size.variants).skip(1) {
            let (lo, hi) = size.spread(0, i);
            println!(
                "engine / {:<15} {:.2}  (best over best; per round {:.2}–{:.2}, {} rounds)",
                name,
                size.best(i) / size.best(0),
                lo,
                hi,
                size.cpu.len()
            );
        }
    }
    println!();
    println!("load average after: {}", load_average());
}
