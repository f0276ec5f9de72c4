//! The rows of docs/domain.md §1 about keys and bucket changes, and two of §7: the
//! exact statuses of a missing key (404 NoSuchKey, or 403 AccessDenied without
//! `s3:ListBucket`), of a facility that has not learned of a bucket's creation or
//! deletion yet (307 to one that has), the global name of an opt-in bucket (never a
//! DNS change, so never a stale lookup), and PUTs above a prefix's write budget (503).

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime};
use s3sim_model::client::{Addressing, KeyChoice, MethodMix, RedirectPolicy};
use s3sim_model::distribution::Delay;
use s3sim_model::dns::Host;
use s3sim_model::metrics::Counter;
use s3sim_model::objects::Objects;
use s3sim_model::rate_limit::{Access, PrefixBudgets, RateLimits};
use s3sim_model::response::Method::{self, Get, Head, Put};
use s3sim_model::response::Status::{self, *};
use s3sim_model::{RequestTrace, WorldConfig, run_replica};

/// The first request of the single class, started at `start` seconds.
fn first_request(config: &mut WorldConfig, start: u64) -> RequestTrace {
    config.classes[0].start = SimTime::from_secs(start);
    config.trace_limit = 1;
    run_replica(config, RandomStreams::new(1)).traces.remove(0)
}

// ---------------------------------------------------------------------------------
// A key the bucket does not hold (docs/domain.md §1, GetObject)

/// Bucket `b` in us-east-1 holding only `there`; `missing` is asked for but absent.
fn keyed_world(redirects: RedirectPolicy) -> WorldConfig {
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(1, secs(3600), redirects)],
    );
    w.objects = Objects::build(
        vec![vec!["there".into()]],
        &[None],
        &["missing".to_string()],
        0,
    );
    w
}

fn ask(w: &mut WorldConfig, key: &str, method: Method) -> Vec<Status> {
    let id = w.objects.id(key).expect("interned");
    w.classes[0].keys = KeyChoice::Listed(vec![id]);
    w.classes[0].methods = MethodMix::new(&[(method, 1.0)]);
    first_request(w, 10).statuses
}

#[test]
fn get_or_head_of_a_missing_key_gets_404_and_a_put_creates_it() {
    let mut w = keyed_world(RedirectPolicy::None);
    assert_eq!(ask(&mut w, "there", Get), [Ok]);
    assert_eq!(ask(&mut w, "missing", Get), [NotFound]);
    assert_eq!(ask(&mut w, "missing", Head), [NotFound]);
    assert_eq!(ask(&mut w, "missing", Put), [Ok]);
}

#[test]
fn a_caller_without_list_bucket_gets_403_for_a_missing_key_only() {
    let mut w = keyed_world(RedirectPolicy::None);
    w.classes[0].list_bucket = false;
    assert_eq!(ask(&mut w, "missing", Get), [Forbidden]);
    assert_eq!(ask(&mut w, "missing", Head), [Forbidden]);
    assert_eq!(ask(&mut w, "there", Get), [Ok]);
}

#[test]
fn the_missing_key_answer_comes_after_the_routing_answers() {
    // An SDK configured for eu-west-1 calls the us-east-1 bucket regionally: the 301
    // first, then the bucket's own region says the key is missing.
    let mut w = keyed_world(RedirectPolicy::SdkRegion {
        cache: s3sim_model::client::RegionCache::None,
    });
    w.classes[0].addressing = Addressing::VirtualRegional;
    w.classes[0].region = Some(EU_WEST_1);
    assert_eq!(ask(&mut w, "missing", Get), [MovedPermanently, NotFound]);
}

// ---------------------------------------------------------------------------------
// Facilities learning of a bucket's creation or deletion (docs/domain.md §1)

/// One bucket in `region` created at 60 s (or deleted at 60 s), each facility
/// learning of it `learning` seconds later; DNS settles at once.
fn change_world(
    region: u16,
    deleted: bool,
    learning: u64,
    redirects: RedirectPolicy,
) -> WorldConfig {
    let mut b = bucket("new", region, Some(60));
    if deleted {
        (b.created_at, b.deleted_at) = (None, Some(SimTime::from_secs(60)));
    }
    let mut w = world(
        vec![b],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(1, secs(3600), redirects)],
    );
    w.learning_delay = Delay::Fixed(secs(learning));
    w
}

#[test]
fn a_new_default_region_bucket_redirects_until_its_facility_learns_of_it() {
    // Before: with facilities that learn at once, never a redirect.
    let mut at_once = change_world(US_EAST_1, false, 0, follow_location());
    assert_eq!(first_request(&mut at_once, 120).statuses, [Ok]);
    // After: a 600 s learning delay gives 307 to the redirect endpoint until 660 s.
    let mut w = change_world(US_EAST_1, false, 600, follow_location());
    let t = first_request(&mut w, 120);
    assert_eq!(t.statuses, [TemporaryRedirect, Ok]);
    assert_eq!(
        t.hosts,
        [Host::BucketGlobal(0), Host::RedirectEndpoint(0, US_EAST_1)]
    );
    assert_eq!(first_request(&mut w, 661).statuses, [Ok]);
    let mut ignores = change_world(US_EAST_1, false, 600, RedirectPolicy::None);
    assert_eq!(
        first_request(&mut ignores, 120).statuses,
        [TemporaryRedirect]
    );
}

#[test]
fn a_regional_name_is_redirected_too_while_its_facility_has_not_learned() {
    let mut w = change_world(EU_WEST_1, false, 600, follow_location());
    w.classes[0].addressing = Addressing::VirtualRegional;
    let t = first_request(&mut w, 120);
    assert_eq!(t.statuses, [TemporaryRedirect, Ok]);
    assert_eq!(
        t.hosts,
        [
            Host::BucketRegional(0, EU_WEST_1),
            Host::RedirectEndpoint(0, EU_WEST_1)
        ]
    );
}

#[test]
fn a_deleted_bucket_is_redirected_then_404_until_its_facility_learns() {
    let mut w = change_world(US_EAST_1, true, 600, follow_location());
    assert_eq!(
        first_request(&mut w, 30).statuses,
        [Ok],
        "before the deletion"
    );
    assert_eq!(
        first_request(&mut w, 120).statuses,
        [TemporaryRedirect, NotFound]
    );
    assert_eq!(first_request(&mut w, 661).statuses, [NotFound]);
}

// ---------------------------------------------------------------------------------
// The global name of an opt-in bucket never moves, so it is never stale (§1, §3)

fn stale_lookups(region: u16) -> (u64, u64) {
    // Created at 60 s; the only resolver sees a change 600 s later; one lookup a
    // minute (the 5 s record TTL has always expired), from 0 to 3600 s.
    let w = world(
        vec![bucket("b", region, Some(60))],
        Delay::Fixed(secs(600)),
        vec![class(1, secs(60), RedirectPolicy::None)],
    );
    let out = run_replica(&w, RandomStreams::new(1));
    (
        out.metrics.total(0, Counter::StaleLookups),
        out.metrics.total(0, Counter::Lookups),
    )
}

#[test]
fn the_global_name_of_an_opt_in_bucket_is_never_a_stale_lookup() {
    // eu-west-1: the lookups at 60, 120, ..., 600 s see the old record: 10 of 61.
    assert_eq!(stale_lookups(EU_WEST_1), (10, 61));
    // ap-east-1 (opt-in): the global name stays on us-east-1 for ever.
    assert_eq!(stale_lookups(AP_EAST_1), (0, 61));
}

// ---------------------------------------------------------------------------------
// PUTs above a prefix's write budget (docs/domain.md §7)

/// 8 clients, one PUT (or GET) a second each, for 30 s, against a partition allowing
/// 5 writes and 10 reads a second with a 1 s budget.
fn budget_world(method: Method) -> (WorldConfig, RateLimits) {
    let limits = RateLimits {
        enabled: true,
        reads_per_sec: 10.0,
        writes_per_sec: 5.0,
        burst: secs(1),
        split_after: secs(86_400),
        prefixes: vec![Vec::new()],
    };
    let mut w = world(
        vec![bucket("b", US_EAST_1, None)],
        Delay::Fixed(SimDuration::ZERO),
        vec![class(8, secs(1), RedirectPolicy::None)],
    );
    w.duration = secs(30);
    w.rate_limits = limits.clone();
    w.objects = Objects::build(vec![vec!["x".into()]], &[None], &[], 0);
    w.classes[0].methods = MethodMix::new(&[(method, 1.0)]);
    w.trace_limit = 1_000_000;
    (w, limits)
}

#[test]
fn puts_above_the_write_budget_get_503_at_once_and_reads_at_that_rate_do_not() {
    let (w, limits) = budget_world(Put);
    let out = run_replica(&w, RandomStreams::new(1));
    // Replay the budget at the times the PUTs reach the facility: a 503 is answered
    // 5 ms before it is back, a 200 after 5 ms of service more.
    let mut budgets = PrefixBudgets::new(&limits, &w.objects, 1);
    let ms = SimDuration::from_millis;
    let mut arrivals: Vec<(SimTime, &RequestTrace)> = out
        .traces
        .iter()
        .map(|t| {
            let back = if t.statuses == [SlowDown] {
                ms(5)
            } else {
                ms(10)
            };
            (t.finished - back, t)
        })
        .collect();
    arrivals.sort_by_key(|&(at, t)| (at, t.started));
    let mut turned_away = 0;
    for &(at, t) in &arrivals {
        let admitted = budgets.admit(0, 0, Access::Write, at);
        assert_eq!(t.statuses, [if admitted { Ok } else { SlowDown }], "{t:?}");
        turned_away += u32::from(!admitted);
    }
    // 8 PUTs a second for 30 s against 5 + 5 · 30 write tokens.
    assert_eq!((arrivals.len(), turned_away), (TOTAL, SLOWED));
    assert_eq!(
        out.metrics.total(0, Counter::First(SlowDown)),
        u64::from(SLOWED)
    );
    let (reads, _) = budget_world(Get);
    let out = run_replica(&reads, RandomStreams::new(1));
    assert_eq!(out.metrics.total(0, Counter::First(SlowDown)), 0);
}

/// PUTs issued in 30 s, and those turned away: 8 · 30 offered against the 5 tokens of
/// the full budget plus 5 a second (the replay above is the derivation).
const TOTAL: usize = 240;
const SLOWED: u32 = 86;
