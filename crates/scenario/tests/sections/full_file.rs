//! A valid file using every section compiles into the world it describes.

use super::*;

const FULL: &str = r#"(
    name: "everything",
    duration: "1h",
    regions: [
        (name: "us-east-1", facilities: [
            (name: "iad-a", servers: 4, queue_limit: 100),
            (name: "iad-b", ips: 2),
        ]),
        (name: "eu-west-1"),
    ],
    buckets: [
        (name: "site", region: "us-east-1", keys: ["index.html", "new/x", "docs/index.html"],
         website: (index_document: "index.html", routing_rules: [
            (condition: (key_prefix_equals: "old/"), redirect: (replace_key_prefix_with: "new/")),
            (condition: (http_error_code_returned_equals: 404),
             redirect: (replace_key_with: "index.html", http_redirect_code: 307)),
         ])),
        (name: "photos", region: "eu-west-1", created_at: "5m", objects: 50, keys: ["cover.jpg"]),
    ],
    resolvers: [(name: "isp", count: 10), (name: "corp", count: 2, warm_start: false)],
    clients: [
        (name: "ramp", count: 20, arrivals: poisson_ramp(from: "1/s", to: "5/s"),
         buckets: ["photos"], key_popularity: zipf(1.1), connect_timeout: "2s"),
        (name: "sdk", count: 10, arrivals: poisson("1/min"), buckets: ["photos"],
         retry: (max_attempts: 5, base: "50ms", cap: "5s",
                 quota: (capacity: 100, retry_cost: 5, timeout_cost: 10, success_refund: 2))),
        (name: "viewer", count: 10, arrivals: poisson("1/min"), cdn: "www",
         keys: ["old/x", "", "docs", "missing"]),
    ],
    s3: (website_redirect_code: 302),
    cdn: (
        edges: [
            (name: "iad", region: "us-east-1", capacity: 1000, resolvers: "corp"),
            (name: "dub", region: "eu-west-1"),
        ],
        distributions: [
            (name: "www", bucket: "site", origin: website,
             cache: (min_ttl: "1s", default_ttl: "1h", max_ttl: "1d", error_min_ttl: "5s", redirects: current),
             origin_cache_control: (ok: (max_age: "10m"), error: (no_store: true))),
            (name: "img", bucket: "photos", origin: regional, access_control: true),
        ],
        invalidation_delay: fixed("1m"),
    ),
    events: [
        outage(facility: "iad-a", at: "10m", duration: "5m", mode: black_holed, health_check: "20s"),
        drain(facility: "iad-b", at: "20m"),
        ip_rotation(facility: "eu-west-1", at: "25m", grace: "1m"),
        resolver_outage(resolvers: "isp", at: "30m", duration: "2m", serve_stale: true),
        record_ttl(at: "35m", ttl: "60s"),
        endpoint_retired(region: "eu-west-1", at: "40m"),
        bucket_recreated(bucket: "photos", deleted_at: "45m", at: "50m", region: "us-east-1"),
        invalidation(distribution: "www", at: "15m", paths: ["/old/*", "/index.html"]),
    ],
    sweep: (mode: zip, fields: [(path: "cdn.distributions[0].origin", values: [website, regional])],
            names: ["website origin", "rest origin"]),
)"#;

#[test]
fn a_file_using_every_new_field_compiles_into_the_world_it_describes() {
    use s3sim_engine::SimDuration;
    use s3sim_model::cdn::network::Origin;
    use s3sim_model::client::{Arrivals, KeyChoice, Popularity, RetryPolicy, RetryQuota};
    use s3sim_model::objects::WebAnswer;
    use s3sim_model::response::Status;
    use s3sim_model::topology::Capacity;

    let loaded = parse(FULL, "everything.ron").unwrap();
    let world = &loaded.world;
    let ms = SimDuration::from_millis;

    // Facility capacity: iad-a limited, iad-b and the implicit eu-west-1 unlimited.
    let facilities = &world.topology.facilities;
    assert_eq!(facilities.len(), 3);
    assert_eq!(
        facilities[0].capacity,
        Some(Capacity {
            servers: 4,
            queue_limit: 100
        })
    );
    assert_eq!(facilities[1].capacity, None);
    assert_eq!(facilities[2].name, "eu-west-1");

    // Retries, connect timeout, ramp, key choice.
    assert_eq!(
        world.classes[1].retry,
        Some(RetryPolicy {
            max_attempts: 5,
            base: ms(50),
            cap: ms(5_000),
            quota: Some(RetryQuota {
                capacity: 100,
                retry_cost: 5,
                timeout_cost: 10,
                success_refund: 2
            }),
        })
    );
    assert_eq!(world.classes[0].retry, None);
    assert_eq!(world.classes[0].connect_timeout, ms(2_000));
    assert_eq!(world.classes[1].connect_timeout, ms(10_000), "default");
    assert_eq!(
        world.classes[0].arrivals,
        Arrivals::PoissonRamp {
            from_per_client_per_sec: 1.0,
            to_per_client_per_sec: 5.0
        }
    );
    assert_eq!(
        world.classes[0].keys,
        KeyChoice::Objects(Popularity::Zipf(1.1))
    );
    assert_eq!(world.classes[2].cdn, Some(0));
    assert_eq!(
        world.classes[2].buckets,
        [0],
        "a viewer asks for its origin bucket"
    );
    let KeyChoice::Listed(listed) = &world.classes[2].keys else {
        panic!("viewer keys are listed: {:?}", world.classes[2].keys)
    };
    assert_eq!(listed.len(), 4);

    // Events: six faults; the re-creation goes to the bucket, the invalidation to the CDN.
    assert_eq!(world.faults.len(), 6);
    let photos = &world.buckets[1];
    assert!(photos.deleted_at.is_some());
    let recreated = photos.recreated.as_ref().expect("re-created");
    assert_eq!(recreated.region, 0);
    assert_eq!(world.cdn.invalidations.len(), 1);
    assert_eq!(world.cdn.invalidations[0].paths.len(), 2);

    // CDN.
    assert_eq!(world.cdn.edges.len(), 2);
    assert_eq!(world.cdn.edges[0].capacity, 1000);
    assert_eq!(world.cdn.edges[0].resolvers, 10..12, "the corp group");
    let warm: Vec<bool> = world.resolver_groups.iter().map(|g| g.warm_start).collect();
    assert_eq!(warm, [true, false], "warm by default");
    assert_eq!(world.cdn.edges[1].capacity, 100_000, "default");
    assert_eq!(world.cdn.distributions.len(), 2);
    assert_eq!(world.cdn.distributions[0].origin, Origin::Website);
    assert_eq!(world.cdn.distributions[0].policy.max_ttl, ms(86_400_000));
    assert!(world.cdn.distributions[1].access_control);
    assert_eq!(world.cdn.distributions[1].bucket, 1);

    // Objects: site's 3 keys; photos' named key then o/0 … o/49.
    let objects = &world.objects;
    assert_eq!(objects.per_bucket[0].len(), 3);
    assert_eq!(objects.per_bucket[1].len(), 51);
    let id = |k: &str| objects.id(k).unwrap_or_else(|| panic!("key {k:?}"));
    assert!(objects.exists(1, id("o/49")) && objects.exists(1, id("cover.jpg")));
    assert!(objects.id("o/50").is_none());

    // Website answers, with s3.website_redirect_code for a rule that names no code.
    assert_eq!(
        objects.website(0, id("old/x")),
        Some(WebAnswer::Redirect {
            status: Status::Found,
            key: id("new/x")
        })
    );
    assert_eq!(objects.website(0, id("new/x")), Some(WebAnswer::Object));
    assert_eq!(objects.website(0, id("")), Some(WebAnswer::Object));
    assert_eq!(
        objects.website(0, id("docs")),
        Some(WebAnswer::Redirect {
            status: Status::Found,
            key: id("docs/")
        }),
        "folder without its slash"
    );
    assert_eq!(
        objects.website(0, id("missing")),
        Some(WebAnswer::Redirect {
            status: Status::TemporaryRedirect,
            key: id("index.html")
        }),
        "the 404 rule with its own code"
    );
    assert_eq!(objects.website(1, id("o/0")), None, "photos has no website");

    // The sweep: two named points, the second with a regional origin.
    assert_eq!(loaded.points.len(), 2);
    assert_eq!(loaded.points[0].label(), "website origin");
    assert_eq!(
        loaded.points[1].world().cdn.distributions[0].origin,
        Origin::Regional
    );
    assert_eq!(*loaded.points[0].world(), **world);
}
