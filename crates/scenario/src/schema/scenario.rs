//! The whole study ([`Scenario`]) and the sweep that varies it.

use super::buckets::{BucketSpec, S3Spec};
use super::cdn::CdnSpec;
use super::clients::ClientSpec;
use super::dns::{DnsSpec, ResolverSpec};
use super::events::EventSpec;
use super::expectations::Expectation;
use super::topology::{FacilitySpec, RegionSpec, RttSpec};
use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// Describe a whole study: geography, buckets, DNS, resolvers and client populations.
///
/// ```
/// let text = r#"(
///     name: "tiny", duration: "10m",
///     regions: [(name: "us-east-1"), (name: "eu-west-1")],
///     buckets: [(name: "b", region: "eu-west-1", created_at: "1m")],
///     clients: [(name: "app", count: 10, arrivals: poisson("1/s"))],
/// )"#;
/// let s = s3sim_scenario::schema::from_ron(text, "tiny.ron").unwrap();
/// assert_eq!(s.replicas, 8);
/// assert_eq!(s.resolvers[0].count, 100);
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name; the default output directory is `results/<name>/`. Letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// What the scenario shows (free text). Default empty.
    #[serde(default)]
    pub description: String,
    /// Simulated time span, e.g. `"2h"`. Required.
    pub duration: Dur,
    /// Width of a metrics time bin. Default `"1m"`.
    #[serde(default = "defaults::bin")]
    pub bin: Dur,
    /// Master seed; replica k uses streams derived from (seed, k). Default 1.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Independent replicas, run in parallel. Default 8.
    #[serde(default = "defaults::replicas")]
    pub replicas: u32,
    /// The region behind the global names. Default `"us-east-1"`.
    #[serde(default = "defaults::default_region")]
    pub default_region: String,
    /// Regions and their facilities. Required, at least one.
    pub regions: Vec<RegionSpec>,
    /// Client locations (for round trips); region names are places too (clients in a
    /// region, e.g. on EC2). Default `["clients"]`.
    #[serde(default = "defaults::locations")]
    pub locations: Vec<String>,
    /// Round trips between locations and regions. Default: `"50ms"` everywhere,
    /// `"2ms"` within a region.
    #[serde(default)]
    pub rtt: RttSpec,
    /// Buckets. Required, at least one.
    pub buckets: Vec<BucketSpec>,
    /// S3's authoritative DNS. Default: see [`DnsSpec`].
    #[serde(default)]
    pub dns: DnsSpec,
    /// Recursive resolver groups. Default one group `"isp"` of 100 resolvers.
    #[serde(default = "defaults::resolvers")]
    pub resolvers: Vec<ResolverSpec>,
    /// Client populations. Required, at least one.
    pub clients: Vec<ClientSpec>,
    /// S3 behaviour switches. Default: see [`S3Spec`].
    #[serde(default)]
    pub s3: S3Spec,
    /// A CloudFront-like CDN in front of S3: edges, distributions. Default: none.
    #[serde(default)]
    pub cdn: Option<CdnSpec>,
    /// Timed faults and changes: outages, drains, IP rotations, resolver outages,
    /// record TTL changes, retired endpoints, buckets re-created elsewhere, CDN
    /// invalidations. Default: none.
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// Run the scenario at several values of some fields (see [`SweepSpec`]). Default:
    /// one run as written.
    #[serde(default)]
    pub sweep: Option<SweepSpec>,
    /// Raise (or lower) the ceiling on tries per replica in the worst case (expected
    /// requests × attempts × redirect hops, [`crate::validate::Work::worst_case_tries`]),
    /// which validation otherwise refuses above 10⁹
    /// ([`crate::validate::MAX_REQUESTS_PER_REPLICA`]). Default: that ceiling.
    #[serde(default)]
    pub max_requests_per_replica: Option<u64>,
    /// Assertions on the outcome, checked by `s3sim check` (see [`Expectation`]).
    /// Default: none.
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

impl Scenario {
    /// The facilities of every region with their region's index, in region order; a
    /// region that lists none has one named after it, with the default settings.
    pub(crate) fn facilities(&self) -> Vec<(usize, FacilitySpec)> {
        let mut facilities = Vec::new();
        for (id, r) in self.regions.iter().enumerate() {
            if r.facilities.is_empty() {
                facilities.push((id, FacilitySpec::named(&r.name)));
            }
            facilities.extend(r.facilities.iter().map(|f| (id, f.clone())));
        }
        facilities
    }

    /// The most redirects any client follows in a row (see
    /// [`crate::schema::RedirectSpec::max_hops`]): how deep website redirect chains
    /// are interned. 1 without clients.
    pub(crate) fn max_hops(&self) -> u8 {
        self.clients
            .iter()
            .map(|c| c.redirects.max_hops())
            .max()
            .unwrap_or(1)
    }
}

/// Declare a parameter sweep: fields by path, each with a list of values.
///
/// Every point runs the same replicas with the same random streams (common random
/// numbers), so differences between points are the parameters', not noise.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// `product` (every combination) or `zip` (the i-th value of every field together).
    /// Default `product`.
    #[serde(default)]
    pub mode: SweepMode,
    /// The swept fields. Required, at least one.
    pub fields: Vec<SweepField>,
    /// Names of the points, in point order (e.g. the variants of a story); they label
    /// the points in charts and outputs. Default empty: labels are built from the values.
    #[serde(default)]
    pub names: Vec<String>,
}

/// Choose how the values of several swept fields combine.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SweepMode {
    /// The cartesian product, the last field varying fastest.
    #[default]
    Product,
    /// Lists of equal length, taken element by element.
    Zip,
}

/// Sweep one field: its path and the values to try, written as in the scenario.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepField {
    /// Field path, e.g. `resolvers[0].max_ttl` or `clients[*].dns` (see
    /// [`crate::patch::set`]).
    pub path: String,
    /// Values in RON, e.g. `["1h", "10m"]` or `[fixed("30s"), forever]`.
    pub values: Vec<SweepValue>,
}

/// Hold one swept value as RON text, parsed only once its field's type is known.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(transparent)]
pub struct SweepValue(pub Box<ron::value::RawValue>);

impl SweepValue {
    /// The value's RON text.
    pub fn ron(&self) -> &str {
        self.0.get_ron().trim()
    }
}

impl PartialEq for SweepValue {
    fn eq(&self, other: &Self) -> bool {
        self.ron() == other.ron()
    }
}

mod defaults {
    use crate::schema::dns::ResolverSpec;
    use crate::units::Dur;

    pub fn bin() -> Dur {
        Dur::secs(60)
    }
    pub fn seed() -> u64 {
        1
    }
    pub fn replicas() -> u32 {
        8
    }
    pub fn default_region() -> String {
        "us-east-1".into()
    }
    pub fn locations() -> Vec<String> {
        vec!["clients".into()]
    }
    pub fn resolvers() -> Vec<ResolverSpec> {
        vec![ResolverSpec::named("isp", 100)]
    }
}
