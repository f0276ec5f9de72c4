//! Check `s3.rate_limits` and every bucket's `prefixes`.

use super::checker::Checker;
use super::limits::{MAX_BURST_SECS, MAX_PREFIX_RATE, MAX_PREFIXES};
use crate::schema::Scenario;
use crate::units::Dur;
use std::collections::BTreeSet;

impl Checker {
    pub(crate) fn rate_limits(&mut self, s: &Scenario) {
        let limits = &s.s3.rate_limits;
        for (field, rate) in [("reads", limits.reads), ("writes", limits.writes)] {
            let per_sec = rate.per_sec();
            if !(per_sec > 0.0 && per_sec <= MAX_PREFIX_RATE) {
                self.issue(
                    format!("s3.rate_limits.{field}"),
                    format!("{rate} per prefix: must be above 0 and at most {MAX_PREFIX_RATE}/s"),
                );
            }
        }
        self.positive("s3.rate_limits.burst", limits.burst, "burst");
        let longest = Dur::secs(MAX_BURST_SECS);
        if limits.burst > longest {
            self.issue(
                "s3.rate_limits.burst",
                format!("{}: at most {longest}", limits.burst),
            );
        }
        self.positive(
            "s3.rate_limits.split_after",
            limits.split_after,
            "split_after",
        );
        self.prefixes(s);
    }

    /// Each bucket's prefixes: non-empty keys without a leading '/', each once, and
    /// [`MAX_PREFIXES`] over all buckets.
    fn prefixes(&mut self, s: &Scenario) {
        let total: u64 = s.buckets.iter().map(|b| b.prefixes.len() as u64).sum();
        if total > MAX_PREFIXES {
            self.issue(
                "buckets",
                format!("{total} prefixes over all buckets; at most {MAX_PREFIXES}"),
            );
            return;
        }
        for (i, b) in s.buckets.iter().enumerate() {
            let mut seen = BTreeSet::new();
            for (j, prefix) in b.prefixes.iter().enumerate() {
                let path = format!("buckets[{i}].prefixes[{j}]");
                if prefix.is_empty() || prefix.starts_with('/') {
                    self.issue(
                        path,
                        format!("\"{prefix}\": a prefix is the start of a key, e.g. \"logs/\" (not empty, no leading '/')"),
                    );
                } else if !seen.insert(prefix.as_str()) {
                    self.issue(path, format!("duplicate prefix \"{prefix}\""));
                }
            }
        }
    }
}
