//! Print to standard output, and stop quietly when its reader has gone.
//!
//! `s3sim merge … | head` closes the pipe while s3sim still has lines to print.
//! `println!` would panic there (Rust ignores SIGPIPE, so the write fails with
//! `BrokenPipe`); instead s3sim stops printing and finishes its work: the results are
//! still written and the exit status is the one the command would have had (0 when
//! it succeeded), as if the reader had read everything.

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout has failed: nothing more is printed.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// Write `args` to stdout unless an earlier write failed.
///
/// A closed pipe stops printing silently; any other failure (a full disk under a
/// redirect) is reported once on stderr.
pub fn write(args: fmt::Arguments<'_>) {
    if STOPPED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args) {
        STOPPED.store(true, Ordering::Relaxed);
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("warning: cannot write to standard output ({error}); printing stops");
        }
    }
}

/// Print to stdout like `print!`, stopping quietly once stdout is closed.
macro_rules! say {
    ($($arg:tt)*) => { $crate::stdout::write(format_args!($($arg)*)) };
}

/// Print a line to stdout like `println!`, stopping quietly once stdout is closed.
macro_rules! sayln {
    ($($arg:tt)*) => { $crate::stdout::write(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {say, sayln};
