//! The Compare view: the open file against a second run of the model on the
//! same examples. The overall paired change, a dumbbell chart per tag and per
//! slice group (before and after, the interval of the change, significant
//! regressions in red), and the flips per true class. Every count and dot
//! opens Review on exactly those examples.

use std::sync::Arc;

use egui::{Color32, RichText, Sense, Stroke, Ui, pos2, vec2};

use super::{AppView, computing_ui};
use crate::core::compare::{Change, CompareReport, Flip, RunComparison};
use crate::core::dataset::Dataset;
use crate::core::render::{count, p_value as p_text, pct, points as pts, points_ci as ci_text};
use crate::core::stats::Interval;
use crate::core::tags::Annotations;
use crate::gui::actions::Action;
use crate::gui::commands::{Command, tips};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::Computed;
use crate::gui::{theme, widgets};

/// Significance level of the view (as `compare --significance` by default).
const ALPHA: f64 = 0.05;
/// Width of a dumbbell.
const CHART_WIDTH: f32 = 240.0;

/// What the comparison report is computed for.
#[derive(Clone)]
struct Key {
    compared: Arc<RunComparison>,
    state: Arc<Annotations>,
    generation: u64,
    column: Option<String>,
    positive: Option<u32>,
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.compared, &other.compared)
            && self.generation == other.generation
            && self.column == other.column
            && self.positive == other.positive
    }
}

fn compute(ds: &Dataset, k: &Key) -> Result<CompareReport, String> {
    let by: Vec<Vec<String>> = k.column.iter().map(|c| vec![c.clone()]).collect();
    k.compared
        .report(ds, Some(&k.state), &by, ALPHA, k.positive)
        .map_err(|e| e.to_string())
}

/// What the slice groups' dumbbells compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Accuracy.
    Accuracy,
    /// True positive rate (two classes, a positive one chosen).
    Tpr,
    /// False positive rate (two classes, a positive one chosen).
    Fpr,
}

/// The Compare view's options and report.
pub struct CompareView {
    /// The slice column whose groups are compared.
    pub column: Option<String>,
    /// Positive class for TPR and FPR per group.
    pub positive: Option<u32>,
    /// What the slice groups' dumbbells show.
    pub metric: Metric,
    key: Option<Key>,
    report: Computed<Key, Result<CompareReport, String>>,
}

impl CompareView {
    /// The report on the current comparison and options, once computed.
    #[must_use]
    pub fn report(&self) -> Option<&Result<CompareReport, String>> {
        self.key.as_ref().and_then(|k| self.report.get(k))
    }
}

impl AppView for CompareView {
    fn new(doc: &Document) -> Self {
        let saved: Option<Option<String>> = super::saved(doc, super::View::Compare);
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
            positive: crate::core::report::resolve_positive(&doc.ds, None)
                .ok()
                .flatten()
                .map(|p| p.0),
            metric: Metric::Accuracy,
            key: None,
            report: Computed::default(),
        }
    }

    fn options(&self) -> Option<String> {
        super::to_ron(&self.column)
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        let Some(compared) = &ctx.doc.compare else {
            self.key = None;
            return;
        };
        let generation = ctx.doc.annotations.generation();
        let stale = self.key.as_ref().is_none_or(|k| {
            !Arc::ptr_eq(&k.compared, compared)
                || k.generation != generation
                || k.column != self.column
                || k.positive != self.positive
        });
        if stale {
            self.key = Some(Key {
                compared: Arc::clone(compared),
                state: Arc::clone(&ctx.doc.annotations),
                generation,
                column: self.column.clone(),
                positive: self.positive,
            });
        }
        if let Some(key) = &self.key {
            self.report.refresh(key, &ctx.doc.ds, ctx.egui, compute);
        }
    }

    fn busy(&self) -> Option<&'static str> {
        self.report.is_running().then_some("the comparison")
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let Some(compared) = &ctx.doc.compare else {
            empty_ui(ctx, ui);
            return;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(ctx.doc.file_name()).strong());
            ui.label("→");
            ui.label(RichText::new(file_name(&compared.after)).strong());
            if ui
                .button("Stop comparing")
                .on_hover_text(tips::CLOSE_COMPARE)
                .clicked()
            {
                ctx.commands.send(Command::CloseCompare);
            }
        });
        let Some((key, result)) = self.key.clone().and_then(|k| self.report.take(&k)) else {
            computing_ui(ui, ctx.doc.ds.rows());
            return;
        };
        match &result {
            Ok(report) => self.report_ui(ctx, ui, report),
            Err(e) => {
                ui.colored_label(theme::RED, e);
            }
        }
        self.report.put((key, result));
    }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |f| f.to_string_lossy().into_owned())
}

fn empty_ui(ctx: &ViewCtx<'_>, ui: &mut Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("Did it work?");
        ui.label(
            "Compare this run with another run of the model on the same examples (joined by id): \
             what it fixed and broke, per tag, slice group and class, with paired tests.",
        );
        ui.add_space(12.0);
        let action = Action::CompareDialog;
        if ui
            .button(RichText::new(action.label()).size(16.0))
            .on_hover_text(action.tooltip())
            .clicked()
        {
            ctx.commands.send(action);
        }
        ui.label(RichText::new("or drop the second run's file here while holding Shift").weak());
    });
}

/// Whether a change is for the better (a rise where higher is better, a
/// fall where it is worse); `None` for no change.
fn better(change: &Change, higher_is_better: bool) -> Option<bool> {
    change
        .delta
        .filter(|&d| d != 0.0)
        .map(|d| (d > 0.0) == higher_is_better)
}

/// The colour of a change: red for a significant regression, green for a
/// significant improvement, blue otherwise.
fn change_colour_by(
    change: &Change,
    regressed: bool,
    significant: bool,
    higher_is_better: bool,
) -> Color32 {
    if regressed {
        theme::RED
    } else if significant && better(change, higher_is_better) == Some(true) {
        theme::RIGHT
    } else {
        theme::BLUE
    }
}

/// One row of a dumbbell chart.
struct Dumbbell<'a> {
    name: String,
    change: &'a Change,
    p_adjusted: f64,
    regressed: bool,
    /// The examples behind the row: (slice conditions, tag, true class).
    slice: Vec<(String, String)>,
    tag: Option<String>,
    truth: Option<String>,
    /// Whether a rise is better (accuracy, TPR) or worse (FPR).
    higher_is_better: bool,
    /// Fixed and broken examples (right before and wrong after is broken).
    fixed: u64,
    broken: u64,
    /// Tags: expected and realised lift, and the interval of the realised.
    lifts: Option<(Option<f64>, Option<f64>, Option<Interval>)>,
}

/// The accuracy range all rows of a chart share, padded a little.
fn scale(rows: &[Dumbbell<'_>]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for r in rows {
        let c = r.change;
        for v in [c.before, c.after].into_iter().flatten() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if let (Some(b), Some(ci)) = (c.before, c.delta_ci) {
            lo = lo.min(b + ci.lo);
            hi = hi.max(b + ci.hi);
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(0.005);
    ((lo - pad).max(0.0), (hi + pad).min(1.0))
}

/// Draws one dumbbell: a hollow dot before, a filled dot after, a line
/// between them, and under them a bar over the 95% interval of the change
/// (placed at before + interval).
fn dumbbell(
    ui: &mut Ui,
    row: &Dumbbell<'_>,
    (lo, hi): (f64, f64),
    colour: Color32,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(vec2(CHART_WIDTH, 18.0), Sense::click());
    let c = row.change;
    let name = format!("{}: {} → {}", row.name, pct(c.before, 1), pct(c.after, 1));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let painter = ui.painter_at(rect.expand(2.0));
    let span = (hi - lo).max(1e-9);
    #[allow(clippy::cast_possible_truncation)]
    let x = |v: f64| rect.left() + 6.0 + ((v - lo) / span) as f32 * (rect.width() - 12.0);
    let y = rect.center().y;
    let faint = ui.visuals().weak_text_color();
    painter.line_segment(
        [pos2(rect.left(), y), pos2(rect.right(), y)],
        Stroke::new(0.5, faint.gamma_multiply(0.4)),
    );
    if let (Some(b), Some(ci)) = (c.before, c.delta_ci) {
        let (a, z) = (x(b + ci.lo), x(b + ci.hi));
        painter.line_segment(
            [pos2(a, y + 6.0), pos2(z, y + 6.0)],
            Stroke::new(3.0, colour.gamma_multiply(0.45)),
        );
    }
    if let (Some(b), Some(a)) = (c.before, c.after) {
        painter.line_segment([pos2(x(b), y), pos2(x(a), y)], Stroke::new(2.0, colour));
        painter.circle(
            pos2(x(b), y),
            4.0,
            ui.visuals().panel_fill,
            Stroke::new(1.5, faint),
        );
        painter.circle_filled(pos2(x(a), y), 4.5, colour);
    }
    if response.hovered() {
        ui.painter()
            .rect_stroke(rect, 2.0, Stroke::new(1.0, faint), egui::StrokeKind::Inside);
    }
    response
}

impl CompareView {
    fn report_ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui, report: &CompareReport) {
        let o = &report.overall;
        let a = &o.accuracy;
        ui.label(report.rows_sentence());
        for w in &report.warnings {
            ui.label(RichText::new(w).color(ui.visuals().warn_fg_color));
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!(
                    "Accuracy {} → {}",
                    pct(a.before, 2),
                    pct(a.after, 2)
                ))
                .heading(),
            );
            let significant = a.p_value < ALPHA;
            let colour = change_colour_by(
                a,
                significant && better(a, true) == Some(false),
                significant,
                true,
            );
            ui.label(
                RichText::new(format!("{} (95% {})", pts(a.delta), ci_text(a.delta_ci)))
                    .heading()
                    .color(colour),
            );
            ui.label(format!("McNemar exact p = {}", p_text(a.p_value)));
        });
        if let (Some(pos), Some((tpr, fpr))) = (&report.positive, &report.rates) {
            ui.horizontal_wrapped(|ui| {
                for (name, c, higher_is_better) in [
                    ("true positive rate", tpr, true),
                    ("false positive rate", fpr, false),
                ] {
                    let worse = better(c, higher_is_better) == Some(false);
                    let significant = c.p_value < ALPHA;
                    ui.label(format!(
                        "{name} ({pos} positive) {} → {}",
                        pct(c.before, 2),
                        pct(c.after, 2)
                    ));
                    ui.label(
                        RichText::new(format!("{} {}", pts(c.delta), ci_text(c.delta_ci))).color(
                            change_colour_by(
                                c,
                                worse && significant,
                                significant,
                                higher_is_better,
                            ),
                        ),
                    );
                    ui.label(format!("p = {}", p_text(c.p_value)));
                    ui.separator();
                }
            });
        }
        ui.horizontal(|ui| {
            flip_button(ui, ctx, Flip::Fixed, a.table.fixed, Vec::new(), None, None);
            flip_button(
                ui,
                ctx,
                Flip::Broken,
                a.table.broken,
                Vec::new(),
                None,
                None,
            );
        });
        ui.separator();
        widgets::colour_key(
            ui,
            &[
                (theme::RED, "significantly worse (Holm-adjusted p < 0.05)"),
                (theme::RIGHT, "significantly better"),
                (theme::BLUE, "no significant change"),
            ],
        );
        ui.label(
            RichText::new(
                "○ before, ● after; the bar under them is the 95% interval of the change. Click a row to review its broken (or fixed) examples.",
            )
            .weak(),
        );
        // Wider than a 1024-pixel window: the tables scroll sideways too.
        egui::ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // Tags none of whose examples are in both runs say nothing.
                let (tags, empty): (Vec<_>, Vec<_>) =
                    report.tags.iter().partition(|t| t.change.table.n() > 0);
                if !tags.is_empty() {
                    ui.add_space(6.0);
                    ui.strong("Tags: did the promised lift appear?");
                    let rows: Vec<Dumbbell<'_>> = tags
                        .into_iter()
                        .map(|t| Dumbbell {
                            name: if t.few_reviewed {
                                format!("{} ({})", t.tag, crate::core::render::FEW_REVIEWED_MARK)
                            } else {
                                t.tag.clone()
                            },
                            change: &t.change,
                            p_adjusted: t.p_adjusted,
                            regressed: t.regressed,
                            slice: Vec::new(),
                            tag: Some(t.tag.clone()),
                            truth: None,
                            higher_is_better: true,
                            fixed: t.change.table.fixed,
                            broken: t.change.table.broken,
                            lifts: Some((t.expected_lift, t.realised_lift, t.realised_lift_ci)),
                        })
                        .collect();
                    dumbbell_grid(ui, ctx, "cmp-tags", ("tag", "accuracy"), &rows);
                }
                if !empty.is_empty() {
                    let names: Vec<&str> = empty.iter().map(|t| t.tag.as_str()).collect();
                    ui.label(
                        RichText::new(format!(
                            "Not shown, having no example in both runs: {}",
                            names.join(", ")
                        ))
                        .weak(),
                    );
                }
                ui.add_space(6.0);
                let columns: Vec<String> =
                    ctx.doc.ds.slice_columns().map(|c| c.name.clone()).collect();
                ui.horizontal_wrapped(|ui| {
                    widgets::labelled_combo(
                        ui,
                        "cmp-column",
                        "Slice groups by",
                        &mut self.column,
                        &widgets::optional(&columns, "(none)"),
                    );
                    // TPR and FPR per group for two classes, where the
                    // examples behind each count are exactly a true class.
                    let ds = &ctx.doc.ds;
                    if ds.classes.len() == 2 {
                        widgets::class_picker(
                            ui,
                            "cmp-pos",
                            "Positive class",
                            &mut self.positive,
                            &ds.classes,
                            Some("(none: accuracy only)"),
                        );
                    }
                    if report.positive.is_some() && ds.classes.len() == 2 {
                        widgets::labelled_combo(
                            ui,
                            "cmp-metric",
                            "Compare",
                            &mut self.metric,
                            &[
                                (Metric::Accuracy, "accuracy".to_string()),
                                (
                                    Metric::Tpr,
                                    "true positive rate (recall of the positive class)".to_string(),
                                ),
                                (Metric::Fpr, "false positive rate".to_string()),
                            ],
                        );
                    } else {
                        self.metric = Metric::Accuracy;
                    }
                });
                for (column, groups) in &report.slices {
                    let order = crate::core::compare::worst_first(groups);
                    let metric = self.metric;
                    let classes = &ctx.doc.ds.classes;
                    let positive = report.positive.clone();
                    let negative = classes
                        .iter()
                        .find(|c| Some(*c) != positive.as_ref())
                        .cloned();
                    let rows: Vec<Dumbbell<'_>> = order
                        .into_iter()
                        .filter_map(|g| {
                            let (change, p_adjusted, regressed, truth) = match metric {
                                Metric::Accuracy => (&g.change, g.p_adjusted, g.regressed, None),
                                Metric::Tpr => g.tpr.as_ref().map(|r| {
                                    (&r.change, r.p_adjusted, r.regressed, positive.clone())
                                })?,
                                Metric::Fpr => g.fpr.as_ref().map(|r| {
                                    (&r.change, r.p_adjusted, r.regressed, negative.clone())
                                })?,
                            };
                            // Among negatives, predicted positive only after is broken.
                            let (fixed, broken) = if metric == Metric::Fpr {
                                (change.table.broken, change.table.fixed)
                            } else {
                                (change.table.fixed, change.table.broken)
                            };
                            Some(Dumbbell {
                                name: g.value.clone(),
                                change,
                                p_adjusted,
                                regressed,
                                slice: g.values.clone(),
                                tag: None,
                                truth,
                                higher_is_better: metric != Metric::Fpr,
                                fixed,
                                broken,
                                lifts: None,
                            })
                        })
                        .collect();
                    let measure = match metric {
                        Metric::Accuracy => "accuracy",
                        Metric::Tpr => "true positive rate",
                        Metric::Fpr => "false positive rate",
                    };
                    dumbbell_grid(ui, ctx, "cmp-slices", (column, measure), &rows);
                }
                ui.add_space(8.0);
                ui.strong("Flips per true class");
                flips_grid(ui, ctx, &o.flips_by_class);
                ui.add_space(8.0);
                egui::CollapsingHeader::new("Precision, recall and F1 per class, before → after")
                    .id_salt("cmp-classes")
                    .show(ui, |ui| classes_grid(ui, report));
            });
    }
}

/// A button that opens Review on the examples fixed (or broken) by the
/// second run, within a slice group, tag or true class.
fn flip_button(
    ui: &mut Ui,
    ctx: &ViewCtx<'_>,
    flip: Flip,
    n: u64,
    slice: Vec<(String, String)>,
    tag: Option<String>,
    truth: Option<String>,
) {
    let colour = match flip {
        Flip::Fixed => theme::RIGHT,
        Flip::Broken => theme::RED,
    };
    let text = format!("{}: {}", flip.label(), count(n));
    let text = if slice.is_empty() && tag.is_none() && truth.is_none() {
        RichText::new(format!("{text} by the second run")).color(colour)
    } else {
        RichText::new(count(n)).color(colour)
    };
    let button = ui
        .add_enabled(n > 0, egui::Button::new(text).small())
        .on_hover_text(tips::SHOW_FLIPS);
    if button.clicked() {
        ctx.commands.send(Command::ShowFlips {
            flip,
            slice,
            tag,
            truth,
        });
    }
}

fn dumbbell_grid(
    ui: &mut Ui,
    ctx: &ViewCtx<'_>,
    id: &str,
    (first, measure): (&str, &str),
    rows: &[Dumbbell<'_>],
) {
    let range = scale(rows);
    let tags = rows.first().is_some_and(|r| r.lifts.is_some());
    egui::Grid::new((id, first))
        .striped(true)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            ui.strong(first);
            ui.strong("count");
            ui.label(
                RichText::new(format!(
                    "{measure} {} … {}",
                    pct(Some(range.0), 0),
                    pct(Some(range.1), 0)
                ))
                .strong(),
            );
            ui.strong("change (95%)");
            ui.strong("fixed");
            ui.strong("broken");
            ui.strong("p (Holm)");
            if tags {
                ui.strong("expected lift");
                ui.strong("realised lift");
            }
            ui.end_row();
            for row in rows {
                let c = row.change;
                let colour = change_colour_by(
                    c,
                    row.regressed,
                    row.p_adjusted < ALPHA,
                    row.higher_is_better,
                );
                let name = if row.regressed {
                    RichText::new(&row.name).color(theme::RED).strong()
                } else {
                    RichText::new(&row.name)
                };
                ui.label(name);
                ui.label(count(c.table.n()));
                let (before_ci, after_ci) = c.table.before_after_ci();
                let hover = format!(
                    "{}: {} {} → {} {}, change {} (95% {}), {} fixed, {} broken, McNemar p = {}, Holm-adjusted {}",
                    row.name,
                    pct(c.before, 1),
                    crate::core::render::pct_ci(before_ci, 1),
                    pct(c.after, 1),
                    crate::core::render::pct_ci(after_ci, 1),
                    pts(c.delta),
                    ci_text(c.delta_ci),
                    count(row.fixed),
                    count(row.broken),
                    p_text(c.p_value),
                    p_text(row.p_adjusted)
                );
                let response = dumbbell(ui, row, range, colour).on_hover_text(hover);
                if response.clicked() {
                    let flip = if better(c, row.higher_is_better) == Some(true) {
                        Flip::Fixed
                    } else {
                        Flip::Broken
                    };
                    ctx.commands.send(Command::ShowFlips {
                        flip,
                        slice: row.slice.clone(),
                        tag: row.tag.clone(),
                        truth: row.truth.clone(),
                    });
                }
                ui.label(
                    RichText::new(format!("{} {}", pts(c.delta), ci_text(c.delta_ci)))
                        .color(colour),
                );
                for (flip, n) in [(Flip::Fixed, row.fixed), (Flip::Broken, row.broken)] {
                    flip_button(
                        ui,
                        ctx,
                        flip,
                        n,
                        row.slice.clone(),
                        row.tag.clone(),
                        row.truth.clone(),
                    );
                }
                ui.label(p_text(row.p_adjusted));
                if let Some((expected, realised, ci)) = row.lifts {
                    ui.label(pts(expected));
                    ui.label(format!("{} {}", pts(realised), ci_text(ci)))
                        .on_hover_text(tips::REALISED_LIFT);
                }
                ui.end_row();
            }
        });
}

fn flips_grid(ui: &mut Ui, ctx: &ViewCtx<'_>, by_class: &[(String, u64, u64)]) {
    if by_class.is_empty() {
        ui.label("No example changed between right and wrong.");
        return;
    }
    egui::Grid::new("cmp-flips")
        .striped(true)
        .spacing([16.0, 3.0])
        .show(ui, |ui| {
            ui.strong("true class");
            ui.strong("fixed");
            ui.strong("broken");
            ui.strong("net");
            ui.end_row();
            for (class, fixed, broken) in by_class {
                ui.label(class);
                for (flip, n) in [(Flip::Fixed, *fixed), (Flip::Broken, *broken)] {
                    flip_button(ui, ctx, flip, n, Vec::new(), None, Some(class.clone()));
                }
                #[allow(clippy::cast_possible_wrap)]
                let net = *fixed as i64 - *broken as i64;
                let colour = match net.signum() {
                    1 => theme::RIGHT,
                    -1 => theme::RED,
                    _ => ui.visuals().text_color(),
                };
                ui.label(RichText::new(format!("{net:+}")).color(colour));
                ui.end_row();
            }
        });
}

fn classes_grid(ui: &mut Ui, report: &CompareReport) {
    let arrow = |b: Option<f64>, a: Option<f64>| format!("{} → {}", pct(b, 1), pct(a, 1));
    egui::Grid::new("cmp-prf")
        .striped(true)
        .spacing([16.0, 3.0])
        .show(ui, |ui| {
            for h in ["class", "support", "precision", "recall", "F1"] {
                ui.strong(h);
            }
            ui.end_row();
            for c in &report.per_class {
                ui.label(&c.class);
                ui.label(count(c.support));
                ui.label(arrow(c.before.precision, c.after.precision));
                ui.label(arrow(c.before.recall, c.after.recall));
                ui.label(arrow(c.before.f1, c.after.f1));
                ui.end_row();
            }
        });
}
