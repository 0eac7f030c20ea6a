//! The prompt for a new tag's name.

use crate::gui::commands::{Command, CommandSender};

/// The name typed so far.
#[derive(Debug, Default)]
pub struct NewTagDialog {
    /// The name.
    pub name: String,
}

impl NewTagDialog {
    /// Draws the prompt; Enter or Create sends the command. Returns whether
    /// it should close (Cancel or Esc); creating closes it from the command.
    pub fn ui(&mut self, ctx: &egui::Context, commands: &CommandSender) -> bool {
        let name = &mut self.name;
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("new-tag")).show(ctx, |ui| {
            ui.heading("New tag");
            ui.label("Name; Enter creates it and puts it on the selected examples");
            let r = ui.add(
                egui::TextEdit::singleline(name)
                    .hint_text("e.g. car noise")
                    .desired_width(260.0),
            );
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
            if !enter && !r.has_focus() {
                r.request_focus();
            }
            if enter && !name.trim().is_empty() {
                commands.send(Command::CreateTag(name.clone()));
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!name.trim().is_empty(), egui::Button::new("Create"))
                    .clicked()
                {
                    commands.send(Command::CreateTag(name.clone()));
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        close || modal.should_close()
    }
}
