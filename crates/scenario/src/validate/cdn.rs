//! Check the CDN: edges, distributions, viewers and the size of the edge caches.

use super::checker::{Checker, names};
use super::limits::{MAX_CACHE_SLOTS, MAX_DISTRIBUTIONS, MAX_EDGE_CAPACITY, MAX_EDGES};
use crate::schema::{
    CachePolicySpec, CdnSpec, DistributionSpec, HostHeaderSpec, OriginSpec, Scenario,
};

impl Checker {
    /// Check the `cdn` section and the viewers; `keys` is the key count
    /// [`Checker::objects`] found, which sizes every edge cache.
    pub(crate) fn cdn(&mut self, s: &Scenario, keys: u64) {
        let Some(cdn) = &s.cdn else {
            for (i, c) in s.clients.iter().enumerate() {
                if c.cdn.is_some() {
                    self.issue(format!("clients[{i}].cdn"), "there is no `cdn` section");
                }
            }
            return;
        };
        self.edges(s, cdn);
        self.distributions(s, cdn);
        self.delay("cdn.invalidation_delay", &cdn.invalidation_delay);
        let slots = cdn.edges.len() as u64 * cdn.distributions.len() as u64 * keys;
        if slots > MAX_CACHE_SLOTS {
            self.issue(
                "cdn",
                format!(
                    "{} edges × {} distributions × {keys} keys = {slots} cache slots; at most {MAX_CACHE_SLOTS}",
                    cdn.edges.len(),
                    cdn.distributions.len()
                ),
            );
        }
    }

    fn edges(&mut self, s: &Scenario, cdn: &CdnSpec) {
        if cdn.edges.is_empty() {
            self.issue("cdn.edges", "at least one edge location is needed");
        }
        if cdn.edges.len() > MAX_EDGES {
            let message = format!("{} edges; at most {MAX_EDGES}", cdn.edges.len());
            self.issue("cdn.edges", message);
            return;
        }
        self.unique("cdn.edges", cdn.edges.iter().map(|e| e.name.as_str()));
        let regions = names(s.regions.iter().map(|r| r.name.as_str()));
        let groups = names(s.resolvers.iter().map(|r| r.name.as_str()));
        for (i, e) in cdn.edges.iter().enumerate() {
            let path = format!("cdn.edges[{i}]");
            self.reference(&format!("{path}.region"), "region", &e.region, &regions);
            if let Some(g) = &e.resolvers {
                self.reference(&format!("{path}.resolvers"), "resolver group", g, &groups);
            }
            if e.capacity > MAX_EDGE_CAPACITY {
                self.issue(
                    format!("{path}.capacity"),
                    format!("{} objects; at most {MAX_EDGE_CAPACITY}", e.capacity),
                );
            }
        }
    }

    fn distributions(&mut self, s: &Scenario, cdn: &CdnSpec) {
        if cdn.distributions.is_empty() {
            self.issue("cdn.distributions", "at least one distribution is needed");
        }
        if cdn.distributions.len() > MAX_DISTRIBUTIONS {
            let n = cdn.distributions.len();
            let message = format!("{n} distributions; at most {MAX_DISTRIBUTIONS}");
            self.issue("cdn.distributions", message);
            return;
        }
        let list = cdn.distributions.iter().map(|d| d.name.as_str());
        self.unique("cdn.distributions", list);
        let buckets = names(s.buckets.iter().map(|b| b.name.as_str()));
        for (i, d) in cdn.distributions.iter().enumerate() {
            let path = format!("cdn.distributions[{i}]");
            self.reference(&format!("{path}.bucket"), "bucket", &d.bucket, &buckets);
            let bucket = s.buckets.iter().find(|b| b.name == d.bucket);
            if d.origin == OriginSpec::Website && bucket.is_some_and(|b| b.website.is_none()) {
                self.issue(
                    format!("{path}.origin"),
                    format!("bucket \"{}\" has no `website` configuration", d.bucket),
                );
            }
            self.cache_policy(&format!("{path}.cache"), &d.cache);
            self.host_forwarding(&path, d);
        }
        let mut owners = std::collections::BTreeMap::new();
        for (i, d) in cdn.distributions.iter().enumerate() {
            for (j, alias) in d.aliases.iter().enumerate() {
                if let Some(first) = owners.insert(alias.as_str(), &d.name) {
                    self.issue(
                        format!("cdn.distributions[{i}].aliases[{j}]"),
                        format!(
                            "\"{alias}\" is already an alias of distribution \"{first}\"; \
                             CloudFront lets one distribution claim a name: remove one"
                        ),
                    );
                }
            }
        }
        let known = names(cdn.distributions.iter().map(|d| d.name.as_str()));
        for (i, c) in s.clients.iter().enumerate() {
            let Some(name) = &c.cdn else { continue };
            self.reference(&format!("clients[{i}].cdn"), "distribution", name, &known);
            let origin = cdn.distributions.iter().find(|d| &d.name == name);
            if let Some(d) = origin
                && c.buckets.iter().any(|b| b != &d.bucket)
            {
                self.issue(
                    format!("clients[{i}].buckets"),
                    format!(
                        "viewers of \"{name}\" can only ask for its bucket \"{}\"",
                        d.bucket
                    ),
                );
            }
        }
    }

    /// Check a distribution's `host_header` and `aliases`: an alias is a bare host name,
    /// and `viewer` forwarding only changes anything for a website origin.
    fn host_forwarding(&mut self, path: &str, d: &DistributionSpec) {
        for (j, alias) in d.aliases.iter().enumerate() {
            let bare = !alias.is_empty()
                && alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            if !bare {
                self.issue(
                    format!("{path}.aliases[{j}]"),
                    format!(
                        "{alias:?} is not a host name: write the bare name, e.g. \
                         \"blog.example.com\" (letters, digits, '-' and '.'; no scheme, \
                         port or path)"
                    ),
                );
            }
        }
        if d.host_header == HostHeaderSpec::Viewer && d.origin != OriginSpec::Website {
            self.issue(
                format!("{path}.host_header"),
                "`viewer` only changes where a website routing-rule redirect points; \
                 with this origin S3 answers the same: use `origin: website` or drop \
                 `host_header`",
            );
        }
    }

    fn cache_policy(&mut self, path: &str, c: &CachePolicySpec) {
        if c.default_ttl < c.min_ttl {
            self.issue(
                format!("{path}.default_ttl"),
                format!("{} is below min_ttl {}", c.default_ttl, c.min_ttl),
            );
        }
        if c.max_ttl < c.default_ttl {
            self.issue(
                format!("{path}.max_ttl"),
                format!("{} is below default_ttl {}", c.max_ttl, c.default_ttl),
            );
        }
    }
}
