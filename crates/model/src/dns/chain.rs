//! CNAME chains: S3's names as a CNAME to a regional name whose A records carry the
//! short TTL, each link cached by a resolver with its own TTL (docs/domain.md §3,
//! *CNAME chains*).
//!
//! A name resolved through a chain costs the resolver one upstream query per link it
//! does not hold fresh: none when both are fresh, one for the regional name's A records
//! when only they expired, two when the CNAME expired too (the CNAME is fetched first,
//! then the A records of the name it points to, if the resolver no longer holds them).

use super::authoritative::{Authoritative, Target};
use super::cache::Link;
use super::host::Host;
use super::resolver::{
    Answer, Record, Resolver, ResolverConfig, ResolverReply, STALE_TTL, Upstream, fetch_a,
};
use crate::endpoints::Endpoints;
use crate::topology::RegionId;
use s3sim_engine::{SimDuration, SimRng, SimTime};

impl Resolver {
    /// Answer a query for `host` at `now` through its CNAME chain (docs/domain.md §3,
    /// *CNAME chains*): the name's CNAME link (cached for `cname_ttl`, clamped), then the
    /// A records of the regional name it points to (cached for the record TTL,
    /// clamped), each from the cache while fresh, else one upstream query.
    ///
    /// The answer carries the link's version and expires with the first link that
    /// expires; it is a hit only if no link had to be fetched. With the upstream
    /// unreachable, an expired link is served stale (RFC 8767) or the query fails.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn query_chain(
        &mut self,
        config: &ResolverConfig,
        zone: &Authoritative,
        endpoints: &Endpoints,
        host: Host,
        now: SimTime,
        rng: &mut SimRng,
        cname_ttl: SimDuration,
    ) -> ResolverReply {
        let (mut upstream, mut fetched) = (0u32, false);
        let cached = self.links.get(host);
        let link = match cached.filter(|l| now < l.expires) {
            Some(link) => Some(link),
            None => {
                upstream += 1;
                match self.upstream {
                    Upstream::Reachable => {
                        fetched = true;
                        let link = self.fetch_link(config, zone, host, now, cname_ttl);
                        self.links.store(host, link);
                        Some(link)
                    }
                    Upstream::Unreachable { serve_stale } => {
                        cached.filter(|_| serve_stale).map(|stale| Link {
                            expires: now + STALE_TTL,
                            ..stale
                        })
                    }
                }
            }
        };
        let record = match link {
            None => None,
            Some(link) => match link.target {
                Target::NxDomain => Some(Record {
                    answer: Answer::NxDomain,
                    version: link.version,
                    expires: link.expires,
                }),
                Target::Region(region) => {
                    let (a, asked, got) = self.target_a(config, zone, endpoints, region, now, rng);
                    upstream += u32::from(asked);
                    fetched |= got;
                    a.map(|a| Record {
                        answer: a.answer,
                        version: link.version,
                        expires: a.expires.min(link.expires),
                    })
                }
            },
        };
        let record = record.unwrap_or(Record {
            answer: Answer::ServFail,
            version: u16::MAX,
            expires: now,
        });
        ResolverReply {
            record,
            hit: !fetched && record.answer != Answer::ServFail,
            latency: config.rtt + config.miss_rtt * u64::from(upstream),
            upstream,
        }
    }

    /// The A record of `region`'s regional name: from the cache while fresh, else one
    /// upstream query (served stale or failed when the upstream is unreachable).
    /// Returns the record (`None`: SERVFAIL), whether a query was sent and whether the
    /// authoritative side answered it.
    fn target_a(
        &mut self,
        config: &ResolverConfig,
        zone: &Authoritative,
        endpoints: &Endpoints,
        region: RegionId,
        now: SimTime,
        rng: &mut SimRng,
    ) -> (Option<Record>, bool, bool) {
        let slot = usize::from(region);
        let cached = self.targets.get(slot).copied().flatten();
        if let Some(fresh) = cached.filter(|a| now < a.expires) {
            return (Some(fresh), false, false);
        }
        match self.upstream {
            Upstream::Reachable => {
                let a = fetch_a(config, zone, endpoints, region, now, rng);
                if self.targets.len() <= slot {
                    self.targets.resize(slot + 1, None);
                }
                self.targets[slot] = Some(a);
                (Some(a), true, true)
            }
            Upstream::Unreachable { serve_stale } => {
                let stale = cached.filter(|_| serve_stale).map(|a| Record {
                    expires: now + STALE_TTL,
                    ..a
                });
                (stale, true, false)
            }
        }
    }

    /// Ask the authoritative side for `host`'s CNAME link at `now`, as this resolver's
    /// node serves it, with the resolver's clamp on `cname_ttl` (the negative TTL for a
    /// name that does not exist). Nothing is cached.
    pub fn fetch_link(
        &self,
        config: &ResolverConfig,
        zone: &Authoritative,
        host: Host,
        now: SimTime,
        cname_ttl: SimDuration,
    ) -> Link {
        let (target, version) = zone.seen_by(self.id, host, now);
        let ttl = match target {
            Target::Region(_) => cname_ttl.max(config.min_ttl).min(config.max_ttl),
            Target::NxDomain => config.negative_ttl,
        };
        Link {
            target,
            version,
            expires: now + ttl,
        }
    }

    /// Tell whether the cache has ever held the A record of `region`'s regional name.
    pub fn knows_target(&self, region: RegionId) -> bool {
        self.targets
            .get(usize::from(region))
            .is_some_and(Option::is_some)
    }

    /// Put `link` in the cache for `host`, as if fetched earlier (a warm start).
    pub fn prime_link(&mut self, host: Host, link: Link) {
        self.links.store(host, link);
    }

    /// Put `record` in the cache as the A record of `region`'s regional name, as if
    /// fetched earlier (a warm start).
    pub fn prime_target(&mut self, region: RegionId, record: Record) {
        let slot = usize::from(region);
        if self.targets.len() <= slot {
            self.targets.resize(slot + 1, None);
        }
        self.targets[slot] = Some(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket::Bucket;
    use crate::distribution::Delay;
    use crate::dns::DnsConfig;
    use crate::endpoints::OutageMode;
    use crate::topology::{Facility, Region, Topology};
    use s3sim_engine::RandomStreams;

    const MS: fn(u64) -> SimDuration = SimDuration::from_millis;

    /// us-east-1 (default) and eu-west-1, one facility with one IP each: IP 0 in
    /// us-east-1, IP 1 in eu-west-1.
    fn endpoints() -> Endpoints {
        let facility = |name: &str, region| Facility {
            name: name.into(),
            region,
            ips: 1,
            service_time: Delay::Fixed(SimDuration::ZERO),
            capacity: None,
        };
        let region = |name: &str| Region {
            name: name.into(),
            opt_in: false,
        };
        let topology = Topology::new(
            vec![region("us-east-1"), region("eu-west-1")],
            0,
            vec![facility("use1", 0), facility("euw1", 1)],
            vec!["here".into()],
            vec![SimDuration::ZERO; 2],
        );
        Endpoints::new(&topology)
    }

    /// Bucket 0 created in eu-west-1 at `created` s (its global name moves from the
    /// default region's wildcard at once: no propagation delay); A records 5 s.
    fn zone(cname_ttl: Option<u64>, created: u64) -> Authoritative {
        let dns = DnsConfig {
            record_ttl: SimDuration::from_secs(5),
            propagation: Delay::Fixed(SimDuration::ZERO),
            propagation_cap: SimDuration::from_secs(86_400),
            missing_bucket_nxdomain: false,
            cname_ttl: cname_ttl.map(SimDuration::from_secs),
        };
        let bucket = Bucket {
            name: "b".into(),
            region: 1,
            created_at: Some(SimTime::from_secs(created)),
            deleted_at: None,
            location_constraint: true,
            recreated: None,
        };
        Authoritative::new(dns, 0, &[bucket], RandomStreams::new(1))
    }

    const CONFIG: ResolverConfig = ResolverConfig {
        min_ttl: SimDuration::ZERO,
        max_ttl: SimDuration::from_secs(86_400),
        negative_ttl: SimDuration::from_secs(60),
        rtt: SimDuration::from_millis(1),
        miss_rtt: SimDuration::from_millis(20),
    };

    #[test]
    fn a_chained_name_sends_one_upstream_query_per_expired_link_and_none_while_both_are_fresh() {
        let (zone, endpoints) = (zone(Some(300), 10_000), endpoints());
        let mut rng = RandomStreams::new(1).stream("test", 0);
        let mut resolver = Resolver::new(0);
        let mut ask = |host, t: u64| {
            let now = SimTime::from_secs(t);
            let reply = resolver.query(&CONFIG, &zone, &endpoints, host, now, &mut rng);
            (
                reply.upstream,
                reply.hit,
                reply.latency,
                reply.record.expires,
            )
        };
        let (global, path) = (Host::BucketGlobal(0), Host::PathGlobal);
        let at = SimTime::from_secs;
        // Both links fetched: CNAME (300 s) then A (5 s); the answer lives 5 s.
        assert_eq!(ask(global, 0), (2, false, MS(41), at(5)));
        assert_eq!(ask(global, 4), (0, true, MS(1), at(5)));
        // The CNAME is still fresh: only the regional name's A records are asked.
        assert_eq!(ask(global, 5), (1, false, MS(21), at(10)));
        // Another name pointing at the same regional name: only its CNAME is asked.
        assert_eq!(ask(path, 6), (1, false, MS(21), at(10)));
        // Both expired at 300 s: two queries again.
        assert_eq!(ask(global, 300), (2, false, MS(41), at(305)));
    }

    #[test]
    fn without_a_cname_every_miss_is_one_upstream_query() {
        let (zone, endpoints) = (zone(None, 10_000), endpoints());
        let mut rng = RandomStreams::new(1).stream("test", 0);
        let mut resolver = Resolver::new(0);
        let mut ask = |t: u64| {
            let now = SimTime::from_secs(t);
            let host = Host::BucketGlobal(0);
            let reply = resolver.query(&CONFIG, &zone, &endpoints, host, now, &mut rng);
            (reply.upstream, reply.hit, reply.latency)
        };
        assert_eq!(
            [ask(0), ask(4), ask(5), ask(300)],
            [
                (1, false, MS(21)),
                (0, true, MS(1)),
                (1, false, MS(21)),
                (1, false, MS(21))
            ]
        );
    }

    /// Ask resolver 0 for bucket 0's global name every second from 0 to `until` s,
    /// rotating us-east-1's IPs at 102 s; return the answer of each second.
    fn answers_each_second(cname_ttl: Option<u64>, created: u64, until: u64) -> Vec<Answer> {
        let (zone, mut endpoints) = (zone(cname_ttl, created), endpoints());
        let mut rng = RandomStreams::new(1).stream("test", 0);
        let mut resolver = Resolver::new(0);
        (0..=until)
            .map(|t| {
                let now = SimTime::from_secs(t);
                if t == 102 {
                    endpoints.rotate(0, now, SimDuration::ZERO, OutageMode::Refused);
                }
                let host = Host::BucketGlobal(0);
                let reply = resolver.query(&CONFIG, &zone, &endpoints, host, now, &mut rng);
                reply.record.answer
            })
            .collect()
    }

    /// The first second from `from` on whose answer is `answer`.
    fn first(answers: &[Answer], from: usize, answer: Answer) -> usize {
        from + answers[from..].iter().position(|&a| a == answer).unwrap()
    }

    #[test]
    fn an_ip_rotation_reaches_a_chained_name_at_the_a_ttl_and_a_retarget_at_the_cname_ttl() {
        // CNAME 300 s, A 5 s, asked every second. Rotation at 102 s: us-east-1's IP 0
        // becomes IP 2; the A copy fetched at 100 s serves IP 0 until 105 s.
        // Retarget at 650 s (bucket created in eu-west-1): the CNAME copy fetched at
        // 600 s points at us-east-1 until 900 s.
        let answers = answers_each_second(Some(300), 650, 1000);
        assert_eq!(answers[104], Answer::Ip(0));
        assert_eq!(first(&answers, 102, Answer::Ip(2)), 105);
        assert_eq!(answers[899], Answer::Ip(2));
        assert_eq!(first(&answers, 650, Answer::Ip(1)), 900);
        // The same changes on one-link names: both at the 5 s boundary.
        let answers = answers_each_second(None, 650, 1000);
        assert_eq!(first(&answers, 102, Answer::Ip(2)), 105);
        assert_eq!(first(&answers, 650, Answer::Ip(1)), 650);
    }

    #[test]
    fn an_unreachable_upstream_serves_both_expired_links_stale_or_fails() {
        let (zone, endpoints) = (zone(Some(300), 10_000), endpoints());
        let mut rng = RandomStreams::new(1).stream("test", 0);
        let mut stale = Resolver::new(0);
        let host = Host::BucketGlobal(0);
        let fresh = stale.query(&CONFIG, &zone, &endpoints, host, SimTime::ZERO, &mut rng);
        let mut strict = stale.clone();
        stale.set_upstream(Upstream::Unreachable { serve_stale: true });
        strict.set_upstream(Upstream::Unreachable { serve_stale: false });
        let mut ask = |resolver: &mut Resolver, t: u64| {
            let now = SimTime::from_secs(t);
            resolver.query(&CONFIG, &zone, &endpoints, host, now, &mut rng)
        };
        // At 10 s only the A record expired; at 400 s both did.
        let served = ask(&mut stale, 10);
        assert_eq!(served.record.answer, fresh.record.answer);
        let expect = (true, 1, MS(21), SimTime::from_secs(10) + STALE_TTL);
        assert_eq!(
            (
                served.hit,
                served.upstream,
                served.latency,
                served.record.expires
            ),
            expect
        );
        let served = ask(&mut stale, 400);
        let expect = (true, 2, MS(41), SimTime::from_secs(400) + STALE_TTL);
        assert_eq!(
            (
                served.hit,
                served.upstream,
                served.latency,
                served.record.expires
            ),
            expect
        );
        let failed = ask(&mut strict, 10);
        assert_eq!(
            (failed.record.answer, failed.hit, failed.upstream),
            (Answer::ServFail, false, 1)
        );
    }

    #[test]
    fn a_missing_name_ends_at_its_cname_query_with_the_negative_ttl() {
        let mut zone = zone(Some(300), 10_000);
        let dns = DnsConfig {
            missing_bucket_nxdomain: true,
            ..zone.config().clone()
        };
        let bucket = Bucket {
            name: "b".into(),
            region: 1,
            created_at: Some(SimTime::from_secs(10_000)),
            deleted_at: None,
            location_constraint: true,
            recreated: None,
        };
        zone = Authoritative::new(dns, 0, &[bucket], RandomStreams::new(1));
        let mut rng = RandomStreams::new(1).stream("test", 0);
        let reply = Resolver::new(0).query(
            &CONFIG,
            &zone,
            &endpoints(),
            Host::BucketGlobal(0),
            SimTime::ZERO,
            &mut rng,
        );
        assert_eq!(
            (reply.record.answer, reply.upstream, reply.record.expires),
            (Answer::NxDomain, 1, SimTime::from_secs(60))
        );
    }
}
