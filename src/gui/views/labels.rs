//! The Labels view: human labels against the true labels, overall, per
//! class and per slice, and the examples where they disagree.

use egui::{RichText, Ui};

use super::{AppView, computing_ui};
use crate::core::dataset::Dataset;
use crate::core::render::{count, pct, pct_ci};
use crate::core::report::{HumanSummary, human_summary};
use crate::core::slices::SliceAnalysis;
use crate::gui::commands::{Command, tips};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::Computed;
use crate::gui::widgets;

/// Human agreement overall, per class and per group of the chosen column.
#[derive(Clone)]
pub struct HumanView {
    summary: Option<HumanSummary>,
    slices: Option<SliceAnalysis>,
}

/// The Labels view's options and analysis.
pub struct LabelsView {
    /// Slice column for human agreement per group.
    pub column: Option<String>,
    analysis: Computed<Option<String>, HumanView>,
}

#[allow(clippy::ref_option)] // the `fn(&Dataset, &K)` shape that `Computed` calls
fn compute(ds: &Dataset, column: &Option<String>) -> HumanView {
    HumanView {
        summary: human_summary(ds),
        slices: column
            .as_ref()
            .and_then(|c| SliceAnalysis::compute(ds, std::slice::from_ref(c), None, 0, None).ok()),
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
        self.analysis
            .refresh(&self.column, &ctx.doc.ds, ctx.egui, compute);
    }

    fn busy(&self) -> Option<&'static str> {
        self.analysis.is_running().then_some("human agreement")
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        let Some(view) = self.analysis.get(&self.column).cloned() else {
            computing_ui(ui, ds.rows());
            return;
        };
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
