//! Run a scenario's simulation alone: every replica's model, one after the other, with
//! no report, aggregation or files, to measure what the simulation itself costs.
//!
//! `simulate SCENARIO` loads the scenario (its sweep's first point only), runs each
//! replica with the streams `s3sim run` gives it (the scenario's seed, the replica's
//! number) and prints the requests issued per replica. Its peak memory
//! (`/usr/bin/time -v`) is the denominator of issue 12's memory target, "a 7-day run
//! at 5-min bins peaks at ≤ 1.2× the memory of the simulation alone": see
//! benches/README.md. Each replica's output is dropped before the next starts, as a
//! single-threaded `s3sim run` holds one replica at a time.

use s3sim_engine::RandomStreams;
use s3sim_model::world::run_replica;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: simulate SCENARIO.ron");
        return ExitCode::from(2);
    };
    let loaded = match s3sim_scenario::load(&path) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let world = loaded.points[0].world();
    for replica in 0..loaded.scenario.replicas {
        let streams = RandomStreams::for_replica(loaded.scenario.seed, u64::from(replica));
        let output = run_replica(&world, streams);
        println!("replica {replica}: {} requests issued", output.issued);
    }
    ExitCode::SUCCESS
}
