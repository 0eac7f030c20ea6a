//! The panels around the central view: menu bar, status bar, Tags panel,
//! inspector, and the dialogs. They draw and send commands; nothing else.

use std::path::Path;

use egui::{Align, Color32, Layout, Panel, RichText, Ui};

use super::app::App;
use super::command::{Command, ExportFormat, View};
use super::jobs::ImageSlot;
use super::widgets::{self, hex_colour};
use crate::core::dataset::ColumnUse;
use crate::core::render;
use crate::core::session::TagDef;
use crate::core::tags::{PALETTE, TagId};

/// Tallest an example's image is drawn in the inspector, in points.
const IMAGE_MAX_HEIGHT: f32 = 320.0;

/// UI state of the Tags panel and inspector that is not document state.
#[derive(Debug, Default)]
pub struct PanelState {
    /// The tag whose editor is open, with its text buffers.
    pub editing: Option<TagEditor>,
    /// The rule-tag form.
    pub rule: RuleDraft,
    /// The note being typed: (row, text).
    pub note: Option<(u32, String)>,
}

/// Text buffers of the tag editor.
#[derive(Debug, Clone, Default)]
pub struct TagEditor {
    /// The tag.
    pub id: TagId,
    /// Name being typed.
    pub name: String,
    /// HLP in percent being typed.
    pub hlp: String,
    /// Description being typed.
    pub description: String,
    /// Rule being typed (rule tags).
    pub rule: String,
}

/// The "new rule tag" form.
#[derive(Debug, Clone, Default)]
pub struct RuleDraft {
    /// Whether it is open.
    pub open: bool,
    /// Tag name.
    pub name: String,
    /// Rule text.
    pub rule: String,
}

fn command_button(ui: &mut Ui, cmd: &Command, pending: &mut Vec<Command>) {
    let mut button = egui::Button::new(cmd.label());
    if let Some(s) = cmd.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    if ui.add(button).on_hover_text(cmd.tooltip()).clicked() {
        pending.push(cmd.clone());
        ui.close();
    }
}

/// The menu bar.
pub fn menu_bar(app: &mut App, ui: &mut Ui) {
    Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            let pending = &mut app.pending;
            ui.menu_button("File", |ui| {
                command_button(ui, &Command::OpenDialog, pending);
                ui.menu_button("Open recent", |ui| {
                    if app.prefs.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for path in &app.prefs.recent {
                        if ui.button(path.display().to_string()).clicked() {
                            pending.push(Command::Open(path.clone()));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                command_button(ui, &Command::Save, pending);
                for f in [
                    ExportFormat::Csv,
                    ExportFormat::Markdown,
                    ExportFormat::Html,
                ] {
                    command_button(ui, &Command::ExportDialog(f), pending);
                }
                command_button(ui, &Command::CopyMarkdown, pending);
                ui.separator();
                command_button(ui, &Command::Quit, pending);
            });
            ui.menu_button("Edit", |ui| {
                let (undo, redo) = app.workspace.as_ref().map_or((false, false), |ws| {
                    (ws.state.can_undo(), ws.state.can_redo())
                });
                ui.add_enabled_ui(undo, |ui| command_button(ui, &Command::Undo, pending));
                ui.add_enabled_ui(redo, |ui| command_button(ui, &Command::Redo, pending));
                ui.separator();
                command_button(ui, &Command::NewTagPrompt, pending);
                command_button(ui, &Command::MarkReviewed, pending);
                command_button(ui, &Command::MarkUnreviewed, pending);
            });
            ui.menu_button("View", |ui| {
                for v in View::ALL {
                    command_button(ui, &Command::ShowView(v), pending);
                }
                ui.separator();
                command_button(ui, &Command::ToggleTheme, pending);
                command_button(ui, &Command::ToggleShortcuts, pending);
            });
            ui.menu_button("Help", |ui| {
                command_button(ui, &Command::ToggleShortcuts, pending);
            });
        });
    });
}

/// The status bar: file, rows, save state, background job, last message.
pub fn status_bar(app: &mut App, ui: &mut Ui) {
    Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(job) = &app.loading {
                ui.spinner();
                let size = render::count(job.size / 1_000_000);
                ui.label(format!(
                    "{} {} ({size} MB), {:.1} s",
                    job.phase,
                    job.path
                        .file_name()
                        .map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
                    job.started.elapsed().as_secs_f32()
                ));
                ui.add(
                    egui::ProgressBar::new(0.0)
                        .animate(true)
                        .desired_width(120.0),
                );
                if ui
                    .button("Cancel")
                    .on_hover_text(Command::CancelLoad.tooltip())
                    .clicked()
                {
                    app.pending.push(Command::CancelLoad);
                }
                ui.separator();
            }
            if !app.exports.is_empty() {
                ui.spinner();
                ui.label("Exporting…");
                ui.separator();
            }
            if let Some(what) = app.workspace.as_ref().and_then(|ws| ws.audit.computing()) {
                ui.spinner();
                ui.label(format!("Computing {what}…"));
                ui.separator();
            }
            if let Some(ws) = &app.workspace {
                ui.label(RichText::new(ws.file_name()).strong());
                ui.label(format!(
                    "{} rows · {} errors",
                    render::count(ws.ds.rows() as u64),
                    render::count(ws.summary.errors as u64)
                ));
                ui.separator();
                if ws.save_error.is_some() {
                    ui.colored_label(Color32::from_rgb(230, 80, 80), "Not saved")
                        .on_hover_text(ws.save_error.clone().unwrap_or_default());
                } else if ws.unsaved() {
                    ui.label("• Unsaved changes")
                        .on_hover_text("Saved automatically within 2 seconds");
                } else {
                    ui.label("Saved")
                        .on_hover_text(ws.session_path.display().to_string());
                }
            }
            if let Some(status) = &app.status
                && status.at.elapsed().as_secs() < 12
            {
                ui.separator();
                if status.is_error {
                    ui.colored_label(Color32::from_rgb(230, 80, 80), &status.text);
                } else {
                    ui.label(&status.text);
                }
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.label(
                    RichText::new(format!(
                        "frame {:.1} ms",
                        app.frame_time.as_secs_f32() * 1000.0
                    ))
                    .weak()
                    .small(),
                );
            });
        });
    });
}

/// The Tags panel: every tag with key, colour, count and lift; editing.
pub fn tags_panel(app: &mut App, ui: &mut Ui) {
    let App {
        workspace,
        pending,
        panels,
        ..
    } = app;
    let Some(ws) = workspace else { return };
    Panel::left("tags")
        .resizable(true)
        .default_size(250.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Tags");
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if ui
                        .button("New tag…")
                        .on_hover_text(Command::NewTagPrompt.tooltip())
                        .clicked()
                    {
                        pending.push(Command::NewTagPrompt);
                    }
                });
            });
            let table = ws.table().to_vec();
            let max_lift = table
                .iter()
                .filter_map(|r| r.expected_lift.value)
                .fold(0.0_f64, f64::max);
            let shown = ws.rows.len();
            egui::ScrollArea::vertical()
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    let tags: Vec<(TagId, TagDef, bool)> = ws
                        .state
                        .tags()
                        .iter()
                        .map(|t| (t.id, t.def.clone(), t.is_rule()))
                        .collect();
                    if tags.is_empty() {
                        ui.label("No tags yet. Select an example and press n to create one.");
                    }
                    for (id, def, is_rule) in tags {
                        let row = table.iter().find(|r| r.id == id);
                        ui.horizontal(|ui| {
                            let key = def.hotkey.map_or_else(
                                || if is_rule { "R".into() } else { " ".into() },
                                |k| k.to_string(),
                            );
                            ui.label(RichText::new(key).monospace().weak())
                                .on_hover_text(if is_rule {
                                    "Rule tag: applies to every matching row"
                                } else {
                                    "Key that toggles this tag"
                                });
                            widgets::swatch(ui, hex_colour(&def.colour));
                            let open = panels.editing.as_ref().is_some_and(|e| e.id == id);
                            let name = ui.selectable_label(open, &def.name).on_hover_text(
                                if def.description.is_empty() {
                                    "Click to edit"
                                } else {
                                    def.description.as_str()
                                },
                            );
                            if name.clicked() {
                                panels.editing = if open {
                                    None
                                } else {
                                    Some(TagEditor {
                                        id,
                                        name: def.name.clone(),
                                        hlp: def
                                            .hlp
                                            .map(|h| format!("{:.1}", h * 100.0))
                                            .unwrap_or_default(),
                                        description: def.description.clone(),
                                        rule: def.rule.clone().unwrap_or_default(),
                                    })
                                };
                            }
                            name.context_menu(|ui| {
                                if !is_rule
                                    && ui
                                        .button(format!(
                                            "Tag all {} shown",
                                            render::count(shown as u64)
                                        ))
                                        .clicked()
                                {
                                    pending.push(Command::BulkTag(id));
                                    ui.close();
                                }
                                if ui.button("Delete").clicked() {
                                    pending.push(Command::DeleteTag(id));
                                    ui.close();
                                }
                            });
                            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                if let Some(r) = row {
                                    let lift = r.expected_lift.value;
                                    #[allow(clippy::cast_possible_truncation)]
                                    let fraction = lift.map_or(0.0, |l| {
                                        if max_lift > 0.0 {
                                            (l / max_lift) as f32
                                        } else {
                                            0.0
                                        }
                                    });
                                    widgets::bar(ui, fraction, 40.0, hex_colour(&def.colour))
                                        .on_hover_text(format!(
                                            "Expected lift {}",
                                            render::pct(lift, 2)
                                        ));
                                    ui.label(render::count(r.tagged)).on_hover_text(if r.exact {
                                        "Tagged examples"
                                    } else {
                                        "Tagged examples among those reviewed"
                                    });
                                }
                            });
                        });
                        if panels.editing.as_ref().is_some_and(|e| e.id == id) {
                            tag_editor(ui, panels, &def, is_rule, shown, pending, &ws.state);
                        }
                    }
                    ui.separator();
                    rule_form(ui, &mut panels.rule, pending, ws);
                });
        });
}

const HLP_HELP: &str =
    "Human-level performance inside the tag, e.g. 95. Empty: use the human-label column";
const WEIGHT_HELP: &str = "1 (low) to 5 (high); priority = lift × importance / effort";
const RED: Color32 = Color32::from_rgb(230, 80, 80);

/// Parses a typed HLP percentage: `Ok(None)` for empty (use the human column).
fn parse_hlp(text: &str) -> Result<Option<f64>, &'static str> {
    let typed = text.trim().trim_end_matches('%').replace(',', ".");
    if typed.is_empty() {
        return Ok(None);
    }
    typed
        .parse::<f64>()
        .ok()
        .filter(|v| (0.0..=100.0).contains(v))
        .map(|v| Some(v / 100.0))
        .ok_or("Type a percentage from 0 to 100, e.g. 95")
}

fn name_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef) -> Option<TagDef> {
    ui.label("Name");
    let r = ui.text_edit_singleline(&mut ed.name);
    let name = ed.name.trim();
    (r.lost_focus() && name != def.name).then(|| TagDef {
        name: name.to_string(),
        ..def.clone()
    })
}

fn hlp_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef) -> Option<TagDef> {
    ui.label("HLP %").on_hover_text(HLP_HELP);
    let parsed = parse_hlp(&ed.hlp);
    let mut field = egui::TextEdit::singleline(&mut ed.hlp)
        .desired_width(60.0)
        .hint_text("from humans");
    if parsed.is_err() {
        field = field.text_color(RED);
    }
    let mut r = ui.add(field);
    if let Err(help) = parsed {
        r = r.on_hover_text(help);
    }
    match parsed {
        Ok(hlp) if r.lost_focus() && hlp != def.hlp => Some(TagDef { hlp, ..def.clone() }),
        _ => None,
    }
}

fn weight_row(ui: &mut Ui, label: &str, current: u8) -> Option<u8> {
    ui.label(label).on_hover_text(WEIGHT_HELP);
    let mut chosen = None;
    ui.horizontal(|ui| {
        for v in 1..=5u8 {
            if ui.selectable_label(current == v, v.to_string()).clicked() && current != v {
                chosen = Some(v);
            }
        }
    });
    chosen
}

fn colour_row(ui: &mut Ui, def: &TagDef) -> Option<TagDef> {
    ui.label("Colour");
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        for c in PALETTE {
            let selected = def.colour == c;
            let button = egui::Button::new(if selected { "✔" } else { " " })
                .fill(hex_colour(c))
                .min_size(egui::vec2(18.0, 18.0));
            if ui.add(button).on_hover_text(c).clicked() && !selected {
                chosen = Some(TagDef {
                    colour: c.to_string(),
                    ..def.clone()
                });
            }
        }
    });
    chosen
}

fn key_row(
    ui: &mut Ui,
    id: TagId,
    def: &TagDef,
    state: &crate::core::tags::ReviewState,
) -> Option<TagDef> {
    let label = ui.label("Key");
    let current = def.hotkey;
    let mut chosen = None;
    let text = current.map_or_else(|| "none".to_string(), |k| k.to_string());
    egui::ComboBox::from_id_salt(("hotkey", id))
        .selected_text(text)
        .width(50.0)
        .show_ui(ui, |ui| {
            if ui.selectable_label(current.is_none(), "none").clicked() {
                chosen = Some(None);
            }
            for k in 1..=9u8 {
                let taken = state.tag_by_hotkey(k).is_some_and(|t| t.id != id);
                let item = egui::Button::selectable(current == Some(k), k.to_string());
                if ui.add_enabled(!taken, item).clicked() {
                    chosen = Some(Some(k));
                }
            }
        })
        .response
        .labelled_by(label.id);
    chosen.map(|hotkey| TagDef {
        hotkey,
        ..def.clone()
    })
}

fn rule_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef) -> Option<TagDef> {
    ui.label("Rule");
    let field = egui::TextEdit::multiline(&mut ed.rule)
        .desired_rows(2)
        .code_editor();
    let r = ui.add(field);
    let rule = ed.rule.trim();
    (r.lost_focus() && Some(rule) != def.rule.as_deref()).then(|| TagDef {
        rule: Some(rule.to_string()),
        ..def.clone()
    })
}

fn notes_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef) -> Option<TagDef> {
    ui.label("Notes");
    let field = egui::TextEdit::multiline(&mut ed.description)
        .desired_rows(2)
        .hint_text("what the tag means");
    let r = ui.add(field);
    (r.lost_focus() && ed.description != def.description).then(|| TagDef {
        description: ed.description.clone(),
        ..def.clone()
    })
}

/// The buttons under the editor; returns whether the editor should close.
fn tag_actions(
    ui: &mut Ui,
    id: TagId,
    is_rule: bool,
    shown: usize,
    pending: &mut Vec<Command>,
    state: &crate::core::tags::ReviewState,
) -> bool {
    let mut close = false;
    ui.horizontal(|ui| {
        let bulk = Command::BulkTag(id);
        let label = format!("Tag all {} shown", render::count(shown as u64));
        if !is_rule && ui.button(label).on_hover_text(bulk.tooltip()).clicked() {
            pending.push(bulk);
        }
        let merge_help = Command::MergeTags { from: id, into: id }.tooltip();
        ui.menu_button("Merge into…", |ui| {
            let others = state
                .tags()
                .iter()
                .filter(|t| t.id != id && t.is_rule() == is_rule);
            for other in others {
                if ui.button(&other.def.name).clicked() {
                    pending.push(Command::MergeTags {
                        from: id,
                        into: other.id,
                    });
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(merge_help);
        let delete = Command::DeleteTag(id);
        if ui
            .button("Delete")
            .on_hover_text(delete.tooltip())
            .clicked()
        {
            pending.push(delete);
            close = true;
        }
    });
    close
}

fn tag_editor(
    ui: &mut Ui,
    panels: &mut PanelState,
    def: &TagDef,
    is_rule: bool,
    shown: usize,
    pending: &mut Vec<Command>,
    state: &crate::core::tags::ReviewState,
) {
    let Some(ed) = &mut panels.editing else {
        return;
    };
    let id = ed.id;
    let mut commit: Option<TagDef> = None;
    let mut close = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let grid = egui::Grid::new(("tag-editor", id))
            .num_columns(2)
            .spacing([8.0, 4.0]);
        grid.show(ui, |ui| {
            let mut row = |c: Option<TagDef>, ui: &mut Ui| {
                if c.is_some() {
                    commit = c;
                }
                ui.end_row();
            };
            let c = name_row(ui, ed, def);
            row(c, ui);
            let c = hlp_row(ui, ed, def);
            row(c, ui);
            let c = weight_row(ui, "Importance", def.importance).map(|importance| TagDef {
                importance,
                ..def.clone()
            });
            row(c, ui);
            let c = weight_row(ui, "Effort", def.effort).map(|effort| TagDef {
                effort,
                ..def.clone()
            });
            row(c, ui);
            let c = colour_row(ui, def);
            row(c, ui);
            let c = if is_rule {
                rule_row(ui, ed, def)
            } else {
                key_row(ui, id, def, state)
            };
            row(c, ui);
            let c = notes_row(ui, ed, def);
            row(c, ui);
        });
        close = tag_actions(ui, id, is_rule, shown, pending, state);
    });
    if close {
        panels.editing = None;
    }
    if let Some(def) = commit {
        pending.push(Command::UpdateTag(id, def));
    }
}

fn rule_form(
    ui: &mut Ui,
    draft: &mut RuleDraft,
    pending: &mut Vec<Command>,
    ws: &super::workspace::Workspace,
) {
    let header = egui::CollapsingHeader::new("New rule tag")
        .default_open(draft.open)
        .show(ui, |ui| {
            ui.label(
                RichText::new(
                    "Tags every row a rule matches, exactly, e.g. device == \"car\" and snr < 10",
                )
                .weak()
                .small(),
            );
            ui.add(egui::TextEdit::singleline(&mut draft.name).hint_text("tag name"));
            ui.add(
                egui::TextEdit::multiline(&mut draft.rule)
                    .desired_rows(2)
                    .code_editor()
                    .hint_text("accent in [\"scottish\", \"welsh\"]"),
            );
            let columns: Vec<&str> = ws.ds.slice_columns().map(|c| c.name.as_str()).collect();
            ui.label(
                RichText::new(format!("Columns: {}", columns.join(", ")))
                    .weak()
                    .small(),
            );
            let ready = !draft.name.trim().is_empty() && !draft.rule.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new("Create rule tag"))
                .on_hover_text(Command::CreateRuleTag(TagDef::default()).tooltip())
                .clicked()
            {
                pending.push(Command::CreateRuleTag(TagDef::rule(
                    draft.name.trim(),
                    "",
                    draft.rule.trim(),
                )));
                draft.name.clear();
                draft.rule.clear();
            }
        });
    draft.open = header.fully_open();
}

/// The inspector: every column of the selected example, its image or text,
/// its tags as toggles, and its note.
pub fn inspector(app: &mut App, ui: &mut Ui) {
    let App {
        workspace,
        pending,
        panels,
        images,
        ..
    } = app;
    let Some(ws) = workspace else { return };
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
                    let ds = ws.ds.clone();
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
                        let colour = if ds.is_error(row) {
                            Color32::from_rgb(230, 90, 80)
                        } else {
                            Color32::from_rgb(80, 180, 100)
                        };
                        ui.label(RichText::new(pred).strong().color(colour));
                    });
                    if let Some(score) = ds.score.as_ref().map(|s| s[row]) {
                        ui.label(format!(
                            "score {}",
                            crate::core::dataset::format_number(score)
                        ));
                    }
                    let reviewed = ws.state.is_reviewed(row);
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
                            pending.push(if reviewed {
                                Command::MarkUnreviewed
                            } else {
                                Command::MarkReviewed
                            });
                        }
                    });
                    ui.separator();
                    ui.label(RichText::new("Tags").strong());
                    ui.horizontal_wrapped(|ui| {
                        for tag in ws.state.tags() {
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
                            if ui
                                .add(button)
                                .on_hover_text(Command::ToggleTag(tag.id).tooltip())
                                .clicked()
                            {
                                pending.push(Command::ToggleTag(tag.id));
                            }
                        }
                    });
                    ui.separator();
                    note_editor(ui, panels, pending, row, ws.state.note(row));
                    ui.separator();
                    // The picture or text of the example.
                    for col in ds.columns.iter().filter(|c| c.usage != ColumnUse::Slice) {
                        let value = col.display(row);
                        match col.usage {
                            ColumnUse::Image => {
                                let path = resolve_image(&ds.source.path, &value);
                                if let Some(images) = images {
                                    match images.get(&path) {
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
                                            ui.colored_label(
                                                Color32::from_rgb(230, 80, 80),
                                                e.as_str(),
                                            );
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

fn note_editor(
    ui: &mut Ui,
    panels: &mut PanelState,
    pending: &mut Vec<Command>,
    row: usize,
    stored: &str,
) {
    let Ok(row32) = u32::try_from(row) else {
        return;
    };
    // A note typed for another example is committed when the selection moves.
    if let Some((r, text)) = &panels.note
        && *r != row32
    {
        pending.push(Command::SetNote(*r, text.clone()));
        panels.note = None;
    }
    let (_, text) = panels
        .note
        .get_or_insert_with(|| (row32, stored.to_string()));
    ui.label(RichText::new("Note").strong());
    let response = ui.add(
        egui::TextEdit::multiline(text)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("what you see in this example"),
    );
    if response.lost_focus() && text != stored {
        pending.push(Command::SetNote(row32, text.clone()));
    }
    if !response.has_focus() && text != stored && !response.lost_focus() {
        // Undo/redo changed the stored note: show it.
        *text = stored.to_string();
    }
}

/// An image path from the data, relative to the data file's folder unless absolute.
#[must_use]
pub fn resolve_image(data: &Path, value: &str) -> std::path::PathBuf {
    let p = Path::new(value);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        data.parent().unwrap_or_else(|| Path::new(".")).join(p)
    }
}

/// Dialogs: new tag prompt, column mapping, shortcuts, errors.
pub fn dialogs(app: &mut App, ctx: &egui::Context) {
    if let Some(name) = &mut app.new_tag {
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
                app.pending.push(Command::CreateTag(name.clone()));
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!name.trim().is_empty(), egui::Button::new("Create"))
                    .clicked()
                {
                    app.pending.push(Command::CreateTag(name.clone()));
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close || modal.should_close() {
            app.new_tag = None;
        }
    }
    if let Some(dialog) = &mut app.mapping {
        let mut open = None;
        let mut cancel = false;
        egui::Modal::new(egui::Id::unique("mapping")).show(ctx, |ui| {
            ui.heading("Which column is which?");
            ui.label(RichText::new(&dialog.error).weak());
            ui.add_space(6.0);
            let names: Vec<String> = dialog
                .preview
                .columns
                .iter()
                .map(|(n, _)| n.clone())
                .collect();
            egui::Grid::new("roles").num_columns(2).show(ui, |ui| {
                let c = &mut dialog.choice;
                for (label, value, required) in [
                    ("True label", &mut c.label, true),
                    ("Prediction", &mut c.pred, true),
                    ("Score", &mut c.score, false),
                    ("Id", &mut c.id, false),
                    ("Human label", &mut c.human, false),
                    ("Image path", &mut c.image, false),
                    ("Text", &mut c.text, false),
                ] {
                    let name = ui.label(label);
                    egui::ComboBox::from_id_salt(label)
                        .selected_text(if value.is_empty() {
                            "(none)".to_string()
                        } else {
                            value.clone()
                        })
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            if !required {
                                ui.selectable_value(value, String::new(), "(none)");
                            }
                            for n in &names {
                                ui.selectable_value(value, n.clone(), n);
                            }
                        })
                        .response
                        .labelled_by(name.id);
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
            ui.label(RichText::new("First values").strong());
            egui::ScrollArea::both().max_height(200.0).show(ui, |ui| {
                egui::Grid::new("preview").striped(true).show(ui, |ui| {
                    for (name, values) in &dialog.preview.columns {
                        ui.label(RichText::new(name).strong());
                        ui.label(values.join(", "));
                        ui.end_row();
                    }
                });
            });
            ui.horizontal(|ui| {
                let ready = !dialog.choice.label.is_empty() && !dialog.choice.pred.is_empty();
                if ui.add_enabled(ready, egui::Button::new("Open")).clicked() {
                    open = Some(Command::OpenWithRoles(
                        dialog.path.clone(),
                        dialog.choice.clone(),
                    ));
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if let Some(cmd) = open {
            app.pending.push(cmd);
        }
        if cancel {
            app.mapping = None;
        }
    }
    if app.show_shortcuts {
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
                        for cmd in Command::with_shortcuts() {
                            let keys: Vec<String> = cmd
                                .shortcut()
                                .into_iter()
                                .chain(cmd.alternatives())
                                .map(|s| ctx.format_shortcut(&s))
                                .collect();
                            ui.label(RichText::new(keys.join("  /  ")).monospace());
                            ui.label(cmd.label());
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
        app.show_shortcuts = open;
    }
    if let Some(message) = app.error.clone() {
        let modal = egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading("Cannot do that");
            ui.label(&message);
            ui.add_space(6.0);
            ui.button("OK").clicked()
        });
        if modal.inner || modal.should_close() {
            app.error = None;
        }
    }
}
