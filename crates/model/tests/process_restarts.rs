//! When a client process that restarts every period forgets what it learned: client
//! `c` of class `k` in a run seeded `s` has the phase `φ = stable_hash(s, k, c) mod P`
//! (each a little-endian u64), and its process `n` lives while `⌊(t + φ)/P⌋ = n`, so
//! the first one ends at `P − φ` and each later one `P` after the one before. A
//! regression pin of that rule: the period alone (one restart per `P`) is pinned in
//! `world/clients.rs`'s unit tests.

mod common;

use common::*;
use s3sim_engine::{RandomStreams, SimDuration, SimTime, stable_hash};
use s3sim_model::client::{Lifetime, RedirectPolicy, RegionCache};
use s3sim_model::distribution::Delay;
use s3sim_model::response::Status;

/// The restart phase of client `client` of class `class` in a run seeded `seed`.
fn phase(seed: u64, class: u64, client: u64, period: SimDuration) -> u64 {
    let mut bytes = Vec::new();
    for k in [seed, class, client] {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    stable_hash(&bytes) % period.as_nanos()
}

/// One SDK client that remembers regions for its process's life asks once a second
/// for a bucket in eu-west-1 whose global name points at us-east-1 all run long, so
/// each of its processes is redirected (307) exactly once, on its first request: the
/// requests answered 307 first are the one at 0 s and the first one at or after each
/// restart, `P − φ + n·P` (P = 100 s).
#[test]
fn a_restarting_client_forgets_its_region_at_the_phase_its_seed_gives_it() {
    let period = secs(100);
    for seed in [3, 4, 5] {
        let mut w = world(
            vec![bucket("photos", EU_WEST_1, Some(0))],
            Delay::Fixed(secs(86_400)),
            vec![class(
                1,
                secs(1),
                RedirectPolicy::SdkRegion {
                    cache: RegionCache::Forever,
                },
            )],
        );
        w.duration = secs(330);
        w.classes[0].lifetime = Lifetime::RestartEvery(period);
        let out = s3sim_model::run_replica(&w, RandomStreams::new(seed));
        let redirected: Vec<SimTime> = out
            .traces
            .iter()
            .filter(|t| t.statuses[0] == Status::TemporaryRedirect)
            .map(|t| t.started)
            .collect();
        let first_end = period.as_nanos() - phase(seed, 0, 0, period);
        let second = 1_000_000_000;
        let mut expected = vec![SimTime::ZERO];
        let mut restart = first_end;
        while restart < 330 * second {
            // The first request at or after the restart (requests start every second).
            let at = restart.div_ceil(second) * second;
            if at < 330 * second {
                expected.push(SimTime::from_nanos(at));
            }
            restart += period.as_nanos();
        }
        assert!(expected.len() >= 3, "seed {seed}: {expected:?}");
        assert_eq!(redirected, expected, "seed {seed}");
    }
}
