//! The Prioritise view: the prioritisation table (sortable) with export
//! buttons, and a chart of expected lift with intervals.

use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::AppView;
use crate::core::export::ExportFormat;
use crate::core::priority::{SortKey, TagRow};
use crate::core::render;
use crate::gui::actions::Action;
use crate::gui::commands::Command;
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::widgets::{self, hex_colour};

/// The Prioritise view (its sort order is the document's: exports follow it).
pub struct PrioritiseView;

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

impl AppView for PrioritiseView {
    fn new(_doc: &Document) -> Self {
        Self
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        // The buttons follow the heading and wrap onto the next line on a
        // narrow window rather than being cut.
        ui.horizontal_wrapped(|ui| {
            ui.heading("Prioritise what to work on");
            let actions = [Action::CopyMarkdown]
                .into_iter()
                .chain(ExportFormat::ALL.into_iter().map(Action::Export));
            for action in actions {
                if ui
                    .button(action.label())
                    .on_hover_text(action.tooltip())
                    .clicked()
                {
                    ctx.commands.send(action);
                }
            }
        });
        table_ui(ctx, ui);
    }
}

fn table_ui(ctx: &ViewCtx<'_>, ui: &mut Ui) {
    let doc = ctx.doc;
    let sort = doc.sort;
    let rows = doc.table();
    if rows.is_empty() {
        ui.label(if doc.ds.is_cube() {
            "No tags yet. A count cube has no examples to review: add a rule tag on its slice columns in the Tags panel."
        } else {
            "No tags yet. Review errors and press n to create a tag, or add a rule tag in the Tags panel."
        });
        return;
    }
    let table_height = (ui.available_height() * 0.55).max(160.0);
    // Twelve columns are wider than a 1280-pixel window beside the Tags
    // panel: the tag names stay put while the numbers scroll sideways.
    widgets::frozen_first_column(
        ui,
        "priority-table",
        table_height,
        |ui| table_part(ctx, ui, rows, sort, &COLUMNS[..1]),
        |ui| table_part(ctx, ui, rows, sort, &COLUMNS[1..]),
    );
    ui.separator();
    lift_chart(ui, rows);
}

/// The table's `columns` (the tag column alone, or the numbers).
fn table_part(
    ctx: &ViewCtx<'_>,
    ui: &mut Ui,
    rows: &[crate::core::priority::TagRow],
    sort: (SortKey, bool),
    columns: &[(SortKey, &str, &str)],
) {
    let first = columns.first().is_some_and(|c| c.0 == SortKey::Tag);
    let mut table = TableBuilder::new(ui)
        .striped(true)
        .vscroll(false)
        .cell_layout(Layout::right_to_left(Align::Center));
    table = if first {
        table.column(Column::auto().at_least(140.0).resizable(true))
    } else {
        table.columns(Column::auto().at_least(64.0), columns.len())
    };
    table
        .header(widgets::TABLE_ROW, |mut h| {
            for &(key, name, tip) in columns {
                h.col(|ui| {
                    let sorted = (sort.0 == key).then_some(sort.1);
                    let layout = if key == SortKey::Tag {
                        Layout::left_to_right(Align::Center)
                    } else {
                        Layout::right_to_left(Align::Center)
                    };
                    ui.with_layout(layout, |ui| {
                        if widgets::sort_header(ui, name, sorted, tip) {
                            ctx.commands.send(Command::SortTable(key));
                        }
                    });
                });
            }
        })
        .body(|body| {
            body.rows(widgets::TABLE_ROW, rows.len(), |mut row| {
                let r = &rows[row.index()];
                let why = &r.notes;
                for &(key, _, _) in columns {
                    row.col(|ui| {
                        if key == SortKey::Tag {
                            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                                widgets::swatch(ui, hex_colour(&r.colour));
                                let label = ui.label(RichText::new(&r.tag).strong());
                                if let Some(rule) = &r.rule {
                                    label.on_hover_text(format!("Rule: {rule}"));
                                }
                                if r.few_reviewed {
                                    widgets::few_reviewed(ui, r);
                                }
                            });
                        } else {
                            cell_ui(ui, r, key, why);
                        }
                    });
                }
            });
        });
}

/// One cell of the table as every face writes it ([`render::tag_cell`]),
/// its interval on hover (and in the cell for a tag of few reviewed
/// examples), why it is unknown when it is.
fn cell_ui(ui: &mut Ui, r: &TagRow, key: SortKey, why: &[String]) {
    let text = render::tag_cell(r, key);
    let interval = render::tag_cell_interval(r, key);
    let shown = match (&interval, r.few_reviewed) {
        (Some(ci), true) => format!("{text} {ci}"),
        _ => text.clone(),
    };
    let label = ui.label(shown);
    let hover = match key {
        SortKey::Hlp => r.hlp.map_or_else(
            || why.join("\n"),
            |_| {
                let source = r.hlp_source.map_or("", |s| s.label());
                match &interval {
                    Some(ci) => format!("From {source}; 95% interval {ci}"),
                    None => format!("From {source}"),
                }
            },
        ),
        SortKey::Priority => format!(
            "Expected lift × importance {} / effort {}",
            r.importance, r.effort
        ),
        SortKey::Coverage if r.exact => "Every row is covered: the numbers are exact".to_string(),
        SortKey::Coverage => {
            "Share of errors reviewed; numbers are estimates from the review sample".to_string()
        }
        _ => match &interval {
            Some(ci) => format!("95% interval {ci}"),
            None if text == render::NA => why.join("\n"),
            None => String::new(),
        },
    };
    if !hover.is_empty() {
        label.on_hover_text(hover);
    }
}

/// Bars of expected lift per tag, with 95% interval whiskers.
fn lift_chart(ui: &mut Ui, rows: &[TagRow]) {
    use egui_plot::{Bar, BarChart};
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
        .y_axis_label("expected lift (accuracy points)")
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("expected lift", bars));
            #[allow(clippy::cast_precision_loss)]
            for (i, r) in known.iter().enumerate() {
                if let Some(ci) = r.expected_lift.ci {
                    widgets::error_bar(plot, i as f64, (ci.lo * 100.0, ci.hi * 100.0), text_colour);
                }
            }
        });
}
