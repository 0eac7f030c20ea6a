//! What a command says while it runs: phase timings (`--timings`), a
//! progress line while data is read, a count while intervals are drawn.

use std::path::Path;
use std::time::Instant;

use crate::core::load::{self, InputFormat, LoadOptions};
use crate::core::render;

/// Times the phases of a command.
pub(super) struct Timings {
    enabled: bool,
    start: Instant,
    last: Instant,
    phases: Vec<(&'static str, f64)>,
    details: Vec<(&'static str, String)>,
}

impl Timings {
    pub(super) fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Self {
            enabled,
            start: now,
            last: now,
            phases: Vec::new(),
            details: Vec::new(),
        }
    }

    /// Splits the last lap into the given sub-phases (they end at the last lap).
    pub(super) fn detail(&mut self, parts: &[(&'static str, f64)]) {
        if let Some((name, _)) = self.phases.last().copied() {
            let detail: Vec<String> = parts.iter().map(|(p, s)| format!("{p} {s:.3} s")).collect();
            self.details.push((name, detail.join(", ")));
        }
    }

    pub(super) fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.phases.push((phase, (now - self.last).as_secs_f64()));
        self.last = now;
    }

    pub(super) fn print(&self) {
        if !self.enabled {
            return;
        }
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|(p, s)| match self.details.iter().find(|(d, _)| d == p) {
                Some((_, detail)) => format!("{p} {s:.3} s ({detail})"),
                None => format!("{p} {s:.3} s"),
            })
            .collect();
        eprintln!(
            "timings: {}, total {:.3} s",
            parts.join(", "),
            self.start.elapsed().as_secs_f64()
        );
    }
}

/// A line on a terminal's standard error saying how much of a folder of
/// parts has been read, redrawn a few times a second until dropped. Nothing
/// when standard error is not a terminal or the data is one file (its
/// reader gives no progress).
pub(super) struct ProgressLine {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    pub(super) fn start(data: &Path, opts: &mut LoadOptions) -> Self {
        use std::io::IsTerminal as _;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let done = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Self { done, thread: None };
        }
        let read = Arc::new(AtomicU64::new(0));
        opts.controls.progress = Some(read.clone());
        let rows = Arc::new(AtomicU64::new(0));
        opts.controls.rows_read = Some(rows.clone());
        let total = load::data_size(data).max(1);
        let name = data.display().to_string();
        // One NDJSON file is read whole: no share of it to show.
        let whole = !data.is_dir()
            && !load::parts::is_glob(data)
            && opts
                .format
                .or_else(|| InputFormat::from_path(data))
                .is_some_and(|f| f == InputFormat::Ndjson);
        let stop = done.clone();
        let thread = std::thread::Builder::new()
            .name("slicewise-progress".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let bytes = read.load(Ordering::Relaxed);
                    let rows = render::count(rows.load(Ordering::Relaxed));
                    if whole {
                        eprint!("\r\x1b[2Kreading {name} (NDJSON, read whole)");
                    } else if bytes >= total {
                        eprint!("\r\x1b[2Kread {name} ({rows} rows); grouping the columns");
                    } else {
                        eprint!(
                            "\r\x1b[2Kreading {name}: {}% ({} of {} MB, {rows} rows)",
                            bytes * 100 / total,
                            render::count(bytes / 1_000_000),
                            render::count(total / 1_000_000)
                        );
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                eprint!("\r\x1b[2K");
            })
            .ok();
        Self { done, thread }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A line on a terminal's standard error counting work done (bootstrap
/// resamples), with its rate, redrawn a few times a second until dropped;
/// nothing when standard error is not a terminal.
pub(super) struct CountLine;

impl CountLine {
    pub(super) fn start(
        what: &'static str,
        unit: &'static str,
        done: std::sync::Arc<std::sync::atomic::AtomicU64>,
    ) -> ProgressLine {
        use std::io::IsTerminal as _;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return ProgressLine {
                done: stop,
                thread: None,
            };
        }
        let flag = stop.clone();
        let started = Instant::now();
        let thread = std::thread::Builder::new()
            .name("slicewise-progress".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    let n = done.load(Ordering::Relaxed);
                    let secs = started.elapsed().as_secs_f64().max(1e-3);
                    #[allow(clippy::cast_precision_loss)]
                    let rate = n as f64 / secs / 1e6;
                    eprint!(
                        "\r\x1b[2K{what}: {} {unit} ({rate:.1} million a second)",
                        render::count(n)
                    );
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                eprint!("\r\x1b[2K");
            })
            .ok();
        ProgressLine { done: stop, thread }
    }
}
