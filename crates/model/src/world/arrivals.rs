//! One client class's arrival process and its choices: when its next request starts
//! (Poisson, periodic, or a Poisson ramp sampled by thinning), and which client, bucket
//! and key the request is for.

use crate::bucket::{BucketId, KeyId};
use crate::client::{Arrivals, ClientClass, KeyChoice, Popularity};
use crate::objects::Objects;
use rand::RngExt;
use rand_distr::{Distribution, Exp, Zipf};
use s3sim_engine::{RandomStreams, SimDuration, SimRng, SimTime};

/// Generate one class's requests: their start times and what each asks for.
///
/// Each choice draws from its own named stream (`arrivals`, `workload`, `keys`, indexed
/// by class), so changing how keys are chosen never moves the arrival times.
pub(crate) struct Source {
    /// Arrival times, and the client of a Poisson arrival.
    arrivals: SimRng,
    /// Bucket choice.
    workload: SimRng,
    /// Key choice.
    keys: SimRng,
    /// Bucket popularity over the class's buckets (`None`: uniform).
    zipf: Option<Zipf<f64>>,
    /// Per bucket of the class: key popularity over the bucket's objects.
    key_zipf: Vec<Option<Zipf<f64>>>,
    /// The client of the next periodic arrival (clients take turns).
    next_periodic_client: u32,
}

/// What one new request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Choice {
    /// The client within the class.
    pub(crate) client: u32,
    /// The bucket.
    pub(crate) bucket: BucketId,
    /// The key.
    pub(crate) key: KeyId,
}

impl Source {
    /// The source of class number `index`, with its own streams.
    pub(crate) fn new(
        index: usize,
        class: &ClientClass,
        objects: &Objects,
        streams: RandomStreams,
    ) -> Self {
        let zipf = match class.popularity {
            Popularity::Zipf(s) => Some(Zipf::new(class.buckets.len() as f64, s).expect("checked")),
            Popularity::Uniform => None,
        };
        Source {
            arrivals: streams.stream("arrivals", index as u64),
            workload: streams.stream("workload", index as u64),
            keys: streams.stream("keys", index as u64),
            zipf,
            key_zipf: key_samplers(class, objects),
            next_periodic_client: 0,
        }
    }

    /// When the class's first request starts: at its start for periodic arrivals, else
    /// the first arrival after it.
    pub(crate) fn first_arrival(&mut self, class: &ClientClass) -> SimTime {
        match class.arrivals {
            Arrivals::Periodic { .. } => class.start,
            _ => self.next_arrival(class, class.start),
        }
    }

    /// The class's next arrival after `now`; a ramp is sampled by thinning a Poisson
    /// process at its peak rate (Lewis and Shedler).
    pub(crate) fn next_arrival(&mut self, class: &ClientClass, now: SimTime) -> SimTime {
        let clients = f64::from(class.count);
        let rng = &mut self.arrivals;
        let exp_gap = |rate: f64, rng: &mut SimRng| {
            let gap: f64 = Exp::new(rate).expect("rate checked").sample(rng);
            SimDuration::from_secs_f64(gap)
        };
        match class.arrivals {
            Arrivals::Poisson { per_client_per_sec } => {
                now + exp_gap(per_client_per_sec * clients, rng)
            }
            Arrivals::Periodic { interval } => {
                let gap = interval.as_nanos() / u64::from(class.count);
                now + SimDuration::from_nanos(gap.max(1))
            }
            Arrivals::PoissonRamp { .. } => {
                let peak = class.arrivals.peak_per_client_per_sec() * clients;
                let mut t = now;
                loop {
                    t += exp_gap(peak, rng);
                    let rate = class
                        .arrivals
                        .per_client_per_sec_at(class.start, class.stop, t)
                        * clients;
                    if t >= class.stop || rng.random::<f64>() * peak < rate {
                        return t;
                    }
                }
            }
        }
    }

    /// Choose the client, the bucket and the key of a new request, in that order.
    pub(crate) fn choose(&mut self, class: &ClientClass, objects: &Objects) -> Choice {
        let client = self.pick_client(class);
        let (slot, bucket) = self.pick_bucket(class);
        let key = self.pick_key(class, objects, slot, bucket);
        Choice {
            client,
            bucket,
            key,
        }
    }

    fn pick_client(&mut self, class: &ClientClass) -> u32 {
        match class.arrivals {
            Arrivals::Poisson { .. } | Arrivals::PoissonRamp { .. } => {
                self.arrivals.random_range(0..class.count)
            }
            Arrivals::Periodic { .. } => {
                let client = self.next_periodic_client;
                self.next_periodic_client = (client + 1) % class.count;
                client
            }
        }
    }

    /// Pick a bucket of the class: its position in the class's list (which the key
    /// samplers are indexed by) and its id.
    fn pick_bucket(&mut self, class: &ClientClass) -> (usize, BucketId) {
        let index = match &self.zipf {
            Some(zipf) => zipf.sample(&mut self.workload) as usize - 1,
            None => self.workload.random_range(0..class.buckets.len()),
        };
        let slot = index.min(class.buckets.len() - 1);
        (slot, class.buckets[slot])
    }

    fn pick_key(
        &mut self,
        class: &ClientClass,
        objects: &Objects,
        slot: usize,
        bucket: BucketId,
    ) -> KeyId {
        match &class.keys {
            KeyChoice::Listed(keys) if keys.len() > 1 => {
                keys[self.keys.random_range(0..keys.len())]
            }
            KeyChoice::Listed(keys) => keys.first().copied().unwrap_or(0),
            KeyChoice::Objects(_) => {
                let per_bucket = &objects.per_bucket;
                let Some(keys) = per_bucket.get(bucket as usize).filter(|k| !k.is_empty()) else {
                    return 0;
                };
                let index = match self.key_zipf.get(slot).and_then(Option::as_ref) {
                    Some(zipf) => zipf.sample(&mut self.keys) as usize - 1,
                    None if keys.len() > 1 => self.keys.random_range(0..keys.len()),
                    None => 0,
                };
                keys[index.min(keys.len() - 1)]
            }
        }
    }
}

/// Build each of a class's per-bucket key samplers (Zipf over the bucket's objects).
fn key_samplers(class: &ClientClass, objects: &Objects) -> Vec<Option<Zipf<f64>>> {
    let KeyChoice::Objects(Popularity::Zipf(s)) = class.keys else {
        return Vec::new();
    };
    class
        .buckets
        .iter()
        .map(|&b| {
            let n = objects.per_bucket.get(b as usize).map_or(0, Vec::len);
            (n > 1).then(|| Zipf::new(n as f64, s).expect("exponent checked"))
        })
        .collect()
}
