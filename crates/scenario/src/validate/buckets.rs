//! Check buckets, their objects and websites, the keys clients ask for, and the S3
//! redirect codes.

use super::checker::{Checker, names};
use super::limits::{MAX_ALIAS_ENTRIES, MAX_BUCKETS, MAX_KEYS};
use crate::schema::{PopularitySpec, S3Spec, Scenario, WebsiteSpec};
use std::collections::{BTreeMap, BTreeSet};

/// Redirect codes a routing rule may use in s3sim (the statuses it models).
const WEBSITE_CODES: [u16; 3] = [301, 302, 307];

impl Checker {
    pub(crate) fn buckets(&mut self, s: &Scenario) {
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
            if let (Some(c), Some(d)) = (
                b.created_at,
                b.deleted_at.filter(|&d| Some(d) <= b.created_at),
            ) {
                self.issue(
                    format!("buckets[{i}].deleted_at"),
                    format!("{d} is not after created_at {c}"),
                );
            }
            // Like a timed event, a bucket's creation or deletion must happen within the run.
            for (field, at) in [("created_at", b.created_at), ("deleted_at", b.deleted_at)] {
                if let Some(at) = at.filter(|&at| at >= s.duration) {
                    self.issue(
                        format!("buckets[{i}].{field}"),
                        format!(
                            "{at} is not before the end of the run {}: write a time before it, \
                             or leave {field} out",
                            s.duration
                        ),
                    );
                }
            }
            if b.location_constraint == Some(true) && b.region == s.default_region {
                self.issue(
                    format!("buckets[{i}].location_constraint"),
                    format!("a bucket in the default region {} is created without a location constraint", s.default_region),
                );
            }
        }
    }

    /// Refuse Zipf popularities whose alias tables would take more than
    /// [`MAX_ALIAS_ENTRIES`]: the model builds one table per distinct (number of
    /// choices, exponent), an entry per choice, over the classes' buckets and each
    /// listed bucket's objects (an upper bound: listed keys count too).
    fn alias_tables(&mut self, s: &Scenario) {
        let held: BTreeMap<&str, u64> = s
            .buckets
            .iter()
            .map(|b| (b.name.as_str(), u64::from(b.objects) + b.keys.len() as u64))
            .collect();
        let mut tables = BTreeSet::new();
        for c in &s.clients {
            if let PopularitySpec::Zipf(e) = c.popularity {
                tables.insert((c.buckets.len() as u64, e.to_bits()));
            }
            if let PopularitySpec::Zipf(e) = c.key_popularity {
                for b in &c.buckets {
                    let n = held.get(b.as_str()).copied().unwrap_or(0);
                    tables.insert((n, e.to_bits()));
                }
            }
        }
        let entries: u64 = tables.iter().map(|&(n, _)| n).sum();
        if entries > MAX_ALIAS_ENTRIES {
            let exponents: BTreeSet<u64> = tables.iter().map(|&(_, e)| e).collect();
            self.issue(
                "clients",
                format!(
                    "Zipf popularity with {} distinct exponents needs {entries} alias-table entries (one per bucket or object, per distinct exponent and size); at most {MAX_ALIAS_ENTRIES}: give the classes fewer distinct popularity exponents, or the buckets fewer objects",
                    exponents.len()
                ),
            );
        }
    }

    /// Check bucket objects, websites and client keys; returns the number of keys
    /// (an upper bound: objects, requested keys, and what website chains can reach).
    pub(crate) fn objects(&mut self, s: &Scenario) -> u64 {
        let mut total = 0u64;
        let hops = s.max_hops();
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
        self.alias_tables(s);
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

    pub(crate) fn temporary_redirect(&mut self, s3: &S3Spec) {
        if ![302, 307].contains(&s3.temporary_redirect_code) {
            self.issue(
                "s3.temporary_redirect_code",
                format!("must be 307 or 302, not {}", s3.temporary_redirect_code),
            );
        }
    }
}
