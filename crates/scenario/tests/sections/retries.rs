//! Client retries, their token quota, connect timeouts and ramped arrivals.

use super::*;

#[test]
fn retry_max_attempts_zero_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(max_attempts: 0)")),
        "clients[1].retry.max_attempts: must be between 1 and 20 (the first try included), not 0"
    );
}

#[test]
fn retry_max_attempts_above_twenty_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(max_attempts: 21)")),
        "clients[1].retry.max_attempts: must be between 1 and 20 (the first try included), not 21"
    );
}

#[test]
fn retry_max_attempts_out_of_u8_range_is_a_located_syntax_error() {
    let text = with_retry("(max_attempts: 300)");
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "max_attempts: 300"), "{message}");
}

#[test]
fn retry_base_zero_is_rejected() {
    assert_eq!(
        only_issue(&with_retry(r#"(base: "0s")"#)),
        "clients[1].retry.base: backoff base must be > 0"
    );
}

#[test]
fn retry_cap_below_base_is_rejected() {
    assert_eq!(
        only_issue(&with_retry(r#"(base: "1s", cap: "500ms")"#)),
        "clients[1].retry.cap: 500ms is below base 1s"
    );
}

#[test]
fn retry_quota_capacity_zero_is_rejected() {
    let issues = invalid(&with_retry("(quota: (capacity: 0))"));
    assert_eq!(issues[0], "clients[1].retry.quota.capacity: must be > 0");
    // The default costs (5 and 10) are then above the capacity as well.
    assert_eq!(
        issues[1..],
        [
            "clients[1].retry.quota.retry_cost: must be between 1 and capacity 0, not 5",
            "clients[1].retry.quota.timeout_cost: must be between 1 and capacity 0, not 10",
        ]
    );
}

#[test]
fn retry_quota_retry_cost_zero_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(quota: (retry_cost: 0))")),
        "clients[1].retry.quota.retry_cost: must be between 1 and capacity 500, not 0"
    );
}

#[test]
fn retry_quota_retry_cost_above_capacity_is_rejected() {
    assert_eq!(
        only_issue(&with_retry(
            "(quota: (capacity: 10, retry_cost: 11, timeout_cost: 10))"
        )),
        "clients[1].retry.quota.retry_cost: must be between 1 and capacity 10, not 11"
    );
}

#[test]
fn retry_quota_timeout_cost_above_capacity_is_rejected() {
    assert_eq!(
        only_issue(&with_retry("(quota: (capacity: 10, timeout_cost: 11))")),
        "clients[1].retry.quota.timeout_cost: must be between 1 and capacity 10, not 11"
    );
}

#[test]
fn connect_timeout_zero_is_rejected() {
    let text = base_with(&[(
        r#"(name: "app", count: 100, arrivals: poisson("1/min"))"#,
        r#"(name: "app", count: 100, arrivals: poisson("1/min"), connect_timeout: "0s")"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].connect_timeout: connect timeout must be > 0"
    );
}

#[test]
fn poisson_ramp_with_both_rates_zero_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson_ramp(from: "0/s", to: "0/min"))"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].arrivals: ramp rates must be >= 0 and not both 0, not 0/s to 0/min"
    );
}

#[test]
fn poisson_ramp_from_zero_to_a_rate_is_valid() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson_ramp(from: "0/s", to: "10/s"))"#,
    )]);
    let world = parse(&text, "t").unwrap().world;
    assert_eq!(
        world.classes[0].arrivals,
        s3sim_model::client::Arrivals::PoissonRamp {
            from_per_client_per_sec: 0.0,
            to_per_client_per_sec: 10.0
        }
    );
}

#[test]
fn poisson_ramp_with_a_negative_rate_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson_ramp(from: "-1/s", to: "10/s"))"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].arrivals: ramp rates must be >= 0 and not both 0, not -1/s to 10/s"
    );
}
