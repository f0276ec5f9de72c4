//! Name sweep points on axes and in legends: their swept values, read as text.
//!
//! Values are RON in the scenario; on a chart a string reads without its quotes and a
//! long value loses its field names before it is cut, so neighbouring points stay
//! distinguishable.

use crate::sweep_summary::SweepSummary;

/// A point's values as read on an axis or in a legend: strings without their RON
/// quotes, several fields joined by ", ".
pub(crate) fn point_values(summary: &SweepSummary, point: usize) -> String {
    if let Some(name) = summary.names.get(point) {
        return name.clone();
    }
    match summary.values.get(point) {
        Some(values) if !values.is_empty() => values
            .iter()
            .map(|v| display_value(v))
            .collect::<Vec<_>>()
            .join(", "),
        _ => summary
            .labels
            .get(point)
            .cloned()
            .unwrap_or_else(|| format!("point {point}")),
    }
}

/// A RON value for reading: a string's text, anything else without its quotes.
fn display_value(ron_text: &str) -> String {
    match ron::from_str::<String>(ron_text) {
        Ok(text) => text,
        Err(_) => ron_text.replace('"', ""),
    }
}

/// `text` without the field names inside brackets, for when it is too long to show:
/// `log_normal(median: 15m, sigma: 0.6)` reads `log_normal(15m, 0.6)`.
pub(crate) fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if c == ':'
            && depth > 0
            && !word.is_empty()
            && !word.starts_with(|d: char| d.is_ascii_digit())
        {
            // A field name: drop it with its colon and the space after.
            word.clear();
            if chars.peek() == Some(&' ') {
                chars.next();
            }
            continue;
        }
        out.push_str(&std::mem::take(&mut word));
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(c);
    }
    out.push_str(&word);
    out
}

/// The longest legend label, in characters: two columns of them fit beside a plot.
const MAX_LEGEND_CHARS: usize = 26;

/// A point's values for the legend: compacted if long, then cut to length.
pub(crate) fn legend_label(values: &str) -> String {
    if values.chars().count() <= MAX_LEGEND_CHARS {
        values.to_string()
    } else {
        shorten(&compact(values))
    }
}

/// `text`, cut to [`MAX_LEGEND_CHARS`] with an ellipsis.
pub(crate) fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_LEGEND_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_LEGEND_CHARS - 1).collect();
    cut.trim_end().to_string() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_without_ron_quotes() {
        assert_eq!(display_value("\"1h\""), "1h");
        assert_eq!(display_value("0.6"), "0.6");
        assert_eq!(display_value("\"a \\\"b\\\"\""), "a \"b\"");
        assert_eq!(
            display_value("log_normal(median: \"15m\", sigma: 0.6)"),
            "log_normal(median: 15m, sigma: 0.6)"
        );
        assert_eq!(
            compact("log_normal(median: 15m, sigma: 0.6), 5m"),
            "log_normal(15m, 0.6), 5m"
        );
        assert_eq!(
            compact("quantiles([(0.0, 0s), (1.0, 2h)])"),
            "quantiles([(0.0, 0s), (1.0, 2h)])"
        );
        assert_eq!(compact("at_least(60s)"), "at_least(60s)");
        assert_eq!(
            legend_label("log_normal(median: 15m, sigma: 0.6), 15m"),
            "log_normal(15m, 0.6), 15m"
        );
        assert_eq!(shorten("short"), "short");
        assert_eq!(shorten(&"x".repeat(50)).chars().count(), MAX_LEGEND_CHARS);
    }
}
