//! The pending-event set: a radix heap over integer time, ties in insertion order.
//!
//! Why a radix heap: simulated time is an integer and the run loop is monotone (no
//! event is scheduled before the one being handled), the two conditions under which
//! a radix heap beats a comparison heap. Each entry moves at most once per base-16
//! digit of its time (16 times), always towards the current time, in sequential
//! passes over a `Vec`, instead of the O(log n) scattered compare-and-swap steps of a
//! binary heap, which at a million pending events miss the cache on every level.
//! Source: R. K. Ahuja, K. Mehlhorn, J. B. Orlin, R. E. Tarjan, "Faster algorithms for
//! the shortest path problem", Journal of the ACM 37(2), 1990,
//! <https://doi.org/10.1145/77600.77615>. The
//! `radix-heap` crate (<https://crates.io/crates/radix-heap>) implements the same
//! structure, but pops ties last-in first-out and panics on a non-monotone push; the
//! engine needs ties first-in first-out and must accept any time, so it keeps its
//! own. The measured gain over a `BinaryHeap` loop is in `benches/README.md`.

use crate::time::SimTime;
use std::collections::VecDeque;

/// Bits per digit: a time is read as base-2^`DIGIT_BITS` digits.
const DIGIT_BITS: u32 = 4;
/// Values a digit takes, hence buckets per digit position.
const DIGITS: usize = 1 << DIGIT_BITS;
/// Digit positions of a 64-bit time.
const POSITIONS: usize = 64usize.div_ceil(DIGIT_BITS as usize);
/// Buckets above the current time: one per (digit position, digit value).
const BUCKETS: usize = POSITIONS * DIGITS;
const _: () = assert!(
    BUCKETS.is_power_of_two(),
    "bucket_of masks with BUCKETS - 1"
);
/// 64-bit words of the occupancy bitmap.
const WORDS: usize = BUCKETS.div_ceil(64);

/// Hold pending events in time order, ties in insertion order (FIFO).
///
/// A radix heap keyed by the time in nanoseconds, read in base 16. `last` is the
/// time of the most recent pop; an entry due at `last` waits in `due`, a queue in
/// insertion order; any later entry waits in the bucket named by the highest digit
/// position in which its time differs from `last` and by its own digit there. The
/// buckets' order (position, then digit) is the order of their times, so the lowest
/// non-empty bucket holds the earliest entries. A pop that finds `due` empty takes
/// that bucket, makes its earliest time the new `last`, returns its first entry of
/// that time and redistributes the rest (in order) into lower positions and `due`.
///
/// Why base 16 rather than the textbook base 2: an entry moves at most once per
/// digit position, 16 times instead of 64, and a redistribution takes only the
/// entries sharing the lowest digit, so fewer entries move per pop (counted in the
/// light reference study: 2.33 moves per push in base 2, 0.96 in base 16;
/// `benches/README.md`).
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
    /// `buckets[p * DIGITS + d]`: entries whose time's highest digit position differing
    /// from `last` is `p`, with digit `d` there. Boxed: the array is 8 kB.
    buckets: Box<[Bucket<E>; BUCKETS]>,
    /// Bit `i % 64` of word `i / 64` set when `buckets[i]` is not empty.
    occupied: [u64; WORDS],
    /// The time of the last pop (0 before the first), in nanoseconds.
    last: u64,
    /// Number of pending entries.
    len: usize,
}

/// The entries of one bucket and their earliest time, side by side so that a push
/// touches one line of bookkeeping.
struct Bucket<E> {
    /// The earliest time of `entries` (`u64::MAX` when empty), kept on every push so
    /// that a pop finds the next `last` without scanning the bucket.
    min: u64,
    /// The entries, equal times in insertion order.
    entries: Vec<Entry<E>>,
}

impl<E> Default for Bucket<E> {
    fn default() -> Self {
        Bucket {
            min: u64::MAX,
            entries: Vec::new(),
        }
    }
}

/// One pending event and when it is due (nanoseconds).
struct Entry<E> {
    time: u64,
    event: E,
}

/// The bucket of a time later than `last`: its highest differing digit position
/// and its digit there.
#[inline]
fn bucket_of(time: u64, last: u64) -> usize {
    debug_assert!(time > last);
    let position = (63 - (time ^ last).leading_zeros()) / DIGIT_BITS;
    let digit = (time >> (position * DIGIT_BITS)) as usize & (DIGITS - 1);
    // The mask changes nothing (position < POSITIONS, digit < DIGITS) but tells the
    // compiler that the index is in range, so indexing by it needs no bounds check.
    (position as usize * DIGITS + digit) & (BUCKETS - 1)
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
            buckets: Box::new(std::array::from_fn(|_| Bucket::default())),
            occupied: [0; WORDS],
            last: 0,
            len: 0,
        }
    }

    /// Add an event due at `time`; among equal times it comes after those already queued.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let time = time.as_nanos();
        if time > self.last {
            self.file(bucket_of(time, self.last), Entry { time, event });
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
        let entry = if self.due.is_empty() {
            let b = self.lowest_bucket()?;
            let earliest = self.buckets[b].min;
            if earliest > until {
                return None;
            }
            self.advance_to(b, earliest);
            if let [_] = self.buckets[b].entries[..] {
                // Half the pops of the reference study: nothing to redistribute.
                let single = self.buckets[b].entries.pop();
                single.expect("bucket b holds one entry")
            } else {
                self.redistribute(b, earliest)
            }
        } else if self.last > until {
            return None;
        } else {
            self.due.pop_front()?
        };
        self.len -= 1;
        Some((SimTime::from_nanos(entry.time), entry.event))
    }

    /// The lowest non-empty bucket, if any: the one holding the earliest entries
    /// when `due` is empty.
    #[inline]
    fn lowest_bucket(&self) -> Option<usize> {
        let (word, bits) = self.occupied.iter().enumerate().find(|(_, w)| **w != 0)?;
        Some(word * 64 + bits.trailing_zeros() as usize)
    }

    /// Spread bucket `b`, just emptied by [`advance_to`](Self::advance_to), below the
    /// new `last` (its earliest time), and return its first entry due then.
    fn redistribute(&mut self, b: usize, earliest: u64) -> Entry<E> {
        // Every entry goes to a lower position (its time agrees with `earliest` at
        // and above bucket `b`'s position), where no bucket is filled, so each
        // receives bucket `b`'s order; the first entry due at `earliest` is the pop,
        // and any later ones of that time go to `due` after it.
        let mut moving = std::mem::take(&mut self.buckets[b].entries);
        let mut first = None;
        for entry in moving.drain(..) {
            if first.is_none() && entry.time == earliest {
                first = Some(entry);
            } else {
                self.place(entry);
            }
        }
        // Give the allocation back: the bucket will fill up again.
        self.buckets[b].entries = moving;
        first.expect("the bucket's minimum is one of its entries")
    }

    /// Make `earliest` the new `last` and mark bucket `b`, the lowest non-empty one
    /// with `due` empty, whose entries the caller takes, empty.
    #[inline]
    fn advance_to(&mut self, b: usize, earliest: u64) {
        self.last = earliest;
        self.occupied[b / 64] &= !(1 << (b & 63));
        self.buckets[b].min = u64::MAX;
    }

    /// Put an entry due at or after `last` where it belongs, after those already there.
    #[inline]
    fn place(&mut self, entry: Entry<E>) {
        if entry.time == self.last {
            self.due.push_back(entry);
        } else {
            self.file(bucket_of(entry.time, self.last), entry);
        }
    }

    /// Append an entry to bucket `b`, keeping its minimum and occupancy.
    #[inline]
    fn file(&mut self, b: usize, entry: Entry<E>) {
        let bucket = &mut self.buckets[b];
        bucket.min = bucket.min.min(entry.time);
        bucket.entries.push(entry);
        self.occupied[b / 64] |= 1 << (b & 63);
    }

    /// Make `time`, earlier than `last`, the new `last`: re-place every pending entry.
    ///
    /// Equal times sit in one bucket (or in `due`) in insertion order, and each is
    /// moved in that order, so ties keep their order.
    #[cold]
    fn rebase(&mut self, time: u64) {
        self.last = time;
        let due = std::mem::take(&mut self.due);
        let mut buckets = std::mem::replace(
            &mut self.buckets,
            Box::new(std::array::from_fn(|_| Bucket::default())),
        );
        self.occupied = [0; WORDS];
        for entry in due {
            self.place(entry);
        }
        for bucket in buckets.iter_mut() {
            for entry in bucket.entries.drain(..) {
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
        let b = self.lowest_bucket()?;
        Some(SimTime::from_nanos(self.buckets[b].min))
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
