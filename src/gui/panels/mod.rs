//! The panels around the central view: the menu bar, the status bar, the
//! Tags panel and the inspector. They draw and send commands; nothing else.

pub mod inspector;
pub mod menu_bar;
pub mod status_bar;
pub mod tags;

pub use inspector::InspectorPanel;
pub use tags::TagsPanel;

use egui::Ui;

use super::actions::Action;
use super::commands::CommandSender;

/// A menu entry for an action, with its shortcut and tooltip.
pub fn action_button(ui: &mut Ui, action: Action, commands: &CommandSender) {
    let mut button = egui::Button::new(action.label());
    if let Some(s) = action.shortcut() {
        button = button.shortcut_text(crate::gui::actions::shortcut_text(ui.ctx(), &s));
    }
    if ui.add(button).on_hover_text(action.tooltip()).clicked() {
        commands.send(action);
        ui.close();
    }
}

/// The tabs above the central view; those that do not fit wrap onto
/// another line, so every view can be reached on any screen.
pub fn tabs_ui(ui: &mut Ui, current: super::tabs::View, commands: &CommandSender) {
    ui.horizontal_wrapped(|ui| {
        for v in super::tabs::View::ALL {
            let action = Action::Show(v);
            let keys: Vec<String> = action
                .shortcut()
                .into_iter()
                .chain(action.alternatives())
                .map(|s| super::actions::shortcut_text(ui.ctx(), &s))
                .collect();
            if ui
                .selectable_label(current == v, egui::RichText::new(v.label()).size(15.0))
                .on_hover_text(format!("{} ({})", action.tooltip(), keys.join(" or ")))
                .clicked()
            {
                commands.send(action);
            }
        }
    });
    ui.separator();
}
