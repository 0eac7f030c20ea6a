//! Slicewise's own file dialog, for desktops where the native one cannot be
//! shown (no xdg-desktop-portal: tiling window managers, minimal installs,
//! remote X). A path bar, places (home, the data's folder, recent folders),
//! a listing with folders first, a file-name field, and a question before a
//! file is replaced.
//!
//! Why our own (December 2026): `egui-file-dialog` 0.15 is built for egui
//! 0.36, not the 0.37 we use. `egui_file` 0.29 fits egui 0.37 but saves over
//! an existing file without asking (never replacing a user's file unasked is
//! a rule of ours), opens either a file or a folder where a dataset is
//! either (a file, or a folder of parts), reads the metadata of every entry
//! of a folder each time it is listed (a folder of 100,000 parts stalls the
//! window; ours lists 20,000 and counts the rest), and has no places (the
//! data's folder, recent folders). Revisit when a kept crate does these.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use egui::{Key, RichText};
use egui_extras::{Column, TableBuilder};

use crate::gui::commands::CommandSender;
use crate::gui::commands::DialogPurpose;

/// The most entries listed for one folder; the rest are counted.
const MAX_ENTRIES: usize = 20_000;

/// A file or folder in the listing.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    is_dir: bool,
    size: u64,
    modified: Option<SystemTime>,
}

/// Which files are listed besides folders and the purpose's files.
#[derive(Debug, Default)]
struct Shown {
    /// Every file.
    all_files: bool,
    /// Names starting with a dot.
    hidden: bool,
}

/// The dialog's state while it is open.
#[derive(Debug)]
pub struct FileDialog {
    /// What the chosen path is for.
    pub purpose: DialogPurpose,
    dir: PathBuf,
    path_bar: String,
    /// The file name typed or picked.
    pub name: String,
    entries: Vec<Entry>,
    not_listed: usize,
    selected: Option<usize>,
    shown: Shown,
    error: Option<String>,
    replace: Option<PathBuf>,
    places: Vec<(String, PathBuf)>,
    focus_name: bool,
    /// Whether the path bar had the keyboard last frame.
    typing_path: bool,
}

impl FileDialog {
    /// A dialog for `purpose` showing `dir` (the home folder, else the
    /// working folder, when `None` or unreadable), with `name` typed in.
    #[must_use]
    pub fn new(
        purpose: DialogPurpose,
        dir: Option<PathBuf>,
        name: String,
        recent: &[PathBuf],
    ) -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cwd = std::env::current_dir().ok();
        let mut places: Vec<(String, PathBuf)> = Vec::new();
        let mut add = |label: String, path: PathBuf| {
            if path.is_dir() && !places.iter().any(|(_, p)| *p == path) {
                places.push((label, path));
            }
        };
        if let Some(d) = &dir {
            add("Data folder".into(), d.clone());
        }
        if let Some(h) = &home {
            add("Home".into(), h.clone());
        }
        if let Some(c) = &cwd {
            add("Working folder".into(), c.clone());
        }
        for file in recent {
            if let Some(parent) = file.parent() {
                let label = parent.file_name().map_or_else(
                    || parent.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                add(format!("Recent: {label}"), parent.to_path_buf());
            }
        }
        add("Computer".into(), PathBuf::from("/"));
        let start = [dir, home, cwd]
            .into_iter()
            .flatten()
            .find(|d| d.is_dir())
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut dialog = Self {
            purpose,
            dir: start.clone(),
            path_bar: String::new(),
            name,
            entries: Vec::new(),
            not_listed: 0,
            selected: None,
            shown: Shown::default(),
            error: None,
            replace: None,
            places,
            focus_name: true,
            typing_path: false,
        };
        dialog.go(&start);
        dialog
    }

    /// The folder shown.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The names listed, folders first.
    #[must_use]
    pub fn listed(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.name.as_str()).collect()
    }

    /// The message shown under the listing, if any.
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Shows `dir`, or keeps the folder shown and says why it cannot.
    pub fn go(&mut self, dir: &Path) {
        match self.list(dir) {
            Ok((entries, not_listed)) => {
                self.dir = dir.to_path_buf();
                self.entries = entries;
                self.not_listed = not_listed;
                self.selected = None;
                self.error = None;
                self.replace = None;
            }
            Err(e) => {
                self.error = Some(format!(
                    "{}: cannot list {} ({e})",
                    self.purpose.title(),
                    dir.display()
                ));
            }
        }
        self.path_bar = self.dir.display().to_string();
    }

    fn shows(&self, name: &str, is_dir: bool) -> bool {
        if !self.shown.hidden && name.starts_with('.') {
            return false;
        }
        if is_dir || self.shown.all_files || self.purpose.extensions().is_empty() {
            return true;
        }
        let ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        ext.is_some_and(|e| self.purpose.extensions().contains(&e.as_str()))
    }

    fn list(&self, dir: &Path) -> std::io::Result<(Vec<Entry>, usize)> {
        let mut entries = Vec::new();
        let mut not_listed = 0;
        for item in std::fs::read_dir(dir)? {
            let Ok(item) = item else { continue };
            let name = item.file_name().to_string_lossy().into_owned();
            // Follow links, so a link to a folder opens like one.
            let meta = std::fs::metadata(item.path()).ok();
            let is_dir = meta.as_ref().is_some_and(std::fs::Metadata::is_dir);
            if !self.shows(&name, is_dir) {
                continue;
            }
            if entries.len() >= MAX_ENTRIES {
                not_listed += 1;
                continue;
            }
            entries.push(Entry {
                name,
                is_dir,
                size: meta.as_ref().map_or(0, std::fs::Metadata::len),
                modified: meta.and_then(|m| m.modified().ok()),
            });
        }
        entries.sort_by(|a, b| {
            b.is_dir
                .cmp(&a.is_dir)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        Ok((entries, not_listed))
    }

    /// The path the typed name stands for.
    fn target(&self) -> Option<PathBuf> {
        let name = self.name.trim();
        if name.is_empty() {
            return None;
        }
        let path = if name.starts_with('~') {
            let home = std::env::var_os("HOME").map(PathBuf::from)?;
            home.join(name.trim_start_matches('~').trim_start_matches('/'))
        } else {
            self.dir.join(name)
        };
        Some(path)
    }

    /// Acts on the typed name: a folder is opened; a file is chosen (`Some`)
    /// when it fits the purpose, else the reason is shown.
    pub fn choose(&mut self) -> Option<PathBuf> {
        if self.purpose == DialogPurpose::OpenFolder {
            // The folder shown, or the one typed.
            let path = self.target().unwrap_or_else(|| self.dir.clone());
            if path.is_dir() {
                return Some(path);
            }
            self.error = Some(format!(
                "{}: there is no folder {}",
                self.purpose.title(),
                path.display()
            ));
            return None;
        }
        let mut path = self.target()?;
        if path.is_dir() {
            self.name.clear();
            self.go(&path);
            return None;
        }
        let action = self.purpose.title();
        if self.purpose.saves() {
            if path.extension().is_none()
                && let Some(ext) = self.purpose.extensions().first()
            {
                path.set_extension(ext);
            }
            if !path.parent().is_some_and(Path::is_dir) {
                self.error = Some(format!(
                    "{action}: there is no folder {}",
                    path.parent().unwrap_or(&path).display()
                ));
                return None;
            }
            if path.exists() && self.replace.as_deref() != Some(path.as_path()) {
                self.replace = Some(path);
                return None;
            }
            return Some(path);
        }
        if !path.is_file() {
            self.error = Some(format!(
                "{action}: there is no file {}; pick one in the list or type its name",
                path.display()
            ));
            return None;
        }
        Some(path)
    }

    fn pick(&mut self, i: usize) {
        self.selected = Some(i);
        match self.entries.get(i) {
            Some(e) if !e.is_dir => self.name.clone_from(&e.name),
            // A folder picked: Enter opens it (a name typed to save stays).
            Some(_) if !self.purpose.saves() => self.name.clear(),
            _ => {}
        }
        self.replace = None;
        self.error = None;
    }

    fn activate(&mut self, i: usize) -> Option<PathBuf> {
        let e = self.entries.get(i)?.clone();
        if e.is_dir {
            let dir = self.dir.join(&e.name);
            self.go(&dir);
            None
        } else {
            self.name = e.name;
            self.choose()
        }
    }

    /// Draws the dialog. A chosen path goes out as the purpose's command.
    /// Returns whether it should close (chosen, Cancel or Esc).
    pub fn ui(&mut self, ctx: &egui::Context, commands: &CommandSender) -> bool {
        let mut chosen = None;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("slicewise-file-dialog")).show(ctx, |ui| {
            ui.set_width(ui.ctx().content_rect().width().clamp(480.0, 1080.0) * 0.7);
            ui.heading(self.purpose.title());
            ui.horizontal(|ui| {
                let parent = self.dir.parent().map(Path::to_path_buf);
                if ui
                    .add_enabled(parent.is_some(), egui::Button::new("⬆ Up"))
                    .on_hover_text("The folder above (Backspace)")
                    .clicked()
                    && let Some(p) = &parent
                {
                    self.go(p);
                }
                let bar = ui.add(
                    egui::TextEdit::singleline(&mut self.path_bar)
                        .desired_width(f32::INFINITY)
                        .hint_text("Type a folder and press Enter"),
                );
                self.typing_path = bar.has_focus();
                if bar.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    let typed = PathBuf::from(self.path_bar.trim());
                    if typed.is_dir() {
                        self.go(&typed);
                    } else if typed.parent().is_some_and(Path::is_dir) {
                        if let Some(parent) = typed.parent().map(Path::to_path_buf) {
                            self.go(&parent);
                        }
                        self.name = typed
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        self.focus_name = true;
                    } else {
                        self.error = Some(format!(
                            "{}: there is no folder {}",
                            self.purpose.title(),
                            typed.display()
                        ));
                    }
                }
            });
            ui.add_space(4.0);
            let list_height = (ui.ctx().content_rect().height() - 300.0).clamp(200.0, 520.0);
            let size = egui::vec2(ui.available_width(), list_height);
            let layout = egui::Layout::left_to_right(egui::Align::Min);
            ui.allocate_ui_with_layout(size, layout, |ui| {
                ui.vertical(|ui| {
                    ui.set_width(150.0);
                    ui.label(RichText::new("Places").strong());
                    let mut go_to = None;
                    for (label, path) in &self.places {
                        if ui
                            .selectable_label(self.dir == *path, label)
                            .on_hover_text(path.display().to_string())
                            .clicked()
                        {
                            go_to = Some(path.clone());
                        }
                    }
                    if let Some(p) = go_to {
                        self.go(&p);
                    }
                });
                ui.separator();
                ui.vertical(|ui| {
                    // A fixed height: a table in an auto-sized modal would
                    // otherwise grow with it every frame.
                    ui.set_height(list_height);
                    ui.set_max_height(list_height);
                    if let Some(path) = self.listing_ui(ui, list_height - 44.0) {
                        chosen = Some(path);
                    }
                });
            });
            if let Some(e) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if let Some(p) = &self.replace {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "{} already exists. Press {} again to replace it.",
                        p.display(),
                        self.purpose.verb()
                    ),
                );
            }
            ui.horizontal(|ui| {
                ui.label("File name");
                let name = ui.add(
                    egui::TextEdit::singleline(&mut self.name)
                        .desired_width(ui.available_width() - 260.0)
                        .hint_text(self.purpose.hint()),
                );
                if self.focus_name {
                    name.request_focus();
                    self.focus_name = false;
                }
                if name.changed() {
                    self.replace = None;
                    self.error = None;
                }
                if name.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    chosen = match self.selected {
                        Some(i) if self.name.trim().is_empty() => self.activate(i),
                        _ => self.choose(),
                    };
                    self.focus_name = true;
                }
                if ui
                    .checkbox(&mut self.shown.all_files, "All files")
                    .on_hover_text(format!(
                        "Show every file, not only {}",
                        self.purpose.extensions().join(", ")
                    ))
                    .changed()
                    | ui.checkbox(&mut self.shown.hidden, "Hidden").changed()
                {
                    let dir = self.dir.clone();
                    self.go(&dir);
                }
            });
            ui.horizontal(|ui| {
                let ok = ui.add_enabled(
                    !self.name.trim().is_empty() || self.purpose == DialogPurpose::OpenFolder,
                    egui::Button::new(self.purpose.verb()),
                );
                if ok.clicked() {
                    chosen = self.choose();
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if let Some(path) = chosen {
            commands.send(self.purpose.command(path));
            return true;
        }
        cancel || modal.should_close()
    }

    /// The listing; returns a file chosen by double-click or Enter.
    fn listing_ui(&mut self, ui: &mut egui::Ui, height: f32) -> Option<PathBuf> {
        let mut chosen = None;
        let typing = ui.ctx().egui_wants_keyboard_input();
        // Arrows move in the list unless the path bar is being edited;
        // Enter and Backspace only when no field has the keyboard.
        if !self.typing_path && !self.entries.is_empty() {
            let (down, up, enter, back) = ui.input(|i| {
                (
                    i.key_pressed(Key::ArrowDown),
                    i.key_pressed(Key::ArrowUp),
                    i.key_pressed(Key::Enter),
                    i.key_pressed(Key::Backspace),
                )
            });
            let last = self.entries.len() - 1;
            if down {
                self.pick(self.selected.map_or(0, |s| (s + 1).min(last)));
            }
            if up {
                self.pick(self.selected.map_or(0, |s| s.saturating_sub(1)));
            }
            if enter
                && !typing
                && let Some(i) = self.selected
            {
                chosen = self.activate(i);
            }
            if back
                && !typing
                && let Some(p) = self.dir.parent().map(Path::to_path_buf)
            {
                self.go(&p);
            }
        }
        let mut clicked = None;
        let mut activated = None;
        TableBuilder::new(ui)
            .striped(true)
            .min_scrolled_height(height)
            .max_scroll_height(height)
            .column(Column::remainder().at_least(200.0).clip(true))
            .column(Column::exact(80.0))
            .column(Column::exact(130.0))
            .header(20.0, |mut h| {
                h.col(|ui| {
                    ui.strong("Name");
                });
                h.col(|ui| {
                    ui.strong("Size");
                });
                h.col(|ui| {
                    ui.strong("Modified");
                });
            })
            .body(|body| {
                body.rows(20.0, self.entries.len(), |mut row| {
                    let i = row.index();
                    let e = &self.entries[i];
                    let selected = self.selected == Some(i);
                    row.col(|ui| {
                        let label = if e.is_dir {
                            format!("🗀 {}", e.name)
                        } else {
                            e.name.clone()
                        };
                        let r = ui.selectable_label(selected, label);
                        if r.clicked() {
                            clicked = Some(i);
                        }
                        if r.double_clicked() {
                            activated = Some(i);
                        }
                    });
                    row.col(|ui| {
                        if !e.is_dir {
                            ui.label(human_size(e.size));
                        }
                    });
                    row.col(|ui| {
                        ui.label(e.modified.map(age).unwrap_or_default());
                    });
                });
            });
        if self.entries.is_empty() {
            ui.weak(if self.shown.all_files {
                "This folder is empty."
            } else {
                "No folders or matching files here; tick All files to see the rest."
            });
        }
        if self.not_listed > 0 {
            ui.weak(format!(
                "{} more not listed; type the name instead.",
                crate::core::render::count(self.not_listed as u64)
            ));
        }
        if let Some(i) = clicked {
            self.pick(i);
        }
        if let Some(i) = activated {
            chosen = self.activate(i);
        }
        chosen
    }
}

/// A size like "12.3 MB".
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// How long ago, like "5 min ago" or "3 days ago".
fn age(t: SystemTime) -> String {
    let Ok(d) = SystemTime::now().duration_since(t) else {
        return "just now".into();
    };
    let s = d.as_secs();
    match s {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", s / 60),
        3600..86_400 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(12_345_678), "12.3 MB");
    }
}
