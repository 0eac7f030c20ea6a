//! The audit views: confusion matrix, per-class metrics, slices and fairness,
//! thresholds, label consistency. Their options live here; what they show is
//! computed by core in [`AuditState::refresh`], which `logic()` calls, so the
//! views only draw.

use std::sync::Arc;

use egui::{Align, Color32, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, HLine, Heatmap, Line, Plot, PlotPoints};

use super::app::App;
use super::command::{Command, View};
use super::jobs::Computed;
use super::widgets;
use super::workspace::Workspace;
use crate::core::bootstrap::DEFAULT_REPLICATES;
use crate::core::dataset::Dataset;
use crate::core::metrics::{ClassOrder, Normalize, OTHER, skew_warning};
use crate::core::render::{count, pct, pct_ci};
use crate::core::report::{HumanSummary, human_summary, resolve_positive};
use crate::core::session::{TagDef, WatchPair};
use crate::core::slices::{
    AEQUITAS_LOW, DEFAULT_MIN_SUPPORT, DisparityMetric, SliceAnalysis, SliceKey, group_rule,
};
use crate::core::stats::Proportion;
use crate::core::tags::ReviewState;
use crate::core::thresholds::{self, GroupCurves, PrCurve, Roc, ScoreCurve, ScoreMeaning};
use crate::core::watch::{self, WatchStat};

const RED: Color32 = Color32::from_rgb(230, 80, 80);

/// Options of the Slices view; the analysis is recomputed when they change.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceOptions {
    /// First slice column.
    pub a: Option<String>,
    /// Second slice column (intersection).
    pub b: Option<String>,
    /// Positive class for one-vs-rest rates.
    pub positive: Option<u32>,
    /// Reference group (`None`: the largest).
    pub reference: Option<String>,
    /// Minimum support.
    pub min_support: u64,
    /// Bootstrap the disparity metrics.
    pub bootstrap: bool,
}

/// What the Thresholds view needs, computed once per positive class, score
/// meaning and slice column; moving the slider then costs binary searches.
pub struct ThresholdData {
    /// How the score was read.
    pub meaning: ScoreMeaning,
    /// Whether the meaning was detected.
    pub detected: bool,
    /// The overall curve.
    pub curve: ScoreCurve,
    /// ROC curve.
    pub roc: Option<Roc>,
    /// PR curve.
    pub pr: Option<PrCurve>,
    /// ROC AUC.
    pub auc: Option<f64>,
    /// Average precision.
    pub ap: Option<f64>,
    /// Smallest and largest positive-class score.
    pub range: (f64, f64),
    /// Per-group curves for the chosen slice column.
    pub groups: Option<GroupCurves>,
}

type ThresholdKey = (u32, Option<ScoreMeaning>, Option<String>);

/// Options and cached results of the audit views.
pub struct AuditState {
    /// Confusion: normalisation.
    pub normalize: Normalize,
    /// Confusion: class order.
    pub order: ClassOrder,
    /// Confusion: blank the diagonal.
    pub hide_diagonal: bool,
    /// Confusion: classes shown before the rest go into "(other)".
    pub top_n: usize,
    /// Classes: sort column and direction.
    pub class_sort: (usize, bool),
    /// Slices: options.
    pub slice: SliceOptions,
    /// Slices: metric of the chart.
    pub chart_metric: DisparityMetric,
    slice_cache: Computed<SliceOptions, Result<SliceAnalysis, String>>,
    /// Thresholds: positive class.
    pub th_positive: Option<u32>,
    /// Thresholds: score meaning (`None`: detect).
    pub meaning: Option<ScoreMeaning>,
    /// Thresholds: the threshold.
    pub threshold: f64,
    /// Thresholds: slice column for per-group rates.
    pub th_column: Option<String>,
    /// Thresholds: one threshold per group (what-if).
    pub per_group: bool,
    /// Thresholds: the per-group thresholds.
    pub group_thresholds: Vec<f64>,
    threshold_cache: Computed<ThresholdKey, Result<ThresholdData, String>>,
    /// Labels: slice column for human agreement.
    pub human_column: Option<String>,
    human_cache: Computed<Option<String>, HumanView>,
    watch_cache: Option<(Vec<WatchPair>, Vec<WatchStat>)>,
    /// Watch list: the pair being added.
    pub new_watch: (Option<u32>, Option<u32>),
    /// Where the confusion heatmap was last drawn (plot transform and labels),
    /// so tests can click a cell.
    pub confusion_layout: Option<(egui_plot::PlotTransform, Vec<String>)>,
}

impl AuditState {
    /// Defaults for a dataset: the binary positive class when obvious, the
    /// first slice column.
    #[must_use]
    pub fn new(ds: &Dataset) -> Self {
        let positive = resolve_positive(ds, None).ok().flatten().map(|p| p.0);
        let first = ds.slice_columns().next().map(|c| c.name.clone());
        Self {
            normalize: Normalize::None,
            order: ClassOrder::Name,
            hide_diagonal: false,
            top_n: 30,
            class_sort: (0, false),
            slice: SliceOptions {
                a: first.clone(),
                b: None,
                positive,
                reference: None,
                min_support: DEFAULT_MIN_SUPPORT,
                bootstrap: false,
            },
            chart_metric: DisparityMetric::Accuracy,
            slice_cache: Computed::default(),
            th_positive: positive.or(Some(0)),
            meaning: None,
            threshold: 0.5,
            th_column: first.clone(),
            per_group: false,
            group_thresholds: Vec::new(),
            threshold_cache: Computed::default(),
            human_column: first,
            human_cache: Computed::default(),
            watch_cache: None,
            new_watch: (None, None),
            confusion_layout: None,
        }
    }

    /// Recomputes whatever an option change made stale (called from `logic()`);
    /// over large data the work runs on a worker thread.
    pub fn refresh(
        &mut self,
        ctx: &egui::Context,
        ds: &Arc<Dataset>,
        confusion: &crate::core::metrics::Confusion,
        state: &ReviewState,
        view: View,
    ) {
        match view {
            View::Slices => {
                self.slice_cache
                    .refresh(&self.slice, ds, ctx, slice_analysis);
            }
            View::Thresholds => self.refresh_thresholds(ctx, ds),
            View::Labels => {
                self.human_cache
                    .refresh(&self.human_column, ds, ctx, human_analysis);
            }
            View::Overview => self.refresh_watch(ds, confusion, state),
            _ => {}
        }
    }

    fn threshold_key(&self) -> Option<ThresholdKey> {
        self.th_positive
            .map(|positive| (positive, self.meaning, self.th_column.clone()))
    }

    fn refresh_thresholds(&mut self, ctx: &egui::Context, ds: &Arc<Dataset>) {
        let Some(key) = self.threshold_key() else {
            return;
        };
        if !self.threshold_cache.refresh(&key, ds, ctx, threshold_data) {
            return;
        }
        // New curves: keep the threshold inside their score range.
        if let Some(Ok(d)) = self.threshold_cache.get(&key) {
            if !(d.range.0..=d.range.1).contains(&self.threshold) {
                self.threshold = f64::midpoint(d.range.0, d.range.1);
            }
            let n = d.groups.as_ref().map_or(0, |g| g.curves.len());
            self.group_thresholds = vec![self.threshold; n];
        }
    }

    fn refresh_watch(
        &mut self,
        ds: &Dataset,
        confusion: &crate::core::metrics::Confusion,
        state: &ReviewState,
    ) {
        if self
            .watch_cache
            .as_ref()
            .is_some_and(|(p, _)| *p == state.watch)
        {
            return;
        }
        let valid: Vec<WatchPair> = state
            .watch
            .iter()
            .filter(|p| watch::resolve(ds, p).is_ok())
            .cloned()
            .collect();
        let stats = watch::stats(ds, confusion, &valid).unwrap_or_default();
        self.watch_cache = Some((state.watch.clone(), stats));
    }

    /// The slice analysis for the current options, once computed.
    #[must_use]
    pub fn slices(&self) -> Option<&Result<SliceAnalysis, String>> {
        self.slice_cache.get(&self.slice)
    }

    /// What a worker thread is computing for the views, if anything.
    #[must_use]
    pub fn computing(&self) -> Option<&'static str> {
        [
            (self.slice_cache.is_running(), "slice metrics"),
            (self.threshold_cache.is_running(), "score curves"),
            (self.human_cache.is_running(), "human agreement"),
        ]
        .into_iter()
        .find_map(|(running, what)| running.then_some(what))
    }
}

fn slice_analysis(ds: &Dataset, o: &SliceOptions) -> Result<SliceAnalysis, String> {
    let Some(a) = &o.a else {
        return Err("Choose a column to slice by".to_string());
    };
    let mut cols = vec![a.clone()];
    cols.extend(o.b.clone().filter(|b| b != a));
    SliceAnalysis::compute(ds, &cols, o.positive, o.min_support, o.reference.as_deref())
        .map(|mut s| {
            if o.bootstrap {
                s.bootstrap(DEFAULT_REPLICATES, 0);
            }
            s
        })
        .map_err(|e| e.to_string())
}

/// What the Labels view shows: human agreement overall, per class and per
/// group of the chosen column.
#[derive(Clone)]
pub struct HumanView {
    summary: Option<HumanSummary>,
    slices: Option<SliceAnalysis>,
}

#[allow(clippy::ref_option)] // the `fn(&Dataset, &K)` shape that `Computed` calls
fn human_analysis(ds: &Dataset, column: &Option<String>) -> HumanView {
    HumanView {
        summary: human_summary(ds),
        slices: column
            .as_ref()
            .and_then(|c| SliceAnalysis::compute(ds, std::slice::from_ref(c), None, 0, None).ok()),
    }
}

fn threshold_data(ds: &Dataset, key: &ThresholdKey) -> Result<ThresholdData, String> {
    let (positive, meaning, column) = (key.0, key.1, key.2.as_deref());
    if ds.score.is_none() {
        return Err("This file has no score column. Open it with --score COL (or choose one in the column dialog) to analyse thresholds.".into());
    }
    let detected = meaning.is_none();
    let meaning = meaning.unwrap_or_else(|| ScoreMeaning::detect(ds, positive));
    let scores = thresholds::positive_scores(ds, positive, meaning).ok_or("no score column")?;
    let actual: Vec<bool> = ds.label.iter().map(|&l| l == positive).collect();
    let curve = ScoreCurve::new(&actual, &scores);
    let roc = curve.roc();
    let range = scores
        .iter()
        .filter(|s| s.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &s| {
            (a.min(s), b.max(s))
        });
    let groups = column.and_then(|c| {
        let cols = [c.to_string()];
        SliceKey::new(ds, &cols)
            .ok()
            .map(|key| GroupCurves::new(ds, &key, positive, &scores))
    });
    Ok(ThresholdData {
        meaning,
        detected,
        auc: roc.as_ref().map(|r| thresholds::trapezoid(&r.fpr, &r.tpr)),
        ap: curve.average_precision(),
        pr: curve.pr(),
        roc,
        curve,
        range: if range.0.is_finite() {
            range
        } else {
            (0.0, 1.0)
        },
        groups,
    })
}

fn combo_opt(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut Option<String>,
    options: &[String],
    none: &str,
) {
    widgets::labelled_combo(ui, id, label, value, &widgets::optional(options, none));
}

fn class_combo(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut Option<u32>,
    classes: &[String],
    none: Option<&str>,
) {
    widgets::labelled_combo(ui, id, label, value, &widgets::class_options(classes, none));
}

/// The heatmap colour of `t` in 0..=1 (clamped; NaN is the lowest), from
/// dark through blue to yellow. `egui_plot`'s own palette panics on values
/// above its range, which the "(other)" cells are.
fn heat_colour(t: f64) -> Color32 {
    const STOPS: [[f64; 3]; 3] = [
        [20.0, 24.0, 36.0],
        [40.0, 90.0, 160.0],
        [250.0, 200.0, 80.0],
    ];
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) } * 2.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = (t.floor() as usize).min(1);
    let f = t - i as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let channel = |k: usize| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f).round() as u8;
    Color32::from_rgb(channel(0), channel(1), channel(2))
}

/// Shown while a worker computes a view over large data.
fn computing(ui: &mut Ui, rows: usize) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(format!("Computing over {} rows…", count(rows as u64)));
    });
}

/// Places of cell centres on an axis of `n` unit tiles.
fn centre_marks(n: usize) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    move |_| {
        (0..n)
            .map(|i| egui_plot::GridMark {
                value: i as f64 + 0.5,
                step_size: 1.0,
            })
            .collect()
    }
}

fn cell_at(p: egui_plot::PlotPoint, n: usize) -> Option<(usize, usize)> {
    if p.x < 0.0 || p.y < 0.0 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (col, row_from_bottom) = (p.x as usize, p.y as usize);
    (col < n && row_from_bottom < n).then(|| (n - 1 - row_from_bottom, col))
}

/// The confusion matrix as a heatmap: click a cell to review its examples.
pub fn confusion(app: &mut App, ui: &mut Ui) {
    let App {
        workspace, pending, ..
    } = app;
    let Some(ws) = workspace else { return };
    let ds = ws.ds.clone();
    let a = &mut ws.audit;
    ui.horizontal_wrapped(|ui| {
        ui.label("Show");
        for (n, label) in [
            (Normalize::None, "counts"),
            (Normalize::True, "by true class (recall)"),
            (Normalize::Pred, "by prediction (precision)"),
            (Normalize::All, "share of all"),
        ] {
            ui.selectable_value(&mut a.normalize, n, label);
        }
        ui.separator();
        ui.label("Order");
        for (o, label) in [
            (ClassOrder::Name, "name"),
            (ClassOrder::Support, "support"),
            (ClassOrder::Errors, "errors"),
        ] {
            ui.selectable_value(&mut a.order, o, label);
        }
        ui.separator();
        ui.checkbox(&mut a.hide_diagonal, "Hide the diagonal");
        if ds.classes.len() > 8 {
            ui.separator();
            let label = ui.label("Top classes");
            ui.add(egui::DragValue::new(&mut a.top_n).range(2..=ds.classes.len().max(2)))
                .labelled_by(label.id);
        }
    });
    let full = &ws.summary.confusion;
    let top = a.top_n.max(2);
    let (labels, m) = full.collapse(&ds.classes, &full.top_classes(a.order, top), top);
    let n = labels.len();
    let norm = m.normalized(a.normalize);
    let by_true = m.normalized(Normalize::True);
    let by_pred = m.normalized(Normalize::Pred);
    let hide = a.hide_diagonal;
    // Rows from the bottom up: the first class at the top.
    let mut values = Vec::with_capacity(n * n);
    // The colour scale leaves out the "(other)" row and column, which sum
    // many classes and would wash out every real cell; they saturate instead.
    let mut max = 0.0_f64;
    for (r, row) in norm.iter().enumerate().rev() {
        for (c, v) in row.iter().enumerate() {
            let v = v.unwrap_or(f64::NAN);
            let v = if hide && r == c { f64::NAN } else { v };
            let other = labels[r] == OTHER || labels[c] == OTHER;
            if v.is_finite() && (!other || n == 1) {
                max = max.max(v);
            }
            values.push(v);
        }
    }
    let max = max.max(1e-12);
    // Column names under the columns when they fit, else numbers, which the
    // row names then carry too ("3 cat").
    let cell = (ui.available_width() - 160.0).min(ui.available_height() - 60.0) / n as f32;
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    let numbered = longest as f32 * widgets::TICK_CHAR_PX > cell;
    let counts_mode = a.normalize == Normalize::None;
    let heat = Heatmap::new(values, n)
        .range(0.0, max)
        .custom_mapping(Box::new(move |v| heat_colour(v / max)))
        .show_labels(n <= 20)
        .formatter(Box::new(move |v| {
            if v.is_nan() {
                String::new()
            } else if counts_mode {
                format!("{v:.0}")
            } else {
                format!("{:.1}%", v * 100.0)
            }
        }))
        .name("confusion");
    let axis_label = |i: usize| -> String {
        if numbered {
            (i + 1).to_string()
        } else {
            labels[i].clone()
        }
    };
    let x_labels: Vec<String> = (0..n).map(axis_label).collect();
    let y_labels: Vec<String> = (0..n)
        .map(|i| {
            if numbered {
                format!("{} {}", i + 1, labels[i])
            } else {
                labels[i].clone()
            }
        })
        .collect();
    let hover_labels = labels.clone();
    let m_hover = m.clone();
    let response = Plot::new("confusion-plot")
        .data_aspect(1.0)
        .allow_scroll(false)
        .show_grid(false)
        .y_axis_label("true")
        .x_grid_spacer(centre_marks(n))
        .y_grid_spacer(centre_marks(n))
        .custom_x_axes(vec![
            widgets::dense_x_axis()
                .label(if numbered {
                    "predicted (numbered as the rows)"
                } else {
                    "predicted"
                })
                .formatter(move |mark, _| {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let i = mark.value.floor() as usize;
                    x_labels.get(i).cloned().unwrap_or_default()
                }),
        ])
        .y_axis_formatter(move |mark, _| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let i = mark.value.floor() as usize;
            if i < n {
                y_labels[n - 1 - i].clone()
            } else {
                String::new()
            }
        })
        .label_formatter(move |hover| {
            let pos = match hover {
                egui_plot::HoverPosition::NearDataPoint { position, .. }
                | egui_plot::HoverPosition::Elsewhere { position } => *position,
            };
            let (t, p) = cell_at(pos, n)?;
            Some(format!(
                "true {} ➡ predicted {}\n{} examples\n{} of true {}\n{} of predicted {}",
                hover_labels[t],
                hover_labels[p],
                count(m_hover.get(t, p)),
                pct(by_true[t][p], 1),
                hover_labels[t],
                pct(by_pred[t][p], 1),
                hover_labels[p]
            ))
        })
        .show(ui, |plot| plot.add(heat));
    ws.audit.confusion_layout = Some((response.transform, labels.clone()));
    if response.response.clicked()
        && let Some(pointer) = response.response.interact_pointer_pos()
        && let Some((t, p)) = cell_at(response.transform.value_from_position(pointer), n)
        && labels[t] != OTHER
        && labels[p] != OTHER
    {
        pending.push(Command::ShowCell {
            truth: labels[t].clone(),
            pred: labels[p].clone(),
        });
    }
}

const CLASS_COLUMNS: [&str; 7] = ["class", "precision", "recall", "F1", "support", "FP", "FN"];

/// Per-class metrics: a sortable table, a grouped bar chart and averages.
pub fn classes(app: &mut App, ui: &mut Ui) {
    let App { workspace, .. } = app;
    let Some(ws) = workspace else { return };
    let ds = ws.ds.clone();
    let m = &ws.summary.confusion;
    let mut per_class = m.per_class(&ds.classes);
    let averages = m.averages();
    if let Some(w) = skew_warning(&per_class) {
        ui.colored_label(Color32::from_rgb(240, 180, 60), format!("⚠ {w}"));
    }
    let (col, desc) = ws.audit.class_sort;
    let key = |c: &crate::core::metrics::ClassMetrics| -> f64 {
        match col {
            1 => c.precision.unwrap_or(-1.0),
            2 => c.recall.unwrap_or(-1.0),
            3 => c.f1.unwrap_or(-1.0),
            4 => c.support as f64,
            5 => c.false_positives as f64,
            6 => c.false_negatives as f64,
            _ => 0.0,
        }
    };
    if col > 0 {
        per_class.sort_by(|a, b| key(a).total_cmp(&key(b)));
    }
    if desc {
        per_class.reverse();
    }
    let height = (ui.available_height() * 0.5).max(150.0);
    let names: Vec<String> = per_class.iter().map(|c| c.class.clone()).collect();
    let numbered = !widgets::names_fit(&names, ui.available_width());
    ui.push_id("class-table", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .cell_layout(Layout::right_to_left(Align::Center))
            .column(Column::auto().at_least(100.0))
            .columns(Column::auto().at_least(70.0), CLASS_COLUMNS.len() - 1)
            .header(22.0, |mut h| {
                for (i, name) in CLASS_COLUMNS.iter().enumerate() {
                    h.col(|ui| {
                        let sorted = (col == i).then_some(desc);
                        let tip = "Sort by this column; again to reverse";
                        if widgets::sort_header(ui, name, sorted, tip) {
                            ws.audit.class_sort = if col == i { (i, !desc) } else { (i, i > 0) };
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, per_class.len() + 3, |mut row| {
                    let i = row.index();
                    if let Some(c) = per_class.get(i) {
                        row.col(|ui| {
                            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                                ui.label(widgets::numbered_name(i, &c.class, numbered))
                            });
                        });
                        row.col(|ui| {
                            ui.label(pct(c.precision, 1))
                                .on_hover_text(format!("95% {}", pct_ci(c.precision_ci, 1)));
                        });
                        row.col(|ui| {
                            ui.label(pct(c.recall, 1))
                                .on_hover_text(format!("95% {}", pct_ci(c.recall_ci, 1)));
                        });
                        row.col(|ui| {
                            ui.label(pct(c.f1, 1));
                        });
                        row.col(|ui| {
                            ui.label(count(c.support));
                        });
                        row.col(|ui| {
                            ui.label(count(c.false_positives));
                        });
                        row.col(|ui| {
                            ui.label(count(c.false_negatives));
                        });
                    } else {
                        let (name, p) = match i - per_class.len() {
                            0 => ("micro avg", averages.micro),
                            1 => ("macro avg", averages.macro_avg),
                            _ => ("weighted avg", averages.weighted),
                        };
                        row.col(|ui| {
                            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                                ui.strong(name)
                            });
                        });
                        for v in [p.precision, p.recall, p.f1] {
                            row.col(|ui| {
                                ui.strong(pct(v, 1));
                            });
                        }
                        for _ in 0..3 {
                            row.col(|_| {});
                        }
                    }
                });
            });
    });
    ui.separator();
    let mk = |name: &str,
              offset: f64,
              colour: Color32,
              f: fn(&crate::core::metrics::ClassMetrics) -> Option<f64>| {
        let bars: Vec<Bar> = per_class
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Bar::new(i as f64 + offset, f(c).unwrap_or(0.0) * 100.0)
                    .width(0.25)
                    .fill(colour.gamma_multiply(0.8))
                    .name(&c.class)
            })
            .collect();
        BarChart::new(name, bars).color(colour)
    };
    let charts = [
        mk("precision", -0.27, Color32::from_rgb(78, 121, 167), |c| {
            c.precision
        }),
        mk("recall", 0.0, Color32::from_rgb(242, 142, 43), |c| c.recall),
        mk("F1", 0.27, Color32::from_rgb(89, 161, 79), |c| c.f1),
    ];
    widgets::category_plot("class-chart", names, numbered)
        .legend(egui_plot::Legend::default())
        .include_y(0.0)
        .include_y(100.0)
        .y_axis_label("%")
        .show(ui, |plot| {
            for c in charts {
                plot.bar_chart(c);
            }
        });
}

/// Slices and fairness: groups with intervals, disparities, the Aequitas band,
/// and a button per group that turns it into a rule tag.
pub fn slices(app: &mut App, ui: &mut Ui) {
    let App {
        workspace, pending, ..
    } = app;
    let Some(ws) = workspace else { return };
    let ds = ws.ds.clone();
    let columns: Vec<String> = ds.slice_columns().map(|c| c.name.clone()).collect();
    let o = &mut ws.audit.slice;
    ui.horizontal_wrapped(|ui| {
        combo_opt(ui, "slice-a", "Slice by", &mut o.a, &columns, "(choose)");
        combo_opt(ui, "slice-b", "and", &mut o.b, &columns, "(nothing)");
        class_combo(
            ui,
            "slice-pos",
            "Positive class",
            &mut o.positive,
            &ds.classes,
            Some("(none: accuracy only)"),
        );
        let label = ui.label("Minimum support");
        ui.add(egui::DragValue::new(&mut o.min_support).range(1..=100_000))
            .labelled_by(label.id);
        ui.checkbox(&mut o.bootstrap, "Bootstrap intervals")
            .on_hover_text(format!(
                "{DEFAULT_REPLICATES} resamples, seed 0, for the disparity metrics"
            ));
    });
    let Some(result) = ws.audit.slices() else {
        computing(ui, ds.rows());
        return;
    };
    let s = match result {
        Ok(s) => s.clone(),
        Err(e) => {
            ui.label(e);
            return;
        }
    };
    let groups: Vec<String> = s
        .groups
        .iter()
        .map(crate::core::slices::Group::name)
        .collect();
    ui.horizontal_wrapped(|ui| {
        let mut reference = ws.audit.slice.reference.clone();
        combo_opt(
            ui,
            "slice-ref",
            "Reference group",
            &mut reference,
            &groups,
            "(largest)",
        );
        ws.audit.slice.reference = reference;
        let with_positive = s.positive.is_some();
        let metrics: Vec<DisparityMetric> = DisparityMetric::ALWAYS
            .into_iter()
            .chain(if with_positive {
                DisparityMetric::WITH_POSITIVE.to_vec()
            } else {
                Vec::new()
            })
            .collect();
        if !metrics.contains(&ws.audit.chart_metric) {
            ws.audit.chart_metric = DisparityMetric::Accuracy;
        }
        let name = ui.label("Chart");
        egui::ComboBox::from_id_salt("chart-metric")
            .selected_text(ws.audit.chart_metric.key())
            .show_ui(ui, |ui| {
                for m in metrics {
                    ui.selectable_value(&mut ws.audit.chart_metric, m, m.key());
                }
            })
            .response
            .labelled_by(name.id);
    });
    disparity_panel(ui, &s);
    let height = (ui.available_height() * 0.45).max(140.0);
    let numbered = !widgets::names_fit(&groups, ui.available_width());
    slice_table(ui, &ds, &s, height, numbered, pending);
    ui.separator();
    slice_chart(ui, &s, ws.audit.chart_metric, numbered);
}

fn disparity_panel(ui: &mut Ui, s: &SliceAnalysis) {
    let d = &s.disparity;
    let b = s.disparity_ci.unwrap_or_default();
    let ci = crate::core::render::interval_text;
    let num = |v: Option<f64>| crate::core::render::num(v, 3);
    egui::Grid::new("disparity")
        .num_columns(3)
        .spacing([24.0, 2.0])
        .show(ui, |ui| {
            ui.strong("Fairlearn, between groups");
            ui.strong("difference");
            ui.strong("ratio");
            ui.end_row();
            let mut row = |name: &str, diff: Option<f64>, dci, ratio: Option<f64>, rci| {
                ui.label(name);
                ui.label(format!("{}{}", pct(diff, 1), ci(dci, true)));
                ui.label(format!("{}{}", num(ratio), ci(rci, false)));
                ui.end_row();
            };
            row(
                "accuracy",
                d.accuracy_difference,
                b.accuracy_difference,
                d.accuracy_ratio,
                b.accuracy_ratio,
            );
            if s.positive.is_some() {
                row(
                    "demographic parity",
                    d.demographic_parity_difference,
                    b.demographic_parity_difference,
                    d.demographic_parity_ratio,
                    b.demographic_parity_ratio,
                );
                row(
                    "equalized odds",
                    d.equalized_odds_difference,
                    b.equalized_odds_difference,
                    d.equalized_odds_ratio,
                    b.equalized_odds_ratio,
                );
            }
        });
}

fn slice_table(
    ui: &mut Ui,
    ds: &Dataset,
    s: &SliceAnalysis,
    height: f32,
    numbered: bool,
    pending: &mut Vec<Command>,
) {
    let with_positive = s.positive.is_some();
    let mut headers = vec!["group", "count", "share", "accuracy", "error rate"];
    if with_positive {
        headers.extend(["FPR", "FNR", "TPR", "precision", "selection"]);
    }
    headers.extend(["vs reference", ""]);
    ui.push_id("slice-table", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .cell_layout(Layout::right_to_left(Align::Center))
            .column(Column::auto().at_least(140.0).resizable(true))
            .columns(Column::auto().at_least(62.0), headers.len() - 3)
            .column(Column::auto().at_least(150.0))
            .column(Column::auto())
            .header(20.0, |mut h| {
                for (i, name) in headers.iter().enumerate() {
                    h.col(|ui| {
                        if i == 0 {
                            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                                ui.strong(*name)
                            });
                        } else {
                            ui.strong(*name);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, s.groups.len(), |mut row| {
                    let i = row.index();
                    let g = &s.groups[i];
                    let c = &g.counts;
                    let low = s.low_support(i);
                    let weak = |t: String| {
                        if low {
                            RichText::new(t).weak()
                        } else {
                            RichText::new(t)
                        }
                    };
                    let rate = |ui: &mut Ui, p: Proportion| {
                        ui.label(weak(pct(p.value(), 1)))
                            .on_hover_text(format!("95% {}", pct_ci(p.ci(), 1)));
                    };
                    row.col(|ui| {
                        ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                            ui.label(weak(widgets::numbered_name(i, &g.name(), numbered)));
                            if low {
                                ui.label(
                                    RichText::new(format!("low support (<{})", s.min_support))
                                        .small()
                                        .color(RED),
                                );
                            }
                        });
                    });
                    row.col(|ui| {
                        ui.label(weak(count(c.n)));
                    });
                    row.col(|ui| rate(ui, s.share(i)));
                    row.col(|ui| rate(ui, Proportion::new(c.correct, c.n)));
                    row.col(|ui| rate(ui, Proportion::new(c.n - c.correct, c.n)));
                    if with_positive {
                        let b = &c.binary;
                        for p in [b.fpr(), b.fnr(), b.tpr(), b.precision(), b.selection_rate()] {
                            row.col(|ui| rate(ui, p));
                        }
                    }
                    row.col(|ui| {
                        if s.reference == Some(i) {
                            ui.label(RichText::new("reference").weak());
                        } else if let Some(d) = s.aequitas.get(i) {
                            let out: Vec<&str> = d
                                .iter()
                                .filter(|x| x.flagged)
                                .map(|x| x.metric.key())
                                .collect();
                            if out.is_empty() {
                                ui.label(RichText::new("within 0.8–1.25").weak());
                            } else {
                                let detail: Vec<String> = d
                                    .iter()
                                    .map(|x| {
                                        format!(
                                            "{}: {}",
                                            x.metric.key(),
                                            x.ratio.map_or_else(
                                                || "n/a".into(),
                                                |r| format!("{r:.2}")
                                            )
                                        )
                                    })
                                    .collect();
                                ui.colored_label(RED, out.join(", "))
                                    .on_hover_text(detail.join("\n"));
                            }
                        }
                    });
                    row.col(|ui| {
                        let cmd = group_rule(ds, &s.columns, &g.values)
                            .map(|rule| Command::CreateRuleTag(TagDef::rule(&g.name(), "", &rule)));
                        if let Some(cmd) = cmd
                            && ui
                                .small_button("Rule tag")
                                .on_hover_text(
                                    "Add this group to the prioritisation table as a rule tag",
                                )
                                .clicked()
                        {
                            pending.push(cmd);
                        }
                    });
                });
            });
    });
}

fn slice_chart(ui: &mut Ui, s: &SliceAnalysis, metric: DisparityMetric, numbered: bool) {
    let names: Vec<String> = s
        .groups
        .iter()
        .map(crate::core::slices::Group::name)
        .collect();
    let reference = s.reference.map(|r| metric.of(&s.groups[r].counts).value());
    let mut bars = Vec::new();
    let mut whiskers = Vec::new();
    for (i, g) in s.groups.iter().enumerate() {
        let p = metric.of(&g.counts);
        let Some(v) = p.value() else { continue };
        let flagged = s
            .aequitas
            .get(i)
            .is_some_and(|d| d.iter().any(|x| x.metric == metric && x.flagged));
        let colour = if s.low_support(i) {
            Color32::GRAY
        } else if flagged {
            RED
        } else {
            Color32::from_rgb(78, 121, 167)
        };
        bars.push(
            Bar::new(i as f64, v * 100.0)
                .width(0.6)
                .fill(colour)
                .name(&names[i]),
        );
        if let Some(ci) = p.ci() {
            whiskers.push((i as f64, ci.lo * 100.0, ci.hi * 100.0));
        }
    }
    let text = ui.visuals().text_color();
    widgets::category_plot("slice-chart", names.clone(), numbered)
        .include_y(0.0)
        .y_axis_label(format!(
            "{} (%), 95% intervals; the band is 0.8–1.25 × the reference",
            metric.key()
        ))
        .show(ui, |plot| {
            if let Some(Some(r)) = reference {
                let band = egui_plot::Polygon::new(
                    "0.8–1.25 band",
                    PlotPoints::from(vec![
                        [-0.5, r * AEQUITAS_LOW * 100.0],
                        [names.len() as f64 - 0.5, r * AEQUITAS_LOW * 100.0],
                        [
                            names.len() as f64 - 0.5,
                            (r / AEQUITAS_LOW * 100.0).min(100.0),
                        ],
                        [-0.5, (r / AEQUITAS_LOW * 100.0).min(100.0)],
                    ]),
                )
                .fill_color(Color32::from_rgba_unmultiplied(120, 200, 120, 30))
                .stroke(egui::Stroke::NONE);
                plot.polygon(band);
                plot.hline(
                    HLine::new("reference", r * 100.0).color(Color32::from_rgb(120, 200, 120)),
                );
            }
            plot.bar_chart(BarChart::new(metric.key(), bars));
            for (x, lo, hi) in whiskers {
                plot.line(
                    Line::new("interval", PlotPoints::from(vec![[x, lo], [x, hi]]))
                        .color(text)
                        .width(2.0),
                );
            }
        });
}

/// Thresholds: ROC and PR curves with the operating point, and a slider that
/// recomputes the confusion counts, rates and per-slice FPR/FNR live.
pub fn thresholds_view(app: &mut App, ui: &mut Ui) {
    let App { workspace, .. } = app;
    let Some(ws) = workspace else { return };
    let ds = ws.ds.clone();
    let columns: Vec<String> = ds.slice_columns().map(|c| c.name.clone()).collect();
    let a = &mut ws.audit;
    ui.horizontal_wrapped(|ui| {
        class_combo(
            ui,
            "th-pos",
            "Positive class",
            &mut a.th_positive,
            &ds.classes,
            None,
        );
        let name = ui.label("Score is");
        egui::ComboBox::from_id_salt("meaning")
            .selected_text(match a.meaning {
                None => "detected",
                Some(ScoreMeaning::Positive) => "the positive-class score",
                Some(ScoreMeaning::Confidence) => "the confidence in the prediction",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut a.meaning, None, "detected");
                ui.selectable_value(
                    &mut a.meaning,
                    Some(ScoreMeaning::Positive),
                    "the positive-class score",
                );
                ui.selectable_value(
                    &mut a.meaning,
                    Some(ScoreMeaning::Confidence),
                    "the confidence in the prediction",
                );
            })
            .response
            .labelled_by(name.id);
        combo_opt(
            ui,
            "th-col",
            "Per slice of",
            &mut a.th_column,
            &columns,
            "(none)",
        );
    });
    // Take the cached curves out while the slider changes the options.
    let Some((key, result)) = a.threshold_key().and_then(|k| a.threshold_cache.take(&k)) else {
        computing(ui, ds.rows());
        return;
    };
    match &result {
        Ok(d) => threshold_body(ui, a, d),
        Err(e) => {
            ui.label(e.as_str());
        }
    }
    a.threshold_cache.put((key, result));
}

fn threshold_body(ui: &mut Ui, a: &mut AuditState, d: &ThresholdData) {
    if d.detected {
        ui.label(RichText::new(format!(
            "The score is read as {} (detected from how it separates the model's positive and negative predictions).",
            match d.meaning {
                ScoreMeaning::Positive => "the score of the positive class",
                ScoreMeaning::Confidence => "the model's confidence in its prediction",
            }
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
        ui.label(RichText::new(format!("ROC curve, AUC {}", value(d.auc))).strong());
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
                value(d.ap)
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
        if let Some(g) = &d.groups {
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

/// Label consistency: human labels against the true labels, overall, per
/// class and per slice, and the examples where they disagree.
pub fn labels(app: &mut App, ui: &mut Ui) {
    let App {
        workspace, pending, ..
    } = app;
    let Some(ws) = workspace else { return };
    let ds = ws.ds.clone();
    let Some(view) = ws.audit.human_cache.get(&ws.audit.human_column).cloned() else {
        computing(ui, ds.rows());
        return;
    };
    let Some(h) = view.summary else {
        ui.label("This file has no human-label column. Open it with --human COL (or choose one in the column dialog) to compare human labels with the true labels; that agreement is the human-level performance baseline.");
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
    if ui
        .button("Review the disagreements")
        .on_hover_text(
            "Open the Review view on the examples whose human label differs from the true label",
        )
        .clicked()
    {
        pending.push(Command::ShowHumanDisagreements);
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
        combo_opt(
            ui,
            "human-col",
            "Per slice of",
            &mut ws.audit.human_column,
            &columns,
            "(none)",
        );
        if let Some(s) = &view.slices {
            egui::Grid::new("human-slice")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for g in &s.groups {
                        let p = Proportion::new(g.counts.human_correct, g.counts.human_n);
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

/// The watch list of costly confusions, for the Overview.
pub fn watch_list(ws: &mut Workspace, ui: &mut Ui, pending: &mut Vec<Command>) {
    ui.heading("Costly confusions");
    ui.label(RichText::new("(true, predicted) pairs that matter more than their count: an offensive mis-transcription, a defect passed as good").weak());
    let ds = ws.ds.clone();
    let stats = ws
        .audit
        .watch_cache
        .as_ref()
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
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
                    pending.push(Command::ShowCell {
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
                    pending.push(Command::RemoveWatch(i));
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        let (t, p) = &mut ws.audit.new_watch;
        class_combo(ui, "watch-true", "True", t, &ds.classes, Some("(choose)"));
        class_combo(
            ui,
            "watch-pred",
            "predicted as",
            p,
            &ds.classes,
            Some("(choose)"),
        );
        let ready = t.is_some() && p.is_some() && t != p;
        if ui
            .add_enabled(ready, egui::Button::new("Watch"))
            .on_hover_text("Add this pair to the watch list (saved in the session)")
            .clicked()
            && let (Some(t), Some(p)) = (*t, *p)
        {
            pending.push(Command::AddWatch(WatchPair {
                truth: ds.classes[t as usize].clone(),
                pred: ds.classes[p as usize].clone(),
            }));
        }
    });
}
