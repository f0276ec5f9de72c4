//! Turn a checked scenario into the model's configuration, names into dense ids.

mod cdn;

use crate::schema::*;
use s3sim_model::WorldConfig;
use s3sim_model::bucket::Bucket;
use s3sim_model::bucket::Recreation;
use s3sim_model::client::*;
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{DnsConfig, ResolverConfig};
use s3sim_model::endpoints::OutageMode;
use s3sim_model::facility::FacilityRules;
use s3sim_model::fault::Fault;
use s3sim_model::response::Status;
use s3sim_model::topology::{Capacity, Facility, Region, Topology};
use s3sim_model::world::ResolverGroup;

/// Requests that may wait at a facility with servers when the scenario does not say.
const DEFAULT_QUEUE_LIMIT: u32 = 1_000;

pub(crate) fn index_of<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> usize {
    items
        .iter()
        .position(|x| key(x) == name)
        .expect("references checked by validate")
}

/// Compile a scenario that passed [`crate::validate::check`].
pub(crate) fn compile(s: &Scenario) -> WorldConfig {
    let facilities = facility_specs(s);
    let topology = topology(s, &facilities);
    let objects = cdn::objects(s);
    let region_id = |name: &str| index_of(&s.regions, name, |r| &r.name) as u16;
    let mut buckets: Vec<Bucket> = s
        .buckets
        .iter()
        .map(|b| Bucket {
            name: b.name.clone(),
            region: region_id(&b.region),
            created_at: b.created_at.map(|d| d.0.after_start()),
            deleted_at: b.deleted_at.map(|d| d.0.after_start()),
            location_constraint: b
                .location_constraint
                .unwrap_or(b.region != s.default_region),
            recreated: None,
        })
        .collect();
    for event in &s.events {
        if let EventSpec::BucketRecreated {
            bucket,
            deleted_at,
            at,
            region,
        } = event
        {
            let b = &mut buckets[index_of(&s.buckets, bucket, |x| &x.name)];
            b.deleted_at = Some(deleted_at.0.after_start());
            b.recreated = Some(Recreation {
                at: at.0.after_start(),
                region: region_id(region),
            });
        }
    }
    WorldConfig {
        duration: s.duration.0,
        bin: s.bin.0,
        topology,
        buckets,
        dns: DnsConfig {
            record_ttl: s.dns.record_ttl.0,
            propagation: delay(&s.dns.propagation),
            propagation_cap: s.dns.propagation_cap.0,
            missing_bucket_nxdomain: s.dns.missing_bucket_nxdomain,
        },
        resolver_groups: s.resolvers.iter().map(resolver_group).collect(),
        classes: s.clients.iter().map(|c| class(c, s, &objects)).collect(),
        rules: FacilityRules {
            temporary_redirect: Status::from_code(s.s3.temporary_redirect_code).expect("checked"),
        },
        faults: s
            .events
            .iter()
            .filter_map(|e| fault(e, s, &facilities))
            .collect(),
        cdn: cdn::cdn(s),
        objects,
        trace_limit: 0,
    }
}

/// The facility specs of every region in region order, a region without any getting
/// one facility named after it.
pub(crate) fn facility_specs(s: &Scenario) -> Vec<(usize, FacilitySpec)> {
    let mut facilities = Vec::new();
    for (id, r) in s.regions.iter().enumerate() {
        if r.facilities.is_empty() {
            facilities.push((id, implicit_facility(&r.name)));
        }
        facilities.extend(r.facilities.iter().map(|f| (id, f.clone())));
    }
    facilities
}

fn implicit_facility(region: &str) -> FacilitySpec {
    FacilitySpec {
        name: region.to_string(),
        ips: 8,
        service_time: DelaySpec::Fixed(crate::units::Dur::millis(10)),
        servers: None,
        queue_limit: None,
    }
}

fn fault(e: &EventSpec, s: &Scenario, facilities: &[(usize, FacilitySpec)]) -> Option<Fault> {
    let facility = |name: &str| index_of(facilities, name, |(_, f)| &f.name) as u16;
    let at = e.at().0.after_start();
    Some(match e {
        EventSpec::Outage {
            facility: f,
            duration,
            mode,
            health_check,
            ..
        } => Fault::Outage {
            facility: facility(f),
            at,
            duration: duration.0,
            mode: match mode {
                OutageModeSpec::Refused => OutageMode::Refused,
                OutageModeSpec::BlackHoled => OutageMode::BlackHoled,
            },
            health_check: health_check.0,
        },
        EventSpec::Drain { facility: f, .. } => Fault::Drain {
            facility: facility(f),
            at,
        },
        EventSpec::IpRotation {
            facility: f, grace, ..
        } => Fault::IpRotation {
            facility: facility(f),
            at,
            grace: grace.0,
        },
        EventSpec::ResolverOutage {
            resolvers,
            duration,
            serve_stale,
            ..
        } => Fault::ResolverOutage {
            group: index_of(&s.resolvers, resolvers, |r| &r.name) as u16,
            at,
            duration: duration.0,
            serve_stale: *serve_stale,
        },
        EventSpec::RecordTtl { ttl, .. } => Fault::RecordTtl { at, ttl: ttl.0 },
        EventSpec::EndpointRetired { region, .. } => Fault::EndpointRetired {
            region: index_of(&s.regions, region, |r| &r.name) as u16,
            at,
        },
        EventSpec::BucketRecreated { .. } | EventSpec::Invalidation { .. } => return None,
    })
}

fn topology(s: &Scenario, facilities: &[(usize, FacilitySpec)]) -> Topology {
    let regions = s
        .regions
        .iter()
        .map(|r| Region {
            name: r.name.clone(),
            opt_in: r.opt_in,
        })
        .collect();
    let facilities = facilities
        .iter()
        .map(|(id, f)| Facility {
            name: f.name.clone(),
            region: *id as u16,
            ips: f.ips,
            service_time: delay(&f.service_time),
            capacity: f.servers.map(|servers| Capacity {
                servers,
                queue_limit: f.queue_limit.unwrap_or(DEFAULT_QUEUE_LIMIT),
            }),
        })
        .collect();
    let places = places(s);
    let n = s.regions.len();
    let mut rtt = vec![s.rtt.default.0; places.len() * n];
    for r in 0..n {
        rtt[(s.locations.len() + r) * n + r] = s.rtt.same_region.0;
    }
    for pair in &s.rtt.pairs {
        let from = index_of(&places, &pair.from, String::as_str);
        let to = index_of(&s.regions, &pair.to, |x| &x.name);
        rtt[from * n + to] = pair.rtt.0;
        if let Some(from_region) = from.checked_sub(s.locations.len()) {
            rtt[(s.locations.len() + to) * n + from_region] = pair.rtt.0;
        }
    }
    let default_region = index_of(&s.regions, &s.default_region, |r| &r.name) as u16;
    Topology::new(regions, default_region, facilities, places, rtt)
}

/// Client places: the scenario's locations, then every region (clients inside a region).
fn places(s: &Scenario) -> Vec<String> {
    let regions = s.regions.iter().map(|r| r.name.clone());
    s.locations.iter().cloned().chain(regions).collect()
}

pub(crate) fn delay(d: &DelaySpec) -> Delay {
    match d {
        DelaySpec::Fixed(v) => Delay::Fixed(v.0),
        DelaySpec::Uniform { low, high } => Delay::Uniform {
            low: low.0,
            high: high.0,
        },
        DelaySpec::Exponential { mean } => Delay::Exponential { mean: mean.0 },
        DelaySpec::LogNormal { median, sigma } => Delay::LogNormal {
            median: median.0,
            sigma: *sigma,
        },
        DelaySpec::Quantiles(points) => {
            Delay::Quantiles(points.iter().map(|&(p, d)| (p, d.0)).collect())
        }
    }
}

fn resolver_group(r: &ResolverSpec) -> ResolverGroup {
    ResolverGroup {
        name: r.name.clone(),
        count: r.count,
        config: ResolverConfig {
            min_ttl: r.min_ttl.0,
            max_ttl: r.max_ttl.0,
            negative_ttl: r.negative_ttl.0,
            rtt: r.rtt.0,
            miss_rtt: r.miss_rtt.0,
        },
    }
}

fn class(c: &ClientSpec, s: &Scenario, objects: &s3sim_model::objects::Objects) -> ClientClass {
    let group = c
        .resolvers
        .as_deref()
        .map_or(0, |g| index_of(&s.resolvers, g, |r| &r.name));
    let first: u32 = s.resolvers[..group].iter().map(|r| r.count).sum();
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
        resolvers: first..first + s.resolvers[group].count,
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
            KeyChoice::Listed(cdn::listed_keys(c, objects))
        },
        cdn: c.cdn.as_deref().map(|d| {
            let spec = s.cdn.as_ref().expect("checked: a cdn exists");
            index_of(&spec.distributions, d, |x| &x.name) as u16
        }),
    }
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
