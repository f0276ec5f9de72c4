//! Invalidation paths and what they cost: docs/domain.md §4.

use s3sim_engine::{SimDuration, SimTime};
use std::collections::BTreeSet;
use std::fmt;
use std::ops::Bound;

/// The longest invalidation path CloudFront accepts, in characters.
const MAX_PATH_CHARS: usize = 4000;

/// Paths per billing month that cost nothing.
const FREE_PATHS_PER_MONTH: u32 = 1000;

/// Price of each path beyond the free tier, in US dollars.
const USD_PER_PATH: f64 = 0.005;

/// Length of a billing month of simulated time.
const MONTH: SimDuration = SimDuration::from_secs(30 * 86_400);

/// Name the objects one invalidation path removes: one exact path, or a prefix.
///
/// CloudFront accepts `*` only as the last character, where it matches any rest of
/// the path (`/images/*`, `/images/photo*`, `/*`), and compares case-sensitively, so
/// matching is an exact or a prefix comparison and never a glob.
///
/// ```
/// use s3sim_model::cdn::invalidation::PathPattern;
/// let all_images = PathPattern::parse("/images/*").expect("valid pattern");
/// assert!(all_images.is_wildcard());
/// assert!(all_images.matches("/images/a/b.png"));
/// assert!(!all_images.matches("/Images/a.png"));
/// let one = PathPattern::parse("/index.html").expect("valid pattern");
/// assert!(one.matches("/index.html") && !one.matches("/index.html.bak"));
/// assert_eq!(one.to_string(), "/index.html");
/// assert!(PathPattern::parse("/a*b").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PathPattern {
    text: String,
}

/// Explain why text is not a valid invalidation path.
///
/// ```
/// use s3sim_model::cdn::invalidation::{PathPattern, PathPatternError};
/// assert_eq!(PathPattern::parse("images/*"), Err(PathPatternError::NoLeadingSlash));
/// let err = PathPattern::parse("/a*b").unwrap_err();
/// assert!(err.to_string().contains("only as the last character"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPatternError {
    /// The path is empty.
    Empty,
    /// The path does not start with `/`.
    NoLeadingSlash,
    /// A `*` appears before the last character, at this character index.
    StarNotLast {
        /// Zero-based character index of the first misplaced `*`.
        position: usize,
    },
    /// The path is longer than CloudFront accepts.
    TooLong {
        /// The path's length in characters.
        chars: usize,
    },
}

impl fmt::Display for PathPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathPatternError::Empty => {
                f.write_str("the invalidation path is empty (write e.g. \"/index.html\" or \"/*\")")
            }
            PathPatternError::NoLeadingSlash => {
                f.write_str("an invalidation path must start with `/` (write e.g. \"/images/*\")")
            }
            PathPatternError::StarNotLast { position } => write!(
                f,
                "`*` may appear only as the last character, but there is one at character \
                 {position} (invalidate a prefix instead, e.g. \"/images/*\")"
            ),
            PathPatternError::TooLong { chars } => write!(
                f,
                "the invalidation path has {chars} characters; CloudFront accepts at most \
                 {MAX_PATH_CHARS}"
            ),
        }
    }
}

impl std::error::Error for PathPatternError {}

impl PathPattern {
    /// Read an invalidation path, checking CloudFront's rules.
    ///
    /// # Errors
    ///
    /// A [`PathPatternError`] says which rule `text` breaks: it is empty, longer than
    /// CloudFront's limit, does not start with `/`, or has a `*` before its last
    /// character.
    pub fn parse(text: &str) -> Result<PathPattern, PathPatternError> {
        let chars = text.chars().count();
        if chars == 0 {
            return Err(PathPatternError::Empty);
        }
        if chars > MAX_PATH_CHARS {
            return Err(PathPatternError::TooLong { chars });
        }
        if !text.starts_with('/') {
            return Err(PathPatternError::NoLeadingSlash);
        }
        if let Some(position) = text.chars().take(chars - 1).position(|c| c == '*') {
            return Err(PathPatternError::StarNotLast { position });
        }
        Ok(PathPattern { text: text.into() })
    }

    /// Tell whether this pattern removes `path`: equal, or starting with the wildcard's prefix.
    pub fn matches(&self, path: &str) -> bool {
        match self.text.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.text,
        }
    }

    /// Tell whether the pattern ends in `*` and so matches a prefix.
    pub fn is_wildcard(&self) -> bool {
        self.text.ends_with('*')
    }
}

impl fmt::Display for PathPattern {
    /// Print the path as it was written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Match paths against many invalidation patterns at once, in O(log patterns) each.
///
/// Exact paths go in one ordered set; prefixes (the wildcards' text before `*`) in
/// another, keeping only those no other prefix covers. Among such prefixes, the only
/// one that can start a path is the greatest one not after it, so a lookup is one
/// ordered search: checking every cached object against 40 000 paths costs
/// 40 000 × log 40 000 comparisons, not 40 000².
///
/// ```
/// use s3sim_model::cdn::invalidation::{PathPattern, PathSet};
/// let patterns: Vec<PathPattern> = ["/a/*", "/a/b/*", "/index.html", "/img*"]
///     .iter().map(|p| PathPattern::parse(p).unwrap()).collect();
/// let set = PathSet::new(&patterns);
/// assert!(set.matches("/a/b/c") && set.matches("/index.html") && set.matches("/img2.png"));
/// assert!(!set.matches("/index.htm") && !set.matches("/b") && !set.matches("/a"));
/// assert_eq!(set.prefixes(), 2, "/a/b/ is covered by /a/");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathSet {
    exact: BTreeSet<String>,
    /// No element is a prefix of another.
    prefixes: BTreeSet<String>,
}

impl PathSet {
    /// Index `patterns` for matching.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a PathPattern>) -> PathSet {
        let mut exact = BTreeSet::new();
        let mut all_prefixes = BTreeSet::new();
        for p in patterns {
            match p.text.strip_suffix('*') {
                Some(prefix) => all_prefixes.insert(prefix.to_string()),
                None => exact.insert(p.text.clone()),
            };
        }
        // Sorted, a prefix comes right before everything it covers.
        let mut prefixes: BTreeSet<String> = BTreeSet::new();
        let mut last: Option<String> = None;
        for prefix in all_prefixes {
            if last
                .as_ref()
                .is_some_and(|l| prefix.starts_with(l.as_str()))
            {
                continue;
            }
            last = Some(prefix.clone());
            prefixes.insert(prefix);
        }
        PathSet { exact, prefixes }
    }

    /// Tell whether any pattern matches `path`.
    pub fn matches(&self, path: &str) -> bool {
        if self.exact.contains(path) {
            return true;
        }
        self.prefixes
            .range::<str, _>((Bound::Unbounded, Bound::Included(path)))
            .next_back()
            .is_some_and(|prefix| path.starts_with(prefix.as_str()))
    }

    /// Count the prefixes kept (those no other prefix covers).
    pub fn prefixes(&self) -> usize {
        self.prefixes.len()
    }
}

/// Report what one invalidation request was billed.
///
/// ```
/// use s3sim_model::cdn::invalidation::Charge;
/// let free = Charge { paths: 3, cost_usd: 0.0 };
/// assert_eq!(free.paths, 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Charge {
    /// Paths in the request; a wildcard counts as one.
    pub paths: u32,
    /// What the paths beyond the month's free tier cost.
    pub cost_usd: f64,
}

/// Bill invalidation requests: 1000 free paths per 30-day month, then $0.005 a path.
///
/// Months are fixed 30-day windows of simulated time (month k covers
/// `[30k, 30(k+1))` days), not calendar months: a run has no calendar, and the
/// question a scenario asks is how bursts of invalidations cost, not on which date.
///
/// ```
/// use s3sim_engine::SimTime;
/// use s3sim_model::cdn::invalidation::{InvalidationLedger, PathPattern};
/// let mut ledger = InvalidationLedger::default();
/// let paths: Vec<PathPattern> =
///     (0..1002).map(|i| PathPattern::parse(&format!("/p{i}")).expect("valid")).collect();
/// let charge = ledger.charge(SimTime::ZERO, &paths);
/// assert_eq!(charge.paths, 1002);
/// assert!((charge.cost_usd - 0.01).abs() < 1e-12);
/// assert_eq!(ledger.total_usd(), charge.cost_usd);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvalidationLedger {
    /// The month the path count is for.
    month: u64,
    /// Paths charged so far in `month`.
    paths_this_month: u32,
    /// Everything billed so far.
    total_usd: f64,
}

impl InvalidationLedger {
    /// Bill an invalidation request of `patterns` made at `at`.
    ///
    /// Requests must be charged in time order; an earlier request after a later one
    /// is billed to the later one's month.
    pub fn charge(&mut self, at: SimTime, patterns: &[PathPattern]) -> Charge {
        let month = at.as_nanos() / MONTH.as_nanos();
        if month > self.month {
            self.month = month;
            self.paths_this_month = 0;
        }
        let paths = u32::try_from(patterns.len()).unwrap_or(u32::MAX);
        let free_left = FREE_PATHS_PER_MONTH.saturating_sub(self.paths_this_month);
        let billed = paths.saturating_sub(free_left);
        self.paths_this_month = self.paths_this_month.saturating_add(paths);
        let cost_usd = f64::from(billed) * USD_PER_PATH;
        self.total_usd += cost_usd;
        Charge { paths, cost_usd }
    }

    /// Return everything billed so far, in US dollars.
    pub fn total_usd(&self) -> f64 {
        self.total_usd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(n: usize) -> Vec<PathPattern> {
        (0..n)
            .map(|i| PathPattern::parse(&format!("/obj/{i}")).expect("valid"))
            .collect()
    }

    fn day(d: u64) -> SimTime {
        SimTime::from_secs(d * 86_400)
    }

    fn cost(ledger: &mut InvalidationLedger, at: SimTime, n: usize) -> f64 {
        ledger.charge(at, &paths(n)).cost_usd
    }

    #[test]
    fn wildcards_are_accepted_only_as_the_last_character() {
        for ok in ["/*", "/images/*", "/images/photo*", "/index.html", "/"] {
            assert!(PathPattern::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            PathPattern::parse("/a*b"),
            Err(PathPatternError::StarNotLast { position: 2 })
        );
        assert_eq!(
            PathPattern::parse("/**"),
            Err(PathPatternError::StarNotLast { position: 1 })
        );
    }

    #[test]
    fn empty_relative_and_overlong_paths_are_rejected() {
        assert_eq!(PathPattern::parse(""), Err(PathPatternError::Empty));
        assert_eq!(
            PathPattern::parse("index.html"),
            Err(PathPatternError::NoLeadingSlash)
        );
        let longest = format!("/{}", "a".repeat(MAX_PATH_CHARS - 1));
        assert!(PathPattern::parse(&longest).is_ok());
        let too_long = format!("{longest}a");
        assert_eq!(
            PathPattern::parse(&too_long),
            Err(PathPatternError::TooLong {
                chars: MAX_PATH_CHARS + 1
            })
        );
    }

    #[test]
    fn errors_tell_the_user_what_to_write() {
        let message = |text: &str| PathPattern::parse(text).unwrap_err().to_string();
        assert!(message("").contains("empty"));
        assert!(message("a").contains("must start with `/`"));
        assert!(message("/a*b").contains("`*` may appear only as the last character"));
        assert!(message(&"/".repeat(5000)).contains("at most 4000"));
    }

    #[test]
    fn matching_is_exact_or_prefix_and_case_sensitive() {
        let exact = PathPattern::parse("/images/a.png").expect("valid");
        assert!(exact.matches("/images/a.png"));
        assert!(!exact.matches("/images/A.png"));
        assert!(!exact.matches("/images/a.png2"));
        assert!(!exact.is_wildcard());
        let prefix = PathPattern::parse("/images/a*").expect("valid");
        assert!(prefix.matches("/images/a"));
        assert!(prefix.matches("/images/a.png"));
        assert!(!prefix.matches("/images/b.png"));
        assert!(!prefix.matches("/Images/a.png"));
        let everything = PathPattern::parse("/*").expect("valid");
        assert!(everything.matches("/") && everything.matches("/x/y/z"));
    }

    #[test]
    fn a_path_set_matches_exactly_what_some_pattern_matches() {
        let texts = [
            "/a/*", "/a/b/*", "/ab", "/abc*", "/b", "/b*", "/c/d.png", "/c/", "/", "/z*",
        ];
        let patterns: Vec<PathPattern> = texts
            .iter()
            .map(|t| PathPattern::parse(t).expect("valid"))
            .collect();
        let set = PathSet::new(&patterns);
        let probes = [
            "/", "/a", "/a/", "/a/b", "/a/b/c", "/ab", "/abc", "/abcd", "/ab/", "/b", "/bb", "/c/",
            "/c/d.png", "/c/d.pn", "/c/e", "/y", "/z", "/zz/top", "/A/b",
        ];
        for probe in probes {
            let any = patterns.iter().any(|p| p.matches(probe));
            assert_eq!(set.matches(probe), any, "{probe}");
        }
        assert_eq!(set.prefixes(), 4, "/a/, /abc, /b, /z (/a/b/ is covered)");
    }

    #[test]
    fn display_gives_back_the_text() {
        for text in ["/*", "/images/photo*", "/index.html"] {
            assert_eq!(PathPattern::parse(text).expect("valid").to_string(), text);
        }
    }

    #[test]
    fn first_thousand_paths_of_a_month_are_free() {
        let mut ledger = InvalidationLedger::default();
        assert_eq!(cost(&mut ledger, day(0), 999), 0.0);
        assert_eq!(cost(&mut ledger, day(1), 1), 0.0, "path 1000 is free");
        assert_eq!(
            cost(&mut ledger, day(2), 1),
            USD_PER_PATH,
            "path 1001 costs"
        );
        assert_eq!(ledger.total_usd(), USD_PER_PATH);
    }

    #[test]
    fn a_request_crossing_the_free_tier_pays_only_for_the_excess() {
        let mut ledger = InvalidationLedger::default();
        assert_eq!(cost(&mut ledger, day(0), 990), 0.0);
        let charge = ledger.charge(day(0), &paths(20));
        assert_eq!(charge.paths, 20);
        assert_eq!(charge.cost_usd, 10.0 * USD_PER_PATH);
    }

    #[test]
    fn a_new_month_resets_the_free_tier() {
        let mut ledger = InvalidationLedger::default();
        assert_eq!(cost(&mut ledger, day(0), 1000), 0.0);
        let last_instant = day(30) - SimDuration::from_nanos(1);
        assert_eq!(cost(&mut ledger, last_instant, 1), USD_PER_PATH);
        assert_eq!(cost(&mut ledger, day(30), 1000), 0.0);
        assert_eq!(cost(&mut ledger, day(59), 2), 2.0 * USD_PER_PATH);
        assert_eq!(
            cost(&mut ledger, day(95), 1000),
            0.0,
            "months may be skipped"
        );
    }

    #[test]
    fn a_wildcard_counts_as_one_path() {
        let mut ledger = InvalidationLedger::default();
        assert_eq!(cost(&mut ledger, day(0), 1000), 0.0);
        let everything = [PathPattern::parse("/*").expect("valid")];
        let charge = ledger.charge(day(1), &everything);
        assert_eq!(charge.paths, 1);
        assert_eq!(charge.cost_usd, USD_PER_PATH);
    }
}
