//! Check client populations and their policies: references, arrivals, the active
//! window, DNS caching, redirects and retries.

use super::checker::{Checker, names};
use super::limits::{ATTEMPT_DELAY_MS, MAX_ATTEMPTS, MAX_CLASSES, MAX_CLIENTS, MAX_METHOD_WEIGHT};
use crate::schema::{
    AddressingSpec, ArrivalsSpec, ClientSpec, DnsCacheSpec, IpFamilySpec, IpSpec, LifetimeSpec,
    MethodsSpec, PopularitySpec, QueryTypesSpec, QuotaSpec, RedirectSpec, RegionCacheSpec,
    Scenario,
};
use crate::units::{Dur, Rate};

impl Checker {
    pub(crate) fn clients(&mut self, s: &Scenario) {
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
        self.arrivals(&format!("{path}.arrivals"), &c.arrivals);
        self.window(path, c, s.duration);
        if let LifetimeSpec::RestartEvery(period) = c.lifetime {
            self.positive(&format!("{path}.lifetime"), period, "restart period");
        }
        match c.dns {
            DnsCacheSpec::Fixed(ttl) => self.positive(&format!("{path}.dns"), ttl, "fixed ttl"),
            DnsCacheSpec::AtLeast(ttl) => {
                self.positive(&format!("{path}.dns"), ttl, "at_least ttl")
            }
            DnsCacheSpec::None
            | DnsCacheSpec::HonorTtl
            | DnsCacheSpec::Forever
            | DnsCacheSpec::UntilRestart => {}
        }
        self.redirects(&format!("{path}.redirects"), &c.redirects);
        self.retry(path, c);
        if let Some(r) = &c.region {
            let regions = names(s.regions.iter().map(|r| r.name.as_str()));
            self.reference(&format!("{path}.region"), "region", r, &regions);
        }
        if let Some(m) = &c.methods {
            self.methods(&format!("{path}.methods"), m);
        }
        if let Some(stub) = &c.stub_resolver {
            self.stub_resolver(&format!("{path}.stub_resolver"), stub);
        }
        if let Some(ip) = &c.ip {
            self.ip(&format!("{path}.ip"), ip, c);
        }
    }

    /// A dual-stack dialling policy needs a dual-stack name, and IPv6 needs the AAAA
    /// answer from the stub resolver (docs/domain.md §3).
    fn ip(&mut self, path: &str, ip: &IpSpec, c: &ClientSpec) {
        if !matches!(
            c.addressing,
            AddressingSpec::VirtualDualstack | AddressingSpec::PathDualstack
        ) {
            self.issue(
                path,
                "only a dual-stack name has AAAA records: write `addressing: virtual_dualstack` \
                 (or `path_dualstack`), or remove `ip`",
            );
        }
        let aaaa = c
            .stub_resolver
            .as_ref()
            .is_some_and(|s| s.queries == QueryTypesSpec::AAndAaaa);
        let family = match ip.family {
            IpFamilySpec::Ipv4Only => None,
            IpFamilySpec::Ipv6Only => Some("ipv6_only"),
            IpFamilySpec::HappyEyeballs => Some("happy_eyeballs"),
        };
        if let Some(family) = family.filter(|_| !aaaa) {
            self.issue(
                format!("{path}.family"),
                format!(
                    "`{family}` needs the AAAA answer, but this class's stub resolver asks \
                     for A only: add `stub_resolver: (queries: a_and_aaaa)` to the class, \
                     or write `family: ipv4_only`"
                ),
            );
        }
        let (low, high) = ATTEMPT_DELAY_MS;
        let (lo, hi) = (Dur::millis(low), Dur::millis(high));
        if ip.attempt_delay < lo || ip.attempt_delay > hi {
            self.issue(
                format!("{path}.attempt_delay"),
                format!(
                    "must be between {lo} and {hi} (RFC 8305 §5), not {}; the \
                     recommended value is \"250ms\"",
                    ip.attempt_delay
                ),
            );
        }
    }

    fn methods(&mut self, path: &str, m: &MethodsSpec) {
        for (name, w) in [("get", m.get), ("head", m.head), ("put", m.put)] {
            if !(w.is_finite() && (0.0..=MAX_METHOD_WEIGHT).contains(&w)) {
                self.issue(
                    format!("{path}.{name}"),
                    format!("weight must be within 0 to {MAX_METHOD_WEIGHT}, not {w}"),
                );
            }
        }
        if [m.get, m.head, m.put]
            .iter()
            .all(|&w| w <= 0.0 || w.is_nan())
        {
            self.issue(
                path,
                "every weight is 0: give at least one method a positive weight, e.g. `(get: 1)`",
            );
        }
    }

    fn arrivals(&mut self, path: &str, arrivals: &ArrivalsSpec) {
        match arrivals {
            ArrivalsSpec::Poisson(rate)
                if !(rate.per_sec().is_finite() && rate.per_sec() > 0.0) =>
            {
                self.issue(path, format!("poisson rate must be > 0, not {rate}"));
            }
            ArrivalsSpec::Periodic(every) => self.positive(path, *every, "periodic interval"),
            ArrivalsSpec::PoissonRamp { from, to } => {
                let ok = |r: &Rate| r.per_sec().is_finite() && r.per_sec() >= 0.0;
                if !(ok(from) && ok(to) && from.per_sec().max(to.per_sec()) > 0.0) {
                    self.issue(
                        path,
                        format!("ramp rates must be >= 0 and not both 0, not {from} to {to}"),
                    );
                }
            }
            ArrivalsSpec::Poisson(_) => {}
        }
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

    fn retry(&mut self, path: &str, c: &ClientSpec) {
        self.positive(
            &format!("{path}.connect_timeout"),
            c.connect_timeout,
            "connect timeout",
        );
        let Some(r) = &c.retry else { return };
        let path = format!("{path}.retry");
        if r.max_attempts == 0 || r.max_attempts > MAX_ATTEMPTS {
            self.issue(
                format!("{path}.max_attempts"),
                format!(
                    "must be between 1 and {MAX_ATTEMPTS} (the first try included), not {}",
                    r.max_attempts
                ),
            );
        }
        self.positive(&format!("{path}.base"), r.base, "backoff base");
        if r.cap < r.base {
            self.issue(
                format!("{path}.cap"),
                format!("{} is below base {}", r.cap, r.base),
            );
        }
        if let Some(q) = &r.quota {
            self.quota(&format!("{path}.quota"), q);
        }
    }

    fn quota(&mut self, path: &str, q: &QuotaSpec) {
        if q.capacity == 0 {
            self.issue(format!("{path}.capacity"), "must be > 0");
        }
        for (name, cost) in [
            ("retry_cost", q.retry_cost),
            ("timeout_cost", q.timeout_cost),
        ] {
            if cost == 0 || cost > q.capacity {
                self.issue(
                    format!("{path}.{name}"),
                    format!("must be between 1 and capacity {}, not {cost}", q.capacity),
                );
            }
        }
    }
}
