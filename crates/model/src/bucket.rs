//! Buckets and their lifecycles.

use crate::topology::RegionId;
use s3sim_engine::SimTime;

/// Index of a bucket in the scenario's bucket list.
pub type BucketId = u32;

/// Index of an object key in [`Objects::keys`](crate::objects::Objects::keys).
///
/// Requests carry this dense id rather than the key string, so the event loop never
/// hashes or formats a key.
pub type KeyId = u32;

/// Describe one bucket: where it lives and when it exists.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::bucket::Bucket;
/// let b = Bucket {
///     name: "photos".into(), region: 1, created_at: Some(SimTime::from_secs(600)),
///     deleted_at: None, location_constraint: true, recreated: None,
/// };
/// assert!(!b.exists_at(SimTime::from_secs(599)));
/// assert!(b.exists_at(SimTime::from_secs(600)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    /// Bucket name, as in `name.s3.amazonaws.com`.
    pub name: String,
    /// The region that stores it.
    pub region: RegionId,
    /// When it was created; `None` means long before the run (its DNS settled).
    pub created_at: Option<SimTime>,
    /// When it is deleted, if ever.
    pub deleted_at: Option<SimTime>,
    /// Created with a `CreateBucketConfiguration` (any region but the default one):
    /// path-style requests on the global endpoint then get 301.
    pub location_constraint: bool,
    /// Created again after `deleted_at`, maybe in another region.
    pub recreated: Option<Recreation>,
}

/// Describe a bucket's second life: the same name, created again after its deletion.
///
/// Bucket names are global, so a deleted name can come back in another region; every
/// client that remembered the old region (an SDK's region cache, a sticky endpoint)
/// then asks the wrong place.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::bucket::{Bucket, Recreation};
/// let at = SimTime::from_secs;
/// let b = Bucket { name: "logs".into(), region: 1, created_at: None,
///     deleted_at: Some(at(100)), location_constraint: true,
///     recreated: Some(Recreation { at: at(160), region: 2 }) };
/// assert_eq!(b.region_at(at(99)), Some(1));
/// assert_eq!(b.region_at(at(100)), None);
/// assert_eq!(b.region_at(at(160)), Some(2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recreation {
    /// When the name exists again (after `deleted_at`).
    pub at: SimTime,
    /// Where it lives from then on.
    pub region: RegionId,
}

impl Bucket {
    /// Tell whether the bucket exists at `t` (S3's own view, no propagation).
    pub fn exists_at(&self, t: SimTime) -> bool {
        self.region_at(t).is_some()
    }

    /// Return the region that holds the bucket at `t`, if it exists then.
    pub fn region_at(&self, t: SimTime) -> Option<RegionId> {
        match self.recreated {
            Some(again) if again.at <= t => Some(again.region),
            _ => (self.created_at.is_none_or(|c| c <= t) && self.deleted_at.is_none_or(|d| t < d))
                .then_some(self.region),
        }
    }
}
