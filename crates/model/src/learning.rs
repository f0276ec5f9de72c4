//! When each facility learns of a bucket's creation or deletion (docs/domain.md §1).
//!
//! S3 warns that temporary routing errors are most likely right after a bucket is
//! created or deleted: a request can reach a facility that does not know of the change
//! yet, which answers 307 to one that does. How long a facility takes to learn is not
//! published, so the delay is a scenario distribution (`s3.learning_delay`), drawn per
//! (bucket, change, facility); the default, zero, has every facility learn at once.

use crate::bucket::{Bucket, BucketId};
use crate::distribution::Delay;
use crate::topology::{FacilityId, RegionId};
use s3sim_engine::{RandomStreams, SimDuration, SimTime};

/// Say, per bucket and facility, from when a facility knows the bucket's latest change.
///
/// A bucket's changes are its creation, its deletion and its re-creation (each only
/// if it happens in the run). Each facility learns each change after its own delay,
/// drawn from the stream `learning` keyed by (bucket, change, facility), so the draws
/// do not depend on event order.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// use s3sim_model::bucket::Bucket;
/// use s3sim_model::distribution::Delay;
/// use s3sim_model::learning::Learning;
/// let at = SimTime::from_secs;
/// let new = Bucket { name: "b".into(), region: 0, created_at: Some(at(60)),
///     deleted_at: None, location_constraint: false, recreated: None };
/// let delay = Delay::Fixed(SimDuration::from_secs(30));
/// let learning = Learning::new(&delay, &[new], 2, RandomStreams::new(1));
/// assert!(learning.knows(0, 1, at(59)), "nothing to learn before the creation");
/// assert!(!learning.knows(0, 1, at(60)) && !learning.knows(0, 1, at(89)));
/// assert!(learning.knows(0, 1, at(90)));
/// assert_eq!(learning.region_before(0, at(70)), None, "it did not exist before");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Learning {
    /// Per bucket: its changes in time order, each with the time every facility
    /// learns of it (indexed by facility id). Empty when every delay is zero.
    changes: Vec<Vec<Change>>,
}

#[derive(Clone, Debug)]
struct Change {
    at: SimTime,
    /// Where the bucket lived just before the change (`None`: it did not exist).
    before: Option<RegionId>,
    learned: Vec<SimTime>,
}

impl Learning {
    /// Draw when each of `facilities` facilities learns each change of each bucket.
    pub fn new(
        delay: &Delay,
        buckets: &[Bucket],
        facilities: usize,
        streams: RandomStreams,
    ) -> Self {
        if *delay == Delay::Fixed(SimDuration::ZERO) {
            return Learning::default();
        }
        let changes = buckets
            .iter()
            .enumerate()
            .map(|(b, bucket)| {
                change_times(bucket)
                    .into_iter()
                    .enumerate()
                    .map(|(k, at)| {
                        let learned = (0..facilities)
                            .map(|f| {
                                let key = ((b as u64) << 40) ^ ((k as u64) << 32) ^ f as u64;
                                let mut rng = streams.stream("learning", key);
                                at + delay.sample(&mut rng)
                            })
                            .collect();
                        let before = at
                            .as_nanos()
                            .checked_sub(1)
                            .and_then(|t| bucket.region_at(SimTime::from_nanos(t)));
                        Change {
                            at,
                            before,
                            learned,
                        }
                    })
                    .collect()
            })
            .collect();
        Learning { changes }
    }

    /// Tell whether `facility` knows, at `now`, of the latest change of `bucket` so far.
    pub fn knows(&self, bucket: BucketId, facility: FacilityId, now: SimTime) -> bool {
        self.latest(bucket, now)
            .is_none_or(|c| c.learned[usize::from(facility)] <= now)
    }

    /// Return where `bucket` lived just before its latest change up to `now` (`None`
    /// if it did not exist then, or has not changed).
    pub fn region_before(&self, bucket: BucketId, now: SimTime) -> Option<RegionId> {
        self.latest(bucket, now).and_then(|c| c.before)
    }

    fn latest(&self, bucket: BucketId, now: SimTime) -> Option<&Change> {
        let changes = self.changes.get(bucket as usize)?;
        let done = changes.partition_point(|c| c.at <= now);
        done.checked_sub(1).map(|k| &changes[k])
    }
}

/// A bucket's changes during the run: creation, deletion, re-creation, in time order.
fn change_times(bucket: &Bucket) -> Vec<SimTime> {
    let again = bucket.recreated.map(|r| r.at);
    let mut times: Vec<SimTime> = [bucket.created_at, bucket.deleted_at, again]
        .into_iter()
        .flatten()
        .collect();
    times.sort();
    times
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket::Recreation;

    fn at(secs: u64) -> SimTime {
        SimTime::from_secs(secs)
    }

    #[test]
    fn zero_delay_keeps_no_table_and_every_facility_knows_at_once() {
        let b = Bucket {
            name: "b".into(),
            region: 1,
            created_at: Some(at(10)),
            deleted_at: Some(at(20)),
            location_constraint: true,
            recreated: None,
        };
        let l = Learning::new(
            &Delay::Fixed(SimDuration::ZERO),
            &[b],
            3,
            RandomStreams::new(1),
        );
        assert!(l.changes.is_empty());
        assert!(l.knows(0, 2, at(10)) && l.knows(0, 2, at(20)));
    }

    #[test]
    fn each_change_is_learned_after_its_own_delay_and_remembers_the_region_before() {
        let b = Bucket {
            name: "b".into(),
            region: 1,
            created_at: None,
            deleted_at: Some(at(100)),
            location_constraint: true,
            recreated: Some(Recreation {
                at: at(200),
                region: 2,
            }),
        };
        let delay = Delay::Fixed(SimDuration::from_secs(50));
        let l = Learning::new(&delay, &[b], 1, RandomStreams::new(1));
        assert!(l.knows(0, 0, at(99)));
        assert!(!l.knows(0, 0, at(149)));
        assert_eq!(l.region_before(0, at(149)), Some(1));
        assert!(l.knows(0, 0, at(150)));
        assert!(!l.knows(0, 0, at(249)));
        assert_eq!(l.region_before(0, at(249)), None, "deleted before");
        assert!(l.knows(0, 0, at(250)));
    }

    #[test]
    fn facilities_draw_different_delays_from_a_distribution() {
        let b = Bucket {
            name: "b".into(),
            region: 0,
            created_at: Some(at(0)),
            deleted_at: None,
            location_constraint: false,
            recreated: None,
        };
        let delay = Delay::Exponential {
            mean: SimDuration::from_secs(600),
        };
        let l = Learning::new(&delay, &[b], 8, RandomStreams::new(3));
        let learned = &l.changes[0][0].learned;
        let distinct: std::collections::BTreeSet<_> = learned.iter().collect();
        assert_eq!(distinct.len(), 8);
    }
}
