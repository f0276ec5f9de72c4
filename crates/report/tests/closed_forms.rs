//! The model reproduces the closed forms of docs/domain.md §6 inside confidence
//! intervals widened for each test's family of checks (Šidák, 0.1 % family-wise), so
//! that a correct model passes on any seed and a wrong one fails. `S3SIM_RESEED=k`
//! shifts every scenario's seed by k (scripts/reseed.sh runs k = 1 to 4).

use s3sim_engine::SimDuration;
use s3sim_model::metrics::Counter;
use s3sim_model::metrics::Metric;
use s3sim_report::stats::{Estimate, t_quantile_975};
use s3sim_report::{Aggregate, RunOptions, RunResult};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The false-alarm rate of one test's whole family of checks.
const FAMILY_ALPHA: f64 = 0.001;

/// Run the scenario `text` with its seed shifted by `S3SIM_RESEED` (default 0).
fn run_reseeded(text: &str) -> RunResult {
    let (loaded, options) = reseeded(text);
    s3sim_report::run(&loaded.world, options)
}

/// Every replica's whole output of the scenario `text`, reseeded as [`run_reseeded`].
fn run_reseeded_outputs(text: &str) -> Vec<s3sim_model::world::ReplicaOutput> {
    let (loaded, options) = reseeded(text);
    s3sim_report::run_outputs(&loaded.world, options)
}

fn reseeded(text: &str) -> (s3sim_scenario::LoadedScenario, RunOptions) {
    let loaded = s3sim_scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"));
    let shift: u64 = std::env::var("S3SIM_RESEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let options = RunOptions {
        seed: loaded.scenario.seed + shift,
        replicas: loaded.scenario.replicas,
        progress: false,
    };
    (loaded, options)
}

fn run(text: &str) -> Aggregate {
    run_reseeded(text).aggregate
}

/// The half-width of `e`'s interval as one of `family` checks with a [`FAMILY_ALPHA`]
/// family-wise false-alarm rate (Šidák), from its 95 % Student-t interval.
fn family_half_width(e: &Estimate, family: u32) -> f64 {
    let dof = (e.n - 1) as usize;
    let each = 1.0 - (1.0 - FAMILY_ALPHA).powf(1.0 / f64::from(family));
    let t = StudentsT::new(0.0, 1.0, dof as f64)
        .expect("two replicas at least")
        .inverse_cdf(1.0 - each / 2.0);
    (e.high - e.low) / 2.0 / t_quantile_975(dof) * t
}

/// Whether `value` lies within `e`'s family-wise interval.
fn within(e: &Estimate, family: u32, value: f64) -> bool {
    (e.mean - value).abs() <= family_half_width(e, family)
}

/// One client per resolver, Poisson lookups at `rate_per_s`, resolver TTL fixed at 10 s;
/// `warm_start` as given.
fn resolver_cache_scenario(rate_per_s: f64, duration_s: u64, warm_start: bool) -> String {
    format!(
        r#"(
        name: "resolver-hit-ratio", duration: "{duration_s}s", bin: "{bin_s}s", replicas: 12, seed: 1,
        regions: [(name: "us-east-1")],
        buckets: [(name: "b", region: "us-east-1")],
        resolvers: [(name: "r", count: 200, min_ttl: "10s", max_ttl: "10s", warm_start: {warm_start})],
        clients: [(name: "c", count: 200, arrivals: poisson("{rate_per_s}/s"), redirects: none)],
    )"#,
        bin_s = duration_s / 10
    )
}

/// Hit ratio per replica over `bins` (of 10).
fn hit_ratio(text: &str, bins: std::ops::Range<usize>) -> Estimate {
    let outputs = run_reseeded_outputs(text);
    let ratios: Vec<f64> = outputs
        .iter()
        .map(|o| {
            let sum = |c| {
                bins.clone()
                    .map(|bin| o.metrics.count(bin, 0, c))
                    .sum::<u64>() as f64
            };
            sum(Counter::ResolverHits) / sum(Counter::ResolverQueries)
        })
        .collect();
    Estimate::from_samples(&ratios)
}

/// With warm-started caches the hit ratio is λT / (1 + λT) from t = 0: over the whole
/// run and in its first bin alone, with no warm-up window cut off.
#[test]
fn resolver_hit_ratio_matches_lambda_t_over_one_plus_lambda_t_from_the_start() {
    let mut report = Vec::new();
    for (lambda_t, duration_s) in [(0.1, 20_000), (1.0, 4_000), (10.0, 5_000)] {
        let rate = lambda_t / 10.0;
        let expected = lambda_t / (1.0 + lambda_t);
        let text = resolver_cache_scenario(rate, duration_s, true);
        for (window, bins, width) in [("whole run", 0..10, 0.02), ("first bin", 0..1, 0.04)] {
            let measured = hit_ratio(&text, bins);
            let ok = within(&measured, 6, expected) && measured.high - measured.low < width;
            report.push(format!(
                "{} λT = {lambda_t}, {window}: expected {expected:.6}, measured {:.6} [{:.6}, {:.6}]",
                if ok { "ok  " } else { "FAIL" },
                measured.mean,
                measured.low,
                measured.high
            ));
        }
    }
    let report = report.join("\n");
    println!("{report}");
    assert!(!report.contains("FAIL"), "{report}");
}

/// Cold caches all miss their first query: over the first bin at λT = 10 (about 50
/// queries per resolver) the hit ratio is visibly below λT / (1 + λT); a warm start
/// removes exactly that.
#[test]
fn cold_resolver_caches_start_below_the_stationary_hit_ratio() {
    let text = resolver_cache_scenario(1.0, 500, false);
    let cold = hit_ratio(&text, 0..1);
    let expected = 10.0 / 11.0;
    assert!(
        cold.mean + family_half_width(&cold, 2) < expected,
        "cold first bin {cold:?} vs {expected}"
    );
    let warm = hit_ratio(&resolver_cache_scenario(1.0, 500, true), 0..1);
    assert!(
        within(&warm, 2, expected),
        "warm first bin {warm:?} vs {expected}"
    );
}

const CREATED_S: f64 = 600.0;
const RESOLVER_TTL_S: f64 = 300.0;
const MEAN_DELAY_S: f64 = 600.0;

fn propagation_scenario() -> String {
    propagation_scenario_with(true)
}

/// A bucket created at 10 min, exponential propagation (mean 10 min), 1000 resolvers that
/// keep answers 5 min, each asked by one client 6 times a minute.
fn propagation_scenario_with(warm_start: bool) -> String {
    format!(
        r#"(
        name: "propagation-bound", duration: "90m", bin: "1m", replicas: 10,
        regions: [(name: "us-east-1"), (name: "eu-west-1")],
        buckets: [(name: "b", region: "eu-west-1", created_at: "10m")],
        dns: (propagation: exponential(mean: "10m")),
        resolvers: [(name: "r", count: 1000, min_ttl: "5m", max_ttl: "5m", warm_start: {warm_start})],
        clients: [(name: "c", count: 1000, arrivals: poisson("6/min"), redirects: none)],
    )"#
    )
}

fn exp_cdf(t: f64) -> f64 {
    if t <= 0.0 {
        0.0
    } else {
        1.0 - (-t / MEAN_DELAY_S).exp()
    }
}

/// The stale share of lookups at `t` (seconds since the start) for resolvers in their
/// stationary state (docs/domain.md §6): a lookup finds a copy with probability
/// p = λT / (1 + λT), fetched at an age uniform on [0, T), else fetches now; the copy is
/// stale while its fetch came before the change reached that resolver (D ~ F).
fn stationary_stale_share(t: f64, lambda: f64) -> f64 {
    let still_old = |fetched: f64| 1.0 - exp_cdf(fetched - CREATED_S);
    if t < CREATED_S {
        return 0.0;
    }
    let p = lambda * RESOLVER_TTL_S / (1.0 + lambda * RESOLVER_TTL_S);
    let steps = 300;
    let held: f64 = (0..steps)
        .map(|k| still_old(t - RESOLVER_TTL_S * (k as f64 + 0.5) / steps as f64))
        .sum::<f64>()
        / steps as f64;
    p * held + (1.0 - p) * still_old(t)
}

/// The stationary prediction averaged over the bin starting at `start` (seconds).
fn predicted_in_bin(start: f64, width: f64) -> f64 {
    (0..60)
        .map(|k| stationary_stale_share(start + width * (k as f64 + 0.5) / 60.0, 0.1))
        .sum::<f64>()
        / 60.0
}

/// The stale share has a point prediction: with λT = 30 almost every lookup is a hit on
/// a copy fetched uniformly over the last T, so the share is
/// (1/T)∫₀ᵀ (1 − F(t − u − t0)) du (plus the 1/(1 + λT) fetched now). It must lie in
/// the family-wise interval at each of the 7 checked minutes, and the answer of a model
/// whose resolver caches did not extend staleness, 1 − F(t − t0), must not wherever the
/// two differ by more than twice the interval (the first 10 minutes; later both are
/// small and within a few points).
#[test]
fn stale_share_matches_its_point_prediction_and_not_the_uncached_one() {
    let agg = run(&propagation_scenario());
    let width = agg.bin_width.as_secs_f64();
    let minutes = [0.0, 2.0, 5.0, 10.0, 20.0, 30.0, 45.0];
    let mut report = Vec::new();
    for minutes_after in minutes {
        let start = CREATED_S + 60.0 * minutes_after;
        let bin = (start / width) as usize;
        let predicted = predicted_in_bin(start, width);
        let uncached = (0..60)
            .map(|k| 1.0 - exp_cdf(start + width * (k as f64 + 0.5) / 60.0 - CREATED_S))
            .sum::<f64>()
            / 60.0;
        let e = agg.get(bin, 0, Metric::StaleDnsShare);
        let half = family_half_width(&e, minutes.len() as u32);
        // Where the two predictions are further apart than twice the interval (0 to
        // 10 min), the measurement must also tell them apart.
        let distinct = (predicted - uncached).abs() > 2.0 * half;
        let ok = within(&e, minutes.len() as u32, predicted)
            && !(distinct && within(&e, minutes.len() as u32, uncached));
        report.push(format!(
            "{} {minutes_after:>2} min after creation: predicted {predicted:.4}, uncached {uncached:.4}, measured {:.4} ± {half:.4}",
            if ok { "ok  " } else { "FAIL" },
            e.mean,
        ));
        assert!(e.high - e.low < 0.05, "CI too wide: {e:?}");
    }
    let report = report.join("\n");
    println!("{report}");
    assert!(!report.contains("FAIL"), "{report}");
}

/// Compare the stale share with the stationary prediction minute by minute for the 45
/// minutes after the change: a line per minute, `FAIL` where the prediction lies outside
/// the measured family-wise interval (45 checks).
fn stale_share_against_prediction(warm_start: bool) -> String {
    let agg = run(&propagation_scenario_with(warm_start));
    let width = agg.bin_width.as_secs_f64();
    let first = (CREATED_S / width) as usize;
    let mut report = Vec::new();
    for bin in first..first + 45 {
        let predicted = predicted_in_bin(bin as f64 * width, width);
        let e = agg.get(bin, 0, Metric::StaleDnsShare);
        let ok = within(&e, 45, predicted);
        report.push(format!(
            "{} minute {:>2} after creation: predicted {predicted:.4}, measured {:.4} [{:.4}, {:.4}]",
            if ok { "ok  " } else { "FAIL" },
            bin - first,
            e.mean,
            e.low,
            e.high
        ));
    }
    report.join("\n")
}

/// Around the change the stale share follows the stationary prediction bin by bin: no
/// wiggle from caches that all started empty at t = 0 and refresh in step.
#[test]
fn stale_share_follows_the_stationary_prediction_bin_by_bin() {
    let report = stale_share_against_prediction(true);
    println!("{report}");
    assert!(!report.contains("FAIL"), "{report}");
}

/// Caches started empty at t = 0 fetch in step (every 5 min + a few seconds), so the
/// change at 10 min finds them all fresh: the stale share leaves the prediction in
/// step with their refreshes (the artefact the warm start removes).
#[test]
fn stale_share_of_cold_caches_wiggles_around_the_prediction() {
    let report = stale_share_against_prediction(false);
    println!("{report}");
    assert!(report.contains("FAIL"), "{report}");
}

#[test]
fn nothing_is_stale_before_the_bucket_exists() {
    let agg = run(&propagation_scenario());
    for bin in 0..10 {
        assert_eq!(
            agg.get(bin, 0, Metric::StaleDnsShare).mean,
            0.0,
            "bin {bin}"
        );
        assert!(agg.get(bin, 0, Metric::Count(Counter::Lookups)).mean > 1000.0);
    }
}

#[test]
fn every_request_is_answered_failed_or_still_in_flight() {
    let loaded = s3sim_scenario::parse(&propagation_scenario(), "test").unwrap();
    let mut world = (*loaded.world).clone();
    world.duration = SimDuration::from_secs(1200);
    let outputs = s3sim_report::run_outputs(
        &world,
        RunOptions {
            seed: 5,
            replicas: 2,
            progress: false,
        },
    );
    for (output, k) in outputs.iter().zip(0..) {
        let done =
            output.metrics.total(0, Counter::Succeeded) + output.metrics.total(0, Counter::Failed);
        assert_eq!(output.completed, done, "replica {k}");
        assert_eq!(
            output.issued,
            output.completed + output.in_flight,
            "replica {k}"
        );
        assert!(
            output.in_flight < 100,
            "only the last round trips are open: {}",
            output.in_flight
        );
    }
}

/// The default propagation delay has a visible tail past an hour (docs/domain.md §8):
/// 60–70 min after creation the share of first answers that are 307 is the share of
/// resolvers the change has not reached yet, 1 − F(t), about 9 %.
#[test]
fn default_propagation_still_redirects_an_hour_after_creation() {
    use s3sim_model::distribution::Delay;
    use s3sim_model::response::Status;
    let text = r#"(
        name: "default-propagation", duration: "80m", bin: "10m", replicas: 4,
        regions: [(name: "us-east-1"), (name: "eu-west-1")],
        buckets: [(name: "b", region: "eu-west-1", created_at: "10m")],
        resolvers: [(name: "isp", count: 1000)],
        clients: [(name: "c", count: 2000, arrivals: poisson("1/min"), redirects: none)],
    )"#;
    let loaded = s3sim_scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"));
    let Delay::LogNormal { median, sigma } = loaded.world.dns.propagation else {
        panic!(
            "the default is log-normal: {:?}",
            loaded.world.dns.propagation
        )
    };
    assert_eq!((median, sigma), (SimDuration::from_secs(600), 1.4));
    let default = &loaded.world.dns.propagation;
    let not_yet = |minutes: f64| 1.0 - default.cdf(SimDuration::from_secs_f64(60.0 * minutes));
    let predicted = (0..600)
        .map(|k| not_yet(60.0 + k as f64 / 60.0))
        .sum::<f64>()
        / 600.0;
    let agg = run(text);
    let share = agg.get(7, 0, Metric::Share(Status::TemporaryRedirect));
    println!("307 share 60–70 min after creation: {share:?}, predicted {predicted:.4}");
    assert!(share.contains(predicted), "{share:?} vs {predicted}");
    assert!(share.low > 0.05, "a visible tail: {share:?}");
}
