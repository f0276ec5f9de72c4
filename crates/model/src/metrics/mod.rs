//! Binned counters and latency quantiles per client class, with constant memory per bin.

mod describe;
pub mod facility;

use crate::dense::dense_enum;
use crate::response::Status;
use hdrhistogram::Histogram;
use s3sim_engine::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

dense_enum! {
    /// Name the counters kept per (bin, group).
    ///
    /// Counters live in flat fixed-size rows (one [`CounterRow`] per bin and group): the
    /// declaration order is each counter's position in a row and its column's place in
    /// outputs; a per-status counter spans every [`Status`], in [`Status::ALL`] order.
    ///
    /// ```
    /// use s3sim_model::response::Status;
    /// use s3sim_model::metrics::{Counter, COUNTERS};
    /// assert_eq!(Counter::Requests.index(), 0);
    /// assert_eq!(Counter::First(Status::Ok).index(), 1);
    /// assert_eq!(Counter::First(Status::TemporaryRedirect).name(), "status_307");
    /// assert_eq!(Counter::StaleLookups.name(), "stale_lookups");
    /// assert_eq!(Counter::all().count(), COUNTERS);
    /// assert!(Counter::all().enumerate().all(|(i, c)| c.index() == i));
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Counter {
        /// Requests completed in the bin.
        Requests,
        /// Completed requests whose first response had this status.
        First(Status),
        /// Requests that ended with 200.
        Succeeded,
        /// Requests that ended otherwise.
        Failed,
        /// HTTP round trips beyond the first.
        ExtraRoundTrips,
        /// DNS lookups made by clients (in-process cache or resolver).
        Lookups,
        /// Lookups answered by a record older than the authoritative truth.
        StaleLookups,
        /// Lookups that reached a resolver.
        ResolverQueries,
        /// Resolver queries answered from the resolver's cache.
        ResolverHits,
        /// Tries of completed requests, first tries included.
        Attempts,
        /// Completed requests that ended on a retryable failure: out of attempts or quota.
        GaveUp,
        /// Completed requests that ended on a redirect they could not follow any further
        /// (`max_hops` reached): a redirect loop or a chain too long.
        RedirectLoops,
        /// Viewer requests that reached a CDN edge.
        EdgeRequests,
        /// Edge requests answered from a fresh cached copy.
        EdgeHits,
        /// Edge hits whose cached copy was a 3xx.
        EdgeCached3xx,
        /// Origin fetches started by edges (collapsed misses count once).
        OriginFetches,
        /// Origin fetches answered with this status.
        Origin(Status),
        /// Paths in invalidation requests (group `all` only).
        InvalidationPaths,
        /// What invalidation requests cost, in millionths of a dollar (group `all` only).
        InvalidationMicroUsd,
        /// Queries clients' stub resolvers sent to resolvers (every name tried and
        /// record type; the resolvers' load, docs/domain.md §3).
        DnsQueries,
        /// Those queries answered NXDOMAIN.
        DnsNxDomain,
        /// Connections clients dialled over IPv4 (docs/domain.md §3, dual-stack names).
        Ipv4Connections,
        /// Connections clients dialled over IPv6, failed ones included.
        Ipv6Connections,
    }
}

/// Number of counters per (bin, group).
pub const COUNTERS: usize = Counter::LEN;

impl Counter {
    /// List every counter in storage order ([`Counter::ALL`] as an iterator).
    pub fn all() -> impl Iterator<Item = Counter> {
        Counter::ALL.into_iter()
    }

    /// Give the counter's column name in outputs.
    pub fn name(self) -> String {
        match self {
            Counter::Requests => "requests".into(),
            Counter::First(s) => format!("status_{}", s.label()),
            Counter::Succeeded => "succeeded".into(),
            Counter::Failed => "failed".into(),
            Counter::ExtraRoundTrips => "extra_round_trips".into(),
            Counter::Lookups => "dns_lookups".into(),
            Counter::StaleLookups => "stale_lookups".into(),
            Counter::ResolverQueries => "resolver_queries".into(),
            Counter::ResolverHits => "resolver_hits".into(),
            Counter::Attempts => "attempts".into(),
            Counter::GaveUp => "gave_up".into(),
            Counter::RedirectLoops => "redirect_loops".into(),
            Counter::EdgeRequests => "edge_requests".into(),
            Counter::EdgeHits => "edge_hits".into(),
            Counter::EdgeCached3xx => "edge_cached_3xx".into(),
            Counter::OriginFetches => "origin_fetches".into(),
            Counter::Origin(s) => format!("origin_{}", s.label()),
            Counter::InvalidationPaths => "invalidation_paths".into(),
            Counter::InvalidationMicroUsd => "invalidation_micro_usd".into(),
            Counter::DnsQueries => "dns_queries".into(),
            Counter::DnsNxDomain => "dns_nxdomain".into(),
            Counter::Ipv4Connections => "ipv4_connections".into(),
            Counter::Ipv6Connections => "ipv6_connections".into(),
        }
    }
}

/// Describe how one request ended, for [`Recorder::request_done`].
///
/// ```
/// use s3sim_engine::SimDuration;
/// use s3sim_model::response::Status;
/// use s3sim_model::metrics::Completion;
/// let done = Completion::ok(Status::Ok, SimDuration::from_millis(30));
/// assert!(done.succeeded && done.round_trips == 1 && done.attempts == 1 && !done.gave_up);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The first response.
    pub first: Status,
    /// Ended with 200.
    pub succeeded: bool,
    /// HTTP round trips (redirect hops and retries included).
    pub round_trips: u32,
    /// Tries, the first included.
    pub attempts: u32,
    /// Ended on a retryable failure.
    pub gave_up: bool,
    /// From the first DNS lookup to the last response.
    pub latency: SimDuration,
}

impl Completion {
    /// A request answered 200 at its first try with `first` as its first status.
    pub fn ok(first: Status, latency: SimDuration) -> Self {
        Completion {
            first,
            succeeded: true,
            round_trips: 1,
            attempts: 1,
            gave_up: false,
            latency,
        }
    }
}

/// Hold one row of counters, indexed by [`Counter::index`].
pub type CounterRow = [u64; COUNTERS];

/// Record what happened per time bin and per group (group 0 = all classes, then one
/// per class), keeping only one latency histogram per group open at a time.
///
/// Requests are counted in the bin where they complete and lookups where they happen;
/// events arrive in time order, so a bin's latency quantiles are final once a later
/// bin is written to, and its histogram is reused.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::response::Status;
/// use s3sim_model::metrics::{Completion, Counter, Recorder};
/// let mut r = Recorder::new(SimDuration::from_secs(60), SimDuration::from_secs(180), 1);
/// let redirected = Completion { round_trips: 2,
///     ..Completion::ok(Status::TemporaryRedirect, SimDuration::from_millis(120)) };
/// r.request_done(0, SimTime::from_secs(70), redirected);
/// let m = r.finish();
/// assert_eq!(m.count(1, 0, Counter::First(Status::TemporaryRedirect)), 1);
/// assert_eq!(m.count(1, 1, Counter::ExtraRoundTrips), 1);
/// assert!((m.latency_ms(1, 0).0 - 120.0).abs() < 1.0);
/// ```
pub struct Recorder {
    bin_width: SimDuration,
    bins: usize,
    groups: usize,
    counts: Vec<CounterRow>,
    quantiles: Vec<Option<[u64; 2]>>,
    open_bin: usize,
    open: Vec<Histogram<u32>>,
    index: BinIndex,
}

/// Map event times to bin numbers, remembering the span of the last bin found.
///
/// Consecutive events nearly always fall in the same bin (a 5-minute bin holds
/// thousands), so the usual case is one subtraction and one comparison instead of a
/// 64-bit division, which costs tens of cycles on every counter update. Any time may
/// be asked (not only increasing ones); the answer is always `t / width`, capped at the
/// last bin.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BinIndex {
    /// Bin width in ns (not zero).
    width: u64,
    /// Number of bins (at least 1).
    bins: usize,
    /// Where the remembered bin starts (ns), before capping.
    from: u64,
    /// The remembered bin's number, capped at `bins - 1`.
    last: usize,
}

impl BinIndex {
    /// Bins of `width` (not zero), `bins` (at least 1) of them.
    pub(crate) fn new(width: SimDuration, bins: usize) -> Self {
        BinIndex {
            width: width.as_nanos(),
            bins,
            from: 0,
            last: 0,
        }
    }

    /// The bin of `t`: `t / width`, at most the last bin.
    #[inline]
    pub(crate) fn of(&mut self, t: SimTime) -> usize {
        let t = t.as_nanos();
        if t.wrapping_sub(self.from) < self.width {
            return self.last;
        }
        let raw = t / self.width;
        self.from = raw * self.width;
        self.last = (raw as usize).min(self.bins - 1);
        self.last
    }
}

const LATENCY_RANGE_US: (u64, u64) = (1, 24 * 3_600 * 1_000_000);

impl Recorder {
    /// Create a recorder for `duration` cut into bins of `bin_width`, for `classes` classes.
    pub fn new(bin_width: SimDuration, duration: SimDuration, classes: usize) -> Self {
        let bins = duration.as_nanos().div_ceil(bin_width.as_nanos()).max(1) as usize;
        let groups = classes + 1;
        let histogram = Histogram::new_with_bounds(LATENCY_RANGE_US.0, LATENCY_RANGE_US.1, 2)
            .expect("valid bounds");
        Recorder {
            bin_width,
            bins,
            groups,
            counts: vec![[0; COUNTERS]; bins * groups],
            quantiles: vec![None; bins * groups],
            open_bin: 0,
            open: vec![histogram; groups],
            index: BinIndex::new(bin_width, bins),
        }
    }

    fn bin_of(&mut self, t: SimTime) -> usize {
        self.index.of(t)
    }

    fn add(&mut self, bin: usize, class: usize, counter: Counter, n: u64) {
        for group in [0, class + 1] {
            self.counts[bin * self.groups + group][counter.index()] += n;
        }
    }

    /// Count a completed request of `class` and record its latency.
    pub fn request_done(&mut self, class: usize, now: SimTime, done: Completion) {
        let bin = self.bin_of(now);
        self.advance_to(bin);
        self.add(bin, class, Counter::Requests, 1);
        self.add(bin, class, Counter::First(done.first), 1);
        let outcome = if done.succeeded {
            Counter::Succeeded
        } else {
            Counter::Failed
        };
        self.add(bin, class, outcome, 1);
        let extra = u64::from(done.round_trips.saturating_sub(1));
        self.add(bin, class, Counter::ExtraRoundTrips, extra);
        self.add(bin, class, Counter::Attempts, u64::from(done.attempts));
        self.add(bin, class, Counter::GaveUp, u64::from(done.gave_up));
        let micros = done.latency.as_nanos() / 1_000;
        self.open[class + 1].saturating_record(micros.max(1));
    }

    /// Add `n` to a counter of `class` (and of `all`) in the bin of `now`.
    pub fn count(&mut self, class: usize, now: SimTime, counter: Counter, n: u64) {
        let bin = self.bin_of(now);
        self.add(bin, class, counter, n);
    }

    /// Add `n` to a counter of group `all` only (events that belong to no class).
    pub fn count_all(&mut self, now: SimTime, counter: Counter, n: u64) {
        let bin = self.bin_of(now);
        self.counts[bin * self.groups][counter.index()] += n;
    }

    /// Count a DNS lookup by a client of `class`.
    pub fn lookup(&mut self, class: usize, now: SimTime, stale: bool, resolver_hit: Option<bool>) {
        let bin = self.bin_of(now);
        self.add(bin, class, Counter::Lookups, 1);
        self.add(bin, class, Counter::StaleLookups, u64::from(stale));
        if let Some(hit) = resolver_hit {
            self.add(bin, class, Counter::ResolverQueries, 1);
            self.add(bin, class, Counter::ResolverHits, u64::from(hit));
        }
    }

    /// Count the `queries` a lookup of a client of `class` sent to its resolver,
    /// `nxdomain` of them answered NXDOMAIN.
    pub fn dns_queries(&mut self, class: usize, now: SimTime, queries: u32, nxdomain: u32) {
        let bin = self.bin_of(now);
        self.add(bin, class, Counter::DnsQueries, u64::from(queries));
        self.add(bin, class, Counter::DnsNxDomain, u64::from(nxdomain));
    }

    fn advance_to(&mut self, bin: usize) {
        if bin > self.open_bin {
            self.close_open_bin();
            self.open_bin = bin;
        }
    }

    fn close_open_bin(&mut self) {
        // Group 0 (all classes) is the sum of the classes' histograms, added here once
        // per bin rather than recorded on every request: the same counts, half the
        // scattered writes (a recorded latency costs a cache miss in a 16 kB array).
        let (all, classes) = self.open.split_at_mut(1);
        for class in classes.iter() {
            all[0].add(class).expect("histograms with the same bounds");
        }
        for (group, histogram) in self.open.iter_mut().enumerate() {
            if !histogram.is_empty() {
                let micros = |q| histogram.value_at_quantile(q);
                self.quantiles[self.open_bin * self.groups + group] =
                    Some([micros(0.5), micros(0.99)]);
                histogram.reset();
            }
        }
    }

    /// Close the last bin and hand over the results.
    pub fn finish(mut self) -> BinnedMetrics {
        self.close_open_bin();
        BinnedMetrics {
            bin_width: self.bin_width,
            bins: self.bins,
            groups: self.groups,
            counts: self.counts.into_iter().flatten().collect(),
            quantiles: self.quantiles,
        }
    }
}

/// Hold one replica's finished per-bin counters and latency quantiles.
///
/// Produced only by [`Recorder::finish`], so every quantile in it is final.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::response::Status;
/// use s3sim_model::metrics::{Completion, Counter, Recorder};
/// let mut r = Recorder::new(SimDuration::from_secs(60), SimDuration::from_secs(120), 2);
/// r.request_done(1, SimTime::from_secs(10), Completion::ok(Status::Ok, SimDuration::from_millis(40)));
/// r.lookup(0, SimTime::from_secs(70), true, Some(false));
/// let m = r.finish();
/// assert_eq!((m.bins, m.groups), (2, 3));
/// assert_eq!(m.count(0, 2, Counter::Succeeded), 1);
/// assert_eq!(m.total(0, Counter::StaleLookups), 1);
/// assert_eq!(m.row(1, 1)[Counter::ResolverQueries.index()], 1);
/// assert!(m.latency_ms(1, 0).0.is_nan(), "no request completed in bin 1");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BinnedMetrics {
    /// Width of every bin.
    pub bin_width: SimDuration,
    /// Number of bins.
    pub bins: usize,
    /// Number of groups: 1 (all) + classes.
    pub groups: usize,
    /// Rows of [`COUNTERS`] counters, one per (bin, group), flattened (serde stops at
    /// arrays of 32).
    counts: Vec<u64>,
    /// Per (bin, group): latency p50 and p99 in microseconds, `None` without requests.
    quantiles: Vec<Option<[u64; 2]>>,
}

impl BinnedMetrics {
    /// Check that the stored rows fit `bins` × `groups` (a decoded copy may not), so
    /// that no accessor can index out of range; `Err` says what is inconsistent.
    ///
    /// ```
    /// use s3sim_engine::SimDuration;
    /// use s3sim_model::metrics::Recorder;
    /// let mut m = Recorder::new(SimDuration::from_secs(60), SimDuration::from_secs(120), 1).finish();
    /// assert_eq!(m.check_shape(), Ok(()));
    /// m.bins = 3;
    /// assert!(m.check_shape().unwrap_err().contains("3 bins"));
    /// ```
    ///
    /// # Errors
    ///
    /// A message when the counters or quantiles are not one row per (bin, group).
    pub fn check_shape(&self) -> Result<(), String> {
        let cells = self.bins.checked_mul(self.groups);
        let counts = cells.and_then(|c| c.checked_mul(COUNTERS));
        if cells != Some(self.quantiles.len()) || counts != Some(self.counts.len()) {
            return Err(format!(
                "{} bins × {} groups need {} counters and {} quantile pairs, found {} and {}",
                self.bins,
                self.groups,
                counts.map_or("too many".into(), |c| c.to_string()),
                cells.map_or("too many".into(), |c| c.to_string()),
                self.counts.len(),
                self.quantiles.len()
            ));
        }
        Ok(())
    }

    /// Read a counter's value in one bin for one group (0 = all).
    pub fn count(&self, bin: usize, group: usize, counter: Counter) -> u64 {
        self.row(bin, group)[counter.index()]
    }

    /// Borrow all counters of one bin and group.
    pub fn row(&self, bin: usize, group: usize) -> &CounterRow {
        let start = (bin * self.groups + group) * COUNTERS;
        self.counts[start..start + COUNTERS]
            .try_into()
            .expect("rows are COUNTERS long")
    }

    /// Return latency (p50, p99) in milliseconds; NaN when no request completed.
    pub fn latency_ms(&self, bin: usize, group: usize) -> (f64, f64) {
        match self.quantiles[bin * self.groups + group] {
            Some([p50, p99]) => (p50 as f64 / 1_000.0, p99 as f64 / 1_000.0),
            None => (f64::NAN, f64::NAN),
        }
    }

    /// Sum a counter over all bins for one group.
    pub fn total(&self, group: usize, counter: Counter) -> u64 {
        (0..self.bins).map(|b| self.count(b, group, counter)).sum()
    }
}

dense_enum! {
    /// Name one reported quantity of a (bin, group).
    ///
    /// Rates are computed per replica, then averaged across replicas, so a confidence
    /// interval describes replica-to-replica variation of the rate itself. The
    /// declaration order is the output order: every counter, then the derived metrics.
    ///
    /// ```
    /// use s3sim_model::metrics::Metric;
    /// assert_eq!(Metric::RedirectRate.name(), "redirect_rate");
    /// assert!(Metric::all().any(|m| m.name() == "share_307"));
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Metric {
        /// A raw counter.
        Count(Counter),
        /// Share of requests whose first response was a 3xx.
        RedirectRate,
        /// Share of requests whose final outcome was not 200.
        ErrorRate,
        /// Share of requests whose first response had this status.
        Share(Status),
        /// Share of DNS lookups answered by a record older than the authoritative truth.
        StaleDnsShare,
        /// Share of resolver queries answered from the resolver cache.
        ResolverHitRatio,
        /// HTTP round trips beyond the first, per request.
        ExtraRoundTripsPerRequest,
        /// Tries per request (1 without retries): how much retries multiply the load.
        RetryAmplification,
        /// Share of requests that ended on a retryable failure (attempts or quota spent).
        GaveUpRate,
        /// Share of requests that ended on a redirect beyond `max_hops` (loops).
        RedirectLoopRate,
        /// Share of edge requests answered from a fresh cached copy.
        EdgeHitRatio,
        /// Share of edge requests answered with a cached 3xx.
        Cached3xxShare,
        /// What invalidations cost, in dollars.
        InvalidationCostUsd,
        /// Median request latency, ms.
        LatencyP50,
        /// 99th percentile request latency, ms.
        LatencyP99,
        /// DNS queries per lookup that reached a resolver (1 without search domains
        /// and AAAA; 8 for a Kubernetes pod's S3 lookup, docs/domain.md §3).
        DnsQueriesPerLookup,
        /// Share of DNS queries answered NXDOMAIN.
        NxDomainShare,
        /// Share of client connections dialled over IPv6 (docs/domain.md §3).
        Ipv6Share,
        /// CDN edge requests per request: 1 for a viewer whose redirects leave the CDN or
        /// that gets none, 2 when a website redirect's follow-up comes back to the edge
        /// (docs/domain.md §4).
        EdgeRequestsPerRequest,
    }
}

impl Metric {
    /// Every metric in output order ([`Metric::ALL`] as an iterator).
    pub fn all() -> impl Iterator<Item = Metric> {
        Metric::ALL.into_iter()
    }

    /// Name in outputs.
    pub fn name(self) -> String {
        match self {
            Metric::Count(c) => c.name(),
            Metric::RedirectRate => "redirect_rate".into(),
            Metric::ErrorRate => "error_rate".into(),
            Metric::Share(s) => format!("share_{}", s.label()),
            Metric::StaleDnsShare => "stale_dns_share".into(),
            Metric::ResolverHitRatio => "resolver_hit_ratio".into(),
            Metric::ExtraRoundTripsPerRequest => "extra_round_trips_per_request".into(),
            Metric::RetryAmplification => "retry_amplification".into(),
            Metric::GaveUpRate => "gave_up_rate".into(),
            Metric::RedirectLoopRate => "redirect_loop_rate".into(),
            Metric::EdgeHitRatio => "edge_hit_ratio".into(),
            Metric::Cached3xxShare => "cached_3xx_share".into(),
            Metric::InvalidationCostUsd => "invalidation_cost_usd".into(),
            Metric::LatencyP50 => "latency_p50_ms".into(),
            Metric::LatencyP99 => "latency_p99_ms".into(),
            Metric::DnsQueriesPerLookup => "dns_queries_per_lookup".into(),
            Metric::NxDomainShare => "nxdomain_share".into(),
            Metric::Ipv6Share => "ipv6_share".into(),
            Metric::EdgeRequestsPerRequest => "edge_requests_per_request".into(),
        }
    }

    /// The value in one replica's (bin, group); NaN when undefined.
    pub fn value(self, metrics: &BinnedMetrics, bin: usize, group: usize) -> f64 {
        match self {
            Metric::LatencyP50 => metrics.latency_ms(bin, group).0,
            Metric::LatencyP99 => metrics.latency_ms(bin, group).1,
            _ => self.from_row(metrics.row(bin, group)),
        }
    }

    /// The value from a row of counters (latencies are not in rows: NaN).
    pub fn from_row(self, row: &CounterRow) -> f64 {
        let get = |c: Counter| row[c.index()] as f64;
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { f64::NAN };
        let requests = get(Counter::Requests);
        match self {
            Metric::Count(c) => get(c),
            Metric::RedirectRate => {
                let redirects: f64 = Status::ALL
                    .iter()
                    .filter(|s| s.is_redirect())
                    .map(|&s| get(Counter::First(s)))
                    .sum();
                ratio(redirects, requests)
            }
            Metric::ErrorRate => ratio(get(Counter::Failed), requests),
            Metric::Share(s) => ratio(get(Counter::First(s)), requests),
            Metric::StaleDnsShare => ratio(get(Counter::StaleLookups), get(Counter::Lookups)),
            Metric::ResolverHitRatio => {
                ratio(get(Counter::ResolverHits), get(Counter::ResolverQueries))
            }
            Metric::ExtraRoundTripsPerRequest => ratio(get(Counter::ExtraRoundTrips), requests),
            Metric::RetryAmplification => ratio(get(Counter::Attempts), requests),
            Metric::GaveUpRate => ratio(get(Counter::GaveUp), requests),
            Metric::RedirectLoopRate => ratio(get(Counter::RedirectLoops), requests),
            Metric::EdgeHitRatio => ratio(get(Counter::EdgeHits), get(Counter::EdgeRequests)),
            Metric::Cached3xxShare => {
                ratio(get(Counter::EdgeCached3xx), get(Counter::EdgeRequests))
            }
            Metric::InvalidationCostUsd => get(Counter::InvalidationMicroUsd) / 1e6,
            Metric::LatencyP50 | Metric::LatencyP99 => f64::NAN,
            Metric::DnsQueriesPerLookup => {
                ratio(get(Counter::DnsQueries), get(Counter::ResolverQueries))
            }
            Metric::NxDomainShare => ratio(get(Counter::DnsNxDomain), get(Counter::DnsQueries)),
            Metric::Ipv6Share => {
                let v6 = get(Counter::Ipv6Connections);
                ratio(v6, v6 + get(Counter::Ipv4Connections))
            }
            Metric::EdgeRequestsPerRequest => ratio(get(Counter::EdgeRequests), requests),
        }
    }

    /// Find the metric with this output name.
    ///
    /// ```
    /// use s3sim_model::metrics::Metric;
    /// assert_eq!(Metric::from_name("error_rate"), Some(Metric::ErrorRate));
    /// assert_eq!(Metric::from_name("errors"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::all().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests;
