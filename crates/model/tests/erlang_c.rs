//! DOMAIN.md §6: a facility with `c` servers, exponential service and Poisson arrivals
//! is an M/M/c queue, so its mean wait must match Erlang C and its utilisation ρ.
//!
//! Each case runs independent replicas, drops a warm-up, and checks that the closed
//! form lies inside a Student-t confidence interval across replicas, and that the
//! interval is narrow enough for the check to mean something.

use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::bucket::Bucket;
use s3sim_model::client::*;
use s3sim_model::distribution::Delay;
use s3sim_model::dns::{DnsConfig, ResolverConfig};
use s3sim_model::facility::{FacilityRules, Status};
use s3sim_model::metrics::Counter;
use s3sim_model::metrics::facility::FacilityCounter;
use s3sim_model::topology::{Capacity, Facility, Region, Topology};
use s3sim_model::world::ResolverGroup;
use s3sim_model::{WorldConfig, run_replica};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean service time: μ = 100 requests per second per server.
const SERVICE_MEAN_MS: u64 = 10;
/// Replicas per case (independent streams of one seed).
const REPLICAS: u64 = 10;
/// Six cases, two checks each: Bonferroni keeps the family-wise error at 5 %.
const CHECKS: f64 = 12.0;
const SEED: u64 = 20_240_601;

fn mu() -> f64 {
    1_000.0 / SERVICE_MEAN_MS as f64
}

/// One region, one facility of `servers` servers with an (effectively) unbounded
/// queue, a bucket that has always existed there, and Poisson arrivals at `lambda`
/// per second. Every round trip and DNS lookup takes zero time, so the facility
/// sees the clients' arrival process unchanged and every request is one hop 200.
fn mmc_world(servers: u32, lambda: f64, duration: SimDuration, bin: SimDuration) -> WorldConfig {
    let topology = Topology::new(
        vec![Region {
            name: "us-east-1".into(),
            opt_in: false,
        }],
        0,
        vec![Facility {
            name: "use1".into(),
            region: 0,
            ips: 1,
            service_time: Delay::Exponential {
                mean: SimDuration::from_millis(SERVICE_MEAN_MS),
            },
            capacity: Some(Capacity {
                servers,
                queue_limit: 1_000_000,
            }),
        }],
        vec!["here".into()],
        vec![SimDuration::ZERO],
    );
    let clients = 100;
    WorldConfig {
        duration,
        bin,
        topology,
        buckets: vec![Bucket {
            name: "b".into(),
            region: 0,
            created_at: None,
            deleted_at: None,
            location_constraint: false,
            recreated: None,
        }],
        dns: DnsConfig {
            record_ttl: SimDuration::from_secs(5),
            propagation: Delay::Fixed(SimDuration::ZERO),
            propagation_cap: SimDuration::from_secs(86_400),
            missing_bucket_nxdomain: false,
        },
        resolver_groups: vec![ResolverGroup {
            name: "isp".into(),
            count: 1,
            config: ResolverConfig {
                min_ttl: SimDuration::ZERO,
                max_ttl: SimDuration::from_secs(86_400),
                negative_ttl: SimDuration::from_secs(60),
                rtt: SimDuration::ZERO,
                miss_rtt: SimDuration::ZERO,
            },
        }],
        classes: vec![ClientClass {
            name: "poisson".into(),
            count: clients,
            location: 0,
            resolvers: 0..1,
            buckets: vec![0],
            popularity: Popularity::Uniform,
            arrivals: Arrivals::Poisson {
                per_client_per_sec: lambda / f64::from(clients),
            },
            start: SimTime::ZERO,
            stop: SimTime::NEVER,
            lifetime: Lifetime::LongLived,
            addressing: Addressing::VirtualGlobal,
            dns: DnsCachePolicy::None,
            redirects: RedirectPolicy::None,
            retry: None,
            connect_timeout: SimDuration::from_secs(10),
        }],
        rules: FacilityRules {
            temporary_redirect: Status::TemporaryRedirect,
        },
        faults: Vec::new(),
        trace_limit: 0,
    }
}

/// Erlang's C formula: the probability that an arrival has to wait, offered load `a`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0; // a^k / k!
    let mut below = 0.0;
    for k in 0..c {
        below += term;
        term *= a / f64::from(k + 1);
    }
    let waiting = term * f64::from(c) / (f64::from(c) - a);
    waiting / (below + waiting)
}

/// Mean wait before service in an M/M/c queue, seconds.
fn erlang_c_mean_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda)
}

#[test]
fn erlang_c_formula_matches_textbook_values() {
    // M/M/1: C = ρ, W_q = ρ / (μ − λ).
    assert!((erlang_c(1, 0.8) - 0.8).abs() < 1e-12);
    assert!((erlang_c_mean_wait(1, 80.0, 100.0) - 0.04).abs() < 1e-12);
    // M/M/2 with a = 1: C = (1/2 · 2) / (1 + 1 + 1) = 1/3.
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
}

/// A confidence interval across replicas.
#[derive(Debug)]
struct Interval {
    mean: f64,
    half_width: f64,
}

impl Interval {
    fn of(values: &[f64], confidence: f64) -> Interval {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let t = StudentsT::new(0.0, 1.0, n - 1.0)
            .expect("n >= 2")
            .inverse_cdf(0.5 + confidence / 2.0);
        Interval {
            mean,
            half_width: t * (var / n).sqrt(),
        }
    }

    fn contains(&self, x: f64) -> bool {
        (self.mean - x).abs() <= self.half_width
    }
}

struct Measured {
    /// Per replica: Σ wait / Σ started after the warm-up, seconds.
    mean_wait: Vec<f64>,
    /// Per replica: mean busy share of the servers after the warm-up.
    utilisation: Vec<f64>,
}

fn measure(servers: u32, rho: f64, duration_s: u64, warm_up_s: u64) -> Measured {
    let lambda = rho * f64::from(servers) * mu();
    let bin = SimDuration::from_secs(warm_up_s);
    let config = mmc_world(servers, lambda, SimDuration::from_secs(duration_s), bin);
    let mut m = Measured {
        mean_wait: Vec::new(),
        utilisation: Vec::new(),
    };
    let reps: u64 = std::env::var("REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(REPLICAS);
    let off: u64 = std::env::var("OFF").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    for k in off..off+reps {
        let out = run_replica(&config, RandomStreams::for_replica(SEED, k));
        // Every request is one hop that ends 200: the world is what the formula assumes.
        let requests = out.metrics.total(0, Counter::Requests);
        assert_eq!(out.metrics.total(0, Counter::Succeeded), requests);
        assert_eq!(out.metrics.total(0, Counter::ExtraRoundTrips), 0);
        let f = &out.facilities;
        let bins = 1..f.bins; // bin 0 is the warm-up
        let sum = |c| bins.clone().map(|b| f.count(b, 0, c)).sum::<u64>();
        assert_eq!(sum(FacilityCounter::SlowDowns), 0, "the queue never fills");
        let wait = sum(FacilityCounter::WaitNanos) as f64 / 1e9;
        m.mean_wait
            .push(wait / sum(FacilityCounter::Started) as f64);
        let util = bins.clone().map(|b| f.utilisation(b, 0)).sum::<f64>() / bins.len() as f64;
        m.utilisation.push(util);
    }
    m
}

/// Run one case and check Erlang C's W_q and ρ against the replicas' intervals.
fn check(servers: u32, rho: f64, duration_s: u64, warm_up_s: u64, max_relative_half_width: f64) {
    let started = std::time::Instant::now();
    let lambda = rho * f64::from(servers) * mu();
    let predicted = erlang_c_mean_wait(servers, lambda, mu());
    let m = measure(servers, rho, duration_s, warm_up_s);
    let family = 1.0 - 0.05 / CHECKS;
    let wait95 = Interval::of(&m.mean_wait, 0.95);
    let wait = Interval::of(&m.mean_wait, family);
    let util95 = Interval::of(&m.utilisation, 0.95);
    let util = Interval::of(&m.utilisation, family);
    println!(
        "M/M/{servers} rho {rho}: W_q predicted {:.3} ms, measured {:.3} ± {:.3} ms (95 %), \
         ± {:.3} ms ({:.2} %); utilisation {:.5} ± {:.5} (95 %); {:.1} s",
        predicted * 1e3,
        wait95.mean * 1e3,
        wait95.half_width * 1e3,
        wait.half_width * 1e3,
        family * 100.0,
        util95.mean,
        util95.half_width,
        started.elapsed().as_secs_f64(),
    );
    assert!(
        wait.contains(predicted),
        "M/M/{servers} ρ={rho}: Erlang C W_q {predicted} outside {wait:?}"
    );
    assert!(
        wait95.half_width <= max_relative_half_width * predicted,
        "M/M/{servers} ρ={rho}: interval too wide to test anything: {wait95:?}"
    );
    assert!(
        util.contains(rho),
        "M/M/{servers} ρ={rho}: utilisation outside {util:?}"
    );
    assert!(util95.half_width <= 0.01 * rho, "{util95:?}");
}

#[test]
fn mm1_at_half_load_waits_as_erlang_c_predicts() {
    check(1, 0.5, 1_000, 100, 0.05);
}

#[test]
fn mm1_at_80_percent_load_waits_as_erlang_c_predicts() {
    check(1, 0.8, 1_000, 100, 0.05);
}

#[test]
fn mm1_at_95_percent_load_waits_as_erlang_c_predicts() {
    check(1, 0.95, 5_000, 100, 0.05);
}

#[test]
fn mm8_at_half_load_waits_as_erlang_c_predicts() {
    check(8, 0.5, 400, 50, 0.05);
}

#[test]
fn mm8_at_80_percent_load_waits_as_erlang_c_predicts() {
    check(8, 0.8, 400, 50, 0.05);
}

#[test]
fn mm8_at_95_percent_load_waits_as_erlang_c_predicts() {
    check(8, 0.95, 1_000, 50, 0.05);
}
