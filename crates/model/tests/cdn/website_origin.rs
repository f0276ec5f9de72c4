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

/// A rule sending `from` to `to` on host `host`.
fn host_rule(from: &str, to: &str, host: &str) -> RoutingRule {
    let mut rule = prefix_rule(from, to);
    rule.redirect.host_name = Some(host.into());
    rule
}

/// The alternate domain name of distribution 0.
const SITE: &str = "blog.example.com";

/// Bucket `www` (us-east-1) with a website behind a distribution on its website
/// endpoint that forwards the viewer's `Host` (so relative redirects stay on the CDN):
/// `older/` → `old/` → `new/` (301s), `self/` → `self/`, `grow/` → `grow/grow/`;
/// website chains interned `depth` redirects deep.
fn website_world(requested: &[&str], depth: u8) -> WorldConfig {
    website_world_forwarding(requested, depth, HostHeader::Viewer)
}

/// [`website_world`] with the distribution's `Host` forwarding `host_header`, plus
/// `moved/` → `new/` on the distribution's alias [`SITE`] and `away/` → `new/` on
/// another host.
fn website_world_forwarding(requested: &[&str], depth: u8, host_header: HostHeader) -> WorldConfig {
    let site = Website {
        cdn_hosts: vec![(SITE.into(), 0)],
        ..Website::new(
            "index.html",
            vec![
                prefix_rule("older/", "old/"),
                prefix_rule("old/", "new/"),
                prefix_rule("self/", "self/"),
                prefix_rule("grow/", "grow/grow/"),
                host_rule("moved/", "new/", SITE),
                host_rule("away/", "new/", "example.org"),
            ],
        )
    };
    let requested: Vec<String> = requested.iter().map(|k| k.to_string()).collect();
    let mut d = distribution(Origin::Website);
    d.host_header = host_header;
    let mut w = cdn_world(bucket("www", US_EAST_1, None), d);
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

/// One viewer request for each of `keys` (100 s apart, from 100 s), following up to 5
/// redirects, through a distribution forwarding `host_header`.
fn viewers_of(keys: &[&str], host_header: HostHeader) -> ReplicaOutput {
    let mut w = website_world_forwarding(keys, 5, host_header);
    w.classes = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let start = SimTime::from_secs(100 * (i as u64 + 1));
            probe_from(VIRGINIA, start, key(&w, k), follow_hops(5))
        })
        .collect();
    run(&w)
}

/// Edge requests of class `class` (metrics group 0 is every class together).
fn edge_requests(out: &ReplicaOutput, class: usize) -> u64 {
    out.metrics.total(class + 1, Counter::EdgeRequests)
}

#[test]
fn website_redirect_through_the_cdn_sends_the_viewer_to_the_website_endpoint_by_default() {
    // CloudFront forwards the origin's domain as Host: the Location names the website
    // endpoint, and the follow-up leaves the CDN (docs/domain.md §4).
    let out = viewers_of(&["old/a.html", "older/a.html"], HostHeader::Origin);
    let (d, site) = (Host::Distribution(0), Host::Website(0));
    let t = only(&out, 0);
    assert_eq!(t.hosts, [d, site]);
    assert_eq!(t.statuses, [MovedPermanently, Ok]);
    assert_eq!(
        edge_requests(&out, 0),
        1,
        "one edge request per viewer request"
    );
    // A chain: the second redirect comes from the website endpoint itself, relative.
    let chain = only(&out, 1);
    assert_eq!(chain.hosts, [d, site, site]);
    assert_eq!(chain.statuses, [MovedPermanently, MovedPermanently, Ok]);
    assert_eq!(edge_requests(&out, 1), 1);
    // old/a.html and older/a.html: the follow-ups never reach an edge.
    assert_eq!(total(&out, Counter::OriginFetches), 2);
}

#[test]
fn website_redirect_through_the_cdn_stays_on_it_when_the_viewer_host_is_forwarded() {
    let out = viewers_of(&["old/a.html"], HostHeader::Viewer);
    let d = Host::Distribution(0);
    let t = only(&out, 0);
    assert_eq!(t.hosts, [d, d]);
    assert_eq!(t.statuses, [MovedPermanently, Ok]);
    assert_eq!(
        edge_requests(&out, 0),
        2,
        "the follow-up comes back to the edge"
    );
}

#[test]
fn website_redirect_to_the_distribution_alias_stays_on_the_cdn_whatever_the_host_header() {
    for host_header in [HostHeader::Origin, HostHeader::Viewer] {
        let out = viewers_of(&["moved/a.html"], host_header);
        let d = Host::Distribution(0);
        let t = only(&out, 0);
        assert_eq!(t.hosts, [d, d], "{host_header:?}");
        assert_eq!(t.statuses, [MovedPermanently, Ok], "{host_header:?}");
        assert_eq!(edge_requests(&out, 0), 2, "{host_header:?}");
    }
}

#[test]
fn website_redirect_to_another_host_ends_the_viewer_request_at_the_3xx() {
    let out = viewers_of(&["away/a.html"], HostHeader::Origin);
    let t = only(&out, 0);
    assert_eq!(t.hosts, [Host::Distribution(0)]);
    assert_eq!(t.statuses, [MovedPermanently]);
    assert_eq!(edge_requests(&out, 0), 1);
}

#[test]
fn a_direct_website_client_redirected_to_the_distribution_alias_goes_through_the_edge() {
    let mut w = website_world_forwarding(&["moved/a.html"], 5, HostHeader::Origin);
    let mut direct = probe_from(
        VIRGINIA,
        SimTime::from_secs(100),
        key(&w, "moved/a.html"),
        follow_hops(5),
    );
    direct.cdn = None;
    direct.addressing = s3sim_model::client::Addressing::Website;
    w.classes = vec![direct];
    let out = run(&w);
    let t = only(&out, 0);
    assert_eq!(t.hosts, [Host::Website(0), Host::Distribution(0)]);
    assert_eq!(t.statuses, [MovedPermanently, Ok]);
    assert_eq!(edge_requests(&out, 0), 1);
}
