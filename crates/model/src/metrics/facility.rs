//! Per-facility load: arrivals, 503s, utilisation, queue length and waiting time per bin.

use super::BinIndex;
use crate::dense::dense_enum;
use hdrhistogram::Histogram;
use s3sim_engine::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

dense_enum! {
    /// Name the counters kept per (bin, facility), in storage order.
    ///
    /// ```
    /// use s3sim_model::metrics::facility::{FacilityCounter, FACILITY_COUNTERS};
    /// assert_eq!(FacilityCounter::ALL.len(), FACILITY_COUNTERS);
    /// assert_eq!(FacilityCounter::SlowDowns.name(), "slowdowns");
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum FacilityCounter {
        /// Requests that reached the facility (connections it accepted).
        Arrivals,
        /// Requests whose service ended.
        Served,
        /// Requests turned away with 503 SlowDown (queue full).
        SlowDowns,
        /// Server-nanoseconds spent serving.
        BusyNanos,
        /// Request-nanoseconds spent waiting in the queue.
        QueuedNanos,
        /// Summed waiting time of the requests that started service, in nanoseconds.
        WaitNanos,
        /// Requests that started service.
        Started,
    }
}

/// Number of counters per (bin, facility).
pub const FACILITY_COUNTERS: usize = FacilityCounter::LEN;

impl FacilityCounter {
    /// Name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            FacilityCounter::Arrivals => "arrivals",
            FacilityCounter::Served => "served",
            FacilityCounter::SlowDowns => "slowdowns",
            FacilityCounter::BusyNanos => "busy_ns",
            FacilityCounter::QueuedNanos => "queued_ns",
            FacilityCounter::WaitNanos => "wait_ns",
            FacilityCounter::Started => "started",
        }
    }
}

/// Hold one row of facility counters.
pub type FacilityRow = [u64; FACILITY_COUNTERS];

#[derive(Clone, Copy, Debug, Default)]
struct Level {
    since: SimTime,
    busy: u32,
    queued: u32,
}

/// Record facility load per bin: counts, time integrals of busy servers and queue
/// length, and waiting-time quantiles (one open histogram per facility).
///
/// Levels are integrated exactly across bin edges, so a bin's mean queue length is
/// the true time average, not a sample.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::metrics::facility::{FacilityCounter, FacilityRecorder};
/// let s = SimDuration::from_secs;
/// let mut r = FacilityRecorder::new(s(60), s(120), vec![2]);
/// r.set_level(0, SimTime::from_secs(30), 2, 1); // from 30 s: both servers busy, 1 waiting
/// let m = r.finish(SimTime::from_secs(120));
/// assert_eq!(m.count(0, 0, FacilityCounter::BusyNanos), 60 * 1_000_000_000);
/// assert!((m.utilisation(0, 0) - 0.5).abs() < 1e-12);
/// assert!((m.mean_queue(1, 0) - 1.0).abs() < 1e-12);
/// ```
pub struct FacilityRecorder {
    bin_width: SimDuration,
    duration: SimDuration,
    bins: usize,
    servers: Vec<u32>,
    counts: Vec<FacilityRow>,
    levels: Vec<Level>,
    waits: Vec<Option<[u64; 2]>>,
    open_bin: usize,
    open: Vec<Histogram<u32>>,
    index: BinIndex,
}

const WAIT_RANGE_US: (u64, u64) = (1, 24 * 3_600 * 1_000_000);

impl FacilityRecorder {
    /// Create a recorder for facilities with these server counts (0 = unlimited).
    pub fn new(bin_width: SimDuration, duration: SimDuration, servers: Vec<u32>) -> Self {
        let bins = duration.as_nanos().div_ceil(bin_width.as_nanos()).max(1) as usize;
        let facilities = servers.len();
        let histogram =
            Histogram::new_with_bounds(WAIT_RANGE_US.0, WAIT_RANGE_US.1, 2).expect("valid bounds");
        FacilityRecorder {
            bin_width,
            duration,
            bins,
            servers,
            counts: vec![[0; FACILITY_COUNTERS]; bins * facilities],
            levels: vec![Level::default(); facilities],
            waits: vec![None; bins * facilities],
            open_bin: 0,
            open: vec![histogram; facilities],
            index: BinIndex::new(bin_width, bins),
        }
    }

    fn bin_of(&mut self, t: SimTime) -> usize {
        self.index.of(t)
    }

    fn add(&mut self, bin: usize, facility: usize, counter: FacilityCounter, n: u64) {
        let facilities = self.servers.len();
        self.counts[bin * facilities + facility][counter.index()] += n;
    }

    /// Count a request reaching `facility` at `now`.
    pub fn arrived(&mut self, facility: usize, now: SimTime) {
        let bin = self.bin_of(now);
        self.add(bin, facility, FacilityCounter::Arrivals, 1);
    }

    /// Count a 503 SlowDown.
    pub fn shed(&mut self, facility: usize, now: SimTime) {
        let bin = self.bin_of(now);
        self.add(bin, facility, FacilityCounter::SlowDowns, 1);
    }

    /// Count a request whose service ended.
    pub fn served(&mut self, facility: usize, now: SimTime) {
        let bin = self.bin_of(now);
        self.add(bin, facility, FacilityCounter::Served, 1);
    }

    /// Record a request starting service after waiting `wait`.
    pub fn started(&mut self, facility: usize, now: SimTime, wait: SimDuration) {
        let bin = self.bin_of(now);
        self.advance_to(bin);
        self.add(bin, facility, FacilityCounter::Started, 1);
        self.add(bin, facility, FacilityCounter::WaitNanos, wait.as_nanos());
        self.open[facility].saturating_record((wait.as_nanos() / 1_000).max(1));
    }

    /// Record a request served at once (unlimited servers): started at `now` with no
    /// wait, done at `done`. Unlimited facilities have no utilisation, so no level.
    pub fn unqueued(&mut self, facility: usize, now: SimTime, done: SimTime) {
        let bin = self.bin_of(now);
        self.add(bin, facility, FacilityCounter::Started, 1);
        let bin = self.bin_of(done);
        self.add(bin, facility, FacilityCounter::Served, 1);
    }

    /// Set `facility`'s busy servers and queue length from `now` on.
    pub fn set_level(&mut self, facility: usize, now: SimTime, busy: u32, queued: u32) {
        self.integrate(facility, now);
        let level = &mut self.levels[facility];
        (level.busy, level.queued) = (busy, queued);
    }

    /// Add the current level's area from its start to `now`, split at bin edges.
    fn integrate(&mut self, facility: usize, now: SimTime) {
        let Level {
            since,
            busy,
            queued,
        } = self.levels[facility];
        self.levels[facility].since = now;
        if busy == 0 && queued == 0 {
            return;
        }
        let width = self.bin_width.as_nanos();
        let mut t = since.as_nanos();
        while t < now.as_nanos() {
            let bin = (t / width) as usize;
            let end = ((bin as u64 + 1) * width).min(now.as_nanos());
            let bin = bin.min(self.bins - 1);
            self.add(
                bin,
                facility,
                FacilityCounter::BusyNanos,
                u64::from(busy) * (end - t),
            );
            self.add(
                bin,
                facility,
                FacilityCounter::QueuedNanos,
                u64::from(queued) * (end - t),
            );
            t = end;
        }
    }

    fn advance_to(&mut self, bin: usize) {
        if bin > self.open_bin {
            self.close_open_bin();
            self.open_bin = bin;
        }
    }

    fn close_open_bin(&mut self) {
        let facilities = self.servers.len();
        for (facility, histogram) in self.open.iter_mut().enumerate() {
            if !histogram.is_empty() {
                let micros = |q| histogram.value_at_quantile(q);
                self.waits[self.open_bin * facilities + facility] =
                    Some([micros(0.5), micros(0.99)]);
                histogram.reset();
            }
        }
    }

    /// Integrate levels up to `end`, close the last bin and hand over the results.
    pub fn finish(mut self, end: SimTime) -> FacilityMetrics {
        for facility in 0..self.servers.len() {
            self.integrate(facility, end);
        }
        self.close_open_bin();
        FacilityMetrics {
            bin_width: self.bin_width,
            duration: self.duration,
            bins: self.bins,
            servers: self.servers,
            counts: self.counts,
            waits: self.waits,
        }
    }
}

/// Hold one replica's finished per-(bin, facility) load figures.
///
/// ```
/// use s3sim_engine::{SimDuration, SimTime};
/// use s3sim_model::metrics::facility::FacilityRecorder;
/// let s = SimDuration::from_secs;
/// let mut r = FacilityRecorder::new(s(60), s(60), vec![1, 0]);
/// r.started(0, SimTime::from_secs(1), SimDuration::from_millis(250));
/// let m = r.finish(SimTime::from_secs(60));
/// assert!((m.wait_ms(0, 0).1 - 250.0).abs() < 2.0);
/// assert!(m.utilisation(0, 1).is_nan(), "unlimited servers have no utilisation");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityMetrics {
    /// Width of a bin.
    pub bin_width: SimDuration,
    /// The run's span (the last bin may be shorter than the others).
    pub duration: SimDuration,
    /// Number of bins.
    pub bins: usize,
    /// Servers per facility (0 = unlimited).
    pub servers: Vec<u32>,
    counts: Vec<FacilityRow>,
    /// Per (bin, facility): waiting time p50 and p99 in microseconds.
    waits: Vec<Option<[u64; 2]>>,
}

impl FacilityMetrics {
    /// Check that the stored rows fit `bins` × facilities (a decoded copy may not), so
    /// that no accessor can index out of range; `Err` says what is inconsistent.
    ///
    /// ```
    /// use s3sim_engine::{SimDuration, SimTime};
    /// use s3sim_model::metrics::facility::FacilityRecorder;
    /// let s = SimDuration::from_secs;
    /// let mut m = FacilityRecorder::new(s(60), s(60), vec![1, 0]).finish(SimTime::from_secs(60));
    /// assert_eq!(m.check_shape(), Ok(()));
    /// m.servers.pop();
    /// assert!(m.check_shape().unwrap_err().contains("1 facilities"));
    /// ```
    ///
    /// # Errors
    ///
    /// A message when the counters or waits are not one row per (bin, facility).
    pub fn check_shape(&self) -> Result<(), String> {
        let cells = self.bins.checked_mul(self.facilities());
        if cells != Some(self.counts.len()) || cells != Some(self.waits.len()) {
            return Err(format!(
                "{} bins × {} facilities need {} rows of counters and of waits, found {} and {}",
                self.bins,
                self.facilities(),
                cells.map_or("too many".into(), |c| c.to_string()),
                self.counts.len(),
                self.waits.len()
            ));
        }
        Ok(())
    }

    /// Number of facilities.
    pub fn facilities(&self) -> usize {
        self.servers.len()
    }

    /// Borrow the counters of one (bin, facility).
    pub fn row(&self, bin: usize, facility: usize) -> &FacilityRow {
        &self.counts[bin * self.facilities() + facility]
    }

    /// Read one counter.
    pub fn count(&self, bin: usize, facility: usize, counter: FacilityCounter) -> u64 {
        self.row(bin, facility)[counter.index()]
    }

    /// The time bin `bin` covers: the bin width, less for a last bin cut by the end.
    pub fn bin_span(&self, bin: usize) -> SimDuration {
        let start = self.bin_width.as_nanos() * bin as u64;
        let end = (start + self.bin_width.as_nanos()).min(self.duration.as_nanos());
        SimDuration::from_nanos(end.saturating_sub(start).max(1))
    }

    /// Busy share of the servers in a bin; NaN for unlimited servers.
    pub fn utilisation(&self, bin: usize, facility: usize) -> f64 {
        let servers = self.servers[facility];
        let busy = self.count(bin, facility, FacilityCounter::BusyNanos) as f64;
        if servers == 0 {
            f64::NAN
        } else {
            busy / (f64::from(servers) * self.bin_span(bin).as_nanos() as f64)
        }
    }

    /// Time-average queue length in a bin.
    pub fn mean_queue(&self, bin: usize, facility: usize) -> f64 {
        self.count(bin, facility, FacilityCounter::QueuedNanos) as f64
            / self.bin_span(bin).as_nanos() as f64
    }

    /// Waiting time (p50, p99) in milliseconds; NaN when nothing started service.
    pub fn wait_ms(&self, bin: usize, facility: usize) -> (f64, f64) {
        match self.waits[bin * self.facilities() + facility] {
            Some([p50, p99]) => (p50 as f64 / 1_000.0, p99 as f64 / 1_000.0),
            None => (f64::NAN, f64::NAN),
        }
    }
}

dense_enum! {
    /// Name one reported per-(bin, facility) quantity, in output order.
    ///
    /// ```
    /// use s3sim_model::metrics::facility::FacilityMetric;
    /// assert_eq!(FacilityMetric::Utilisation.name(), "utilisation");
    /// assert_eq!(FacilityMetric::ALL.len(), 8);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum FacilityMetric {
        /// Requests reaching the facility per second.
        Offered,
        /// Requests served per second.
        Throughput,
        /// Share of arrivals turned away with 503 SlowDown.
        SlowDownShare,
        /// Busy share of the servers (NaN for unlimited servers).
        Utilisation,
        /// Time-average number of waiting requests.
        MeanQueue,
        /// Mean wait before service, ms.
        MeanWaitMs,
        /// Median wait before service, ms.
        WaitP50Ms,
        /// 99th percentile wait before service, ms.
        WaitP99Ms,
    }
}

impl FacilityMetric {
    /// Name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            FacilityMetric::Offered => "offered_per_s",
            FacilityMetric::Throughput => "throughput_per_s",
            FacilityMetric::SlowDownShare => "slowdown_share",
            FacilityMetric::Utilisation => "utilisation",
            FacilityMetric::MeanQueue => "mean_queue",
            FacilityMetric::MeanWaitMs => "mean_wait_ms",
            FacilityMetric::WaitP50Ms => "wait_p50_ms",
            FacilityMetric::WaitP99Ms => "wait_p99_ms",
        }
    }

    /// The value in one replica's (bin, facility); NaN when undefined.
    pub fn value(self, m: &FacilityMetrics, bin: usize, facility: usize) -> f64 {
        let per_s = |c| m.count(bin, facility, c) as f64 / m.bin_span(bin).as_secs_f64();
        let ratio = |num: u64, den: u64| {
            if den > 0 {
                num as f64 / den as f64
            } else {
                f64::NAN
            }
        };
        let count = |c| m.count(bin, facility, c);
        match self {
            FacilityMetric::Offered => per_s(FacilityCounter::Arrivals),
            FacilityMetric::Throughput => per_s(FacilityCounter::Served),
            FacilityMetric::SlowDownShare => ratio(
                count(FacilityCounter::SlowDowns),
                count(FacilityCounter::Arrivals),
            ),
            FacilityMetric::Utilisation => m.utilisation(bin, facility),
            FacilityMetric::MeanQueue => m.mean_queue(bin, facility),
            FacilityMetric::MeanWaitMs => {
                ratio(
                    count(FacilityCounter::WaitNanos),
                    count(FacilityCounter::Started),
                ) / 1e6
            }
            FacilityMetric::WaitP50Ms => m.wait_ms(bin, facility).0,
            FacilityMetric::WaitP99Ms => m.wait_ms(bin, facility).1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_columns_keep_their_names_and_order() {
        let names: Vec<&str> = FacilityMetric::ALL.map(FacilityMetric::name).to_vec();
        assert_eq!(
            names.join(","),
            "offered_per_s,throughput_per_s,slowdown_share,utilisation,mean_queue,\
             mean_wait_ms,wait_p50_ms,wait_p99_ms"
        );
        let counters: Vec<&str> = FacilityCounter::ALL.map(FacilityCounter::name).to_vec();
        assert_eq!(
            counters.join(","),
            "arrivals,served,slowdowns,busy_ns,queued_ns,wait_ns,started"
        );
    }

    #[test]
    fn levels_split_exactly_at_bin_edges() {
        let s = SimDuration::from_secs;
        let mut r = FacilityRecorder::new(s(10), s(30), vec![4]);
        r.set_level(0, SimTime::from_secs(5), 4, 2);
        r.set_level(0, SimTime::from_secs(25), 0, 0);
        let m = r.finish(SimTime::from_secs(30));
        let util: Vec<f64> = (0..3).map(|b| m.utilisation(b, 0)).collect();
        let queue: Vec<f64> = (0..3).map(|b| m.mean_queue(b, 0)).collect();
        assert_eq!(util, [0.5, 1.0, 0.5]);
        assert_eq!(queue, [1.0, 2.0, 1.0]);
    }
}
