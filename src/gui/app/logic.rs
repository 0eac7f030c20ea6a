//! What `logic()` does each frame: take background results and dropped
//! files, read keys, run the commands sent last frame, autosave, refresh the
//! shown view, and keep the title in step.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{App, OpenFile};
use crate::core::load::LoadOptions;
use crate::core::open::{Opened, Summary};
use crate::core::render;
use crate::core::tags::Edit;
use crate::gui::actions::Action;
use crate::gui::commands::{Command, DialogPurpose};
use crate::gui::context::ViewCtx;
use crate::gui::dialogs::FileDialog;
use crate::gui::dialogs::MappingDialog;
use crate::gui::document::Document;
use crate::gui::error::GuiError;
use crate::gui::error::LoadFailure;
use crate::gui::jobs::load_blocking;
use crate::gui::views::Views;

/// How many recent files are remembered.
const RECENT: usize = 10;
/// `logic()` slower than this is reported under `SLICEWISE_FRAME_STATS`.
pub(super) const SLOW_LOGIC: Duration = Duration::from_millis(16);

impl App {
    /// Everything `logic()` does each frame.
    pub(super) fn logic_steps(&mut self, ctx: &egui::Context) {
        self.poll_jobs(ctx);
        self.read_keys(ctx);
        for command in self.commands.take() {
            self.run(ctx, command);
        }
        if ctx.input(|i| i.viewport().close_requested()) {
            self.commit_note();
            if let Some(doc) = self.doc_mut()
                && (doc.unsaved() || doc.autosave_due())
                && let Err(e) = doc.save()
            {
                // Keep the window open rather than lose work.
                let e = GuiError::from(e);
                self.dialogs.error = Some(crate::gui::dialogs::ErrorDialog {
                    message: format!(
                        "Could not save before closing, so the window stays open. {e}"
                    ),
                });
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            }
        } else if let Some(doc) = self.doc() {
            if doc.autosave_due() {
                self.save_now();
            } else if let Some(wait) = doc.autosave_in() {
                ctx.request_repaint_after(wait);
            }
        }
        self.report_merge();
        let view = self.prefs.view;
        if let Some(OpenFile { doc, views }) = &mut self.file {
            doc.set_view_options(views.options());
            let view_ctx = ViewCtx {
                doc,
                commands: &self.commands,
                egui: ctx,
            };
            views.get_mut(view).refresh(&view_ctx);
        }
        self.update_title(ctx);
        if self.loading.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Opens a file on this thread (tests, and nothing else that draws).
    pub fn open_blocking(&mut self, path: &Path, options: &LoadOptions) {
        let result = load_blocking(path, options, &|_| {});
        self.finish_load(path, result);
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.prefs.recent.retain(|p| *p != path);
        self.prefs.recent.insert(0, path);
        self.prefs.recent.truncate(RECENT);
    }

    pub(super) fn finish_load(
        &mut self,
        path: &Path,
        result: Result<(Opened, Summary), LoadFailure>,
    ) {
        match result {
            Ok((opened, summary)) => {
                // Finish the old file: its note draft and its session.
                self.commit_note();
                self.save_now();
                self.tags = crate::gui::panels::TagsPanel::default();
                // A second run loading for the old file is not for this one.
                if let Some((_, job)) = self.comparing.take() {
                    job.cancel();
                }
                self.inspector = crate::gui::panels::InspectorPanel::default();
                let had_session = opened.had_session;
                let mut doc = Document::with_summary(opened, summary);
                if self.roles_chosen.take().as_deref() == Some(path) {
                    doc.remember_roles();
                }
                self.say(format!(
                    "Opened {} ({}){}",
                    doc.file_name(),
                    if doc.ds.weights.is_some() {
                        format!(
                            "{} examples in {} weighted rows",
                            render::count(doc.ds.total()),
                            render::count(doc.ds.rows())
                        )
                    } else {
                        format!("{} rows", render::count(doc.ds.rows()))
                    },
                    if had_session {
                        ", with its session"
                    } else {
                        ""
                    }
                ));
                self.remember_recent(path);
                let views = Views::new(&doc);
                self.file = Some(OpenFile { doc, views });
                self.dialogs.mapping = None;
            }
            Err(LoadFailure::Roles { error, preview }) => {
                self.dialogs.mapping = Some(MappingDialog::new(
                    path.to_path_buf(),
                    error.to_string(),
                    *preview,
                ));
            }
            Err(LoadFailure::Error(GuiError::Cancelled)) => {}
            Err(LoadFailure::Error(e)) => self.show_error(&e),
        }
    }

    /// Loads a second run on this thread and compares (tests).
    pub fn compare_blocking(&mut self, path: &Path) {
        let Some(doc) = self.doc() else { return };
        let result = crate::gui::jobs::compare_blocking(&doc.ds, path, &self.load_options);
        self.finish_compare(path, result);
    }

    pub(super) fn finish_compare(
        &mut self,
        path: &Path,
        result: Result<crate::core::compare::RunComparison, GuiError>,
    ) {
        match result {
            Ok(compared) => {
                let Some(doc) = self.doc_mut() else { return };
                let (fixed, broken) = (compared.table.fixed, compared.table.broken);
                let message = format!(
                    "Comparing with {}: {} examples in both, {} fixed, {} broken",
                    path.file_name()
                        .map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
                    render::count(compared.joined.pairs.len() as u64),
                    render::count(fixed),
                    render::count(broken)
                );
                doc.set_compare(Some(std::sync::Arc::new(compared)));
                self.prefs.view = crate::gui::tabs::View::Compare;
                self.say(message);
            }
            Err(GuiError::Cancelled) => {}
            Err(e) => self.show_error(&e),
        }
    }

    /// Takes what a native file dialog chose; when it closed at once, it
    /// never appeared (no desktop portal): Slicewise's own is shown, now and
    /// from now on.
    pub(super) fn finish_dialog(
        &mut self,
        purpose: DialogPurpose,
        dir: Option<PathBuf>,
        name: String,
        choice: Option<PathBuf>,
        at_once: bool,
    ) {
        self.dialog = None;
        if choice.is_none() && at_once {
            self.native_dialogs = false;
            self.say(format!(
                "{}: no native file dialog on this desktop (it needs xdg-desktop-portal), so Slicewise shows its own",
                purpose.title()
            ));
            self.dialogs.file = Some(FileDialog::new(purpose, dir, name, &self.prefs.recent));
        }
        if let Some(path) = choice {
            self.send(purpose.command(path));
        }
    }

    /// Tells the user when a save merged in another window's changes, and
    /// asks about the conflicts it kept both sides of.
    fn report_merge(&mut self) {
        let Some(conflicts) = self.doc_mut().and_then(|d| d.merged.take()) else {
            return;
        };
        self.say("Merged the changes another window saved to this session (undo starts afresh)");
        if !conflicts.is_empty() {
            let lines: Vec<String> = conflicts.iter().map(|c| format!("• {c}")).collect();
            self.dialogs.error = Some(crate::gui::dialogs::ErrorDialog {
                message: format!(
                    "Another window changed the same things as this one:\n{}\nBoth versions of each note are in the note; edit it to keep the right one.",
                    lines.join("\n")
                ),
            });
        }
    }

    /// Commits a note still being typed, so saving or closing keeps it.
    pub fn commit_note(&mut self) {
        let Some((row, text)) = self.inspector.note.clone() else {
            return;
        };
        let Some(doc) = self.doc_mut() else { return };
        if doc.annotations.note(row as usize) != text.as_str()
            && let Err(e) = doc.edit(Edit::SetNote { row, note: text })
        {
            self.say_error(&e.into());
        }
    }

    /// Writes the session if anything changed; a failure is shown in the
    /// status bar and the file stays marked unsaved.
    pub fn save_now(&mut self) {
        let Some(doc) = self.doc_mut() else { return };
        if !doc.unsaved() && !doc.autosave_due() {
            return;
        }
        if let Err(e) = doc.save() {
            self.say_error(&e.into());
        }
    }

    /// Reads shortcuts, unless a text field or a dialog has the keyboard.
    fn read_keys(&mut self, ctx: &egui::Context) {
        if ctx.text_edit_focused()
            || self.dialogs.new_tag.is_some()
            || self.dialogs.mapping.is_some()
            || self.dialogs.file.is_some()
        {
            return;
        }
        for action in Action::pressed(ctx) {
            self.send(action);
        }
    }

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        if let Some(doc) = self.doc_mut() {
            doc.poll_rows();
            if doc.is_filtering() {
                ctx.request_repaint_after(std::time::Duration::from_millis(30));
            }
        }
        self.images.poll(ctx);
        // Files dropped on the window open like File, Open.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        // With Shift held, a dropped file is a second run to compare with.
        let shift = ctx.input(|i| i.modifiers.shift);
        if let Some(path) = dropped.into_iter().next() {
            self.send(if shift && self.file.is_some() {
                Command::Compare(path)
            } else {
                Command::Open(path)
            });
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match self.doc() {
            Some(doc) => format!(
                "{}{} — Slicewise",
                if doc.unsaved() { "● " } else { "" },
                doc.file_name()
            ),
            None => "Slicewise".to_string(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}
