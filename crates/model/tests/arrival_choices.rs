//! Which key a new request asks for (`world/arrivals.rs`), pinned where a mutation run
//! found no test (issue 16): a class drawing uniformly over a bucket's objects asks for
//! all of them, and a class with an empty key list asks for key 0.
//!
//! The key a request asked for shows in its status: bucket `site` (us-east-1) serves a
//! website whose routing rule redirects `old/` to `new/` (301), whatever exists, while
//! `index.html` is an object (200). Arrivals are periodic, so the times are exact.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Addressing, KeyChoice, Popularity, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::objects::Objects;
use s3sim_model::response::Status::{self, *};
use s3sim_model::website::{Condition, Redirect, RoutingRule, Website};
use s3sim_model::{WorldConfig, run_replica};

/// The website of `site`: `index.html` is its index, `old/` is redirected to `new/`.
fn site() -> Website {
    let old_to_new = RoutingRule {
        condition: Some(Condition {
            key_prefix_equals: Some("old/".into()),
            ..Condition::default()
        }),
        redirect: Redirect {
            replace_key_prefix_with: Some("new/".into()),
            ..Redirect::default()
        },
    };
    Website::new("index.html", vec![old_to_new])
}

/// One client asking the website endpoint of `site` for one of its two objects
/// (`index.html`, `old/a`) every 10 s from 0 to 390 s: 40 requests.
fn website_world() -> WorldConfig {
    let mut w = world(
        vec![bucket("site", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(1, secs(10), RedirectPolicy::None)],
    );
    w.duration = secs(395);
    w.objects = Objects::build(
        vec![vec!["index.html".into(), "old/a".into()]],
        &[Some(site())],
        &[],
        1,
    );
    let c = &mut w.classes[0];
    c.addressing = Addressing::Website;
    c.keys = KeyChoice::Objects(Popularity::Uniform);
    w
}

fn statuses(w: &WorldConfig) -> Vec<Status> {
    let out = run_replica(w, RandomStreams::new(5));
    assert_eq!((out.issued, out.completed), (40, 40));
    out.traces.iter().map(|t| t.statuses[0]).collect()
}

/// Uniform key popularity draws each request's key from all of the bucket's objects:
/// of 40 requests, the number for `old/a` (a 301) is Binomial(40, 1/2), mean 20 and
/// standard deviation 3.16; [5, 35] is ±4.7 standard deviations (a false alarm below
/// 3e-6). Always the first object would give 0 redirects.
#[test]
fn uniform_key_popularity_draws_from_every_object_of_the_bucket() {
    let firsts = statuses(&website_world());
    let redirects = firsts.iter().filter(|&&s| s == MovedPermanently).count();
    let ok = firsts.iter().filter(|&&s| s == Ok).count();
    assert_eq!(redirects + ok, 40, "{firsts:?}");
    assert!(
        (5..=35).contains(&redirects),
        "{redirects} of 40: {firsts:?}"
    );
}

/// A class whose key list is empty asks for key 0 (here `index.html`, a 200) every
/// time, rather than drawing from an empty range.
#[test]
fn an_empty_key_list_asks_for_key_zero() {
    let mut w = website_world();
    assert_eq!(w.objects.id("index.html"), Some(0));
    w.classes[0].keys = KeyChoice::Listed(Vec::new());
    assert_eq!(statuses(&w), vec![Ok; 40]);
    // Key 1 (`old/a`) listed alone: every request is redirected.
    w.classes[0].keys = KeyChoice::Listed(vec![1]);
    assert_eq!(statuses(&w), vec![MovedPermanently; 40]);
    // The first request starts at 0 s, the last at 390 s.
    let out = run_replica(&w, RandomStreams::new(5));
    let last = out.traces.last().expect("40 traces").started;
    assert_eq!(
        (out.traces[0].started, last),
        (SimTime::ZERO, SimTime::from_secs(390))
    );
}

/// A bucket with a single object needs no draw for its key, so adding one to a class
/// leaves the keys the class draws for its other buckets as they were: the requests for
/// `site` get the same statuses, in the same order, whether or not the class also asks
/// bucket `one` (a single object, no website: 404) in between. Under both uniform and
/// Zipf key popularity.
#[test]
fn a_single_object_bucket_draws_no_key_from_the_class_s_key_stream() {
    for popularity in [Popularity::Uniform, Popularity::Zipf(1.0)] {
        let mut alone = website_world();
        alone.buckets.push(bucket("one", US_EAST_1, None));
        alone.objects = Objects::build(
            vec![
                vec!["index.html".into(), "old/a".into()],
                vec!["only".into()],
            ],
            &[Some(site()), None],
            &[],
            1,
        );
        alone.classes[0].keys = KeyChoice::Objects(popularity);
        let mut both = alone.clone();
        both.classes[0].buckets = vec![0, 1];
        let site_statuses = |w: &WorldConfig| -> Vec<Status> {
            let out = run_replica(w, RandomStreams::new(5));
            out.traces
                .iter()
                .filter(|t| t.bucket == 0)
                .map(|t| t.statuses[0])
                .collect()
        };
        let (alone, both) = (site_statuses(&alone), site_statuses(&both));
        assert_eq!(alone.len(), 40);
        assert!(both.len() < 40, "{popularity:?}: bucket one asked too");
        assert_eq!(both[..], alone[..both.len()], "{popularity:?}");
    }
}
