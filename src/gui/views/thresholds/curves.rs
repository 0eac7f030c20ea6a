//! The one-vs-rest curves panel: ROC and precision–recall with the operating
//! point, the counts at the threshold, and per-group FPR and FNR. The slider
//! opens at the model's own threshold, where every count equals the
//! confusion matrix, the Classes and the Slices views.

use egui::{RichText, Ui};

use super::Moving;
use crate::core::render::{count, pct, pct_ci};
use crate::core::thresholds::{GroupCurves, Op, ScoreAnalysis};
use crate::gui::{theme, widgets};

use crate::core::render::threshold as show;

/// Draws the panel.
pub fn ui(
    ui: &mut Ui,
    m: &mut Moving,
    d: &ScoreAnalysis,
    drawn: &[Vec<[f64; 2]>; 2],
    groups: Option<&GroupCurves>,
    all_groups: usize,
    integral: bool,
) {
    let (lo, hi) = d.range;
    #[allow(clippy::float_cmp)] // set from the model's threshold, not computed
    let at_model = d
        .model
        .is_some_and(|x| x.value == m.threshold && x.op == m.op);
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Threshold");
        let mut t = m.threshold;
        // Clamp on edits only: clamping every frame rounds the value to the
        // shown decimals, which would move the model's threshold.
        let mut slider =
            egui::Slider::new(&mut t, lo..=hi).clamping(egui::SliderClamping::Edits);
        slider = if integral {
            slider.step_by(1.0).max_decimals(0)
        } else {
            slider.max_decimals(4).min_decimals(2)
        };
        if ui.add(slider).labelled_by(label.id).changed() {
            m.threshold = t;
            m.op = Op::AtLeast;
        }
        if let Some(model) = d.model {
            if at_model {
                ui.label(RichText::new("model's threshold").color(theme::GREEN))
                    .on_hover_text(if model.disagreements == 0 {
                        "This threshold reproduces every prediction of the model".to_string()
                    } else {
                        format!(
                            "The closest threshold to the model's predictions; {} row(s) are predicted otherwise",
                            count(model.disagreements)
                        )
                    });
            } else if ui
                .button("Back to the model's threshold")
                .on_hover_text(format!(
                    "score {} {}",
                    model.op.symbol(),
                    show(model.value, integral)
                ))
                .clicked()
            {
                m.threshold = model.value;
                m.op = model.op;
            }
            if model.disagreements > 0 {
                ui.colored_label(
                    theme::AMBER,
                    format!(
                        "No threshold reproduces the predictions: {} row(s) differ at the closest",
                        count(model.disagreements)
                    ),
                );
            }
        }
        ui.checkbox(&mut m.per_group, "A threshold per group (what-if)")
            .on_hover_text("Explore group-specific thresholds; the data is never changed");
    });
    let (t, op) = (m.threshold, m.op);
    let c = d.curve.counts(t, op);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        let point_roc = c.fpr().value().zip(c.tpr().value());
        let point_pr = c.tpr().value().zip(c.precision().value());
        let half = (ui.available_height() / 2.0 - 40.0).max(120.0);
        let value = |v: Option<f64>| v.map_or_else(|| "n/a".into(), |v| format!("{v:.4}"));
        ui.label(RichText::new(format!("ROC curve, AUC {}", value(d.roc_auc))).strong());
        widgets::unit_curve(
            ui,
            "ROC",
            half,
            ("false positive rate", "true positive rate"),
            drawn[0].clone(),
            true,
            point_roc,
        );
        ui.label(
            RichText::new(format!(
                "Precision–recall curve, average precision {}",
                value(d.average_precision)
            ))
            .strong(),
        );
        let pr = drawn[1].clone();
        widgets::unit_curve(ui, "PR", half, ("recall", "precision"), pr, false, point_pr);
        // The counts and the per-group table scroll beside the curves (a
        // column of 20 groups ran off the window).
        egui::ScrollArea::vertical()
            .id_salt("right")
            .show(&mut cols[1], |ui| {
                ui.label(
                    RichText::new(format!(
                        "At score {} {} ({})",
                        op.symbol(),
                        show(t, integral),
                        d.column
                    ))
                    .strong(),
                );
                egui::Grid::new("th-confusion")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label("");
                        ui.strong("predicted positive");
                        ui.strong("predicted negative");
                        ui.end_row();
                        ui.strong("positive");
                        ui.label(format!("TP {}", count(c.tp)));
                        ui.label(format!("FN {}", count(c.fn_)));
                        ui.end_row();
                        ui.strong("negative");
                        ui.label(format!("FP {}", count(c.fp)));
                        ui.label(format!("TN {}", count(c.tn)));
                        ui.end_row();
                    });
                ui.label(format!(
                    "true positive rate {} · false positive rate {} · precision {} · accuracy {} · F1 {} · selection rate {}",
                    pct(c.tpr().value(), 1),
                    pct(c.fpr().value(), 1),
                    pct(c.precision().value(), 1),
                    pct(c.accuracy().value(), 1),
                    pct(c.f1(), 1),
                    pct(c.selection_rate().value(), 1)
                ));
                ui.separator();
                if let Some(g) = groups {
                    groups_ui(ui, m, g, all_groups, (lo, hi), integral);
                }
            });
    });
}

fn groups_ui(
    ui: &mut Ui,
    m: &mut Moving,
    g: &GroupCurves,
    all_groups: usize,
    range: (f64, f64),
    integral: bool,
) {
    let (t, op) = (m.threshold, m.op);
    if m.group_thresholds.len() != g.curves.len() {
        m.group_thresholds = vec![t; g.curves.len()];
    }
    if !m.per_group {
        m.group_thresholds.iter_mut().for_each(|x| *x = t);
    }
    let counts = g.counts(t, op, m.per_group.then_some(m.group_thresholds.as_slice()));
    egui::Grid::new("th-groups")
        .num_columns(5)
        .striped(true)
        .show(ui, |ui| {
            ui.strong("group");
            ui.strong("threshold");
            ui.strong("false pos. rate");
            ui.strong("false neg. rate");
            ui.strong("selection rate");
            ui.end_row();
            for (i, (values, c)) in g.groups.iter().zip(&counts).enumerate() {
                ui.label(values.join(" & "));
                if m.per_group {
                    let (lo, hi) = range;
                    ui.add(
                        egui::DragValue::new(&mut m.group_thresholds[i])
                            .range(lo..=hi)
                            .speed((hi - lo) / 500.0)
                            .max_decimals(if integral { 0 } else { 4 }),
                    );
                } else {
                    ui.label(format!("{} {}", op.symbol(), show(t, integral)));
                }
                ui.label(pct(c.fpr().value(), 1))
                    .on_hover_text(format!("95% {}", pct_ci(c.fpr().ci(), 1)));
                ui.label(pct(c.fnr().value(), 1))
                    .on_hover_text(format!("95% {}", pct_ci(c.fnr().ci(), 1)));
                ui.label(pct(c.selection_rate().value(), 1));
                ui.end_row();
            }
        });
    super::more_groups(ui, all_groups);
}
