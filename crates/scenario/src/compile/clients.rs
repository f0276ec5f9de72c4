//! Compile client populations and their policies into the model's client classes.

use super::ids::{index_of, places, resolver_range};
use super::objects::listed_keys;
use crate::schema::{
    AddressingSpec, ArrivalsSpec, ClientSpec, DnsCacheSpec, IpFamilySpec, IpSpec, Ipv6RouteSpec,
    LifetimeSpec, MethodsSpec, PopularitySpec, QueryTypesSpec, RedirectSpec, RegionCacheSpec,
    Scenario, StubSpec,
};
use s3sim_model::client::{
    Addressing, Arrivals, ClientClass, DnsCachePolicy, IpPreference, IpStack, Ipv6Route, KeyChoice,
    Lifetime, MethodMix, Popularity, RedirectPolicy, RegionCache, RetryPolicy, RetryQuota,
};
use s3sim_model::dns::{QueryTypes, StubResolver};
use s3sim_model::objects::Objects;
use s3sim_model::response::{Method, Status};

/// The client class `c` describes, its names resolved against `s` and `objects`.
pub(crate) fn class(c: &ClientSpec, s: &Scenario, objects: &Objects) -> ClientClass {
    let distribution = c.cdn.as_deref().and_then(|name| {
        let spec = s.cdn.as_ref()?;
        spec.distributions.iter().find(|d| d.name == name)
    });
    let buckets = if let Some(d) = distribution {
        vec![index_of(&s.buckets, &d.bucket, |x| &x.name) as u32]
    } else if c.buckets.is_empty() {
        (0..s.buckets.len() as u32).collect()
    } else {
        c.buckets
            .iter()
            .map(|b| index_of(&s.buckets, b, |x| &x.name) as u32)
            .collect()
    };
    ClientClass {
        name: c.name.clone(),
        count: c.count as u32,
        location: c
            .location
            .as_deref()
            .map_or(0, |l| index_of(&places(s), l, String::as_str)) as u16,
        resolvers: resolver_range(s, c.resolvers.as_deref()),
        buckets,
        popularity: popularity(&c.popularity),
        arrivals: match c.arrivals {
            ArrivalsSpec::Poisson(rate) => Arrivals::Poisson {
                per_client_per_sec: rate.per_sec(),
            },
            ArrivalsSpec::Periodic(every) => Arrivals::Periodic { interval: every.0 },
            ArrivalsSpec::PoissonRamp { from, to } => Arrivals::PoissonRamp {
                from_per_client_per_sec: from.per_sec(),
                to_per_client_per_sec: to.per_sec(),
            },
        },
        start: c.start.0.after_start(),
        stop: c
            .stop
            .map_or(s.duration.0.after_start(), |d| d.0.after_start()),
        lifetime: match c.lifetime {
            LifetimeSpec::LongLived => Lifetime::LongLived,
            LifetimeSpec::RestartEvery(p) => Lifetime::RestartEvery(p.0),
            LifetimeSpec::PerRequest => Lifetime::PerRequest,
        },
        addressing: match c.addressing {
            AddressingSpec::VirtualGlobal => Addressing::VirtualGlobal,
            AddressingSpec::VirtualRegional => Addressing::VirtualRegional,
            AddressingSpec::PathGlobal => Addressing::PathGlobal,
            AddressingSpec::PathRegional => Addressing::PathRegional,
            AddressingSpec::Website => Addressing::Website,
            AddressingSpec::VirtualDualstack => Addressing::DualStack {
                path: false,
                ip: c.ip.as_ref().map_or_else(IpStack::default, ip_stack),
            },
            AddressingSpec::PathDualstack => Addressing::DualStack {
                path: true,
                ip: c.ip.as_ref().map_or_else(IpStack::default, ip_stack),
            },
        },
        dns: match c.dns {
            DnsCacheSpec::None => DnsCachePolicy::None,
            DnsCacheSpec::HonorTtl => DnsCachePolicy::HonorTtl,
            DnsCacheSpec::Fixed(t) => DnsCachePolicy::Fixed(t.0),
            DnsCacheSpec::AtLeast(t) => DnsCachePolicy::AtLeast(t.0),
            DnsCacheSpec::Forever => DnsCachePolicy::Forever,
            DnsCacheSpec::UntilRestart => DnsCachePolicy::UntilRestart,
        },
        redirects: redirects(&c.redirects),
        retry: c.retry.as_ref().map(|r| RetryPolicy {
            max_attempts: r.max_attempts,
            base: r.base.0,
            cap: r.cap.0,
            quota: r.quota.as_ref().map(|q| RetryQuota {
                capacity: q.capacity,
                retry_cost: q.retry_cost,
                timeout_cost: q.timeout_cost,
                success_refund: q.success_refund,
            }),
        }),
        connect_timeout: c.connect_timeout.0,
        keys: if c.keys.is_empty() {
            KeyChoice::Objects(popularity(&c.key_popularity))
        } else {
            KeyChoice::Listed(listed_keys(c, objects))
        },
        cdn: c.cdn.as_deref().map(|d| {
            let spec = s.cdn.as_ref().expect("checked: a cdn exists");
            index_of(&spec.distributions, d, |x| &x.name) as u16
        }),
        region: c
            .region
            .as_deref()
            .map(|r| index_of(&s.regions, r, |x| &x.name) as u16),
        sigv4: c.sigv4,
        list_bucket: c.list_bucket,
        methods: c.methods.as_ref().map_or_else(MethodMix::default, methods),
        stub: c
            .stub_resolver
            .as_ref()
            .map_or_else(StubResolver::default, |stub| stub_resolver(stub, s)),
    }
}

/// The stub resolver `stub` describes; a search domain's id is its place among the
/// distinct domains of every class, in order of first mention, so classes that list
/// the same domain share its cached negative answers.
fn stub_resolver(stub: &StubSpec, s: &Scenario) -> StubResolver {
    let mut all: Vec<&str> = Vec::new();
    for c in &s.clients {
        for d in c.stub_resolver.iter().flat_map(|x| &x.search) {
            if !all.contains(&d.as_str()) {
                all.push(d);
            }
        }
    }
    StubResolver {
        search: stub
            .search
            .iter()
            .map(|d| all.iter().position(|x| x == d).expect("listed above") as u16)
            .collect(),
        ndots: stub.ndots,
        types: match stub.queries {
            QueryTypesSpec::AOnly => QueryTypes::AOnly,
            QueryTypesSpec::AAndAaaa => QueryTypes::AAndAaaa,
        },
        trailing_dot: stub.trailing_dot,
    }
}

/// The dialling policy `ip` describes (docs/domain.md §3, "Dual-stack endpoints").
fn ip_stack(ip: &IpSpec) -> IpStack {
    IpStack {
        preference: match ip.family {
            IpFamilySpec::Ipv4Only => IpPreference::Ipv4Only,
            IpFamilySpec::Ipv6Only => IpPreference::Ipv6Only,
            IpFamilySpec::HappyEyeballs => IpPreference::HappyEyeballs,
        },
        ipv6: match ip.ipv6_route {
            Ipv6RouteSpec::Works => Ipv6Route::Works,
            Ipv6RouteSpec::BlackHoled => Ipv6Route::BlackHoled,
            Ipv6RouteSpec::Unreachable => Ipv6Route::Unreachable,
        },
        attempt_delay: ip.attempt_delay.0,
    }
}

/// The mix of the methods given a positive weight, in the order GET, HEAD, PUT.
fn methods(m: &MethodsSpec) -> MethodMix {
    let weights: Vec<(Method, f64)> = [(Method::Get, m.get), (Method::Head, m.head)]
        .into_iter()
        .chain([(Method::Put, m.put)])
        .filter(|&(_, w)| w > 0.0)
        .collect();
    MethodMix::new(&weights)
}

fn popularity(p: &PopularitySpec) -> Popularity {
    match p {
        PopularitySpec::Uniform => Popularity::Uniform,
        PopularitySpec::Zipf(e) => Popularity::Zipf(*e),
    }
}

fn redirects(r: &RedirectSpec) -> RedirectPolicy {
    match r {
        RedirectSpec::None => RedirectPolicy::None,
        RedirectSpec::FollowLocation { codes, max_hops } => RedirectPolicy::FollowLocation {
            codes: codes.iter().filter_map(|&c| Status::from_code(c)).collect(),
            max_hops: *max_hops,
        },
        RedirectSpec::SdkRegion { cache } => RedirectPolicy::SdkRegion {
            cache: match cache {
                RegionCacheSpec::None => RegionCache::None,
                RegionCacheSpec::Forever => RegionCache::Forever,
                RegionCacheSpec::Ttl(t) => RegionCache::Ttl(t.0),
            },
        },
        RedirectSpec::Sticky { max_hops } => RedirectPolicy::Sticky {
            max_hops: *max_hops,
        },
    }
}
