//! The S3 host names and their dense numbering (`dns/host.rs`), pinned where a mutation
//! run found no test but the doc examples (which the mutation run leaves out; issue 16).

use s3sim_model::dns::{Host, HostSpace};

/// The virtual-hosted names (global, regional, redirect endpoint, website) name their
/// bucket; the path-style names and a distribution's domain name none.
#[test]
fn only_virtual_hosted_names_name_a_bucket() {
    assert_eq!(Host::BucketGlobal(3).bucket(), Some(3));
    assert_eq!(Host::BucketRegional(4, 1).bucket(), Some(4));
    assert_eq!(Host::RedirectEndpoint(5, 2).bucket(), Some(5));
    assert_eq!(Host::Website(6).bucket(), Some(6));
    assert_eq!(Host::PathGlobal.bucket(), None);
    assert_eq!(Host::PathRegional(1).bucket(), None);
    assert_eq!(Host::Distribution(0).bucket(), None);
}

/// A world of 2 buckets, 3 regions and 2 distributions has 2 + 6 + 1 + 3 + 6 + 2 + 2 =
/// 22 names, numbered 0 to 21 in this order: the buckets' global names, their regional
/// names (bucket by bucket, region by region), `s3.amazonaws.com`, the path-style
/// regional names, the redirect endpoints, the website names, the distributions.
#[test]
fn a_host_space_numbers_every_name_once_in_a_fixed_order() {
    let space = HostSpace {
        buckets: 2,
        regions: 3,
        distributions: 2,
    };
    let mut in_order = vec![Host::BucketGlobal(0), Host::BucketGlobal(1)];
    for b in 0..2 {
        in_order.extend((0..3).map(|r| Host::BucketRegional(b, r)));
    }
    in_order.push(Host::PathGlobal);
    in_order.extend((0..3).map(Host::PathRegional));
    for b in 0..2 {
        in_order.extend((0..3).map(|r| Host::RedirectEndpoint(b, r)));
    }
    in_order.extend([Host::Website(0), Host::Website(1)]);
    in_order.extend([Host::Distribution(0), Host::Distribution(1)]);
    assert_eq!(space.len(), 22);
    assert_eq!(in_order.len(), 22);
    assert!(!space.is_empty());
    for (i, &host) in in_order.iter().enumerate() {
        assert_eq!(space.index(host), Some(i as u64), "{host:?}");
    }
}

/// A name whose bucket, region or distribution lies outside the space has no number.
#[test]
fn a_name_outside_the_space_has_no_number() {
    let space = HostSpace {
        buckets: 2,
        regions: 3,
        distributions: 2,
    };
    for host in [
        Host::BucketGlobal(2),
        Host::BucketRegional(2, 0),
        Host::BucketRegional(0, 3),
        Host::PathRegional(3),
        Host::RedirectEndpoint(2, 0),
        Host::RedirectEndpoint(0, 3),
        Host::Website(2),
        Host::Distribution(2),
    ] {
        assert_eq!(space.index(host), None, "{host:?}");
    }
}

/// Even a world without buckets, regions or distributions has one name,
/// `s3.amazonaws.com`, numbered 0.
#[test]
fn an_empty_world_still_has_the_global_path_style_name() {
    let space = HostSpace::default();
    assert_eq!(space.len(), 1);
    assert!(!space.is_empty());
    assert_eq!(space.index(Host::PathGlobal), Some(0));
    assert_eq!(space.index(Host::BucketGlobal(0)), None);
}
