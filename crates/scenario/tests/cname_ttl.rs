//! `dns.cname_ttl`: S3's names as CNAME chains (docs/domain.md §3, *CNAME chains*).

use s3sim_engine::SimDuration;
use s3sim_scenario::error::ScenarioError;
use s3sim_scenario::parse;

/// A scenario with this `dns` section.
fn with_dns(dns: &str) -> String {
    format!(
        r#"Scenario(name: "t", duration: "10m",
    regions: [(name: "us-east-1")],
    buckets: [(name: "b", region: "us-east-1")],
    {dns}
    resolvers: [(name: "isp")],
    clients: [(name: "app", count: 1, arrivals: poisson("1/min"))])"#
    )
}

#[test]
fn a_cname_ttl_compiles_into_the_zone_and_its_absence_keeps_one_link_names() {
    let chained = parse(&with_dns(r#"dns: (cname_ttl: "300s"),"#), "t.ron").expect("valid");
    assert_eq!(
        chained.world.dns.cname_ttl,
        Some(SimDuration::from_secs(300))
    );
    assert_eq!(chained.world.dns.record_ttl, SimDuration::from_secs(5));
    let plain = parse(&with_dns(""), "t.ron").expect("valid");
    assert_eq!(plain.world.dns.cname_ttl, None);
}

#[test]
fn a_zero_cname_ttl_is_reported_with_its_field_path() {
    match parse(&with_dns(r#"dns: (cname_ttl: "0s"),"#), "t.ron") {
        Err(ScenarioError::Invalid { issues, .. }) => {
            let issues: Vec<String> = issues.iter().map(ToString::to_string).collect();
            assert_eq!(issues, ["dns.cname_ttl: CNAME TTL must be > 0"]);
        }
        Err(other) => panic!("expected a semantic error, got {other}"),
        Ok(_) => panic!("a zero CNAME TTL was accepted"),
    }
}
