//! The Tags panel: every tag with its key, colour, count and lift; the tag
//! editor (name, HLP, importance, effort, colour, key or rule, notes); and
//! the form for a new rule tag.

use egui::{Align, Layout, Panel, RichText, Ui};

use crate::core::render;
use crate::core::rules::{self, RuleError};
use crate::core::session::TagDef;
use crate::core::tags::{Annotations, PALETTE, TagId};
use crate::gui::actions::Action;
use crate::gui::commands::{Command, CommandSender, tips};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::theme;
use crate::gui::widgets::{self, hex_colour};

/// The Tags panel's editing state.
#[derive(Debug, Default)]
pub struct TagsPanel {
    /// The tag whose editor is open, with its text buffers.
    pub editing: Option<TagEditor>,
    /// The rule-tag form.
    pub rule: RuleDraft,
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
    /// Why the typed rule was not applied.
    pub rule_error: Option<RuleError>,
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
    /// Why Create refused the name.
    pub name_error: Option<String>,
    /// Why Create refused the rule.
    pub error: Option<RuleError>,
    /// Values no row has, shown once; Create again creates the tag anyway.
    pub warnings: Vec<String>,
}

impl TagsPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ws = ctx.doc;
        let pending = ctx.commands;
        let panels = self;
        Panel::left("tags")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.heading("Tags");
                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                        if ui
                            .button("New tag…")
                            .on_hover_text(Action::NewTag.tooltip())
                            .clicked()
                        {
                            pending.send(Action::NewTag);
                        }
                    });
                });
                let table = ws.table();
                let max_lift = table
                    .iter()
                    .filter_map(|r| r.expected_lift.value)
                    .fold(0.0_f64, f64::max);
                let shown = ws.rows.len();
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        let tags: Vec<(TagId, TagDef, bool)> = ws
                            .annotations
                            .tags()
                            .iter()
                            .map(|t| (t.id, t.def.clone(), t.is_rule()))
                            .collect();
                        if tags.is_empty() {
                            ui.label(if ws.ds.is_cube() {
                                "No tags yet. A count cube has no examples to tag: add a rule tag on its slice columns."
                            } else {
                                "No tags yet. Select an example and press n to create one."
                            });
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
                                            rule_error: None,
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
                                        pending.send(Command::BulkTag(id));
                                        ui.close();
                                    }
                                    if ui.button("Delete").clicked() {
                                        pending.send(Command::DeleteTag(id));
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
                                                render::tag_cell(
                                                    r,
                                                    crate::core::priority::SortKey::ExpectedLift
                                                )
                                            ));
                                        if r.few_reviewed {
                                            widgets::few_reviewed(ui, r);
                                        }
                                        ui.label(render::count_short(r.tagged)).on_hover_text(
                                            format!(
                                                "{} {}",
                                                render::count(r.tagged),
                                                if r.exact {
                                                    "tagged examples"
                                                } else {
                                                    "tagged examples among those reviewed"
                                                }
                                            ),
                                        );
                                    }
                                });
                            });
                            if panels.editing.as_ref().is_some_and(|e| e.id == id) {
                                tag_editor(ui, panels, &def, is_rule, shown, pending, ws);
                            }
                        }
                        ui.separator();
                        rule_form(ui, &mut panels.rule, pending, ws);
                    });
            });
    }
}

/// Width of the tag editor's text fields: narrow enough that opening the
/// editor never widens the panel (egui's default is 280 points).
const EDITOR_FIELD: f32 = 150.0;

const HLP_HELP: &str = "Human-level performance inside the tag: 95 or 95% (percent), or 0.95 (a proportion: any number up to 1 without %). Empty: use the human-label column";
const WEIGHT_HELP: &str = "1 (low) to 5 (high); priority = lift × importance / effort";

fn name_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef) -> Option<TagDef> {
    let label = ui.label("Name");
    let r = ui
        .add(egui::TextEdit::singleline(&mut ed.name).desired_width(EDITOR_FIELD))
        .labelled_by(label.id);
    let name = ed.name.trim();
    (r.lost_focus() && name != def.name).then(|| TagDef {
        name: name.to_string(),
        ..def.clone()
    })
}

fn hlp_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef) -> Option<TagDef> {
    let label = ui.label("HLP").on_hover_text(HLP_HELP);
    let parsed = crate::core::priority::parse_hlp(&ed.hlp);
    let mut field = egui::TextEdit::singleline(&mut ed.hlp)
        .desired_width(80.0)
        .hint_text("from humans");
    if parsed.is_err() {
        field = field.text_color(theme::RED);
    }
    let r = ui
        .horizontal(|ui| {
            let r = ui.add(field);
            // What the text was read as, so "0.7" is seen to be 70%.
            match &parsed {
                Ok(Some(v)) => {
                    ui.label(RichText::new(format!("= {}", render::pct(Some(*v), 1))).weak());
                }
                Ok(None) => {}
                Err(_) => {
                    ui.colored_label(theme::RED, "?");
                }
            }
            r
        })
        .inner
        .labelled_by(label.id);
    let r = match &parsed {
        Err(help) => r.on_hover_text(help.to_string()),
        Ok(_) => r,
    };
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
    // Two fixed rows of five, so the swatches never spill into the next row
    // of the editor or widen the panel.
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing = egui::vec2(4.0, 4.0);
        for row in PALETTE.chunks(5) {
            ui.horizontal(|ui| {
                for &c in row {
                    let selected = def.colour == c;
                    let button = egui::Button::new(if selected { "✔" } else { "" })
                        .fill(hex_colour(c))
                        .min_size(egui::vec2(18.0, 18.0));
                    let r = ui.add(button);
                    let name = format!("colour {c}");
                    r.widget_info(|| {
                        egui::WidgetInfo::selected(egui::Role::Button, true, selected, &name)
                    });
                    if r.on_hover_text(c).clicked() && !selected {
                        chosen = Some(TagDef {
                            colour: c.to_string(),
                            ..def.clone()
                        });
                    }
                }
            });
        }
    });
    chosen
}

fn key_row(ui: &mut Ui, id: TagId, def: &TagDef, state: &Annotations) -> Option<TagDef> {
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

fn rule_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef, doc: &Document) -> Option<TagDef> {
    ui.label("Rule");
    ui.vertical(|ui| {
        let field = egui::TextEdit::multiline(&mut ed.rule)
            .desired_width(EDITOR_FIELD)
            .desired_rows(2)
            .code_editor();
        let r = ui.add(field);
        if r.changed() {
            ed.rule_error = None;
        }
        let rule = ed.rule.trim().to_string();
        let mut commit = None;
        if r.lost_focus() && Some(rule.as_str()) != def.rule.as_deref() {
            // A rule that does not fit the data is kept in the field with
            // the reason, not applied.
            match rules::check(&doc.ds, &rule) {
                Ok(_) => {
                    commit = Some(TagDef {
                        rule: Some(rule),
                        ..def.clone()
                    });
                }
                Err(e) => ed.rule_error = Some(e),
            }
        }
        if let Some(e) = &ed.rule_error {
            rule_error(ui, ed.rule.trim(), e);
        }
        commit
    })
    .inner
}

/// A rule's error under its field: the message in red, then the part of the
/// rule where it broke with a caret under the spot (a window of the line, so
/// it never wraps in a narrow panel).
fn rule_error(ui: &mut Ui, rule: &str, e: &RuleError) {
    const WINDOW: usize = 24;
    const BEFORE: usize = 8;
    ui.colored_label(theme::RED, &e.message);
    let mut start = 0;
    for line in rule.split('\n') {
        let chars: Vec<char> = line.chars().collect();
        if e.at <= start + chars.len() {
            let col = e.at - start;
            let from = col.saturating_sub(BEFORE);
            let to = (from + WINDOW).min(chars.len());
            let lead = if from > 0 { "…" } else { "" };
            let tail = if to < chars.len() { "…" } else { "" };
            let part: String = chars[from..to].iter().collect();
            let caret = " ".repeat(col - from + lead.chars().count());
            ui.add(
                egui::Label::new(
                    RichText::new(format!("{lead}{part}{tail}\n{caret}^"))
                        .monospace()
                        .color(theme::RED),
                )
                .extend(),
            );
            return;
        }
        start += chars.len() + 1;
    }
}

fn notes_row(ui: &mut Ui, ed: &mut TagEditor, def: &TagDef) -> Option<TagDef> {
    ui.label("Notes");
    let field = egui::TextEdit::multiline(&mut ed.description)
        .desired_width(EDITOR_FIELD)
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
    pending: &CommandSender,
    state: &Annotations,
) -> bool {
    let mut close = false;
    ui.horizontal_wrapped(|ui| {
        let label = format!("Tag all {} shown", render::count(shown as u64));
        if !is_rule && ui.button(label).on_hover_text(tips::BULK_TAG).clicked() {
            pending.send(Command::BulkTag(id));
        }
        let merge_help = tips::MERGE_TAGS;
        ui.menu_button("Merge into…", |ui| {
            let others = state
                .tags()
                .iter()
                .filter(|t| t.id != id && t.is_rule() == is_rule);
            for other in others {
                if ui.button(&other.def.name).clicked() {
                    pending.send(Command::MergeTags {
                        from: id,
                        into: other.id,
                    });
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(merge_help);
        if ui
            .button("Delete")
            .on_hover_text(tips::DELETE_TAG)
            .clicked()
        {
            pending.send(Command::DeleteTag(id));
            close = true;
        }
    });
    close
}

fn tag_editor(
    ui: &mut Ui,
    panels: &mut TagsPanel,
    def: &TagDef,
    is_rule: bool,
    shown: usize,
    pending: &CommandSender,
    doc: &Document,
) {
    let state = &doc.annotations;
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
                rule_row(ui, ed, def, doc)
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
        pending.send(Command::UpdateTag(id, def));
    }
}

/// Creates the drafted rule tag when its name is free and its rule fits the
/// data; otherwise keeps the text and says why under the field. Values no
/// row has are shown once; pressing Create again creates the tag anyway.
fn create_rule_tag(draft: &mut RuleDraft, pending: &CommandSender, ws: &Document) {
    let name = draft.name.trim();
    if ws.annotations.tag_by_name(name).is_some() {
        draft.name_error = Some(format!("There is already a tag named '{name}'."));
        return;
    }
    let rule = draft.rule.trim();
    match rules::check(&ws.ds, rule) {
        Err(e) => draft.error = Some(e),
        Ok(warnings) if !warnings.is_empty() && draft.warnings.is_empty() => {
            draft.warnings = warnings;
        }
        Ok(_) => {
            pending.send(Command::CreateRuleTag(TagDef::rule(name, "", rule)));
            draft.name.clear();
            draft.rule.clear();
            draft.warnings.clear();
        }
    }
}

fn rule_form(ui: &mut Ui, draft: &mut RuleDraft, pending: &CommandSender, ws: &Document) {
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
            let name = ui.add(egui::TextEdit::singleline(&mut draft.name).hint_text("tag name"));
            if name.changed() {
                draft.name_error = None;
            }
            if let Some(e) = &draft.name_error {
                ui.colored_label(theme::RED, e);
            }
            let rule = ui.add(
                egui::TextEdit::multiline(&mut draft.rule)
                    .desired_rows(2)
                    .code_editor()
                    .hint_text("accent in [\"scottish\", \"welsh\"]"),
            );
            if rule.changed() {
                draft.error = None;
                draft.warnings.clear();
            }
            if let Some(e) = &draft.error {
                rule_error(ui, draft.rule.trim(), e);
            }
            for w in &draft.warnings {
                ui.colored_label(theme::AMBER, w);
            }
            let columns: Vec<&str> = ws.ds.slice_columns().map(|c| c.name.as_str()).collect();
            ui.label(
                RichText::new(format!("Columns: {}", columns.join(", ")))
                    .weak()
                    .small(),
            );
            let ready = !draft.name.trim().is_empty() && !draft.rule.trim().is_empty();
            let label = if draft.warnings.is_empty() {
                "Create rule tag"
            } else {
                "Create anyway"
            };
            if ui
                .add_enabled(ready, egui::Button::new(label))
                .on_hover_text(tips::CREATE_RULE_TAG)
                .clicked()
            {
                create_rule_tag(draft, pending, ws);
            }
        });
    draft.open = header.fully_open();
}
