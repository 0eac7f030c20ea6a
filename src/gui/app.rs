//! The desktop app: `logic()` applies commands and background results,
//! `ui()` only draws and sends commands.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Key, KeyboardShortcut, Modifiers};

use super::audit;
use super::command::{Command, ExportFormat, RoleChoice, View};
use super::jobs::{DialogJob, DialogPurpose, ExportJob, ImageCache, LoadFailure, LoadJob, Loaded};
use super::panels;
use super::views;
use super::workspace::Workspace;
use crate::core::load::{LoadOptions, Preview};
use crate::core::render;
use crate::core::tags::Edit;

/// How many recent files are remembered.
const RECENT: usize = 10;
/// Rows jumped by Page Up / Page Down.
const PAGE: isize = 25;
/// Frames per line of `SLICEWISE_FRAME_STATS` output.
const FRAME_STATS_EVERY: usize = 100;
/// `logic()` slower than this is reported under `SLICEWISE_FRAME_STATS`.
const SLOW_LOGIC: Duration = Duration::from_millis(16);

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
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            dark: true,
            recent: Vec::new(),
            view: View::Review,
        }
    }
}

/// What to open at start-up.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// The file (`None`: the bundled sample, if found).
    pub file: Option<PathBuf>,
    /// Column roles and format.
    pub options: LoadOptions,
    /// Load on the calling thread (tests) instead of in the background.
    pub blocking: bool,
}

/// The column mapping dialog's state.
pub struct MappingDialog {
    /// The file.
    pub path: PathBuf,
    /// Why it is shown.
    pub error: String,
    /// Columns and first values.
    pub preview: Preview,
    /// The choice so far.
    pub choice: RoleChoice,
}

/// A short message in the status bar.
pub struct Status {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub is_error: bool,
    /// When it was set.
    pub at: Instant,
}

/// The application.
pub struct App {
    /// Persisted preferences.
    pub prefs: Prefs,
    /// The open file, if any.
    pub workspace: Option<Workspace>,
    /// A load in progress.
    pub loading: Option<LoadJob>,
    /// Column roles to choose before opening.
    pub mapping: Option<MappingDialog>,
    /// An error to show in a dialog.
    pub error: Option<String>,
    /// The last status message.
    pub status: Option<Status>,
    /// The name typed into the new-tag prompt, while it is open.
    pub new_tag: Option<String>,
    /// Whether the shortcut help is shown.
    pub show_shortcuts: bool,
    /// Commands sent this frame, run in `logic()`.
    pub pending: Vec<Command>,
    /// Decoded images.
    pub images: Option<ImageCache>,
    /// Editing state of the panels.
    pub panels: panels::PanelState,
    dialog: Option<DialogJob>,
    /// Exports being written.
    pub exports: Vec<ExportJob>,
    title: String,
    /// Duration of the last `ui()` call, for the status bar.
    pub frame_time: Duration,
    /// Every frame's `ui()` time when `SLICEWISE_FRAME_STATS` is set (printed on exit).
    frame_log: Option<Vec<Duration>>,
    load_options: LoadOptions,
}

/// Where the bundled sample is, when it can be found.
#[must_use]
pub fn bundled_sample() -> Option<PathBuf> {
    let rel = Path::new("sample_data").join("speech_commands.csv");
    [
        rel.clone(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel),
    ]
    .into_iter()
    .find(|p| p.exists())
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
        if let Some(file) = startup.file.or_else(bundled_sample) {
            if startup.blocking {
                app.open_blocking(&file, &startup.options);
            } else {
                app.pending.push(Command::Open(file));
            }
        }
        app
    }

    /// The app without a window (tests use this through [`App::new`]).
    #[must_use]
    pub fn with_prefs(ctx: &egui::Context, prefs: Prefs, load_options: LoadOptions) -> Self {
        ctx.set_theme(if prefs.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        Self {
            prefs,
            workspace: None,
            loading: None,
            mapping: None,
            error: None,
            status: None,
            new_tag: None,
            show_shortcuts: false,
            pending: Vec::new(),
            images: Some(ImageCache::new(ctx)),
            panels: panels::PanelState::default(),
            dialog: None,
            exports: Vec::new(),
            title: String::new(),
            frame_time: Duration::ZERO,
            frame_log: std::env::var_os("SLICEWISE_FRAME_STATS").map(|_| Vec::new()),
            load_options,
        }
    }

    /// Loads a file on this thread (tests, and nothing else that draws).
    pub fn open_blocking(&mut self, path: &Path, options: &LoadOptions) {
        let result = super::jobs::load_blocking(path, options, &|_| {});
        self.finish_load(path, result);
    }

    fn say(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            is_error: false,
            at: Instant::now(),
        });
    }

    fn say_error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            is_error: true,
            at: Instant::now(),
        });
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.prefs.recent.retain(|p| *p != path);
        self.prefs.recent.insert(0, path);
        self.prefs.recent.truncate(RECENT);
    }

    fn finish_load(&mut self, path: &Path, result: Result<Loaded, LoadFailure>) {
        match result {
            Ok(loaded) => {
                // Finish the old file: its note draft and its session.
                self.commit_note();
                self.save_now();
                self.panels = panels::PanelState::default();
                let ws = Workspace::new(
                    loaded.ds,
                    loaded.state,
                    loaded.session_path,
                    loaded.warnings,
                );
                self.say(format!(
                    "Opened {} ({} rows){}",
                    ws.file_name(),
                    render::count(ws.ds.rows() as u64),
                    if ws.session_path.exists() {
                        ", with its session"
                    } else {
                        ""
                    }
                ));
                self.remember_recent(path);
                self.workspace = Some(ws);
                self.mapping = None;
            }
            Err(LoadFailure::Roles { error, preview }) => {
                let d = &preview.detected;
                let choice = RoleChoice {
                    label: d.label.clone(),
                    pred: d.pred.clone(),
                    score: d.score.clone().unwrap_or_default(),
                    id: d.id.clone().unwrap_or_default(),
                    human: d.human.clone().unwrap_or_default(),
                    image: d.image.clone().unwrap_or_default(),
                    text: d.text.clone().unwrap_or_default(),
                };
                self.mapping = Some(MappingDialog {
                    path: path.to_path_buf(),
                    error,
                    preview: *preview,
                    choice,
                });
            }
            Err(LoadFailure::Other(message)) => {
                if message != "Loading was cancelled" {
                    self.error = Some(message);
                }
            }
        }
    }

    /// Commits a note still being typed, so saving or closing keeps it.
    pub fn commit_note(&mut self) {
        let (Some(ws), Some((row, text))) = (&mut self.workspace, &self.panels.note) else {
            return;
        };
        if ws.state.note(*row as usize) != text.as_str() {
            let edit = Edit::SetNote {
                row: *row,
                note: text.clone(),
            };
            if let Err(e) = ws.edit(edit) {
                self.status = Some(Status {
                    text: e.to_string(),
                    is_error: true,
                    at: Instant::now(),
                });
            }
        }
    }

    /// Writes the session if anything changed; errors go to the status bar.
    pub fn save_now(&mut self) {
        let Some(ws) = &mut self.workspace else {
            return;
        };
        if !ws.unsaved() && !ws.autosave_due() {
            return;
        }
        if let Err(e) = ws.save() {
            self.say_error(format!("{e:#}"));
        }
    }

    fn options_for(&self, choice: &RoleChoice) -> LoadOptions {
        let opt = |s: &String| (!s.is_empty()).then(|| s.clone());
        LoadOptions {
            label: Some(choice.label.clone()),
            pred: Some(choice.pred.clone()),
            score: opt(&choice.score),
            // An empty id means row numbers, which the loader reads from "".
            id: Some(choice.id.clone()),
            human: opt(&choice.human),
            image: opt(&choice.image),
            text: opt(&choice.text),
            ..self.load_options.clone()
        }
    }

    /// Reads shortcuts, unless a text field has the keyboard.
    fn read_keys(&mut self, ctx: &egui::Context) {
        if ctx.text_edit_focused() || self.new_tag.is_some() || self.mapping.is_some() {
            return;
        }
        // egui matches a shortcut when at least its modifiers are held, so
        // Shift+J would also match J: try shortcuts with more modifiers first.
        let mut bindings: Vec<(KeyboardShortcut, Command)> = Command::with_shortcuts()
            .into_iter()
            .flat_map(|cmd| {
                cmd.shortcut()
                    .into_iter()
                    .chain(cmd.alternatives())
                    .map(move |k| (k, cmd.clone()))
            })
            .collect();
        let held = |k: &KeyboardShortcut| {
            let m = k.modifiers;
            u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl || m.mac_cmd)
        };
        bindings.sort_by_key(|(k, _)| std::cmp::Reverse(held(k)));
        let mut fired = Vec::new();
        ctx.input_mut(|i| {
            for (key, cmd) in bindings {
                if i.consume_shortcut(&key) && !fired.contains(&cmd) {
                    fired.push(cmd);
                }
            }
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                fired.push(Command::CancelLoad);
            }
        });
        self.pending.extend(fired);
    }

    /// Runs every pending command.
    fn run_commands(&mut self, ctx: &egui::Context) {
        for cmd in std::mem::take(&mut self.pending) {
            self.run(ctx, cmd);
        }
    }

    /// Executes one command.
    pub fn run(&mut self, ctx: &egui::Context, cmd: Command) {
        if cmd.needs_data() && self.workspace.is_none() {
            return;
        }
        match cmd {
            Command::OpenDialog => self.start_dialog(ctx, DialogPurpose::Open),
            Command::Open(path) => {
                self.mapping = None;
                self.loading = Some(LoadJob::start(path, self.load_options.clone(), ctx));
            }
            Command::OpenWithRoles(path, choice) => {
                let options = self.options_for(&choice);
                self.mapping = None;
                self.loading = Some(LoadJob::start(path, options, ctx));
            }
            Command::CancelLoad => {
                if let Some(job) = self.loading.take() {
                    job.cancel();
                    self.say("Loading cancelled");
                } else if self.new_tag.is_some() {
                    self.new_tag = None;
                } else {
                    self.show_shortcuts = false;
                    self.error = None;
                }
            }
            Command::ExportDialog(format) => self.start_dialog(ctx, DialogPurpose::Export(format)),
            Command::ToggleShortcuts => self.show_shortcuts = !self.show_shortcuts,
            Command::ToggleTheme => {
                self.prefs.dark = !self.prefs.dark;
                ctx.set_theme(if self.prefs.dark {
                    egui::Theme::Dark
                } else {
                    egui::Theme::Light
                });
            }
            Command::ShowView(view) => self.prefs.view = view,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::NewTagPrompt => {
                if self
                    .workspace
                    .as_ref()
                    .is_some_and(|ws| ws.cursor.is_some())
                {
                    self.new_tag = Some(String::new());
                } else {
                    self.say_error("Select an example first");
                }
            }
            Command::Save => {
                self.commit_note();
                if let Some(ws) = &mut self.workspace {
                    let result = ws.save().map(|()| ws.session_path.display().to_string());
                    match result {
                        Ok(path) => self.say(format!("Saved {path}")),
                        Err(e) => self.say_error(format!("{e:#}")),
                    }
                }
            }
            cmd => self.run_on_workspace(ctx, cmd),
        }
    }

    fn start_dialog(&mut self, ctx: &egui::Context, purpose: DialogPurpose) {
        if self.dialog.is_some() {
            return;
        }
        let dir = self
            .workspace
            .as_ref()
            .and_then(|ws| ws.ds.source.path.parent().map(Path::to_path_buf));
        let name = match purpose {
            DialogPurpose::Open => String::new(),
            DialogPurpose::Export(f) => {
                let stem = self
                    .workspace
                    .as_ref()
                    .and_then(|ws| {
                        ws.ds
                            .source
                            .path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                    })
                    .unwrap_or_else(|| "slicewise".into());
                format!("{stem}-priorities.{}", f.extension())
            }
        };
        self.dialog = DialogJob::start(purpose, dir, name, ctx);
        if self.dialog.is_none() {
            self.say_error("Cannot show a file dialog here");
        }
    }

    fn run_on_workspace(&mut self, ctx: &egui::Context, cmd: Command) {
        let Some(ws) = &mut self.workspace else {
            return;
        };
        let mut message: Option<Result<String, String>> = None;
        match cmd {
            Command::Undo if !ws.undo() => message = Some(Ok("Nothing to undo".into())),
            Command::Redo if !ws.redo() => message = Some(Ok("Nothing to redo".into())),
            Command::Next => ws.move_cursor(1, false),
            Command::Previous => ws.move_cursor(-1, false),
            Command::ExtendNext => ws.move_cursor(1, true),
            Command::ExtendPrevious => ws.move_cursor(-1, true),
            Command::PageDown => ws.move_cursor(PAGE, false),
            Command::PageUp => ws.move_cursor(-PAGE, false),
            Command::First => ws.move_cursor(isize::MIN / 2, false),
            Command::Last => ws.move_cursor(isize::MAX / 2, false),
            Command::Select { index, extend } => ws.select(index, extend),
            Command::ToggleHotkey(key) => match ws.state.tag_by_hotkey(key).map(|t| t.id) {
                Some(id) => {
                    if let Err(e) = ws.toggle(id) {
                        message = Some(Err(e.to_string()));
                    }
                }
                None => message = Some(Err(format!("No tag has key {key}; press n to create one"))),
            },
            Command::ToggleTag(id) => {
                if let Err(e) = ws.toggle(id) {
                    message = Some(Err(e.to_string()));
                }
            }
            Command::CreateTag(name) => match ws.create_tag(&name) {
                Ok(id) => {
                    let key = ws.state.tag(id).and_then(|t| t.def.hotkey);
                    message = Some(Ok(match key {
                        Some(k) => format!("Created '{}' on key {k}", name.trim()),
                        None => format!("Created '{}' (all 9 keys are taken)", name.trim()),
                    }));
                    self.new_tag = None;
                }
                Err(e) => message = Some(Err(e.to_string())),
            },
            Command::CreateRuleTag(def) => {
                let index = ws.state.tags().len();
                let name = def.name.clone();
                match ws.edit(Edit::AddTag {
                    index,
                    id: None,
                    def,
                    members: Vec::new(),
                }) {
                    Ok(()) => message = Some(Ok(format!("Created rule tag '{name}'"))),
                    Err(e) => message = Some(Err(e.to_string())),
                }
            }
            Command::MarkReviewed | Command::MarkUnreviewed => {
                let rows = ws.selected_rows();
                let reviewed = matches!(cmd, Command::MarkReviewed);
                if let Err(e) = ws.edit(Edit::SetReviewed { rows, reviewed }) {
                    message = Some(Err(e.to_string()));
                } else if reviewed && ws.selected_range().is_some_and(|(lo, hi)| lo == hi) {
                    // Reviewing one example moves on, like tagging-and-moving on.
                    ws.move_cursor(1, false);
                }
            }
            Command::BulkTag(id) => {
                let rows = ws.rows.clone();
                let n = rows.len();
                match ws.edit(Edit::SetTag {
                    tag: id,
                    on: true,
                    rows,
                }) {
                    Ok(()) => {
                        message = Some(Ok(format!(
                            "Tagged {} examples (one undo step)",
                            render::count(n as u64)
                        )));
                    }
                    Err(e) => message = Some(Err(e.to_string())),
                }
            }
            Command::SetNote(row, note) => {
                if ws.state.note(row as usize) != note
                    && let Err(e) = ws.edit(Edit::SetNote { row, note })
                {
                    message = Some(Err(e.to_string()));
                }
            }
            Command::UpdateTag(id, def) => {
                if let Err(e) = ws.edit(Edit::UpdateTag { tag: id, def }) {
                    message = Some(Err(e.to_string()));
                }
            }
            Command::DeleteTag(id) => {
                let name = ws
                    .state
                    .tag(id)
                    .map(|t| t.def.name.clone())
                    .unwrap_or_default();
                match ws.edit(Edit::RemoveTag { tag: id }) {
                    Ok(()) => {
                        message = Some(Ok(format!("Deleted '{name}' (Ctrl+Z brings it back)")));
                    }
                    Err(e) => message = Some(Err(e.to_string())),
                }
            }
            Command::MergeTags { from, into } => {
                if let Err(e) = ws.merge(from, into) {
                    message = Some(Err(e.to_string()));
                }
            }
            Command::SetFilter(filter) => ws.set_filter(filter),
            Command::Reshuffle => {
                let mut f = ws.filter.clone();
                f.random_order = true;
                f.seed = f.seed.wrapping_add(1);
                ws.set_filter(f);
            }
            Command::SortTable(key) => ws.sort_by(key),
            Command::ShowCell { truth, pred } => {
                ws.set_filter(crate::core::filter::ReviewFilter {
                    scope: crate::core::filter::Scope::All,
                    truth: Some(truth.clone()),
                    pred: Some(pred.clone()),
                    ..crate::core::filter::ReviewFilter::default()
                });
                self.prefs.view = View::Review;
                message = Some(Ok(format!(
                    "{} examples of {truth} predicted as {pred}",
                    render::count(ws.rows.len() as u64)
                )));
            }
            Command::ShowHumanDisagreements => {
                ws.set_filter(crate::core::filter::ReviewFilter {
                    scope: crate::core::filter::Scope::HumanDisagrees,
                    ..crate::core::filter::ReviewFilter::default()
                });
                self.prefs.view = View::Review;
            }
            Command::AddWatch(pair) if !ws.state.watch.contains(&pair) => {
                ws.state.watch.push(pair);
                ws.touch();
            }
            Command::RemoveWatch(i) if i < ws.state.watch.len() => {
                ws.state.watch.remove(i);
                ws.touch();
            }
            Command::CopyMarkdown => {
                let md = export_text(ws, ExportFormat::Markdown);
                ctx.copy_text(md);
                message = Some(Ok("Copied the prioritisation table as Markdown".into()));
            }
            Command::Export(path) => {
                let format = match path
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("md" | "markdown") => ExportFormat::Markdown,
                    Some("html" | "htm") => ExportFormat::Html,
                    _ => ExportFormat::Csv,
                };
                // The table is rendered here (it is cached and small); the
                // file is written on a background thread.
                let text = export_text(ws, format);
                self.exports.push(ExportJob::start(path, text, ctx));
            }
            _ => {}
        }
        match message {
            Some(Ok(m)) => self.say(m),
            Some(Err(m)) => self.say_error(m),
            None => {}
        }
    }

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        let mut finished = Vec::new();
        self.exports.retain(|job| match job.poll() {
            Some(result) => {
                finished.push(result);
                false
            }
            None => true,
        });
        for result in finished {
            match result {
                Ok(path) => self.say(format!("Exported {}", path.display())),
                Err(e) => self.say_error(e),
            }
        }
        if let Some(job) = &mut self.loading
            && let Some(result) = job.poll()
        {
            let path = job.path.clone();
            self.loading = None;
            self.finish_load(&path, result);
        }
        if let Some(dialog) = &self.dialog
            && let Some(choice) = dialog.poll()
        {
            let purpose = dialog.purpose;
            let instant = dialog.started.elapsed() < Duration::from_millis(300);
            self.dialog = None;
            if choice.is_none() && instant {
                self.say_error(
                    "No file dialog is available on this desktop (it needs xdg-desktop-portal). Drop the file on the window, or pass it on the command line: slicewise open FILE",
                );
            }
            if let Some(path) = choice {
                self.pending.push(match purpose {
                    DialogPurpose::Open => Command::Open(path),
                    DialogPurpose::Export(_) => Command::Export(path),
                });
            }
        }
        if let Some(images) = &mut self.images {
            images.poll(ctx);
        }
        // Files dropped on the window open like File, Open.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.pending.push(Command::Open(path));
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.workspace {
            Some(ws) => format!(
                "{}{} — Slicewise",
                if ws.unsaved() { "● " } else { "" },
                ws.file_name()
            ),
            None => "Slicewise".to_string(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The window title (with "●" while there are unsaved changes).
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// The prioritisation table of the workspace in an export format.
#[must_use]
pub fn export_text(ws: &mut Workspace, format: ExportFormat) -> String {
    let ctx = render::ExportContext {
        file: ws.file_name(),
        rows: ws.ds.rows() as u64,
        errors: ws.summary.errors as u64,
        accuracy: ws.summary.confusion.accuracy().value(),
        coverage: crate::core::stats::ratio_u(ws.state.reviewed_errors(), ws.summary.errors as u64),
    };
    let rows = ws.table();
    match format {
        ExportFormat::Csv => render::tags_csv(rows),
        ExportFormat::Markdown => render::tags_markdown(rows, &ctx),
        ExportFormat::Html => render::tags_html(rows, &ctx),
    }
}

impl App {
    /// Everything `logic()` does each frame: jobs, keys, commands, autosave,
    /// the audit views' refresh.
    fn logic_steps(&mut self, ctx: &egui::Context) {
        self.poll_jobs(ctx);
        self.read_keys(ctx);
        self.run_commands(ctx);
        if ctx.input(|i| i.viewport().close_requested()) {
            self.commit_note();
            if let Some(ws) = &mut self.workspace
                && (ws.unsaved() || ws.autosave_due())
                && let Err(e) = ws.save()
            {
                // Keep the window open rather than lose work.
                self.error = Some(format!(
                    "Could not save before closing, so the window stays open. {e:#}"
                ));
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            }
        } else if let Some(ws) = &mut self.workspace {
            if ws.autosave_due() {
                self.save_now();
            } else if let Some(wait) = ws.autosave_in() {
                ctx.request_repaint_after(wait);
            }
        }
        if let Some(ws) = &mut self.workspace {
            ws.audit.refresh(
                ctx,
                &ws.ds,
                &ws.summary.confusion,
                &ws.state,
                self.prefs.view,
            );
        }
        self.update_title(ctx);
        if self.loading.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        self.logic_steps(ctx);
        let took = started.elapsed();
        if self.frame_log.is_some() && took > SLOW_LOGIC {
            eprintln!(
                "{}: slow logic() {:.1} ms",
                self.prefs.view.label(),
                took.as_secs_f64() * 1000.0
            );
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        panels::menu_bar(self, ui);
        panels::status_bar(self, ui);
        if self.workspace.is_some() {
            panels::tags_panel(self, ui);
            if self.prefs.view == View::Review {
                panels::inspector(self, ui);
            }
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if self.workspace.is_none() {
                views::welcome(self, ui);
            } else {
                views::tabs(self, ui);
                match self.prefs.view {
                    View::Overview => {
                        egui::ScrollArea::vertical().show(ui, |ui| views::overview(self, ui));
                    }
                    View::Review => views::review(self, ui),
                    View::Prioritise => views::prioritise(self, ui),
                    View::Confusion => audit::confusion(self, ui),
                    View::Classes => audit::classes(self, ui),
                    View::Slices => audit::slices(self, ui),
                    View::Thresholds => audit::thresholds_view(self, ui),
                    View::Labels => audit::labels(self, ui),
                }
            }
        });
        panels::dialogs(self, ui.ctx());
        if !self.pending.is_empty() {
            ui.ctx().request_repaint();
        }
        self.frame_time = started.elapsed();
        if let Some(log) = &mut self.frame_log {
            log.push(self.frame_time);
            if log.len() == FRAME_STATS_EVERY {
                let view = self.prefs.view.label();
                eprintln!("{view}: {}", frame_stats(log));
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
        if let Some(ws) = &mut self.workspace
            && ws.unsaved()
        {
            let _ = ws.save();
        }
    }
}
