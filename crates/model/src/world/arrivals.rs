//! One client class's arrival process and its choices: when its next request starts
//! (Poisson, periodic, or a Poisson ramp sampled by thinning), and which client, bucket
//! and key the request is for.

use crate::bucket::{BucketId, KeyId};
use crate::client::{Arrivals, ClientClass, KeyChoice, Popularity};
use crate::objects::Objects;
use crate::response::Method;
use rand::RngExt;
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Distribution, Exp};
use s3sim_engine::{RandomStreams, SimDuration, SimRng, SimTime};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Draw a 0-based rank with probability proportional to its Zipf weight (i+1)^(−s).
///
/// Walker's alias method (A. J. Walker, ACM TOMS 3(3), 1977,
/// <https://doi.org/10.1145/355744.355749>; rand_distr's `WeightedAliasIndex`) is
/// exact for the weights given and costs two uniform draws and two table reads per
/// sample; rand_distr's `Zipf` (rejection-inversion) calls `powf` three times per try,
/// 13 % of the light reference study's CPU time. The table of n = 2 000 ranks is
/// 24 kB and stays in cache; `benches/README.md` has the measured gain.
type RankSampler = Arc<WeightedAliasIndex<f64>>;

/// Build each alias table once per world: classes with the same number of choices and
/// exponent share one, so the tables' cache footprint does not grow with the classes.
#[derive(Default)]
pub(crate) struct PopularityTables(BTreeMap<(usize, u64), RankSampler>);

impl PopularityTables {
    /// The sampler over `n` ranks with weights i^(−s).
    fn zipf(&mut self, n: usize, s: f64) -> RankSampler {
        let table = self.0.entry((n, s.to_bits())).or_insert_with(|| {
            let weights = Popularity::Zipf(s).weights(n);
            Arc::new(WeightedAliasIndex::new(weights).expect("exponent checked, n > 0"))
        });
        Arc::clone(table)
    }
}

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
    /// Method choice (drawn only for a mixed class).
    methods: SimRng,
    /// Bucket popularity over the class's buckets (`None`: uniform).
    zipf: Option<RankSampler>,
    /// Per bucket of the class: key popularity over the bucket's objects.
    key_zipf: Vec<Option<RankSampler>>,
    /// The client of the next periodic arrival (clients take turns).
    next_periodic_client: u32,
    /// The arrival after the scheduled one, drawn one ahead (see [`Source::advance`]).
    after: SimTime,
    /// What the scheduled arrival asks for, drawn when it was scheduled.
    scheduled: Option<Choice>,
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
    /// The source of class number `index`, with its own streams; its Zipf samplers
    /// come from (and go to) `tables`.
    pub(crate) fn new(
        index: usize,
        class: &ClientClass,
        objects: &Objects,
        streams: RandomStreams,
        tables: &mut PopularityTables,
    ) -> Self {
        let zipf = match class.popularity {
            Popularity::Zipf(s) => Some(tables.zipf(class.buckets.len(), s)),
            Popularity::Uniform => None,
        };
        Source {
            arrivals: streams.stream("arrivals", index as u64),
            workload: streams.stream("workload", index as u64),
            keys: streams.stream("keys", index as u64),
            methods: streams.stream("methods", index as u64),
            zipf,
            key_zipf: key_samplers(class, objects, tables),
            next_periodic_client: 0,
            after: SimTime::NEVER,
            scheduled: None,
        }
    }

    /// Schedule the class's first arrival: its time (`None`: not before the class
    /// stops), with what it asks for and the time of the one after drawn already.
    pub(crate) fn first(&mut self, class: &ClientClass, objects: &Objects) -> Option<SimTime> {
        let first = self.first_arrival(class);
        (first < class.stop).then(|| {
            self.draw_ahead(class, objects, first);
            first
        })
    }

    /// Start the scheduled arrival: what it asks for, and the time of the class's next
    /// arrival if it is before the class stops (then what that one asks for is drawn).
    ///
    /// Why one ahead: knowing the next arrival's client while other events run lets the
    /// caller load that client's record into the cache early (a random client among
    /// 100 000 is a cache miss). Each stream keeps its order: `arrivals` still gives
    /// t1, t2, c1, t3, c2, … as when each client was drawn at its arrival.
    ///
    /// Panics if no arrival is scheduled (call [`Source::first`] first).
    pub(crate) fn advance(
        &mut self,
        class: &ClientClass,
        objects: &Objects,
    ) -> (Choice, Option<SimTime>) {
        let choice = self.scheduled.take().expect("an arrival is scheduled");
        let next = Some(self.after).filter(|&t| t < class.stop);
        if let Some(t) = next {
            self.draw_ahead(class, objects, t);
        }
        (choice, next)
    }

    /// What the scheduled arrival asks for, if one is scheduled.
    pub(crate) fn scheduled(&self) -> Option<Choice> {
        self.scheduled
    }

    /// For an arrival scheduled at `at`: draw the time of the one after it, then what
    /// it asks for (the order in which the streams were always read).
    fn draw_ahead(&mut self, class: &ClientClass, objects: &Objects, at: SimTime) {
        self.after = self.next_arrival(class, at);
        self.scheduled = Some(self.choose(class, objects));
    }

    /// When the class's first request starts: at its start for periodic arrivals, else
    /// the first arrival after it.
    fn first_arrival(&mut self, class: &ClientClass) -> SimTime {
        match class.arrivals {
            Arrivals::Periodic { .. } => class.start,
            _ => self.next_arrival(class, class.start),
        }
    }

    /// The class's next arrival after `now`; a ramp is sampled by thinning a Poisson
    /// process at its peak rate (Lewis and Shedler).
    fn next_arrival(&mut self, class: &ClientClass, now: SimTime) -> SimTime {
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

    /// Choose the method of a new request, from its own stream.
    pub(crate) fn method(&mut self, class: &ClientClass) -> Method {
        class.methods.choose(&mut self.methods)
    }

    /// Choose the client, the bucket and the key of a new request, in that order.
    fn choose(&mut self, class: &ClientClass, objects: &Objects) -> Choice {
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
        let slot = match &self.zipf {
            Some(zipf) => zipf.sample(&mut self.workload),
            None => self.workload.random_range(0..class.buckets.len()),
        };
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
                    Some(zipf) => zipf.sample(&mut self.keys),
                    None if keys.len() > 1 => self.keys.random_range(0..keys.len()),
                    None => 0,
                };
                keys[index]
            }
        }
    }
}

/// Build each of a class's per-bucket key samplers (Zipf over the bucket's objects).
fn key_samplers(
    class: &ClientClass,
    objects: &Objects,
    tables: &mut PopularityTables,
) -> Vec<Option<RankSampler>> {
    let KeyChoice::Objects(Popularity::Zipf(s)) = class.keys else {
        return Vec::new();
    };
    class
        .buckets
        .iter()
        .map(|&b| {
            let n = objects.per_bucket.get(b as usize).map_or(0, Vec::len);
            (n > 1).then(|| tables.zipf(n, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::{class, s};
    use s3sim_engine::RandomStreams;

    fn source(class: &ClientClass, objects: &Objects) -> Source {
        Source::new(
            0,
            class,
            objects,
            RandomStreams::new(7),
            &mut PopularityTables::default(),
        )
    }

    #[test]
    fn drawing_one_arrival_ahead_keeps_every_stream_s_order() {
        // The order before look-ahead: at each arrival, the time of the next one, then
        // this one's client, bucket and key. `first` + `advance` must give the same.
        let objects = Objects::build(
            vec![
                (0..50).map(|i| format!("k{i}")).collect(),
                vec!["x".into(); 1],
            ],
            &[None, None],
            &[],
            0,
        );
        let c = ClientClass {
            arrivals: Arrivals::Poisson {
                per_client_per_sec: 0.5,
            },
            buckets: vec![0, 1],
            popularity: Popularity::Zipf(1.0),
            keys: KeyChoice::Objects(Popularity::Zipf(0.8)),
            stop: SimTime::from_secs(200),
            ..class(10, s(1))
        };
        let mut before = source(&c, &objects);
        let mut expected = Vec::new();
        let mut t = before.first_arrival(&c);
        while t < c.stop {
            let next = before.next_arrival(&c, t);
            expected.push((t, before.choose(&c, &objects)));
            t = next;
        }
        let mut ahead = source(&c, &objects);
        let mut got = Vec::new();
        let mut at = ahead.first(&c, &objects);
        while let Some(t) = at {
            let scheduled = ahead.scheduled();
            let (choice, next) = ahead.advance(&c, &objects);
            assert_eq!(scheduled, Some(choice), "what was scheduled is what starts");
            got.push((t, choice));
            at = next;
        }
        assert!(expected.len() > 900, "{} arrivals", expected.len());
        assert_eq!(got, expected);
        assert_eq!(
            ahead.scheduled(),
            None,
            "nothing is scheduled after the stop"
        );
    }

    #[test]
    fn classes_with_the_same_choices_and_exponent_share_one_alias_table() {
        let mut tables = PopularityTables::default();
        let a = tables.zipf(2000, 0.8);
        let b = tables.zipf(2000, 0.8);
        let other = tables.zipf(2000, 1.0);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &other));
        assert_eq!(tables.0.len(), 2);
    }

    #[test]
    fn periodic_clients_take_turns_at_evenly_staggered_times() {
        let c = ClientClass {
            start: SimTime::from_secs(50),
            ..class(3, s(300))
        };
        let objects = Objects::default();
        let mut source = source(&c, &objects);
        assert_eq!(source.first_arrival(&c), SimTime::from_secs(50));
        assert_eq!(
            source.next_arrival(&c, SimTime::from_secs(50)),
            SimTime::from_secs(150)
        );
        let clients: Vec<u32> = (0..4).map(|_| source.choose(&c, &objects).client).collect();
        assert_eq!(clients, [0, 1, 2, 0]);
    }

    #[test]
    fn a_poisson_ramp_is_thinned_to_the_rate_it_ramps_through() {
        // One client ramping from 1/s to 3/s over 1000 s: 750 arrivals expected in the
        // first half and 1250 in the second (Poisson: standard deviations 27 and 35).
        let c = ClientClass {
            arrivals: Arrivals::PoissonRamp {
                from_per_client_per_sec: 1.0,
                to_per_client_per_sec: 3.0,
            },
            stop: SimTime::from_secs(1000),
            ..class(1, s(1))
        };
        let mut source = source(&c, &Objects::default());
        let mut t = source.first_arrival(&c);
        let mut halves = [0u32; 2];
        while t < c.stop {
            halves[usize::from(t >= SimTime::from_secs(500))] += 1;
            t = source.next_arrival(&c, t);
        }
        assert!(
            (750 - 4 * 27..=750 + 4 * 27).contains(&halves[0]),
            "{halves:?}"
        );
        assert!(
            (1250 - 4 * 35..=1250 + 4 * 35).contains(&halves[1]),
            "{halves:?}"
        );
    }

    #[test]
    fn listed_keys_are_drawn_uniformly_and_a_single_one_always() {
        let objects = Objects::default();
        let two = ClientClass {
            keys: KeyChoice::Listed(vec![5, 6]),
            ..class(1, s(1))
        };
        let mut source = source(&two, &objects);
        let fives = (0..2000)
            .filter(|_| source.choose(&two, &objects).key == 5)
            .count();
        assert!((900..1100).contains(&fives), "{fives} of 2000");
        let one = ClientClass {
            keys: KeyChoice::Listed(vec![7]),
            ..class(1, s(1))
        };
        assert_eq!(source.choose(&one, &objects).key, 7);
    }

    #[test]
    fn zipf_keys_favour_the_bucket_s_first_objects_by_weight() {
        // Weights 1, 1/2, 1/3 over three objects: shares 6/11, 3/11, 2/11.
        let keys = vec!["a".to_string(), "b".into(), "c".into()];
        let objects = Objects::build(vec![keys], &[None], &[], 0);
        let c = ClientClass {
            keys: KeyChoice::Objects(Popularity::Zipf(1.0)),
            ..class(1, s(1))
        };
        let mut source = source(&c, &objects);
        let mut counts = [0u32; 3];
        for _ in 0..11_000 {
            counts[source.choose(&c, &objects).key as usize] += 1;
        }
        let expected = [6000, 3000, 2000];
        for (count, mean) in counts.iter().zip(expected) {
            assert!(count.abs_diff(mean) < 250, "{counts:?}");
        }
    }
}
