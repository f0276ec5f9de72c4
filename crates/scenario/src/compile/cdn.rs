//! Compile the CDN: edges, distributions and their caching rules, invalidations.

use super::delay::delay;
use super::ids::{index_of, resolver_range};
use crate::schema::{
    CacheControlSpec, CdnSpec, DistributionSpec, EventSpec, HostHeaderSpec, OriginSpec,
    RedirectCachingSpec, Scenario,
};
use s3sim_model::cdn::invalidation::PathPattern;
use s3sim_model::cdn::network::{
    CdnConfig, Distribution, Edge, HostHeader, Invalidation, Origin, OriginCacheControl,
};
use s3sim_model::cdn::policy::{CacheControl, CachePolicy, RedirectCaching};

/// The CDN of `s`; an empty one without a `cdn` section.
pub(crate) fn cdn(s: &Scenario) -> CdnConfig {
    let Some(spec) = &s.cdn else {
        return CdnConfig::default();
    };
    let places = s.locations.len();
    let edges = spec
        .edges
        .iter()
        .map(|e| {
            let region = index_of(&s.regions, &e.region, |r| &r.name);
            Edge {
                name: e.name.clone(),
                region: region as u16,
                place: (places + region) as u16,
                capacity: e.capacity,
                resolvers: resolver_range(s, e.resolvers.as_deref()),
            }
        })
        .collect();
    CdnConfig {
        edges,
        distributions: spec
            .distributions
            .iter()
            .map(|d| distribution(d, s))
            .collect(),
        invalidations: invalidations(s, spec),
        invalidation_delay: Some(delay(&spec.invalidation_delay)),
    }
}

fn distribution(d: &DistributionSpec, s: &Scenario) -> Distribution {
    let c = &d.cache;
    Distribution {
        name: d.name.clone(),
        bucket: index_of(&s.buckets, &d.bucket, |b| &b.name) as u32,
        origin: match d.origin {
            OriginSpec::Global => Origin::Global,
            OriginSpec::Regional => Origin::Regional,
            OriginSpec::Website => Origin::Website,
        },
        policy: CachePolicy {
            min_ttl: c.min_ttl.0,
            default_ttl: c.default_ttl.0,
            max_ttl: c.max_ttl.0,
            error_min_ttl: c.error_min_ttl.0,
            redirects: match c.redirects {
                RedirectCachingSpec::Legacy => RedirectCaching::Legacy,
                RedirectCachingSpec::Current => RedirectCaching::Current,
            },
        },
        cache_control: OriginCacheControl {
            ok: d.origin_cache_control.ok.as_ref().map(cache_control),
            redirect: d.origin_cache_control.redirect.as_ref().map(cache_control),
            error: d.origin_cache_control.error.as_ref().map(cache_control),
        },
        access_control: d.access_control,
        list_bucket: d.list_bucket,
        host_header: match d.host_header {
            HostHeaderSpec::Origin => HostHeader::Origin,
            HostHeaderSpec::Viewer => HostHeader::Viewer,
        },
    }
}

/// The names that reach bucket `bucket`'s website through a distribution: the aliases
/// of each distribution whose origin is that website endpoint, with its index.
pub(crate) fn website_cdn_hosts(s: &Scenario, bucket: &str) -> Vec<(String, u16)> {
    let Some(cdn) = &s.cdn else {
        return Vec::new();
    };
    cdn.distributions
        .iter()
        .enumerate()
        .filter(|(_, d)| d.bucket == bucket && d.origin == OriginSpec::Website)
        .flat_map(|(i, d)| d.aliases.iter().map(move |a| (a.clone(), i as u16)))
        .collect()
}

fn cache_control(c: &CacheControlSpec) -> CacheControl {
    CacheControl {
        max_age: c.max_age.map(|d| d.0),
        s_maxage: c.s_maxage.map(|d| d.0),
        no_store: c.no_store,
    }
}

/// The invalidation events, in time order (ties keep the file's order).
fn invalidations(s: &Scenario, spec: &CdnSpec) -> Vec<Invalidation> {
    let mut all: Vec<Invalidation> = s
        .events
        .iter()
        .filter_map(|e| match e {
            EventSpec::Invalidation {
                distribution,
                at,
                paths,
            } => Some(Invalidation {
                distribution: index_of(&spec.distributions, distribution, |d| &d.name) as u16,
                at: at.0.after_start(),
                paths: paths
                    .iter()
                    .map(|p| PathPattern::parse(p).expect("paths checked"))
                    .collect(),
            }),
            _ => None,
        })
        .collect();
    all.sort_by_key(|i| i.at);
    all
}
