//! Check the CDN, object and website fields: edges, distributions, keys, routing rules,
//! invalidation paths.

use super::{Checker, names};
use crate::schema::*;
use s3sim_model::cdn::invalidation::PathPattern;
use std::collections::BTreeSet;

/// Largest number of object keys over all buckets and clients.
pub const MAX_KEYS: u64 = 1_000_000;
/// Largest edge cache, in objects.
pub const MAX_EDGE_CAPACITY: u32 = 10_000_000;
/// Largest number of edge locations (ids are 16-bit).
pub const MAX_EDGES: usize = 10_000;
/// Largest number of distributions (ids are 16-bit).
pub const MAX_DISTRIBUTIONS: usize = 10_000;
/// Largest number of cache slots (edges × distributions × keys), each ~40 bytes.
pub const MAX_CACHE_SLOTS: u64 = 50_000_000;

/// The most redirects any client follows: how deep website chains are interned.
pub(crate) fn max_hops(s: &Scenario) -> u8 {
    s.clients
        .iter()
        .map(|c| match c.redirects {
            RedirectSpec::FollowLocation { max_hops, .. } | RedirectSpec::Sticky { max_hops } => {
                max_hops
            }
            _ => 1,
        })
        .max()
        .unwrap_or(1)
}

/// Redirect codes a routing rule may use in s3sim (the statuses it models).
const WEBSITE_CODES: [u16; 3] = [301, 302, 307];

impl Checker {
    pub(super) fn cdn(&mut self, s: &Scenario) {
        let keys = self.keys(s);
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

    /// Check bucket objects, websites and client keys; returns the number of keys.
    fn keys(&mut self, s: &Scenario) -> u64 {
        let mut total = 0u64;
        let hops = max_hops(s);
        let requested: u64 = s.clients.iter().map(|c| c.keys.len() as u64).sum();
        for (i, b) in s.buckets.iter().enumerate() {
            let path = format!("buckets[{i}]");
            // A bucket naming no object holds index.html.
            let own = (u64::from(b.objects) + b.keys.len() as u64).max(1);
            total += own;
            if b.website.is_some() {
                // Each key a website chain starts from can lead to one new key per hop.
                total = total.saturating_add((own + requested) * u64::from(hops));
            }
            for (j, key) in b.keys.iter().enumerate() {
                self.key(&format!("{path}.keys[{j}]"), key);
            }
            if let Some(w) = &b.website {
                self.website(&format!("{path}.website"), w);
            }
        }
        for (i, c) in s.clients.iter().enumerate() {
            total += c.keys.len() as u64;
            for (j, key) in c.keys.iter().enumerate() {
                self.key(&format!("clients[{i}].keys[{j}]"), key);
            }
            if let PopularitySpec::Zipf(e) = c.key_popularity
                && !(e.is_finite() && e > 0.0)
            {
                self.issue(
                    format!("clients[{i}].key_popularity"),
                    format!("zipf exponent must be > 0, not {e}"),
                );
            }
        }
        if total > MAX_KEYS {
            self.issue(
                "buckets",
                format!(
                    "up to {total} object keys in all (objects, requested keys, and the keys website redirect chains can reach in max_hops); at most {MAX_KEYS}"
                ),
            );
        }
        if !WEBSITE_CODES.contains(&s.s3.website_redirect_code) {
            self.issue(
                "s3.website_redirect_code",
                format!(
                    "must be 301, 302 or 307, not {}",
                    s.s3.website_redirect_code
                ),
            );
        }
        total
    }

    fn key(&mut self, path: &str, key: &str) {
        if key.starts_with('/') {
            self.issue(path, format!("\"{key}\": keys have no leading '/'"));
        }
    }

    fn website(&mut self, path: &str, w: &WebsiteSpec) {
        if w.index_document.is_empty() || w.index_document.contains('/') {
            self.issue(
                format!("{path}.index_document"),
                "must be a non-empty name without '/'",
            );
        }
        let rules = format!("{path}.routing_rules");
        // Redirect codes get s3sim's own, narrower check below.
        let problems = s3sim_model::website::validate(&w.routing_rules);
        for problem in problems
            .iter()
            .filter(|p| !p.path.ends_with(".http_redirect_code"))
        {
            self.issue(format!("{rules}{}", problem.path), problem.message.clone());
        }
        for (i, rule) in w.routing_rules.iter().enumerate() {
            if let Some(code) = rule.redirect.http_redirect_code
                && !WEBSITE_CODES.contains(&code)
            {
                self.issue(
                    format!("{rules}[{i}].redirect.http_redirect_code"),
                    format!("s3sim models 301, 302 and 307, not {code}"),
                );
            }
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

    pub(super) fn invalidation(
        &mut self,
        path: &str,
        s: &Scenario,
        distribution: &str,
        paths: &[String],
    ) {
        let what = format!("{path}.distribution");
        match &s.cdn {
            None => self.issue(&what, "there is no `cdn` section"),
            Some(cdn) => {
                let known: BTreeSet<&str> =
                    cdn.distributions.iter().map(|d| d.name.as_str()).collect();
                self.reference(&what, "distribution", distribution, &known);
            }
        }
        if paths.is_empty() {
            self.issue(format!("{path}.paths"), "list at least one path");
        }
        for (j, p) in paths.iter().enumerate() {
            if let Err(e) = PathPattern::parse(p) {
                self.issue(format!("{path}.paths[{j}]"), format!("\"{p}\": {e}"));
            }
        }
    }
}
