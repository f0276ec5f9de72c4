//! A website origin with routing rules, through the CDN.

use super::*;

fn prefix_rule(from: &str, to: &str) -> RoutingRule {
    RoutingRule {
        condition: Some(Condition {
            key_prefix_equals: Some(from.into()),
            ..Condition::default()
        }),
        redirect: Redirect {
            replace_key_prefix_with: Some(to.into()),
            ..Redirect::default()
        },
    }
}

/// Bucket `www` (us-east-1) with a website behind a distribution on its website
/// endpoint: `older/` → `old/` → `new/` (301s), `self/` → `self/`, `grow/` →
/// `grow/grow/`; website chains interned `depth` redirects deep.
fn website_world(requested: &[&str], depth: u8) -> WorldConfig {
    let site = Website::new(
        "index.html",
        vec![
            prefix_rule("older/", "old/"),
            prefix_rule("old/", "new/"),
            prefix_rule("self/", "self/"),
            prefix_rule("grow/", "grow/grow/"),
        ],
    );
    let requested: Vec<String> = requested.iter().map(|k| k.to_string()).collect();
    let mut w = cdn_world(
        bucket("www", US_EAST_1, None),
        distribution(Origin::Website),
    );
    w.objects = Objects::build(
        vec![vec!["index.html".into(), "new/a.html".into()]],
        &[Some(site)],
        &requested,
        depth,
    );
    w
}

fn follow_hops(max_hops: u8) -> RedirectPolicy {
    RedirectPolicy::FollowLocation {
        codes: vec![MovedPermanently, Found, TemporaryRedirect],
        max_hops,
    }
}

fn key(w: &WorldConfig, k: &str) -> KeyId {
    w.objects.id(k).expect("interned")
}

#[test]
fn website_prefix_move_through_the_cdn_ends_200_on_the_distribution() {
    let mut w = website_world(&["old/a.html", "older/a.html"], 5);
    let (old, older) = (key(&w, "old/a.html"), key(&w, "older/a.html"));
    let s = SimTime::from_secs;
    w.classes = vec![
        probe_from(VIRGINIA, s(100), old, follow_hops(5)),
        probe_from(VIRGINIA, s(200), old, follow_hops(5)),
        probe_from(VIRGINIA, s(300), older, follow_hops(5)),
    ];
    let out = run(&w);
    let d = Host::Distribution(0);
    let first = only(&out, 0);
    assert_eq!(first.hosts, [d, d]);
    assert_eq!(first.statuses, [MovedPermanently, Ok]);
    let cached = only(&out, 1);
    assert_eq!(cached.statuses, [MovedPermanently, Ok]);
    assert_eq!(latency(cached), HIT + HIT, "both hops from the edge cache");
    let chain = only(&out, 2);
    assert_eq!(chain.hosts, [d, d, d]);
    assert_eq!(chain.statuses, [MovedPermanently, MovedPermanently, Ok]);
    // Fetched: old/a.html, new/a.html, older/a.html; the rest came from cache.
    assert_eq!(total(&out, Counter::OriginFetches), 3);
    assert_eq!(total(&out, Counter::Origin(MovedPermanently)), 2);
    assert_eq!(total(&out, Counter::EdgeCached3xx), 2);
    assert_eq!(total(&out, Counter::RedirectLoops), 0);
}

#[test]
fn website_self_loop_through_the_cdn_ends_after_max_hops_as_a_redirect_loop() {
    let mut w = website_world(&["self/x"], 5);
    let k = key(&w, "self/x");
    w.classes = vec![probe_from(
        VIRGINIA,
        SimTime::from_secs(100),
        k,
        follow_hops(5),
    )];
    let out = run(&w);
    let t = only(&out, 0);
    assert_eq!(t.hosts, [Host::Distribution(0); 6]);
    assert_eq!(t.statuses, [MovedPermanently; 6]);
    assert_eq!(total(&out, Counter::RedirectLoops), 1);
    assert_eq!(total(&out, Counter::Failed), 1);
    assert_eq!(total(&out, Counter::OriginFetches), 1, "then 5 cached 301s");
    assert_eq!(total(&out, Counter::EdgeCached3xx), 5);
}

/// A loop whose keys grow (`grow/x` → `grow/grow/x` → ...), for a viewer following at
/// most 5 redirects, with website chains interned `depth` deep.
fn growing_loop(depth: u8) -> ReplicaOutput {
    let mut w = website_world(&["grow/x"], depth);
    let k = key(&w, "grow/x");
    w.classes = vec![probe_from(
        VIRGINIA,
        SimTime::from_secs(100),
        k,
        follow_hops(5),
    )];
    let out = run(&w);
    let t = only(&out, 0);
    assert_eq!(t.hosts, [Host::Distribution(0); 6]);
    assert_eq!(t.statuses, [MovedPermanently; 6]);
    out
}

#[test]
fn website_growing_loop_interned_past_max_hops_counts_as_a_redirect_loop() {
    let out = growing_loop(6);
    assert_eq!(total(&out, Counter::RedirectLoops), 1);
}

#[test]
fn website_growing_loop_interned_max_hops_deep_counts_as_a_redirect_loop() {
    let out = growing_loop(5);
    assert_eq!(total(&out, Counter::RedirectLoops), 1);
}
