//! Write files so that a failed run never leaves half a result under its final name.
//!
//! A run's files go into a temporary directory beside the target, which is renamed into
//! place once everything is written; a single file goes to a temporary file that is
//! renamed the same way. On any error the previous results stay as they were.

use crate::charts::ChartError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Say why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or directory operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A chart failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// Serialising failed.
    #[error("{path}: {message}")]
    Encode {
        /// The file being written.
        path: String,
        /// What the encoder said.
        message: String,
    },
}

/// Turn an I/O error about `path` into an [`OutputError`].
pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The directory `path` lies in: `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A temporary directory beside `dir`, removed unless renamed into place.
pub(crate) fn staging_dir(dir: &Path) -> Result<tempfile::TempDir, OutputError> {
    let parent = parent_dir(dir);
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    tempfile::Builder::new()
        .prefix(".s3sim-")
        .tempdir_in(parent)
        .map_err(io(parent))
}

/// Write `bytes` to the file `name` in `dir` (a staging directory); returns its path.
pub(crate) fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(io(&path))?;
    Ok(path)
}

/// Put the finished `staging` directory in the place of `dir`.
pub(crate) fn replace_dir(staging: tempfile::TempDir, dir: &Path) -> Result<(), OutputError> {
    let staged = staging.keep();
    if dir.exists() {
        let old = staged.with_extension("old");
        std::fs::rename(dir, &old).map_err(io(dir))?;
        std::fs::rename(&staged, dir).map_err(io(dir))?;
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        std::fs::rename(&staged, dir).map_err(io(dir))?;
    }
    Ok(())
}

/// Write `bytes` to `path` through a temporary file beside it, creating its directory.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let parent = parent_dir(path);
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let mut temp = tempfile::NamedTempFile::new_in(parent).map_err(io(parent))?;
    temp.write_all(bytes).map_err(io(path))?;
    temp.persist(path).map_err(|e| io(path)(e.error))?;
    Ok(())
}
