//! Background work: one [`Job`] type for every piece of it. A job is a
//! named thread that reports [`Progress`] (a phase, counters), can be
//! cancelled, and hands one typed result back. The app's jobs (loading a
//! file, a second run to compare, native file dialogs, exports) deliver
//! their result as a [`crate::gui::commands::Command`] on the command
//! channel, which `logic()` drains and matches like any other command; the
//! jobs a view or the document owns (the views' computations over large
//! data in [`Computed`], Discover's search, the Review filter, image
//! decoding) are polled by their owner. The frame loop never waits.

mod compare;
mod computed;
mod dialog;
mod export;
mod load;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::gui::commands::{Command, JobId, Mailbox};

pub use compare::{compare_blocking, start_compare};
pub use computed::{Computed, INLINE_ROWS};
pub use dialog::start_dialog;
pub use export::{start_export, start_text_export};
pub use load::{Loading, load_blocking, start_load};

/// What a running job tells the window, and how the window stops it. Shared
/// between the job's thread and its [`Job`] handle.
#[derive(Debug, Default)]
pub struct Progress {
    id: JobId,
    cancel: Arc<AtomicBool>,
    phase: Mutex<&'static str>,
    /// Bytes read, levels searched: the job's main counter.
    done: Arc<AtomicU64>,
    /// Rows read (a load's second counter).
    rows: Arc<AtomicU64>,
}

impl Progress {
    /// Which job this is (unique in the process).
    #[must_use]
    pub fn id(&self) -> JobId {
        self.id
    }

    /// Whether the job was asked to stop.
    #[must_use]
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The flag core's long computations poll to stop early.
    #[must_use]
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// The main counter, for core code that counts as it goes.
    #[must_use]
    pub fn done_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.done)
    }

    /// The rows counter, for core code that counts as it goes.
    #[must_use]
    pub fn rows_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.rows)
    }

    /// Says what the job is doing now.
    pub fn set_phase(&self, phase: &'static str) {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner) = phase;
    }

    /// What the job is doing now.
    #[must_use]
    pub fn phase(&self) -> &'static str {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the main counter.
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// The main counter.
    #[must_use]
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Rows read so far.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }
}

/// A job on its named thread: its progress, and its result once there.
pub struct Job<T> {
    /// The thread's name ("slicewise-load").
    pub name: &'static str,
    /// When it started.
    pub started: Instant,
    progress: Arc<Progress>,
    rx: Receiver<T>,
}

/// Where a job is.
#[derive(Debug)]
pub enum Polled<T> {
    /// Its result (taken: the next poll says `Lost`).
    Ready(T),
    /// Still working.
    Running,
    /// The thread ended without a result (it panicked), or the result was
    /// taken already.
    Lost,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a thread named `name`; `wake` (the window) is asked
    /// to repaint when the result is there.
    ///
    /// # Errors
    /// When no thread can be started.
    pub fn try_spawn(
        name: &'static str,
        wake: Option<&egui::Context>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> std::io::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let (tx, rx) = channel();
        let progress = Arc::new(Progress {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            ..Progress::default()
        });
        let (thread_progress, wake) = (Arc::clone(&progress), wake.cloned());
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let result = work(&thread_progress);
                if tx.send(result).is_ok()
                    && let Some(ctx) = wake
                {
                    ctx.request_repaint();
                }
            })?;
        Ok(Self {
            name,
            started: Instant::now(),
            progress,
            rx,
        })
    }

    /// [`Job::try_spawn`], with `failed` making the result at once when no
    /// thread can be started.
    pub fn spawn(
        name: &'static str,
        wake: Option<&egui::Context>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
        failed: impl FnOnce(std::io::Error) -> T,
    ) -> Self {
        Self::try_spawn(name, wake, work).unwrap_or_else(|e| {
            let (tx, rx) = channel();
            let _ = tx.send(failed(e));
            Self {
                name,
                started: Instant::now(),
                progress: Arc::new(Progress::default()),
                rx,
            }
        })
    }

    /// Where the job is; its result once there.
    #[must_use]
    pub fn poll(&self) -> Polled<T> {
        match self.rx.try_recv() {
            Ok(result) => Polled::Ready(result),
            Err(TryRecvError::Empty) => Polled::Running,
            Err(TryRecvError::Disconnected) => Polled::Lost,
        }
    }

    /// The result, once there.
    #[must_use]
    pub fn result(&self) -> Option<T> {
        match self.poll() {
            Polled::Ready(result) => Some(result),
            Polled::Running | Polled::Lost => None,
        }
    }

    /// Asks the job to stop; it finishes on its own and its owner drops the
    /// result.
    pub fn cancel(&self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }

    /// Which job this is: its result command carries the same id.
    #[must_use]
    pub fn id(&self) -> JobId {
        self.progress.id
    }

    /// Its progress.
    #[must_use]
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// How long it has run.
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Job<()> {
    /// A job whose result is a command: `work`'s command is sent on the
    /// command channel (`commands`), which `logic()` drains.
    pub fn command(
        name: &'static str,
        ctx: &egui::Context,
        commands: Mailbox,
        work: impl FnOnce(&Progress) -> Command + Send + 'static,
        failed: impl FnOnce(std::io::Error) -> Command,
    ) -> Self {
        let thread_commands = commands.clone();
        Self::spawn(
            name,
            Some(ctx),
            move |progress| thread_commands.send(work(progress)),
            move |e| commands.send(failed(e)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_hands_back_its_result_and_can_be_cancelled() {
        let ctx = egui::Context::default();
        let job = Job::spawn(
            "slicewise-test",
            Some(&ctx),
            |progress| {
                progress.set_phase("Counting");
                while !progress.cancelled() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                42
            },
            |_| 0,
        );
        assert!(matches!(job.poll(), Polled::Running));
        job.cancel();
        let result = loop {
            if let Some(r) = job.result() {
                break r;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        assert_eq!(result, 42);
        assert!(matches!(job.poll(), Polled::Lost), "taken once");
        assert_eq!(job.progress().phase(), "Counting");
    }
}
