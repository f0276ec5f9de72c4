//! The edge LRU: the model's intrusive list against an LRU built on `priority-queue`.
//!
//! 10 000 objects are requested with Zipf(0.8) popularity through an LRU of 1000
//! entries with no expiry; `EDGE_CACHE_LOOKUPS` requests (default 4 000 000) are drawn
//! once, before any clock starts, and replayed through two implementations:
//!
//! - `edge-cache`: `s3sim_model::cdn::cache::EdgeCache`, a doubly-linked recency list
//!   threaded through a `Vec` of slots indexed by object id;
//! - `priority-queue`: `PriorityQueue<u32, Reverse<u64>>` keyed by object id with the
//!   time of last use as priority: a hit is `change_priority`, a miss is `push`, and an
//!   eviction is `pop` (the smallest last-use time has the highest `Reverse` priority).
//!
//! Both must count the same hits. Rounds are interleaved (a, b, a, b, ...) and the best
//! time of each variant is reported, so slow phases of a noisy machine hit both alike.

use priority_queue::PriorityQueue;
use rand_distr::{Distribution, Zipf};
use s3sim_engine::{RandomStreams, SimTime};
use s3sim_model::cdn::cache::{EdgeCache, Lookup};
use std::cmp::Reverse;
use std::hint::black_box;
use std::time::{Duration, Instant};

const OBJECTS: u32 = 10_000;
const ALPHA: f64 = 0.8;
const CAPACITY: u32 = 1000;
const DEFAULT_LOOKUPS: usize = 4_000_000;
const ROUNDS: usize = 5;
const SEED: u64 = 20_261_201;

/// Draw the request stream every variant replays: object ids, most popular first.
fn requests(lookups: usize) -> Vec<u32> {
    let zipf = Zipf::new(f64::from(OBJECTS), ALPHA).expect("valid Zipf parameters");
    let mut rng = RandomStreams::new(SEED).stream("edge-cache-bench", 0);
    (0..lookups)
        .map(|_| zipf.sample(&mut rng) as u32 - 1)
        .collect()
}

fn run_edge_cache(keys: &[u32]) -> (u64, Duration) {
    let start = Instant::now();
    let mut cache = EdgeCache::new(OBJECTS, CAPACITY);
    let mut hits = 0u64;
    for &key in keys {
        match cache.lookup(key, SimTime::ZERO) {
            Lookup::Fresh(()) => hits += 1,
            Lookup::Expired(()) | Lookup::Miss => cache.store(key, (), SimTime::NEVER),
        }
    }
    (black_box(hits), start.elapsed())
}

fn run_priority_queue(keys: &[u32]) -> (u64, Duration) {
    let start = Instant::now();
    let capacity = CAPACITY as usize;
    let mut queue: PriorityQueue<u32, Reverse<u64>> = PriorityQueue::with_capacity(capacity + 1);
    let mut hits = 0u64;
    for (tick, &key) in (0u64..).zip(keys) {
        if queue.change_priority(&key, Reverse(tick)).is_some() {
            hits += 1;
            continue;
        }
        queue.push(key, Reverse(tick));
        if queue.len() > capacity {
            queue.pop();
        }
    }
    (black_box(hits), start.elapsed())
}

fn lookups_from_env() -> usize {
    match std::env::var("EDGE_CACHE_LOOKUPS") {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|e| panic!("EDGE_CACHE_LOOKUPS={text:?} is not a count: {e}")),
        Err(_) => DEFAULT_LOOKUPS,
    }
}

fn rate(lookups: usize, time: Duration) -> f64 {
    lookups as f64 / time.as_secs_f64()
}

fn main() {
    let lookups = lookups_from_env();
    let keys = requests(lookups);
    type Variant = (&'static str, fn(&[u32]) -> (u64, Duration));
    let variants: [Variant; 2] = [
        ("edge-cache", run_edge_cache),
        ("priority-queue", run_priority_queue),
    ];
    println!(
        "edge_cache: {OBJECTS} objects, Zipf({ALPHA}), LRU of {CAPACITY}, {lookups} lookups, \
         best of {ROUNDS} interleaved rounds"
    );

    let mut best = [Duration::MAX; 2];
    let mut hits: [Option<u64>; 2] = [None; 2];
    for _ in 0..ROUNDS {
        for (i, (name, run)) in variants.iter().enumerate() {
            let (count, time) = run(&keys);
            best[i] = best[i].min(time);
            match hits[i] {
                None => hits[i] = Some(count),
                Some(first) => assert_eq!(first, count, "{name} is not deterministic"),
            }
        }
    }
    let [list_hits, pq_hits] = hits.map(|h| h.expect("at least one round"));

    // Apples to apples: both LRUs must make the same decision on every request.
    assert_eq!(
        list_hits, pq_hits,
        "edge-cache and priority-queue hit counts"
    );
    println!(
        "checked: {list_hits} hits each, hit ratio {:.4}",
        list_hits as f64 / lookups as f64
    );
    println!();
    println!("{:<16} {:>12} {:>16}", "variant", "best (ms)", "lookups/s");
    for (i, (name, _)) in variants.iter().enumerate() {
        println!(
            "{:<16} {:>12.1} {:>16.0}",
            name,
            best[i].as_secs_f64() * 1e3,
            rate(lookups, best[i])
        );
    }
    println!();
    println!(
        "edge-cache / priority-queue {:.3}  (lookups/s ratio; > 1.0: the intrusive list is faster)",
        rate(lookups, best[0]) / rate(lookups, best[1])
    );
}
