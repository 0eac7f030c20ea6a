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
use crate::core::calibration::{Binning, DEFAULT_BINS};
use crate::core::dataset::Dataset;
use crate::core::render::count;
use crate::core::report::resolve_positive;
use crate::core::report::{ScorePanels, ScorePanelsKey};
use crate::core::thresholds::{Op, ScoreMeaning};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::Computed;
use crate::gui::widgets;

/// Most groups of the column a new Thresholds view is per slice of.
const DEFAULT_MAX_GROUPS: usize = 100;

/// The line under a per-group table that lists only the first
/// [`ScorePanels::MAX_GROUPS`] of `groups`.
fn more_groups(ui: &mut Ui, groups: usize) {
    if groups > ScorePanels::MAX_GROUPS {
        ui.weak(format!(
            "The first {} of {} groups: choose a column of fewer groups to see them all, or run: slicewise report FILE --by COLUMN --format json",
            count(ScorePanels::MAX_GROUPS),
            count(groups)
        ));
    }
}

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

/// The panels the data supports.
fn panels(a: &ScorePanels) -> Vec<Panel> {
    [
        (a.curves.is_some(), Panel::Curves),
        (a.coverage.is_some(), Panel::Coverage),
        (a.calibration.is_some(), Panel::Calibration),
    ]
    .into_iter()
    .filter_map(|(on, p)| on.then_some(p))
    .collect()
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
    analysis: Computed<ScorePanelsKey, ScorePanels>,
    /// The class names, to keep the class by name.
    classes: std::sync::Arc<Dataset>,
    /// The risk–coverage axis starts at zero (else it fits the curve).
    from_zero: bool,
}

impl ThresholdsView {
    fn key(&self) -> Option<ScorePanelsKey> {
        self.class.map(|class| ScorePanelsKey {
            class,
            meaning: self.meaning,
            column: self.column.clone(),
            bins: self.bins,
            binning: self.binning,
        })
    }

    /// The analysis for the current options, once computed.
    #[must_use]
    pub fn analysis(&self) -> Option<&ScorePanels> {
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
                || {
                    // A curve per group is for a handful of groups: a column of
                    // user ids (865,000 groups) made a view of 5 GB.
                    ds.default_slice_columns()
                        .find(|c| c.groups().n_groups() <= DEFAULT_MAX_GROUPS)
                        .map(|c| c.name.clone())
                },
                |s| s.column.clone().filter(|c| ds.column(c).is_some()),
            ),
            panel: s.map_or(Panel::Curves, |s| s.panel),
            bins: s.map_or(DEFAULT_BINS, |s| s.bins.clamp(2, 50)),
            binning: s.map_or(Binning::Uniform, |s| s.binning),
            classes: std::sync::Arc::clone(&doc.ds),
            from_zero: false,
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
        if !self
            .analysis
            .refresh(&key, &ctx.doc.ds, ctx.egui, ScorePanels::compute)
        {
            return;
        }
        // New analysis: open at the model's threshold, keep a shown panel.
        self.go_to_model_threshold();
        if let Some(panels) = self.analysis().map(panels)
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
            ui.label("This file has no score or probability columns. Choose a score column (File → Columns…, or --score COL or --proba-prefix PREFIX on the command line) to analyse thresholds and calibration.");
            super::columns_button(ui, ctx);
            return;
        }
        let Some(key) = self.key() else { return };
        let Some(analysis) = self.analysis.get(&key) else {
            computing_ui(ui, ds.rows());
            return;
        };
        let panels = panels(analysis);
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
                    curves::ui(
                        ui,
                        &mut self.moving,
                        a,
                        &analysis.drawn,
                        groups.as_ref(),
                        analysis.groups,
                        analysis.integral,
                    );
                }
            }
            Panel::Coverage => {
                if let Some((overall, groups)) = &analysis.coverage {
                    let class = &ds.classes[key.class as usize];
                    coverage::ui(
                        ui,
                        &mut self.moving.confidence,
                        overall,
                        groups,
                        analysis.groups,
                        class,
                        &mut self.from_zero,
                    );
                }
            }
            Panel::Calibration => {
                if let Some((overall, groups)) = &analysis.calibration {
                    calibration::ui(
                        ui,
                        &mut self.bins,
                        &mut self.binning,
                        overall,
                        groups,
                        analysis.groups,
                    );
                }
            }
        }
    }
}
