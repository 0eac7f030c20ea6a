//! The Thresholds view: ROC and precision–recall curves with the operating
//! point, and a threshold slider that recomputes the confusion counts, rates
//! and per-group FPR/FNR live (binary searches over precomputed curves).

use egui::{RichText, Ui};

use super::{AppView, computing_ui};
use crate::core::dataset::Dataset;
use crate::core::render::{count, pct, pct_ci};
use crate::core::report::resolve_positive;
use crate::core::thresholds::{GroupCurves, ScoreAnalysis, ScoreMeaning};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::Computed;
use crate::gui::widgets;

/// What the curves are computed for: positive class, score meaning (`None`:
/// detect) and the slice column of the per-group rates.
type Key = (u32, Option<ScoreMeaning>, Option<String>);

/// The curves for a key: the score analysis and the per-group curves.
type Curves = Option<(ScoreAnalysis, Option<GroupCurves>)>;

/// What moves without recomputing: the threshold(s).
pub struct Moving {
    /// The threshold.
    pub threshold: f64,
    /// One threshold per group (what-if).
    pub per_group: bool,
    /// The per-group thresholds.
    pub group_thresholds: Vec<f64>,
}

/// The Thresholds view's options and curves.
pub struct ThresholdsView {
    /// Positive class.
    pub positive: Option<u32>,
    /// How to read the score (`None`: detect).
    pub meaning: Option<ScoreMeaning>,
    /// Slice column for per-group rates.
    pub column: Option<String>,
    /// The threshold(s).
    pub moving: Moving,
    curves: Computed<Key, Curves>,
}

fn compute(ds: &Dataset, key: &Key) -> Curves {
    let (positive, meaning, column) = key;
    let analysis = ScoreAnalysis::compute(ds, *positive, *meaning)?;
    let groups = column
        .as_ref()
        .and_then(|c| analysis.group_curves(ds, std::slice::from_ref(c)).ok());
    Some((analysis, groups))
}

impl ThresholdsView {
    fn key(&self) -> Option<Key> {
        self.positive
            .map(|p| (p, self.meaning, self.column.clone()))
    }
}

impl AppView for ThresholdsView {
    fn new(doc: &Document) -> Self {
        let ds = &doc.ds;
        let positive = resolve_positive(ds, None).ok().flatten().map(|p| p.0);
        Self {
            positive: positive.or(Some(0)),
            meaning: None,
            column: ds.slice_columns().next().map(|c| c.name.clone()),
            moving: Moving {
                threshold: 0.5,
                per_group: false,
                group_thresholds: Vec::new(),
            },
            curves: Computed::default(),
        }
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        let Some(key) = self.key() else { return };
        if ctx.doc.ds.score.is_none() || !self.curves.refresh(&key, &ctx.doc.ds, ctx.egui, compute)
        {
            return;
        }
        // New curves: keep the threshold inside their score range.
        if let Some(Some((a, groups))) = self.curves.get(&key) {
            let (lo, hi) = a.range;
            let m = &mut self.moving;
            if !(lo..=hi).contains(&m.threshold) {
                m.threshold = f64::midpoint(lo, hi);
            }
            let n = groups.as_ref().map_or(0, |g| g.curves.len());
            m.group_thresholds = vec![m.threshold; n];
        }
    }

    fn busy(&self) -> Option<&'static str> {
        self.curves.is_running().then_some("score curves")
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        let columns: Vec<String> = ds.slice_columns().map(|c| c.name.clone()).collect();
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_combo(
                ui,
                "th-pos",
                "Positive class",
                &mut self.positive,
                &widgets::class_options(&ds.classes, None),
            );
            widgets::labelled_combo(
                ui,
                "meaning",
                "Score is",
                &mut self.meaning,
                &[
                    (None, "detected".to_string()),
                    (
                        Some(ScoreMeaning::Positive),
                        ScoreMeaning::Positive.describe().to_string(),
                    ),
                    (
                        Some(ScoreMeaning::Confidence),
                        ScoreMeaning::Confidence.describe().to_string(),
                    ),
                ],
            );
            widgets::labelled_combo(
                ui,
                "th-col",
                "Per slice of",
                &mut self.column,
                &widgets::optional(&columns, "(none)"),
            );
        });
        if ds.score.is_none() {
            ui.label("This file has no score column. Open it with --score COL (or choose one in the column dialog) to analyse thresholds.");
            return;
        }
        let key = self.key();
        let Some(Some((analysis, groups))) = key.as_ref().and_then(|k| self.curves.get(k)) else {
            computing_ui(ui, ds.rows());
            return;
        };
        body_ui(ui, &mut self.moving, analysis, groups.as_ref());
    }
}

fn body_ui(ui: &mut Ui, a: &mut Moving, d: &ScoreAnalysis, groups: Option<&GroupCurves>) {
    if d.detected {
        ui.label(RichText::new(format!(
            "The score is read as {} (detected from how it separates the model's positive and negative predictions).",
            d.meaning.describe()
        )).weak());
    }
    let (lo, hi) = d.range;
    let mut t = a.threshold;
    ui.horizontal(|ui| {
        let label = ui.label("Threshold");
        ui.add(
            egui::Slider::new(&mut t, lo..=hi)
                .max_decimals(4)
                .min_decimals(2),
        )
        .labelled_by(label.id);
        ui.checkbox(&mut a.per_group, "A threshold per group (what-if)")
            .on_hover_text("Explore group-specific thresholds; the data is never changed");
    });
    a.threshold = t;
    let c = d.curve.counts_at(t);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        let point_roc = c.fpr().value().zip(c.tpr().value());
        let point_pr = c.tpr().value().zip(c.precision().value());
        let half = (ui.available_height() / 2.0 - 40.0).max(120.0);
        let value = |v: Option<f64>| v.map_or_else(|| "n/a".into(), |v| format!("{v:.4}"));
        ui.label(RichText::new(format!("ROC curve, AUC {}", value(d.roc_auc))).strong());
        let roc: Vec<[f64; 2]> = d
            .roc
            .iter()
            .flat_map(|r| r.fpr.iter().zip(&r.tpr).map(|(&x, &y)| [x, y]))
            .collect();
        widgets::unit_curve(
            ui,
            "ROC",
            half,
            ("false positive rate", "true positive rate"),
            roc,
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
        let pr: Vec<[f64; 2]> =
            d.pr.iter()
                .flat_map(|p| p.recall.iter().zip(&p.precision).map(|(&x, &y)| [x, y]))
                .collect();
        widgets::unit_curve(ui, "PR", half, ("recall", "precision"), pr, false, point_pr);
        let ui = &mut cols[1];
        ui.label(RichText::new(format!("At score ≥ {t:.4}")).strong());
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
            "TPR {} · FPR {} · precision {} · accuracy {} · F1 {} · selected {}",
            pct(c.tpr().value(), 1),
            pct(c.fpr().value(), 1),
            pct(c.precision().value(), 1),
            pct(c.accuracy().value(), 1),
            pct(c.f1(), 1),
            pct(c.selection_rate().value(), 1)
        ));
        ui.separator();
        if let Some(g) = groups {
            if a.group_thresholds.len() != g.curves.len() {
                a.group_thresholds = vec![t; g.curves.len()];
            }
            if !a.per_group {
                a.group_thresholds.iter_mut().for_each(|x| *x = t);
            }
            let counts = g.counts_at(t, a.per_group.then_some(a.group_thresholds.as_slice()));
            egui::Grid::new("th-groups")
                .num_columns(5)
                .striped(true)
                .show(ui, |ui| {
                    ui.strong("group");
                    ui.strong("threshold");
                    ui.strong("FPR");
                    ui.strong("FNR");
                    ui.strong("selected");
                    ui.end_row();
                    for (i, (values, c)) in g.groups.iter().zip(&counts).enumerate() {
                        ui.label(values.join(" & "));
                        if a.per_group {
                            ui.add(
                                egui::DragValue::new(&mut a.group_thresholds[i])
                                    .range(lo..=hi)
                                    .speed((hi - lo) / 500.0)
                                    .max_decimals(4),
                            );
                        } else {
                            ui.label(format!("{t:.4}"));
                        }
                        ui.label(pct(c.fpr().value(), 1))
                            .on_hover_text(format!("95% {}", pct_ci(c.fpr().ci(), 1)));
                        ui.label(pct(c.fnr().value(), 1))
                            .on_hover_text(format!("95% {}", pct_ci(c.fnr().ci(), 1)));
                        ui.label(pct(c.selection_rate().value(), 1));
                        ui.end_row();
                    }
                });
        }
    });
}
