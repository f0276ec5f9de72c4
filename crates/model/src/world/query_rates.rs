//! How often each resolver is asked for each name at the start of a run: the rate a
//! warm start needs to draw a cache's stationary state (docs/domain.md §6).

use super::config::WorldConfig;
use crate::client::{Arrivals, ClientClass, DnsCachePolicy, Lifetime};
use crate::dns::Host;
use s3sim_engine::{SimDuration, SimTime};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

type Fixed = BuildHasherDefault<std::hash::DefaultHasher>;

/// Hold, for every name the classes that send requests from t = 0 ask, what one client
/// of each such class asks per second, and how those classes spread over resolvers.
pub(crate) struct QueryRates {
    classes: Vec<ClassShare>,
    /// Per name: (index in `classes`, requests per second of one of its clients), in
    /// class order.
    by_host: HashMap<Host, Vec<(usize, f64)>, Fixed>,
}

/// How one class's clients spread over resolvers and keep answers.
struct ClassShare {
    /// Its resolvers; client i uses `resolvers.start + i % len`.
    resolvers: Range<u32>,
    /// Its clients.
    count: u32,
    /// How long a client keeps an answer in process.
    hold: Hold,
}

/// How long a client process keeps an answer before asking its resolver again.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Hold {
    /// A fixed time (zero: asks every time).
    For(SimDuration),
    /// As long as the resolver's TTL.
    Ttl,
    /// At least this long, or the resolver's TTL when longer.
    AtLeast(SimDuration),
    /// Until the process ends: never, in a process that lives for the whole run.
    Forever,
}

impl QueryRates {
    /// The rates of `config`'s classes that send requests at t = 0 straight to S3
    /// (CDN viewers ask no S3 name; edges' origin fetches are left out).
    pub(crate) fn new(config: &WorldConfig) -> Self {
        let mut rates = QueryRates {
            classes: Vec::new(),
            by_host: HashMap::default(),
        };
        let active = |c: &&ClientClass| {
            c.start == SimTime::ZERO && c.stop > SimTime::ZERO && c.cdn.is_none()
        };
        for class in config.classes.iter().filter(active) {
            rates.add(class, config);
        }
        rates
    }

    /// Add what each client of `class` asks per second, per name.
    fn add(&mut self, class: &ClientClass, config: &WorldConfig) {
        let index = self.classes.len();
        self.classes.push(ClassShare {
            resolvers: class.resolvers.clone(),
            count: class.count,
            hold: hold(class),
        });
        let rate = match class.arrivals {
            Arrivals::Periodic { interval } => 1.0 / interval.as_secs_f64(),
            other => other.per_client_per_sec_at(class.start, class.stop, SimTime::ZERO),
        };
        for (&bucket, weight) in class.buckets.iter().zip(weights(class)) {
            // The first name asked, as `RedirectPolicy::first_host` picks it with an
            // empty memory: the configured region's, else the bucket's.
            let home = class
                .region
                .unwrap_or(config.buckets[bucket as usize].region);
            let host = class.addressing.host(bucket, home);
            let shares = self.by_host.entry(host).or_default();
            match shares.last_mut() {
                Some((last, lambda)) if *last == index => *lambda += rate * weight,
                _ => shares.push((index, rate * weight)),
            }
        }
    }

    /// Queries per second that `resolver` gets for `host` at the start, when its answers
    /// live `ttl`: each client asking at rate λ for a name and keeping the answer for D
    /// in process asks its resolver at λ / (1 + λD) (a renewal: D, then an exponential
    /// wait for its next request); the clients' streams add up.
    pub(crate) fn rate(&self, resolver: u32, host: Host, ttl: SimDuration) -> f64 {
        let Some(shares) = self.by_host.get(&host) else {
            return 0.0;
        };
        shares
            .iter()
            .map(|&(class, lambda)| (&self.classes[class], lambda))
            .filter(|(c, _)| c.resolvers.contains(&resolver))
            .map(|(c, lambda)| c.clients_on(resolver) * asked(lambda, c.hold, ttl))
            .sum()
    }
}

impl ClassShare {
    /// How many of the class's clients use `resolver` (one of its own).
    fn clients_on(&self, resolver: u32) -> f64 {
        let n = self.resolvers.end - self.resolvers.start;
        let slot = resolver - self.resolvers.start;
        let extra = u32::from(slot < self.count % n);
        f64::from(self.count / n + extra)
    }
}

/// The share of a class's requests that goes to each of its buckets, in list order.
fn weights(class: &ClientClass) -> Vec<f64> {
    let raw = class.popularity.weights(class.buckets.len());
    let total: f64 = raw.iter().sum();
    raw.into_iter().map(|w| w / total).collect()
}

/// How long a client of `class` keeps an answer in process.
fn hold(class: &ClientClass) -> Hold {
    let per_request = class.lifetime == Lifetime::PerRequest;
    match class.dns {
        _ if per_request => Hold::For(SimDuration::ZERO),
        DnsCachePolicy::None => Hold::For(SimDuration::ZERO),
        DnsCachePolicy::HonorTtl => Hold::Ttl,
        DnsCachePolicy::Fixed(d) => Hold::For(d),
        DnsCachePolicy::AtLeast(d) => Hold::AtLeast(d),
        DnsCachePolicy::Forever | DnsCachePolicy::UntilRestart => match class.lifetime {
            Lifetime::RestartEvery(period) => Hold::For(period),
            _ => Hold::Forever,
        },
    }
}

/// Resolver queries per second of one client that requests a name at `lambda` per second
/// and keeps each answer as `hold` says, when the resolver's answers live `ttl`.
fn asked(lambda: f64, hold: Hold, ttl: SimDuration) -> f64 {
    let held = match hold {
        Hold::For(d) => d,
        Hold::Ttl => ttl,
        Hold::AtLeast(d) => d.max(ttl),
        Hold::Forever => return 0.0,
    };
    lambda / (1.0 + lambda * held.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::{class, s, world};

    #[test]
    fn a_resolver_gets_each_clients_rate_thinned_by_what_the_process_keeps() {
        // Ten periodic clients (one request each 10 s) over two resolvers: five each.
        let mut config = world(vec![class(10, s(10)), class(3, s(10))]);
        config.resolver_groups[0].count = 2;
        config.classes[0].resolvers = 0..2;
        config.classes[1].resolvers = 0..2;
        config.classes[1].dns = DnsCachePolicy::Fixed(s(30));
        let rates = QueryRates::new(&config);
        let host = Host::BucketGlobal(0);
        let ttl = s(5);
        // Class 0 asks every time: 5 × 0.1; class 1 keeps answers 30 s: 0.1 / (1 + 3)
        // per client, two clients on resolver 0 and one on resolver 1.
        let expected = |own: f64| 0.5 + own * 0.025;
        assert!((rates.rate(0, host, ttl) - expected(2.0)).abs() < 1e-12);
        assert!((rates.rate(1, host, ttl) - expected(1.0)).abs() < 1e-12);
        assert_eq!(rates.rate(0, Host::PathGlobal, ttl), 0.0, "nobody asks it");
    }

    #[test]
    fn classes_that_start_later_or_cache_for_ever_add_nothing() {
        let mut config = world(vec![class(4, s(1)), class(4, s(1))]);
        config.classes[0].start = SimTime::from_secs(60);
        config.classes[1].dns = DnsCachePolicy::Forever;
        let rates = QueryRates::new(&config);
        assert_eq!(rates.rate(0, Host::BucketGlobal(0), s(5)), 0.0);
        config.classes[1].lifetime = Lifetime::RestartEvery(s(99));
        let restarting = QueryRates::new(&config).rate(0, Host::BucketGlobal(0), s(5));
        assert!(
            (restarting - 4.0 / (1.0 + 99.0)).abs() < 1e-12,
            "{restarting}"
        );
    }
}
