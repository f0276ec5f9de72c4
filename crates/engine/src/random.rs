//! Named, independent random streams derived from one master seed.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator every stream uses: portable and fixed across rand releases.
pub type SimRng = Xoshiro256PlusPlus;

/// Derive independent random streams by name from one master seed.
///
/// Each model component draws from its own stream (`"arrivals"`, `"propagation"`, …),
/// so adding a component or a draw in one place never shifts another component's
/// numbers. Derivation uses only SplitMix64 and FNV-1a, so a (seed, name, index)
/// triple gives the same stream on every platform and release.
///
/// ```
/// use rand::RngExt;
/// use s3sim_engine::RandomStreams;
/// let streams = RandomStreams::new(42);
/// let a: u64 = streams.stream("arrivals", 0).random();
/// let again: u64 = RandomStreams::new(42).stream("arrivals", 0).random();
/// let other: u64 = streams.stream("propagation", 0).random();
/// assert_eq!(a, again);
/// assert_ne!(a, other);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomStreams {
    master: u64,
}

impl RandomStreams {
    /// Streams for one replica (or one run) seeded by `master_seed`.
    pub fn new(master_seed: u64) -> Self {
        RandomStreams {
            master: master_seed,
        }
    }

    /// The streams of replica `replica` of a run seeded with `seed`.
    ///
    /// Replica k of every run with the same seed gets the same streams (common random
    /// numbers), whatever the number of replicas or threads.
    pub fn for_replica(seed: u64, replica: u64) -> Self {
        RandomStreams::new(mix(mix(seed) ^ replica.wrapping_mul(0xA24B_AED4_963E_E407)))
    }

    /// The master seed these streams derive from.
    pub fn master_seed(&self) -> u64 {
        self.master
    }

    /// The generator for component `name`, instance `index` (e.g. client class 3).
    pub fn stream(&self, name: &str, index: u64) -> SimRng {
        let mut state = self.master ^ stable_hash(name.as_bytes());
        state = mix(state) ^ index;
        let mut seed = [0u8; 32];
        for chunk in seed.chunks_exact_mut(8) {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            chunk.copy_from_slice(&mix(state).to_le_bytes());
        }
        SimRng::from_seed(seed)
    }
}

/// Hash bytes with 64-bit FNV-1a: stable across platforms, runs and releases.
///
/// Used for stream names and for the scenario hash written into results, where
/// `std`'s randomly keyed hasher would make outputs differ between runs.
///
/// ```
/// assert_eq!(s3sim_engine::stable_hash(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(s3sim_engine::stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: a bijective scrambler of 64-bit words.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn stream_values_are_pinned_so_results_stay_reproducible_across_releases() {
        // If this changes, every published result changes: bump the major version.
        let pinned = RandomStreams::new(1).stream("arrivals", 0).random::<u64>();
        assert_eq!(
            pinned, PINNED_FIRST_DRAW,
            "stream derivation changed: {pinned:#x}"
        );
    }

    const PINNED_FIRST_DRAW: u64 = 0x7c63_83c0_7a59_ae8f;

    #[test]
    fn indices_and_replicas_give_distinct_streams() {
        let s = RandomStreams::new(7);
        let a: u64 = s.stream("clients", 0).random();
        let b: u64 = s.stream("clients", 1).random();
        assert_ne!(a, b);
        let r0 = RandomStreams::for_replica(7, 0);
        let r1 = RandomStreams::for_replica(7, 1);
        assert_ne!(r0, r1);
        assert_eq!(r0, RandomStreams::for_replica(7, 0));
    }

    #[test]
    fn uniform_draws_have_the_right_mean() {
        let mut rng = RandomStreams::new(3).stream("check", 0);
        let n = 100_000;
        let mean = (0..n).map(|_| rng.random::<f64>()).sum::<f64>() / n as f64;
        // Standard error of the mean of U(0,1) over 1e5 draws is 0.000913; allow 4 sigma.
        assert!((mean - 0.5).abs() < 0.0037, "mean {mean}");
    }
}
