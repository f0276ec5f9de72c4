//! How a client names a bucket: virtual-hosted or path style, global or regional name,
//! or the static-website endpoint.

use crate::bucket::BucketId;
use crate::dns::Host;
use crate::topology::RegionId;

/// Choose how a client names the bucket.
///
/// The style decides which DNS name a request resolves, and only the global
/// virtual-hosted name (`bucket.s3.amazonaws.com`) ever changes: the other three are
/// immune to propagation but meet other errors (301 on the wrong regional endpoint).
///
/// ```
/// use s3sim_model::client::Addressing;
/// use s3sim_model::dns::Host;
/// assert_eq!(Addressing::VirtualGlobal.host(7, 1), Host::BucketGlobal(7));
/// assert_eq!(Addressing::PathRegional.host(7, 1), Host::PathRegional(1));
/// assert_eq!(Addressing::VirtualGlobal.regional_host(7, 1), Host::BucketRegional(7, 1));
/// assert_eq!(Addressing::PathGlobal.regional_host(7, 1), Host::PathRegional(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `bucket.s3.amazonaws.com/key`
    VirtualGlobal,
    /// `bucket.s3.REGION.amazonaws.com/key`
    VirtualRegional,
    /// `s3.amazonaws.com/bucket/key`
    PathGlobal,
    /// `s3.REGION.amazonaws.com/bucket/key`
    PathRegional,
    /// `bucket.s3-website-REGION.amazonaws.com/key`: the static-website endpoint.
    Website,
}

impl Addressing {
    /// Name the host for a bucket in `region` (the region the client was configured with).
    pub fn host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal => Host::BucketGlobal(bucket),
            Addressing::VirtualRegional => Host::BucketRegional(bucket, region),
            Addressing::PathGlobal => Host::PathGlobal,
            Addressing::PathRegional => Host::PathRegional(region),
            Addressing::Website => Host::Website(bucket),
        }
    }

    /// Name the regional host an SDK switches to once it knows the bucket's region.
    pub fn regional_host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Addressing::VirtualGlobal | Addressing::VirtualRegional => {
                Host::BucketRegional(bucket, region)
            }
            Addressing::PathGlobal | Addressing::PathRegional => Host::PathRegional(region),
            Addressing::Website => Host::Website(bucket),
        }
    }
}
