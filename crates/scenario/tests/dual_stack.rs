//! A class's `ip` (docs/domain.md §3, "Dual-stack endpoints"): the settings that
//! cannot work together are refused with the field and what to write instead, and the
//! ones that can compile into the model's dialling policy.

mod common;

use common::invalid;
use s3sim_engine::SimDuration;
use s3sim_model::client::{Addressing, IpPreference, IpStack, Ipv6Route};
use s3sim_scenario::parse;

fn scenario(client: &str) -> String {
    format!(
        r#"(
    name: "dual",
    duration: "10m",
    regions: [(name: "us-east-1")],
    buckets: [(name: "backups", region: "us-east-1")],
    clients: [(name: "backup", arrivals: poisson("1/min"), {client})],
)"#
    )
}

#[test]
fn ipv6_preference_with_a_only_queries_says_to_ask_for_aaaa() {
    let issues = invalid(&scenario(
        "addressing: virtual_dualstack, ip: (family: happy_eyeballs)",
    ));
    assert_eq!(
        issues,
        [
            "clients[0].ip.family: `happy_eyeballs` needs the AAAA answer, but this class's \
          stub resolver asks for A only: add `stub_resolver: (queries: a_and_aaaa)` to the \
          class, or write `family: ipv4_only`"
        ]
    );
    let issues = invalid(&scenario(
        "addressing: virtual_dualstack, ip: (family: ipv6_only), \
         stub_resolver: (queries: a_only)",
    ));
    assert_eq!(issues.len(), 1);
    assert!(issues[0].starts_with("clients[0].ip.family: `ipv6_only` needs the AAAA answer"));
}

#[test]
fn ip_on_a_name_without_aaaa_says_to_use_a_dual_stack_name() {
    let issues = invalid(&scenario(
        "addressing: virtual_regional, ip: (family: ipv4_only)",
    ));
    assert_eq!(
        issues,
        [
            "clients[0].ip: only a dual-stack name has AAAA records: write \
          `addressing: virtual_dualstack` (or `path_dualstack`), or remove `ip`"
        ]
    );
}

#[test]
fn an_attempt_delay_outside_rfc_8305_bounds_is_refused() {
    let aaaa = "addressing: path_dualstack, stub_resolver: (queries: a_and_aaaa)";
    for delay in ["5ms", "3s"] {
        let issues = invalid(&scenario(&format!(
            "{aaaa}, ip: (family: happy_eyeballs, attempt_delay: \"{delay}\")"
        )));
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(
            issues[0].starts_with("clients[0].ip.attempt_delay: must be between 10ms and 2s"),
            "{issues:?}"
        );
    }
}

#[test]
fn a_dual_stack_class_compiles_with_rfc_8305_default_delay() {
    let text = scenario(
        "addressing: virtual_dualstack, stub_resolver: (queries: a_and_aaaa), \
         ip: (family: happy_eyeballs, ipv6_route: black_holed)",
    );
    let loaded = parse(&text, "test.ron").expect("valid");
    let world = &loaded.world;
    let ip = IpStack {
        preference: IpPreference::HappyEyeballs,
        ipv6: Ipv6Route::BlackHoled,
        attempt_delay: SimDuration::from_millis(250),
    };
    assert_eq!(
        world.classes[0].addressing,
        Addressing::DualStack { path: false, ip }
    );
    let plain = parse(&scenario("addressing: path_dualstack"), "test.ron").expect("valid");
    let ip = IpStack::default();
    assert_eq!(
        plain.world.classes[0].addressing,
        Addressing::DualStack { path: true, ip }
    );
}
