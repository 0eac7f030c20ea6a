//! What a command says while it runs: phase timings (`--timings`) and
//! progress bars with rate and time left (reading, bootstrap resamples,
//! discover's levels, generated rows).

use std::io::IsTerminal as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};

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
        say!(
            "timings: {}, total {:.3} s",
            parts.join(", "),
            self.start.elapsed().as_secs_f64()
        );
    }
}

/// A progress bar on a terminal's standard error (indicatif), fed from the
/// engine's counters by a thread that reads them a few times a second,
/// until dropped. Nothing when standard error is not a terminal.
pub(super) struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Looks at the counters and moves the bar.
type Update = Box<dyn FnMut(&ProgressBar) + Send>;

impl Progress {
    /// No bar.
    fn none() -> Self {
        Self {
            done: Arc::new(AtomicBool::new(false)),
            thread: None,
        }
    }

    /// A bar drawn in `template`, moved by `update`.
    fn spawn(len: Option<u64>, template: &str, mut update: Update) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self::none();
        }
        let bar = len.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> ").with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}/s", short_count(state.per_sec()));
                },
            ));
        }
        update(&bar);
        let done = Arc::new(AtomicBool::new(false));
        let stop = done.clone();
        let thread = std::thread::Builder::new()
            .name("slicewise-progress".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    update(&bar);
                    bar.tick();
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                bar.finish_and_clear();
            })
            .ok();
        Self { done, thread }
    }

    /// Reading `data`: its bytes read (of a folder of parts, or a file read
    /// in blocks), with the rows so far, the rate and the time left.
    pub(super) fn load(data: &Path, opts: &mut LoadOptions) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self::none();
        }
        let read = Arc::new(AtomicU64::new(0));
        opts.controls.progress = Some(read.clone());
        let rows = Arc::new(AtomicU64::new(0));
        opts.controls.rows_read = Some(rows.clone());
        let total = load::data_size(data).max(1);
        let name = short_name(data);
        // One NDJSON file is read whole: no share of it to show.
        let whole = !data.is_dir()
            && !load::parts::is_glob(data)
            && opts
                .format
                .or_else(|| InputFormat::from_path(data))
                .is_some_and(|f| f == InputFormat::Ndjson);
        if whole {
            return Self::spawn(
                None,
                &format!("{{spinner}} reading {name} (NDJSON, read whole) {{elapsed}}"),
                Box::new(|_| {}),
            );
        }
        Self::spawn(
            Some(total),
            &format!(
                "reading {name} [{{wide_bar}}] {{percent}}% of {{binary_total_bytes}}, {{msg}}, ETA {{eta}}"
            ),
            Box::new(move |bar| {
                let bytes = read.load(Ordering::Relaxed);
                bar.set_position(bytes.min(total));
                let rows = render::count(rows.load(Ordering::Relaxed));
                if bytes >= total {
                    bar.set_message(format!("{rows} rows, grouping"));
                } else {
                    bar.set_message(format!("{rows} rows"));
                }
            }),
        )
    }

    /// A step whose end cannot be foreseen: a spinner and the time spent.
    pub(super) fn spinner(what: &str) -> Self {
        Self::spawn(
            None,
            &format!("{{spinner}} {what} {{elapsed}}"),
            Box::new(|_| {}),
        )
    }

    /// Counting `done` of `total` things (`unit`) in a step called `what`,
    /// with the rate and the time left.
    pub(super) fn count(what: &str, unit: &str, done: Arc<AtomicU64>, total: u64) -> Self {
        Self::spawn(
            Some(total.max(1)),
            &format!(
                "{what} [{{wide_bar}}] {{human_pos}}/{{human_len}} {unit}, {{rate}}, ETA {{eta}}"
            ),
            Box::new(move |bar| bar.set_position(done.load(Ordering::Relaxed))),
        )
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A file's name for a progress bar: its last part, at most 24 characters
/// (the bar must fit a line).
fn short_name(data: &Path) -> String {
    let name = data.file_name().map_or_else(
        || data.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if name.chars().count() <= 24 {
        name
    } else {
        name.chars().take(23).chain(['…']).collect()
    }
}

/// A rate for a progress bar: 950, 12.3k, 4.5M.
fn short_count(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}
