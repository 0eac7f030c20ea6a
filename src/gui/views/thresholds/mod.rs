//! The Thresholds view: what the scores say. Three panels, each where the
//! data supports it:
//! - one-vs-rest curves (ROC, precision–recall) for a positive-class score
//!   or a class's probability column, with a threshold slider that opens at
//!   the model's own threshold (`curves.rs`);
//! - risk–coverage for a confidence: what abstaining below a confidence
//!   keeps, overall, for a class and per group (`coverage.rs`);
//! - calibration: the reliability diagram, ECE, MCE and Brier score overall
//!   and per group (`calibration.rs`).

mod calibration;
mod coverage;
mod curves;

use egui::{RichText, Ui};

use super::{AppView, computing_ui};
use crate::core::calibration::{self as calib, Binning, Calibration, DEFAULT_BINS, RiskCoverage};
use crate::core::dataset::Dataset;
use crate::core::report::resolve_positive;
use crate::core::slices::SliceKey;
use crate::core::thresholds::{GroupCurves, Op, ScoreAnalysis, ScoreMeaning};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::Computed;
use crate::gui::widgets;

/// The panels of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Panel {
    /// ROC and precision–recall curves with a threshold.
    Curves,
    /// Risk–coverage of a confidence.
    Coverage,
    /// Calibration.
    Calibration,
}

/// What the analysis is computed for.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    class: u32,
    meaning: Option<ScoreMeaning>,
    column: Option<String>,
    bins: usize,
    binning: Binning,
}

/// What the view shows for a key.
pub struct Analysis {
    /// How the score column is read, and whether that was detected.
    pub meaning: (ScoreMeaning, bool),
    /// Curves of the class's positive-class score, with per-group curves.
    pub curves: Option<(ScoreAnalysis, Option<GroupCurves>)>,
    /// Whether every score is a whole number (decile scores).
    pub integral: bool,
    /// Risk–coverage of the top-label confidence (with the class's counts),
    /// and per group.
    pub coverage: Option<(RiskCoverage, Vec<(String, RiskCoverage)>)>,
    /// Calibration overall and per group.
    pub calibration: Option<(Calibration, Vec<(String, Calibration)>)>,
}

impl Analysis {
    /// The panels this data supports.
    #[must_use]
    pub fn panels(&self) -> Vec<Panel> {
        let mut p = Vec::new();
        if self.curves.is_some() {
            p.push(Panel::Curves);
        }
        if self.coverage.is_some() {
            p.push(Panel::Coverage);
        }
        if self.calibration.is_some() {
            p.push(Panel::Calibration);
        }
        p
    }
}

/// The threshold being moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Moving {
    /// The threshold on the positive-class score.
    pub threshold: f64,
    /// `>=` or `>`.
    pub op: Op,
    /// One threshold per group (what-if).
    pub per_group: bool,
    /// The per-group thresholds.
    pub group_thresholds: Vec<f64>,
    /// The confidence below which the model abstains (risk–coverage).
    pub confidence: f64,
}

/// The Thresholds view's options and analysis.
pub struct ThresholdsView {
    /// The class: positive class of the curves, class of the counts.
    pub class: Option<u32>,
    /// How to read the score column (`None`: detect).
    pub meaning: Option<ScoreMeaning>,
    /// Slice column for per-group numbers.
    pub column: Option<String>,
    /// The panel shown.
    pub panel: Panel,
    /// Reliability bins.
    pub bins: usize,
    /// Equal-width or equal-mass bins.
    pub binning: Binning,
    /// The thresholds.
    pub moving: Moving,
    analysis: Computed<Key, Analysis>,
    /// The class names, to keep the class by name.
    classes: std::sync::Arc<Dataset>,
}

/// Per-group names and each row's group, for a slice column.
fn groups_of(ds: &Dataset, column: Option<&String>) -> Option<(Vec<String>, Vec<usize>)> {
    let column = column?;
    let key = SliceKey::new(ds, std::slice::from_ref(column)).ok()?;
    let mut index = vec![usize::MAX; key.cells()];
    let mut names = Vec::new();
    let mut cells = Vec::with_capacity(ds.rows());
    for row in 0..ds.rows() {
        let c = key.cell(row);
        if index[c] == usize::MAX {
            index[c] = names.len();
            names.push(key.values(c).join(" & "));
        }
        cells.push(c);
    }
    // Groups in the column's order, not first appearance.
    let mut order: Vec<usize> = (0..key.cells())
        .filter(|&c| index[c] != usize::MAX)
        .collect();
    order.sort_unstable();
    let mut remap = vec![0; key.cells()];
    let names = order
        .iter()
        .enumerate()
        .map(|(g, &c)| {
            remap[c] = g;
            key.values(c).join(" & ")
        })
        .collect();
    Some((names, cells.into_iter().map(|c| remap[c]).collect()))
}

fn compute(ds: &Dataset, key: &Key) -> Analysis {
    let meaning = ScoreMeaning::resolve(ds, Some(key.class), key.meaning);
    let curves = ScoreAnalysis::compute(ds, key.class, key.meaning).map(|a| {
        let groups = key
            .column
            .as_ref()
            .and_then(|c| a.group_curves(ds, std::slice::from_ref(c)).ok());
        (a, groups)
    });
    let integral = curves.as_ref().is_some_and(|(a, _)| {
        crate::core::thresholds::ScoreRange::of(&a.scores).is_none_or(|r| r.integral)
    });
    let groups = groups_of(ds, key.column.as_ref());
    let coverage = calib::top_label_confidence(ds, meaning.0).map(|conf| {
        let correct = |i: usize| !ds.is_error(i);
        let unit = |i: usize| ds.unit(i);
        let overall = RiskCoverage::with_class(&conf, correct, unit, |i| {
            (ds.label[i] == key.class, ds.pred[i] == key.class)
        });
        let per_group = groups.as_ref().map_or_else(Vec::new, |(names, cells)| {
            names
                .iter()
                .cloned()
                .zip(RiskCoverage::by_group(
                    &conf,
                    correct,
                    unit,
                    |i| cells[i],
                    names.len(),
                    // Exact wherever the slider can stop.
                    &overall.thresholds,
                ))
                .collect()
        });
        (overall, per_group)
    });
    let calibration =
        calib::inputs(ds, Some(key.class), meaning.0).map(|(scores, outcome, basis)| {
            let unit = |i: usize| ds.unit(i);
            let overall =
                calib::calibrate(&scores, |i| outcome[i], unit, key.bins, key.binning, basis);
            let per_group = groups.as_ref().map_or_else(Vec::new, |(names, cells)| {
                names
                    .iter()
                    .cloned()
                    .zip(calib::by_group(
                        &scores,
                        &outcome,
                        unit,
                        |i| cells[i],
                        names.len(),
                        key.bins,
                        basis,
                    ))
                    .collect()
            });
            (overall, per_group)
        });
    Analysis {
        meaning,
        curves,
        integral,
        coverage,
        calibration,
    }
}

impl ThresholdsView {
    fn key(&self) -> Option<Key> {
        self.class.map(|class| Key {
            class,
            meaning: self.meaning,
            column: self.column.clone(),
            bins: self.bins,
            binning: self.binning,
        })
    }

    /// The analysis for the current options, once computed.
    #[must_use]
    pub fn analysis(&self) -> Option<&Analysis> {
        self.key().and_then(|k| self.analysis.get(&k))
    }

    /// Puts the slider on the model's threshold (the middle of the scores
    /// when there is none).
    fn go_to_model_threshold(&mut self) {
        let Some((a, groups)) = self.analysis().and_then(|a| a.curves.as_ref()) else {
            return;
        };
        let (threshold, op) = a
            .model
            .map_or((f64::midpoint(a.range.0, a.range.1), Op::AtLeast), |m| {
                (m.value, m.op)
            });
        let n = groups.as_ref().map_or(0, |g| g.curves.len());
        let m = &mut self.moving;
        m.threshold = threshold;
        m.op = op;
        m.group_thresholds = vec![threshold; n];
    }
}

/// What the Thresholds view keeps in the session (the class by name).
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    class: Option<String>,
    meaning: Option<ScoreMeaning>,
    column: Option<String>,
    panel: Panel,
    bins: usize,
    binning: Binning,
}

impl AppView for ThresholdsView {
    fn new(doc: &Document) -> Self {
        let ds = &doc.ds;
        let positive = resolve_positive(ds, None).ok().flatten().map(|p| p.0);
        let saved = super::saved::<Saved>(doc, super::View::Thresholds);
        let s = saved.as_ref();
        Self {
            class: s
                .and_then(|s| s.class.as_deref())
                .and_then(|c| ds.class_code(c))
                .or(positive)
                .or(Some(0)),
            meaning: s.and_then(|s| s.meaning),
            column: s.map_or_else(
                || ds.slice_columns().next().map(|c| c.name.clone()),
                |s| s.column.clone().filter(|c| ds.column(c).is_some()),
            ),
            panel: s.map_or(Panel::Curves, |s| s.panel),
            bins: s.map_or(DEFAULT_BINS, |s| s.bins.clamp(2, 50)),
            binning: s.map_or(Binning::Uniform, |s| s.binning),
            classes: std::sync::Arc::clone(&doc.ds),
            moving: Moving {
                threshold: 0.5,
                op: Op::AtLeast,
                per_group: false,
                group_thresholds: Vec::new(),
                confidence: 0.0,
            },
            analysis: Computed::default(),
        }
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        let ds = &ctx.doc.ds;
        let Some(key) = self.key() else { return };
        if ds.score.is_none() && ds.probas.is_none() {
            return;
        }
        if !self.analysis.refresh(&key, &ctx.doc.ds, ctx.egui, compute) {
            return;
        }
        // New analysis: open at the model's threshold, keep a shown panel.
        self.go_to_model_threshold();
        if let Some(panels) = self.analysis().map(Analysis::panels)
            && !panels.contains(&self.panel)
            && let Some(&first) = panels.first()
        {
            self.panel = first;
        }
    }

    fn busy(&self) -> Option<&'static str> {
        self.analysis.is_running().then_some("score curves")
    }

    fn options(&self) -> Option<String> {
        super::to_ron(&Saved {
            class: self
                .class
                .and_then(|c| self.classes.classes.get(c as usize).cloned()),
            meaning: self.meaning,
            column: self.column.clone(),
            panel: self.panel,
            bins: self.bins,
            binning: self.binning,
        })
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        let columns: Vec<String> = ds.slice_columns().map(|c| c.name.clone()).collect();
        ui.horizontal_wrapped(|ui| {
            widgets::class_picker(ui, "th-pos", "Class", &mut self.class, &ds.classes, None);
            if ds.score.is_some() {
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
            }
            widgets::labelled_combo(
                ui,
                "th-col",
                "Per slice of",
                &mut self.column,
                &widgets::optional(&columns, "(none)"),
            );
        });
        if ds.score.is_none() && ds.probas.is_none() {
            ui.label("This file has no score or probability columns. Open it with --score COL or --proba-prefix PREFIX (or choose a score in the column dialog) to analyse thresholds and calibration.");
            return;
        }
        let Some(key) = self.key() else { return };
        let Some(analysis) = self.analysis.get(&key) else {
            computing_ui(ui, ds.rows());
            return;
        };
        let panels = analysis.panels();
        ui.horizontal(|ui| {
            for p in &panels {
                let label = match p {
                    Panel::Curves => "ROC and precision–recall",
                    Panel::Coverage => "Risk–coverage",
                    Panel::Calibration => "Calibration",
                };
                ui.selectable_value(&mut self.panel, *p, label);
            }
        });
        let (meaning, detected) = analysis.meaning;
        if detected && ds.probas.is_none() {
            ui.label(RichText::new(format!(
                "The score is read as {} (detected from how it separates the model's positive and negative predictions).",
                meaning.describe()
            )).weak());
        }
        if analysis.curves.is_none() && panels.contains(&Panel::Coverage) {
            ui.label(RichText::new(format!(
                "A confidence in the prediction says nothing about '{}' where another class was predicted, so with {} classes there are no one-vs-rest curves from it. Per-class probability columns (prob_<class>) would give them.",
                ds.classes[key.class as usize],
                ds.classes.len()
            )).weak());
        }
        ui.separator();
        match self.panel {
            Panel::Curves => {
                if let Some((a, groups)) = &analysis.curves {
                    curves::ui(ui, &mut self.moving, a, groups.as_ref(), analysis.integral);
                }
            }
            Panel::Coverage => {
                if let Some((overall, groups)) = &analysis.coverage {
                    let class = &ds.classes[key.class as usize];
                    coverage::ui(ui, &mut self.moving.confidence, overall, groups, class);
                }
            }
            Panel::Calibration => {
                if let Some((overall, groups)) = &analysis.calibration {
                    calibration::ui(ui, &mut self.bins, &mut self.binning, overall, groups);
                }
            }
        }
    }
}
