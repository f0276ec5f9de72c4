//! Model how requests find Amazon S3: DNS caches and propagation, facilities, clients.
//!
//! One module per concern: [`topology`] (regions, facilities, round trips), [`bucket`]
//! (bucket lifecycles and the dense bucket and key ids), [`dns`] (names, authoritative
//! records, recursive resolvers), [`response`] (the status and headers of one hop, which
//! every other module speaks), [`facility`] (how S3 answers at a facility: the table of
//! docs/domain.md §1, the website endpoint, origin access control), [`endpoints`] (the live
//! IPs behind the names), [`learning`] (when each facility learns of a bucket's creation
//! or deletion), [`rate_limit`] (S3's request-rate limits per partitioned
//! prefix, docs/domain.md §7), [`fault`] (outages, drains, rotations), [`client`] (client
//! classes and their DNS, redirect, retry and lifetime policies), [`objects`] (the key
//! table and the precomputed website answers), [`website`] (the static-website endpoint
//! and its routing rules, docs/domain.md §5), [`metrics`] (binned counters, latency
//! quantiles, facility load) and [`world`] (the event loop: a thin dispatcher over
//! parts that own their state). [`cdn`] holds the CDN's pieces: TTL policy, edge cache,
//! invalidation. Everything works on dense integer ids; names live in the scenario
//! layer.

pub mod bucket;
pub mod cdn;
pub mod client;
mod dense;
pub mod distribution;
pub mod dns;
pub mod endpoints;
pub mod facility;
pub mod fault;
pub mod learning;
pub mod metrics;
pub mod objects;
pub mod rate_limit;
pub mod response;
pub mod topology;
pub mod website;
pub mod world;

pub use world::{RequestTrace, World, WorldConfig, run_replica};
