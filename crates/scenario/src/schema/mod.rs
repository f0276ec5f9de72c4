//! The scenario file format: every field, its unit and its default.
//!
//! Durations are strings (`"30s"`, `"5m"`, `"24h"`), rates are `"COUNT/UNIT"` strings,
//! enums are written in snake case (`honor_ttl`, `fixed("30s")`), optional values may
//! be written bare (`created_at: "10m"`), and unknown fields are errors.
//!
//! One module per section of the file: [`Scenario`] and its sweep in `scenario`,
//! then `topology` (regions, facilities, round trips), `buckets` (buckets, websites,
//! S3 switches) with `rate_limits` (the `s3.rate_limits` section), `dns` (authoritative DNS, resolvers), `clients` (populations and
//! their policies) with `stub` (a class's stub resolver), `events` (timed faults and changes), `cdn` (edges and
//! distributions) and `expectations` (`expect`); `delay` holds the delay
//! distributions several sections use.

mod buckets;
mod cdn;
mod clients;
mod delay;
mod dns;
mod events;
mod expectations;
mod rate_limits;
mod scenario;
mod stub;
mod topology;

pub use buckets::{BucketSpec, S3Spec, WebsiteSpec};
pub use cdn::{
    CacheControlSpec, CachePolicySpec, CdnSpec, DistributionSpec, EdgeSpec, HostHeaderSpec,
    OriginCacheControlSpec, OriginSpec, RedirectCachingSpec,
};
pub use clients::{
    AddressingSpec, ArrivalsSpec, ClientSpec, DnsCacheSpec, LifetimeSpec, MethodsSpec,
    PopularitySpec, QuotaSpec, RedirectSpec, RegionCacheSpec, RetrySpec,
};
pub use clients::{IpFamilySpec, IpSpec, Ipv6RouteSpec};
pub use delay::DelaySpec;
pub use dns::{DnsSpec, ResolverSpec};
pub use events::{EventSpec, OutageModeSpec};
pub use expectations::Expectation;
pub use rate_limits::RateLimitSpec;
pub use scenario::{Scenario, SweepField, SweepMode, SweepSpec, SweepValue};
pub use stub::{QueryTypesSpec, StubSpec};
pub use topology::{FacilitySpec, RegionSpec, RttPair, RttSpec};

use crate::error::{ScenarioError, syntax_error};

/// Parse scenario text (syntax and types only; see [`crate::validate`] for meaning).
///
/// # Errors
///
/// [`ScenarioError::Syntax`] with the line, column and a snippet when the text is not
/// RON, names an unknown field or variant, or holds a value of the wrong type.
pub fn from_ron(source: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(crate::hints::MAX_NESTING);
    let mut de = ron::Deserializer::from_str_with_options(source, &options)
        .map_err(|e| syntax_error(source, origin, &e, ""))?;
    // The path of the field being read when an error comes, for the message.
    let scenario = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let spanned = de.span_error(e.into_inner());
        syntax_error(source, origin, &spanned, &path)
    })?;
    de.end()
        .map_err(|e| syntax_error(source, origin, &de.span_error(e), ""))?;
    Ok(scenario)
}
