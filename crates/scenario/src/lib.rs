//! Read, check and compile s3sim scenarios written in RON.
//!
//! A scenario file is parsed into the [`schema`] types (every field documented there,
//! with its unit and default), checked by [`validate`], expanded into its sweep
//! [`points`] (each set by [`patch`]), and compiled into the model's [`WorldConfig`]
//! with names resolved to dense ids. Errors are never panics: syntax errors carry
//! `file:line:col` and a snippet, semantic ones the field path.

mod compile;
pub mod error;
mod hints;
pub mod patch;
pub mod points;
pub mod schema;
pub mod units;
pub mod validate;

pub use error::{Issue, ScenarioError};
pub use points::SweepPoint;
pub use schema::Scenario;

use s3sim_model::WorldConfig;
use std::path::Path;
use std::sync::Arc;

/// The scenario the default `s3sim run` uses: a new bucket in eu-west-1.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../scenarios/new-bucket-propagation.ron");
/// The name shown for the built-in default scenario.
pub const DEFAULT_SCENARIO_ORIGIN: &str = "scenarios/new-bucket-propagation.ron (built in)";

/// Hold a checked scenario: its source text, parsed form and compiled model.
///
/// ```
/// let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "default").unwrap();
/// assert_eq!(loaded.scenario.name, "new-bucket-propagation");
/// assert!(loaded.world.classes.len() >= 3);
/// ```
#[derive(Clone, Debug)]
pub struct LoadedScenario {
    /// Exactly the text that was read.
    pub source: String,
    /// Where it came from (a path, or a note for built-ins).
    pub origin: String,
    /// The parsed scenario, defaults filled in.
    pub scenario: Scenario,
    /// The model configuration it compiles to (without any sweep setting); shared
    /// with the one point of a scenario without a sweep.
    pub world: Arc<WorldConfig>,
    /// Its sweep points; exactly one when there is no sweep.
    pub points: Vec<SweepPoint>,
}

impl LoadedScenario {
    /// A stable hash of the source text (FNV-1a, hex), written into results.
    pub fn source_hash(&self) -> String {
        format!("{:016x}", s3sim_engine::stable_hash(self.source.as_bytes()))
    }
}

/// The largest scenario file s3sim reads: 16 MiB, thousands of times the largest
/// shipped scenario (5 KB), so that `/dev/zero` or a wrong multi-gigabyte file is refused at
/// once instead of filling memory.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Read and check the scenario file at `path`.
///
/// # Errors
///
/// [`ScenarioError::Io`] when the file cannot be read or is larger than
/// [`MAX_SCENARIO_BYTES`], else as [`parse`].
pub fn load(path: &Path) -> Result<LoadedScenario, ScenarioError> {
    let source = read_capped(path, MAX_SCENARIO_BYTES).map_err(|e| ScenarioError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse(&source, &path.display().to_string())
}

/// Read the UTF-8 text file at `path`, refusing it before reading further when it is
/// larger than `max_bytes`.
///
/// A regular file is refused by its size, unread; anything else (a device or pipe
/// without end, like `/dev/zero`) after `max_bytes + 1` bytes.
///
/// ```
/// let tmp = std::env::temp_dir().join("s3sim-read-capped-doc.txt");
/// std::fs::write(&tmp, "12345").unwrap();
/// assert_eq!(s3sim_scenario::read_capped(&tmp, 5).unwrap(), "12345");
/// let err = s3sim_scenario::read_capped(&tmp, 4).unwrap_err();
/// assert_eq!(err.to_string(), "larger than 4 bytes, the most s3sim reads from this file");
/// ```
///
/// # Errors
///
/// The I/O error when the file cannot be opened or read; `FileTooLarge` naming the
/// cap when it holds more than `max_bytes`; `InvalidData` with the byte offset, line
/// and column of the first byte that is not UTF-8.
pub fn read_capped(path: &Path, max_bytes: u64) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), e.utf8_error().valid_up_to()))
}

/// Say where the first byte that is not UTF-8 lies: byte offset, line and column.
fn not_utf8(bytes: &[u8], at: usize) -> std::io::Error {
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // `before` is valid UTF-8 up to `at`, so its characters can be counted.
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "not UTF-8 text: byte 0x{:02x} at byte offset {at} (line {line}, column {col}); \
             save the file as UTF-8",
            bytes[at]
        ),
    )
}

/// Parse and check scenario text; `origin` names it in error messages.
///
/// # Errors
///
/// [`ScenarioError::Syntax`] when the text is not a well-typed scenario;
/// [`ScenarioError::Invalid`] with every semantic issue of the scenario, its sweep
/// points or its expectations.
pub fn parse(source: &str, origin: &str) -> Result<LoadedScenario, ScenarioError> {
    let scenario = schema::from_ron(source, origin)?;
    let invalid = |issues| ScenarioError::Invalid {
        origin: origin.into(),
        issues,
    };
    validate::check(&scenario).map_err(invalid)?;
    let points = points::expand(&scenario).map_err(invalid)?;
    let durations: Vec<_> = points.iter().map(|p| p.duration).collect();
    validate::expectations(&scenario, &durations).map_err(invalid)?;
    // Without a sweep the only point is the scenario itself, compiled once.
    let world = match scenario.sweep {
        None => points[0].world(),
        Some(_) => Arc::new(compile::compile(&scenario)),
    };
    Ok(LoadedScenario {
        source: source.into(),
        origin: origin.into(),
        scenario,
        world,
        points,
    })
}

fn too_large(max_bytes: u64) -> std::io::Error {
    let cap = if max_bytes >= 1 << 20 && max_bytes & ((1 << 20) - 1) == 0 {
        format!("{} MiB", max_bytes >> 20)
    } else {
        format!("{max_bytes} bytes")
    };
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("larger than {cap}, the most s3sim reads from this file"),
    )
}
