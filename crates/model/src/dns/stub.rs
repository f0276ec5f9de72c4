//! The stub resolver of a client's host (`resolv.conf`): which names one lookup tries,
//! in which order, and for which record types (docs/domain.md §3, "Stub resolvers").
//!
//! A lookup of a name with fewer dots than `ndots` first tries the name with each
//! search domain appended, then the name as given; a name with at least `ndots` dots is
//! tried as given first and the search list only if it does not exist; a trailing dot
//! skips the search list. Each name tried is one round trip to the resolver, carrying
//! an A query (and an AAAA query alongside, as glibc's `getaddrinfo` asks for both in
//! parallel). Source: resolv.conf(5), <https://man7.org/linux/man-pages/man5/resolv.conf.5.html>.

use super::host::Host;
use super::resolver::{Answer, ResolverConfig, ResolverReply};
use crate::bucket::Bucket;
use s3sim_engine::{SimDuration, SimTime};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Choose which record types one lookup asks for.
///
/// ```
/// use s3sim_model::dns::QueryTypes;
/// assert_eq!(QueryTypes::default(), QueryTypes::AOnly);
/// assert_eq!(QueryTypes::AAndAaaa.per_name(), 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueryTypes {
    /// Only A (IPv4 clients, `AF_INET`): one query per name tried. The default, which is
    /// what the model did before stub resolvers existed.
    #[default]
    AOnly,
    /// A and AAAA for every name tried (`AF_UNSPEC`, glibc and musl defaults), sent in
    /// parallel: two queries, one round trip.
    AAndAaaa,
}

impl QueryTypes {
    /// Give the number of queries sent per name tried.
    pub fn per_name(self) -> u32 {
        match self {
            QueryTypes::AOnly => 1,
            QueryTypes::AAndAaaa => 2,
        }
    }
}

/// Name one name a lookup tries: the host's name with a search domain appended, or
/// the host's name as given.
///
/// ```
/// use s3sim_model::dns::Candidate;
/// assert_ne!(Candidate::Searched(0), Candidate::Absolute);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Candidate {
    /// The name with search domain `id` appended (ids are shared by every class that
    /// lists the same domain, so a resolver caches each suffixed name once).
    Searched(u16),
    /// The name itself.
    Absolute,
}

/// Configure a class's stub resolver: search domains, `ndots`, record types, and
/// whether the client writes names with a trailing dot.
///
/// The default (no search domain, `ndots:1`, A only) sends exactly one query per
/// lookup, which is what the model did before stub resolvers existed.
///
/// ```
/// use s3sim_model::dns::{Candidate, QueryTypes, StubResolver};
/// // A Kubernetes pod: ndots:5, three cluster search domains, A and AAAA.
/// let pod = StubResolver { search: vec![0, 1, 2], ndots: 5,
///     types: QueryTypes::AAndAaaa, trailing_dot: false };
/// // `traces.s3.us-east-1.amazonaws.com` has 4 dots: the search list comes first.
/// let tried = pod.candidates(4);
/// assert_eq!(tried.len(), 4);
/// assert_eq!(tried[3], Candidate::Absolute);
/// assert_eq!(pod.queries_until_found(4), 8); // 4 names × (A + AAAA)
/// let fixed = StubResolver { trailing_dot: true, ..pod.clone() };
/// assert_eq!(fixed.queries_until_found(4), 2);
/// assert_eq!(StubResolver::default().queries_until_found(4), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StubResolver {
    /// Search domains in `resolv.conf` order, as global ids.
    pub search: Vec<u16>,
    /// A name with fewer dots than this tries the search list first (resolv.conf(5):
    /// default 1, at most 15; Kubernetes pods: 5).
    pub ndots: u8,
    /// Record types asked for each name tried.
    pub types: QueryTypes,
    /// The client writes S3 names fully qualified (`bucket.s3.amazonaws.com.`), which
    /// skips the search list.
    pub trailing_dot: bool,
}

impl Default for StubResolver {
    fn default() -> Self {
        StubResolver {
            search: Vec::new(),
            ndots: 1,
            types: QueryTypes::AOnly,
            trailing_dot: false,
        }
    }
}

impl StubResolver {
    /// List the names a lookup of a name with `dots` dots tries, in order, up to and
    /// including the name itself when the search list comes first (resolv.conf(5)).
    pub fn candidates(&self, dots: u32) -> Vec<Candidate> {
        let searched = self.search.iter().map(|&d| Candidate::Searched(d));
        if self.trailing_dot || self.search.is_empty() {
            vec![Candidate::Absolute]
        } else if dots >= u32::from(self.ndots) {
            std::iter::once(Candidate::Absolute)
                .chain(searched)
                .collect()
        } else {
            searched
                .chain(std::iter::once(Candidate::Absolute))
                .collect()
        }
    }

    /// Count the queries a lookup of an existing name with `dots` dots sends: every
    /// name tried up to the name itself, times the record types.
    pub fn queries_until_found(&self, dots: u32) -> u32 {
        let tried = self.candidates(dots);
        let until = tried
            .iter()
            .position(|&c| c == Candidate::Absolute)
            .map_or(tried.len(), |i| i + 1);
        until as u32 * self.types.per_name()
    }

    /// Tell whether every lookup is exactly one A query for the name itself (the
    /// model's behaviour before stub resolvers, kept on its fast path).
    pub fn is_plain(&self) -> bool {
        self.types == QueryTypes::AOnly && (self.trailing_dot || self.search.is_empty())
    }
}

/// Count what one lookup sent to its resolver.
///
/// ```
/// use s3sim_model::dns::QueriesSent;
/// assert_eq!(QueriesSent::default(), QueriesSent { queries: 0, nxdomain: 0 });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueriesSent {
    /// Queries (one per name tried and record type).
    pub queries: u32,
    /// Those answered NXDOMAIN.
    pub nxdomain: u32,
}

impl StubResolver {
    /// Look up `host` (a name with `dots` dots) at resolver `resolver`: `ask` asks it
    /// for the name's own A record; searched names and the AAAA are negative answers
    /// from `negative`, cached for `config.negative_ttl`. Returns the reply for the
    /// name itself with the lookup's whole latency (one round trip per name tried, the
    /// slower of its A and AAAA), and the queries sent.
    ///
    /// Simplifications (docs/domain.md §3): searched names are answered NXDOMAIN by
    /// the resolver itself (cluster domains are served locally), whatever its upstream;
    /// a SERVFAIL for the name itself ends the lookup.
    ///
    /// ```
    /// use s3sim_engine::{SimDuration, SimTime};
    /// use s3sim_model::dns::*;
    /// let ms = SimDuration::from_millis;
    /// let config = ResolverConfig { min_ttl: ms(0), max_ttl: ms(60_000),
    ///     negative_ttl: ms(60_000), rtt: ms(1), miss_rtt: ms(20) };
    /// let pod = StubResolver { search: vec![0, 1, 2], ndots: 5,
    ///     types: QueryTypes::AAndAaaa, trailing_dot: false };
    /// let found = Record { answer: Answer::NxDomain, version: 0, expires: SimTime::ZERO };
    /// let found = Record { answer: Answer::Ip(0), ..found };
    /// let reply = ResolverReply { record: found, hit: false, latency: ms(21), upstream: 1 };
    /// let mut negative = NegativeCache::default();
    /// let (got, sent) = pod.lookup(4, 0, Host::PathGlobal, SimTime::ZERO, &config,
    ///     &mut negative, || reply);
    /// assert_eq!(sent, QueriesSent { queries: 8, nxdomain: 6 });
    /// assert_eq!(got.latency, ms(84)); // 4 names, each a 21 ms miss
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn lookup(
        &self,
        dots: u32,
        resolver: u32,
        host: Host,
        now: SimTime,
        config: &ResolverConfig,
        negative: &mut NegativeCache,
        mut ask: impl FnMut() -> ResolverReply,
    ) -> (ResolverReply, QueriesSent) {
        let (rtt, miss_rtt, negative_ttl) = (config.rtt, config.miss_rtt, config.negative_ttl);
        let cost = |hit: bool| if hit { rtt } else { rtt + miss_rtt };
        let types = self.types.per_name() as usize;
        let mut sent = QueriesSent::default();
        let mut latency = SimDuration::ZERO;
        let mut found: Option<ResolverReply> = None;
        for candidate in self.candidates(dots) {
            let round = match candidate {
                Candidate::Searched(_) => {
                    let mut round = SimDuration::ZERO;
                    for aaaa in [false, true].into_iter().take(types) {
                        let hit = negative.ask(resolver, host, candidate, aaaa, now, negative_ttl);
                        round = round.max(cost(hit));
                        sent.queries += 1;
                        sent.nxdomain += 1;
                    }
                    round
                }
                Candidate::Absolute => {
                    let reply = ask();
                    let nx = u32::from(reply.record.answer == Answer::NxDomain);
                    sent.queries += 1;
                    sent.nxdomain += nx;
                    let mut round = reply.latency;
                    if types == 2 {
                        sent.queries += 1;
                        // No AAAA record (NODATA), or no name at all: a negative answer;
                        // a SERVFAIL fails the AAAA query alike, in the same time.
                        if reply.record.answer != Answer::ServFail {
                            let hit =
                                negative.ask(resolver, host, candidate, true, now, negative_ttl);
                            round = round.max(cost(hit));
                            sent.nxdomain += nx;
                        }
                    }
                    found = Some(reply);
                    round
                }
            };
            latency += round;
            if found.is_some_and(|r| r.record.answer != Answer::NxDomain) {
                break;
            }
        }
        let reply = found.expect("every list of names tried holds the name itself");
        (ResolverReply { latency, ..reply }, sent)
    }
}

/// Count the dots in `host`'s name (a bucket's name may hold dots of its own).
///
/// ```
/// use s3sim_model::dns::{Host, name_dots};
/// let names = ["traces".to_string(), "www.example.com".to_string()];
/// assert_eq!(name_dots(Host::BucketRegional(0, 0), &names[0]), 4); // traces.s3.us-east-1.amazonaws.com
/// assert_eq!(name_dots(Host::BucketGlobal(1), &names[1]), 5);      // www.example.com.s3.amazonaws.com
/// assert_eq!(name_dots(Host::PathGlobal, ""), 2);                  // s3.amazonaws.com
/// ```
pub fn name_dots(host: Host, bucket_name: &str) -> u32 {
    let own = bucket_name.matches('.').count() as u32;
    match host {
        // bucket.s3.amazonaws.com, bucket.s3-REGION.amazonaws.com,
        // bucket.s3-website-REGION.amazonaws.com
        Host::BucketGlobal(_) | Host::RedirectEndpoint(..) | Host::Website(_) => own + 3,
        // bucket.s3.REGION.amazonaws.com
        Host::BucketRegional(..) => own + 4,
        Host::PathGlobal => 2,
        Host::PathRegional(_) => 3,
        // d111.cloudfront.net
        Host::Distribution(_) => 2,
    }
}

/// Give the name of the bucket `host` names, or `""` (for [`name_dots`]).
pub fn bucket_name_of(host: Host, buckets: &[Bucket]) -> &str {
    host.bucket()
        .and_then(|b| buckets.get(b as usize))
        .map_or("", |b| b.name.as_str())
}

type Fixed = BuildHasherDefault<std::hash::DefaultHasher>;

/// Hold the negative answers (NXDOMAIN for a searched name, NODATA for the AAAA of an
/// S3 name) that each resolver caches for the resolver group's negative TTL (RFC 2308,
/// <https://www.rfc-editor.org/rfc/rfc2308>).
///
/// Only looked up by key, never iterated, so its order never reaches an output.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::dns::{Candidate, Host, NegativeCache};
/// let mut cache = NegativeCache::default();
/// let ttl = SimDuration::from_secs(30);
/// let ask = |cache: &mut NegativeCache, t| cache.ask(0, Host::PathGlobal,
///     Candidate::Searched(0), false, SimTime::from_secs(t), ttl);
/// assert!(!ask(&mut cache, 0));  // a miss: cached until 30 s
/// assert!(ask(&mut cache, 29));
/// assert!(!ask(&mut cache, 30));
/// ```
#[derive(Clone, Debug, Default)]
pub struct NegativeCache {
    expires: HashMap<(u32, Host, Candidate, bool), SimTime, Fixed>,
}

impl NegativeCache {
    /// Ask resolver `resolver` for `candidate` of `host` (the AAAA record if `aaaa`) at
    /// `now`: `true` when a fresh negative answer is cached; on a miss the answer is
    /// cached until `now + ttl`.
    pub fn ask(
        &mut self,
        resolver: u32,
        host: Host,
        candidate: Candidate,
        aaaa: bool,
        now: SimTime,
        ttl: SimDuration,
    ) -> bool {
        let key = (resolver, host, candidate, aaaa);
        match self.expires.get(&key) {
            Some(&until) if now < until => true,
            _ => {
                self.expires.insert(key, now + ttl);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ndots: u8) -> StubResolver {
        StubResolver {
            search: vec![7, 8, 9],
            ndots,
            types: QueryTypes::AAndAaaa,
            trailing_dot: false,
        }
    }

    #[test]
    fn a_name_with_enough_dots_is_tried_as_given_first() {
        let tried = pod(2).candidates(4);
        assert_eq!(
            tried,
            [
                Candidate::Absolute,
                Candidate::Searched(7),
                Candidate::Searched(8),
                Candidate::Searched(9)
            ]
        );
        assert_eq!(pod(2).queries_until_found(4), 2);
        assert_eq!(
            pod(4).queries_until_found(4),
            2,
            "ndots:4 and 4 dots: absolute first"
        );
    }

    #[test]
    fn kubernetes_defaults_cost_eight_queries_for_a_regional_virtual_name() {
        // 4 dots < ndots 5: three searched names, then the name: 4 × (A + AAAA).
        assert_eq!(pod(5).queries_until_found(4), 8);
        let four = StubResolver {
            search: vec![1, 2, 3, 4],
            ..pod(5)
        };
        assert_eq!(
            four.queries_until_found(4),
            10,
            "plus the node's own search domain"
        );
        let a_only = StubResolver {
            types: QueryTypes::AOnly,
            ..pod(5)
        };
        assert_eq!(a_only.queries_until_found(4), 4);
    }

    #[test]
    fn only_the_default_stub_is_plain() {
        assert!(StubResolver::default().is_plain());
        assert!(!pod(5).is_plain());
        let dotted_a_only = StubResolver {
            trailing_dot: true,
            types: QueryTypes::AOnly,
            ..pod(5)
        };
        assert!(dotted_a_only.is_plain());
    }
}
