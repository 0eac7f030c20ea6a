//! The menu bar.

use std::path::PathBuf;

use egui::{Panel, Ui};

use super::action_button;
use crate::core::export::ExportFormat;
use crate::gui::actions::Action;
use crate::gui::commands::{Command, CommandSender};
use crate::gui::tabs::View;

/// What the menus need to know.
pub struct MenuState<'a> {
    /// Recently opened files.
    pub recent: &'a [PathBuf],
    /// Whether there is something to undo.
    pub can_undo: bool,
    /// Whether there is something to redo.
    pub can_redo: bool,
    /// Whether tagging moves on to the next example.
    pub advance: bool,
}

/// Draws the menu bar.
pub fn ui(ui: &mut Ui, state: &MenuState<'_>, commands: &CommandSender) {
    Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                action_button(ui, Action::OpenDialog, commands);
                action_button(ui, Action::OpenFolderDialog, commands);
                ui.menu_button("Open recent", |ui| {
                    if state.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for path in state.recent {
                        if ui.button(path.display().to_string()).clicked() {
                            commands.send(Command::Open(path.clone()));
                            ui.close();
                        }
                    }
                });
                action_button(ui, Action::CompareDialog, commands);
                action_button(ui, Action::ColumnsDialog, commands);
                ui.separator();
                action_button(ui, Action::Save, commands);
                for f in ExportFormat::ALL {
                    action_button(ui, Action::Export(f), commands);
                }
                action_button(ui, Action::CopyMarkdown, commands);
                action_button(ui, Action::ExportExamples, commands);
                action_button(ui, Action::ExportReport, commands);
                ui.separator();
                action_button(ui, Action::Quit, commands);
            });
            ui.menu_button("Edit", |ui| {
                ui.add_enabled_ui(state.can_undo, |ui| {
                    action_button(ui, Action::Undo, commands);
                });
                ui.add_enabled_ui(state.can_redo, |ui| {
                    action_button(ui, Action::Redo, commands);
                });
                ui.separator();
                action_button(ui, Action::NewTag, commands);
                action_button(ui, Action::MarkReviewed, commands);
                action_button(ui, Action::MarkUnreviewed, commands);
                ui.separator();
                let mut advance = state.advance;
                if ui
                    .checkbox(&mut advance, Action::ToggleAdvance.label())
                    .on_hover_text(Action::ToggleAdvance.tooltip())
                    .clicked()
                {
                    commands.send(Action::ToggleAdvance);
                }
            });
            ui.menu_button("View", |ui| {
                for v in View::ALL {
                    action_button(ui, Action::Show(v), commands);
                }
                ui.separator();
                action_button(ui, Action::ToggleTheme, commands);
                action_button(ui, Action::ToggleShortcuts, commands);
            });
            ui.menu_button("Help", |ui| {
                action_button(ui, Action::ToggleShortcuts, commands);
            });
        });
    });
}
