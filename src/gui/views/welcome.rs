//! Shown when no file is open: open a file, or pick a recent one.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::gui::actions::Action;
use crate::gui::commands::{Command, CommandSender};

/// Draws the welcome screen.
pub fn ui(ui: &mut Ui, recent: &[PathBuf], loading: bool, commands: &CommandSender) {
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        ui.heading("Slicewise");
        ui.label("Review misclassified examples, tag them, and see what to work on first.");
        ui.add_space(16.0);
        if loading {
            ui.spinner();
            ui.label("Loading…");
            return;
        }
        if ui
            .button(RichText::new("Open a predictions file…").size(16.0))
            .on_hover_text(Action::OpenDialog.tooltip())
            .clicked()
        {
            commands.send(Action::OpenDialog);
        }
        ui.label(RichText::new("or drop a CSV, Parquet or NDJSON file on this window").weak());
        ui.add_space(8.0);
        if ui
            .button("Open the sample")
            .on_hover_text(
                "10,000 keyword-spotting predictions with tags to try Slicewise on, unpacked into your data folder",
            )
            .clicked()
        {
            commands.send(Command::OpenSample);
        }
        if !recent.is_empty() {
            ui.add_space(16.0);
            ui.label(RichText::new("Recent").strong());
            for path in recent {
                if ui.link(path.display().to_string()).clicked() {
                    commands.send(Command::Open(path.clone()));
                }
            }
        }
    });
}
