//! Scenario errors: syntax with file:line:col and a snippet, semantics with field paths.

use std::fmt;

/// Point at one semantic problem by its field path.
///
/// ```
/// let issue = s3sim_scenario::Issue::new("clients[1].dns", "fixed ttl must be > 0");
/// assert_eq!(issue.to_string(), "clients[1].dns: fixed ttl must be > 0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Where, e.g. `clients[1].dns`.
    pub path: String,
    /// What is wrong and, where it helps, what would be right.
    pub message: String,
}

impl Issue {
    /// An issue at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Issue {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Say why a scenario could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        message: String,
    },
    /// The text is not a valid scenario (RON syntax, unknown field, wrong type).
    #[error("{origin}:{line}:{col}: {message}\n{snippet}")]
    Syntax {
        /// The file's path, or a note for built-in text.
        origin: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        col: usize,
        /// What the parser expected or refused.
        message: String,
        /// The line with the column marked, as ariadne renders it (no colour).
        snippet: String,
    },
    /// The scenario parses but makes no sense.
    #[error("{origin}: invalid scenario:\n{}", render_issues(issues))]
    Invalid {
        /// The file's path, or a note for built-in text.
        origin: String,
        /// Every problem found, each at its field path.
        issues: Vec<Issue>,
    },
}

fn render_issues(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| format!("  {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Turn a RON error met while reading the field at `path` (`clients[0].count`; empty
/// at the top) into a [`ScenarioError::Syntax`] with an ariadne snippet; the message
/// starts with the path and says what to write instead (see `crate::hints`).
pub(crate) fn syntax_error(
    source: &str,
    origin: &str,
    error: &ron::error::SpannedError,
    path: &str,
) -> ScenarioError {
    let (line, col) = (error.span.start.line, error.span.start.col);
    let text = source.split('\n').nth(line.saturating_sub(1)).unwrap_or("");
    let token = token_at(text, col, &error.span);
    let described = crate::hints::describe(&error.code, &token, path);
    let located = if path.is_empty() || path == "." {
        described
    } else {
        format!("{path}: {described}")
    };
    let message = shorten(&located, MAX_SNIPPET_CHARS * 2);
    if text.chars().count() > MAX_SNIPPET_CHARS {
        // A huge line is shown once, as a window around the column.
        let start = col.saturating_sub(1 + MAX_SNIPPET_CHARS / 2);
        let window: String = text.chars().skip(start).take(MAX_SNIPPET_CHARS).collect();
        let gutter = format!("{line} | ");
        let snippet = format!(
            "{gutter}…{window}…\n{}^ (column {col} of a {}-character line)\n",
            " ".repeat(gutter.len() + 1 + (col.saturating_sub(1) - start)),
            text.chars().count()
        );
        return ScenarioError::Syntax {
            origin: origin.into(),
            line,
            col,
            message,
            snippet,
        };
    }
    let offset = char_offset(source, line, col);
    let end = (offset + 1).min(source.chars().count()).max(offset);
    let mut out = Vec::new();
    let report = ariadne::Report::build(ariadne::ReportKind::Error, (origin, offset..end))
        .with_config(ariadne::Config::default().with_color(false))
        .with_label(ariadne::Label::new((origin, offset..end)).with_message("here"))
        .finish();
    // The message is printed once, on the `file:line:col:` line before the snippet:
    // drop ariadne's own `Error:` header line.
    let snippet = match report.write((origin, ariadne::Source::from(source)), &mut out) {
        Ok(()) => {
            let text = String::from_utf8_lossy(&out);
            text.split_once('\n')
                .map_or(String::new(), |(_, rest)| rest.to_string())
        }
        Err(_) => String::new(),
    };
    ScenarioError::Syntax {
        origin: origin.into(),
        line,
        col,
        message,
        snippet,
    }
}

/// The text the parser stopped at: the span when it lies on one line, else the
/// word starting at `col` of `text`.
fn token_at(text: &str, col: usize, span: &ron::error::Span) -> String {
    let mut start = col.saturating_sub(1);
    // RON points past the sign of an out-of-range integer.
    let sign = start > 0 && text.chars().nth(start - 1) == Some('-');
    if sign {
        start -= 1;
    }
    let col = col - usize::from(sign);
    if span.end.line == span.start.line && span.end.col > col {
        let spanned: String = text
            .chars()
            .skip(start)
            .take(span.end.col - col)
            .take(MAX_SNIPPET_CHARS)
            .collect();
        if !spanned.trim().is_empty() {
            return spanned;
        }
    }
    text.chars()
        .skip(start)
        .skip_while(|ch| ch.is_whitespace())
        .take_while(|ch| !ch.is_whitespace() && !",)]".contains(*ch))
        .take(MAX_SNIPPET_CHARS)
        .collect()
}

/// Longest source line (and parser message) shown whole in a syntax error, in characters.
const MAX_SNIPPET_CHARS: usize = 200;

/// `text`, cut to `max` characters with `…` when longer.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.into();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

/// Character offset of a 1-based (line, column) position, clamped to the text.
fn char_offset(source: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, text) in source.split('\n').enumerate() {
        let len = text.chars().count();
        if i + 1 == line {
            return offset + (col.saturating_sub(1)).min(len);
        }
        offset += len + 1;
    }
    source.chars().count()
}
