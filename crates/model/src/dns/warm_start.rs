//! The stationary state of a resolver's cache entry, so that runs start without the
//! artefact of every cache starting empty, and in phase, at t = 0.
//!
//! A TTL cache under Poisson queries of rate λ cycles between holding an entry for the
//! TTL T and waiting an exponential 1/λ for the next query, which misses and refetches
//! (docs/domain.md §6, *Jung et al.*). In its stationary state the entry is held with
//! probability λT / (1 + λT), the closed form of the hit ratio, and a held entry's age
//! is uniform on [0, T). Drawing each cache's start from that state makes the hit ratio
//! λT / (1 + λT) from the first query on, and spreads the caches' refresh times
//! instead of lining them all up at multiples of T.

use rand::RngExt;
use s3sim_engine::{SimDuration, SimRng};

/// Draw how long a resolver's cached copy of a name still lives at the start of a run,
/// in the stationary state of a TTL cache queried at `rate_per_sec`; `None` when the
/// cache holds no copy.
///
/// One uniform draw decides both: below p = λT / (1 + λT) a copy is held, and its
/// position below p gives its age, uniform on [0, `ttl`). A name nobody asks
/// (`rate_per_sec` 0) is never held.
///
/// ```
/// use s3sim_engine::{RandomStreams, SimDuration};
/// use s3sim_model::dns::stationary_remaining_ttl;
/// let ttl = SimDuration::from_secs(10);
/// let mut rng = RandomStreams::new(1).stream("doc", 0);
/// // λT = 1: held half the time, with 5 s left on average.
/// let draws: Vec<_> = (0..10_000).map(|_| stationary_remaining_ttl(ttl, 0.1, &mut rng)).collect();
/// let held: Vec<f64> = draws.iter().flatten().map(|d| d.as_secs_f64()).collect();
/// let share = held.len() as f64 / draws.len() as f64;
/// assert!((share - 0.5).abs() < 0.02, "{share}");
/// let mean = held.iter().sum::<f64>() / held.len() as f64;
/// assert!((mean - 5.0).abs() < 0.15, "{mean}");
/// assert!(held.iter().all(|&left| left > 0.0 && left <= 10.0));
/// assert_eq!(stationary_remaining_ttl(ttl, 0.0, &mut rng), None);
/// ```
pub fn stationary_remaining_ttl(
    ttl: SimDuration,
    rate_per_sec: f64,
    rng: &mut SimRng,
) -> Option<SimDuration> {
    let lambda_t = rate_per_sec * ttl.as_secs_f64();
    let held = lambda_t / (1.0 + lambda_t);
    let u: f64 = rng.random();
    if u >= held {
        return None;
    }
    let age = ttl.as_secs_f64() * (u / held);
    let left = SimDuration::from_secs_f64(ttl.as_secs_f64() - age);
    Some(left.max(SimDuration::from_nanos(1)).min(ttl))
}

#[cfg(test)]
mod tests {
    use super::*;
    use s3sim_engine::RandomStreams;

    #[test]
    fn held_share_is_the_ttl_hit_ratio_and_remaining_life_is_uniform() {
        let ttl = SimDuration::from_secs(300);
        let mut rng = RandomStreams::new(3).stream("test", 0);
        let n = 40_000;
        for lambda_t in [0.1, 1.0, 10.0] {
            let rate = lambda_t / 300.0;
            let left: Vec<f64> = (0..n)
                .filter_map(|_| stationary_remaining_ttl(ttl, rate, &mut rng))
                .map(|d| d.as_secs_f64())
                .collect();
            let p = lambda_t / (1.0 + lambda_t);
            let share = left.len() as f64 / f64::from(n);
            let tolerance = 4.0 * (p * (1.0 - p) / f64::from(n)).sqrt();
            assert!(
                (share - p).abs() < tolerance,
                "λT = {lambda_t}: {share} vs {p}"
            );
            // Uniform on (0, T]: the share below T/4 is a quarter.
            let quarter = left.iter().filter(|&&l| l <= 75.0).count() as f64 / left.len() as f64;
            let tolerance = 4.0 * (0.25 * 0.75 / left.len() as f64).sqrt();
            assert!(
                (quarter - 0.25).abs() < tolerance,
                "λT = {lambda_t}: {quarter}"
            );
        }
    }
}
