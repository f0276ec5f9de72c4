//! Set one scenario field by its path (`clients[0].dns`, `resolvers[*].max_ttl`).
//!
//! Sweeps need to override any field of a parsed scenario with a value written in RON.
//! Each schema struct is a section that lists its fields once, in a pattern the
//! compiler checks is complete, and each leaf type parses the RON text itself, so a
//! bad path names the fields that exist there and a bad value gets the leaf type's
//! own error message. Every struct of the schema is a section, down to website routing
//! rules; enums (delays, policies, events) are leaves, set whole.

use crate::schema::*;
use crate::units::{Dur, Rate};
use s3sim_model::website::{Condition, Protocol, Redirect, RoutingRule};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// `.name`
    Field(String),
    /// `[3]`
    Index(usize),
    /// `[*]`: every element.
    All,
}

/// Split `clients[0].dns` into segments.
///
/// ```
/// use s3sim_scenario::patch::{parse_path, Segment};
/// assert_eq!(
///     parse_path("clients[*].dns").unwrap(),
///     [Segment::Field("clients".into()), Segment::All, Segment::Field("dns".into())],
/// );
/// assert!(parse_path("clients[x]").is_err());
/// ```
///
/// # Errors
///
/// A message quoting `path` when a name is empty or not a field name, or a bracket
/// holds neither an index nor `*`.
pub fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "\"{path}\" is not a field path (write e.g. clients[0].dns)"
            ));
        }
        segments.push(Segment::Field(name.into()));
        while !rest.is_empty() {
            let (index, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("\"{path}\": missing ']'"))?;
            segments.push(match index {
                "*" => Segment::All,
                _ => Segment::Index(
                    index
                        .parse()
                        .map_err(|_| format!("\"{path}\": bad index \"{index}\""))?,
                ),
            });
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return Err(format!("\"{path}\": unexpected \"{after}\""));
            }
        }
    }
    Ok(segments)
}

/// Overwrite the part of a value that a path names with a value written in RON.
///
/// Structs are sections: a path names their fields. Enums and scalars are leaves:
/// a path ends at them and their RON text replaces them whole.
trait Patch {
    /// Whether a path may go on into this value (a section or a list).
    const SECTION: bool;

    /// Set the part of `self` at `path` (relative to `self`) to `ron`; `field` is the
    /// name `self` has in its section, for messages.
    fn patch(&mut self, field: &str, path: &[Segment], ron: &str) -> Result<(), String>;
}

fn parse_leaf<T: serde::de::DeserializeOwned>(ron: &str) -> Result<T, String> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(ron)
        .map_err(|e| format!("value {ron}: {}", crate::hints::describe(&e.code, ron, "")))
}

macro_rules! leaves {
    ($($ty:ty),* $(,)?) => {$(
        impl Patch for $ty {
            const SECTION: bool = false;

            fn patch(&mut self, _field: &str, path: &[Segment], ron: &str) -> Result<(), String> {
                match path.first() {
                    None => {
                        *self = parse_leaf(ron)?;
                        Ok(())
                    }
                    Some(_) => Err("this field has no sub-fields".into()),
                }
            }
        }
    )*};
}

leaves!(
    String,
    bool,
    u8,
    u16,
    u32,
    u64,
    f64,
    Dur,
    Rate,
    DelaySpec,
    PopularitySpec,
    ArrivalsSpec,
    LifetimeSpec,
    AddressingSpec,
    DnsCacheSpec,
    RedirectSpec,
    RegionCacheSpec,
    EventSpec,
    OriginSpec,
    HostHeaderSpec,
    RedirectCachingSpec,
    Protocol,
    QueryTypesSpec,
    IpFamilySpec,
    Ipv6RouteSpec,
);

impl<T: Patch + serde::de::DeserializeOwned> Patch for Vec<T> {
    const SECTION: bool = true;

    fn patch(&mut self, field: &str, path: &[Segment], ron: &str) -> Result<(), String> {
        match path.first() {
            None => {
                *self = parse_leaf(ron)?;
                Ok(())
            }
            Some(Segment::Index(i)) => {
                let len = self.len();
                let item = self
                    .get_mut(*i)
                    .ok_or_else(|| format!("index {i} out of range (the list has {len})"))?;
                item.patch(field, &path[1..], ron)
            }
            Some(Segment::All) => self
                .iter_mut()
                .try_for_each(|item| item.patch(field, &path[1..], ron)),
            Some(Segment::Field(f)) => Err(format!("\"{f}\": this is a list; use [index] or [*]")),
        }
    }
}

/// An optional value: set whole, or, when it is a section that is present, by its
/// fields.
impl<T: Patch + serde::de::DeserializeOwned> Patch for Option<T> {
    const SECTION: bool = T::SECTION;

    fn patch(&mut self, field: &str, path: &[Segment], ron: &str) -> Result<(), String> {
        match (path.first(), self.as_mut()) {
            (None, _) => {
                *self = parse_leaf(ron)?;
                Ok(())
            }
            (Some(_), Some(value)) => value.patch(field, path, ron),
            (Some(_), None) if T::SECTION => {
                Err(format!("there is no `{field}` section here to change"))
            }
            (Some(_), None) => Err("this field has no sub-fields".into()),
        }
    }
}

/// Make a struct a section whose fields paths can name. Its fields are listed once
/// here and bound by a pattern without `..`, so a field missing from the list is a
/// compile error; fields after `fixed` cannot be set by a path.
macro_rules! patchable {
    ($ty:ident { $($field:ident),* $(,)? } $(fixed { $($fixed:ident),* })?) => {
        impl Patch for $ty {
            const SECTION: bool = true;

            fn patch(&mut self, _field: &str, path: &[Segment], ron: &str) -> Result<(), String> {
                match path.first() {
                    Some(Segment::Field(name)) => {
                        let $ty { $($field,)* $($($fixed: _,)*)? } = self;
                        match name.as_str() {
                            $(stringify!($field) => $field.patch(name, &path[1..], ron),)*
                            $($(stringify!($fixed) => Err(format!("{name} cannot be swept")),)*)?
                            other => Err(format!(
                                "unknown field \"{other}\" (known: {})",
                                [$(stringify!($field)),*].join(", ")
                            )),
                        }
                    }
                    None => {
                        *self = parse_leaf(ron)?;
                        Ok(())
                    }
                    Some(_) => Err("this is not a list".into()),
                }
            }
        }
    };
}

patchable!(Scenario {
    name,
    description,
    duration,
    bin,
    seed,
    replicas,
    default_region,
    regions,
    locations,
    rtt,
    buckets,
    dns,
    resolvers,
    clients,
    s3,
    cdn,
    events,
    max_requests_per_replica,
} fixed { sweep, expect });
patchable!(RegionSpec {
    name,
    opt_in,
    facilities
});
patchable!(FacilitySpec {
    name,
    ips,
    service_time,
    servers,
    queue_limit
});
patchable!(RttSpec {
    default,
    same_region,
    pairs
});
patchable!(RttPair { from, to, rtt });
patchable!(BucketSpec {
    name,
    region,
    created_at,
    deleted_at,
    location_constraint,
    objects,
    prefixes,
    keys,
    website
});
patchable!(WebsiteSpec {
    index_document,
    routing_rules
});
patchable!(RoutingRule {
    condition,
    redirect
});
patchable!(Condition {
    key_prefix_equals,
    http_error_code_returned_equals
});
patchable!(Redirect {
    host_name,
    protocol,
    replace_key_prefix_with,
    replace_key_with,
    http_redirect_code
});
patchable!(S3Spec {
    temporary_redirect_code,
    website_redirect_code,
    rate_limits,
    learning_delay
});
patchable!(RateLimitSpec {
    enabled,
    reads,
    writes,
    burst,
    split_after
});
patchable!(DnsSpec {
    record_ttl,
    propagation,
    propagation_cap,
    missing_bucket_nxdomain,
    cname_ttl
});
patchable!(ResolverSpec {
    name,
    count,
    min_ttl,
    max_ttl,
    negative_ttl,
    rtt,
    miss_rtt,
    warm_start
});
patchable!(ClientSpec {
    name,
    count,
    location,
    resolvers,
    buckets,
    popularity,
    arrivals,
    start,
    stop,
    lifetime,
    addressing,
    dns,
    redirects,
    retry,
    connect_timeout,
    cdn,
    keys,
    key_popularity,
    region,
    sigv4,
    methods,
    list_bucket,
    stub_resolver,
    ip,
});
patchable!(IpSpec {
    family,
    ipv6_route,
    attempt_delay
});
patchable!(StubSpec {
    search,
    ndots,
    queries,
    trailing_dot
});
patchable!(MethodsSpec { get, head, put });
patchable!(RetrySpec {
    max_attempts,
    base,
    cap,
    quota
});
patchable!(QuotaSpec {
    capacity,
    retry_cost,
    timeout_cost,
    success_refund
});
patchable!(CdnSpec {
    edges,
    distributions,
    invalidation_delay
});
patchable!(EdgeSpec {
    name,
    region,
    capacity,
    resolvers
});
patchable!(DistributionSpec {
    name,
    bucket,
    origin,
    cache,
    origin_cache_control,
    access_control,
    list_bucket,
    host_header,
    aliases
});
patchable!(CachePolicySpec {
    min_ttl,
    default_ttl,
    max_ttl,
    error_min_ttl,
    redirects
});
patchable!(OriginCacheControlSpec {
    ok,
    redirect,
    error
});
patchable!(CacheControlSpec {
    max_age,
    s_maxage,
    no_store
});

/// Set the field at `path` of `scenario` to the RON value `ron`.
///
/// A path is field names joined by `.`, with `[i]` for one element of a list and
/// `[*]` for every element; it may end at any field, and go on into any struct
/// (a section), but not into an enum, which is set whole. `sweep` and `expect`
/// cannot be set.
///
/// ```
/// let mut s = s3sim_scenario::schema::from_ron(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// s3sim_scenario::patch::set(&mut s, "resolvers[0].max_ttl", "\"10m\"").unwrap();
/// assert_eq!(s.resolvers[0].max_ttl.to_string(), "10m");
/// let err = s3sim_scenario::patch::set(&mut s, "resolvers[0].max_tl", "\"1m\"").unwrap_err();
/// assert!(err.contains("unknown field \"max_tl\" (known: name, count, min_ttl, max_ttl"));
/// ```
///
/// # Errors
///
/// A message naming what is wrong: a malformed path, a field that does not exist
/// there (with the ones that do), an index out of range, an absent optional section,
/// a path into a leaf, or a value its field's type cannot read.
pub fn set(scenario: &mut Scenario, path: &str, ron: &str) -> Result<(), String> {
    let segments = parse_path(path)?;
    scenario.patch("", &segments, ron)
}
