//! The DNS path of a request: the client's in-process cache, then its recursive
//! resolver, then the authoritative zone; the resolver groups' upstream outages; and
//! the warm start of their caches.

use super::config::WorldConfig;
use super::query_rates::QueryRates;
use crate::client::{ClientMemory, DnsCachePolicy};
use crate::dns::stationary_remaining_ttl;
use crate::dns::{
    Answer, Authoritative, Host, HostSpace, Link, NegativeCache, QueriesSent, Record, Resolver,
    ResolverReply, StubResolver, Target, Upstream, bucket_name_of, name_dots,
};
use crate::endpoints::Endpoints;
use crate::fault;
use s3sim_engine::{RandomStreams, SimDuration, SimRng, SimTime, stable_hash};

/// Hold the run's zone and resolvers, and resolve names for clients and edges.
pub(crate) struct DnsPath<'a> {
    config: &'a WorldConfig,
    /// The authoritative side, with the faults' DNS changes baked in.
    zone: Authoritative,
    /// Every resolver, group by group.
    resolvers: Vec<Resolver>,
    /// Per resolver: its group.
    group_of: Vec<u16>,
    /// Per resolver group: upstream outages running, and those without serve-stale.
    upstream_outages: Vec<(u32, u32)>,
    /// Which live IP a resolver hands out, stream `dns-answers`.
    rng: SimRng,
    /// For groups with a warm start: what their caches held before the run.
    warm: Option<WarmStart>,
    /// The negative answers of stub resolvers' extra queries (`lookup`).
    negative: NegativeCache,
}

/// What a warm start draws a cache entry's state from, when a resolver is first asked
/// for a name: the rate the clients ask it at t = 0 and the IPs published then.
struct WarmStart {
    rates: QueryRates,
    /// The endpoints as they were at t = 0 (the IPs a copy fetched before the run names).
    initial: Endpoints,
    /// Per (resolver, name) stream `resolver-warm-start`, so draws never depend on
    /// which resolver is asked first.
    streams: RandomStreams,
}

/// Tell how a client's lookup went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resolution {
    /// What the name resolved to.
    pub(crate) answer: Answer,
    /// What the lookup cost the client (zero from its own cache).
    pub(crate) latency: SimDuration,
    /// The answer came from a record older than the authoritative truth.
    pub(crate) stale: bool,
    /// `None` if the client's cache answered, else whether the resolver's cache did.
    pub(crate) resolver_hit: Option<bool>,
    /// Queries the lookup sent to its resolver (none from the client's cache).
    pub(crate) sent: QueriesSent,
}

impl<'a> DnsPath<'a> {
    /// The zone of `config` (with its faults' DNS changes) and empty resolvers.
    pub(crate) fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
        let mut zone = Authoritative::with_opt_in(
            config.dns.clone(),
            config.topology.default_region,
            &crate::facility::opt_in_flags(&config.topology),
            &config.buckets,
            streams,
        );
        fault::apply_all_to_zone(&config.faults, &mut zone);
        let group_of: Vec<u16> = config
            .resolver_groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| std::iter::repeat_n(g as u16, group.count as usize))
            .collect();
        zone.memoize_delays(group_of.len() as u32);
        let space = dense_names(config, group_of.len());
        DnsPath {
            config,
            zone,
            resolvers: (0..group_of.len() as u32)
                .map(|id| Resolver::with_names(id, space))
                .collect(),
            group_of,
            upstream_outages: vec![(0, 0); config.resolver_groups.len()],
            rng: streams.stream("dns-answers", 0),
            warm: config
                .resolver_groups
                .iter()
                .any(|g| g.warm_start)
                .then(|| WarmStart {
                    rates: QueryRates::new(config),
                    initial: Endpoints::new(&config.topology),
                    streams,
                }),
            negative: NegativeCache::default(),
        }
    }

    /// Resolve `host` for a client: from its process cache if `memory` has it, else
    /// through its `stub` and `resolver`, keeping the answer in the process as `policy`
    /// says.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn resolve(
        &mut self,
        memory: &mut ClientMemory,
        policy: DnsCachePolicy,
        stub: &StubResolver,
        resolver: u32,
        host: Host,
        now: SimTime,
        endpoints: &Endpoints,
    ) -> Resolution {
        let truth = self.zone.truth(host, now).1;
        if let Some((answer, version)) = memory.answer(host, now) {
            return Resolution {
                answer,
                latency: SimDuration::ZERO,
                stale: version < truth,
                resolver_hit: None,
                sent: QueriesSent::default(),
            };
        }
        let (reply, sent) = self.lookup(stub, resolver, host, now, endpoints);
        let record = reply.record;
        let negative = record.answer == Answer::NxDomain;
        let cacheable = record.answer != Answer::ServFail;
        if let Some(expires) = policy
            .expiry(now, record.expires, negative)
            .filter(|_| cacheable)
        {
            memory.remember_answer(host, record.answer, record.version, expires);
        }
        Resolution {
            answer: record.answer,
            latency: reply.latency,
            stale: record.version < truth,
            resolver_hit: Some(reply.hit),
            sent,
        }
    }

    /// Ask resolver `resolver` for `host` (an edge's origin fetch asks this way too).
    pub(crate) fn query(
        &mut self,
        resolver: u32,
        host: Host,
        now: SimTime,
        endpoints: &Endpoints,
    ) -> ResolverReply {
        let group = usize::from(self.group_of[resolver as usize]);
        if self.config.resolver_groups[group].warm_start {
            self.warm_up(resolver, host);
        }
        let config = &self.config.resolver_groups[group].config;
        self.resolvers[resolver as usize].query(
            config,
            &self.zone,
            endpoints,
            host,
            now,
            &mut self.rng,
        )
    }

    /// Look `host` up through the client host's `stub` at `resolver` (docs/domain.md
    /// §3): one A query for the plain stub, else every name and record type it tries.
    fn lookup(
        &mut self,
        stub: &StubResolver,
        resolver: u32,
        host: Host,
        now: SimTime,
        endpoints: &Endpoints,
    ) -> (ResolverReply, QueriesSent) {
        if stub.is_plain() {
            let reply = self.query(resolver, host, now, endpoints);
            let nxdomain = u32::from(reply.record.answer == Answer::NxDomain);
            return (
                reply,
                QueriesSent {
                    queries: 1,
                    nxdomain,
                },
            );
        }
        let world: &WorldConfig = self.config;
        let dots = name_dots(host, bucket_name_of(host, &world.buckets));
        let group = usize::from(self.group_of[resolver as usize]);
        let config = &world.resolver_groups[group].config;
        let mut negative = std::mem::take(&mut self.negative);
        let ask = || self.query(resolver, host, now, endpoints);
        let looked_up = stub.lookup(dots, resolver, host, now, config, &mut negative, ask);
        self.negative = negative;
        looked_up
    }

    /// Give `resolver` the copy of `host` it held at t = 0, the first time it is asked
    /// for it, as a cache in its stationary state holds it: every name the clients ask
    /// from the start is known (fetched before the run, so its expired copy can be
    /// served stale), and still fresh with probability λT / (1 + λT), its remaining
    /// life uniform on (0, T] (docs/domain.md §6). With CNAME chains the name's link
    /// and its regional name's A records are drawn apart, each with its own TTL.
    fn warm_up(&mut self, resolver: u32, host: Host) {
        let Some(warm) = &self.warm else { return };
        let cache = &mut self.resolvers[resolver as usize];
        if cache.knows(host) {
            return;
        }
        let group = usize::from(self.group_of[resolver as usize]);
        let config = &self.config.resolver_groups[group].config;
        let mut rng = warm
            .streams
            .stream("resolver-warm-start", name_key(resolver, host));
        let start = SimTime::ZERO;
        if let Some(cname_ttl) = self.zone.config().cname_ttl {
            // A client's copy lives until the first link expires, so clients ask as
            // often as the shorter TTL says; each link's state is drawn with its own.
            let link = cache.fetch_link(config, &self.zone, host, start, cname_ttl);
            let link_ttl = link.expires.since(start);
            let target = match link.target {
                Target::Region(region) if !cache.knows_target(region) => {
                    // The regional name's own stream; its rate is the rate of the first
                    // name asked for it, a lower bound when several names share it.
                    let key = name_key(resolver, Host::PathRegional(region)) ^ REGIONAL_A_KEY;
                    let mut a_rng = warm.streams.stream("resolver-warm-start", key);
                    let a = cache.fetch(config, &self.zone, &warm.initial, host, start, &mut a_rng);
                    Some((region, a, a_rng))
                }
                _ => None,
            };
            let a_ttl = target.as_ref().map(|(_, a, _)| a.expires.since(start));
            let client_ttl = a_ttl.map_or(link_ttl, |a| a.min(link_ttl));
            let rate = warm.rates.rate(resolver, host, client_ttl);
            if rate > 0.0 {
                let left = stationary_remaining_ttl(link_ttl, rate, &mut rng).unwrap_or_default();
                cache.prime_link(
                    host,
                    Link {
                        expires: start + left,
                        ..link
                    },
                );
                if let Some((region, a, mut a_rng)) = target {
                    let ttl = a.expires.since(start);
                    let left = stationary_remaining_ttl(ttl, rate, &mut a_rng).unwrap_or_default();
                    cache.prime_target(
                        region,
                        Record {
                            expires: start + left,
                            ..a
                        },
                    );
                }
            }
            return;
        }
        let fetched = cache.fetch(config, &self.zone, &warm.initial, host, start, &mut rng);
        let ttl = fetched.expires.since(start);
        let rate = warm.rates.rate(resolver, host, ttl);
        if rate > 0.0 {
            let left = stationary_remaining_ttl(ttl, rate, &mut rng).unwrap_or_default();
            let expires = start + left;
            cache.prime(host, Record { expires, ..fetched });
        }
    }

    /// Start (`+1`) or end (`-1`) one outage of a resolver group's upstream; outages
    /// may overlap, and stale answers are served only if every running one allows it.
    pub(crate) fn upstream_outage(&mut self, group: u16, serve_stale: bool, change: i32) {
        let (down, strict) = &mut self.upstream_outages[usize::from(group)];
        *down = down.saturating_add_signed(change);
        if !serve_stale {
            *strict = strict.saturating_add_signed(change);
        }
        let upstream = match (*down, *strict) {
            (0, _) => Upstream::Reachable,
            (_, strict) => Upstream::Unreachable {
                serve_stale: strict == 0,
            },
        };
        for (resolver, &g) in self.resolvers.iter_mut().zip(&self.group_of) {
            if g == group {
                resolver.set_upstream(upstream);
            }
        }
    }
}

/// Most resolver cache slots kept as vectors (24 bytes each, allocated per resolver
/// on its first answer); past it resolvers hash every name.
const MAX_DENSE_SLOTS: u64 = 1 << 21;

/// The names the resolvers of `config` number densely: all of them if `resolvers`
/// rows of them fit [`MAX_DENSE_SLOTS`], else none.
fn dense_names(config: &WorldConfig, resolvers: usize) -> HostSpace {
    let space = (|| {
        Some(HostSpace {
            buckets: u32::try_from(config.buckets.len()).ok()?,
            regions: u16::try_from(config.topology.regions.len()).ok()?,
            distributions: u16::try_from(config.cdn.distributions.len()).ok()?,
        })
    })();
    space
        .filter(|s| s.len().saturating_mul(resolvers as u64) <= MAX_DENSE_SLOTS)
        .unwrap_or_default()
}

/// Set in the key of a regional name's A-record warm-start stream, so that it differs
/// from the key of the path-style name `s3.REGION.amazonaws.com`.
const REGIONAL_A_KEY: u64 = 1 << 63;

/// A stable number for (resolver, name), to key the resolver's warm-start stream.
fn name_key(resolver: u32, host: Host) -> u64 {
    let (kind, a, b): (u32, u32, u16) = match host {
        Host::BucketGlobal(bucket) => (0, bucket, 0),
        Host::BucketRegional(bucket, region) => (1, bucket, region),
        Host::PathGlobal => (2, 0, 0),
        Host::PathRegional(region) => (3, 0, region),
        Host::RedirectEndpoint(bucket, region) => (4, bucket, region),
        Host::Website(bucket) => (5, bucket, 0),
        Host::Distribution(d) => (6, u32::from(d), 0),
    };
    let mut bytes = [0u8; 16];
    for (chunk, x) in bytes
        .chunks_exact_mut(4)
        .zip([resolver, kind, a, u32::from(b)])
    {
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    stable_hash(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::{class, s, world};

    fn setup(config: &WorldConfig) -> (DnsPath<'_>, Endpoints) {
        let dns = DnsPath::new(config, RandomStreams::new(1));
        (dns, Endpoints::new(&config.topology))
    }

    #[test]
    fn a_process_cache_hit_costs_nothing_and_skips_the_resolver() {
        let config = world(vec![class(1, s(60))]);
        let (mut dns, endpoints) = setup(&config);
        let mut memory = ClientMemory::default();
        let mut resolve = |t: u64| {
            let now = SimTime::from_secs(t);
            let policy = DnsCachePolicy::HonorTtl;
            dns.resolve(
                &mut memory,
                policy,
                &StubResolver::default(),
                0,
                Host::PathGlobal,
                now,
                &endpoints,
            )
        };
        let first = resolve(0);
        assert_eq!(first.resolver_hit, Some(false));
        assert_eq!(first.latency, SimDuration::from_millis(21));
        let again = resolve(4);
        assert_eq!(
            (again.resolver_hit, again.latency),
            (None, SimDuration::ZERO)
        );
        assert_eq!(again.answer, first.answer);
        let expired = resolve(5);
        assert_eq!(
            expired.resolver_hit,
            Some(false),
            "both copies end with the 5 s TTL"
        );
    }

    #[test]
    fn an_answer_older_than_the_published_record_counts_as_stale() {
        // Bucket 0 is created in eu-west-1 at t = 60 s; the resolver sees it at 660 s.
        let config = world(vec![class(1, s(60))]);
        let (mut dns, endpoints) = setup(&config);
        let mut stale_at = |t: u64| {
            let (mut memory, now) = (ClientMemory::default(), SimTime::from_secs(t));
            let policy = DnsCachePolicy::None;
            let host = Host::BucketGlobal(0);
            dns.resolve(
                &mut memory,
                policy,
                &StubResolver::default(),
                0,
                host,
                now,
                &endpoints,
            )
            .stale
        };
        assert_eq!(
            [stale_at(30), stale_at(100), stale_at(700)],
            [false, true, false]
        );
    }

    #[test]
    fn overlapping_upstream_outages_serve_stale_only_while_every_one_allows_it() {
        let config = world(vec![class(1, s(60))]);
        let (mut dns, endpoints) = setup(&config);
        let ask = |dns: &mut DnsPath, t: u64| {
            let now = SimTime::from_secs(t);
            dns.query(0, Host::PathGlobal, now, &endpoints)
                .record
                .answer
        };
        let fresh = ask(&mut dns, 0);
        dns.upstream_outage(0, true, 1);
        dns.upstream_outage(0, false, 1);
        assert_eq!(
            ask(&mut dns, 10),
            Answer::ServFail,
            "one outage forbids stale"
        );
        dns.upstream_outage(0, false, -1);
        assert_eq!(ask(&mut dns, 20), fresh, "served stale");
        dns.upstream_outage(0, true, -1);
        assert_ne!(ask(&mut dns, 60), Answer::ServFail);
    }

    #[test]
    fn a_warm_start_holds_asked_names_with_the_stationary_probability_in_any_order() {
        // 1000 resolvers, each asked by one client every 5 s for a name with a 5 s TTL:
        // λT = 1, so each holds a fresh copy at t = 0 with probability 1/2.
        let mut config = world(vec![class(1000, s(5))]);
        config.resolver_groups[0].count = 1000;
        config.resolver_groups[0].warm_start = true;
        config.classes[0].resolvers = 0..1000;
        let first_queries = |order: Vec<u32>, host: Host| {
            let (mut dns, endpoints) = setup(&config);
            let mut hits: Vec<(u32, bool)> = order
                .into_iter()
                .map(|r| (r, dns.query(r, host, SimTime::ZERO, &endpoints).hit))
                .collect();
            hits.sort_unstable();
            hits
        };
        let forward = first_queries((0..1000).collect(), Host::BucketGlobal(0));
        let backward = first_queries((0..1000).rev().collect(), Host::BucketGlobal(0));
        assert_eq!(forward, backward, "draws are keyed by resolver and name");
        let held = forward.iter().filter(|(_, hit)| *hit).count();
        assert!(
            (436..=564).contains(&held),
            "{held} of 1000, expected 500 ± 4σ"
        );
        let unasked = first_queries((0..1000).collect(), Host::PathGlobal);
        assert!(
            unasked.iter().all(|(_, hit)| !hit),
            "nobody asks s3.amazonaws.com"
        );
    }

    #[test]
    fn a_warm_start_holds_a_chained_names_cname_and_a_records_each_with_its_own_probability() {
        // 1000 resolvers, each asked by one client every 5 s: the CNAME (300 s) is held
        // with probability 60/61, the A records (5 s) with 1/2, independently; the
        // first query sends one upstream query per link not held.
        let mut config = world(vec![class(1000, s(5))]);
        config.dns.cname_ttl = Some(s(300));
        config.resolver_groups[0].count = 1000;
        config.resolver_groups[0].warm_start = true;
        config.classes[0].resolvers = 0..1000;
        let (mut dns, endpoints) = setup(&config);
        let mut upstream = [0u32; 3];
        for r in 0..1000 {
            let reply = dns.query(r, Host::BucketGlobal(0), SimTime::ZERO, &endpoints);
            upstream[reply.upstream as usize] += 1;
        }
        // Expected 491.8, 500.0 and 8.2 (binomial σ 15.8, 15.8 and 2.8): ± 4σ.
        assert!((429..=555).contains(&upstream[0]), "{upstream:?}");
        assert!((437..=563).contains(&upstream[1]), "{upstream:?}");
        assert!(upstream[2] <= 20, "{upstream:?}");
    }

    #[test]
    fn a_chained_lookup_is_one_query_to_the_resolver_costing_a_miss_per_expired_link() {
        // CNAME 300 s, A 5 s; resolver rtt 1 ms, miss 20 ms; no process cache.
        let mut config = world(vec![class(1, s(60))]);
        config.dns.cname_ttl = Some(s(300));
        let (mut dns, endpoints) = setup(&config);
        let mut memory = ClientMemory::default();
        let mut resolve = |t: u64| {
            let r = dns.resolve(
                &mut memory,
                DnsCachePolicy::None,
                &StubResolver::default(),
                0,
                Host::BucketGlobal(0),
                SimTime::from_secs(t),
                &endpoints,
            );
            (
                r.latency.as_nanos() / 1_000_000,
                r.resolver_hit,
                r.sent.queries,
            )
        };
        assert_eq!(resolve(0), (41, Some(false), 1), "CNAME and A fetched");
        assert_eq!(resolve(4), (1, Some(true), 1), "both fresh");
        assert_eq!(resolve(5), (21, Some(false), 1), "A records only");
        assert_eq!(resolve(300), (41, Some(false), 1), "both expired");
    }
}
