//! Model how requests find Amazon S3: DNS caches and propagation, facilities, clients.
//!
//! One module per concern: [`topology`] (regions, facilities, round trips), [`bucket`]
//! (bucket lifecycles), [`dns`] (names, authoritative records, recursive resolvers),
//! [`facility`] (how a facility answers, the table of DOMAIN.md §1), [`client`] (client
//! classes and their DNS, redirect and lifetime policies), [`metrics`] (binned counters
//! and latency quantiles) and [`world`] (the event handler that ties them together).
//! Everything works on dense integer ids; names live in the scenario layer.

pub mod bucket;
pub mod client;
pub mod distribution;
pub mod dns;
pub mod facility;
pub mod metrics;
pub mod topology;
pub mod world;

pub use world::{RequestTrace, World, WorldConfig, run_replica};
