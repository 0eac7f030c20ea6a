//! The risk–coverage panel: abstaining below a confidence keeps the more
//! confident rows. Shows what is kept and how accurate it is, one class's
//! counts among the kept rows, and the same per group. Keeping everything
//! gives exactly the confusion matrix's numbers.

use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints, Points};

use crate::core::calibration::RiskCoverage;
use crate::core::render::{count, num, pct};
use crate::gui::theme;

/// Draws the panel; `t` is the confidence below which the model abstains.
pub fn ui(
    ui: &mut Ui,
    t: &mut f64,
    overall: &RiskCoverage,
    groups: &[(String, RiskCoverage)],
    all_groups: usize,
    class: &str,
    from_zero: &mut bool,
) {
    let lo = overall.thresholds.last().copied().unwrap_or(0.0);
    let hi = overall.thresholds.first().copied().unwrap_or(1.0);
    if !(lo..=hi).contains(t) {
        *t = lo;
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Threshold");
        // Clamp on edits only: clamping every frame rounds the value to the
        // shown decimals, and the lowest confidence would drop its rows.
        ui.add(
            egui::Slider::new(t, lo..=hi)
                .max_decimals(4)
                .min_decimals(2)
                .clamping(egui::SliderClamping::Edits),
        )
        .labelled_by(label.id)
        .on_hover_text("Keep the rows whose confidence is at or above this; abstain on the others");
        // Over rows of many distinct confidences the curve keeps about
        // 65,536 points: the slider stops at them, where every count is exact.
        *t = overall.snap(*t);
        if ui
            .button("Keep everything")
            .on_hover_text("The model as it is: no abstention")
            .clicked()
        {
            *t = lo;
        }
    });
    let (kept, coverage, accuracy) = overall.at(*t);
    let [tp, fp, fn_] = overall.class_counts_at(*t);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "Risk–coverage curve, area {}",
                    num(overall.aurc, 4)
                ))
                .strong(),
            );
            crate::gui::widgets::from_zero_toggle(ui, from_zero);
        });
        let points: Vec<[f64; 2]> = overall
            .coverage
            .iter()
            .zip(&overall.accuracy)
            .map(|(&c, &a)| [c, a])
            .collect();
        let point = coverage.zip(accuracy);
        // Accuracy between 0.9 and 1 on a 0–1 axis is a flat line: the
        // axis fits the curve unless asked to start at zero.
        let (lo, hi) = crate::gui::widgets::value_axis(
            overall.accuracy.iter().copied(),
            *from_zero,
            (0.0, 1.0),
        );
        let id = if *from_zero {
            "risk-coverage-0"
        } else {
            "risk-coverage"
        };
        Plot::new(id)
            .height((ui.available_height() - 20.0).max(160.0))
            .default_x_bounds(-0.02, 1.02)
            .default_y_bounds(lo, hi)
            .y_grid_spacer(crate::gui::widgets::nice_grid)
            .custom_x_axes(vec![crate::gui::widgets::number_x_axis(
                "coverage (share of rows kept)",
            )])
            .y_axis_label("accuracy of the kept rows")
            .allow_scroll(false)
            .show(ui, |plot| {
                plot.line(Line::new("risk–coverage", PlotPoints::from(points)).allow_band(false));
                if let Some((x, y)) = point {
                    plot.points(
                        Points::new("threshold", PlotPoints::from(vec![[x, y]]))
                            .radius(5.0)
                            .color(theme::RED),
                    );
                }
            });
        let ui = &mut cols[1];
        egui::ScrollArea::vertical()
            .id_salt("right")
            .show(ui, |ui| {
                ui.label(
                    RichText::new(format!(
                        "Keeping confidence ≥ {}",
                        crate::core::render::threshold(*t, false)
                    ))
                    .strong(),
                );
                let errors = overall.errors_at(*t);
                ui.label(format!(
                    "kept {} of {} rows ({}), accuracy {}, {} errors",
                    count(kept),
                    count(overall.rows),
                    pct(coverage, 1),
                    pct(accuracy, 2),
                    count(errors)
                ));
                ui.label(format!(
                    "class '{class}' among the kept rows: TP {} · FP {} · FN {}",
                    count(tp),
                    count(fp),
                    count(fn_)
                ))
                .on_hover_text("Keeping everything, these equal the Classes view");
                ui.separator();
                if !groups.is_empty() {
                    egui::Grid::new("rc-groups")
                        .num_columns(4)
                        .striped(true)
                        .show(ui, |ui| {
                            ui.strong("group");
                            ui.strong("kept");
                            ui.strong("coverage");
                            ui.strong("accuracy");
                            ui.end_row();
                            for (name, rc) in groups {
                                let (k, c, a) = rc.at(*t);
                                ui.label(name);
                                ui.label(count(k));
                                ui.label(pct(c, 1));
                                ui.label(pct(a, 1));
                                ui.end_row();
                            }
                        });
                    super::more_groups(ui, all_groups);
                }
            });
    });
}
