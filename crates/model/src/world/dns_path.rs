//! The DNS path of a request: the client's in-process cache, then its recursive
//! resolver, then the authoritative zone; and the resolver groups' upstream outages.

use super::config::WorldConfig;
use crate::client::{ClientMemory, DnsCachePolicy};
use crate::dns::{Answer, Authoritative, Host, Resolver, ResolverReply, Upstream};
use crate::endpoints::Endpoints;
use crate::fault;
use s3sim_engine::{RandomStreams, SimDuration, SimRng, SimTime};

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
}

impl<'a> DnsPath<'a> {
    /// The zone of `config` (with its faults' DNS changes) and empty resolvers.
    pub(crate) fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
        let mut zone = Authoritative::new(
            config.dns.clone(),
            config.topology.default_region,
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
        DnsPath {
            config,
            zone,
            resolvers: (0..group_of.len() as u32).map(Resolver::new).collect(),
            group_of,
            upstream_outages: vec![(0, 0); config.resolver_groups.len()],
            rng: streams.stream("dns-answers", 0),
        }
    }

    /// Resolve `host` for a client: from its process cache if `memory` has it, else
    /// through `resolver`, keeping the answer in the process as `policy` says.
    pub(crate) fn resolve(
        &mut self,
        memory: &mut ClientMemory,
        policy: DnsCachePolicy,
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
            };
        }
        let reply = self.query(resolver, host, now, endpoints);
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
            dns.resolve(&mut memory, policy, 0, Host::PathGlobal, now, &endpoints)
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
            dns.resolve(&mut memory, policy, 0, host, now, &endpoints)
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
}
