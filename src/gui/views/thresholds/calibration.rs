//! The calibration panel: the reliability diagram (mean score against the
//! observed rate per bin, with intervals), ECE, MCE and Brier score overall
//! and per group.

use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints, Points};

use crate::core::calibration::{Basis, Binning, Calibration};
use crate::core::render::{count, num, pct, pct_ci};
use crate::gui::{theme, widgets};

/// Draws the panel; `bins` and `binning` are the view's options.
pub fn ui(
    ui: &mut Ui,
    bins: &mut usize,
    binning: &mut Binning,
    overall: &Calibration,
    groups: &[(String, Calibration)],
    all_groups: usize,
) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Bins");
        ui.add(egui::DragValue::new(bins).range(2..=50))
            .labelled_by(label.id);
        widgets::labelled_combo(
            ui,
            "binning",
            "of",
            binning,
            &[
                (Binning::Uniform, "equal width".to_string()),
                (Binning::Quantile, "equal mass".to_string()),
            ],
        );
    });
    let what = match overall.basis {
        Basis::TopLabel => "the confidence in the predicted class against being right",
        Basis::Positive => "the score of the positive class against being positive",
    };
    ui.label(
        RichText::new(format!(
            "Calibration of {what} over {} rows: ECE {} (95% {}), MCE {}, Brier score {}",
            count(overall.rows),
            pct(overall.ece, 2),
            pct_ci(overall.ece_ci, 2),
            pct(overall.mce, 2),
            num(overall.brier, 4)
        ))
        .strong(),
    );
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        let filled: Vec<_> = overall
            .reliability
            .iter()
            .filter(|b| b.count.w > 0.0)
            .collect();
        let points: Vec<[f64; 2]> = filled
            .iter()
            .filter_map(|b| Some([b.confidence?, b.accuracy?]))
            .collect();
        let text = ui.visuals().text_color();
        Plot::new("reliability")
            .height((ui.available_height() - 20.0).max(160.0))
            .data_aspect(1.0)
            .include_x(0.0)
            .include_x(1.0)
            .include_y(0.0)
            .include_y(1.0)
            .custom_x_axes(vec![crate::gui::widgets::number_x_axis(
                "mean score in the bin",
            )])
            .y_axis_label("observed rate")
            .allow_scroll(false)
            .show(ui, |plot| {
                plot.line(
                    Line::new(
                        "perfect calibration",
                        PlotPoints::from(vec![[0.0, 0.0], [1.0, 1.0]]),
                    )
                    .color(egui::Color32::GRAY),
                );
                for b in &filled {
                    if let (Some(c), Some(ci)) = (b.confidence, b.accuracy_ci) {
                        plot.line(
                            Line::new("interval", PlotPoints::from(vec![[c, ci.lo], [c, ci.hi]]))
                                .color(text),
                        );
                    }
                }
                plot.line(
                    Line::new("reliability", PlotPoints::from(points.clone()))
                        .color(theme::BLUE)
                        .allow_band(false),
                );
                plot.points(
                    Points::new("bins", PlotPoints::from(points))
                        .radius(3.0)
                        .color(theme::BLUE),
                );
            });
        let ui = &mut cols[1];
        egui::ScrollArea::vertical()
            .id_salt("right")
            .show(ui, |ui| {
                egui::Grid::new("calibration-bins")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.strong("bin");
                        ui.strong("rows");
                        ui.strong("mean score");
                        ui.strong("observed");
                        ui.end_row();
                        for b in &filled {
                            ui.label(format!("{:.3}–{:.3}", b.low, b.high));
                            ui.label(count(b.count));
                            ui.label(num(b.confidence, 3));
                            ui.label(num(b.accuracy, 3))
                                .on_hover_text(format!("95% {}", pct_ci(b.accuracy_ci, 1)));
                            ui.end_row();
                        }
                    });
                if !groups.is_empty() {
                    ui.separator();
                    egui::Grid::new("calibration-groups")
                        .num_columns(5)
                        .striped(true)
                        .show(ui, |ui| {
                            ui.strong("group");
                            ui.strong("rows");
                            ui.strong("ECE");
                            ui.strong("MCE");
                            ui.strong("Brier");
                            ui.end_row();
                            for (name, c) in groups {
                                ui.label(name);
                                ui.label(count(c.rows));
                                ui.label(pct(c.ece, 1))
                                    .on_hover_text(format!("95% {}", pct_ci(c.ece_ci, 1)));
                                ui.label(pct(c.mce, 1));
                                ui.label(num(c.brier, 4));
                                ui.end_row();
                            }
                        });
                    super::more_groups(ui, all_groups);
                }
            });
    });
}
