//! Running commands: one exhaustive `match` over [`Command`] and one over
//! [`Action`], so a new command or action cannot silently do nothing.

use std::path::Path;

use super::App;
use crate::core::export::{self, ExportContext, ExportFormat};
use crate::core::filter::{ReviewFilter, Scope, TagFilter};
use crate::core::render;
use crate::core::tags::Edit;
use crate::gui::actions::Action;
use crate::gui::commands::Command;
use crate::gui::commands::DialogPurpose;
use crate::gui::dialogs::FileDialog;
use crate::gui::dialogs::MappingDialog;
use crate::gui::dialogs::NewTagDialog;
use crate::gui::document::Document;
use crate::gui::error::GuiError;
use crate::gui::jobs::{start_compare, start_dialog, start_export, start_load, start_text_export};
use crate::gui::tabs::View;

/// The tag `l` puts on the selection.
const LABEL_ERROR_TAG: &str = "label error";

/// Rows jumped by Page Up / Page Down.
const PAGE: isize = 25;

/// What a command tells the user: nothing, a message, or an error.
type Outcome = Result<Option<String>, GuiError>;

impl App {
    /// Runs one command.
    pub(super) fn run(&mut self, ctx: &egui::Context, command: Command) {
        let outcome = match command {
            Command::Act(action) => self.act(ctx, action),
            Command::Open(path) => {
                self.dialogs.mapping = None;
                self.start_load(ctx, path, self.load_options.clone());
                Ok(None)
            }
            Command::OpenWithRoles(path, roles) => {
                let options = self.load_options.with_roles(&roles);
                self.dialogs.mapping = None;
                // The open file read again with other roles: its work is on
                // disk first, so the new reading starts from all of it.
                if self.doc().is_some_and(|d| d.ds.source.path == path) {
                    self.commit_note();
                    self.save_now();
                }
                self.roles_chosen = Some(path.clone());
                self.start_load(ctx, path, options);
                Ok(None)
            }
            Command::OpenSample => match self.data_dir.clone() {
                Some(dir) => match crate::core::bundled::unpack(&dir) {
                    Ok(path) => {
                        self.dialogs.mapping = None;
                        self.start_load(ctx, path, self.load_options.clone());
                        Ok(None)
                    }
                    Err(e) => Ok(Some(format!(
                        "Cannot unpack the sample into {} ({e})",
                        dir.display()
                    ))),
                },
                None => Ok(Some(
                    "There is no data folder to unpack the sample into on this system".into(),
                )),
            },
            Command::Compare(path) => self.start_compare(ctx, path),
            Command::CloseCompare => {
                if let Some((_, job)) = self.comparing.take() {
                    job.cancel();
                }
                match self.doc_mut() {
                    Some(doc) if doc.compare.is_some() => {
                        doc.set_compare(None);
                        Ok(Some("Stopped comparing".into()))
                    }
                    _ => Ok(None),
                }
            }
            Command::Loaded { job, path, result } => {
                // Only the load the app waits for: not one cancelled since.
                if self
                    .loading
                    .as_ref()
                    .is_some_and(|l| l.job.id() == job || job == 0)
                {
                    self.loading = None;
                    self.finish_load(&path, *result);
                    if self.file.is_some()
                        && let Some(after) = self.pending_compare.take()
                    {
                        self.send(Command::Compare(after));
                    }
                }
                Ok(None)
            }
            Command::Compared { job, path, result } => {
                if self
                    .comparing
                    .as_ref()
                    .is_some_and(|(_, j)| j.id() == job || job == 0)
                {
                    self.comparing = None;
                    self.finish_compare(&path, *result);
                }
                Ok(None)
            }
            Command::Exported(result) => {
                self.exporting = self.exporting.saturating_sub(1);
                result.map(|path| Some(format!("Exported {}", path.display())))
            }
            Command::DialogClosed {
                purpose,
                dir,
                name,
                choice,
                at_once,
            } => {
                self.finish_dialog(purpose, dir, name, choice, at_once);
                Ok(None)
            }
            Command::Export(path) => self.export(ctx, path),
            Command::ExportExamples(path) => self.export_examples(ctx, path),
            Command::ExportReport(path) => self.export_report(ctx, path),
            Command::CreateTag(_) => {
                let outcome = self.on_doc(command);
                if outcome.is_ok() {
                    self.dialogs.new_tag = None;
                }
                outcome
            }
            Command::ShowCell { .. }
            | Command::ShowHumanDisagreements
            | Command::ShowFlips { .. } => {
                if self.file.is_some() {
                    self.prefs.view = View::Review;
                }
                self.on_doc(command)
            }
            other => self.on_doc(other),
        };
        self.report(outcome);
    }

    fn on_doc(&mut self, command: Command) -> Outcome {
        match self.doc_mut() {
            Some(doc) => Self::run_on_doc(doc, command),
            None => Ok(None),
        }
    }

    fn report(&mut self, outcome: Outcome) {
        match outcome {
            Ok(Some(m)) => self.say(m),
            Ok(None) => {}
            Err(e) => self.say_error(&e),
        }
    }

    /// Commands on the open document (the others are handled in [`App::run`]).
    fn run_on_doc(doc: &mut Document, command: Command) -> Outcome {
        match command {
            Command::Act(_)
            | Command::Open(_)
            | Command::OpenWithRoles(..)
            | Command::OpenSample
            | Command::Export(_)
            | Command::Compare(_)
            | Command::CloseCompare
            | Command::ExportExamples(_)
            | Command::ExportReport(_)
            | Command::Loaded { .. }
            | Command::Compared { .. }
            | Command::Exported(_)
            | Command::DialogClosed { .. } => Ok(None),
            Command::Select { index, extend } => {
                doc.select(index, extend);
                Ok(None)
            }
            Command::ToggleTag(id) => doc.toggle(id).map(|()| None).map_err(Into::into),
            Command::CreateTag(name) => {
                let id = doc.create_tag(&name)?;
                let key = doc.annotations.tag(id).and_then(|t| t.def.hotkey);
                Ok(Some(match key {
                    Some(k) => format!("Created '{}' on key {k}", name.trim()),
                    None => format!("Created '{}' (all 9 keys are taken)", name.trim()),
                }))
            }
            Command::CreateRuleTag(def) => {
                let index = doc.annotations.tags().len();
                let name = def.name.clone();
                doc.edit(Edit::AddTag {
                    index,
                    id: None,
                    def,
                    members: Vec::new(),
                })?;
                Ok(Some(format!("Created rule tag '{name}'")))
            }
            Command::BulkTag(id) => {
                if doc.is_filtering() {
                    // The list shown is about to change.
                    return Ok(Some(
                        "The list is being filtered: tag all shown once it is".to_string(),
                    ));
                }
                let rows = doc.rows.clone();
                let n = rows.len();
                doc.edit(Edit::SetTag {
                    tag: id,
                    on: true,
                    rows,
                })?;
                Ok(Some(format!(
                    "Tagged {} examples (one undo step)",
                    render::count(n as u64)
                )))
            }
            Command::TagRows { tag, rows } => {
                let n = rows.len();
                doc.edit(Edit::SetTag {
                    tag,
                    on: true,
                    rows: rows.to_vec(),
                })?;
                Ok(Some(format!(
                    "Tagged {} examples (one undo step)",
                    render::count(n as u64)
                )))
            }
            Command::CreateTagWithRows { name, rows } => {
                let (edit, _) = doc.annotations.create_tag(&name, &rows);
                doc.edit(edit)?;
                Ok(Some(format!(
                    "Created '{}' with {} examples (one undo step)",
                    name.trim(),
                    render::count(rows.len() as u64)
                )))
            }
            Command::SetNote(row, note) => {
                if doc.annotations.note(row as usize) != note {
                    doc.edit(Edit::SetNote { row, note })?;
                }
                Ok(None)
            }
            Command::UpdateTag(id, def) => {
                doc.edit(Edit::UpdateTag { tag: id, def })?;
                Ok(None)
            }
            Command::DeleteTag(id) => {
                let name = doc
                    .annotations
                    .tag(id)
                    .map(|t| t.def.name.clone())
                    .unwrap_or_default();
                doc.edit(Edit::RemoveTag { tag: id })?;
                Ok(Some(format!("Deleted '{name}' (Ctrl+Z brings it back)")))
            }
            Command::MergeTags { from, into } => {
                doc.merge(from, into)?;
                Ok(None)
            }
            Command::SetFilter(filter) => {
                doc.set_filter(filter);
                Ok(None)
            }
            Command::Reshuffle => {
                let mut f = doc.filter.clone();
                f.random_order = true;
                f.seed = f.seed.wrapping_add(1);
                doc.set_filter(f);
                Ok(None)
            }
            Command::SortTable(key) => {
                doc.sort_by(key);
                Ok(None)
            }
            Command::ShowCell { truth, pred } => {
                doc.set_filter(ReviewFilter {
                    scope: Scope::All,
                    truth: Some(truth.clone()),
                    pred: Some(pred.clone()),
                    ..ReviewFilter::default()
                });
                Ok(Some(format!(
                    "{} examples of {truth} predicted as {pred}",
                    render::count(doc.rows.len() as u64)
                )))
            }
            Command::ShowFlips {
                flip,
                slice,
                tag,
                truth,
            } => {
                let mut what = vec![format!("{} by the second run", flip.label())];
                for (column, value) in &slice {
                    what.push(format!("{column} = {value}"));
                }
                if let Some(t) = &tag {
                    what.push(format!("tag {t}"));
                }
                if let Some(c) = &truth {
                    what.push(format!("true class {c}"));
                }
                doc.set_filter(ReviewFilter {
                    scope: Scope::All,
                    flip: Some(flip),
                    truth,
                    slices: slice,
                    tag: tag.map_or(TagFilter::Any, TagFilter::Tagged),
                    ..ReviewFilter::default()
                });
                Ok(Some(format!(
                    "{} examples {}",
                    render::count(doc.rows.len() as u64),
                    what.join(", ")
                )))
            }
            Command::ShowHumanDisagreements => {
                doc.set_filter(ReviewFilter {
                    scope: Scope::HumanDisagrees,
                    ..ReviewFilter::default()
                });
                Ok(None)
            }
            Command::AddWatch(pair) => {
                if !doc.annotations.watch.contains(&pair) {
                    doc.edit_watch(|watch| watch.push(pair));
                }
                Ok(None)
            }
            Command::RemoveWatch(i) => {
                if i < doc.annotations.watch.len() {
                    doc.edit_watch(|watch| {
                        watch.remove(i);
                    });
                }
                Ok(None)
            }
        }
    }

    /// Runs one action.
    fn act(&mut self, ctx: &egui::Context, action: Action) -> Outcome {
        if action.needs_file() && self.file.is_none() {
            return Ok(None);
        }
        match action {
            Action::OpenDialog => {
                self.start_dialog(ctx, DialogPurpose::Open);
                Ok(None)
            }
            Action::OpenFolderDialog => {
                self.start_dialog(ctx, DialogPurpose::OpenFolder);
                Ok(None)
            }
            Action::CompareDialog => {
                self.start_dialog(ctx, DialogPurpose::Compare);
                Ok(None)
            }
            Action::ColumnsDialog => self.show_columns(),
            Action::Export(format) => {
                self.start_dialog(ctx, DialogPurpose::Export(format));
                Ok(None)
            }
            Action::ExportExamples => {
                self.start_dialog(ctx, DialogPurpose::ExportExamples);
                Ok(None)
            }
            Action::ExportReport => {
                self.start_dialog(ctx, DialogPurpose::ExportReport);
                Ok(None)
            }
            Action::Save => {
                self.commit_note();
                let Some(doc) = self.doc_mut() else {
                    return Ok(None);
                };
                doc.save()?;
                Ok(Some(format!("Saved {}", doc.session_path().display())))
            }
            Action::CopyMarkdown => {
                let Some(doc) = self.doc() else {
                    return Ok(None);
                };
                ctx.copy_text(table_text(doc, ExportFormat::Markdown));
                Ok(Some("Copied the prioritisation table as Markdown".into()))
            }
            Action::Undo | Action::Redo => {
                let Some(doc) = self.doc_mut() else {
                    return Ok(None);
                };
                let undo = action == Action::Undo;
                let step = if undo { doc.undo() } else { doc.redo() };
                ctx.request_repaint();
                let Some(step) = step else {
                    return Ok(Some(
                        if undo {
                            "Nothing to undo"
                        } else {
                            "Nothing to redo"
                        }
                        .to_string(),
                    ));
                };
                // Show the example it changed.
                let hidden = step.rows.first().is_some_and(|&row| !doc.select_row(row));
                Ok(Some(format!(
                    "{} {}{}",
                    if undo { "Undid" } else { "Redid" },
                    step.what,
                    if hidden {
                        " (not in the list's current filter)"
                    } else {
                        ""
                    }
                )))
            }
            Action::Next
            | Action::Previous
            | Action::ExtendNext
            | Action::ExtendPrevious
            | Action::PageDown
            | Action::PageUp
            | Action::First
            | Action::Last => {
                let (delta, extend) = match action {
                    Action::Next => (1, false),
                    Action::Previous => (-1, false),
                    Action::ExtendNext => (1, true),
                    Action::ExtendPrevious => (-1, true),
                    Action::PageDown => (PAGE, false),
                    Action::PageUp => (-PAGE, false),
                    Action::First => (isize::MIN / 2, false),
                    _ => (isize::MAX / 2, false),
                };
                if let Some(doc) = self.doc_mut() {
                    doc.move_cursor(delta, extend);
                }
                Ok(None)
            }
            Action::TagKey(key) => {
                let Some(doc) = self.doc_mut() else {
                    return Ok(None);
                };
                let id = doc
                    .annotations
                    .tag_by_hotkey(key)
                    .map(|t| t.id)
                    .ok_or(GuiError::NoTagOnKey(key))?;
                doc.toggle(id)?;
                self.advance_if_tagged(id);
                Ok(None)
            }
            Action::LabelError => {
                let Some(doc) = self.doc_mut() else {
                    return Ok(None);
                };
                if doc.cursor.is_none() {
                    return Err(GuiError::NoSelection);
                }
                let id = match doc.annotations.tag_by_name(LABEL_ERROR_TAG) {
                    Some(t) if !t.is_rule() => {
                        let id = t.id;
                        doc.toggle(id)?;
                        id
                    }
                    _ => doc.create_tag(LABEL_ERROR_TAG)?,
                };
                self.advance_if_tagged(id);
                Ok(None)
            }
            Action::NewTag => {
                if self.doc().is_some_and(|d| d.cursor.is_some()) {
                    self.dialogs.new_tag = Some(NewTagDialog::default());
                    Ok(None)
                } else {
                    Err(GuiError::NoSelection)
                }
            }
            Action::MarkReviewed | Action::MarkUnreviewed => {
                let Some(doc) = self.doc_mut() else {
                    return Ok(None);
                };
                let rows = doc.selected_rows();
                let reviewed = action == Action::MarkReviewed;
                doc.edit(Edit::SetReviewed { rows, reviewed })?;
                if reviewed && self.prefs.advance {
                    self.advance();
                }
                Ok(None)
            }
            Action::Show(view) => {
                self.prefs.view = view;
                Ok(None)
            }
            Action::ToggleShortcuts => {
                self.dialogs.shortcuts = !self.dialogs.shortcuts;
                Ok(None)
            }
            Action::ToggleAdvance => {
                self.prefs.advance = !self.prefs.advance;
                Ok(Some(if self.prefs.advance {
                    "Tag keys and r now move on to the next example".into()
                } else {
                    "Tag keys and r now stay on the example".into()
                }))
            }
            Action::ToggleTheme => {
                self.prefs.dark = !self.prefs.dark;
                crate::gui::theme::apply(ctx, self.prefs.dark);
                Ok(None)
            }
            Action::Escape => {
                if let Some(loading) = self.loading.take() {
                    loading.job.cancel();
                    Ok(Some("Loading cancelled".into()))
                } else if let Some((_, job)) = self.comparing.take() {
                    job.cancel();
                    Ok(Some("Comparing cancelled".into()))
                } else {
                    // Shortcuts read Escape before the menus see it.
                    egui::Popup::close_all(ctx);
                    self.dialogs.new_tag = None;
                    self.dialogs.shortcuts = false;
                    self.dialogs.error = None;
                    self.dialogs.file = None;
                    Ok(None)
                }
            }
            Action::Quit => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                Ok(None)
            }
        }
    }

    /// Writes the table to `path` on a background thread, in the format its
    /// extension names.
    /// "Advance after tagging": moves to the next example when one example
    /// is selected (a range stays selected).
    fn advance(&mut self) {
        if let Some(doc) = self.doc_mut()
            && doc.selected_range().is_some_and(|(lo, hi)| lo == hi)
        {
            doc.move_cursor(1, false);
        }
    }

    fn export(&mut self, ctx: &egui::Context, path: std::path::PathBuf) -> Outcome {
        let Some(doc) = self.doc() else {
            return Ok(None);
        };
        let format = ExportFormat::from_path(&path)?;
        if crate::core::load::parts::output_conflict(
            &path,
            &[&doc.ds.source.path, doc.session_path()],
        )
        .is_some()
        {
            return Err(GuiError::ExportOverInput { path });
        }
        // The table is rendered here (it is small); the file is written on a
        // background thread.
        let text = table_text(doc, format);
        let mailbox = self.commands.mailbox(ctx);
        start_text_export(path, text, ctx, mailbox);
        self.exporting += 1;
        Ok(None)
    }

    /// Writes the examples Review shows, with every column of the data file,
    /// their tags and notes, on the export thread (the data file is read
    /// again there).
    fn export_examples(&mut self, ctx: &egui::Context, path: std::path::PathBuf) -> Outcome {
        use crate::core::examples::{
            ExamplesError, ExamplesFormat, examples_frame, write_examples,
        };
        self.commit_note();
        let Some(doc) = self.doc() else {
            return Ok(None);
        };
        if ExamplesFormat::from_path(&path).is_none() {
            return Err(ExamplesError::UnknownFormat(path).into());
        }
        if crate::core::load::parts::output_conflict(
            &path,
            &[&doc.ds.source.path, doc.session_path()],
        )
        .is_some()
        {
            return Err(GuiError::ExportOverInput { path });
        }
        let (ds, state, rows) = (
            std::sync::Arc::clone(&doc.ds),
            std::sync::Arc::clone(&doc.annotations),
            doc.rows.clone(),
        );
        let n = rows.len();
        let out = path.clone();
        let mailbox = self.commands.mailbox(ctx);
        start_export(path, ctx, mailbox, move || {
            let mut df = examples_frame(&ds.source.path, None, &ds, &state, &rows)?;
            write_examples(&mut df, &out)?;
            Ok(())
        });
        self.exporting += 1;
        Ok(Some(format!(
            "Writing {} shown example(s)…",
            crate::core::render::count(n as u64)
        )))
    }

    /// Writes the report of the open data and session, sliced as the Slices
    /// view is, to `path` (HTML or Markdown, from its extension), computed
    /// and written on the export thread.
    fn export_report(&mut self, ctx: &egui::Context, path: std::path::PathBuf) -> Outcome {
        use crate::core::render::Format;
        let Some(file) = self.file.as_ref() else {
            return Ok(None);
        };
        let doc = &file.doc;
        let Some(format @ (Format::Html | Format::Markdown)) = Format::from_path(&path) else {
            return Err(crate::core::export::UnknownExportFormat { path }.into());
        };
        if crate::core::load::parts::output_conflict(
            &path,
            &[&doc.ds.source.path, doc.session_path()],
        )
        .is_some()
        {
            return Err(GuiError::ExportOverInput { path });
        }
        let slices = &file.views.slices.options;
        let by: Vec<String> = slices.first.iter().chain(&slices.second).cloned().collect();
        let opts = crate::core::report::ReportOptions {
            by: if by.is_empty() { Vec::new() } else { vec![by] },
            positive: slices
                .positive
                .and_then(|c| doc.ds.classes.get(c as usize).cloned()),
            reference: slices.reference.clone(),
            min_support: slices.min_support,
            ..crate::core::report::ReportOptions::default()
        };
        let session = doc.session_path().to_path_buf();
        let (ds, state, compared) = (
            std::sync::Arc::clone(&doc.ds),
            std::sync::Arc::clone(&doc.annotations),
            doc.compare.clone(),
        );
        let positive = slices.positive;
        let target = path.clone();
        let message = format!("Writing the report to {}…", path.display());
        let mailbox = self.commands.mailbox(ctx);
        start_export(path, ctx, mailbox, move || {
            let mut report =
                crate::core::report::build(&ds, &state, &opts).map_err(|e| GuiError::Export {
                    path: target.clone(),
                    source: std::io::Error::other(e.to_string()),
                })?;
            if format == Format::Html {
                report.add_pictures(&ds, &state);
            }
            if session.exists() {
                let fingerprint = crate::core::load::fingerprint(&session).unwrap_or_default();
                report.provenance.session = Some(format!("{} ({fingerprint})", session.display()));
            }
            // The second run the app compares with, as `--compare` adds it.
            let mut sections = Vec::new();
            if let Some(c) = &compared {
                let comparison = crate::core::compare::CompareReport::from_joined(
                    &ds,
                    Some(&state),
                    &c.joined,
                    &c.after,
                    &opts.by,
                    0.05,
                    positive,
                )
                .map_err(|e| GuiError::Export {
                    path: target.clone(),
                    source: std::io::Error::other(e.to_string()),
                })?;
                sections.push(comparison.report_section());
            }
            let doc = crate::core::render::report_document_with(
                &report,
                sections.into_iter().flat_map(|s| s.blocks).collect(),
            );
            let text = if format == Format::Html {
                doc.to_html()
            } else {
                doc.to_markdown()
            };
            crate::core::files::write(&target, text.as_bytes(), false).map_err(|source| {
                GuiError::Export {
                    path: target.clone(),
                    source,
                }
            })
        });
        self.exporting += 1;
        Ok(Some(message))
    }

    /// Starts loading a file (in place of one loading already).
    fn start_load(
        &mut self,
        ctx: &egui::Context,
        path: std::path::PathBuf,
        options: crate::core::load::LoadOptions,
    ) {
        if let Some(old) = self.loading.take() {
            old.job.cancel();
        }
        let mailbox = self.commands.mailbox(ctx);
        self.loading = Some(start_load(path, options, ctx, mailbox));
    }

    /// After a tag key: moves on to the next example when "advance after
    /// tagging" is on and the tag `id` went on (not off) the example.
    fn advance_if_tagged(&mut self, id: crate::core::tags::TagId) {
        let on = self.doc().is_some_and(|doc| {
            doc.annotations
                .tag(id)
                .is_some_and(|t| doc.cursor_row().is_some_and(|r| t.members.get(r)))
        });
        if self.prefs.advance && on {
            self.advance();
        }
    }

    /// Shows the column roles of the open file, its columns and first
    /// values beside them, to change.
    fn show_columns(&mut self) -> Outcome {
        let Some(doc) = self.doc() else {
            return Ok(None);
        };
        let path = doc.ds.source.path.clone();
        let roles = doc.ds.roles.clone();
        let preview = crate::core::load::preview(&path, self.load_options.format)
            .map_err(|e| GuiError::Open(e.into()))?;
        self.dialogs.mapping = Some(MappingDialog::for_open_file(path, preview, roles));
        Ok(None)
    }

    /// Starts loading a second run to compare the open file with.
    #[allow(clippy::unnecessary_wraps)] // an Outcome like every command
    fn start_compare(&mut self, ctx: &egui::Context, path: std::path::PathBuf) -> Outcome {
        let Some(doc) = self.doc() else {
            return Ok(Some(
                "Open a file first, then compare it with another run".into(),
            ));
        };
        let before = std::sync::Arc::clone(&doc.ds);
        let name = path.display().to_string();
        let mailbox = self.commands.mailbox(ctx);
        let job = start_compare(
            path.clone(),
            before,
            self.load_options.clone(),
            ctx,
            mailbox,
        );
        self.comparing = Some((path, job));
        Ok(Some(format!("Loading the second run {name}…")))
    }

    /// Shows the native file dialog, or Slicewise's own where there is none.
    fn start_dialog(&mut self, ctx: &egui::Context, purpose: DialogPurpose) {
        if self.dialog.is_some() || self.dialogs.file.is_some() {
            return;
        }
        let data = self.doc().map(|d| d.ds.source.path.clone());
        let dir = data
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        let name = match purpose {
            DialogPurpose::Open | DialogPurpose::OpenFolder | DialogPurpose::Compare => {
                String::new()
            }
            DialogPurpose::Export(_)
            | DialogPurpose::ExportExamples
            | DialogPurpose::ExportReport => {
                let stem = data
                    .as_deref()
                    .and_then(Path::file_stem)
                    .map_or_else(|| "slicewise".into(), |s| s.to_string_lossy().into_owned());
                match purpose {
                    DialogPurpose::Export(f) => format!("{stem}-priorities.{}", f.extension()),
                    DialogPurpose::ExportReport => format!("{stem}-report.html"),
                    _ => format!("{stem}-examples.csv"),
                }
            }
        };
        if self.native_dialogs {
            let mailbox = self.commands.mailbox(ctx);
            self.dialog = Some(start_dialog(
                purpose,
                dir.clone(),
                name.clone(),
                ctx,
                mailbox,
            ));
        }
        if self.dialog.is_none() {
            self.dialogs.file = Some(FileDialog::new(purpose, dir, name, &self.prefs.recent));
        }
    }
}

/// The document's prioritisation table, in its order, as the CLI's export writes it.
fn table_text(doc: &Document, format: ExportFormat) -> String {
    export::table_text(
        doc.table(),
        &ExportContext::of(&doc.ds, &doc.annotations),
        format,
    )
}
