//! Check S3's authoritative DNS and the resolver groups.

use super::checker::Checker;
use super::limits::{MAX_RESOLVER_GROUPS, MAX_RESOLVERS};
use crate::schema::{DnsSpec, ResolverSpec};

impl Checker {
    pub(crate) fn dns(&mut self, dns: &DnsSpec) {
        self.positive("dns.record_ttl", dns.record_ttl, "record TTL");
        self.positive(
            "dns.propagation_cap",
            dns.propagation_cap,
            "propagation cap",
        );
        self.delay("dns.propagation", &dns.propagation);
        if let Some(ttl) = dns.cname_ttl {
            self.positive("dns.cname_ttl", ttl, "CNAME TTL");
        }
    }

    pub(crate) fn resolvers(&mut self, groups: &[ResolverSpec]) {
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
}
