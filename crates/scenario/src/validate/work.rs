//! Estimate what a run will cost before it starts: simulated requests per replica and
//! the metrics memory of one replica, checked against the ceilings in
//! [`super::limits`].
//!
//! A scenario within every size limit can still ask for more work than a machine
//! does in a day (`poisson("1000000000000/s")`) or for gigabytes of bins; both are
//! refused here, naming the fields and the estimate, instead of running away.

use super::checker::Checker;
use super::limits::{MAX_FACILITY_VALUES, MAX_METRIC_VALUES, MAX_REQUESTS_PER_REPLICA};
use crate::schema::{ArrivalsSpec, ClientSpec, Scenario};
use s3sim_model::metrics::COUNTERS;
use s3sim_model::metrics::facility::FACILITY_COUNTERS;

/// Say what one replica of a scenario costs, estimated from its fields alone.
///
/// ```
/// let s = s3sim_scenario::schema::from_ron(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// let work = s3sim_scenario::validate::Work::of(&s);
/// assert!(work.requests > 1e5 && work.requests < 1e7, "{}", work.requests);
/// assert_eq!(work.metric_values, work.bins * (s.clients.len() as u64 + 1) * 49);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Work {
    /// Expected client requests per replica (first tries only).
    pub requests: f64,
    /// Expected tries per replica in the worst case: each class's requests × its
    /// `retry.max_attempts` (1 without `retry`) × its `redirects` hops
    /// ([`crate::schema::RedirectSpec::max_hops`]), as when every try fails and every
    /// answer redirects. This is what the request ceiling is checked against, so an
    /// accepted scenario cannot run away however its faults turn out.
    pub worst_case_tries: f64,
    /// Metrics bins (duration / bin, rounded up).
    pub bins: u64,
    /// Per-class counters one replica holds: bins × (classes + 1) × counters.
    pub metric_values: u64,
    /// Per-facility counters one replica holds: bins × facilities × counters.
    pub facility_values: u64,
}

impl Work {
    /// Estimate `scenario`'s work per replica.
    ///
    /// Requests per class are count × (expected arrivals of one client in its active
    /// window `start..stop`): rate × window for `poisson`, the ramp's integral
    /// (mean of both rates × window) for `poisson_ramp`, window / interval (+ 1) for
    /// `periodic`. Process restarts add none: a process is restarted lazily at its
    /// next request.
    pub fn of(scenario: &Scenario) -> Work {
        let requests = scenario
            .clients
            .iter()
            .map(|c| class_requests(c, scenario))
            .fold(0.0, |sum, r| sum + r);
        let worst_case_tries = scenario
            .clients
            .iter()
            .map(|c| class_requests(c, scenario) * tries_per_request(c))
            .fold(0.0, |sum, r| sum + r);
        let bins = scenario
            .duration
            .0
            .as_nanos()
            .div_ceil(scenario.bin.0.as_nanos().max(1))
            .max(1);
        let groups = scenario.clients.len() as u64 + 1;
        let facilities: u64 = scenario
            .regions
            .iter()
            .map(|r| r.facilities.len().max(1) as u64)
            .sum();
        Work {
            requests,
            worst_case_tries,
            bins,
            metric_values: bins.saturating_mul(groups).saturating_mul(COUNTERS as u64),
            facility_values: bins
                .saturating_mul(facilities)
                .saturating_mul(FACILITY_COUNTERS as u64),
        }
    }

    /// The values one replica's output holds (class and facility counters).
    pub fn output_values(&self) -> u64 {
        self.metric_values.saturating_add(self.facility_values)
    }
}

/// The most tries one request of class `c` can make: attempts per hop × hops.
fn tries_per_request(c: &ClientSpec) -> f64 {
    let attempts = c.retry.as_ref().map_or(1, |r| r.max_attempts.max(1));
    f64::from(attempts) * f64::from(c.redirects.max_hops().max(1))
}

/// Expected requests of one class in one replica.
fn class_requests(c: &ClientSpec, s: &Scenario) -> f64 {
    let stop = c.stop.unwrap_or(s.duration).min(s.duration);
    let window = stop.0.as_secs_f64() - c.start.0.as_secs_f64();
    if window <= 0.0 {
        return 0.0;
    }
    let per_client = match &c.arrivals {
        ArrivalsSpec::Poisson(rate) => rate.per_sec() * window,
        ArrivalsSpec::PoissonRamp { from, to } => (from.per_sec() + to.per_sec()) / 2.0 * window,
        ArrivalsSpec::Periodic(every) => {
            let every = every.0.as_secs_f64();
            if every > 0.0 {
                window / every + 1.0
            } else {
                f64::INFINITY
            }
        }
    };
    // NaN (from a NaN rate, refused elsewhere) counts as nothing here.
    let total = c.count as f64 * per_client;
    if total.is_nan() { 0.0 } else { total }
}

impl Checker {
    /// Refuse a scenario whose estimated work or metrics memory exceeds the ceilings.
    pub(crate) fn work(&mut self, s: &Scenario) {
        let work = Work::of(s);
        let ceiling = s
            .max_requests_per_replica
            .unwrap_or(MAX_REQUESTS_PER_REPLICA);
        if work.worst_case_tries > ceiling as f64 {
            let biggest = s
                .clients
                .iter()
                .enumerate()
                .map(|(i, c)| (i, class_requests(c, s) * tries_per_request(c)))
                .fold((0, f64::MIN), |best, x| if x.1 > best.1 { x } else { best });
            let (i, class) = biggest;
            let c = &s.clients[i];
            self.issue(
                format!("clients[{i}].arrivals"),
                format!(
                    "the run could simulate {:.3e} tries per replica ({:.3e} requests, each \
                     retried and redirected at most as its class allows); {:.3e} from \
                     clients[{i}] \"{}\": count {} × its arrivals over {} × {} tries per \
                     request (retry.max_attempts {} × redirect hops {}); the ceiling is \
                     {ceiling}: lower clients[{i}].count or its rate, shorten the run, allow \
                     fewer attempts or hops, or raise the ceiling with \
                     `max_requests_per_replica: {}` at the top of the scenario",
                    work.worst_case_tries,
                    work.requests,
                    class,
                    c.name,
                    c.count,
                    window_text(c, s),
                    tries_per_request(c),
                    c.retry.as_ref().map_or(1, |r| r.max_attempts.max(1)),
                    c.redirects.max_hops().max(1),
                    suggest(work.worst_case_tries),
                ),
            );
        }
        if work.metric_values > MAX_METRIC_VALUES {
            self.issue(
                "bin",
                format!(
                    "{} bins (duration {} / bin {}) × {} groups (clients + \"all\") × {COUNTERS} \
                     counters = {} values per replica ({} MB); at most {MAX_METRIC_VALUES}: \
                     use a wider bin, e.g. \"{}\", or fewer client classes",
                    work.bins,
                    s.duration,
                    s.bin,
                    s.clients.len() + 1,
                    work.metric_values,
                    work.metric_values * 8 / 1_000_000,
                    wider_bin(s, work.metric_values, MAX_METRIC_VALUES),
                ),
            );
        }
        if work.facility_values > MAX_FACILITY_VALUES {
            self.issue(
                "bin",
                format!(
                    "{} bins (duration {} / bin {}) × {} facilities × {FACILITY_COUNTERS} \
                     counters = {} values per replica ({} MB); at most {MAX_FACILITY_VALUES}: \
                     use a wider bin, e.g. \"{}\", or fewer facilities",
                    work.bins,
                    s.duration,
                    s.bin,
                    work.facility_values / work.bins.max(1) / FACILITY_COUNTERS as u64,
                    work.facility_values,
                    work.facility_values * 8 / 1_000_000,
                    wider_bin(s, work.facility_values, MAX_FACILITY_VALUES),
                ),
            );
        }
    }
}

fn window_text(c: &ClientSpec, s: &Scenario) -> String {
    let stop = c.stop.unwrap_or(s.duration).min(s.duration);
    format!("{}..{stop}", c.start)
}

/// A round ceiling above `requests`, for the message.
fn suggest(requests: f64) -> String {
    if !requests.is_finite() || requests >= 1e19 {
        return u64::MAX.to_string();
    }
    let digits = requests.log10().ceil().max(1.0) as i32;
    format!("{}", 10f64.powi(digits) as u64)
}

/// A bin width (whole seconds) that brings `values` under `max`.
fn wider_bin(s: &Scenario, values: u64, max: u64) -> String {
    let factor = values.div_ceil(max.max(1)).max(1);
    let secs = (s.bin.0.as_secs_f64() * factor as f64).ceil().max(1.0) as u64;
    s3sim_engine::SimDuration::from_secs(secs).to_string()
}
