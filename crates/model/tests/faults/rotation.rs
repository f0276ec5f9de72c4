//! IP rotation against each DNS cache policy, with the old IPs refused or black-holed.

use super::*;

const ROTATION_MS: u64 = 605_500; // records switch at 605.5 s ...
const GRACE_MS: u64 = 4_000; // ... old IPs fail from 609.5 s on
const RECORD_TTL: u64 = 20;
const RESTART_PERIOD: u64 = 300;

/// Four clients, one request a second each, each with its own resolver (record TTL
/// 20 s): forever-until-restart (every 300 s), a fixed 30 s cache, the record's TTL,
/// and forever in a process that never restarts. The old IPs fail as `mode` says.
fn rotation_world(mode: OutageMode) -> WorldConfig {
    let mut w = steady_world(4, 1_200);
    w.dns.record_ttl = secs(RECORD_TTL);
    w.bin = secs(1);
    let policies = [
        (
            DnsCachePolicy::Forever,
            Lifetime::RestartEvery(secs(RESTART_PERIOD)),
        ),
        (DnsCachePolicy::Fixed(secs(30)), Lifetime::LongLived),
        (DnsCachePolicy::HonorTtl, Lifetime::LongLived),
        (DnsCachePolicy::Forever, Lifetime::LongLived),
    ];
    for (c, (dns, lifetime)) in w.classes.iter_mut().zip(policies) {
        (c.dns, c.lifetime) = (dns, lifetime);
    }
    own_resolvers(&mut w);
    w.faults = vec![Fault::IpRotation {
        facility: 0,
        at: at_ms(ROTATION_MS),
        grace: ms(GRACE_MS),
        mode,
    }];
    w
}

#[test]
fn ip_rotation_fails_connections_to_old_ips_only_from_the_end_of_the_grace_period() {
    let out = run(&rotation_world(OutageMode::Refused));
    // The first request that connects at or after 609.5 s is the one started at 610 s
    // (it connects 5 ms later); the one started at 609 s still got through.
    let forever = of_class(&out, 3);
    assert_eq!(forever[609].statuses, [Ok]);
    assert_eq!(forever[610].statuses, [ConnectionError]);
    // Every failure is a refused connection to the old IP: one 10 ms round trip, no
    // DNS at all (the answer comes from the process's cache).
    for t in out.traces.iter().filter(|t| failed(t)) {
        assert_eq!(t.statuses, [ConnectionError]);
        assert_eq!(latency(t), ms(10));
    }
    // Nobody fails before retirement.
    assert!(
        out.traces
            .iter()
            .filter(|t| failed(t))
            .all(|t| started_ms(t) >= 610_000)
    );
}

#[test]
fn black_holed_rotation_times_out_stale_clients_after_their_connect_timeout() {
    // The old IPs drop packets (docs/domain.md §8): the client that caches forever
    // waits its whole 10 s connect timeout on every request from 610 s on, and ends each
    // with `timeout`, not a refusal after one round trip.
    let out = run(&rotation_world(OutageMode::BlackHoled));
    let forever = of_class(&out, 3);
    assert_eq!(forever[609].statuses, [Ok]);
    assert_eq!(forever[610].statuses, [Timeout]);
    for t in out.traces.iter().filter(|t| failed(t)) {
        assert_eq!(t.statuses, [Timeout]);
        assert_eq!(latency(t), secs(10), "the connect timeout, no DNS");
    }
    // The last failure to complete started at 1 190 s and ends with the run (1 200 s).
    let fails = failure_seconds(&out, 3);
    assert_eq!(fails, (610..=1_190).collect::<Vec<_>>());
    // Honouring the 20 s TTL: the answer of 600 s holds the old IP until 620 s.
    assert_eq!(failure_seconds(&out, 2), (610..620).collect::<Vec<_>>());
}

#[test]
fn forever_cache_in_a_long_lived_process_fails_from_retirement_to_the_end() {
    let out = run(&rotation_world(OutageMode::Refused));
    // Requests at 610, 611, ..., 1199 s (the one at 1200 s is still in flight).
    assert_eq!(failure_seconds(&out, 3), (610..1_200).collect::<Vec<_>>());
    assert_eq!(
        out.metrics.total(4, Counter::ResolverQueries),
        1,
        "one lookup, at 0 s"
    );
}

#[test]
fn honor_ttl_client_fails_at_most_one_record_ttl() {
    let out = run(&rotation_world(OutageMode::Refused));
    // Its answer from 600 s (old IP, cached until 620 s) outlives the grace by 10 s.
    let fails = failure_seconds(&out, 2);
    assert_eq!(fails, (610..620).collect::<Vec<_>>());
    let window = fails.last().unwrap() + 1 - fails[0];
    assert!(window <= RECORD_TTL, "{window} s");
}

#[test]
fn fixed_30s_client_fails_at_most_30s_plus_the_resolver_ttl() {
    let out = run(&rotation_world(OutageMode::Refused));
    // It re-resolves every 30 s (0, 30, ..., 600, 630 s); each is a resolver miss
    // (20 s TTL), so the answer of 600 s has the old IP until 630 s.
    let fails = failure_seconds(&out, 1);
    assert_eq!(fails, (610..630).collect::<Vec<_>>());
    let window = fails.last().unwrap() + 1 - fails[0];
    assert!(window <= 30 + RECORD_TTL, "{window} s");
    assert_eq!(out.metrics.total(2, Counter::ResolverQueries), 41); // 0, 30, ..., 1200 s
    assert_eq!(out.metrics.total(2, Counter::ResolverHits), 0);
}

#[test]
fn forever_until_restart_client_fails_from_retirement_until_its_next_restart() {
    let out = run(&rotation_world(OutageMode::Refused));
    // The process re-resolves only after a restart: the bins with a resolver query are
    // its restarts (plus the first request).
    let lookups: Vec<u64> = (0..out.metrics.bins)
        .filter(|&b| out.metrics.count(b, 1, Counter::ResolverQueries) > 0)
        .map(|b| b as u64)
        .collect();
    assert_eq!(lookups[0], 0);
    let restarts = &lookups[1..];
    assert!(
        restarts[0] > 0 && restarts[0] <= RESTART_PERIOD,
        "{lookups:?}"
    );
    assert!(
        restarts.windows(2).all(|w| w[1] - w[0] == RESTART_PERIOD),
        "a restart every 300 s: {lookups:?}"
    );
    // Lookups before 605.5 s got the old IP; the first one after it, the new IP.
    let next = *lookups.iter().find(|&&l| l * 1_000 > ROTATION_MS).unwrap();
    let fails = failure_seconds(&out, 0);
    assert!(
        next > 610,
        "this seed's restart phase leaves a failure window"
    );
    assert_eq!(
        fails,
        (610..next).collect::<Vec<_>>(),
        "lookups {lookups:?}"
    );
    assert!(next - 610 <= RESTART_PERIOD);
    println!(
        "restarts at {restarts:?} s: failures from 610 s to {} s",
        next - 1
    );
}
