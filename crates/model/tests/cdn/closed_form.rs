//! Closed form: TTL cache under Poisson requests (docs/domain.md §6).

use super::*;

/// One object behind one edge, Poisson viewer requests at `rate`/s, 200s kept exactly
/// `ttl` (origin max-age), no network, DNS or service time at all.
fn poisson_world(rate: f64, ttl: SimDuration, requests: f64) -> WorldConfig {
    let mut d = distribution(Origin::Regional);
    d.cache_control.ok = max_age(ttl);
    let mut w = cdn_world(bucket("site", US_EAST_1, None), d);
    w.topology = topology(0, SimDuration::ZERO);
    for g in &mut w.resolver_groups {
        (g.config.rtt, g.config.miss_rtt) = (SimDuration::ZERO, SimDuration::ZERO);
    }
    w.duration = SimDuration::from_secs_f64(requests / rate);
    w.bin = w.duration;
    w.trace_limit = 0;
    let mut c = viewers(0, secs(1), 0, RedirectPolicy::None);
    c.arrivals = Arrivals::Poisson {
        per_client_per_sec: rate,
    };
    c.stop = SimTime::NEVER;
    w.classes = vec![c];
    w
}

/// Two cases, each inside its interval as one of two checks (0.1 % family-wise, so a
/// correct edge passes on any seed: `S3SIM_RESEED`, scripts/reseed.sh).
#[test]
fn edge_hit_ratio_under_poisson_requests_and_fixed_ttl_is_rate_ttl_over_one_plus_rate_ttl() {
    const REPLICAS: u64 = 40;
    const CASES: [f64; 2] = [0.5, 5.0];
    let ttl = secs(10);
    for rate_times_ttl in CASES {
        let rate = rate_times_ttl / ttl.as_secs_f64();
        let w = poisson_world(rate, ttl, 10_000.0);
        let seed = SEED + common::reseed();
        let ratios: Vec<f64> = (0..REPLICAS)
            .map(|r| {
                let out = run_replica(&w, RandomStreams::for_replica(seed, r));
                assert_eq!(out.issued, out.completed + out.in_flight);
                let requests = total(&out, Counter::EdgeRequests);
                assert!(requests > 9_000, "{requests}");
                Metric::EdgeHitRatio.value(&out.metrics, 0, 0)
            })
            .collect();
        let (mean, half_width) = common::family_half_width(&ratios, CASES.len() as u32);
        let predicted = rate_times_ttl / (1.0 + rate_times_ttl);
        println!(
            "lambda*T={rate_times_ttl}: edge hit ratio {mean:.5} ± {half_width:.5}, \
             predicted {predicted:.5}"
        );
        assert!(half_width < 0.005, "CI too wide: {half_width}");
        assert!(
            (mean - predicted).abs() <= half_width,
            "lambda*T={rate_times_ttl}: {mean} ± {half_width}, predicted {predicted}"
        );
    }
}
