//! A client's configured region, SigV4 signing and method mix.

use super::*;
use s3sim_model::client::MethodMix;
use s3sim_model::response::Method;

/// BASE with these extra fields on the `sdk` class (`clients[1]`).
fn with_sdk_fields(fields: &str) -> String {
    base_with(&[(
        r#"(name: "sdk", count: 10,"#,
        &format!(r#"(name: "sdk", count: 10, {fields}"#),
    )])
}

#[test]
fn configured_region_signing_and_methods_compile_into_the_class() {
    let text = with_sdk_fields(r#"region: "eu-west-1", sigv4: true, methods: (get: 3, head: 1),"#);
    let world = parse(&text, "test.ron").expect("valid").world;
    let sdk = &world.classes[1];
    assert_eq!((sdk.region, sdk.sigv4), (Some(1), true));
    let mix = MethodMix::new(&[(Method::Get, 3.0), (Method::Head, 1.0)]);
    assert_eq!(sdk.methods, mix);
    let app = &world.classes[0];
    assert_eq!((app.region, app.sigv4), (None, false), "defaults");
    assert_eq!(app.methods, MethodMix::default(), "every request a GET");
}

#[test]
fn an_unknown_configured_region_is_rejected_with_the_known_ones() {
    let issue = only_issue(&with_sdk_fields(r#"region: "eu-west-9","#));
    assert!(
        issue.starts_with("clients[1].region: unknown region \"eu-west-9\""),
        "{issue}"
    );
    assert!(
        issue.contains("us-east-1") && issue.contains("eu-west-1"),
        "{issue}"
    );
}

#[test]
fn a_method_mix_without_a_positive_weight_is_rejected() {
    assert_eq!(
        only_issue(&with_sdk_fields("methods: (),")),
        "clients[1].methods: every weight is 0: give at least one method a positive \
         weight, e.g. `(get: 1)`"
    );
}

#[test]
fn a_negative_method_weight_is_rejected() {
    assert_eq!(
        only_issue(&with_sdk_fields("methods: (get: 1, put: -1),")),
        "clients[1].methods.put: weight must be within 0 to 1000000, not -1"
    );
}

#[test]
fn an_unknown_method_is_a_syntax_error() {
    let text = with_sdk_fields("methods: (get: 1, delete: 1),");
    let (line, _, message) = syntax(&text);
    assert_eq!(line, line_of(&text, "delete: 1"), "{message}");
}
