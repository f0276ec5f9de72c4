//! Issue 11, case 5, as the user wrote it: after an IP rotation, clients that cache DNS
//! for ever meet black-holed old IPs (docs/domain.md §8) and time out after their
//! connect timeout, instead of being refused in one round trip.

mod common;

use s3sim_model::metrics::Metric;
use s3sim_model::response::Status;
use s3sim_report::Aggregate;

const ROTATION: &str = r#"Scenario(name: "rotation-timeouts", duration: "20m", bin: "1m", replicas: 3,
    regions: [(name: "us-east-1", facilities: [(name: "f", ips: 4)])],
    buckets: [(name: "b", region: "us-east-1")],
    clients: [(name: "jvm", count: 10, arrivals: poisson("6/min"), dns: forever, connect_timeout: "10s")],
    events: [ip_rotation(facility: "f", at: "10m", grace: "10s")])"#;

fn run(text: &str) -> Aggregate {
    common::run_text(text).aggregate
}

#[test]
fn stale_clients_time_out_after_their_connect_timeout_once_the_grace_ends() {
    let agg = run(ROTATION);
    for bin in 0..10 {
        assert_eq!(
            agg.get(bin, 0, Metric::Share(Status::Ok)).mean,
            1.0,
            "bin {bin}"
        );
        let p50 = agg.get(bin, 0, Metric::LatencyP50).mean;
        assert!(p50 < 100.0, "bin {bin}: p50 {p50} ms before the rotation");
    }
    for bin in 11..20 {
        let timeouts = agg.get(bin, 0, Metric::Share(Status::Timeout));
        assert_eq!((timeouts.low, timeouts.high), (1.0, 1.0), "bin {bin}");
        // 10 s, within the latency histogram's two significant digits.
        let p50 = agg.get(bin, 0, Metric::LatencyP50).mean;
        assert!((p50 - 10_000.0).abs() <= 100.0, "bin {bin}: p50 {p50} ms");
    }
    let refusals = agg.total(0, Metric::Share(Status::ConnectionError));
    assert_eq!(refusals.high, 0.0, "no refusals: {refusals:?}");
}

#[test]
fn a_rotation_that_refuses_fails_the_same_requests_in_one_round_trip() {
    let refused = ROTATION.replace(r#"grace: "10s")"#, r#"grace: "10s", mode: refused)"#);
    let agg = run(&refused);
    for bin in 11..20 {
        let refusals = agg.get(bin, 0, Metric::Share(Status::ConnectionError));
        assert_eq!((refusals.low, refusals.high), (1.0, 1.0), "bin {bin}");
        let p50 = agg.get(bin, 0, Metric::LatencyP50).mean;
        assert!(p50 < 100.0, "bin {bin}: p50 {p50} ms");
    }
}
