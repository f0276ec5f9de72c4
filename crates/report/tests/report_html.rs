//! `report.html`: every section is there, parsed by a real HTML parser, and its
//! numbers are those of `summary.json`.

use s3sim_report::{OutDir, RunOptions, write_results};
use scraper::{Html, Selector};
use std::path::Path;

const OPTIONS: RunOptions = RunOptions {
    seed: 7,
    replicas: 3,
    progress: false,
};

/// Write 75 minutes of the default scenario (its expectations end at 72 min) into `dir`.
fn write_default(dir: &Path) {
    let text = s3sim_scenario::DEFAULT_SCENARIO.replace("duration: \"2h\"", "duration: \"75m\"");
    let loaded = s3sim_scenario::parse(&text, "default").unwrap();
    let results = s3sim_report::run_points(&loaded, OPTIONS);
    write_results(&OutDir::new(dir), &loaded, OPTIONS, &results).unwrap();
}

fn select<'a>(page: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    page.select(&Selector::parse(css).unwrap()).collect()
}

fn text_of(page: &Html, css: &str) -> String {
    let found = select(page, css);
    assert_eq!(found.len(), 1, "{css}");
    found[0].text().collect::<String>().trim().to_string()
}

#[test]
fn report_html_has_story_numbers_charts_verdicts_scenario_and_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    write_default(&dir);
    let page = Html::parse_document(&std::fs::read_to_string(dir.join("report.html")).unwrap());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();

    for section in [
        "key-numbers",
        "expectations",
        "charts",
        "scenario",
        "provenance",
    ] {
        assert_eq!(
            select(&page, &format!("section#{section}")).len(),
            1,
            "{section}"
        );
    }
    assert_eq!(
        text_of(&page, "#story"),
        summary["description"].as_str().unwrap()
    );
    assert_eq!(text_of(&page, "h1"), "new-bucket-propagation");

    // Key numbers: every class × metric, the means exactly those of summary.json.
    let classes = summary["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 6, "all + five classes");
    for class in classes {
        let name = class["class"].as_str().unwrap();
        for metric in ["redirect_rate", "error_rate", "stale_dns_share"] {
            let css = format!("td[data-class=\"{name}\"][data-metric=\"{metric}\"]");
            let cells = select(&page, &css);
            assert_eq!(cells.len(), 1, "{css}");
            let shown: f64 = cells[0].value().attr("data-mean").unwrap().parse().unwrap();
            let json = class[metric]["mean"].as_f64().unwrap();
            // serde_json's default float parser may be off in the last bit.
            assert!(
                (shown - json).abs() <= 1e-15,
                "{name} {metric}: {shown} vs {json}"
            );
        }
    }
    assert_eq!(
        select(&page, "td[data-metric=\"redirect_rate_settled_s\"]").len(),
        6,
        "a settle time per class"
    );

    // Charts: one inline SVG per chart (the PNGs of the directory), nothing loaded.
    let pngs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(select(&page, "section#charts figure svg").len(), pngs);
    assert_eq!(pngs, 6);
    assert!(select(&page, "figure#chart-redirect_rate svg").len() == 1);
    assert!(select(&page, "script, link, img, iframe").is_empty());

    // Verdicts: one row per expectation of the default scenario (six), each PASS or FAIL.
    let verdicts = select(&page, "section#expectations tbody tr");
    assert_eq!(verdicts.len(), 6);
    for row in &verdicts {
        let word = row.text().collect::<String>();
        assert!(word.contains("PASS") || word.contains("FAIL"), "{word}");
    }

    // The scenario with defaults filled in is RON that s3sim reads back.
    let ron = text_of(&page, "section#scenario pre");
    let back = s3sim_scenario::parse(&ron, "report.html").unwrap();
    assert_eq!(back.scenario.name, "new-bucket-propagation");
    assert!(ron.contains("propagation_cap"), "defaults are written out");

    // Provenance: version, seed, replicas, hash.
    assert_eq!(
        text_of(&page, "#prov-s3sim-version"),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(text_of(&page, "#prov-seed"), "7");
    assert_eq!(text_of(&page, "#prov-replicas"), "3");
    assert_eq!(
        text_of(&page, "#prov-scenario-hash"),
        summary["scenario_hash"].as_str().unwrap()
    );
}

#[test]
fn a_sweep_report_links_each_point_to_its_own_report() {
    let text = s3sim_scenario::DEFAULT_SCENARIO
        .replace("duration: \"2h\"", "duration: \"75m\"")
        .replace(
            "    clients: [",
            "    sweep: (fields: [(path: \"dns.record_ttl\", values: [\"5s\", \"60s\"])]),\n    clients: [",
        );
    let loaded = s3sim_scenario::parse(&text, "sweep").unwrap();
    let options = RunOptions {
        replicas: 2,
        ..OPTIONS
    };
    let results = s3sim_report::run_points(&loaded, options);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    write_results(&OutDir::new(&dir), &loaded, options, &results).unwrap();
    let page = Html::parse_document(&std::fs::read_to_string(dir.join("report.html")).unwrap());
    let links: Vec<String> = select(&page, "section#points a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        links,
        [
            "0-record_ttl-5s/report.html",
            "1-record_ttl-60s/report.html"
        ]
    );
    for link in &links {
        let point = Html::parse_document(&std::fs::read_to_string(dir.join(link)).unwrap());
        assert_eq!(select(&point, "section#key-numbers").len(), 1);
        assert!(!select(&point, "section#charts svg").is_empty());
    }
    // The sweep's own charts (five summaries and the curves) are inline too.
    assert_eq!(select(&page, "section#charts figure svg").len(), 6);
}
