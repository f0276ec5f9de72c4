//! Decide what an output directory may replace: only what s3sim wrote, or nothing.
//!
//! s3sim installs results by replacing its output directory whole, so a wrong `--out`
//! (`.`, a home directory, a project) would delete a user's files. To prevent that,
//! every directory s3sim installs carries a marker file, [`MARKER`], whose first line
//! says what it holds ([`Kind`]). An existing directory is replaced only when it is
//! empty or carries the marker of the same kind, or when the user forces it; a file, a
//! symbolic link, a mount point, a directory holding the current or the home directory
//! and a path under a file are never replaced.

use super::files::{OutputError, io};
use crate::charts::ChartSize;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Name the marker file in every directory s3sim installs.
pub const MARKER: &str = ".s3sim-results";

/// Say what a directory written by s3sim holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The outputs of `s3sim run` or `s3sim merge` (identical for both).
    Results,
    /// The raw results of one shard (`s3sim run --shard`), the input of `s3sim merge`.
    Shard,
}

impl Kind {
    /// The first line of this kind's marker.
    fn tag(self) -> &'static str {
        match self {
            Kind::Results => "s3sim results",
            Kind::Shard => "s3sim shard",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Results => "a run's results",
            Kind::Shard => "a shard's raw results (the input of `s3sim merge`)",
        }
    }

    /// The text of this kind's marker file: the tag, the version and the rule.
    ///
    /// The text is the same for `run` and `merge`, so merged results stay identical
    /// to unsharded ones, byte for byte.
    pub(crate) fn marker_text(self) -> String {
        let writers = match self {
            Kind::Results => "`s3sim run` or `s3sim merge`",
            Kind::Shard => "`s3sim run --shard`",
        };
        format!(
            "{}\nWritten by s3sim {} ({writers}), which replaces this directory whole,\n\
             with everything in it, when it is asked to write there again.\n\
             Keep your own files elsewhere.\n",
            self.tag(),
            env!("CARGO_PKG_VERSION"),
        )
    }

    /// The kind whose marker's first line is `line`.
    fn of_tag(line: &str) -> Option<Kind> {
        [Kind::Results, Kind::Shard]
            .into_iter()
            .find(|k| k.tag() == line.trim_end())
    }
}

/// Name where results go and whether a directory s3sim did not write may be replaced.
///
/// ```
/// use s3sim_report::output::outdir::{Kind, OutDir};
/// let tmp = tempfile::tempdir().unwrap();
/// std::fs::write(tmp.path().join("main.rs"), "fn main() {}").unwrap();
/// let err = OutDir::new(tmp.path()).check(Kind::Results).unwrap_err();
/// assert!(err.to_string().contains("s3sim did not write it"), "{err}");
/// assert!(OutDir::new(tmp.path()).force(true).check(Kind::Results).is_ok());
/// assert!(OutDir::new(tmp.path().join("new")).check(Kind::Results).is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutDir {
    path: PathBuf,
    force: bool,
    chart_size: ChartSize,
}

impl OutDir {
    /// An output directory that may replace only an empty directory or one s3sim wrote.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        OutDir {
            path: path.into(),
            force: false,
            chart_size: ChartSize::default(),
        }
    }

    /// Allow (`true`, the CLI's `--force`) replacing a directory s3sim did not write.
    ///
    /// Files, symbolic links, mount points and directories holding the current or
    /// the home directory are refused even so.
    pub fn force(self, force: bool) -> Self {
        OutDir { force, ..self }
    }

    /// Draw the charts written here `size` pixels (the CLI's `--chart-width`,
    /// `--chart-height`, `--chart-scale`; default 1280 × 720).
    pub fn chart_size(self, chart_size: ChartSize) -> Self {
        OutDir { chart_size, ..self }
    }

    /// The size of the charts written here.
    pub fn charts(&self) -> ChartSize {
        self.chart_size
    }

    /// The directory results go to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Check, before any work, that results of `kind` may be installed here.
    ///
    /// # Errors
    ///
    /// [`OutputError::Refused`] saying why when the path is under a file, is a file, a
    /// symbolic link, a mount point, holds the current or the home directory, ends
    /// in `.` or `..`,
    /// has a name too long for its filesystem, or is a non-empty directory without
    /// the marker of `kind` (unless forced); [`OutputError::Io`] when it cannot be
    /// inspected.
    pub fn check(&self, kind: Kind) -> Result<(), OutputError> {
        let path = &self.path;
        let Some(name) = path.file_name() else {
            if path.exists() {
                self.check_not_in_use(path)?;
            }
            return Err(self.refused(
                "give a directory name: the output path must not end in `.` or `..` or be `/`",
            ));
        };
        check_ancestors(path)?;
        check_name_length(path, name)?;
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(path)(e)),
            Ok(meta) if meta.file_type().is_symlink() => Err(self.refused(
                "refusing to replace a symbolic link; give the directory it points to",
            )),
            Ok(meta) if !meta.is_dir() => Err(self.refused(
                "refusing to write results here: it is a file, not a directory, and s3sim never replaces a file with results; give another output directory",
            )),
            Ok(_) => {
                self.check_not_in_use(path)?;
                self.check_replaceable(path, kind)
            }
        }
    }

    /// Check that this output and the input directories `inputs` (e.g. the shards of
    /// a merge) neither are nor contain one another, so that installing the output
    /// cannot delete an input.
    ///
    /// # Errors
    ///
    /// [`OutputError::Refused`] naming the input the output equals, contains or lies
    /// in; [`OutputError::Io`] when a path cannot be resolved.
    pub fn check_apart_from(&self, inputs: &[PathBuf]) -> Result<(), OutputError> {
        let out = resolve(&self.path)?;
        for input in inputs {
            let resolved = resolve(input)?;
            let relation = if out == resolved {
                "is"
            } else if resolved.starts_with(&out) {
                "contains"
            } else if out.starts_with(&resolved) {
                "lies inside"
            } else {
                continue;
            };
            return Err(self.refused(&format!(
                "refusing to write here: it {relation} the input directory {} being read; give an output directory outside the inputs",
                input.display()
            )));
        }
        Ok(())
    }

    /// Check that the existing directory `dir` (the output, or the copy of it that an
    /// install has just swapped out) may be replaced by results of `kind`.
    pub(crate) fn check_replaceable(&self, dir: &Path, kind: Kind) -> Result<(), OutputError> {
        let found = read_marker(dir)?;
        if self.force || found == Some(kind) {
            return Ok(());
        }
        if let Some(other) = found {
            return Err(self.refused(&format!(
                "refusing to replace this directory: it holds {}, not {}; give another output directory, or pass --force to replace it",
                other.describe(),
                kind.describe()
            )));
        }
        let empty = std::fs::read_dir(dir).map_err(io(dir))?.next().is_none();
        if empty {
            return Ok(());
        }
        Err(self.refused(&format!(
            "refusing to replace this directory: s3sim did not write it (it has no {MARKER} marker) and it is not empty. s3sim replaces its output directory whole; give a new or empty directory, or pass --force to replace this one and everything in it"
        )))
    }

    /// Refuse a directory that holds the current or the home directory, or is a mount
    /// point: it cannot be renamed, or replacing it is never what was meant (not even
    /// with `--force`).
    fn check_not_in_use(&self, dir: &Path) -> Result<(), OutputError> {
        let dir = resolve(dir)?;
        let here = std::env::current_dir().map_err(io(Path::new(".")))?;
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
        let held = [(Some(here.into_os_string()), "current"), (home, "home")];
        for (held, what) in held.into_iter().filter_map(|(p, w)| Some((p?, w))) {
            if resolve(Path::new(&held))?.starts_with(&dir) {
                return Err(self.refused(&format!(
                    "refusing to replace a directory that holds the {what} directory; give a new directory inside it or elsewhere"
                )));
            }
        }
        if is_mount_point(&dir) {
            return Err(self.refused(
                "refusing to replace a mount point (it cannot be renamed); give a new directory inside it",
            ));
        }
        Ok(())
    }

    pub(crate) fn refused(&self, reason: &str) -> OutputError {
        OutputError::Refused {
            path: self.path.display().to_string(),
            reason: reason.into(),
        }
    }
}

/// The kind of the marker in `dir`, if it has one.
fn read_marker(dir: &Path) -> Result<Option<Kind>, OutputError> {
    let path = dir.join(MARKER);
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&path)(e)),
    };
    let mut head = Vec::new();
    file.take(64).read_to_end(&mut head).map_err(io(&path))?;
    let text = String::from_utf8_lossy(&head);
    Ok(text.lines().next().and_then(Kind::of_tag))
}

/// Refuse a path under something that is not a directory, naming that component.
pub(crate) fn check_ancestors(path: &Path) -> Result<(), OutputError> {
    let mut ancestors: Vec<&Path> = path
        .ancestors()
        .skip(1)
        .filter(|a| !a.as_os_str().is_empty())
        .collect();
    ancestors.reverse();
    for ancestor in ancestors {
        match std::fs::metadata(ancestor) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(OutputError::Refused {
                    path: path.display().to_string(),
                    reason: format!(
                        "cannot be created: {} is a file, not a directory",
                        ancestor.display()
                    ),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(ancestor)(e)),
        }
    }
    Ok(())
}

/// Refuse a name longer than the filesystem allows, before the run rather than at
/// the final rename.
fn check_name_length(path: &Path, name: &std::ffi::OsStr) -> Result<(), OutputError> {
    let max = name_max(path);
    let len = name.len() as u64;
    if len > max {
        return Err(OutputError::Refused {
            path: path.display().to_string(),
            reason: format!(
                "cannot be created: its name is {len} bytes long, and this filesystem allows at most {max}"
            ),
        });
    }
    Ok(())
}

/// The longest file name the filesystem holding `path` (or its nearest existing
/// ancestor) accepts.
#[cfg(unix)]
fn name_max(path: &Path) -> u64 {
    path.ancestors()
        .skip(1)
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .find_map(|a| rustix::fs::statvfs(a).ok())
        .map_or(255, |s| s.f_namemax)
}

#[cfg(not(unix))]
fn name_max(_: &Path) -> u64 {
    255
}

#[cfg(unix)]
fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let parent = dir.join("..");
    match (std::fs::metadata(dir), std::fs::metadata(parent)) {
        (Ok(d), Ok(p)) => d.dev() != p.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_: &Path) -> bool {
    false
}

/// `path` made absolute with symbolic links resolved as far as it exists; the rest
/// (not yet created) is appended as written.
fn resolve(path: &Path) -> Result<PathBuf, OutputError> {
    let absolute = std::path::absolute(path).map_err(io(path))?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(mut resolved) => {
                for component in rest.iter().rev() {
                    match component {
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        Component::CurDir => {}
                        other => resolved.push(other),
                    }
                }
                return Ok(resolved);
            }
            Err(_) => match (existing.parent(), existing.components().next_back()) {
                (Some(parent), Some(last)) => {
                    rest.push(last);
                    existing = parent;
                }
                _ => return Ok(absolute.clone()),
            },
        }
    }
}
