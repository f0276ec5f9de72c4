//! Compile the CDN, the object keys and the website tables.

use super::index_of;
use crate::schema::*;
use s3sim_model::bucket::KeyId;
use s3sim_model::cdn::invalidation::PathPattern;
use s3sim_model::cdn::network::{
    CdnConfig, Distribution, Edge, Invalidation, Origin, OriginCacheControl,
};
use s3sim_model::cdn::policy::{CacheControl, CachePolicy, RedirectCaching};
use s3sim_model::objects::Objects;
use s3sim_model::website::Website;

/// The keys of bucket `b`: its named keys, then `o/0` … `o/N-1`; `index.html` alone
/// when it names none.
pub(crate) fn bucket_keys(b: &BucketSpec) -> Vec<String> {
    let generated = (0..b.objects).map(|i| format!("o/{i}"));
    let keys: Vec<String> = b.keys.iter().cloned().chain(generated).collect();
    if keys.is_empty() {
        vec!["index.html".into()]
    } else {
        keys
    }
}

/// Intern every bucket's keys and every key a client asks for, and precompute the
/// website answers (chains followed as deep as any client follows redirects).
pub(crate) fn objects(s: &Scenario) -> Objects {
    let websites: Vec<Option<Website>> = s
        .buckets
        .iter()
        .map(|b| {
            b.website.as_ref().map(|w| Website {
                index_document: w.index_document.clone(),
                routing_rules: w.routing_rules.clone(),
                default_redirect_code: s.s3.website_redirect_code,
            })
        })
        .collect();
    let requested: Vec<String> = s.clients.iter().flat_map(|c| c.keys.clone()).collect();
    let depth = crate::validate::max_hops(s);
    Objects::build(
        s.buckets.iter().map(bucket_keys).collect(),
        &websites,
        &requested,
        depth,
    )
}

/// The ids of a client's listed keys.
pub(crate) fn listed_keys(c: &ClientSpec, objects: &Objects) -> Vec<KeyId> {
    c.keys
        .iter()
        .map(|k| objects.id(k).expect("requested keys are interned"))
        .collect()
}

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
            let group = e
                .resolvers
                .as_deref()
                .map_or(0, |g| index_of(&s.resolvers, g, |r| &r.name));
            let first: u32 = s.resolvers[..group].iter().map(|r| r.count).sum();
            Edge {
                name: e.name.clone(),
                region: region as u16,
                place: (places + region) as u16,
                capacity: e.capacity,
                resolvers: first..first + s.resolvers[group].count,
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
        invalidation_delay: Some(super::delay(&spec.invalidation_delay)),
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
    }
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
