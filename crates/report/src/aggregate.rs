//! Combine replicas into per-bin estimates and whole-run totals.

use crate::metric::Metric;
use crate::stats::Estimate;
use s3sim_engine::SimDuration;
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
    values: Vec<Estimate>,
    totals: Vec<Estimate>,
}

impl Aggregate {
    /// Combine replica outputs (all from the same scenario, in replica order).
    pub fn new(class_names: &[String], outputs: &[ReplicaOutput]) -> Self {
        let first = &outputs[0].metrics;
        let groups: Vec<String> = std::iter::once("all".to_string())
            .chain(class_names.iter().cloned())
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
        Aggregate {
            bin_width: first.bin_width,
            bins: first.bins,
            groups,
            metrics,
            replicas: outputs.len(),
            values,
            totals,
        }
    }

    fn metric_index(&self, metric: Metric) -> usize {
        self.metrics
            .iter()
            .position(|&m| m == metric)
            .expect("every metric is aggregated")
    }

    /// The estimate of `metric` in `bin` for `group` (0 = all).
    pub fn get(&self, bin: usize, group: usize, metric: Metric) -> Estimate {
        self.values
            [(bin * self.groups.len() + group) * self.metrics.len() + self.metric_index(metric)]
    }

    /// The estimate of `metric` over the whole run for `group` (rates: totals' ratios).
    pub fn total(&self, group: usize, metric: Metric) -> Estimate {
        self.totals[group * self.metrics.len() + self.metric_index(metric)]
    }

    /// Start of `bin`, in seconds since the start of the run.
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
