//! Write files so that a failed run never leaves half a result under its final name.
//!
//! A run's files go into a staging directory (see `install`) that replaces the target
//! once everything is written; a single file goes to a temporary file that is renamed
//! the same way. On any error the previous results stay as they were.

use crate::charts::ChartError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Say why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or directory operation failed.
    #[error("{path}: {cause}")]
    Io {
        /// The file or directory.
        path: String,
        /// What the operating system said (part of the message, so not a `source`).
        cause: std::io::Error,
    },
    /// The output path may not be written or replaced: a user's directory, a file,
    /// an input of the same command, a mount point, ….
    #[error("{path}: {reason}")]
    Refused {
        /// The output path as given.
        path: String,
        /// Why, and what to do instead.
        reason: String,
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
    move |cause| OutputError::Io {
        path: path.display().to_string(),
        cause,
    }
}

/// The directory `path` lies in: `.` for a bare file name.
pub(crate) fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Write `bytes` to the file `name` in `dir` (a staging directory); returns its path.
pub(crate) fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(io(&path))?;
    Ok(path)
}

/// Write the file `name` in `dir` (a staging directory) as `write` produces it, through
/// a buffer, so that a large table is never whole in memory; returns its path.
pub(crate) fn stream_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(
        std::io::BufWriter<std::fs::File>,
    ) -> Result<std::io::BufWriter<std::fs::File>, OutputError>,
) -> Result<PathBuf, OutputError> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).map_err(io(&path))?;
    let mut out = write(std::io::BufWriter::with_capacity(1 << 16, file))?;
    out.flush().map_err(io(&path))?;
    Ok(path)
}

/// Write `bytes` to `path` through a temporary file beside it, creating its directory.
///
/// The file gets the mode of a normal new file (0666 less the umask), not the 0600
/// of a temporary file, so that other users (a CI step) can read it as usual.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let parent = parent_dir(path);
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".s3sim-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(parent).map_err(io(parent))?;
    temp.write_all(bytes).map_err(io(path))?;
    temp.persist(path).map_err(|e| io(path)(e.error))?;
    Ok(())
}
