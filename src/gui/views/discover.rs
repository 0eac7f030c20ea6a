//! The Discover view: slice discovery (SliceLine). The parameters, a Run
//! button that searches on a worker thread (per-level progress, Cancel),
//! and the slices found: error rate with its interval, score, lift, the
//! tags they overlap; "Review" lists a slice's rows, "Rule tag" adds it
//! to the prioritisation table.

use std::sync::Arc;

use egui::{RichText, Ui};

use super::{AppView, View};
use crate::core::dataset::Dataset;
use crate::core::discover::{
    DiscoverOptions, DiscoveryReport, ErrorKind, FoundSlice, MinSupport, discover, features,
};
use crate::core::filter::{ReviewFilter, Scope};
use crate::core::render::{count, p_value, pct, pct_ci, points, points_with_ci};
use crate::core::session::TagDef;
use crate::core::tags::Annotations;
use crate::gui::commands::Command;
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::{Job, Polled};
use crate::gui::{theme, widgets};

/// Jaccard overlap from which a slice counts as covered by a tag.
const COVERED: f64 = 0.9;

/// How the table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// SliceLine's score (the search's order).
    Score,
    /// Rows.
    Size,
    /// Error rate.
    ErrorRate,
    /// Lift.
    Lift,
}

/// The Discover view's parameters and result.
pub struct DiscoverView {
    /// Weight of the error rate, 0 < α ≤ 1.
    pub alpha: f64,
    /// Slices to return.
    pub k: usize,
    /// Most predicates per slice.
    pub max_level: usize,
    /// Minimum support as typed ("1%", "50").
    pub min_support: String,
    /// What an error is.
    pub errors: ErrorKind,
    /// Slice columns and whether each is searched.
    pub columns: Vec<(String, bool)>,
    /// The table's order.
    pub sort: SortBy,
    /// A search running on the "slicewise-discover" thread (its main
    /// counter is the level searched).
    job: Option<Job<Result<DiscoveryReport, String>>>,
    /// The last result, or why it failed.
    pub result: Option<Result<DiscoveryReport, String>>,
}

impl DiscoverView {
    /// Starts a search with the current parameters.
    pub fn run(&mut self, ds: &Arc<Dataset>, state: &Arc<Annotations>, ctx: &egui::Context) {
        let min_support = match MinSupport::parse(&self.min_support) {
            Ok(m) => m,
            Err(e) => {
                self.result = Some(Err(e.to_string()));
                return;
            }
        };
        let opts = DiscoverOptions {
            alpha: self.alpha,
            k: self.k,
            max_level: self.max_level,
            min_support,
        };
        let names: Vec<String> = self
            .columns
            .iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c.clone())
            .collect();
        if names.is_empty() {
            self.result = Some(Err("Tick at least one column to slice on".into()));
            return;
        }
        let (ds, state, kind) = (Arc::clone(ds), Arc::clone(state), self.errors);
        let wake = ctx.clone();
        let job = Job::try_spawn("slicewise-discover", Some(ctx), move |progress| {
            let (feats, _) = features(&ds, &names).map_err(|e| e.to_string())?;
            let errors = kind.errors(&ds);
            let level = |l: usize| {
                progress.set_done(l as u64);
                wake.request_repaint();
            };
            let cancel = progress.cancel_flag();
            let found = discover(&feats, &errors, ds.rows(), &opts, &level, Some(&cancel))
                .map_err(|e| e.to_string())?;
            Ok(DiscoveryReport::new(
                &ds,
                Some(&state),
                &feats,
                &errors,
                &found,
            ))
        });
        match job {
            Ok(job) => {
                self.job = Some(job);
                self.result = None;
            }
            Err(e) => self.result = Some(Err(format!("Cannot start the search ({e})"))),
        }
    }

    /// Stops a running search.
    pub fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel();
        }
    }
}

/// What the Discover view keeps in the session.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    alpha: f64,
    k: usize,
    max_level: usize,
    min_support: String,
    /// Columns left out of the search.
    unticked: Vec<String>,
}

impl AppView for DiscoverView {
    fn new(doc: &Document) -> Self {
        let saved: Option<Saved> = super::saved(doc, View::Discover);
        // Unless the user chose, columns that describe the human label
        // start unticked.
        let defaults: Vec<&str> = doc
            .ds
            .default_slice_columns()
            .map(|c| c.name.as_str())
            .collect();
        let columns = doc
            .ds
            .slice_columns()
            .filter(|c| c.groups().n_groups() <= crate::core::discover::MAX_VALUES)
            .map(|c| {
                let ticked = match &saved {
                    Some(s) => !s.unticked.contains(&c.name),
                    None => defaults.contains(&c.name.as_str()),
                };
                (c.name.clone(), ticked)
            })
            .collect();
        let mut view = Self {
            alpha: crate::core::discover::DEFAULT_ALPHA,
            k: crate::core::discover::DEFAULT_K,
            max_level: crate::core::discover::DEFAULT_MAX_LEVEL,
            min_support: crate::core::discover::DEFAULT_MIN_SUPPORT.into(),
            errors: ErrorKind::Misclassified,
            columns,
            sort: SortBy::Score,
            job: None,
            result: None,
        };
        if let Some(s) = saved {
            view.alpha = s.alpha.clamp(0.5, 1.0);
            view.k = s.k.clamp(1, 100);
            view.max_level = s.max_level.clamp(1, 5);
            view.min_support = s.min_support;
        }
        view
    }

    fn options(&self) -> Option<String> {
        super::to_ron(&Saved {
            alpha: self.alpha,
            k: self.k,
            max_level: self.max_level,
            min_support: self.min_support.clone(),
            unticked: self
                .columns
                .iter()
                .filter(|(_, on)| !on)
                .map(|(c, _)| c.clone())
                .collect(),
        })
    }

    fn refresh(&mut self, _ctx: &ViewCtx<'_>) {
        match self.job.as_ref().map(Job::poll) {
            Some(Polled::Ready(result)) => {
                self.result = Some(result);
                self.job = None;
            }
            Some(Polled::Lost) => {
                self.result = Some(Err("The search stopped unexpectedly".into()));
                self.job = None;
            }
            Some(Polled::Running) | None => {}
        }
    }

    fn busy(&self) -> Option<&'static str> {
        self.job.as_ref().map(|_| "slices")
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        self.parameters_ui(ctx, ui);
        ui.separator();
        if let Some(job) = &self.job {
            let mut cancel = false;
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Searching level {} of at most {} over {} rows… {:.1} s",
                    job.progress().done(),
                    self.max_level,
                    count(ds.rows() as u64),
                    job.elapsed().as_secs_f64()
                ));
                cancel = ui.button("Cancel").clicked();
            });
            if cancel {
                self.cancel();
            }
            return;
        }
        match &self.result {
            None => {
                ui.label("Press Run to find the column-value combinations where the model errs far more than on average.");
            }
            Some(Err(e)) => {
                ui.colored_label(theme::RED, e);
            }
            Some(Ok(report)) => {
                let mut sort = self.sort;
                results_ui(ctx, ui, report, &mut sort);
                self.sort = sort;
            }
        }
    }
}

impl DiscoverView {
    fn parameters_ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("α");
            ui.add(
                egui::Slider::new(&mut self.alpha, 0.5..=1.0)
                    .step_by(0.01)
                    .max_decimals(2),
            )
            .labelled_by(l.id)
            .on_hover_text(
                "Weight of the error rate against the slice's size (1: error rate only)",
            );
            let l = ui.label("Minimum support");
            let bad = MinSupport::parse(&self.min_support)
                .err()
                .map(|e| e.to_string());
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.min_support).desired_width(60.0))
                .labelled_by(l.id)
                .on_hover_text("Rows (50) or a share of them (1% or 0.01)");
            if let Some(e) = bad {
                field.on_hover_text(&e);
                ui.colored_label(theme::RED, "⚠").on_hover_text(e);
            }
            let l = ui.label("Max level");
            ui.add(egui::DragValue::new(&mut self.max_level).range(1..=5))
                .labelled_by(l.id);
            let l = ui.label("K");
            ui.add(egui::DragValue::new(&mut self.k).range(1..=100))
                .labelled_by(l.id);
            let mut kinds = vec![(ErrorKind::Misclassified, "misclassified".to_string())];
            if ds.human.is_some() {
                kinds.push((ErrorKind::HumanDisagrees, "human label disagrees".into()));
            }
            if ds.probas.is_some() {
                kinds.push((
                    ErrorKind::OneMinusTrueProbability,
                    "1 − probability of the true class".into(),
                ));
            }
            if ds.classes.len() <= 20 {
                for (i, c) in ds.classes.iter().enumerate() {
                    let code = u32::try_from(i).unwrap_or(u32::MAX);
                    kinds.push((
                        ErrorKind::FalseNegative(code),
                        format!("false negatives of {c}"),
                    ));
                    kinds.push((
                        ErrorKind::FalsePositive(code),
                        format!("false positives of {c}"),
                    ));
                }
            }
            widgets::labelled_combo(ui, "disc-errors", "Errors", &mut self.errors, &kinds);
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Columns");
            for (name, on) in &mut self.columns {
                ui.checkbox(on, name.as_str());
            }
            let running = self.job.is_some();
            if ui
                .add_enabled(!running, egui::Button::new(RichText::new("Run").strong()))
                .on_hover_text("Search on a worker thread; the window stays responsive")
                .clicked()
            {
                let ds = Arc::clone(&ctx.doc.ds);
                self.run(&ds, &ctx.doc.annotations, ctx.egui);
            }
        });
    }
}

fn sort_key(s: &FoundSlice, by: SortBy) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    match by {
        SortBy::Score => s.score,
        SortBy::Size => s.size as f64,
        SortBy::ErrorRate => s.error_rate,
        SortBy::Lift => s.lift,
    }
}

fn results_ui(ctx: &ViewCtx<'_>, ui: &mut Ui, report: &DiscoveryReport, sort: &mut SortBy) {
    let shown = report.shown();
    ui.label(format!(
        "{} rows, average error {}, minimum support {} rows; candidates evaluated per level: {}; {} slices found, {} distinct sets of rows",
        count(report.rows as u64),
        pct(Some(report.average_error), 2),
        count(report.min_support),
        report
            .levels
            .iter()
            .map(|(l, n)| format!("{l}: {}", count(*n as u64)))
            .collect::<Vec<_>>()
            .join(", "),
        report.slices.len(),
        shown.len()
    ));
    if report.slices.is_empty() {
        ui.label(report.why_empty());
        return;
    }
    ui.label(
        RichText::new(format!(
            "One row per set of rows, under its shortest description. vs the rest: the slice's error rate minus that of all other rows (Newcombe's 95% interval); p: two-proportion z-test, Holm-adjusted over the {} slices shown.",
            shown.len()
        ))
        .weak(),
    );
    let number = |i: usize| shown.iter().position(|&j| j == i).map_or(0, |k| k + 1);
    let mut order: Vec<usize> = shown.clone();
    order.sort_by(|&a, &b| {
        sort_key(&report.slices[b], *sort)
            .total_cmp(&sort_key(&report.slices[a], *sort))
            .then(a.cmp(&b))
    });
    let max_rate = report
        .slices
        .iter()
        .filter_map(|s| s.ci.map_or(Some(s.error_rate), |c| Some(c.hi)))
        .fold(0.0f64, f64::max)
        .max(1e-9);
    // The slices stay put while the numbers scroll sideways: two grids whose
    // rows are made as tall as each other (a description's extra lines).
    let line = ui.spacing().interact_size.y;
    let small = ui.text_style_height(&egui::TextStyle::Small) + ui.spacing().item_spacing.y;
    #[allow(clippy::cast_precision_loss)]
    let height = |i: usize| {
        let extra =
            report.same_rows(i).len() + usize::from(report.slices[i].near_duplicate_of.is_some());
        line + extra as f32 * small
    };
    let row_start = |ui: &mut Ui, h: f32| {
        ui.allocate_exact_size(egui::vec2(0.0, h), egui::Sense::hover());
    };
    let available = ui.available_height();
    widgets::frozen_first_column(
        ui,
        "disc-results",
        available,
        |ui| {
            egui::Grid::new("disc-results-slices")
                .striped(true)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    row_start(ui, line);
                    ui.strong("#");
                    ui.label("");
                    ui.strong("slice");
                    ui.end_row();
                    for &i in &order {
                        let s = &report.slices[i];
                        row_start(ui, height(i));
                        ui.label(RichText::new(number(i).to_string()).weak());
                        match &s.rule {
                            Some(rule) => {
                                if ui
                                    .small_button("Rule tag")
                                    .on_hover_text(format!("A rule tag '{}' with the rule {rule} (undo removes it)", s.description))
                                    .clicked()
                                {
                                    ctx.commands.send(Command::CreateRuleTag(TagDef::rule(&s.description, "", rule)));
                                }
                            }
                            None => {
                                ui.label("");
                            }
                        }
                        ui.vertical(|ui| {
                            // A description is one line, as wide as it is.
                            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                            if ui
                                .link(&s.description)
                                .on_hover_text("Review this slice's rows")
                                .clicked()
                            {
                                super::review(ctx, ReviewFilter {
                                    scope: Scope::All,
                                    slices: s.predicates.clone(),
                                    ..ReviewFilter::default()
                                });
                            }
                            for j in report.same_rows(i) {
                                ui.label(RichText::new(format!("= {}", report.slices[j].name)).small().weak())
                                    .on_hover_text("The same rows, described with more predicates");
                            }
                            if let Some((j, jaccard)) = s.near_duplicate_of {
                                ui.label(RichText::new(format!("≈ {:.0}% of its rows shared with {}", jaccard * 100.0, number(j))).small().weak())
                                    .on_hover_text("Nearly the same rows as a better-ranked slice (Jaccard overlap ≥ 90%)");
                            }
                        });
                        ui.end_row();
                    }
                });
        },
        |ui| {
            egui::Grid::new("disc-results-numbers")
                .striped(true)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    row_start(ui, line);
                    for (name, by) in [("size", SortBy::Size)] {
                        if widgets::sort_header(ui, name, (*sort == by).then_some(true), "Sort by this column") {
                            *sort = by;
                        }
                    }
                    ui.strong("share");
                    if widgets::sort_header(ui, "error rate (95%)", (*sort == SortBy::ErrorRate).then_some(true), "Sort by this column") {
                        *sort = SortBy::ErrorRate;
                    }
                    ui.strong("vs the rest (95%)").on_hover_text("The slice's error rate minus that of all other rows, in points, with Newcombe's 95% interval");
                    ui.strong("p (Holm)").on_hover_text("Two-proportion z-test against the rest, Holm-adjusted over the slices shown");
                    if widgets::sort_header(ui, "score", (*sort == SortBy::Score).then_some(true), "SliceLine's score; sort by it") {
                        *sort = SortBy::Score;
                    }
                    if widgets::sort_header(ui, "lift", (*sort == SortBy::Lift).then_some(true), "What overall accuracy gains if the slice erred at the average rate") {
                        *sort = SortBy::Lift;
                    }
                    ui.strong("tags");
                    ui.end_row();
                    for &i in &order {
                        let s = &report.slices[i];
                        row_start(ui, height(i));
                        ui.label(count(s.size));
                        ui.label(pct(Some(s.share), 1));
                        ui.horizontal(|ui| {
                            #[allow(clippy::cast_possible_truncation)]
                            let fraction = (s.error_rate / max_rate) as f32;
                            widgets::bar(ui, fraction, 80.0, theme::RED);
                            ui.label(format!("{} {}", pct(Some(s.error_rate), 1), pct_ci(s.ci, 1)));
                        });
                        ui.horizontal(|ui| {
                            ui.label(points_with_ci(s.difference, s.difference_ci, 1));
                            if s.could_be_chance && s.p_value.is_some() {
                                ui.colored_label(theme::AMBER, "could be chance")
                                    .on_hover_text("The excess error is within what chance gives once the slices shown are taken together (Holm-adjusted p ≥ 0.05)");
                            }
                        });
                        ui.label(s.p_adjusted.map_or_else(String::new, p_value));
                        ui.label(format!("{:.3}", s.score));
                        ui.label(points(Some(s.lift)));
                        ui.horizontal(|ui| {
                            match s.overlaps.first() {
                                Some((tag, j)) if *j >= COVERED => {
                                    ui.label(RichText::new(format!("≈ {tag}")).strong())
                                        .on_hover_text(format!("Covered by the tag '{tag}': {:.0}% of their rows are shared", j * 100.0));
                                }
                                Some((tag, j)) => {
                                    ui.label(format!("{tag} ({:.0}%)", j * 100.0))
                                        .on_hover_text("Jaccard overlap with the tag's rows");
                                }
                                None => {}
                            }
                        });
                        ui.end_row();
                    }
                });
        },
    );
}
