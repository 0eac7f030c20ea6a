//! The Review view: filters and the virtualised example list. The list and
//! its selection belong to the document (they are saved in the session);
//! the view only draws them and sends commands.

use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::AppView;
use crate::core::compare::Flip;
use crate::core::filter::{ReviewFilter, ReviewedFilter, Scope, TagFilter};
use crate::core::render::count;
use crate::core::thresholds::ScoreRange;
use crate::gui::commands::{Command, tips};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::theme;
use crate::gui::widgets::{self, hex_colour};

/// The Review view's state.
pub struct ReviewView {
    /// The document's `list_moves` when the list last scrolled to the cursor.
    scrolled_at: Option<u64>,
    /// The score column's range, and whether every score is a whole number.
    score_range: Option<ScoreRange>,
}

impl AppView for ReviewView {
    fn new(doc: &Document) -> Self {
        Self {
            scrolled_at: None,
            score_range: doc.summary.score_range,
        }
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        if ctx.doc.ds.is_cube() {
            cube_ui(ctx, ui);
            return;
        }
        filter_bar_ui(ctx, ui, self.score_range);
        ui.separator();
        self.list_ui(ctx, ui);
    }
}

/// What Review says on a count cube: there are no examples, and how to get some.
fn cube_ui(ctx: &ViewCtx<'_>, ui: &mut Ui) {
    let ds = &ctx.doc.ds;
    let column = ds.weights.as_ref().map_or("n", |w| w.column.as_str());
    ui.add_space(24.0);
    ui.vertical_centered(|ui| {
        ui.set_max_width(640.0);
        ui.heading("A count cube has no examples to review");
        ui.add_space(8.0);
        ui.label(format!(
            "Each of the {} rows of this file stands for '{column}' examples ({} in all), so every number in the other views is computed from the counts, and rule tags on the slice columns work. There is no single example to look at and tag.",
            count(ds.rows()),
            count(ds.total())
        ));
        ui.add_space(8.0);
        ui.label(
            "To review examples, let the engine that built the cube draw a stratified sample of the full table, and open that sample here: its sample_weight column makes the tag statistics estimates for the whole table, with intervals.",
        );
        ui.add_space(8.0);
        let command = "slicewise cube --sample-sql 200 --table TABLE --label COL --pred COL --by COL --dialect spark";
        ui.code(command);
        if ui
            .button("Copy the command")
            .on_hover_text("Then run the query it prints in Spark, DuckDB, Postgres or BigQuery")
            .clicked()
        {
            ui.ctx().copy_text(command.to_string());
        }
    });
}

fn filter_bar_ui(ctx: &ViewCtx<'_>, ui: &mut Ui, range: Option<ScoreRange>) {
    let doc = ctx.doc;
    let ds = &doc.ds;
    let mut f: ReviewFilter = doc.filter.clone();
    ui.horizontal_wrapped(|ui| {
        let mut scopes = vec![
            ((Scope::Errors, None), "Errors".to_string()),
            ((Scope::Correct, None), "Correct".to_string()),
            ((Scope::All, None), "All".to_string()),
        ];
        if ds.human.is_some() {
            scopes.push(((Scope::HumanDisagrees, None), "Human disagrees".to_string()));
        }
        if ds.weights.is_none()
            && ds
                .probas
                .as_ref()
                .is_some_and(|p| p.complete(ds.classes.len()))
        {
            scopes.push((
                (Scope::LabelIssues, None),
                "Likely label errors".to_string(),
            ));
        }
        if doc.compare.is_some() {
            scopes.push((
                (Scope::All, Some(Flip::Fixed)),
                "Fixed by the new run".to_string(),
            ));
            scopes.push((
                (Scope::All, Some(Flip::Broken)),
                "Broken by the new run".to_string(),
            ));
        }
        let mut show = (f.scope, f.flip);
        widgets::labelled_combo(ui, "scope", "Show", &mut show, &scopes);
        (f.scope, f.flip) = show;
        // The filter names classes (it is saved in the session); the picker
        // works on codes.
        for (id, label, value) in [
            ("truth", "True", &mut f.truth),
            ("pred", "Predicted", &mut f.pred),
        ] {
            let before = value.as_deref().and_then(|v| ds.class_code(v));
            let mut code = before;
            widgets::class_picker(ui, id, label, &mut code, &ds.classes, Some("any"));
            if code != before {
                *value = code.map(|c| ds.classes[c as usize].clone());
            }
        }
        let mut tags = vec![
            (TagFilter::Any, "any".to_string()),
            (TagFilter::Untagged, "untagged".to_string()),
        ];
        tags.extend(
            doc.annotations
                .tags()
                .iter()
                .map(|t| (TagFilter::Tagged(t.def.name.clone()), t.def.name.clone())),
        );
        widgets::labelled_combo(ui, "tagfilter", "Tag", &mut f.tag, &tags);
        widgets::labelled_combo(
            ui,
            "reviewed",
            "Reviewed",
            &mut f.reviewed,
            &[
                (ReviewedFilter::Any, "any".to_string()),
                (ReviewedFilter::Reviewed, "yes".to_string()),
                (ReviewedFilter::Unreviewed, "no".to_string()),
            ],
        );
    });
    ui.horizontal_wrapped(|ui| {
        if let Some(rows) = &f.map_rows
            && ui
                .button(format!("selected on the map: {} rows ✖", count(rows.len() as u64)))
                .on_hover_text("Only the rows selected on the map; remove the condition")
                .clicked()
        {
            f.map_rows = None;
        }
        if let Some(s) = f.suggested.clone()
            && f.scope == Scope::LabelIssues
            && ui
                .button(format!("most probable = {s} ✖"))
                .on_hover_text("Only likely label errors whose most probable class is this one; remove the condition")
                .clicked()
        {
            f.suggested = None;
        }
        ui.label("Slice");
        let mut remove = None;
        for (i, (col, value)) in f.slices.iter().enumerate() {
            if ui
                .button(format!("{col} = {value} ✖"))
                .on_hover_text("Remove this condition")
                .clicked()
            {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            f.slices.remove(i);
        }
        ui.menu_button("+", |ui| {
            for col in ds.slice_columns() {
                ui.menu_button(&col.name, |ui| {
                    egui::ScrollArea::vertical()
                        .max_height(300.0)
                        .show(ui, |ui| {
                            for value in &col.groups().labels {
                                if ui.button(value).clicked() {
                                    f.slices.retain(|(c, _)| *c != col.name);
                                    f.slices.push((col.name.clone(), value.clone()));
                                    ui.close();
                                }
                            }
                        });
                });
            }
        })
        .response
        .on_hover_text("Only examples with this value");
        if let Some(range) = range {
            ui.separator();
            let from = ui.label("Score");
            let mut lo = f.score_min.unwrap_or(range.lo);
            let mut hi = f.score_max.unwrap_or(range.hi);
            let (speed, decimals) = if range.integral {
                (0.05, 0)
            } else {
                (((range.hi - range.lo) / 200.0).max(1e-6), 3)
            };
            let drag = |v| {
                egui::DragValue::new(v)
                    .range(range.lo..=range.hi)
                    .speed(speed)
                    .max_decimals(decimals)
            };
            let r1 = ui.add(drag(&mut lo)).labelled_by(from.id);
            let to = ui.label("to");
            let r2 = ui.add(drag(&mut hi)).labelled_by(to.id);
            if r1.changed() {
                f.score_min = Some(lo);
            }
            if r2.changed() {
                f.score_max = Some(hi);
            }
            if (f.score_min.is_some() || f.score_max.is_some())
                && ui.small_button("✖").on_hover_text("Any score").clicked()
            {
                f.score_min = None;
                f.score_max = None;
            }
        }
        ui.separator();
        ui.checkbox(&mut f.random_order, "Random order")
            .on_hover_text("Shuffle the list for an unbiased review sample");
        if f.random_order
            && ui
                .small_button("⟲")
                .on_hover_text(tips::RESHUFFLE)
                .clicked()
        {
            ctx.commands.send(Command::Reshuffle);
        }
        ui.separator();
        ui.add(
            egui::Label::new(
                RichText::new(format!("{} shown", count(doc.rows.len() as u64))).strong(),
            )
            .wrap_mode(egui::TextWrapMode::Extend),
        );
        if doc.is_filtering() {
            ui.spinner();
            ui.label(format!("Filtering {} rows…", count(doc.ds.rows() as u64)));
        }
        // What is shown is about to change: tag it once it has.
        ui.add_enabled_ui(!doc.is_filtering(), |ui| {
            ui.menu_button("Tag all shown…", |ui| {
                let manual: Vec<_> = doc
                    .annotations
                    .tags()
                    .iter()
                    .filter(|t| !t.is_rule())
                    .collect();
                if manual.is_empty() {
                    ui.label("Create a manual tag first (n)");
                }
                for tag in manual {
                    if ui
                        .button(&tag.def.name)
                        .on_hover_text(tips::BULK_TAG)
                        .clicked()
                    {
                        ctx.commands.send(Command::BulkTag(tag.id));
                        ui.close();
                    }
                }
            });
        });
        if !f.is_plain() && ui.button("Clear filters").clicked() {
            f = ReviewFilter {
                scope: f.scope,
                flip: f.flip,
                ..ReviewFilter::default()
            };
        }
    });
    if f != doc.filter {
        ctx.commands.send(Command::SetFilter(f));
    }
}

impl ReviewView {
    fn list_ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let doc = ctx.doc;
        if doc.rows.is_empty() {
            ui.label("No example matches the filter.");
            return;
        }
        let ds = &doc.ds;
        let shift = ui.input(|i| i.modifiers.shift);
        let mut table = TableBuilder::new(ui)
            .striped(true)
            .sense(egui::Sense::click())
            .cell_layout(Layout::left_to_right(Align::Center))
            .column(Column::auto().at_least(56.0))
            .column(Column::auto().at_least(90.0).resizable(true))
            .column(Column::auto().at_least(70.0).resizable(true))
            .column(Column::auto().at_least(70.0).resizable(true));
        // Candidate label errors: what the human said, beside the label.
        let human = (doc.filter.scope == crate::core::filter::Scope::HumanDisagrees)
            .then_some(ds.human.as_deref())
            .flatten();
        if human.is_some() {
            table = table.column(Column::auto().at_least(70.0).resizable(true));
        }
        // The second run's prediction, when comparing.
        let compared = doc.compare.as_deref();
        if compared.is_some() {
            table = table.column(Column::auto().at_least(70.0).resizable(true));
        }
        if self.score_range.is_some() {
            table = table.column(Column::auto().at_least(50.0));
        }
        table = table
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(Column::exact(24.0))
            .min_scrolled_height(200.0);
        // Scroll the cursor into sight after it moved or the list changed.
        if self.scrolled_at != Some(doc.list_moves)
            && let Some(c) = doc.cursor
        {
            table = table.scroll_to_row(c, None);
            self.scrolled_at = Some(doc.list_moves);
        }
        table
            .header(20.0, |mut h| {
                h.col(|ui| {
                    ui.strong("#");
                });
                h.col(|ui| {
                    ui.strong(ds.roles.id.as_deref().unwrap_or("row"));
                });
                h.col(|ui| {
                    ui.strong("true");
                });
                h.col(|ui| {
                    ui.strong("predicted");
                });
                if human.is_some() {
                    h.col(|ui| {
                        ui.strong("human");
                    });
                }
                if compared.is_some() {
                    h.col(|ui| {
                        ui.strong("after").on_hover_text(
                            "The second run's prediction (green: right, red: wrong, judged on the labels that count)",
                        );
                    });
                }
                if self.score_range.is_some() {
                    h.col(|ui| {
                        ui.strong("score");
                    });
                }
                h.col(|ui| {
                    ui.strong("tags");
                });
                h.col(|ui| {
                    ui.strong("✔").on_hover_text("Reviewed");
                });
            })
            .body(|body| {
                body.rows(22.0, doc.rows.len(), |mut row| {
                    let i = row.index();
                    let r = doc.rows[i] as usize;
                    row.set_selected(doc.is_selected(i));
                    row.col(|ui| {
                        ui.label(RichText::new((i + 1).to_string()).weak());
                    });
                    row.col(|ui| {
                        ui.label(ds.ids.key(r).as_ref());
                    });
                    row.col(|ui| {
                        ui.label(&ds.classes[ds.label[r] as usize]);
                    });
                    row.col(|ui| {
                        ui.label(
                            RichText::new(&ds.classes[ds.pred[r] as usize])
                                .color(theme::prediction(ds.is_error(r))),
                        );
                    });
                    if let Some(codes) = human {
                        row.col(|ui| {
                            ui.label(ds.human_value_name(codes[r]).unwrap_or("(missing)"));
                        });
                    }
                    if let Some(c) = compared {
                        row.col(|ui| match (c.pred_after(r), c.rights(r)) {
                            (Some(p), Some((_, right))) => {
                                ui.label(RichText::new(p).color(theme::prediction(!right)));
                            }
                            _ => {
                                ui.label(RichText::new("(not in it)").weak())
                                    .on_hover_text("The second run has no example with this id");
                            }
                        });
                    }
                    if let (Some(score), Some(range)) = (&ds.score, self.score_range) {
                        row.col(|ui| {
                            ui.label(crate::core::render::score(score[r], range.integral));
                        });
                    }
                    row.col(|ui| {
                        for tag in doc.annotations.tags_of(r) {
                            widgets::chip(ui, &tag.def.name, hex_colour(&tag.def.colour));
                        }
                        if !doc.annotations.note(r).is_empty() {
                            ui.label("📝").on_hover_text(doc.annotations.note(r));
                        }
                    });
                    row.col(|ui| {
                        if doc.annotations.is_reviewed(r) {
                            ui.label("✔");
                        }
                    });
                    if row.response().clicked() {
                        ctx.commands.send(Command::Select {
                            index: i,
                            extend: shift,
                        });
                    }
                });
            });
    }
}
