//! What the report crate's integration tests share: running a scenario given as text.

use s3sim_report::{RunOptions, RunResult};

/// Run every replica of the scenario `text`, with its own seed and replica count.
pub fn run_text(text: &str) -> RunResult {
    let loaded = s3sim_scenario::parse(text, "test").unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        seed: loaded.scenario.seed,
        replicas: loaded.scenario.replicas,
        progress: false,
    };
    s3sim_report::run(&loaded.world, options)
}
