//! The S3 host names a client can resolve.

use crate::bucket::BucketId;
use crate::topology::RegionId;

/// Name a host a client can resolve.
///
/// ```
/// use s3sim_model::dns::Host;
/// assert_eq!(Host::BucketGlobal(3).bucket(), Some(3));
/// assert_eq!(Host::PathRegional(1).bucket(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// `bucket.s3.amazonaws.com`: follows the bucket's region once the change propagates.
    BucketGlobal(BucketId),
    /// `bucket.s3.REGION.amazonaws.com`: a wildcard record, always that region.
    BucketRegional(BucketId, RegionId),
    /// `s3.amazonaws.com`: the default region.
    PathGlobal,
    /// `s3.REGION.amazonaws.com`.
    PathRegional(RegionId),
    /// The endpoint a temporary redirect's `Location` names (the legacy
    /// `bucket.s3-REGION.amazonaws.com` of AWS's example): resolves like the regional
    /// name until S3 retires it, after which it no longer resolves.
    RedirectEndpoint(BucketId, RegionId),
    /// `bucket.s3-website-REGION.amazonaws.com`: the static-website endpoint of the
    /// bucket's region, which applies the bucket's routing rules.
    Website(BucketId),
    /// A CDN distribution's domain (`d111.cloudfront.net`): viewers reach the nearest
    /// edge without a modelled DNS step.
    Distribution(u16),
}

impl Host {
    /// Return the bucket named in the host, for virtual-hosted names.
    pub fn bucket(self) -> Option<BucketId> {
        match self {
            Host::BucketGlobal(b)
            | Host::BucketRegional(b, _)
            | Host::RedirectEndpoint(b, _)
            | Host::Website(b) => Some(b),
            Host::PathGlobal | Host::PathRegional(_) | Host::Distribution(_) => None,
        }
    }
}
