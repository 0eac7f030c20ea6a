//! The Overview: headline numbers, review coverage, the top tags, the watch
//! list of costly confusions, and the notes on the file.

use egui::{RichText, Ui};

use super::{AppView, View};
use crate::core::priority::{SortKey, TagRow, sort_rows};
use crate::core::render::{count, pct, pct_ci};
use crate::core::session::WatchPair;
use crate::core::stats::ratio_u;
use crate::core::watch::{WatchStat, watch_list};
use crate::gui::actions::Action;
use crate::gui::commands::Command;
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::widgets::{self, hex_colour};

/// The Overview's state.
#[derive(Default)]
pub struct OverviewView {
    /// The watch list and its numbers, for the pairs they were computed for.
    watch: Option<(Vec<WatchPair>, Vec<WatchStat>)>,
    /// The pair being added: (true, predicted) class codes.
    new_watch: (Option<u32>, Option<u32>),
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

impl AppView for OverviewView {
    fn new(_doc: &Document) -> Self {
        Self::default()
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        let doc = ctx.doc;
        if self
            .watch
            .as_ref()
            .is_some_and(|(p, _)| *p == doc.annotations.watch)
        {
            return;
        }
        // Pairs naming classes this file lacks are skipped (the report warns).
        let stats = watch_list(&doc.ds, &doc.summary.confusion, &doc.annotations.watch, &[])
            .map(|(stats, _)| stats)
            .unwrap_or_default();
        self.watch = Some((doc.annotations.watch.clone(), stats));
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        egui::ScrollArea::vertical().show(ui, |ui| self.contents_ui(ctx, ui));
    }
}

impl OverviewView {
    fn contents_ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let doc = ctx.doc;
        let acc = doc.summary.accuracy;
        let errors = doc.ds.errors() as u64;
        let reviewed = doc.annotations.reviewed_errors();
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 36.0;
            match &doc.ds.weights {
                None => big_number(ui, "Rows", count(doc.ds.rows()), None),
                Some(w) => big_number(
                    ui,
                    "Examples",
                    count(doc.ds.total()),
                    Some(format!(
                        "{} rows weighted by '{}'",
                        count(doc.ds.rows()),
                        w.column
                    )),
                ),
            }
            big_number(ui, "Classes", doc.ds.classes.len().to_string(), None);
            big_number(
                ui,
                "Accuracy",
                pct(acc.value, 2),
                Some(format!("95% {}", pct_ci(acc.ci, 2))),
            );
            big_number(
                ui,
                "Balanced accuracy",
                pct(doc.summary.confusion.balanced_accuracy(), 2),
                None,
            );
            big_number(ui, "Errors", count(doc.ds.error_total()), None);
            if doc.ds.is_cube() {
                return;
            }
            big_number(
                ui,
                "Reviewed errors",
                count(reviewed),
                Some(format!("{} coverage", pct(ratio_u(reviewed, errors), 1))),
            );
            big_number(
                ui,
                "Reviewed correct",
                count(doc.annotations.reviewed_correct()),
                None,
            );
        });
        ui.add_space(16.0);
        top_tags_ui(ui, doc.table());
        if ui.button("Open the prioritisation table").clicked() {
            ctx.commands.send(Action::Show(View::Prioritise));
        }
        ui.add_space(16.0);
        self.watch_ui(ctx, ui);
        ui.add_space(8.0);
        let per_class = doc.summary.confusion.per_class(&doc.ds.classes);
        egui::CollapsingHeader::new("False positives and false negatives per class").show(
            ui,
            |ui| {
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
                            ui.label(count(c.false_positives))
                                .on_hover_text("Examples wrongly predicted as this class");
                            ui.label(count(c.false_negatives))
                                .on_hover_text("Examples of this class predicted as another");
                            ui.end_row();
                        }
                    });
            },
        );
        if !doc.warnings.is_empty() {
            ui.add_space(16.0);
            ui.heading("Notes on this file");
            for w in &doc.warnings {
                ui.label(format!("• {w}"));
            }
        }
    }

    /// The watch list of costly confusions.
    fn watch_ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let classes = &ctx.doc.ds.classes;
        ui.heading("Costly confusions");
        ui.label(RichText::new("(true, predicted) pairs that matter more than their count: an offensive mis-transcription, a defect passed as good").weak());
        let stats = self.watch.as_ref().map_or(&[][..], |(_, s)| s.as_slice());
        egui::Grid::new("watch")
            .num_columns(6)
            .striped(true)
            .show(ui, |ui| {
                for (i, w) in stats.iter().enumerate() {
                    if ui
                        .link(format!("{} ➡ {}", w.truth, w.pred))
                        .on_hover_text("Review these examples")
                        .clicked()
                    {
                        ctx.commands.send(Command::ShowCell {
                            truth: w.truth.clone(),
                            pred: w.pred.clone(),
                        });
                    }
                    ui.label(format!("{} examples", count(w.count)));
                    ui.label(format!("{} of {}", pct(w.rate, 2), w.truth))
                        .on_hover_text(format!("95% {}", pct_ci(w.rate_ci, 2)));
                    ui.label(format!("{} of errors", pct(w.share_of_errors, 2)));
                    ui.label(
                        RichText::new(
                            w.examples
                                .iter()
                                .take(3)
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", "),
                        )
                        .weak(),
                    );
                    if ui.small_button("Remove").clicked() {
                        ctx.commands.send(Command::RemoveWatch(i));
                    }
                    ui.end_row();
                }
            });
        ui.horizontal(|ui| {
            let (t, p) = &mut self.new_watch;
            widgets::class_picker(ui, "watch-true", "True", t, classes, Some("(choose)"));
            widgets::class_picker(
                ui,
                "watch-pred",
                "predicted as",
                p,
                classes,
                Some("(choose)"),
            );
            let ready = t.is_some() && p.is_some() && t != p;
            if ui
                .add_enabled(ready, egui::Button::new("Watch"))
                .on_hover_text("Add this pair to the watch list (saved in the session)")
                .clicked()
                && let (Some(t), Some(p)) = (*t, *p)
            {
                ctx.commands.send(Command::AddWatch(WatchPair {
                    truth: classes[t as usize].clone(),
                    pred: classes[p as usize].clone(),
                }));
            }
        });
    }
}

/// The three tags with the largest expected lift.
fn top_tags_ui(ui: &mut Ui, table: &[TagRow]) {
    ui.heading("Top tags by expected lift");
    let mut top: Vec<TagRow> = table
        .iter()
        .filter(|r| r.expected_lift.value.is_some())
        .cloned()
        .collect();
    sort_rows(&mut top, SortKey::ExpectedLift, true);
    if top.is_empty() {
        ui.label(
            "No tag has an expected lift yet: tag errors in the Review view or add rule tags, and give tags an HLP.",
        );
    }
    for r in top.iter().take(3) {
        ui.horizontal(|ui| {
            widgets::swatch(ui, hex_colour(&r.colour));
            ui.label(RichText::new(&r.tag).strong());
            let cell = |key| crate::core::render::tag_cell(r, key);
            ui.label(format!(
                "lift {} · accuracy {} vs HLP {} · {} of data",
                cell(SortKey::ExpectedLift),
                cell(SortKey::Accuracy),
                cell(SortKey::Hlp),
                cell(SortKey::ShareOfData)
            ));
            if r.few_reviewed {
                widgets::few_reviewed(ui, r);
            }
        });
    }
}
