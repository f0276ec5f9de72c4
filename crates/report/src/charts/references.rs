//! What a run's charts draw besides its estimates: the scenario's events, and the
//! reference values of its story, derived from the scenario or the run, never typed in.
//!
//! - A facility with limited servers has a capacity, servers ÷ mean service time
//!   (requests/s); past it, at least 1 − capacity/load of the arrivals cannot be
//!   served, the curve the 503 share of `capacity_vs_load` is drawn against.
//! - The redirect chart marks when the redirect rate of all clients settled at or
//!   below [`SETTLE_THRESHOLD`]: the mean over replicas, the value `report.html` shows.

use super::axis::TimeAxis;
use super::spec::{ChartSpec, LegendEntry, Point, Series};
use crate::markers::Marker;
use crate::runner::RunResult;
use crate::sweep_summary::{SETTLE_THRESHOLD, settled};
use plotters::prelude::RGBColor;
use s3sim_model::WorldConfig;

/// Hold what a run's charts mark beside its estimates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct References {
    /// The scenario's events, marked on the time charts.
    pub markers: Vec<Marker>,
    /// Each facility with limited servers: its name and capacity in requests/s
    /// (servers ÷ mean service time).
    pub capacities: Vec<(String, f64)>,
    /// When the redirect rate of all clients settled at or below
    /// [`SETTLE_THRESHOLD`], seconds from the start of the run (mean over the
    /// replicas that settled); `None` when none did.
    pub redirects_settled_s: Option<f64>,
}

impl References {
    /// The references of `result`, a run of `world`, with the scenario's `markers`.
    ///
    /// ```
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/capacity-ramp.ron")).unwrap();
    /// let loaded = s3sim_scenario::parse(&text, "ramp").unwrap();
    /// let mut world = (*loaded.world).clone();
    /// world.duration = s3sim_engine::SimDuration::from_secs(120);
    /// let options = s3sim_report::RunOptions { seed: 1, replicas: 1, progress: false };
    /// let result = s3sim_report::run(&world, options);
    /// let refs = s3sim_report::charts::References::of(&world, &result, Vec::new());
    /// // 16 servers, 20 ms mean service: 800 requests/s.
    /// assert_eq!(refs.capacities, [("use1".to_string(), 800.0)]);
    /// ```
    pub fn of(world: &WorldConfig, result: &RunResult, markers: Vec<Marker>) -> References {
        let capacities = world
            .topology
            .facilities
            .iter()
            .filter_map(|f| {
                let servers = f.capacity.as_ref()?.servers;
                let service_s = f.service_time.mean().as_secs_f64();
                (service_s > 0.0).then(|| (f.name.clone(), f64::from(servers) / service_s))
            })
            .collect();
        let settle = settled(result, 0);
        References {
            markers,
            capacities,
            redirects_settled_s: (settle.n > 0 && settle.mean.is_finite()).then_some(settle.mean),
        }
    }

    /// Only the scenario's events, no reference values.
    pub fn events(markers: Vec<Marker>) -> References {
        References {
            markers,
            ..References::default()
        }
    }
}

/// Mark the settle time on the redirect chart: a marker line labelled with the time,
/// among the scenario's events (in time order).
pub(crate) fn mark_settle_time(spec: &mut ChartSpec, refs: &References, axis: &TimeAxis) {
    let Some(seconds) = refs.redirects_settled_s else {
        return;
    };
    let Some(at) = crate::fmt::duration(seconds) else {
        return;
    };
    let x = axis.at(seconds);
    if !(x.is_finite() && (spec.x_start..=spec.x_end).contains(&x)) {
        return;
    }
    let label = format!("redirect rate ≤ {} % from {at}", 100.0 * SETTLE_THRESHOLD);
    let k = spec.markers.partition_point(|(m, _)| *m <= x);
    spec.markers.insert(k, (x, label));
}

/// The grey of reference curves.
const REFERENCE_GREY: RGBColor = RGBColor(120, 120, 120);
/// Points of a reference curve across the load axis.
const CURVE_POINTS: usize = 200;

/// Draw, for each capacity of the facilities of `refs` in the chart, the least share
/// of arrivals that cannot be served at load x: 0 up to the capacity c, then 1 − c/x;
/// one curve for facilities of equal capacity; drawn under the measured lines, listed
/// last in the legend.
pub(crate) fn add_capacity_curves(spec: &mut ChartSpec, refs: &References, facilities: &[String]) {
    // (capacity, facilities), in the order of their first facility.
    let mut groups: Vec<(f64, Vec<&str>)> = Vec::new();
    for (name, capacity) in &refs.capacities {
        if !facilities.contains(name) || capacity.is_nan() || *capacity <= 0.0 {
            continue;
        }
        match groups.iter_mut().find(|(c, _)| c == capacity) {
            Some((_, names)) => names.push(name),
            None => groups.push((*capacity, vec![name])),
        }
    }
    for (k, (capacity, names)) in groups.into_iter().enumerate() {
        let points = (0..=CURVE_POINTS)
            .map(|i| {
                let x = spec.x_end * i as f64 / CURVE_POINTS as f64;
                let y = if x > capacity {
                    1.0 - capacity / x
                } else {
                    0.0
                };
                Point {
                    x,
                    mean: y,
                    low: y,
                    high: y,
                }
            })
            .collect();
        let label = match names.as_slice() {
            [one] => format!("{one}: 1 − capacity/load (capacity {capacity:.0}/s)"),
            many => format!(
                "1 − capacity/load (capacity {capacity:.0}/s, {} facilities)",
                many.len()
            ),
        };
        let series = Series::line(vec![points], REFERENCE_GREY, 2).dashed(&[10, 6]);
        // Listed last, drawn first: the measured lines stay on top of the reference.
        spec.legend.push(LegendEntry {
            label,
            swatch: series.swatch(),
        });
        spec.series.insert(k, series);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::catalogue::of_run;

    #[test]
    fn the_redirect_chart_marks_the_settle_time_among_the_events() {
        let (aggregate, markers) = crate::charts::tests::short_run();
        let refs = References {
            markers,
            capacities: Vec::new(),
            redirects_settled_s: Some(1260.0),
        };
        let charts = of_run(&aggregate, &refs, "t");
        let redirect = &charts[0].spec;
        assert_eq!(charts[0].files[0], "redirect_rate.png");
        let labels: Vec<(f64, &str)> = redirect
            .markers
            .iter()
            .map(|(x, l)| (*x, l.as_str()))
            .collect();
        // Minutes on a half-hour axis: the bucket is created at 10 min, settled at 21.
        assert_eq!(
            labels,
            [
                (10.0, "photos created"),
                (21.0, "redirect rate ≤ 1 % from 21m")
            ]
        );
        // Only the redirect chart.
        assert_eq!(charts[1].spec.markers.len(), 1);
    }

    #[test]
    fn the_capacity_chart_draws_one_minus_capacity_over_load_past_the_capacity() {
        let mut spec = ChartSpec::new(&TimeAxis::new(3600.0), "t".into(), "share");
        spec.x_end = 1600.0;
        let refs = References {
            markers: Vec::new(),
            capacities: vec![("use1".into(), 800.0), ("elsewhere".into(), 10.0)],
            redirects_settled_s: None,
        };
        add_capacity_curves(&mut spec, &refs, &["use1".to_string()]);
        assert_eq!(spec.series.len(), 1, "only facilities of the chart");
        assert_eq!(
            spec.legend[0].label,
            "use1: 1 − capacity/load (capacity 800/s)"
        );
        let points = &spec.series[0].runs[0];
        let at = |x: f64| points.iter().find(|p| p.x == x).unwrap().mean;
        assert_eq!(at(400.0), 0.0);
        assert_eq!(at(800.0), 0.0);
        assert_eq!(at(1600.0), 0.5);
        assert_eq!(at(1000.0), 0.19999999999999996);
    }

    #[test]
    fn facilities_of_equal_capacity_share_one_curve() {
        let mut spec = ChartSpec::new(&TimeAxis::new(3600.0), "t".into(), "share");
        spec.x_end = 900.0;
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let refs = References {
            markers: Vec::new(),
            capacities: vec![
                ("a".into(), 200.0),
                ("b".into(), 300.0),
                ("c".into(), 200.0),
            ],
            redirects_settled_s: None,
        };
        add_capacity_curves(&mut spec, &refs, &names);
        let labels: Vec<&str> = spec.legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "1 − capacity/load (capacity 200/s, 2 facilities)",
                "b: 1 − capacity/load (capacity 300/s)"
            ]
        );
    }
}
