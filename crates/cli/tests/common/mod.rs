//! Helpers shared by the CLI tests: run the built binary in a scratch directory.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::Path;
use std::process::{Command, Output};

pub fn s3sim(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_s3sim"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("RAYON_NUM_THREADS")
        // Whatever a test asks for, the user's home directory is out of its reach.
        .env("HOME", dir);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("s3sim runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn scenario(expect: &str) -> String {
    format!(
        r#"(
        name: "tiny", duration: "20m", replicas: 3,
        regions: [(name: "us-east-1"), (name: "eu-west-1")],
        buckets: [(name: "b", region: "eu-west-1", created_at: "2m")],
        dns: (propagation: uniform(low: "1m", high: "5m")),
        resolvers: [(name: "isp", count: 50)],
        clients: [(name: "app", count: 100, arrivals: poisson("2/min"))],
        expect: [{expect}],
    )"#
    )
}

pub const PASSING: &str = r#"mean_below(metric: "redirect_rate", from: "10m", max: 0.01)"#;
pub const FAILING: &str = r#"mean_above(metric: "redirect_rate", from: "10m", min: 0.5)"#;
