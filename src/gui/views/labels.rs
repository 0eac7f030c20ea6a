//! The Labels view: human labels against the true labels, overall, per
//! class and per slice, and the examples where they disagree.

use std::sync::Arc;

use egui::{RichText, Ui};

use super::{AppView, computing_ui};
use crate::core::annotators;
use crate::core::dataset::Dataset;
use crate::core::filter::{ReviewFilter, Scope};
use crate::core::label_issues;
use crate::core::label_report::{self, LabelIssuesReport};
use crate::core::render::{count, pct, pct_ci};
use crate::core::report::{HumanSummary, human_summary};
use crate::core::slices::SliceAnalysis;
use crate::gui::commands::{Command, tips};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::Computed;
use crate::gui::widgets;

/// Human agreement overall, per class and per group of the chosen column,
/// and the likely label errors (with per-class and per-group counts).
#[derive(Clone)]
pub struct HumanView {
    summary: Option<HumanSummary>,
    slices: Option<SliceAnalysis>,
    /// `None` without a probability column per class (or with weights).
    issues: Option<Arc<LabelIssuesReport>>,
    /// Why there are none, when the file has some probability columns or
    /// weights (a user who gave probabilities expects the search).
    issues_unavailable: Option<String>,
    /// Agreement among annotators, with vote or annotator columns.
    annotators: Option<Arc<annotators::Summary>>,
}

/// The Labels view's options and analysis.
pub struct LabelsView {
    /// Slice column for human agreement per group.
    pub column: Option<String>,
    analysis: Computed<Key, HumanView>,
}

/// What the analysis depends on: the column, and the document's likely
/// label errors (found once, shared with the Review filter).
#[derive(Clone, PartialEq)]
struct Key {
    column: Option<String>,
    issues: label_issues::Shared,
}

fn compute(ds: &Dataset, key: &Key) -> HumanView {
    let column = &key.column;
    let by: Vec<Vec<String>> = column.iter().map(|c| vec![c.clone()]).collect();
    let issues = key
        .issues
        .get(ds)
        .and_then(|found| LabelIssuesReport::new(ds, None, found, &by, false).ok())
        .map(Arc::new);
    let annotators = annotators::summarize(ds, None, &by)
        .ok()
        .flatten()
        .map(Arc::new);
    let issues_unavailable = (ds.probas.is_some() || ds.weights.is_some())
        .then(|| label_issues::unavailable(ds))
        .flatten()
        .map(|e| e.to_string());
    HumanView {
        issues_unavailable,
        annotators,
        summary: human_summary(ds),
        slices: column
            .as_ref()
            .and_then(|c| SliceAnalysis::compute(ds, std::slice::from_ref(c), None, 0, None).ok()),
        issues,
    }
}

impl LabelsView {
    fn key(&self, ctx: &ViewCtx<'_>) -> Key {
        Key {
            column: self.column.clone(),
            issues: ctx.doc.label_issues.clone(),
        }
    }
}

impl AppView for LabelsView {
    fn new(doc: &Document) -> Self {
        let saved: Option<Option<String>> = super::saved(doc, super::View::Labels);
        Self {
            column: saved.map_or_else(
                || {
                    doc.ds
                        .default_slice_columns()
                        .next()
                        .map(|c| c.name.clone())
                },
                |c| c.filter(|c| doc.ds.column(c).is_some()),
            ),
            analysis: Computed::default(),
        }
    }

    fn options(&self) -> Option<String> {
        super::to_ron(&self.column)
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        let key = self.key(ctx);
        self.analysis.refresh(&key, &ctx.doc.ds, ctx.egui, compute);
    }

    fn busy(&self) -> Option<&'static str> {
        self.analysis.is_running().then_some("human agreement")
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        let Some(view) = self.analysis.get(&self.key(ctx)).cloned() else {
            computing_ui(ui, ds.rows());
            return;
        };
        // Label errors, annotators and human labels can be taller than a
        // small window: the view scrolls.
        egui::ScrollArea::vertical()
            .id_salt("labels-view")
            .auto_shrink([false, false])
            .show(ui, |ui| self.sections(ctx, ui, &view));
    }
}

impl LabelsView {
    /// Everything the view shows, in a scrolling area.
    fn sections(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui, view: &HumanView) {
        let ds = &ctx.doc.ds;
        if let Some(issues) = &view.issues {
            label_issues_ui(ctx, ui, issues);
            ui.separator();
        } else if let Some(why) = &view.issues_unavailable {
            ui.label(egui::RichText::new("Likely label errors").heading());
            ui.label(format!("Not looked for: {why}."));
            // The load's own word on a probability column it could not use.
            for w in ds.warnings.iter().filter(|w| w.contains("probabilities")) {
                ui.weak(w);
            }
            ui.separator();
        }
        if let Some(a) = &view.annotators {
            annotators_ui(ui, a);
            ui.separator();
        }
        let Some(h) = &view.summary else {
            ui.label("This file has no human-label column. Choose one (File → Columns…, or --human COL on the command line) to compare human labels with the true labels; that agreement is the human-level performance baseline.");
            super::columns_button(ui, ctx);
            return;
        };
        ui.horizontal(|ui| {
            ui.heading(format!(
                "Humans agree with the true label on {}",
                pct(h.accuracy.value, 2)
            ));
            ui.label(format!("95% {}", pct_ci(h.accuracy.ci, 2)));
        });
        ui.label(format!(
            "{} of {} labelled examples disagree: candidate label errors, or genuinely hard examples.",
            count(h.disagreements),
            count(h.labelled)
        ));
        // A count cube has no examples to review.
        if !ctx.doc.ds.is_cube()
            && ui
                .button("Review the disagreements")
                .on_hover_text(tips::SHOW_HUMAN_DISAGREEMENTS)
                .clicked()
        {
            ctx.commands.send(Command::ShowHumanDisagreements);
        }
        ui.separator();
        let columns: Vec<String> = ds.slice_columns().map(|c| c.name.clone()).collect();
        ui.columns(2, |cols| {
            let ui = &mut cols[0];
            ui.strong("Per true class");
            egui::ScrollArea::vertical()
                .id_salt("human-classes")
                .show(ui, |ui| {
                    egui::Grid::new("human-class")
                        .num_columns(3)
                        .striped(true)
                        .show(ui, |ui| {
                            for (class, rate, n) in &h.per_class {
                                ui.label(class);
                                ui.label(pct(rate.value, 1))
                                    .on_hover_text(format!("95% {}", pct_ci(rate.ci, 1)));
                                ui.label(RichText::new(count(*n)).weak());
                                ui.end_row();
                            }
                        });
                });
            let ui = &mut cols[1];
            widgets::labelled_combo(
                ui,
                "human-col",
                "Per slice of",
                &mut self.column,
                &widgets::optional(&columns, "(none)"),
            );
            if let Some(s) = &view.slices {
                egui::Grid::new("human-slice")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for g in &s.groups {
                            let p = g.counts.human_accuracy();
                            ui.label(g.name());
                            ui.label(pct(p.value(), 1))
                                .on_hover_text(format!("95% {}", pct_ci(p.ci(), 1)));
                            ui.label(RichText::new(count(g.counts.human_n)).weak());
                            ui.end_row();
                        }
                    });
            }
        });
    }
}

/// The likely label errors: how many, "Review them", the confident joint,
/// and the counts per class and per group of the chosen column.
fn label_issues_ui(ctx: &ViewCtx<'_>, ui: &mut Ui, r: &LabelIssuesReport) {
    let all = r.overall();
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("Likely label errors: {}", count(all.flagged)));
        ui.label(format!(
            "{} {} of {} examples",
            pct(all.share(), 1),
            pct_ci(all.ci, 1),
            count(all.rows)
        ));
    });
    ui.label(
        RichText::new(format!(
            "Examples whose out-of-sample probabilities say, confidently, that they belong to another class than their label (confident learning, as cleanlab computes it: filter {}, ranked by {}; cleanlab's num_label_issues {}). Check the label before blaming the model.",
            r.found.options.filter_by.name(),
            r.found.options.rank_by.name(),
            count(r.found.num_label_issues as u64),
        ))
        .weak(),
    );
    if ui
        .button("Review them, worst first")
        .on_hover_text("Review lists the likely label errors, the least likely label first; tag the wrong ones (a tag such as \"wrong label\") so they enter the prioritisation table")
        .clicked()
    {
        super::review(ctx, ReviewFilter {
            scope: Scope::LabelIssues,
            ..ReviewFilter::default()
        });
    }
    let matrix = |ui: &mut Ui| {
        if r.classes.len() > label_report::JOINT_CLASSES {
            // K × K cells laid out every frame: not for hundreds of classes.
            ui.label(
                RichText::new(format!(
                    "The confident joint of {} classes is too large to show here: slicewise label-issues --format json writes it.",
                    r.classes.len()
                ))
                .weak(),
            );
        } else {
            noise_heatmap(ctx, ui, r);
        }
    };
    let shares = |ui: &mut Ui| {
        ui.strong("Per class of the given label");
        share_grid(ui, "label-issues-class", &r.per_class);
        for (name, groups) in &r.slices {
            ui.strong(format!("Per {name}"));
            share_grid(ui, &format!("label-issues-{name}"), groups);
        }
    };
    // Side by side where the matrix fits half the width, else one under
    // the other (a narrow window keeps every cell in sight).
    #[allow(clippy::cast_precision_loss)]
    let needed = 130.0 + r.classes.len().min(label_report::JOINT_CLASSES) as f32 * 40.0;
    if ui.available_width() / 2.0 >= needed {
        ui.columns(2, |cols| {
            matrix(&mut cols[0]);
            shares(&mut cols[1]);
        });
    } else {
        matrix(ui);
        shares(ui);
    }
}

/// The noise matrix as a heatmap: given label (rows) × likely true label
/// (columns), each cell coloured by the share of the true class labelled
/// as the row (cleanlab's noise matrix) and showing the calibrated
/// confident joint's count; an off-diagonal cell opens Review on the
/// likely label errors of that pair.
fn noise_heatmap(ctx: &ViewCtx<'_>, ui: &mut Ui, r: &LabelIssuesReport) {
    let nm = &r.found.noise_matrix;
    let k = r.classes.len();
    let worst = (0..k)
        .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
        .map(|(i, j)| nm[i][j])
        .fold(0.0_f64, f64::max);
    ui.strong("Noise matrix: given label (rows) × likely true label (columns)");
    widgets::colour_legend(ui, "0%", &pct(Some(worst), 1), "");
    ui.label(
        RichText::new("Colour: the share of the likely class labelled as the row (cleanlab's noise matrix); numbers: the confident joint. Click a cell to review its examples.")
            .weak(),
    );
    let name_width = r
        .classes
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1)
        .clamp(4, 16) as f32
        * 7.5;
    #[allow(clippy::cast_precision_loss)]
    let width = ((ui.available_width() - name_width) / k as f32 - 2.0).clamp(36.0, 64.0);
    let cell = egui::vec2(width, 26.0);
    egui::ScrollArea::horizontal()
        .id_salt("label-joint")
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing = egui::vec2(2.0, 2.0);
            ui.horizontal(|ui| {
                ui.add_sized([name_width, cell.y], egui::Label::new(""));
                for c in &r.classes {
                    ui.add_sized(cell, egui::Label::new(RichText::new(c).strong()).truncate());
                }
            });
            for (i, (name, row)) in r.classes.iter().zip(&r.found.confident_joint).enumerate() {
                ui.horizontal(|ui| {
                    ui.add_sized(
                        [name_width, cell.y],
                        egui::Label::new(RichText::new(name).strong()).truncate(),
                    );
                    for (j, &v) in row.iter().enumerate() {
                        let off = i != j;
                        let bg = if off {
                            widgets::heat_colour(if worst > 0.0 { nm[i][j] / worst } else { 0.0 })
                        } else {
                            ui.visuals().faint_bg_color
                        };
                        let sense = if off && v > 0 {
                            egui::Sense::click()
                        } else {
                            egui::Sense::hover()
                        };
                        let (rect, resp) = ui.allocate_exact_size(cell, sense);
                        let text = count(v);
                        let kind = if sense == egui::Sense::click() {
                            egui::Role::Button
                        } else {
                            egui::Role::Label
                        };
                        resp.widget_info(|| egui::WidgetInfo::labeled(kind, true, &text));
                        ui.painter().rect_filled(rect, 2.0, bg);
                        let fg = if off {
                            widgets::readable_on(bg)
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.painter().text(
                            rect.center(),
                            egui::Align2::CENTER_CENTER,
                            &text,
                            egui::FontId::proportional(12.5),
                            fg,
                        );
                        let tip = format!(
                            "Labelled {name}, likely {}: {} in the confident joint; {} of the likely {} carry the label {name}{}",
                            r.classes[j],
                            count(v),
                            pct(Some(nm[i][j]), 1),
                            r.classes[j],
                            if off && v > 0 {
                                "\nClick to review those flagged"
                            } else {
                                ""
                            }
                        );
                        let resp = resp.on_hover_text(tip);
                        if resp.clicked() {
                            super::review(ctx, ReviewFilter {
                                scope: Scope::LabelIssues,
                                truth: Some(name.clone()),
                                suggested: Some(r.classes[j].clone()),
                                ..ReviewFilter::default()
                            });
                        }
                        if resp.hovered() && sense == egui::Sense::click() {
                            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                        }
                    }
                });
            }
        });
}

fn share_grid(ui: &mut Ui, id: &str, rows: &[label_report::Share]) {
    egui::Grid::new(id)
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for s in rows {
                ui.label(&s.name);
                ui.label(format!("{} of {}", count(s.flagged), count(s.rows)));
                ui.label(pct(s.share(), 1))
                    .on_hover_text(format!("95% {}", pct_ci(s.ci, 1)));
                ui.end_row();
            }
        });
}

/// Agreement among annotators: alpha and the votes equal to the given
/// label, overall, per annotator, per class and per group.
fn annotators_ui(ui: &mut Ui, a: &annotators::Summary) {
    use crate::core::render::{interval_text, num};
    let o = &a.overall;
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("Annotators agree: alpha {}", num(o.alpha, 3)));
        ui.label(format!("95%{}", interval_text(o.alpha_ci, false)))
            .on_hover_text("Krippendorff's alpha for nominal data: 1 is perfect agreement, 0 what chance gives");
    });
    ui.label(
        RichText::new(format!(
            "From {}: {} votes on {} examples; {} {} of the votes are the given label; the majority is the given label on {} examples, ties on {}.",
            a.source,
            count(o.votes),
            count(o.rows),
            pct(o.accuracy, 1),
            pct_ci(o.accuracy_ci, 1),
            count(o.majority_agrees),
            count(o.ties),
        ))
        .weak(),
    );
    let grid = |ui: &mut Ui, id: &str, first: &str, rows: &[(String, annotators::Agreement)]| {
        egui::Grid::new(id)
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                ui.strong(first);
                ui.strong("alpha");
                ui.strong("= label");
                ui.strong("ties");
                ui.end_row();
                for (name, g) in rows {
                    ui.label(name);
                    ui.label(num(g.alpha, 3))
                        .on_hover_text(format!("95%{}", interval_text(g.alpha_ci, false)));
                    ui.label(pct(g.accuracy, 1))
                        .on_hover_text(format!("95% {}", pct_ci(g.accuracy_ci, 1)));
                    ui.label(count(g.ties));
                    ui.end_row();
                }
            });
    };
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        if !a.annotators.is_empty() {
            egui::Grid::new("annotators")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    ui.strong("annotator");
                    ui.strong("labelled");
                    ui.strong("= label");
                    ui.strong("agrees with others");
                    ui.end_row();
                    for x in &a.annotators {
                        ui.label(&x.name);
                        ui.label(count(x.labelled));
                        ui.label(pct(x.accuracy, 1));
                        ui.label(pct(x.agreement, 1));
                        ui.end_row();
                    }
                });
        }
        grid(ui, "annotators-class", "given label", &a.per_class);
        let ui = &mut cols[1];
        for (name, groups) in &a.slices {
            grid(ui, &format!("annotators-{name}"), name, groups);
        }
    });
}
