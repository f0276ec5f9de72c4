//! The authoritative side of S3's DNS: the records it publishes and when each
//! resolver's authoritative node sees a change.

use super::host::Host;
use crate::bucket::{Bucket, BucketId};
use crate::distribution::Delay;
use crate::topology::RegionId;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use std::cell::Cell;

/// Most propagation delays [`Authoritative::memoize_delays`] keeps (8 bytes each).
pub const MAX_MEMOIZED_DELAYS: u64 = 1 << 20;

/// A delay not drawn yet.
const UNDRAWN: u64 = u64::MAX;

/// Say where a name points, as the authoritative side publishes it.
///
/// A target is a region, not an IP: which of the region's endpoint IPs a client gets is
/// decided per query by the resolver.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(0)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: true, cname_ttl: None };
/// let photos = Bucket { name: "photos".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
/// let at = SimTime::from_secs;
/// assert_eq!(zone.truth(Host::BucketGlobal(0), at(0)).0, Target::NxDomain);
/// assert_eq!(zone.truth(Host::BucketGlobal(0), at(600)).0, Target::Region(1));
/// assert_eq!(zone.truth(Host::PathGlobal, at(0)).0, Target::Region(0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The name resolves to this region's facilities.
    Region(RegionId),
    /// The name does not exist.
    NxDomain,
}

/// Configure the authoritative side of S3's DNS.
///
/// Propagation is a distribution with a cap because AWS states only a bound ("up to
/// 24 hours"); scenarios pick the shape, the cap keeps every draw within the bound.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// let dns = DnsConfig {
///     record_ttl: s(5),
///     propagation: Delay::Fixed(s(48 * 3600)),
///     propagation_cap: s(24 * 3600),
///     missing_bucket_nxdomain: false,
///     cname_ttl: None,
/// };
/// let photos = Bucket { name: "photos".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
/// assert_eq!(zone.propagation_delay(0, 0, 1), s(24 * 3600), "capped");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DnsConfig {
    /// TTL on S3's A records (observed about 5 s).
    pub record_ttl: SimDuration,
    /// Delay until a change reaches the authoritative node a given resolver asks.
    pub propagation: Delay,
    /// No resolver waits longer than this ("up to 24 hours").
    pub propagation_cap: SimDuration,
    /// Answer names of buckets that do not exist with NXDOMAIN instead of the
    /// default region's wildcard (S3 has used the wildcard since 2019).
    pub missing_bucket_nxdomain: bool,
    /// Make every S3 name a CNAME with this TTL to its region's regional name, which
    /// alone carries the A records (with `record_ttl`); resolvers cache each link with
    /// its own TTL (docs/domain.md §3, *CNAME chains*: 300 s observed). `None`: names
    /// carry their A records themselves (a one-link chain), the model before chains.
    pub cname_ttl: Option<SimDuration>,
}

/// Publish S3's records and decide which version each resolver sees when.
///
/// Only the global virtual-hosted name of a bucket ever changes; every change
/// reaches resolver `r` after its own propagation delay, drawn from a stream keyed by
/// (resolver, bucket, change) so that draws do not depend on event order.
///
/// ```
/// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
/// # use s3sim_model::bucket::Bucket;
/// # use s3sim_model::distribution::Delay;
/// # use s3sim_model::dns::*;
/// # let s = SimDuration::from_secs;
/// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(300)),
///     propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None };
/// let photos = Bucket { name: "photos".into(), region: 1,
///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
/// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
/// let (name, at) = (Host::BucketGlobal(0), SimTime::from_secs);
/// // Published at creation (version 1) ...
/// assert_eq!(zone.truth(name, at(599)), (Target::Region(0), 0));
/// assert_eq!(zone.truth(name, at(600)), (Target::Region(1), 1));
/// // ... but served to resolver 7 only once the 300 s delay has passed.
/// assert_eq!(zone.seen_by(7, name, at(899)), (Target::Region(0), 0));
/// assert_eq!(zone.seen_by(7, name, at(900)), (Target::Region(1), 1));
/// ```
#[derive(Clone, Debug)]
pub struct Authoritative {
    config: DnsConfig,
    default_region: RegionId,
    /// Per bucket: the global name's (time, target) history; entry 0 is the start.
    timelines: Vec<Vec<(SimTime, Target)>>,
    /// Record TTL changes, in time order: (from, ttl).
    ttl_changes: Vec<(SimTime, SimDuration)>,
    /// Per region with a retired redirect endpoint: when it stopped resolving.
    retired_endpoints: Vec<(RegionId, SimTime)>,
    /// Per bucket: the region of its website endpoint.
    website_regions: Vec<RegionId>,
    streams: RandomStreams,
    /// Per bucket: change `k`'s delay to resolver `r` at `(k - 1) * memo_resolvers + r`,
    /// in nanoseconds, drawn on first use (`UNDRAWN` before); empty when not memoized.
    delays: Vec<Vec<Cell<u64>>>,
    /// Resolvers the memo covers (ids `0..memo_resolvers`).
    memo_resolvers: u32,
}

impl Authoritative {
    /// Build the zone for the given buckets, no region being opt-in.
    pub fn new(
        config: DnsConfig,
        default_region: RegionId,
        buckets: &[Bucket],
        streams: RandomStreams,
    ) -> Self {
        Self::with_opt_in(config, default_region, &[], buckets, streams)
    }

    /// Build the zone for the given buckets; `opt_in[r]` marks an opt-in region, which
    /// the global name never routes to: it stays on the default region for ever
    /// (docs/domain.md §1, *Virtual hosting*), so it has no change to propagate.
    ///
    /// ```
    /// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
    /// # use s3sim_model::bucket::Bucket;
    /// # use s3sim_model::distribution::Delay;
    /// # use s3sim_model::dns::*;
    /// # let s = SimDuration::from_secs;
    /// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Fixed(s(300)),
    ///     propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None };
    /// let hk = Bucket { name: "hk".into(), region: 1,
    ///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
    /// let zone = Authoritative::with_opt_in(dns, 0, &[false, true], &[hk], RandomStreams::new(1));
    /// let global = Host::BucketGlobal(0);
    /// assert_eq!(zone.truth(global, SimTime::from_secs(7200)), (Target::Region(0), 0));
    /// ```
    pub fn with_opt_in(
        config: DnsConfig,
        default_region: RegionId,
        opt_in: &[bool],
        buckets: &[Bucket],
        streams: RandomStreams,
    ) -> Self {
        let global_target = |r: RegionId| {
            let never_routed = opt_in.get(usize::from(r)).copied().unwrap_or(false);
            Target::Region(if never_routed { default_region } else { r })
        };
        let missing = if config.missing_bucket_nxdomain {
            Target::NxDomain
        } else {
            Target::Region(default_region)
        };
        let timelines = buckets
            .iter()
            .map(|b| global_timeline(b, missing, global_target))
            .collect();
        Authoritative {
            config,
            default_region,
            timelines,
            ttl_changes: Vec::new(),
            retired_endpoints: Vec::new(),
            website_regions: buckets.iter().map(|b| b.region).collect(),
            streams,
            delays: Vec::new(),
            memo_resolvers: 0,
        }
    }

    /// Keep each propagation delay to resolvers `0..resolvers` once drawn, instead of
    /// drawing it again on every resolver miss; nothing changes what is drawn.
    ///
    /// Skipped (delays drawn per use, as before) when the memo would hold more than
    /// 2²⁰ delays (8 MB).
    ///
    /// ```
    /// # use s3sim_engine::{RandomStreams, SimDuration, SimTime};
    /// # use s3sim_model::bucket::Bucket;
    /// # use s3sim_model::distribution::Delay;
    /// # use s3sim_model::dns::*;
    /// # let s = SimDuration::from_secs;
    /// let dns = DnsConfig { record_ttl: s(5), propagation: Delay::Exponential { mean: s(600) },
    ///     propagation_cap: s(86_400), missing_bucket_nxdomain: false, cname_ttl: None };
    /// let photos = Bucket { name: "photos".into(), region: 1,
    ///     created_at: Some(SimTime::from_secs(600)), deleted_at: None, location_constraint: true, recreated: None };
    /// let zone = Authoritative::new(dns, 0, &[photos], RandomStreams::new(1));
    /// let mut memoized = zone.clone();
    /// memoized.memoize_delays(10);
    /// let (name, t) = (Host::BucketGlobal(0), SimTime::from_secs(1200));
    /// for resolver in 0..12 {
    ///     assert_eq!(memoized.seen_by(resolver, name, t), zone.seen_by(resolver, name, t));
    ///     assert_eq!(memoized.propagation_delay(resolver, 0, 1), zone.propagation_delay(resolver, 0, 1));
    /// }
    /// ```
    pub fn memoize_delays(&mut self, resolvers: u32) {
        let changes: u64 = self.timelines.iter().map(|t| t.len() as u64 - 1).sum();
        if changes * u64::from(resolvers) > MAX_MEMOIZED_DELAYS {
            return;
        }
        self.memo_resolvers = resolvers;
        self.delays = self
            .timelines
            .iter()
            .map(|t| vec![Cell::new(UNDRAWN); (t.len() - 1) * resolvers as usize])
            .collect();
    }

    /// Publish every record with `ttl` from `at` on (changes must come in time order).
    pub fn change_record_ttl(&mut self, at: SimTime, ttl: SimDuration) {
        self.ttl_changes.push((at, ttl));
    }

    /// Stop resolving the redirect endpoints of `region` from `at` on.
    pub fn retire_endpoint(&mut self, region: RegionId, at: SimTime) {
        self.retired_endpoints.push((region, at));
    }

    /// Return the TTL the records carry at `t`.
    pub fn record_ttl(&self, t: SimTime) -> SimDuration {
        let changed = self.ttl_changes.partition_point(|&(at, _)| at <= t);
        match changed {
            0 => self.config.record_ttl,
            k => self.ttl_changes[k - 1].1,
        }
    }

    /// Return the configuration this zone was built from.
    pub fn config(&self) -> &DnsConfig {
        &self.config
    }

    /// Look up the record as published at `t`, with its version (changes so far).
    pub fn truth(&self, host: Host, t: SimTime) -> (Target, u16) {
        match host {
            Host::BucketGlobal(b) => {
                let timeline = &self.timelines[b as usize];
                let version = timeline.partition_point(|&(at, _)| at <= t).max(1) - 1;
                (timeline[version].1, version as u16)
            }
            _ => self.static_record(host, t),
        }
    }

    /// Look up the record the authoritative node asked by `resolver` serves at `t`.
    pub fn seen_by(&self, resolver: u32, host: Host, t: SimTime) -> (Target, u16) {
        let Host::BucketGlobal(b) = host else {
            return self.static_record(host, t);
        };
        let timeline = &self.timelines[b as usize];
        let reached = (1..timeline.len())
            .rev()
            .find(|&k| timeline[k].0 + self.propagation_delay(resolver, b, k) <= t)
            .unwrap_or(0);
        (timeline[reached].1, reached as u16)
    }

    /// Compute how long change `change` of bucket `bucket` takes to reach `resolver`'s node.
    pub fn propagation_delay(&self, resolver: u32, bucket: BucketId, change: usize) -> SimDuration {
        let slot = (resolver < self.memo_resolvers && change > 0)
            .then(|| {
                let index = (change - 1) * self.memo_resolvers as usize + resolver as usize;
                self.delays.get(bucket as usize)?.get(index)
            })
            .flatten();
        match slot {
            Some(cell) if cell.get() != UNDRAWN => SimDuration::from_nanos(cell.get()),
            Some(cell) => {
                let delay = self.draw_delay(resolver, bucket, change);
                cell.set(delay.as_nanos());
                delay
            }
            None => self.draw_delay(resolver, bucket, change),
        }
    }

    /// Draw change `change`'s delay to `resolver` from its own stream.
    fn draw_delay(&self, resolver: u32, bucket: BucketId, change: usize) -> SimDuration {
        let key = (u64::from(resolver) << 32) ^ (u64::from(bucket) << 8) ^ change as u64;
        let mut rng = self.streams.stream("propagation", key);
        self.config
            .propagation
            .sample(&mut rng)
            .min(self.config.propagation_cap)
    }

    /// A name that never propagates: regional and path names; a redirect endpoint
    /// changes once, everywhere at once, when it is retired.
    fn static_record(&self, host: Host, t: SimTime) -> (Target, u16) {
        match host {
            Host::RedirectEndpoint(_, r)
                if self
                    .retired_endpoints
                    .iter()
                    .any(|&(region, at)| region == r && at <= t) =>
            {
                (Target::NxDomain, 1)
            }
            Host::BucketRegional(_, r) | Host::PathRegional(r) | Host::RedirectEndpoint(_, r) => {
                (Target::Region(r), 0)
            }
            Host::Website(b) => (Target::Region(self.website_regions[b as usize]), 0),
            Host::PathGlobal | Host::BucketGlobal(_) | Host::Distribution(_) => {
                (Target::Region(self.default_region), 0)
            }
        }
    }
}

fn global_timeline(
    bucket: &Bucket,
    missing: Target,
    global_target: impl Fn(RegionId) -> Target,
) -> Vec<(SimTime, Target)> {
    let present = global_target(bucket.region);
    let mut timeline = vec![(
        SimTime::ZERO,
        if bucket.created_at.is_some() {
            missing
        } else {
            present
        },
    )];
    let mut push = |at: SimTime, target: Target| {
        if timeline.last().is_some_and(|&(_, last)| last != target) {
            timeline.push((at, target));
        }
    };
    if let Some(created) = bucket.created_at {
        push(created, present);
    }
    if let Some(deleted) = bucket.deleted_at {
        push(deleted, missing);
    }
    if let Some(again) = bucket.recreated {
        push(again.at, global_target(again.region));
    }
    timeline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(created: Option<u64>, deleted: Option<u64>) -> Bucket {
        Bucket {
            name: "b".into(),
            region: 1,
            created_at: created.map(SimTime::from_secs),
            deleted_at: deleted.map(SimTime::from_secs),
            location_constraint: true,
            recreated: None,
        }
    }

    fn zone(buckets: &[Bucket], nxdomain: bool, delay: u64) -> Authoritative {
        let config = DnsConfig {
            record_ttl: SimDuration::from_secs(5),
            propagation: Delay::Fixed(SimDuration::from_secs(delay)),
            propagation_cap: SimDuration::from_secs(86_400),
            missing_bucket_nxdomain: nxdomain,
            cname_ttl: None,
        };
        Authoritative::new(config, 0, buckets, RandomStreams::new(1))
    }

    #[test]
    fn global_name_flips_to_the_bucket_region_only_after_the_propagation_delay() {
        let z = zone(&[bucket(Some(600), None)], false, 300);
        let at = SimTime::from_secs;
        assert_eq!(
            z.truth(Host::BucketGlobal(0), at(599)),
            (Target::Region(0), 0)
        );
        assert_eq!(
            z.truth(Host::BucketGlobal(0), at(600)),
            (Target::Region(1), 1)
        );
        assert_eq!(
            z.seen_by(7, Host::BucketGlobal(0), at(899)),
            (Target::Region(0), 0)
        );
        assert_eq!(
            z.seen_by(7, Host::BucketGlobal(0), at(900)),
            (Target::Region(1), 1)
        );
    }

    #[test]
    fn regional_and_path_names_never_change() {
        let z = zone(&[bucket(Some(600), Some(900))], true, 300);
        for t in [0, 700, 1000] {
            let t = SimTime::from_secs(t);
            assert_eq!(
                z.seen_by(0, Host::BucketRegional(0, 1), t),
                (Target::Region(1), 0)
            );
            assert_eq!(z.seen_by(0, Host::PathGlobal, t), (Target::Region(0), 0));
            assert_eq!(
                z.seen_by(0, Host::PathRegional(1), t),
                (Target::Region(1), 0)
            );
        }
    }

    #[test]
    fn missing_buckets_get_nxdomain_only_when_switched_on() {
        let wildcard = zone(&[bucket(Some(600), Some(900))], false, 0);
        let nx = zone(&[bucket(Some(600), Some(900))], true, 0);
        let at = SimTime::from_secs;
        assert_eq!(
            wildcard.truth(Host::BucketGlobal(0), at(0)).0,
            Target::Region(0)
        );
        assert_eq!(nx.truth(Host::BucketGlobal(0), at(0)).0, Target::NxDomain);
        assert_eq!(
            nx.truth(Host::BucketGlobal(0), at(700)),
            (Target::Region(1), 1)
        );
        assert_eq!(
            nx.truth(Host::BucketGlobal(0), at(900)),
            (Target::NxDomain, 2)
        );
    }

    #[test]
    fn settled_bucket_has_no_history() {
        let z = zone(&[bucket(None, None)], false, 300);
        assert_eq!(
            z.seen_by(3, Host::BucketGlobal(0), SimTime::ZERO),
            (Target::Region(1), 0)
        );
    }

    #[test]
    fn propagation_delay_is_a_pure_function_of_resolver_bucket_and_change() {
        let mut config = zone(&[], false, 0).config.clone();
        config.propagation = Delay::Exponential {
            mean: SimDuration::from_secs(600),
        };
        config.propagation_cap = SimDuration::from_secs(900);
        let z = Authoritative::new(config, 0, &[bucket(Some(1), None)], RandomStreams::new(9));
        let a = z.propagation_delay(4, 0, 1);
        assert_eq!(a, z.propagation_delay(4, 0, 1));
        assert_ne!(a, z.propagation_delay(5, 0, 1));
        let max = (0..2000)
            .map(|r| z.propagation_delay(r, 0, 1))
            .max()
            .unwrap();
        assert_eq!(max, SimDuration::from_secs(900), "cap applies");
    }
}
