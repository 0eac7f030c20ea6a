//! The keyboard shortcut help, listed from the actions themselves.

use egui::RichText;

use crate::gui::actions::Action;

/// Every shortcut as (keys, what they do), in the actions' order, then the
/// mouse and Esc.
fn rows(ctx: &egui::Context) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Action::with_shortcuts()
        .into_iter()
        .map(|action| {
            let mut keys: Vec<String> = action
                .shortcut()
                .into_iter()
                .chain(action.alternatives())
                .map(|s| crate::gui::actions::shortcut_text(ctx, &s))
                .collect();
            keys.dedup();
            (keys.join("  /  "), action.label())
        })
        .collect();
    rows.push(("Shift+click".into(), "Select a range".into()));
    rows.push(("Esc".into(), "Close a dialog, cancel loading".into()));
    rows
}

/// Draws the shortcut window; returns whether it stays open. It is never
/// taller than the window: the list is laid out in as many columns as the
/// width allows, and scrolls when even that is too tall.
#[must_use]
pub fn shortcuts_ui(ctx: &egui::Context) -> bool {
    let mut open = true;
    let screen = ctx.content_rect();
    let rows = rows(ctx);
    // As many columns as the height needs, balanced; a scroll bar only when
    // even those do not fit.
    let row_height = ctx.global_style().spacing.interact_size.y + 5.0;
    let room = (screen.height() - 140.0).max(row_height);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let fit = ((room / row_height).floor() as usize).max(1);
    let columns = rows.len().div_ceil(fit).max(1);
    let per_column = rows.len().div_ceil(columns);
    #[allow(clippy::cast_precision_loss)]
    let needed = per_column as f32 * row_height;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .max_height(screen.height() - 80.0)
        .max_width(screen.width() - 40.0)
        .show(ctx, |ui| {
            let draw = |ui: &mut egui::Ui| {
                ui.horizontal_top(|ui| {
                    for (c, chunk) in rows.chunks(per_column.max(1)).enumerate() {
                        if c > 0 {
                            ui.separator();
                        }
                        egui::Grid::new(("shortcuts", c))
                            .num_columns(2)
                            .striped(true)
                            .show(ui, |ui| {
                                for (keys, label) in chunk {
                                    ui.label(RichText::new(keys).monospace());
                                    ui.label(label.as_str());
                                    ui.end_row();
                                }
                            });
                    }
                });
            };
            if needed <= room {
                draw(ui);
            } else {
                egui::ScrollArea::vertical().max_height(room).show(ui, draw);
            }
        });
    open
}
