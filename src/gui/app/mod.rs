//! The desktop app. `logic()` applies background results, keys and the
//! commands sent last frame, autosaves and refreshes the shown view
//! (`logic.rs`, `commands.rs`); `ui()` only draws the panels, the view and
//! the dialogs, which send commands.

mod commands;
mod logic;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::commands::{Command, CommandSender};
use super::context::ViewCtx;
use super::dialogs::{ErrorDialog, FileDialog, MappingDialog, NewTagDialog, shortcuts_ui};
use super::document::Document;
use super::error::GuiError;
use super::images::ImageCache;
use super::jobs::{Job, Loading};
use super::panels::status_bar::{Status, StatusState};
use super::panels::{InspectorPanel, TagsPanel, menu_bar, status_bar};
use super::views::{self, View, Views};
use crate::core::load::LoadOptions;

/// Frames per line of `SLICEWISE_FRAME_STATS` output.
const FRAME_STATS_EVERY: usize = 100;

/// Mean, median, 95th percentile and maximum of frame times, in ms.
fn frame_stats(log: &mut [Duration]) -> String {
    log.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = log.iter().map(|d| ms(*d)).sum::<f64>() / log.len() as f64;
    format!(
        "{} frames, ui() mean {mean:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        log.len(),
        ms(log[log.len() / 2]),
        ms(log[log.len() * 95 / 100]),
        ms(log[log.len() - 1])
    )
}

/// Preferences kept across runs in eframe's storage.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Dark theme (else light).
    pub dark: bool,
    /// Recently opened files, newest first.
    pub recent: Vec<PathBuf>,
    /// The view shown last.
    pub view: View,
    /// Move to the next example after a tag key or `r` on one example.
    pub advance: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            dark: true,
            recent: Vec::new(),
            view: View::Review,
            advance: false,
        }
    }
}

/// What to open at start-up.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// The file (`None`: the welcome screen).
    pub file: Option<PathBuf>,
    /// Column roles and format.
    pub options: LoadOptions,
    /// A second run to compare the file with, once it is open.
    pub compare: Option<PathBuf>,
    /// Load on the calling thread (tests) instead of in the background.
    pub blocking: bool,
    /// Use Slicewise's own file dialog, never the native one
    /// (`SLICEWISE_FILE_DIALOG=builtin`; tests).
    pub builtin_dialogs: bool,
}

/// An open file: the document and the views' state for it.
pub struct OpenFile {
    /// The document.
    pub doc: Document,
    /// Every view's options and caches.
    pub views: Views,
}

/// The dialogs that can be open.
#[derive(Default)]
pub struct Dialogs {
    /// The new-tag prompt.
    pub new_tag: Option<NewTagDialog>,
    /// The column mapping dialog.
    pub mapping: Option<MappingDialog>,
    /// The keyboard shortcut help.
    pub shortcuts: bool,
    /// An error to acknowledge.
    pub error: Option<ErrorDialog>,
    /// Slicewise's own file dialog, where no native one can be shown.
    pub file: Option<FileDialog>,
}

/// The application.
pub struct App {
    /// Persisted preferences.
    pub prefs: Prefs,
    /// The open file, if any.
    pub file: Option<OpenFile>,
    /// A load in progress.
    pub loading: Option<Loading>,
    /// A second run loading to compare with: its file and the job.
    pub comparing: Option<(PathBuf, Job<()>)>,
    /// Open dialogs.
    pub dialogs: Dialogs,
    /// The last status message.
    pub status: Option<Status>,
    /// The Tags panel.
    pub tags: TagsPanel,
    /// The inspector.
    pub inspector: InspectorPanel,
    /// Exports being written.
    pub exporting: usize,
    /// Commands sent during the frame, run in the next `logic()`.
    commands: CommandSender,
    images: ImageCache,
    /// A native file dialog being shown.
    dialog: Option<Job<()>>,
    /// Whether to try the native file dialog (off once it failed to appear).
    native_dialogs: bool,
    title: String,
    /// Duration of the last `ui()` call, for the status bar.
    frame_time: Duration,
    /// Every frame's `ui()` time when `SLICEWISE_FRAME_STATS` is set.
    frame_log: Option<Vec<Duration>>,
    load_options: LoadOptions,
    /// A second run to compare with once the start-up file is open.
    pending_compare: Option<PathBuf>,
    /// The user's data folder for Slicewise (the unpacked sample).
    data_dir: Option<PathBuf>,
    /// A file being read with roles the user chose, to remember them in
    /// its session once open.
    roles_chosen: Option<PathBuf>,
}

/// The file to open when none is named: the sample of the source checkout
/// when Slicewise runs in that checkout (`cargo run --release`), else none
/// (the welcome screen, whose "Open the sample" unpacks the sample shipped
/// inside the binary into the user's data folder). An installed binary run
/// from another folder so never writes into the source tree.
#[must_use]
pub fn startup_sample(cwd: &Path) -> Option<PathBuf> {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let sample = checkout
        .join("sample_data")
        .join(crate::core::bundled::FILE_NAME);
    (same(cwd, checkout) && sample.exists()).then_some(sample)
}

impl App {
    /// Creates the app and starts opening the start-up file.
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, startup: Startup) -> Self {
        let prefs: Prefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self::with_prefs(&cc.egui_ctx, prefs, startup.options.clone());
        app.native_dialogs = !startup.builtin_dialogs;
        if let Some(file) = startup.file {
            if startup.blocking {
                app.open_blocking(&file, &startup.options);
                if let Some(after) = &startup.compare {
                    app.compare_blocking(after);
                }
            } else {
                app.send(Command::Open(file));
                app.pending_compare = startup.compare;
            }
        }
        app
    }

    /// The app with these preferences, nothing open.
    #[must_use]
    pub fn with_prefs(ctx: &egui::Context, prefs: Prefs, load_options: LoadOptions) -> Self {
        super::theme::apply(ctx, prefs.dark);
        super::theme::fonts(ctx);
        Self {
            prefs,
            file: None,
            loading: None,
            comparing: None,
            dialogs: Dialogs::default(),
            status: None,
            tags: TagsPanel::default(),
            inspector: InspectorPanel::default(),
            exporting: 0,
            commands: CommandSender::default(),
            images: ImageCache::new(),
            dialog: None,
            native_dialogs: true,
            title: String::new(),
            frame_time: Duration::ZERO,
            frame_log: std::env::var_os("SLICEWISE_FRAME_STATS").map(|_| Vec::new()),
            load_options,
            pending_compare: None,
            data_dir: eframe::storage_dir("Slicewise"),
            roles_chosen: None,
        }
    }

    /// Uses `dir` as the user's data folder (where the sample is unpacked).
    pub fn set_data_dir(&mut self, dir: PathBuf) {
        self.data_dir = Some(dir);
    }

    /// Queues a command, as a click or key would.
    pub fn send(&self, command: impl Into<Command>) {
        self.commands.send(command);
    }

    /// The open document.
    #[must_use]
    pub fn doc(&self) -> Option<&Document> {
        self.file.as_ref().map(|f| &f.doc)
    }

    /// The open document, to change.
    pub fn doc_mut(&mut self) -> Option<&mut Document> {
        self.file.as_mut().map(|f| &mut f.doc)
    }

    /// The views of the open file.
    #[must_use]
    pub fn views(&self) -> Option<&Views> {
        self.file.as_ref().map(|f| &f.views)
    }

    /// The views of the open file, to change their options.
    pub fn views_mut(&mut self) -> Option<&mut Views> {
        self.file.as_mut().map(|f| &mut f.views)
    }

    /// The decoded images.
    #[must_use]
    pub fn images(&self) -> &ImageCache {
        &self.images
    }

    /// What the shown view's worker is computing, if anything.
    #[must_use]
    pub fn busy(&self) -> Option<&'static str> {
        self.views().and_then(|v| v.get(self.prefs.view).busy())
    }

    /// The window title (with "●" while there are unsaved changes).
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    fn say(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            is_error: false,
            at: Instant::now(),
        });
    }

    fn say_error(&mut self, error: &GuiError) {
        self.status = Some(Status {
            text: error.to_string(),
            is_error: true,
            at: Instant::now(),
        });
    }

    /// Shows an error in a dialog.
    fn show_error(&mut self, error: &GuiError) {
        self.dialogs.error = Some(ErrorDialog {
            message: error.to_string(),
        });
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        let d = &mut self.dialogs;
        if let Some(dialog) = &mut d.new_tag
            && dialog.ui(ctx, &self.commands)
        {
            d.new_tag = None;
        }
        if let Some(dialog) = &mut d.mapping
            && dialog.ui(ctx, &self.commands)
        {
            d.mapping = None;
        }
        if d.shortcuts {
            d.shortcuts = shortcuts_ui(ctx);
        }
        if let Some(dialog) = &mut d.file
            && dialog.ui(ctx, &self.commands)
        {
            d.file = None;
        }
        if let Some(dialog) = &d.error
            && dialog.ui(ctx)
        {
            d.error = None;
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        self.logic_steps(ctx);
        let took = started.elapsed();
        if self.frame_log.is_some() && took > logic::SLOW_LOGIC {
            eprintln!(
                "{}: slow logic() {:.1} ms",
                self.prefs.view.label(),
                took.as_secs_f64() * 1000.0
            );
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        let egui_ctx = ui.ctx().clone();
        let (can_undo, can_redo) = self.doc().map_or((false, false), Document::can_undo_redo);
        let menu = menu_bar::MenuState {
            recent: &self.prefs.recent,
            can_undo,
            can_redo,
            advance: self.prefs.advance,
        };
        menu_bar::ui(ui, &menu, &self.commands);
        let status = StatusState {
            loading: self.loading.as_ref(),
            exporting: self.exporting > 0,
            busy: self.busy(),
            comparing: self.comparing.as_ref().map(|(path, _)| path.as_path()),
            doc: self.doc(),
            status: self.status.as_ref(),
            frame_time: self.frame_time,
        };
        status_bar::ui(ui, &status, &self.commands);
        let view = self.prefs.view;
        match &mut self.file {
            Some(OpenFile { doc, views }) => {
                let ctx = ViewCtx {
                    doc,
                    commands: &self.commands,
                    egui: &egui_ctx,
                };
                self.tags.ui(&ctx, ui);
                // A count cube has no example to inspect.
                if view == View::Review && !doc.ds.is_cube() {
                    self.inspector.ui(&ctx, ui, &mut self.images);
                }
                egui::CentralPanel::default().show(ui, |ui| {
                    crate::gui::panels::tabs_ui(ui, view, &self.commands);
                    views.get_mut(view).ui(&ctx, ui);
                });
            }
            None => {
                let loading = self.loading.is_some();
                egui::CentralPanel::default().show(ui, |ui| {
                    views::welcome::ui(ui, &self.prefs.recent, loading, &self.commands);
                });
            }
        }
        self.dialogs_ui(&egui_ctx);
        if !self.commands.is_empty() {
            egui_ctx.request_repaint();
        }
        self.frame_time = started.elapsed();
        if let Some(log) = &mut self.frame_log {
            log.push(self.frame_time);
            if log.len() == FRAME_STATS_EVERY {
                eprintln!("{}: {}", view.label(), frame_stats(log));
                log.clear();
            }
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.commit_note();
        if let Some(log) = &mut self.frame_log
            && !log.is_empty()
        {
            eprintln!("{}: {}", self.prefs.view.label(), frame_stats(log));
        }
        if let Some(doc) = self.doc_mut()
            && doc.unsaved()
            && let Err(e) = doc.save()
        {
            // No window is left to show it in.
            eprintln!("error: {e}");
        }
    }
}
