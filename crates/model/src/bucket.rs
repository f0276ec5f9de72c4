//! Buckets and their lifecycles.

use crate::topology::RegionId;
use s3sim_engine::SimTime;

/// Index of a bucket in the scenario's bucket list.
pub type BucketId = u32;

/// Describe one bucket: where it lives and when it exists.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::bucket::Bucket;
/// let b = Bucket {
///     name: "photos".into(), region: 1, created_at: Some(SimTime::from_secs(600)),
///     deleted_at: None, location_constraint: true,
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
}

impl Bucket {
    /// Tell whether the bucket exists at `t` (S3's own view, no propagation).
    pub fn exists_at(&self, t: SimTime) -> bool {
        self.created_at.is_none_or(|c| c <= t) && self.deleted_at.is_none_or(|d| t < d)
    }
}
