//! Combine replicas into per-bin estimates and whole-run totals.

use crate::measure::{Probe, SETTLE_THRESHOLD, settle_time_s};
use crate::stats::{Estimate, Moments};
use s3sim_engine::SimDuration;
use s3sim_model::WorldConfig;
use s3sim_model::metrics::Metric;
use s3sim_model::metrics::facility::FacilityMetric;
use s3sim_model::metrics::{COUNTERS, CounterRow};
use s3sim_model::world::ReplicaOutput;

/// Hold every metric of every (bin, group) as a mean with a 95 % CI across replicas.
///
/// Group 0 is `all`, then one group per client class in scenario order. Reduction is
/// sequential in replica order, so results do not depend on the thread count.
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
    values: Vec<Estimate>,
    totals: Vec<Estimate>,
    facility_values: Vec<Estimate>,
}

impl Aggregate {
    /// Combine replica outputs of `world` (in replica order).
    ///
    /// The same as feeding [`Reducer`] both passes over `outputs`.
    pub fn new(world: &WorldConfig, outputs: &[ReplicaOutput]) -> Self {
        let mut reducer = Reducer::new(world, &[]);
        outputs.iter().for_each(|o| reducer.first(o));
        outputs.iter().for_each(|o| reducer.second(o));
        reducer.finish().0
    }

    /// Look up the estimate of a facility metric in `bin` for `facility`.
    pub fn facility(&self, bin: usize, facility: usize, metric: FacilityMetric) -> Estimate {
        let k = FacilityMetric::ALL
            .iter()
            .position(|&m| m == metric)
            .expect("every facility metric is aggregated");
        self.facility_values
            [(bin * self.facilities.len() + facility) * FacilityMetric::ALL.len() + k]
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
        self.values
            [(bin * self.groups.len() + group) * self.metrics.len() + self.metric_index(metric)]
        .of(metric)
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

/// Reduce the replicas of one world, one at a time in replica order, into an
/// [`Aggregate`] and each replica's [`ReplicaScalars`].
///
/// Two passes over the same outputs in the same order: [`Reducer::first`] sums, then
/// [`Reducer::second`] sums squared deviations from the means of the first (see
/// [`Moments`]), so the result equals a reduction of all outputs held at once, bit for
/// bit, while memory stays one accumulator per (bin, group, metric) whatever the
/// number of replicas.
///
/// ```
/// let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// let mut world = (*loaded.world).clone();
/// world.duration = s3sim_engine::SimDuration::from_secs(600);
/// let outputs: Vec<_> = (0..3)
///     .map(|k| s3sim_model::world::run_replica(&world, s3sim_engine::RandomStreams::for_replica(1, k)))
///     .collect();
/// let mut reducer = s3sim_report::aggregate::Reducer::new(&world, &[]);
/// outputs.iter().for_each(|o| reducer.first(o));
/// outputs.iter().for_each(|o| reducer.second(o));
/// let (aggregate, replicas) = reducer.finish();
/// assert_eq!(aggregate.replicas, 3);
/// assert_eq!(replicas[2].issued, outputs[2].issued);
/// ```
#[derive(Clone, Debug)]
pub struct Reducer {
    groups: Vec<String>,
    metrics: Vec<Metric>,
    facilities: Vec<String>,
    has_capacity: bool,
    has_retries: bool,
    has_cdn: bool,
    has_stub_resolvers: bool,
    probes: Vec<Probe>,
    /// (bin width, bins, facility rows) of the first output.
    shape: Option<(SimDuration, usize, usize)>,
    values: Vec<Moments>,
    totals: Vec<Moments>,
    facility_values: Vec<Moments>,
    scalars: Vec<ReplicaScalars>,
    second_pass: usize,
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
            probes: probes.to_vec(),
            shape: None,
            values: Vec::new(),
            totals: Vec::new(),
            facility_values: Vec::new(),
            scalars: Vec::new(),
            second_pass: 0,
        }
    }

    /// Visit every (cell, value) of `output` in aggregate order: per-bin metrics,
    /// whole-run totals, facility metrics.
    fn visit(&self, output: &ReplicaOutput, mut cell: impl FnMut(Cell, usize, f64)) {
        let (groups, metrics) = (self.groups.len(), &self.metrics);
        for bin in 0..output.metrics.bins {
            for group in 0..groups {
                for (k, &metric) in metrics.iter().enumerate() {
                    let i = (bin * groups + group) * metrics.len() + k;
                    cell(Cell::Bin, i, metric.value(&output.metrics, bin, group));
                }
            }
        }
        for group in 0..groups {
            let row = total_row(output, group);
            for (k, &metric) in metrics.iter().enumerate() {
                cell(
                    Cell::Total,
                    group * metrics.len() + k,
                    metric.from_row(&row),
                );
            }
        }
        let f = &output.facilities;
        let mut i = 0;
        for bin in 0..f.bins {
            for facility in 0..f.facilities() {
                for metric in FacilityMetric::ALL {
                    cell(Cell::Facility, i, metric.value(f, bin, facility));
                    i += 1;
                }
            }
        }
    }

    /// Add the next replica's output (pass one, replicas in order).
    pub fn first(&mut self, output: &ReplicaOutput) {
        if self.shape.is_none() {
            let (m, f) = (&output.metrics, &output.facilities);
            let cells = m.bins * self.groups.len() * self.metrics.len();
            self.values = vec![Moments::default(); cells];
            self.totals = vec![Moments::default(); self.groups.len() * self.metrics.len()];
            let facility_cells = f.bins * f.facilities() * FacilityMetric::ALL.len();
            self.facility_values = vec![Moments::default(); facility_cells];
            self.shape = Some((m.bin_width, m.bins, f.facilities()));
        }
        let mut cells = (
            std::mem::take(&mut self.values),
            std::mem::take(&mut self.totals),
            std::mem::take(&mut self.facility_values),
        );
        let mut totals = Vec::with_capacity(self.groups.len() * self.metrics.len());
        self.visit(output, |kind, i, v| {
            if let Cell::Total = kind {
                totals.push(v);
            }
            cells.slot(kind, i).add(v);
        });
        (self.values, self.totals, self.facility_values) = cells;
        let settled = (0..self.groups.len())
            .map(|g| settle_time_s(&output.metrics, g, Metric::RedirectRate, SETTLE_THRESHOLD))
            .collect();
        let probes = self
            .probes
            .iter()
            .map(|p| p.measure(&output.metrics, &self.groups))
            .collect();
        self.scalars.push(ReplicaScalars {
            issued: output.issued,
            completed: output.completed,
            in_flight: output.in_flight,
            events: output.events,
            totals,
            settled,
            probes,
        });
    }

    /// Add the next replica's output again (pass two, after every [`Reducer::first`],
    /// replicas in the same order).
    pub fn second(&mut self, output: &ReplicaOutput) {
        let mut cells = (
            std::mem::take(&mut self.values),
            std::mem::take(&mut self.totals),
            std::mem::take(&mut self.facility_values),
        );
        self.visit(output, |kind, i, v| {
            let slot = cells.slot(kind, i);
            let mean = slot.mean();
            slot.add_deviation(v, mean);
        });
        (self.values, self.totals, self.facility_values) = cells;
        self.second_pass += 1;
    }

    /// Give the aggregate and each replica's scalars, in replica order.
    ///
    /// # Panics
    ///
    /// If no replica was added, or the second pass did not see every replica.
    pub fn finish(self) -> (Aggregate, Vec<ReplicaScalars>) {
        let (bin_width, bins, _) = self.shape.expect("at least one replica");
        assert_eq!(
            self.second_pass,
            self.scalars.len(),
            "both passes see every replica"
        );
        let estimates = |cells: Vec<Moments>| cells.iter().map(Moments::estimate).collect();
        let aggregate = Aggregate {
            bin_width,
            bins,
            groups: self.groups,
            metrics: self.metrics,
            replicas: self.scalars.len(),
            facilities: self.facilities,
            has_capacity: self.has_capacity,
            has_retries: self.has_retries,
            has_cdn: self.has_cdn,
            has_stub_resolvers: self.has_stub_resolvers,
            values: estimates(self.values),
            totals: estimates(self.totals),
            facility_values: estimates(self.facility_values),
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
