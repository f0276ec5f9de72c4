//! Progress of a run on stderr: a bar on a terminal, a plain line every few seconds
//! otherwise (a CI log, a file), advancing inside each replica by simulated time.
//!
//! Progress only observes: replicas run exactly as without it (see
//! [`run_replica_in_slices`]), so no output depends on it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};
use s3sim_engine::RandomStreams;
use s3sim_model::WorldConfig;
use s3sim_model::world::{ReplicaOutput, run_replica_in_slices};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Steps of simulated time each replica reports: a replica advances the bar by
/// 1/`SLICES` of a run at a time.
const SLICES: u32 = 100;

/// How often a plain progress line is written when stderr is not a terminal.
const EVERY: Duration = Duration::from_secs(5);

/// Show how many (point, replica) runs are done, in fractions of runs.
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Progress of `runs` runs on stderr, or nothing unless `show`.
    pub(crate) fn new(runs: u64, show: bool) -> Progress {
        if !show {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        let ticks = runs * u64::from(SLICES);
        let terminal = std::io::stderr().is_terminal();
        let (bar, template) = if terminal {
            (
                ProgressBar::new(ticks),
                "{spinner} {percent:>3} % of {msg} [{bar:30}] {elapsed} (eta {eta})",
            )
        } else {
            let target = ProgressDrawTarget::term_like_with_hz(Box::new(PlainLines::new()), 1);
            (
                ProgressBar::with_draw_target(Some(ticks), target),
                "progress: {percent} % of {msg}, {elapsed} elapsed, eta {eta}",
            )
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("{runs} runs (point × replica)"));
        Progress { bar }
    }

    /// Run one replica of `world` with `streams`, advancing the progress as its
    /// simulated time passes; the output is [`s3sim_model::run_replica`]'s.
    pub(crate) fn run(&self, world: &WorldConfig, streams: RandomStreams) -> ReplicaOutput {
        run_replica_in_slices(world, streams, SLICES, |_| self.bar.inc(1))
    }

    /// Remove the bar (a plain line is not taken back).
    pub(crate) fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }
}

/// A "terminal" that writes each frame as a plain line to stderr (or `out`), at most
/// one per [`EVERY`]: no cursor movement, no ANSI codes, for logs.
struct PlainLines {
    state: Mutex<Lines>,
}

/// The frame being drawn, when the last line was written, and where lines go.
struct Lines {
    frame: String,
    last: Instant,
    out: Box<dyn Write + Send>,
}

impl std::fmt::Debug for PlainLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainLines")
    }
}

impl PlainLines {
    /// Lines to stderr; the first comes [`EVERY`] after the start, so a short run
    /// prints none.
    fn new() -> PlainLines {
        PlainLines::to(Box::new(std::io::stderr()), Instant::now())
    }

    /// Lines to `out`, the first [`EVERY`] after `last`.
    fn to(out: Box<dyn Write + Send>, last: Instant) -> PlainLines {
        PlainLines {
            state: Mutex::new(Lines {
                frame: String::new(),
                last,
                out,
            }),
        }
    }

    fn push(&self, s: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.frame.push_str(s);
        }
    }
}

impl TermLike for PlainLines {
    fn width(&self) -> u16 {
        100
    }

    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }

    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }

    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }

    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }

    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.push(s);
        self.push("\n");
        Ok(())
    }

    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.push(s);
        Ok(())
    }

    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }

    /// Write the frame drawn since the last flush as one line, unless a line was
    /// written less than [`EVERY`] ago.
    fn flush(&self) -> std::io::Result<()> {
        let Ok(mut state) = self.state.lock() else {
            return Ok(());
        };
        let frame = std::mem::take(&mut state.frame);
        let line = frame.replace('\r', "");
        let line = line.trim();
        if line.is_empty() || state.last.elapsed() < EVERY {
            return Ok(());
        }
        state.last = Instant::now();
        writeln!(state.out, "{line}")?;
        state.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer whose bytes the test reads back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_frame_becomes_one_plain_line_and_the_next_waits_its_turn() {
        let written = Shared::default();
        let long_ago = Instant::now().checked_sub(EVERY).unwrap();
        let lines = PlainLines::to(Box::new(written.clone()), long_ago);
        // What indicatif draws for one frame: cursor moves, a carriage return, the
        // line, filler spaces.
        lines.move_cursor_up(1).unwrap();
        lines.write_str("\r").unwrap();
        lines.clear_line().unwrap();
        lines.write_str("progress: 5 % of 4 runs").unwrap();
        lines.write_str("      ").unwrap();
        lines.flush().unwrap();
        // The next frame comes less than 5 s later: not written.
        lines.write_str("\rprogress: 6 % of 4 runs").unwrap();
        lines.flush().unwrap();
        let text = String::from_utf8(written.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "progress: 5 % of 4 runs\n");
    }

    #[test]
    fn a_replica_run_in_slices_gives_the_output_of_one_run() {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = s3sim_engine::SimDuration::from_secs(1500);
        let streams = || RandomStreams::for_replica(3, 1);
        let mut slices = Vec::new();
        let sliced = run_replica_in_slices(&world, streams(), 7, |k| slices.push(k));
        assert_eq!(slices, [1, 2, 3, 4, 5, 6, 7]);
        let whole = s3sim_model::run_replica(&world, streams());
        assert!(sliced == whole, "slicing changed the output");
        assert!(whole.issued > 1000, "{}", whole.issued);
    }
}
