//! The inspector: every column of the selected example, its image or text,
//! its tags as toggles, whether it was reviewed, and its note.

use egui::{Panel, RichText, Ui};

use crate::core::dataset::ColumnUse;
use crate::gui::actions::{Action, TOGGLE_TAG_TIP};
use crate::gui::commands::{Command, CommandSender};
use crate::gui::context::ViewCtx;
use crate::gui::images::{self, ImageCache, ImageSlot};
use crate::gui::theme;
use crate::gui::widgets::{self, hex_colour};

/// Tallest an example's image is drawn, in points.
const IMAGE_MAX_HEIGHT: f32 = 320.0;

/// The inspector's state.
#[derive(Debug, Default)]
pub struct InspectorPanel {
    /// The note being typed: (row, text). It is committed when the
    /// selection moves, on save, on close and when another file opens.
    pub note: Option<(u32, String)>,
}

impl InspectorPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui, cache: &mut ImageCache) {
        let ws = ctx.doc;
        let pending = ctx.commands;
        Panel::right("inspector")
            .resizable(true)
            .default_size(320.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        let Some(row) = ws.cursor_row() else {
                            ui.label("No example selected");
                            return;
                        };
                        let ds = &ws.ds;
                        let selected = ws.selected_rows().len();
                        ui.heading(ds.ids.key(row).as_ref());
                        if selected > 1 {
                            ui.label(
                                RichText::new(format!(
                                    "{selected} examples selected: tag keys apply to all"
                                ))
                                .strong(),
                            );
                        }
                        let truth = &ds.classes[ds.label[row] as usize];
                        let pred = &ds.classes[ds.pred[row] as usize];
                        ui.horizontal(|ui| {
                            ui.label("true");
                            ui.label(RichText::new(truth).strong());
                            ui.label("predicted");
                            let colour = theme::prediction(ds.is_error(row));
                            ui.label(RichText::new(pred).strong().color(colour));
                            if let Some(c) = ws.compare.as_deref()
                                && let (Some(after), Some((_, right))) =
                                    (c.pred_after(row), c.rights(row))
                            {
                                ui.label("after");
                                ui.label(
                                    RichText::new(after)
                                        .strong()
                                        .color(theme::prediction(!right)),
                                )
                                .on_hover_text("The second run's prediction");
                            }
                        });
                        if let Some(score) = ds.score.as_ref().map(|s| s[row]) {
                            let whole = ws.summary.score_range.is_some_and(|r| r.integral);
                            ui.label(format!(
                                "score {}",
                                crate::core::render::score(score, whole)
                            ));
                        }
                        // What the probabilities say of the label (a
                        // likely label error has a low one).
                        if let Some(l) = crate::core::label_issues::row_label(ds, row) {
                            let suggested = &ds.classes[l.suggested as usize];
                            let differs = l.suggested != ds.label[row];
                            ui.horizontal_wrapped(|ui| {
                                ui.label(format!(
                                    "p(label) {}",
                                    crate::core::render::quality(l.self_confidence)
                                ))
                                .on_hover_text(format!(
                                    "The probability of the given label (cleanlab's self-confidence); normalized margin {}",
                                    crate::core::render::quality(l.normalized_margin)
                                ));
                                if differs {
                                    ui.label("most probable");
                                    ui.label(RichText::new(suggested).strong())
                                        .on_hover_text("The suggested label, if the given one is wrong");
                                }
                            });
                        }
                        let reviewed = ws.annotations.is_reviewed(row);
                        ui.horizontal(|ui| {
                            let text = if reviewed {
                                "✔ Reviewed"
                            } else {
                                "Not reviewed"
                            };
                            if ui
                                .selectable_label(reviewed, text)
                                .on_hover_text("r marks reviewed; click to change")
                                .clicked()
                            {
                                pending.send(if reviewed {
                                    Action::MarkUnreviewed
                                } else {
                                    Action::MarkReviewed
                                });
                            }
                        });
                        ui.separator();
                        ui.label(RichText::new("Tags").strong());
                        ui.horizontal_wrapped(|ui| {
                            for tag in ws.annotations.tags() {
                                let on = tag.members.get(row);
                                let colour = hex_colour(&tag.def.colour);
                                let label = match tag.def.hotkey {
                                    Some(k) => format!("{k} {}", tag.def.name),
                                    None => tag.def.name.clone(),
                                };
                                if tag.is_rule() {
                                    if on {
                                        widgets::chip(ui, &tag.def.name, colour);
                                    }
                                    continue;
                                }
                                let text = if on {
                                    RichText::new(label).color(widgets::readable_on(colour))
                                } else {
                                    RichText::new(label)
                                };
                                let mut button = egui::Button::new(text).selected(on);
                                if on {
                                    button = button.fill(colour);
                                }
                                if ui.add(button).on_hover_text(TOGGLE_TAG_TIP).clicked() {
                                    pending.send(Command::ToggleTag(tag.id));
                                }
                            }
                        });
                        ui.separator();
                        note_editor(ui, &mut self.note, pending, row, ws.annotations.note(row));
                        ui.separator();
                        // The picture or text of the example.
                        for col in ds
                            .columns
                            .iter()
                            .filter(|c| matches!(c.usage, ColumnUse::Image | ColumnUse::Text))
                        {
                            let value = col.display(row);
                            match col.usage {
                                ColumnUse::Image => {
                                    let path = images::resolve(&ds.source.path, &value);
                                    {
                                        match cache.get(&path, ctx.egui) {
                                            ImageSlot::Loading => {
                                                ui.spinner();
                                            }
                                            ImageSlot::Ready(texture) => {
                                                // Fill the panel's width (small images such
                                                // as 32×32 thumbnails are scaled up), at most
                                                // IMAGE_MAX_HEIGHT tall.
                                                let size = texture.size_vec2();
                                                let scale = (ui.available_width() / size.x)
                                                    .min(IMAGE_MAX_HEIGHT / size.y);
                                                ui.add(
                                                    egui::Image::new(texture)
                                                        .fit_to_exact_size(size * scale)
                                                        .corner_radius(4.0),
                                                )
                                                .on_hover_text(format!(
                                                    "{} × {} pixels",
                                                    size.x, size.y
                                                ));
                                            }
                                            ImageSlot::Failed(e) => {
                                                ui.colored_label(theme::RED, e.as_str());
                                            }
                                        }
                                    }
                                }
                                _ => {
                                    ui.label(RichText::new(value.as_ref()).size(15.0));
                                }
                            }
                        }
                        egui::Grid::new("columns")
                            .num_columns(2)
                            .striped(true)
                            .show(ui, |ui| {
                                let roles = &ds.roles;
                                ui.label(RichText::new(&roles.label).weak());
                                ui.label(truth);
                                ui.end_row();
                                ui.label(RichText::new(&roles.pred).weak());
                                ui.label(pred);
                                ui.end_row();
                                if let (Some(name), Some(_)) = (&roles.human, &ds.human) {
                                    let h = ds
                                        .human
                                        .as_ref()
                                        .map(|h| h[row])
                                        .and_then(|c| ds.human_value_name(c))
                                        .unwrap_or("(missing)");
                                    ui.label(RichText::new(name).weak());
                                    ui.label(h);
                                    ui.end_row();
                                }
                                for col in &ds.columns {
                                    ui.label(RichText::new(&col.name).weak());
                                    ui.label(col.display(row).as_ref());
                                    ui.end_row();
                                }
                            });
                    });
            });
    }
}

fn note_editor(
    ui: &mut Ui,
    draft: &mut Option<(u32, String)>,
    pending: &CommandSender,
    row: usize,
    stored: &str,
) {
    let Ok(row32) = u32::try_from(row) else {
        return;
    };
    // A note typed for another example is committed when the selection moves.
    if let Some((r, text)) = draft.as_ref()
        && *r != row32
    {
        pending.send(Command::SetNote(*r, text.clone()));
        *draft = None;
    }
    let (_, text) = draft.get_or_insert_with(|| (row32, stored.to_string()));
    ui.label(RichText::new("Note").strong());
    let response = ui.add(
        egui::TextEdit::multiline(text)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("what you see in this example"),
    );
    if response.lost_focus() && text != stored {
        pending.send(Command::SetNote(row32, text.clone()));
    }
    if !response.has_focus() && text != stored && !response.lost_focus() {
        // Undo/redo changed the stored note: show it.
        *text = stored.to_string();
    }
}
