//! The radix heap against a reference `BinaryHeap` of (time, sequence), on seeded
//! random workloads, plus the cases the workloads make rare.

use super::*;
use crate::random::{RandomStreams, SimRng};
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[test]
fn equal_times_pop_in_insertion_order_even_after_interleaving() {
    let mut q = EventQueue::new();
    for i in 0..100u32 {
        q.push(SimTime::from_secs(u64::from(i % 3)), i);
    }
    let popped: Vec<u32> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    let mut expected: Vec<u32> = (0..100).filter(|i| i % 3 == 0).collect();
    expected.extend((0..100).filter(|i| i % 3 == 1));
    expected.extend((0..100).filter(|i| i % 3 == 2));
    assert_eq!(popped, expected);
}

#[test]
fn largest_time_still_orders_correctly() {
    let mut q = EventQueue::new();
    q.push(SimTime::NEVER, 'b');
    q.push(SimTime::from_nanos(u64::MAX - 1), 'a');
    assert_eq!(q.peek_time(), Some(SimTime::from_nanos(u64::MAX - 1)));
    assert_eq!(q.pop().unwrap().1, 'a');
    assert_eq!(q.pop().unwrap(), (SimTime::NEVER, 'b'));
}

#[test]
fn an_entry_is_16_bytes_for_events_of_up_to_8_bytes() {
    assert_eq!(std::mem::size_of::<Entry<u32>>(), 16);
    assert_eq!(std::mem::size_of::<Entry<u64>>(), 16);
    assert_eq!(std::mem::size_of::<Entry<(u16, u32)>>(), 16);
    assert_eq!(std::mem::size_of::<Entry<()>>(), 8);
}

#[test]
fn equal_times_pushed_from_different_last_pops_keep_insertion_order() {
    // 'a' is pushed while the last pop is 0, 'b' after a pop at 5, 'c' after one at 6:
    // all three are due at 1000 and must leave in that order.
    let mut q = EventQueue::new();
    q.push(SimTime::from_nanos(5), 'x');
    q.push(SimTime::from_nanos(1000), 'a');
    q.push(SimTime::from_nanos(6), 'y');
    assert_eq!(q.pop(), Some((SimTime::from_nanos(5), 'x')));
    q.push(SimTime::from_nanos(1000), 'b');
    assert_eq!(q.pop(), Some((SimTime::from_nanos(6), 'y')));
    q.push(SimTime::from_nanos(1000), 'c');
    q.push(SimTime::from_nanos(999), 'w');
    let rest: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    assert_eq!(rest, vec!['w', 'a', 'b', 'c']);
}

#[test]
fn a_push_earlier_than_the_last_pop_is_ordered_exactly() {
    let mut q = EventQueue::new();
    for (t, e) in [(10, 'a'), (30, 'b'), (30, 'c'), (20, 'd')] {
        q.push(SimTime::from_nanos(t), e);
    }
    assert_eq!(q.pop(), Some((SimTime::from_nanos(10), 'a')));
    q.push(SimTime::from_nanos(3), 'e');
    q.push(SimTime::from_nanos(30), 'f');
    q.push(SimTime::from_nanos(3), 'g');
    let rest: Vec<(u64, char)> =
        std::iter::from_fn(|| q.pop().map(|(t, e)| (t.as_nanos(), e))).collect();
    assert_eq!(
        rest,
        vec![
            (3, 'e'),
            (3, 'g'),
            (20, 'd'),
            (30, 'b'),
            (30, 'c'),
            (30, 'f')
        ]
    );
    assert!(q.is_empty());
}

#[test]
fn pop_due_leaves_a_later_event_in_place_and_its_time_unclaimed() {
    let mut q = EventQueue::new();
    q.push(SimTime::from_nanos(100), 'a');
    assert_eq!(q.pop_due(99), None);
    assert_eq!(q.last, 0, "a refused pop must not move the current time");
    q.push(SimTime::from_nanos(50), 'b');
    assert_eq!(q.pop_due(99), Some((SimTime::from_nanos(50), 'b')));
    assert_eq!(q.pop_due(99), None);
    assert_eq!(q.pop_due(100), Some((SimTime::from_nanos(100), 'a')));
    assert_eq!(q.pop_due(u64::MAX), None);
}

/// How a workload draws the times it pushes.
#[derive(Clone, Copy)]
enum Times {
    /// Never before the last pop, as the scheduler pushes.
    Monotone,
    /// Sometimes before the last pop.
    Any,
}

/// A time to push, given the last popped time `now`: equal times, small and huge
/// gaps, fixed instants shared by many pushes, and times next to `u64::MAX`.
fn draw_time(rng: &mut SimRng, now: u64, times: Times) -> u64 {
    const ANCHORS: [u64; 7] = [
        0,
        1_000_000_000,
        1 << 32,
        (1 << 63) - 1,
        1 << 63,
        u64::MAX - 1,
        u64::MAX,
    ];
    let time = match rng.random_range(0..100u32) {
        0..30 => now,
        30..50 => now.saturating_add(rng.random_range(0..16)),
        50..70 => {
            let bits = rng.random_range(0..64u32);
            now.saturating_add(rng.random::<u64>() >> bits)
        }
        70..85 => ANCHORS[rng.random_range(0..ANCHORS.len())],
        85..93 => u64::MAX - rng.random_range(0..4),
        _ => rng.random_range(0..=now),
    };
    match times {
        Times::Monotone => time.max(now),
        Times::Any => time,
    }
}

/// Run one seeded workload on the radix heap and on the reference heap, asserting
/// after every operation that both agree on the popped entry, the peek and the length.
fn agree_with_the_reference(seed: u64, times: Times, ops: usize) -> usize {
    let mut rng = RandomStreams::new(seed).stream("queue-property", 0);
    let mut q: EventQueue<u64> = EventQueue::new();
    let mut reference: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut now = 0u64;
    let mut pops = 0;
    let mut push_percent = 60;
    for op in 0..ops {
        if op % 200 == 0 {
            // Phases that grow, hold and drain the queue.
            push_percent = rng.random_range(20..90);
        }
        if rng.random_range(0..100) < push_percent {
            let time = draw_time(&mut rng, now, times);
            q.push(SimTime::from_nanos(time), seq);
            reference.push(Reverse((time, seq)));
            seq += 1;
        } else {
            let expected = reference
                .pop()
                .map(|Reverse((t, s))| (SimTime::from_nanos(t), s));
            let got = q.pop();
            assert_eq!(got, expected, "seed {seed}, operation {op}");
            if let Some((t, _)) = got {
                now = t.as_nanos();
                pops += 1;
            }
        }
        let expected_peek = reference
            .peek()
            .map(|Reverse((t, _))| SimTime::from_nanos(*t));
        assert_eq!(q.peek_time(), expected_peek, "seed {seed}, operation {op}");
        assert_eq!(q.len(), reference.len(), "seed {seed}, operation {op}");
    }
    while let Some(Reverse((t, s))) = reference.pop() {
        assert_eq!(
            q.pop(),
            Some((SimTime::from_nanos(t), s)),
            "seed {seed}, drain"
        );
        pops += 1;
    }
    assert_eq!(q.pop(), None);
    assert!(q.is_empty());
    pops
}

#[test]
fn monotone_workloads_pop_exactly_like_a_binary_heap_of_time_and_sequence() {
    let pops: usize = (0..150)
        .map(|seed| agree_with_the_reference(seed, Times::Monotone, 3_000))
        .sum();
    // Every push is eventually popped: the comparison covered all of them.
    assert!(pops > 150 * 1_000, "only {pops} pops compared");
}

#[test]
fn workloads_with_pushes_into_the_past_pop_exactly_like_a_binary_heap() {
    let pops: usize = (1_000..1_100)
        .map(|seed| agree_with_the_reference(seed, Times::Any, 3_000))
        .sum();
    assert!(pops > 100 * 1_000, "only {pops} pops compared");
}
