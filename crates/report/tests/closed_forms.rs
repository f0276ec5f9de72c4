//! The model reproduces the closed forms of DOMAIN.md §6 inside the 95 % CI.

use s3sim_engine::SimDuration;
use s3sim_model::metrics::Counter;
use s3sim_model::metrics::Metric;
use s3sim_report::stats::Estimate;
use s3sim_report::{Aggregate, RunOptions};

fn run(text: &str) -> Aggregate {
    let loaded = s3sim_scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        seed: loaded.scenario.seed,
        replicas: loaded.scenario.replicas,
        progress: false,
    };
    s3sim_report::run(&loaded.world, options).aggregate
}

/// One client per resolver, Poisson lookups at `rate_per_s`, resolver TTL fixed at 10 s.
fn resolver_cache_scenario(rate_per_s: f64, duration_s: u64) -> String {
    format!(
        r#"(
        name: "resolver-hit-ratio", duration: "{duration_s}s", bin: "{bin_s}s", replicas: 12, seed: 1,
        regions: [(name: "us-east-1")],
        buckets: [(name: "b", region: "us-east-1")],
        resolvers: [(name: "r", count: 200, min_ttl: "10s", max_ttl: "10s")],
        clients: [(name: "c", count: 200, arrivals: poisson("{rate_per_s}/s"), redirects: none)],
    )"#,
        bin_s = duration_s / 10
    )
}

/// Hit ratio per replica over the last 6 of 10 bins.
///
/// The first 4 bins are a warm-up: at λT = 10 the miss-to-miss cycle (T + Exp(1/λ))
/// is nearly periodic, so the phases of the resolvers' cycles, all started empty at
/// t = 0, need about (T·λ)² cycles to spread out; a window cut earlier over- or
/// under-counts misses at its edges.
fn steady_state_hit_ratio(text: &str) -> Estimate {
    let loaded = s3sim_scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        seed: loaded.scenario.seed,
        replicas: loaded.scenario.replicas,
        progress: false,
    };
    let result = s3sim_report::run(&loaded.world, options);
    let ratios: Vec<f64> = result
        .outputs
        .iter()
        .map(|o| {
            let sum = |c| (4..10).map(|bin| o.metrics.count(bin, 0, c)).sum::<u64>() as f64;
            sum(Counter::ResolverHits) / sum(Counter::ResolverQueries)
        })
        .collect();
    Estimate::from_samples(&ratios)
}

#[test]
fn resolver_hit_ratio_matches_lambda_t_over_one_plus_lambda_t() {
    let mut report = Vec::new();
    for (lambda_t, duration_s) in [(0.1, 20_000), (1.0, 4_000), (10.0, 5_000)] {
        let rate = lambda_t / 10.0;
        let measured = steady_state_hit_ratio(&resolver_cache_scenario(rate, duration_s));
        let expected = lambda_t / (1.0 + lambda_t);
        let ok = measured.contains(expected) && measured.high - measured.low < 0.02;
        report.push(format!(
            "{} λT = {lambda_t}: expected {expected:.6}, measured {:.6} [{:.6}, {:.6}]",
            if ok { "ok  " } else { "FAIL" },
            measured.mean,
            measured.low,
            measured.high
        ));
    }
    let report = report.join("\n");
    println!("{report}");
    assert!(!report.contains("FAIL"), "{report}");
}

const CREATED_S: f64 = 600.0;
const RESOLVER_TTL_S: f64 = 300.0;
const MEAN_DELAY_S: f64 = 600.0;

fn propagation_scenario() -> String {
    r#"(
        name: "propagation-bound", duration: "90m", bin: "1m", replicas: 10,
        regions: [(name: "us-east-1"), (name: "eu-west-1")],
        buckets: [(name: "b", region: "eu-west-1", created_at: "10m")],
        dns: (propagation: exponential(mean: "10m")),
        resolvers: [(name: "r", count: 1000, min_ttl: "5m", max_ttl: "5m")],
        clients: [(name: "c", count: 1000, arrivals: poisson("6/min"), redirects: none)],
    )"#
    .into()
}

fn exp_cdf(t: f64) -> f64 {
    if t <= 0.0 {
        0.0
    } else {
        1.0 - (-t / MEAN_DELAY_S).exp()
    }
}

#[test]
fn stale_share_stays_between_the_propagation_bounds() {
    let agg = run(&propagation_scenario());
    let width = agg.bin_width.as_secs_f64();
    for minutes_after in [0.0, 2.0, 5.0, 10.0, 20.0, 30.0, 45.0] {
        let start = CREATED_S + 60.0 * minutes_after;
        let bin = (start / width) as usize;
        // Over a bin [a, b): share ∈ [1 − F(b − t0), 1 − F(a − t0 − T)].
        let lower = 1.0 - exp_cdf(start + width - CREATED_S);
        let upper = 1.0 - exp_cdf(start - CREATED_S - RESOLVER_TTL_S);
        let e = agg.get(bin, 0, Metric::StaleDnsShare);
        assert!(
            e.high >= lower && e.low <= upper,
            "{minutes_after} min after creation: stale share {:.4} [{:.4}, {:.4}] outside bounds [{lower:.4}, {upper:.4}]",
            e.mean,
            e.low,
            e.high
        );
        assert!(e.high - e.low < 0.05, "CI too wide: {e:?}");
    }
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
    let mut world = loaded.world.clone();
    world.duration = SimDuration::from_secs(1200);
    let result = s3sim_report::run(
        &world,
        RunOptions {
            seed: 5,
            replicas: 2,
            progress: false,
        },
    );
    for (output, k) in result.outputs.iter().zip(0..) {
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
