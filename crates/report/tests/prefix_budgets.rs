//! S3's request-rate limits per partitioned prefix (docs/domain.md §7) through the whole
//! stack: scenario fields → model → binned 503 shares. Limits are scaled down (100
//! reads a second) to keep runs short; a token budget's behaviour depends only on the
//! ratio of offered load to limit and on its times.

use s3sim_model::metrics::{BinnedMetrics, Metric};
use s3sim_model::response::Status;
use s3sim_report::measure::window_value;
use s3sim_report::stats::Estimate;

/// Each replica's binned metrics.
fn run(text: &str) -> Vec<BinnedMetrics> {
    let loaded = s3sim_scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"));
    let options = s3sim_report::RunOptions {
        seed: loaded.scenario.seed,
        replicas: loaded.scenario.replicas,
        progress: false,
    };
    let outputs = s3sim_report::run_outputs(&loaded.world, options);
    outputs.into_iter().map(|o| o.metrics).collect()
}

/// The share of requests answered 503 from minute `from` to minute `to`, all clients.
fn share_503(replicas: &[BinnedMetrics], from: u32, to: u32) -> Estimate {
    let metric = Metric::Share(Status::SlowDown);
    let (a, b) = (f64::from(from) * 60.0, f64::from(to) * 60.0);
    let samples: Vec<f64> = replicas
        .iter()
        .map(|m| window_value(m, 0, metric, a, b))
        .collect();
    Estimate::from_samples(&samples)
}

/// `offered` reads a second (Poisson) on one bucket whose 400 objects spread over
/// `prefixes` prefixes; 100 reads a second per prefix, a 10 s budget, no split.
fn steady(prefixes: usize, offered: u32) -> String {
    let names: Vec<String> = (0..prefixes).map(|i| format!("\"p{i}/\"")).collect();
    format!(
        r#"(
        name: "steady", duration: "6m", bin: "1m", replicas: 6, seed: 3,
        regions: [(name: "us-east-1")],
        buckets: [(name: "b", region: "us-east-1", objects: 400, prefixes: [{}])],
        s3: (rate_limits: (reads: "100/s", burst: "10s", split_after: "1d")),
        clients: [(name: "c", count: {offered}, arrivals: poisson("1/s"), redirects: none)],
    )"#,
        names.join(", ")
    )
}

/// Past the burst, the 503 share is 1 − k·limit / offered with k prefixes: each
/// prefix multiplies the budget.
#[test]
fn steady_slowdown_share_is_one_minus_the_prefixes_budget_over_the_offered_load() {
    for (prefixes, offered) in [(0, 150), (2, 300), (4, 600)] {
        let budget = 100.0 * prefixes.max(1) as f64;
        let expected = 1.0 - budget / f64::from(offered);
        let measured = share_503(&run(&steady(prefixes, offered)), 1, 6);
        println!("{prefixes} prefixes, {offered}/s offered: {measured:?}, expected {expected:.4}");
        assert!(
            measured.contains(expected),
            "{prefixes} prefixes: {measured:?} vs {expected}"
        );
        assert!(measured.high - measured.low < 0.02, "{measured:?}");
    }
    let spread = share_503(&run(&steady(2, 150)), 0, 6);
    assert_eq!(spread.mean, 0.0, "two prefixes carry 150/s");
}

/// 120 reads a second against 100: the 60 s budget drains at 20/s and SlowDown starts at
/// 5 min; a 1 min pause at 10 min refills it; it drains again by 16 min; hot for 10 min
/// from then, the prefix splits at about 26 min and SlowDown ends.
#[test]
fn slowdown_starts_after_the_burst_clears_after_a_pause_and_ends_with_the_split() {
    let text = r#"(
        name: "timeline", duration: "35m", bin: "1m", replicas: 4, seed: 5,
        regions: [(name: "us-east-1")],
        buckets: [(name: "b", region: "us-east-1", objects: 100)],
        s3: (rate_limits: (reads: "100/s", burst: "1m", split_after: "10m")),
        clients: [
            (name: "before", count: 120, arrivals: poisson("1/s"), stop: "10m", redirects: none),
            (name: "after", count: 120, arrivals: poisson("1/s"), start: "11m", redirects: none),
        ],
    )"#;
    let agg = run(text);
    let overload = 1.0 - 100.0 / 120.0;
    let none = |from, to| {
        let e = share_503(&agg, from, to);
        assert_eq!(e.mean, 0.0, "minutes {from}–{to}: {e:?}");
    };
    let shed = |from, to| {
        let e = share_503(&agg, from, to);
        assert!(
            e.contains(overload),
            "minutes {from}–{to}: {e:?} vs {overload}"
        );
    };
    none(0, 4); // the burst absorbs the excess
    shed(6, 10); // the budget is empty: 1 − 100/120 turned away
    none(11, 15); // the pause refilled it
    shed(17, 25); // empty again; the prefix is hot from about 16 min
    none(27, 35); // split at about 26 min: 200/s
}
