//! The pending-event set: a radix heap over integer time, ties in insertion order.
//!
//! Why a radix heap: simulated time is an integer and the run loop is monotone (no
//! event is scheduled before the one being handled), the two conditions under which
//! a radix heap beats a comparison heap. Each entry moves through at most 64 buckets,
//! always towards the current time, in sequential passes over a `Vec`, instead of
//! the O(log n) scattered compare-and-swap steps of a binary heap, which at a million
//! pending events miss the cache on every level. Source: R. K. Ahuja, K. Mehlhorn,
//! J. B. Orlin, R. E. Tarjan, "Faster algorithms for the shortest path problem",
//! Journal of the ACM 37(2), 1990, <https://doi.org/10.1145/77600.77615>. The
//! `radix-heap` crate (<https://crates.io/crates/radix-heap>) implements the same
//! structure, but pops ties last-in first-out and panics on a non-monotone push; the
//! engine needs ties first-in first-out and must accept any time, so it keeps its
//! own. The measured gain over a `BinaryHeap` loop is in `benches/README.md`.

use crate::time::SimTime;
use std::collections::VecDeque;

/// Bits of a time, hence the number of buckets above the current time.
const BITS: usize = 64;

/// Hold pending events in time order, ties in insertion order (FIFO).
///
/// A radix heap keyed by the time in nanoseconds. `last` is the time of the most
/// recent pop; an entry due at `last` waits in `due`, a queue in insertion order;
/// any later entry waits in the bucket of the highest bit in which its time differs
/// from `last`. A pop that finds `due` empty takes the lowest non-empty bucket,
/// makes its earliest time the new `last` and redistributes it (in order) into the
/// lower buckets and `due`.
///
/// Ties need no sequence number: equal times always share a bucket, a push appends
/// (it is the newest entry) and a redistribution keeps the bucket's order, so equal
/// times leave in the order they came. An entry is the time and the event, 16 bytes
/// for events of up to 8 bytes (the model's `Event` is 8); a model with larger
/// events should queue an index into its own table of them.
///
/// A push earlier than the last pop (not something [`Scheduler`](crate::Scheduler)
/// does: it clamps to now) is still ordered exactly, at the cost of redistributing
/// every pending entry once.
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
    /// Entries due exactly at `last`, oldest first.
    due: VecDeque<Entry<E>>,
    /// `buckets[b]`: entries whose time's highest bit differing from `last` is bit `b`,
    /// each bucket's equal times in insertion order.
    buckets: [Vec<Entry<E>>; BITS],
    /// `mins[b]`: the earliest time in `buckets[b]` (`u64::MAX` when empty), kept on
    /// every push so that a pop finds the next `last` without scanning the bucket.
    mins: [u64; BITS],
    /// Bit `b` set when `buckets[b]` is not empty.
    occupied: u64,
    /// The time of the last pop (0 before the first), in nanoseconds.
    last: u64,
    /// Number of pending entries.
    len: usize,
}

/// One pending event and when it is due (nanoseconds).
struct Entry<E> {
    time: u64,
    event: E,
}

/// The bucket of a time later than `last`: its highest bit that differs.
#[inline]
fn bucket_of(time: u64, last: u64) -> usize {
    debug_assert!(time > last);
    (BITS - 1) - (time ^ last).leading_zeros() as usize
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
            due: VecDeque::new(),
            buckets: std::array::from_fn(|_| Vec::new()),
            mins: [u64::MAX; BITS],
            occupied: 0,
            last: 0,
            len: 0,
        }
    }

    /// An empty queue; kept from the binary-heap version for its callers.
    ///
    /// The radix heap's buckets grow on demand and share the pending events in
    /// proportions nobody knows beforehand, so `capacity` reserves nothing.
    pub fn with_capacity(capacity: usize) -> Self {
        let _ = capacity;
        Self::new()
    }

    /// Add an event due at `time`; among equal times it comes after those already queued.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let time = time.as_nanos();
        if time > self.last {
            let b = bucket_of(time, self.last);
            self.buckets[b].push(Entry { time, event });
            self.mins[b] = self.mins[b].min(time);
            self.occupied |= 1 << b;
        } else {
            if time < self.last {
                self.rebase(time);
            }
            self.due.push_back(Entry { time, event });
        }
        self.len += 1;
    }

    /// Remove and return the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(u64::MAX)
    }

    /// Remove and return the earliest event if it is due at or before `until` (ns).
    ///
    /// Nothing moves when the earliest event is later, so a caller stopped at
    /// `until` may still push events between `until` and that event cheaply.
    #[inline]
    pub(crate) fn pop_due(&mut self, until: u64) -> Option<(SimTime, E)> {
        if self.due.is_empty() {
            if self.occupied == 0 {
                return None;
            }
            let b = self.occupied.trailing_zeros() as usize;
            let earliest = self.mins[b];
            if earliest > until {
                return None;
            }
            if let [_] = self.buckets[b][..] {
                return Some(self.take_single(b, earliest));
            }
            self.redistribute(b, earliest);
        } else if self.last > until {
            return None;
        }
        let entry = self.due.pop_front()?;
        self.len -= 1;
        Some((SimTime::from_nanos(entry.time), entry.event))
    }

    /// Pop the only entry of bucket `b`, the lowest non-empty one, with `due` empty:
    /// it is the earliest pending entry, and its time `earliest` the new `last`.
    ///
    /// Why a path of its own: in the reference study half the buckets reached hold one
    /// entry, and moving it through `due` costs more than the pop itself.
    #[inline]
    fn take_single(&mut self, b: usize, earliest: u64) -> (SimTime, E) {
        let entry = self.buckets[b].pop().expect("bucket b holds one entry");
        self.advance_to(b, earliest);
        self.len -= 1;
        (SimTime::from_nanos(entry.time), entry.event)
    }

    /// Make `earliest` (the smallest time of bucket `b`, the lowest non-empty one,
    /// with `due` empty) the new `last` and spread bucket `b` below it.
    fn redistribute(&mut self, b: usize, earliest: u64) {
        self.advance_to(b, earliest);
        // Every entry goes to a lower bucket (its times agree with `earliest` above
        // bit `b`), and those are empty, so each receives bucket `b`'s order.
        let mut moving = std::mem::take(&mut self.buckets[b]);
        for entry in moving.drain(..) {
            self.place(entry);
        }
        // Give the allocation back: the bucket will fill up again.
        self.buckets[b] = moving;
    }

    /// Make `earliest` the new `last` and mark bucket `b`, whose entries the caller
    /// takes, empty: the bookkeeping both ways of emptying the lowest bucket share.
    #[inline]
    fn advance_to(&mut self, b: usize, earliest: u64) {
        self.last = earliest;
        self.occupied &= !(1 << b);
        self.mins[b] = u64::MAX;
    }

    /// Put an entry due at or after `last` where it belongs, after those already there.
    #[inline]
    fn place(&mut self, entry: Entry<E>) {
        if entry.time == self.last {
            self.due.push_back(entry);
        } else {
            let b = bucket_of(entry.time, self.last);
            self.mins[b] = self.mins[b].min(entry.time);
            self.buckets[b].push(entry);
            self.occupied |= 1 << b;
        }
    }

    /// Make `time`, earlier than `last`, the new `last`: re-place every pending entry.
    ///
    /// Equal times sit in one bucket (or in `due`) in insertion order, and each is
    /// moved in that order, so ties keep their order.
    #[cold]
    fn rebase(&mut self, time: u64) {
        self.last = time;
        let due = std::mem::take(&mut self.due);
        let mut buckets = std::mem::replace(&mut self.buckets, std::array::from_fn(|_| Vec::new()));
        self.occupied = 0;
        self.mins = [u64::MAX; BITS];
        for entry in due {
            self.place(entry);
        }
        for bucket in &mut buckets {
            for entry in bucket.drain(..) {
                self.place(entry);
            }
        }
    }

    /// When the earliest event is due, if any.
    ///
    /// O(1): the earliest time of each bucket is kept as entries arrive.
    pub fn peek_time(&self) -> Option<SimTime> {
        if !self.due.is_empty() {
            return Some(SimTime::from_nanos(self.last));
        }
        if self.occupied == 0 {
            return None;
        }
        let b = self.occupied.trailing_zeros() as usize;
        Some(SimTime::from_nanos(self.mins[b]))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests;
