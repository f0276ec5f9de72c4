//! The CDN of a scenario: edge locations, distributions and invalidations.

use super::invalidation::PathPattern;
use super::policy::{CacheControl, CachePolicy};
use crate::bucket::BucketId;
use crate::distribution::Delay;
use crate::dns::Host;
use crate::response::Status;
use crate::topology::{LocationId, RegionId, Topology};
use s3sim_engine::SimTime;

/// Index of a distribution in [`CdnConfig::distributions`].
pub type DistributionId = u16;

/// Describe one edge location (PoP): where it is, how much it caches, which resolvers
/// it asks for origin names.
///
/// ```
/// use s3sim_model::cdn::network::Edge;
/// let fra = Edge { name: "fra".into(), region: 1, place: 3, capacity: 10_000, resolvers: 0..4 };
/// assert_eq!(fra.resolver_of(6), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Name used in outputs.
    pub name: String,
    /// The region it sits in (round trips to it are the region's).
    pub region: RegionId,
    /// The same region as a client place (for round trips from the edge).
    pub place: LocationId,
    /// Objects its cache holds per distribution.
    pub capacity: u32,
    /// Its resolvers (global ids); fetches spread over them by key.
    pub resolvers: std::ops::Range<u32>,
}

impl Edge {
    /// The resolver the edge asks for the origin name when fetching `key`.
    pub fn resolver_of(&self, key: u32) -> u32 {
        let n = self.resolvers.end - self.resolvers.start;
        self.resolvers.start + key % n
    }
}

/// Name the origin domain a distribution fetches from.
///
/// ```
/// use s3sim_model::cdn::network::Origin;
/// use s3sim_model::dns::Host;
/// assert_eq!(Origin::Global.host(4, 1), Host::BucketGlobal(4));
/// assert_eq!(Origin::Regional.host(4, 1), Host::BucketRegional(4, 1));
/// assert_eq!(Origin::Website.host(4, 1), Host::Website(4));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `bucket.s3.amazonaws.com`: follows DNS propagation (the classic failure).
    Global,
    /// `bucket.s3.REGION.amazonaws.com`: AWS's fix.
    Regional,
    /// The S3 website endpoint, with its routing rules.
    Website,
}

impl Origin {
    /// The host an edge resolves for a bucket in `region`.
    pub fn host(self, bucket: BucketId, region: RegionId) -> Host {
        match self {
            Origin::Global => Host::BucketGlobal(bucket),
            Origin::Regional => Host::BucketRegional(bucket, region),
            Origin::Website => Host::Website(bucket),
        }
    }
}

/// Set what `Cache-Control` the origin sends, per kind of response.
///
/// S3 sends an object's stored `Cache-Control` with a 200 and nothing with a redirect
/// or an error, which is what makes the legacy 3xx rule cache a 307 for a day.
///
/// ```
/// use s3sim_model::cdn::network::OriginCacheControl;
/// use s3sim_model::response::Status;
/// assert_eq!(OriginCacheControl::default().for_status(Status::TemporaryRedirect), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OriginCacheControl {
    /// With a 200.
    pub ok: Option<CacheControl>,
    /// With a 3xx.
    pub redirect: Option<CacheControl>,
    /// With a 4xx or 5xx.
    pub error: Option<CacheControl>,
}

impl OriginCacheControl {
    /// The header sent with `status`.
    pub fn for_status(&self, status: Status) -> Option<CacheControl> {
        match status {
            Status::Ok => self.ok,
            s if s.is_redirect() => self.redirect,
            _ => self.error,
        }
    }
}

/// Choose the `Host` header an edge sends to the origin, which is the host S3's website
/// endpoint names in the `Location` of a routing-rule redirect without `HostName`.
///
/// CloudFront forwards the origin's domain by default; an origin request policy that
/// forwards the viewer's `Host` makes the `Location` name the viewer's host instead
/// (docs/domain.md §4; CloudFront Developer Guide, "Request and response behavior for
/// custom origins", `Host` header:
/// <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html>).
///
/// ```
/// use s3sim_model::cdn::network::HostHeader;
/// use s3sim_model::dns::Host;
/// assert_eq!(HostHeader::default(), HostHeader::Origin);
/// assert_eq!(HostHeader::Origin.location(2, 7), Host::Website(7));
/// assert_eq!(HostHeader::Viewer.location(2, 7), Host::Distribution(2));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HostHeader {
    /// The origin's domain (CloudFront's default): a website redirect's `Location` names
    /// the S3 website endpoint, so the viewer's next request leaves the CDN.
    #[default]
    Origin,
    /// The viewer's `Host` (an origin request policy forwards it): the `Location` names
    /// the distribution's own host, so the viewer stays on the CDN.
    Viewer,
}

impl HostHeader {
    /// The host a website redirect without `HostName` sends the viewer of distribution
    /// `distribution` (origin bucket `bucket`) to.
    pub fn location(self, distribution: DistributionId, bucket: BucketId) -> Host {
        match self {
            HostHeader::Origin => Host::Website(bucket),
            HostHeader::Viewer => Host::Distribution(distribution),
        }
    }
}

/// Describe one distribution: which bucket, through which origin name, cached how.
///
/// ```
/// use s3sim_model::cdn::network::{Distribution, HostHeader, Origin, OriginCacheControl};
/// use s3sim_model::cdn::policy::CachePolicy;
/// let d = Distribution { name: "site".into(), bucket: 0, origin: Origin::Regional,
///     policy: CachePolicy::default(), cache_control: OriginCacheControl::default(),
///     access_control: true, list_bucket: true, host_header: HostHeader::Origin };
/// assert!(d.access_control);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    /// Name used in outputs.
    pub name: String,
    /// The origin bucket.
    pub bucket: BucketId,
    /// Which of the bucket's names the edges fetch from.
    pub origin: Origin,
    /// TTL rules.
    pub policy: CachePolicy,
    /// What the origin sends.
    pub cache_control: OriginCacheControl,
    /// Origin access control: the bucket answers 403 to anyone but the edges.
    pub access_control: bool,
    /// The edges' origin fetches hold `s3:ListBucket`: a missing key is 404 NoSuchKey
    /// (cached per the error rules, docs/domain.md §4), else 403 AccessDenied.
    pub list_bucket: bool,
    /// The `Host` the edges send to the origin, hence where a website redirect without
    /// `HostName` sends the viewer.
    pub host_header: HostHeader,
}

/// Describe one invalidation request.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::cdn::invalidation::PathPattern;
/// use s3sim_model::cdn::network::Invalidation;
/// let all = Invalidation { distribution: 0, at: SimTime::from_secs(3600),
///     paths: vec![PathPattern::parse("/*").unwrap()] };
/// assert!(all.matches("index.html"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Invalidation {
    /// Which distribution.
    pub distribution: DistributionId,
    /// When it is requested.
    pub at: SimTime,
    /// The paths (each `/` + key, `*` only last).
    pub paths: Vec<PathPattern>,
}

impl Invalidation {
    /// Tell whether the object `key` (no leading slash) is invalidated.
    pub fn matches(&self, key: &str) -> bool {
        let path = format!("/{key}");
        self.paths.iter().any(|p| p.matches(&path))
    }
}

/// Hold the CDN of a run.
///
/// ```
/// use s3sim_model::cdn::network::CdnConfig;
/// assert!(CdnConfig::default().edges.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CdnConfig {
    /// Edge locations.
    pub edges: Vec<Edge>,
    /// Distributions (every edge serves every distribution).
    pub distributions: Vec<Distribution>,
    /// Invalidation requests, in time order.
    pub invalidations: Vec<Invalidation>,
    /// How long an invalidation takes to reach each edge (drawn per edge).
    pub invalidation_delay: Option<Delay>,
}

impl CdnConfig {
    /// The edge nearest to client place `place` by round trip (first on ties).
    pub fn nearest_edge(&self, topology: &Topology, place: LocationId) -> Option<u16> {
        (0..self.edges.len())
            .min_by_key(|&e| topology.rtt(place, self.edges[e].region))
            .map(|e| e as u16)
    }
}
