//! Install a finished result directory in place of the old one, atomically where the
//! OS allows, and never leave a staging directory behind.
//!
//! Results are written into a staging directory beside the target
//! (`.s3sim-staging-XXXXXX`), then swapped with the target in one `renameat2` call
//! with `RENAME_EXCHANGE` (Linux; `renameatx_np` with `RENAME_SWAP` on macOS), so a
//! kill at any instant leaves either the old or the new results under the target's
//! name. Where the OS or filesystem has no exchange, three renames are used (old away,
//! new in, old removed); a kill between the first two leaves the old results in
//! `.s3sim-staging-XXXXXX.old` beside the target. The staging directory is a
//! [`tempfile::TempDir`], removed on every error path.

use super::files::{OutputError, io, parent_dir};
use super::outdir::{Kind, MARKER, OutDir};
use std::path::Path;

/// The file operations an install uses; tests swap them for failing ones.
#[derive(Clone, Copy)]
pub(crate) struct Ops {
    /// Swap two directories atomically; `ErrorKind::Unsupported` when the OS or
    /// filesystem cannot.
    pub exchange: fn(&Path, &Path) -> std::io::Result<()>,
    /// Rename a directory.
    pub rename: fn(&Path, &Path) -> std::io::Result<()>,
}

/// The operating system's operations.
pub(crate) const SYSTEM: Ops = Ops { exchange, rename };

/// Hold a staging directory that becomes the output directory on [`Staging::install`]
/// and is removed if dropped before.
pub(crate) struct Staging<'a> {
    dir: tempfile::TempDir,
    out: &'a OutDir,
    kind: Kind,
    /// Listed in [`LIVE`] while this value exists.
    _live: Live,
}

/// Staging directories this process has now, for [`remove_live_staging`].
static LIVE: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Keep a path in [`LIVE`] until dropped.
struct Live(std::path::PathBuf);

impl Live {
    fn new(path: &Path) -> Live {
        if let Ok(mut live) = LIVE.lock() {
            live.push(path.to_path_buf());
        }
        Live(path.to_path_buf())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|p| p != &self.0);
        }
    }
}

/// Remove every staging directory this process has now: for a signal handler that
/// ends the process (SIGINT, SIGTERM) and so skips the destructors that remove them
/// on the ordinary paths. The output directory itself is never listed: after the
/// exchange the staging path holds the old results just replaced, which the install
/// was about to delete anyway. Shard job files being written (`.partial-*`) go too
/// ([`crate::shard::remove_partial_jobs`]).
pub fn remove_live_staging() {
    let paths = match LIVE.lock() {
        Ok(live) => live.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    for path in paths {
        let _ = std::fs::remove_dir_all(&path);
    }
    crate::shard::remove_partial_jobs();
}

impl<'a> Staging<'a> {
    /// Check `out` for results of `kind` and create the staging directory beside it,
    /// with the mode of a normal new directory (0777 less the umask), not
    /// `TempDir`'s 0700, so that other users can read the results as usual.
    pub(crate) fn new(out: &'a OutDir, kind: Kind) -> Result<Self, OutputError> {
        out.check(kind)?;
        let parent = parent_dir(out.path());
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".s3sim-staging-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o777));
        }
        let dir = builder.tempdir_in(parent).map_err(io(parent))?;
        let _live = Live::new(dir.path());
        Ok(Staging {
            dir,
            out,
            kind,
            _live,
        })
    }

    /// The output directory this staging directory is for.
    pub(crate) fn out(&self) -> &'a OutDir {
        self.out
    }

    /// The staging directory, to write the results into.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write the marker and put the staging directory in the place of the output.
    pub(crate) fn install(self) -> Result<(), OutputError> {
        self.install_with(SYSTEM)
    }

    /// [`Staging::install`] with the file operations `ops`.
    pub(crate) fn install_with(self, ops: Ops) -> Result<(), OutputError> {
        let marker = self.path().join(MARKER);
        std::fs::write(&marker, self.kind.marker_text()).map_err(io(&marker))?;
        // The output may have changed while the results were computed.
        self.out.check(self.kind)?;
        let target = self.out.path();
        if std::fs::symlink_metadata(target).is_err() {
            (ops.rename)(self.path(), target).map_err(|e| self.failed(e))?;
            let _ = self.dir.keep();
            return Ok(());
        }
        match (ops.exchange)(self.path(), target) {
            Ok(()) => self.remove_swapped_out(ops),
            Err(e) if e.kind() == std::io::ErrorKind::Unsupported => self.three_renames(ops),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// After the exchange the staging path holds the old output: remove it, unless it
    /// changed since it was checked (then swap back and refuse).
    fn remove_swapped_out(self, ops: Ops) -> Result<(), OutputError> {
        let (out, old) = (self.out, self.path().to_path_buf());
        if let Err(refusal) = out.check_replaceable(&old, self.kind) {
            return match (ops.exchange)(&old, out.path()) {
                Ok(()) => Err(refusal),
                Err(e) => {
                    let _ = self.dir.keep();
                    Err(kept_old(out, &old, e))
                }
            };
        }
        self.dir.close().map_err(|e| kept_old(out, &old, e))
    }

    /// Install without an exchange: old output away, staging in, old removed.
    fn three_renames(self, ops: Ops) -> Result<(), OutputError> {
        let (out, target) = (self.out, self.out.path());
        let old = self.path().with_extension("old");
        (ops.rename)(target, &old).map_err(|e| self.failed(e))?;
        if let Err(e) = (ops.rename)(self.path(), target) {
            return Err(match (ops.rename)(&old, target) {
                Ok(()) => self.failed(e),
                Err(back) => kept_old(out, &old, back),
            });
        }
        let _ = self.dir.keep();
        out.check_replaceable(&old, self.kind)
            .map_err(|refusal| kept_old(out, &old, std::io::Error::other(refusal)))?;
        std::fs::remove_dir_all(&old).map_err(|e| kept_old(out, &old, e))
    }

    /// The error of a failed install; the staging directory is removed on drop.
    fn failed(&self, cause: std::io::Error) -> OutputError {
        OutputError::Io {
            path: self.out.path().display().to_string(),
            cause,
        }
    }
}

/// The error when the results are installed (or not) but the previous contents of
/// `out` are left at `old` rather than removed.
fn kept_old(out: &OutDir, old: &Path, cause: std::io::Error) -> OutputError {
    out.refused(&format!(
        "the previous contents are kept at {} (remove it yourself): {cause}",
        old.display()
    ))
}

/// Swap the directories `a` and `b` in one system call.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // No such call (old kernel), or a filesystem without exchange.
        Err(Errno::NOSYS | Errno::INVAL | Errno::NOTSUP) => {
            Err(std::io::ErrorKind::Unsupported.into())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

fn rename(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    /// A parent directory with `out/` holding s3sim's results (`old.csv` and the marker).
    fn with_old_results() -> (tempfile::TempDir, OutDir) {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutDir::new(tmp.path().join("out"));
        let staging = Staging::new(&out, Kind::Results).unwrap();
        std::fs::write(staging.path().join("old.csv"), "old").unwrap();
        staging.install().unwrap();
        (tmp, out)
    }

    /// A staging directory for `out` holding `new.csv`.
    fn staged(out: &OutDir) -> Staging<'_> {
        let staging = Staging::new(out, Kind::Results).unwrap();
        std::fs::write(staging.path().join("new.csv"), "new").unwrap();
        staging
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    const NO_EXCHANGE: Ops = Ops {
        exchange: |_, _| Err(ErrorKind::Unsupported.into()),
        rename,
    };

    #[test]
    fn install_swaps_in_the_new_results_and_removes_the_old() {
        let (tmp, out) = with_old_results();
        staged(&out).install().unwrap();
        assert_eq!(names(out.path()), [MARKER, "new.csv"]);
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn install_without_exchange_falls_back_to_three_renames() {
        let (tmp, out) = with_old_results();
        staged(&out).install_with(NO_EXCHANGE).unwrap();
        assert_eq!(names(out.path()), [MARKER, "new.csv"]);
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn failed_install_leaves_no_staging_directory() {
        let (tmp, out) = with_old_results();
        let failing_exchange = Ops {
            exchange: |_, _| Err(Error::other("injected")),
            rename,
        };
        let err = staged(&out).install_with(failing_exchange).unwrap_err();
        assert!(err.to_string().ends_with("out: injected"), "{err}");
        assert_eq!(names(tmp.path()), ["out"]);
        assert_eq!(names(out.path()), [MARKER, "old.csv"]);
    }

    #[test]
    fn failed_final_rename_restores_the_old_results_and_leaves_no_staging_directory() {
        let (tmp, out) = with_old_results();
        let failing_install = Ops {
            exchange: |_, _| Err(ErrorKind::Unsupported.into()),
            // The old results move away and back; the staged ones cannot move in.
            rename: |from, to| match from.extension() {
                Some(x) if x == "old" => rename(from, to),
                _ if from.ends_with("out") => rename(from, to),
                _ => Err(Error::other("injected")),
            },
        };
        let err = staged(&out).install_with(failing_install).unwrap_err();
        assert!(err.to_string().ends_with("out: injected"), "{err}");
        assert_eq!(names(tmp.path()), ["out"]);
        assert_eq!(names(out.path()), [MARKER, "old.csv"]);
    }

    #[test]
    fn failed_first_install_leaves_no_staging_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutDir::new(tmp.path().join("out"));
        let failing_rename = Ops {
            exchange,
            rename: |_, _| Err(Error::other("injected")),
        };
        assert!(staged(&out).install_with(failing_rename).is_err());
        assert_eq!(names(tmp.path()), Vec::<String>::new());
    }

    #[test]
    fn a_directory_a_user_took_over_during_the_install_is_swapped_back_not_deleted() {
        let (tmp, out) = with_old_results();
        // Between the last check and the exchange, the user empties the directory of
        // s3sim's files and puts their own in.
        let racing_user = Ops {
            exchange: |a, b| {
                if b.join("old.csv").exists() {
                    std::fs::remove_file(b.join(MARKER))?;
                    std::fs::remove_file(b.join("old.csv"))?;
                    std::fs::write(b.join("thesis.tex"), "mine")?;
                }
                exchange(a, b)
            },
            rename,
        };
        let err = staged(&out).install_with(racing_user).unwrap_err();
        assert!(err.to_string().contains("s3sim did not write it"), "{err}");
        assert_eq!(names(out.path()), ["thesis.tex"]);
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn exchange_swaps_two_directories_in_one_call_on_linux() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("in-a"), "").unwrap();
        match exchange(&a, &b) {
            // A filesystem without RENAME_EXCHANGE: the fallback is tested above.
            Err(e) if e.kind() == ErrorKind::Unsupported => {}
            other => {
                other.unwrap();
                assert_eq!(names(&b), ["in-a"]);
                assert_eq!(names(&a), Vec::<String>::new());
            }
        }
    }
}
