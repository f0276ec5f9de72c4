//! Write `report.html`: one self-contained page per run, sweep point and sweep.
//!
//! The page tells the scenario's story (its description), gives the key whole-run
//! numbers with 95 % confidence intervals (including when the redirect rate settled),
//! draws every chart inline as SVG, lists the expectation verdicts, shows the scenario
//! with every default filled in and says what produced it (s3sim version, seed,
//! replicas, scenario hash). It loads nothing (no script, no font, no network), so it
//! opens in any browser and prints (print CSS keeps figures and tables whole).
//!
//! Every text from the scenario or the run is escaped by `html-escape`; nothing in the
//! page depends on the wall clock, so a merged run writes the same page as a plain one.

use crate::aggregate::Aggregate;
use crate::charts::InlineChart;
use crate::expectations::Verdict;
use crate::runner::{RunOptions, RunResult};
use crate::stats::Estimate;
use crate::sweep_summary::{SETTLE_THRESHOLD, SummaryMetric, SweepSummary, settled};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use s3sim_model::metrics::{Counter, Metric};
use s3sim_scenario::LoadedScenario;
use std::fmt::Write;

/// The style sheet of every page: readable on screen, figures and tables unbroken
/// in print.
const STYLE: &str = "
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; color: #1a1a1a;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #bbb; padding-bottom: 0.2em; margin-top: 2em; }
p.story { font-size: 1.05em; max-width: 60em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eee; }
td .ci { display: block; color: #555; font-size: 0.85em; white-space: nowrap; }
td.pass { color: #0a6b1f; font-weight: bold; }
td.fail { color: #a30d0d; font-weight: bold; }
figure { margin: 1.2em 0; }
figure svg { width: 100%; height: auto; border: 1px solid #ddd; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto;
      font-size: 0.8em; white-space: pre-wrap; }
dl.provenance { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dl.provenance dt { font-weight: bold; }
dl.provenance dd { margin: 0; font-family: monospace; }
p.note { color: #555; font-size: 0.9em; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, table, tr { break-inside: avoid; }
  pre { white-space: pre-wrap; font-size: 7pt; overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
";

/// How a key number is written.
#[derive(Clone, Copy)]
enum Shown {
    /// A whole count.
    Count,
    /// A share, as a percentage; its interval clamped to [0, 100] %.
    Percent,
    /// A plain decimal number.
    Decimal,
    /// Seconds, written as a duration (`1h 11m`).
    Duration,
}

/// A column of the key-numbers table.
struct KeyNumber {
    header: &'static str,
    /// The name in outputs (`data-metric`).
    name: &'static str,
    metric: SummaryMetric,
    shown: Shown,
}

/// The key numbers of a run, per class, in table order.
const KEY_NUMBERS: [KeyNumber; 6] = [
    KeyNumber {
        header: "requests",
        name: "requests",
        metric: SummaryMetric::Total(Metric::Count(Counter::Requests)),
        shown: Shown::Count,
    },
    KeyNumber {
        header: "redirect rate",
        name: "redirect_rate",
        metric: SummaryMetric::Total(Metric::RedirectRate),
        shown: Shown::Percent,
    },
    KeyNumber {
        header: "error rate",
        name: "error_rate",
        metric: SummaryMetric::Total(Metric::ErrorRate),
        shown: Shown::Percent,
    },
    KeyNumber {
        header: "stale DNS share",
        name: "stale_dns_share",
        metric: SummaryMetric::Total(Metric::StaleDnsShare),
        shown: Shown::Percent,
    },
    KeyNumber {
        header: "extra round trips / request",
        name: "extra_round_trips_per_request",
        metric: SummaryMetric::Total(Metric::ExtraRoundTripsPerRequest),
        shown: Shown::Decimal,
    },
    KeyNumber {
        header: "redirect rate settled at",
        name: "redirect_rate_settled_s",
        metric: SummaryMetric::RedirectsSettled,
        shown: Shown::Duration,
    },
];

/// Write a number of kind `shown`; `–` when undefined.
fn number(value: f64, shown: Shown) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    match shown {
        Shown::Count => format!("{value:.0}"),
        Shown::Percent => format!("{:.3} %", 100.0 * value),
        Shown::Decimal => format!("{value:.4}"),
        Shown::Duration => duration(value),
    }
}

/// Write `seconds` as a duration: `1h 11m`, `45s`, `2m 30s`.
pub(crate) fn duration(seconds: f64) -> String {
    crate::fmt::duration(seconds).unwrap_or_else(|| "–".into())
}

/// One table cell of an estimate: the mean, its 95 % interval under it, and the mean
/// at full precision in `data-mean` (for programs reading the page).
fn estimate_cell(e: Estimate, shown: Shown, class: &str, name: &str) -> String {
    let (low, high) = match shown {
        Shown::Percent => (e.low.clamp(0.0, 1.0), e.high.clamp(0.0, 1.0)),
        _ => (e.low, e.high),
    };
    let ci = if e.n > 1 {
        format!(
            "<span class=\"ci\">[{}, {}]</span>",
            text(&number(low, shown)),
            text(&number(high, shown))
        )
    } else {
        String::new()
    };
    format!(
        "<td data-class=\"{}\" data-metric=\"{}\" data-mean=\"{}\">{}{ci}</td>",
        attr(class),
        attr(name),
        e.mean,
        text(&number(e.mean, shown))
    )
}

/// The opening of a page: doctype, head with the style sheet, the title and story.
fn head(page: &mut String, title: &str, story: &str) {
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t} — s3sim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>{t}</h1>\n<p class=\"story\" id=\"story\">{s}</p>\n</header>\n",
        t = text(title),
        s = text(story.trim()),
    );
}

/// The provenance section: what produced the page, so a reader can reproduce it.
fn provenance(
    page: &mut String,
    loaded: &LoadedScenario,
    options: RunOptions,
    extra: &[(&str, String)],
) {
    page.push_str("<section id=\"provenance\">\n<h2>Provenance</h2>\n<dl class=\"provenance\">\n");
    let rows = [
        ("s3sim version", env!("CARGO_PKG_VERSION").to_string()),
        ("scenario", loaded.scenario.name.clone()),
        ("scenario source", loaded.origin.clone()),
        ("scenario hash", loaded.source_hash()),
        ("seed", options.seed.to_string()),
        ("replicas", options.replicas.to_string()),
        ("simulated", format!("{}", loaded.world.duration)),
    ];
    for (key, value) in rows
        .iter()
        .map(|(k, v)| (*k, v))
        .chain(extra.iter().map(|(k, v)| (*k, v)))
    {
        let id = key.replace(' ', "-");
        let _ = writeln!(
            page,
            "<dt>{}</dt><dd id=\"prov-{}\">{}</dd>",
            text(key),
            attr(&id),
            text(value)
        );
    }
    page.push_str("</dl>\n</section>\n");
}

/// The key-numbers table of one point: a row per group (`all` first).
fn key_numbers(page: &mut String, result: &RunResult) {
    let agg: &Aggregate = &result.aggregate;
    page.push_str(
        "<section id=\"key-numbers\">\n<h2>Key numbers</h2>\n\
         <p class=\"note\">Whole-run means over replicas, 95 % Student-t confidence interval \
         under each (rates clamped to [0, 100] %).",
    );
    let _ = writeln!(
        page,
        " The redirect rate settled at the start of the first time bin after which every bin \
         stays at or below {} %, counted from the start of the run; – when it never did.</p>",
        100.0 * SETTLE_THRESHOLD
    );
    page.push_str("<table>\n<thead><tr><th>class</th>");
    for key in &KEY_NUMBERS {
        let _ = write!(page, "<th>{}</th>", text(key.header));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for (g, group) in agg.groups.iter().enumerate() {
        let _ = write!(page, "<tr><th scope=\"row\">{}</th>", text(group));
        for key in &KEY_NUMBERS {
            let e = match key.metric {
                SummaryMetric::Total(m) => agg.total(g, m),
                SummaryMetric::RedirectsSettled => settled(result, g),
            };
            page.push_str(&estimate_cell(e, key.shown, group, key.name));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

/// The expectations section: one row per verdict.
fn verdicts(page: &mut String, verdicts: &[Verdict], has_expectations: bool) {
    page.push_str("<section id=\"expectations\">\n<h2>Expectations</h2>\n");
    if !has_expectations {
        page.push_str("<p>This scenario states no expectations.</p>\n</section>\n");
        return;
    }
    page.push_str(
        "<table>\n<thead><tr><th>expectation</th><th>verdict</th><th>measured</th>\
         <th>95 % CI</th><th>n</th><th>note</th></tr></thead>\n<tbody>\n",
    );
    for v in verdicts {
        let (class, word) = if v.passed {
            ("pass", "PASS")
        } else {
            ("fail", "FAIL")
        };
        let e = v.measured;
        // A settle time is measured in seconds: written as a duration.
        let shown = if v.name.contains("settles_below(") {
            Shown::Duration
        } else {
            Shown::Decimal
        };
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"{class}\">{word}</td><td>{}</td><td>[{}, {}]</td>\
             <td>{}</td><td>{}</td></tr>",
            text(&v.name),
            number(e.mean, shown),
            number(e.low, shown),
            number(e.high, shown),
            e.n,
            text(&v.note)
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

/// The charts section: every chart inline.
fn charts(page: &mut String, charts: &[InlineChart]) {
    page.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for chart in charts {
        let _ = write!(
            page,
            "<figure id=\"chart-{}\" aria-label=\"{}\">\n{}\n</figure>\n",
            attr(&chart.stem),
            attr(&chart.title),
            chart.svg.trim()
        );
    }
    page.push_str("</section>\n");
}

/// The scenario section: the scenario as RON with every default filled in.
fn scenario(page: &mut String, ron: &str) {
    let _ = write!(
        page,
        "<section id=\"scenario\">\n<h2>Scenario (defaults filled in)</h2>\n\
         <pre>{}</pre>\n</section>\n",
        text(ron)
    );
}

/// Close the page.
fn foot(page: &mut String) {
    page.push_str(
        "<footer><p class=\"note\">Written by s3sim; self-contained (no scripts, fonts or \
         network).</p></footer>\n</body>\n</html>\n",
    );
}

/// What a point's page shows besides its results.
pub(crate) struct PointPage<'a> {
    /// The scenario (for its story and provenance).
    pub(crate) loaded: &'a LoadedScenario,
    /// Seed and replicas.
    pub(crate) options: RunOptions,
    /// The page's heading.
    pub(crate) title: &'a str,
    /// For a sweep point, its label; `None` for a run without a sweep.
    pub(crate) point: Option<String>,
    /// The scenario with defaults filled in, as RON.
    pub(crate) ron: &'a str,
    /// Verdicts of the expectations at this point (empty for a sweep point: the
    /// sweep's page lists them).
    pub(crate) verdicts: &'a [Verdict],
}

/// The text of `report.html` for one run (or one point of a sweep).
pub(crate) fn point_page(
    page_of: &PointPage<'_>,
    result: &RunResult,
    inline: &[InlineChart],
) -> String {
    let mut page = String::new();
    head(
        &mut page,
        page_of.title,
        &page_of.loaded.scenario.description,
    );
    let extra: Vec<(&str, String)> = page_of
        .point
        .iter()
        .map(|label| ("sweep point", label.clone()))
        .collect();
    key_numbers(&mut page, result);
    if page_of.point.is_none() {
        verdicts(
            &mut page,
            page_of.verdicts,
            !page_of.loaded.scenario.expect.is_empty(),
        );
    }
    provenance(&mut page, page_of.loaded, page_of.options, &extra);
    charts(&mut page, inline);
    scenario(&mut page, page_of.ron);
    foot(&mut page);
    page
}

/// What a sweep's page shows.
pub(crate) struct SweepPage<'a> {
    /// The scenario.
    pub(crate) loaded: &'a LoadedScenario,
    /// Seed and replicas.
    pub(crate) options: RunOptions,
    /// Every point's whole-run estimates.
    pub(crate) summary: &'a SweepSummary,
    /// Each point's directory, in sweep order (its page is `<dir>/report.html`).
    pub(crate) point_dirs: &'a [String],
    /// The scenario with defaults filled in, as RON.
    pub(crate) ron: &'a str,
    /// Every verdict of the sweep's expectations.
    pub(crate) verdicts: &'a [Verdict],
}

/// The text of the sweep's `report.html`: a table of the points (the `all` group's
/// key numbers, each linking to the point's own page), the verdicts and the sweep
/// charts.
pub(crate) fn sweep_page(sweep: &SweepPage<'_>, inline: &[InlineChart]) -> String {
    let mut page = String::new();
    let loaded = sweep.loaded;
    head(
        &mut page,
        &loaded.scenario.name,
        &loaded.scenario.description,
    );
    page.push_str(
        "<section id=\"points\">\n<h2>Sweep points</h2>\n<p class=\"note\">All clients; \
         whole-run means with 95 % CIs. Each point links to its own report.</p>\n\
         <table>\n<thead><tr><th>point</th>",
    );
    for key in &KEY_NUMBERS {
        let _ = write!(page, "<th>{}</th>", text(key.header));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for (p, dir) in sweep.point_dirs.iter().enumerate() {
        let _ = write!(
            page,
            "<tr><th scope=\"row\"><a href=\"{}/report.html\">{}</a></th>",
            attr(dir),
            text(&sweep.summary.labels[p])
        );
        for key in &KEY_NUMBERS {
            let e = sweep.summary.get(p, 0, key.metric);
            page.push_str(&estimate_cell(
                e,
                key.shown,
                &sweep.summary.labels[p],
                key.name,
            ));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
    verdicts(
        &mut page,
        sweep.verdicts,
        !loaded.scenario.expect.is_empty(),
    );
    provenance(
        &mut page,
        loaded,
        sweep.options,
        &[("sweep points", sweep.point_dirs.len().to_string())],
    );
    charts(&mut page, inline);
    scenario(&mut page, sweep.ron);
    foot(&mut page);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_in_hours_minutes_and_seconds() {
        assert_eq!(duration(4260.0), "1h 11m");
        assert_eq!(duration(150.0), "2m 30s");
        assert_eq!(duration(f64::NAN), "–");
    }

    #[test]
    fn rate_intervals_are_clamped_to_zero_and_one_hundred_percent() {
        let e = Estimate {
            mean: 0.001,
            low: -0.002,
            high: 0.004,
            n: 3,
        };
        let cell = estimate_cell(e, Shown::Percent, "a<b", "error_rate");
        assert_eq!(
            cell,
            "<td data-class=\"a&lt;b\" data-metric=\"error_rate\" data-mean=\"0.001\">0.100 %\
             <span class=\"ci\">[0.000 %, 0.400 %]</span></td>"
        );
    }
}
