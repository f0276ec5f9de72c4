//! The S3 static-website endpoint: index documents, folder redirects and routing rules.
//!
//! docs/domain.md §5. Everything here is a pure function of a website configuration and an
//! `exists` predicate over object keys, so tests and docs can check the rules alone and
//! the world can put network time between the hops of a redirect chain itself.
//!
//! Keys are written without the leading slash: the URL path `/docs/a.html` is the key
//! `docs/a.html` and the site root `/` is the empty key. Sources for the semantics:
//!
//! - AWS S3 API Reference, `RoutingRule`, `Condition` and `Redirect`: the children a
//!   condition and a redirect may have; "if both are specified, then both must be true";
//!   `ReplaceKeyPrefixWith` "can be present only if `ReplaceKeyWith` is not provided";
//!   `Protocol` defaults to the protocol of the original request.
//! - AWS S3 User Guide, *Configuring an index document*: the root's trailing slash is
//!   optional, `folder/` serves `folder/` + index document, and `folder` without the
//!   slash is answered with 302 to `folder/` when `folder/` + index document exists.
//!   The AWS knowledge-center article *s3-static-website-url-trailing-slash* shows the
//!   same 302 happening before a routing rule on `folder/` applies.
//! - S3's `PutBucketWebsite` error: "the number of routing rules in a website
//!   configuration is limited to 50" (HTTP 400).
//! - AWS S3 User Guide, routing-rule examples: an error-code condition with
//!   `ReplaceKeyPrefixWith: report-404/` sends `ExamplePage.html` to
//!   `report-404/ExamplePage.html`, i.e. without a prefix condition the replacement
//!   prefixes the whole key.
//! - The code of a rule redirect that names none is 301 (docs/domain.md §5): unconfirmed for
//!   AWS itself, so it is [`Website::default_redirect_code`], not a constant.
//!
//! The routing-rule types and their checks ([`validate`]) live apart from the endpoint
//! that applies them ([`Website`]).

#[cfg(test)]
mod fixture;
mod routing;
mod site;

pub use routing::{Condition, MAX_RULES, Protocol, Redirect, RoutingRule, RuleProblem, validate};
pub use site::{
    Chain, ChainOutcome, DEFAULT_REDIRECT_CODE, FOLDER_REDIRECT_CODE, Website, WebsiteAnswer,
};
