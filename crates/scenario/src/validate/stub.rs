//! Check a class's stub resolver: `ndots` and the search domains.

use super::checker::Checker;
use super::limits::{MAX_NDOTS, MAX_SEARCH_DOMAINS};
use crate::schema::StubSpec;

impl Checker {
    pub(crate) fn stub_resolver(&mut self, path: &str, stub: &StubSpec) {
        if stub.ndots > MAX_NDOTS {
            self.issue(
                format!("{path}.ndots"),
                format!(
                    "{} is above resolv.conf's cap; write 0 to {MAX_NDOTS}",
                    stub.ndots
                ),
            );
        }
        if stub.search.len() > MAX_SEARCH_DOMAINS {
            self.issue(
                format!("{path}.search"),
                format!(
                    "{} search domains; at most {MAX_SEARCH_DOMAINS}",
                    stub.search.len()
                ),
            );
            return;
        }
        for (i, domain) in stub.search.iter().enumerate() {
            if let Some(problem) = domain_problem(domain) {
                self.issue(format!("{path}.search[{i}]"), problem);
            }
        }
    }
}

/// What is wrong with a search domain, if anything.
fn domain_problem(domain: &str) -> Option<String> {
    let what = if domain.is_empty() {
        "is empty"
    } else if domain.len() > 253 {
        "is longer than a DNS name's 253 characters"
    } else if domain.starts_with('.') || domain.ends_with('.') {
        "starts or ends with a dot"
    } else if domain.split('.').any(str::is_empty) {
        "has an empty label (two dots in a row)"
    } else if !domain
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        "holds a character other than letters, digits, '-' and '.'"
    } else {
        return None;
    };
    Some(format!(
        "{domain:?} {what}; write a domain like \"default.svc.cluster.local\""
    ))
}
