//! Check a parsed scenario for meaning: references, ranges and sizes.
//!
//! Every problem is reported with its field path, all at once, so a user fixes a file
//! in one pass. Sizes are bounded here, before anything is allocated.

mod cdn;
mod faults;

pub(crate) use cdn::max_hops;
pub use cdn::{MAX_CACHE_SLOTS, MAX_DISTRIBUTIONS, MAX_EDGE_CAPACITY, MAX_EDGES, MAX_KEYS};
pub use faults::{MAX_ATTEMPTS, MAX_EVENTS, MAX_SERVERS};

use crate::error::Issue;
use crate::schema::*;
use crate::units::Dur;
use s3sim_engine::SimDuration;
use std::collections::BTreeSet;

/// Largest number of clients over all classes (each costs about 32 bytes per replica).
pub const MAX_CLIENTS: u64 = 20_000_000;
/// Largest number of resolvers over all groups.
pub const MAX_RESOLVERS: u64 = 1_000_000;
/// Largest number of buckets.
pub const MAX_BUCKETS: usize = 1_000_000;
/// Largest number of metrics bins (duration / bin).
pub const MAX_BINS: u64 = 100_000;
/// Largest number of replicas.
pub const MAX_REPLICAS: u32 = 10_000;
/// Largest number of endpoint IPs over all facilities.
pub const MAX_IPS: u64 = 10_000_000;
/// Largest number of regions (ids are 16-bit).
pub const MAX_REGIONS: usize = 1_000;
/// Largest number of client classes.
pub const MAX_CLASSES: usize = 1_000;
/// Largest number of resolver groups (ids are 16-bit).
pub const MAX_RESOLVER_GROUPS: usize = 1_000;
/// Largest number of facilities over all regions (ids are 16-bit).
pub const MAX_FACILITIES: usize = 10_000;

/// Check `scenario`; all problems found, or `Ok`.
///
/// ```
/// let mut s = s3sim_scenario::schema::from_ron(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
/// s.clients[0].resolvers = Some("nope".into());
/// let issues = s3sim_scenario::validate::check(&s).unwrap_err();
/// assert!(issues[0].to_string().starts_with("clients[0].resolvers: unknown resolver group \"nope\""));
/// ```
pub fn check(scenario: &Scenario) -> Result<(), Vec<Issue>> {
    let mut c = Checker::default();
    c.top_level(scenario);
    c.regions(scenario);
    c.locations_and_rtt(scenario);
    c.buckets(scenario);
    c.dns(&scenario.dns);
    c.resolvers(&scenario.resolvers);
    c.clients(scenario);
    c.events(scenario);
    c.cdn(scenario);
    if ![302, 307].contains(&scenario.s3.temporary_redirect_code) {
        c.issue(
            "s3.temporary_redirect_code",
            format!(
                "must be 307 or 302, not {}",
                scenario.s3.temporary_redirect_code
            ),
        );
    }
    if c.issues.is_empty() {
        Ok(())
    } else {
        Err(c.issues)
    }
}

#[derive(Default)]
struct Checker {
    issues: Vec<Issue>,
}

fn known(names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        return "none are defined".into();
    }
    names.iter().copied().collect::<Vec<_>>().join(", ")
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    items.collect()
}

impl Checker {
    fn issue(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(Issue::new(path, message));
    }

    fn positive(&mut self, path: &str, d: Dur, what: &str) {
        if d.0 == SimDuration::ZERO {
            self.issue(path, format!("{what} must be > 0"));
        }
    }

    fn unique<'a>(&mut self, path: &str, items: impl Iterator<Item = &'a str>) {
        let mut seen = BTreeSet::new();
        for (i, name) in items.enumerate() {
            if name.is_empty() {
                self.issue(format!("{path}[{i}].name"), "must not be empty");
            } else if !seen.insert(name) {
                self.issue(
                    format!("{path}[{i}].name"),
                    format!("duplicate name \"{name}\""),
                );
            }
        }
    }

    fn reference(&mut self, path: &str, what: &str, name: &str, known_names: &BTreeSet<&str>) {
        if !known_names.contains(name) {
            self.issue(
                path,
                format!("unknown {what} \"{name}\" (known: {})", known(known_names)),
            );
        }
    }

    fn top_level(&mut self, s: &Scenario) {
        let safe = |ch: char| ch.is_ascii_alphanumeric() || "-_.".contains(ch);
        if s.name.is_empty() || !s.name.chars().all(safe) || s.name.starts_with('.') {
            self.issue("name", "must be non-empty and use only letters, digits, '-', '_' and '.' (it names the output directory)");
        }
        self.positive("duration", s.duration, "duration");
        self.positive("bin", s.bin, "bin width");
        if s.bin.0 > SimDuration::ZERO {
            let bins = s.duration.0.as_nanos().div_ceil(s.bin.0.as_nanos());
            if bins > MAX_BINS {
                self.issue(
                    "bin",
                    format!(
                        "{bins} bins of {} in {}; at most {MAX_BINS}: use a wider bin",
                        s.bin, s.duration
                    ),
                );
            }
            if s.bin > s.duration {
                self.issue(
                    "bin",
                    format!(
                        "bin width {} is longer than the duration {}",
                        s.bin, s.duration
                    ),
                );
            }
        }
        if s.replicas == 0 || s.replicas > MAX_REPLICAS {
            self.issue(
                "replicas",
                format!("must be between 1 and {MAX_REPLICAS}, not {}", s.replicas),
            );
        }
    }

    fn regions(&mut self, s: &Scenario) {
        if s.regions.is_empty() {
            self.issue("regions", "at least one region is needed");
        }
        if s.regions.len() > MAX_REGIONS {
            self.issue(
                "regions",
                format!("{} regions; at most {MAX_REGIONS}", s.regions.len()),
            );
            return;
        }
        self.unique("regions", s.regions.iter().map(|r| r.name.as_str()));
        let region_names = names(s.regions.iter().map(|r| r.name.as_str()));
        self.reference("default_region", "region", &s.default_region, &region_names);
        // A region without facilities gets one named after it: those names are taken.
        let mut facility_names: BTreeSet<&str> = s
            .regions
            .iter()
            .filter(|r| r.facilities.is_empty())
            .map(|r| r.name.as_str())
            .collect();
        let mut ips = 0u64;
        for (i, region) in s.regions.iter().enumerate() {
            for (j, f) in region.facilities.iter().enumerate() {
                let path = format!("regions[{i}].facilities[{j}]");
                if !facility_names.insert(f.name.as_str()) {
                    self.issue(
                        format!("{path}.name"),
                        format!(
                            "duplicate facility name \"{}\" (a region without facilities has one named after it)",
                            f.name
                        ),
                    );
                }
                if f.ips == 0 {
                    self.issue(format!("{path}.ips"), "a facility needs at least one IP");
                }
                ips += u64::from(f.ips);
                self.delay(&format!("{path}.service_time"), &f.service_time);
                self.capacity(&path, f);
            }
        }
        let facilities: usize = s.regions.iter().map(|r| r.facilities.len().max(1)).sum();
        if facilities > MAX_FACILITIES {
            self.issue(
                "regions",
                format!("{facilities} facilities in all; at most {MAX_FACILITIES}"),
            );
        }
        if ips > MAX_IPS {
            self.issue(
                "regions",
                format!("{ips} endpoint IPs in all; at most {MAX_IPS}"),
            );
        }
    }

    fn locations_and_rtt(&mut self, s: &Scenario) {
        if s.locations.is_empty() {
            self.issue("locations", "at least one location is needed");
        }
        let mut seen = BTreeSet::new();
        for (i, l) in s.locations.iter().enumerate() {
            if !seen.insert(l.as_str()) {
                self.issue(
                    format!("locations[{i}]"),
                    format!("duplicate location \"{l}\""),
                );
            }
        }
        let regions = names(s.regions.iter().map(|r| r.name.as_str()));
        for (i, l) in s.locations.iter().enumerate() {
            if regions.contains(l.as_str()) {
                let message = format!("\"{l}\" is a region name; regions are places already");
                self.issue(format!("locations[{i}]"), message);
            }
        }
        let places: BTreeSet<&str> = seen.union(&regions).copied().collect();
        for (i, pair) in s.rtt.pairs.iter().enumerate() {
            let path = format!("rtt.pairs[{i}].from");
            self.reference(&path, "location or region", &pair.from, &places);
            self.reference(&format!("rtt.pairs[{i}].to"), "region", &pair.to, &regions);
        }
    }

    fn buckets(&mut self, s: &Scenario) {
        if s.buckets.len() > MAX_BUCKETS {
            self.issue(
                "buckets",
                format!("{} buckets; at most {MAX_BUCKETS}", s.buckets.len()),
            );
            return;
        }
        if s.buckets.is_empty() {
            self.issue("buckets", "at least one bucket is needed");
        }
        self.unique("buckets", s.buckets.iter().map(|b| b.name.as_str()));
        let regions = names(s.regions.iter().map(|r| r.name.as_str()));
        for (i, b) in s.buckets.iter().enumerate() {
            self.reference(
                &format!("buckets[{i}].region"),
                "region",
                &b.region,
                &regions,
            );
            if let (Some(c), Some(d)) = (b.created_at, b.deleted_at)
                && d <= c
            {
                self.issue(
                    format!("buckets[{i}].deleted_at"),
                    format!("{d} is not after created_at {c}"),
                );
            }
            if b.location_constraint == Some(true) && b.region == s.default_region {
                self.issue(
                    format!("buckets[{i}].location_constraint"),
                    format!("a bucket in the default region {} is created without a location constraint", s.default_region),
                );
            }
        }
    }

    fn dns(&mut self, dns: &DnsSpec) {
        self.positive("dns.record_ttl", dns.record_ttl, "record TTL");
        self.positive(
            "dns.propagation_cap",
            dns.propagation_cap,
            "propagation cap",
        );
        self.delay("dns.propagation", &dns.propagation);
    }

    fn delay(&mut self, path: &str, delay: &DelaySpec) {
        match delay {
            DelaySpec::Fixed(_) => {}
            DelaySpec::Uniform { low, high } if high < low => {
                self.issue(path, format!("uniform high {high} is below low {low}"));
            }
            DelaySpec::Uniform { .. } => {}
            DelaySpec::Exponential { mean } => self.positive(path, *mean, "exponential mean"),
            DelaySpec::LogNormal { median, sigma } => {
                self.positive(path, *median, "log_normal median");
                if !(sigma.is_finite() && *sigma >= 0.0 && *sigma <= 10.0) {
                    self.issue(
                        path,
                        format!("log_normal sigma must be between 0 and 10, not {sigma}"),
                    );
                }
            }
            DelaySpec::Quantiles(points) => self.quantiles(path, points),
        }
    }

    fn quantiles(&mut self, path: &str, points: &[(f64, Dur)]) {
        if points.len() < 2 {
            self.issue(
                path,
                "quantiles need at least two (probability, delay) points",
            );
            return;
        }
        if points[0].0 != 0.0 || points[points.len() - 1].0 != 1.0 {
            self.issue(
                path,
                "quantiles must start at probability 0.0 and end at 1.0",
            );
        }
        for (i, w) in points.windows(2).enumerate() {
            if w[1].0.partial_cmp(&w[0].0) != Some(std::cmp::Ordering::Greater) {
                self.issue(
                    format!("{path}[{}]", i + 1),
                    format!("probability {} does not rise above {}", w[1].0, w[0].0),
                );
            }
            if w[1].1 < w[0].1 {
                self.issue(
                    format!("{path}[{}]", i + 1),
                    format!("delay {} is below the previous {}", w[1].1, w[0].1),
                );
            }
        }
    }

    fn resolvers(&mut self, groups: &[ResolverSpec]) {
        if groups.is_empty() {
            self.issue("resolvers", "at least one resolver group is needed");
        }
        if groups.len() > MAX_RESOLVER_GROUPS {
            self.issue(
                "resolvers",
                format!("{} groups; at most {MAX_RESOLVER_GROUPS}", groups.len()),
            );
        }
        self.unique("resolvers", groups.iter().map(|r| r.name.as_str()));
        let total: u64 = groups.iter().map(|r| u64::from(r.count)).sum();
        if total > MAX_RESOLVERS {
            self.issue(
                "resolvers",
                format!("{total} resolvers in all; at most {MAX_RESOLVERS}"),
            );
        }
        for (i, r) in groups.iter().enumerate() {
            let path = format!("resolvers[{i}]");
            if r.count == 0 {
                self.issue(format!("{path}.count"), "must be > 0");
            }
            if r.max_ttl < r.min_ttl {
                self.issue(
                    format!("{path}.max_ttl"),
                    format!("{} is below min_ttl {}", r.max_ttl, r.min_ttl),
                );
            }
        }
    }

    fn clients(&mut self, s: &Scenario) {
        if s.clients.is_empty() {
            self.issue("clients", "at least one client class is needed");
        }
        if s.clients.len() > MAX_CLASSES {
            self.issue(
                "clients",
                format!("{} classes; at most {MAX_CLASSES}", s.clients.len()),
            );
            return;
        }
        self.unique("clients", s.clients.iter().map(|c| c.name.as_str()));
        let total: u128 = s.clients.iter().map(|c| u128::from(c.count)).sum();
        if total > u128::from(MAX_CLIENTS) {
            self.issue(
                "clients",
                format!(
                    "{total} clients in all; at most {MAX_CLIENTS} (each keeps its own caches)"
                ),
            );
        }
        for (i, client) in s.clients.iter().enumerate() {
            self.client(&format!("clients[{i}]"), client, s);
        }
    }

    fn client(&mut self, path: &str, c: &ClientSpec, s: &Scenario) {
        if c.count == 0 {
            self.issue(format!("{path}.count"), "must be > 0");
        }
        let places = names(
            s.locations
                .iter()
                .map(String::as_str)
                .chain(s.regions.iter().map(|r| r.name.as_str())),
        );
        if let Some(l) = &c.location {
            self.reference(
                &format!("{path}.location"),
                "location or region",
                l,
                &places,
            );
        }
        let groups = names(s.resolvers.iter().map(|r| r.name.as_str()));
        if let Some(g) = &c.resolvers {
            self.reference(&format!("{path}.resolvers"), "resolver group", g, &groups);
        }
        let buckets = names(s.buckets.iter().map(|b| b.name.as_str()));
        for (j, b) in c.buckets.iter().enumerate() {
            self.reference(&format!("{path}.buckets[{j}]"), "bucket", b, &buckets);
        }
        if let PopularitySpec::Zipf(exponent) = c.popularity
            && !(exponent.is_finite() && exponent > 0.0)
        {
            self.issue(
                format!("{path}.popularity"),
                format!("zipf exponent must be > 0, not {exponent}"),
            );
        }
        match &c.arrivals {
            ArrivalsSpec::Poisson(rate)
                if !(rate.per_sec().is_finite() && rate.per_sec() > 0.0) =>
            {
                self.issue(
                    format!("{path}.arrivals"),
                    format!("poisson rate must be > 0, not {rate}"),
                );
            }
            ArrivalsSpec::Periodic(every) => {
                self.positive(&format!("{path}.arrivals"), *every, "periodic interval")
            }
            ArrivalsSpec::PoissonRamp { from, to } => {
                let ok = |r: &crate::units::Rate| r.per_sec().is_finite() && r.per_sec() >= 0.0;
                if !(ok(from) && ok(to) && from.per_sec().max(to.per_sec()) > 0.0) {
                    self.issue(
                        format!("{path}.arrivals"),
                        format!("ramp rates must be >= 0 and not both 0, not {from} to {to}"),
                    );
                }
            }
            ArrivalsSpec::Poisson(_) => {}
        }
        self.window(path, c, s.duration);
        if let LifetimeSpec::RestartEvery(period) = c.lifetime {
            self.positive(&format!("{path}.lifetime"), period, "restart period");
        }
        match c.dns {
            DnsCacheSpec::Fixed(ttl) => self.positive(&format!("{path}.dns"), ttl, "fixed ttl"),
            DnsCacheSpec::AtLeast(ttl) => {
                self.positive(&format!("{path}.dns"), ttl, "at_least ttl")
            }
            _ => {}
        }
        self.redirects(&format!("{path}.redirects"), &c.redirects);
        self.retry(path, c);
    }

    fn window(&mut self, path: &str, c: &ClientSpec, duration: Dur) {
        let stop = c.stop.unwrap_or(duration);
        if c.start >= stop {
            self.issue(
                format!("{path}.start"),
                format!("start {} is not before stop {stop}", c.start),
            );
        }
        if stop > duration {
            self.issue(
                format!("{path}.stop"),
                format!("stop {stop} is after the end of the run {duration}"),
            );
        }
    }

    fn redirects(&mut self, path: &str, r: &RedirectSpec) {
        let hops = |c: &mut Self, max_hops: u8| {
            if max_hops == 0 || max_hops > 50 {
                c.issue(
                    format!("{path}.max_hops"),
                    format!("must be between 1 and 50, not {max_hops}"),
                );
            }
        };
        match r {
            RedirectSpec::FollowLocation { codes, max_hops } => {
                hops(self, *max_hops);
                if codes.is_empty() {
                    self.issue(
                        format!("{path}.codes"),
                        "list at least one code (or use `none`)",
                    );
                }
                for (i, code) in codes.iter().enumerate() {
                    if ![301, 302, 307].contains(code) {
                        self.issue(
                            format!("{path}.codes[{i}]"),
                            format!("{code} is not a redirect S3 sends (301, 302, 307)"),
                        );
                    }
                }
            }
            RedirectSpec::Sticky { max_hops } => hops(self, *max_hops),
            RedirectSpec::SdkRegion {
                cache: RegionCacheSpec::Ttl(ttl),
            } => {
                self.positive(&format!("{path}.cache"), *ttl, "region cache ttl");
            }
            RedirectSpec::None | RedirectSpec::SdkRegion { .. } => {}
        }
    }
}

/// Check the `expect` list against the scenario and its number of sweep points.
///
/// ```
/// let text = s3sim_scenario::DEFAULT_SCENARIO
///     .replace("mean_above(metric: \"redirect_rate\"", "mean_above(metric: \"redirect_rat\"");
/// let err = s3sim_scenario::parse(&text, "e.ron").unwrap_err().to_string();
/// assert!(err.contains("expect[0].metric: unknown metric \"redirect_rat\""), "{err}");
/// ```
pub fn expectations(scenario: &Scenario, points: usize) -> Result<(), Vec<Issue>> {
    let mut c = Checker::default();
    let classes: BTreeSet<&str> = std::iter::once("all")
        .chain(scenario.clients.iter().map(|c| c.name.as_str()))
        .collect();
    for (i, e) in scenario.expect.iter().enumerate() {
        c.expectation(&format!("expect[{i}]"), e, &classes, points);
    }
    if c.issues.is_empty() {
        Ok(())
    } else {
        Err(c.issues)
    }
}

impl Checker {
    fn expectation(
        &mut self,
        path: &str,
        e: &Expectation,
        classes: &BTreeSet<&str>,
        points: usize,
    ) {
        let (metric, class, window, point) = match e {
            Expectation::MeanBelow {
                metric,
                class,
                from,
                to,
                point,
                ..
            }
            | Expectation::MeanAbove {
                metric,
                class,
                from,
                to,
                point,
                ..
            } => (metric, class, (*from, *to), *point),
            Expectation::SettlesBelow {
                metric,
                class,
                point,
                ..
            }
            | Expectation::TotalBetween {
                metric,
                class,
                point,
                ..
            } => (metric, class, (None, None), *point),
            Expectation::PointLess {
                metric,
                class,
                from,
                to,
                lower,
                higher,
            } => {
                for (name, p) in [("lower", *lower), ("higher", *higher)] {
                    self.point(&format!("{path}.{name}"), p, points);
                }
                if lower == higher {
                    self.issue(format!("{path}.higher"), "compare two different points");
                }
                (metric, class, (*from, *to), None)
            }
        };
        self.metric(&format!("{path}.metric"), metric);
        self.reference(&format!("{path}.class"), "class", class, classes);
        if let (Some(from), Some(to)) = window
            && to <= from
        {
            self.issue(
                format!("{path}.to"),
                format!("window end {to} is not after its start {from}"),
            );
        }
        if let Some(p) = point {
            self.point(&format!("{path}.point"), p, points);
        }
        self.bounds(path, e);
    }

    fn metric(&mut self, path: &str, name: &str) {
        use s3sim_model::metrics::Metric;
        match Metric::from_name(name) {
            Some(Metric::LatencyP50 | Metric::LatencyP99) => {
                self.issue(
                    path,
                    format!(
                        "\"{name}\" is a per-bin quantile; expectations take counters and rates"
                    ),
                );
            }
            Some(_) => {}
            None => {
                let known: Vec<String> = Metric::all()
                    .filter(|m| !matches!(m, Metric::LatencyP50 | Metric::LatencyP99))
                    .map(|m| m.name())
                    .collect();
                self.issue(
                    path,
                    format!("unknown metric \"{name}\" (known: {})", known.join(", ")),
                );
            }
        }
    }

    fn point(&mut self, path: &str, point: usize, points: usize) {
        if point >= points {
            self.issue(
                path,
                format!("point {point} does not exist (the sweep has {points} point(s), from 0)"),
            );
        }
    }

    fn bounds(&mut self, path: &str, e: &Expectation) {
        let values: Vec<(&str, f64)> = match e {
            Expectation::MeanBelow { max, .. } => vec![("max", *max)],
            Expectation::MeanAbove { min, .. } => vec![("min", *min)],
            Expectation::SettlesBelow { threshold, .. } => vec![("threshold", *threshold)],
            Expectation::TotalBetween { min, max, .. } => {
                if max < min {
                    self.issue(format!("{path}.max"), format!("{max} is below min {min}"));
                }
                vec![("min", *min), ("max", *max)]
            }
            Expectation::PointLess { .. } => vec![],
        };
        for (name, v) in values {
            if !v.is_finite() {
                self.issue(
                    format!("{path}.{name}"),
                    format!("must be a finite number, not {v}"),
                );
            }
        }
    }
}
