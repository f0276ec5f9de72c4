//! Check a parsed scenario for meaning: references, ranges and sizes.
//!
//! Every problem is reported with its field path, all at once, so a user fixes a file
//! in one pass. Sizes are bounded here, before anything is allocated (see the
//! limits re-exported below). One module per section of the file, as in
//! [`crate::schema`]; `checker` holds the issue list and the checks they share.

mod buckets;
mod cdn;
mod checker;
mod clients;
mod dns;
mod events;
mod expectations;
mod limits;
mod rate_limits;
mod stub;
mod topology;
mod work;

pub use work::Work;

pub use limits::{
    MAX_ATTEMPTS, MAX_BINS, MAX_BUCKETS, MAX_BURST_SECS, MAX_CACHE_SLOTS, MAX_CLASSES, MAX_CLIENTS,
    MAX_DISTRIBUTIONS, MAX_EDGE_CAPACITY, MAX_EDGES, MAX_EVENTS, MAX_FACILITIES,
    MAX_FACILITY_VALUES, MAX_INVALIDATION_PATHS, MAX_IPS, MAX_KEYS, MAX_METRIC_VALUES,
    MAX_NAME_BYTES, MAX_NDOTS, MAX_PREFIX_RATE, MAX_PREFIXES, MAX_REGIONS, MAX_REPLICAS,
    MAX_REQUESTS_PER_REPLICA, MAX_RESOLVER_GROUPS, MAX_RESOLVERS, MAX_RUN_VALUES,
    MAX_SEARCH_DOMAINS, MAX_SERVERS,
};

use crate::error::Issue;
use crate::schema::Scenario;
use crate::units::Dur;
use checker::Checker;
use s3sim_engine::SimDuration;
use std::collections::BTreeSet;

/// Check `scenario`; all problems found, or `Ok`.
///
/// ```
/// let mut s = s3sim_scenario::schema::from_ron(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// s.clients[0].resolvers = Some("nope".into());
/// let issues = s3sim_scenario::validate::check(&s).unwrap_err();
/// assert!(issues[0].to_string().starts_with("clients[0].resolvers: unknown resolver group \"nope\""));
/// ```
///
/// # Errors
///
/// Every [`Issue`] found, in file order within each section.
pub fn check(scenario: &Scenario) -> Result<(), Vec<Issue>> {
    let mut c = Checker::default();
    top_level(&mut c, scenario);
    c.regions(scenario);
    c.locations_and_rtt(scenario);
    c.buckets(scenario);
    c.dns(&scenario.dns);
    c.resolvers(&scenario.resolvers);
    c.clients(scenario);
    c.events(scenario);
    let keys = c.objects(scenario);
    c.cdn(scenario, keys);
    c.temporary_redirect(&scenario.s3);
    c.delay("s3.learning_delay", &scenario.s3.learning_delay);
    c.rate_limits(scenario);
    // The estimates assume the sizes and rates are within their bounds.
    if c.is_clean() {
        c.work(scenario);
    }
    c.finish()
}

/// Check the scenario's own fields: name, duration, bin width, replicas.
fn top_level(c: &mut Checker, s: &Scenario) {
    if let Err(problem) = scenario_name(&s.name) {
        c.issue("name", problem);
    }
    c.positive("duration", s.duration, "duration");
    c.positive("bin", s.bin, "bin width");
    if s.bin.0 > SimDuration::ZERO {
        let bins = s.duration.0.as_nanos().div_ceil(s.bin.0.as_nanos());
        if bins > MAX_BINS {
            c.issue(
                "bin",
                format!(
                    "{bins} bins of {} in {}; at most {MAX_BINS}: use a wider bin",
                    s.bin, s.duration
                ),
            );
        }
        if s.bin > s.duration {
            c.issue(
                "bin",
                format!(
                    "bin width {} is longer than the duration {}",
                    s.bin, s.duration
                ),
            );
        }
    }
    if s.replicas == 0 || s.replicas > MAX_REPLICAS {
        c.issue(
            "replicas",
            format!("must be between 1 and {MAX_REPLICAS}, not {}", s.replicas),
        );
    }
}

/// Check the `expect` list against the scenario and its sweep points' run lengths
/// (`durations`, one per point, in point order).
///
/// ```
/// let text = s3sim_scenario::DEFAULT_SCENARIO
///     .replace("mean_above(metric: \"redirect_rate\"", "mean_above(metric: \"redirect_rat\"");
/// let err = s3sim_scenario::parse(&text, "e.ron").unwrap_err().to_string();
/// assert!(err.contains("expect[0].metric: unknown metric \"redirect_rat\""), "{err}");
/// ```
///
/// # Errors
///
/// Every [`Issue`] found, in list order.
pub fn expectations(scenario: &Scenario, durations: &[Dur]) -> Result<(), Vec<Issue>> {
    let mut c = Checker::default();
    let classes: BTreeSet<&str> = std::iter::once("all")
        .chain(scenario.clients.iter().map(|c| c.name.as_str()))
        .collect();
    for (i, e) in scenario.expect.iter().enumerate() {
        c.expectation(&format!("expect[{i}]"), e, &classes, durations);
    }
    c.finish()
}

/// Check a scenario name: it names the output directory `results/<name>/` and, for
/// shards, `results/<name>.shards/`, so it must be one plain, portable path component.
fn scenario_name(name: &str) -> Result<(), String> {
    let write =
        "write a short name of letters, digits, '-', '_' and '.', e.g. \"bucket-migration\"";
    if name.is_empty() {
        return Err(format!("must not be empty: {write}"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "is {} bytes long; at most {MAX_NAME_BYTES} (it names the output directory): {write}",
            name.len()
        ));
    }
    if let Some(bad) = name.chars().find(|ch| ch.is_control()) {
        return Err(format!("holds the control character {:?}; {write}", bad));
    }
    if let Some(bad) = name.chars().find(|&ch| ch == '/' || ch == '\\') {
        return Err(format!(
            "holds the path separator '{bad}'; the name is one directory, not a path: {write}"
        ));
    }
    if name == "." || name == ".." {
        return Err(format!(
            "\"{name}\" is the current or parent directory, not a name: {write}"
        ));
    }
    if name.ends_with(".shards") {
        return Err(format!(
            "ends in \".shards\", the suffix of the directory where scenario \"{}\"'s shards \
             live: drop the suffix or write e.g. \"{}-shards\"",
            name.trim_end_matches(".shards"),
            name.trim_end_matches(".shards")
        ));
    }
    let safe = |ch: char| ch.is_ascii_alphanumeric() || "-_.".contains(ch);
    if let Some(bad) = name.chars().find(|&ch| !safe(ch)) {
        return Err(format!("holds {bad:?}; {write}"));
    }
    if name.starts_with('.') {
        return Err(format!(
            "starts with '.', which hides the output directory: {write}"
        ));
    }
    Ok(())
}
