//! The S3 static-website endpoint: index documents, folder redirects and routing rules.
//!
//! DOMAIN.md §5. Everything here is a pure function of a website configuration and an
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
//! - The code of a rule redirect that names none is 301 (DOMAIN.md §5): unconfirmed for
//!   AWS itself, so it is [`Website::default_redirect_code`], not a constant.

use serde::{Deserialize, Serialize};

/// The most routing rules one website configuration may hold.
pub const MAX_RULES: usize = 50;

/// The default for [`Website::default_redirect_code`] (DOMAIN.md §5, unconfirmed for AWS).
pub const DEFAULT_REDIRECT_CODE: u16 = 301;

/// The code of S3's answer to a folder requested without its trailing slash.
pub const FOLDER_REDIRECT_CODE: u16 = 302;

/// The redirect codes a rule may name.
const REDIRECT_CODES: [u16; 5] = [301, 302, 303, 307, 308];

/// Restrict a routing rule to some requests: by key prefix, by error code, or both.
///
/// Both children are optional, but a present condition needs at least one of them
/// (see [`validate`]); when both are set, both must match.
///
/// ```
/// use s3sim_model::website::{Condition, Redirect, RoutingRule, Website, WebsiteAnswer};
/// let missing_docs = Condition {
///     key_prefix_equals: Some("docs/".into()),
///     http_error_code_returned_equals: Some(404),
/// };
/// let rule = RoutingRule {
///     condition: Some(missing_docs),
///     redirect: Redirect { replace_key_with: Some("docs/gone.html".into()), ..Redirect::default() },
/// };
/// let site = Website::new("index.html", vec![rule]);
/// let docs_exist = |key: &str| key == "docs/a.html";
/// assert_eq!(site.answer("docs/a.html", docs_exist), WebsiteAnswer::Object { key: "docs/a.html".into() });
/// assert_eq!(site.answer("docs/b.html", docs_exist).code(), 301);
/// assert_eq!(site.answer("img/b.png", docs_exist), WebsiteAnswer::NotFound);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The rule applies to keys that start with this (e.g. `docs/`).
    #[serde(default)]
    pub key_prefix_equals: Option<String>,
    /// The rule applies when S3 would answer with this error code (404 for a missing key).
    #[serde(default)]
    pub http_error_code_returned_equals: Option<u16>,
}

/// Name the scheme of a redirect's `Location`.
///
/// The simulator does not model TLS, so a redirect that changes only the protocol stays
/// on the site; the value is carried so that traces and outputs can show it.
///
/// ```
/// use s3sim_model::website::{Protocol, Redirect, RoutingRule, Website, WebsiteAnswer};
/// let rule = RoutingRule {
///     condition: None,
///     redirect: Redirect { protocol: Some(Protocol::Https), ..Redirect::default() },
/// };
/// let answer = Website::new("index.html", vec![rule]).answer("a.html", |_| true);
/// assert!(matches!(answer, WebsiteAnswer::Redirect { protocol: Some(Protocol::Https), .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// `http://`
    Http,
    /// `https://`
    Https,
}

/// Say where a matching rule sends the request, and with which code.
///
/// Every child is optional but at least one must be set, and the two key replacements
/// exclude each other (see [`validate`]). Unset children keep the request's own host,
/// protocol and key.
///
/// ```
/// use s3sim_model::website::{Redirect, validate, RoutingRule};
/// let elsewhere = Redirect { host_name: Some("example.com".into()), ..Redirect::default() };
/// assert!(validate(&[RoutingRule { condition: None, redirect: elsewhere }]).is_empty());
/// assert_eq!(validate(&[RoutingRule { condition: None, redirect: Redirect::default() }]).len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redirect {
    /// The host of the `Location`; unset keeps the request on this website.
    #[serde(default)]
    pub host_name: Option<String>,
    /// The scheme of the `Location`; unset keeps the request's own.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Replaces the matched `key_prefix_equals` (or, without one, prefixes the whole key).
    #[serde(default)]
    pub replace_key_prefix_with: Option<String>,
    /// Replaces the whole key.
    #[serde(default)]
    pub replace_key_with: Option<String>,
    /// The answer's code; unset uses [`Website::default_redirect_code`].
    #[serde(default)]
    pub http_redirect_code: Option<u16>,
}

/// Pair a condition with the redirect it triggers: one entry of `RoutingRules`.
///
/// A rule without a condition matches every request, so it shadows every rule after it.
///
/// ```
/// use s3sim_model::website::{Condition, Redirect, RoutingRule, Website, WebsiteAnswer};
/// let rule = RoutingRule {
///     condition: Some(Condition { key_prefix_equals: Some("old-prefix/".into()), ..Condition::default() }),
///     redirect: Redirect { replace_key_prefix_with: Some("new-prefix/".into()), ..Redirect::default() },
/// };
/// let site = Website::new("index.html", vec![rule]);
/// assert_eq!(
///     site.answer("old-prefix/a.html", |_| true),
///     WebsiteAnswer::Redirect { code: 301, host_name: None, protocol: None, key: "new-prefix/a.html".into() },
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    /// When the rule applies; `None` means always.
    #[serde(default)]
    pub condition: Option<Condition>,
    /// Where it sends the request.
    pub redirect: Redirect,
}

impl RoutingRule {
    /// Return the key after the matched prefix (the whole key without one), or `None`
    /// when the rule does not apply to `key` whose lookup failed with `error`.
    fn unmatched_rest<'k>(&self, key: &'k str, error: Option<u16>) -> Option<&'k str> {
        let Some(condition) = &self.condition else {
            return Some(key);
        };
        if condition
            .http_error_code_returned_equals
            .is_some_and(|code| error != Some(code))
        {
            return None;
        }
        match &condition.key_prefix_equals {
            Some(prefix) => key.strip_prefix(prefix.as_str()),
            None => Some(key),
        }
    }

    /// Collect this rule's problems, `index` being its position in the list.
    fn problems(&self, index: usize, out: &mut Vec<RuleProblem>) {
        if let Some(condition) = &self.condition {
            condition_problems(condition, &format!("[{index}].condition"), out);
        }
        redirect_problems(&self.redirect, &format!("[{index}].redirect"), out);
    }
}

/// Report one thing wrong with a rule list: where, and what to do about it.
///
/// `path` is relative to the rule list (`[2].redirect`, or empty for the list itself)
/// so that the scenario layer can prefix it with where the list sits in the file.
///
/// ```
/// use s3sim_model::website::{validate, Redirect, RoutingRule};
/// let rule = RoutingRule { condition: None, redirect: Redirect::default() };
/// let problems = validate(&[rule]);
/// assert_eq!(problems[0].path, "[0].redirect");
/// assert!(problems[0].message.contains("at least one of"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleProblem {
    /// Where, relative to the rule list: `""`, `[i].condition`, `[i].redirect.http_redirect_code`, ….
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl RuleProblem {
    /// Build a problem at `path`.
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        RuleProblem {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Check a routing-rule list the way S3's `PutBucketWebsite` would; every problem, in order.
///
/// S3 rejects the whole configuration with a 400 on any of these, so a scenario that
/// holds one could never have been deployed; reporting all of them at once lets a user
/// fix a file in one pass.
///
/// ```
/// use s3sim_model::website::{validate, Condition, Redirect, RoutingRule};
/// let bad = RoutingRule {
///     condition: Some(Condition::default()),
///     redirect: Redirect { http_redirect_code: Some(200), ..Redirect::default() },
/// };
/// let paths: Vec<_> = validate(&[bad]).into_iter().map(|p| p.path).collect();
/// assert_eq!(paths, ["[0].condition", "[0].redirect.http_redirect_code"]);
/// ```
pub fn validate(rules: &[RoutingRule]) -> Vec<RuleProblem> {
    let mut problems = Vec::new();
    if rules.len() > MAX_RULES {
        problems.push(RuleProblem::new(
            "",
            format!(
                "{} routing rules, but S3 allows at most {MAX_RULES}: remove {} or merge rules that share a prefix",
                rules.len(),
                rules.len() - MAX_RULES
            ),
        ));
    }
    for (index, rule) in rules.iter().enumerate() {
        rule.problems(index, &mut problems);
    }
    problems
}

/// Collect the problems of one condition found at `path`.
fn condition_problems(condition: &Condition, path: &str, out: &mut Vec<RuleProblem>) {
    if condition.key_prefix_equals.is_none() && condition.http_error_code_returned_equals.is_none()
    {
        out.push(RuleProblem::new(
            path,
            "an empty condition is rejected by S3: set key_prefix_equals and/or \
             http_error_code_returned_equals, or remove the condition to match every request",
        ));
    }
    if let Some(code) = condition
        .http_error_code_returned_equals
        .filter(|code| !(400..=599).contains(code))
    {
        out.push(RuleProblem::new(
            format!("{path}.http_error_code_returned_equals"),
            format!("{code} is not an error code: use a 4xx or 5xx code, e.g. 404"),
        ));
    }
}

/// Collect the problems of one redirect found at `path`.
fn redirect_problems(redirect: &Redirect, path: &str, out: &mut Vec<RuleProblem>) {
    if *redirect == Redirect::default() {
        out.push(RuleProblem::new(
            path,
            "an empty redirect is rejected by S3: set at least one of host_name, protocol, \
             replace_key_prefix_with, replace_key_with, http_redirect_code",
        ));
    }
    if redirect.replace_key_prefix_with.is_some() && redirect.replace_key_with.is_some() {
        out.push(RuleProblem::new(
            path,
            "replace_key_prefix_with and replace_key_with exclude each other: keep one",
        ));
    }
    if let Some(code) = redirect
        .http_redirect_code
        .filter(|code| !REDIRECT_CODES.contains(code))
    {
        out.push(RuleProblem::new(
            format!("{path}.http_redirect_code"),
            format!("{code} is not a redirect code: use 301, 302, 303, 307 or 308"),
        ));
    }
}

/// Configure one bucket's website endpoint: its index document and routing rules.
///
/// `default_redirect_code` is S3 behaviour rather than bucket configuration; it is a
/// field because DOMAIN.md §5 marks the 301 default unconfirmed, and unconfirmed
/// behaviour is a scenario parameter.
///
/// ```
/// use s3sim_model::website::{Website, WebsiteAnswer, DEFAULT_REDIRECT_CODE};
/// let site = Website::new("index.html", vec![]);
/// assert_eq!(site.default_redirect_code, DEFAULT_REDIRECT_CODE);
/// let exists = |key: &str| key == "index.html" || key == "docs/index.html";
/// assert_eq!(site.answer("", exists), WebsiteAnswer::Object { key: "index.html".into() });
/// assert_eq!(site.answer("docs/", exists), WebsiteAnswer::Object { key: "docs/index.html".into() });
/// assert_eq!(site.answer("docs", exists).code(), 302);
/// assert_eq!(site.answer("nope.html", exists), WebsiteAnswer::NotFound);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Website {
    /// The suffix served for the root and for keys ending in `/` (e.g. `index.html`).
    pub index_document: String,
    /// Evaluated in order; the first match wins. Assumed valid (see [`validate`]).
    pub routing_rules: Vec<RoutingRule>,
    /// The code of a rule redirect that names none (default [`DEFAULT_REDIRECT_CODE`]).
    pub default_redirect_code: u16,
}

impl Website {
    /// Build a website with the default redirect code, the usual case.
    pub fn new(index_document: impl Into<String>, routing_rules: Vec<RoutingRule>) -> Self {
        Website {
            index_document: index_document.into(),
            routing_rules,
            default_redirect_code: DEFAULT_REDIRECT_CODE,
        }
    }

    /// Answer one request for `key` (no leading slash), given which keys exist.
    ///
    /// First the object lookup S3 would do without rules: a key that is empty or ends in
    /// `/` serves `key` + index document; another key serves itself; a missing key `k`
    /// with an existing `k/` + index document is a folder named without its slash and
    /// gets 302 to `k/`; anything else is 404. Then the routing rules, in order, first
    /// match wins: a rule matches when its prefix (if any) starts the *requested* key and
    /// its error code (if any) equals the lookup's error (only 404 here; a 302 or an
    /// object is no error). A matching rule's redirect replaces the lookup's answer.
    ///
    /// `exists` must be pure: it is asked before the rules, and its answer is shared by
    /// prefix rules and error rules alike. On an unvalidated rule that sets both key
    /// replacements, `replace_key_with` wins.
    pub fn answer(&self, key: &str, exists: impl Fn(&str) -> bool) -> WebsiteAnswer {
        let lookup = self.lookup(key, exists);
        let error = lookup.error_code();
        self.routing_rules
            .iter()
            .find_map(|rule| {
                let rest = rule.unmatched_rest(key, error)?;
                Some(self.redirect(&rule.redirect, key, rest))
            })
            .unwrap_or(lookup)
    }

    /// Follow same-site redirects from `key` until an object, a 404, another host, or
    /// more than `max_hops` redirects.
    ///
    /// This is the whole chain at once, for tests and docs; the world interleaves hops
    /// with network time itself. A redirect with no `host_name` stays on the site, even
    /// one that changes only the protocol.
    ///
    /// ```
    /// use s3sim_model::website::{ChainOutcome, Condition, Redirect, RoutingRule, Website};
    /// let rule = RoutingRule {
    ///     condition: Some(Condition { key_prefix_equals: Some("old/".into()), ..Condition::default() }),
    ///     redirect: Redirect { replace_key_prefix_with: Some("new/".into()), ..Redirect::default() },
    /// };
    /// let chain = Website::new("index.html", vec![rule]).follow("old/a", |k| k == "new/a", 5);
    /// assert_eq!(chain.hops, [301, 200]);
    /// assert_eq!(chain.outcome, ChainOutcome::Object("new/a".into()));
    /// ```
    pub fn follow(&self, key: &str, exists: impl Fn(&str) -> bool, max_hops: u8) -> Chain {
        let mut hops = Vec::new();
        let mut key = key.to_owned();
        loop {
            let answer = self.answer(&key, &exists);
            hops.push(answer.code());
            let outcome = match answer {
                WebsiteAnswer::Object { key } => ChainOutcome::Object(key),
                WebsiteAnswer::NotFound => ChainOutcome::NotFound,
                WebsiteAnswer::Redirect {
                    host_name: Some(host_name),
                    key,
                    ..
                } => ChainOutcome::LeftSite { host_name, key },
                WebsiteAnswer::Redirect { .. } if hops.len() > usize::from(max_hops) => {
                    ChainOutcome::RedirectLoop
                }
                WebsiteAnswer::Redirect { key: next, .. } => {
                    key = next;
                    continue;
                }
            };
            return Chain { hops, outcome };
        }
    }

    /// Answer `key` as S3 would with no routing rules.
    fn lookup(&self, key: &str, exists: impl Fn(&str) -> bool) -> WebsiteAnswer {
        let index = &self.index_document;
        if key.is_empty() || key.ends_with('/') {
            let page = format!("{key}{index}");
            return if exists(&page) {
                WebsiteAnswer::Object { key: page }
            } else {
                WebsiteAnswer::NotFound
            };
        }
        if exists(key) {
            WebsiteAnswer::Object { key: key.into() }
        } else if exists(&format!("{key}/{index}")) {
            WebsiteAnswer::Redirect {
                code: FOLDER_REDIRECT_CODE,
                host_name: None,
                protocol: None,
                key: format!("{key}/"),
            }
        } else {
            WebsiteAnswer::NotFound
        }
    }

    /// Build the answer of a matching rule; `rest` is the key after the matched prefix.
    fn redirect(&self, redirect: &Redirect, key: &str, rest: &str) -> WebsiteAnswer {
        let key = match (
            &redirect.replace_key_with,
            &redirect.replace_key_prefix_with,
        ) {
            (Some(whole), _) => whole.clone(),
            (None, Some(prefix)) => format!("{prefix}{rest}"),
            (None, None) => key.to_owned(),
        };
        WebsiteAnswer::Redirect {
            code: redirect
                .http_redirect_code
                .unwrap_or(self.default_redirect_code),
            host_name: redirect.host_name.clone(),
            protocol: redirect.protocol,
            key,
        }
    }
}

/// Say what the website endpoint answers to one request.
///
/// ```
/// use s3sim_model::website::WebsiteAnswer;
/// let moved = WebsiteAnswer::Redirect { code: 302, host_name: None, protocol: None, key: "docs/".into() };
/// assert_eq!(moved.code(), 302);
/// assert_eq!(WebsiteAnswer::Object { key: "a".into() }.code(), 200);
/// assert_eq!(WebsiteAnswer::NotFound.code(), 404);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebsiteAnswer {
    /// 200 with this object (after the index document was appended, if it was).
    Object {
        /// The key served.
        key: String,
    },
    /// A 3xx with a `Location` built from these parts.
    Redirect {
        /// The status code.
        code: u16,
        /// The `Location`'s host; `None` is this website.
        host_name: Option<String>,
        /// The `Location`'s scheme; `None` is the request's own.
        protocol: Option<Protocol>,
        /// The `Location`'s key (path without the leading slash).
        key: String,
    },
    /// 404 Not Found.
    NotFound,
}

impl WebsiteAnswer {
    /// Return the HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            WebsiteAnswer::Object { .. } => 200,
            WebsiteAnswer::Redirect { code, .. } => *code,
            WebsiteAnswer::NotFound => 404,
        }
    }

    /// Return the code if it is an error, as `http_error_code_returned_equals` sees it.
    fn error_code(&self) -> Option<u16> {
        Some(self.code()).filter(|code| *code >= 400)
    }
}

/// Record a followed redirect chain: every status code received, then how it ended.
///
/// `hops` has one code per round trip, so its length is what the chain costs in
/// network time: followed redirects plus the final answer.
///
/// ```
/// use s3sim_model::website::{Chain, ChainOutcome, Website};
/// let chain = Website::new("index.html", vec![]).follow("a.html", |_| false, 10);
/// assert_eq!(chain, Chain { hops: vec![404], outcome: ChainOutcome::NotFound });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// The status codes received, in order.
    pub hops: Vec<u16>,
    /// How the chain ended.
    pub outcome: ChainOutcome,
}

/// Say how a followed redirect chain ended.
///
/// ```
/// use s3sim_model::website::{ChainOutcome, Redirect, RoutingRule, Website};
/// let away = Redirect { host_name: Some("example.com".into()), ..Redirect::default() };
/// let site = Website::new("index.html", vec![RoutingRule { condition: None, redirect: away }]);
/// assert_eq!(
///     site.follow("a.html", |_| true, 10).outcome,
///     ChainOutcome::LeftSite { host_name: "example.com".into(), key: "a.html".into() },
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainOutcome {
    /// An object was served (200).
    Object(String),
    /// The last answer was 404.
    NotFound,
    /// A redirect named another host; the chain continues there, outside this model.
    LeftSite {
        /// The host redirected to.
        host_name: String,
        /// The key asked of it.
        key: String,
    },
    /// `max_hops` redirects were followed and another one came: the client gives up
    /// (a loop, or a chain longer than it allows, like a browser's "too many redirects").
    RedirectLoop,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(p: &str) -> Option<Condition> {
        Some(Condition {
            key_prefix_equals: Some(p.into()),
            http_error_code_returned_equals: None,
        })
    }

    fn error(code: u16) -> Option<Condition> {
        Some(Condition {
            key_prefix_equals: None,
            http_error_code_returned_equals: Some(code),
        })
    }

    fn to_prefix(p: &str) -> Redirect {
        Redirect {
            replace_key_prefix_with: Some(p.into()),
            ..Redirect::default()
        }
    }

    fn to_key(k: &str) -> Redirect {
        Redirect {
            replace_key_with: Some(k.into()),
            ..Redirect::default()
        }
    }

    fn rule(condition: Option<Condition>, redirect: Redirect) -> RoutingRule {
        RoutingRule {
            condition,
            redirect,
        }
    }

    fn site(rules: Vec<RoutingRule>) -> Website {
        Website::new("index.html", rules)
    }

    fn moved(code: u16, key: &str) -> WebsiteAnswer {
        WebsiteAnswer::Redirect {
            code,
            host_name: None,
            protocol: None,
            key: key.into(),
        }
    }

    fn object(key: &str) -> WebsiteAnswer {
        WebsiteAnswer::Object { key: key.into() }
    }

    fn problems(rules: &[RoutingRule]) -> Vec<(String, String)> {
        validate(rules)
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect()
    }

    fn valid() -> RoutingRule {
        rule(prefix("a/"), to_prefix("b/"))
    }

    #[test]
    fn valid_rules_have_no_problems() {
        let rules = [
            valid(),
            rule(error(404), to_key("404.html")),
            rule(
                None,
                Redirect {
                    host_name: Some("example.com".into()),
                    protocol: Some(Protocol::Https),
                    http_redirect_code: Some(308),
                    ..Redirect::default()
                },
            ),
        ];
        assert_eq!(problems(&rules), []);
        assert_eq!(problems(&vec![valid(); MAX_RULES]), []);
    }

    #[test]
    fn empty_condition_is_a_problem_at_the_condition() {
        let p = problems(&[valid(), rule(Some(Condition::default()), to_key("x"))]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "[1].condition");
        assert!(
            p[0].1
                .contains("key_prefix_equals and/or http_error_code_returned_equals")
        );
    }

    #[test]
    fn empty_redirect_is_a_problem_at_the_redirect() {
        let p = problems(&[rule(prefix("a/"), Redirect::default())]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "[0].redirect");
        assert!(p[0].1.contains("at least one of host_name, protocol"));
    }

    #[test]
    fn both_key_replacements_are_a_problem() {
        let both = Redirect {
            replace_key_prefix_with: Some("b/".into()),
            replace_key_with: Some("c.html".into()),
            ..Redirect::default()
        };
        let p = problems(&[rule(prefix("a/"), both)]);
        assert_eq!(
            p,
            [(
                "[0].redirect".to_owned(),
                "replace_key_prefix_with and replace_key_with exclude each other: keep one"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn more_than_fifty_rules_is_a_problem_of_the_list() {
        let p = problems(&vec![valid(); MAX_RULES + 1]);
        assert_eq!(
            p,
            [(
                String::new(),
                "51 routing rules, but S3 allows at most 50: remove 1 or merge rules that share a prefix"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn redirect_code_must_be_a_3xx_redirect() {
        for code in [301, 302, 303, 307, 308] {
            let ok = Redirect {
                http_redirect_code: Some(code),
                ..Redirect::default()
            };
            assert_eq!(problems(&[rule(None, ok)]), [], "{code}");
        }
        for code in [200, 300, 304, 305, 404] {
            let bad = Redirect {
                http_redirect_code: Some(code),
                ..Redirect::default()
            };
            assert_eq!(
                problems(&[rule(None, bad)]),
                [(
                    "[0].redirect.http_redirect_code".to_owned(),
                    format!("{code} is not a redirect code: use 301, 302, 303, 307 or 308")
                )]
            );
        }
    }

    #[test]
    fn error_code_condition_must_be_4xx_or_5xx() {
        for code in [400, 403, 404, 500, 599] {
            assert_eq!(problems(&[rule(error(code), to_key("x"))]), [], "{code}");
        }
        for code in [200, 302, 399, 600] {
            assert_eq!(
                problems(&[rule(error(code), to_key("x"))]),
                [(
                    "[0].condition.http_error_code_returned_equals".to_owned(),
                    format!("{code} is not an error code: use a 4xx or 5xx code, e.g. 404")
                )]
            );
        }
    }

    #[test]
    fn several_problems_are_all_reported_with_their_paths_in_order() {
        let both = Redirect {
            replace_key_prefix_with: Some("b/".into()),
            replace_key_with: Some("c.html".into()),
            http_redirect_code: Some(200),
            ..Redirect::default()
        };
        let mut rules = vec![valid(); MAX_RULES];
        rules[2] = rule(Some(Condition::default()), Redirect::default());
        rules[7] = rule(error(302), both);
        rules.push(valid());
        let paths: Vec<String> = problems(&rules).into_iter().map(|p| p.0).collect();
        assert_eq!(
            paths,
            [
                "",
                "[2].condition",
                "[2].redirect",
                "[7].condition.http_error_code_returned_equals",
                "[7].redirect",
                "[7].redirect.http_redirect_code",
            ]
        );
    }

    #[test]
    fn prefix_rule_replaces_the_prefix_with_301() {
        let s = site(vec![rule(prefix("old-prefix/"), to_prefix("new-prefix/"))]);
        let all = |_: &str| true;
        assert_eq!(
            s.answer("old-prefix/a.html", all),
            moved(301, "new-prefix/a.html")
        );
        assert_eq!(s.answer("old-prefix/", all), moved(301, "new-prefix/"));
        assert_eq!(s.answer("other/a.html", all), object("other/a.html"));
        assert_eq!(s.answer("old-prefix", all), object("old-prefix"));
    }

    #[test]
    fn prefix_rule_matches_before_the_lookup() {
        let s = site(vec![rule(prefix("old-prefix/"), to_prefix("new-prefix/"))]);
        assert_eq!(
            s.answer("old-prefix/a.html", |_| false),
            moved(301, "new-prefix/a.html")
        );
    }

    #[test]
    fn replace_key_with_replaces_the_whole_key() {
        let s = site(vec![rule(prefix("docs/"), to_key("documents/index.html"))]);
        assert_eq!(
            s.answer("docs/deep/a.html", |_| true),
            moved(301, "documents/index.html")
        );
    }

    #[test]
    fn prefix_replacement_without_a_prefix_condition_prefixes_the_whole_key() {
        let s = site(vec![rule(error(404), to_prefix("report-404/"))]);
        assert_eq!(
            s.answer("ExamplePage.html", |_| false),
            moved(301, "report-404/ExamplePage.html")
        );
    }

    #[test]
    fn redirect_without_key_replacement_keeps_key_and_sets_host_protocol_code() {
        let away = Redirect {
            host_name: Some("example.com".into()),
            protocol: Some(Protocol::Https),
            http_redirect_code: Some(307),
            ..Redirect::default()
        };
        let s = site(vec![rule(prefix("a/"), away)]);
        assert_eq!(
            s.answer("a/b.html", |_| true),
            WebsiteAnswer::Redirect {
                code: 307,
                host_name: Some("example.com".into()),
                protocol: Some(Protocol::Https),
                key: "a/b.html".into(),
            }
        );
    }

    #[test]
    fn default_redirect_code_is_a_parameter() {
        let mut s = site(vec![rule(None, to_key("x"))]);
        s.default_redirect_code = 302;
        assert_eq!(s.answer("a", |_| true), moved(302, "x"));
    }

    #[test]
    fn error_condition_redirects_only_missing_keys() {
        let s = site(vec![rule(error(404), to_key("missing.html"))]);
        let exists = |k: &str| k == "here.html";
        assert_eq!(s.answer("here.html", exists), object("here.html"));
        assert_eq!(s.answer("gone.html", exists), moved(301, "missing.html"));
        assert_eq!(s.answer("dir/", exists), moved(301, "missing.html"));
    }

    #[test]
    fn error_condition_with_another_code_never_matches_a_404() {
        let s = site(vec![rule(error(403), to_key("denied.html"))]);
        assert_eq!(s.answer("gone.html", |_| false), WebsiteAnswer::NotFound);
    }

    #[test]
    fn folder_redirect_is_no_error_for_an_error_condition() {
        let s = site(vec![rule(error(404), to_key("missing.html"))]);
        let exists = |k: &str| k == "docs/index.html";
        assert_eq!(s.answer("docs", exists), moved(302, "docs/"));
    }

    #[test]
    fn condition_with_both_children_needs_both() {
        let both = Some(Condition {
            key_prefix_equals: Some("docs/".into()),
            http_error_code_returned_equals: Some(404),
        });
        let s = site(vec![rule(both, to_prefix("archive/docs/"))]);
        let exists = |k: &str| k == "docs/here.html" || k == "img/here.png";
        assert_eq!(s.answer("docs/here.html", exists), object("docs/here.html"));
        assert_eq!(
            s.answer("docs/gone.html", exists),
            moved(301, "archive/docs/gone.html")
        );
        assert_eq!(s.answer("img/gone.png", exists), WebsiteAnswer::NotFound);
    }

    #[test]
    fn first_matching_rule_wins() {
        let rules = vec![
            rule(prefix("a/b/"), to_key("first")),
            rule(prefix("a/"), to_key("second")),
            rule(None, to_key("third")),
        ];
        let s = site(rules);
        let all = |_: &str| true;
        assert_eq!(s.answer("a/b/c", all), moved(301, "first"));
        assert_eq!(s.answer("a/c", all), moved(301, "second"));
        assert_eq!(s.answer("c", all), moved(301, "third"));
    }

    #[test]
    fn rule_without_condition_shadows_later_rules() {
        let s = site(vec![
            rule(None, to_key("everything")),
            rule(prefix("a/"), to_key("never")),
        ]);
        assert_eq!(s.answer("a/x", |_| true), moved(301, "everything"));
    }

    #[test]
    fn root_and_trailing_slash_serve_the_index_document() {
        let s = site(vec![]);
        let exists = |k: &str| k == "index.html" || k == "docs/index.html";
        assert_eq!(s.answer("", exists), object("index.html"));
        assert_eq!(s.answer("docs/", exists), object("docs/index.html"));
        assert_eq!(s.answer("img/", exists), WebsiteAnswer::NotFound);
    }

    #[test]
    fn folder_without_trailing_slash_gets_302_to_the_folder() {
        let s = site(vec![]);
        let exists = |k: &str| k == "docs/index.html";
        assert_eq!(s.answer("docs", exists), moved(302, "docs/"));
        assert_eq!(s.answer("img", exists), WebsiteAnswer::NotFound);
        let chain = s.follow("docs", exists, 5);
        assert_eq!(chain.hops, [302, 200]);
        assert_eq!(
            chain.outcome,
            ChainOutcome::Object("docs/index.html".into())
        );
    }

    #[test]
    fn an_object_named_like_a_folder_is_served_itself() {
        let s = site(vec![]);
        assert_eq!(s.answer("docs", |_| true), object("docs"));
    }

    #[test]
    fn chain_of_two_redirects_ends_at_an_object() {
        let s = site(vec![
            rule(prefix("v1/"), to_prefix("v2/")),
            rule(prefix("v2/"), to_prefix("v3/")),
        ]);
        let chain = s.follow("v1/a.html", |k| k == "v3/a.html", 5);
        assert_eq!(
            chain,
            Chain {
                hops: vec![301, 301, 200],
                outcome: ChainOutcome::Object("v3/a.html".into()),
            }
        );
    }

    #[test]
    fn chain_ending_at_a_missing_key_is_not_found() {
        let s = site(vec![rule(prefix("v1/"), to_prefix("v2/"))]);
        let chain = s.follow("v1/a.html", |_| false, 5);
        assert_eq!(chain.hops, [301, 404]);
        assert_eq!(chain.outcome, ChainOutcome::NotFound);
    }

    #[test]
    fn loop_is_caught_after_exactly_max_hops_followed_redirects() {
        let s = site(vec![
            rule(prefix("a/"), to_prefix("b/")),
            rule(prefix("b/"), to_prefix("a/")),
        ]);
        let chain = s.follow("a/x", |_| true, 3);
        assert_eq!(
            chain,
            Chain {
                hops: vec![301; 4],
                outcome: ChainOutcome::RedirectLoop,
            }
        );
        assert_eq!(s.follow("a/x", |_| true, 0).hops, [301]);
    }

    #[test]
    fn chain_exactly_max_hops_long_still_arrives() {
        let s = site(vec![
            rule(prefix("v1/"), to_prefix("v2/")),
            rule(prefix("v2/"), to_prefix("v3/")),
        ]);
        let chain = s.follow("v1/a", |_| true, 2);
        assert_eq!(chain.hops, [301, 301, 200]);
        assert_eq!(chain.outcome, ChainOutcome::Object("v3/a".into()));
        let chain = s.follow("v1/a", |_| true, 1);
        assert_eq!(chain.hops, [301, 301]);
        assert_eq!(chain.outcome, ChainOutcome::RedirectLoop);
    }

    #[test]
    fn redirect_to_another_host_leaves_the_site() {
        let away = Redirect {
            host_name: Some("docs.example.com".into()),
            replace_key_prefix_with: Some("v2/".into()),
            ..Redirect::default()
        };
        let s = site(vec![
            rule(prefix("old/"), to_prefix("docs/")),
            rule(prefix("docs/"), away),
        ]);
        let chain = s.follow("old/a.html", |_| true, 5);
        assert_eq!(
            chain,
            Chain {
                hops: vec![301, 301],
                outcome: ChainOutcome::LeftSite {
                    host_name: "docs.example.com".into(),
                    key: "v2/a.html".into(),
                },
            }
        );
    }

    #[test]
    fn protocol_only_redirect_stays_on_the_site() {
        let https = Redirect {
            protocol: Some(Protocol::Https),
            ..Redirect::default()
        };
        let s = site(vec![rule(prefix("secure/"), https)]);
        let chain = s.follow("secure/a", |_| true, 4);
        assert_eq!(chain.hops, [301; 5]);
        assert_eq!(chain.outcome, ChainOutcome::RedirectLoop);
    }

    #[test]
    fn unvalidated_rules_never_panic() {
        let both = Redirect {
            replace_key_prefix_with: Some("p/".into()),
            replace_key_with: Some("whole".into()),
            http_redirect_code: Some(200),
            ..Redirect::default()
        };
        let s = Website::new("", vec![rule(Some(Condition::default()), both)]);
        assert_eq!(s.answer("", |_| false), moved(200, "whole"));
        let empty = site(vec![rule(prefix(""), Redirect::default())]);
        assert_eq!(empty.follow("", |_| false, u8::MAX).hops.len(), 256);
    }
}
