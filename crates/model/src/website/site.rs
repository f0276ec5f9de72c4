//! One bucket's website endpoint: the lookup S3 does without rules (index documents,
//! folder redirects), then the routing rules, and whole redirect chains for tests.

use super::routing::{Protocol, Redirect, RoutingRule};

/// The default for [`Website::default_redirect_code`] (docs/domain.md §5, unconfirmed for AWS).
pub const DEFAULT_REDIRECT_CODE: u16 = 301;

/// The code of S3's answer to a folder requested without its trailing slash.
pub const FOLDER_REDIRECT_CODE: u16 = 302;

/// Configure one bucket's website endpoint: its index document and routing rules.
///
/// `default_redirect_code` is S3 behaviour rather than bucket configuration; it is a
/// field because docs/domain.md §5 marks the 301 default unconfirmed, and unconfirmed
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
    /// Evaluated in order; the first match wins. Assumed valid (see [`validate`](super::validate)).
    pub routing_rules: Vec<RoutingRule>,
    /// The code of a rule redirect that names none (default [`DEFAULT_REDIRECT_CODE`]).
    pub default_redirect_code: u16,
    /// The names that reach this site through a CDN (a distribution's alternate domain
    /// names, when its origin is this website endpoint), each with its distribution: a
    /// rule whose `host_name` is one of them sends the client to that distribution
    /// (docs/domain.md §4, §5). Empty by default.
    pub cdn_hosts: Vec<(String, u16)>,
}

impl Website {
    /// Build a website with the default redirect code, the usual case.
    pub fn new(index_document: impl Into<String>, routing_rules: Vec<RoutingRule>) -> Self {
        Website {
            index_document: index_document.into(),
            routing_rules,
            default_redirect_code: DEFAULT_REDIRECT_CODE,
            cdn_hosts: Vec::new(),
        }
    }

    /// Find the distribution whose alternate domain name is `host_name`, if a CDN in
    /// front of this site answers to it.
    ///
    /// ```
    /// use s3sim_model::website::Website;
    /// let site = Website { cdn_hosts: vec![("blog.example.com".into(), 3)],
    ///     ..Website::new("index.html", vec![]) };
    /// assert_eq!(site.cdn_of("blog.example.com"), Some(3));
    /// assert_eq!(site.cdn_of("example.org"), None);
    /// ```
    pub fn cdn_of(&self, host_name: &str) -> Option<u16> {
        self.cdn_hosts
            .iter()
            .find(|(name, _)| name == host_name)
            .map(|&(_, d)| d)
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
    use crate::website::fixture::{error, prefix, rule, to_key, to_prefix};
    use crate::website::routing::Condition;

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
