//! Say why a chart could not be drawn.

/// Say why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw {file}: {message}")]
pub struct ChartError {
    /// The chart file.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

/// Any plotters error as the message of a [`ChartError`].
pub(crate) fn msg<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}
