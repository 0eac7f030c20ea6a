//! The Classes view: precision, recall and F1 per class in a sortable
//! table with averages, and a grouped bar chart.

use egui::{Align, Color32, Layout, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart};

use super::AppView;
use crate::core::metrics::{ClassMetrics, ClassSortKey, skew_warning, sort_classes};
use crate::core::render::{count, pct, pct_ci};
use crate::gui::commands::tips;
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::{theme, widgets};

/// Bars drawn in the chart: the first rows of the table.
const CHART_CLASSES: usize = 50;

/// The Classes view's options, and the table in its order.
pub struct ClassesView {
    /// Sort column and direction (descending).
    pub sort: (ClassSortKey, bool),
    /// Per-class rows sorted for `sort`, the averages and the skew warning
    /// (computed once per sort: O(classes)).
    table: Option<Table>,
    /// The chart's value axis starts at zero (else it fits the values).
    from_zero: bool,
}

struct Table {
    sort: (ClassSortKey, bool),
    rows: Vec<ClassMetrics>,
    averages: crate::core::metrics::Averages,
    skew: Option<String>,
}

impl AppView for ClassesView {
    fn new(doc: &Document) -> Self {
        Self {
            sort: super::saved(doc, super::View::Classes).unwrap_or((ClassSortKey::Class, false)),
            table: None,
            from_zero: false,
        }
    }

    fn options(&self) -> Option<String> {
        super::to_ron(&self.sort)
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        if self.table.as_ref().is_some_and(|t| t.sort == self.sort) {
            return;
        }
        let m = &ctx.doc.summary.confusion;
        let mut rows = m.per_class(&ctx.doc.ds.classes);
        let skew = skew_warning(&rows);
        sort_classes(&mut rows, self.sort.0, self.sort.1);
        self.table = Some(Table {
            sort: self.sort,
            rows,
            averages: m.averages(),
            skew,
        });
    }

    fn ui(&mut self, _ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let Some(table) = self.table.take() else {
            return;
        };
        self.table_ui(ui, &table);
        self.table = Some(table);
    }
}

impl ClassesView {
    fn table_ui(&mut self, ui: &mut Ui, table: &Table) {
        let per_class = &table.rows;
        let averages = &table.averages;
        if let Some(w) = &table.skew {
            ui.colored_label(theme::AMBER, format!("⚠ {w}"));
        }
        let (col, desc) = self.sort;
        let height = (ui.available_height() * 0.5).max(150.0);
        let charted = &per_class[..per_class.len().min(CHART_CLASSES)];
        let names: Vec<String> = charted.iter().map(|c| c.class.clone()).collect();
        let numbered = !widgets::names_fit(&names, ui.available_width());
        ui.push_id("class-table", |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .max_scroll_height(height)
                .cell_layout(Layout::right_to_left(Align::Center))
                .column(Column::auto().at_least(100.0))
                .columns(Column::auto().at_least(70.0), ClassSortKey::ALL.len() - 1)
                .header(22.0, |mut h| {
                    for key in ClassSortKey::ALL {
                        h.col(|ui| {
                            let sorted = (col == key).then_some(desc);
                            if widgets::sort_header(ui, key.name(), sorted, tips::SORT) {
                                self.sort = if col == key {
                                    (key, !desc)
                                } else {
                                    (key, key != ClassSortKey::Class)
                                };
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, per_class.len() + 3, |mut row| {
                        let i = row.index();
                        if let Some(c) = per_class.get(i) {
                            row.col(|ui| {
                                ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                                    ui.label(widgets::numbered_name(i, &c.class, numbered))
                                });
                            });
                            row.col(|ui| {
                                ui.label(pct(c.precision, 1))
                                    .on_hover_text(format!("95% {}", pct_ci(c.precision_ci, 1)));
                            });
                            row.col(|ui| {
                                ui.label(pct(c.recall, 1))
                                    .on_hover_text(format!("95% {}", pct_ci(c.recall_ci, 1)));
                            });
                            row.col(|ui| {
                                ui.label(pct(c.f1, 1));
                            });
                            row.col(|ui| {
                                ui.label(count(c.support));
                            });
                            row.col(|ui| {
                                ui.label(count(c.false_positives));
                            });
                            row.col(|ui| {
                                ui.label(count(c.false_negatives));
                            });
                        } else {
                            let (name, p) = match i - per_class.len() {
                                0 => ("micro avg", averages.micro),
                                1 => ("macro avg", averages.macro_avg),
                                _ => ("weighted avg", averages.weighted),
                            };
                            row.col(|ui| {
                                ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                                    ui.strong(name)
                                });
                            });
                            for v in [p.precision, p.recall, p.f1] {
                                row.col(|ui| {
                                    ui.strong(pct(v, 1));
                                });
                            }
                            for _ in 0..3 {
                                row.col(|_| {});
                            }
                        }
                    });
                });
        });
        ui.separator();
        if charted.len() < per_class.len() {
            ui.label(
                egui::RichText::new(format!(
                    "The chart shows the first {} of {} classes in the table's order",
                    charted.len(),
                    per_class.len()
                ))
                .weak(),
            );
        }
        let mk = |name: &str, offset: f64, colour: Color32, f: fn(&ClassMetrics) -> Option<f64>| {
            let bars: Vec<Bar> = charted
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Bar::new(i as f64 + offset, f(c).unwrap_or(0.0) * 100.0)
                        .width(0.25)
                        .fill(colour.gamma_multiply(0.8))
                        .name(&c.class)
                })
                .collect();
            BarChart::new(name, bars).color(colour)
        };
        let (p, r, f) = (
            Color32::from_rgb(78, 121, 167),
            Color32::from_rgb(242, 142, 43),
            Color32::from_rgb(89, 161, 79),
        );
        let charts = [
            mk("precision", -0.27, p, |c| c.precision),
            mk("recall", 0.0, r, |c| c.recall),
            mk("F1", 0.27, f, |c| c.f1),
        ];
        ui.horizontal(|ui| {
            widgets::colour_key(ui, &[(p, "precision"), (r, "recall"), (f, "F1")]);
            widgets::from_zero_toggle(ui, &mut self.from_zero);
        });
        let shown = charted.iter().flat_map(|c| [c.precision, c.recall, c.f1]);
        let (lo, hi) = widgets::value_axis(
            shown.flatten().map(|v| v * 100.0),
            self.from_zero,
            (0.0, 100.0),
        );
        // A plot of its own per axis mode, so the switch takes effect at once.
        let id = if self.from_zero {
            "class-chart-0"
        } else {
            "class-chart"
        };
        widgets::category_plot(id, names, numbered)
            .default_y_bounds(lo, hi)
            .y_grid_spacer(widgets::nice_grid)
            .y_axis_label("%")
            .show(ui, |plot| {
                for c in charts {
                    plot.bar_chart(c);
                }
            });
    }
}
