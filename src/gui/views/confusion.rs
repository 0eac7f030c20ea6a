//! The Confusion view: the confusion matrix as a heatmap, counts or one of
//! three normalisations; hover a cell for its count and both rates, click it
//! to review its examples.

use egui::Ui;
use egui_plot::{Heatmap, Plot};

use super::AppView;
use crate::core::metrics::{ClassOrder, Normalize, OTHER};
use crate::core::render::{count, pct};
use crate::core::stats::Count;
use crate::gui::commands::Command;
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::widgets;

/// Most classes the heatmap shows before the rest go into "(other)".
const MAX_SHOWN: usize = 200;

/// The Confusion view's options.
pub struct ConfusionView {
    /// Counts, or normalised by true class, prediction or all.
    pub normalize: Normalize,
    /// Class order.
    pub order: ClassOrder,
    /// Blank the diagonal.
    pub hide_diagonal: bool,
    /// Classes shown before the rest go into "(other)".
    pub top_n: usize,
    /// Where the heatmap was last drawn (plot transform and labels), so
    /// tests can click a cell.
    #[cfg(feature = "testing")]
    pub layout: Option<(egui_plot::PlotTransform, Vec<String>)>,
    /// What the hovered cell's tooltip said, for tests.
    #[cfg(feature = "testing")]
    pub hovered: Option<String>,
}

/// What the Confusion view keeps in the session.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    normalize: Normalize,
    order: ClassOrder,
    hide_diagonal: bool,
    top_n: usize,
}

impl AppView for ConfusionView {
    fn new(doc: &Document) -> Self {
        let saved = super::saved::<Saved>(doc, super::View::Confusion);
        Self {
            normalize: saved.as_ref().map_or(Normalize::None, |s| s.normalize),
            order: saved.as_ref().map_or(ClassOrder::Name, |s| s.order),
            hide_diagonal: saved.as_ref().is_some_and(|s| s.hide_diagonal),
            top_n: saved.as_ref().map_or(30, |s| s.top_n.clamp(2, MAX_SHOWN)),
            #[cfg(feature = "testing")]
            layout: None,
            #[cfg(feature = "testing")]
            hovered: None,
        }
    }

    fn options(&self) -> Option<String> {
        super::to_ron(&Saved {
            normalize: self.normalize,
            order: self.order,
            hide_diagonal: self.hide_diagonal,
            top_n: self.top_n,
        })
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        ui.horizontal_wrapped(|ui| {
            ui.label("Show");
            for (n, label) in [
                (Normalize::None, "counts"),
                (Normalize::True, "by true class (recall)"),
                (Normalize::Pred, "by prediction (precision)"),
                (Normalize::All, "share of all"),
            ] {
                ui.selectable_value(&mut self.normalize, n, label);
            }
            ui.separator();
            ui.label("Order");
            for (o, label) in [
                (ClassOrder::Name, "name"),
                (ClassOrder::Support, "support"),
                (ClassOrder::Errors, "errors"),
            ] {
                ui.selectable_value(&mut self.order, o, label);
            }
            ui.separator();
            ui.checkbox(&mut self.hide_diagonal, "Hide the diagonal");
            if ds.classes.len() > 8 {
                ui.separator();
                let label = ui.label("Top classes");
                ui.add(
                    egui::DragValue::new(&mut self.top_n)
                        .range(2..=ds.classes.len().clamp(2, MAX_SHOWN)),
                )
                .labelled_by(label.id);
            }
        });
        let full = &ctx.doc.summary.confusion;
        let top = self.top_n.max(2);
        let (labels, m) = full.collapse(&ds.classes, &full.top_classes(self.order, top), top);
        let n = labels.len();
        let norm = m.normalized(self.normalize);
        let by_true = m.normalized(Normalize::True);
        let by_pred = m.normalized(Normalize::Pred);
        let hide = self.hide_diagonal;
        // Rows from the bottom up: the first class at the top.
        let mut values = Vec::with_capacity(n * n);
        // The colour scale spans the errors: the diagonal (correct cells,
        // far larger) and the "(other)" row and column (sums of many
        // classes) would wash out every real confusion, so they saturate
        // instead, their numbers written in them.
        let mut max = 0.0_f64;
        let mut max_all = 0.0_f64;
        for (r, row) in norm.iter().enumerate().rev() {
            for (c, v) in row.iter().enumerate() {
                let v = v.unwrap_or(f64::NAN);
                let v = if hide && r == c { f64::NAN } else { v };
                let other = labels[r] == OTHER || labels[c] == OTHER;
                if v.is_finite() {
                    max_all = max_all.max(v);
                    if r != c && !other {
                        max = max.max(v);
                    }
                }
                values.push(v);
            }
        }
        // No error to scale by (one class, a perfect model): the whole range.
        let saturated = max > 0.0 && max < max_all;
        let max = if max > 0.0 { max } else { max_all }.max(1e-12);
        let counts_mode = self.normalize == Normalize::None;
        // Counts are whole, non-negative and far below 2^53.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let scale = |v: f64| {
            if counts_mode {
                count(v.round() as u64)
            } else {
                format!("{:.1}%", v * 100.0)
            }
        };
        widgets::colour_legend(
            ui,
            &scale(0.0),
            &scale(max),
            if saturated && !hide {
                "(the scale spans the errors; correct cells are above it)"
            } else {
                "(the scale spans the errors)"
            },
        );
        // Column names under the columns when they fit, else numbers, which the
        // row names then carry too ("3 cat").
        let cell = (ui.available_width() - 160.0).min(ui.available_height() - 60.0) / n as f32;
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
        let numbered = longest as f32 * widgets::TICK_CHAR_PX > cell;
        let heat = Heatmap::new(values, n)
            .range(0.0, max)
            .custom_mapping(Box::new(move |v| widgets::heat_colour(v / max)))
            .show_labels(n <= 20)
            .formatter(Box::new(move |v| {
                if v.is_nan() {
                    String::new()
                } else if counts_mode {
                    format!("{v:.0}")
                } else {
                    format!("{:.1}%", v * 100.0)
                }
            }))
            .name("confusion");
        let axis_label = |i: usize| -> String {
            if numbered {
                (i + 1).to_string()
            } else {
                labels[i].clone()
            }
        };
        let x_labels: Vec<String> = (0..n).map(axis_label).collect();
        let y_labels: Vec<String> = (0..n)
            .map(|i| {
                if numbered {
                    format!("{} {}", i + 1, labels[i])
                } else {
                    labels[i].clone()
                }
            })
            .collect();
        let response = Plot::new("confusion-plot")
            .data_aspect(1.0)
            .allow_scroll(false)
            .show_grid(false)
            .y_axis_label("true")
            .x_grid_spacer(centre_marks(n))
            .y_grid_spacer(centre_marks(n))
            .custom_x_axes(vec![
                widgets::dense_x_axis()
                    .label(if numbered {
                        "predicted (numbered as the rows)"
                    } else {
                        "predicted"
                    })
                    .formatter(move |mark, _| {
                        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                        let i = mark.value.floor() as usize;
                        x_labels.get(i).cloned().unwrap_or_default()
                    }),
            ])
            .y_axis_formatter(move |mark, _| {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let i = mark.value.floor() as usize;
                if i < n {
                    y_labels[n - 1 - i].clone()
                } else {
                    String::new()
                }
            })
            .label_formatter(|_| None)
            .show(ui, |plot| plot.add(heat));
        // The cell under the pointer: its count and both rates.
        let hovered = response
            .response
            .hover_pos()
            .and_then(|pos| cell_at(response.transform.value_from_position(pos), n));
        if let Some((t, p)) = hovered {
            let text = cell_text(&labels, (t, p), m.get(t, p), by_true[t][p], by_pred[t][p]);
            #[cfg(feature = "testing")]
            {
                self.hovered = Some(text.clone());
            }
            response.response.clone().on_hover_text_at_pointer(text);
        }
        #[cfg(feature = "testing")]
        {
            self.layout = Some((response.transform, labels.clone()));
        }
        if response.response.clicked()
            && let Some(pointer) = response.response.interact_pointer_pos()
            && let Some((t, p)) = cell_at(response.transform.value_from_position(pointer), n)
            && labels[t] != OTHER
            && labels[p] != OTHER
        {
            ctx.commands.send(Command::ShowCell {
                truth: labels[t].clone(),
                pred: labels[p].clone(),
            });
        }
    }
}

/// What hovering a cell says: the pair, its count, and its share of the true
/// class (recall's row) and of the predicted class (precision's column).
fn cell_text(
    labels: &[String],
    (t, p): (usize, usize),
    n: Count,
    of_true: Option<f64>,
    of_pred: Option<f64>,
) -> String {
    format!(
        "true {} ➡ predicted {}\n{} example{}\n{} of true {}\n{} of predicted {}\nClick to review them",
        labels[t],
        labels[p],
        count(n),
        if n.whole() == Some(1) { "" } else { "s" },
        pct(of_true, 1),
        labels[t],
        pct(of_pred, 1),
        labels[p]
    )
}

/// Places of cell centres on an axis of `n` unit tiles.
fn centre_marks(n: usize) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    move |_| {
        (0..n)
            .map(|i| egui_plot::GridMark {
                value: i as f64 + 0.5,
                step_size: 1.0,
            })
            .collect()
    }
}

fn cell_at(p: egui_plot::PlotPoint, n: usize) -> Option<(usize, usize)> {
    if p.x < 0.0 || p.y < 0.0 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (col, row_from_bottom) = (p.x as usize, p.y as usize);
    (col < n && row_from_bottom < n).then(|| (n - 1 - row_from_bottom, col))
}
