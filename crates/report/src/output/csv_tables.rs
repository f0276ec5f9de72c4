//! Write the CSV tables of a run: the time series, the facility load, the sweep summary.
//!
//! The tables are tidy (one estimate per row, keys first), so any plotting tool can
//! filter and pivot them. The `csv` crate quotes a field only when it holds a comma, a
//! quote or a line break (RFC 4180) and ends rows with `\n`; numbers are written by
//! Rust's `Display`, the shortest text that reads back as the same `f64`.

use super::files::OutputError;
use crate::aggregate::Aggregate;
use crate::stats::Estimate;
use crate::sweep_summary::{SweepSummary, csv_label, si_value};
use s3sim_model::metrics::facility::FacilityMetric;
use std::io::Write;

/// Write the tidy time series: `time_s,class,metric,mean,ci95_low,ci95_high`, one row
/// per defined (bin, group, metric).
///
/// # Errors
///
/// [`OutputError::Encode`] if the CSV writer fails.
pub fn timeseries_csv(aggregate: &Aggregate) -> Result<String, OutputError> {
    text(
        write_timeseries_csv(aggregate, Vec::new())?,
        "timeseries.csv",
    )
}

/// Write [`timeseries_csv`] row by row into `out` (a file: the table is never whole in
/// memory), giving `out` back.
///
/// # Errors
///
/// [`OutputError::Encode`] if the CSV writer or `out` fails.
pub fn write_timeseries_csv<W: Write>(aggregate: &Aggregate, out: W) -> Result<W, OutputError> {
    let mut table = Table::new("timeseries.csv", &["time_s", "class", "metric"], false, out)?;
    let names: Vec<String> = aggregate.metrics.iter().map(|m| m.name()).collect();
    for bin in 0..aggregate.bins {
        let time = aggregate.bin_start_s(bin).to_string();
        let estimates = aggregate.bin(bin);
        let cells = aggregate
            .groups
            .iter()
            .flat_map(|class| names.iter().map(move |name| (class, name)));
        for ((class, name), &e) in cells.zip(&estimates) {
            table.row(&[&time, class, name], e)?;
        }
    }
    table.finish()
}

/// Write the facility load time series:
/// `time_s,facility,metric,mean,ci95_low,ci95_high`, one row per defined (bin,
/// facility, metric).
///
/// # Errors
///
/// [`OutputError::Encode`] if the CSV writer fails.
pub fn facilities_csv(aggregate: &Aggregate) -> Result<String, OutputError> {
    text(
        write_facilities_csv(aggregate, Vec::new())?,
        "facilities.csv",
    )
}

/// Write [`facilities_csv`] row by row into `out`, giving `out` back.
///
/// # Errors
///
/// [`OutputError::Encode`] if the CSV writer or `out` fails.
pub fn write_facilities_csv<W: Write>(aggregate: &Aggregate, out: W) -> Result<W, OutputError> {
    let mut table = Table::new(
        "facilities.csv",
        &["time_s", "facility", "metric"],
        false,
        out,
    )?;
    for bin in 0..aggregate.bins {
        let time = aggregate.bin_start_s(bin).to_string();
        for (f, facility) in aggregate.facilities.iter().enumerate() {
            for metric in FacilityMetric::ALL {
                let e = aggregate.facility(bin, f, metric);
                table.row(&[&time, facility, metric.name()], e)?;
            }
        }
    }
    table.finish()
}

/// Write `sweep.csv`: `point,label,<path>…,class,metric,mean,ci95_low,ci95_high,n`, one
/// row per point × class × defined summary metric.
///
/// `label` names the point ([`csv_label`]: its name, or `path=value; …`); each `<path>`
/// column holds the swept value as a plain number in SI units ([`si_value`]: seconds,
/// per second), so that a plotting tool reads it without parsing RON.
///
/// # Errors
///
/// [`OutputError::Encode`] if the CSV writer fails, e.g. when a point does not set
/// every swept path.
pub fn sweep_csv(summary: &SweepSummary) -> Result<String, OutputError> {
    let mut keys = vec!["point", "label"];
    keys.extend(summary.paths.iter().map(String::as_str));
    keys.extend(["class", "metric"]);
    let mut table = Table::new("sweep.csv", &keys, true, Vec::new())?;
    for point in 0..summary.points() {
        let index = point.to_string();
        let values: Vec<String> = summary.values[point].iter().map(|v| si_value(v)).collect();
        let name = summary.names.get(point).map(String::as_str);
        let label = csv_label(name, &summary.paths, &summary.values[point]);
        for (group, class) in summary.groups.iter().enumerate() {
            for &metric in &summary.metrics {
                let name = metric.name();
                let mut keys = vec![index.as_str(), label.as_str()];
                keys.extend(values.iter().map(String::as_str));
                keys.extend([class.as_str(), name.as_str()]);
                table.row(&keys, summary.get(point, group, metric))?;
            }
        }
    }
    text(table.finish()?, "sweep.csv")
}

/// The text of a table written into memory.
fn text(bytes: Vec<u8>, file: &str) -> Result<String, OutputError> {
    String::from_utf8(bytes).map_err(|e| encode(file, e.to_string()))
}

/// A CSV table written into `W` as rows come: key columns, then an estimate's columns.
struct Table<W: Write> {
    /// The file the table becomes, for errors.
    file: &'static str,
    writer: csv::Writer<W>,
    /// Whether rows end with how many replicas had a value.
    counted: bool,
}

impl<W: Write> Table<W> {
    /// Start a table whose header is `keys`, then `mean,ci95_low,ci95_high` (and `n`).
    fn new(
        file: &'static str,
        keys: &[&str],
        counted: bool,
        out: W,
    ) -> Result<Table<W>, OutputError> {
        let mut table = Table {
            file,
            writer: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .quote_style(csv::QuoteStyle::Necessary)
                .from_writer(out),
            counted,
        };
        let estimate = ["mean", "ci95_low", "ci95_high", "n"];
        let estimate = &estimate[..if counted { 4 } else { 3 }];
        table.write(keys.iter().chain(estimate).copied())?;
        Ok(table)
    }

    /// Add the row of `keys` and the estimate `e`, unless no replica had a value.
    fn row(&mut self, keys: &[&str], e: Estimate) -> Result<(), OutputError> {
        if e.n == 0 {
            return Ok(());
        }
        let mut numbers = vec![e.mean.to_string(), e.low.to_string(), e.high.to_string()];
        if self.counted {
            numbers.push(e.n.to_string());
        }
        self.write(
            keys.iter()
                .copied()
                .chain(numbers.iter().map(String::as_str)),
        )
    }

    fn write<'f>(&mut self, fields: impl IntoIterator<Item = &'f str>) -> Result<(), OutputError> {
        let file = self.file;
        self.writer
            .write_record(fields)
            .map_err(|e| encode(file, e.to_string()))
    }

    /// Flush the table and give its writer back.
    fn finish(self) -> Result<W, OutputError> {
        let file = self.file;
        self.writer
            .into_inner()
            .map_err(|e| encode(file, e.to_string()))
    }
}

fn encode(path: &str, message: String) -> OutputError {
    OutputError::Encode {
        path: path.into(),
        message,
    }
}
