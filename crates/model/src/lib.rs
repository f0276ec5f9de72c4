//! Model how requests find Amazon S3: DNS caches and propagation, facilities, clients.
//!
//! One module per concern: [`topology`] (regions, facilities, round trips), [`bucket`]
//! (bucket lifecycles), [`dns`] (names, authoritative records, recursive resolvers),
//! [`facility`] (how a facility answers, the table of DOMAIN.md §1, and its capacity),
//! [`endpoints`] (the live IPs behind the names), [`fault`] (outages, drains, rotations),
//! [`client`] (client classes and their DNS, redirect, retry and lifetime policies),
//! [`website`] (the static-website endpoint and its routing rules, DOMAIN.md §5),
//! [`metrics`] (binned counters, latency quantiles, facility load) and [`world`] (the
//! event handler that ties them together). [`cdn`] holds the CDN's pieces: TTL policy,
//! edge cache, invalidation.
//! Everything works on dense integer ids; names live in the scenario layer.

pub mod bucket;
pub mod cdn;
pub mod client;
mod dense;
pub mod distribution;
pub mod dns;
pub mod endpoints;
pub mod facility;
pub mod fault;
pub mod metrics;
pub mod objects;
pub mod response;
pub mod topology;
pub mod website;
pub mod world;

pub use world::{RequestTrace, World, WorldConfig, run_replica};
