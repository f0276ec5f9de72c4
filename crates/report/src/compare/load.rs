//! Read back what `s3sim compare` needs from a run's results directory:
//! `replicas.csv` (per-replica whole-run values), `summary.json` (name, seed, bin)
//! and the all-clients curves of `timeseries.csv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Say why a results directory could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CompareError {
    /// The file (or directory) at fault.
    pub path: String,
    /// What is wrong and what to give instead.
    pub message: String,
}

/// The metrics whose all-clients curves the overlay charts draw.
pub(crate) const CURVE_METRICS: [&str; 2] = ["redirect_rate", "error_rate"];

/// Hold one run's results as `s3sim compare` reads them.
#[derive(Clone, Debug)]
pub struct RunDir {
    /// The directory as given.
    pub path: PathBuf,
    /// The scenario's name (`summary.json`).
    pub scenario: String,
    /// The master seed (`summary.json`).
    pub seed: u64,
    /// Replicas run (`summary.json`).
    pub replicas: u32,
    /// Classes in the order `replicas.csv` lists them (`all` first).
    pub classes: Vec<String>,
    /// Metrics in the order `replicas.csv` lists them.
    pub metrics: Vec<String>,
    /// (class, metric) → the replicas' values, in replica order.
    pub values: BTreeMap<(String, String), Vec<f64>>,
    /// metric → the all-clients curve: (bin start in seconds, mean, CI low, CI high).
    pub curves: BTreeMap<String, Vec<(f64, f64, f64, f64)>>,
    /// Bin width in seconds (`summary.json`).
    pub bin_s: f64,
}

impl RunDir {
    /// Read the results directory `path` of one run (or of one sweep point).
    ///
    /// # Errors
    ///
    /// [`CompareError`] naming the file when one is missing or malformed; a sweep's
    /// top directory is refused with the point directories to give instead.
    pub fn read(path: &Path) -> Result<RunDir, CompareError> {
        let fail = |file: &str, message: String| CompareError {
            path: path.join(file).display().to_string(),
            message,
        };
        if !path.join("replicas.csv").is_file() {
            let message = if path.join("sweep.csv").is_file() {
                "this is a sweep's directory; compare one point's directory (a sub-directory \
                 holding replicas.csv) with another"
                    .to_string()
            } else {
                "no replicas.csv here: give a directory written by `s3sim run` or `s3sim merge`"
                    .to_string()
            };
            return Err(fail("replicas.csv", message));
        }
        let summary = read_text(&path.join("summary.json"))
            .map_err(|m| fail("summary.json", m))
            .and_then(|text| {
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| fail("summary.json", e.to_string()))
            })?;
        let field = |name: &str| {
            summary
                .get(name)
                .ok_or_else(|| fail("summary.json", format!("no field `{name}`")))
        };
        let scenario = field("scenario")?.as_str().unwrap_or_default().to_string();
        let seed = field("seed")?.as_u64().unwrap_or_default();
        let replicas = field("replicas")?.as_u64().unwrap_or_default() as u32;
        let bin_s = field("bin_s")?.as_f64().unwrap_or(f64::NAN);
        let mut run = RunDir {
            path: path.to_path_buf(),
            scenario,
            seed,
            replicas,
            classes: Vec::new(),
            metrics: Vec::new(),
            values: BTreeMap::new(),
            curves: BTreeMap::new(),
            bin_s,
        };
        run.read_replicas().map_err(|m| fail("replicas.csv", m))?;
        run.read_curves().map_err(|m| fail("timeseries.csv", m))?;
        Ok(run)
    }

    /// Fill `classes`, `metrics` and `values` from `replicas.csv`.
    fn read_replicas(&mut self) -> Result<(), String> {
        let text = read_text(&self.path.join("replicas.csv"))?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(str::to_string)
            .collect();
        if header != crate::output::replicas_csv::REPLICAS_HEADER {
            return Err(format!(
                "header is {header:?}; expected replica,class,metric,value"
            ));
        }
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| e.to_string())?;
            let value: f64 = record[3]
                .parse()
                .map_err(|_| format!("row {}: value {:?} is not a number", line + 2, &record[3]))?;
            let (class, metric) = (record[1].to_string(), record[2].to_string());
            if !self.classes.contains(&class) {
                self.classes.push(class.clone());
            }
            if !self.metrics.contains(&metric) {
                self.metrics.push(metric.clone());
            }
            self.values.entry((class, metric)).or_default().push(value);
        }
        Ok(())
    }

    /// Fill `curves` with the all-clients rows of [`CURVE_METRICS`] from
    /// `timeseries.csv`.
    fn read_curves(&mut self) -> Result<(), String> {
        let text = read_text(&self.path.join("timeseries.csv"))?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| e.to_string())?;
            if record.len() < 6 || &record[1] != "all" || !CURVE_METRICS.contains(&&record[2]) {
                continue;
            }
            let number = |k: usize| {
                record[k]
                    .parse::<f64>()
                    .map_err(|_| format!("row {}: {:?} is not a number", line + 2, &record[k]))
            };
            let point = (number(0)?, number(3)?, number(4)?, number(5)?);
            self.curves
                .entry(record[2].to_string())
                .or_default()
                .push(point);
        }
        Ok(())
    }
}

/// The text of `path`, or what went wrong.
fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}
