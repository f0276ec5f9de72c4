//! A share's 95 % interval never leaves [0, 1] in the outputs, though the Student-t
//! interval around a mean near 0 does: clamped in `timeseries.csv` and `summary.json`.

use s3sim_model::metrics::Metric;
use s3sim_report::{OutDir, RunOptions, write_results};

#[test]
fn share_intervals_are_clamped_to_0_and_1_in_timeseries_csv_and_summary_json() {
    // The default story without its expectations (they look past 40 min).
    let story = s3sim_scenario::DEFAULT_SCENARIO
        .split("    expect: [")
        .next()
        .unwrap();
    let text = format!("{story})").replace("duration: \"2h\"", "duration: \"40m\"");
    let loaded = s3sim_scenario::parse(&text, "default").unwrap();
    let options = RunOptions {
        seed: 11,
        replicas: 3,
        progress: false,
    };
    let results = s3sim_report::run_points(&loaded, options);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_results(&OutDir::new(&out), &loaded, options, &results).unwrap();
    let shares: Vec<String> = Metric::all()
        .filter(|m| m.unit() == "share")
        .map(|m| m.name())
        .collect();
    assert!(shares.contains(&"redirect_rate".to_string()));

    let mut reader = csv::Reader::from_path(out.join("timeseries.csv")).unwrap();
    let (mut rows, mut clamped) = (0, 0);
    for record in reader.records() {
        let r = record.unwrap();
        if !shares.iter().any(|s| s == &r[2]) {
            continue;
        }
        let [mean, low, high] = [3, 4, 5].map(|k| r[k].parse::<f64>().unwrap());
        assert!(
            (0.0..=mean).contains(&low) && (mean..=1.0).contains(&high),
            "{r:?}"
        );
        rows += 1;
        if low == 0.0 && mean > 0.0 {
            clamped += 1;
        }
    }
    assert!(rows > 1000, "{rows}");
    // Without the clamp these intervals would start below 0.
    assert!(clamped > 10, "{clamped} of {rows} share rows clamped at 0");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mut checked = 0;
    for class in summary["classes"].as_array().unwrap() {
        for share in &shares {
            let Some(e) = class.get(share) else { continue };
            if e["n"].as_u64() == Some(0) {
                continue;
            }
            let low = e["ci95_low"].as_f64().unwrap();
            let high = e["ci95_high"].as_f64().unwrap();
            assert!(0.0 <= low && high <= 1.0, "{} {share}: {e}", class["class"]);
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}
