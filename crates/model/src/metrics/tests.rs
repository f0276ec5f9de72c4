//! Unit tests of the recorder: bins, groups, counters and latency quantiles.

use super::*;

#[test]
fn counter_indices_are_dense_and_unique() {
    let idx: Vec<usize> = Counter::all().map(Counter::index).collect();
    assert_eq!(idx, (0..COUNTERS).collect::<Vec<_>>());
}

#[test]
fn output_columns_keep_their_names_and_order() {
    let statuses = "200,301,302,307,400,403,404,500,503,conn_error,timeout,502,nxdomain,servfail";
    let per_status = |prefix: &str| -> Vec<String> {
        statuses
            .split(',')
            .map(|s| format!("{prefix}{s}"))
            .collect()
    };
    let mut counters = vec!["requests".to_string()];
    counters.extend(per_status("status_"));
    counters.extend(
        "succeeded,failed,extra_round_trips,dns_lookups,stale_lookups,resolver_queries,\
         resolver_hits,attempts,gave_up,redirect_loops,edge_requests,edge_hits,\
         edge_cached_3xx,origin_fetches"
            .split(',')
            .map(String::from),
    );
    counters.extend(per_status("origin_"));
    counters.extend(
        "invalidation_paths,invalidation_micro_usd,dns_queries,dns_nxdomain,\
         ipv4_connections,ipv6_connections"
            .split(',')
            .map(String::from),
    );
    assert_eq!(
        Counter::all().map(Counter::name).collect::<Vec<_>>(),
        counters
    );
    let mut metrics = counters;
    metrics.extend(["redirect_rate".into(), "error_rate".into()]);
    metrics.extend(per_status("share_"));
    metrics.extend(
        "stale_dns_share,resolver_hit_ratio,extra_round_trips_per_request,\
         retry_amplification,gave_up_rate,redirect_loop_rate,edge_hit_ratio,\
         cached_3xx_share,invalidation_cost_usd,latency_p50_ms,latency_p99_ms,\
         dns_queries_per_lookup,nxdomain_share,ipv6_share,edge_requests_per_request"
            .split(',')
            .map(String::from),
    );
    assert_eq!(Metric::all().map(Metric::name).collect::<Vec<_>>(), metrics);
    assert_eq!((COUNTERS, Metric::LEN), (49, 80));
}

#[test]
fn the_all_classes_quantiles_span_every_class_s_requests() {
    // Class 0: 60 requests of 100 ms; class 1: 40 of 300 ms. All: p50 100 ms (the
    // 50th of 100 is a class-0 one), p99 300 ms; each class its own.
    let min = SimDuration::from_secs(60);
    let mut r = Recorder::new(min, min, 2);
    for (class, ms, n) in [(0, 100, 60), (1, 300, 40)] {
        for _ in 0..n {
            let done = Completion::ok(Status::Ok, SimDuration::from_millis(ms));
            r.request_done(class, SimTime::from_secs(10), done);
        }
    }
    let m = r.finish();
    let near = |(p50, p99): (f64, f64), want: (f64, f64)| {
        (p50 - want.0).abs() <= want.0 / 100.0 && (p99 - want.1).abs() <= want.1 / 100.0
    };
    assert!(
        near(m.latency_ms(0, 0), (100.0, 300.0)),
        "{:?}",
        m.latency_ms(0, 0)
    );
    assert!(
        near(m.latency_ms(0, 1), (100.0, 100.0)),
        "{:?}",
        m.latency_ms(0, 1)
    );
    assert!(
        near(m.latency_ms(0, 2), (300.0, 300.0)),
        "{:?}",
        m.latency_ms(0, 2)
    );
}

#[test]
fn each_bin_gets_its_own_latency_quantiles() {
    let min = SimDuration::from_secs(60);
    let mut r = Recorder::new(min, SimDuration::from_secs(300), 2);
    for ms in 1..=100 {
        let done = Completion::ok(Status::Ok, SimDuration::from_millis(ms));
        r.request_done(1, SimTime::from_secs(10), done);
    }
    let done = Completion::ok(Status::Ok, SimDuration::from_millis(500));
    r.request_done(0, SimTime::from_secs(130), done);
    let m = r.finish();
    let (p50, p99) = m.latency_ms(0, 2);
    assert!(
        (p50 - 50.0).abs() <= 0.5 && (p99 - 99.0).abs() <= 1.0,
        "{p50} {p99}"
    );
    assert!(m.latency_ms(1, 0).0.is_nan(), "bin 1 had no completion");
    assert!((m.latency_ms(2, 0).0 - 500.0).abs() <= 5.0);
    assert!(
        m.latency_ms(2, 2).0.is_nan(),
        "class 1 had nothing in bin 2"
    );
    assert_eq!(m.total(0, Counter::Requests), 101);
    assert_eq!(m.total(1, Counter::Requests), 1);
}

#[test]
fn bin_index_answers_the_division_in_any_order_capped_at_the_last_bin() {
    // Width 7 ns, 5 bins: times go up, back, across edges and past the end.
    let mut index = BinIndex::new(SimDuration::from_nanos(7), 5);
    let times = [0, 6, 7, 13, 14, 3, 34, 35, 36, 1_000, 20, 21, 27, 28, 0];
    let bins: Vec<usize> = times
        .iter()
        .map(|&t| index.of(SimTime::from_nanos(t)))
        .collect();
    assert_eq!(bins, [0, 0, 1, 1, 2, 0, 4, 4, 4, 4, 2, 3, 3, 4, 0]);
}
