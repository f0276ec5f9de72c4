//! The clients of every class: where their requests come from, and what each client
//! process remembers between them (DNS answers, learned regions, sticky endpoints,
//! retry tokens) until it restarts.

use super::arrivals::Source;
use super::config::WorldConfig;
use super::request::Request;
use crate::bucket::KeyId;
use crate::client::{ClientMemory, Lifetime};
use crate::dns::Host;
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
        let sources = config
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| Source::new(i, c, &config.objects, streams))
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
        Some(self.sources[class].first_arrival(c)).filter(|&t| t < c.stop)
    }

    /// When class `class`'s next request after `now` starts; `None` if not before it
    /// stops.
    pub(crate) fn next_arrival(&mut self, class: usize, now: SimTime) -> Option<SimTime> {
        let c = &self.config.classes[class];
        Some(self.sources[class].next_arrival(c, now)).filter(|&t| t < c.stop)
    }

    /// Start a request of class `class` at `now`: choose its client, bucket and key,
    /// restart the client's process if its lifetime says so, and address the first hop
    /// (the class's CDN distribution, or where the client's redirect policy starts).
    pub(crate) fn arrive(&mut self, class: usize, now: SimTime) -> Request {
        let c = &self.config.classes[class];
        let choice = self.sources[class].choose(c, &self.config.objects);
        self.begin_process_epoch(class, choice.client, now);
        let host = match c.cdn {
            Some(distribution) => Host::Distribution(distribution),
            None => {
                let memory = &self.memory[class][choice.client as usize];
                let home = self.config.buckets[choice.bucket as usize].region;
                c.redirects
                    .first_host(memory, c.addressing, choice.bucket, home, now)
            }
        };
        Request::new(
            now,
            class as u16,
            choice.client,
            (choice.bucket, choice.key),
            c.location,
            host,
        )
    }

    /// Forget what the process knew if it is a new one: every request for a
    /// per-request lifetime, once per period (at a phase of its own) for a periodic one.
    fn begin_process_epoch(&mut self, class: usize, client: u32, now: SimTime) {
        let memory = &mut self.memory[class][client as usize];
        match self.config.classes[class].lifetime {
            Lifetime::LongLived => {}
            Lifetime::PerRequest => memory.forget_all(),
            Lifetime::RestartEvery(period) => {
                let key = [self.phase_seed, class as u64, u64::from(client)];
                let bytes: Vec<u8> = key.iter().flat_map(|k| k.to_le_bytes()).collect();
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

    /// Decide, per the class's redirect policy, where `request` goes next (host and
    /// key); `None` ends it.
    pub(crate) fn next_hop(
        &mut self,
        request: &mut Request,
        now: SimTime,
    ) -> Option<(Host, KeyId)> {
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
