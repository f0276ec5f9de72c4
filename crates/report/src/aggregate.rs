//! Combine replicas into per-bin estimates and whole-run totals.

use crate::bin_store::BinStore;
use crate::measure::{Probe, SETTLE_THRESHOLD, settle_time_s};
use crate::stats::{Estimate, Moments};
use s3sim_engine::SimDuration;
use s3sim_model::WorldConfig;
use s3sim_model::client::Addressing;
use s3sim_model::metrics::Metric;
use s3sim_model::metrics::facility::FacilityMetric;
use s3sim_model::metrics::{COUNTERS, CounterRow};
use s3sim_model::world::ReplicaOutput;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// Hold every metric of every (bin, group) as a mean with a 95 % CI across replicas.
///
/// Group 0 is `all`, then one group per client class in scenario order. Reduction is
/// sequential in replica order, so results do not depend on the thread count. The
/// per-bin estimates are on disk ([`BinStore`], shared by clones), the whole-run ones
/// in memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// Width of a bin.
    pub bin_width: SimDuration,
    /// Number of bins.
    pub bins: usize,
    /// `all`, then class names.
    pub groups: Vec<String>,
    /// Metrics in output order.
    pub metrics: Vec<Metric>,
    /// Replicas combined.
    pub replicas: usize,
    /// Facility names, in topology order.
    pub facilities: Vec<String>,
    /// Some facility has a limited number of servers (so load charts mean something).
    pub has_capacity: bool,
    /// Some client class retries.
    pub has_retries: bool,
    /// Some client class goes through a CDN.
    pub has_cdn: bool,
    /// Some client class has a stub resolver that sends more than one A query per
    /// lookup (search domains, AAAA).
    pub has_stub_resolvers: bool,
    /// Some client class addresses dual-stack endpoints (it may dial IPv6).
    pub has_dual_stack: bool,
    values: Arc<BinStore>,
    totals: Vec<Estimate>,
    facility_values: Arc<BinStore>,
}

impl Aggregate {
    /// Combine replica outputs of `world` (in replica order).
    ///
    /// The same as [`Reducer::reduce`] over `outputs`.
    pub fn new(world: &WorldConfig, outputs: &[ReplicaOutput]) -> Self {
        let borrowed = |k: usize| Ok::<_, std::convert::Infallible>(Cow::Borrowed(&outputs[k]));
        let Ok((aggregate, _)) = Reducer::new(world, &[]).reduce(outputs.len(), borrowed);
        aggregate
    }

    /// Look up the estimate of a facility metric in `bin` for `facility`.
    pub fn facility(&self, bin: usize, facility: usize, metric: FacilityMetric) -> Estimate {
        let k = FacilityMetric::ALL
            .iter()
            .position(|&m| m == metric)
            .expect("every facility metric is aggregated");
        self.facility_values
            .get(bin, facility * FacilityMetric::ALL.len() + k)
    }

    fn metric_index(&self, metric: Metric) -> usize {
        self.metrics
            .iter()
            .position(|&m| m == metric)
            .expect("every metric is aggregated")
    }

    /// Look up the estimate of `metric` in `bin` for `group` (0 = all); a share's
    /// interval is clamped to [0, 1] ([`Estimate::of`]).
    pub fn get(&self, bin: usize, group: usize, metric: Metric) -> Estimate {
        let cell = group * self.metrics.len() + self.metric_index(metric);
        self.values.get(bin, cell).of(metric)
    }

    /// Read every estimate of `bin` at once, `[group * metrics.len() + k]` for
    /// `metrics[k]`, shares' intervals clamped as by [`Aggregate::get`].
    ///
    /// One read of the bin store instead of one per estimate, for whole tables.
    pub fn bin(&self, bin: usize) -> Vec<Estimate> {
        let metrics = self.metrics.iter().cycle();
        self.values
            .bin(bin)
            .into_iter()
            .zip(metrics)
            .map(|(e, &metric)| e.of(metric))
            .collect()
    }

    /// Look up the estimate of `metric` over the whole run for `group` (a share's
    /// interval clamped to [0, 1]).
    ///
    /// Rates are ratios of the run's totals per replica, so a busy bin weighs more than
    /// a quiet one, as in a whole-run measurement.
    pub fn total(&self, group: usize, metric: Metric) -> Estimate {
        self.totals[group * self.metrics.len() + self.metric_index(metric)].of(metric)
    }

    /// Give the start of `bin`, in seconds since the start of the run.
    pub fn bin_start_s(&self, bin: usize) -> f64 {
        (self.bin_width * bin as u64).as_secs_f64()
    }
}

fn total_row(output: &ReplicaOutput, group: usize) -> CounterRow {
    let mut row = [0u64; COUNTERS];
    for bin in 0..output.metrics.bins {
        for (sum, value) in row.iter_mut().zip(output.metrics.row(bin, group)) {
            *sum += value;
        }
    }
    row
}

/// Keep what checks and summaries need of one replica once its output is gone.
///
/// A few numbers per class instead of every bin: what `summary.json`, `replicas.csv`,
/// the sweep summary, the console and expectations read per replica.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaScalars {
    /// Requests started.
    pub issued: u64,
    /// Requests completed.
    pub completed: u64,
    /// Requests still in flight at the end.
    pub in_flight: u64,
    /// Events handled.
    pub events: u64,
    /// Whole-run value of every metric per group: `[group * metrics + metric]`, metrics
    /// in [`Metric::all`] order (counters summed, rates of the totals).
    pub totals: Vec<f64>,
    /// Per group, when the redirect rate settled below [`SETTLE_THRESHOLD`] (s), or NaN.
    pub settled: Vec<f64>,
    /// The value of each probe the run was asked for, in order.
    pub probes: Vec<f64>,
}

/// Cells of each per-bin table whose accumulators a [`Reducer`] holds at once (some
/// 3 MB of [`Moments`]), unless that makes more than [`MAX_ROUNDS`] chunks.
///
/// Bins are reduced a chunk of whole bins at a time, so memory does not grow with
/// simulated time as long as the chunks are few enough.
const CHUNK_CELLS: usize = 1 << 17;

/// Chunks at most with more than one replica: each chunk reads every replica's output
/// twice (once per pass), and a decoding takes time in proportion to the run's bins, so
/// a bounded number of chunks keeps the reduction's time linear in simulated time (its
/// accumulators then grow past [`CHUNK_CELLS`] for runs of more than about 2 days at
/// 5-minute bins: an eighth of the cells). A run of one replica reads its output once
/// whatever the number of chunks, so it is not bounded.
const MAX_ROUNDS: usize = 8;

/// Reduce the replicas of one world, one at a time in replica order, into an
/// [`Aggregate`] and each replica's [`ReplicaScalars`].
///
/// Bins are reduced in chunks (some 130 000 cells; at most eight chunks when there is
/// more than one replica), each in two passes over the same outputs in the same order:
/// the first sums, the second sums squared deviations from the means of the first (see
/// [`Moments`]); each finished
/// bin's estimates go to a [`BinStore`] and the accumulators are reused for the next
/// chunk. Every cell sees the same arithmetic in the same order as a reduction of all
/// outputs held at once, so the result is equal bit for bit, while memory holds one
/// chunk's accumulators whatever the number of replicas (with several replicas, up to
/// an eighth of the cells for runs of more than a few days).
///
/// ```
/// use std::borrow::Cow;
/// let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// let mut world = (*loaded.world).clone();
/// world.duration = s3sim_engine::SimDuration::from_secs(600);
/// let outputs: Vec<_> = (0..3)
///     .map(|k| s3sim_model::world::run_replica(&world, s3sim_engine::RandomStreams::for_replica(1, k)))
///     .collect();
/// let reducer = s3sim_report::aggregate::Reducer::new(&world, &[]);
/// let output = |k: usize| Ok::<_, ()>(Cow::Borrowed(&outputs[k]));
/// let (aggregate, replicas) = reducer.reduce(outputs.len(), output).unwrap();
/// assert_eq!(aggregate.replicas, 3);
/// assert_eq!(replicas[2].issued, outputs[2].issued);
/// ```
#[derive(Debug)]
pub struct Reducer {
    groups: Vec<String>,
    metrics: Vec<Metric>,
    facilities: Vec<String>,
    has_capacity: bool,
    has_retries: bool,
    has_cdn: bool,
    has_stub_resolvers: bool,
    has_dual_stack: bool,
    probes: Vec<Probe>,
    /// Cells reduced at once per table ([`CHUNK_CELLS`]; fewer in tests, for many
    /// chunks).
    chunk_cells: usize,
    /// Chunks at most ([`MAX_ROUNDS`]; unbounded for one replica).
    max_rounds: usize,
    /// The per-bin tables, once the first output gave their shapes.
    tables: Option<Tables>,
    totals: Vec<Moments>,
    scalars: Vec<ReplicaScalars>,
    /// Chunks finished so far.
    round: usize,
    /// Replicas each pass has seen in the current chunk.
    seen: [usize; 2],
}

/// The per-bin tables of a run, in the shapes of its first output.
#[derive(Debug)]
struct Tables {
    bin_width: SimDuration,
    /// (group, metric) per bin.
    metrics: Binned,
    /// (facility, facility metric) per bin.
    facilities: Binned,
}

/// One table of per-bin cells (`width` a bin), reduced a chunk of bins at a time: the
/// accumulators of the current chunk, the estimates of the bins before it.
#[derive(Debug)]
struct Binned {
    width: usize,
    bins: usize,
    per_chunk: usize,
    chunk: Range<usize>,
    values: Vec<Moments>,
    store: BinStore,
}

impl Binned {
    /// Start a table of `bins` bins of `width` cells, at most `cells` accumulators at
    /// once (at least one bin's), unless that makes more than `rounds` chunks.
    fn new(width: usize, bins: usize, cells: usize, rounds: usize) -> Binned {
        let mut table = Binned {
            width,
            bins,
            per_chunk: (cells / width.max(1)).max(1).max(bins.div_ceil(rounds)),
            chunk: 0..0,
            values: Vec::new(),
            store: BinStore::new(width),
        };
        table.start(0);
        table
    }

    /// Start accumulating the chunk of bins from `first`.
    fn start(&mut self, first: usize) {
        self.chunk = first..self.bins.min(first + self.per_chunk);
        self.values.clear();
        self.values
            .resize(self.chunk.len() * self.width, Moments::default());
    }

    /// Index in `values` of `cell` in `bin` (of the current chunk).
    fn index(&self, bin: usize, cell: usize) -> usize {
        (bin - self.chunk.start) * self.width + cell
    }

    /// Store the current chunk's estimates and start the next chunk; false when every
    /// bin is stored.
    fn next(&mut self) -> bool {
        for bin in 0..self.chunk.len() {
            let cells = &self.values[bin * self.width..(bin + 1) * self.width];
            let estimates: Vec<Estimate> = cells.iter().map(Moments::estimate).collect();
            self.store.push(&estimates);
        }
        self.start(self.chunk.end);
        !self.chunk.is_empty()
    }
}

impl Reducer {
    /// Start reducing replicas of `world`, measuring `probes` on each.
    pub fn new(world: &WorldConfig, probes: &[Probe]) -> Self {
        let facilities = &world.topology.facilities;
        Reducer {
            groups: std::iter::once("all".to_string())
                .chain(world.classes.iter().map(|c| c.name.clone()))
                .collect(),
            metrics: Metric::all().collect(),
            facilities: facilities.iter().map(|f| f.name.clone()).collect(),
            has_capacity: facilities.iter().any(|f| f.capacity.is_some()),
            has_retries: world.classes.iter().any(|c| c.retry.is_some()),
            has_cdn: world.classes.iter().any(|c| c.cdn.is_some()),
            has_stub_resolvers: world.classes.iter().any(|c| !c.stub.is_plain()),
            has_dual_stack: world
                .classes
                .iter()
                .any(|c| matches!(c.addressing, Addressing::DualStack { .. })),
            probes: probes.to_vec(),
            chunk_cells: CHUNK_CELLS,
            max_rounds: MAX_ROUNDS,
            tables: None,
            totals: Vec::new(),
            scalars: Vec::new(),
            round: 0,
            seen: [0, 0],
        }
    }

    /// Reduce `replicas` outputs, asking `output` for replica k in replica order twice
    /// per chunk of bins (once per pass); stops at its first error.
    ///
    /// One replica's output is asked for once and kept until the end: it is the one
    /// output memory holds in any case, and decoding it again per chunk would make the
    /// reduction's time grow with the square of the bins.
    ///
    /// Gives the aggregate and each replica's scalars, in replica order.
    ///
    /// # Errors
    ///
    /// The first error of `output`.
    ///
    /// # Panics
    ///
    /// If `replicas` is 0.
    pub fn reduce<'a, E>(
        mut self,
        replicas: usize,
        mut output: impl FnMut(usize) -> Result<Cow<'a, ReplicaOutput>, E>,
    ) -> Result<(Aggregate, Vec<ReplicaScalars>), E> {
        let only = if replicas == 1 {
            self.max_rounds = usize::MAX;
            Some(output(0)?)
        } else {
            None
        };
        let mut read = |k: usize| match &only {
            Some(kept) => Ok(Cow::Borrowed(&**kept)),
            None => output(k),
        };
        loop {
            for k in 0..replicas {
                self.first(&*read(k)?);
            }
            for k in 0..replicas {
                self.second(&*read(k)?);
            }
            if !self.next_chunk() {
                return Ok(self.finish());
            }
        }
    }

    /// Visit every (cell, value) of `output` in aggregate order: the current chunk's
    /// per-bin metrics and facility metrics, then, in the first chunk, whole-run totals.
    fn visit(&self, output: &ReplicaOutput, mut cell: impl FnMut(Cell, usize, f64)) {
        let tables = self.tables.as_ref().expect("shaped by the first output");
        let (table, metrics) = (&tables.metrics, &self.metrics);
        for bin in table.chunk.clone() {
            for group in 0..self.groups.len() {
                for (k, &metric) in metrics.iter().enumerate() {
                    let i = table.index(bin, group * metrics.len() + k);
                    cell(Cell::Bin, i, metric.value(&output.metrics, bin, group));
                }
            }
        }
        let (table, f) = (&tables.facilities, &output.facilities);
        for bin in table.chunk.clone() {
            for facility in 0..f.facilities() {
                for (k, metric) in FacilityMetric::ALL.into_iter().enumerate() {
                    let i = table.index(bin, facility * FacilityMetric::ALL.len() + k);
                    cell(Cell::Facility, i, metric.value(f, bin, facility));
                }
            }
        }
        if self.round > 0 {
            return;
        }
        for group in 0..self.groups.len() {
            let row = total_row(output, group);
            for (k, &metric) in metrics.iter().enumerate() {
                cell(
                    Cell::Total,
                    group * metrics.len() + k,
                    metric.from_row(&row),
                );
            }
        }
    }

    /// Add the next replica's output (pass one of the current chunk, replicas in order).
    fn first(&mut self, output: &ReplicaOutput) {
        if self.tables.is_none() {
            let (m, f) = (&output.metrics, &output.facilities);
            let width = self.groups.len() * self.metrics.len();
            let facility_width = f.facilities() * FacilityMetric::ALL.len();
            self.tables = Some(Tables {
                bin_width: m.bin_width,
                metrics: Binned::new(width, m.bins, self.chunk_cells, self.max_rounds),
                facilities: Binned::new(facility_width, f.bins, self.chunk_cells, self.max_rounds),
            });
            self.totals = vec![Moments::default(); width];
        }
        self.seen[0] += 1;
        let mut totals = Vec::new();
        let mut cells = self.take_cells();
        self.visit(output, |kind, i, v| {
            if let Cell::Total = kind {
                totals.push(v);
            }
            cells.slot(kind, i).add(v);
        });
        self.put_cells(cells);
        if self.round == 0 {
            let scalars = self.scalars_of(output, totals);
            self.scalars.push(scalars);
        }
    }

    /// Measure what checks and summaries need of `output`, whose whole-run `totals`
    /// were just visited.
    fn scalars_of(&self, output: &ReplicaOutput, totals: Vec<f64>) -> ReplicaScalars {
        let settled = (0..self.groups.len())
            .map(|g| settle_time_s(&output.metrics, g, Metric::RedirectRate, SETTLE_THRESHOLD))
            .collect();
        let probes = self
            .probes
            .iter()
            .map(|p| p.measure(&output.metrics, &self.groups))
            .collect();
        ReplicaScalars {
            issued: output.issued,
            completed: output.completed,
            in_flight: output.in_flight,
            events: output.events,
            totals,
            settled,
            probes,
        }
    }

    /// Add the next replica's output again (pass two of the current chunk, after every
    /// replica's pass one, replicas in the same order).
    fn second(&mut self, output: &ReplicaOutput) {
        self.seen[1] += 1;
        let mut cells = self.take_cells();
        self.visit(output, |kind, i, v| {
            let slot = cells.slot(kind, i);
            let mean = slot.mean();
            slot.add_deviation(v, mean);
        });
        self.put_cells(cells);
    }

    /// Move the accumulators out, so that [`Reducer::visit`] can borrow `self`.
    fn take_cells(&mut self) -> (Vec<Moments>, Vec<Moments>, Vec<Moments>) {
        let tables = self.tables.as_mut().expect("shaped by the first output");
        (
            std::mem::take(&mut tables.metrics.values),
            std::mem::take(&mut self.totals),
            std::mem::take(&mut tables.facilities.values),
        )
    }

    /// Put back what [`Reducer::take_cells`] took.
    fn put_cells(&mut self, cells: (Vec<Moments>, Vec<Moments>, Vec<Moments>)) {
        let tables = self.tables.as_mut().expect("shaped by the first output");
        (tables.metrics.values, self.totals, tables.facilities.values) = cells;
    }

    /// Store the current chunk's estimates and start the next chunk; false when every
    /// bin of both tables is done (or no replica was added).
    ///
    /// # Panics
    ///
    /// If a pass did not see every replica.
    fn next_chunk(&mut self) -> bool {
        let replicas = self.scalars.len();
        let Some(tables) = self.tables.as_mut() else {
            return false;
        };
        assert_eq!(
            self.seen,
            [replicas, replicas],
            "both passes see every replica"
        );
        self.seen = [0, 0];
        self.round += 1;
        let more_metrics = tables.metrics.next();
        let more_facilities = tables.facilities.next();
        more_metrics || more_facilities
    }

    /// Give the aggregate and each replica's scalars, in replica order.
    ///
    /// # Panics
    ///
    /// If no replica was added.
    fn finish(self) -> (Aggregate, Vec<ReplicaScalars>) {
        let tables = self.tables.expect("at least one replica");
        let aggregate = Aggregate {
            bin_width: tables.bin_width,
            bins: tables.metrics.bins,
            groups: self.groups,
            metrics: self.metrics,
            replicas: self.scalars.len(),
            facilities: self.facilities,
            has_capacity: self.has_capacity,
            has_retries: self.has_retries,
            has_cdn: self.has_cdn,
            has_stub_resolvers: self.has_stub_resolvers,
            has_dual_stack: self.has_dual_stack,
            values: Arc::new(tables.metrics.store),
            totals: self.totals.iter().map(Moments::estimate).collect(),
            facility_values: Arc::new(tables.facilities.store),
        };
        (aggregate, self.scalars)
    }
}

/// Which accumulators a value goes to.
#[derive(Clone, Copy)]
enum Cell {
    Bin,
    Total,
    Facility,
}

trait Slots {
    fn slot(&mut self, kind: Cell, i: usize) -> &mut Moments;
}

impl Slots for (Vec<Moments>, Vec<Moments>, Vec<Moments>) {
    fn slot(&mut self, kind: Cell, i: usize) -> &mut Moments {
        match kind {
            Cell::Bin => &mut self.0[i],
            Cell::Total => &mut self.1[i],
            Cell::Facility => &mut self.2[i],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use s3sim_engine::RandomStreams;

    /// The default scenario cut to 10 minutes of 10-second bins (60 bins).
    fn ten_minutes_in_ten_second_bins() -> WorldConfig {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = SimDuration::from_secs(600);
        world.bin = SimDuration::from_secs(10);
        world
    }

    #[test]
    fn reducing_in_chunks_of_bins_gives_the_estimates_of_all_samples_at_once_bit_for_bit() {
        let world = ten_minutes_in_ten_second_bins();
        let outputs: Vec<ReplicaOutput> = (0..3)
            .map(|k| s3sim_model::world::run_replica(&world, RandomStreams::for_replica(7, k)))
            .collect();
        let mut reducer = Reducer::new(&world, &[]);
        // Seven bins' cells a chunk, but at most eight chunks: the metrics' 60 bins make
        // seven chunks of eight bins and a short one (the facilities' table, narrower,
        // takes fewer chunks).
        reducer.chunk_cells = 7 * reducer.groups.len() * reducer.metrics.len();
        let output = |k: usize| Ok::<_, ()>(Cow::Borrowed(&outputs[k]));
        let (aggregate, _) = reducer.reduce(outputs.len(), output).unwrap();
        assert_eq!(aggregate.bins, 60);
        let bits = |e: Estimate| (e.mean.to_bits(), e.low.to_bits(), e.high.to_bits(), e.n);
        for bin in 0..aggregate.bins {
            let row = aggregate.bin(bin);
            for group in 0..aggregate.groups.len() {
                for (k, &metric) in aggregate.metrics.iter().enumerate() {
                    let samples: Vec<f64> = outputs
                        .iter()
                        .map(|o| metric.value(&o.metrics, bin, group))
                        .collect();
                    let batch = Estimate::from_samples(&samples).of(metric);
                    let streamed = aggregate.get(bin, group, metric);
                    assert_eq!(bits(streamed), bits(batch), "{bin} {group} {metric:?}");
                    assert_eq!(bits(row[group * aggregate.metrics.len() + k]), bits(batch));
                }
            }
        }
        for group in 0..aggregate.groups.len() {
            for &metric in &aggregate.metrics {
                let samples: Vec<f64> = outputs
                    .iter()
                    .map(|o| metric.from_row(&total_row(o, group)))
                    .collect();
                let batch = Estimate::from_samples(&samples).of(metric);
                assert_eq!(bits(aggregate.total(group, metric)), bits(batch));
            }
        }
        let facilities = &outputs[0].facilities;
        for bin in 0..facilities.bins {
            for facility in 0..facilities.facilities() {
                for metric in FacilityMetric::ALL {
                    let samples: Vec<f64> = outputs
                        .iter()
                        .map(|o| metric.value(&o.facilities, bin, facility))
                        .collect();
                    let batch = Estimate::from_samples(&samples);
                    let streamed = aggregate.facility(bin, facility, metric);
                    assert_eq!(bits(streamed), bits(batch), "{bin} {facility} {metric:?}");
                }
            }
        }
    }

    #[test]
    fn one_replica_is_read_once_whatever_the_number_of_chunks() {
        let world = ten_minutes_in_ten_second_bins();
        let only = s3sim_model::world::run_replica(&world, RandomStreams::for_replica(7, 0));
        let mut reducer = Reducer::new(&world, &[]);
        reducer.chunk_cells = reducer.groups.len() * reducer.metrics.len();
        let mut reads = 0;
        let output = |_| {
            reads += 1;
            Ok::<_, ()>(Cow::Borrowed(&only))
        };
        let (aggregate, _) = reducer.reduce(1, output).unwrap();
        assert_eq!(reads, 1);
        let metric = Metric::RedirectRate;
        for bin in 0..aggregate.bins {
            let batch = Estimate::from_samples(&[metric.value(&only.metrics, bin, 0)]);
            assert_eq!(
                aggregate.get(bin, 0, metric).mean.to_bits(),
                batch.mean.to_bits()
            );
        }
    }
}
