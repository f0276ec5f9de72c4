//! What to write instead: the forms a field takes and plain words for the parser's
//! complaints, added to syntax errors and to sweep values that do not parse.
//!
//! The RON parser says what it expected (`Expected identifier`, `Integer is out of
//! bounds`) but not which field it was reading or how that field is written; these
//! hints close the gap, keyed by the field path with list indices dropped.

/// Deepest nesting of lists, tuples and structs the parser accepts (RON's default
/// recursion limit); the shipped scenarios nest at most 8 levels deep.
pub(crate) const MAX_NESTING: usize = 128;

/// The forms the field at `path` (e.g. `clients[1].dns`) is written in, when it is one
/// of the enumerated fields (policies, distributions, modes).
pub(crate) fn forms(path: &str) -> Option<&'static str> {
    let plain = strip_indices(path);
    let last = plain.rsplit('.').next().unwrap_or("");
    let delay = "fixed(\"1s\"), uniform(low: \"1s\", high: \"5s\"), exponential(mean: \"1s\"), \
                 log_normal(median: \"10m\", sigma: 1.4) or quantiles([(0.0, \"0s\"), (1.0, \"1h\")])";
    Some(match last {
        "dns" if plain.starts_with("clients") => {
            "none, honor_ttl, fixed(\"30s\"), at_least(\"30s\"), forever or until_restart"
        }
        "arrivals" => {
            "poisson(\"1/min\"), periodic(\"10s\") or poisson_ramp(from: \"1/min\", to: \"10/min\")"
        }
        "lifetime" => "long_lived, restart_every(\"1h\") or per_request",
        "addressing" => {
            "virtual_global, virtual_regional, path_global, path_regional, website, virtual_dualstack or path_dualstack"
        }
        "popularity" | "key_popularity" => "uniform or zipf(1.1)",
        "redirects" if plain.starts_with("clients") => {
            "none, follow_location(max_hops: 10), sdk_region(cache: forever) or sticky(max_hops: 10)"
        }
        "redirects" if plain.starts_with("cdn") => "legacy or current",
        "cache" if plain.contains("redirects") => "none, forever or ttl(\"1h\")",
        "origin" if plain.starts_with("cdn") => "global, regional or website",
        "propagation" | "service_time" | "invalidation_delay" => delay,
        "mode" if plain.starts_with("sweep") => "product or zip",
        "mode" if plain.starts_with("events") => "refused or black_holed",
        _ => return None,
    })
}

/// `path` without its list indices: `clients[1].dns` → `clients.dns`.
fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for ch in path.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// The parser's complaint `code` about `token` (the text it stopped at) in plain words,
/// with what to write at `path` instead.
pub(crate) fn describe(code: &ron::Error, token: &str, path: &str) -> String {
    let field = path.rsplit('.').next().unwrap_or(path);
    let mut text = match code {
        ron::Error::ExceededRecursionLimit => format!(
            "lists, tuples and parentheses are nested more than {MAX_NESTING} levels deep here; \
             a scenario needs about 10 at most (the shipped ones use up to 8): look for \
             repeated or unclosed `[` or `(`"
        ),
        ron::Error::IntegerOutOfBounds if token.trim_start().starts_with('-') => format!(
            "{} is negative; this field takes a whole number from 0 up: write e.g. `{field}: {}`",
            token.trim(),
            token.trim().trim_start_matches('-')
        ),
        ron::Error::IntegerOutOfBounds => format!(
            "{} is larger than this field can hold: write a smaller whole number (see the \
             field's limit in the README)",
            token.trim()
        ),
        ron::Error::NoSuchStructField {
            expected, found, ..
        }
        | ron::Error::NoSuchEnumVariant {
            expected, found, ..
        } => {
            format!("{code}{}", did_you_mean(found, expected.iter().copied()))
        }
        ron::Error::ExpectedString => format!(
            "expected a string: write the value in double quotes, e.g. `{field}: \"{}\"`",
            token.trim().trim_matches('"')
        ),
        other => other.to_string(),
    };
    text.push_str(&forms_note(path));
    text
}

/// Names at least this similar (Jaro-Winkler, 0 to 1) to a misspelt one are offered.
const SIMILAR: f64 = 0.8;

/// Suggest the known names closest to `found`: `" (did you mean `redirects`?)"`, every
/// name tied for closest (`` `iad-a` or `iad-b` ``), or nothing when none is close.
///
/// Why: a misspelt field or name is the commonest slip in a hand-written scenario, and
/// the list of every known name is long; the nearest one is usually what was meant.
/// Similarity is Jaro-Winkler (`strsim`), the measure clap uses for its suggestions.
pub(crate) fn did_you_mean<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let scored: Vec<(f64, &str)> = known
        .into_iter()
        .map(|name| (strsim::jaro_winkler(found, name), name))
        .filter(|&(score, _)| score >= SIMILAR)
        .collect();
    let Some(top) = scored.iter().map(|&(score, _)| score).reduce(f64::max) else {
        return String::new();
    };
    let closest: Vec<String> = scored
        .iter()
        .filter(|&&(score, _)| score == top)
        .map(|(_, name)| format!("`{name}`"))
        .collect();
    format!(" (did you mean {}?)", closest.join(" or "))
}

/// `; `dns` is written as one of: …` for an enumerated field at `path`, else nothing.
pub(crate) fn forms_note(path: &str) -> String {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    match forms(path) {
        Some(forms) => format!("; `{field}` is written as one of: {forms}"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_name_gets_the_closest_known_one() {
        let fields = ["dns", "redirects", "retry", "region"];
        assert_eq!(
            did_you_mean("redirect", fields),
            " (did you mean `redirects`?)"
        );
        assert_eq!(did_you_mean("regoin", fields), " (did you mean `region`?)");
        assert_eq!(did_you_mean("stack", fields), "");
        assert_eq!(
            did_you_mean("iad-z", ["eu-west-1", "iad-a", "iad-b"]),
            " (did you mean `iad-a` or `iad-b`?)"
        );
        assert_eq!(did_you_mean("x", []), "");
    }

    #[test]
    fn forms_are_found_by_path_without_indices() {
        assert_eq!(strip_indices("clients[12].dns"), "clients.dns");
        assert!(forms("clients[1].dns").unwrap().contains("fixed(\"30s\")"));
        assert!(forms("dns.propagation").unwrap().contains("log_normal"));
        assert_eq!(forms("dns.record_ttl"), None);
        assert_eq!(
            forms("cdn.distributions[0].redirects"),
            Some("legacy or current")
        );
    }
}
