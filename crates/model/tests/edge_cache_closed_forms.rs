//! The edge cache against the closed forms of docs/domain.md §6.
//!
//! LRU under independent Zipf references must match Che's approximation, and a fixed
//! TTL under Poisson requests must give H = λT / (1 + λT). Each measurement is a
//! batch-means estimate whose Student-t interval is widened for the test's family of
//! cases (Šidák, 0.1 % family-wise), so a correct cache passes on any seed
//! (`S3SIM_RESEED`, scripts/reseed.sh) and a wrong one fails; every case prints the
//! measured and predicted hit ratios (run with `--nocapture` to see them).

#[path = "common/mod.rs"]
mod common;

use rand_distr::{Distribution, Exp, Zipf};
use s3sim_engine::{RandomStreams, SimDuration, SimRng, SimTime};
use s3sim_model::cdn::cache::{EdgeCache, Lookup};

const SEED: u64 = 20_261_201;
const BATCHES: usize = 20;

/// A batch-means estimate: the mean and the half-width of its interval for one of
/// `family` checks.
#[derive(Debug)]
struct Estimate {
    mean: f64,
    half_width: f64,
}

/// Run `warmup` requests, then `BATCHES` batches of `per_batch`; `request` tells hit or
/// miss; the interval is one of `family` checks.
fn measure(
    warmup: u32,
    per_batch: u32,
    family: u32,
    mut request: impl FnMut() -> bool,
) -> Estimate {
    for _ in 0..warmup {
        request();
    }
    let batches: Vec<f64> = (0..BATCHES)
        .map(|_| (0..per_batch).filter(|_| request()).count() as f64 / f64::from(per_batch))
        .collect();
    let (mean, half_width) = common::family_half_width(&batches, family);
    Estimate { mean, half_width }
}

/// Look `key` up at `now`; on anything but a fresh hit, store it until `expires`.
fn hit_or_fill(cache: &mut EdgeCache<()>, key: u32, now: SimTime, expires: SimTime) -> bool {
    match cache.lookup(key, now) {
        Lookup::Fresh(()) => true,
        Lookup::Expired(()) | Lookup::Miss => {
            cache.store(key, (), expires);
            false
        }
    }
}

/// Che's approximation of the LRU hit ratio for Zipf(`alpha`) over `objects`, capacity `capacity`.
fn che_hit_ratio(objects: u32, alpha: f64, capacity: u32) -> f64 {
    let weights: Vec<f64> = (1..=objects).map(|i| f64::from(i).powf(-alpha)).collect();
    let total: f64 = weights.iter().sum();
    let p: Vec<f64> = weights.iter().map(|w| w / total).collect();
    let occupancy = |t: f64| p.iter().map(|&pi| -(-pi * t).exp_m1()).sum::<f64>();
    let target = f64::from(capacity);
    let mut high = 1.0;
    while occupancy(high) < target {
        high *= 2.0;
    }
    let mut low = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if occupancy(mid) < target {
            low = mid;
        } else {
            high = mid;
        }
    }
    let t_c = 0.5 * (low + high);
    p.iter().map(|&pi| pi * -(-pi * t_c).exp_m1()).sum()
}

const LRU_CASES: [(f64, u32); 4] = [(0.8, 100), (0.8, 1000), (1.0, 100), (1.0, 1000)];

fn lru_hit_ratio_under_zipf(objects: u32, alpha: f64, capacity: u32, case: u64) -> Estimate {
    let zipf = Zipf::new(f64::from(objects), alpha).expect("valid Zipf parameters");
    let mut rng: SimRng = RandomStreams::new(SEED + common::reseed()).stream("zipf-requests", case);
    let mut cache = EdgeCache::new(objects, capacity);
    measure(100_000, 50_000, LRU_CASES.len() as u32, || {
        let rank = zipf.sample(&mut rng) as u32;
        hit_or_fill(&mut cache, rank - 1, SimTime::ZERO, SimTime::NEVER)
    })
}

/// Che's approximation is not exact, but its error at these sizes is far below the
/// measurement's resolution (half-widths of about 0.002), so the LRU must land inside
/// the family-wise interval around it.
#[test]
fn lru_hit_ratio_under_zipf_matches_che_approximation() {
    let objects = 10_000;
    for (case, (alpha, capacity)) in LRU_CASES.into_iter().enumerate() {
        let measured = lru_hit_ratio_under_zipf(objects, alpha, capacity, case as u64);
        let che = che_hit_ratio(objects, alpha, capacity);
        let error = (measured.mean - che).abs();
        println!(
            "LRU alpha={alpha} C={capacity}: measured {:.5} ± {:.5}, Che {che:.5}, |diff| {error:.5}",
            measured.mean, measured.half_width
        );
        assert!(
            measured.half_width < 0.005,
            "CI too wide to test anything: {measured:?}"
        );
        assert!(
            error <= measured.half_width,
            "alpha={alpha} C={capacity}: measured {measured:?}, Che {che}"
        );
    }
}

const TTL_CASES: [f64; 3] = [0.1, 1.0, 10.0];

fn ttl_hit_ratio_under_poisson(rate_times_ttl: f64, case: u64) -> Estimate {
    let ttl = SimDuration::from_secs(10);
    let gaps = Exp::new(rate_times_ttl / ttl.as_secs_f64()).expect("positive rate");
    let mut rng: SimRng =
        RandomStreams::new(SEED + common::reseed()).stream("poisson-requests", case);
    let mut cache = EdgeCache::new(1, 1);
    let mut now = SimTime::ZERO;
    measure(1_000, 50_000, TTL_CASES.len() as u32, || {
        now += SimDuration::from_secs_f64(gaps.sample(&mut rng));
        hit_or_fill(&mut cache, 0, now, now + ttl)
    })
}

#[test]
fn fixed_ttl_hit_ratio_under_poisson_requests_is_rate_ttl_over_one_plus_rate_ttl() {
    for (case, rate_times_ttl) in TTL_CASES.into_iter().enumerate() {
        let measured = ttl_hit_ratio_under_poisson(rate_times_ttl, case as u64);
        let predicted = rate_times_ttl / (1.0 + rate_times_ttl);
        println!(
            "TTL lambda*T={rate_times_ttl}: measured {:.5} ± {:.5}, predicted {predicted:.5}",
            measured.mean, measured.half_width
        );
        assert!(
            measured.half_width < 0.005,
            "CI too wide to test anything: {measured:?}"
        );
        assert!(
            (measured.mean - predicted).abs() <= measured.half_width,
            "lambda*T={rate_times_ttl}: measured {measured:?}, predicted {predicted}"
        );
    }
}
