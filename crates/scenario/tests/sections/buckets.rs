//! Bucket objects and keys, the bound on keys, and static websites with their
//! routing rules.

use super::*;

#[test]
fn bucket_key_with_a_leading_slash_is_rejected() {
    let text = base_with(&[(
        r#"keys: ["index.html", "a.html"]"#,
        r#"keys: ["index.html", "/a.html"]"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "buckets[0].keys[1]: \"/a.html\": keys have no leading '/'"
    );
}

#[test]
fn huge_object_counts_are_refused_quickly_without_allocating() {
    let text = base_with(&[(
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 4000000000)"#,
    )]);
    let issues = quickly(Duration::from_secs(2), || invalid(&text));
    assert_eq!(
        issues,
        [
            "buckets: up to 4000000022 object keys in all (objects, requested keys, and the \
             keys website redirect chains can reach in max_hops); at most 1000000",
            "cdn: 1 edges × 1 distributions × 4000000022 keys = 4000000022 cache slots; \
             at most 50000000",
        ]
    );
}

#[test]
fn object_counts_add_up_over_buckets_without_overflow() {
    let text = base_with(&[
        (r#"keys: ["index.html", "a.html"],"#, "objects: 4294967295,"),
        (
            r#"created_at: "5m")"#,
            r#"created_at: "5m", objects: 4294967295)"#,
        ),
    ]);
    let issues = quickly(Duration::from_secs(2), || invalid(&text));
    // The website bucket's 2^32 − 1 objects may each start a 10-hop chain.
    assert_eq!(
        issues[0],
        "buckets: up to 51539607540 object keys in all (objects, requested keys, and the \
         keys website redirect chains can reach in max_hops); at most 1000000"
    );
}

#[test]
fn objects_at_the_limit_are_accepted() {
    let text = base_with(&[(
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 999978)"#,
    )]);
    let world = parse(&text, "t").unwrap().world;
    assert_eq!(world.objects.per_bucket[1].len(), 999_978);
    assert!(world.objects.id("o/999977").is_some());
}

#[test]
fn website_redirect_chains_cannot_blow_up_the_key_table() {
    let buckets: Vec<String> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|p| {
            format!(
                r#"(name: "{p}", region: "us-east-1",
                   website: (routing_rules: [(redirect: (replace_key_prefix_with: "{p}/"))]))"#
            )
        })
        .collect();
    let text = format!(
        r#"(
    name: "chains", duration: "30m",
    regions: [(name: "us-east-1")],
    buckets: [{}],
    clients: [(name: "c", count: 1, arrivals: poisson("1/min"), addressing: website,
               redirects: follow_location(max_hops: 50))],
)"#,
        buckets.join(", ")
    );
    // Each bucket's chains start from its own keys: one key, 50 hops, so at most 51
    // keys per bucket, not (max_hops + 1)^buckets.
    let loaded = quickly(Duration::from_secs(5), || parse(&text, "t").unwrap());
    assert!(
        loaded.world.objects.keys.len() <= 5 * 51,
        "{}",
        loaded.world.objects.keys.len()
    );
}

#[test]
fn website_index_document_empty_is_rejected() {
    let text = base_with(&[(r#"index_document: "index.html""#, r#"index_document: """#)]);
    assert_eq!(
        only_issue(&text),
        "buckets[0].website.index_document: must be a non-empty name without '/'"
    );
}

#[test]
fn website_index_document_with_a_slash_is_rejected() {
    let text = base_with(&[(
        r#"index_document: "index.html""#,
        r#"index_document: "docs/index.html""#,
    )]);
    assert_eq!(
        only_issue(&text),
        "buckets[0].website.index_document: must be a non-empty name without '/'"
    );
}

const GOOD_RULE: &str =
    r#"(condition: (key_prefix_equals: "old/"), redirect: (replace_key_prefix_with: "new/"))"#;

#[test]
fn routing_rule_with_an_empty_redirect_is_rejected() {
    let issue = only_issue(&with_rules(&format!("{GOOD_RULE}, (redirect: ())")));
    assert!(
        issue.starts_with(
            "buckets[0].website.routing_rules[1].redirect: an empty redirect is rejected by S3"
        ),
        "{issue}"
    );
}

#[test]
fn routing_rule_with_an_empty_condition_is_rejected() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (condition: (), redirect: (host_name: "example.com"))"#
    )));
    assert!(
        issue.starts_with(
            "buckets[0].website.routing_rules[1].condition: an empty condition is rejected by S3"
        ),
        "{issue}"
    );
}

#[test]
fn routing_rule_redirect_code_308_is_not_modelled() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (host_name: "example.com", http_redirect_code: 308))"#
    )));
    assert_eq!(
        issue,
        "buckets[0].website.routing_rules[1].redirect.http_redirect_code: \
         s3sim models 301, 302 and 307, not 308"
    );
}

#[test]
fn routing_rule_redirect_code_999_is_rejected_at_its_path() {
    let issues = invalid(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (host_name: "example.com", http_redirect_code: 999))"#
    )));
    assert!(!issues.is_empty());
    for issue in &issues {
        assert!(
            issue.starts_with("buckets[0].website.routing_rules[1].redirect.http_redirect_code: "),
            "{issues:#?}"
        );
    }
    assert!(issues.iter().any(|i| i.contains("999")), "{issues:#?}");
}

#[test]
fn routing_rule_redirect_code_999_is_reported_once() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (host_name: "example.com", http_redirect_code: 999))"#
    )));
    assert!(
        !issue.contains("303"),
        "advises a code s3sim refuses: {issue}"
    );
}

#[test]
fn routing_rule_error_code_200_is_rejected() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (condition: (http_error_code_returned_equals: 200), redirect: (replace_key_with: "e.html"))"#
    )));
    assert_eq!(
        issue,
        "buckets[0].website.routing_rules[1].condition.http_error_code_returned_equals: \
         200 is not an error code: use a 4xx or 5xx code, e.g. 404"
    );
}

#[test]
fn more_than_fifty_routing_rules_are_rejected() {
    let rules = vec![GOOD_RULE; 51].join(", ");
    let issue = only_issue(&with_rules(&rules));
    assert!(
        issue.starts_with(
            "buckets[0].website.routing_rules: 51 routing rules, but S3 allows at most 50"
        ),
        "{issue}"
    );
}

#[test]
fn fifty_routing_rules_are_accepted() {
    let rules = vec![GOOD_RULE; 50].join(", ");
    parse(&with_rules(&rules), "t").unwrap();
}

#[test]
fn routing_rule_with_both_key_replacements_is_rejected() {
    let issue = only_issue(&with_rules(&format!(
        r#"{GOOD_RULE}, (redirect: (replace_key_prefix_with: "a/", replace_key_with: "b.html"))"#
    )));
    assert_eq!(
        issue,
        "buckets[0].website.routing_rules[1].redirect: \
         replace_key_prefix_with and replace_key_with exclude each other: keep one"
    );
}

#[test]
fn s3_website_redirect_code_303_is_rejected() {
    let text = base_with(&[(
        "events: [],",
        "events: [],\n    s3: (website_redirect_code: 303),",
    )]);
    assert_eq!(
        only_issue(&text),
        "s3.website_redirect_code: must be 301, 302 or 307, not 303"
    );
}

#[test]
fn zipf_alias_tables_beyond_the_limit_are_refused_before_any_is_built() {
    // 21 classes with distinct key exponents over one bucket of 999 978 objects: one
    // alias table each, 20 999 538 entries in all (12 bytes per entry per replica).
    let classes: String = (0..21)
        .map(|i| {
            format!(
                r#"(name: "z{i}", count: 1, arrivals: poisson("1/min"), buckets: ["photos"],
                   key_popularity: zipf({})),
                "#,
                0.5 + f64::from(i) / 100.0
            )
        })
        .collect();
    let text = base_with(&[
        (
            r#"created_at: "5m")"#,
            r#"created_at: "5m", objects: 999978)"#,
        ),
        (
            r#"(name: "viewer","#,
            &format!(r#"{classes}(name: "viewer","#),
        ),
    ]);
    let issues = quickly(Duration::from_secs(2), || invalid(&text));
    assert_eq!(
        issues,
        [
            "clients: Zipf popularity with 21 distinct exponents needs 20999538 alias-table \
             entries (one per bucket or object, per distinct exponent and size); at most \
             20000000: give the classes fewer distinct popularity exponents, or the buckets \
             fewer objects"
        ]
    );
}
