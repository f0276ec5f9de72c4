//! Run replicas in parallel, aggregate them with confidence intervals, write results.
//!
//! Replicas run on rayon's pool but are collected and reduced in replica order, so
//! every output is byte-identical for any thread count. Results are written to a
//! temporary directory next to the target and renamed into place, so a failed run
//! never leaves a half-written result under the final name.
//!
//! The modules, from the numbers up:
//! - `stats`, `aggregate`, `measure`: estimates across replicas, per bin and per window;
//!   `bin_store`: the per-bin estimates, kept in a temporary file;
//! - `runner`, `shard`: running (point, replica) jobs, here or split across machines;
//!   `progress`: how far they are, on stderr;
//! - `sweep_summary`, `markers`: what a sweep and a scenario's events contribute to outputs;
//! - `output` (CSV tables, `summary.json`, atomic files) and `charts`: the result files;
//! - `compare`: two runs' results read back and compared (`s3sim compare`);
//! - `expectations`, `junit`, `console`: what `s3sim check` and `s3sim run` report;
//! - `fmt`: durations and rate intervals written the same way by all of them.

pub mod aggregate;
pub mod bin_store;
pub mod charts;
pub mod compare;
pub mod console;
pub mod expectations;
pub mod fmt;
pub mod junit;
pub mod markers;
pub mod measure;
pub mod output;
mod progress;
mod runner;
pub mod shard;
mod spool;
pub mod stats;
pub mod sweep_summary;
pub mod trace;

pub use aggregate::Aggregate;
pub use markers::{Marker, markers};
pub use output::csv_tables::{facilities_csv, sweep_csv, timeseries_csv};
pub use output::files::OutputError;
pub use output::install::remove_live_staging;
pub use output::outdir::{Kind, OutDir};
pub use output::{ResultsTree, results_dir, write_results};
pub use runner::{Job, RunOptions, RunResult, all_jobs, run, run_jobs, run_outputs, run_points};
pub use shard::{SHARD_INDEX_VARIABLES, Shard};
