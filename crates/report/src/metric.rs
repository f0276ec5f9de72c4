//! The reported metrics: counters and the rates derived from them, per replica.

use s3sim_model::facility::Status;
use s3sim_model::metrics::{BinnedMetrics, Counter, CounterRow};

/// Name one reported quantity of a (bin, group).
///
/// Rates are computed per replica, then averaged across replicas, so a confidence
/// interval describes replica-to-replica variation of the rate itself.
///
/// ```
/// use s3sim_report::metric::Metric;
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
    /// Median request latency, ms.
    LatencyP50,
    /// 99th percentile request latency, ms.
    LatencyP99,
}

impl Metric {
    /// Every metric in output order.
    pub fn all() -> impl Iterator<Item = Metric> {
        Counter::all()
            .map(Metric::Count)
            .chain([Metric::RedirectRate, Metric::ErrorRate])
            .chain(Status::ALL.into_iter().map(Metric::Share))
            .chain([
                Metric::StaleDnsShare,
                Metric::ResolverHitRatio,
                Metric::ExtraRoundTripsPerRequest,
                Metric::LatencyP50,
                Metric::LatencyP99,
            ])
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
            Metric::LatencyP50 => "latency_p50_ms".into(),
            Metric::LatencyP99 => "latency_p99_ms".into(),
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
            Metric::LatencyP50 | Metric::LatencyP99 => f64::NAN,
        }
    }
}
