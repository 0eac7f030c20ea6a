//! The central views. Each draws what core computed and sends commands.

use egui::{Align, Color32, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::app::App;
use super::command::{Command, ExportFormat, View};
use super::widgets::{self, hex_colour};
use crate::core::filter::{ReviewFilter, ReviewedFilter, Scope, TagFilter};
use crate::core::priority::{SortKey, TagRow};
use crate::core::render;

/// Shown when no file is open.
pub fn welcome(app: &mut App, ui: &mut Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        ui.heading("Slicewise");
        ui.label("Review misclassified examples, tag them, and see what to work on first.");
        ui.add_space(16.0);
        if app.loading.is_some() {
            ui.spinner();
            ui.label("Loading…");
            return;
        }
        if ui
            .button(RichText::new("Open a predictions file…").size(16.0))
            .on_hover_text(Command::OpenDialog.tooltip())
            .clicked()
        {
            app.pending.push(Command::OpenDialog);
        }
        ui.label(RichText::new("or drop a CSV, Parquet or NDJSON file on this window").weak());
        if !app.prefs.recent.is_empty() {
            ui.add_space(16.0);
            ui.label(RichText::new("Recent").strong());
            for path in app.prefs.recent.clone() {
                if ui.link(path.display().to_string()).clicked() {
                    app.pending.push(Command::Open(path));
                }
            }
        }
    });
}

/// The view tabs.
pub fn tabs(app: &mut App, ui: &mut Ui) {
    ui.horizontal(|ui| {
        for v in View::ALL {
            let cmd = Command::ShowView(v);
            let key = cmd
                .shortcut()
                .map(|s| ui.ctx().format_shortcut(&s))
                .unwrap_or_default();
            if ui
                .selectable_label(app.prefs.view == v, RichText::new(v.label()).size(15.0))
                .on_hover_text(format!("{} ({key})", cmd.tooltip()))
                .clicked()
            {
                app.pending.push(cmd);
            }
        }
    });
    ui.separator();
}

fn big_number(ui: &mut Ui, label: &str, value: String, detail: Option<String>) {
    ui.vertical(|ui| {
        ui.label(RichText::new(label).weak());
        ui.label(RichText::new(value).size(24.0).strong());
        if let Some(d) = detail {
            ui.label(RichText::new(d).weak().small());
        }
    });
}

/// Headline numbers, review coverage and the top three tags.
pub fn overview(app: &mut App, ui: &mut Ui) {
    let App {
        workspace, pending, ..
    } = app;
    let Some(ws) = workspace else { return };
    let acc = ws.summary.confusion.accuracy();
    let errors = ws.summary.errors as u64;
    let reviewed = ws.state.reviewed_errors();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 36.0;
        big_number(ui, "Rows", render::count(ws.ds.rows() as u64), None);
        big_number(ui, "Classes", ws.ds.classes.len().to_string(), None);
        big_number(
            ui,
            "Accuracy",
            render::pct(acc.value(), 2),
            Some(format!("95% {}", render::pct_ci(acc.ci(), 2))),
        );
        big_number(
            ui,
            "Balanced accuracy",
            render::pct(ws.summary.confusion.balanced_accuracy(), 2),
            None,
        );
        big_number(ui, "Errors", render::count(errors), None);
        big_number(
            ui,
            "Reviewed errors",
            render::count(reviewed),
            Some(format!(
                "{} coverage",
                render::pct(crate::core::stats::ratio_u(reviewed, errors), 1)
            )),
        );
        big_number(
            ui,
            "Reviewed correct",
            render::count(ws.state.reviewed_correct()),
            None,
        );
    });
    ui.add_space(16.0);
    ui.heading("Top tags by expected lift");
    let mut top: Vec<TagRow> = ws
        .table()
        .iter()
        .filter(|r| r.expected_lift.value.is_some())
        .cloned()
        .collect();
    top.sort_by(|a, b| {
        b.expected_lift
            .value
            .partial_cmp(&a.expected_lift.value)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if top.is_empty() {
        ui.label(
            "No tag has an expected lift yet: tag errors in the Review view and give tags an HLP.",
        );
    }
    for r in top.iter().take(3) {
        ui.horizontal(|ui| {
            widgets::swatch(ui, hex_colour(&r.colour));
            ui.label(RichText::new(&r.tag).strong());
            ui.label(format!(
                "lift {} · accuracy {} vs HLP {} · {} of data",
                render::pct(r.expected_lift.value, 2),
                render::pct(r.accuracy.value, 1),
                render::pct(r.hlp, 1),
                render::pct(r.share_of_data.value, 1)
            ));
        });
    }
    if ui.button("Open the prioritisation table").clicked() {
        pending.push(Command::ShowView(View::Prioritise));
    }
    ui.add_space(16.0);
    super::audit::watch_list(ws, ui, pending);
    ui.add_space(8.0);
    let per_class = ws.summary.confusion.per_class(&ws.ds.classes);
    egui::CollapsingHeader::new("False positives and false negatives per class").show(ui, |ui| {
        egui::Grid::new("fp-fn")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                ui.strong("class");
                ui.strong("FP");
                ui.strong("FN");
                ui.end_row();
                for c in &per_class {
                    ui.label(&c.class);
                    ui.label(render::count(c.false_positives))
                        .on_hover_text("Examples wrongly predicted as this class");
                    ui.label(render::count(c.false_negatives))
                        .on_hover_text("Examples of this class predicted as another");
                    ui.end_row();
                }
            });
    });
    if !ws.warnings.is_empty() {
        ui.add_space(16.0);
        ui.heading("Notes on this file");
        for w in &ws.warnings {
            ui.label(format!("• {w}"));
        }
    }
}

fn filter_bar(app: &mut App, ui: &mut Ui) {
    let App {
        workspace, pending, ..
    } = app;
    let Some(ws) = workspace else { return };
    let ds = ws.ds.clone();
    let mut f: ReviewFilter = ws.filter.clone();
    ui.horizontal_wrapped(|ui| {
        let mut scopes = vec![
            (Scope::Errors, "Errors".to_string()),
            (Scope::Correct, "Correct".to_string()),
            (Scope::All, "All".to_string()),
        ];
        if ds.human.is_some() {
            scopes.push((Scope::HumanDisagrees, "Human disagrees".to_string()));
        }
        widgets::labelled_combo(ui, "scope", "Show", &mut f.scope, &scopes);
        let classes: Vec<(Option<String>, String)> = std::iter::once((None, "any".to_string()))
            .chain(ds.classes.iter().map(|c| (Some(c.clone()), c.clone())))
            .collect();
        widgets::labelled_combo(ui, "truth", "True", &mut f.truth, &classes);
        widgets::labelled_combo(ui, "pred", "Predicted", &mut f.pred, &classes);
        let mut tags = vec![
            (TagFilter::Any, "any".to_string()),
            (TagFilter::Untagged, "untagged".to_string()),
        ];
        tags.extend(
            ws.state
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
        if ds.score.is_some() {
            ui.separator();
            let from = ui.label("Score");
            let mut lo = f.score_min.unwrap_or(0.0);
            let mut hi = f.score_max.unwrap_or(1.0);
            let r1 = ui
                .add(egui::DragValue::new(&mut lo).speed(0.01).max_decimals(3))
                .labelled_by(from.id);
            let to = ui.label("to");
            let r2 = ui
                .add(egui::DragValue::new(&mut hi).speed(0.01).max_decimals(3))
                .labelled_by(to.id);
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
                .on_hover_text(Command::Reshuffle.tooltip())
                .clicked()
        {
            pending.push(Command::Reshuffle);
        }
        ui.separator();
        ui.label(RichText::new(format!("{} shown", render::count(ws.rows.len() as u64))).strong());
        ui.menu_button("Tag all shown…", |ui| {
            let manual: Vec<(u32, String)> = ws
                .state
                .tags()
                .iter()
                .filter(|t| !t.is_rule())
                .map(|t| (t.id, t.def.name.clone()))
                .collect();
            if manual.is_empty() {
                ui.label("Create a manual tag first (n)");
            }
            for (id, name) in manual {
                if ui
                    .button(name)
                    .on_hover_text(Command::BulkTag(id).tooltip())
                    .clicked()
                {
                    pending.push(Command::BulkTag(id));
                    ui.close();
                }
            }
        });
        if !f.is_plain() && ui.button("Clear filters").clicked() {
            f = ReviewFilter {
                scope: f.scope,
                ..ReviewFilter::default()
            };
        }
    });
    if f != ws.filter {
        pending.push(Command::SetFilter(f));
    }
}

/// The Review view: filters and the virtualised example list.
pub fn review(app: &mut App, ui: &mut Ui) {
    filter_bar(app, ui);
    ui.separator();
    let App {
        workspace, pending, ..
    } = app;
    let Some(ws) = workspace else { return };
    if ws.rows.is_empty() {
        ui.label("No example matches the filter.");
        return;
    }
    let ds = ws.ds.clone();
    let shift = ui.input(|i| i.modifiers.shift);
    let row_height = 22.0;
    let mut table = TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::auto().at_least(56.0))
        .column(Column::auto().at_least(90.0).resizable(true))
        .column(Column::auto().at_least(70.0).resizable(true))
        .column(Column::auto().at_least(70.0).resizable(true));
    if ds.score.is_some() {
        table = table.column(Column::auto().at_least(50.0));
    }
    table = table
        .column(Column::remainder().at_least(120.0).clip(true))
        .column(Column::exact(24.0))
        .min_scrolled_height(200.0);
    if ws.scroll_to_cursor
        && let Some(c) = ws.cursor
    {
        table = table.scroll_to_row(c, None);
        ws.scroll_to_cursor = false;
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
            if ds.score.is_some() {
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
            body.rows(row_height, ws.rows.len(), |mut row| {
                let i = row.index();
                let r = ws.rows[i] as usize;
                row.set_selected(ws.is_selected(i));
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
                    let colour = if ds.is_error(r) {
                        Color32::from_rgb(230, 90, 80)
                    } else {
                        Color32::from_rgb(80, 180, 100)
                    };
                    ui.label(RichText::new(&ds.classes[ds.pred[r] as usize]).color(colour));
                });
                if let Some(score) = &ds.score {
                    row.col(|ui| {
                        ui.label(format!("{:.3}", score[r]));
                    });
                }
                row.col(|ui| {
                    for tag in ws.state.tags_of(r) {
                        widgets::chip(ui, &tag.def.name, hex_colour(&tag.def.colour));
                    }
                    if !ws.state.note(r).is_empty() {
                        ui.label("📝").on_hover_text(ws.state.note(r));
                    }
                });
                row.col(|ui| {
                    if ws.state.is_reviewed(r) {
                        ui.label("✔");
                    }
                });
                if row.response().clicked() {
                    pending.push(Command::Select {
                        index: i,
                        extend: shift,
                    });
                }
            });
        });
}

const COLUMNS: [(SortKey, &str, &str); 12] = [
    (SortKey::Tag, "tag", "Tag name"),
    (
        SortKey::Tagged,
        "tagged",
        "Tagged examples (among those reviewed, for manual tags)",
    ),
    (
        SortKey::TaggedErrors,
        "errors",
        "Tagged misclassified examples",
    ),
    (
        SortKey::ShareOfErrors,
        "share of errors",
        "Tagged errors / all errors",
    ),
    (
        SortKey::ErrorRate,
        "error rate",
        "Tagged errors / tagged examples",
    ),
    (
        SortKey::ShareOfData,
        "share of data",
        "Tagged examples / all examples",
    ),
    (
        SortKey::Accuracy,
        "accuracy",
        "Model accuracy inside the tag",
    ),
    (
        SortKey::Hlp,
        "HLP",
        "Human-level performance inside the tag",
    ),
    (SortKey::Gap, "gap", "HLP − accuracy"),
    (
        SortKey::ExpectedLift,
        "expected lift",
        "max(gap, 0) × share of data: what the whole model gains by reaching HLP here",
    ),
    (
        SortKey::Priority,
        "priority",
        "Expected lift × importance / effort",
    ),
    (
        SortKey::Coverage,
        "coverage",
        "Reviewed errors / errors; exact for rule tags",
    ),
];

/// The Prioritise view: the full table (sortable) and a chart of expected lift.
pub fn prioritise(app: &mut App, ui: &mut Ui) {
    let App {
        workspace, pending, ..
    } = app;
    let Some(ws) = workspace else { return };
    ui.horizontal(|ui| {
        ui.heading("Prioritise what to work on");
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            for cmd in [
                Command::ExportDialog(ExportFormat::Html),
                Command::ExportDialog(ExportFormat::Markdown),
                Command::ExportDialog(ExportFormat::Csv),
                Command::CopyMarkdown,
            ] {
                if ui
                    .button(cmd.label())
                    .on_hover_text(cmd.tooltip())
                    .clicked()
                {
                    pending.push(cmd);
                }
            }
        });
    });
    let sort = ws.sort;
    let rows = ws.table().to_vec();
    if rows.is_empty() {
        ui.label("No tags yet. Review errors and press n to create a tag, or add a rule tag in the Tags panel.");
        return;
    }
    let table_height = (ui.available_height() * 0.55).max(160.0);
    ui.push_id("priority-table", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(table_height)
            .cell_layout(Layout::right_to_left(Align::Center))
            .column(Column::auto().at_least(140.0).resizable(true))
            .columns(Column::auto().at_least(64.0), COLUMNS.len() - 1)
            .header(22.0, |mut h| {
                for (key, name, tip) in COLUMNS {
                    h.col(|ui| {
                        let sorted = (sort.0 == key).then_some(sort.1);
                        let layout = if key == SortKey::Tag {
                            Layout::left_to_right(Align::Center)
                        } else {
                            Layout::right_to_left(Align::Center)
                        };
                        ui.with_layout(layout, |ui| {
                            if widgets::sort_header(ui, name, sorted, tip) {
                                pending.push(Command::SortTable(key));
                            }
                        });
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut row| {
                    let r = &rows[row.index()];
                    let why = &r.notes;
                    row.col(|ui| {
                        ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                            widgets::swatch(ui, hex_colour(&r.colour));
                            let label = ui.label(RichText::new(&r.tag).strong());
                            if let Some(rule) = &r.rule {
                                label.on_hover_text(format!("Rule: {rule}"));
                            }
                        });
                    });
                    row.col(|ui| {
                        ui.label(render::count(r.tagged));
                    });
                    row.col(|ui| {
                        ui.label(render::count(r.tagged_errors));
                    });
                    for e in [
                        &r.share_of_errors,
                        &r.error_rate,
                        &r.share_of_data,
                        &r.accuracy,
                    ] {
                        row.col(|ui| {
                            widgets::estimate(ui, e, 1, why);
                        });
                    }
                    row.col(|ui| {
                        let text = render::pct(r.hlp, 1);
                        let source = r.hlp_source.map_or("", |s| s.label());
                        let l = ui.label(text);
                        if r.hlp.is_none() {
                            l.on_hover_text(why.join("\n"));
                        } else {
                            l.on_hover_text(format!("From {source}"));
                        }
                    });
                    row.col(|ui| {
                        widgets::estimate(ui, &r.gap, 1, why);
                    });
                    row.col(|ui| {
                        widgets::estimate(ui, &r.expected_lift, 2, why);
                    });
                    row.col(|ui| {
                        ui.label(render::pct(r.priority, 2)).on_hover_text(format!(
                            "importance {} / effort {}",
                            r.importance, r.effort
                        ));
                    });
                    row.col(|ui| {
                        let text = if r.exact {
                            "exact".to_string()
                        } else {
                            render::pct(Some(r.coverage), 1)
                        };
                        ui.label(text).on_hover_text(if r.exact {
                            "Every row is covered: the numbers are exact"
                        } else {
                            "Share of errors reviewed; numbers are estimates from the review sample"
                        });
                    });
                });
            });
    });
    ui.separator();
    lift_chart(ui, &rows);
}

/// Bars of expected lift per tag, with 95% interval whiskers.
fn lift_chart(ui: &mut Ui, rows: &[TagRow]) {
    use egui_plot::{Bar, BarChart, Line, PlotPoints};
    let known: Vec<&TagRow> = rows
        .iter()
        .filter(|r| r.expected_lift.value.is_some())
        .collect();
    if known.is_empty() {
        ui.label("No tag has an expected lift yet (it needs an HLP and a known share of data).");
        return;
    }
    let names: Vec<String> = known.iter().map(|r| r.tag.clone()).collect();
    #[allow(clippy::cast_precision_loss)]
    let bars: Vec<Bar> = known
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Bar::new(i as f64, r.expected_lift.value.unwrap_or(0.0) * 100.0)
                .name(&r.tag)
                .fill(hex_colour(&r.colour))
                .width(0.6)
        })
        .collect();
    let height = ui.available_height().max(140.0);
    let text_colour = ui.visuals().text_color();
    widgets::category_plot("lift-chart", names, false)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .y_axis_label("expected lift (accuracy points, %)")
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("expected lift", bars));
            #[allow(clippy::cast_precision_loss)]
            for (i, r) in known.iter().enumerate() {
                if let Some(ci) = r.expected_lift.ci {
                    let x = i as f64;
                    plot.line(
                        Line::new(
                            format!("{} interval", r.tag),
                            PlotPoints::from(vec![[x, ci.lo * 100.0], [x, ci.hi * 100.0]]),
                        )
                        .color(text_colour),
                    );
                }
            }
        });
}
