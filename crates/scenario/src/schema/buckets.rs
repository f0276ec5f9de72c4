//! Buckets, their objects and websites, and the S3 behaviour sources disagree on.

use super::delay::DelaySpec;
use super::rate_limits::RateLimitSpec;
use crate::units::Dur;
use serde::{Deserialize, Serialize};

/// Describe a bucket.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BucketSpec {
    /// Bucket name. Required.
    pub name: String,
    /// Its region. Required.
    pub region: String,
    /// Creation time; absent means created long before the run (DNS settled).
    #[serde(default)]
    pub created_at: Option<Dur>,
    /// Deletion time; absent means never.
    #[serde(default)]
    pub deleted_at: Option<Dur>,
    /// Created with a CreateBucketConfiguration. Default: true outside the default region.
    #[serde(default)]
    pub location_constraint: Option<bool>,
    /// Generated objects `o/0` … `o/N-1` (besides `keys`); with `prefixes`, object i
    /// is `{prefixes[i mod P]}{i}` instead, spread evenly over them. Default 0.
    #[serde(default)]
    pub objects: u32,
    /// Partitioned prefixes, e.g. `["a/", "b/"]`: each has its own request-rate budget
    /// (`s3.rate_limits`, docs/domain.md §7); a key belongs to the longest one it starts
    /// with, keys under none share the bucket's own. Default: none (one partition).
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Named objects (keys without a leading slash). With neither these nor `objects`,
    /// the bucket holds one object, `index.html`. Default: none.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Static-website hosting: index document and routing rules. Default: none.
    #[serde(default)]
    pub website: Option<WebsiteSpec>,
}

/// Configure a bucket's static-website endpoint (docs/domain.md §5).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebsiteSpec {
    /// Served for the root and for keys ending in `/`. Default `index.html`.
    #[serde(default = "defaults::index_document")]
    pub index_document: String,
    /// At most 50; first match wins. Written like S3's XML in snake case:
    /// `(condition: (key_prefix_equals: "old/"), redirect: (replace_key_prefix_with: "new/"))`.
    /// Default: none.
    #[serde(default)]
    pub routing_rules: Vec<s3sim_model::website::RoutingRule>,
}

/// Configure S3 behaviour that sources disagree on.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Spec {
    /// Code of the temporary redirect: 307 (AWS's example) or 302 (AWS's prose). Default 307.
    #[serde(default = "defaults::temporary_redirect_code")]
    pub temporary_redirect_code: u16,
    /// Code of a website routing rule that names none: 301, 302 or 307. Default 301
    /// (unconfirmed for AWS).
    #[serde(default = "defaults::website_redirect_code")]
    pub website_redirect_code: u16,
    /// Request-rate limits per partitioned prefix. Default: S3's (see [`RateLimitSpec`]).
    #[serde(default)]
    pub rate_limits: RateLimitSpec,
    /// How long each facility takes to learn that a bucket was created or deleted
    /// (drawn per bucket, change and facility); until then it answers 307 to one that
    /// has (docs/domain.md §1). Unpublished, so a parameter; default `fixed("0s")`:
    /// every facility learns at once.
    #[serde(default = "defaults::learning_delay")]
    pub learning_delay: DelaySpec,
}

impl Default for S3Spec {
    fn default() -> Self {
        S3Spec {
            temporary_redirect_code: defaults::temporary_redirect_code(),
            website_redirect_code: defaults::website_redirect_code(),
            rate_limits: RateLimitSpec::default(),
            learning_delay: defaults::learning_delay(),
        }
    }
}

mod defaults {
    use super::{DelaySpec, Dur};
    pub fn index_document() -> String {
        "index.html".into()
    }
    pub fn temporary_redirect_code() -> u16 {
        307
    }
    pub fn website_redirect_code() -> u16 {
        301
    }
    pub fn learning_delay() -> DelaySpec {
        DelaySpec::Fixed(Dur::secs(0))
    }
}
