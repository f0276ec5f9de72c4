//! `s3sim trace` of the default scenario draws the two pictures of AWS's "Request
//! routing" page: a boto3 client's first request after creation meets the 307 and
//! goes regional; the regional app goes straight to eu-west-1.

use s3sim_engine::SimTime;
use s3sim_report::trace::{TraceQuery, text, trace};

/// (from, to, label) of every arrow of the request `query` names in the default scenario.
fn arrows(class: &str, nth: usize) -> Vec<(String, String, String)> {
    let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "default").unwrap();
    let query = TraceQuery {
        class: class.into(),
        at: SimTime::from_secs(660),
        nth,
        seed: loaded.scenario.seed,
    };
    let sequence = trace(&loaded.world, &query).unwrap();
    assert!(text(&sequence).lines().count() == sequence.arrows.len() + 1);
    sequence
        .arrows
        .iter()
        .map(|a| {
            let name = |i: usize| sequence.lifelines[i].clone();
            (name(a.from), name(a.to), a.label.clone())
        })
        .collect()
}

fn expect(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn a_boto3_request_a_minute_after_creation_meets_the_307_then_goes_regional() {
    // The third boto3 request from 11m on is a client's first: its region unknown.
    assert_eq!(
        arrows("boto3", 2),
        expect(&[
            ("client", "DNS cache", "photos.s3.amazonaws.com?"),
            ("DNS cache", "resolver", "photos.s3.amazonaws.com?"),
            ("resolver", "authoritative", "photos.s3.amazonaws.com?"),
            ("authoritative", "resolver", "A ip#2 (us-east-1), stale"),
            ("resolver", "client", "A ip#2 (us-east-1)"),
            ("client", "us-east-1", "GET photos.s3.amazonaws.com"),
            ("us-east-1", "client", "307 TemporaryRedirect"),
            ("client", "DNS cache", "photos.s3.eu-west-1.amazonaws.com?"),
            (
                "DNS cache",
                "resolver",
                "photos.s3.eu-west-1.amazonaws.com?"
            ),
            ("resolver", "client", "A ip#11 (eu-west-1) (cached)"),
            (
                "client",
                "eu-west-1",
                "GET photos.s3.eu-west-1.amazonaws.com"
            ),
            ("eu-west-1", "client", "200 Ok"),
        ])
    );
}

#[test]
fn a_regional_app_request_goes_straight_to_eu_west_1() {
    assert_eq!(
        arrows("regional-app", 0),
        expect(&[
            ("client", "DNS cache", "photos.s3.eu-west-1.amazonaws.com?"),
            (
                "DNS cache",
                "resolver",
                "photos.s3.eu-west-1.amazonaws.com?"
            ),
            (
                "resolver",
                "authoritative",
                "photos.s3.eu-west-1.amazonaws.com?"
            ),
            ("authoritative", "resolver", "A ip#9 (eu-west-1)"),
            ("resolver", "client", "A ip#9 (eu-west-1)"),
            (
                "client",
                "eu-west-1",
                "GET photos.s3.eu-west-1.amazonaws.com"
            ),
            ("eu-west-1", "client", "200 Ok"),
        ])
    );
}

#[test]
fn an_unknown_class_is_an_error_that_lists_the_classes() {
    let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "default").unwrap();
    let query = TraceQuery {
        class: "boto".into(),
        at: SimTime::from_secs(0),
        nth: 0,
        seed: 1,
    };
    let err = trace(&loaded.world, &query).unwrap_err().to_string();
    assert!(
        err.contains("boto3, browser, curl-cron, go-sdk, regional-app"),
        "{err}"
    );
}
