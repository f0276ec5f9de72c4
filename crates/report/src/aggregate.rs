//! Combine replicas into per-bin estimates and whole-run totals.

use crate::stats::Estimate;
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
    pub fn new(world: &WorldConfig, outputs: &[ReplicaOutput]) -> Self {
        let first = &outputs[0].metrics;
        let groups: Vec<String> = std::iter::once("all".to_string())
            .chain(world.classes.iter().map(|c| c.name.clone()))
            .collect();
        let metrics: Vec<Metric> = Metric::all().collect();
        let mut values = Vec::with_capacity(first.bins * groups.len() * metrics.len());
        for bin in 0..first.bins {
            for group in 0..groups.len() {
                for &metric in &metrics {
                    let samples: Vec<f64> = outputs
                        .iter()
                        .map(|o| metric.value(&o.metrics, bin, group))
                        .collect();
                    values.push(Estimate::from_samples(&samples));
                }
            }
        }
        let mut totals = Vec::with_capacity(groups.len() * metrics.len());
        for group in 0..groups.len() {
            let rows: Vec<CounterRow> = outputs.iter().map(|o| total_row(o, group)).collect();
            for &metric in &metrics {
                let samples: Vec<f64> = rows.iter().map(|row| metric.from_row(row)).collect();
                totals.push(Estimate::from_samples(&samples));
            }
        }
        let facilities = &world.topology.facilities;
        Aggregate {
            bin_width: first.bin_width,
            bins: first.bins,
            groups,
            metrics,
            replicas: outputs.len(),
            facilities: facilities.iter().map(|f| f.name.clone()).collect(),
            has_capacity: facilities.iter().any(|f| f.capacity.is_some()),
            has_retries: world.classes.iter().any(|c| c.retry.is_some()),
            has_cdn: world.classes.iter().any(|c| c.cdn.is_some()),
            has_stub_resolvers: world.classes.iter().any(|c| !c.stub.is_plain()),
            values,
            totals,
            facility_values: facility_values(outputs),
        }
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

    /// Look up the estimate of `metric` in `bin` for `group` (0 = all).
    pub fn get(&self, bin: usize, group: usize, metric: Metric) -> Estimate {
        self.values
            [(bin * self.groups.len() + group) * self.metrics.len() + self.metric_index(metric)]
    }

    /// Look up the estimate of `metric` over the whole run for `group`.
    ///
    /// Rates are ratios of the run's totals per replica, so a busy bin weighs more than
    /// a quiet one, as in a whole-run measurement.
    pub fn total(&self, group: usize, metric: Metric) -> Estimate {
        self.totals[group * self.metrics.len() + self.metric_index(metric)]
    }

    /// Give the start of `bin`, in seconds since the start of the run.
    pub fn bin_start_s(&self, bin: usize) -> f64 {
        (self.bin_width * bin as u64).as_secs_f64()
    }
}

fn facility_values(outputs: &[ReplicaOutput]) -> Vec<Estimate> {
    let first = &outputs[0].facilities;
    let mut values =
        Vec::with_capacity(first.bins * first.facilities() * FacilityMetric::ALL.len());
    for bin in 0..first.bins {
        for facility in 0..first.facilities() {
            for metric in FacilityMetric::ALL {
                let samples: Vec<f64> = outputs
                    .iter()
                    .map(|o| metric.value(&o.facilities, bin, facility))
                    .collect();
                values.push(Estimate::from_samples(&samples));
            }
        }
    }
    values
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
