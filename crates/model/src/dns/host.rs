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

/// Number a world's host names densely, `0..len()`, so per-name tables can be vectors.
///
/// The number is arithmetic on the name's bucket, region and distribution, fixed by the
/// world's counts when it is compiled; a name outside those counts has none.
///
/// ```
/// use s3sim_model::dns::{Host, HostSpace};
/// let space = HostSpace { buckets: 2, regions: 3, distributions: 1 };
/// assert_eq!(space.len(), 2 + 6 + 1 + 3 + 6 + 2 + 1);
/// assert_eq!(space.index(Host::BucketGlobal(1)), Some(1));
/// assert_eq!(space.index(Host::BucketRegional(1, 2)), Some(2 + 5));
/// assert_eq!(space.index(Host::Distribution(0)), Some(space.len() - 1));
/// assert_eq!(space.index(Host::BucketGlobal(2)), None, "no third bucket");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostSpace {
    /// Buckets in the world.
    pub buckets: u32,
    /// Regions in the world.
    pub regions: u16,
    /// CDN distributions in the world.
    pub distributions: u16,
}

impl HostSpace {
    /// Count the names: every bucket's global, regional, redirect and website names,
    /// the path-style names and the distributions.
    pub fn len(self) -> u64 {
        let (b, r) = (u64::from(self.buckets), u64::from(self.regions));
        2 * b + 2 * b * r + 1 + r + u64::from(self.distributions)
    }

    /// Tell whether the space has no names (it always has `s3.amazonaws.com`).
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Return `host`'s number, or `None` if its bucket, region or distribution is
    /// outside the space.
    pub fn index(self, host: Host) -> Option<u64> {
        let (b, r) = (u64::from(self.buckets), u64::from(self.regions));
        let bucket = |x: BucketId| (x < self.buckets).then_some(u64::from(x));
        let region = |x: RegionId| (x < self.regions).then_some(u64::from(x));
        let path_global = b + b * r;
        let redirects = path_global + 1 + r;
        let websites = redirects + b * r;
        let distributions = websites + b;
        Some(match host {
            Host::BucketGlobal(x) => bucket(x)?,
            Host::BucketRegional(x, y) => b + bucket(x)? * r + region(y)?,
            Host::PathGlobal => path_global,
            Host::PathRegional(y) => path_global + 1 + region(y)?,
            Host::RedirectEndpoint(x, y) => redirects + bucket(x)? * r + region(y)?,
            Host::Website(x) => websites + bucket(x)?,
            Host::Distribution(d) => {
                distributions + (d < self.distributions).then_some(u64::from(d))?
            }
        })
    }
}
