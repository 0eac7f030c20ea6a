//! The keyboard shortcut help, listed from the actions themselves.

use egui::RichText;

use crate::gui::actions::Action;

/// Draws the shortcut window; returns whether it stays open.
#[must_use]
pub fn shortcuts_ui(ctx: &egui::Context) -> bool {
    let mut open = true;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for action in Action::with_shortcuts() {
                        let mut keys: Vec<String> = action
                            .shortcut()
                            .into_iter()
                            .chain(action.alternatives())
                            .map(|s| crate::gui::actions::shortcut_text(ctx, &s))
                            .collect();
                        keys.dedup();
                        ui.label(RichText::new(keys.join("  /  ")).monospace());
                        ui.label(action.label());
                        ui.end_row();
                    }
                    ui.label(RichText::new("Shift+click").monospace());
                    ui.label("Select a range");
                    ui.end_row();
                    ui.label(RichText::new("Esc").monospace());
                    ui.label("Close a dialog, cancel loading");
                    ui.end_row();
                });
        });
    open
}
