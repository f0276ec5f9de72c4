//! Size limits: every bound a scenario is checked against before anything is built.
//!
//! Each bound keeps work and memory within what one machine can do, or an id within
//! its integer width; a scenario beyond one is refused with the field path.

/// Largest number of clients over all classes (each costs about 32 bytes per replica).
pub const MAX_CLIENTS: u64 = 20_000_000;
/// Largest number of resolvers over all groups.
pub const MAX_RESOLVERS: u64 = 1_000_000;
/// Largest number of buckets.
pub const MAX_BUCKETS: usize = 1_000_000;
/// Largest number of metrics bins (duration / bin).
pub const MAX_BINS: u64 = 100_000;
/// Largest number of replicas.
pub const MAX_REPLICAS: u32 = 10_000;
/// Largest number of endpoint IPs over all facilities, rotations included.
pub const MAX_IPS: u64 = 10_000_000;
/// Largest number of regions (ids are 16-bit).
pub const MAX_REGIONS: usize = 1_000;
/// Largest number of client classes.
pub const MAX_CLASSES: usize = 1_000;
/// Largest number of resolver groups (ids are 16-bit).
pub const MAX_RESOLVER_GROUPS: usize = 1_000;
/// Largest number of facilities over all regions (ids are 16-bit).
pub const MAX_FACILITIES: usize = 10_000;
/// Largest number of servers per facility.
pub const MAX_SERVERS: u32 = 1_000_000;
/// Largest number of tries per request.
pub const MAX_ATTEMPTS: u8 = 20;
/// Largest number of timed events.
pub const MAX_EVENTS: usize = 10_000;
/// Largest number of object keys over all buckets and clients.
pub const MAX_KEYS: u64 = 1_000_000;
/// Largest edge cache, in objects.
pub const MAX_EDGE_CAPACITY: u32 = 10_000_000;
/// Largest number of edge locations (ids are 16-bit).
pub const MAX_EDGES: usize = 10_000;
/// Largest number of distributions (ids are 16-bit).
pub const MAX_DISTRIBUTIONS: usize = 10_000;
/// Largest number of cache slots (edges × distributions × keys), each ~40 bytes.
pub const MAX_CACHE_SLOTS: u64 = 50_000_000;
/// Largest number of partitioned prefixes over all buckets (each is a budget of ~64 bytes
/// per replica).
pub const MAX_PREFIXES: u64 = 1_000_000;
/// Largest request-rate limit of one partition, per second (keeps budgets in `u128`).
pub const MAX_PREFIX_RATE: f64 = 1_000_000.0;
/// Longest budget depth, in seconds at the limit (keeps budgets in `u128`).
pub const MAX_BURST_SECS: u64 = 86_400;
/// Largest relative weight of one HTTP method in a class's mix.
pub const MAX_METHOD_WEIGHT: f64 = 1_000_000.0;
