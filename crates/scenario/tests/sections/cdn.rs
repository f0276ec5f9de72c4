//! The CDN: edges, distributions, cache policies, cache size bounds, and the
//! viewers that use it.

use super::*;
use s3sim_model::cdn::network::HostHeader;

#[test]
fn cdn_without_edges_is_rejected() {
    assert_eq!(
        only_issue(&with_edges("")),
        "cdn.edges: at least one edge location is needed"
    );
}

#[test]
fn cdn_edge_in_an_unknown_region_lists_the_regions() {
    assert_eq!(
        only_issue(&with_edges(r#"(name: "iad", region: "ap-south-9")"#)),
        "cdn.edges[0].region: unknown region \"ap-south-9\" (known: eu-west-1, us-east-1)"
    );
}

#[test]
fn cdn_edge_capacity_above_the_limit_is_rejected() {
    assert_eq!(
        only_issue(&with_edges(
            r#"(name: "iad", region: "us-east-1", capacity: 10000001)"#
        )),
        "cdn.edges[0].capacity: 10000001 objects; at most 10000000"
    );
}

#[test]
fn cdn_edge_with_an_unknown_resolver_group_lists_the_groups() {
    assert_eq!(
        only_issue(&with_edges(
            r#"(name: "iad", region: "us-east-1", resolvers: "google")"#
        )),
        "cdn.edges[0].resolvers: unknown resolver group \"google\" (known: corp, isp)"
    );
}

#[test]
fn cdn_duplicate_edge_name_is_rejected() {
    assert_eq!(
        only_issue(&with_edges(
            r#"(name: "iad", region: "us-east-1"), (name: "iad", region: "eu-west-1")"#
        )),
        "cdn.edges[1].name: duplicate name \"iad\""
    );
}

#[test]
fn cdn_without_distributions_is_rejected() {
    let text = base_with(&[
        (r#", cdn: "www")"#, ")"),
        (
            r#"distributions: [(name: "www", bucket: "site", origin: website)]"#,
            "distributions: []",
        ),
    ]);
    assert_eq!(
        only_issue(&text),
        "cdn.distributions: at least one distribution is needed"
    );
}

#[test]
fn cdn_duplicate_distribution_name_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website), (name: "www", bucket: "photos", origin: global)"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[1].name: duplicate name \"www\""
    );
}

#[test]
fn cdn_distribution_of_an_unknown_bucket_lists_the_buckets() {
    let text = with_distribution(r#"(name: "www", bucket: "videos", origin: regional)"#);
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].bucket: unknown bucket \"videos\" (known: photos, site)"
    );
}

#[test]
fn cdn_website_origin_needs_a_website_bucket() {
    let text = with_distribution(r#"(name: "www", bucket: "photos", origin: website)"#);
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].origin: bucket \"photos\" has no `website` configuration"
    );
}

#[test]
fn cdn_alias_with_a_scheme_says_to_write_the_bare_name() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website, aliases: ["https://blog.example.com/"])"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].aliases[0]: \"https://blog.example.com/\" is not a host name: \
         write the bare name, e.g. \"blog.example.com\" (letters, digits, '-' and '.'; no \
         scheme, port or path)"
    );
}

#[test]
fn cdn_alias_claimed_by_two_distributions_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website, aliases: ["blog.example.com"]), (name: "www2", bucket: "site", origin: website, aliases: ["blog.example.com"])"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[1].aliases[0]: \"blog.example.com\" is already an alias of \
         distribution \"www\"; CloudFront lets one distribution claim a name: remove one"
    );
}

#[test]
fn cdn_viewer_host_header_on_a_rest_origin_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: regional, host_header: viewer)"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].host_header: `viewer` only changes where a website \
         routing-rule redirect points; with this origin S3 answers the same: use \
         `origin: website` or drop `host_header`"
    );
}

#[test]
fn cdn_unknown_host_header_names_the_two_choices() {
    let text =
        with_distribution(r#"(name: "www", bucket: "site", origin: website, host_header: cdn)"#);
    let message = s3sim_scenario::schema::from_ron(&text, "test.ron")
        .expect_err("unknown variant")
        .to_string();
    assert!(
        message.contains("`origin`") && message.contains("`viewer`"),
        "{message}"
    );
}

#[test]
fn cdn_host_forwarding_and_aliases_are_valid_on_a_website_origin() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website, host_header: viewer, aliases: ["blog.example.com", "www.example.com"])"#,
    );
    let world = parse(&text, "t").unwrap().world;
    let d = &world.cdn.distributions[0];
    assert_eq!(d.host_header, HostHeader::Viewer);
}

#[test]
fn cdn_host_header_defaults_to_cloudfronts_origin_domain() {
    let world = parse(BASE, "t").unwrap().world;
    assert_eq!(world.cdn.distributions[0].host_header, HostHeader::Origin);
}

#[test]
fn cdn_default_ttl_below_min_ttl_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website, cache: (min_ttl: "1h", default_ttl: "1m"))"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].cache.default_ttl: 1m is below min_ttl 1h"
    );
}

#[test]
fn cdn_max_ttl_below_default_ttl_is_rejected() {
    let text = with_distribution(
        r#"(name: "www", bucket: "site", origin: website, cache: (default_ttl: "2h", max_ttl: "1h"))"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn.distributions[0].cache.max_ttl: 1h is below default_ttl 2h"
    );
}

#[test]
fn cdn_invalidation_delay_is_checked_like_any_delay() {
    let text = base_with(&[(
        r#"origin: website)],"#,
        r#"origin: website)],
        invalidation_delay: uniform(low: "5m", high: "1m"),"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "cdn.invalidation_delay: uniform high 1m is below low 5m"
    );
}

/// `n` edges in us-east-1 and `m` distributions of `site`.
fn big_cdn(n: usize, m: usize) -> String {
    let edges: Vec<String> = (0..n)
        .map(|i| format!(r#"(name: "e{i}", region: "us-east-1")"#))
        .collect();
    let distributions: Vec<String> = (0..m)
        .map(|i| {
            let name = if i == 0 {
                "www".into()
            } else {
                format!("d{i}")
            };
            format!(r#"(name: "{name}", bucket: "site", origin: regional)"#)
        })
        .collect();
    base_with(&[
        (
            r#"edges: [(name: "iad", region: "us-east-1")]"#,
            &format!("edges: [{}]", edges.join(", ")),
        ),
        (
            r#"distributions: [(name: "www", bucket: "site", origin: website)]"#,
            &format!("distributions: [{}]", distributions.join(", ")),
        ),
    ])
}

#[test]
fn edge_and_distribution_counts_beyond_their_16_bit_ids_are_refused() {
    // 70 000 edges (or distributions) would wrap the model's 16-bit ids.
    let edges = quickly(Duration::from_secs(5), || check_only(&big_cdn(70_000, 1)));
    assert!(
        edges.contains(&"cdn.edges: 70000 edges; at most 10000".to_string()),
        "{edges:?}"
    );
    let distributions = quickly(Duration::from_secs(5), || check_only(&big_cdn(1, 70_000)));
    assert!(
        distributions
            .contains(&"cdn.distributions: 70000 distributions; at most 10000".to_string()),
        "{distributions:?}"
    );
}

#[test]
fn cdn_cache_slots_over_the_limit_are_refused_before_allocating() {
    // 1000 edges × 1000 distributions × 900 022 keys (900 002 objects plus the 20 keys
    // the website's chains may reach: 2 named × 10 hops): 9·10^11 slots, refused at once.
    let text = edit(
        &big_cdn(1000, 1000),
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 900000)"#,
    );
    let issues = quickly(Duration::from_secs(5), || invalid(&text));
    assert_eq!(
        issues,
        [
            "cdn: 1000 edges × 1000 distributions × 900022 keys = 900022000000 cache slots; \
             at most 50000000"
        ]
    );
}

#[test]
fn cdn_cache_slots_just_over_the_limit_are_refused() {
    // 51 edges × 1 distribution × 1 000 000 keys (2 named + 999 978 generated + the 20
    // keys the website's chains may reach).
    let text = edit(
        &big_cdn(51, 1),
        r#"created_at: "5m")"#,
        r#"created_at: "5m", objects: 999978)"#,
    );
    assert_eq!(
        only_issue(&text),
        "cdn: 51 edges × 1 distributions × 1000000 keys = 51000000 cache slots; at most 50000000"
    );
}

#[test]
fn cdn_cache_slots_count_the_implicit_index_html() {
    // No bucket names keys: the model still has one key (index.html) and allocates
    // 8000 × 8000 = 64 000 000 edge caches. Only validation runs here.
    let text = big_cdn(8000, 8000)
        .replace(r#"keys: ["index.html", "a.html"],"#, "")
        .replace(r#"origin: website"#, "origin: regional");
    let issues = quickly(Duration::from_secs(10), || check_only(&text));
    assert!(
        issues
            .iter()
            .any(|i| i.starts_with("cdn: 8000 edges × 8000 distributions")),
        "accepted with {issues:?}"
    );
}

#[test]
fn client_cdn_naming_an_unknown_distribution_lists_the_distributions() {
    let text = base_with(&[(r#"cdn: "www")"#, r#"cdn: "w3")"#)]);
    assert_eq!(
        only_issue(&text),
        "clients[2].cdn: unknown distribution \"w3\" (known: www)"
    );
}

#[test]
fn client_cdn_without_a_cdn_section_is_rejected() {
    let text = base_with(&[(CDN_SECTION, "")]);
    assert_eq!(
        only_issue(&text),
        "clients[2].cdn: there is no `cdn` section"
    );
}

#[test]
fn viewer_asking_for_another_bucket_is_rejected() {
    let text = base_with(&[(r#"cdn: "www")"#, r#"cdn: "www", buckets: ["photos"])"#)]);
    assert_eq!(
        only_issue(&text),
        "clients[2].buckets: viewers of \"www\" can only ask for its bucket \"site\""
    );
}

#[test]
fn viewer_naming_its_own_bucket_is_valid() {
    let text = base_with(&[(r#"cdn: "www")"#, r#"cdn: "www", buckets: ["site"])"#)]);
    let world = parse(&text, "t").unwrap().world;
    assert_eq!(world.classes[2].buckets, [0]);
    assert_eq!(world.classes[2].cdn, Some(0));
}

#[test]
fn client_key_with_a_leading_slash_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson("1/min"), keys: ["a.html", "/b.html"])"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].keys[1]: \"/b.html\": keys have no leading '/'"
    );
}

#[test]
fn client_key_popularity_zipf_zero_is_rejected() {
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        r#"arrivals: poisson("1/min"), key_popularity: zipf(0.0))"#,
    )]);
    assert_eq!(
        only_issue(&text),
        "clients[0].key_popularity: zipf exponent must be > 0, not 0"
    );
}

#[test]
fn many_listed_client_keys_compile_quickly() {
    // 60 000 requested keys, each of which may start a 10-hop website chain: within
    // the key limit, and compiled in well under the time limit.
    let keys: Vec<String> = (0..60_000).map(|i| format!("\"k/{i}\"")).collect();
    let text = base_with(&[(
        r#"arrivals: poisson("1/min"))"#,
        &format!(
            r#"arrivals: poisson("1/min"), keys: [{}])"#,
            keys.join(", ")
        ),
    )]);
    let loaded = quickly(Duration::from_secs(5), || parse(&text, "t").unwrap());
    assert!(loaded.world.objects.keys.len() > 60_000);
}
