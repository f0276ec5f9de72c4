//! Routing rules of a website configuration, and the checks S3's `PutBucketWebsite`
//! applies to them.

use serde::{Deserialize, Serialize};

/// The most routing rules one website configuration may hold.
pub const MAX_RULES: usize = 50;

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
    /// The answer's code; unset uses
    /// [`Website::default_redirect_code`](super::Website::default_redirect_code).
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
    pub(crate) fn unmatched_rest<'k>(&self, key: &'k str, error: Option<u16>) -> Option<&'k str> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::website::fixture::{error, prefix, rule, to_key, to_prefix};

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
}
