//! A client class's stub resolver: search domains, `ndots`, record types.

use super::*;
use s3sim_model::dns::{QueryTypes, StubResolver};

/// BASE with these extra fields on the `app` (`clients[0]`) and `sdk` (`clients[1]`)
/// classes.
fn with_stubs(app: &str, sdk: &str) -> String {
    base_with(&[
        (
            r#"(name: "app", count: 100,"#,
            &format!(r#"(name: "app", count: 100, {app}"#),
        ),
        (
            r#"(name: "sdk", count: 10,"#,
            &format!(r#"(name: "sdk", count: 10, {sdk}"#),
        ),
    ])
}

#[test]
fn a_stub_resolver_compiles_with_search_domain_ids_shared_across_classes() {
    let text = with_stubs(
        r#"stub_resolver: (search: ["ns.svc.cluster.local", "cluster.local"], ndots: 5, queries: a_and_aaaa),"#,
        r#"stub_resolver: (search: ["cluster.local"], trailing_dot: true),"#,
    );
    let world = parse(&text, "test.ron").expect("valid").world;
    assert_eq!(
        world.classes[0].stub,
        StubResolver {
            search: vec![0, 1],
            ndots: 5,
            types: QueryTypes::AAndAaaa,
            trailing_dot: false
        }
    );
    assert_eq!(
        world.classes[1].stub,
        StubResolver {
            search: vec![1],
            ndots: 1,
            types: QueryTypes::AOnly,
            trailing_dot: true
        },
        "cluster.local is the same domain in both classes"
    );
    assert_eq!(world.classes[2].stub, StubResolver::default());
}

#[test]
fn ndots_above_fifteen_is_rejected_with_the_range() {
    assert_eq!(
        only_issue(&with_stubs("stub_resolver: (ndots: 16),", "")),
        "clients[0].stub_resolver.ndots: 16 is above resolv.conf's cap; write 0 to 15"
    );
}

#[test]
fn a_malformed_search_domain_is_rejected_with_its_index_and_an_example() {
    let issues = invalid(&with_stubs(
        r#"stub_resolver: (search: ["ok.local", ".svc", "a..b", "", "sp ace"]),"#,
        "",
    ));
    assert_eq!(issues.len(), 4, "{issues:#?}");
    assert!(
        issues[0].starts_with(
            "clients[0].stub_resolver.search[1]: \".svc\" starts or ends with a dot; write a domain like"
        ),
        "{}",
        issues[0]
    );
    assert!(
        issues[1].starts_with("clients[0].stub_resolver.search[2]: \"a..b\" has an empty label")
    );
    assert!(issues[2].starts_with("clients[0].stub_resolver.search[3]: \"\" is empty"));
    assert!(
        issues[3].starts_with("clients[0].stub_resolver.search[4]: \"sp ace\" holds a character")
    );
}

#[test]
fn too_many_search_domains_are_rejected() {
    let domains: Vec<String> = (0..33).map(|i| format!("\"d{i}.local\"")).collect();
    let text = with_stubs(
        &format!("stub_resolver: (search: [{}]),", domains.join(", ")),
        "",
    );
    assert_eq!(
        only_issue(&text),
        "clients[0].stub_resolver.search: 33 search domains; at most 32"
    );
}

#[test]
fn a_sweep_reaches_the_stub_resolvers_fields() {
    let text = base_with(&[
        (
            r#"(name: "app", count: 100,"#,
            r#"(name: "app", count: 100, stub_resolver: (search: ["cluster.local"], ndots: 5),"#,
        ),
        (
            "events: [],",
            r#"events: [],
    sweep: (fields: [(path: "clients[0].stub_resolver.ndots", values: [5, 2])]),"#,
        ),
    ]);
    let points = parse(&text, "test.ron").expect("valid").points;
    let ndots: Vec<u8> = points
        .iter()
        .map(|p| p.world().classes[0].stub.ndots)
        .collect();
    assert_eq!(ndots, [5, 2]);
}
