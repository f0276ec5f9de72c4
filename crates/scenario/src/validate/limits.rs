//! Size limits: every bound a scenario is checked against before anything is built.
//!
//! Each bound keeps work and memory within what one machine can do, or an id within
//! its integer width; a scenario beyond one is refused with the field path.

/// Longest scenario name, in bytes: it names `results/<name>/` and
/// `results/<name>.shards/`, and file systems refuse components over 255 bytes.
pub const MAX_NAME_BYTES: usize = 100;
/// Largest number of clients over all classes (each costs about 32 bytes per replica).
pub const MAX_CLIENTS: u64 = 20_000_000;
/// Largest `ndots` (resolv.conf(5) caps it at 15).
pub const MAX_NDOTS: u8 = 15;
/// Most search domains of one stub resolver (each adds queries to every lookup).
pub const MAX_SEARCH_DOMAINS: usize = 32;
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
/// Most entries over the alias tables of Zipf popularity (one table per distinct number
/// of choices and exponent, over buckets and keys; each entry 12 bytes per replica:
/// 240 MB).
pub const MAX_ALIAS_ENTRIES: u64 = 20_000_000;
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
/// Bounds of Happy Eyeballs' Connection Attempt Delay, ms: RFC 8305 §5 forbids
/// attempts less than 10 ms apart and recommends at most 2 s.
pub const ATTEMPT_DELAY_MS: (u64, u64) = (10, 2_000);
/// Most invalidation paths over all events (each is matched against every cached
/// object at every edge; a wildcard covers any number of objects as one path).
pub const MAX_INVALIDATION_PATHS: usize = 100_000;
/// Most tries per replica in the worst case (expected client requests × each class's
/// attempts × redirect hops), unless the scenario raises it with
/// `max_requests_per_replica`: 10⁹, hours of simulation on one core.
pub const MAX_REQUESTS_PER_REPLICA: u64 = 1_000_000_000;
/// Most per-class counters one replica holds (bins × (classes + 1) × counters): 160 MB
/// of `u64`, kept per replica until the run is aggregated.
pub const MAX_METRIC_VALUES: u64 = 20_000_000;
/// Most per-facility counters one replica holds (bins × facilities × counters): 160 MB.
pub const MAX_FACILITY_VALUES: u64 = 20_000_000;
/// Most counters a whole run holds before it is aggregated: every point's replicas'
/// outputs together (points × replicas × values per replica), 2 GB of `u64`.
pub const MAX_RUN_VALUES: u64 = 250_000_000;
