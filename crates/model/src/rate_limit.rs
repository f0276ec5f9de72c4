//! S3's request-rate limits per partitioned prefix (docs/domain.md §7): a token budget
//! per prefix, refilled at the limit, answered with 503 Slow Down at once when empty,
//! and doubled when S3 splits a prefix that stays hot.
//!
//! AWS (*Performance*) says an application can reach at least 3 500 PUT/COPY/POST/DELETE
//! or 5 500 GET/HEAD requests per second per partitioned prefix, that S3 partitions hot
//! prefixes automatically, and that requests above the current limit get 503 Slow Down
//! while it scales. How deep the budget is and how fast a prefix splits are not
//! published: both are parameters, with defaults calibrated on users' reports (steady
//! overload runs for tens of minutes before SlowDown starts; a pause of 1–2 minutes
//! clears it). This is not facility capacity: no queue, no server, an answer at once.

use crate::bucket::{BucketId, KeyId};
use crate::objects::Objects;
use s3sim_engine::{SimDuration, SimTime};

/// Name the two budgets of a partition: AWS gives reads and writes separate limits.
///
/// ```
/// use s3sim_model::rate_limit::Access;
/// assert_ne!(Access::Read, Access::Write);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// GET and HEAD.
    Read,
    /// PUT, COPY, POST and DELETE.
    Write,
}

/// Configure S3's per-prefix request-rate limits.
///
/// The budget of a partition holds `burst` worth of requests at its limit and refills
/// at the limit; a prefix is *hot* from its first Slow Down until its budgets are full
/// again, and one that stays hot for `split_after` is split: its limits (and budgets'
/// depth) double.
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::rate_limit::RateLimits;
/// let s3 = RateLimits::default();
/// assert_eq!((s3.reads_per_sec, s3.writes_per_sec), (5_500.0, 3_500.0));
/// assert_eq!(s3.burst, SimDuration::from_secs(120));
/// assert_eq!(s3.split_after, SimDuration::from_secs(1_800));
/// assert!(s3.enabled && s3.prefixes.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimits {
    /// Enforce the limits at all.
    pub enabled: bool,
    /// GET/HEAD per second of one partition (AWS: at least 5 500).
    pub reads_per_sec: f64,
    /// PUT/COPY/POST/DELETE per second of one partition (AWS: at least 3 500).
    pub writes_per_sec: f64,
    /// The budget's depth as time at the limit: a full budget holds `rate · burst`
    /// requests (unconfirmed; default 2 min, the pause users report clears SlowDown).
    pub burst: SimDuration,
    /// How long a prefix stays hot before S3 splits it (unconfirmed; default 30 min).
    pub split_after: SimDuration,
    /// Per bucket (by id): its partitioned prefixes. A key belongs to the longest one
    /// it starts with; keys under none share the bucket's own partition.
    pub prefixes: Vec<Vec<String>>,
}

impl Default for RateLimits {
    /// S3's published limits, with the unconfirmed depth and split delay above.
    fn default() -> Self {
        RateLimits {
            enabled: true,
            reads_per_sec: 5_500.0,
            writes_per_sec: 3_500.0,
            burst: SimDuration::from_secs(120),
            split_after: SimDuration::from_secs(1_800),
            prefixes: Vec::new(),
        }
    }
}

/// One token, in the budgets' unit (a token is 10¹² units, so that a limit in
/// thousandths of a request per second refills a whole number of units per ns).
const TOKEN: u128 = 1_000_000_000_000;

/// A prefix splits at most this many times (2²⁰ partitions), which keeps every budget
/// far inside `u128`.
const MAX_SCALE: u128 = 1 << 20;

/// One partitioned prefix during a run: its two budgets and how often it was split.
#[derive(Clone, Copy, Debug)]
struct Partition {
    /// When the budgets were last brought up to date.
    at: SimTime,
    /// Units left, per [`Access`].
    credit: [u128; 2],
    /// Limits relative to one partition: doubles at each split.
    scale: u128,
    /// Hot since its first Slow Down; `None` once its budgets are full again.
    hot_since: Option<SimTime>,
}

/// Charge requests to their partition's budgets and turn away those above the limit.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::objects::Objects;
/// use s3sim_model::rate_limit::{Access, PrefixBudgets, RateLimits};
/// // 2 reads a second, a budget of 5 s: ten requests in a burst pass, the eleventh
/// // gets Slow Down; half a second later a token has come back.
/// let limits = RateLimits { reads_per_sec: 2.0, burst: SimDuration::from_secs(5),
///     ..RateLimits::default() };
/// let objects = Objects::build(vec![vec!["a/1".into()]], &[None], &[], 0);
/// let mut budgets = PrefixBudgets::new(&limits, &objects, 1);
/// let at = |ms| SimTime::ZERO + SimDuration::from_millis(ms);
/// let admitted = (0..11).filter(|_| budgets.admit(0, 0, Access::Read, at(0))).count();
/// assert_eq!(admitted, 10);
/// assert!(!budgets.admit(0, 0, Access::Read, at(499)));
/// assert!(budgets.admit(0, 0, Access::Read, at(500)));
/// ```
#[derive(Clone, Debug)]
pub struct PrefixBudgets<'a> {
    limits: &'a RateLimits,
    objects: &'a Objects,
    /// Per [`Access`]: the limit of one partition, in thousandths of a request per second.
    milli_per_sec: [u128; 2],
    /// Per bucket: the id of its own partition; its prefixes' follow.
    first: Vec<u32>,
    /// Per bucket: the partition (0: the bucket's own, i + 1: prefix i) of each of its
    /// objects, in the order of `Objects::per_bucket`.
    of_object: Vec<Vec<u16>>,
    partitions: Vec<Partition>,
}

impl<'a> PrefixBudgets<'a> {
    /// Every partition of `buckets` buckets (whose keys `objects` holds), with full
    /// budgets.
    pub fn new(limits: &'a RateLimits, objects: &'a Objects, buckets: usize) -> Self {
        let prefixes = |b: usize| limits.prefixes.get(b).map_or(&[][..], Vec::as_slice);
        let mut first = Vec::with_capacity(buckets);
        let mut count = 0u32;
        for b in 0..buckets {
            first.push(count);
            count += 1 + prefixes(b).len() as u32;
        }
        let of_object = objects
            .per_bucket
            .iter()
            .enumerate()
            .map(|(b, keys)| {
                let keys = keys.iter().map(|&k| objects.keys[k as usize].as_str());
                keys.map(|key| longest_prefix(prefixes(b), key)).collect()
            })
            .collect();
        let milli = |rate: f64| ((rate * 1_000.0).round() as u128).max(1);
        let milli_per_sec = [milli(limits.reads_per_sec), milli(limits.writes_per_sec)];
        let full = Partition {
            at: SimTime::ZERO,
            credit: [0; 2],
            scale: 1,
            hot_since: None,
        };
        let mut budgets = PrefixBudgets {
            limits,
            objects,
            milli_per_sec,
            first,
            of_object,
            partitions: vec![full; count as usize],
        };
        for p in 0..budgets.partitions.len() {
            budgets.partitions[p].credit = [0, 1].map(|i| budgets.capacity(i, 1));
        }
        budgets
    }

    /// Charge one request for `key` of `bucket` at `now` to its partition's `access`
    /// budget: `true` if it is within the limit, `false` if S3 answers 503 Slow Down.
    pub fn admit(&mut self, bucket: BucketId, key: KeyId, access: Access, now: SimTime) -> bool {
        if !self.limits.enabled {
            return true;
        }
        let p = self.partition(bucket, key);
        self.advance(p, now);
        let i = access as usize;
        let partition = &mut self.partitions[p];
        if partition.credit[i] >= TOKEN {
            partition.credit[i] -= TOKEN;
            true
        } else {
            partition.hot_since.get_or_insert(now);
            false
        }
    }

    /// How many times the partition of `key` of `bucket` has doubled its limits so far
    /// (as of its last request).
    pub fn splits(&self, bucket: BucketId, key: KeyId) -> u32 {
        self.partitions[self.partition(bucket, key)]
            .scale
            .trailing_zeros()
    }

    /// The partition of `key` of `bucket`: precomputed for the bucket's objects, matched
    /// on the fly for keys it does not hold.
    fn partition(&self, bucket: BucketId, key: KeyId) -> usize {
        let b = bucket as usize;
        // A bucket without partitioned prefixes has one partition: no search, and no
        // read of `of_object` (a cache miss per request on large buckets).
        if self.limits.prefixes.get(b).is_none_or(Vec::is_empty) {
            return self.first[b] as usize;
        }
        let local = match self
            .objects
            .per_bucket
            .get(b)
            .map(|k| k.binary_search(&key))
        {
            Some(Ok(i)) => self.of_object[b][i],
            _ => {
                let prefixes = self.limits.prefixes.get(b).map_or(&[][..], Vec::as_slice);
                let name = self
                    .objects
                    .keys
                    .get(key as usize)
                    .map_or("", String::as_str);
                longest_prefix(prefixes, name)
            }
        };
        self.first[b] as usize + usize::from(local)
    }

    /// A partition's budget depth for access `i` at limits `scale` times one
    /// partition's.
    fn capacity(&self, i: usize, scale: u128) -> u128 {
        self.milli_per_sec[i] * scale * u128::from(self.limits.burst.as_nanos())
    }

    /// Refill partition `p`'s budgets up to `now`, cooling it when both are full again
    /// and splitting it when it has been hot for `split_after`, whichever comes first.
    fn advance(&mut self, p: usize, now: SimTime) {
        loop {
            let part = self.partitions[p];
            let (until, split) = match part.hot_since {
                Some(hot) => {
                    let split_at = hot + self.limits.split_after;
                    let full_at = self.full_at(&part);
                    if full_at <= split_at && full_at <= now {
                        (full_at, Some(false))
                    } else if split_at <= now {
                        (split_at, Some(true))
                    } else {
                        (now, None)
                    }
                }
                None => (now, None),
            };
            self.refill(p, until);
            let part = &mut self.partitions[p];
            match split {
                None => return,
                Some(split) => {
                    part.hot_since = None;
                    if split {
                        part.scale = (part.scale * 2).min(MAX_SCALE);
                    }
                }
            }
        }
    }

    /// Add what partition `p`'s limits refill from its last update to `until`.
    fn refill(&mut self, p: usize, until: SimTime) {
        let part = self.partitions[p];
        let elapsed = u128::from(until.since(part.at).as_nanos());
        let credit = [0, 1].map(|i| {
            let cap = self.capacity(i, part.scale);
            (part.credit[i] + elapsed * self.milli_per_sec[i] * part.scale).min(cap)
        });
        let part = &mut self.partitions[p];
        (part.credit, part.at) = (credit, until.max(part.at));
    }

    /// When both of `part`'s budgets are full again, refilled at its limits.
    fn full_at(&self, part: &Partition) -> SimTime {
        let wait = (0..2)
            .map(|i| {
                let missing = self.capacity(i, part.scale) - part.credit[i];
                missing.div_ceil(self.milli_per_sec[i] * part.scale)
            })
            .max()
            .unwrap_or(0);
        part.at + SimDuration::from_nanos(u64::try_from(wait).unwrap_or(u64::MAX))
    }
}

/// The partition within its bucket of `key`: 1 + the index of the longest of
/// `prefixes` it starts with, or 0 (the bucket's own) when it starts with none.
fn longest_prefix(prefixes: &[String], key: &str) -> u16 {
    prefixes
        .iter()
        .enumerate()
        .filter(|(_, p)| key.starts_with(p.as_str()))
        .max_by_key(|(_, p)| p.len())
        .map_or(0, |(i, _)| i as u16 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One bucket with keys `a/0`, `b/1`, `x` (ids 0, 1, 2).
    fn objects() -> Objects {
        let keys = vec!["a/0".into(), "b/1".into(), "x".into()];
        Objects::build(vec![keys], &[None], &[], 0)
    }

    /// A limit of 10 reads and 5 writes a second, a 10 s budget, split after 60 s.
    fn limits(prefixes: &[&str]) -> RateLimits {
        RateLimits {
            enabled: true,
            reads_per_sec: 10.0,
            writes_per_sec: 5.0,
            burst: SimDuration::from_secs(10),
            split_after: SimDuration::from_secs(60),
            prefixes: vec![prefixes.iter().map(|p| p.to_string()).collect()],
        }
    }

    /// Offer `per_sec` evenly spaced reads of `key` from `from` for `secs` seconds;
    /// how many were turned away.
    fn offer(b: &mut PrefixBudgets, key: KeyId, per_sec: u64, from: u64, secs: u64) -> u64 {
        let step = 1_000_000_000 / per_sec;
        (0..per_sec * secs)
            .filter(|k| {
                let t = SimTime::from_secs(from) + SimDuration::from_nanos(k * step);
                !b.admit(0, key, Access::Read, t)
            })
            .count() as u64
    }

    #[test]
    fn the_burst_absorbs_a_short_spike_and_sustained_overload_sheds_the_excess() {
        let (limits, objects) = (limits(&[]), objects());
        let mut b = PrefixBudgets::new(&limits, &objects, 1);
        // 20/s against 10/s drains the 100-token budget by 10/s: 9 s pass untouched.
        assert_eq!(offer(&mut b, 0, 20, 0, 9), 0, "absorbed by the burst");
        // 20 tokens are left at 10 s; once they are spent, every second request is
        // turned away: 281 of 600 (a share of 1 − 10/20 at steady state).
        assert_eq!(offer(&mut b, 0, 20, 10, 30), 281);
    }

    #[test]
    fn a_pause_refills_the_budget_at_the_limit() {
        let (limits, objects) = (limits(&[]), objects());
        let mut b = PrefixBudgets::new(&limits, &objects, 1);
        assert_eq!(offer(&mut b, 0, 20, 0, 30), 201);
        // A 5 s pause refills 50 tokens: 5 s more at 20/s before Slow Down returns.
        assert_eq!(offer(&mut b, 0, 20, 35, 5), 0);
        assert!(offer(&mut b, 0, 20, 40, 2) > 0);
    }

    #[test]
    fn a_prefix_hot_for_split_after_doubles_its_limits() {
        let (limits, objects) = (limits(&[]), objects());
        let mut b = PrefixBudgets::new(&limits, &objects, 1);
        // Hot from its first Slow Down at 9.95 s: split at 69.95 s.
        assert_eq!(offer(&mut b, 0, 20, 0, 60), 501);
        assert_eq!(b.splits(0, 0), 0);
        // From the split on, 20/s is within the doubled limit (the request at the very
        // instant of the split still found the budget empty).
        assert_eq!(offer(&mut b, 0, 20, 60, 20), 100);
        assert_eq!(b.splits(0, 0), 1);
        assert_eq!(offer(&mut b, 0, 15, 80, 600), 0);
        assert_eq!(offer(&mut b, 0, 19, 680, 600), 0, "below 20/s");
        assert_eq!(b.splits(0, 0), 1, "cooled before a second split");
    }

    #[test]
    fn a_prefix_that_cools_before_split_after_is_not_split() {
        let (limits, objects) = (limits(&[]), objects());
        let mut b = PrefixBudgets::new(&limits, &objects, 1);
        assert!(offer(&mut b, 0, 20, 0, 30) > 0); // hot from 9.95 s
        // Idle from 30 s: full again at 39.95 s, long before the split at 69.95 s. A
        // split would have doubled the budget and let all of 100–119 s through.
        assert_eq!(offer(&mut b, 0, 20, 100, 9), 0);
        assert!(offer(&mut b, 0, 20, 109, 10) > 0);
        assert_eq!(b.splits(0, 0), 0);
    }

    #[test]
    fn each_prefix_has_its_own_budget_and_other_keys_share_the_buckets() {
        let objects = objects();
        let limits = limits(&["a/", "b/"]);
        let mut b = PrefixBudgets::new(&limits, &objects, 1);
        let (a, bb, x) = (0, 1, 2);
        assert_eq!(offer(&mut b, a, 20, 0, 30), 201);
        assert_eq!(offer(&mut b, bb, 20, 0, 30), 201, "b/ was untouched by a/");
        assert_eq!(offer(&mut b, x, 10, 0, 30), 0);
        let single = RateLimits {
            prefixes: Vec::new(),
            ..limits.clone()
        };
        let mut one = PrefixBudgets::new(&single, &objects, 1);
        assert_eq!(offer(&mut one, a, 20, 0, 30), 201);
        assert_eq!(
            offer(&mut one, bb, 20, 30, 30),
            300,
            "a/ emptied the shared budget"
        );
    }

    #[test]
    fn writes_have_their_own_lower_limit() {
        let (limits, objects) = (limits(&[]), objects());
        let mut b = PrefixBudgets::new(&limits, &objects, 1);
        let t = SimTime::ZERO;
        let writes = (0..100).filter(|_| b.admit(0, 0, Access::Write, t)).count();
        assert_eq!(writes, 50, "5/s for 10 s");
        assert!(b.admit(0, 0, Access::Read, t), "reads untouched");
        let off = RateLimits {
            enabled: false,
            ..limits.clone()
        };
        let mut free = PrefixBudgets::new(&off, &objects, 1);
        assert!((0..1_000).all(|_| free.admit(0, 0, Access::Write, t)));
    }

    #[test]
    fn the_longest_matching_prefix_wins() {
        let prefixes = ["a/".to_string(), "a/b/".to_string()];
        assert_eq!(longest_prefix(&prefixes, "a/b/c"), 2);
        assert_eq!(longest_prefix(&prefixes, "a/c"), 1);
        assert_eq!(longest_prefix(&prefixes, "c"), 0);
    }
}
