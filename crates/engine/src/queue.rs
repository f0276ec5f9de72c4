//! The pending-event set: a binary heap keyed by (time, insertion sequence).

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Hold pending events in time order, ties in insertion order (FIFO).
///
/// The key packs time and sequence into one `u128`, so every heap comparison is a
/// single integer compare; this is what makes the queue as fast as a hand-written
/// `BinaryHeap` loop (see `benches/`), and FIFO ties make runs reproducible.
///
/// ```
/// use s3sim_engine::{EventQueue, SimTime};
/// let mut q = EventQueue::new();
/// q.push(SimTime::from_secs(2), "late");
/// q.push(SimTime::from_secs(1), "first");
/// q.push(SimTime::from_secs(1), "second");
/// assert_eq!(q.pop(), Some((SimTime::from_secs(1), "first")));
/// assert_eq!(q.pop(), Some((SimTime::from_secs(1), "second")));
/// assert_eq!(q.pop(), Some((SimTime::from_secs(2), "late")));
/// assert_eq!(q.pop(), None);
/// ```
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed, so the std max-heap pops the smallest key first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
        }
    }

    /// Add an event due at `time`; among equal times it comes after those already queued.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let key = (u128::from(time.as_nanos()) << 64) | u128::from(self.next_seq);
        self.next_seq += 1;
        self.heap.push(Entry { key, event });
    }

    /// Remove and return the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap
            .pop()
            .map(|e| (SimTime::from_nanos((e.key >> 64) as u64), e.event))
    }

    /// When the earliest event is due, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap
            .peek()
            .map(|e| SimTime::from_nanos((e.key >> 64) as u64))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
