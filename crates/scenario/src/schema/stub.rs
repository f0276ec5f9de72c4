//! A client host's stub resolver (`resolv.conf`): search domains, `ndots`, and the
//! record types one lookup asks for (docs/domain.md §3, "Stub resolvers").

use serde::{Deserialize, Serialize};

/// Describe a class's stub resolver: `(search: ["ns.svc.cluster.local"], ndots: 5,
/// queries: a_and_aaaa)`. Absent: one A query per lookup.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StubSpec {
    /// Search domains, in order, without leading or trailing dots. Default: none.
    #[serde(default)]
    pub search: Vec<String>,
    /// Names with fewer dots try the search list first, 0 to 15. Default 1
    /// (resolv.conf(5)); Kubernetes pods use 5.
    #[serde(default = "one")]
    pub ndots: u8,
    /// Record types asked per name tried. Default `a_only`.
    #[serde(default)]
    pub queries: QueryTypesSpec,
    /// The client writes S3 names with a trailing dot, which skips the search list.
    /// Default `false`.
    #[serde(default)]
    pub trailing_dot: bool,
}

/// Choose the record types one lookup asks for.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum QueryTypesSpec {
    /// A only (an IPv4-only client).
    #[default]
    AOnly,
    /// A and AAAA in parallel for every name tried (glibc and musl `getaddrinfo`).
    AAndAaaa,
}

fn one() -> u8 {
    1
}
