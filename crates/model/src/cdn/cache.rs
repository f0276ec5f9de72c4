//! One edge's cache: LRU replacement with a fixed expiry per entry, over dense object ids.

use s3sim_engine::SimTime;

/// Marks "no slot" in the recency list.
const NIL: u32 = u32::MAX;

/// Report what an edge cache holds for a key at some instant.
///
/// An expired entry is reported with its value instead of as a miss, because the
/// edge still serves it stale when the origin answers 5xx (docs/domain.md §4).
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::cdn::cache::{EdgeCache, Lookup};
/// let mut cache = EdgeCache::new(4, 2);
/// cache.store(1, 'a', SimTime::from_secs(10));
/// assert_eq!(cache.lookup(1, SimTime::from_secs(9)), Lookup::Fresh('a'));
/// assert_eq!(cache.lookup(1, SimTime::from_secs(10)), Lookup::Expired('a'));
/// assert_eq!(cache.lookup(2, SimTime::ZERO), Lookup::Miss);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<V> {
    /// Held and not yet expired.
    Fresh(V),
    /// Held but expired: refetch, or serve stale if the origin fails.
    Expired(V),
    /// Not held.
    Miss,
}

/// Hold one cached value and the instant it stops being fresh.
#[derive(Clone, Copy, Debug)]
struct Entry<V> {
    value: V,
    expires: SimTime,
}

/// Hold one key's place in the recency list, and its entry when cached.
#[derive(Clone, Copy, Debug)]
struct Slot<V> {
    /// Next more recently used key, or [`NIL`].
    newer: u32,
    /// Next less recently used key, or [`NIL`].
    older: u32,
    entry: Option<Entry<V>>,
}

/// Cache values for dense keys `0..objects` with LRU replacement and per-entry expiry.
///
/// Every key owns a slot in one `Vec`, and the slots of cached keys form an intrusive
/// doubly-linked recency list, so a hit, a store and an eviction each cost O(1) with
/// no hashing and no allocation after construction. Memory is `objects` small slots,
/// whatever the capacity; a world has few enough objects per edge for that to be cheap.
///
/// An entry is fresh while `now < expires`. Its expiry is fixed when it is stored:
/// hits refresh its recency, never its expiry (the TTL-cache model of docs/domain.md §6).
/// Keys must be below `objects`; a larger key is a bug in the caller and panics.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::cdn::cache::{EdgeCache, Lookup};
/// let mut cache = EdgeCache::new(10, 2);
/// cache.store(1, 100, SimTime::NEVER);
/// cache.store(2, 200, SimTime::NEVER);
/// assert_eq!(cache.lookup(1, SimTime::ZERO), Lookup::Fresh(100)); // 2 is now the LRU
/// cache.store(3, 300, SimTime::NEVER);
/// assert_eq!(cache.lookup(2, SimTime::ZERO), Lookup::Miss);
/// assert_eq!((cache.len(), cache.capacity()), (2, 2));
/// ```
#[derive(Clone, Debug)]
pub struct EdgeCache<V: Copy> {
    slots: Vec<Slot<V>>,
    /// Most recently used key, or [`NIL`] when empty.
    newest: u32,
    /// Least recently used key, or [`NIL`] when empty.
    oldest: u32,
    len: u32,
    capacity: u32,
}

impl<V: Copy> EdgeCache<V> {
    /// Create an empty cache for keys `0..objects` holding at most `capacity` entries.
    ///
    /// A capacity of zero is allowed and caches nothing, so "no CDN cache" needs no
    /// special case in the world.
    pub fn new(objects: u32, capacity: u32) -> Self {
        assert!(objects < NIL, "object ids must leave u32::MAX free");
        let empty = Slot {
            newer: NIL,
            older: NIL,
            entry: None,
        };
        EdgeCache {
            slots: vec![empty; objects as usize],
            newest: NIL,
            oldest: NIL,
            len: 0,
            capacity,
        }
    }

    /// Look `key` up at `now`; a held entry, fresh or expired, becomes the most recent.
    ///
    /// Expired entries are kept and touched because the edge is about to refetch them
    /// and, if the origin fails, serve them stale.
    pub fn lookup(&mut self, key: u32, now: SimTime) -> Lookup<V> {
        let Some(entry) = self.slots[key as usize].entry else {
            return Lookup::Miss;
        };
        self.touch(key);
        if now < entry.expires {
            Lookup::Fresh(entry.value)
        } else {
            Lookup::Expired(entry.value)
        }
    }

    /// Store `value` for `key` until `expires`, as the most recent entry.
    ///
    /// Replaces any entry for `key`; evicts the least recently used entry when the
    /// cache would otherwise exceed its capacity.
    pub fn store(&mut self, key: u32, value: V, expires: SimTime) {
        let slot = &mut self.slots[key as usize];
        let was_cached = slot.entry.replace(Entry { value, expires }).is_some();
        if was_cached {
            self.touch(key);
            return;
        }
        self.push_newest(key);
        self.len += 1;
        if self.len > self.capacity {
            self.remove(self.oldest);
        }
    }

    /// Remove `key`'s entry; tell whether there was one.
    pub fn remove(&mut self, key: u32) -> bool {
        if self.slots[key as usize].entry.take().is_none() {
            return false;
        }
        self.unlink(key);
        self.len -= 1;
        true
    }

    /// Remove every entry whose key satisfies `pred`; return how many were removed.
    ///
    /// `pred` is called once per cached key, most recent first, so a caller that
    /// counts or logs sees the same order on every run. Costs O(entries), not O(objects).
    pub fn invalidate_where(&mut self, mut pred: impl FnMut(u32) -> bool) -> u32 {
        let mut removed = 0;
        let mut key = self.newest;
        while key != NIL {
            let older = self.slots[key as usize].older;
            if pred(key) {
                self.remove(key);
                removed += 1;
            }
            key = older;
        }
        removed
    }

    /// Count the entries held, fresh or expired.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Tell whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Return the most entries the cache holds.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Make a linked `key` the most recent.
    fn touch(&mut self, key: u32) {
        if self.newest != key {
            self.unlink(key);
            self.push_newest(key);
        }
    }

    /// Link an unlinked `key` in as the most recent.
    fn push_newest(&mut self, key: u32) {
        let old_newest = self.newest;
        let slot = &mut self.slots[key as usize];
        slot.newer = NIL;
        slot.older = old_newest;
        match old_newest {
            NIL => self.oldest = key,
            other => self.slots[other as usize].newer = key,
        }
        self.newest = key;
    }

    /// Take a linked `key` out of the recency list.
    fn unlink(&mut self, key: u32) {
        let Slot { newer, older, .. } = self.slots[key as usize];
        match newer {
            NIL => self.newest = older,
            k => self.slots[k as usize].older = older,
        }
        match older {
            NIL => self.oldest = newer,
            k => self.slots[k as usize].newer = newer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEVER: SimTime = SimTime::NEVER;

    fn t(secs: u64) -> SimTime {
        SimTime::from_secs(secs)
    }

    /// Keys from most to least recent, walking the list both ways to check its links.
    fn order(cache: &EdgeCache<u32>) -> Vec<u32> {
        let mut forward = Vec::new();
        let mut key = cache.newest;
        while key != NIL {
            forward.push(key);
            key = cache.slots[key as usize].older;
        }
        let mut backward = Vec::new();
        let mut key = cache.oldest;
        while key != NIL {
            backward.push(key);
            key = cache.slots[key as usize].newer;
        }
        backward.reverse();
        assert_eq!(forward, backward, "recency links disagree");
        assert_eq!(forward.len() as u32, cache.len());
        forward
    }

    fn filled(keys: &[u32], capacity: u32) -> EdgeCache<u32> {
        let mut cache = EdgeCache::new(10, capacity);
        for &k in keys {
            cache.store(k, k * 10, NEVER);
        }
        cache
    }

    #[test]
    fn evicts_the_least_recently_used_entry_in_order() {
        let mut cache = filled(&[1, 2, 3], 3);
        assert_eq!(order(&cache), [3, 2, 1]);
        cache.store(4, 40, NEVER);
        assert_eq!(order(&cache), [4, 3, 2]);
        assert_eq!(cache.lookup(1, t(0)), Lookup::Miss);
        cache.store(5, 50, NEVER);
        assert_eq!(order(&cache), [5, 4, 3]);
    }

    #[test]
    fn a_hit_protects_an_entry_from_eviction() {
        let mut cache = filled(&[1, 2, 3], 3);
        assert_eq!(cache.lookup(1, t(0)), Lookup::Fresh(10));
        assert_eq!(order(&cache), [1, 3, 2]);
        cache.store(4, 40, NEVER);
        assert_eq!(order(&cache), [4, 1, 3]);
        assert_eq!(cache.lookup(2, t(0)), Lookup::Miss);
    }

    #[test]
    fn entry_is_fresh_before_expiry_and_expired_from_it_on() {
        let mut cache = EdgeCache::new(4, 4);
        cache.store(0, 7, t(10));
        assert_eq!(cache.lookup(0, t(0)), Lookup::Fresh(7));
        assert_eq!(
            cache.lookup(0, t(10) - s3sim_engine::SimDuration::from_nanos(1)),
            Lookup::Fresh(7)
        );
        assert_eq!(cache.lookup(0, t(10)), Lookup::Expired(7));
        assert_eq!(cache.lookup(0, t(99)), Lookup::Expired(7));
        assert_eq!(cache.len(), 1, "an expired entry stays until replaced");
    }

    #[test]
    fn an_expired_lookup_touches_the_entry() {
        let mut cache = EdgeCache::new(4, 2);
        cache.store(0, 0, t(1));
        cache.store(1, 1, NEVER);
        assert_eq!(cache.lookup(0, t(5)), Lookup::Expired(0));
        cache.store(2, 2, NEVER);
        assert_eq!(order(&cache), [2, 0]);
    }

    #[test]
    fn hits_do_not_extend_expiry() {
        let mut cache = EdgeCache::new(1, 1);
        cache.store(0, 1, t(10));
        for now in 0..10 {
            assert_eq!(cache.lookup(0, t(now)), Lookup::Fresh(1));
        }
        assert_eq!(cache.lookup(0, t(10)), Lookup::Expired(1));
    }

    #[test]
    fn store_replaces_value_and_expiry_and_makes_the_entry_most_recent() {
        let mut cache = filled(&[1, 2, 3], 3);
        cache.store(1, 11, t(50));
        assert_eq!(order(&cache), [1, 3, 2]);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.lookup(1, t(49)), Lookup::Fresh(11));
        assert_eq!(cache.lookup(1, t(50)), Lookup::Expired(11));
    }

    #[test]
    fn remove_unlinks_head_middle_and_tail() {
        let mut cache = filled(&[1, 2, 3, 4, 5], 5);
        assert!(cache.remove(3));
        assert_eq!(order(&cache), [5, 4, 2, 1]);
        assert!(cache.remove(5));
        assert_eq!(order(&cache), [4, 2, 1]);
        assert!(cache.remove(1));
        assert_eq!(order(&cache), [4, 2]);
        assert!(!cache.remove(1));
        assert!(!cache.remove(9));
        assert_eq!(cache.lookup(3, t(0)), Lookup::Miss);
        assert!(cache.remove(4) && cache.remove(2));
        assert!(cache.is_empty());
        assert_eq!(order(&cache), Vec::<u32>::new());
    }

    #[test]
    fn invalidate_where_removes_matches_and_counts_them_in_recency_order() {
        let mut cache = filled(&[1, 2, 3, 4, 5, 6], 6);
        let mut asked = Vec::new();
        let removed = cache.invalidate_where(|k| {
            asked.push(k);
            k % 2 == 0
        });
        assert_eq!(removed, 3);
        assert_eq!(asked, [6, 5, 4, 3, 2, 1]);
        assert_eq!(order(&cache), [5, 3, 1]);
        assert_eq!(cache.invalidate_where(|_| true), 3);
        assert!(cache.is_empty());
    }

    #[test]
    fn zero_capacity_caches_nothing() {
        let mut cache = EdgeCache::new(3, 0);
        cache.store(1, 1, NEVER);
        assert_eq!(cache.lookup(1, t(0)), Lookup::Miss);
        assert!(cache.is_empty());
    }

    #[test]
    fn freed_space_is_reused_without_eviction() {
        let mut cache = filled(&[1, 2], 2);
        cache.remove(2);
        cache.store(3, 30, NEVER);
        assert_eq!(order(&cache), [3, 1]);
    }
}
