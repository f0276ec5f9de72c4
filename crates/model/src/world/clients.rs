//! The clients of every class: where their requests come from, and what each client
//! process remembers between them (DNS answers, learned regions, sticky endpoints,
//! retry tokens) until it restarts.

use super::arrivals::{PopularityTables, Source};
use super::config::WorldConfig;
use super::request::Request;
use crate::client::{ClientMemory, Lifetime};
use crate::dns::Host;
use crate::response::Hop;
use prefetch_index::prefetch_index;
use s3sim_engine::{RandomStreams, SimDuration, SimRng, SimTime, stable_hash};

/// Hold every class's arrival source and every client's process memory.
///
/// Client policies (redirects, retries, DNS caching) keep their logic next to their
/// types in [`crate::client`]; this part hands each policy the memory of the client it
/// acts for.
pub(crate) struct Clients<'a> {
    config: &'a WorldConfig,
    /// Per class: its arrivals and choices.
    sources: Vec<Source>,
    /// Per class, per client: what its process remembers.
    memory: Vec<Vec<ClientMemory>>,
    /// Seeds each client's restart phase (the run's master seed).
    phase_seed: u64,
    /// Retry backoffs, stream `retries`.
    retry_rng: SimRng,
}

impl<'a> Clients<'a> {
    /// Every client of `config` with an empty memory.
    pub(crate) fn new(config: &'a WorldConfig, streams: RandomStreams) -> Self {
        let mut tables = PopularityTables::default();
        let sources = config
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| Source::new(i, c, &config.objects, streams, &mut tables))
            .collect();
        let memory = config
            .classes
            .iter()
            .map(|c| vec![ClientMemory::default(); c.count as usize])
            .collect();
        Clients {
            config,
            sources,
            memory,
            phase_seed: streams.master_seed(),
            retry_rng: streams.stream("retries", 0),
        }
    }

    /// When class `class`'s first request starts; `None` if not before it stops.
    pub(crate) fn first_arrival(&mut self, class: usize) -> Option<SimTime> {
        let c = &self.config.classes[class];
        let first = self.sources[class].first(c, &self.config.objects);
        self.prefetch_scheduled(class);
        first
    }

    /// Start a request of class `class` at `now` (its scheduled arrival): take its
    /// client, bucket and key, restart the client's process if its lifetime says so,
    /// and address the first hop (the class's CDN distribution, or where the client's
    /// redirect policy starts). Also returns when the class's next request starts
    /// (`None`: not before the class stops).
    pub(crate) fn arrive(&mut self, class: usize, now: SimTime) -> (Request, Option<SimTime>) {
        let c = &self.config.classes[class];
        let (choice, next) = self.sources[class].advance(c, &self.config.objects);
        self.prefetch_scheduled(class);
        self.begin_process_epoch(class, choice.client, now);
        let method = self.sources[class].method(c);
        let memory = &self.memory[class][choice.client as usize];
        let home = c
            .region
            .unwrap_or(self.config.buckets[choice.bucket as usize].region);
        let host = match c.cdn {
            Some(distribution) => Host::Distribution(distribution),
            None => c
                .redirects
                .first_host(memory, c.addressing, choice.bucket, home, now),
        };
        let signed_for = (c.sigv4 && c.cdn.is_none())
            .then(|| c.redirects.signing_region(memory, choice.bucket, home, now));
        let mut request = Request::new(
            now,
            class as u16,
            choice.client,
            (choice.bucket, choice.key),
            c.location,
            host,
        );
        (request.method, request.signed_for) = (method, signed_for);
        (request, next)
    }

    /// Start loading the record of the client of class `class`'s scheduled arrival
    /// into the cache; changes nothing.
    ///
    /// Why: a record is 40 bytes among some 100 000, so reaching a random one misses the
    /// cache. The arrival's client is drawn when the arrival is scheduled
    /// ([`Source::advance`]), about a hundred events before it starts; a prefetch then
    /// starts the load without waiting for it (a plain read would stall the pipeline as
    /// the miss does). The record after it is prefetched too: a 40-byte record may
    /// straddle two 64-byte cache lines. One past the end of the slice is harmless: a
    /// prefetch never faults.
    fn prefetch_scheduled(&self, class: usize) {
        if let Some(choice) = self.sources[class].scheduled() {
            let records = &self.memory[class];
            let client = choice.client as usize;
            prefetch_index(records, client);
            prefetch_index(records, client + 1);
        }
    }

    /// Drop what the process remembers that expired by `now`, and forget all it knew if
    /// it is a new one: every request for a
    /// per-request lifetime, once per period (at a phase of its own) for a periodic one.
    fn begin_process_epoch(&mut self, class: usize, client: u32, now: SimTime) {
        let memory = &mut self.memory[class][client as usize];
        memory.drop_expired(now);
        match self.config.classes[class].lifetime {
            Lifetime::LongLived => {}
            Lifetime::PerRequest => memory.forget_all(),
            Lifetime::RestartEvery(period) => {
                let key = [self.phase_seed, class as u64, u64::from(client)];
                let mut bytes = [0u8; 24];
                for (chunk, k) in bytes.chunks_exact_mut(8).zip(key) {
                    chunk.copy_from_slice(&k.to_le_bytes());
                }
                let phase = stable_hash(&bytes) % period.as_nanos();
                memory.enter_epoch(((now.as_nanos() + phase) / period.as_nanos()) as u32);
            }
        }
    }

    /// The process memory of client `client` of class `class`.
    pub(crate) fn memory(&mut self, class: usize, client: u32) -> &mut ClientMemory {
        &mut self.memory[class][client as usize]
    }

    /// Decide, per the class's retry policy and the client's quota, whether `request`
    /// tries again; the backoff if it does.
    pub(crate) fn retry(&mut self, request: &mut Request) -> Option<SimDuration> {
        let class = usize::from(request.class);
        let policy = self.config.classes[class].retry.as_ref()?;
        let memory = &mut self.memory[class][request.client as usize];
        let status = request.response.status;
        policy.next_try(status, &mut request.attempts, memory, &mut self.retry_rng)
    }

    /// Decide, per the class's redirect policy, where `request` goes next (host, key,
    /// method, signature); `None` ends it.
    pub(crate) fn next_hop(&mut self, request: &mut Request, now: SimTime) -> Option<Hop> {
        let class = usize::from(request.class);
        let c = &self.config.classes[class];
        let memory = &mut self.memory[class][request.client as usize];
        let hop = request.hop();
        let state = &mut request.redirects;
        c.redirects
            .next_hop(hop, &request.response, state, memory, c.addressing, now)
    }

    /// Give the client's process the retry tokens a successful `request` earns.
    pub(crate) fn refund(&mut self, request: &Request) {
        let class = usize::from(request.class);
        if let Some(quota) = self.config.classes[class].retry.and_then(|p| p.quota) {
            quota.refund(&mut self.memory[class][request.client as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientClass, RedirectPolicy, RegionCache, RetryPolicy, RetryQuota};
    use crate::response::{Response, Status};
    use crate::world::fixture::{class, s, world};
    use s3sim_engine::RandomStreams;

    /// Every class of `config` with its first arrival scheduled.
    fn scheduled(config: &WorldConfig) -> Clients<'_> {
        let mut clients = Clients::new(config, RandomStreams::new(1));
        for class in 0..config.classes.len() {
            clients.first_arrival(class);
        }
        clients
    }

    fn remembers_region(clients: &mut Clients) -> bool {
        clients.memory(0, 0).region(0, SimTime::ZERO).is_some()
    }

    #[test]
    fn a_per_request_process_forgets_before_every_request_and_a_long_lived_one_never() {
        for (lifetime, kept) in [(Lifetime::PerRequest, false), (Lifetime::LongLived, true)] {
            let config = world(vec![ClientClass {
                lifetime,
                ..class(1, s(60))
            }]);
            let mut clients = scheduled(&config);
            clients.memory(0, 0).learn_region(0, 1, SimTime::NEVER);
            clients.arrive(0, SimTime::from_secs(10));
            assert_eq!(remembers_region(&mut clients), kept, "{lifetime:?}");
        }
    }

    #[test]
    fn a_restarting_process_forgets_exactly_once_per_period() {
        let config = world(vec![ClientClass {
            lifetime: Lifetime::RestartEvery(s(100)),
            ..class(1, s(60))
        }]);
        let mut clients = scheduled(&config);
        let mut restarts = Vec::new();
        for t in 0..400 {
            clients.memory(0, 0).learn_region(0, 1, SimTime::NEVER);
            clients.arrive(0, SimTime::from_secs(t + 1));
            if !remembers_region(&mut clients) {
                restarts.push(t + 1);
            }
        }
        let gaps: Vec<u64> = restarts.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            restarts.len() >= 3 && gaps.iter().all(|&g| g == 100),
            "{restarts:?}"
        );
    }

    #[test]
    fn a_request_starts_at_its_distribution_or_where_its_policy_remembers() {
        let sdk = ClientClass {
            redirects: RedirectPolicy::SdkRegion {
                cache: RegionCache::Forever,
            },
            ..class(1, s(60))
        };
        let viewer = ClientClass {
            cdn: Some(3),
            ..class(1, s(60))
        };
        let config = world(vec![sdk, viewer]);
        let mut clients = scheduled(&config);
        let now = SimTime::from_secs(10);
        assert_eq!(clients.arrive(0, now).0.host, Host::BucketGlobal(0));
        clients.memory(0, 0).learn_region(0, 1, SimTime::NEVER);
        assert_eq!(clients.arrive(0, now).0.host, Host::BucketRegional(0, 1));
        assert_eq!(clients.arrive(1, now).0.host, Host::Distribution(3));
    }

    #[test]
    fn retries_spend_the_process_quota_and_a_success_refunds_some() {
        let quota = RetryQuota {
            capacity: 10,
            retry_cost: 5,
            timeout_cost: 5,
            success_refund: 5,
        };
        let retry = RetryPolicy {
            max_attempts: 100,
            base: s(1),
            cap: s(1),
            quota: Some(quota),
        };
        let config = world(vec![ClientClass {
            retry: Some(retry),
            ..class(1, s(60))
        }]);
        let mut clients = scheduled(&config);
        let (mut request, _) = clients.arrive(0, SimTime::ZERO);
        request.response = Response::bare(Status::SlowDown);
        let mut tries = |clients: &mut Clients| clients.retry(&mut request).is_some();
        assert!(tries(&mut clients) && tries(&mut clients));
        assert!(!tries(&mut clients), "10 tokens spent");
        let (done, _) = clients.arrive(0, SimTime::ZERO);
        clients.refund(&done);
        assert!(tries(&mut clients), "5 tokens back");
        assert_eq!(request.attempts, 4);
    }
}
