//! The column mapping dialog, shown when the roles of a file's columns
//! cannot be found by name.

use std::path::PathBuf;

use egui::RichText;

use crate::core::dataset::Roles;
use crate::core::load::Preview;
use crate::gui::commands::{Command, CommandSender};

/// The dialog's state.
pub struct MappingDialog {
    /// The file.
    pub path: PathBuf,
    /// Why it is shown.
    pub error: String,
    /// Columns and first values.
    pub preview: Preview,
    /// The roles chosen so far (detected ones filled in).
    pub choice: Roles,
    /// The file is open: the dialog changes its roles (File → Columns…)
    /// rather than asking for the ones detection could not find.
    pub open_file: bool,
}

impl MappingDialog {
    /// A dialog for `path`, with the roles detection found.
    #[must_use]
    pub fn new(path: PathBuf, error: String, preview: Preview) -> Self {
        let choice = preview.detected.clone();
        Self {
            path,
            error,
            preview,
            choice,
            open_file: false,
        }
    }

    /// A dialog for the open file `path`, with the roles it was read with.
    #[must_use]
    pub fn for_open_file(path: PathBuf, preview: Preview, roles: Roles) -> Self {
        Self {
            path,
            error: String::new(),
            preview,
            choice: roles,
            open_file: true,
        }
    }

    /// Why the dialog is shown, in the app's words (the loader's error talks
    /// about command-line flags).
    fn why(&self) -> String {
        let d = &self.preview.detected;
        let mut missing = Vec::new();
        if d.label.is_empty() {
            missing.push("true label");
        }
        if d.pred.is_empty() {
            missing.push("prediction");
        }
        let file = self
            .path
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
        if self.open_file {
            return format!(
                "The columns of {file}. Apply reads the file again with these roles (your tags and notes are saved first); \
                 the session remembers the choice, for the app and the command line."
            );
        }
        if missing.is_empty() {
            format!("{file}: {}", self.error)
        } else {
            format!(
                "Slicewise could not tell which column of {file} holds the {}. Choose below; \
                 the choice is kept in the session, so it is asked only once.",
                missing.join(" or the ")
            )
        }
    }

    /// Draws the dialog; Open sends the command. Returns whether it should close.
    pub fn ui(&mut self, ctx: &egui::Context, commands: &CommandSender) -> bool {
        let mut cancel = false;
        egui::Modal::new(egui::Id::unique("mapping")).show(ctx, |ui| {
            ui.heading(if self.open_file {
                "Columns"
            } else {
                "Which column is which?"
            });
            ui.label(RichText::new(self.why()).weak());
            ui.add_space(6.0);
            let names: Vec<String> = self
                .preview
                .columns
                .iter()
                .map(|(n, _)| n.clone())
                .collect();
            egui::Grid::new("roles").num_columns(2).show(ui, |ui| {
                let c = &mut self.choice;
                for (label, value) in [("True label", &mut c.label), ("Prediction", &mut c.pred)] {
                    required_ui(ui, label, value, &names);
                }
                for (label, value) in [
                    ("Score", &mut c.score),
                    ("Id", &mut c.id),
                    ("Human label", &mut c.human),
                    ("Image path", &mut c.image),
                    ("Text", &mut c.text),
                    ("Weight (rows it stands for)", &mut c.weight),
                ] {
                    optional_ui(ui, label, value, &names);
                }
            });
            slices_ui(ui, &mut self.choice, &names);
            if !self.preview.probas.is_empty() {
                ui.add_space(6.0);
                ui.label(RichText::new("Per-class probabilities").strong());
                let listed: Vec<String> = self
                    .preview
                    .probas
                    .iter()
                    .map(|(col, class)| format!("{col} → {class}"))
                    .collect();
                ui.label(listed.join(", "));
                ui.label(
                    RichText::new(
                        "Used for the classes they name: one-vs-rest curves per class, log loss, top-k accuracy and calibration",
                    )
                    .weak(),
                );
            }
            ui.add_space(6.0);
            ui.label(RichText::new("First values").strong());
            egui::ScrollArea::both().max_height(200.0).show(ui, |ui| {
                egui::Grid::new("preview").striped(true).show(ui, |ui| {
                    for (name, values) in &self.preview.columns {
                        ui.label(RichText::new(name).strong());
                        ui.label(values.join(", "));
                        ui.end_row();
                    }
                });
            });
            ui.horizontal(|ui| {
                let ready = !self.choice.label.is_empty() && !self.choice.pred.is_empty();
                let go = if self.open_file { "Apply" } else { "Open" };
                if ui.add_enabled(ready, egui::Button::new(go)).clicked() {
                    commands.send(Command::OpenWithRoles(
                        self.path.clone(),
                        self.choice.clone(),
                    ));
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        cancel
    }
}

fn required_ui(ui: &mut egui::Ui, label: &str, value: &mut String, names: &[String]) {
    let name = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(if value.is_empty() {
            "(none)".to_string()
        } else {
            value.clone()
        })
        .width(200.0)
        .show_ui(ui, |ui| {
            for n in names {
                ui.selectable_value(value, n.clone(), n);
            }
        })
        .response
        .labelled_by(name.id);
    ui.end_row();
}

fn optional_ui(ui: &mut egui::Ui, label: &str, value: &mut Option<String>, names: &[String]) {
    let name = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(value.clone().unwrap_or_else(|| "(none)".to_string()))
        .width(200.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "(none)");
            for n in names {
                ui.selectable_value(value, Some(n.clone()), n);
            }
        })
        .response
        .labelled_by(name.id);
    ui.end_row();
}

/// The metadata columns (those no role takes), each ticked when it is a
/// slice column; an unticked one is only shown in the inspector.
fn slices_ui(ui: &mut egui::Ui, choice: &mut Roles, names: &[String]) {
    let roles: Vec<String> = choice.columns().into_iter().cloned().collect();
    let metadata: Vec<&String> = names.iter().filter(|n| !roles.contains(n)).collect();
    if metadata.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Slice by").strong()).on_hover_text(
        "Unticked columns are shown with each example but offered for no slice, chart or search",
    );
    ui.horizontal_wrapped(|ui| {
        for name in metadata {
            let mut sliced = !choice.not_slices.contains(name);
            if ui.checkbox(&mut sliced, name.as_str()).changed() {
                if sliced {
                    choice.not_slices.retain(|c| c != name);
                } else {
                    choice.not_slices.push(name.clone());
                }
            }
        }
    });
}
