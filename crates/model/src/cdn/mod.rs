//! Model a CloudFront-like CDN in front of S3: docs/domain.md §4.
//!
//! Three world-independent building blocks, each testable on its own:
//! [`policy`] (how long an edge keeps an origin response, by status code and
//! `Cache-Control`), [`cache`] (one edge's LRU store with TTL expiry over dense object
//! ids) and [`invalidation`] (path patterns and what invalidating them costs); and
//! [`network`], the CDN of a scenario (edges, distributions, invalidations).

pub mod cache;
pub mod invalidation;
pub mod network;
pub mod policy;
